//! The constants of the chain on one admission date, worked out once.
//!
//! [`Rates::new`] turns the [`ClaimParams`] in force on a date into the
//! exact numbers the five layers read: the uplifted rates
//! `min(1, rate + uplift)`, the reduced deductibles `deductible × factor`,
//! the critical brackets with and without the uplift. A [`ParamsCache`]
//! keeps them per date, so a claim only looks its date up.
//!
//! A constant whose exact value does not fit an [`Exact`] (parameters of
//! absurd precision) is kept as its [`ArithmeticError`]: only the claims
//! that read it fail, with `out_of_range`.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::ids::Fast;
use crate::enums::{HospitalLevel, WireEnum};
use crate::error::{ArithmeticError, PolicyError};
use crate::exact::Exact;
use crate::policy::{CapMode, ClaimParams, EnumTable, Policy, Resolved};

/// The parameters each layer reads, as its trace step lists them.
pub const LAYER_PARAMETERS: [(&str, &[&str]); 5] = [
    (
        "basic",
        &[
            "basic.deductible",
            "basic.rate",
            "basic.poor_deductible_factor",
            "basic.poor_rate_uplift",
            "basic.annual_cap",
        ],
    ),
    (
        "critical",
        &[
            "critical.deductible",
            "critical.poor_deductible_factor",
            "critical.poor_rate_uplift",
            "critical.brackets",
            "critical.annual_cap",
        ],
    ),
    (
        "supplementary",
        &[
            "supplementary.deductible",
            "supplementary.rate",
            "supplementary.annual_cap",
        ],
    ),
    (
        "assistance",
        &[
            "assistance.rate",
            "assistance.major_illness_uplift",
            "assistance.annual_ceiling",
            "assistance.major_illness_annual_ceiling",
        ],
    ),
    (
        "backstop",
        &[
            "backstop.enabled",
            "backstop.self_pay_ratio",
            "backstop.annual_self_pay_cap",
            "backstop.cap_mode",
        ],
    ),
];

/// A constant worked out from the parameters, or why it has no exact value.
pub(super) type Derived = Result<Exact, ArithmeticError>;

const LEVELS: usize = HospitalLevel::ALL.len();

/// The basic layer at one hospital level, for `p` or not.
#[derive(Debug, Clone)]
pub(super) struct Basic {
    /// `d = basic.deductible[L] × (p ? basic.poor_deductible_factor : 1)`.
    pub deductible: Derived,
    /// `r = min(1, basic.rate[L] + (p ? basic.poor_rate_uplift : 0))`.
    pub rate: Derived,
}

/// The critical-illness layer, for `p` or not.
#[derive(Debug, Clone)]
pub(super) struct Critical {
    /// `D = critical.deductible × (p ? critical.poor_deductible_factor : 1)`.
    pub deductible: Derived,
    /// The brackets, bounds above `D` in increasing order.
    pub brackets: Vec<Bracket>,
}

/// One critical-illness bracket.
#[derive(Debug, Clone)]
pub(super) struct Bracket {
    /// Its lower bound, above the deductible.
    pub from: Exact,
    /// `min(1, rateᵢ + (p ? critical.poor_rate_uplift : 0))`.
    pub rate: Derived,
}

/// The supplementary layer, while its rate is above 0.
#[derive(Debug, Clone)]
pub(super) struct Supplementary {
    pub deductible: Exact,
    pub rate: Exact,
    pub annual_cap: Exact,
}

/// Medical assistance, for `m` or not.
#[derive(Debug, Clone)]
pub(super) struct Assistance {
    /// `min(1, assistance.rate + (m ? assistance.major_illness_uplift : 0))`.
    pub rate: Derived,
    /// `m ? assistance.major_illness_annual_ceiling : assistance.annual_ceiling`.
    pub ceiling: Exact,
}

/// The government backstop, while it is enabled.
#[derive(Debug, Clone)]
pub(super) struct Backstop {
    pub self_pay_ratio: Exact,
    pub annual_self_pay_cap: Exact,
    pub cap_mode: CapMode,
}

/// Every constant of the chain on one admission date.
#[derive(Debug, Clone)]
pub(super) struct Rates {
    /// By hospital level, then by `p` (index 1 for a registered poor
    /// patient).
    basic: [[Basic; 2]; LEVELS],
    pub basic_annual_cap: Exact,
    /// By `p`.
    critical: [Critical; 2],
    /// `critical.annual_cap` (for a patient who is not registered poor).
    pub critical_annual_cap: Exact,
    /// `None` while `supplementary.rate` is 0.
    pub supplementary: Option<Supplementary>,
    /// By `m`.
    assistance: [Assistance; 2],
    /// `None` while `backstop.enabled` is false.
    pub backstop: Option<Backstop>,
}

/// `min(1, rate + uplift)`.
fn uplifted(rate: Decimal, uplift: Decimal, operation: &'static str) -> Derived {
    Ok(Exact::from_decimal(rate)
        .add(Exact::from_decimal(uplift), operation)?
        .min(Exact::ONE))
}

/// An amount, with at least two decimals (the same value): the chain
/// adds, subtracts and compares it with whole fen, and operands of the
/// same scale need no alignment.
fn amount(x: Exact) -> Exact {
    Exact::ZERO.add(x, "amount").unwrap_or(x)
}

/// `cap` with the decimals of an amount (two decimals) times `rate`: the
/// same value, written as the product the chain compares it with is (the
/// backstop's `self_pay_ratio × E_ytd`), so that comparing them needs no
/// alignment on every claim.
fn like_product(cap: Exact, rate: Exact) -> Exact {
    let one = rate.to_decimal("rate").ok().map(|r| {
        let mut one = Decimal::ONE;
        one.rescale(r.scale());
        Exact::from_decimal(one)
    });
    one.and_then(|one| cap.mul(one, "cap").ok()).unwrap_or(cap)
}

/// `amount × factor`.
fn reduced(amount_: Decimal, factor: Decimal, operation: &'static str) -> Derived {
    Ok(amount(
        Exact::from_decimal(amount_).mul(Exact::from_decimal(factor), operation)?,
    ))
}

impl Rates {
    /// The constants of `p`, the parameters in force on one date.
    pub(super) fn new(p: &ClaimParams) -> Rates {
        let x = |d: &Resolved<Decimal>| Exact::from_decimal(d.value);
        let a = |d: &Resolved<Decimal>| amount(x(d));
        let basic = std::array::from_fn(|i| {
            let level = HospitalLevel::ALL.iter().find(|l| **l as usize == i);
            let value = |t: &EnumTable<HospitalLevel>| {
                level.and_then(|l| t.get(*l)).unwrap_or(Decimal::ZERO)
            };
            let deductible = value(&p.basic_deductible.value);
            let rate = value(&p.basic_rate.value);
            [
                Basic {
                    deductible: Ok(amount(Exact::from_decimal(deductible))),
                    rate: Ok(Exact::from_decimal(rate).min(Exact::ONE)),
                },
                Basic {
                    deductible: reduced(
                        deductible,
                        p.basic_poor_deductible_factor.value,
                        "basic deductible",
                    ),
                    rate: uplifted(rate, p.basic_poor_rate_uplift.value, "basic rate"),
                },
            ]
        });
        let critical = |poor: bool| Critical {
            deductible: if poor {
                reduced(
                    p.critical_deductible.value,
                    p.critical_poor_deductible_factor.value,
                    "critical deductible",
                )
            } else {
                Ok(a(&p.critical_deductible))
            },
            brackets: p
                .critical_brackets
                .value
                .iter()
                .map(|b| Bracket {
                    from: amount(Exact::from_decimal(b.from)),
                    rate: if poor {
                        uplifted(b.rate, p.critical_poor_rate_uplift.value, "critical rate")
                    } else {
                        Ok(Exact::from_decimal(b.rate).min(Exact::ONE))
                    },
                })
                .collect(),
        };
        let supplementary_rate = x(&p.supplementary_rate);
        Rates {
            basic,
            basic_annual_cap: a(&p.basic_annual_cap),
            critical: [critical(false), critical(true)],
            critical_annual_cap: a(&p.critical_annual_cap),
            supplementary: supplementary_rate.is_positive().then(|| Supplementary {
                deductible: a(&p.supplementary_deductible),
                rate: supplementary_rate,
                annual_cap: a(&p.supplementary_annual_cap),
            }),
            assistance: [
                Assistance {
                    rate: Ok(x(&p.assistance_rate).min(Exact::ONE)),
                    ceiling: a(&p.assistance_annual_ceiling),
                },
                Assistance {
                    rate: uplifted(
                        p.assistance_rate.value,
                        p.assistance_major_illness_uplift.value,
                        "assistance rate",
                    ),
                    ceiling: a(&p.assistance_major_illness_annual_ceiling),
                },
            ],
            backstop: p.backstop_enabled.value.then(|| Backstop {
                self_pay_ratio: x(&p.backstop_self_pay_ratio),
                annual_self_pay_cap: like_product(
                    a(&p.backstop_annual_self_pay_cap),
                    x(&p.backstop_self_pay_ratio),
                ),
                cap_mode: p.backstop_cap_mode.value,
            }),
        }
    }

    /// The basic layer at `level`, for `poor` or not.
    #[inline]
    pub(super) fn basic(&self, level: HospitalLevel, poor: bool) -> Option<&Basic> {
        self.basic.get(level as usize)?.get(usize::from(poor))
    }

    /// The critical-illness layer, for `poor` or not.
    #[inline]
    pub(super) fn critical(&self, poor: bool) -> &Critical {
        let [not_poor, poor_] = &self.critical;
        if poor { poor_ } else { not_poor }
    }

    /// Medical assistance, for `major` illness or not.
    #[inline]
    pub(super) fn assistance(&self, major: bool) -> &Assistance {
        let [ordinary, uplifted] = &self.assistance;
        if major { uplifted } else { ordinary }
    }
}

/// The constants of every admission date a ledger has settled, under the
/// policy it settled them with (another policy empties it).
#[derive(Clone, Default)]
pub(super) struct ParamsCache {
    policy: Option<Policy>,
    /// The index in `dates` of the date settled last.
    last: usize,
    by_date: HashMap<NaiveDate, usize, Fast>,
    dates: Vec<(NaiveDate, Rates)>,
}

impl std::fmt::Debug for ParamsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ParamsCache({}, {} dates)",
            self.policy.as_ref().map_or("none", |p| p.name()),
            self.dates.len()
        )
    }
}

impl ParamsCache {
    /// The constants in force on `on` under `policy`, worked out once per
    /// date and kept.
    pub(super) fn rates(&mut self, policy: &Policy, on: NaiveDate) -> Result<&Rates, PolicyError> {
        if !matches!(&self.policy, Some(p) if p.ptr_eq(policy)) {
            *self = ParamsCache {
                policy: Some(policy.clone()),
                ..ParamsCache::default()
            };
        }
        let hit = match self.dates.get(self.last) {
            Some((d, _)) if *d == on => Some(self.last),
            _ => self.by_date.get(&on).copied(),
        };
        let i = match hit {
            Some(i) => i,
            None => {
                let rates = Rates::new(&policy.claim_params(on)?);
                self.dates.push((on, rates));
                let i = self.dates.len().saturating_sub(1);
                self.by_date.insert(on, i);
                i
            }
        };
        self.last = i;
        match self.dates.get(i) {
            Some((_, rates)) => Ok(rates),
            None => Err(PolicyError::NotInForce {
                name: "claim parameters".to_owned(),
                date: on,
            }),
        }
    }
}
