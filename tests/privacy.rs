//! Privacy end to end: a synthetic county with valid identity
//! numbers and real-looking names, plus lines and cells broken right at the
//! personal fields, goes through every command; no identity number and no
//! full name may appear in any output or on stderr (interfaces.md §4: masked
//! as `640122********123X`, `张**`) — except in a report asked for with
//! `--reveal-personal-data`, which proves the check can see them.
//!
//! Kept quick in a debug build: a 300-household county for the commands that
//! read input, one run per command and output format, and a linear scan for
//! the secrets (checking every secret with `contains` against megabytes of
//! `--explain` output was what made this test take minutes).

mod common;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use common::{fupin, stderr, stdout};

/// Identity numbers and names (two characters or more) of a member table.
/// A name that is also part of a town or village name (a person called
/// 金贵 in 金贵镇) is public text in every report, so it cannot be a probe.
fn personal(dir: &Path) -> Secrets {
    let text = std::fs::read_to_string(dir.join("members.csv")).unwrap();
    let places = std::fs::read_to_string(dir.join("villages.csv")).unwrap();
    let mut set = HashSet::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (id_number, name) = (cells[2], cells[3]);
        if id_number.chars().count() >= 10 {
            set.insert(id_number.to_owned());
        }
        if name.chars().count() >= 2 && !places.contains(name) {
            set.insert(name.to_owned());
        }
    }
    Secrets::new(set)
}

/// A set of secrets and a scan for them that is linear in the text: every
/// substring whose length (in characters) is the length of some secret is
/// looked up, which finds exactly what `text.contains(secret)` would.
struct Secrets {
    set: HashSet<String>,
    lengths: BTreeSet<usize>,
}

impl Secrets {
    fn new(set: HashSet<String>) -> Secrets {
        let lengths = set.iter().map(|s| s.chars().count()).collect();
        Secrets { set, lengths }
    }

    fn len(&self) -> usize {
        self.set.len()
    }

    /// The secrets found in `text` (masked in the report: count and length
    /// only, so a failing test does not print them either).
    fn leaks(&self, what: &str, text: &str) -> Vec<String> {
        let starts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let mut found = BTreeSet::new();
        for (k, &start) in starts.iter().enumerate() {
            for &n in &self.lengths {
                let Some(&end) = starts.get(k + n) else { break };
                let s = &text[start..end];
                if self.set.contains(s) {
                    found.insert(s.to_owned());
                }
            }
        }
        found
            .iter()
            .map(|s| {
                let first: String = s.chars().take(1).collect();
                format!("{what}: {first}… ({} characters)", s.chars().count())
            })
            .collect()
    }
}

/// Every seventh household line doubled by a copy broken at or next to the
/// personal fields of its first member.
fn broken_jsonl(households: &str) -> String {
    let mut out = String::new();
    for (n, line) in households.lines().enumerate() {
        out.push_str(line);
        out.push('\n');
        if n % 7 != 0 {
            continue;
        }
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        let m = &mut v["members"][0];
        match (n / 7) % 7 {
            // An identity number given as a JSON number: wrong_type.
            0 => {
                let digits = m["id_number"].as_str().unwrap_or("1").replace('X', "1");
                m["id_number"] = serde_json::from_str(&digits).unwrap();
            }
            // A name given as a list: wrong_type.
            1 => m["name"] = serde_json::json!([m["name"].clone()]),
            // An unknown field holding the identity number.
            2 => m["passport"] = m["id_number"].clone(),
            // A bad birth date in the member that carries them.
            3 => m["birth_date"] = serde_json::json!("1980-02-30"),
            // The name typed into an enum field.
            4 => m["sex"] = m["name"].clone(),
            // The identity number moved into a date field (no id_number
            // key left to say it is one).
            5 => {
                let number = m.as_object_mut().unwrap().remove("id_number");
                m["deceased_on"] = number.unwrap_or_default();
            }
            // The identity number typed as the household's money.
            _ => v["rigid_expenses"] = v["members"][0]["id_number"].clone(),
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

/// The member table with every ninth row's name typed into the `sex` column
/// and its identity number into `birth_date` (bad cells: their values are
/// printed, masked), every eighteenth with the number moved there.
fn broken_members_csv(text: &str) -> String {
    let mut out = String::new();
    for (n, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        if n > 0 && n % 9 == 0 {
            cells[5] = cells[3].clone();
            cells[6] = cells[2].clone();
            // Every other time the number is moved rather than copied.
            if n % 18 == 0 {
                cells[2] = String::new();
            }
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn synth(dir: &Path, households: Option<&str>) {
    let mut args = vec!["synth", "--out", dir.to_str().unwrap()];
    if let Some(n) = households {
        args.extend(["--households", n]);
    }
    let o = fupin(&args, "");
    assert!(o.status.success(), "{}", stderr(&o));
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fupin-privacy-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The arguments `head` then `tail`, owned.
fn with(head: &[&str], tail: &[&str]) -> Vec<String> {
    head.iter().chain(tail).map(|s| (*s).to_owned()).collect()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn no_command_prints_an_identity_number_or_a_name() {
    let dir = scratch("small");
    synth(&dir, Some("300"));
    let secrets = personal(&dir);
    assert!(
        secrets.len() > 500,
        "the corpus holds identity numbers and names"
    );
    let households = std::fs::read_to_string(dir.join("households.jsonl")).unwrap();
    assert!(
        !secrets.leaks("input", &households).is_empty(),
        "the input itself carries them"
    );
    // Inputs go by path: the shared helper writes stdin before reading
    // stdout, which a pipe would block on with this much output.
    let bad = dir.join("broken.jsonl");
    std::fs::write(&bad, broken_jsonl(&households)).unwrap();
    let members = std::fs::read_to_string(dir.join("members.csv")).unwrap();
    let bad_members = dir.join("broken_members.csv");
    std::fs::write(&bad_members, broken_members_csv(&members)).unwrap();
    let claims = dir.join("claims.jsonl");
    let mut claims_text = std::fs::read_to_string(&claims).unwrap();
    claims_text.push_str("{\"id\":\"C-bad\",\"person_id\":\"P1\",\"total_cost\":\"x\"}\n");
    // A stay the backstop pays for, so the report has a person list.
    claims_text.push_str(concat!(
        r#"{"id":"C-big","person_id":"P00000001","admitted_on":"2020-06-01","#,
        r#""hospital_level":"provincial","total_cost":"800000.00","major_illness":true}"#,
        "\n"
    ));
    std::fs::write(&claims, claims_text).unwrap();
    let (bad, bad_members, claims) = (path(&bad), path(&bad_members), path(&claims));
    let hh_csv = dir.join("households.csv");
    let hh_csv = path(&hh_csv);
    let tables = ["--households", hh_csv, "--members", bad_members];
    let html = dir.join("r.html");
    let json = dir.join("r.json");
    let again = dir.join("again");
    let (again, html_path, json_path) = (path(&again), path(&html), path(&json));
    let runs: Vec<(&str, Vec<String>)> = vec![
        (
            "evaluate --explain",
            with(&["evaluate", "--explain"], &[bad]),
        ),
        ("audit", with(&["audit"], &[bad])),
        ("audit tables", with(&["audit"], &tables)),
        (
            "settle --explain",
            with(&["settle", "--explain"], &[claims]),
        ),
        ("policy show", with(&["policy", "show"], &[])),
        (
            "synth",
            with(&["synth", "--households", "5", "--out"], &[again]),
        ),
        // The report once per output format: text on stdout, html, json.
        ("report", with(&["report", "--claims", claims], &tables)),
        (
            "report html",
            with(&["report", "--claims", claims, "--out", html_path], &tables),
        ),
        (
            "report json",
            with(
                &[
                    "report",
                    "--households",
                    bad,
                    "--claims",
                    claims,
                    "--out",
                    json_path,
                ],
                &[],
            ),
        ),
    ];
    let mut found = Vec::new();
    let mut outputs = 0;
    for (what, args) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = fupin(&args, "");
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{what}: {}",
            stderr(&o)
        );
        outputs += o.stdout.len() + o.stderr.len();
        found.extend(secrets.leaks(&format!("{what} stdout"), &stdout(&o)));
        found.extend(secrets.leaks(&format!("{what} stderr"), &stderr(&o)));
    }
    for f in [&html, &json] {
        let text = std::fs::read_to_string(f).unwrap();
        found.extend(secrets.leaks(&f.display().to_string(), &text));
    }
    assert!(found.is_empty(), "{found:#?}");
    assert!(outputs > 1_000_000, "the commands had something to say");

    // The broken lines and cells did fail, so their messages were looked at.
    let o = fupin(&["evaluate", bad], "");
    let errors = stdout(&o)
        .lines()
        .filter(|l| l.contains("\"error\""))
        .count();
    assert!(errors >= 40, "{errors} error lines");
    let o = fupin(
        &["audit", "--households", hh_csv, "--members", bad_members],
        "",
    );
    let cells = stderr(&o).lines().count();
    assert!(cells >= 100, "{cells} bad cells reported");

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
            &dir.join("members.csv").to_string_lossy(),
            "--claims",
            claims,
            "--reveal-personal-data",
            "--out",
            path(&revealed),
        ],
        "",
    );
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    let text = std::fs::read_to_string(&revealed).unwrap();
    assert!(!secrets.leaks("revealed", &text).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `fupin report` with no arguments runs on the demonstration county, which
/// is the default `fupin synth` county: none of its people may show.
#[test]
fn the_demonstration_report_shows_no_identity_number_or_name() {
    let dir = scratch("demo");
    synth(&dir, None);
    let secrets = personal(&dir);
    assert!(secrets.len() > 5000);
    let o = fupin(&["report"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let mut found = secrets.leaks("demo stdout", &stdout(&o));
    found.extend(secrets.leaks("demo stderr", &stderr(&o)));
    assert!(found.is_empty(), "{found:#?}");
    let revealed = fupin(&["report", "--reveal-personal-data"], "");
    assert!(!secrets.leaks("revealed", &stdout(&revealed)).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A panic is a bug, but even then its message (which may quote the record
/// being read) never reaches stderr: the hook prints a fixed line naming
/// only where it happened. Debug builds panic on purpose when
/// `FUPIN_PANIC_FOR_TESTS` is set.
#[test]
#[cfg(debug_assertions)]
fn a_panic_prints_no_personal_data() {
    let secret = "64012219800101123X 张三丰";
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_fupin"))
        .args(["policy", "show"])
        .env("FUPIN_PANIC_FOR_TESTS", secret)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(101), "{err}");
    assert!(
        err.contains("fupin: internal error at src/main.rs:"),
        "{err}"
    );
    for s in ["64012219800101123X", "张三丰", "test panic", "panicked"] {
        assert!(!err.contains(s), "{err}");
    }
    assert!(o.stdout.is_empty());
}
