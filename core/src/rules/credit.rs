//! Poverty micro-credit (扶贫小额信贷, domain.md §6).
//!
//! Sources: 国开办发〔2014〕78号; 银保监发〔2019〕24号 (borrowers 18–65 from
//! 2019-07); the 2020-06 notice extending it to monitored 边缘户; ≤ 50 000 yuan
//! per household.

use crate::money::decimal_cmp;
use rust_decimal::Decimal;
use serde_json::json;

use super::Ctx;
use crate::decision::{CreditCode, CreditDecision, MonitoringCategory, MonitoringDecision};
use crate::enums::{CreditRating, Labor, Status};
use crate::money::Money;

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
pub fn headroom(ctx: &Ctx<'_>) -> Option<Decimal> {
    let credit = ctx.hh.credit.as_ref()?;
    if credit.rating == CreditRating::None {
        return None;
    }
    let line = ctx
        .p
        .credit_line
        .value
        .get(credit.rating)
        .unwrap_or(Decimal::ZERO);
    let cap = line.min(ctx.p.credit_max_principal.value);
    cap.checked_sub(credit.outstanding.as_decimal())
}

/// Decides micro-credit eligibility.
pub fn decide(ctx: &Ctx<'_>, monitoring: &MonitoringDecision) -> CreditDecision {
    let p = ctx.p;
    let hh = ctx.hh;
    let mut failed = Vec::new();
    let status_ok = hh.status.is_registered()
        || (hh.status == Status::Unregistered
            && monitoring.category == MonitoringCategory::Marginal
            && ctx.as_of >= p.credit_marginal_from.value);
    if !status_ok {
        failed.push(CreditCode::NotEligibleStatus);
    }
    let head_age_ok = hh
        .head(ctx.as_of)
        .is_some_and(|h| (p.credit_min_age.value..=p.credit_max_age.value).contains(&ctx.age(h)));
    if !head_age_ok {
        failed.push(CreditCode::Age);
    }
    let rated = hh
        .credit
        .as_ref()
        .is_some_and(|c| c.rating != CreditRating::None);
    if !rated {
        failed.push(CreditCode::NoRating);
    }
    let labor = ctx.counted.iter().any(|m| {
        ctx.age(m) >= p.credit_labor_min_age.value
            && matches!(m.labor, Labor::Normal | Labor::Skilled)
    });
    if !labor {
        failed.push(CreditCode::NoLabor);
    }
    let room = headroom(ctx);
    if rated && room.is_none_or(|r| decimal_cmp(r, Decimal::ZERO).is_le()) {
        failed.push(CreditCode::LimitReached);
    }
    let eligible = failed.is_empty();
    CreditDecision {
        eligible,
        max_new_loan: match (eligible, room) {
            (true, Some(r)) => Money::from_decimal_rounded(r),
            _ => Money::ZERO,
        },
        failed,
    }
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_>, monitoring: &MonitoringDecision) -> serde_json::Value {
    let head = ctx.hh.head(ctx.as_of);
    json!({
        "status": ctx.hh.status,
        "monitoring_category": monitoring.category,
        "head": head.map(|h| h.id.as_str()),
        "head_age": head.map(|h| ctx.age(h)),
        "rating": ctx.hh.credit.as_ref().map(|c| c.rating),
        "outstanding": ctx.hh.credit.as_ref().map(|c| c.outstanding),
    })
}
