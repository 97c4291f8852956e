//! The report on a 2 000-household registry read from tables with Chinese
//! headers and labels, as CSV and as xlsx, equals the report on the same
//! households as JSONL (issue: "gives the same report").

mod common;
use std::path::{Path, PathBuf};

use common::{fupin, stderr};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fupin-report-tables-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn report_json(dir: &Path, inputs: &[&str]) -> serde_json::Value {
    let out = dir.join(format!("report-{}.json", inputs.len()));
    let mut args = vec!["report", "--out", out.to_str().unwrap()];
    args.extend_from_slice(inputs);
    let o = fupin(&args, "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
}

/// A workbook with sheets `households`, `members`, `villages` holding the CSV
/// cells; two-decimal amounts become numbers, as a spreadsheet would keep them.
fn workbook_from_csvs(dir: &Path, xlsx: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for name in ["households", "members", "villages"] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(dir.join(format!("{name}.csv")))
            .unwrap();
        for (r, rec) in rd.records().enumerate() {
            for (c, cell) in rec.unwrap().iter().enumerate() {
                let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
                let money = cell.split_once('.').is_some_and(|(i, f)| {
                    !i.is_empty()
                        && f.len() == 2
                        && (i.to_owned() + f).bytes().all(|b| b.is_ascii_digit())
                });
                if money {
                    ws.write_number(r, c, cell.parse::<f64>().unwrap()).unwrap();
                } else if !cell.is_empty() {
                    ws.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    wb.save(xlsx).unwrap();
}

#[test]
fn chinese_csv_and_xlsx_tables_give_the_same_report_as_jsonl() {
    let en = tmp("en");
    let zh = tmp("zh");
    for (dir, extra) in [(&en, None), (&zh, Some("--chinese"))] {
        let mut args = vec![
            "synth",
            "--households",
            "2000",
            "--seed",
            "11",
            "--out",
            dir.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = fupin(&args, "");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let header = std::fs::read_to_string(zh.join("households.csv")).unwrap();
    assert!(
        header.starts_with("户编号,乡镇,行政村,贫困户属性,脱贫属性"),
        "{}",
        &header[..60]
    );
    assert!(header.contains("已脱贫") && header.contains("因病"));

    let villages = en.join("villages.csv");
    let from_jsonl = report_json(
        &en,
        &[
            "--households",
            en.join("households.jsonl").to_str().unwrap(),
            "--villages",
            villages.to_str().unwrap(),
        ],
    );
    let from_csv = report_json(
        &zh,
        &[
            "--households",
            zh.join("households.csv").to_str().unwrap(),
            "--members",
            zh.join("members.csv").to_str().unwrap(),
            "--villages",
            villages.to_str().unwrap(),
        ],
    );
    let xlsx = zh.join("registry.xlsx");
    workbook_from_csvs(&zh, &xlsx);
    let from_xlsx = report_json(&zh, &["--households", xlsx.to_str().unwrap()]);

    assert_eq!(
        from_csv, from_jsonl,
        "Chinese CSV tables give the JSONL report"
    );
    assert_eq!(
        from_xlsx, from_jsonl,
        "the xlsx workbook gives the JSONL report"
    );
    let total = &from_jsonl["sections"][0]["tables"][0]["rows"][0];
    assert_eq!(total[0], 2000);
}
