//! Decisions and settlements read back equal from their own serialization
//! (serde JSON): what lets the Python `Decision` and `Settlement` pickle.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use chrono::NaiveDate;
use fupin_core::decision::Decision;
use fupin_core::parse_household;
use fupin_core::policy::Policy;
use fupin_core::rules::Evaluator;
use fupin_core::rules::settlement::{Ledger, Settlement};
use fupin_core::synth::{Synth, SynthConfig};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()
}

#[test]
fn every_decision_and_settlement_of_a_synth_county_reads_back_equal() {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let eval = Evaluator::new(&policy, as_of());
    let mut synth = Synth::new(SynthConfig {
        households: 400,
        seed: 7,
        ..SynthConfig::default()
    });
    let mut ledger = Ledger::new();
    let mut rules = BTreeSet::new();
    let (mut decisions, mut settlements) = (0, 0);
    while let Some((h, claims)) = synth.next_entry() {
        for explain in [false, true] {
            let d = eval.evaluate(&h, explain).unwrap();
            let text = serde_json::to_string(&d).unwrap();
            let back: Decision = serde_json::from_str(&text).unwrap();
            assert_eq!(back, d, "{text}");
            assert_eq!(back.trace.is_some(), explain);
            for step in d.trace.iter().flatten() {
                rules.insert(step.rule);
            }
            decisions += 1;
        }
        for c in claims {
            let s = ledger.settle(&policy, &c, true).unwrap();
            let text = serde_json::to_string(&s).unwrap();
            let back: Settlement = serde_json::from_str(&text).unwrap();
            assert_eq!(back, s, "{text}");
            for step in s.trace.iter().flatten() {
                rules.insert(step.rule);
            }
            settlements += 1;
        }
    }
    assert_eq!(decisions, 800);
    assert!(settlements > 0);
    // Every rule name the trace can carry was met, so reading them back is tested.
    assert_eq!(
        rules,
        fupin_core::trace::RULES
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
    );
}

#[test]
fn a_negative_net_income_reads_back() {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let h = parse_household(
        br#"{"id":"H1","income":{"operating":"100","operating_cost":"1000.50"},
            "members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1970-01-01"},
                       {"id":"P2","relation":"spouse","sex":"female","birth_date":"1971-01-01"}]}"#,
    )
    .unwrap();
    let d = Evaluator::new(&policy, as_of())
        .evaluate(&h, false)
        .unwrap();
    assert_eq!(d.net_income.to_string(), "-900.50");
    assert_eq!(d.per_capita_income.to_string(), "-450.25");
    let back: Decision = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
    assert_eq!(back, d);
}

#[test]
fn malformed_decisions_are_refused() {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let h = parse_household(
        br#"{"id":"H1","members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1970-01-01"}]}"#,
    )
    .unwrap();
    let d = Evaluator::new(&policy, as_of())
        .evaluate(&h, false)
        .unwrap();
    let good = serde_json::to_value(&d).unwrap();
    for (field, bad) in [
        ("net_income", serde_json::json!("1.005")),
        ("net_income", serde_json::json!("--1")),
        ("net_income", serde_json::json!("1.")),
        ("as_of", serde_json::json!("2020-02-30")),
        ("unknown", serde_json::json!(1)),
    ] {
        let mut v = good.clone();
        v[field] = bad.clone();
        assert!(
            serde_json::from_value::<Decision>(v).is_err(),
            "{field} = {bad} was accepted"
        );
    }
    let mut v = good.clone();
    v["exit"]["failed"] = serde_json::json!(["not_a_code"]);
    assert!(serde_json::from_value::<Decision>(v).is_err());
}
