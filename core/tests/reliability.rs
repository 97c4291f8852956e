//! Reliability under bad input: arbitrary households and claims,
//! good ones from the synthetic county mixed with copies broken the ways a
//! hand-typed register breaks (truncated, bytes overwritten, a field set to
//! an arbitrary value or removed, a key repeated) and plain garbage, go
//! through the functions `fupin evaluate`, `fupin settle` and `fupin audit`
//! call: `parse_household` + `Evaluator::evaluate`, `parse_claim` +
//! `Ledger::settle`, and `audit`.
//!
//! Properties, from interfaces.md §1 and §4: nothing panics; every record
//! gives exactly one result, in input order, naming its record (the
//! decision's `household_id`, the settlement's `claim_id`, or the error's
//! top-level `id` whenever the line is valid JSON and null otherwise); an
//! error's code is one of §4's codes and its message never shows a full
//! identity number or name of the line.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashSet;
use std::sync::OnceLock;

use fupin_core::audit::audit;
use fupin_core::date::parse_date;
use fupin_core::record::parse_record;
use fupin_core::synth::{Synth, SynthConfig};
use fupin_core::{
    Evaluator, Household, Ledger, Money, Policy, RecordError, parse_claim, parse_household,
};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The error codes of interfaces.md §4, as written there.
const CODES: &[&str] = &[
    "invalid_utf8",
    "invalid_json",
    "unknown_field",
    "duplicate_field",
    "missing_field",
    "wrong_type",
    "invalid_enum",
    "invalid_date",
    "invalid_integer",
    "invalid_money",
    "out_of_range",
    "empty_members",
    "no_counted_member",
    "duplicate_exit_step",
    "income_year_mismatch",
    "in_policy_cost_exceeds_total",
    "zero_total_cost",
    "duplicate_claim_id",
    "parameter_not_in_force",
];

/// Good lines of a small synthetic county: households and claims, as
/// `fupin synth` writes them.
fn corpus() -> &'static (Vec<String>, Vec<String>) {
    static CORPUS: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut synth = Synth::new(SynthConfig {
            households: 80,
            seed: 8,
            ..SynthConfig::default()
        });
        let (mut households, mut claims) = (Vec::new(), Vec::new());
        while let Some((hh, cs)) = synth.next_entry() {
            households.push(serde_json::to_string(&hh).unwrap());
            claims.extend(cs.iter().map(|c| serde_json::to_string(c).unwrap()));
        }
        assert!(households.len() == 80 && claims.len() >= 10);
        (households, claims)
    })
}

/// Every identity number and name (two characters or more) of the corpus:
/// what no error message may show.
fn secrets() -> &'static Vec<String> {
    static SECRETS: OnceLock<Vec<String>> = OnceLock::new();
    SECRETS.get_or_init(|| {
        let mut out = HashSet::new();
        for line in &corpus().0 {
            let v: Value = serde_json::from_str(line).unwrap();
            for m in v["members"].as_array().unwrap() {
                for key in ["id_number", "name"] {
                    if let Some(s) = m[key].as_str()
                        && s.chars().count() >= 2
                    {
                        out.insert(s.to_owned());
                    }
                }
            }
        }
        assert!(out.len() > 100, "the corpus carries personal data");
        out.into_iter().collect()
    })
}

/// Values a hand-typed field may hold instead of the right one.
fn arbitrary_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        // Near the edges of small ranges: disability grade, years.
        prop_oneof![-2i64..6, 2018i64..2022].prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(vec![
            "",
            " ",
            "-1",
            "0",
            "1.005",
            "9999999999999.99",
            "10000000000000",
            "1e3",
            "2020-02-30",
            "2019-06-30",
            "2021-01-01",
            "2020-13-01",
            "20201231",
            "male",
            "男",
            "head",
            "poor",
            "64012219800101123X",
            "张三",
            "\u{0}",
            "\u{feff}",
        ])
        .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..3)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A field path of a household or claim record (most exist, some not).
fn field_path() -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::select(vec![
        vec!["id"],
        vec!["status"],
        vec!["attribute"],
        vec!["exited_on"],
        vec!["causes"],
        vec!["income"],
        vec!["income", "wage"],
        vec!["income", "operating_cost"],
        vec!["income", "year"],
        vec!["last_year_income"],
        vec!["rigid_expenses"],
        vec!["guarantees", "housing"],
        vec!["assets", "deposits"],
        vec!["credit"],
        vec!["members"],
        vec!["members", "0"],
        vec!["members", "0", "id_number"],
        vec!["members", "0", "name"],
        vec!["members", "0", "sex"],
        vec!["members", "0", "birth_date"],
        vec!["members", "0", "disability_grade"],
        vec!["members", "0", "deceased_on"],
        vec!["members", "0", "moved_out_on"],
        vec!["exit_steps"],
        vec!["last_year_income", "year"],
        vec!["members", "1", "id_number"],
        vec!["members", "1", "name"],
        vec!["person_id"],
        vec!["admitted_on"],
        vec!["hospital_level"],
        vec!["total_cost"],
        vec!["in_policy_cost"],
        vec!["major_illness"],
        vec!["not_a_field"],
    ])
}

/// The JSON node at `path`, created in objects when missing.
fn node<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    let (last, parents) = path.split_last()?;
    let mut at = v;
    for p in parents {
        at = match at {
            Value::Array(a) => a.get_mut(p.parse::<usize>().ok()?)?,
            Value::Object(o) => o.get_mut(*p)?,
            _ => return None,
        };
    }
    match at {
        Value::Array(a) => a.get_mut(last.parse::<usize>().ok()?),
        Value::Object(o) => Some(o.entry(*last).or_insert(Value::Null)),
        _ => None,
    }
}

/// Removes the key at `path`, if there is one.
fn remove(v: &mut Value, path: &[&str]) {
    if let Some((last, parents)) = path.split_last()
        && let Some(Value::Object(o)) = node(v, parents).map(|n| &mut *n)
    {
        o.remove(*last);
    }
}

/// How a good line is broken.
#[derive(Debug, Clone)]
enum Damage {
    /// Left as it is.
    None,
    /// Cut after this many bytes (mod the length).
    Truncate(usize),
    /// The byte at this index (mod the length) overwritten.
    Overwrite(usize, u8),
    /// These bytes inserted at this index.
    Insert(usize, Vec<u8>),
    /// The field set to the value.
    Set(Vec<&'static str>, Value),
    /// The field removed.
    Remove(Vec<&'static str>),
    /// The top-level key given twice (the first copy holds the value).
    Repeat(&'static str, Value),
    /// Money of 10¹² yuan (must work) or 10¹³ (a validation error).
    Large(Vec<&'static str>, bool),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        2 => Just(Damage::None),
        1 => any::<usize>().prop_map(Damage::Truncate),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Damage::Overwrite(i, b)),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..4))
            .prop_map(|(i, b)| Damage::Insert(i, b)),
        3 => (field_path(), arbitrary_value()).prop_map(|(p, v)| Damage::Set(p, v)),
        1 => field_path().prop_map(Damage::Remove),
        1 => (prop::sample::select(vec!["id", "members", "status", "total_cost"]), arbitrary_value())
            .prop_map(|(k, v)| Damage::Repeat(k, v)),
        1 => (
            prop::sample::select(vec![
                vec!["income", "wage"],
                vec!["income", "dibao"],
                vec!["income", "operating_cost"],
                vec!["rigid_expenses"],
                vec!["assets", "deposits"],
                vec!["total_cost"],
                vec!["in_policy_cost"],
            ]),
            any::<bool>()
        )
            .prop_map(|(p, too_large)| Damage::Large(p, too_large)),
    ]
}

/// Applies the damage to a good line. The result never holds a line end.
fn apply(line: &str, d: &Damage) -> Vec<u8> {
    let bytes = line.as_bytes();
    let mut out = match d {
        Damage::None => bytes.to_vec(),
        Damage::Truncate(n) => bytes[..n % bytes.len()].to_vec(),
        Damage::Overwrite(i, b) => {
            let mut v = bytes.to_vec();
            v[i % bytes.len()] = *b;
            v
        }
        Damage::Insert(i, ins) => {
            let mut v = bytes.to_vec();
            let at = i % (bytes.len() + 1);
            v.splice(at..at, ins.iter().copied());
            v
        }
        Damage::Set(path, value) => {
            let mut v: Value = serde_json::from_str(line).unwrap();
            if let Some(n) = node(&mut v, path) {
                *n = value.clone();
            }
            v.to_string().into_bytes()
        }
        Damage::Remove(path) => {
            let mut v: Value = serde_json::from_str(line).unwrap();
            remove(&mut v, path);
            v.to_string().into_bytes()
        }
        Damage::Repeat(key, value) => {
            let mut v = format!("{{{}:{},", json!(key), value).into_bytes();
            v.extend_from_slice(&bytes[1..]);
            v
        }
        Damage::Large(path, too_large) => {
            let mut v: Value = serde_json::from_str(line).unwrap();
            let amount = if *too_large {
                "10000000000000"
            } else {
                "1000000000000.00"
            };
            if let Some(n) = node(&mut v, path) {
                *n = json!(amount);
            }
            v.to_string().into_bytes()
        }
    };
    for b in &mut out {
        if *b == b'\n' {
            *b = b' ';
        }
    }
    out
}

/// One input line: a good record as damaged, garbage, or a blank line.
fn line(records: &'static [String]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => (prop::sample::select(records), damage()).prop_map(|(l, d)| apply(&l, &d)),
        1 => prop::collection::vec(any::<u8>().prop_filter("no line end", |b| *b != b'\n'), 0..40),
        1 => prop::sample::select(vec![&b""[..], b"   ", b"\t\r", b"{}", b"[]", b"null", b"\"H1\""])
            .prop_map(<[u8]>::to_vec),
    ]
}

/// `true` for a line that gives no output (interfaces.md §4: empty or JSON
/// whitespace only).
fn blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// The id an error line must carry: the top-level string `id` when the line
/// is valid JSON (last one wins), else none.
fn expected_id(line: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(line).ok()?;
    v.get("id")?.as_str().map(str::to_owned)
}

/// The checks every error shares: a §4 code, a dotted path or none, the
/// record's id, and no personal data in the message.
fn check_error(line: &[u8], e: &RecordError) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(line);
    prop_assert!(CODES.contains(&e.code.as_str()), "{:?}", e.code);
    prop_assert_eq!(e.record_id.clone(), expected_id(line), "{}", text);
    if let Some(f) = &e.field {
        prop_assert!(!f.is_empty(), "field {:?}", f);
    }
    for s in secrets() {
        prop_assert!(
            !e.message.contains(s.as_str()) && !format!("{e:?}").contains(s.as_str()),
            "the error of {} shows personal data: {}",
            text,
            e.message
        );
    }
    Ok(())
}

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| Policy::builtin("ningxia-2020").unwrap())
}

fn evaluator() -> Evaluator<'static> {
    Evaluator::new(policy(), parse_date("2020-12-31").unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// `fupin evaluate`: one result per non-blank line, naming its household.
    #[test]
    fn every_household_line_gets_its_decision_or_its_error(
        lines in prop::collection::vec(line(&corpus().0), 1..12),
        explain in any::<bool>(),
    ) {
        let eval = evaluator();
        for l in lines.iter().filter(|l| !blank(l)) {
            let parsed = parse_household(l);
            // The hand-written reader agrees with the serde path it stands in for.
            let by_serde = parse_record::<Household>(l).and_then(|h| h.validate().map(|()| h));
            prop_assert_eq!(&parsed, &by_serde);
            match parsed.and_then(|hh| eval.evaluate(&hh, explain).map(|d| (hh, d))) {
                Ok((hh, d)) => {
                    prop_assert_eq!(&d.household_id, &hh.id);
                    prop_assert_eq!(Some(hh.id.to_string()), expected_id(l));
                    let mut out = Vec::new();
                    d.write_json(&mut out).unwrap();
                    let v: Value = serde_json::from_slice(&out).unwrap();
                    prop_assert_eq!(v["household_id"].as_str(), Some(hh.id.as_str()));
                }
                Err(e) => check_error(l, &e)?,
            }
        }
    }

    /// `fupin settle`: one result per non-blank line, in order, through one
    /// ledger; a claim id already paid is `duplicate_claim_id`, and a
    /// settlement's six components add up to its total cost.
    #[test]
    fn every_claim_line_gets_its_settlement_or_its_error(
        lines in prop::collection::vec(line(&corpus().1), 1..16),
        explain in any::<bool>(),
    ) {
        let mut ledger = Ledger::new();
        let mut paid: HashSet<String> = HashSet::new();
        for l in lines.iter().filter(|l| !blank(l)) {
            let claim = parse_claim(l);
            let result = claim.clone().and_then(|c| ledger.settle(policy(), &c, explain));
            match (&claim, result) {
                (Ok(c), Ok(s)) => {
                    prop_assert!(!paid.contains(&c.id), "{} paid twice", c.id);
                    prop_assert_eq!(s.claim_id.as_str(), c.id.as_str());
                    let mut sum = s.self_pay;
                    for p in s.payments() {
                        prop_assert!(!p.is_negative());
                        sum = sum.checked_add(p).unwrap();
                    }
                    prop_assert!(!s.self_pay.is_negative());
                    prop_assert_eq!(sum, s.total_cost);
                    prop_assert_eq!(s.total_cost, c.total_cost);
                    paid.insert(c.id.clone());
                }
                (Ok(c), Err(e)) => {
                    if paid.contains(&c.id) {
                        prop_assert_eq!(e.code.as_str(), "duplicate_claim_id");
                    }
                    check_error(l, &e)?;
                }
                (Err(_), Ok(_)) => prop_assert!(false, "a claim that failed to parse was settled"),
                (Err(e), Err(_)) => check_error(l, e)?,
            }
        }
        prop_assert_eq!(ledger.claims_settled(), paid.len());
    }

    /// `fupin audit`: one result per record, in input order; an error exactly
    /// where evaluation fails, findings naming the household's own members.
    #[test]
    fn the_audit_gives_one_result_per_household_in_order(
        lines in prop::collection::vec(line(&corpus().0), 1..16),
    ) {
        let eval = evaluator();
        let lines: Vec<&Vec<u8>> = lines.iter().filter(|l| !blank(l)).collect();
        let households: Vec<Result<Household, RecordError>> =
            lines.iter().map(|l| parse_household(l)).collect();
        let results = audit(&eval, &households);
        prop_assert_eq!(results.len(), households.len());
        for ((l, hh), r) in lines.iter().zip(&households).zip(&results) {
            let alone = hh.clone().and_then(|h| eval.evaluate(&h, false));
            match (hh, r) {
                (Ok(hh), Ok(findings)) => {
                    prop_assert!(alone.is_ok());
                    for f in findings {
                        if let Some(p) = &f.person_id {
                            prop_assert!(hh.members.iter().any(|m| m.id == p), "{}", p);
                        }
                    }
                }
                (_, Err(e)) => {
                    prop_assert_eq!(Some(e), alone.as_ref().err());
                    check_error(l, e)?;
                }
                (Err(_), Ok(_)) => prop_assert!(false, "a household that failed to parse was audited"),
            }
        }
    }
}

/// Money fields of a household, as paths.
const HOUSEHOLD_MONEY: &[&[&str]] = &[
    &["income", "wage"],
    &["income", "operating"],
    &["income", "operating_cost"],
    &["income", "property"],
    &["income", "transfer"],
    &["income", "dibao"],
    &["income", "one_off_transfer"],
    &["rigid_expenses"],
    &["assets", "deposits"],
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Large values: with every chosen money field of a good
    /// household at 999 999 999 999.99 yuan (just under 10¹²) the household
    /// is evaluated, explained too, through every sum and product of the
    /// rules; one of them at 10¹³ is `invalid_money` naming that field.
    #[test]
    fn a_household_with_amounts_up_to_a_trillion_is_evaluated_and_ten_trillion_is_invalid(
        line in prop::sample::select(&corpus().0[..]),
        chosen in prop::collection::vec(prop::sample::select(HOUSEHOLD_MONEY), 1..6),
        explain in any::<bool>(),
    ) {
        let mut v: Value = serde_json::from_str(&line).unwrap();
        for path in &chosen {
            *node(&mut v, path).unwrap() = json!("999999999999.99");
        }
        let hh = parse_household(v.to_string().as_bytes()).unwrap();
        let d = evaluator().evaluate(&hh, explain);
        prop_assert!(d.is_ok(), "{:?}", d.err());
        let path = chosen[0];
        *node(&mut v, path).unwrap() = json!("10000000000000");
        let e = parse_household(v.to_string().as_bytes()).unwrap_err();
        prop_assert_eq!(e.code.as_str(), "invalid_money");
        let field = path.join(".");
        prop_assert_eq!(e.field.as_deref(), Some(field.as_str()));
    }
}

/// Amounts up to 10¹² yuan work exactly; 10¹³ is the validation error of
/// interfaces.md §1 (`invalid_money`), never an overflow.
#[test]
fn a_trillion_yuan_is_exact_and_ten_trillion_is_invalid_money() {
    let line = |cost: &str| {
        format!(
            r#"{{"id":"C1","person_id":"P1","admitted_on":"2020-05-01","hospital_level":"county","total_cost":"{cost}"}}"#
        )
    };
    let c = parse_claim(line("1000000000000.00").as_bytes()).unwrap();
    let s = Ledger::new().settle(policy(), &c, true).unwrap();
    assert_eq!(s.total_cost, Money::parse("1000000000000").unwrap());
    let sum = s
        .payments()
        .iter()
        .fold(s.self_pay, |acc, p| acc.checked_add(*p).unwrap());
    assert_eq!(sum, s.total_cost);
    let e = parse_claim(line("10000000000000").as_bytes()).unwrap_err();
    assert_eq!(e.code.as_str(), "invalid_money");
    assert_eq!(e.field.as_deref(), Some("total_cost"));
    assert_eq!(e.record_id.as_deref(), Some("C1"));
}
