//! Nothing lost: a synthetic registry with one line in ten
//! corrupted the ways hand-typed files break (truncated JSON, bytes that are
//! not UTF-8, values of the wrong type) and some blank lines goes through
//! `fupin evaluate`, `fupin settle` and `fupin audit`. Every good record
//! gets its decision, every bad one its error line with its physical line
//! number (interfaces.md §4), in input order; counts add up; blank lines
//! give nothing; the exit status is 1.

mod common;

use std::path::{Path, PathBuf};

use common::{fupin, json_lines, stderr};
use serde_json::{Value, json};

/// A scratch directory holding a 300-household synthetic registry.
fn registry(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("fupin-nothing-lost-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = fupin(
        &[
            "synth",
            "--households",
            "300",
            "--seed",
            "8",
            "--out",
            dir.to_str().unwrap(),
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    dir
}

/// What one physical input line is expected to give.
#[derive(Debug)]
enum Expect {
    /// Nothing (a blank line).
    Nothing,
    /// A result naming this record id.
    Good(String),
    /// The error line: code, `id` (null unless the line is valid JSON), field.
    Bad(&'static str, Option<String>, Option<&'static str>),
}

/// Corrupts one line in ten (cycling through the kinds of damage) and adds a
/// blank line after every 25th record. `wrong` sets a field to a value of
/// the wrong type and names the field. Returns the file's bytes and what each
/// physical line must give.
fn corrupt(
    text: &str,
    wrong: &dyn Fn(&mut Value, usize) -> &'static str,
) -> (Vec<u8>, Vec<Expect>) {
    let mut out = Vec::new();
    let mut expect = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap().to_owned();
        if i % 10 != 3 {
            out.extend_from_slice(line.as_bytes());
            expect.push(Expect::Good(id));
        } else {
            match (i / 10) % 3 {
                // Truncated: the write was cut off mid-record.
                0 => {
                    out.extend_from_slice(&line.as_bytes()[..line.len() / 2]);
                    expect.push(Expect::Bad("invalid_json", None, None));
                }
                // A Latin-1 byte inside the record id: not UTF-8, so not
                // JSON, so no id.
                1 => {
                    let at = line.find(&id).unwrap() + 1;
                    out.extend_from_slice(&line.as_bytes()[..at]);
                    out.push(0xE9);
                    out.extend_from_slice(&line.as_bytes()[at..]);
                    expect.push(Expect::Bad("invalid_utf8", None, None));
                }
                // A value of the wrong type: valid JSON, so the id is known.
                _ => {
                    let mut v = v;
                    let field = wrong(&mut v, i);
                    out.extend_from_slice(v.to_string().as_bytes());
                    expect.push(Expect::Bad("wrong_type", Some(id), Some(field)));
                }
            }
        }
        out.push(b'\n');
        if i % 25 == 24 {
            out.extend_from_slice(if i % 50 == 24 { b"\n" } else { b"  \t\r\n" });
            expect.push(Expect::Nothing);
        }
    }
    (out, expect)
}

/// Household damage of the wrong-type kind.
fn wrong_household(v: &mut Value, i: usize) -> &'static str {
    match i % 3 {
        0 => {
            v["relocated"] = json!("yes");
            "relocated"
        }
        1 => {
            v["members"][0]["boarding"] = json!(1);
            "members[0].boarding"
        }
        _ => {
            v["members"] = json!("none");
            "members"
        }
    }
}

/// Claim damage of the wrong-type kind.
fn wrong_claim(v: &mut Value, i: usize) -> &'static str {
    if i.is_multiple_of(2) {
        v["major_illness"] = json!("yes");
        "major_illness"
    } else {
        v["registered_poor"] = json!([true]);
        "registered_poor"
    }
}

/// Writes the corrupted file and returns its path.
fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Checks an error line against what its input line must give.
fn check_error(out: &Value, number: usize, code: &str, id: &Option<String>, field: &Option<&str>) {
    assert_eq!(out["line"], json!(number), "{out}");
    assert_eq!(out["id"], json!(id), "{out}");
    assert_eq!(out["error"]["code"], json!(code), "{out}");
    if let Some(f) = field {
        assert_eq!(out["error"]["field"], json!(f), "{out}");
    }
    assert!(
        out["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{out}"
    );
}

/// The streaming commands: exactly one output line per non-blank input
/// line, in order, each naming its record (`key` on a good line).
fn check_stream(out: &[Value], expect: &[Expect], key: &str) {
    let mut outputs = out.iter();
    let (mut good, mut bad) = (0, 0);
    for (n, e) in expect.iter().enumerate() {
        match e {
            Expect::Nothing => {}
            Expect::Good(id) => {
                let o = outputs.next().expect("an output line for every record");
                assert!(o.get("error").is_none(), "line {}: {o}", n + 1);
                assert_eq!(o[key].as_str(), Some(id.as_str()), "line {}", n + 1);
                good += 1;
            }
            Expect::Bad(code, id, field) => {
                let o = outputs.next().expect("an output line for every record");
                check_error(o, n + 1, code, id, field);
                bad += 1;
            }
        }
    }
    assert!(outputs.next().is_none(), "more output lines than records");
    assert_eq!(out.len(), good + bad);
    let errors = out.iter().filter(|o| o.get("error").is_some()).count();
    assert_eq!(errors, bad);
    // About a tenth of the records are bad.
    assert!(
        bad * 12 > good + bad && bad * 8 < good + bad,
        "{bad} of {}",
        good + bad
    );
}

#[test]
fn evaluate_gives_every_good_household_its_decision_and_every_bad_line_its_error() {
    let dir = registry("evaluate");
    let text = std::fs::read_to_string(dir.join("households.jsonl")).unwrap();
    let (bytes, expect) = corrupt(&text, &wrong_household);
    let path = write(&dir, "broken.jsonl", &bytes);
    let o = fupin(&["evaluate", &path], "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "record errors go to stdout only");
    check_stream(&json_lines(&o), &expect, "household_id");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn settle_gives_every_good_claim_its_settlement_and_every_bad_line_its_error() {
    let dir = registry("settle");
    let text = std::fs::read_to_string(dir.join("claims.jsonl")).unwrap();
    assert!(text.lines().count() >= 30, "enough claims to corrupt");
    let (bytes, expect) = corrupt(&text, &wrong_claim);
    let path = write(&dir, "broken.jsonl", &bytes);
    let o = fupin(&["settle", &path], "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = json_lines(&o);
    check_stream(&out, &expect, "claim_id");
    // A good claim's six components add up to its total cost (in fen).
    let fen = |v: &Value| -> i64 {
        let s = v.as_str().unwrap();
        let (y, f) = s.split_once('.').unwrap();
        assert_eq!(f.len(), 2, "{s}");
        y.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
    };
    for s in out.iter().filter(|o| o.get("error").is_none()) {
        let parts = [
            "basic_insurance",
            "critical_illness_insurance",
            "supplementary_insurance",
            "medical_assistance",
            "backstop",
            "self_pay",
        ];
        let sum: i64 = parts.iter().map(|p| fen(&s[*p])).sum();
        assert_eq!(sum, fen(&s["total_cost"]), "{s}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn audit_gives_every_good_household_its_findings_and_every_bad_line_its_error() {
    let dir = registry("audit");
    let text = std::fs::read_to_string(dir.join("households.jsonl")).unwrap();
    let (bytes, expect) = corrupt(&text, &wrong_household);
    let path = write(&dir, "broken.jsonl", &bytes);
    let o = fupin(&["audit", &path], "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = json_lines(&o);
    // Each household's findings together (none is fine), or its one error
    // line, in input order.
    let mut at = 0;
    let (mut good, mut bad, mut with_findings) = (0, 0, 0);
    for (n, e) in expect.iter().enumerate() {
        match e {
            Expect::Nothing => {}
            Expect::Good(id) => {
                let start = at;
                while at < out.len() && out[at]["household_id"].as_str() == Some(id.as_str()) {
                    assert!(out[at].get("error").is_none());
                    assert!(out[at]["code"].is_string(), "{}", out[at]);
                    at += 1;
                }
                with_findings += usize::from(at > start);
                good += 1;
            }
            Expect::Bad(code, id, field) => {
                let o = out.get(at).expect("an error line for every bad record");
                check_error(o, n + 1, code, id, field);
                at += 1;
                bad += 1;
            }
        }
    }
    assert_eq!(
        at,
        out.len(),
        "a line that belongs to no record: {:?}",
        out.get(at)
    );
    assert_eq!(out.iter().filter(|o| o.get("error").is_some()).count(), bad);
    assert!(bad >= 25 && good >= 250, "{good} good, {bad} bad");
    // The synthetic county plants data-quality problems: the audit saw them.
    assert!(with_findings > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

mod arbitrary_lines {
    //! A small CLI-level property: arbitrary lines (good records, garbage
    //! bytes, blank lines, a BOM) through the real binary give one output
    //! line per non-blank line, in order, naming its line or its record.

    use super::*;
    use proptest::prelude::*;

    const HOUSEHOLD: &str = r#"{"id":"H1","members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1970-06-15"}]}"#;
    const CLAIM: &str = r#"{"id":"C1","person_id":"P1","admitted_on":"2020-03-01","hospital_level":"county","total_cost":"300"}"#;

    fn line(good: &'static str) -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            3 => Just(good.as_bytes().to_vec()),
            1 => (0..good.len()).prop_map(move |n| good.as_bytes()[..n].to_vec()),
            1 => prop::collection::vec(any::<u8>().prop_filter("no line end", |b| *b != b'\n'), 0..30),
        ]
    }

    /// The file: the lines (a BOM first if `bom`), and for each non-blank
    /// line its 1-based number and whether it is the good record.
    fn file(lines: &[Vec<u8>], good: &str, bom: bool) -> (Vec<u8>, Vec<(usize, bool)>) {
        let mut bytes = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        let mut expect = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            bytes.extend_from_slice(l);
            bytes.push(b'\n');
            if !l.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
                expect.push((i + 1, l.as_slice() == good.as_bytes()));
            }
        }
        (bytes, expect)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn the_binary_gives_one_line_per_record_in_order(
            households in prop::collection::vec(line(HOUSEHOLD), 0..10),
            claims in prop::collection::vec(line(CLAIM), 0..10),
            bom in any::<bool>(),
        ) {
            let dir = std::env::temp_dir().join(format!("fupin-nothing-lost-{}-prop", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            for (command, lines, good, key, id) in [
                ("evaluate", &households, HOUSEHOLD, "household_id", "H1"),
                ("settle", &claims, CLAIM, "claim_id", "C1"),
            ] {
                let (bytes, expect) = file(lines, good, bom);
                let path = write(&dir, &format!("{command}.jsonl"), &bytes);
                let o = fupin(&[command, &path], "");
                let out = json_lines(&o);
                prop_assert_eq!(out.len(), expect.len(), "{}", command);
                let mut paid = false;
                for (o, (n, is_good)) in out.iter().zip(&expect) {
                    // settle: the second C1 is a duplicate_claim_id error.
                    let ok = *is_good && !(command == "settle" && paid);
                    if ok {
                        prop_assert!(o.get("error").is_none(), "{}", o);
                        prop_assert_eq!(o[key].as_str(), Some(id));
                        paid = true;
                    } else {
                        prop_assert_eq!(&o["line"], &json!(n), "{}", o);
                    }
                }
                let failed = out.iter().any(|o| o.get("error").is_some());
                prop_assert_eq!(o.status.code(), Some(i32::from(failed)));
            }
            // audit: H1 has no findings when it appears once; a repeat is a
            // duplicate. Error lines name their lines, in order.
            let (bytes, expect) = file(&households, HOUSEHOLD, bom);
            let path = write(&dir, "audit.jsonl", &bytes);
            let o = fupin(&["audit", &path], "");
            let errors: Vec<Value> = json_lines(&o).into_iter().filter(|o| o.get("error").is_some()).collect();
            let bad: Vec<usize> = expect.iter().filter(|(_, g)| !g).map(|(n, _)| *n).collect();
            let lines: Vec<usize> = errors.iter().map(|e| e["line"].as_u64().unwrap() as usize).collect();
            prop_assert_eq!(lines, bad);
            prop_assert_eq!(o.status.code(), Some(i32::from(!errors.is_empty())));
        }
    }
}
