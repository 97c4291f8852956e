//! Poverty micro-credit (扶贫小额信贷, domain.md §6).
//!
//! Sources: 国开办发〔2014〕78号; 银保监发〔2019〕24号 (borrowers 18–65 from
//! 2019-07); the 2020-06 notice extending it to monitored 边缘户; ≤ 50 000 yuan
//! per household.

use serde_json::json;

use super::Ctx;
use super::view::{HouseholdView, MemberView, OwnedView};
use crate::decision::{CodeSet, CreditCode, MonitoringCategory};
use crate::enums::{CreditRating, Labor, Relation, Status};
use crate::error::ArithmeticError;
use crate::exact::Exact;

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &[
    "credit.marginal_from",
    "credit.min_age",
    "credit.max_age",
    "credit.labor_min_age",
    "credit.max_principal",
    "credit.line",
];

/// `min(max_principal, line[rating]) − outstanding`, for a rated household.
pub fn headroom<H: HouseholdView>(ctx: &Ctx<'_, H>) -> Result<Option<Exact>, ArithmeticError> {
    let Some((rating, outstanding)) = ctx.h.credit() else {
        return Ok(None);
    };
    if rating == CreditRating::None {
        return Ok(None);
    }
    let line = ctx.p.credit_line(rating).unwrap_or(Exact::ZERO);
    let cap = line.min(ctx.p.credit_max_principal);
    cap.sub(outstanding, "credit headroom").map(Some)
}

/// The failed criteria and the largest new loan (zero when not eligible).
pub fn decide<H: HouseholdView>(
    ctx: &Ctx<'_, H>,
    monitoring: MonitoringCategory,
) -> Result<(CodeSet<CreditCode>, Exact), ArithmeticError> {
    let r = &ctx.p.resolved;
    let h = ctx.h;
    let mut failed = CodeSet::EMPTY;
    // registered, or a monitored marginal household from credit.marginal_from
    let status_ok = h.status().is_registered()
        || (h.status() == Status::Unregistered
            && monitoring == MonitoringCategory::Marginal
            && ctx.as_of >= r.credit_marginal_from.value);
    failed.insert_if(!status_ok, CreditCode::NotEligibleStatus);
    // the head (first counted member with relation head) aged min..=max
    let head_age = ctx
        .counted()
        .find(|m| m.relation() == Relation::Head)
        .map(|m| m.age());
    let head_age_ok =
        head_age.is_some_and(|a| (r.credit_min_age.value..=r.credit_max_age.value).contains(&a));
    failed.insert_if(!head_age_ok, CreditCode::Age);
    let rated = h
        .credit()
        .is_some_and(|(rating, _)| rating != CreditRating::None);
    failed.insert_if(!rated, CreditCode::NoRating);
    // a member of working age with normal or skilled labour
    let labor = ctx.counted().any(|m| {
        m.age() >= r.credit_labor_min_age.value
            && matches!(m.labor(), Labor::Normal | Labor::Skilled)
    });
    failed.insert_if(!labor, CreditCode::NoLabor);
    let room = headroom(ctx)?;
    failed.insert_if(
        rated && room.is_none_or(|r| r <= Exact::ZERO),
        CreditCode::LimitReached,
    );
    let max_new_loan = match (failed.is_empty(), room) {
        (true, Some(r)) => r,
        _ => Exact::ZERO,
    };
    Ok((failed, max_new_loan))
}

pub(crate) fn trace_inputs(
    ctx: &Ctx<'_, OwnedView<'_>>,
    monitoring: MonitoringCategory,
) -> serde_json::Value {
    let hh = ctx.h.hh;
    let head = hh.head(ctx.as_of);
    json!({
        "status": hh.status,
        "monitoring_category": monitoring,
        "head": head.map(|h| h.id.as_str()),
        "head_age": head.map(|h| crate::date::age_on(h.birth_date, ctx.as_of)),
        "rating": hh.credit.as_ref().map(|c| c.rating),
        "outstanding": hh.credit.as_ref().map(|c| c.outstanding),
    })
}
