//! # fupin-core
//!
//! The domain model and rules of China's 2014–2020 targeted poverty
//! alleviation register (建档立卡): household exit (脱贫退出), monitoring
//! against return to poverty (防返贫监测), the rural minimum living guarantee
//! (低保), medical one-stop settlement (一站式结算) and county statistics.
//!
//! Money is exact ([`Money`] over `rust_decimal::Decimal`), every number of a
//! rule is a dated [policy] parameter with its source, and every error
//! names its record, field and value with personal data masked.
//!
//! ```
//! use fupin_core::{Evaluator, Ledger, Policy};
//! use fupin_core::record::parse::{parse_claim, parse_household};
//!
//! let policy = Policy::builtin("ningxia-2020").unwrap();
//! let as_of = fupin_core::date::parse_date("2020-12-31").unwrap();
//!
//! // One fen under the 2020 exit line: 3 999.99 a person.
//! let hh = parse_household(br#"{"id":"H1","income":{"wage":"3999.99"},
//!     "members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1970-06-15"}]}"#).unwrap();
//! let d = Evaluator::new(&policy, as_of).evaluate(&hh, true).unwrap();
//! assert_eq!(d.exit.failed[0].as_str(), "income_below_line");
//! assert!(d.explanation.unwrap().zh.contains("人均纯收入 3999.99 元，未超过 2020 年脱贫标准 4000.00 元"));
//!
//! // The worked example of domain.md §5: a 30 000 yuan county stay.
//! let claim = parse_claim(br#"{"id":"C1","person_id":"P1","admitted_on":"2020-03-02",
//!     "hospital_level":"county","total_cost":"30000","in_policy_cost":"27000"}"#).unwrap();
//! let s = Ledger::new().settle(&policy, &claim, false).unwrap();
//! assert_eq!(s.self_pay.to_string(), "3962.40");
//! ```
//!
//! The design (money, dated parameters, errors, fast paths) is in [`design`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod batch;
pub mod date;
pub mod decision;
pub mod enums;
pub mod error;
pub mod exact;
pub mod idnumber;
pub mod mask;
pub mod money;
pub mod policy;
pub mod record;
pub mod report;
pub mod rules;
pub mod stats;
pub mod synth;
pub mod trace;

/// The inline-when-short string type of record ids and place names.
pub use compact_str::CompactString;
pub use decision::Decision;
pub use error::{ArithmeticError, Error, ErrorCode, PolicyError, RecordError};
pub use idnumber::{IdCheck, check_id_number};
pub use money::Money;
pub use policy::Policy;
pub use record::{
    Assets, Claim, Credit, ExitStep, Guarantees, Household, Income, Member, parse_claim,
    parse_household,
};
pub use rules::Evaluator;
pub use rules::settlement::{Ledger, Settlement};

#[doc = include_str!("../../DESIGN.md")]
pub mod design {}

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme_examples {}
