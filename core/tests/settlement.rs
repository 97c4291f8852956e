//! Medical one-stop settlement (domain.md §5): hand-worked chains, one per
//! rule of the layer chain, and property tests of every invariant on
//! arbitrary claim sequences.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use fupin_core::rules::settlement::{LayerStep, Ledger, Settlement};
use fupin_core::{ErrorCode, Policy, parse_claim};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn ningxia() -> Policy {
    Policy::builtin("ningxia-2020").unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A claim line with the given fields (JSON object body without braces).
fn claim(body: &str) -> fupin_core::Claim {
    parse_claim(format!("{{{body}}}").as_bytes()).unwrap()
}

/// The six components as strings, in output order.
fn parts(s: &Settlement) -> [String; 6] {
    [
        s.basic_insurance.to_string(),
        s.critical_illness_insurance.to_string(),
        s.supplementary_insurance.to_string(),
        s.medical_assistance.to_string(),
        s.backstop.to_string(),
        s.self_pay.to_string(),
    ]
}

fn expect(s: &Settlement, want: [&str; 6]) {
    assert_eq!(parts(s), want.map(str::to_owned), "claim {}", s.claim_id);
    let sum: Decimal =
        s.payments().iter().map(|m| m.as_decimal()).sum::<Decimal>() + s.self_pay.as_decimal();
    assert_eq!(sum, s.total_cost.as_decimal());
}

fn step<'a>(s: &'a Settlement, rule: &str) -> &'a LayerStep {
    s.trace
        .as_ref()
        .unwrap()
        .iter()
        .find(|t| t.rule == rule)
        .unwrap()
}

#[test]
fn the_worked_example_of_domain_md_shows_every_layer() {
    // ningxia-2020, registered poor, first stay of 2020, county hospital,
    // T = 30 000, E = 27 000, not major illness, backstop-eligible:
    // 1. basic: d = 500 × 0.5 = 250, r = 0.75 + 0.05 = 0.80
    //    → (27 000 − 250) × 0.80 = 21 400.00
    // 2. critical: B = 5 600, D = 6 400 × 0.5 = 3 200, rate 0.60 + 0.05
    //    → (5 600 − 3 200) × 0.65 = 1 560.00
    // 3. supplementary: R = 4 040 → (4 040 − 3 000) × 0.80 = 832.00
    // 4. assistance: 3 208 × 0.70 = 2 245.60
    // 5. backstop: R_ytd = 962.40 ≤ cap min(2 700, 5 000) → 0.00
    // 6. self-pay = 30 000 − 26 037.60 = 3 962.40 (3 000 out of policy)
    let mut ledger = Ledger::new();
    let c = claim(
        r#""id":"C1","person_id":"P1","admitted_on":"2020-03-01","hospital_level":"county",
        "total_cost":"30000","in_policy_cost":"27000""#,
    );
    let s = ledger.settle(&ningxia(), &c, true).unwrap();
    expect(
        &s,
        [
            "21400.00", "1560.00", "832.00", "2245.60", "0.00", "3962.40",
        ],
    );
    let basic = step(&s, "basic");
    assert_eq!(basic.deductible, Some(dec("250")));
    assert_eq!(basic.rate, Some(dec("0.80")));
    let critical = step(&s, "critical");
    assert_eq!(critical.base, Some(dec("5600")));
    assert_eq!(critical.deductible, Some(dec("3200")));
    assert_eq!(critical.rate, Some(dec("0.65")));
    assert_eq!(critical.cap, None); // no cap for the registered poor
    let supp = step(&s, "supplementary");
    assert_eq!(supp.base, Some(dec("4040")));
    let assistance = step(&s, "assistance");
    assert_eq!(assistance.base, Some(dec("3208")));
    assert_eq!(assistance.rate, Some(dec("0.70")));
    let backstop = step(&s, "backstop");
    assert_eq!(backstop.base, Some(dec("962.40")));
    assert_eq!(backstop.cap, Some(dec("2700")));
    assert_eq!(backstop.paid, dec("0"));
    // The JSON of interfaces.md §3.2, keys in order.
    let plain = ledger
        .clone()
        .settle(
            &ningxia(),
            &claim(
                r#""id":"C9","person_id":"P9","admitted_on":"2020-03-01","hospital_level":"county",
                "total_cost":"30000","in_policy_cost":"27000""#,
            ),
            false,
        )
        .unwrap();
    assert_eq!(
        serde_json::to_string(&plain).unwrap(),
        r#"{"claim_id":"C9","person_id":"P9","year":2020,"total_cost":"30000.00","basic_insurance":"21400.00","critical_illness_insurance":"1560.00","supplementary_insurance":"832.00","medical_assistance":"2245.60","backstop":"0.00","self_pay":"3962.40"}"#
    );
    let traced = serde_json::to_value(&s).unwrap();
    let names: Vec<&str> = traced["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "basic",
            "critical",
            "supplementary",
            "assistance",
            "backstop"
        ]
    );
    assert_eq!(traced["trace"][4]["cap"], "2700.00");
    assert_eq!(
        traced["trace"][0]["parameters"][0]["name"],
        "basic.deductible"
    );
}

#[test]
fn the_ten_percent_cap_binds_on_a_small_provincial_stay() {
    // 2020, provincial, T = E = 5 000, registered poor:
    // 1. basic: d = 1 000 × 0.5 = 500, r = 0.60 + 0.05 = 0.65
    //    → 4 500 × 0.65 = 2 925.00; left 2 075.00
    // 2. critical: 2 075 < D = 3 200 → 0; 3. supplementary: 2 075 < 3 000 → 0
    // 4. assistance: 2 075 × 0.70 = 1 452.50; left 622.50
    // 5. backstop: cap = min(0.10 × 5 000, 5 000) = 500 → 622.50 − 500 = 122.50
    // 6. self-pay = 500.00, exactly 10 %.
    let mut ledger = Ledger::new();
    let s = ledger
        .settle(
            &ningxia(),
            &claim(
                r#""id":"C1","person_id":"P1","admitted_on":"2020-05-10",
                "hospital_level":"provincial","total_cost":"5000""#,
            ),
            true,
        )
        .unwrap();
    expect(
        &s,
        ["2925.00", "0.00", "0.00", "1452.50", "122.50", "500.00"],
    );
    assert_eq!(step(&s, "backstop").cap, Some(dec("500")));
}

#[test]
fn the_5000_annual_cap_binds_over_three_stays() {
    // 2020, city, T = E = 300 000 each, registered poor, not major.
    // City: d = 1 000 × 0.5 = 500, r = 0.65; critical brackets with uplift
    // 0.65 / 0.75 / 0.85 above D = 3 200.
    // Stay 1: basic (300 000 − 500) × 0.65 = 194 675 > cap → 150 000.00;
    //   left 150 000. critical: B = 150 000, over 146 800:
    //   50 000 × 0.65 + 50 000 × 0.75 + 46 800 × 0.85 = 32 500 + 37 500 +
    //   39 780 = 109 780.00; left 40 220. supplementary: (40 220 − 3 000) ×
    //   0.80 = 29 776.00; left 10 444. assistance 10 444 × 0.70 = 7 310.80;
    //   left 3 133.20. backstop: cap min(30 000, 5 000) = 5 000 → 0.
    //   self 3 133.20.
    // Stay 2: basic cap exhausted → 0; left 300 000. critical: B = 450 000,
    //   over 446 800: 32 500 + 37 500 + 346 800 × 0.85 (294 780) = 364 780
    //   → 364 780 − 109 780 = 255 000.00; left 45 000. supplementary: R =
    //   85 220 → 82 220 × 0.80 = 65 776 → 65 776 − 29 776 = 36 000.00; left
    //   9 000. assistance 9 000 × 0.70 = 6 300.00 (room 22 689.20); left
    //   2 700. backstop: R_ytd = 3 133.20 + 2 700 = 5 833.20, cap 5 000 →
    //   833.20; self 1 866.80 (year so far: 5 000.00).
    // Stay 3: basic 0. critical: B = 750 000 → 32 500 + 37 500 + 646 800 ×
    //   0.85 (549 780) = 619 780 → 255 000.00; left 45 000. supplementary:
    //   R = 130 220 → 127 220 × 0.80 = 101 776 → cap 100 000 → 34 224.00;
    //   left 10 776. assistance 10 776 × 0.70 = 7 543.20; left 3 232.80.
    //   backstop: R_ytd = 9 066.00 − 5 000 = 4 066.00 − 833.20 = 3 232.80;
    //   self 0.00. The year's self-pay stays 5 000.00.
    let mut ledger = Ledger::new();
    let p = ningxia();
    let mut stay = |id: &str, on: &str| {
        let c = claim(&format!(
            r#""id":"{id}","person_id":"P1","admitted_on":"{on}","hospital_level":"city","total_cost":"300000""#
        ));
        ledger.settle(&p, &c, false).unwrap()
    };
    let s1 = stay("C1", "2020-02-01");
    let s2 = stay("C2", "2020-05-01");
    let s3 = stay("C3", "2020-09-01");
    expect(
        &s1,
        [
            "150000.00",
            "109780.00",
            "29776.00",
            "7310.80",
            "0.00",
            "3133.20",
        ],
    );
    expect(
        &s2,
        [
            "0.00",
            "255000.00",
            "36000.00",
            "6300.00",
            "833.20",
            "1866.80",
        ],
    );
    expect(
        &s3,
        [
            "0.00",
            "255000.00",
            "34224.00",
            "7543.20",
            "3232.80",
            "0.00",
        ],
    );
    let year = ledger.person_year("P1", 2020).unwrap();
    assert_eq!(year.backstop_in_policy, dec("900000.00"));
    assert_eq!(year.backstop_paid, dec("4066.00"));
}

/// One 3 000 000 yuan city stay of a registered poor patient, through the
/// layers before assistance: basic capped at 150 000.00; critical B =
/// 2 850 000, over 2 846 800: 32 500 + 37 500 + 2 746 800 × 0.85 (2 334 780)
/// = 2 404 780.00; left 445 220; supplementary (442 220 × 0.80 = 353 776) →
/// cap 100 000.00; left 345 220 for assistance.
fn big_stay(id: &str, on: &str, major: bool) -> Settlement {
    let c = claim(&format!(
        r#""id":"{id}","person_id":"P{id}","admitted_on":"{on}","hospital_level":"city",
        "total_cost":"3000000","major_illness":{major}"#
    ));
    Ledger::new().settle(&ningxia(), &c, false).unwrap()
}

#[test]
fn major_illness_gets_the_uplift_and_the_160000_ceiling_from_2020() {
    // 2020, major: rate 0.70 + 0.10 = 0.80 → 345 220 × 0.80 = 276 176 →
    // ceiling 160 000.00; left 185 220; backstop: cap min(300 000, 5 000)
    // → 180 220.00; self 5 000.00.
    expect(
        &big_stay("1", "2020-06-01", true),
        [
            "150000.00",
            "2404780.00",
            "100000.00",
            "160000.00",
            "180220.00",
            "5000.00",
        ],
    );
    // 2020, not major: 345 220 × 0.70 = 241 654 → ordinary ceiling
    // 30 000.00; left 315 220 → backstop 310 220.00; self 5 000.00.
    expect(
        &big_stay("2", "2020-06-01", false),
        [
            "150000.00",
            "2404780.00",
            "100000.00",
            "30000.00",
            "310220.00",
            "5000.00",
        ],
    );
    // 2019 (admission date decides), major: no uplift, ceiling 80 000:
    // 241 654 → 80 000.00; left 265 220 → backstop 260 220.00. (Basic,
    // critical — poor factors from 2019 — and supplementary are as in 2020.)
    expect(
        &big_stay("3", "2019-06-01", true),
        [
            "150000.00",
            "2404780.00",
            "100000.00",
            "80000.00",
            "260220.00",
            "5000.00",
        ],
    );
}

#[test]
fn the_major_illness_uplift_shows_below_the_ceiling() {
    // 2020, city, T = E = 1 000 000: basic 150 000.00; critical B = 850 000,
    // over 846 800: 32 500 + 37 500 + 746 800 × 0.85 (634 780) = 704 780.00;
    // left 145 220; supplementary 142 220 × 0.80 = 113 776 → 100 000.00;
    // left 45 220. Major: 45 220 × 0.80 = 36 176.00, left 9 044 → backstop
    // 4 044.00. Not major: 31 654 → ceiling 30 000.00, left 15 220 →
    // backstop 10 220.00. Self-pay 5 000.00 either way.
    let p = ningxia();
    for (id, major, assist, backstop) in [
        ("C1", true, "36176.00", "4044.00"),
        ("C2", false, "30000.00", "10220.00"),
    ] {
        let c = claim(&format!(
            r#""id":"{id}","person_id":"P1","admitted_on":"2020-06-01","hospital_level":"city",
            "total_cost":"1000000","major_illness":{major}"#
        ));
        let s = Ledger::new().settle(&p, &c, false).unwrap();
        expect(
            &s,
            [
                "150000.00",
                "704780.00",
                "100000.00",
                assist,
                backstop,
                "5000.00",
            ],
        );
    }
}

#[test]
fn an_out_of_region_stay_gets_no_backstop() {
    // 2020, out_of_region, T = E = 5 000, registered poor:
    // basic: d = 1 500 × 0.5 = 750, r = 0.50 + 0.05 = 0.55 → 4 250 × 0.55 =
    // 2 337.50; left 2 662.50. critical, supplementary: below deductibles.
    // assistance 2 662.50 × 0.70 = 1 863.75; left 798.75. The backstop would
    // pay 798.75 − 500 = 298.75 at a provincial hospital; out of region: 0.
    let s = Ledger::new()
        .settle(
            &ningxia(),
            &claim(
                r#""id":"C1","person_id":"P1","admitted_on":"2020-05-10",
                "hospital_level":"out_of_region","total_cost":"5000""#,
            ),
            true,
        )
        .unwrap();
    expect(&s, ["2337.50", "0.00", "0.00", "1863.75", "0.00", "798.75"]);
    assert!(!step(&s, "backstop").applies);
}

#[test]
fn a_patient_not_registered_gets_two_layers_only() {
    // 2020, county, T = 32 000, E = 30 000, not registered poor:
    // basic: d = 500, r = 0.75 → 29 500 × 0.75 = 22 125.00; left 7 875.
    // critical: D = 6 400, over 1 475 × 0.60 = 885.00 (cap 300 000 applies).
    // No supplementary, assistance or backstop: self = 6 990 + 2 000 = 8 990.00.
    let s = Ledger::new()
        .settle(
            &ningxia(),
            &claim(
                r#""id":"C1","person_id":"P1","admitted_on":"2020-05-10","hospital_level":"county",
                "total_cost":"32000","in_policy_cost":"30000","registered_poor":false"#,
            ),
            true,
        )
        .unwrap();
    expect(
        &s,
        ["22125.00", "885.00", "0.00", "0.00", "0.00", "8990.00"],
    );
    assert_eq!(step(&s, "critical").cap, Some(dec("300000")));
    for rule in ["supplementary", "assistance", "backstop"] {
        assert!(!step(&s, rule).applies, "{rule}");
    }
}

#[test]
fn cap_mode_max_lets_the_larger_cap_bind() {
    // The 10 % case above under cap_mode = "max": cap = max(500, 5 000) =
    // 5 000, so the remainder 622.50 stays with the patient.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/policy/cap_mode_max.toml"
    ))
    .unwrap();
    let policy = Policy::from_toml_str(&text, "cap_mode_max.toml").unwrap();
    let s = Ledger::new()
        .settle(
            &policy,
            &claim(
                r#""id":"C1","person_id":"P1","admitted_on":"2020-05-10",
                "hospital_level":"provincial","total_cost":"5000""#,
            ),
            true,
        )
        .unwrap();
    expect(&s, ["2925.00", "0.00", "0.00", "1452.50", "0.00", "622.50"]);
    assert_eq!(step(&s, "backstop").cap, Some(dec("5000")));
}

#[test]
fn out_of_policy_costs_are_paid_by_the_patient() {
    // The worked example with 10 000 more out of policy (T = 40 000, E =
    // 27 000): the layers pay the same; self-pay 3 962.40 + 10 000.
    let p = ningxia();
    let mut ledger = Ledger::new();
    let s = ledger
        .settle(
            &p,
            &claim(
                r#""id":"C1","person_id":"P1","admitted_on":"2020-03-01","hospital_level":"county",
                "total_cost":"40000","in_policy_cost":"27000""#,
            ),
            false,
        )
        .unwrap();
    expect(
        &s,
        [
            "21400.00", "1560.00", "832.00", "2245.60", "0.00", "13962.40",
        ],
    );
    // Nothing in policy: nobody pays anything.
    let s = ledger
        .settle(
            &p,
            &claim(
                r#""id":"C2","person_id":"P2","admitted_on":"2020-03-01","hospital_level":"county",
                "total_cost":"1000.50","in_policy_cost":"0""#,
            ),
            false,
        )
        .unwrap();
    expect(&s, ["0.00", "0.00", "0.00", "0.00", "0.00", "1000.50"]);
}

#[test]
fn one_person_across_two_years_has_two_ledgers() {
    // The worked example on 2019-12-20 and again on 2020-01-05: 2019's
    // parameters give the same chain (poor critical factors from 2019, no
    // uplift needed), and 2020 starts a fresh year: identical components.
    // A second stay in the same year differs: critical B_ytd = 11 200 →
    // (11 200 − 3 200) × 0.65 = 5 200 − 1 560 = 3 640.00; left 1 960;
    // supplementary R = 6 000 → 2 400 − 832 = 1 568.00; left 392;
    // assistance 392 × 0.70 = 274.40; left 117.60; backstop: R_ytd 1 080 ≤
    // min(5 400, 5 000) → 0; self 117.60 + 3 000 = 3 117.60.
    // That stay claims registered_poor false and major_illness true: the
    // person-year keeps its first claim's p and m.
    let p = ningxia();
    let mut ledger = Ledger::new();
    let mut stay = |id: &str, on: &str, extra: &str| {
        let c = claim(&format!(
            r#""id":"{id}","person_id":"P1","admitted_on":"{on}","hospital_level":"county",
            "total_cost":"30000","in_policy_cost":"27000"{extra}"#
        ));
        ledger.settle(&p, &c, false).unwrap()
    };
    let worked = [
        "21400.00", "1560.00", "832.00", "2245.60", "0.00", "3962.40",
    ];
    let a = stay("C1", "2019-12-20", "");
    let b = stay("C2", "2020-01-05", "");
    expect(&a, worked);
    expect(&b, worked);
    assert_eq!((a.year, b.year), (2019, 2020));
    let c = stay(
        "C3",
        "2020-06-01",
        r#","registered_poor":false,"major_illness":true"#,
    );
    expect(
        &c,
        [
            "21400.00", "3640.00", "1568.00", "274.40", "0.00", "3117.60",
        ],
    );
}

#[test]
fn claims_before_2016_04_25_are_not_in_the_supplementary_base() {
    // 2016-03-01, county, T = 30 000, E = 27 000, registered poor:
    // basic 21 400.00 (poor factors from 2014); left 5 600. critical in
    // 2016: no poor factors, D = 6 400 > 5 600 → 0. supplementary rate 0
    // → does not apply. assistance 5 600 × 0.70 = 3 920.00; left 1 680.
    // backstop disabled until 2018. self 1 680 + 3 000 = 4 680.00.
    // 2016-06-01, county, T = E = 10 000: basic 9 750 × 0.80 = 7 800.00;
    // left 2 200. critical: B = 7 800, over 1 400 × 0.60 = 840.00; left
    // 1 360. supplementary applies; its base is only this claim's 1 360 <
    // 3 000 → 0 (with the March stay it would be 6 960 → 3 168).
    // assistance 1 360 × 0.70 = 952.00; self 408.00.
    let p = ningxia();
    let mut ledger = Ledger::new();
    let s1 = ledger
        .settle(
            &p,
            &claim(
                r#""id":"C1","person_id":"P1","admitted_on":"2016-03-01","hospital_level":"county",
                "total_cost":"30000","in_policy_cost":"27000""#,
            ),
            true,
        )
        .unwrap();
    expect(
        &s1,
        ["21400.00", "0.00", "0.00", "3920.00", "0.00", "4680.00"],
    );
    assert!(!step(&s1, "supplementary").applies);
    assert!(!step(&s1, "backstop").applies);
    let s2 = ledger
        .settle(
            &p,
            &claim(
                r#""id":"C2","person_id":"P1","admitted_on":"2016-06-01","hospital_level":"county",
                "total_cost":"10000""#,
            ),
            true,
        )
        .unwrap();
    expect(
        &s2,
        ["7800.00", "840.00", "0.00", "952.00", "0.00", "408.00"],
    );
    assert_eq!(step(&s2, "supplementary").base, Some(dec("1360")));
}

#[test]
fn a_claim_id_is_never_paid_twice_and_rejected_claims_change_nothing() {
    let p = ningxia();
    let mut ledger = Ledger::new();
    let c1 = claim(
        r#""id":"C1","person_id":"P1","admitted_on":"2020-03-01","hospital_level":"county","total_cost":"100""#,
    );
    ledger.settle(&p, &c1, false).unwrap();
    let snapshot = ledger.clone();
    let again = ledger.settle(&p, &c1, false).unwrap_err();
    assert_eq!(again.code, ErrorCode::DuplicateClaimId);
    assert_eq!(again.record_id.as_deref(), Some("C1"));
    assert_eq!(ledger, snapshot);
    // Before 2014-01-01 no parameter is in force: refused, and its id does
    // not count, so the corrected claim can be resubmitted.
    let early = claim(
        r#""id":"C2","person_id":"P1","admitted_on":"2013-12-31","hospital_level":"county","total_cost":"100""#,
    );
    let e = ledger.settle(&p, &early, false).unwrap_err();
    assert_eq!(e.code, ErrorCode::ParameterNotInForce);
    assert!(e.message.contains("basic.deductible"), "{}", e.message);
    assert_eq!(ledger, snapshot);
    let fixed = claim(
        r#""id":"C2","person_id":"P1","admitted_on":"2014-01-01","hospital_level":"county","total_cost":"100""#,
    );
    ledger.settle(&p, &fixed, false).unwrap();
    assert_eq!(ledger.claims_settled(), 2);
}

#[test]
fn the_ledger_file_is_stable_json() {
    let p = ningxia();
    let mut ledger = Ledger::new();
    for (id, person) in [("C2", "P2"), ("C1", "P1")] {
        let c = claim(&format!(
            r#""id":"{id}","person_id":"{person}","admitted_on":"2020-03-01","hospital_level":"county","total_cost":"100""#
        ));
        ledger.settle(&p, &c, false).unwrap();
    }
    let json = serde_json::to_string(&ledger).unwrap();
    assert!(json.starts_with(r#"{"format":"fupin-ledger/1","claim_ids":["C1","C2"],"person_years":[{"person_id":"P1","year":2020,"sums":{"registered_poor":true"#), "{json}");
    let back: Ledger = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ledger);
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    assert!(serde_json::from_str::<Ledger>(&json.replace("fupin-ledger/1", "x")).is_err());
    assert!(serde_json::from_str::<Ledger>(&json.replace(r#""C2""#, r#""C1""#)).is_err());
}

// ── Properties ──────────────────────────────────────────────────────────────

fn arb_money(max_fen: u64) -> impl Strategy<Value = u64> {
    prop_oneof![0u64..=10_000, 0u64..=max_fen, Just(0)]
}

prop_compose! {
    fn arb_claim()(
        person in 0u8..3,
        year in 2015i32..=2021,
        day in 0u32..365,
        level in prop::sample::select(vec!["township", "county", "city", "provincial", "out_of_region"]),
        e in prop_oneof![3 => arb_money(50_000_000), 1 => 0u64..=500_000_000],
        extra in arb_money(5_000_000),
        poor in prop::bool::weighted(0.8),
        eligible in prop::bool::weighted(0.8),
        major in any::<bool>(),
    ) -> (u8, String) {
        let date = chrono::NaiveDate::from_yo_opt(year, day + 1).unwrap();
        let total = (e + extra).max(1);
        let fen = |v: u64| format!("{}.{:02}", v / 100, v % 100);
        (person, format!(
            r#""person_id":"P{person}","admitted_on":"{date}","hospital_level":"{level}","total_cost":"{}","in_policy_cost":"{}","registered_poor":{poor},"backstop_eligible":{eligible},"major_illness":{major}"#,
            fen(total), fen(e)
        ))
    }
}

fn arb_claims() -> impl Strategy<Value = Vec<fupin_core::Claim>> {
    prop::collection::vec(arb_claim(), 1..40).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (_, body))| claim(&format!(r#""id":"C{i}",{body}"#)))
            .collect()
    })
}

fn arb_policy() -> impl Strategy<Value = Policy> {
    prop_oneof![
        Just(Policy::builtin("ningxia-2020").unwrap()),
        Just(Policy::builtin("national-2020").unwrap())
    ]
}

fn lines(policy: &Policy, ledger: &mut Ledger, claims: &[fupin_core::Claim]) -> Vec<String> {
    claims
        .iter()
        .map(|c| match ledger.settle(policy, c, false) {
            Ok(s) => serde_json::to_string(&s).unwrap(),
            Err(e) => format!("error {} {}", e.code, e.message),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_invariant_of_domain_md_5_holds(policy in arb_policy(), claims in arb_claims()) {
        let mut ledger = Ledger::new();
        // Per person-year: (backstop claims, E, self-pay in policy, last cap),
        // assistance paid.
        let mut backstop: BTreeMap<(String, i32), (u64, Decimal, Decimal)> = BTreeMap::new();
        let mut assistance: BTreeMap<(String, i32), Decimal> = BTreeMap::new();
        for c in &claims {
            let s = ledger.settle(&policy, c, true).unwrap();
            // Components ≥ 0 and add up exactly to T.
            let mut sum = s.self_pay.as_decimal();
            prop_assert!(!s.self_pay.is_negative());
            for m in s.payments() {
                prop_assert!(!m.is_negative());
                sum += m.as_decimal();
            }
            prop_assert_eq!(sum, c.total_cost.as_decimal());
            // Every layer pays at most what the previous layers left.
            for t in s.trace.as_ref().unwrap() {
                prop_assert!(t.paid <= t.available, "{} paid above available", t.rule);
            }
            // With the built-in policies the backstop's due never exceeds
            // this claim's own remainder: the clamp never binds.
            let b = step(&s, "backstop");
            prop_assert!(b.due <= b.available, "backstop due {} > remainder {}", b.due, b.available);
            let key = (c.person_id.clone(), s.year);
            if b.applies {
                let in_policy_self_pay = b.available - b.paid;
                let entry = backstop.entry(key.clone()).or_insert((0, Decimal::ZERO, Decimal::ZERO));
                entry.0 += 1;
                entry.1 += in_policy_self_pay;
                entry.2 = b.cap.unwrap();
                // Year-to-date in-policy self-pay ≤ cap + 0.005 × n.
                let slack = dec("0.005") * Decimal::from(entry.0);
                prop_assert!(entry.1 <= entry.2 + slack, "self-pay {} > cap {} + {}", entry.1, entry.2, slack);
            }
            let a = step(&s, "assistance");
            let paid = assistance.entry(key).or_insert(Decimal::ZERO);
            *paid += s.medical_assistance.as_decimal();
            if a.applies {
                prop_assert!(*paid <= a.cap.unwrap(), "assistance {} above ceiling", paid);
            }
        }
    }

    #[test]
    fn splitting_claims_by_person_or_by_year_gives_identical_lines(
        policy in arb_policy(), claims in arb_claims()
    ) {
        let all = lines(&policy, &mut Ledger::new(), &claims);
        for by_person in [true, false] {
            let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, c) in claims.iter().enumerate() {
                let key = if by_person { c.person_id.clone() } else { c.year().to_string() };
                groups.entry(key).or_default().push(i);
            }
            let mut split = vec![String::new(); claims.len()];
            for idx in groups.values() {
                let part: Vec<_> = idx.iter().map(|&i| claims[i].clone()).collect();
                for (&i, line) in idx.iter().zip(lines(&policy, &mut Ledger::new(), &part)) {
                    split[i] = line;
                }
            }
            prop_assert_eq!(&split, &all);
        }
    }

    #[test]
    fn a_ledger_saved_and_resumed_continues_identically(
        policy in arb_policy(), claims in arb_claims(), cut in 0usize..40
    ) {
        let cut = cut.min(claims.len());
        let all = lines(&policy, &mut Ledger::new(), &claims);
        let mut first = Ledger::new();
        let mut got = lines(&policy, &mut first, &claims[..cut]);
        let json = serde_json::to_string(&first).unwrap();
        let mut resumed: Ledger = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&resumed, &first);
        prop_assert_eq!(serde_json::to_string(&resumed).unwrap(), json);
        got.extend(lines(&policy, &mut resumed, &claims[cut..]));
        prop_assert_eq!(got, all);
    }

    #[test]
    fn a_rejected_claim_changes_no_ledger(
        policy in arb_policy(), claims in arb_claims(), pick in any::<prop::sample::Index>()
    ) {
        let mut ledger = Ledger::new();
        lines(&policy, &mut ledger, &claims);
        let snapshot = ledger.clone();
        let dup = pick.get(&claims);
        let e = ledger.settle(&policy, dup, false).unwrap_err();
        prop_assert_eq!(e.code, ErrorCode::DuplicateClaimId);
        prop_assert_eq!(ledger, snapshot);
    }
}
