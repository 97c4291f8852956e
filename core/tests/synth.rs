//! The demo county generator (`fupin synth`, domain.md §8): exact shape,
//! determinism, valid records, and every code of the rules planted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet, HashSet};

use fupin_core::audit::audit;
use fupin_core::decision::{
    CreditCode, DibaoCode, ExclusionReason, ExitCode, FindingCode, MonitoringCategory, Trigger,
};
use fupin_core::enums::{HospitalLevel, Schooling, Status, WireEnum};
use fupin_core::policy::Policy;
use fupin_core::record::table::{
    HouseholdColumn, MemberColumn, household_headers, household_row, member_headers, member_rows,
};
use fupin_core::rules::Evaluator;
use fupin_core::synth::{DEMO_COUNTY, Synth, SynthConfig};
use fupin_core::{Claim, Household, parse_claim, parse_household};

fn county(seed: u64, households: u64) -> Vec<(Household, Vec<Claim>)> {
    let mut s = Synth::new(SynthConfig {
        households,
        seed,
        ..SynthConfig::default()
    });
    std::iter::from_fn(|| s.next_entry()).collect()
}

fn as_text(entries: &[(Household, Vec<Claim>)]) -> String {
    let mut out = String::new();
    for (h, claims) in entries {
        out.push_str(&serde_json::to_string(h).unwrap());
        out.push('\n');
        for c in claims {
            out.push_str(&serde_json::to_string(c).unwrap());
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_same_seed_gives_the_same_county_and_another_seed_another() {
    let a = as_text(&county(2020, 1662));
    assert_eq!(a, as_text(&county(2020, 1662)));
    assert_ne!(a, as_text(&county(2021, 1662)));
    // Taking claims or not does not change the households.
    let plain: Vec<Household> = Synth::new(SynthConfig::default()).collect();
    let with: Vec<Household> = county(2020, 1662).into_iter().map(|e| e.0).collect();
    assert_eq!(plain, with);
}

#[test]
fn the_default_county_has_the_seed_towns_households_and_persons() {
    for seed in [2020, 1, 77] {
        town_counts_are_the_seeds(seed);
    }
}

fn town_counts_are_the_seeds(seed: u64) {
    let as_of = SynthConfig::default().as_of;
    let mut got: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut listed = 0u64;
    for (h, _) in county(seed, 1662) {
        let e = got.entry(h.town.to_string()).or_default();
        e.0 += 1;
        e.1 += h.size_on(as_of) as u64;
        listed += h.members.len() as u64;
    }
    for t in DEMO_COUNTY {
        assert_eq!(got[t.name], (t.households, t.persons), "{}", t.name);
    }
    let expected: BTreeMap<&str, (u64, u64)> = [
        ("洪广镇", (1199, 5745)),
        ("金贵镇", (120, 566)),
        ("立岗镇", (149, 706)),
        ("南梁台子", (145, 676)),
        ("常信乡", (49, 112)),
    ]
    .into();
    assert_eq!(got.len(), expected.len());
    for (town, counts) in expected {
        assert_eq!(got[town], counts, "{town}");
    }
    let total = got.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
    assert_eq!(total, (1662, 7805));
    assert!(listed > 7805, "some members died or moved out: {listed}");
}

#[test]
fn villages_have_the_listed_populations() {
    let s = Synth::new(SynthConfig::default());
    let rows: Vec<(String, String, u64)> = s
        .villages()
        .into_iter()
        .map(|v| (v.village, v.town, v.population))
        .collect();
    let expected = [
        ("欣荣村", "洪广镇", 8273),
        ("广荣村", "洪广镇", 4200),
        ("洪广村", "洪广镇", 3100),
        ("北庙村", "洪广镇", 2600),
        ("银光村", "金贵镇", 2900),
        ("兰光村", "立岗镇", 3300),
        ("隆源村", "南梁台子", 2400),
        ("常信村", "常信乡", 2500),
    ];
    assert_eq!(rows.len(), expected.len());
    for (r, e) in rows.iter().zip(expected) {
        assert_eq!((r.0.as_str(), r.1.as_str(), r.2), e);
    }
    // Every household is in a listed village of its town.
    let known: HashSet<(String, String)> =
        rows.iter().map(|r| (r.1.clone(), r.0.clone())).collect();
    for (h, _) in county(2020, 1662) {
        assert!(known.contains(&(h.town.to_string(), h.village.to_string())));
    }
}

#[test]
fn scaled_counties_keep_the_shape_and_exact_totals() {
    let as_of = SynthConfig::default().as_of;
    for n in [1, 10, 5000] {
        let s = Synth::new(SynthConfig {
            households: n,
            ..SynthConfig::default()
        });
        let plan = s.plan().to_vec();
        let mut got: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for h in s {
            let e = got.entry(h.town.to_string()).or_default();
            e.0 += 1;
            e.1 += h.size_on(as_of) as u64;
        }
        assert_eq!(got.values().map(|v| v.0).sum::<u64>(), n);
        for t in plan.iter().filter(|t| t.households > 0) {
            assert_eq!(got[t.name], (t.households, t.persons), "{n} {}", t.name);
        }
    }
}

#[test]
fn every_record_reads_back_without_error_and_claim_ids_are_unique() {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let eval = Evaluator::new(&policy, SynthConfig::default().as_of);
    let mut claim_ids = HashSet::new();
    let mut claims = Vec::new();
    for (h, cs) in county(2020, 1662) {
        let line = serde_json::to_string(&h).unwrap();
        let back = parse_household(line.as_bytes()).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(back, h);
        eval.evaluate(&back, false).unwrap();
        for c in cs {
            let line = serde_json::to_string(&c).unwrap();
            let back = parse_claim(line.as_bytes()).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(back, c);
            assert!(claim_ids.insert(c.id.clone()), "claim id {} twice", c.id);
            claims.push(c);
        }
    }
    // Hospital stays of every kind.
    assert!(claims.len() > 100, "{}", claims.len());
    for level in HospitalLevel::ALL {
        assert!(claims.iter().any(|c| c.hospital_level == *level), "{level}");
    }
    assert!(
        claims
            .iter()
            .any(|c| c.admitted_on.to_string().as_str() < "2020")
    );
    assert!(claims.iter().any(|c| !c.registered_poor));
    assert!(claims.iter().any(|c| !c.backstop_eligible));
    assert!(claims.iter().any(|c| c.major_illness));
    assert!(
        claims
            .iter()
            .any(|c| c.total_cost.as_decimal() > 500_000.into())
    );
}

#[test]
fn the_rules_and_the_audit_find_every_code_in_the_default_county() {
    for seed in [2020, 1] {
        every_code_occurs(seed);
    }
}

fn every_code_occurs(seed: u64) {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let eval = Evaluator::new(&policy, SynthConfig::default().as_of);
    let households: Vec<Household> = county(seed, 1662).into_iter().map(|e| e.0).collect();
    let mut exit = BTreeSet::new();
    let mut dibao = BTreeSet::new();
    let mut credit = BTreeSet::new();
    let mut triggers = BTreeSet::new();
    let mut categories = BTreeSet::new();
    let mut reasons = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    let mut schooling = BTreeSet::new();
    let mut eligible_exits = 0;
    for h in &households {
        let d = eval.evaluate(h, false).unwrap();
        exit.extend(d.exit.failed.iter().copied());
        dibao.extend(d.dibao.failed.iter().copied());
        credit.extend(d.credit.failed.iter().copied());
        triggers.extend(d.monitoring.triggers.iter().copied());
        categories.insert(d.monitoring.category);
        reasons.extend(d.identification.reasons.iter().copied());
        statuses.insert(h.status);
        schooling.extend(h.members.iter().map(|m| m.schooling));
        eligible_exits += usize::from(d.exit.eligible);
    }
    let inputs: Vec<_> = households.iter().cloned().map(Ok).collect();
    let mut findings: BTreeMap<FindingCode, usize> = BTreeMap::new();
    for r in audit(&eval, &inputs) {
        for f in r.unwrap() {
            *findings.entry(f.code).or_default() += 1;
        }
    }
    assert_eq!(exit, ExitCode::ALL.iter().copied().collect());
    assert_eq!(dibao, DibaoCode::ALL.iter().copied().collect());
    assert_eq!(credit, CreditCode::ALL.iter().copied().collect());
    assert_eq!(triggers, Trigger::ALL.iter().copied().collect());
    assert_eq!(
        categories,
        MonitoringCategory::ALL.iter().copied().collect()
    );
    assert_eq!(reasons, ExclusionReason::ALL.iter().copied().collect());
    assert_eq!(statuses, Status::ALL.iter().copied().collect());
    assert_eq!(schooling, Schooling::ALL.iter().copied().collect());
    for code in FindingCode::ALL {
        let n = findings.get(code).copied().unwrap_or(0);
        assert!(n >= 1, "finding {code} never occurs");
    }
    // "A few": findings stay a small part of the county.
    let total: usize = findings.values().sum();
    assert!(total < 400, "{findings:?}");
    // Planned exits in the order of the seed's 261 households.
    assert!((150..=400).contains(&eligible_exits), "{eligible_exits}");
}

#[test]
fn table_rows_follow_the_headers() {
    let hh = household_headers();
    assert_eq!(hh.len(), HouseholdColumn::ALL.len());
    assert_eq!(
        hh[..12],
        [
            "id",
            "town",
            "village",
            "attribute",
            "status",
            "identified_on",
            "exited_on",
            "returned_on",
            "causes",
            "relocated",
            "exit_steps",
            "income_wage"
        ]
    );
    assert!(hh.contains(&"last_year_income_wage"));
    assert!(hh.contains(&"guarantees_food"));
    assert!(hh.contains(&"assets_car"));
    assert_eq!(hh[hh.len() - 2..], ["credit_rating", "credit_outstanding"]);
    let mh = member_headers();
    assert_eq!(mh.len(), MemberColumn::ALL.len());
    assert_eq!(
        mh[..5],
        ["household_id", "id", "id_number", "name", "relation"]
    );
    for (h, _) in county(2020, 50) {
        assert_eq!(household_row(&h).len(), hh.len());
        for r in member_rows(&h) {
            assert_eq!(r.len(), mh.len());
            assert_eq!(r[0], h.id);
        }
    }
}
