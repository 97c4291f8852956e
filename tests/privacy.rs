//! Privacy end to end: a synthetic county with valid identity numbers and
//! real-looking names, plus lines broken right at the personal fields, goes
//! through every command; no identity number and no full name may appear in
//! any output or on stderr — except in a report asked for with
//! `--reveal-personal-data`, which proves the check can see them.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{fupin, stderr, stdout};

/// Identity numbers and names (two characters or more) of the member table.
fn personal(dir: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(dir.join("members.csv")).unwrap();
    let mut out = BTreeSet::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (id_number, name) = (cells[2], cells[3]);
        if id_number.len() >= 10 {
            out.insert(id_number.to_owned());
        }
        if name.chars().count() >= 2 {
            out.insert(name.to_owned());
        }
    }
    out
}

/// Lines broken at or next to the personal fields.
fn broken(households: &str) -> String {
    let mut out = String::new();
    // The first 400 households: enough broken lines, and quick in a debug build.
    for (n, line) in households.lines().take(400).enumerate() {
        out.push_str(line);
        out.push('\n');
        if n % 7 != 0 {
            continue;
        }
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        let m = &mut v["members"][0];
        match n % 4 {
            // An identity number given as a JSON number: wrong_type.
            0 => {
                let digits = m["id_number"].as_str().unwrap_or("1").replace('X', "1");
                m["id_number"] = serde_json::from_str(&digits).unwrap();
            }
            // A name given as a list: wrong_type.
            1 => m["name"] = serde_json::json!([m["name"].clone()]),
            // An unknown field beside them.
            2 => m["passport"] = m["id_number"].clone(),
            // A bad birth date in the member that carries them.
            _ => m["birth_date"] = serde_json::json!("1980-02-30"),
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

fn leaks(what: &str, text: &str, secrets: &BTreeSet<String>) -> Vec<String> {
    secrets
        .iter()
        .filter(|s| text.contains(s.as_str()))
        .map(|s| format!("{what}: {} (masked: …)", s.chars().count()))
        .collect()
}

#[test]
fn no_command_prints_an_identity_number_or_a_name() {
    let dir = std::env::temp_dir().join(format!("fupin-privacy-{}", std::process::id()));
    let d = dir.to_str().unwrap();
    // The default synth county is the demonstration county of `fupin report`.
    let o = fupin(&["synth", "--out", d], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let secrets = personal(&dir);
    assert!(secrets.len() > 500, "the corpus holds identity numbers and names");
    let households = std::fs::read_to_string(dir.join("households.jsonl")).unwrap();
    assert!(
        !leaks("input", &households, &secrets).is_empty(),
        "the input itself carries them"
    );
    let bad = broken(&households);
    // Inputs go by path: the shared helper writes stdin before reading
    // stdout, which a pipe would block on with this much output.
    let bad_path = dir.join("broken.jsonl");
    std::fs::write(&bad_path, &bad).unwrap();
    let bad_path = bad_path.to_str().unwrap();
    let claims_path = dir.join("claims.jsonl");
    let claims_path = claims_path.to_str().unwrap();
    let hh_csv = dir.join("households.csv");
    let mm_csv = dir.join("members.csv");
    let (hh_csv, mm_csv) = (hh_csv.to_str().unwrap(), mm_csv.to_str().unwrap());
    let html = dir.join("r.html");
    let json = dir.join("r.json");
    let runs: Vec<(&str, Vec<&str>, &str)> = vec![
        ("evaluate", vec!["evaluate", bad_path], ""),
        ("evaluate --explain", vec!["evaluate", "--explain", bad_path], ""),
        ("audit", vec!["audit", bad_path], ""),
        (
            "audit tables",
            vec!["audit", "--households", hh_csv, "--members", mm_csv],
            "",
        ),
        ("settle --explain", vec!["settle", "--explain", claims_path], ""),
        (
            "report",
            vec![
                "report",
                "--households",
                hh_csv,
                "--members",
                mm_csv,
                "--claims",
                claims_path,
            ],
            "",
        ),
        ("report demo", vec!["report"], ""),
        (
            "report html",
            vec![
                "report",
                "--households",
                hh_csv,
                "--members",
                mm_csv,
                "--claims",
                claims_path,
                "--out",
                html.to_str().unwrap(),
            ],
            "",
        ),
        (
            "report json",
            vec![
                "report",
                "--households",
                hh_csv,
                "--members",
                mm_csv,
                "--claims",
                claims_path,
                "--out",
                json.to_str().unwrap(),
            ],
            "",
        ),
    ];
    let mut found = Vec::new();
    for (what, args, input) in &runs {
        let o = fupin(args, input);
        found.extend(leaks(&format!("{what} stdout"), &stdout(&o), &secrets));
        found.extend(leaks(&format!("{what} stderr"), &stderr(&o), &secrets));
    }
    for f in [&html, &json] {
        let text = std::fs::read_to_string(f).unwrap();
        found.extend(leaks(&f.display().to_string(), &text, &secrets));
    }
    assert!(found.is_empty(), "{found:#?}");
    // The broken lines did fail (so their messages were looked at).
    let o = fupin(&["evaluate", bad_path], "");
    let errors = stdout(&o).lines().filter(|l| l.contains("\"error\"")).count();
    assert!(errors >= 50, "{errors} error lines");

    // With --reveal-personal-data the report's person lists (patients the
    // backstop protected) show full names: the check above would have seen
    // a leak.
    let revealed = dir.join("revealed.json");
    let o = fupin(
        &[
            "report",
            "--households",
            hh_csv,
            "--members",
            mm_csv,
            "--claims",
            claims_path,
            "--reveal-personal-data",
            "--out",
            revealed.to_str().unwrap(),
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&revealed).unwrap();
    assert!(!leaks("revealed", &text, &secrets).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
