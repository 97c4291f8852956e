//! Income (domain.md §1, R-INC-1 … R-INC-3): household net income
//! (家庭纯收入) and per-capita net income (人均纯收入).
//!
//! Source: 建档立卡 income accounting, `PCNI = (wage + operating − costs +
//! property + transfer) / N`; one-off transfers (临时救助, 慰问金) are not income.

use rust_decimal::Decimal;
use serde_json::json;

use super::Ctx;
use crate::error::ArithmeticError;
use crate::money::{CheckedDecimal, Money, round_fen};
use crate::record::Income as IncomeRecord;

/// Parameters this rule reads (none: income is pure arithmetic).
pub const PARAMETERS: &[&str] = &[];

/// The income figures of a household on `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Income {
    /// R-INC-1: net income, exact (may be negative).
    pub net: Decimal,
    /// R-INC-2: `round_fen(net / N)`.
    pub pci: Decimal,
    /// R-INC-3: `round_fen((net − dibao) / N)`.
    pub pci_excl_dibao: Decimal,
    /// Dibao received, part of `net`.
    pub dibao: Decimal,
}

impl Income {
    /// Per-capita income as money.
    pub fn pci_money(&self) -> Money {
        Money::from_decimal_rounded(self.pci)
    }

    pub(crate) fn trace_result(&self) -> serde_json::Value {
        json!({
            "net_income": Money::from_decimal_rounded(self.net),
            "per_capita_income": Money::from_decimal_rounded(self.pci),
            "per_capita_income_excl_dibao": Money::from_decimal_rounded(self.pci_excl_dibao),
        })
    }
}

/// R-INC-1: `wage + operating − operating_cost + property + transfer + dibao`
/// (`one_off_transfer` excluded).
pub fn net_income(i: &IncomeRecord) -> Result<Decimal, ArithmeticError> {
    let op = "net income";
    i.wage
        .as_decimal()
        .add_or_err(i.operating.as_decimal(), op)?
        .sub_or_err(i.operating_cost.as_decimal(), op)?
        .add_or_err(i.property.as_decimal(), op)?
        .add_or_err(i.transfer.as_decimal(), op)?
        .add_or_err(i.dibao.as_decimal(), op)
}

/// `round_fen(x / n)`: the division is the last operation before rounding.
pub fn per_capita(x: Decimal, n: Decimal) -> Result<Decimal, ArithmeticError> {
    Ok(round_fen(x.div_or_err(n, "per-capita income")?))
}

/// Computes the income figures.
pub fn compute(ctx: &Ctx<'_>) -> Result<Income, ArithmeticError> {
    let i = &ctx.hh.income;
    let net = net_income(i)?;
    let dibao = i.dibao.as_decimal();
    let n = ctx.n();
    Ok(Income {
        net,
        pci: per_capita(net, n)?,
        pci_excl_dibao: per_capita(net.sub_or_err(dibao, "income excluding dibao")?, n)?,
        dibao,
    })
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_>) -> serde_json::Value {
    let i = &ctx.hh.income;
    json!({
        "wage": i.wage, "operating": i.operating, "operating_cost": i.operating_cost,
        "property": i.property, "transfer": i.transfer, "dibao": i.dibao,
        "one_off_transfer": i.one_off_transfer, "size": ctx.counted.len(),
    })
}
