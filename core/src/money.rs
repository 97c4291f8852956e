//! Exact money: yuan as [`rust_decimal::Decimal`], rounded to the fen only
//! where the rules say (interfaces.md §1).
//!
//! * Input: a string or JSON number matching `[0-9]+(\.[0-9]{1,2})?`, below
//!   10¹³ yuan, read from its decimal text (never through `f64`).
//! * Rounding: [`round_fen`], half away from zero (四舍五入).
//! * Output: a string with exactly two decimals, never `"-0.00"`.
//! * Arithmetic: checked; overflow is an [`ArithmeticError`], not a panic.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{ArithmeticError, ErrorCode, tag_serde_message};

/// The smallest amount that is refused on input: 10¹³ yuan.
pub const INPUT_LIMIT: Decimal = Decimal::from_parts(1_316_134_912, 2_328, 0, false, 0);

/// Rounds to the fen (0.01 yuan), half away from zero; never returns `-0`.
///
/// ```
/// use rust_decimal::Decimal;
/// use fupin_core::money::round_fen;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// assert_eq!(round_fen(d("0.005")), d("0.01"));
/// assert_eq!(round_fen(d("-0.005")), d("-0.01"));
/// assert_eq!(round_fen(d("-0.004")).to_string(), "0.00");
/// ```
pub fn round_fen(x: Decimal) -> Decimal {
    // Most amounts already have at most two decimals: rounding them is the
    // identity, so skip it (a fifth of the entitlement rule's instructions).
    let mut r = if x.scale() <= 2 {
        x
    } else {
        x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    };
    if r.is_zero() {
        r = Decimal::ZERO;
    }
    if r.scale() != 2 {
        // A whole or one-decimal amount (a parameter, a count times one)
        // scaled by hand: `rescale` was most of rounding such amounts.
        match decimal_fen(r) {
            Some(fen) => r = Decimal::new(fen, 2),
            None => r.rescale(2),
        }
    }
    r
}

/// `d` in whole fen when it has at most two decimals and that fits an
/// `i64` (always for input money and the built-in parameters); `None`
/// otherwise, and the caller takes its decimal path.
///
/// ```
/// use rust_decimal::Decimal;
/// use fupin_core::money::decimal_fen;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// assert_eq!(decimal_fen(d("4560")), Some(456_000));
/// assert_eq!(decimal_fen(d("-0.5")), Some(-50));
/// assert_eq!(decimal_fen(d("0.125")), None);
/// ```
pub fn decimal_fen(d: Decimal) -> Option<i64> {
    let m = i64::try_from(d.mantissa()).ok()?;
    match d.scale() {
        2 => Some(m),
        1 => m.checked_mul(10),
        0 => m.checked_mul(100),
        _ => None,
    }
}

/// An amount of money in yuan, with at most two decimals.
///
/// Holds a published amount (input, or a result rounded by [`round_fen`]);
/// intermediate values of a rule are plain [`Decimal`]s at full precision.
/// May be negative (a household's net income can be), but input money never is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Default for Money {
    fn default() -> Self {
        Money::ZERO
    }
}

/// Why a money text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyParseError {
    /// Not `[0-9]+(\.[0-9]{1,2})?` (sign, exponent, spaces, more than two decimals …).
    Form,
    /// 10¹³ yuan or more.
    TooLarge,
}

impl fmt::Display for MoneyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyParseError::Form => f.write_str(
                "money must be a non-negative amount of yuan with at most two decimals, \
                 like \"1234.50\"",
            ),
            MoneyParseError::TooLarge => f.write_str("money must be below 10^13 yuan"),
        }
    }
}

impl std::error::Error for MoneyParseError {}

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Parses input money strictly (interfaces.md §1).
    ///
    /// ```
    /// use fupin_core::Money;
    /// assert_eq!(Money::parse("1234.5").unwrap().to_string(), "1234.50");
    /// assert!(Money::parse("1.005").is_err());
    /// assert!(Money::parse("-1").is_err());
    /// assert!(Money::parse("1e3").is_err());
    /// assert!(Money::parse("10000000000000").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Money, MoneyParseError> {
        let bytes = text.as_bytes();
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if bytes.is_empty() || !digits(int) {
            return Err(MoneyParseError::Form);
        }
        if let Some(f) = frac
            && (!digits(f) || f.len() > 2)
        {
            return Err(MoneyParseError::Form);
        }
        // At most 13 significant integer digits can be below 10^13.
        let significant = int.trim_start_matches('0');
        if significant.len() > 13 {
            return Err(MoneyParseError::TooLarge);
        }
        let d = Decimal::from_str(text).map_err(|_| MoneyParseError::Form)?;
        if d >= INPUT_LIMIT {
            return Err(MoneyParseError::TooLarge);
        }
        Ok(Money::from_decimal_rounded(d))
    }

    /// `cents` fen, below 10¹⁵ (input money checked by the fast household
    /// reader): the same value and scale as [`Money::parse`] of its text.
    pub(crate) fn from_cents(cents: u64) -> Money {
        let lo = (cents & 0xFFFF_FFFF) as u32;
        let mid = (cents >> 32) as u32;
        Money(Decimal::from_parts(lo, mid, 0, false, 2))
    }

    /// A published amount: `x` rounded to the fen ([`round_fen`]).
    pub fn from_decimal_rounded(x: Decimal) -> Money {
        Money(round_fen(x))
    }

    /// `fen` hundredths of a yuan (exact, scale 2).
    ///
    /// ```
    /// use fupin_core::Money;
    /// assert_eq!(Money::from_fen(2_140_050).to_string(), "21400.50");
    /// assert_eq!(Money::from_fen(0), Money::ZERO);
    /// ```
    #[inline]
    pub fn from_fen(fen: i64) -> Money {
        // The parts directly: `Decimal::new` checks the scale every time.
        let mag = fen.unsigned_abs();
        let (lo, mid) = ((mag & 0xFFFF_FFFF) as u32, (mag >> 32) as u32);
        Money(Decimal::from_parts(lo, mid, 0, fen < 0, 2))
    }

    /// The amount as a decimal (scale 2).
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// The amount in fen when that fits an `i64` (always for input money,
    /// below 10¹³ yuan): integer arithmetic on it is exact.
    ///
    /// ```
    /// use fupin_core::Money;
    /// assert_eq!(Money::from_fen(2_140_050).fen(), Some(2_140_050));
    /// ```
    pub fn fen(self) -> Option<i64> {
        // Scale 2 always (`round_fen`, `from_fen`); checked anyway.
        (self.0.scale() == 2)
            .then(|| i64::try_from(self.0.mantissa()).ok())
            .flatten()
    }

    /// Whole yuan, for tests and examples.
    pub fn yuan(n: i64) -> Money {
        Money::from_decimal_rounded(Decimal::from(n))
    }

    /// `self + other`, or an error on overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, ArithmeticError> {
        self.0
            .checked_add(other.0)
            .map(Money::from_decimal_rounded)
            .ok_or(ArithmeticError {
                operation: "money addition",
            })
    }

    /// `self − other`, or an error on overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money, ArithmeticError> {
        self.0
            .checked_sub(other.0)
            .map(Money::from_decimal_rounded)
            .ok_or(ArithmeticError {
                operation: "money subtraction",
            })
    }

    /// `true` if the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `true` if the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Scale is always 2 and zero is never negative (`round_fen`).
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.0)
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Decimal {
        m.0
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// serde_json's key for a number kept as text (`arbitrary_precision`).
const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

struct MoneyVisitor;

fn money_error<E: de::Error>(text: &str, e: MoneyParseError) -> E {
    E::custom(tag_serde_message(
        ErrorCode::InvalidMoney,
        &format!("invalid money {text:?}: {e}"),
    ))
}

fn parse_or_error<E: de::Error>(text: &str) -> Result<Money, E> {
    Money::parse(text).map_err(|e| money_error(text, e))
}

impl<'de> Visitor<'de> for MoneyVisitor {
    type Value = Money;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount of yuan as a string or number, like \"1234.50\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
        parse_or_error(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
        parse_or_error(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
        parse_or_error(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
        // Only formats without decimal number text get here; a binary float
        // is never turned into money.
        Err(E::custom(tag_serde_message(
            ErrorCode::InvalidMoney,
            &format!("invalid money {v}: a binary floating-point number is not exact money"),
        )))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Money, A::Error> {
        // serde_json with `arbitrary_precision` hands a number over as a
        // one-entry map holding its decimal text.
        match map.next_key::<String>()? {
            Some(k) if k == JSON_NUMBER_TOKEN => {
                let text: String = map.next_value()?;
                parse_or_error(&text)
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        d.deserialize_any(MoneyVisitor)
    }
}

/// Reads a computed amount back from its serialization (`"-1234.50"`): like
/// input money but signed and without the input limit, for results that may
/// be negative (a household's net income). At most two decimals.
pub(crate) fn deserialize_signed<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
    let text = String::deserialize(d)?;
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (int, frac) = match magnitude.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (magnitude, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let well_formed = digits(int) && frac.is_none_or(|f| digits(f) && f.len() <= 2);
    let value = well_formed
        .then(|| Decimal::from_str(magnitude).ok())
        .flatten()
        .ok_or_else(|| {
            de::Error::custom(tag_serde_message(
                ErrorCode::InvalidMoney,
                &format!("invalid amount {text:?}: expected yuan with at most two decimals"),
            ))
        })?;
    Ok(Money::from_decimal_rounded(if negative {
        -value
    } else {
        value
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    proptest! {
        /// `round_fen` agrees with rust_decimal's own rounding and
        /// rescaling (the reference) on amounts of 0 to 6 decimals, and
        /// `decimal_fen` reads back every amount of at most two decimals.
        #[test]
        fn round_fen_agrees_with_round_and_rescale(m in any::<i64>(), scale in 0u32..=6) {
            let x = Decimal::new(m, scale);
            let mut want = x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            if want.is_zero() {
                want = Decimal::ZERO;
            }
            want.rescale(2);
            let got = round_fen(x);
            prop_assert_eq!(got, want);
            prop_assert_eq!(got.scale(), 2);
            prop_assert_eq!(got.to_string(), want.to_string());
            if let Ok(fen) = i64::try_from(want.mantissa()) {
                prop_assert_eq!(decimal_fen(got), Some(fen));
            }
            if scale <= 2 {
                prop_assert_eq!(decimal_fen(x).map(|f| Decimal::new(f, 2)), m.checked_mul(10i64.pow(2 - scale)).map(|f| Decimal::new(f, 2)));
            } else {
                prop_assert_eq!(decimal_fen(x), None);
            }
        }
    }

    #[test]
    fn the_input_limit_is_ten_to_the_thirteenth() {
        assert_eq!(INPUT_LIMIT, d("10000000000000"));
    }

    #[test]
    fn accepted_forms() {
        for (text, shown) in [
            ("0", "0.00"),
            ("7", "7.00"),
            ("1234.5", "1234.50"),
            ("1234.56", "1234.56"),
            ("0007.10", "7.10"),
            ("9999999999999.99", "9999999999999.99"),
        ] {
            assert_eq!(Money::parse(text).unwrap().to_string(), shown, "{text}");
        }
    }

    #[test]
    fn refused_forms() {
        for text in [
            "", ".5", "5.", "-1", "+1", "1.005", "1.000", "1e3", "1E3", " 1", "1 ", "1,000", "NaN",
            "inf", "0x10", "١٢",
        ] {
            assert_eq!(Money::parse(text), Err(MoneyParseError::Form), "{text:?}");
        }
        for text in [
            "10000000000000",
            "10000000000000.00",
            "99999999999999999999999999999999",
        ] {
            assert_eq!(
                Money::parse(text),
                Err(MoneyParseError::TooLarge),
                "{text:?}"
            );
        }
    }

    #[test]
    fn json_numbers_are_read_from_their_text() {
        let m: Money = serde_json::from_str("1234.56").unwrap();
        assert_eq!(m.to_string(), "1234.56");
        let m: Money = serde_json::from_str("\"0.10\"").unwrap();
        assert_eq!(m.to_string(), "0.10");
        // 0.1 + 0.2 is not representable in binary; as text it is exact.
        let m: Money = serde_json::from_str("0.30").unwrap();
        assert_eq!(m.as_decimal(), d("0.30"));
        for bad in ["1.005", "1e3", "-1", "1.0e2", "true", "null", "[1]", "{}"] {
            assert!(serde_json::from_str::<Money>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn output_has_two_decimals_and_no_negative_zero() {
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(Money::default().to_string(), "0.00");
        assert_eq!(Money::from_decimal_rounded(d("-0.001")).to_string(), "0.00");
        assert_eq!(
            Money::from_decimal_rounded(d("-1.005")).to_string(),
            "-1.01"
        );
        assert_eq!(Money::from_decimal_rounded(d("2.675")).to_string(), "2.68");
        assert_eq!(serde_json::to_string(&Money::yuan(5)).unwrap(), "\"5.00\"");
    }

    #[test]
    fn multiply_before_dividing_matters() {
        // domain.md §0: 0.01 × 6 / 12 = 0.005 → 0.01, but 0.01 / 12 × 6 → 0.00.
        assert_eq!(round_fen(d("0.01") * d("6") / d("12")), d("0.01"));
        assert_eq!(round_fen(d("0.01") / d("12") * d("6")), d("0.00"));
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let big = Money::from_decimal_rounded(Decimal::MAX / d("2"));
        assert!(big.checked_add(big).is_err());
    }

    proptest! {
        #[test]
        fn rounding_is_idempotent(x in any::<Decimal>()) {
            // Money lives far below 10^20; near Decimal::MAX there is no room
            // for two decimals.
            prop_assume!(x.abs() < d("100000000000000000000"));
            let once = round_fen(x);
            prop_assert_eq!(round_fen(once), once);
            prop_assert!(once.scale() == 2);
            prop_assert!((once - x).abs() <= d("0.005"));
        }

        #[test]
        fn two_decimal_text_round_trips(cents in 0u64..1_000_000_000_000_000u64) {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            let m = Money::parse(&text).unwrap();
            prop_assert_eq!(m.to_string(), text);
        }
    }
}
