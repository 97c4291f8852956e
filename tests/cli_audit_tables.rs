//! `fupin audit --households … --members …` on the registry tables
//! (interfaces.md §4.1): the `fupin synth` CSVs give the same households and
//! the same output as `fupin audit households.jsonl`; bad cells go to
//! standard error and bad households get their error line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};

use common::{fupin, stdout};
use fupin_core::parse_household;
use fupin_core::record::read::{read_registry_csv, read_villages_csv};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fupin-cli-tables-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn synth(dir: &Path) {
    let out = fupin(&["synth", "--out", dir.to_str().unwrap()], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn path(dir: &Path, file: &str) -> String {
    dir.join(file).to_str().unwrap().to_owned()
}

#[test]
fn the_synth_csvs_read_back_as_households_jsonl() {
    let dir = scratch("read");
    synth(&dir);
    let jsonl = std::fs::read_to_string(dir.join("households.jsonl")).unwrap();
    let want: Vec<_> = jsonl
        .lines()
        .map(|l| parse_household(l.as_bytes()).unwrap())
        .collect();
    assert_eq!(want.len(), 1662);
    let read = read_registry_csv(
        std::fs::File::open(dir.join("households.csv")).unwrap(),
        std::fs::File::open(dir.join("members.csv")).unwrap(),
    )
    .unwrap();
    assert_eq!(read.errors, vec![]);
    let got: Vec<_> = read.households.into_iter().map(Result::unwrap).collect();
    assert_eq!(got, want);
    let (villages, errors) =
        read_villages_csv(std::fs::File::open(dir.join("villages.csv")).unwrap()).unwrap();
    assert_eq!(errors, vec![]);
    assert_eq!(villages.len(), 8);
    assert!(
        got.iter()
            .all(|h| villages.iter().any(|v| v.village == h.village))
    );
}

#[test]
fn audit_of_the_tables_equals_audit_of_the_jsonl() {
    let dir = scratch("audit");
    synth(&dir);
    let from_jsonl = fupin(&["audit", &path(&dir, "households.jsonl")], "");
    let from_tables = fupin(
        &[
            "audit",
            "--households",
            &path(&dir, "households.csv"),
            "--members",
            &path(&dir, "members.csv"),
        ],
        "",
    );
    assert_eq!(from_jsonl.status.code(), Some(0));
    assert_eq!(from_tables.status.code(), Some(0));
    assert!(from_tables.stderr.is_empty());
    let text = stdout(&from_tables);
    assert!(text.lines().count() > 50, "the demo county has findings");
    assert_eq!(text, stdout(&from_jsonl));
}

#[test]
fn bad_cells_go_to_stderr_and_bad_households_get_error_lines() {
    let dir = scratch("bad");
    std::fs::write(dir.join("h.csv"), "户编号,工资性收入\nH1,100\nH2,1.005\n").unwrap();
    std::fs::write(
        dir.join("m.csv"),
        "户编号,人员编号,证件号码,性别,出生日期\nH1,P1,,男,1980-01-01\n\
         H2,P2,640122198001011234,男,1980-01-01\n",
    )
    .unwrap();
    let out = fupin(
        &[
            "audit",
            "--households",
            &path(&dir, "h.csv"),
            "--members",
            &path(&dir, "m.csv"),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr.clone()).unwrap(),
        "households 2 工资性收入 1.005: invalid money \"1.005\": money must be a non-negative \
         amount of yuan with at most two decimals, like \"1234.50\"\n"
    );
    let text = stdout(&out);
    let last = text.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(v["line"], 2);
    assert_eq!(v["id"], "H2");
    assert_eq!(v["error"]["code"], "invalid_money");
    assert_eq!(v["error"]["field"], "income.wage");
}

#[test]
fn a_households_csv_without_members_is_bad_usage() {
    let dir = scratch("usage");
    std::fs::write(dir.join("h.csv"), "id\nH1\n").unwrap();
    let out = fupin(&["audit", "--households", &path(&dir, "h.csv")], "");
    assert_eq!(out.status.code(), Some(2));
}
