//! Reading household and claim lines (interfaces.md §1, §2, §4): error codes,
//! field paths, record ids, `null`, defaults, money, masking, round trips.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use fupin_core::date::parse_date;
use fupin_core::enums::{
    Attribute, CreditRating, Health, HospitalLevel, Housing, Labor, Relation, Schooling, Sex,
    Status,
};
use fupin_core::{ErrorCode, Household, Money, RecordError, parse_claim, parse_household};
use proptest::prelude::*;

const MEMBER: &str = r#"{"id":"P1","sex":"male","birth_date":"1980-01-01"}"#;
const CLAIM: &str =
    r#""id":"C1","person_id":"P1","admitted_on":"2020-05-01","hospital_level":"county""#;

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

/// A household line with `top` added to the household and `member` to its
/// only member (each a comma-led list of `"key":value`, or empty).
fn hh(top: &str, member: &str) -> String {
    format!(
        r#"{{"id":"H1"{top},"members":[{{"id":"P1","sex":"male","birth_date":"1980-01-01"{member}}}]}}"#
    )
}

fn household_err(line: &str) -> RecordError {
    parse_household(line.as_bytes()).expect_err(line)
}

fn check(line: &str, code: ErrorCode, field: Option<&str>, record_id: Option<&str>) {
    let e = household_err(line);
    assert_eq!(
        (e.code, e.field.as_deref(), e.record_id.as_deref()),
        (code, field, record_id),
        "{line}\n  message: {}",
        e.message
    );
    assert!(!e.message.is_empty());
    assert!(!e.message.contains(" at line "), "{}", e.message);
}

#[test]
fn every_household_error_code_has_its_field_and_record_id() {
    use ErrorCode::*;
    let cases: Vec<(String, ErrorCode, Option<&str>, Option<&str>)> = vec![
        // Not a record at all.
        (hh("", "").replace("H1", "H\u{1}1"), InvalidJson, None, None),
        ("{\"id\":\"H1\",".to_owned(), InvalidJson, None, None),
        (format!("{} x", hh("", "")), InvalidJson, None, None),
        ("[1,2]".to_owned(), InvalidJson, None, None),
        ("\"H1\"".to_owned(), InvalidJson, None, None),
        ("null".to_owned(), InvalidJson, None, None),
        // Shape.
        (
            hh(r#","bogus":1"#, ""),
            UnknownField,
            Some("bogus"),
            Some("H1"),
        ),
        (
            hh("", r#","bogus":1"#),
            UnknownField,
            Some("members[0].bogus"),
            Some("H1"),
        ),
        (
            hh(r#","income":{"salary":1}"#, ""),
            UnknownField,
            Some("income.salary"),
            Some("H1"),
        ),
        (
            hh(r#","town":"a","town":"b""#, ""),
            DuplicateField,
            Some("town"),
            Some("H1"),
        ),
        (
            hh("", r#","sex":"female""#),
            DuplicateField,
            Some("members[0].sex"),
            Some("H1"),
        ),
        (
            hh(r#","income":{"wage":1,"wage":2}"#, ""),
            DuplicateField,
            Some("income.wage"),
            Some("H1"),
        ),
        (
            r#"{"id":"H1"}"#.to_owned(),
            MissingField,
            Some("members"),
            Some("H1"),
        ),
        (
            format!(r#"{{"members":[{MEMBER}]}}"#),
            MissingField,
            Some("id"),
            None,
        ),
        (
            r#"{"id":"H1","members":[{"id":"P1","sex":"male"}]}"#.to_owned(),
            MissingField,
            Some("members[0].birth_date"),
            Some("H1"),
        ),
        (
            hh(r#","exit_steps":[{"step":"proposed"}]"#, ""),
            MissingField,
            Some("exit_steps[0].on"),
            Some("H1"),
        ),
        (
            hh(r#","town":null"#, ""),
            WrongType,
            Some("town"),
            Some("H1"),
        ),
        (
            hh(r#","relocated":"yes""#, ""),
            WrongType,
            Some("relocated"),
            Some("H1"),
        ),
        (
            hh(r#","income":[1]"#, ""),
            WrongType,
            Some("income"),
            Some("H1"),
        ),
        (
            hh(r#","causes":"illness""#, ""),
            WrongType,
            Some("causes"),
            Some("H1"),
        ),
        (
            r#"{"id":"H1","members":{}}"#.to_owned(),
            WrongType,
            Some("members"),
            Some("H1"),
        ),
        (
            r#"{"id":"H1","members":[1]}"#.to_owned(),
            WrongType,
            Some("members[0]"),
            Some("H1"),
        ),
        (
            r#"{"id":7,"members":[]}"#.to_owned(),
            WrongType,
            Some("id"),
            None,
        ),
        (
            hh("", r#","boarding":null"#),
            WrongType,
            Some("members[0].boarding"),
            Some("H1"),
        ),
        // Values.
        (
            hh(r#","status":"gone""#, ""),
            InvalidEnum,
            Some("status"),
            Some("H1"),
        ),
        (
            hh(r#","causes":["illness","luck"]"#, ""),
            InvalidEnum,
            Some("causes[1]"),
            Some("H1"),
        ),
        (
            hh("", r#","relation":"boss""#),
            InvalidEnum,
            Some("members[0].relation"),
            Some("H1"),
        ),
        (
            hh(r#","guarantees":{"housing":"tent"}"#, ""),
            InvalidEnum,
            Some("guarantees.housing"),
            Some("H1"),
        ),
        (
            hh(r#","identified_on":"2020-02-30""#, ""),
            InvalidDate,
            Some("identified_on"),
            Some("H1"),
        ),
        (
            hh(
                r#","exit_steps":[{"step":"proposed","on":"2020/03/01"}]"#,
                "",
            ),
            InvalidDate,
            Some("exit_steps[0].on"),
            Some("H1"),
        ),
        (
            hh("", r#","deceased_on":"yesterday""#),
            InvalidDate,
            Some("members[0].deceased_on"),
            Some("H1"),
        ),
        (
            hh(r#","income":{"wage":"1.005"}"#, ""),
            InvalidMoney,
            Some("income.wage"),
            Some("H1"),
        ),
        (
            hh(r#","rigid_expenses":-1"#, ""),
            InvalidMoney,
            Some("rigid_expenses"),
            Some("H1"),
        ),
        (
            hh(r#","assets":{"deposits":10000000000000}"#, ""),
            InvalidMoney,
            Some("assets.deposits"),
            Some("H1"),
        ),
        (
            hh(r#","income":{"year":2020.0}"#, ""),
            InvalidInteger,
            Some("income.year"),
            Some("H1"),
        ),
        (
            hh(r#","last_year_income":{"year":2e3}"#, ""),
            InvalidInteger,
            Some("last_year_income.year"),
            Some("H1"),
        ),
        (
            hh(r#","income":{"year":"2020"}"#, ""),
            WrongType,
            Some("income.year"),
            Some("H1"),
        ),
        (
            hh("", r#","disability_grade":5"#),
            OutOfRange,
            Some("members[0].disability_grade"),
            Some("H1"),
        ),
        (
            hh("", r#","disability_grade":0"#),
            OutOfRange,
            Some("members[0].disability_grade"),
            Some("H1"),
        ),
        (
            hh("", r#","disability_grade":2.0"#),
            InvalidInteger,
            Some("members[0].disability_grade"),
            Some("H1"),
        ),
        // Validation.
        (
            r#"{"id":"H1","members":[]}"#.to_owned(),
            EmptyMembers,
            Some("members"),
            Some("H1"),
        ),
        (
            hh(
                r#","exit_steps":[{"step":"proposed","on":"2020-03-01"},{"step":"verified","on":"2020-03-02"},{"step":"proposed","on":"2020-03-03"}]"#,
                "",
            ),
            DuplicateExitStep,
            Some("exit_steps[2].step"),
            Some("H1"),
        ),
    ];
    for (line, code, field, record_id) in cases {
        check(&line, code, field, record_id);
    }
}

#[test]
fn invalid_utf8_is_its_own_code() {
    let mut line = hh("", "").into_bytes();
    line[8] = 0xff;
    let e = parse_household(&line).unwrap_err();
    assert_eq!(
        (e.code, e.field, e.record_id),
        (ErrorCode::InvalidUtf8, None, None)
    );
}

#[test]
fn the_record_id_is_the_last_top_level_string_id() {
    // Duplicate keys: the last `id` wins for the error line.
    check(
        &format!(r#"{{"id":"H1","id":"H9","members":[{MEMBER}]}}"#),
        ErrorCode::DuplicateField,
        Some("id"),
        Some("H9"),
    );
    // A nested `id` is not the record's.
    check(
        &format!(r#"{{"members":[{MEMBER}]}}"#),
        ErrorCode::MissingField,
        Some("id"),
        None,
    );
    // Syntactically invalid: no id even though one was written.
    check(
        r#"{"id":"H1","members":[}"#,
        ErrorCode::InvalidJson,
        None,
        None,
    );
}

#[test]
fn date_dependent_errors_come_from_check_on() {
    let as_of = d("2020-12-31");
    let h = parse_household(hh("", r#","deceased_on":"2020-12-31""#).as_bytes()).unwrap();
    let e = h.check_on(as_of).unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref(), e.record_id.as_deref()),
        (ErrorCode::NoCountedMember, Some("members"), Some("H1"))
    );
    // A member born after as_of does not count either.
    let unborn = hh("", "").replace("1980-01-01", "2021-01-01");
    let e = parse_household(unborn.as_bytes())
        .unwrap()
        .check_on(as_of)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NoCountedMember);

    let h = parse_household(hh(r#","income":{"year":2019}"#, "").as_bytes()).unwrap();
    let e = h.check_on(as_of).unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::IncomeYearMismatch, Some("income.year"))
    );
    let h = parse_household(hh(r#","last_year_income":{"year":2020}"#, "").as_bytes()).unwrap();
    let e = h.check_on(as_of).unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::IncomeYearMismatch, Some("last_year_income.year"))
    );
    let h = parse_household(
        hh(
            r#","income":{"year":2020},"last_year_income":{"year":2019}"#,
            "",
        )
        .as_bytes(),
    )
    .unwrap();
    assert!(h.check_on(as_of).is_ok());
}

#[test]
fn defaults_are_those_of_the_spec() {
    let h = parse_household(hh("", "").as_bytes()).unwrap();
    assert_eq!((h.town.as_str(), h.village.as_str()), ("", ""));
    assert_eq!((h.attribute, h.status), (Attribute::General, Status::Poor));
    assert_eq!(
        (h.identified_on, h.exited_on, h.returned_on),
        (None, None, None)
    );
    assert!(h.causes.is_empty() && !h.relocated && h.exit_steps.is_empty());
    assert_eq!(h.income.wage, Money::ZERO);
    assert_eq!(h.income.one_off_transfer, Money::ZERO);
    assert_eq!(h.income.year, None);
    assert_eq!(h.income.year_or(2020), 2020);
    assert_eq!(h.last_year_income, None);
    assert_eq!(h.rigid_expenses, Money::ZERO);
    let g = &h.guarantees;
    assert!(g.food && g.clothing && g.drinking_water && g.housing == Housing::Safe);
    assert!(!h.assets.car && !h.assets.commercial_housing && !h.assets.business);
    assert!(!h.assets.public_employee && h.assets.deposits == Money::ZERO);
    assert_eq!(h.credit, None);
    let m = &h.members[0];
    assert_eq!((m.id_number.as_ref(), m.name.expose()), (None, ""));
    assert_eq!(
        (m.relation, m.sex, m.birth_date),
        (Relation::Other, Sex::Male, d("1980-01-01"))
    );
    assert_eq!(
        (m.schooling, m.health, m.labor),
        (Schooling::None, Health::Healthy, Labor::Normal)
    );
    assert!(!m.boarding && m.medical_insurance && !m.dibao && !m.veteran);
    assert_eq!(
        (m.disability_grade, m.deceased_on, m.moved_out_on),
        (None, None, None)
    );

    // Defaults inside a given nested object, field by field.
    let h = parse_household(
        hh(
            r#","guarantees":{"food":false},"credit":{"outstanding":"100"}"#,
            "",
        )
        .as_bytes(),
    )
    .unwrap();
    assert!(!h.guarantees.food && h.guarantees.clothing && h.guarantees.housing == Housing::Safe);
    let credit = h.credit.unwrap();
    assert_eq!(
        (credit.rating, credit.outstanding),
        (CreditRating::None, Money::yuan(100))
    );
}

#[test]
fn null_is_accepted_exactly_where_the_default_is_null() {
    let accepted_top = [
        "identified_on",
        "exited_on",
        "returned_on",
        "last_year_income",
        "credit",
    ];
    for f in accepted_top {
        parse_household(hh(&format!(r#","{f}":null"#), "").as_bytes())
            .unwrap_or_else(|e| panic!("{f}: {e:?}"));
    }
    for f in [
        "id_number",
        "disability_grade",
        "deceased_on",
        "moved_out_on",
    ] {
        parse_household(hh("", &format!(r#","{f}":null"#)).as_bytes())
            .unwrap_or_else(|e| panic!("{f}: {e:?}"));
    }
    let refused_top = [
        "town",
        "village",
        "attribute",
        "status",
        "causes",
        "relocated",
        "exit_steps",
        "income",
        "rigid_expenses",
        "guarantees",
        "assets",
        "members",
    ];
    for f in refused_top {
        check(
            &hh(&format!(r#","{f}":null"#), ""),
            ErrorCode::WrongType,
            Some(f),
            Some("H1"),
        );
    }
    // `"id": null` is a wrong type and leaves no record id.
    let e = household_err(&format!(r#"{{"id":null,"members":[{MEMBER}]}}"#));
    assert_eq!(
        (e.code, e.field.as_deref(), e.record_id),
        (ErrorCode::WrongType, Some("id"), None)
    );
    for f in [
        "name",
        "relation",
        "sex",
        "birth_date",
        "schooling",
        "boarding",
        "health",
        "labor",
        "medical_insurance",
        "dibao",
        "veteran",
    ] {
        let line = hh("", &format!(r#","{f}":null"#)).replace(r#""sex":"male","#, "");
        let line = if f == "birth_date" {
            line.replace(r#""birth_date":"1980-01-01","#, r#""sex":"male","#)
        } else {
            line.replace(r#""id":"P1","#, r#""id":"P1","sex":"male","#)
        };
        let line = if f == "sex" {
            line.replacen(r#""sex":"male","#, "", 1)
        } else {
            line
        };
        check(
            &line,
            ErrorCode::WrongType,
            Some(&format!("members[0].{f}")),
            Some("H1"),
        );
    }
    for (obj, f) in [
        ("income", "wage"),
        ("income", "year"),
        ("guarantees", "food"),
        ("guarantees", "housing"),
        ("assets", "deposits"),
        ("credit", "rating"),
    ] {
        check(
            &hh(&format!(r#","{obj}":{{"{f}":null}}"#), ""),
            ErrorCode::WrongType,
            Some(&format!("{obj}.{f}")),
            Some("H1"),
        );
    }
}

#[test]
fn money_is_read_exactly_from_strings_and_numbers() {
    let wage =
        |v: &str| parse_household(hh(&format!(r#","income":{{"wage":{v}}}"#), "").as_bytes());
    for (v, shown) in [
        ("1234.5", "1234.50"),
        ("\"1234.5\"", "1234.50"),
        ("0", "0.00"),
        ("9999999999999.99", "9999999999999.99"),
        ("\"0.07\"", "0.07"),
    ] {
        assert_eq!(wage(v).unwrap().income.wage.to_string(), shown, "{v}");
    }
    for v in [
        "1.005",
        "\"1.005\"",
        "1e3",
        "1E3",
        "-1",
        "\"-1\"",
        "10000000000000",
        "\"10000000000000\"",
        "\"1,000\"",
        "\" 1\"",
        "0.1e1",
    ] {
        let e = wage(v).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InvalidMoney, Some("income.wage")),
            "{v}"
        );
    }
    for v in ["true", "null", "[1]", "{}"] {
        assert_eq!(wage(v).unwrap_err().code, ErrorCode::WrongType, "{v}");
    }
}

fn claim(extra: &str) -> String {
    format!(r#"{{{CLAIM},"total_cost":"30000"{extra}}}"#)
}

#[test]
fn claims_default_in_policy_cost_to_total_cost() {
    let c = parse_claim(claim("").as_bytes()).unwrap();
    assert_eq!(c.in_policy_cost, Money::yuan(30000));
    assert!(c.registered_poor && c.backstop_eligible && !c.major_illness);
    assert_eq!((c.hospital_level, c.year()), (HospitalLevel::County, 2020));
    let c = parse_claim(claim(r#","in_policy_cost":25000.5"#).as_bytes()).unwrap();
    assert_eq!(c.in_policy_cost.to_string(), "25000.50");
    // A claim serializes with in_policy_cost present and reads back equal.
    let again = parse_claim(serde_json::to_string(&c).unwrap().as_bytes()).unwrap();
    assert_eq!(again, c);
}

#[test]
fn every_claim_error_code_has_its_field_and_record_id() {
    use ErrorCode::*;
    let cases = [
        (
            claim(r#","in_policy_cost":"30000.01""#),
            InPolicyCostExceedsTotal,
            Some("in_policy_cost"),
        ),
        (
            claim(r#","in_policy_cost":null"#),
            WrongType,
            Some("in_policy_cost"),
        ),
        (
            format!(r#"{{{CLAIM},"total_cost":0}}"#),
            ZeroTotalCost,
            Some("total_cost"),
        ),
        (
            format!(r#"{{{CLAIM},"total_cost":"0.00","in_policy_cost":1}}"#),
            ZeroTotalCost,
            Some("total_cost"),
        ),
        (format!(r#"{{{CLAIM}}}"#), MissingField, Some("total_cost")),
        (
            claim(r#","hospital_level":"city""#),
            DuplicateField,
            Some("hospital_level"),
        ),
        (claim(r#","ward":3"#), UnknownField, Some("ward")),
        (
            claim(r#","major_illness":1"#),
            WrongType,
            Some("major_illness"),
        ),
        (
            claim("").replace("county", "clinic"),
            InvalidEnum,
            Some("hospital_level"),
        ),
        (
            claim("").replace("2020-05-01", "2020-05-32"),
            InvalidDate,
            Some("admitted_on"),
        ),
        (
            claim("").replace("\"30000\"", "3e4"),
            InvalidMoney,
            Some("total_cost"),
        ),
    ];
    for (line, code, field) in cases {
        let e = parse_claim(line.as_bytes()).expect_err(&line);
        assert_eq!(
            (e.code, e.field.as_deref(), e.record_id.as_deref()),
            (code, field, Some("C1")),
            "{line}: {}",
            e.message
        );
    }
    let e = parse_claim(b"[]").unwrap_err();
    assert_eq!((e.code, e.record_id), (ErrorCode::InvalidJson, None));
}

#[test]
fn messages_mask_identity_numbers_and_names() {
    let id = "640122198001011234";
    let lines = [
        hh("", &format!(r#","id_number":{id}"#)),
        hh("", &format!(r#","id_number":["{id}"]"#)),
        hh("", &format!(r#","id_number":{{"v":"{id}"}}"#)),
        hh("", r#","name":["张三丰"]"#),
        hh("", r#","name":{"given":"张三丰"}"#),
        hh("", r#","name":12345678"#),
    ];
    for line in lines {
        let e = household_err(&line);
        assert_eq!(e.code, ErrorCode::WrongType, "{line}");
        assert!(!e.message.contains("198001011"), "{}", e.message);
        assert!(!e.message.contains("三丰"), "{}", e.message);
        assert!(!e.message.contains("2345678"), "{}", e.message);
    }
}

/// A household of up to 6 members built from the wire enums' values.
fn arb_household() -> impl Strategy<Value = Household> {
    let date = (0i64..40_000).prop_map(|n| d("1930-01-01") + chrono::Duration::days(n));
    let opt_date = proptest::option::of(date.clone());
    let money = (0u64..1_000_000_000_000_000)
        .prop_map(|c| Money::parse(&format!("{}.{:02}", c / 100, c % 100)).unwrap());
    let member = (
        "[A-Z][0-9]{1,6}",
        proptest::option::of("[0-9]{17}[0-9X]"),
        "\\PC{0,4}",
        (0usize..8, 0usize..2, 0usize..9, 0usize..4, 0usize..4),
        (date.clone(), opt_date.clone(), opt_date.clone()),
        (any::<[bool; 4]>(), proptest::option::of(1u8..=4)),
    )
        .prop_map(
            |(id, idn, name, (r, s, sc, he, la), (birth, dec, moved), (b, grade))| {
                use fupin_core::enums::WireEnum;
                let mut m = fupin_core::Member::new(id, Sex::ALL[s], birth);
                m.id_number = idn.map(fupin_core::mask::IdNumber::new);
                m.name = fupin_core::mask::PersonName::new(name);
                m.relation = Relation::ALL[r];
                m.schooling = Schooling::ALL[sc];
                m.health = Health::ALL[he];
                m.labor = Labor::ALL[la];
                (m.boarding, m.medical_insurance, m.dibao, m.veteran) = (b[0], b[1], b[2], b[3]);
                m.disability_grade = grade;
                m.deceased_on = dec;
                m.moved_out_on = moved;
                m
            },
        );
    let income = (
        proptest::collection::vec(money.clone(), 7),
        proptest::option::of(1990i32..2030),
    )
        .prop_map(|(v, year)| fupin_core::Income {
            wage: v[0],
            operating: v[1],
            operating_cost: v[2],
            property: v[3],
            transfer: v[4],
            dibao: v[5],
            one_off_transfer: v[6],
            year,
        });
    (
        (
            "[A-Z0-9]{1,10}",
            "\\PC{0,6}",
            "\\PC{0,6}",
            0usize..3,
            0usize..4,
        ),
        (opt_date.clone(), opt_date.clone(), opt_date),
        (proptest::collection::vec(0usize..12, 0..4), any::<bool>()),
        (
            proptest::sample::subsequence((0usize..6).collect::<Vec<_>>(), 0..=6),
            proptest::collection::vec(date, 6),
        ),
        (income.clone(), proptest::option::of(income), money.clone()),
        (
            any::<[bool; 7]>(),
            0usize..3,
            money.clone(),
            proptest::option::of((0usize..4, money)),
        ),
        proptest::collection::vec(member, 1..6),
    )
        .prop_map(
            |(
                (id, town, village, a, st),
                (identified_on, exited_on, returned_on),
                (causes, relocated),
                (steps, step_dates),
                (income, last_year_income, rigid_expenses),
                (flags, housing, deposits, credit),
                members,
            )| {
                use fupin_core::enums::{Cause, ExitStepKind, WireEnum};
                Household {
                    id: id.into(),
                    town: town.into(),
                    village: village.into(),
                    attribute: Attribute::ALL[a],
                    status: Status::ALL[st],
                    identified_on,
                    exited_on,
                    returned_on,
                    causes: causes.into_iter().map(|c| Cause::ALL[c]).collect(),
                    relocated,
                    exit_steps: steps
                        .into_iter()
                        .rev()
                        .map(|s| fupin_core::ExitStep {
                            step: ExitStepKind::ALL[s],
                            on: step_dates[s],
                        })
                        .collect(),
                    income,
                    last_year_income,
                    rigid_expenses,
                    guarantees: fupin_core::Guarantees {
                        food: flags[0],
                        clothing: flags[1],
                        housing: Housing::ALL[housing],
                        drinking_water: flags[2],
                    },
                    assets: fupin_core::Assets {
                        car: flags[3],
                        commercial_housing: flags[4],
                        business: flags[5],
                        public_employee: flags[6],
                        deposits,
                    },
                    credit: credit.map(|(r, outstanding)| fupin_core::Credit {
                        rating: CreditRating::ALL[r],
                        outstanding,
                    }),
                    members,
                }
            },
        )
}

proptest! {
    #[test]
    fn a_serialized_household_parses_back_equal(h in arb_household()) {
        let line = serde_json::to_string(&h).unwrap();
        let back = parse_household(line.as_bytes()).unwrap();
        prop_assert_eq!(&back, &h);
        // Money is written as strings with two decimals.
        let wage = format!("\"wage\":\"{}\"", h.income.wage);
        prop_assert!(line.contains(&wage), "{}", line);
    }

    #[test]
    fn no_error_message_shows_an_identity_number(
        id in "[1-9][0-9]{16}[0-9X]",
        position in 0usize..6,
    ) {
        let digits = id.trim_end_matches('X');
        let member = match position {
            0 => format!(r#","id_number":{digits}"#),
            1 => format!(r#","id_number":["{id}"]"#),
            2 => format!(r#","id_number":{{"n":"{id}"}}"#),
            3 => format!(r#","name":{digits}"#),
            4 => format!(r#","id_number":"{id}","relation":3"#),
            _ => format!(r#","id_number":"{id}","name":[{digits}]"#),
        };
        let e = household_err(&hh("", &member));
        prop_assert_eq!(e.code, ErrorCode::WrongType);
        let hidden = id.get(6..14).unwrap();
        prop_assert!(!e.message.contains(hidden), "{}", e.message);
    }

    #[test]
    fn no_input_line_panics(line in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_household(&line);
        let _ = parse_claim(&line);
    }
}
