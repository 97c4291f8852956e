//! `fupin settle` end to end: streaming lines, error lines, duplicate claim
//! ids, exit statuses, and resuming from `--ledger`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Runs `fupin settle ARGS` with `input` on standard input.
fn settle(args: &[&str], input: &str) -> (i32, Vec<String>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .arg("settle")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A run that stops early (bad policy or ledger) may close its input
    // before reading it: a broken pipe here is expected then.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        out.status.code().unwrap(),
        stdout.lines().map(str::to_owned).collect(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fupin-cli-settle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    p
}

fn stay(id: &str, person: &str, on: &str, total: &str) -> String {
    format!(
        r#"{{"id":"{id}","person_id":"{person}","admitted_on":"{on}","hospital_level":"city","total_cost":"{total}"}}"#
    )
}

const WORKED: &str = r#"{"id":"C1","person_id":"P1","admitted_on":"2020-03-01","hospital_level":"county","total_cost":"30000","in_policy_cost":"27000"}"#;

#[test]
fn the_worked_example_on_the_command_line() {
    // domain.md §5: 21 400 + 1 560 + 832 + 2 245.60 + 0 + 3 962.40 = 30 000.
    let (code, lines, _) = settle(&[], &format!("{WORKED}\n"));
    assert_eq!(code, 0);
    assert_eq!(
        lines,
        [
            r#"{"claim_id":"C1","person_id":"P1","year":2020,"total_cost":"30000.00","basic_insurance":"21400.00","critical_illness_insurance":"1560.00","supplementary_insurance":"832.00","medical_assistance":"2245.60","backstop":"0.00","self_pay":"3962.40"}"#
        ]
    );
    let (code, lines, _) = settle(&["--explain"], &format!("{WORKED}\n"));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(v["trace"].as_array().unwrap().len(), 5);
    assert_eq!(v["trace"][1]["rule"], "critical");
    assert_eq!(v["trace"][1]["deductible"], "3200.00");
    assert_eq!(v["trace"][1]["paid"], "1560.00");
}

#[test]
fn bad_claims_get_error_lines_and_exit_status_1() {
    let input = format!(
        "{WORKED}\n\n{WORKED}\n{}\n{}\nnot json\n{}\n",
        r#"{"id":"C2","person_id":"P1","admitted_on":"2013-05-01","hospital_level":"county","total_cost":"100"}"#,
        r#"{"id":"C3","person_id":"P1","admitted_on":"2020-05-01","hospital_level":"county","total_cost":"100","in_policy_cost":"200"}"#,
        r#"{"id":"C2","person_id":"P1","admitted_on":"2020-05-01","hospital_level":"county","total_cost":"0"}"#,
    );
    let (code, lines, _) = settle(&[], &input);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 6, "{lines:#?}");
    let err = |i: usize| -> serde_json::Value { serde_json::from_str(&lines[i]).unwrap() };
    // Line 2 is blank: no output, but it counts in line numbers.
    assert_eq!(err(1)["line"], 3);
    assert_eq!(err(1)["id"], "C1");
    assert_eq!(err(1)["error"]["code"], "duplicate_claim_id");
    assert_eq!(err(1)["error"]["field"], "id");
    assert_eq!(err(2)["error"]["code"], "parameter_not_in_force");
    assert_eq!(err(3)["error"]["code"], "in_policy_cost_exceeds_total");
    assert_eq!(err(4)["line"], 6);
    assert_eq!(err(4)["id"], serde_json::Value::Null);
    assert_eq!(err(4)["error"]["code"], "invalid_json");
    // C2 was refused (parameter not in force), so its id is free again.
    assert_eq!(err(5)["id"], "C2");
    assert_eq!(err(5)["error"]["code"], "zero_total_cost");
}

#[test]
fn an_unreadable_policy_or_ledger_exits_2() {
    let (code, lines, stderr) = settle(&["--policy", "no-such-policy"], &format!("{WORKED}\n"));
    assert_eq!((code, lines.len()), (2, 0));
    assert!(stderr.contains("no-such-policy"), "{stderr}");
    let bad = tmp("bad-ledger.json");
    std::fs::write(&bad, "{\"format\":\"other\"}").unwrap();
    let (code, lines, stderr) =
        settle(&["--ledger", bad.to_str().unwrap()], &format!("{WORKED}\n"));
    assert_eq!((code, lines.len()), (2, 0));
    assert!(stderr.contains("ledger"), "{stderr}");
}

#[test]
fn a_resumed_run_gives_the_same_lines_as_one_run() {
    // Three 300 000 yuan city stays of P1 (the annual 5 000 cap binds from
    // the second) and one of P2, split across two runs sharing a ledger.
    let claims = [
        stay("C1", "P1", "2020-02-01", "300000"),
        stay("C2", "P2", "2020-03-01", "5000"),
        stay("C3", "P1", "2020-05-01", "300000"),
        stay("C4", "P1", "2020-09-01", "300000"),
        stay("C1", "P2", "2020-10-01", "100"), // duplicate of a first-run id
    ];
    let (code, whole, _) = settle(&[], &(claims.join("\n") + "\n"));
    assert_eq!(code, 1);
    let ledger = tmp("ledger.json");
    let arg = ledger.to_str().unwrap();
    let (code1, mut first, _) = settle(&["--ledger", arg], &(claims[..2].join("\n") + "\n"));
    assert_eq!(code1, 0);
    assert!(ledger.exists());
    let (code2, second, _) = settle(&["--ledger", arg], &(claims[2..].join("\n") + "\n"));
    assert_eq!(code2, 1);
    // Error lines number physical lines of their own input: shift them.
    for line in second {
        let mut v: serde_json::Value = serde_json::from_str(&line).unwrap();
        if let Some(n) = v.get("line").and_then(serde_json::Value::as_u64) {
            v["line"] = (n + 2).into();
        }
        first.push(serde_json::to_string(&v).unwrap());
    }
    assert_eq!(first, whole);
    // Running the second part again refuses every claim: never paid twice.
    let (code3, again, _) = settle(&["--ledger", arg], &(claims[2..4].join("\n") + "\n"));
    assert_eq!(code3, 1);
    assert!(again.iter().all(|l| l.contains("duplicate_claim_id")));
    // The ledger was saved atomically: no temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(ledger.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
