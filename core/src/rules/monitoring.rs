//! Monitoring against return to poverty (防返贫监测, domain.md §3).
//!
//! Source: 国务院扶贫开发领导小组《关于建立防止返贫监测和帮扶机制的指导意见》
//! (国开发〔2020〕6号): 脱贫不稳定户 and 边缘易致贫户, income below 1.5 × the
//! line, rigid expenses above income, or a sharp drop in income.

use crate::money::decimal_cmp;
use rust_decimal::Decimal;
use serde_json::json;

use super::Ctx;
use super::income::{Income, per_capita_net};
use crate::decision::{MonitoringCategory, MonitoringDecision, Trigger};
use crate::enums::Status;
use crate::error::ArithmeticError;
use crate::money::CheckedDecimal;

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &[
    "poverty_line.exit",
    "monitoring.income_factor",
    "monitoring.income_drop_ratio",
];

/// `last_pci = round_fen(last_net / N)` (this year's `N`), if last year's income is given.
pub fn last_pci(ctx: &Ctx<'_>) -> Result<Option<Decimal>, ArithmeticError> {
    match &ctx.hh.last_year_income {
        Some(last) => Ok(Some(per_capita_net(last, ctx.counted.len())?)),
        None => Ok(None),
    }
}

/// The triggers that hold, in order, whatever the status.
pub fn triggers(ctx: &Ctx<'_>, inc: &Income) -> Result<Vec<Trigger>, ArithmeticError> {
    let p = ctx.p;
    let mut t = Vec::new();
    let threshold = p
        .monitoring_income_factor
        .value
        .mul_or_err(p.poverty_line_exit.value, "monitoring threshold")?;
    if decimal_cmp(inc.pci, threshold).is_lt() {
        t.push(Trigger::LowIncome);
    }
    let rigid = ctx.hh.rigid_expenses.as_decimal();
    if decimal_cmp(rigid, Decimal::ZERO).is_gt() && decimal_cmp(rigid, inc.net).is_gt() {
        t.push(Trigger::RigidExpenses);
    }
    if let Some(last) = last_pci(ctx)? {
        let keep = Decimal::ONE.sub_or_err(p.monitoring_income_drop_ratio.value, "income drop")?;
        if decimal_cmp(inc.pci, keep.mul_or_err(last, "income drop")?).is_le() {
            t.push(Trigger::IncomeDrop);
        }
    }
    Ok(t)
}

/// Decides the monitoring category.
pub fn decide(ctx: &Ctx<'_>, inc: &Income) -> Result<MonitoringDecision, ArithmeticError> {
    let (category, triggers) = match ctx.hh.status {
        Status::Poor | Status::Returned => (MonitoringCategory::Poor, Vec::new()),
        status => {
            let t = triggers(ctx, inc)?;
            let category = match (status, t.is_empty()) {
                (_, true) => MonitoringCategory::None,
                (Status::Exited, false) => MonitoringCategory::UnstableExited,
                _ => MonitoringCategory::Marginal,
            };
            (category, t)
        }
    };
    Ok(MonitoringDecision { category, triggers })
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_>, inc: &Income) -> serde_json::Value {
    json!({
        "status": ctx.hh.status,
        "per_capita_income": crate::Money::from_decimal_rounded(inc.pci),
        "net_income": crate::Money::from_decimal_rounded(inc.net),
        "rigid_expenses": ctx.hh.rigid_expenses,
        "last_year_per_capita_income": last_pci(ctx).ok().flatten()
            .map(crate::Money::from_decimal_rounded),
    })
}
