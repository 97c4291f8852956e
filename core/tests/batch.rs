//! The columnar batch path against the record path: the same households and
//! claims, read from Arrow frames, must give exactly the decisions and
//! settlements of `Evaluator::evaluate` / `Ledger::settle` on the records;
//! bad cells become row errors with the codes a JSON line would get.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int64Array,
    RecordBatch, StringArray, TimestampSecondArray,
};
use arrow_schema::{DataType, Field, Schema};
use fupin_core::batch::{self, Frame, FrameError, MoneyType, Options};
use fupin_core::date::parse_date;
use fupin_core::synth::{Synth, SynthConfig};
use fupin_core::{Decision, ErrorCode, Evaluator, Household, Ledger, Money, Policy, Settlement};

fn policy() -> Policy {
    Policy::builtin("ningxia-2020").unwrap()
}

fn as_of() -> chrono::NaiveDate {
    parse_date("2020-12-31").unwrap()
}

fn synth(n: u64, seed: u64) -> Vec<Household> {
    Synth::new(SynthConfig {
        households: n,
        seed,
        ..SynthConfig::default()
    })
    .collect()
}

/// One cell rendered as text (money with two decimals, lists `[a,b]`).
fn cell(col: &ArrayRef, i: usize) -> String {
    if col.is_null(i) {
        return "null".to_owned();
    }
    match col.data_type() {
        DataType::Utf8 => col.as_string::<i32>().value(i).to_owned(),
        DataType::Date32 => {
            let d = col.as_primitive::<Date32Type>().value(i);
            (parse_date("1970-01-01").unwrap() + chrono::Days::new(d as u64)).to_string()
        }
        DataType::Int64 => col.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::Int32 => col.as_primitive::<Int32Type>().value(i).to_string(),
        DataType::Boolean => col.as_boolean().value(i).to_string(),
        DataType::Decimal128(_, 2) => {
            let v = col.as_primitive::<Decimal128Type>().value(i);
            rust_decimal::Decimal::from_i128_with_scale(v, 2).to_string()
        }
        DataType::Float64 => format!("{:.2}", col.as_primitive::<Float64Type>().value(i)),
        DataType::List(_) => {
            let l = col.as_list::<i32>().value(i);
            let items: Vec<String> = (0..l.len()).map(|k| cell(&l, k)).collect();
            format!("[{}]", items.join(","))
        }
        DataType::Struct(_) => {
            let s = col.as_struct();
            let parts: Vec<String> = s.columns().iter().map(|c| cell(c, i)).collect();
            format!("{{{}}}", parts.join(" "))
        }
        t => panic!("unexpected column type {t}"),
    }
}

fn row(batch: &RecordBatch, i: usize) -> Vec<String> {
    batch.columns().iter().map(|c| cell(c, i)).collect()
}

fn rows(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    batches
        .iter()
        .flat_map(|b| (0..b.num_rows()).map(move |i| row(b, i)))
        .collect()
}

fn list<T: std::fmt::Display>(codes: &[T]) -> String {
    format!(
        "[{}]",
        codes
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(",")
    )
}

/// The decision of the record path, in the columns of `decision_schema`.
fn expected(d: &Decision) -> Vec<String> {
    let e = &d.entitlements;
    let findings: Vec<String> = d
        .findings
        .iter()
        .map(|f| {
            format!(
                "{{{} {} {}}}",
                f.code,
                f.person_id.as_deref().unwrap_or("null"),
                f.field
            )
        })
        .collect();
    vec![
        d.household_id.to_string(),
        d.as_of.to_string(),
        d.size.to_string(),
        d.net_income.to_string(),
        d.per_capita_income.to_string(),
        d.poverty_line.to_string(),
        d.exit.eligible.to_string(),
        list(&d.exit.failed),
        d.monitoring.category.to_string(),
        list(&d.monitoring.triggers),
        d.dibao.eligible.to_string(),
        d.dibao.monthly_benefit.to_string(),
        list(&d.dibao.failed),
        d.identification.excluded.to_string(),
        list(&d.identification.reasons),
        e.insurance_premiums.to_string(),
        e.elderly_allowance.to_string(),
        e.veterans_allowance.to_string(),
        e.education_aid.to_string(),
        e.total.to_string(),
        d.credit.eligible.to_string(),
        d.credit.max_new_loan.to_string(),
        list(&d.credit.failed),
        format!("[{}]", findings.join(",")),
        "null".to_owned(),
        "null".to_owned(),
    ]
}

fn record_path(hh: &[Household]) -> Vec<Vec<String>> {
    let policy = policy();
    let ev = Evaluator::new(&policy, as_of());
    hh.iter()
        .map(|h| expected(&ev.evaluate(h, false).unwrap()))
        .collect()
}

fn run(households: &Frame, members: &Frame, threads: usize) -> batch::Evaluation {
    let options = Options {
        threads,
        ..Options::default()
    };
    batch::evaluate(&policy(), as_of(), households, members, &options).unwrap()
}

#[test]
fn synth_county_batch_equals_record_path_on_one_and_two_threads() {
    let hh = synth(3_000, 11);
    let want = record_path(&hh);
    let (households, members) = batch::to_frames(&hh).unwrap();
    same_on_one_and_two_threads(&households, &members, &want);
}

#[test]
fn synth_county_in_read_csv_types_equals_record_path() {
    // The frames as pandas hands them over: dates and lists as `;`-text,
    // money, years and grades as float64. Every cell then takes the short
    // text/float paths, and the decisions must still be the records'.
    let hh = synth(3_000, 12);
    let want = record_path(&hh);
    let (households, members) = batch::to_frames(&hh).unwrap();
    let (households, members) = (
        batch::as_read_csv(&households).unwrap(),
        batch::as_read_csv(&members).unwrap(),
    );
    let kind = |f: &Frame, name: &str| f.schema.field_with_name(name).unwrap().data_type().clone();
    assert_eq!(kind(&households, "exit_steps"), DataType::LargeUtf8);
    assert_eq!(kind(&households, "identified_on"), DataType::LargeUtf8);
    assert_eq!(
        kind(&households, "last_year_income_wage"),
        DataType::Float64
    );
    assert_eq!(kind(&households, "credit_outstanding"), DataType::Float64);
    assert_eq!(kind(&members, "disability_grade"), DataType::Float64);
    same_on_one_and_two_threads(&households, &members, &want);
}

/// The frames' decisions on one and on two threads are `want`'s rows.
fn same_on_one_and_two_threads(households: &Frame, members: &Frame, want: &[Vec<String>]) {
    for threads in [1, 2] {
        let out = run(households, members, threads);
        assert_eq!(out.failed, 0);
        assert!(out.orphan_members.is_empty());
        let got = rows(&out.batches);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g, w);
        }
    }
}

#[test]
fn bad_cells_read_the_short_way_fail_as_the_cell_reader_says() {
    // One problem a row, each in a column read without a cell value; the
    // last row is sound. 0.1 + 0.2 has more than two decimals; AAA is no
    // rating; `bogus` no cause (item 1); 2020-02-30 no date (step 0);
    // decimal128 scale 3 value 1234 is 1.234 yuan (three decimals).
    let n = 6;
    let ids: Vec<String> = (1..=n).map(|i| format!("H{i}")).collect();
    let outstanding = Decimal128Array::from(vec![0i128, 0, 0, 0, 1234, 5000])
        .with_precision_and_scale(12, 3)
        .unwrap();
    let households = frame(vec![
        (
            "id",
            Arc::new(StringArray::from_iter_values(&ids)) as ArrayRef,
        ),
        (
            "last_year_income_wage",
            Arc::new(Float64Array::from(vec![0.1 + 0.2, 1.0, 1.0, 1.0, 1.0, 1.0])),
        ),
        (
            "credit_rating",
            strs(&[
                Some("good"),
                Some("AAA"),
                Some("good"),
                Some("good"),
                Some("good"),
                Some("fair"),
            ]),
        ),
        (
            "causes",
            strs(&[
                None,
                None,
                Some("illness;bogus"),
                None,
                None,
                Some("illness；disability"),
            ]),
        ),
        (
            "exit_steps",
            strs(&[
                None,
                None,
                None,
                Some("proposed:2020-02-30;verified:2020-03-01"),
                None,
                Some("proposed:2020-02-01;verified：2020-03-01"),
            ]),
        ),
        ("credit_outstanding", Arc::new(outstanding)),
    ]);
    let out = run(&households, &one_member_each(n), 1);
    assert_eq!(
        column(&out, "error_code"),
        [
            "invalid_money",
            "invalid_enum",
            "invalid_enum",
            "invalid_date",
            "invalid_money",
            "null"
        ]
    );
    let msgs = column(&out, "error_message");
    for (m, path) in msgs.iter().zip([
        "last_year_income.wage: invalid money \"0.30000000000000004\"",
        "credit.rating: invalid credit rating \"AAA\"",
        "causes[1]: invalid cause \"bogus\"",
        "exit_steps[0].on: invalid date \"2020-02-30\"",
        "credit.outstanding: invalid money 1.234",
    ]) {
        assert!(m.starts_with(path), "{m}");
    }
    assert_eq!(out.failed, 5);
}

#[test]
fn bad_list_items_read_the_short_way_fail_as_the_cell_reader_says() {
    // `list<utf8>` causes and exit steps, one problem a row, the last two
    // rows sound: `bogus` is no cause (item 1); a null item is no cause;
    // 2020-02-30 no date (step 1); `proposed` alone has no date. Row 5's
    // full-width colon and empty list, and row 6, are sound (the synthetic
    // county in `to_frames` types checks what sound lists read as).
    use arrow_array::builder::{ListBuilder, StringBuilder};
    fn lists(rows: &[Option<&[Option<&str>]>]) -> ArrayRef {
        let mut b = ListBuilder::new(StringBuilder::new());
        for row in rows {
            match row {
                Some(items) => {
                    for item in *items {
                        b.values().append_option(*item);
                    }
                    b.append(true);
                }
                None => b.append(false),
            }
        }
        Arc::new(b.finish())
    }
    let n = 6;
    let ids: Vec<String> = (1..=n).map(|i| format!("H{i}")).collect();
    let households = frame(vec![
        (
            "id",
            Arc::new(StringArray::from_iter_values(&ids)) as ArrayRef,
        ),
        (
            "causes",
            lists(&[
                Some(&[Some("illness"), Some("bogus")]),
                Some(&[Some("illness"), None]),
                None,
                None,
                Some(&[]),
                Some(&[Some("disability"), Some("illness")]),
            ]),
        ),
        (
            "exit_steps",
            lists(&[
                None,
                None,
                Some(&[Some("proposed:2020-02-01"), Some("verified:2020-02-30")]),
                Some(&[Some("proposed")]),
                Some(&[Some("proposed：2020-02-01")]),
                Some(&[Some("proposed:2020-02-01"), Some("verified:2020-03-01")]),
            ]),
        ),
    ]);
    let out = run(&households, &one_member_each(n), 1);
    assert_eq!(
        column(&out, "error_code"),
        [
            "invalid_enum",
            "wrong_type",
            "invalid_date",
            "wrong_type",
            "null",
            "null"
        ]
    );
    let msgs = column(&out, "error_message");
    for (m, path) in msgs.iter().zip([
        "causes[1]: invalid cause \"bogus\"",
        "causes[1]: expected a cause, found null",
        "exit_steps[1].on: invalid date \"2020-02-30\"",
        "exit_steps[0]: invalid exit step \"proposed\"",
    ]) {
        assert!(m.starts_with(path), "{m}");
    }
    assert_eq!(out.failed, 4);
}

/// Splits a frame's one batch into batches of `n` rows.
fn split(frame: &Frame, n: usize) -> Frame {
    let b = &frame.batches[0];
    let batches = (0..b.num_rows())
        .step_by(n)
        .map(|s| b.slice(s, n.min(b.num_rows() - s)))
        .collect();
    Frame {
        schema: frame.schema.clone(),
        batches,
    }
}

#[test]
fn members_in_any_order_and_frames_in_several_batches_join_the_same() {
    let hh = synth(1_200, 5);
    let want = record_path(&hh);
    let (households, members) = batch::to_frames(&hh).unwrap();
    // Member rows reordered: odd rows first, then even ones. A household's
    // members are then split between the halves; the join must gather them
    // in member-frame order (the hashing path, not the aligned one).
    let m = &members.batches[0];
    let n = m.num_rows();
    let order: Vec<u64> = (0..n as u64)
        .filter(|i| i % 2 == 1)
        .chain((0..n as u64).filter(|i| i % 2 == 0))
        .collect();
    let idx = arrow_array::UInt64Array::from(order.clone());
    let shuffled: Vec<ArrayRef> = m
        .columns()
        .iter()
        .map(|c| arrow_select_take(c, &idx))
        .collect();
    let shuffled = Frame::from_batch(RecordBatch::try_new(m.schema(), shuffled).unwrap());
    // Expected: each household's members in the new frame order (odd rows
    // of the original first): re-evaluate the records with members so ordered.
    let mut owner = Vec::new();
    for (h_i, h) in hh.iter().enumerate() {
        for k in 0..h.members.len() {
            owner.push((h_i, k));
        }
    }
    let mut reordered: Vec<Household> = hh
        .iter()
        .map(|h| Household {
            members: Vec::new(),
            ..h.clone()
        })
        .collect();
    for &o in &order {
        let (h_i, k) = owner[o as usize];
        reordered[h_i].members.push(hh[h_i].members[k].clone());
    }
    let want_reordered = record_path(&reordered);
    assert_eq!(want_reordered.len(), want.len());
    let out = run(&split(&households, 97), &split(&shuffled, 1000), 2);
    assert_eq!(out.failed, 0);
    assert!(out.orphan_members.is_empty());
    assert_eq!(rows(&out.batches), want_reordered);
}

/// `take` by hand (arrow-select is not a dependency of the core).
fn arrow_select_take(col: &ArrayRef, idx: &arrow_array::UInt64Array) -> ArrayRef {
    let parts: Vec<ArrayRef> = idx
        .values()
        .iter()
        .map(|&i| col.slice(i as usize, 1))
        .collect();
    let refs: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
    concat(&refs)
}

fn concat(parts: &[&dyn Array]) -> ArrayRef {
    let data: Vec<arrow_data::ArrayData> = parts.iter().map(|a| a.to_data()).collect();
    let refs: Vec<&arrow_data::ArrayData> = data.iter().collect();
    let mut m = arrow_data::transform::MutableArrayData::new(refs, true, parts.len());
    for (k, p) in parts.iter().enumerate() {
        m.try_extend(k, 0, p.len()).unwrap();
    }
    arrow_array::make_array(m.freeze())
}

fn frame(cols: Vec<(&str, ArrayRef)>) -> Frame {
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let arrays = cols.into_iter().map(|(_, a)| a).collect();
    Frame::from_batch(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap())
}

fn strs(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

/// One member per household `H1..Hn`: a man born 1980-01-01.
fn one_member_each(n: usize) -> Frame {
    let ids: Vec<String> = (1..=n).map(|i| format!("H{i}")).collect();
    let pids: Vec<String> = (1..=n).map(|i| format!("P{i}")).collect();
    frame(vec![
        (
            "household_id",
            Arc::new(StringArray::from_iter_values(&ids)) as ArrayRef,
        ),
        ("id", Arc::new(StringArray::from_iter_values(&pids))),
        (
            "sex",
            Arc::new(StringArray::from_iter_values(vec!["male"; n])),
        ),
        (
            "birth_date",
            Arc::new(StringArray::from_iter_values(vec!["1980-01-01"; n])),
        ),
    ])
}

fn column(out: &batch::Evaluation, name: &str) -> Vec<String> {
    out.batches
        .iter()
        .flat_map(|b| {
            let c = b.column_by_name(name).unwrap().clone();
            (0..b.num_rows()).map(move |i| cell(&c, i))
        })
        .collect()
}

#[test]
fn float_money_is_read_from_its_shortest_text() {
    // A household of one: net income = wage, so per-capita income shows the
    // money read. 1234.5 → 1234.50 exactly; 0.1 + 0.2 = 0.30000000000000004
    // has more than two decimals → invalid_money at income.wage; NaN is
    // absent (default 0) → 0.00; 4000.01 → 4000.01 (a float64 near it).
    let households = frame(vec![
        (
            "id",
            strs(&[Some("H1"), Some("H2"), Some("H3"), Some("H4")]),
        ),
        (
            "income_wage",
            Arc::new(Float64Array::from(vec![
                1234.5,
                0.1 + 0.2,
                f64::NAN,
                4000.01,
            ])),
        ),
    ]);
    let out = run(&households, &one_member_each(4), 1);
    assert_eq!(
        column(&out, "per_capita_income"),
        ["1234.50", "null", "0.00", "4000.01"]
    );
    assert_eq!(
        column(&out, "error_code"),
        ["null", "invalid_money", "null", "null"]
    );
    let msg = &column(&out, "error_message")[1];
    assert!(
        msg.starts_with("income.wage: invalid money \"0.30000000000000004\""),
        "{msg}"
    );
    assert_eq!(column(&out, "household_id")[1], "H2");
    assert_eq!(out.failed, 1);
    // 4000.01 > 4000.00: the exit's income test passes; NaN's 0.00 fails.
    assert_eq!(column(&out, "exit_eligible")[3], "true");
}

#[test]
fn decimal_integer_bool_and_infinite_money_cells() {
    // decimal128(10, 4): 1.2300 is 1.23; 1.2345 has four decimals (invalid);
    // int64 18000 is 18 000.00 yuan; a negative integer is invalid.
    let dec = Decimal128Array::from(vec![12_300i128, 12_345, 0, 0])
        .with_precision_and_scale(10, 4)
        .unwrap();
    let households = frame(vec![
        (
            "id",
            strs(&[Some("H1"), Some("H2"), Some("H3"), Some("H4")]),
        ),
        ("income_wage", Arc::new(dec)),
        (
            "income_property",
            Arc::new(Int64Array::from(vec![0, 0, 18_000, -5])),
        ),
    ]);
    let out = run(&households, &one_member_each(4), 1);
    assert_eq!(
        column(&out, "net_income"),
        ["1.23", "null", "18000.00", "null"]
    );
    assert_eq!(
        column(&out, "error_code"),
        ["null", "invalid_money", "null", "invalid_money"]
    );
    // A boolean or an infinite float in a money cell is a row error.
    let households = frame(vec![
        ("id", strs(&[Some("H1"), Some("H2")])),
        (
            "rigid_expenses",
            Arc::new(BooleanArray::from(vec![Some(true), None])),
        ),
        (
            "assets_deposits",
            Arc::new(Float64Array::from(vec![0.0, f64::INFINITY])),
        ),
    ]);
    let out = run(&households, &one_member_each(2), 1);
    assert_eq!(
        column(&out, "error_code"),
        ["invalid_money", "invalid_money"]
    );
    let msgs = column(&out, "error_message");
    assert!(msgs[0].starts_with("rigid_expenses:"), "{}", msgs[0]);
    assert!(msgs[1].starts_with("assets.deposits:"), "{}", msgs[1]);
}

#[test]
fn member_cells_fail_their_household_with_the_member_path() {
    // H1 has two members; the second's birth date is 1980-02-30 (no such
    // day) → invalid_date at members[1].birth_date. H2's member has a bad
    // sex → invalid_enum at members[0].sex. H3's member has no sex →
    // missing_field. H4's member is fine.
    let members = frame(vec![
        (
            "household_id",
            strs(&[Some("H1"), Some("H1"), Some("H2"), Some("H3"), Some("H4")]),
        ),
        (
            "id",
            strs(&[Some("P1"), Some("P2"), Some("P3"), Some("P4"), Some("P5")]),
        ),
        (
            "sex",
            strs(&[
                Some("male"),
                Some("female"),
                Some("男"),
                None,
                Some("female"),
            ]),
        ),
        (
            "birth_date",
            strs(&[
                Some("1980-01-01"),
                Some("1980-02-30"),
                Some("1980-01-01"),
                Some("1980-01-01"),
                Some("1990-05-05"),
            ]),
        ),
    ]);
    let households = frame(vec![(
        "id",
        strs(&[Some("H1"), Some("H2"), Some("H3"), Some("H4")]),
    )]);
    let out = run(&households, &members, 2);
    assert_eq!(
        column(&out, "error_code"),
        ["invalid_date", "invalid_enum", "missing_field", "null"]
    );
    let msgs = column(&out, "error_message");
    assert!(msgs[0].starts_with("members[1].birth_date:"), "{}", msgs[0]);
    assert!(msgs[1].starts_with("members[0].sex:"), "{}", msgs[1]);
    assert!(msgs[2].starts_with("members[0].sex:"), "{}", msgs[2]);
    assert_eq!(column(&out, "size")[3], "1");
}

#[test]
fn orphan_members_are_listed_and_memberless_households_fail() {
    // Member rows 1 (H9) and 2 (null household) join nothing; H2 has no
    // member → empty_members.
    let members = frame(vec![
        ("household_id", strs(&[Some("H1"), Some("H9"), None])),
        ("id", strs(&[Some("P1"), Some("P2"), Some("P3")])),
        ("sex", strs(&[Some("male"), Some("male"), Some("male")])),
        (
            "birth_date",
            strs(&[Some("1980-01-01"), Some("1980-01-01"), Some("1980-01-01")]),
        ),
    ]);
    let households = frame(vec![("id", strs(&[Some("H1"), Some("H2")]))]);
    let out = run(&households, &members, 1);
    assert_eq!(out.orphan_members, [1, 2]);
    assert_eq!(column(&out, "error_code"), ["null", "empty_members"]);
}

#[test]
fn unknown_duplicate_and_missing_columns_are_refused_together() {
    let households = frame(vec![
        ("id", strs(&[Some("H1")])),
        ("income_wages", strs(&[Some("1")])),
        ("__index_level_0__", Arc::new(Int64Array::from(vec![0]))),
    ]);
    let members = frame(vec![
        ("household_id", strs(&[Some("H1")])),
        ("id", strs(&[Some("P1")])),
        ("id", strs(&[Some("P1")])),
        ("sex", strs(&[Some("male")])),
    ]);
    let err = batch::evaluate(
        &policy(),
        as_of(),
        &households,
        &members,
        &Options::default(),
    )
    .unwrap_err();
    let FrameError::Columns(problems) = err else {
        panic!("expected column problems")
    };
    let got: Vec<(ErrorCode, Option<&str>)> = problems
        .iter()
        .map(|p| (p.code, p.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (ErrorCode::UnknownField, Some("income_wages")),
            (ErrorCode::DuplicateField, Some("id")),
            (ErrorCode::MissingField, Some("birth_date")),
        ]
    );
}

#[test]
fn dates_from_date32_timestamps_and_text_and_lists_in_either_form() {
    // identified_on as date32 / midnight timestamp; a timestamp at noon is
    // not a date. Causes as ';'-text; exit steps as list<utf8>.
    let epoch_days =
        |d: &str| (parse_date(d).unwrap() - parse_date("1970-01-01").unwrap()).num_days();
    let d = epoch_days("2019-03-01");
    let households = frame(vec![
        ("id", strs(&[Some("H1"), Some("H2"), Some("H3")])),
        (
            "identified_on",
            Arc::new(Date32Array::from(vec![d as i32, d as i32, d as i32])),
        ),
        (
            "exited_on",
            Arc::new(TimestampSecondArray::from(vec![
                Some(d * 86_400),
                None,
                Some(d * 86_400 + 43_200),
            ])),
        ),
        (
            "causes",
            strs(&[Some("illness;disability"), Some("schooling"), None]),
        ),
    ]);
    let out = run(&households, &one_member_each(3), 1);
    assert_eq!(column(&out, "error_code"), ["null", "null", "invalid_date"]);
    assert!(column(&out, "error_message")[2].starts_with("exited_on:"));
}

#[test]
fn date32_member_and_household_dates_are_read_and_out_of_range_ones_are_errors() {
    // Days since 1970-01-01: 1950-01-01 is -7305 (20 years of 365 days plus
    // the 5 leap days 1952…1968), 2020-06-01 is 18414 (18262 for 2020-01-01
    // plus 31+29+31+30+31 = 152). i32::MAX days is beyond any date.
    // H1: identified_on out of range, an error at identified_on.
    // H2: its one member's birth_date out of range, an error at members[0].
    // H3: three members born 1950-01-01: P3 moved out 2020-06-01, P4 died
    //     2020-06-01, P5 neither, so N = 1 on 2020-12-31 (a dropped
    //     moved_out_on or deceased_on would give 2, a dropped birth_date an
    //     error).
    let households = frame(vec![
        ("id", strs(&[Some("H1"), Some("H2"), Some("H3")])),
        (
            "identified_on",
            Arc::new(Date32Array::from(vec![Some(i32::MAX), None, Some(18_414)])),
        ),
    ]);
    let members = frame(vec![
        (
            "household_id",
            strs(&[Some("H1"), Some("H2"), Some("H3"), Some("H3"), Some("H3")]),
        ),
        (
            "id",
            strs(&[Some("P1"), Some("P2"), Some("P3"), Some("P4"), Some("P5")]),
        ),
        ("sex", strs(&[Some("male"); 5])),
        (
            "birth_date",
            Arc::new(Date32Array::from(vec![
                Some(-7_305),
                Some(i32::MIN),
                Some(-7_305),
                Some(-7_305),
                Some(-7_305),
            ])),
        ),
        (
            "moved_out_on",
            Arc::new(Date32Array::from(vec![
                None,
                None,
                Some(18_414),
                None,
                None,
            ])),
        ),
        (
            "deceased_on",
            Arc::new(Date32Array::from(vec![
                None,
                None,
                None,
                Some(18_414),
                None,
            ])),
        ),
    ]);
    let out = run(&households, &members, 1);
    assert_eq!(
        column(&out, "error_code"),
        ["invalid_date", "invalid_date", "null"]
    );
    let messages = column(&out, "error_message");
    assert!(messages[0].starts_with("identified_on:"), "{}", messages[0]);
    assert!(
        messages[1].starts_with("members[0].birth_date:"),
        "{}",
        messages[1]
    );
    assert_eq!(column(&out, "size"), ["null", "null", "1"]);
}

#[test]
fn float_money_output_is_the_nearest_float_of_the_exact_amount() {
    let hh = synth(300, 3);
    let (households, members) = batch::to_frames(&hh).unwrap();
    let exact = run(&households, &members, 1);
    let options = Options {
        money: MoneyType::Float64,
        threads: 1,
    };
    let float = batch::evaluate(&policy(), as_of(), &households, &members, &options).unwrap();
    let e = exact.batches[0].column_by_name("net_income").unwrap();
    let f = float.batches[0].column_by_name("net_income").unwrap();
    let e = e.as_primitive::<Decimal128Type>();
    let f = f.as_primitive::<Float64Type>();
    for i in 0..e.len() {
        let text = rust_decimal::Decimal::from_i128_with_scale(e.value(i), 2).to_string();
        assert_eq!(f.value(i), text.parse::<f64>().unwrap(), "{text}");
    }
}

#[test]
fn claims_settle_as_the_ledger_does_and_a_repeated_id_fails() {
    let claims: Vec<fupin_core::Claim> = Synth::new(SynthConfig {
        households: 400,
        seed: 9,
        ..SynthConfig::default()
    })
    .claims()
    .collect();
    assert!(claims.len() > 50);
    let policy = policy();
    let mut ledger = Ledger::new();
    let want: Vec<Settlement> = claims
        .iter()
        .map(|c| ledger.settle(&policy, c, false).unwrap())
        .collect();
    let mut with_repeat = claims.clone();
    with_repeat.push(claims[0].clone());
    let frame = batch::claims_frame(&with_repeat).unwrap();
    let mut ledger = Ledger::new();
    let out = batch::settle(&policy, &frame, &mut ledger, &Options::default()).unwrap();
    assert_eq!(out.failed, 1);
    let got = rows(&out.batches);
    for (g, s) in got.iter().zip(&want) {
        let w = vec![
            s.claim_id.as_str().to_owned(),
            s.person_id.as_str().to_owned(),
            s.year.to_string(),
            s.total_cost.to_string(),
            s.basic_insurance.to_string(),
            s.critical_illness_insurance.to_string(),
            s.supplementary_insurance.to_string(),
            s.medical_assistance.to_string(),
            s.backstop.to_string(),
            s.self_pay.to_string(),
            "null".to_owned(),
            "null".to_owned(),
        ];
        assert_eq!(g, &w);
    }
    let last = got.last().unwrap();
    assert_eq!(last[0], claims[0].id);
    assert_eq!(last[10], "duplicate_claim_id");
}

#[test]
fn a_bad_cell_quoting_a_name_or_an_identity_number_is_masked() {
    // Member frame rows as typed by hand: a name in the sex column, an
    // identity number in birth_date (its own and another's), a name in
    // deceased_on. Messages quote the bad value: masked (interfaces.md §4).
    let households = frame(vec![(
        "id",
        strs(&[Some("H1"), Some("H2"), Some("H3"), Some("H4")]),
    )]);
    let members = frame(vec![
        (
            "household_id",
            strs(&[Some("H1"), Some("H2"), Some("H3"), Some("H4"), Some("H4")]),
        ),
        (
            "id",
            strs(&[Some("P1"), Some("P2"), Some("P3"), Some("P4"), Some("P5")]),
        ),
        (
            "name",
            strs(&[
                Some("瞿思源"),
                Some("亓官明"),
                None,
                Some("郗慕白"),
                Some("庹雨桐"),
            ]),
        ),
        (
            "id_number",
            strs(&[
                None,
                Some("64012219800101123X"),
                None,
                None,
                Some("640122198001011234"),
            ]),
        ),
        (
            "sex",
            strs(&[
                Some("瞿思源"),
                Some("male"),
                Some("male"),
                Some("male"),
                Some("female"),
            ]),
        ),
        (
            "birth_date",
            strs(&[
                Some("1980-01-01"),
                Some("64012219800101123X"),
                Some("64012219900101123X"),
                Some("1980-01-01"),
                Some("1980-01-01"),
            ]),
        ),
        (
            "deceased_on",
            strs(&[None, None, None, Some("庹雨桐"), None]),
        ),
    ]);
    let out = run(&households, &members, 1);
    assert_eq!(
        column(&out, "error_code"),
        [
            "invalid_enum",
            "invalid_date",
            "invalid_date",
            "invalid_date"
        ]
    );
    let messages = column(&out, "error_message");
    for (msg, masked) in
        messages
            .iter()
            .zip(["瞿**", "640122********123X", "640122********123X", "庹**"])
    {
        assert!(msg.contains(&format!("\"{masked}\"")), "{msg}");
        for raw in [
            "瞿思源",
            "64012219800101123X",
            "64012219900101123X",
            "庹雨桐",
        ] {
            assert!(!msg.contains(raw), "{msg}");
        }
    }
}

/// The batch path skips reading text columns no rule reads (town, village,
/// names) but not their problems: a household cell quoting a member's name
/// is masked with that name (the names are read for a block with a
/// problem), and a town column that is not text still fails its cells.
#[test]
fn unread_name_and_place_columns_still_mask_and_fail() {
    let households = frame(vec![
        ("id", strs(&[Some("H1"), Some("H2"), Some("H3")])),
        (
            "town",
            Arc::new(BooleanArray::from(vec![None, Some(true), None])) as ArrayRef,
        ),
        ("village", strs(&[Some("张庄村"), None, Some("李庄村")])),
        (
            "attribute",
            strs(&[Some("瞿思源"), Some("general"), Some("general")]),
        ),
    ]);
    let members = frame(vec![
        ("household_id", strs(&[Some("H1"), Some("H2"), Some("H3")])),
        ("id", strs(&[Some("P1"), Some("P2"), Some("P3")])),
        (
            "name",
            strs(&[Some("瞿思源"), Some("亓官明"), Some("郗慕白")]),
        ),
        ("sex", strs(&[Some("male"); 3])),
        ("birth_date", strs(&[Some("1980-01-01"); 3])),
    ]);
    let out = run(&households, &members, 1);
    // H1: attribute "瞿思源" is no attribute; H2: a bool is not a town
    // (wrong_type); H3 is good.
    let codes = column(&out, "error_code");
    assert_eq!(codes[..2], ["invalid_enum", "wrong_type"]);
    assert_eq!(codes[2], "null");
    let messages = column(&out, "error_message");
    assert!(messages[0].contains("\"瞿**\""), "{}", messages[0]);
    assert!(!messages[0].contains("瞿思源"), "{}", messages[0]);
    assert!(messages[1].starts_with("town: "), "{}", messages[1]);
}

/// Which problem a household row reports when it has several, on rows that
/// straddle the reader's blocks of 256 households (rows 255/256 and
/// 511/512) and a member frame split in two batches inside a household.
/// interfaces.md §6: a row fails with its first problem: household cells in
/// column order, then a missing `id`, then each member in member order (its
/// bad cells in column order, then a required cell left empty).
#[test]
fn a_row_with_several_problems_reports_the_first_across_block_boundaries() {
    let n = 600;
    let mut hh_ids: Vec<Option<String>> = (0..n).map(|i| Some(format!("H{i}"))).collect();
    let mut wage: Vec<Option<&str>> = vec![Some("1000"); n];
    let mut town: Vec<Option<&str>> = vec![Some("城关镇"); n];
    // Row 255: a bad wage (column income_wage) after a bad attribute
    // (column attribute, earlier in the table) and a bad member: the
    // attribute is reported.
    // Row 256: only the bad wage and a bad member: the wage.
    // Row 511: no id and a bad member: the missing id comes first.
    // Row 512: two bad members: the first member's.
    let mut attribute: Vec<Option<&str>> = vec![Some("general"); n];
    attribute[255] = Some("rich");
    wage[255] = Some("-5");
    wage[256] = Some("-5");
    hh_ids[511] = None;
    town[300] = None; // an absent optional cell is no problem
    let mut m_hid = Vec::new();
    let mut m_id = Vec::new();
    let mut sex: Vec<Option<&str>> = Vec::new();
    let mut birth: Vec<Option<&str>> = Vec::new();
    let mut relation: Vec<Option<&str>> = Vec::new();
    for i in 0..n {
        for k in 0..2 {
            m_hid.push(Some(format!("H{i}")));
            m_id.push(Some(format!("P{i}-{k}")));
            sex.push(Some("male"));
            birth.push(Some("1980-01-01"));
            relation.push(Some(if k == 0 { "head" } else { "spouse" }));
        }
    }
    // Members of rows 255, 256 and 511: member 1 has a bad sex.
    for i in [255, 256, 511] {
        sex[2 * i + 1] = Some("男人");
    }
    // Row 512: member 0 has no birth date and a bad relation (the cell
    // error wins over the empty required cell); member 1 a bad sex.
    birth[2 * 512] = None;
    relation[2 * 512] = Some("cousin");
    sex[2 * 512 + 1] = Some("x");
    // Row 513: member 0 leaves birth_date empty, member 1 has a bad sex:
    // the first member's missing cell.
    birth[2 * 513] = None;
    sex[2 * 513 + 1] = Some("x");
    let s = |v: &[Option<String>]| -> ArrayRef {
        Arc::new(StringArray::from(
            v.iter().map(|x| x.as_deref()).collect::<Vec<_>>(),
        ))
    };
    let households = frame(vec![
        ("id", s(&hh_ids)),
        ("town", strs(&town)),
        ("attribute", strs(&attribute)),
        ("income_wage", strs(&wage)),
    ]);
    let members = frame(vec![
        ("household_id", s(&m_hid)),
        ("id", s(&m_id)),
        ("relation", strs(&relation)),
        ("sex", strs(&sex)),
        ("birth_date", strs(&birth)),
    ]);
    // Split the members between the two members of row 400 (member rows
    // 800 | 801), so one household's members come from two batches.
    let members = split(&members, 801);
    for threads in [1, 2] {
        let out = run(&households, &members, threads);
        let codes = column(&out, "error_code");
        let msgs = column(&out, "error_message");
        let failed: Vec<usize> = (0..n).filter(|&i| codes[i] != "null").collect();
        assert_eq!(failed, [255, 256, 511, 512, 513]);
        assert_eq!(codes[255], "invalid_enum");
        assert!(msgs[255].starts_with("attribute:"), "{}", msgs[255]);
        assert_eq!(codes[256], "invalid_money");
        assert!(msgs[256].starts_with("income.wage:"), "{}", msgs[256]);
        assert_eq!(codes[511], "missing_field");
        assert!(msgs[511].starts_with("id:"), "{}", msgs[511]);
        assert_eq!(codes[512], "invalid_enum");
        assert!(
            msgs[512].starts_with("members[0].relation:"),
            "{}",
            msgs[512]
        );
        assert_eq!(codes[513], "missing_field");
        assert!(
            msgs[513].starts_with("members[0].birth_date:"),
            "{}",
            msgs[513]
        );
        // Row 400, whose members span the two batches, has both.
        assert_eq!(column(&out, "size")[400], "2");
    }
}

/// A claim frame settled on one thread and split by person on two and
/// three: the same rows in the same order and the same ledger. The claims
/// include a repeated id of the same person (a `duplicate_claim_id` inside
/// one part), optionally a repeated id given to another person (two parts
/// would both settle it: the frame is settled again in one run, and the
/// second copy fails as in one run), a null person id (`missing_field`)
/// and an in-policy cost above the total (rows that fail in any part).
#[test]
fn claims_split_by_person_settle_as_one_run() {
    let mut claims: Vec<fupin_core::Claim> = Synth::new(SynthConfig {
        households: 400,
        seed: 11,
        ..SynthConfig::default()
    })
    .claims()
    .collect();
    assert!(claims.len() > 50);
    claims.push(claims[3].clone());
    let mut no_person = claims[4].clone();
    no_person.id = "C-no-person".to_owned();
    claims.push(no_person);
    let mut too_much = claims[6].clone();
    too_much.id = "C-too-much".to_owned();
    too_much.in_policy_cost = too_much.total_cost.checked_add(Money::from_fen(1)).unwrap();
    claims.insert(10, too_much);
    // Ten claims given again to another person each: with two or three
    // parts, some copy lands in another part than its first (the run is
    // settled again in one run), whatever the hash.
    let other_person: Vec<fupin_core::Claim> = (20..30)
        .map(|k| {
            let mut c = claims[k].clone();
            c.person_id = claims[k + 1..]
                .iter()
                .map(|x| x.person_id.clone())
                .find(|p| *p != c.person_id)
                .unwrap();
            c
        })
        .collect();
    let policy = policy();
    for cross in [false, true] {
        let mut claims = claims.clone();
        if cross {
            claims.extend(other_person.iter().cloned());
        }
        let frame = with_null_person(&batch::claims_frame(&claims).unwrap(), "C-no-person");
        let run = |threads: usize| {
            let mut ledger = Ledger::new();
            let options = Options {
                threads,
                ..Options::default()
            };
            let out = batch::settle(&policy, &frame, &mut ledger, &options).unwrap();
            (rows(&out.batches), out.failed, ledger)
        };
        let (want, want_failed, want_ledger) = run(1);
        // One repeated id, no person, too much in policy; and the ten copies.
        let bad: Vec<_> = want
            .iter()
            .filter(|r| r[10] != "null")
            .map(|r| (r[0].clone(), r[10].clone()))
            .collect();
        assert_eq!(want_failed, 3 + 10 * usize::from(cross), "{bad:?}");
        let codes: Vec<&str> = want.iter().map(|r| r[10].as_str()).collect();
        assert_eq!(
            codes.iter().filter(|c| **c == "duplicate_claim_id").count(),
            1 + 10 * usize::from(cross)
        );
        for threads in [2, 3] {
            let (got, failed, ledger) = run(threads);
            assert_eq!(got, want, "{threads} threads, cross {cross}");
            assert_eq!(failed, want_failed);
            assert!(ledger == want_ledger);
            assert_eq!(
                serde_json::to_string(&ledger).unwrap(),
                serde_json::to_string(&want_ledger).unwrap()
            );
        }
    }
}

/// `frame` with the `person_id` cell of claim `claim_id` made null.
fn with_null_person(frame: &Frame, claim_id: &str) -> Frame {
    let b = &frame.batches[0];
    let ids = b.column_by_name("id").unwrap().as_string::<i32>();
    let persons = b.column_by_name("person_id").unwrap().as_string::<i32>();
    let nulled: StringArray = (0..b.num_rows())
        .map(|i| (ids.value(i) != claim_id).then(|| persons.value(i)))
        .collect();
    let i = b.schema().index_of("person_id").unwrap();
    let mut columns = b.columns().to_vec();
    columns[i] = Arc::new(nulled);
    Frame::from_batch(RecordBatch::try_new(b.schema(), columns).unwrap())
}

#[test]
fn disability_grades_from_int32_and_float64_columns() {
    // A grade is 1 to 4; 0, 5 and −1 are out of range; 2.5 is no integer
    // (`invalid_integer`); null and NaN are absent. int32 rows 3, 4 and 6
    // fail; float64 rows 2, 5 and 6 fail.
    let with_grades = |grades: ArrayRef| {
        let base = one_member_each(6);
        let batch = &base.batches[0];
        let schema = batch.schema();
        let mut cols: Vec<(&str, ArrayRef)> = schema
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(f, c)| (f.name().as_str(), c.clone()))
            .collect();
        cols.push(("disability_grade", grades));
        frame(cols)
    };
    let ids: Vec<String> = (1..=6).map(|i| format!("H{i}")).collect();
    let households = frame(vec![(
        "id",
        Arc::new(StringArray::from_iter_values(&ids)) as ArrayRef,
    )]);
    let ints = Arc::new(arrow_array::Int32Array::from(vec![
        Some(1),
        Some(4),
        Some(0),
        Some(5),
        None,
        Some(-1),
    ]));
    let out = run(&households, &with_grades(ints), 1);
    let (ok, bad) = ("null", "out_of_range");
    assert_eq!(column(&out, "error_code"), [ok, ok, bad, bad, ok, bad]);
    let msgs = column(&out, "error_message");
    assert!(
        msgs[2].starts_with("members[0].disability_grade: disability grade 0 is outside 1–4"),
        "{}",
        msgs[2]
    );
    let floats = Arc::new(Float64Array::from(vec![2.0, 2.5, f64::NAN, 4.0, 0.0, 5.0]));
    let out = run(&households, &with_grades(floats), 1);
    assert_eq!(
        column(&out, "error_code"),
        [ok, "invalid_integer", ok, ok, bad, bad]
    );
    assert_eq!(out.failed, 3);
}
