//! The registry-table readers (interfaces.md §4.1): the demo county's tables
//! read back as its records, in English and in Chinese, from CSV and from an
//! .xlsx workbook; bad cells reported with table, row, column and value;
//! personal data masked; defaults, lists and joins. Expected values are
//! written by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use fupin_core::audit::audit;
use fupin_core::date::parse_date;
use fupin_core::decision::FindingCode;
use fupin_core::enums::{Cause, CreditRating, ExitStepKind, Housing};
use fupin_core::mask::IdNumber;
use fupin_core::policy::Policy;
use fupin_core::record::read::{CellError, RegistryRead, read_registry_csv, read_villages_csv};
use fupin_core::record::table::{
    household_headers, household_row, member_headers, member_rows, village_headers, village_row,
};
use fupin_core::record::xlsx::read_registry_xlsx;
use fupin_core::rules::Evaluator;
use fupin_core::synth::{Synth, SynthConfig};
use fupin_core::{ErrorCode, Household, parse_household};

/// The demo county (1662 households), as `households.jsonl` gives it: each
/// record serialized and parsed back, as `fupin evaluate` would read it.
fn county() -> Vec<Household> {
    Synth::new(SynthConfig::default())
        .map(|h| parse_household(serde_json::to_string(&h).unwrap().as_bytes()).unwrap())
        .collect()
}

fn csv_text(rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).unwrap();
    }
    w.into_inner().unwrap()
}

fn strings(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_owned).collect()
}

/// The tables exactly as `fupin synth` writes them.
fn english_tables(hh: &[Household]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut h = vec![strings(household_headers())];
    let mut m = vec![strings(member_headers())];
    for x in hh {
        h.push(household_row(x));
        m.extend(member_rows(x));
    }
    (h, m)
}

fn ok(read: &RegistryRead) -> Vec<Household> {
    read.households
        .iter()
        .map(|r| r.as_ref().unwrap().clone())
        .collect()
}

fn read_csv(h: &str, m: &str) -> RegistryRead {
    read_registry_csv(h.as_bytes(), m.as_bytes()).unwrap()
}

#[test]
fn the_synth_csv_tables_read_back_as_the_jsonl_households() {
    let hh = county();
    assert_eq!(hh.len(), 1662);
    let (h, m) = english_tables(&hh);
    let read = read_registry_csv(&csv_text(h)[..], &csv_text(m)[..]).unwrap();
    assert_eq!(read.errors, vec![]);
    assert!(read.orphan_members.is_empty());
    assert_eq!(read.rows, (1..=1662).collect::<Vec<_>>());
    assert_eq!(ok(&read), hh);
}

/// The Chinese tables as `fupin synth --chinese` writes them.
fn chinese_tables(hh: &[Household]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    use fupin_core::record::table::chinese as zh;
    let own = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
    let mut h = vec![own(zh::household_headers())];
    let mut m = vec![own(zh::member_headers())];
    for x in hh {
        h.push(zh::household_row_zh(x));
        m.extend(zh::member_rows_zh(x));
    }
    // The labels the spec lists are really there (not left in English).
    assert!(h.iter().flatten().any(|c| c == "已脱贫"));
    assert!(m.iter().flatten().any(|c| c == "之女"));
    assert!(h[0].contains(&"户编号".to_owned()) && m[0].contains(&"证件号码".to_owned()));
    (h, m)
}

#[test]
fn chinese_headers_and_labels_give_the_same_records() {
    let hh = county();
    let (h, m) = chinese_tables(&hh);
    assert_eq!(h[0][0], "户编号");
    assert_eq!(m[0][0], "户编号");
    assert!(m.iter().any(|r| r.contains(&"之女".to_owned())));
    assert!(m.iter().any(|r| r.contains(&"孙女".to_owned())));
    assert!(h.iter().any(|r| r.iter().any(|c| c.contains("民主评议："))));
    let read = read_registry_csv(&csv_text(h)[..], &csv_text(m)[..]).unwrap();
    assert_eq!(read.errors, vec![]);
    assert_eq!(ok(&read), hh);
}

fn is_money(header: &str) -> bool {
    header.starts_with("income_")
        || (header.starts_with("last_year_income_") && !header.ends_with("_year"))
        || matches!(
            header,
            "rigid_expenses" | "assets_deposits" | "credit_outstanding"
        )
}

/// Writes one sheet the way a spreadsheet user would keep it: money and
/// years as numbers, identity numbers of digits as numbers, booleans as
/// booleans, dates as formatted dates.
fn write_sheet(sheet: &mut rust_xlsxwriter::Worksheet, rows: &[Vec<String>]) {
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let headers = &rows[0];
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap();
        for (c, cell) in row.iter().enumerate() {
            let col = u16::try_from(c).unwrap();
            let header = headers[c].as_str();
            if r == 0 || cell.is_empty() {
                if !cell.is_empty() {
                    sheet.write_string(r, col, cell).unwrap();
                }
                continue;
            }
            let digits = cell.bytes().all(|b| b.is_ascii_digit());
            if is_money(header)
                || header.ends_with("_year")
                || header == "population"
                || (header == "id_number" && digits)
            {
                sheet
                    .write_number(r, col, cell.parse::<f64>().unwrap())
                    .unwrap();
            } else if cell == "true" || cell == "false" {
                sheet.write_boolean(r, col, cell == "true").unwrap();
            } else if header.ends_with("_on") || header == "birth_date" {
                let d = rust_xlsxwriter::ExcelDateTime::parse_from_str(cell).unwrap();
                sheet
                    .write_datetime_with_format(r, col, d, &date_format)
                    .unwrap();
            } else {
                sheet.write_string(r, col, cell).unwrap();
            }
        }
    }
}

fn workbook(sheets: &[(&str, &[Vec<String>])]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = wb.add_worksheet();
        sheet.set_name(*name).unwrap();
        write_sheet(sheet, rows);
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn an_xlsx_workbook_with_numbers_and_dates_gives_the_same_records() {
    let hh = county();
    let (h, m) = english_tables(&hh);
    let villages: Vec<Vec<String>> = std::iter::once(strings(village_headers()))
        .chain(
            Synth::new(SynthConfig::default())
                .villages()
                .iter()
                .map(village_row),
        )
        .collect();
    let bytes = workbook(&[("households", &h), ("members", &m), ("villages", &villages)]);
    let read = read_registry_xlsx(bytes).unwrap();
    assert_eq!(read.registry.errors, vec![]);
    assert_eq!(
        read.villages.unwrap(),
        Synth::new(SynthConfig::default()).villages()
    );
    let got = ok(&read.registry);
    assert_eq!(got.len(), hh.len());

    // An identity number stored as a number is read as the digits of that
    // number: the same length, the same binary value, only the last digits
    // lost.
    let mut lost = 0;
    let mut restored = got.clone();
    for (g, want) in restored.iter_mut().zip(&hh) {
        for (gm, wm) in g.members.iter_mut().zip(&want.members) {
            let (Some(gi), Some(wi)) = (&gm.id_number, &wm.id_number) else {
                assert_eq!(gm.id_number, wm.id_number);
                continue;
            };
            let (gi, wi) = (gi.expose(), wi.expose());
            assert_eq!(gi.len(), wi.len(), "{}", wm.id);
            if !wi.bytes().all(|b| b.is_ascii_digit()) {
                assert_eq!(gi, wi, "written as text: {}", wm.id);
                continue;
            }
            assert!(gi.bytes().all(|b| b.is_ascii_digit()), "{}", wm.id);
            assert_eq!(gi[..12], wi[..12], "{}", wm.id);
            assert_eq!(
                gi.parse::<f64>().unwrap().to_bits(),
                wi.parse::<f64>().unwrap().to_bits(),
                "{}",
                wm.id
            );
            if gi != wi {
                lost += 1;
            }
            gm.id_number = Some(IdNumber::new(wi));
        }
    }
    assert!(lost > 100, "18-digit numbers lose digits as floats: {lost}");
    assert_eq!(restored, hh);

    // Those lost digits are findings, never errors.
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let eval = Evaluator::new(&policy, parse_date("2020-12-31").unwrap());
    let wanted = audit(&eval, &hh.iter().cloned().map(Ok).collect::<Vec<_>>());
    let gotten = audit(&eval, &read.registry.households);
    let id_codes = [
        FindingCode::IdNumberChecksum,
        FindingCode::IdNumberBirthMismatch,
        FindingCode::IdNumberSexMismatch,
        FindingCode::DuplicatePerson,
    ];
    for (w, g) in wanted.iter().zip(&gotten) {
        let w: BTreeSet<_> = w.as_ref().unwrap().iter().map(|f| f.code).collect();
        let g: BTreeSet<_> = g.as_ref().unwrap().iter().map(|f| f.code).collect();
        for extra in g.symmetric_difference(&w) {
            assert!(id_codes.contains(extra), "{extra:?}");
        }
    }
}

#[test]
fn xlsx_numbers_are_read_from_their_shortest_text_and_serials_are_dates() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet();
    for (c, h) in [
        "id",
        "income_wage",
        "income_dibao",
        "identified_on",
        "relocated",
    ]
    .iter()
    .enumerate()
    {
        s.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
    }
    s.write_number(1, 0, 7.0).unwrap(); // a household id stored as a number
    s.write_number(1, 1, 1234.5).unwrap();
    s.write_number(1, 2, 0.1).unwrap();
    s.write_number(1, 3, 43831.0).unwrap(); // 2020-01-01 as a bare serial
    s.write_number(1, 4, 1.0).unwrap();
    s.write_string(2, 0, "H2").unwrap();
    s.write_number(2, 1, 0.30000000000000004).unwrap(); // what 0.1 + 0.2 gives
    s.write_number(2, 3, 43831.5).unwrap(); // noon: not a date
    let m = wb.add_worksheet();
    for (c, h) in ["household_id", "id", "sex", "birth_date"]
        .iter()
        .enumerate()
    {
        m.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
    }
    for (r, hid) in [(1, "7"), (2, "H2")] {
        m.write_string(r, 0, hid).unwrap();
        m.write_string(r, 1, format!("P{r}")).unwrap();
        m.write_string(r, 2, "男").unwrap();
        m.write_string(r, 3, "1980-01-01").unwrap();
    }
    let read = read_registry_xlsx(wb.save_to_buffer().unwrap()).unwrap();
    let r = read.registry;
    let h = r.households[0].as_ref().unwrap();
    assert_eq!(h.id, "7");
    assert_eq!(h.income.wage.to_string(), "1234.50");
    assert_eq!(h.income.dibao.to_string(), "0.10");
    assert_eq!(h.identified_on, parse_date("2020-01-01"));
    assert!(h.relocated);
    let e = r.households[1].as_ref().unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidMoney);
    assert_eq!(e.field.as_deref(), Some("income.wage"));
    assert_eq!(e.record_id.as_deref(), Some("H2"));
    let cells: Vec<(usize, &str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            (2, "income_wage", "0.30000000000000004"),
            (2, "identified_on", "43831.5")
        ]
    );
    assert!(read.villages.is_none());
}

#[test]
fn a_byte_order_mark_before_the_header_is_skipped() {
    let r = read_csv(
        "\u{feff}id,town\nH1,城关镇\n",
        "\u{feff}household_id,id,sex,birth_date\nH1,P1,male,1980-01-01\n",
    );
    assert_eq!(r.errors, vec![]);
    let h = r.households[0].as_ref().unwrap();
    assert_eq!((h.id.as_str(), h.town.as_str()), ("H1", "城关镇"));
    assert_eq!(h.members.len(), 1);
}

fn cell(
    table: &'static str,
    row: usize,
    column: &str,
    value: &str,
) -> (String, usize, String, String) {
    (table.to_owned(), row, column.to_owned(), value.to_owned())
}

fn located(errors: &[CellError]) -> Vec<(String, usize, String, String)> {
    errors
        .iter()
        .map(|e| (e.table.to_owned(), e.row, e.column.clone(), e.value.clone()))
        .collect()
}

#[test]
fn bad_cells_are_reported_and_fail_only_their_household() {
    let households = "\
id,village,income_wage,贫困户属性
H1,红星村,100,一般贫困户
H2,红星村,1.005,
H3,红星村,,未知
H4,红星村,,
H5,红星村,,
";
    let members = "\
household_id,id,sex,出生日期,dibao
H1,P1,male,1980-01-01,
H2,P2,male,1980-01-01,
H3,P3,male,1980-01-01,
H4,P4,female,1970-05-05,否
H4,P5,male,2020-13-01,
H5,P6,male,1980-01-01,maybe
";
    let r = read_csv(households, members);
    assert_eq!(
        located(&r.errors),
        [
            cell("households", 2, "income_wage", "1.005"),
            cell("households", 3, "贫困户属性", "未知"),
            cell("members", 5, "出生日期", "2020-13-01"),
            cell("members", 6, "dibao", "maybe"),
        ]
    );
    assert!(r.errors[0].message.contains("invalid money \"1.005\""));
    assert!(r.errors[1].message.contains("invalid attribute \"未知\""));
    assert_eq!(r.rows, [1, 2, 3, 4, 5]);

    let h1 = r.households[0].as_ref().unwrap();
    assert_eq!(h1.income.wage.to_string(), "100.00");
    let expect = [
        (1, ErrorCode::InvalidMoney, "income.wage"),
        (2, ErrorCode::InvalidEnum, "attribute"),
        (3, ErrorCode::InvalidDate, "members[1].birth_date"),
        (4, ErrorCode::WrongType, "members[0].dibao"),
    ];
    for (i, code, field) in expect {
        let e = r.households[i].as_ref().unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (code, Some(field)), "{e:?}");
        assert_eq!(e.record_id, Some(format!("H{}", i + 1)));
    }
    let e = r.households[3].as_ref().unwrap_err();
    assert_eq!(
        e.message,
        "members[1].birth_date: invalid date \"2020-13-01\": expected a date written \
         YYYY-MM-DD (members row 5, column 出生日期)"
    );
}

#[test]
fn identity_numbers_and_names_are_masked_in_every_message() {
    let members = "\
household_id,id,id_number,name,sex,birth_date
H1,P1,640122198001011234,马明亮,马明亮,640122198001011234
";
    let r = read_csv("id\nH1\n", members);
    assert_eq!(
        located(&r.errors),
        [
            cell("members", 1, "sex", "马**"),
            cell("members", 1, "birth_date", "640122********1234"),
        ]
    );
    let e = r.households[0].as_ref().unwrap_err();
    let mut texts: Vec<String> = r
        .errors
        .iter()
        .flat_map(|e| [e.value.clone(), e.message.clone(), e.to_string()])
        .collect();
    texts.push(e.message.clone());
    texts.push(format!("{e:?}"));
    for t in &texts {
        assert!(!t.contains("明亮"), "{t}");
        assert!(!t.contains("19800101"), "{t}");
    }
    assert!(r.errors[0].message.contains("马**"));
    assert!(r.errors[1].message.contains("640122********1234"));
}

#[test]
fn empty_cells_take_the_defaults_of_the_json_shape() {
    let header = household_headers().join(",");
    let commas = ",".repeat(household_headers().len() - 1);
    let households = format!("{header}\nH1{commas}\n");
    let r = read_csv(
        &households,
        "household_id,id,sex,birth_date\nH1,P1,male,1980-01-01\n",
    );
    assert_eq!(r.errors, vec![]);
    let want = parse_household(
        br#"{"id":"H1","members":[{"id":"P1","sex":"male","birth_date":"1980-01-01"}]}"#,
    )
    .unwrap();
    assert_eq!(r.households[0].as_ref().unwrap(), &want);
    assert_eq!(want.last_year_income, None);
    assert_eq!(want.credit, None);
    assert!(want.guarantees.food && want.members[0].medical_insurance);
}

#[test]
fn exit_steps_causes_and_nested_objects_are_parsed() {
    let households = "\
id,causes,exit_steps,last_year_income_wage,credit_outstanding,guarantees_housing
H1,因病;lack_of_skills,proposed:2020-03-01;verified:2020-03-10,500,,
H2,缺水；其他,民主评议：2020-03-01；核实:2020-03-10,,12.5,危房
H3,因病;,,,,
H4,,proposed:2020-03-01;proposed:2020-03-02,,,
H5,,gone:2020-03-01,,,
H6,,proposed:2020-02-30,,,
H7,,proposed,,,
";
    let members: String = (1..=7)
        .map(|i| format!("H{i},P{i},male,1980-01-01\n"))
        .collect();
    let r = read_csv(
        households,
        &format!("household_id,id,sex,birth_date\n{members}"),
    );
    let h1 = r.households[0].as_ref().unwrap();
    assert_eq!(h1.causes, [Cause::Illness, Cause::LackOfSkills]);
    let steps: Vec<_> = h1.exit_steps.iter().map(|s| (s.step, s.on)).collect();
    assert_eq!(
        steps,
        [
            (ExitStepKind::Proposed, parse_date("2020-03-01").unwrap()),
            (ExitStepKind::Verified, parse_date("2020-03-10").unwrap())
        ]
    );
    let last = h1.last_year_income.as_ref().unwrap();
    assert_eq!(
        (last.wage.to_string(), last.year),
        ("500.00".to_owned(), None)
    );
    assert_eq!(h1.credit, None);
    let h2 = r.households[1].as_ref().unwrap();
    assert_eq!(h2.causes, [Cause::LackOfWater, Cause::Other]);
    assert_eq!(h2.exit_steps.len(), 2);
    let credit = h2.credit.as_ref().unwrap();
    assert_eq!(
        (credit.rating, credit.outstanding.to_string()),
        (CreditRating::None, "12.50".to_owned())
    );
    assert_eq!(h2.guarantees.housing, Housing::Unsafe);
    assert_eq!(h2.last_year_income, None);
    let expect = [
        (2, ErrorCode::InvalidEnum, "causes[1]"),
        (3, ErrorCode::DuplicateExitStep, "exit_steps[1].step"),
        (4, ErrorCode::InvalidEnum, "exit_steps[0].step"),
        (5, ErrorCode::InvalidDate, "exit_steps[0].on"),
        (6, ErrorCode::WrongType, "exit_steps[0]"),
    ];
    for (i, code, field) in expect {
        let e = r.households[i].as_ref().unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (code, Some(field)), "{e:?}");
    }
}

#[test]
fn unknown_and_duplicate_columns_fail_only_the_rows_that_use_them() {
    let r = read_csv(
        "序号,id,户编号,town\n1,H1,,x\n,H2,,y\n,H3,H3,z\n",
        "household_id,id,sex,birth_date\nH1,P1,male,1980-01-01\nH2,P2,male,1980-01-01\n\
         H3,P3,male,1980-01-01\n",
    );
    assert_eq!(
        located(&r.errors),
        [
            cell("households", 0, "序号", ""),
            cell("households", 0, "户编号", "")
        ]
    );
    let e = r.households[0].as_ref().unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref(), e.record_id.as_deref()),
        (ErrorCode::UnknownField, Some("序号"), Some("H1"))
    );
    assert_eq!(r.households[1].as_ref().unwrap().town, "y");
    let e = r.households[2].as_ref().unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::DuplicateField, Some("id"))
    );
}

#[test]
fn missing_required_cells_and_columns_are_missing_field() {
    let r = read_csv(
        "id,town\nH1,a\n,b\n",
        "household_id,id,birth_date\nH1,P1,1980-01-01\n",
    );
    assert_eq!(
        located(&r.errors),
        [
            cell("households", 2, "id", ""),
            cell("members", 0, "sex", ""),
        ]
    );
    let e = r.households[0].as_ref().unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::MissingField, Some("members[0].sex"))
    );
    let e = r.households[1].as_ref().unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref(), e.record_id.as_deref()),
        (ErrorCode::MissingField, Some("id"), None)
    );
}

#[test]
fn members_join_by_household_id_and_orphans_are_reported() {
    let r = read_csv(
        "id\nH1\nH2\nH1\nH3\n",
        "household_id,id,sex,birth_date\nH2,P1,male,1980-01-01\nH9,P2,male,1980-01-01\n\
         H1,P3,male,1980-01-01\n,P4,male,1980-01-01\nH2,P5,female,1981-01-01\n",
    );
    let ids = |i: usize| -> Vec<String> {
        r.households[i]
            .as_ref()
            .unwrap()
            .members
            .iter()
            .map(|m| m.id.to_string())
            .collect()
    };
    assert_eq!(ids(0), ["P3"]);
    assert_eq!(ids(1), ["P1", "P5"]);
    assert_eq!(
        ids(2),
        ["P3"],
        "a duplicate household id keeps its members too"
    );
    assert_eq!(
        r.households[3].as_ref().unwrap_err().code,
        ErrorCode::EmptyMembers
    );
    assert_eq!(
        located(&r.errors),
        [
            cell("members", 2, "household_id", "H9"),
            cell("members", 4, "household_id", ""),
        ]
    );
    let orphans: Vec<_> = r
        .orphan_members
        .iter()
        .map(|o| (o.row, o.household_id.as_str(), o.member_id.as_str()))
        .collect();
    assert_eq!(orphans, [(2, "H9", "P2"), (4, "", "P4")]);
}

#[test]
fn villages_are_read_and_bad_or_repeated_rows_reported() {
    let (rows, errors) = read_villages_csv(
        "行政村,乡镇,人口\n红星村,城关镇,1200\n红旗村,城关镇,-5\n红星村,新集乡,10\n,城关镇,3\n"
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].village.as_str(),
            rows[0].town.as_str(),
            rows[0].population
        ),
        ("红星村", "城关镇", 1200)
    );
    assert_eq!(
        located(&errors),
        [
            cell("villages", 2, "人口", "-5"),
            cell("villages", 3, "行政村", "红星村"),
            cell("villages", 4, "行政村", ""),
        ]
    );
}

#[test]
fn blank_csv_lines_are_skipped_and_not_counted() {
    let r = read_csv(
        "id\n\nH1\n\nH2\n",
        "household_id,id,sex,birth_date\nH1,P1,male,1980-01-01\n\nH2,P2,male,1980-01-01\n",
    );
    assert_eq!(r.errors, vec![]);
    assert_eq!(r.rows, [1, 2]);
}
