//! Properties of the household rules over arbitrary households.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use fupin_core::policy::Policy;
use fupin_core::record::Household;
use fupin_core::record::parse::parse_household;
use fupin_core::rules::Evaluator;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

prop_compose! {
    fn member(i: usize)(
        year in 1925i32..2021, month in 1u32..13, day in 1u32..29,
        relation in prop::sample::select(vec!["head","spouse","child","parent","other"]),
        schooling in prop::sample::select(vec!["none","preschool","primary","junior","senior","vocational","college","dropout","exempt"]),
        labor in prop::sample::select(vec!["normal","skilled","weak","none"]),
        flags in any::<[bool; 5]>(),
        deceased in prop::option::of(2019i32..2022),
    ) -> serde_json::Value {
        json!({
            "id": format!("P{i}"),
            "relation": relation,
            "sex": if flags[0] { "male" } else { "female" },
            "birth_date": format!("{year:04}-{month:02}-{day:02}"),
            "schooling": schooling,
            "boarding": flags[1],
            "labor": labor,
            "medical_insurance": flags[2],
            "dibao": flags[3],
            "veteran": flags[4],
            "deceased_on": deceased.map(|y| format!("{y:04}-06-30")),
        })
    }
}

prop_compose! {
    fn household()(
        members in prop::collection::vec(0usize..1, 1..7)
            .prop_flat_map(|v| (0..v.len()).map(member).collect::<Vec<_>>()),
        status in prop::sample::select(vec!["poor","exited","returned","unregistered"]),
        attribute in prop::sample::select(vec!["general","dibao","tekun"]),
        income in prop::array::uniform7(0u64..5_000_000),
        last in prop::option::of(prop::array::uniform7(0u64..5_000_000)),
        rigid in 0u64..5_000_000,
        deposits in 0u64..10_000_000,
        assets in any::<[bool; 4]>(),
        guarantees in any::<[bool; 3]>(),
        rating in prop::option::of(prop::sample::select(vec!["excellent","good","fair","none"])),
        outstanding in 0u64..6_000_000,
    ) -> serde_json::Value {
        let inc = |a: [u64; 7]| json!({
            "wage": money(a[0]), "operating": money(a[1]), "operating_cost": money(a[2]),
            "property": money(a[3]), "transfer": money(a[4]), "dibao": money(a[5]),
            "one_off_transfer": money(a[6]),
        });
        json!({
            "id": "H1",
            "status": status,
            "attribute": attribute,
            "exited_on": if status == "exited" { json!("2019-12-01") } else { json!(null) },
            "income": inc(income),
            "last_year_income": last.map(inc),
            "rigid_expenses": money(rigid),
            "assets": {"car": assets[0], "commercial_housing": assets[1], "business": assets[2],
                       "public_employee": assets[3], "deposits": money(deposits)},
            "guarantees": {"food": guarantees[0], "clothing": guarantees[1], "drinking_water": guarantees[2]},
            "credit": rating.map(|r| json!({"rating": r, "outstanding": money(outstanding)})),
            "members": members,
        })
    }
}

fn parse(v: &serde_json::Value) -> Household {
    parse_household(v.to_string().as_bytes()).expect("generated households are valid")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_dibao_benefit_never_increases_when_income_rises(
        hh in household(), extra in 1u64..2_000_000,
    ) {
        let policy = Policy::builtin("ningxia-2020").unwrap();
        let eval = Evaluator::new(&policy, fupin_core::date::parse_date("2020-12-31").unwrap());
        let before = parse(&hh);
        let mut richer = before.clone();
        richer.income.wage = fupin_core::Money::parse(&money(
            (richer.income.wage.as_decimal() * Decimal::from(100)).try_into().unwrap_or(0u64) + extra,
        )).unwrap();
        match (eval.evaluate(&before, false), eval.evaluate(&richer, false)) {
            (Ok(a), Ok(b)) => prop_assert!(
                b.dibao.monthly_benefit <= a.dibao.monthly_benefit,
                "{} then {}", a.dibao.monthly_benefit, b.dibao.monthly_benefit
            ),
            (Err(a), Err(b)) => prop_assert_eq!(a.code, b.code),
            (a, b) => prop_assert!(false, "income changed validity: {a:?} / {b:?}"),
        }
    }

    #[test]
    fn an_eligible_decision_has_no_failed_code_and_a_failed_code_makes_it_ineligible(hh in household()) {
        let policy = Policy::builtin("ningxia-2020").unwrap();
        let eval = Evaluator::new(&policy, fupin_core::date::parse_date("2020-12-31").unwrap());
        if let Ok(d) = eval.evaluate(&parse(&hh), true) {
            prop_assert_eq!(d.exit.eligible, d.exit.failed.is_empty());
            prop_assert_eq!(d.dibao.eligible, d.dibao.failed.is_empty());
            prop_assert_eq!(d.credit.eligible, d.credit.failed.is_empty());
            prop_assert_eq!(d.identification.excluded, !d.identification.reasons.is_empty());
            if !d.dibao.eligible { prop_assert!(d.dibao.monthly_benefit.is_zero()); }
            if !d.credit.eligible { prop_assert!(d.credit.max_new_loan.is_zero()); }
            let e = &d.entitlements;
            let sum = e.insurance_premiums.as_decimal() + e.elderly_allowance.as_decimal()
                + e.veterans_allowance.as_decimal() + e.education_aid.as_decimal();
            prop_assert_eq!(e.total.as_decimal(), sum);
            // The trace has one step per rule, in order.
            let rules: Vec<_> = d.trace.as_ref().unwrap().iter().map(|s| s.rule).collect();
            prop_assert_eq!(rules, vec!["income","exit","monitoring","dibao","identification","entitlements","credit","findings"]);
        }
    }
}
