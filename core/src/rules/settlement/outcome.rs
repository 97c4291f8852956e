//! What settling one claim gives: the [`Settlement`] of interfaces.md
//! §3.2 and, with `--explain`, one [`LayerStep`] per layer.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ids::Id;
use crate::money::Money;
use crate::trace::ParameterRead;

/// The settlement of one claim (interfaces.md §3.2): the six components add
/// up exactly to `total_cost`, and each is non-negative.
///
/// Serializes to `{"claim_id","person_id","year","total_cost",
/// "basic_insurance","critical_illness_insurance","supplementary_insurance",
/// "medical_assistance","backstop","self_pay"}` in this order, money as
/// strings with two decimals, followed by `"trace"` only when explained;
/// reads back from that (the Python `Settlement` pickles this way).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settlement {
    /// The claim's id.
    pub claim_id: Id,
    /// The patient's person id.
    pub person_id: Id,
    /// The policy year: the year of `admitted_on`.
    pub year: i32,
    /// 住院总费用.
    pub total_cost: Money,
    /// Layer 1, 基本医保.
    pub basic_insurance: Money,
    /// Layer 2, 大病保险.
    pub critical_illness_insurance: Money,
    /// Layer 3, 扶贫保 大病补充医疗.
    pub supplementary_insurance: Money,
    /// Layer 4, 医疗救助.
    pub medical_assistance: Money,
    /// Layer 5, 政府兜底.
    pub backstop: Money,
    /// What the patient pays: `total_cost` minus the five payments
    /// (out-of-policy costs included).
    pub self_pay: Money,
    /// One step per layer, with `--explain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<LayerStep>>,
}

impl Settlement {
    /// The five payments in chain order.
    pub fn payments(&self) -> [Money; 5] {
        [
            self.basic_insurance,
            self.critical_illness_insurance,
            self.supplementary_insurance,
            self.medical_assistance,
            self.backstop,
        ]
    }
}

/// One layer of a settlement's trace (interfaces.md §3.2 `--explain`).
///
/// Amounts that are not published (bases, deductibles, caps) are exact and
/// shown with at least two decimals (`"2700.005"` is a cap of 10 % of
/// 27 000.05); `ytd_before`, `ytd_after`, `due` and `paid` are fen amounts.
/// A layer that does not apply has `applies: false`, null `base`, `rate`,
/// `deductible` and `cap`, and pays `0.00`.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerStep {
    /// `basic`, `critical`, `supplementary`, `assistance` or `backstop`.
    pub rule: &'static str,
    /// Whether the layer applies to this claim.
    pub applies: bool,
    /// What the previous layers left of this claim's in-policy cost: the
    /// most this layer may pay.
    pub available: Decimal,
    /// The base: this claim's in-policy cost (basic), the year-to-date base
    /// including this claim (critical, supplementary, backstop: the
    /// in-policy remainder after layers 1–4), or this claim's remainder
    /// (assistance).
    pub base: Option<Decimal>,
    /// The rate applied (critical: the marginal bracket's rate; backstop:
    /// `backstop.self_pay_ratio`), uplifts included.
    pub rate: Option<Decimal>,
    /// The deductible (critical, supplementary: annual).
    pub deductible: Option<Decimal>,
    /// The cap: basic's and critical's annual caps (none for a registered
    /// poor patient's critical layer), supplementary's annual cap,
    /// assistance's annual ceiling, the backstop's combined self-pay cap.
    pub cap: Option<Decimal>,
    /// The layer's payments to this person-year before this claim.
    pub ytd_before: Decimal,
    /// The layer's payments to this person-year after this claim.
    pub ytd_after: Decimal,
    /// What the layer's rule gives before the clamp to `available`.
    pub due: Decimal,
    /// What the layer pays on this claim.
    pub paid: Decimal,
    /// The parameters the layer read, on the admission date.
    pub parameters: Vec<ParameterRead>,
}
