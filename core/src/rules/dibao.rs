//! Rural minimum living guarantee (农村低保, domain.md §4).
//!
//! Source: 国务院《关于在全国建立农村最低生活保障制度的通知》(国发〔2007〕19号);
//! 两线合一 (民政部 国务院扶贫办, 2016): the standard is not below the exit
//! line, checked when a policy loads. Benefit = 补差: (S − income) × covered / 12.

use serde_json::json;

use super::Ctx;
use super::income::Income;
use super::view::{HouseholdView, MemberView, OwnedView};
use crate::decision::{CodeSet, DibaoCode};
use crate::error::ArithmeticError;
use crate::exact::Exact;

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &["dibao.standard_annual", "dibao.deposit_months"];

/// `C`: counted members flagged `dibao`, or `N` if none is flagged.
pub fn covered<H: HouseholdView>(ctx: &Ctx<'_, H>) -> usize {
    match ctx.counted().filter(|m| m.dibao()).count() {
        0 => ctx.n,
        c => c,
    }
}

/// `true` if an asset test fails: car, commercial housing, business, public
/// employee, or `deposits × 12 > deposit_months × S × N`.
pub fn assets_fail<H: HouseholdView>(ctx: &Ctx<'_, H>) -> Result<bool, ArithmeticError> {
    let a = ctx.h.assets();
    if a.car || a.commercial_housing || a.business || a.public_employee {
        return Ok(true);
    }
    let op = "dibao deposit test";
    let p = ctx.p;
    let limit = p
        .dibao_deposit_months
        .mul(p.dibao_standard_annual, op)?
        .mul(Exact::count(ctx.n), op)?;
    Ok(a.deposits.mul(Exact::int(12), op)? > limit)
}

/// The monthly benefit (补差) `round_fen((S − pci_excl_dibao) × C / 12)`:
/// multiply, then divide last.
pub fn benefit<H: HouseholdView>(ctx: &Ctx<'_, H>, inc: &Income) -> Result<Exact, ArithmeticError> {
    let op = "dibao benefit";
    ctx.p
        .dibao_standard_annual
        .sub(inc.pci_excl_dibao, op)?
        .mul(Exact::count(covered(ctx)), op)?
        .div_round_fen(12, op)
}

/// The failed criteria and the monthly benefit (zero when not eligible).
pub fn decide<H: HouseholdView>(
    ctx: &Ctx<'_, H>,
    inc: &Income,
) -> Result<(CodeSet<DibaoCode>, Exact), ArithmeticError> {
    let mut failed = CodeSet::EMPTY;
    // pci_excl_dibao < S
    failed.insert_if(
        inc.pci_excl_dibao >= ctx.p.dibao_standard_annual,
        DibaoCode::IncomeAboveStandard,
    );
    failed.insert_if(assets_fail(ctx)?, DibaoCode::Assets);
    let monthly = if failed.is_empty() {
        benefit(ctx, inc)?
    } else {
        Exact::ZERO
    };
    Ok((failed, monthly))
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_, OwnedView<'_>>, inc: &Income) -> serde_json::Value {
    let a = &ctx.h.hh.assets;
    json!({
        "per_capita_income_excl_dibao": super::money(inc.pci_excl_dibao),
        "size": ctx.n,
        "covered": covered(ctx),
        "car": a.car, "commercial_housing": a.commercial_housing, "business": a.business,
        "public_employee": a.public_employee, "deposits": a.deposits,
    })
}
