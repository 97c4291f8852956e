//! Medical one-stop settlement (健康扶贫 一站式结算, domain.md §5).
//!
//! A [`Ledger`] holds, per person and calendar year (the year of
//! `admitted_on`), every year-to-date sum the five layers need, and the ids
//! of every claim it has settled. [`Ledger::settle`] settles one claim in
//! the order of the chain:
//!
//! 1. basic medical insurance (基本医保, per stay);
//! 2. critical-illness insurance (大病保险, annual cumulative, brackets above
//!    the deductible, no cap for a registered poor patient);
//! 3. supplementary insurance (扶贫保, annual cumulative; only for a
//!    registered poor patient while `supplementary.rate > 0`);
//! 4. medical assistance (医疗救助, per stay, with the major-illness uplift
//!    and ceiling);
//! 5. the government backstop (政府兜底, annual cumulative), which holds the
//!    year's in-policy self-pay to `combine(ratio × E_ytd, annual cap)`;
//!
//! and `self_pay` is the residual, so the six components add up exactly to
//! `total_cost`. Every layer pays at most what the previous layers left of
//! the claim's in-policy cost. Parameters are read on the admission date.
//!
//! The chain is written once, on exact decimals ([`Exact`](crate::exact::Exact)),
//! and rounds to the fen only where the spec rounds; the explanation steps
//! come from the same code. The files, one job each:
//!
//! * `chain`: the five layers of one claim;
//! * `params`: the constants of an admission date (uplifted rates, reduced
//!   deductibles), worked out once per date and cached;
//! * `ledger`: the [`Ledger`] and its person-years ([`PersonYear`]);
//! * `outcome`: what one claim gives, [`Settlement`] and [`LayerStep`];
//! * `ids`: the [`Id`] type, the ledger's id table and hashers;
//! * `wire`: the JSON of trace steps, person-years and the ledger file.
//!
//! ```
//! use fupin_core::{Policy, parse_claim};
//! use fupin_core::rules::settlement::Ledger;
//!
//! let policy = Policy::builtin("ningxia-2020")?;
//! let mut ledger = Ledger::new();
//! let claim = parse_claim(br#"{"id":"C1","person_id":"P1","admitted_on":"2020-03-01",
//!   "hospital_level":"county","total_cost":"30000","in_policy_cost":"27000"}"#)?;
//! let s = ledger.settle(&policy, &claim, false)?;
//! assert_eq!(s.basic_insurance.to_string(), "21400.00");
//! assert_eq!(s.critical_illness_insurance.to_string(), "1560.00");
//! assert_eq!(s.supplementary_insurance.to_string(), "832.00");
//! assert_eq!(s.medical_assistance.to_string(), "2245.60");
//! assert_eq!(s.backstop.to_string(), "0.00");
//! assert_eq!(s.self_pay.to_string(), "3962.40");
//! // The same claim id again is refused and changes nothing.
//! let again = ledger.settle(&policy, &claim, false).unwrap_err();
//! assert_eq!(again.code.as_str(), "duplicate_claim_id");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod chain;
mod ids;
mod ledger;
mod outcome;
mod params;
#[cfg(test)]
mod tests;
mod wire;

pub use ids::Id;
pub use ledger::{Ledger, PersonYear};
pub use outcome::{LayerStep, Settlement};
pub use params::LAYER_PARAMETERS;
pub use wire::LEDGER_FORMAT;
