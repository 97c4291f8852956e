//! Income (domain.md §1, R-INC-1 … R-INC-3): household net income
//! (家庭纯收入) and per-capita net income (人均纯收入).
//!
//! Source: 建档立卡 income accounting, `PCNI = (wage + operating − costs +
//! property + transfer) / N`; one-off transfers (临时救助, 慰问金) are not income.

use serde_json::json;

use super::Ctx;
use super::view::{IncomeAmounts, OwnedView};
use crate::error::ArithmeticError;
use crate::exact::Exact;

/// Parameters this rule reads (none: income is pure arithmetic).
pub const PARAMETERS: &[&str] = &[];

/// The income figures of a household on `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Income {
    /// R-INC-1: net income, exact (may be negative).
    pub net: Exact,
    /// R-INC-2: `round_fen(net / N)`.
    pub pci: Exact,
    /// R-INC-3: `round_fen((net − dibao) / N)`.
    pub pci_excl_dibao: Exact,
    /// Dibao received, part of `net`.
    pub dibao: Exact,
}

/// R-INC-1: `wage + operating − operating_cost + property + transfer + dibao`
/// (`one_off_transfer` is not income).
pub fn net_income(i: &IncomeAmounts) -> Result<Exact, ArithmeticError> {
    let op = "net income";
    i.wage
        .add(i.operating, op)?
        .sub(i.operating_cost, op)?
        .add(i.property, op)?
        .add(i.transfer, op)?
        .add(i.dibao, op)
}

/// R-INC-2: `round_fen(x / N)`, the division the last step.
pub fn per_capita(x: Exact, n: usize) -> Result<Exact, ArithmeticError> {
    x.div_round_fen(i64::try_from(n).unwrap_or(i64::MAX), "per-capita income")
}

/// The income figures of `i` shared by `n` counted members.
pub fn compute(i: &IncomeAmounts, n: usize) -> Result<Income, ArithmeticError> {
    let net = net_income(i)?;
    Ok(Income {
        net,
        pci: per_capita(net, n)?,
        pci_excl_dibao: per_capita(net.sub(i.dibao, "income excluding dibao")?, n)?,
        dibao: i.dibao,
    })
}

pub(crate) fn trace_result(inc: &Income) -> serde_json::Value {
    json!({
        "net_income": super::money(inc.net),
        "per_capita_income": super::money(inc.pci),
        "per_capita_income_excl_dibao": super::money(inc.pci_excl_dibao),
    })
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_, OwnedView<'_>>) -> serde_json::Value {
    let i = &ctx.h.hh.income;
    json!({
        "wage": i.wage, "operating": i.operating, "operating_cost": i.operating_cost,
        "property": i.property, "transfer": i.transfer, "dibao": i.dibao,
        "one_off_transfer": i.one_off_transfer, "size": ctx.n,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// 18 000 / 4 = 4 500.00; (0.01 × 1) / 3 = 0.0033 → 0.00; a loss:
    /// (1 000 − 1 001.01) / 2 = −0.505 → −0.51 (half away from zero).
    #[test]
    fn income_worked_by_hand() {
        let mut i = IncomeAmounts::ZERO;
        i.wage = Exact::fen(1_800_000);
        let inc = compute(&i, 4).unwrap();
        assert_eq!(inc.pci, Exact::fen(450_000));
        i.wage = Exact::fen(1);
        assert_eq!(compute(&i, 3).unwrap().pci, Exact::ZERO);
        i.wage = Exact::fen(0);
        i.operating = Exact::fen(100_000);
        i.operating_cost = Exact::fen(100_101);
        assert_eq!(compute(&i, 2).unwrap().pci, Exact::fen(-51));
        // dibao is income, but not in the dibao test's figure:
        // (0 + 1 000 − 1 001.01 + 200) / 2 = 99.495 → 99.50; without it −0.51.
        i.dibao = Exact::fen(20_000);
        let inc = compute(&i, 2).unwrap();
        assert_eq!(inc.pci, Exact::fen(9_950));
        assert_eq!(inc.pci_excl_dibao, Exact::fen(-51));
    }
}
