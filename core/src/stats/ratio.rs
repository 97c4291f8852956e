//! Exact ratios (domain.md §8): incidence and assessment rates are compared
//! as exact rationals and shown as percentages with two decimals, rounded
//! half away from zero, without ever rounding twice.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

/// `num / den` kept exact (both non-negative decimals, `den > 0` for a value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    /// Numerator.
    pub num: Decimal,
    /// Denominator.
    pub den: Decimal,
}

/// Scales two decimals to integers with a common scale.
fn integers(a: Decimal, b: Decimal) -> Option<(i128, i128)> {
    let scale = a.scale().max(b.scale());
    let mut a = a;
    let mut b = b;
    a.rescale(scale);
    b.rescale(scale);
    if a.scale() != scale || b.scale() != scale {
        return None;
    }
    Some((a.mantissa(), b.mantissa()))
}

impl Ratio {
    /// `num / den`.
    pub fn new(num: impl Into<Decimal>, den: impl Into<Decimal>) -> Ratio {
        Ratio {
            num: num.into(),
            den: den.into(),
        }
    }

    /// `true` when the denominator is zero (no value).
    pub fn is_undefined(&self) -> bool {
        self.den.is_zero()
    }

    /// Exact comparison with a decimal threshold: `num / den` vs `t`, by
    /// cross-multiplication (`den > 0`). `None` when undefined.
    pub fn cmp_to(&self, t: Decimal) -> Option<Ordering> {
        if self.den <= Decimal::ZERO {
            return None;
        }
        let rhs = t.checked_mul(self.den)?;
        Some(self.num.cmp(&rhs))
    }

    /// `num / den < t`, exactly.
    pub fn lt(&self, t: Decimal) -> Option<bool> {
        self.cmp_to(t).map(|o| o == Ordering::Less)
    }

    /// `num / den ≥ t`, exactly.
    pub fn ge(&self, t: Decimal) -> Option<bool> {
        self.cmp_to(t).map(|o| o != Ordering::Less)
    }

    /// The ratio as a percentage rounded once to two decimals, half away
    /// from zero (`3/7` → `42.86`). `None` when undefined or out of range.
    pub fn percent(&self) -> Option<Decimal> {
        let (n, d) = integers(self.num, self.den)?;
        if d == 0 {
            return None;
        }
        // percent × 100 = n × 10 000 / d, rounded half away from zero.
        let n = n.checked_mul(10_000)?;
        let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
        let q = n / d;
        let r = n % d;
        let twice = r.checked_abs()?.checked_mul(2)?;
        let q = if twice >= d { q + n.signum() } else { q };
        let mut p = Decimal::try_from_i128_with_scale(q, 2).ok()?;
        if p.is_zero() {
            p = Decimal::new(0, 2);
        }
        Some(p)
    }
}

impl fmt::Display for Ratio {
    /// `42.86%`, or `—` when undefined.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.percent() {
            Some(p) => write!(f, "{p}%"),
            None => f.write_str("—"),
        }
    }
}

impl Serialize for Ratio {
    /// The percentage with two decimals, as a string (`"42.86"`), or null.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.percent() {
            Some(p) => s.collect_str(&p),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn percentages_round_once_half_away_from_zero() {
        assert_eq!(Ratio::new(3, 7).percent(), Some(d("42.86"))); // 42.857…
        assert_eq!(Ratio::new(1, 8).percent(), Some(d("12.50")));
        assert_eq!(Ratio::new(1, 80000).percent(), Some(d("0.00"))); // 0.00125 %
        assert_eq!(Ratio::new(1, 40000).percent(), Some(d("0.00"))); // 0.0025 % → 0.00
        assert_eq!(Ratio::new(1, 20000).percent(), Some(d("0.01"))); // 0.005 % → 0.01
        assert_eq!(Ratio::new(d("248.1"), 8273).percent(), Some(d("3.00"))); // 2.9989…
        assert_eq!(Ratio::new(0, 5).percent().unwrap().to_string(), "0.00");
        assert_eq!(Ratio::new(1, 0).percent(), None);
    }

    #[test]
    fn comparisons_are_exact() {
        // 3 % of 8273 is 248.19: 248 persons are below, 249 are not.
        assert_eq!(Ratio::new(248, 8273).lt(d("0.03")), Some(true));
        assert_eq!(Ratio::new(249, 8273).lt(d("0.03")), Some(false));
        // Exactly 3 % is not below 3 %.
        assert_eq!(Ratio::new(3, 100).lt(d("0.03")), Some(false));
        assert_eq!(Ratio::new(9, 10).ge(d("0.90")), Some(true));
        assert_eq!(Ratio::new(1, 0).lt(d("0.03")), None);
    }
}
