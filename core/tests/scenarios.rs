//! Golden scenarios: one TOML file per rule area under `tests/scenarios/`,
//! each case named as a sentence of the policy with its arithmetic worked by
//! hand in the file. A case gives a household (JSON, interfaces.md §2.1), an
//! `as_of` and either `expect` (dotted paths into the decision JSON of §3.1
//! with their hand-computed values) or `error` (the expected validation
//! error).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use fupin_core::policy::Policy;
use fupin_core::record::parse::parse_household;
use fupin_core::rules::Evaluator;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default = "default_as_of")]
    as_of: String,
    #[serde(default = "default_policy")]
    policy: String,
    household: String,
    expect: Option<toml::Table>,
    error: Option<ErrorExpect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorExpect {
    code: String,
    field: Option<String>,
}

fn default_as_of() -> String {
    "2020-12-31".into()
}

fn default_policy() -> String {
    "ningxia-2020".into()
}

fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => serde_json::Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
        other => panic!("unsupported TOML value in a scenario: {other:?}"),
    }
}

/// TOML has no null: expected objects leave null keys out, so they are
/// dropped from the actual value before comparing.
fn strip_nulls(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.iter().map(strip_nulls).collect())
        }
        other => other.clone(),
    }
}

/// Looks up `a.b.c` (array indices as numbers: `findings.0.code`).
fn lookup<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    path.split('.').try_fold(v, |v, key| match v {
        serde_json::Value::Object(m) => m.get(key),
        serde_json::Value::Array(a) => a.get(key.parse::<usize>().ok()?),
        _ => None,
    })
}

fn run_file(path: &Path) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let file: ScenarioFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
    for case in &file.case {
        let policy = Policy::builtin(&case.policy).unwrap();
        let as_of = fupin_core::date::parse_date(&case.as_of).unwrap();
        let eval = Evaluator::new(&policy, as_of);
        let result =
            parse_household(case.household.as_bytes()).and_then(|h| eval.evaluate(&h, false));
        let here = format!(
            "{} / {}",
            path.file_name().unwrap().to_string_lossy(),
            case.name
        );
        match (&case.error, result) {
            (Some(want), Err(e)) => {
                if e.code.as_str() != want.code || e.field != want.field {
                    failures.push(format!(
                        "{here}: expected error {} at {:?}, got {} at {:?} ({})",
                        want.code, want.field, e.code, e.field, e.message
                    ));
                }
            }
            (Some(want), Ok(_)) => failures.push(format!(
                "{here}: expected error {}, got a decision",
                want.code
            )),
            (None, Err(e)) => failures.push(format!("{here}: unexpected error {e:?}")),
            (None, Ok(d)) => {
                let got = serde_json::to_value(&d).unwrap();
                let expect = case.expect.as_ref().expect("a case needs expect or error");
                for (key, want) in expect {
                    let want = toml_to_json(want);
                    match lookup(&got, key).map(strip_nulls) {
                        Some(v) if v == want => {}
                        other => failures.push(format!(
                            "{here}: {key}: expected {want}, got {}",
                            other.map_or("nothing".to_owned(), |v| v.to_string())
                        )),
                    }
                }
            }
        }
    }
    (file.case.len(), failures)
}

#[test]
fn every_golden_scenario_holds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "expected one scenario file per rule area");
    let mut total = 0;
    let mut failures = Vec::new();
    for f in &files {
        let (n, mut fails) = run_file(f);
        assert!(n > 0, "{} has no case", f.display());
        total += n;
        failures.append(&mut fails);
    }
    assert!(
        failures.is_empty(),
        "{} of {total} scenario checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
