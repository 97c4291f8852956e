//! Monitoring against return to poverty (防返贫监测, domain.md §3).
//!
//! Source: 国务院扶贫开发领导小组《关于建立防止返贫监测和帮扶机制的指导意见》
//! (国开发〔2020〕6号): 脱贫不稳定户 and 边缘易致贫户, income below 1.5 × the
//! line, rigid expenses above income, or a sharp drop in income.

use serde_json::json;

use super::Ctx;
use super::income::{Income, net_income, per_capita};
use super::view::{HouseholdView, OwnedView};
use crate::decision::{CodeSet, MonitoringCategory, Trigger};
use crate::enums::Status;
use crate::error::ArithmeticError;
use crate::exact::Exact;

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &[
    "poverty_line.exit",
    "monitoring.income_factor",
    "monitoring.income_drop_ratio",
];

/// The low-income threshold `monitoring.income_factor × poverty_line.exit`.
pub fn threshold<H>(ctx: &Ctx<'_, H>) -> Result<Exact, ArithmeticError> {
    let p = ctx.p;
    p.monitoring_income_factor
        .mul(p.poverty_line_exit, "monitoring threshold")
}

/// `last_pci = round_fen(last_net / N)` (this year's `N`), if last year's
/// income is given.
pub fn last_pci<H: HouseholdView>(ctx: &Ctx<'_, H>) -> Result<Option<Exact>, ArithmeticError> {
    match ctx.h.last_year_income() {
        Some(last) => Ok(Some(per_capita(net_income(&last)?, ctx.n)?)),
        None => Ok(None),
    }
}

/// The triggers that hold, whatever the status.
pub fn triggers<H: HouseholdView>(
    ctx: &Ctx<'_, H>,
    inc: &Income,
) -> Result<CodeSet<Trigger>, ArithmeticError> {
    let mut t = CodeSet::EMPTY;
    // pci < income_factor × poverty_line.exit
    t.insert_if(inc.pci < threshold(ctx)?, Trigger::LowIncome);
    // rigid_expenses > 0 and rigid_expenses > net
    let rigid = ctx.h.rigid_expenses();
    t.insert_if(
        rigid.is_positive() && rigid > inc.net,
        Trigger::RigidExpenses,
    );
    // pci ≤ (1 − income_drop_ratio) × last_pci
    if let Some(last) = last_pci(ctx)? {
        let op = "income drop";
        let keep = Exact::ONE.sub(ctx.p.monitoring_income_drop_ratio, op)?;
        t.insert_if(inc.pci <= keep.mul(last, op)?, Trigger::IncomeDrop);
    }
    Ok(t)
}

/// The monitoring category and its triggers (listed empty for `poor` and
/// `returned` households).
pub fn decide<H: HouseholdView>(
    ctx: &Ctx<'_, H>,
    inc: &Income,
) -> Result<(MonitoringCategory, CodeSet<Trigger>), ArithmeticError> {
    let status = ctx.h.status();
    if matches!(status, Status::Poor | Status::Returned) {
        return Ok((MonitoringCategory::Poor, CodeSet::EMPTY));
    }
    let t = triggers(ctx, inc)?;
    let category = match (status, t.is_empty()) {
        (_, true) => MonitoringCategory::None,
        (Status::Exited, false) => MonitoringCategory::UnstableExited,
        _ => MonitoringCategory::Marginal,
    };
    Ok((category, t))
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_, OwnedView<'_>>, inc: &Income) -> serde_json::Value {
    json!({
        "status": ctx.h.hh.status,
        "per_capita_income": super::money(inc.pci),
        "net_income": super::money(inc.net),
        "rigid_expenses": ctx.h.hh.rigid_expenses,
        "last_year_per_capita_income": last_pci(ctx).ok().flatten().map(super::money),
    })
}
