//! The checks of the fuzz targets (`fuzz/fuzz_targets/`), shared with the
//! stable regression test `fuzz_regressions.rs`: each function takes the raw
//! bytes a fuzzer produced, runs them through the readers and panics when
//! an invariant does not hold. A panic of the reader itself is a failure
//! too: readers must turn every input into a value or an error.
//!
//! The invariants, beyond "no panic":
//!
//! - household lines: when the hand-written fast path returns a household,
//!   the serde path returns the same one; `household_problems` is empty
//!   exactly when `parse_household` succeeds, and otherwise starts with its
//!   error; a household read back from its own JSON is equal to itself; an
//!   error never shows an identity number or a name written in the input.
//! - claim lines: the same, for `parse_claim` and `claim_problems`.
//! - CSV and xlsx tables: every household read back from its own JSON is
//!   equal to itself; a bad cell or record never shows an identity number or
//!   name of the member table unmasked.
//! - policy files: a policy that loads answers `show` and the parameter
//!   sets on any date without panicking.
//!
//! Accepted households and claims are also evaluated and settled with the
//! built-in policy, which must give a result or an error, never a panic.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::OnceLock;

use chrono::NaiveDate;
use fupin_core::record::read::{
    CellError, RegistryRead, csv_rows, read_registry_csv, read_villages_csv,
};
use fupin_core::record::table::MemberColumn;
use fupin_core::record::{
    Claim, Household, claim_problems, fast, household_problems, parse_record, xlsx,
};
use fupin_core::{Evaluator, Ledger, Policy, RecordError, parse_claim, parse_household};

/// The byte that separates the household table from the member table in a
/// CSV fuzz input.
pub const TABLE_SEPARATOR: u8 = 0x1e;

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| Policy::builtin("ningxia-2020").expect("the built-in policy loads"))
}

/// A few assessment dates: in force, at the edges, far out.
fn dates() -> [NaiveDate; 4] {
    [
        NaiveDate::from_ymd_opt(2020, 12, 31).unwrap(),
        NaiveDate::from_ymd_opt(2014, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
    ]
}

/// A household line (interfaces.md §2.1).
pub fn household(line: &[u8]) {
    let fast = fast::parse_household(line);
    if let Some(h) = &fast {
        let serde: Result<Household, RecordError> = parse_record(line);
        assert_eq!(serde.as_ref(), Ok(h), "the fast path and serde disagree");
    }
    record(
        line,
        &parse_household(line),
        &household_problems(line),
        |h| {
            household_reads_back(h);
            evaluate(h);
        },
    );
}

/// What every record line must satisfy: a good line lists no problem and
/// passes `good`; a bad line's first problem is its error; every message is
/// masked.
fn record<T>(
    line: &[u8],
    parsed: &Result<T, RecordError>,
    problems: &[RecordError],
    good: impl FnOnce(&T),
) {
    match parsed {
        Ok(r) => {
            assert_eq!(problems, [], "problems listed for a good line");
            good(r);
        }
        Err(e) => {
            assert_eq!(
                problems.first(),
                Some(e),
                "the first problem is not the error"
            );
            assert_masked_json(line, e);
        }
    }
    for p in problems {
        assert_masked_json(line, p);
    }
}

/// A claim line (interfaces.md §2.3).
pub fn claim(line: &[u8]) {
    record(line, &parse_claim(line), &claim_problems(line), |c| {
        let text = serde_json::to_vec(c).unwrap();
        assert_eq!(
            parse_claim(&text).as_ref(),
            Ok(c),
            "a claim does not read back"
        );
        settle(c);
    });
}

/// CSV tables. The first byte chooses the reader: even, the registry
/// (household table, [`TABLE_SEPARATOR`], member table); odd, the village
/// table.
pub fn csv(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let (hh, mm) = match rest.iter().position(|&b| b == TABLE_SEPARATOR) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &[][..]),
        };
        if let Ok(read) = read_registry_csv(hh, mm) {
            registry_checks(&read, &personal_cells(mm, rest));
        }
    } else {
        let _ = read_villages_csv(rest);
        // The row iterator alone: every item is a row or an error.
        for row in csv_rows(rest, "villages") {
            let _ = row;
        }
    }
}

/// An `.xlsx` workbook.
pub fn xlsx(data: &[u8]) {
    if let Ok(read) = xlsx::read_registry_xlsx(data.to_vec()) {
        registry_checks(&read.registry, &[]);
    }
    if let Ok(mut wb) = xlsx::Workbook::from_bytes(data.to_vec())
        && let Ok(range) = wb.table_range("villages")
    {
        for row in xlsx::sheet_rows(&range) {
            let _ = row;
        }
    }
}

/// A policy file (interfaces.md §5), as text (invalid UTF-8 is replaced).
pub fn policy_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match Policy::from_toml_str(&text, "fuzz.toml") {
        Ok(p) => {
            for d in dates() {
                let _ = p.show(d);
                let _ = p.household_params(d);
                let _ = p.claim_params(d);
                let _ = p.statistics_params(d);
            }
        }
        Err(e) => assert!(!e.to_string().is_empty(), "an empty policy error"),
    }
}

/// A household serialized to JSON reads back equal.
fn household_reads_back(h: &Household) {
    let text = serde_json::to_vec(h).unwrap();
    assert_eq!(
        parse_household(&text).as_ref(),
        Ok(h),
        "a household does not read back from {}",
        String::from_utf8_lossy(&text)
    );
}

/// Evaluates a readable household on a few dates: a decision or an error.
fn evaluate(h: &Household) {
    for d in dates() {
        if h.check_on(d).is_ok() {
            let _ = Evaluator::new(policy(), d).evaluate(h, false);
        }
    }
    let d = dates()[0];
    if h.check_on(d).is_ok() {
        let _ = Evaluator::new(policy(), d).evaluate(h, true);
    }
}

/// Settles a readable claim, with and without the explanation.
fn settle(c: &Claim) {
    for explain in [false, true] {
        let _ = Ledger::new().settle(policy(), c, explain);
    }
}

fn registry_checks(read: &RegistryRead, personal: &[String]) {
    assert_eq!(read.households.len(), read.rows.len());
    for entry in &read.households {
        match entry {
            Ok(h) => household_reads_back(h),
            Err(e) => assert_hides(personal, &e.to_string(), e),
        }
    }
    for e in &read.errors {
        assert_cell_hides(personal, e);
    }
}

/// The identity numbers and names of a member table (cells of its
/// `id_number` and `name` columns, found by the header as the reader finds
/// it) that are worth looking for in messages: see [`worth_hiding`], which
/// counts them in the whole `input` (both tables).
fn personal_cells(members: &[u8], input: &[u8]) -> Vec<String> {
    let mut rows = csv_rows(members, "members").filter_map(Result::ok);
    let Some(header) = rows.find(|r| !r.iter().all(|c| c.is_empty())) else {
        return Vec::new();
    };
    let columns: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(
                MemberColumn::from_header(&c.shown()),
                Some(MemberColumn::IdNumber | MemberColumn::Name)
            )
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    for row in rows {
        for &i in &columns {
            if let Some(cell) = row.get(i) {
                let text = cell.shown();
                if worth_hiding(input, &text) {
                    out.push(text);
                }
            }
        }
    }
    out
}

/// A personal value is looked for in messages when it cannot be there for
/// another reason: it is written once in the input, and it cannot be a word
/// or a field path of a message: an identity number of ten or more digits
/// (the last one may be `X`: from ten characters on, a number is masked), or
/// a name of two or more letters, none ASCII (a Chinese name: a value mixing
/// in ASCII may be a piece of a message the fuzzer copied into the cell).
fn worth_hiding(input: &[u8], value: &str) -> bool {
    let chars = value.chars().count();
    let id_number = chars >= 10
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x');
    let name = chars >= 2
        && value
            .chars()
            .all(|c| c.is_alphabetic() && !c.is_ascii() && c != '\u{fffd}');
    (id_number || name) && count(input, value.as_bytes()) == 1
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() || needle.len() > haystack.len() {
        return 0;
    }
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// Panics if `shown` holds one of the `personal` values. The list of
/// accepted values that a message may end with (`expected one of …`) is the
/// program's own text, not the input's, and is not searched (a name may well
/// be `低保贫困户`).
fn assert_hides(personal: &[String], shown: &str, what: &dyn std::fmt::Debug) {
    let shown = shown.split("expected one of").next().unwrap_or_default();
    for p in personal {
        assert!(
            !shown.contains(p.as_str()),
            "personal value {p:?} shown unmasked in {what:?}"
        );
    }
}

fn assert_cell_hides(personal: &[String], e: &CellError) {
    assert_hides(personal, &e.value, e);
    assert_hides(personal, &e.message, e);
}

/// The raw values of `id_number` and `name` keys in a JSON line (read from
/// the text itself, so duplicates and broken lines count too).
fn personal_json_values(line: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for key in [&b"\"id_number\""[..], &b"\"name\""[..]] {
        let mut from = 0;
        while let Some(at) = find(&line[from..], key) {
            let mut i = from + at + key.len();
            from = i;
            while i < line.len() && matches!(line[i], b' ' | b'\t' | b'\n' | b'\r' | b':') {
                i += 1;
            }
            let start = if line.get(i) == Some(&b'"') { i + 1 } else { i };
            let end = line[start..]
                .iter()
                .position(|&b| {
                    if start > i {
                        b == b'"' || b == b'\\'
                    } else {
                        !(b.is_ascii_digit() || b == b'X' || b == b'x')
                    }
                })
                .map_or(line.len(), |n| start + n);
            if let Ok(v) = std::str::from_utf8(&line[start..end])
                && worth_hiding(line, v)
            {
                out.push(v.to_owned());
            }
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn assert_masked_json(line: &[u8], e: &RecordError) {
    let personal = personal_json_values(line);
    assert_hides(&personal, &e.message, e);
    if let Some(f) = &e.field {
        assert_hides(&personal, f, e);
    }
}
