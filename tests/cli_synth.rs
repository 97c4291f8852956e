//! `fupin synth` end to end: the five files, their headers, byte-identical
//! output for a seed, and records that `fupin evaluate` reads without error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

const FILES: [&str; 5] = [
    "households.csv",
    "members.csv",
    "villages.csv",
    "households.jsonl",
    "claims.jsonl",
];

fn fupin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fupin"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fupin-cli-synth-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn synth(dir: &Path, args: &[&str]) {
    let out = fupin()
        .arg("synth")
        .args(args)
        .arg("--out")
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn synth_writes_the_five_files_with_the_specified_headers() {
    let dir = scratch("default");
    synth(&dir, &[]);
    for f in FILES {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let households = read(&dir, "households.csv");
    let header = households.lines().next().unwrap();
    assert!(header.starts_with(
        "id,town,village,attribute,status,identified_on,exited_on,returned_on,causes,relocated,\
         exit_steps,income_wage,income_operating,income_operating_cost,income_property,\
         income_transfer,income_dibao,income_one_off_transfer,income_year,last_year_income_wage,"
    ));
    assert!(header.contains(",rigid_expenses,guarantees_food,guarantees_clothing,"));
    assert!(header.ends_with(",credit_rating,credit_outstanding"));
    assert_eq!(households.lines().count(), 1 + 1662);
    let members = read(&dir, "members.csv");
    assert!(
        members
            .lines()
            .next()
            .unwrap()
            .starts_with("household_id,id,id_number,name,relation,sex,birth_date,")
    );
    assert_eq!(
        read(&dir, "villages.csv").lines().next(),
        Some("village,town,population")
    );
    assert_eq!(read(&dir, "villages.csv").lines().count(), 9);
    assert_eq!(read(&dir, "households.jsonl").lines().count(), 1662);
    // Lists are one cell each.
    assert!(households.contains("proposed:20"));
    assert!(households.contains(";deregistered:20"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_seed_gives_byte_identical_files_and_another_seed_different_ones() {
    let (a, b, c) = (scratch("a"), scratch("b"), scratch("c"));
    synth(&a, &["--households", "300", "--seed", "7"]);
    synth(&b, &["--households", "300", "--seed", "7"]);
    synth(&c, &["--households", "300", "--seed", "8"]);
    for f in FILES {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    assert_ne!(read(&a, "households.jsonl"), read(&c, "households.jsonl"));
    assert_eq!(read(&a, "households.csv").lines().count(), 301);
    for d in [a, b, c] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn evaluate_reads_every_synthetic_household_without_error() {
    let dir = scratch("evaluate");
    synth(&dir, &["--households", "400"]);
    let out = fupin()
        .arg("evaluate")
        .arg(dir.join("households.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 400);
    assert!(!text.contains("\"error\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn synth_without_out_is_bad_usage() {
    let out = fupin().arg("synth").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
