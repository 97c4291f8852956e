//! Identification checks (精准识别, 一票否决; domain.md §7).
//!
//! Source: county exclusion lists (a member paid by the state, a car, a house
//! in town, a registered business, deposits): background.md §8 R-ID-3.

use crate::money::decimal_cmp;
use rust_decimal::Decimal;
use serde_json::json;

use super::Ctx;
use crate::decision::{ExclusionReason, IdentificationDecision};
use crate::error::ArithmeticError;
use crate::money::CheckedDecimal;

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &["identification.deposit_limit_per_capita"];

/// The exclusion reasons that apply, in order.
pub fn reasons(ctx: &Ctx<'_>) -> Result<Vec<ExclusionReason>, ArithmeticError> {
    let a = &ctx.hh.assets;
    let mut r = Vec::new();
    if a.car {
        r.push(ExclusionReason::Car);
    }
    if a.commercial_housing {
        r.push(ExclusionReason::CommercialHousing);
    }
    if a.business {
        r.push(ExclusionReason::Business);
    }
    if a.public_employee {
        r.push(ExclusionReason::PublicEmployee);
    }
    let limit = ctx
        .p
        .identification_deposit_limit_per_capita
        .value
        .mul_or_err(ctx.n(), "deposit limit")?;
    if decimal_cmp(a.deposits.as_decimal(), limit).is_gt() {
        r.push(ExclusionReason::Deposits);
    }
    Ok(r)
}

/// Decides the identification check.
pub fn decide(ctx: &Ctx<'_>) -> Result<IdentificationDecision, ArithmeticError> {
    let reasons = reasons(ctx)?;
    Ok(IdentificationDecision {
        excluded: !reasons.is_empty(),
        reasons,
    })
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_>) -> serde_json::Value {
    let a = &ctx.hh.assets;
    json!({
        "car": a.car, "commercial_housing": a.commercial_housing, "business": a.business,
        "public_employee": a.public_employee, "deposits": a.deposits,
        "size": Decimal::from(ctx.counted.len()),
    })
}
