//! `fupin audit`: every household's findings, audit-only codes included.
//! Reads the whole input first (duplicates need it), then prints each
//! household's findings together, in input order.
//!
//! With `--households CSV|XLSX --members CSV` it reads the registry tables
//! (interfaces.md §4.1) instead of JSONL: a bad household's error line has
//! its data row (header not counted) as `line`, and every bad cell is also
//! printed to standard error as `table row column value: message`. The exit
//! status is 1 if a household failed or a cell or header was reported.

use std::io::{self, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use fupin_core::audit::{AuditResult, audit};
use fupin_core::record::parse::parse_household;
use fupin_core::rules::Evaluator;
use fupin_core::{Household, RecordError};
use serde::Serialize;

use super::jsonl::{LineOut, for_each_line, stdout_is_interactive, write_error_line};
use super::registry::{load_registry, print_cell_errors};
use super::{CliError, DEFAULT_POLICY, load_policy, open_input, parse_date_arg};

/// Arguments of `fupin audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Built-in policy name or policy TOML file.
    #[arg(long, default_value = DEFAULT_POLICY)]
    policy: String,
    /// Assessment date (YYYY-MM-DD).
    #[arg(long = "as-of", value_parser = parse_date_arg, default_value = "2020-12-31")]
    as_of: NaiveDate,
    /// Households JSONL (`-` or absent: standard input).
    #[arg(conflicts_with_all = ["households", "members"])]
    file: Option<String>,
    /// Household table (CSV, or an .xlsx workbook) instead of JSONL.
    #[arg(long)]
    households: Option<PathBuf>,
    /// Member table (CSV or .xlsx); may be left out when --households is a
    /// workbook that holds both tables.
    #[arg(long, requires = "households")]
    members: Option<PathBuf>,
}

#[derive(Serialize)]
struct FindingLine<'a> {
    household_id: &'a str,
    code: &'a str,
    person_id: Option<&'a str>,
    field: &'a str,
}

/// Runs `fupin audit`.
pub fn run(args: AuditArgs) -> Result<u8, CliError> {
    let policy = load_policy(&args.policy)?;
    let eval = Evaluator::new(&policy, args.as_of);
    let mut lines: Vec<u64> = Vec::new();
    let mut households: Vec<Result<_, RecordError>> = Vec::new();
    let mut failed = false;
    if let Some(path) = &args.households {
        let loaded = load_registry(path, args.members.as_deref(), None)?;
        print_cell_errors(&loaded.registry.errors)?;
        failed = !loaded.registry.errors.is_empty();
        lines = loaded.registry.rows.iter().map(|&r| r as u64).collect();
        households = loaded.registry.households;
    } else {
        let input = open_input(args.file.as_deref())?;
        for_each_line(input, |line| {
            lines.push(line.number);
            households.push(parse_household(line.bytes));
            Ok(())
        })
        .map_err(CliError::input)?;
    }
    let results = audit(&eval, &households);
    let stdout = io::stdout();
    let mut out = LineOut::new(stdout.lock(), stdout_is_interactive());
    let any_failed =
        write_audit(&lines, &households, &results, &mut out).map_err(CliError::output)?;
    out.finish().map_err(CliError::output)?;
    Ok(u8::from(failed || any_failed))
}

/// Writes the audit's lines in input order: each household's findings
/// together (nothing for a household without findings), or its error line
/// with its input line number (`lines[i]` for `households[i]`). Returns
/// whether any household failed.
fn write_audit<W: Write>(
    lines: &[u64],
    households: &[Result<Household, RecordError>],
    results: &[AuditResult],
    out: &mut LineOut<W>,
) -> io::Result<bool> {
    let mut failed = false;
    for ((number, hh), result) in lines.iter().zip(households).zip(results) {
        let w = out.writer();
        match (hh, result) {
            (Ok(hh), Ok(findings)) => {
                for f in findings {
                    let line = FindingLine {
                        household_id: &hh.id,
                        code: f.code.as_str(),
                        person_id: f.person_id.as_deref(),
                        field: &f.field,
                    };
                    serde_json::to_writer(&mut *w, &line)?;
                    w.write_all(b"\n")?;
                }
            }
            (_, Err(e)) | (Err(e), _) => {
                failed = true;
                write_error_line(w, *number, e)?;
            }
        }
        out.end_line()?;
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fupin_core::policy::Policy;
    use proptest::prelude::*;

    /// A household with one finding (no head) and one without; `{ID}` and
    /// `{P}` become ids unique to the line, so that no audit-only
    /// duplicate finding joins in.
    const GOOD: [&str; 2] = [
        r#"{"id":"{ID}","members":[{"id":"{P}","relation":"spouse","sex":"male","birth_date":"1980-01-01"}]}"#,
        r#"{"id":"{ID}","income":{"wage":"5000"},"members":[{"id":"{P}","relation":"head","sex":"male","birth_date":"1970-06-15"}]}"#,
    ];

    /// Line `n`'s text with its own ids.
    fn with_ids(line: &[u8], n: usize) -> Vec<u8> {
        String::from_utf8_lossy(line)
            .replace("{ID}", &format!("H{n}"))
            .replace("{P}", &format!("P{n}"))
            .into_bytes()
    }

    fn line_strategy() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::sample::select(GOOD.to_vec()).prop_map(|l| l.as_bytes().to_vec()),
            // Arbitrary bytes without a line end: bad UTF-8, bad JSON, blanks.
            prop::collection::vec(
                any::<u8>().prop_filter("no newline", |b| *b != b'\n'),
                0..40
            ),
            // A good record truncated anywhere.
            (0..GOOD[0].len()).prop_map(|n| GOOD[0].as_bytes()[..n].to_vec()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Each non-blank line gives, in input order, its household's
        /// findings together or exactly one error line naming its line.
        #[test]
        fn every_household_gives_its_findings_or_its_error_line_in_order(
            input_lines in prop::collection::vec(line_strategy(), 0..16)
        ) {
            let policy = Policy::builtin("ningxia-2020").unwrap();
            let eval = Evaluator::new(&policy, fupin_core::date::parse_date("2020-12-31").unwrap());
            let mut input = Vec::new();
            for (i, l) in input_lines.iter().enumerate() {
                if GOOD.iter().any(|g| g.as_bytes() == l.as_slice()) {
                    input.extend_from_slice(&with_ids(l, i + 1));
                } else {
                    input.extend_from_slice(l);
                }
                input.push(b'\n');
            }
            let (mut lines, mut households) = (Vec::new(), Vec::new());
            for_each_line(&input[..], |line| {
                lines.push(line.number);
                households.push(parse_household(line.bytes));
                Ok(())
            })
            .unwrap();
            let results = audit(&eval, &households);
            let mut out = LineOut::new(Vec::new(), false);
            let failed = write_audit(&lines, &households, &results, &mut out).unwrap();
            let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
            let got: Vec<serde_json::Value> =
                text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            // What each non-blank input line must give: an error line, or
            // the first household's one finding, or nothing for the second.
            let mut expected: Vec<serde_json::Value> = Vec::new();
            for (i, l) in input_lines.iter().enumerate() {
                let l: &[u8] = if i == 0 { l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l) } else { l };
                if super::super::jsonl::is_blank(l) {
                    continue;
                }
                if l == GOOD[0].as_bytes() {
                    expected.push(serde_json::json!({"household_id": format!("H{}", i + 1), "code": "no_head", "person_id": null, "field": "relation"}));
                } else if l != GOOD[1].as_bytes() {
                    expected.push(serde_json::json!({"line": i + 1}));
                }
            }
            prop_assert_eq!(got.len(), expected.len(), "{}", text);
            for (g, e) in got.iter().zip(&expected) {
                if e.get("line").is_some() {
                    prop_assert!(g.get("error").is_some(), "{}", g);
                    prop_assert_eq!(&g["line"], &e["line"]);
                } else {
                    prop_assert_eq!(g, e);
                }
            }
            prop_assert_eq!(failed, expected.iter().any(|e| e.get("line").is_some()));
        }
    }
}
