//! Rural minimum living guarantee (农村低保, domain.md §4).
//!
//! Source: 国务院《关于在全国建立农村最低生活保障制度的通知》(国发〔2007〕19号);
//! 两线合一 (民政部 国务院扶贫办, 2016): the standard is not below the exit
//! line, checked when a policy loads. Benefit = 补差: (S − income) × covered / 12.

use rust_decimal::Decimal;
use serde_json::json;

use super::Ctx;
use super::income::Income;
use crate::decision::{DibaoCode, DibaoDecision};
use crate::error::ArithmeticError;
use crate::money::{CheckedDecimal, Money, round_fen};

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &["dibao.standard_annual", "dibao.deposit_months"];

/// `C`: counted members flagged `dibao`, or `N` if none is flagged.
pub fn covered(ctx: &Ctx<'_>) -> usize {
    match ctx.counted.iter().filter(|m| m.dibao).count() {
        0 => ctx.counted.len(),
        c => c,
    }
}

/// `true` if an asset test fails: car, commercial housing, business, public
/// employee, or `deposits × 12 > deposit_months × S × N`.
pub fn assets_fail(ctx: &Ctx<'_>) -> Result<bool, ArithmeticError> {
    let a = &ctx.hh.assets;
    if a.car || a.commercial_housing || a.business || a.public_employee {
        return Ok(true);
    }
    let op = "dibao deposit test";
    let lhs = a.deposits.as_decimal().mul_or_err(Decimal::from(12), op)?;
    let rhs = Decimal::from(ctx.p.dibao_deposit_months.value)
        .mul_or_err(ctx.p.dibao_standard_annual.value, op)?
        .mul_or_err(ctx.n(), op)?;
    Ok(lhs > rhs)
}

/// Decides dibao eligibility and the monthly benefit.
pub fn decide(ctx: &Ctx<'_>, inc: &Income) -> Result<DibaoDecision, ArithmeticError> {
    let s = ctx.p.dibao_standard_annual.value;
    let mut failed = Vec::new();
    if inc.pci_excl_dibao >= s {
        failed.push(DibaoCode::IncomeAboveStandard);
    }
    if assets_fail(ctx)? {
        failed.push(DibaoCode::Assets);
    }
    let eligible = failed.is_empty();
    let monthly_benefit = if eligible {
        let op = "dibao benefit";
        let gap = s.sub_or_err(inc.pci_excl_dibao, op)?;
        // Multiply before dividing; the division by 12 is last (domain.md §0).
        let total = gap.mul_or_err(Decimal::from(covered(ctx)), op)?;
        Money::from_decimal_rounded(round_fen(total.div_or_err(Decimal::from(12), op)?))
    } else {
        Money::ZERO
    };
    Ok(DibaoDecision {
        eligible,
        monthly_benefit,
        failed,
    })
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_>, inc: &Income) -> serde_json::Value {
    let a = &ctx.hh.assets;
    json!({
        "per_capita_income_excl_dibao": Money::from_decimal_rounded(inc.pci_excl_dibao),
        "size": ctx.counted.len(),
        "covered": covered(ctx),
        "car": a.car, "commercial_housing": a.commercial_housing, "business": a.business,
        "public_employee": a.public_employee, "deposits": a.deposits,
    })
}
