//! `fupin report` end to end: the demo county, and the figures of a report
//! equal sums over `fupin evaluate`, `fupin settle` and `fupin audit` output
//! for the same data.

mod common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{fupin, json_lines, stderr, stdout};
use rust_decimal::Decimal;
use serde_json::Value;

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fupin-cli-report-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn table<'a>(report: &'a Value, name: &str) -> &'a Vec<Value> {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tables"].as_array().unwrap())
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no table {name}"))["rows"]
        .as_array()
        .unwrap()
}

/// Row whose first cell is `key` → its cells.
fn row<'a>(rows: &'a [Value], key: &str) -> &'a Vec<Value> {
    rows.iter()
        .find(|r| r[0] == key || r[0].as_str().is_some_and(|s| s.starts_with(key)))
        .unwrap_or_else(|| panic!("no row {key}"))
        .as_array()
        .unwrap()
}

#[test]
fn the_main_job_runs_on_the_demo_county_with_every_section() {
    let o = fupin(&["report"], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for title in [
        "Households and persons",
        "Poverty incidence",
        "Household exit",
        "Monitoring against return to poverty",
        "Benefit totals",
        "Poverty micro-credit",
        "One-stop medical settlement",
        "County exit check",
        "Data-quality findings",
        "Reconciliation of reported figures",
    ] {
        assert!(text.contains(title), "missing section {title}");
    }
    // The seed's shape: 1662 households, 7805 persons; its three inconsistencies.
    assert!(text.contains("1662") && text.contains("7805"));
    assert!(text.contains("1199 + 269 + 145 = 1613 ≠ 1662"));
    assert!(text.contains("5745 + 1272 + 676 = 7693 ≠ 7805"));
    assert!(text.contains("1300 ≠ 1233"));
}

#[test]
fn person_lists_are_masked_unless_personal_data_is_revealed() {
    let dir = tmp("mask");
    let names = |reveal: bool| -> Vec<String> {
        let out = dir.join(format!("r-{reveal}.json"));
        let mut args = vec!["report", "--out", out.to_str().unwrap()];
        if reveal {
            args.push("--reveal-personal-data");
        }
        assert_eq!(fupin(&args, "").status.code(), Some(0));
        let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        table(&report, "backstop_protected")
            .iter()
            .map(|r| r[1].as_str().unwrap().to_owned())
            .collect()
    };
    let masked = names(false);
    let revealed = names(true);
    assert!(
        !masked.is_empty(),
        "the demo county has patients the backstop protected"
    );
    assert_eq!(masked.len(), revealed.len());
    for (m, r) in masked.iter().zip(&revealed) {
        assert!(m.ends_with("**") && m.chars().count() == 3, "{m}");
        assert!(!r.ends_with("**"), "{r}");
        assert_eq!(m.chars().next(), r.chars().next());
    }
}

#[test]
fn html_and_xlsx_outputs_are_written() {
    let dir = tmp("out");
    for ext in ["html", "xlsx"] {
        let path = dir.join(format!("report.{ext}"));
        let o = fupin(&["report", "--out", path.to_str().unwrap()], "");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let bytes = std::fs::read(&path).unwrap();
        match ext {
            "html" => {
                let html = String::from_utf8(bytes).unwrap();
                assert!(html.starts_with("<!DOCTYPE html>"));
                assert_eq!(html.matches("<svg").count(), 3, "three charts");
                assert!(html.contains("incidence by village") && html.contains("exit line"));
                assert!(
                    !html.contains("<script src") && !html.contains("<link"),
                    "self-contained"
                );
            }
            _ => assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip"),
        }
    }
    let o = fupin(
        &["report", "--out", dir.join("report.pdf").to_str().unwrap()],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
}

fn synth(dir: &Path) {
    let o = fupin(
        &[
            "synth",
            "--households",
            "400",
            "--seed",
            "7",
            "--out",
            dir.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn report_figures_equal_sums_over_evaluate_settle_and_audit_output() {
    let dir = tmp("sums");
    synth(&dir);
    let hh = dir.join("households.jsonl");
    let claims = dir.join("claims.jsonl");
    let decisions = json_lines(&fupin(&["evaluate", hh.to_str().unwrap()], ""));
    let settlements = json_lines(&fupin(&["settle", claims.to_str().unwrap()], ""));
    let audit = json_lines(&fupin(&["audit", hh.to_str().unwrap()], ""));
    let out = dir.join("report.json");
    let o = fupin(
        &[
            "report",
            "--households",
            hh.to_str().unwrap(),
            "--claims",
            claims.to_str().unwrap(),
            "--villages",
            dir.join("villages.csv").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();

    // Totals.
    let total = &table(&report, "counts_total")[0];
    assert_eq!(total[0].as_u64().unwrap(), decisions.len() as u64);
    let persons: u64 = decisions.iter().map(|d| d["size"].as_u64().unwrap()).sum();
    assert_eq!(total[1].as_u64().unwrap(), persons);

    // Exit progress and failures by criterion.
    let eligible: Vec<&Value> = decisions
        .iter()
        .filter(|d| d["exit"]["eligible"] == true)
        .collect();
    let progress = table(&report, "exit_progress");
    assert_eq!(progress[0][1].as_u64().unwrap(), eligible.len() as u64);
    assert_eq!(
        progress[0][2].as_u64().unwrap(),
        eligible
            .iter()
            .map(|d| d["size"].as_u64().unwrap())
            .sum::<u64>()
    );
    let mut failures: BTreeMap<String, u64> = BTreeMap::new();
    for d in &decisions {
        for c in d["exit"]["failed"].as_array().unwrap() {
            *failures.entry(c.as_str().unwrap().to_owned()).or_default() += 1;
        }
    }
    for (code, n) in &failures {
        assert_eq!(
            row(table(&report, "exit_failures"), code)[1]
                .as_u64()
                .unwrap(),
            *n,
            "{code}"
        );
    }

    // Benefits.
    let sum = |path: &[&str]| -> Decimal {
        decisions
            .iter()
            .map(|d| dec(path.iter().fold(d, |v, k| &v[*k])))
            .sum()
    };
    let benefits = table(&report, "benefits");
    assert_eq!(
        dec(&row(benefits, "低保补差")[1]),
        sum(&["dibao", "monthly_benefit"])
    );
    assert_eq!(
        dec(&row(benefits, "扶贫保保费")[1]),
        sum(&["entitlements", "insurance_premiums"])
    );
    assert_eq!(
        dec(&row(benefits, "教育资助")[1]),
        sum(&["entitlements", "education_aid"])
    );
    assert_eq!(
        dec(&row(benefits, "高龄津贴")[1]),
        sum(&["entitlements", "elderly_allowance"])
    );
    assert_eq!(
        dec(&row(benefits, "退役士兵补助")[1]),
        sum(&["entitlements", "veterans_allowance"])
    );

    // Settlement split by payer.
    let split = table(&report, "settlement_split");
    for (label, key) in [
        ("基本医保", "basic_insurance"),
        ("大病保险", "critical_illness_insurance"),
        ("扶贫保补充医疗", "supplementary_insurance"),
        ("医疗救助", "medical_assistance"),
        ("政府兜底", "backstop"),
        ("个人自付", "self_pay"),
        ("住院总费用", "total_cost"),
    ] {
        let want: Decimal = settlements.iter().map(|s| dec(&s[key])).sum();
        assert_eq!(dec(&row(split, label)[1]), want, "{key}");
    }

    // Findings by code (audit output, audit-only codes included).
    let mut by_code: BTreeMap<String, u64> = BTreeMap::new();
    for f in &audit {
        *by_code
            .entry(f["code"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(by_code.contains_key("duplicate_person") || by_code.contains_key("duplicate_id"));
    for r in table(&report, "findings") {
        let code = r[0].as_str().unwrap();
        assert_eq!(
            r[1].as_u64().unwrap(),
            by_code.get(code).copied().unwrap_or(0),
            "{code}"
        );
    }
}
