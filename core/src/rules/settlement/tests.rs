//! The chain against an independent reference: the formulas of domain.md
//! §5 written again on big-integer rationals, straight from the spec (no
//! code shared with the chain but the parsed parameters). Every payment,
//! self-pay and year-to-date sum the ledger gives must be the reference's,
//! on arbitrary claim sequences, amounts up to 10¹³ yuan, the built-in
//! policies and policies with odd rates, fine decimals and mid-year
//! changes; where an exact value leaves the chain's range the claim fails
//! with `out_of_range` and changes no ledger.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use num_bigint::{BigInt, BigUint, Sign};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::{LayerStep, Ledger, PersonYear, Settlement};
use crate::enums::HospitalLevel;
use crate::error::ErrorCode;
use crate::money::Money;
use crate::parse_claim;
use crate::policy::{CapMode, ClaimParams, Policy};
use crate::record::Claim;

// ── Exact rationals ────────────────────────────────────────────────────────

/// `n / d` with `d > 0`, in lowest terms.
#[derive(Clone, Debug)]
struct Q {
    n: BigInt,
    d: BigInt,
}

fn gcd(a: &BigInt, b: &BigInt) -> BigInt {
    let (mut a, mut b) = (a.magnitude().clone(), b.magnitude().clone());
    while b != BigUint::ZERO {
        let r = &a % &b;
        a = b;
        b = r;
    }
    BigInt::from(a)
}

impl Q {
    fn new(n: BigInt, d: BigInt) -> Q {
        let g = gcd(&n, &d);
        if g == BigInt::ZERO {
            return Q {
                n: BigInt::ZERO,
                d: BigInt::from(1),
            };
        }
        Q {
            n: n / &g,
            d: d / g,
        }
    }
    fn zero() -> Q {
        Q::int(0)
    }
    fn int(i: i64) -> Q {
        Q::new(BigInt::from(i), BigInt::from(1))
    }
    fn dec(x: Decimal) -> Q {
        Q::new(BigInt::from(x.mantissa()), BigInt::from(10).pow(x.scale()))
    }
    fn fen(f: &BigInt) -> Q {
        Q::new(f.clone(), BigInt::from(100))
    }
    fn money(m: Money) -> Q {
        Q::dec(m.as_decimal())
    }
    fn add(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.d + &o.n * &self.d, &self.d * &o.d)
    }
    fn sub(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.d - &o.n * &self.d, &self.d * &o.d)
    }
    fn mul(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.n, &self.d * &o.d)
    }
    fn cmp(&self, o: &Q) -> Ordering {
        (&self.n * &o.d).cmp(&(&o.n * &self.d))
    }
    fn min(self, o: Q) -> Q {
        if self.cmp(&o) == Ordering::Greater {
            o
        } else {
            self
        }
    }
    fn max(self, o: Q) -> Q {
        if self.cmp(&o) == Ordering::Less {
            o
        } else {
            self
        }
    }
    fn pos(self) -> Q {
        self.max(Q::zero())
    }
    /// Rounded to the fen, half away from zero: a number of fen.
    fn round_fen(&self) -> BigInt {
        let num = self.n.magnitude() * 100u32;
        let den = self.d.magnitude();
        let mag = BigInt::from((num * 2u32 + den) / (den * 2u32));
        if self.n.sign() == Sign::Minus {
            -mag
        } else {
            mag
        }
    }
    /// How many digits writing the value exactly as a decimal takes
    /// (integer digits and decimals; every value here is a decimal): an
    /// `i128` mantissa holds any 38.
    fn digits(&self) -> usize {
        let ten = BigUint::from(10u32);
        let (mut decimals, mut p) = (0usize, BigUint::from(1u32));
        while &p % self.d.magnitude() != BigUint::ZERO && decimals < 400 {
            p *= &ten;
            decimals += 1;
        }
        let scaled = self.n.magnitude() * p / self.d.magnitude();
        scaled.to_string().len().max(decimals)
    }
}

// ── The reference chain ────────────────────────────────────────────────────

/// A person-year's year-to-date sums, in fen.
#[derive(Clone, Debug, Default)]
struct Year {
    p: bool,
    m: bool,
    claims: u64,
    backstop_claims: u64,
    /// paid1 … paid5.
    paid: [BigInt; 5],
    critical_base: BigInt,
    supplementary_base: BigInt,
    backstop_in_policy: BigInt,
    backstop_remainder: BigInt,
    /// The backstop's cap on the last claim it applied to, and the largest
    /// so far (claims of a year come in any order of their dates, so a
    /// later claim may have a smaller cap: a mid-year change).
    backstop_cap: Option<Q>,
    largest_backstop_cap: Option<Q>,
}

/// The reference's result for one claim: the five payments and self-pay
/// in fen, and the widest exact value it went through (in digits).
struct Expected {
    fen: [BigInt; 6],
    widest: usize,
}

/// Domain.md §5 on rationals, for one claim on `y` (updated).
fn by_the_spec(q: &ClaimParams, c: &Claim, y: &mut Year) -> Expected {
    let mut widest = 0usize;
    let mut seen = |x: &Q| widest = widest.max(x.digits());
    let (p, m) = (y.p, y.m);
    let e = Q::money(c.in_policy_cost);
    let t = Q::money(c.total_cost);
    let one = Q::int(1);
    let dq = |x: Decimal| Q::dec(x);
    let mut left = e.clone();
    let mut pays: Vec<BigInt> = Vec::new();
    // Each layer pays its due, never more than what is left of E.
    let mut pay = |due: BigInt, left: &mut Q, y: &mut Year, layer: usize| {
        let paid = Q::fen(&due).min(left.clone());
        let fen = paid.round_fen();
        *left = left.sub(&paid);
        y.paid[layer] += &fen;
        pays.push(fen);
    };

    // 1. Basic.
    let level = c.hospital_level;
    let mut d = dq(q.basic_deductible.value.get(level).unwrap());
    let mut r = dq(q.basic_rate.value.get(level).unwrap());
    if p {
        d = d.mul(&dq(q.basic_poor_deductible_factor.value));
        r = r.add(&dq(q.basic_poor_rate_uplift.value));
    }
    let r = r.min(one.clone());
    let x = e.sub(&d).pos().mul(&r);
    seen(&d);
    seen(&x);
    let room = dq(q.basic_annual_cap.value).sub(&Q::fen(&y.paid[0])).pos();
    pay(x.min(room).round_fen(), &mut left, y, 0);

    // 2. Critical, on B_ytd = Σ (E − pay1).
    y.critical_base += left.round_fen();
    let mut big_d = dq(q.critical_deductible.value);
    let uplift = if p {
        big_d = big_d.mul(&dq(q.critical_poor_deductible_factor.value));
        dq(q.critical_poor_rate_uplift.value)
    } else {
        Q::zero()
    };
    seen(&big_d);
    let over = Q::fen(&y.critical_base).sub(&big_d).pos();
    seen(&over);
    let brackets = &q.critical_brackets.value;
    let mut f = Q::zero();
    for (i, b) in brackets.iter().enumerate() {
        let lo = dq(b.from);
        let inside = match brackets.get(i + 1) {
            Some(next) => over.clone().min(dq(next.from)),
            None => over.clone(),
        }
        .sub(&lo)
        .pos();
        let rate = dq(b.rate).add(&uplift).min(one.clone());
        let part = inside.mul(&rate);
        seen(&part);
        f = f.add(&part);
    }
    let x2 = if p {
        f
    } else {
        f.min(dq(q.critical_annual_cap.value))
    };
    let due2 = (x2.round_fen() - &y.paid[1]).max(BigInt::ZERO);
    pay(due2, &mut left, y, 1);

    // 3. Supplementary, when p and its rate is above 0.
    let rate3 = dq(q.supplementary_rate.value);
    if p && rate3.cmp(&Q::zero()) == Ordering::Greater {
        y.supplementary_base += left.round_fen();
        let x3 = Q::fen(&y.supplementary_base)
            .sub(&dq(q.supplementary_deductible.value))
            .pos()
            .mul(&rate3);
        seen(&x3);
        let x3 = x3.min(dq(q.supplementary_annual_cap.value));
        let due3 = (x3.round_fen() - &y.paid[2]).max(BigInt::ZERO);
        pay(due3, &mut left, y, 2);
    } else {
        pay(BigInt::ZERO, &mut left, y, 2);
    }

    // 4. Assistance, when p.
    if p {
        let mut rate = dq(q.assistance_rate.value);
        let ceiling = if m {
            rate = rate.add(&dq(q.assistance_major_illness_uplift.value));
            dq(q.assistance_major_illness_annual_ceiling.value)
        } else {
            dq(q.assistance_annual_ceiling.value)
        };
        let x4 = left.mul(&rate.min(one.clone()));
        seen(&x4);
        let room = ceiling.sub(&Q::fen(&y.paid[3])).pos();
        pay(x4.min(room).round_fen(), &mut left, y, 3);
    } else {
        pay(BigInt::ZERO, &mut left, y, 3);
    }

    // 5. Backstop.
    if q.backstop_enabled.value && p && c.backstop_eligible && level != HospitalLevel::OutOfRegion {
        y.backstop_claims += 1;
        y.backstop_in_policy += e.round_fen();
        y.backstop_remainder += left.round_fen();
        let by_ratio = dq(q.backstop_self_pay_ratio.value).mul(&Q::fen(&y.backstop_in_policy));
        seen(&by_ratio);
        let annual = dq(q.backstop_annual_self_pay_cap.value);
        let cap = match q.backstop_cap_mode.value {
            CapMode::Min => by_ratio.min(annual),
            CapMode::Max => by_ratio.max(annual),
        };
        y.largest_backstop_cap = Some(match y.largest_backstop_cap.take() {
            Some(c) => c.max(cap.clone()),
            None => cap.clone(),
        });
        y.backstop_cap = Some(cap.clone());
        let excess = Q::fen(&y.backstop_remainder).sub(&cap);
        seen(&excess);
        let due5 = (excess.round_fen() - &y.paid[4]).max(BigInt::ZERO);
        pay(due5, &mut left, y, 4);
    } else {
        pay(BigInt::ZERO, &mut left, y, 4);
    }
    y.claims += 1;

    // 6. Self-pay: the residual.
    let paid: BigInt = pays.iter().sum();
    let self_pay = t.round_fen() - paid;
    let mut fen: Vec<BigInt> = pays;
    fen.push(self_pay);
    Expected {
        fen: fen.try_into().unwrap(),
        widest,
    }
}

/// The reference ledger: claim ids settled and person-years.
#[derive(Default, Clone)]
struct Reference {
    ids: HashSet<String>,
    years: HashMap<(String, i32), Year>,
}

fn fen_of(m: Money) -> BigInt {
    BigInt::from(m.fen().unwrap())
}

/// A decimal that is a whole number of fen, in fen.
fn fen_dec(d: Decimal) -> BigInt {
    let f = Q::dec(d).mul(&Q::int(100));
    assert_eq!(f.d, BigInt::from(1), "{d} is not whole fen");
    f.n
}

/// The ledger's person-year against the reference's.
fn same_year(got: &PersonYear, want: &Year) -> bool {
    got.registered_poor == want.p
        && got.major_illness == want.m
        && got.claims == want.claims
        && got.backstop_claims == want.backstop_claims
        && fen_dec(got.basic_paid) == want.paid[0]
        && fen_dec(got.critical_paid) == want.paid[1]
        && fen_dec(got.supplementary_paid) == want.paid[2]
        && fen_dec(got.assistance_paid) == want.paid[3]
        && fen_dec(got.backstop_paid) == want.paid[4]
        && fen_dec(got.critical_base) == want.critical_base
        && fen_dec(got.supplementary_base) == want.supplementary_base
        && fen_dec(got.backstop_in_policy) == want.backstop_in_policy
        && fen_dec(got.backstop_remainder) == want.backstop_remainder
}

fn components(s: &Settlement) -> [BigInt; 6] {
    let [a, b, c, d, e] = s.payments().map(fen_of);
    [a, b, c, d, e, fen_of(s.self_pay)]
}

/// How a claim settled against the reference.
#[derive(Debug, PartialEq)]
enum Checked {
    /// Settled with the reference's numbers.
    Same,
    /// Refused as `out_of_range`; the reference went through a value of
    /// this many digits.
    OutOfRange(usize),
}

/// Settles `claim` on `ledger` and on the reference, and compares: the
/// same six components and person-year sums, the same duplicate refusals;
/// an `out_of_range` refusal changes no ledger. The invariants of §5 hold
/// on every settlement.
fn check(
    policy: &Policy,
    ledger: &mut Ledger,
    reference: &mut Reference,
    claim: &Claim,
    explain: bool,
) -> Result<Checked, TestCaseError> {
    let snapshot = ledger.clone();
    let got = ledger.settle(policy, claim, explain);
    if reference.ids.contains(&claim.id) {
        let e = got.unwrap_err();
        prop_assert_eq!(e.code, ErrorCode::DuplicateClaimId);
        prop_assert_eq!(&*ledger, &snapshot);
        return Ok(Checked::Same);
    }
    let params = policy.claim_params(claim.admitted_on).unwrap();
    let key = (claim.person_id.clone(), claim.admitted_on.year());
    let mut year = reference.years.get(&key).cloned().unwrap_or_else(|| Year {
        p: claim.registered_poor,
        m: claim.major_illness,
        ..Year::default()
    });
    let want = by_the_spec(&params, claim, &mut year);
    let s = match got {
        Ok(s) => s,
        Err(e) if e.code == ErrorCode::OutOfRange => {
            // Refused: nothing changes, here or in the reference.
            prop_assert_eq!(&*ledger, &snapshot);
            return Ok(Checked::OutOfRange(want.widest));
        }
        Err(e) => return Err(TestCaseError::fail(format!("{}: {}", e.code, e.message))),
    };
    prop_assert_eq!(components(&s), want.fen.clone(), "claim {}", claim.id);
    // Components ≥ 0 and add up exactly to T.
    prop_assert!(want.fen.iter().all(|f| f.sign() != Sign::Minus));
    let total: BigInt = want.fen.iter().sum();
    prop_assert_eq!(total, fen_of(claim.total_cost));
    reference.ids.insert(claim.id.clone());
    reference.years.insert(key.clone(), year.clone());
    let py = ledger.person_year(&key.0, key.1).unwrap();
    prop_assert!(same_year(&py, &year), "{:?} vs {:?}", py, year);
    // The year's in-policy remainder after the backstop is within the
    // largest of its caps so far, up to the rounding of the year's target
    // (half a fen).
    if let Some(cap) = &year.largest_backstop_cap {
        let left = Q::fen(&(year.backstop_remainder.clone() - &year.paid[4]));
        let slack = Q::new(BigInt::from(1), BigInt::from(200));
        prop_assert!(
            left.cmp(&cap.add(&slack)) != Ordering::Greater,
            "backstop cap"
        );
    }
    if explain {
        explained(&s, &params, &year)?;
    }
    Ok(Checked::Same)
}

/// The trace agrees with the settlement and the reference: each step pays
/// the component, at most what was left, and ends at the year's sum; the
/// assistance ceiling and the backstop's cap hold.
fn explained(s: &Settlement, q: &ClaimParams, year: &Year) -> Result<(), TestCaseError> {
    let steps: &[LayerStep] = s.trace.as_deref().unwrap();
    prop_assert_eq!(steps.len(), 5);
    for (i, (step, paid)) in steps.iter().zip(s.payments()).enumerate() {
        prop_assert_eq!(step.paid, paid.as_decimal());
        prop_assert!(step.paid <= step.available && step.paid >= Decimal::ZERO);
        prop_assert_eq!(fen_dec(step.ytd_after), year.paid[i].clone());
        prop_assert_eq!(step.ytd_after - step.ytd_before, step.paid);
    }
    let assistance = &steps[3];
    if assistance.applies {
        prop_assert!(assistance.ytd_after <= assistance.cap.unwrap());
    }
    let backstop = &steps[4];
    if backstop.applies {
        let cap = Q::dec(backstop.cap.unwrap());
        prop_assert_eq!(
            cap.cmp(year.backstop_cap.as_ref().unwrap()),
            Ordering::Equal
        );
        prop_assert_eq!(
            Q::dec(backstop.rate.unwrap()).cmp(&Q::dec(q.backstop_self_pay_ratio.value)),
            Ordering::Equal
        );
    }
    Ok(())
}

// ── Policies and claims ────────────────────────────────────────────────────

/// `ningxia-2020` with four-decimal rates and caps in fen, the
/// supplementary programme from 2016-04-25 and the backstop's cap mode
/// switching mid-2019.
const ODD: &str = r#"
name = "odd-rates"
extends = "ningxia-2020"

[parameters."basic.deductible"]
source = "test"
values = { "2014-01-01" = { township = "123.45", county = "456.78", city = "999.99", provincial = "1000.01", out_of_region = "1500.5" } }

[parameters."basic.rate"]
source = "test"
values = { "2014-01-01" = { township = "0.8333", county = "0.6667", city = "0.5555", provincial = "0.6001", out_of_region = "0.4999" } }

[parameters."basic.poor_deductible_factor"]
source = "test"
values = { "2014-01-01" = "0.3333" }

[parameters."basic.poor_rate_uplift"]
source = "test"
values = { "2014-01-01" = "0.0333" }

[parameters."basic.annual_cap"]
source = "test"
values = { "2014-01-01" = "12345.67" }

[parameters."critical.deductible"]
source = "test"
values = { "2014-01-01" = "6400.01" }

[parameters."critical.poor_deductible_factor"]
source = "test"
values = { "2014-01-01" = "0.6667" }

[parameters."critical.poor_rate_uplift"]
source = "test"
values = { "2014-01-01" = "0.0333" }

[parameters."critical.brackets"]
source = "test"
values = { "2014-01-01" = [{ from = "0", rate = "0.6667" }, { from = "1234.56", rate = "0.7777" }, { from = "98765.43", rate = "0.9999" }] }

[parameters."critical.annual_cap"]
source = "test"
values = { "2014-01-01" = "54321.09" }

[parameters."supplementary.deductible"]
source = "test"
values = { "2014-01-01" = "2999.99" }

[parameters."supplementary.rate"]
source = "test"
values = { "2014-01-01" = "0", "2016-04-25" = "0.6667" }

[parameters."supplementary.annual_cap"]
source = "test"
values = { "2014-01-01" = "12345.67" }

[parameters."assistance.rate"]
source = "test"
values = { "2014-01-01" = "0.7001" }

[parameters."assistance.major_illness_uplift"]
source = "test"
values = { "2014-01-01" = "0.1111" }

[parameters."assistance.annual_ceiling"]
source = "test"
values = { "2014-01-01" = "12345.67" }

[parameters."assistance.major_illness_annual_ceiling"]
source = "test"
values = { "2014-01-01" = "23456.78" }

[parameters."backstop.self_pay_ratio"]
source = "test"
values = { "2014-01-01" = "0.0999" }

[parameters."backstop.annual_self_pay_cap"]
source = "test"
values = { "2014-01-01" = "4999.99" }

[parameters."backstop.cap_mode"]
source = "test"
values = { "2014-01-01" = "min", "2019-07-01" = "max" }
"#;

/// A backstop ratio of 7 decimals from 2019.
const FINE: &str = r#"
name = "fine-ratio"
extends = "ningxia-2020"

[parameters."backstop.self_pay_ratio"]
source = "test"
values = { "2014-01-01" = "0.10", "2019-01-01" = "0.1234567" }
"#;

/// Nine-decimal rates, factors and uplifts (rates above 1 once uplifted),
/// amounts with three decimals, the backstop's ratio changing mid-2018.
const PRECISE: &str = r#"
name = "precise"
extends = "ningxia-2020"

[parameters."basic.deductible"]
source = "test"
values = { "2014-01-01" = { township = "100.001", county = "456.789", city = "999.999", provincial = "1000.005", out_of_region = "1500.125" } }

[parameters."basic.rate"]
source = "test"
values = { "2014-01-01" = { township = "0.987654321", county = "0.666666667", city = "0.555555555", provincial = "0.600000001", out_of_region = "0.499999999" } }

[parameters."basic.poor_deductible_factor"]
source = "test"
values = { "2014-01-01" = "0.333333333" }

[parameters."basic.poor_rate_uplift"]
source = "test"
values = { "2014-01-01" = "0.033333333" }

[parameters."critical.deductible"]
source = "test"
values = { "2014-01-01" = "6400.015" }

[parameters."critical.poor_deductible_factor"]
source = "test"
values = { "2014-01-01" = "0.666666667" }

[parameters."critical.poor_rate_uplift"]
source = "test"
values = { "2014-01-01" = "0.233333333" }

[parameters."critical.brackets"]
source = "test"
values = { "2014-01-01" = [{ from = "0", rate = "0.666666667" }, { from = "1234.565", rate = "0.777777777" }, { from = "98765.435", rate = "0.999999999" }] }

[parameters."supplementary.rate"]
source = "test"
values = { "2014-01-01" = "0.123456789" }

[parameters."assistance.rate"]
source = "test"
values = { "2014-01-01" = "0.700000001" }

[parameters."assistance.major_illness_uplift"]
source = "test"
values = { "2014-01-01" = "0.333333333" }

[parameters."backstop.self_pay_ratio"]
source = "test"
values = { "2014-01-01" = "0.099999999", "2018-07-01" = "0.123456789" }

[parameters."backstop.annual_self_pay_cap"]
source = "test"
values = { "2014-01-01" = "4999.995" }
"#;

/// 28-decimal parameters: products of them, and of them with large
/// amounts, leave an `i128` mantissa.
const ABSURD: &str = r#"
name = "absurd"
extends = "ningxia-2020"

[parameters."basic.poor_deductible_factor"]
source = "test"
values = { "2014-01-01" = "0.1234567890123456789012345678" }

[parameters."basic.poor_rate_uplift"]
source = "test"
values = { "2014-01-01" = "0.0000000000000000000000000001" }

[parameters."critical.poor_rate_uplift"]
source = "test"
values = { "2014-01-01" = "0.0123456789012345678901234567" }

[parameters."assistance.rate"]
source = "test"
values = { "2014-01-01" = "0.7000000000000000000000000001" }

[parameters."backstop.self_pay_ratio"]
source = "test"
values = { "2014-01-01" = "0.1000000000000000000000000001" }
"#;

fn policies() -> Vec<Policy> {
    vec![
        Policy::builtin("ningxia-2020").unwrap(),
        Policy::builtin("national-2020").unwrap(),
        Policy::from_toml_str(ODD, "odd.toml").unwrap(),
        Policy::from_toml_str(FINE, "fine.toml").unwrap(),
        Policy::from_toml_str(PRECISE, "precise.toml").unwrap(),
    ]
}

/// Amounts in fen: small, ordinary, and up to 10¹³ − 0.01 yuan.
fn arb_fen() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..=10_000,
        0u64..=50_000_000,
        0u64..=999_999_999_999_999,
        999_999_999_000_000u64..=999_999_999_999_999,
        Just(0),
    ]
}

prop_compose! {
    fn arb_claim_body()(
        person in 0u8..3,
        year in 2015i32..=2021,
        day in 0u32..365,
        level in prop::sample::select(vec!["township", "county", "city", "provincial", "out_of_region"]),
        e in arb_fen(),
        extra in arb_fen(),
        poor in prop::bool::weighted(0.8),
        eligible in prop::bool::weighted(0.8),
        major in any::<bool>(),
        repeat in prop::bool::weighted(0.05),
        explain in prop::bool::weighted(0.3),
    ) -> (bool, bool, String) {
        let date = NaiveDate::from_yo_opt(year, day + 1).unwrap();
        let total = e.saturating_add(extra).clamp(1, 999_999_999_999_999);
        let e = e.min(total);
        let fen = |v: u64| format!("{}.{:02}", v / 100, v % 100);
        (repeat, explain, format!(
            r#""person_id":"P{person}","admitted_on":"{date}","hospital_level":"{level}","total_cost":"{}","in_policy_cost":"{}","registered_poor":{poor},"backstop_eligible":{eligible},"major_illness":{major}"#,
            fen(total), fen(e)
        ))
    }
}

/// Claims with ids `C0`, `C1` …, a few of them repeating an earlier id,
/// each with whether to explain it.
fn arb_claims() -> impl Strategy<Value = Vec<(Claim, bool)>> {
    prop::collection::vec(arb_claim_body(), 1..60).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (repeat, explain, body))| {
                let id = if repeat { i / 2 } else { i };
                let claim = parse_claim(format!(r#"{{"id":"C{id}",{body}}}"#).as_bytes()).unwrap();
                (claim, explain)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    /// Every claim settles with the reference's numbers (none of these
    /// policies and amounts leaves the exact range), explained or not.
    #[test]
    fn the_chain_gives_the_exact_references_numbers(
        policy in prop::sample::select(policies()), claims in arb_claims()
    ) {
        let (mut ledger, mut reference) = (Ledger::new(), Reference::default());
        for (c, explain) in &claims {
            let checked = check(&policy, &mut ledger, &mut reference, c, *explain)?;
            prop_assert_eq!(checked, Checked::Same, "claim {}", c.id);
        }
    }

    /// 28-decimal parameters: each claim either settles with the
    /// reference's numbers or is refused as `out_of_range` (changing
    /// nothing), and only where the exact values it needs are wider than
    /// 38 digits.
    #[test]
    fn absurd_precision_is_exact_or_out_of_range(claims in arb_claims()) {
        let policy = Policy::from_toml_str(ABSURD, "absurd.toml").unwrap();
        let (mut ledger, mut reference) = (Ledger::new(), Reference::default());
        for (c, explain) in &claims {
            let widest = match check(&policy, &mut ledger, &mut reference, c, *explain)? {
                Checked::Same => continue,
                // A trace amount no `Decimal` holds refuses the explained
                // claim; without the trace its numbers are exact or it is
                // refused too.
                Checked::OutOfRange(_) if *explain => {
                    match check(&policy, &mut ledger, &mut reference, c, false)? {
                        Checked::Same => continue,
                        Checked::OutOfRange(widest) => widest,
                    }
                }
                Checked::OutOfRange(widest) => widest,
            };
            prop_assert!(widest > 38, "claim {} refused at {} digits", c.id, widest);
        }
    }
}

fn huge(i: usize) -> Claim {
    parse_claim(
        format!(
            r#"{{"id":"C{i}","person_id":"P","admitted_on":"2020-03-01","hospital_level":"city","total_cost":"9999999999999.99","in_policy_cost":"9999999999999.98","major_illness":true}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

/// A hundred stays of 10¹³ − 0.01 yuan in one person-year (sums of 10¹⁵
/// yuan, past the old integer path's range): every one settles with the
/// reference's numbers, explained or not.
#[test]
fn sums_beyond_the_old_integer_range_settle_exactly() {
    for policy in policies() {
        let (mut ledger, mut reference) = (Ledger::new(), Reference::default());
        for i in 0..100 {
            let checked = check(&policy, &mut ledger, &mut reference, &huge(i), i % 7 == 0);
            assert_eq!(
                checked.unwrap(),
                Checked::Same,
                "{} claim {i}",
                policy.name()
            );
        }
    }
}

/// A person-year whose sums reach `i64::MAX` fen (read from a ledger
/// file): the next claim would pass it and is refused as `out_of_range`,
/// changing nothing; a file with a sum past it is refused on reading.
#[test]
fn a_sum_past_the_ledgers_range_is_out_of_range() {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let file = |base: &str| {
        format!(
            r#"{{"format":"fupin-ledger/1","claim_ids":["C0"],"person_years":[{{"person_id":"P","year":2020,"sums":{{"registered_poor":true,"major_illness":true,"claims":1,"basic_paid":"0.00","critical_base":"{base}","critical_paid":"0.00","supplementary_base":"0.00","supplementary_paid":"0.00","assistance_paid":"0.00","backstop_claims":0,"backstop_in_policy":"0.00","backstop_remainder":"0.00","backstop_paid":"0.00"}}}}]}}"#
        )
    };
    let mut ledger: Ledger = serde_json::from_str(&file("92233720368547758.07")).unwrap();
    let snapshot = ledger.clone();
    let e = ledger.settle(&policy, &huge(1), false).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutOfRange);
    assert_eq!(e.message, "arithmetic overflow in critical base");
    assert_eq!(e.record_id.as_deref(), Some("C1"));
    assert_eq!(ledger, snapshot);
    // Another year of the same person is a fresh person-year.
    let mut other = huge(2);
    other.admitted_on = NaiveDate::from_ymd_opt(2019, 3, 1).unwrap();
    assert!(ledger.settle(&policy, &other, true).is_ok());
    assert!(serde_json::from_str::<Ledger>(&file("92233720368547758.08")).is_err());
}

/// The reference itself on the worked example of domain.md §5
/// (ningxia-2020, poor, county hospital, T 30 000, E 27 000): basic
/// 21 400.00, critical 1 560.00, supplementary 832.00, assistance
/// 2 245.60, backstop 0.00, self-pay 3 962.40.
#[test]
fn the_reference_gives_the_worked_example() {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let c = parse_claim(br#"{"id":"C1","person_id":"P1","admitted_on":"2020-03-01","hospital_level":"county","total_cost":"30000","in_policy_cost":"27000"}"#).unwrap();
    let mut year = Year {
        p: true,
        ..Year::default()
    };
    let want = by_the_spec(&policy.claim_params(c.admitted_on).unwrap(), &c, &mut year);
    let fen = [2_140_000, 156_000, 83_200, 224_560, 0, 396_240].map(BigInt::from);
    assert_eq!(want.fen, fen);
    let (mut ledger, mut reference) = (Ledger::new(), Reference::default());
    assert_eq!(
        check(&policy, &mut ledger, &mut reference, &c, true).unwrap(),
        Checked::Same
    );
}

/// Under the 28-decimal policy a stay of a patient not registered poor
/// (ordinary parameters) settles with the reference's numbers, while a
/// registered poor patient's stay needs `(E − d) × r` with 56 decimals and
/// is refused as `out_of_range`, leaving the ledger as it was.
#[test]
fn absurd_precision_settles_what_fits_and_refuses_the_rest() {
    let policy = Policy::from_toml_str(ABSURD, "absurd.toml").unwrap();
    let claim = |id: &str, poor: bool| {
        parse_claim(format!(r#"{{"id":"{id}","person_id":"P{id}","admitted_on":"2020-03-01","hospital_level":"county","total_cost":"30000","in_policy_cost":"27000","registered_poor":{poor}}}"#).as_bytes()).unwrap()
    };
    let (mut ledger, mut reference) = (Ledger::new(), Reference::default());
    let ordinary = check(
        &policy,
        &mut ledger,
        &mut reference,
        &claim("C1", false),
        false,
    );
    assert_eq!(ordinary.unwrap(), Checked::Same);
    let poor = check(
        &policy,
        &mut ledger,
        &mut reference,
        &claim("C2", true),
        false,
    )
    .unwrap();
    assert!(matches!(poor, Checked::OutOfRange(w) if w > 38), "{poor:?}");
    let e = ledger
        .settle(&policy, &claim("C2", true), false)
        .unwrap_err();
    assert_eq!(e.message, "arithmetic overflow in basic amount");
    assert_eq!(ledger.claims_settled(), 1);
}
