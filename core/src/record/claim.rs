//! A hospital claim for medical one-stop settlement (interfaces.md §2.3).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::member::yes;
use super::non_null;
use crate::date::serde_date;
use crate::enums::HospitalLevel;
use crate::error::{ErrorCode, RecordError};
use crate::money::Money;

/// A hospital stay to settle (interfaces.md §2.3).
///
/// `in_policy_cost` is always present here: when the input omits it, it is
/// `total_cost`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ClaimWire")]
pub struct Claim {
    /// Claim number.
    pub id: String,
    /// The member's person id; claims of one person in one year accumulate.
    pub person_id: String,
    /// Admission date; its year is the policy year.
    #[serde(with = "serde_date")]
    pub admitted_on: NaiveDate,
    /// Hospital level.
    pub hospital_level: HospitalLevel,
    /// 住院总费用, > 0.
    pub total_cost: Money,
    /// 政策范围内费用, 0 ≤ · ≤ `total_cost`.
    pub in_policy_cost: Money,
    /// The patient is on the poverty register (建档立卡).
    pub registered_poor: bool,
    /// In the health-poverty dynamic management system; gates the backstop.
    pub backstop_eligible: bool,
    /// 重特大疾病.
    pub major_illness: bool,
}

/// The wire shape of a claim, with `in_policy_cost` still optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimWire {
    id: String,
    person_id: String,
    #[serde(with = "serde_date")]
    admitted_on: NaiveDate,
    hospital_level: HospitalLevel,
    total_cost: Money,
    #[serde(default, deserialize_with = "non_null")]
    in_policy_cost: Option<Money>,
    #[serde(default = "yes")]
    registered_poor: bool,
    #[serde(default = "yes")]
    backstop_eligible: bool,
    #[serde(default)]
    major_illness: bool,
}

impl From<ClaimWire> for Claim {
    fn from(w: ClaimWire) -> Claim {
        Claim {
            in_policy_cost: w.in_policy_cost.unwrap_or(w.total_cost),
            id: w.id,
            person_id: w.person_id,
            admitted_on: w.admitted_on,
            hospital_level: w.hospital_level,
            total_cost: w.total_cost,
            registered_poor: w.registered_poor,
            backstop_eligible: w.backstop_eligible,
            major_illness: w.major_illness,
        }
    }
}

impl Claim {
    /// The policy year: the year of `admitted_on`.
    pub fn year(&self) -> i32 {
        self.admitted_on.year()
    }

    /// The validation of interfaces.md §1 that serde cannot express, in field
    /// order: `total_cost = 0` (`zero_total_cost`), then `in_policy_cost >
    /// total_cost` (`in_policy_cost_exceeds_total`). [`parse_claim`] runs it.
    /// The first of [`Claim::problems`].
    ///
    /// [`parse_claim`]: super::parse_claim
    pub fn validate(&self) -> Result<(), RecordError> {
        match self.problems().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every problem [`Claim::validate`] looks for, in its order (a zero
    /// `total_cost` with a positive `in_policy_cost` is both). Empty (and
    /// not allocated) for a good claim.
    pub fn problems(&self) -> Vec<RecordError> {
        let error = |code, field: &str, message: String| {
            RecordError::new(code, Some(field.to_owned()), message)
                .with_record_id(Some(self.id.clone()))
        };
        let mut out = Vec::new();
        if self.total_cost.is_zero() {
            out.push(error(
                ErrorCode::ZeroTotalCost,
                "total_cost",
                "total_cost must be above zero".to_owned(),
            ));
        }
        if self.in_policy_cost > self.total_cost {
            out.push(error(
                ErrorCode::InPolicyCostExceedsTotal,
                "in_policy_cost",
                format!(
                    "in_policy_cost {} exceeds total_cost {}",
                    self.in_policy_cost, self.total_cost
                ),
            ));
        }
        out
    }
}
