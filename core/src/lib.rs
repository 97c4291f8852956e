//! # fupin-core
//!
//! The domain model and rules of China's 2014–2020 targeted poverty
//! alleviation register (建档立卡): household exit (脱贫退出), monitoring
//! against return to poverty (防返贫监测), the rural minimum living guarantee
//! (低保), medical one-stop settlement (一站式结算) and county statistics.
//!
//! Money is exact ([`Money`] over `rust_decimal::Decimal`), every number of a
//! rule is a dated [policy](policy) parameter with its source, and every error
//! names its record, field and value with personal data masked.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod date;
pub mod decision;
pub mod enums;
pub mod error;
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

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme_examples {}
