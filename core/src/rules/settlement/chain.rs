//! The chain of domain.md §5 for one claim, on exact numbers ([`Exact`]).
//!
//! With `T = total_cost`, `E = in_policy_cost`, `p` and `m` the
//! person-year's registered-poor and major-illness flags, each layer is
//! one function below: it works out what its rule makes due on this claim
//! and pays it through [`Run::pay`], which clamps the payment to what the
//! layers before left of `E`, adds it to the person-year and, when
//! explaining, records the layer's trace step. A per-stay layer pays
//! `round_fen(x)`; a cumulative one `round_fen(X_ytd) − paid_ytd_before`;
//! `self_pay` is the residual, so the six components add up exactly to `T`.
//!
//! Every operation is exact; the only roundings are the ones the spec
//! writes. Where an exact value leaves the range of an [`Exact`] the claim
//! fails with an [`ArithmeticError`] (`out_of_range`) and, since the
//! ledger only takes the [`Outcome`] of a chain that succeeded, changes
//! nothing.

use rust_decimal::Decimal;

use super::ledger::Sums;
use super::outcome::LayerStep;
use super::params::{Bracket, Rates};
use crate::enums::HospitalLevel;
use crate::error::ArithmeticError;
use crate::exact::Exact;
use crate::money::Money;
use crate::policy::CapMode;
use crate::record::Claim;

/// What settling one claim gives, for the ledger to take.
pub(super) struct Outcome {
    /// The five payments in chain order.
    pub paid: [Money; 5],
    /// `T − pay1 − … − pay5`.
    pub self_pay: Money,
    /// The person-year's sums with this claim.
    pub after: Sums,
    /// One step per layer when explaining (their `parameters` left empty:
    /// the ledger knows the policy and date to list them).
    pub steps: Option<Vec<LayerStep>>,
}

/// What a layer's trace step shows besides its amounts of fen.
struct Shown {
    applies: bool,
    base: Option<Exact>,
    rate: Option<Exact>,
    deductible: Option<Exact>,
    cap: Option<Exact>,
}

impl Shown {
    /// A layer that does not apply to the claim.
    fn not_applied() -> Shown {
        Shown {
            applies: false,
            base: None,
            rate: None,
            deductible: None,
            cap: None,
        }
    }
}

/// `max(0, x)`.
#[inline(always)]
fn pos(x: Exact) -> Exact {
    if x.is_positive() { x } else { Exact::ZERO }
}

/// `min(a, b)`.
#[inline(always)]
fn min(a: Exact, b: Exact) -> Exact {
    if b < a { b } else { a }
}

/// `max(a, b)`.
#[inline(always)]
fn max(a: Exact, b: Exact) -> Exact {
    if b > a { b } else { a }
}

/// A year-to-date sum in fen as an exact amount.
#[inline]
fn ytd(fen: i64) -> Exact {
    Exact::fen(fen)
}

/// `a − paid` for a year-to-date sum `paid` in fen: `a` itself while
/// nothing has been paid (a person-year's first claim, most of them).
#[inline(always)]
fn less_paid(a: Exact, paid: i64, operation: &'static str) -> Result<Exact, ArithmeticError> {
    if paid == 0 {
        Ok(a)
    } else {
        a.sub(ytd(paid), operation)
    }
}

/// `sum + x`, in fen.
#[inline]
fn add_fen(sum: i64, x: i64, operation: &'static str) -> Result<i64, ArithmeticError> {
    sum.checked_add(x).ok_or(ArithmeticError { operation })
}

/// `round_fen(min(a, b))`, as `min(round_fen(a), round_fen(b))`: rounding
/// is monotone, so the two are equal, and a cap or room of whole fen (an
/// amount of at most two decimals less a sum of fen) rounds to itself at
/// no cost, so the comparison is between two amounts of fen rather than
/// one of the product's many decimals.
#[inline(always)]
fn round_fen_of_min(a: Exact, b: Exact, operation: &'static str) -> Result<Exact, ArithmeticError> {
    Ok(min(a.round_fen(operation)?, b.round_fen(operation)?))
}

/// What a cumulative layer makes due: `round_fen(X_ytd) − paid_ytd_before`,
/// never below 0 (given `round_fen(X_ytd)`).
#[inline(always)]
fn cumulative(rounded_x_ytd: Exact, paid_before: i64) -> Result<Exact, ArithmeticError> {
    Ok(pos(less_paid(
        rounded_x_ytd,
        paid_before,
        "cumulative payment",
    )?))
}

/// Layer 1, basic medical insurance, per stay:
/// `pay1 = round_fen(min(max(0, E − d) × r, max(0, basic.annual_cap − paid1_ytd)))`.
#[inline(always)]
fn basic(
    run: &mut Run,
    rates: &Rates,
    level: HospitalLevel,
    p: bool,
    after: &mut Sums,
) -> Result<Money, ArithmeticError> {
    let e = ytd(run.left);
    let basic = rates.basic(level, p).ok_or(ArithmeticError {
        operation: "basic deductible",
    })?;
    let (d, r) = (basic.deductible.clone()?, basic.rate.clone()?);
    let cap = rates.basic_annual_cap;
    let x = pos(e.sub(d, "basic base")?).mul(r, "basic amount")?;
    let room = pos(less_paid(cap, after.basic_paid, "basic cap")?);
    let due = round_fen_of_min(x, room, "basic amount")?;
    run.pay("basic", due, &mut after.basic_paid, "basic ytd", || Shown {
        applies: true,
        base: Some(e),
        rate: Some(r),
        deductible: Some(d),
        cap: Some(cap),
    })
}

/// `f(over)` of the critical layer: Σᵢ rateᵢ × (the part of `over` inside
/// bracket i); also the marginal rate (of the bracket `over` ends in; at a
/// bound, the one below it).
#[inline(always)]
fn brackets(brackets: &[Bracket], over: Exact) -> Result<(Exact, Exact), ArithmeticError> {
    // Nothing above the deductible: nothing, at the first bracket's rate.
    if !over.is_positive() {
        let first = brackets.first().map(|b| b.rate.clone()).transpose()?;
        return Ok((Exact::ZERO, first.unwrap_or(Exact::ZERO)));
    }
    // Σ from the first part on (a zero of another scale would cost an
    // alignment on every claim).
    let mut total: Option<Exact> = None;
    let mut marginal = Exact::ZERO;
    let mut iter = brackets.iter().enumerate().peekable();
    while let Some((i, b)) = iter.next() {
        if over < b.from {
            break;
        }
        let rate = b.rate.clone()?;
        let top = match iter.peek() {
            Some((_, next)) => min(over, next.from),
            None => over,
        };
        let inside = pos(top.sub(b.from, "critical bracket")?);
        // `over` ends in the first bracket, or in one it reaches into.
        if i == 0 || inside.is_positive() {
            marginal = rate;
        }
        let part = inside.mul(rate, "critical bracket")?;
        total = Some(match total {
            Some(t) => t.add(part, "critical sum")?,
            None => part,
        });
    }
    let total = total.unwrap_or(Exact::ZERO);
    Ok((total, marginal))
}

/// Layer 2, critical-illness insurance, annual cumulative, on every claim:
/// `B_ytd` = Σ (E − pay1) including this claim;
/// `X_ytd = min(f(max(0, B_ytd − D)), cap)`, no cap when `p`.
#[inline(always)]
fn critical(
    run: &mut Run,
    rates: &Rates,
    p: bool,
    after: &mut Sums,
) -> Result<Money, ArithmeticError> {
    after.critical_base = add_fen(after.critical_base, run.left, "critical base")?;
    let b_ytd = ytd(after.critical_base);
    let critical = rates.critical(p);
    let d = critical.deductible.clone()?;
    let (f, marginal) = brackets(&critical.brackets, pos(b_ytd.sub(d, "critical base")?))?;
    let cap = (!p).then_some(rates.critical_annual_cap);
    // round_fen(X_ytd)
    let x_ytd = match cap {
        Some(cap) => round_fen_of_min(f, cap, "critical amount")?,
        None => f.round_fen("critical amount")?,
    };
    let due = cumulative(x_ytd, after.critical_paid)?;
    run.pay(
        "critical",
        due,
        &mut after.critical_paid,
        "critical ytd",
        || Shown {
            applies: true,
            base: Some(b_ytd),
            rate: Some(marginal),
            deductible: Some(d),
            cap,
        },
    )
}

/// Layer 3, supplementary insurance, annual cumulative, only when `p` and
/// `supplementary.rate > 0`: `R_ytd` = Σ (E − pay1 − pay2) over those
/// claims; `X_ytd = min(max(0, R_ytd − deductible) × rate, annual_cap)`.
#[inline(always)]
fn supplementary(
    run: &mut Run,
    rates: &Rates,
    p: bool,
    after: &mut Sums,
) -> Result<Money, ArithmeticError> {
    let (rule, ytd_op) = ("supplementary", "supplementary ytd");
    let Some(s) = rates.supplementary.as_ref().filter(|_| p) else {
        let paid = &mut after.supplementary_paid;
        return run.pay(rule, Exact::ZERO, paid, ytd_op, Shown::not_applied);
    };
    after.supplementary_base = add_fen(after.supplementary_base, run.left, "supplementary base")?;
    let r_ytd = ytd(after.supplementary_base);
    let over = pos(r_ytd.sub(s.deductible, "supplementary base")?);
    let x = over.mul(s.rate, "supplementary amount")?;
    // round_fen(X_ytd)
    let x_ytd = round_fen_of_min(x, s.annual_cap, "supplementary amount")?;
    let due = cumulative(x_ytd, after.supplementary_paid)?;
    run.pay(rule, due, &mut after.supplementary_paid, ytd_op, || Shown {
        applies: true,
        base: Some(r_ytd),
        rate: Some(s.rate),
        deductible: Some(s.deductible),
        cap: Some(s.annual_cap),
    })
}

/// Layer 4, medical assistance, per stay, only when `p`:
/// `pay4 = round_fen(min(left × rate, max(0, ceiling − paid4_ytd)))`.
#[inline(always)]
fn assistance(
    run: &mut Run,
    rates: &Rates,
    p: bool,
    m: bool,
    after: &mut Sums,
) -> Result<Money, ArithmeticError> {
    let (rule, ytd_op) = ("assistance", "assistance ytd");
    if !p {
        let paid = &mut after.assistance_paid;
        return run.pay(rule, Exact::ZERO, paid, ytd_op, Shown::not_applied);
    }
    let left = ytd(run.left);
    let assistance = rates.assistance(m);
    let (rate, ceiling) = (assistance.rate.clone()?, assistance.ceiling);
    let room = pos(less_paid(
        ceiling,
        after.assistance_paid,
        "assistance ceiling",
    )?);
    let x = left.mul(rate, "assistance amount")?;
    let due = round_fen_of_min(x, room, "assistance amount")?;
    run.pay(rule, due, &mut after.assistance_paid, ytd_op, || Shown {
        applies: true,
        base: Some(left),
        rate: Some(rate),
        deductible: None,
        cap: Some(ceiling),
    })
}

/// Layer 5, the government backstop, annual cumulative over the claims it
/// applies to (enabled, `p`, backstop-eligible, not out of region):
/// `cap = combine(self_pay_ratio × E_ytd, annual_self_pay_cap)`,
/// `pay5 = max(0, round_fen(R_ytd − cap) − paid5_ytd_before)`.
#[inline(always)]
fn backstop(
    run: &mut Run,
    rates: &Rates,
    claim: &Claim,
    p: bool,
    e: i64,
    after: &mut Sums,
) -> Result<Money, ArithmeticError> {
    let (rule, ytd_op) = ("backstop", "backstop ytd");
    let applies =
        p && claim.backstop_eligible && claim.hospital_level != HospitalLevel::OutOfRegion;
    let Some(b) = rates.backstop.as_ref().filter(|_| applies) else {
        let paid = &mut after.backstop_paid;
        return run.pay(rule, Exact::ZERO, paid, ytd_op, Shown::not_applied);
    };
    after.backstop_claims = after.backstop_claims.saturating_add(1);
    after.backstop_in_policy = add_fen(after.backstop_in_policy, e, "backstop in-policy cost")?;
    after.backstop_remainder = add_fen(after.backstop_remainder, run.left, "backstop remainder")?;
    let (e_ytd, r_ytd) = (ytd(after.backstop_in_policy), ytd(after.backstop_remainder));
    let by_ratio = e_ytd.mul(b.self_pay_ratio, "backstop cap")?;
    let cap = match b.cap_mode {
        CapMode::Min => min(by_ratio, b.annual_self_pay_cap),
        CapMode::Max => max(by_ratio, b.annual_self_pay_cap),
    };
    let target = r_ytd
        .sub(cap, "backstop excess")?
        .round_fen("backstop excess")?;
    let due = pos(less_paid(target, after.backstop_paid, "backstop payment")?);
    run.pay(rule, due, &mut after.backstop_paid, ytd_op, || Shown {
        applies: true,
        base: Some(r_ytd),
        rate: Some(b.self_pay_ratio),
        deductible: None,
        cap: Some(cap),
    })
}

/// The running state of one claim's chain: what the layers so far left of
/// its `E` (whole fen), and the trace when explaining.
struct Run {
    left: i64,
    steps: Option<Vec<LayerStep>>,
}

impl Run {
    /// Pays a layer on this claim: its `due`, at most what is left; adds
    /// the payment to the layer's year-to-date sum `paid_ytd` and returns
    /// it. When explaining, records the layer's step with what `shown`
    /// gives. (A due is a whole number of fen: a rounding, or one less a
    /// sum.)
    #[inline(always)]
    fn pay(
        &mut self,
        rule: &'static str,
        due: Exact,
        paid_ytd: &mut i64,
        operation: &'static str,
        shown: impl FnOnce() -> Shown,
    ) -> Result<Money, ArithmeticError> {
        let available = self.left;
        let due = if due.is_zero() {
            0
        } else {
            due.to_fen(operation)?
        };
        let paid = due.min(available);
        self.left = available.checked_sub(paid).ok_or(ArithmeticError {
            operation: "remainder",
        })?;
        let before = *paid_ytd;
        *paid_ytd = add_fen(before, paid, operation)?;
        if let Some(steps) = self.steps.as_mut() {
            steps.push(step(
                rule,
                shown(),
                [available, before, *paid_ytd, due, paid],
            )?);
        }
        Ok(Money::from_fen(paid))
    }
}

/// The trace step of a layer (the edge of the chain: `Decimal` fields),
/// with its fen amounts: available, ytd before and after, due and paid.
fn step(rule: &'static str, shown: Shown, fen: [i64; 5]) -> Result<LayerStep, ArithmeticError> {
    let exact = |x: Exact| x.to_decimal("trace");
    let opt = |x: Option<Exact>| x.map(exact).transpose();
    let [available, ytd_before, ytd_after, due, paid] = fen.map(|f| Decimal::new(f, 2));
    Ok(LayerStep {
        rule,
        applies: shown.applies,
        available,
        base: opt(shown.base)?,
        rate: opt(shown.rate)?,
        deductible: opt(shown.deductible)?,
        cap: opt(shown.cap)?,
        ytd_before,
        ytd_after,
        due,
        paid,
        parameters: Vec::new(),
    })
}

/// Settles `claim` on its person-year's sums `before` with the constants
/// of its admission date: the five layers in order, then self-pay.
pub(super) fn settle(
    rates: &Rates,
    claim: &Claim,
    before: &Sums,
    explain: bool,
) -> Result<Outcome, ArithmeticError> {
    let (p, m) = (before.registered_poor, before.major_illness);
    let money = |m: Money| m.fen().ok_or(ArithmeticError { operation: "claim" });
    let (t, e) = (money(claim.total_cost)?, money(claim.in_policy_cost)?);
    let mut after = *before;
    after.claims = after.claims.saturating_add(1);
    let mut run = Run {
        left: e,
        steps: explain.then(|| Vec::with_capacity(5)),
    };
    let pay1 = basic(&mut run, rates, claim.hospital_level, p, &mut after)?;
    let pay2 = critical(&mut run, rates, p, &mut after)?;
    let pay3 = supplementary(&mut run, rates, p, &mut after)?;
    let pay4 = assistance(&mut run, rates, p, m, &mut after)?;
    let pay5 = backstop(&mut run, rates, claim, p, e, &mut after)?;
    // 6. Self-pay: what the layers left of E, and O = T − E.
    let o = t.checked_sub(e).ok_or(ArithmeticError {
        operation: "out-of-policy cost",
    })?;
    let self_pay = add_fen(run.left, o, "self-pay")?;
    Ok(Outcome {
        paid: [pay1, pay2, pay3, pay4, pay5],
        self_pay: Money::from_fen(self_pay),
        after,
        steps: run.steps,
    })
}
