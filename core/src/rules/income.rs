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

/// R-INC-1 in whole fen: the same sum as [`net_income`], exact, when every
/// amount and partial sum fits an `i64` (always for input money).
fn net_fen(i: &IncomeRecord) -> Option<i64> {
    i.wage
        .fen()?
        .checked_add(i.operating.fen()?)?
        .checked_sub(i.operating_cost.fen()?)?
        .checked_add(i.property.fen()?)?
        .checked_add(i.transfer.fen()?)?
        .checked_add(i.dibao.fen()?)
}

/// [`per_capita`] in whole fen: `x / n` rounded half away from zero, for
/// `n > 0` (also the dibao benefit's `/ 12`). The same as rounding the
/// decimal quotient: its digits past the fen are `r / n` (remainder `r`),
/// exact when that is one half, and else at least `1 / 2n` away from it,
/// far beyond the quotient's 28 digits.
pub(crate) fn per_capita_fen(x: i64, n: i64) -> Option<i64> {
    let (q, r) = (x.checked_div(n)?, x.checked_rem(n)?);
    let up = r.unsigned_abs().checked_mul(2)? >= n.unsigned_abs();
    Some(if !up {
        q
    } else if x < 0 {
        q - 1
    } else {
        q + 1
    })
}

/// `round_fen(net(i) / n)` (R-INC-1 then R-INC-2 for a size `n`): in whole
/// fen when [`net_fen`] answers, else by the decimal chain. Monitoring's
/// last-year per-capita income.
pub fn per_capita_net(i: &IncomeRecord, n: usize) -> Result<Decimal, ArithmeticError> {
    let fen = i64::try_from(n)
        .ok()
        .filter(|&n| n > 0)
        .and_then(|n| per_capita_fen(net_fen(i)?, n));
    match fen {
        Some(f) => Ok(Decimal::new(f, 2)),
        None => per_capita(net_income(i)?, Decimal::from(n)),
    }
}

/// The income figures in whole fen, when [`net_fen`] answers and there is
/// someone to share it: the same figures as the decimal chain of
/// [`compute`], at a fraction of its cost.
fn compute_fen(i: &IncomeRecord, size: usize) -> Option<Income> {
    let n = i64::try_from(size).ok().filter(|&n| n > 0)?;
    let net = net_fen(i)?;
    let dibao = i.dibao.fen()?;
    Some(Income {
        net: Decimal::new(net, 2),
        pci: Decimal::new(per_capita_fen(net, n)?, 2),
        pci_excl_dibao: Decimal::new(per_capita_fen(net.checked_sub(dibao)?, n)?, 2),
        dibao: i.dibao.as_decimal(),
    })
}

/// Computes the income figures.
pub fn compute(ctx: &Ctx<'_>) -> Result<Income, ArithmeticError> {
    if let Some(income) = compute_fen(&ctx.hh.income, ctx.counted.len()) {
        return Ok(income);
    }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Input money: 0 to 10^15 fen, often a round or tiny amount.
    fn amount() -> impl Strategy<Value = Money> {
        prop_oneof![0i64..1_000_000_000_000_000, 0i64..100_000, Just(0),].prop_map(Money::from_fen)
    }

    #[test]
    fn per_capita_fen_rounds_half_away_from_zero() {
        // 1001 fen / 2 = 500.5 → 501; −1001 / 2 → −501; 1000 / 3 = 333.3 → 333;
        // 2 / 3 = 0.67 → 1; −1 / 3 → 0.
        assert_eq!(per_capita_fen(1001, 2), Some(501));
        assert_eq!(per_capita_fen(-1001, 2), Some(-501));
        assert_eq!(per_capita_fen(1000, 3), Some(333));
        assert_eq!(per_capita_fen(2, 3), Some(1));
        assert_eq!(per_capita_fen(-1, 3), Some(0));
        assert_eq!(per_capita_fen(5, 0), None);
    }

    proptest! {
        /// The whole-fen figures are the decimal chain's, for any input
        /// money and household size (net may be negative).
        #[test]
        fn fen_figures_equal_the_decimal_chain(
            wage in amount(), operating in amount(), operating_cost in amount(),
            property in amount(), transfer in amount(), dibao in amount(),
            size in 1usize..=40,
        ) {
            let i = IncomeRecord {
                wage, operating, operating_cost, property, transfer, dibao,
                ..IncomeRecord::default()
            };
            let fast = compute_fen(&i, size).unwrap();
            let n = Decimal::from(size);
            let net = net_income(&i).unwrap();
            prop_assert_eq!(fast.net, net);
            prop_assert_eq!(fast.pci, per_capita(net, n).unwrap());
            prop_assert_eq!(fast.pci.scale(), 2);
            let excl = per_capita(net - dibao.as_decimal(), n).unwrap();
            prop_assert_eq!(fast.pci_excl_dibao, excl);
            prop_assert_eq!(fast.pci_excl_dibao.to_string(), excl.to_string());
            // Monitoring's last-year figure, the same way.
            let last = per_capita_net(&i, size).unwrap();
            prop_assert_eq!(last, per_capita(net, n).unwrap());
            prop_assert_eq!(last.to_string(), fast.pci.to_string());
        }
    }
}
