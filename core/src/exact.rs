//! The one arithmetic of the rules: [`Exact`], a decimal `m / 10^s` on an
//! `i128` mantissa, with every operation checked.
//!
//! Every formula of domain.md §1–§7 is written once, on this type. It is
//! exact rational arithmetic restricted to powers of ten in the denominator,
//! which is all the rules need: sums, differences and products of money
//! and parameters are such decimals, and the only divisions (by `N` and by
//! 12) are the last step before a rounding to the fen
//! ([`Exact::div_round_fen`]), done in integers.
//!
//! # Range
//!
//! Input money is below 10¹³ yuan (10¹⁵ fen, 50 bits); a parameter is a
//! `rust_decimal::Decimal` (a 96-bit mantissa, at most 28 decimals). The
//! mantissa holds 127 bits, so the sums of the rules (a handful of terms)
//! and the product of an amount with a parameter of up to 10 significant
//! digits stay exact. Where an operation would leave the `i128` range, or
//! more than 38 decimals, it returns an [`ArithmeticError`] and the record
//! fails with `out_of_range`: never a rounded or wrapped number. (Decimal
//! itself would round such a product to 28 digits without saying so.)
//!
//! Comparisons ([`Ord`]) are exact across scales, so a rule writes the law's
//! `pci ≤ line` as `pci <= line`.
//!
//! ```
//! use fupin_core::exact::Exact;
//! use rust_decimal::Decimal;
//! let d = |s: &str| Exact::from_decimal(s.parse::<Decimal>().unwrap());
//! // (4 560 − 4 500) × 4 / 12 = 20.00
//! let gap = d("4560").sub(d("4500.00"), "gap").unwrap();
//! let total = gap.mul(Exact::int(4), "benefit").unwrap();
//! assert_eq!(total.div_round_fen(12, "benefit").unwrap(), Exact::fen(2000));
//! // 0.01 × 6 / 12 = 0.005 → 0.01 (half away from zero, division last)
//! assert_eq!(Exact::fen(6).div_round_fen(12, "x").unwrap(), Exact::fen(1));
//! assert!(d("4000") == Exact::fen(400_000));
//! assert!(d("1.5").mul(d("4000"), "t").unwrap() > Exact::fen(599_999));
//! ```

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

use crate::error::ArithmeticError;
use crate::money::Money;

/// The most decimals an [`Exact`] keeps (10³⁸ is the largest power of ten
/// below `i128::MAX`).
pub const MAX_SCALE: u8 = 38;

/// `10^k` for `k` in `0..=38` (a constant: indexing is checked at compile time).
#[allow(clippy::indexing_slicing)]
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut k = 1;
    while k < 39 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

#[inline]
fn pow10(k: u8) -> Option<i128> {
    POW10.get(usize::from(k)).copied()
}

/// `v` when it fits an `i64` (every amount of money and most parameters).
#[inline(always)]
fn small(v: i128) -> Option<i64> {
    i64::try_from(v).ok()
}

/// `a × b`, checked. Two factors that fit an `i64` multiply in one machine
/// instruction and cannot overflow (|a × b| < 2¹²⁶): the usual case.
#[inline(always)]
fn mul_i128(a: i128, b: i128) -> Option<i128> {
    match (small(a), small(b)) {
        (Some(a), Some(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
    }
}

/// An exact decimal `m / 10^s` (see the [module](self)).
#[derive(Clone, Copy)]
pub struct Exact {
    m: i128,
    s: u8,
}

impl Exact {
    /// Zero (two decimals, as money).
    pub const ZERO: Exact = Exact { m: 0, s: 2 };
    /// One.
    pub const ONE: Exact = Exact { m: 1, s: 0 };

    /// `fen` hundredths of a yuan.
    #[inline]
    pub const fn fen(fen: i64) -> Exact {
        Exact {
            m: fen as i128,
            s: 2,
        }
    }

    /// A whole number.
    #[inline]
    pub const fn int(n: i64) -> Exact {
        Exact { m: n as i128, s: 0 }
    }

    /// A count (household size, covered persons).
    #[inline]
    pub fn count(n: usize) -> Exact {
        // usize is at most 64 bits: it always fits.
        Exact {
            m: i128::try_from(n).unwrap_or(i128::MAX),
            s: 0,
        }
    }

    /// A decimal, exactly (its 96-bit mantissa and scale ≤ 28 always fit).
    #[inline]
    pub fn from_decimal(d: Decimal) -> Exact {
        Exact {
            m: d.mantissa(),
            // rust_decimal's scale is at most 28.
            s: u8::try_from(d.scale()).unwrap_or(MAX_SCALE),
        }
    }

    /// An amount of money, exactly.
    #[inline]
    pub fn from_money(m: Money) -> Exact {
        Exact::from_decimal(m.as_decimal())
    }

    /// The same value with the fewest decimals (trailing zeros dropped).
    pub fn normalized(self) -> Exact {
        let (mut m, mut s) = (self.m, self.s);
        while s > 0 && m % 10 == 0 {
            m /= 10;
            s -= 1;
        }
        Exact { m, s }
    }

    /// The value as a `Decimal`, when it fits one exactly (96-bit
    /// mantissa, at most 28 decimals, after dropping trailing zeros).
    pub fn to_decimal(self, operation: &'static str) -> Result<Decimal, ArithmeticError> {
        let e = if self.s > 28 { self.normalized() } else { self };
        Decimal::try_from_i128_with_scale(e.m, u32::from(e.s))
            .map_err(|_| ArithmeticError { operation })
    }

    /// The value in whole fen when it has at most two decimals and fits an
    /// `i64` (every rounded result of a rule does).
    #[inline]
    pub fn to_fen(self, operation: &'static str) -> Result<i64, ArithmeticError> {
        let err = || ArithmeticError { operation };
        if self.s == 2 {
            return small(self.m).ok_or_else(err);
        }
        let m = if self.s <= 2 {
            self.m
                .checked_mul(pow10(2 - self.s).ok_or_else(err)?)
                .ok_or_else(err)?
        } else {
            let e = self.normalized();
            if e.s > 2 {
                return Err(err());
            }
            e.m.checked_mul(pow10(2 - e.s).ok_or_else(err)?)
                .ok_or_else(err)?
        };
        i64::try_from(m).map_err(|_| err())
    }

    /// The value as published money: rounded to the fen half away from
    /// zero, then as [`Money`] (when it fits an `i64` of fen).
    #[inline]
    pub fn to_money(self, operation: &'static str) -> Result<Money, ArithmeticError> {
        // The usual figure is already whole fen.
        if self.s == 2
            && let Some(fen) = small(self.m)
        {
            return Ok(Money::from_fen(fen));
        }
        Ok(Money::from_fen(
            self.round_fen(operation)?.to_fen(operation)?,
        ))
    }

    /// `true` for zero.
    #[inline]
    pub fn is_zero(self) -> bool {
        self.m == 0
    }

    /// `true` above zero.
    #[inline]
    pub fn is_positive(self) -> bool {
        self.m > 0
    }

    /// The two mantissas at a common scale, or `None` when raising one
    /// leaves the range.
    #[inline]
    fn aligned(self, o: Exact) -> Option<(i128, i128, u8)> {
        match self.s.cmp(&o.s) {
            Ordering::Equal => Some((self.m, o.m, self.s)),
            Ordering::Less => Some((mul_i128(self.m, pow10(o.s - self.s)?)?, o.m, o.s)),
            Ordering::Greater => Some((self.m, mul_i128(o.m, pow10(self.s - o.s)?)?, self.s)),
        }
    }

    /// `self + o`.
    #[inline]
    pub fn add(self, o: Exact, operation: &'static str) -> Result<Exact, ArithmeticError> {
        self.aligned(o)
            .and_then(|(a, b, s)| {
                Some(Exact {
                    m: a.checked_add(b)?,
                    s,
                })
            })
            .ok_or(ArithmeticError { operation })
    }

    /// `self − o`.
    #[inline]
    pub fn sub(self, o: Exact, operation: &'static str) -> Result<Exact, ArithmeticError> {
        self.aligned(o)
            .and_then(|(a, b, s)| {
                Some(Exact {
                    m: a.checked_sub(b)?,
                    s,
                })
            })
            .ok_or(ArithmeticError { operation })
    }

    /// `self × o`, exact; past 38 decimals or the mantissa's range the
    /// operands' trailing zeros are dropped first, then it is an error.
    #[inline]
    pub fn mul(self, o: Exact, operation: &'static str) -> Result<Exact, ArithmeticError> {
        // A zero factor (an empty layer, a household with no such member)
        // gives zero at once, whatever the other's decimals.
        if self.is_zero() || o.is_zero() {
            return Ok(Exact::ZERO);
        }
        let product = |a: Exact, b: Exact| {
            let s = a.s.checked_add(b.s).filter(|&s| s <= MAX_SCALE)?;
            Some(Exact {
                m: mul_i128(a.m, b.m)?,
                s,
            })
        };
        product(self, o)
            .or_else(|| product(self.normalized(), o.normalized()))
            .ok_or(ArithmeticError { operation })
    }

    /// The value rounded to the fen, half away from zero (四舍五入).
    #[inline]
    pub fn round_fen(self, operation: &'static str) -> Result<Exact, ArithmeticError> {
        if self.s <= 2 {
            return Ok(self);
        }
        if self.is_zero() {
            return Ok(Exact::ZERO);
        }
        let d = pow10(self.s - 2).ok_or(ArithmeticError { operation })?;
        Ok(Exact {
            m: div_round(self.m, d),
            s: 2,
        })
    }

    /// `round_fen(self / n)` for `n > 0`: the division is exact rational
    /// arithmetic and the rounding (half away from zero) the only one.
    #[inline]
    pub fn div_round_fen(self, n: i64, operation: &'static str) -> Result<Exact, ArithmeticError> {
        let err = ArithmeticError { operation };
        if n <= 0 {
            return Err(err);
        }
        let n = i128::from(n);
        let (num, den) = if self.s <= 2 {
            let up = pow10(2 - self.s).ok_or(err.clone())?;
            (mul_i128(self.m, up).ok_or(err.clone())?, n)
        } else {
            let down = pow10(self.s - 2).ok_or(err.clone())?;
            (self.m, mul_i128(n, down).ok_or(err)?)
        };
        Ok(Exact {
            m: div_round(num, den),
            s: 2,
        })
    }
}

/// `num / den` rounded half away from zero, for `den > 0`; in `i64` (a
/// machine division, not a 128-bit routine) when both fit.
#[inline]
fn div_round(num: i128, den: i128) -> i128 {
    if let (Some(n), Some(d)) = (small(num), small(den)) {
        let (q, r) = (n / d, n % d);
        let ra = r.unsigned_abs();
        return i128::from(if ra >= d.unsigned_abs() - ra {
            if n < 0 { q - 1 } else { q + 1 }
        } else {
            q
        });
    }
    // A wide numerator over a divisor below 2³² (10⁹ and less: the usual
    // rounding of a product to the fen): long division by 32-bit limbs,
    // four machine divisions instead of a 128-bit division routine.
    if let Ok(d) = u32::try_from(den) {
        let (q, r) = div_limbs(num.unsigned_abs(), d);
        let q = if r >= d - r { q + 1 } else { q };
        // q ≤ |num| / 2 + 1 (d ≥ 2 when anything is left), so it fits.
        let q = i128::try_from(q).unwrap_or(i128::MAX);
        return if num < 0 { -q } else { q };
    }
    let (q, r) = (num / den, num % den);
    // |r| ≥ den − |r| ⇔ 2|r| ≥ den, without overflowing 2|r|.
    let ra = r.unsigned_abs();
    if ra >= den.unsigned_abs() - ra {
        if num < 0 { q - 1 } else { q + 1 }
    } else {
        q
    }
}

/// `n / d` and `n % d` for a divisor below 2³², by 32-bit limbs (`d > 0`).
#[inline]
fn div_limbs(n: u128, d: u32) -> (u128, u32) {
    let d = u64::from(d);
    let mut q = 0u128;
    let mut r = 0u64;
    for shift in [96u32, 64, 32, 0] {
        // r < d < 2³², so the partial dividend fits a u64.
        let part = (r << 32) | ((n >> shift) as u64 & 0xFFFF_FFFF);
        q |= u128::from(part / d) << shift;
        r = part % d;
    }
    (q, u32::try_from(r).unwrap_or(0))
}

impl Ord for Exact {
    /// Exact comparison of the two values, whatever their scales.
    #[inline]
    fn cmp(&self, o: &Exact) -> Ordering {
        match self.aligned(*o) {
            Some((a, b, _)) => a.cmp(&b),
            // Raising the operand of fewer decimals overflowed: its
            // magnitude is beyond any i128, so its sign decides.
            None => {
                if self.s < o.s {
                    self.m.cmp(&0)
                } else {
                    0.cmp(&o.m)
                }
            }
        }
    }
}

impl PartialOrd for Exact {
    #[inline]
    fn partial_cmp(&self, o: &Exact) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl PartialEq for Exact {
    /// Equal values are equal whatever their scales (`4000 == 4000.00`).
    #[inline]
    fn eq(&self, o: &Exact) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl From<Money> for Exact {
    fn from(m: Money) -> Exact {
        Exact::from_money(m)
    }
}

impl From<Decimal> for Exact {
    fn from(d: Decimal) -> Exact {
        Exact::from_decimal(d)
    }
}

impl fmt::Display for Exact {
    /// The decimal text, with all its decimals (`-12.340`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.m.unsigned_abs().to_string();
        let s = usize::from(self.s);
        let sign = if self.m < 0 { "-" } else { "" };
        if s == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = s + 1);
        let (int, frac) = padded.split_at(padded.len() - s);
        write!(f, "{sign}{int}.{frac}")
    }
}

impl fmt::Debug for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Exact({self})")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use num_bigint::BigInt;
    use proptest::prelude::*;

    /// The exact rational value `m / 10^s` as (numerator, denominator).
    fn rational(e: Exact) -> (BigInt, BigInt) {
        (BigInt::from(e.m), BigInt::from(10).pow(u32::from(e.s)))
    }

    /// `a/b` rounded half away from zero, by big integers (b > 0).
    fn round_half_away(a: &BigInt, b: &BigInt) -> BigInt {
        let mag = BigInt::from((a.magnitude() * 2u32 + b.magnitude()) / (b.magnitude() * 2u32));
        if a.sign() == num_bigint::Sign::Minus {
            -mag
        } else {
            mag
        }
    }

    fn arb_exact() -> impl Strategy<Value = Exact> {
        prop_oneof![
            // money in fen, up to 10^13 yuan, either sign
            (-1_000_000_000_000_000i64..1_000_000_000_000_000).prop_map(Exact::fen),
            // odd parameters: up to 28 decimals, up to 96 bits
            (any::<i64>(), 0u8..=28).prop_map(|(m, s)| Exact {
                m: i128::from(m),
                s
            }),
            (any::<u32>(), 0u8..=12).prop_map(|(m, s)| Exact {
                m: i128::from(m),
                s
            }),
            (-5i128..5, 0u8..=4).prop_map(|(m, s)| Exact { m, s }),
        ]
    }

    #[test]
    fn pow10_table_is_powers_of_ten() {
        for (k, p) in POW10.iter().enumerate() {
            assert_eq!(
                BigInt::from(*p),
                BigInt::from(10).pow(u32::try_from(k).unwrap())
            );
        }
    }

    /// Worked by hand: 1001 fen / 2 = 500.5 → 501; −1001 / 2 → −501;
    /// 1000 / 3 = 333.3 → 333; 2 / 3 = 0.67 → 1; −1 / 3 → 0;
    /// 0.005 → 0.01 and −0.005 → −0.01.
    #[test]
    fn rounding_worked_by_hand() {
        let q = |f: i64, n: i64| {
            Exact::fen(f)
                .div_round_fen(n, "t")
                .unwrap()
                .to_fen("t")
                .unwrap()
        };
        assert_eq!(q(1001, 2), 501);
        assert_eq!(q(-1001, 2), -501);
        assert_eq!(q(1000, 3), 333);
        assert_eq!(q(2, 3), 1);
        assert_eq!(q(-1, 3), 0);
        let r = |m: i128, s: u8| Exact { m, s }.round_fen("t").unwrap().to_fen("t").unwrap();
        assert_eq!(r(5, 3), 1);
        assert_eq!(r(-5, 3), -1);
        assert_eq!(r(4, 3), 0);
        assert!(Exact::fen(5).div_round_fen(0, "t").is_err());
    }

    proptest! {
        /// Long division by 32-bit limbs is `u128` division.
        #[test]
        fn limb_division_is_division(n in any::<u128>(), d in 1u32..) {
            let (q, r) = div_limbs(n, d);
            prop_assert_eq!(q, n / u128::from(d));
            prop_assert_eq!(u128::from(r), n % u128::from(d));
        }
    }

    #[test]
    fn display_shows_every_decimal() {
        assert_eq!(Exact { m: -12340, s: 3 }.to_string(), "-12.340");
        assert_eq!(Exact { m: 5, s: 3 }.to_string(), "0.005");
        assert_eq!(Exact::int(-7).to_string(), "-7");
    }

    /// Comparing across an overflowing alignment: 10^30 (scale 0) against
    /// a number of 38 decimals.
    #[test]
    fn comparison_past_the_alignment_range_is_still_exact() {
        let big = Exact {
            m: 10i128.pow(30),
            s: 0,
        };
        let tiny = Exact { m: 1, s: 38 };
        assert!(big > tiny);
        assert_eq!(tiny.cmp(&big), Ordering::Less);
        let neg = Exact {
            m: -(10i128.pow(30)),
            s: 0,
        };
        assert!(neg < tiny);
        assert_eq!(tiny.cmp(&neg), Ordering::Greater);
    }

    proptest! {
        /// Sum, difference and product are the exact rational ones, or an
        /// error (never a wrong number).
        #[test]
        fn operations_are_exact_or_refused(a in arb_exact(), b in arb_exact()) {
            let ((an, ad), (bn, bd)) = (rational(a), rational(b));
            if let Ok(s) = a.add(b, "t") {
                let (sn, sd) = rational(s);
                prop_assert_eq!(&sn * &ad * &bd, (&an * &bd + &bn * &ad) * &sd);
            }
            if let Ok(s) = a.sub(b, "t") {
                let (sn, sd) = rational(s);
                prop_assert_eq!(&sn * &ad * &bd, (&an * &bd - &bn * &ad) * &sd);
            }
            match a.mul(b, "t") {
                Ok(p) => {
                    let (pn, pd) = rational(p);
                    prop_assert_eq!(&pn * &ad * &bd, &an * &bn * &pd);
                }
                // Refused only when the exact product needs more than an
                // i128 mantissa at 38 decimals.
                Err(_) => {
                    let n = a.normalized();
                    let o = b.normalized();
                    let fits = n.m.checked_mul(o.m).is_some() && n.s + o.s <= MAX_SCALE;
                    prop_assert!(!fits);
                }
            }
            // Order is the rationals' order.
            let want = (&an * &bd).cmp(&(&bn * &ad));
            prop_assert_eq!(a.cmp(&b), want);
        }

        /// `div_round_fen` is round-half-away-from-zero of the exact
        /// quotient, for money and for odd decimals.
        #[test]
        fn division_rounds_the_exact_quotient_once(a in arb_exact(), n in 1i64..=10_000) {
            let (an, ad) = rational(a);
            let got = a.div_round_fen(n, "t");
            if let Ok(q) = got {
                // q = round(a / n × 100) fen
                let want = round_half_away(&(an * 100), &(ad * BigInt::from(n)));
                prop_assert_eq!(BigInt::from(q.to_fen("t").unwrap()), want);
            }
        }

        /// Rounding is idempotent, and `round_fen` is the exact rounding.
        #[test]
        fn rounding_is_exact_and_idempotent(a in arb_exact()) {
            let r = a.round_fen("t").unwrap();
            prop_assert_eq!(r.round_fen("t").unwrap(), r);
            let (an, ad) = rational(a);
            let want = round_half_away(&(an * 100), &ad);
            prop_assert_eq!(BigInt::from(r.m) * BigInt::from(10).pow(u32::from(2 - r.s.min(2))), want);
        }

        /// `from_decimal` and `to_decimal` keep the value.
        #[test]
        fn decimals_convert_both_ways(m in any::<i64>(), s in 0u32..=28) {
            let d = Decimal::new(m, s);
            let e = Exact::from_decimal(d);
            prop_assert_eq!(e.to_decimal("t").unwrap(), d);
        }
    }
}
