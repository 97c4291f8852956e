//! Policies: the built-in values of domain.md §9, temporal coverage, the
//! step-function law of lookup, the printed forms, and the loader's
//! refusals (bad-input fixtures asserted by message keywords).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use fupin_core::enums::{CreditRating, HospitalLevel};
use fupin_core::policy::{CATALOGUE, CapMode, ClaimParams, HouseholdParams, StatisticsParams};
use fupin_core::{Policy, PolicyError};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    fupin_core::date::parse_date(s).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ningxia() -> Policy {
    Policy::builtin("ningxia-2020").unwrap()
}

fn national() -> Policy {
    Policy::builtin("national-2020").unwrap()
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/policy/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn load_fixture(name: &str) -> Result<Policy, PolicyError> {
    Policy::from_toml_str(&fixture(name), name)
}

fn load_err(name: &str) -> (PolicyError, String) {
    let e = load_fixture(name).expect_err(name);
    let msg = e.to_string();
    (e, msg)
}

fn shown(p: &Policy, name: &str, on: &str) -> String {
    p.lookup(name, d(on)).unwrap().value.to_string()
}

/// domain.md §9, transcribed row by row (split rows as separate names):
/// `name | date=value; date=value | status`.
const NINGXIA_TABLE: &str = "
poverty_line.exit | 2014-01-01=2800; 2015-01-01=2968; 2016-01-01=3146; 2017-01-01=3335; 2018-01-01=3535; 2019-01-01=3747; 2020-01-01=4000 | sourced
poverty_line.statistical | 2014-01-01=2800; 2015-01-01=2855; 2016-01-01=2952; 2017-01-01=2952; 2018-01-01=2995; 2019-01-01=3218; 2020-01-01=3218 | sourced
monitoring.income_factor | 2014-01-01=1.5 | sourced
monitoring.income_drop_ratio | 2014-01-01=0.5 | default
education.compulsory_age_min | 2014-01-01=6 | default
education.compulsory_age_max | 2014-01-01=15 | default
exit.publicity_days | 2014-01-01=7 | default
exit.village_incidence_max | 2014-01-01=0.03 | sourced
dibao.standard_annual | 2014-01-01=4560 | default
dibao.deposit_months | 2014-01-01=24 | default
basic.deductible | 2014-01-01=township=200, county=500, city=1000, provincial=1000, out_of_region=1500 | default
basic.rate | 2014-01-01=township=0.85, county=0.75, city=0.60, provincial=0.60, out_of_region=0.50 | default
basic.poor_deductible_factor | 2014-01-01=0.5 | default
basic.poor_rate_uplift | 2014-01-01=0.05 | default
basic.annual_cap | 2014-01-01=150000 | default
critical.deductible | 2014-01-01=6400 | default
critical.poor_deductible_factor | 2014-01-01=1; 2019-01-01=0.5 | sourced
critical.poor_rate_uplift | 2014-01-01=0; 2019-01-01=0.05 | sourced
critical.brackets | 2014-01-01=[0→0.60; 50000→0.70; 100000→0.80] | default
critical.annual_cap | 2014-01-01=300000 | default
supplementary.deductible | 2014-01-01=3000 | default
supplementary.rate | 2014-01-01=0; 2016-04-25=0.80 | default
supplementary.annual_cap | 2014-01-01=100000 | default
assistance.rate | 2014-01-01=0.70 | sourced
assistance.major_illness_uplift | 2014-01-01=0; 2020-01-01=0.10 | seed
assistance.annual_ceiling | 2014-01-01=30000 | default
assistance.major_illness_annual_ceiling | 2014-01-01=80000; 2020-01-01=160000 | seed
backstop.enabled | 2014-01-01=false; 2018-01-01=true | default
backstop.self_pay_ratio | 2014-01-01=0.10 | seed
backstop.annual_self_pay_cap | 2014-01-01=5000 | seed
backstop.cap_mode | 2014-01-01=min | default
insurance.accident_premium | 2014-01-01=0; 2016-04-25=25 | seed
insurance.supplementary_premium | 2014-01-01=0; 2016-04-25=45 | seed
elderly.monthly_75_79 | 2014-01-01=30 | default
elderly.monthly_80_plus | 2014-01-01=60 | default
veterans.monthly | 2014-01-01=95 | seed
veterans.min_age | 2014-01-01=60 | sourced
elderly.band_75_min_age | 2014-01-01=75 | seed
elderly.band_80_min_age | 2014-01-01=80 | seed
credit.labor_min_age | 2014-01-01=16 | default
exit.county_incidence_max | 2014-01-01=0.03 | sourced
exit.county_wrong_exit_max | 2014-01-01=0.02 | sourced
exit.county_missed_max | 2014-01-01=0.02 | sourced
exit.county_satisfaction_min | 2014-01-01=0.90 | sourced
education.preschool_fee_waiver | 2014-01-01=0; 2017-03-01=1500 | sourced
education.preschool_meal | 2014-01-01=0; 2017-03-01=900 | sourced
education.boarding_primary | 2014-01-01=750; 2014-09-01=1000 | sourced
education.boarding_junior | 2014-01-01=1000; 2014-09-01=1250 | sourced
education.senior_grant | 2014-01-01=2000 | sourced
education.vocational_grant | 2014-01-01=2000 | sourced
education.yulu | 2014-01-01=3000 | default
credit.max_principal | 2014-01-01=50000 | sourced
credit.min_age | 2014-01-01=18 | sourced
credit.max_age | 2014-01-01=60; 2019-07-01=65 | sourced
credit.line | 2014-01-01=excellent=50000, good=30000, fair=10000 | default
credit.leverage | 2014-01-01=10 | default
credit.marginal_from | 2014-01-01=2020-06-01 | sourced
identification.deposit_limit_per_capita | 2014-01-01=10000 | default
";

/// domain.md §9's last paragraph: national-2020's overrides, each from 2014-01-01.
const NATIONAL_OVERRIDES: &[(&str, &str)] = &[
    ("exit.village_incidence_max", "0.02"),
    ("exit.county_incidence_max", "0.02"),
    ("assistance.major_illness_uplift", "0"),
    ("assistance.major_illness_annual_ceiling", "80000"),
    ("insurance.accident_premium", "0"),
    ("insurance.supplementary_premium", "0"),
    ("supplementary.rate", "0"),
];

/// One row of the spec table: name, [(start, shown value)], status.
type SpecRow = (String, Vec<(NaiveDate, String)>, String);

/// The spec table's rows, in table order.
fn spec_rows() -> Vec<SpecRow> {
    NINGXIA_TABLE
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split(" | ").collect();
            let values = cols[1]
                .split("; 20")
                .enumerate()
                .map(|(i, item)| {
                    let item = if i == 0 {
                        item.to_owned()
                    } else {
                        format!("20{item}")
                    };
                    let (date, value) = item.split_once('=').unwrap();
                    (d(date), value.to_owned())
                })
                .collect();
            (cols[0].to_owned(), values, cols[2].to_owned())
        })
        .collect()
}

/// The dated values a policy declares, read straight from its TOML text
/// (not through the loader): `extends` replaces per parameter.
fn declared_starts(policy: &str) -> BTreeMap<String, Vec<NaiveDate>> {
    let text = Policy::builtin_text(policy).unwrap();
    let doc: toml::Table = toml::from_str(text).unwrap();
    let mut out = match doc.get("extends").and_then(|v| v.as_str()) {
        Some(base) => declared_starts(base),
        None => BTreeMap::new(),
    };
    for (name, body) in doc["parameters"].as_table().unwrap() {
        let starts = body["values"]
            .as_table()
            .unwrap()
            .keys()
            .map(|k| d(k))
            .collect();
        out.insert(name.clone(), starts);
    }
    out
}

fn all_dates(from: &str, to: &str) -> impl Iterator<Item = NaiveDate> {
    let end = d(to);
    d(from).iter_days().take_while(move |x| *x <= end)
}

// ── Built-in values (domain.md §9) ─────────────────────────────────────────

#[test]
fn the_catalogue_lists_every_row_of_the_spec_table_in_order() {
    let names: Vec<String> = spec_rows().into_iter().map(|r| r.0).collect();
    let catalogue: Vec<&str> = CATALOGUE.iter().map(|s| s.name).collect();
    assert_eq!(names, catalogue);
}

#[test]
fn ningxia_2020_carries_every_value_date_and_status_of_the_spec_table() {
    let p = ningxia();
    for (name, values, status) in spec_rows() {
        let got: Vec<(NaiveDate, String)> = p
            .dated_values(&name)
            .unwrap()
            .iter()
            .map(|(since, v)| (*since, v.to_string()))
            .collect();
        assert_eq!(got, values, "{name}");
        let first = p.lookup(&name, d("2014-01-01")).unwrap();
        assert_eq!(first.status.as_str(), status, "{name}");
        assert!(!first.unit.is_empty(), "{name} has no unit");
        assert!(
            first.source.chars().count() > 10,
            "{name} has no real source"
        );
        if status == "default" {
            assert!(
                first
                    .source
                    .contains("no source found; county must confirm"),
                "{name}"
            );
        }
    }
}

#[test]
fn national_2020_is_ningxia_with_its_own_values_taken_out() {
    let (nx, na) = (ningxia(), national());
    assert_eq!(na.extends(), Some("ningxia-2020"));
    for spec in CATALOGUE {
        let override_ = NATIONAL_OVERRIDES.iter().find(|(n, _)| *n == spec.name);
        let got: Vec<(NaiveDate, String)> = na
            .dated_values(spec.name)
            .unwrap()
            .iter()
            .map(|(s, v)| (*s, v.to_string()))
            .collect();
        match override_ {
            Some((_, value)) => assert_eq!(got, vec![(d("2014-01-01"), value.to_string())]),
            None => {
                assert_eq!(
                    na.dated_values(spec.name).unwrap(),
                    nx.dated_values(spec.name).unwrap()
                );
                let on = d("2020-06-30");
                assert_eq!(
                    na.describe(spec.name, on).unwrap(),
                    nx.describe(spec.name, on).unwrap()
                );
            }
        }
    }
}

#[test]
fn spot_checks_from_domain_md_section_9() {
    let p = ningxia();
    let cap = p
        .lookup("backstop.annual_self_pay_cap", d("2020-06-30"))
        .unwrap();
    assert_eq!(cap.value.to_string(), "5000");
    assert_eq!(cap.since, d("2014-01-01"));
    assert_eq!(cap.status.as_str(), "seed");
    let ceiling = "assistance.major_illness_annual_ceiling";
    assert_eq!(shown(&p, ceiling, "2020-06-30"), "160000");
    assert_eq!(shown(&p, ceiling, "2019-06-30"), "80000");
    assert_eq!(shown(&p, "poverty_line.exit", "2019-12-31"), "3747");
    assert_eq!(shown(&p, "poverty_line.exit", "2020-01-01"), "4000");
    assert_eq!(shown(&p, "supplementary.rate", "2016-04-24"), "0");
    assert_eq!(shown(&p, "supplementary.rate", "2016-04-25"), "0.80");
    assert_eq!(shown(&p, "credit.max_age", "2019-06-30"), "60");
    assert_eq!(shown(&p, "credit.max_age", "2019-07-01"), "65");
    assert_eq!(shown(&p, "backstop.enabled", "2017-12-31"), "false");
    assert_eq!(shown(&p, "backstop.enabled", "2018-01-01"), "true");
    let n = national();
    assert_eq!(shown(&n, "supplementary.rate", "2020-06-30"), "0");
    assert_eq!(
        shown(&n, "exit.village_incidence_max", "2020-06-30"),
        "0.02"
    );
    assert_eq!(shown(&n, ceiling, "2020-06-30"), "80000");
}

// ── Temporal coverage and the step-function law ────────────────────────────

#[test]
fn every_parameter_of_both_builtins_resolves_to_exactly_one_value_on_every_day_2014_2021() {
    for policy in ["ningxia-2020", "national-2020"] {
        let p = Policy::builtin(policy).unwrap();
        let declared = declared_starts(policy);
        assert_eq!(declared.len(), CATALOGUE.len(), "{policy}");
        for spec in CATALOGUE {
            let starts = &declared[spec.name];
            assert_eq!(
                starts.iter().min(),
                Some(&d("2014-01-01")),
                "{policy} {}",
                spec.name
            );
            let values = p.dated_values(spec.name).unwrap();
            for day in all_dates("2014-01-01", "2021-12-31") {
                let candidates: Vec<&NaiveDate> = starts.iter().filter(|s| **s <= day).collect();
                let expected = **candidates.iter().max().unwrap();
                let got = p.lookup(spec.name, day).unwrap();
                assert_eq!(got.since, expected, "{policy} {} on {day}", spec.name);
                let matching: Vec<_> = values.iter().filter(|(s, _)| *s == expected).collect();
                assert_eq!(matching.len(), 1, "{policy} {} on {day}", spec.name);
                assert_eq!(got.value, &matching[0].1, "{policy} {} on {day}", spec.name);
            }
        }
    }
}

#[test]
fn before_the_register_no_builtin_parameter_is_in_force() {
    let p = ningxia();
    for spec in CATALOGUE {
        let e = p.lookup(spec.name, d("2013-12-31")).unwrap_err();
        assert_eq!(
            e,
            PolicyError::NotInForce {
                name: spec.name.into(),
                date: d("2013-12-31")
            }
        );
    }
}

proptest! {
    #[test]
    fn lookup_is_a_step_function_of_the_date(
        index in 0..CATALOGUE.len(),
        a in 0u64..4800,
        b in 0u64..4800,
        national_policy in any::<bool>(),
    ) {
        let p = if national_policy { national() } else { ningxia() };
        let name = CATALOGUE[index].name;
        let base = d("2012-01-01");
        let (lo, hi) = (base + Days::new(a.min(b)), base + Days::new(a.max(b)));
        let starts: Vec<NaiveDate> = p.dated_values(name).unwrap().iter().map(|(s, _)| *s).collect();
        match (p.lookup(name, lo), p.lookup(name, hi)) {
            (Ok(x), Ok(y)) => {
                prop_assert!(x.since <= lo && y.since <= hi);
                // No value starts after `since` and on or before the date.
                prop_assert!(!starts.iter().any(|s| *s > x.since && *s <= lo));
                prop_assert!(!starts.iter().any(|s| *s > y.since && *s <= hi));
                let change_between = starts.iter().any(|s| *s > lo && *s <= hi);
                prop_assert_eq!(x == y, !change_between);
            }
            (Err(e), _) => {
                prop_assert!(starts.iter().all(|s| *s > lo));
                prop_assert_eq!(e, PolicyError::NotInForce { name: name.into(), date: lo });
            }
            (Ok(_), Err(_)) => prop_assert!(false, "in force on {lo} but not on {hi}"),
        }
    }

    #[test]
    fn typed_sets_agree_with_single_lookups(days in 0u64..3000) {
        let p = ningxia();
        let on = d("2014-01-01") + Days::new(days);
        let h = p.household_params(on).unwrap();
        let line = p.lookup("poverty_line.exit", on).unwrap();
        prop_assert_eq!(h.poverty_line_exit.value.to_string(), line.value.to_string());
        prop_assert_eq!(h.poverty_line_exit.since, line.since);
        let c = p.claim_params(on).unwrap();
        let sup = p.lookup("supplementary.rate", on).unwrap();
        prop_assert_eq!(c.supplementary_rate.value.to_string(), sup.value.to_string());
        prop_assert_eq!(c.supplementary_rate.since, sup.since);
        let enabled = p.lookup("backstop.enabled", on).unwrap();
        prop_assert_eq!(c.backstop_enabled.value.to_string(), enabled.value.to_string());
    }
}

// ── Typed parameter sets ───────────────────────────────────────────────────

#[test]
fn the_three_sets_cover_the_catalogue_exactly_once() {
    let mut names: Vec<&str> = HouseholdParams::names()
        .chain(ClaimParams::names())
        .chain(StatisticsParams::names())
        .collect();
    names.sort_unstable();
    let mut all: Vec<&str> = CATALOGUE.iter().map(|s| s.name).collect();
    all.sort_unstable();
    assert_eq!(names, all);
}

#[test]
fn household_params_on_2020_06_30_are_typed_with_their_start_dates() {
    let h = ningxia().household_params(d("2020-06-30")).unwrap();
    assert_eq!(h.poverty_line_exit.value, dec("4000"));
    assert_eq!(h.poverty_line_exit.since, d("2020-01-01"));
    assert_eq!(h.monitoring_income_factor.get(), dec("1.5"));
    assert_eq!(h.dibao_standard_annual.get(), dec("4560"));
    assert_eq!(h.education_compulsory_age_min.get(), 6);
    assert_eq!(h.education_compulsory_age_max.get(), 15);
    assert_eq!(h.exit_publicity_days.get(), 7);
    assert_eq!(h.insurance_accident_premium.get(), dec("25"));
    assert_eq!(h.insurance_accident_premium.since, d("2016-04-25"));
    assert_eq!(h.veterans_monthly.get(), dec("95"));
    assert_eq!(h.credit_max_age.get(), 65);
    assert_eq!(h.credit_max_age.since, d("2019-07-01"));
    assert_eq!(
        h.credit_line.value.get(CreditRating::Good),
        Some(dec("30000"))
    );
    assert_eq!(h.credit_line.value.get(CreditRating::None), None);
    assert_eq!(h.credit_marginal_from.get(), d("2020-06-01"));
    assert_eq!(
        h.identification_deposit_limit_per_capita.get(),
        dec("10000")
    );
    // The cached set for a date equals a fresh resolution of it.
    let again = ningxia().household_params(d("2020-12-31")).unwrap();
    assert_eq!(h, again);
}

#[test]
fn claim_params_follow_the_dated_changes() {
    let p = ningxia();
    let c2018 = p.claim_params(d("2018-06-30")).unwrap();
    assert_eq!(c2018.critical_poor_deductible_factor.get(), dec("1"));
    assert_eq!(
        c2018.assistance_major_illness_annual_ceiling.get(),
        dec("80000")
    );
    assert!(c2018.backstop_enabled.get());
    let c = p.claim_params(d("2020-06-30")).unwrap();
    assert_eq!(
        c.basic_deductible.value.get(HospitalLevel::County),
        Some(dec("500"))
    );
    assert_eq!(
        c.basic_rate.value.get(HospitalLevel::OutOfRegion),
        Some(dec("0.50"))
    );
    assert_eq!(c.critical_poor_deductible_factor.get(), dec("0.5"));
    assert_eq!(c.critical_poor_deductible_factor.since, d("2019-01-01"));
    let brackets: Vec<(Decimal, Decimal)> = c
        .critical_brackets
        .value
        .iter()
        .map(|b| (b.from, b.rate))
        .collect();
    assert_eq!(
        brackets,
        vec![
            (dec("0"), dec("0.60")),
            (dec("50000"), dec("0.70")),
            (dec("100000"), dec("0.80"))
        ]
    );
    assert_eq!(
        c.assistance_major_illness_annual_ceiling.get(),
        dec("160000")
    );
    assert_eq!(c.backstop_cap_mode.get(), CapMode::Min);
    assert!(
        !p.claim_params(d("2017-12-31"))
            .unwrap()
            .backstop_enabled
            .get()
    );
    let s = national().statistics_params(d("2020-12-31")).unwrap();
    assert_eq!(s.exit_village_incidence_max.get(), dec("0.02"));
    assert_eq!(s.exit_county_satisfaction_min.get(), dec("0.90"));
}

#[test]
fn a_set_before_its_first_values_names_its_first_parameter() {
    let p = ningxia();
    let on = d("2013-12-31");
    let not_in_force = |e: PolicyError| match e {
        PolicyError::NotInForce { name, date } => {
            assert_eq!(date, on);
            name
        }
        other => panic!("{other}"),
    };
    assert_eq!(
        not_in_force(p.household_params(on).unwrap_err()),
        "poverty_line.exit"
    );
    assert_eq!(
        not_in_force(p.claim_params(on).unwrap_err()),
        "basic.deductible"
    );
    assert_eq!(
        not_in_force(p.statistics_params(on).unwrap_err()),
        "exit.village_incidence_max"
    );
    assert!(p.show(on).is_err());
}

// ── Printed forms ──────────────────────────────────────────────────────────

#[test]
fn show_lists_every_parameter_in_catalogue_order_as_written() {
    let rows = ningxia().show(d("2020-12-31")).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
    let catalogue: Vec<&str> = CATALOGUE.iter().map(|s| s.name).collect();
    assert_eq!(names, catalogue);
    let row = |n: &str| rows.iter().find(|r| r.name == n).unwrap();
    assert_eq!(
        row("basic.deductible").value.to_string(),
        "township=200, county=500, city=1000, provincial=1000, out_of_region=1500"
    );
    assert_eq!(
        row("critical.brackets").value.to_string(),
        "[0→0.60; 50000→0.70; 100000→0.80]"
    );
    assert_eq!(row("credit.marginal_from").value.to_string(), "2020-06-01");
    assert_eq!(row("backstop.enabled").value.to_string(), "true");
    assert_eq!(row("backstop.self_pay_ratio").value.to_string(), "0.10");
    let line = row("backstop.annual_self_pay_cap").to_string();
    assert!(
        line.starts_with("backstop.annual_self_pay_cap  5000  2014-01-01  seed  "),
        "{line}"
    );
}

#[test]
fn show_json_types_values_as_the_interface_says() {
    let rows = ningxia().show(d("2020-12-31")).unwrap();
    let json = |n: &str| rows.iter().find(|r| r.name == n).unwrap().to_json();
    let cap = json("backstop.annual_self_pay_cap");
    assert_eq!(cap["value"], serde_json::json!("5000"));
    assert_eq!(cap["since"], serde_json::json!("2014-01-01"));
    assert_eq!(cap["status"], serde_json::json!("seed"));
    let row = rows
        .iter()
        .find(|r| r.name == "backstop.annual_self_pay_cap")
        .unwrap();
    let text = serde_json::to_string(row).unwrap();
    assert!(text.starts_with(r#"{"name":"backstop.annual_self_pay_cap","value":"5000","since":"2014-01-01","status":"seed","unit":""#), "{text}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        cap
    );
    assert_eq!(json("exit.publicity_days")["value"], serde_json::json!(7));
    assert_eq!(json("backstop.enabled")["value"], serde_json::json!(true));
    assert_eq!(
        json("credit.marginal_from")["value"],
        serde_json::json!("2020-06-01")
    );
    assert_eq!(
        json("credit.line")["value"],
        serde_json::json!({"excellent": "50000", "good": "30000", "fair": "10000"})
    );
    assert_eq!(
        json("critical.brackets")["value"],
        serde_json::json!([
            {"from": "0", "rate": "0.60"},
            {"from": "50000", "rate": "0.70"},
            {"from": "100000", "rate": "0.80"}
        ])
    );
    let trace = ningxia()
        .describe("poverty_line.exit", d("2020-12-31"))
        .unwrap()
        .to_trace_json();
    assert_eq!(trace["value"], serde_json::json!("4000"));
    let described = ningxia()
        .describe("poverty_line.exit", d("2020-12-31"))
        .unwrap();
    let text = serde_json::to_string(&described.trace()).unwrap();
    assert!(
        text.starts_with(
            r#"{"name":"poverty_line.exit","value":"4000","since":"2020-01-01","source":"#
        ),
        "{text}"
    );
    assert!(text.ends_with(r#","status":"sourced"}"#), "{text}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        trace
    );
    let table = serde_json::to_string(&rows.iter().find(|r| r.name == "basic.rate").unwrap().value)
        .unwrap();
    assert_eq!(
        table,
        r#"{"township":"0.85","county":"0.75","city":"0.60","provincial":"0.60","out_of_region":"0.50"}"#
    );
}

// ── Policy files ───────────────────────────────────────────────────────────

#[test]
fn a_county_file_replaces_values_and_inherits_units() {
    let p = load_fixture("county.toml").unwrap();
    assert_eq!(p.name(), "my-county-2020");
    let cap = p
        .lookup("backstop.annual_self_pay_cap", d("2021-06-30"))
        .unwrap();
    assert_eq!(cap.value.to_string(), "3000");
    assert_eq!(cap.since, d("2021-01-01"));
    assert_eq!(
        cap.unit,
        ningxia()
            .lookup("backstop.annual_self_pay_cap", d("2020-01-01"))
            .unwrap()
            .unit
    );
    assert_eq!(cap.source, "县医保局 2020 年通知");
    assert_eq!(cap.status.as_str(), "local");
    let enabled = p.lookup("backstop.enabled", d("2018-06-30")).unwrap();
    assert_eq!(enabled.value.to_string(), "false");
    assert_eq!(enabled.status.as_str(), "seed");
    assert!(
        enabled.source.contains("my-county-2020"),
        "{}",
        enabled.source
    );
    let leverage = p.lookup("credit.leverage", d("2020-06-30")).unwrap();
    assert_eq!(leverage.value.to_string(), "8");
    assert_eq!(leverage.unit, "times");
    assert_eq!(
        shown(&p, "basic.rate", "2020-06-30"),
        "township=0.90, county=0.80, city=0.65, provincial=0.60, out_of_region=0.5"
    );
    // Untouched parameters keep the built-in's values, source and status.
    assert_eq!(
        p.describe("poverty_line.exit", d("2020-06-30")).unwrap(),
        ningxia()
            .describe("poverty_line.exit", d("2020-06-30"))
            .unwrap()
    );
}

#[test]
fn replaced_values_leave_nothing_in_force_before_their_first_date() {
    let p = load_fixture("not_in_force.toml").unwrap();
    let on = d("2017-06-30");
    let e = p.lookup("backstop.annual_self_pay_cap", on).unwrap_err();
    assert_eq!(
        e,
        PolicyError::NotInForce {
            name: "backstop.annual_self_pay_cap".into(),
            date: on
        }
    );
    assert!(e.to_string().contains("backstop.annual_self_pay_cap"));
    assert!(e.to_string().contains("2017-06-30"));
    let e = p.claim_params(on).unwrap_err();
    assert_eq!(e.parameter(), Some("backstop.annual_self_pay_cap"));
    assert!(p.claim_params(d("2018-01-01")).is_ok());
    assert!(p.household_params(on).is_ok());
}

#[test]
fn an_unknown_parameter_name_is_refused_by_name() {
    let (e, msg) = load_err("unknown_parameter.toml");
    assert!(matches!(e, PolicyError::UnknownParameter { .. }), "{e:?}");
    assert!(msg.contains("unknown parameter"), "{msg}");
    assert!(msg.contains("backstop.anual_self_pay_cap"), "{msg}");
}

#[test]
fn a_bad_date_key_is_refused_naming_parameter_and_date() {
    let (e, msg) = load_err("bad_date_key.toml");
    assert!(matches!(e, PolicyError::InvalidValue { .. }), "{e:?}");
    assert!(msg.contains("backstop.annual_self_pay_cap"), "{msg}");
    assert!(msg.contains("2020-13-01"), "{msg}");
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
}

#[test]
fn a_value_of_the_wrong_type_is_refused_naming_parameter_and_date() {
    let (e, msg) = load_err("wrong_type.toml");
    assert!(matches!(e, PolicyError::InvalidValue { .. }), "{e:?}");
    assert!(msg.contains("backstop.enabled"), "{msg}");
    assert!(msg.contains("2019-01-01"), "{msg}");
    assert!(msg.contains("boolean"), "{msg}");
}

#[test]
fn a_float_decimal_is_refused_as_inexact() {
    let (_, msg) = load_err("float_decimal.toml");
    assert!(msg.contains("assistance.rate"), "{msg}");
    assert!(msg.contains("2014-01-01"), "{msg}");
    assert!(msg.contains("not exact"), "{msg}");
}

#[test]
fn a_file_without_extends_must_define_every_parameter() {
    let (e, msg) = load_err("missing_parameter.toml");
    assert_eq!(e.code(), "missing_parameter");
    assert!(msg.contains("poverty_line.statistical"), "{msg}");
    assert!(msg.contains("not defined"), "{msg}");
}

#[test]
fn a_dibao_standard_below_the_exit_line_breaks_two_lines_in_one() {
    let (e, msg) = load_err("two_lines_broken.toml");
    assert_eq!(
        e,
        PolicyError::TwoLinesInOne {
            policy: "two_lines_broken.toml".into(),
            date: d("2020-01-01"),
            standard: "3000".into(),
            line: "4000".into(),
        }
    );
    assert!(msg.contains("dibao.standard_annual"), "{msg}");
    assert!(msg.contains("4000"), "{msg}");
    assert!(msg.contains("2020-01-01"), "{msg}");
}

#[test]
fn an_unknown_extends_is_refused_by_name() {
    let (e, msg) = load_err("unknown_extends.toml");
    assert_eq!(e.code(), "unknown_policy");
    assert!(msg.contains("no-such-policy"), "{msg}");
}

#[test]
fn a_toml_syntax_error_is_a_syntax_error() {
    let (e, msg) = load_err("syntax_error.toml");
    assert_eq!(e.code(), "policy_syntax");
    assert!(msg.contains("invalid TOML"), "{msg}");
    assert!(msg.contains("syntax_error.toml"), "{msg}");
}

#[test]
fn unknown_keys_are_refused() {
    let (_, msg) = load_err("unknown_key.toml");
    assert!(
        msg.contains("valeus") && msg.contains("backstop.annual_self_pay_cap"),
        "{msg}"
    );
    let (_, msg) = load_err("unknown_top_level_key.toml");
    assert!(
        msg.contains("unknown key") && msg.contains("extend"),
        "{msg}"
    );
}

#[test]
fn malformed_tables_brackets_and_ranges_are_refused() {
    for (fixture, words) in [
        ("credit_line_none.toml", &["credit.line", "\"none\""][..]),
        (
            "table_missing_key.toml",
            &["basic.rate", "out_of_region"][..],
        ),
        (
            "brackets_not_from_zero.toml",
            &["critical.brackets", "start at 0"][..],
        ),
        ("rate_above_one.toml", &["supplementary.rate", "0..=1"][..]),
        ("negative_money.toml", &["basic.annual_cap", "negative"][..]),
    ] {
        let (e, msg) = load_err(fixture);
        assert_eq!(e.code(), "invalid_parameter_value", "{fixture}: {msg}");
        for w in words {
            assert!(msg.contains(w), "{fixture}: {msg}");
        }
        assert!(msg.contains("2014-01-01"), "{fixture}: {msg}");
    }
}

#[test]
fn extends_cycles_are_detected() {
    let (e, _) = load_err("self_extends.toml");
    assert_eq!(e.code(), "extends_cycle");
    // a.toml extends b.toml extends a.toml, resolved by the caller.
    let a = "name = \"a\"\nextends = \"b.toml\"\n";
    let b = "name = \"b\"\nextends = \"a.toml\"\n";
    fn resolve(which: &str) -> Result<Policy, PolicyError> {
        let text = match which {
            "a.toml" => "name = \"a\"\nextends = \"b.toml\"\n",
            "b.toml" => "name = \"b\"\nextends = \"a.toml\"\n",
            other => return Policy::builtin(other),
        };
        Policy::from_toml_str_with(text, which, &mut resolve)
    }
    let e = Policy::from_toml_str_with(a, "a.toml", &mut resolve).unwrap_err();
    assert_eq!(e.code(), "extends_cycle", "{e}");
    // The same resolver loads a chain without a cycle.
    let c = "name = \"c\"\nextends = \"ningxia-2020\"\n";
    let p = Policy::from_toml_str_with(c, "c.toml", &mut resolve).unwrap();
    assert_eq!(shown(&p, "poverty_line.exit", "2020-01-01"), "4000");
    let _ = b;
}
