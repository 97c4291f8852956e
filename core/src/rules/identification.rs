//! Identification checks (精准识别, 一票否决; domain.md §7).
//!
//! Source: county exclusion lists (a member paid by the state, a car, a house
//! in town, a registered business, deposits): background.md §8 R-ID-3.

use rust_decimal::Decimal;
use serde_json::json;

use super::Ctx;
use super::view::{HouseholdView, OwnedView};
use crate::decision::{CodeSet, ExclusionReason};
use crate::error::ArithmeticError;
use crate::exact::Exact;

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &["identification.deposit_limit_per_capita"];

/// The exclusion reasons that apply.
pub fn reasons<H: HouseholdView>(
    ctx: &Ctx<'_, H>,
) -> Result<CodeSet<ExclusionReason>, ArithmeticError> {
    let a = ctx.h.assets();
    let mut r = CodeSet::EMPTY;
    r.insert_if(a.car, ExclusionReason::Car);
    r.insert_if(a.commercial_housing, ExclusionReason::CommercialHousing);
    r.insert_if(a.business, ExclusionReason::Business);
    r.insert_if(a.public_employee, ExclusionReason::PublicEmployee);
    // deposits > deposit_limit_per_capita × N
    let limit = ctx
        .p
        .identification_deposit_limit_per_capita
        .mul(Exact::count(ctx.n), "deposit limit")?;
    r.insert_if(a.deposits > limit, ExclusionReason::Deposits);
    Ok(r)
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_, OwnedView<'_>>) -> serde_json::Value {
    let a = &ctx.h.hh.assets;
    json!({
        "car": a.car, "commercial_housing": a.commercial_housing, "business": a.business,
        "public_employee": a.public_employee, "deposits": a.deposits,
        "size": Decimal::from(ctx.n),
    })
}
