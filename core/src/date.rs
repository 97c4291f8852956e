//! Dates: strict ISO `YYYY-MM-DD` parsing, the policy year, completed-years age.

use chrono::{Datelike, NaiveDate};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

use crate::error::{ErrorCode, tag_serde_message};

/// Parses a date written exactly `YYYY-MM-DD`.
///
/// ```
/// use fupin_core::date::parse_date;
/// assert!(parse_date("2020-02-29").is_some());
/// assert!(parse_date("2019-02-29").is_none());
/// assert!(parse_date("2020-2-29").is_none());
/// ```
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b: &[u8; 10] = text.as_bytes().try_into().ok()?;
    let [y0, y1, y2, y3, dash1, m0, m1, dash2, d0, d1] = *b;
    if dash1 != b'-' || dash2 != b'-' {
        return None;
    }
    // The eight digits checked at once (the largest after subtracting '0'),
    // not one branch each.
    let d = [y0, y1, y2, y3, m0, m1, d0, d1].map(|c| u32::from(c.wrapping_sub(b'0')));
    if d.iter().fold(0, |m, &v| m.max(v)) > 9 {
        return None;
    }
    let [y0, y1, y2, y3, m0, m1, d0, d1] = d;
    let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, m0 * 10 + m1, d0 * 10 + d1)
}

/// The policy year of a date: its calendar year.
pub fn policy_year(d: NaiveDate) -> i32 {
    d.year()
}

/// Age in completed years on `on`, by (month, day) comparison: a 29 February
/// birthday is reached on 1 March in common years. Negative before birth.
///
/// ```
/// use fupin_core::date::{age_on, parse_date};
/// let d = |s| parse_date(s).unwrap();
/// assert_eq!(age_on(d("2004-02-29"), d("2020-02-28")), 15);
/// assert_eq!(age_on(d("2004-02-29"), d("2021-02-28")), 16);
/// assert_eq!(age_on(d("2004-02-29"), d("2021-03-01")), 17);
/// ```
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - birth.year();
    if day_key(on) < day_key(birth) {
        years -= 1;
    }
    years
}

/// A date's (month, day) as one number that orders as the pair does: its
/// day of the year in a leap year (1 March is 61 in every year). chrono
/// finds a month and day through a table; the day of the year and the
/// leap flag are bits of the date itself.
fn day_key(d: NaiveDate) -> u32 {
    let o = d.ordinal();
    if !d.leap_year() && o > 59 { o + 1 } else { o }
}

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = NaiveDate;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date written YYYY-MM-DD")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<NaiveDate, E> {
        parse_date(v).ok_or_else(|| {
            E::custom(tag_serde_message(
                ErrorCode::InvalidDate,
                &format!("invalid date {v:?}: expected a real date written YYYY-MM-DD"),
            ))
        })
    }
}

/// serde helpers for a required `NaiveDate` field written `YYYY-MM-DD`.
pub mod serde_date {
    use super::*;

    /// Reads a date; a malformed one is an `invalid_date` error.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        d.deserialize_str(DateVisitor)
    }

    /// Writes `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&d.format("%Y-%m-%d"))
    }
}

/// serde helpers for an optional (`null`-able) `NaiveDate` field.
pub mod serde_opt_date {
    use super::*;

    struct OptVisitor;
    impl<'de> Visitor<'de> for OptVisitor {
        type Value = Option<NaiveDate>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a date written YYYY-MM-DD, or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            serde_date::deserialize(d).map(Some)
        }
    }

    /// Reads `null` or a date.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        d.deserialize_option(OptVisitor)
    }

    /// Writes `null` or `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => serde_date::serialize(d, s),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// The strict form checked piece by piece with the standard library's
    /// parsers: the reference the digit-by-digit [`parse_date`] must agree
    /// with.
    fn reference(text: &str) -> Option<NaiveDate> {
        let b = text.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = text.get(r)?;
            if !s.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let y = i32::try_from(num(0..4)?).ok()?;
        NaiveDate::from_ymd_opt(y, num(5..7)?, num(8..10)?)
    }

    proptest! {
        /// Real dates, impossible days, near misses (a sign, a space, a
        /// slash, a letter, non-ASCII, wrong lengths) and any text.
        #[test]
        fn parse_date_agrees_with_the_reference(text in prop_oneof![
            "[0-9]{4}-(0[0-9]|1[0-3])-([0-3][0-9])",
            "[0-9+ /a-]{8,12}",
            "[0-9]{4}-[0-9一]{2}-[0-9]{2}",
            any::<String>(),
        ]) {
            prop_assert_eq!(parse_date(&text), reference(&text), "{:?}", text);
        }
    }

    /// Every day 0-32 of every month 0-13 of the years around the
    /// registry's and of every century (leap years by 4, 100 and 400),
    /// written `YYYY-MM-DD`, reads as the reference reads it.
    #[test]
    fn parse_date_agrees_with_the_reference_on_the_calendar() {
        let years = (1890..=2110)
            .chain((0..=9999).step_by(100))
            .chain([1, 4, 9996, 9999]);
        for y in years {
            for m in 0..=13 {
                for day in 0..=32 {
                    let t = format!("{y:04}-{m:02}-{day:02}");
                    assert_eq!(parse_date(&t), reference(&t), "{t}");
                }
            }
        }
    }

    /// Every ASCII character in each place of a real date: only a digit
    /// where a digit goes and `-` where a dash goes keep it a date (the
    /// reference decides which dates are real).
    #[test]
    fn each_place_takes_only_its_own_characters() {
        for at in 0..10 {
            for c in 0u8..128 {
                let mut b = *b"2016-02-29";
                b[at] = c;
                let t = String::from_utf8(b.to_vec()).unwrap();
                assert_eq!(parse_date(&t), reference(&t), "{t:?}");
                if !(c.is_ascii_digit() || c == b'-') {
                    assert_eq!(parse_date(&t), None, "{t:?}");
                }
            }
        }
    }

    #[test]
    fn only_the_strict_form_is_a_date() {
        for bad in [
            "2020-1-01",
            "20-01-01",
            "2020/01/01",
            "2020-01-01T00:00",
            "2020-13-01",
            "2020-00-10",
            "2020-04-31",
            "+020-01-01",
            " 2020-01-0",
            "２０２０-01-01",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
        assert_eq!(d("0001-01-01").year(), 1);
    }

    /// The (month, day) comparison of the definition, the reference for
    /// [`age_on`].
    fn age_reference(birth: NaiveDate, on: NaiveDate) -> i32 {
        let mut years = on.year() - birth.year();
        if (on.month(), on.day()) < (birth.month(), birth.day()) {
            years -= 1;
        }
        years
    }

    /// Every birth date of six years with two leap years against every day
    /// of three years with one, and 28 February to 1 March of the century
    /// years 1900 (common) and 2000 (leap) against each other.
    #[test]
    fn age_agrees_with_the_month_day_comparison() {
        let days = |from: &str, to: &str| {
            let (mut d, to) = (d(from), d(to));
            let mut all = Vec::new();
            while d <= to {
                all.push(d);
                d = d.succ_opt().unwrap();
            }
            all
        };
        let on = days("2019-01-01", "2021-12-31");
        for b in days("2003-01-01", "2008-12-31") {
            for &o in &on {
                assert_eq!(age_on(b, o), age_reference(b, o), "{b} {o}");
            }
        }
        let edges: Vec<NaiveDate> = [
            "1900-02-28",
            "1900-03-01",
            "2000-02-28",
            "2000-02-29",
            "2000-03-01",
        ]
        .iter()
        .map(|t| d(t))
        .collect();
        for &b in &edges {
            for &o in &edges {
                assert_eq!(age_on(b, o), age_reference(b, o), "{b} {o}");
            }
        }
    }

    #[test]
    fn age_is_completed_years() {
        assert_eq!(age_on(d("2014-12-31"), d("2020-12-30")), 5);
        assert_eq!(age_on(d("2014-12-31"), d("2020-12-31")), 6);
        assert_eq!(age_on(d("2020-06-01"), d("2020-12-31")), 0);
        assert_eq!(age_on(d("2021-01-01"), d("2020-12-31")), -1);
    }

    #[test]
    fn serde_reports_bad_dates_with_their_code() {
        #[derive(serde::Deserialize, Debug)]
        struct T {
            #[serde(with = "serde_date")]
            #[allow(dead_code)]
            on: NaiveDate,
        }
        let err = serde_json::from_str::<T>(r#"{"on":"2020-02-30"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid_date"), "{err}");
    }
}
