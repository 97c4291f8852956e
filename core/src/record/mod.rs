//! Input records of interfaces.md §2: [`Household`] (with its [`Member`]s)
//! and the medical [`Claim`], and reading them from JSON Lines ([`parse`]).
//!
//! The shapes are strict: unknown and duplicate fields are refused, `null` is
//! accepted exactly where the default is null, and nested records must be
//! JSON objects (serde would otherwise also read a struct from an array).
//! Validation that needs no date happens when a line is parsed
//! ([`Household::validate`], [`Claim::validate`]); validation that depends on
//! the assessment date is [`Household::check_on`]. Parsing stops at the first
//! problem (the command line's error line); [`problems`] lists them all.

mod claim;
pub mod fast;
mod household;
mod member;
pub mod parse;
pub mod problems;
pub mod read;
pub mod table;
pub mod xlsx;

pub use claim::Claim;
pub use household::{Assets, Credit, ExitStep, Guarantees, Household, Income};
pub use member::Member;
pub use parse::{parse_claim, parse_household, parse_record};
pub use problems::{MAX_PROBLEMS, claim_problems, household_problems, member_problems};

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::error::{ErrorCode, tag_serde_message};

/// serde_json's key for a number kept as text (`arbitrary_precision`).
const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Nested records must be JSON objects: these helpers refuse the array form
/// that derived `Deserialize` would otherwise accept for a struct.
pub(crate) mod object {
    use super::*;

    struct ObjectVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map))
        }
    }

    struct ObjectSeed<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for ObjectSeed<T> {
        type Value = T;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            one(d)
        }
    }

    /// A required (or defaulted) nested object.
    pub fn one<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
        d.deserialize_map(ObjectVisitor(PhantomData))
    }

    struct OptVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for OptVisitor<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            one(d).map(Some)
        }
    }

    /// A nested object whose default is `null`.
    pub fn opt<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        d.deserialize_option(OptVisitor(PhantomData))
    }

    struct ListVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of objects")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            // serde_json gives no size hint; households have a few members.
            let mut out = Vec::new();
            while let Some(x) = seq.next_element_seed(ObjectSeed(PhantomData))? {
                if out.is_empty() {
                    out.reserve(seq.size_hint().unwrap_or(4).min(64));
                }
                out.push(x);
            }
            Ok(out)
        }
    }

    /// A list of nested objects.
    pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(ListVisitor(PhantomData))
    }
}

/// A field whose default is not null: `null` is a `wrong_type` error, a value
/// is wrapped in `Some` (absence is `None` through `#[serde(default)]`).
pub(crate) fn non_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Strict JSON integers (interfaces.md §1): a number with a fraction or an
/// exponent is `invalid_integer`, a non-number `wrong_type`.
pub(crate) mod integer {
    use super::*;

    /// Reads a plain integer: `Some` if it fits `i64`, `None` if it is larger.
    struct IntVisitor;

    fn not_integer<E: de::Error>(text: &str) -> E {
        E::custom(tag_serde_message(
            ErrorCode::InvalidInteger,
            &format!("invalid integer {text}: write integers without fraction or exponent"),
        ))
    }

    fn from_text<E: de::Error>(text: &str) -> Result<Option<i64>, E> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_integer(text));
        }
        Ok(text.parse::<i64>().ok())
    }

    impl<'de> Visitor<'de> for IntVisitor {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<i64>, E> {
            Ok(i64::try_from(v).ok())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<i64>, E> {
            Ok(Some(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<i64>, E> {
            Err(not_integer(&v.to_string()))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<i64>, A::Error> {
            match map.next_key::<String>()? {
                Some(k) if k == JSON_NUMBER_TOKEN => {
                    let text: String = map.next_value()?;
                    from_text(&text)
                }
                _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
            }
        }
    }

    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_any(IntVisitor)
    }

    /// An income year: any `i32`; absent means "the assessment year".
    pub fn year<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        match read(d)?.and_then(|v| i32::try_from(v).ok()) {
            Some(y) => Ok(Some(y)),
            None => Err(de::Error::custom(tag_serde_message(
                ErrorCode::InvalidInteger,
                "invalid integer: the year is out of range",
            ))),
        }
    }

    struct GradeVisitor;

    impl<'de> Visitor<'de> for GradeVisitor {
        type Value = Option<u8>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer from 1 to 4, or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<u8>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<u8>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<u8>, D::Error> {
            let v = read(d)?;
            match v.and_then(|v| u8::try_from(v).ok()) {
                Some(g @ 1..=4) => Ok(Some(g)),
                _ => Err(de::Error::custom(tag_serde_message(
                    ErrorCode::OutOfRange,
                    &match v {
                        Some(v) => format!("disability grade {v} is outside 1–4"),
                        None => "disability grade is outside 1–4".to_owned(),
                    },
                ))),
            }
        }
    }

    /// A disability grade: 1–4 or `null`; other integers are `out_of_range`.
    pub fn disability_grade<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
        d.deserialize_option(GradeVisitor)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        a: u8,
    }

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(deserialize_with = "object::one")]
        #[allow(dead_code)]
        one: Inner,
        #[serde(default, deserialize_with = "object::opt")]
        opt: Option<Inner>,
        #[serde(default, deserialize_with = "object::list")]
        list: Vec<Inner>,
        #[serde(default, deserialize_with = "integer::year")]
        year: Option<i32>,
        #[serde(default, deserialize_with = "integer::disability_grade")]
        grade: Option<u8>,
    }

    fn parse(s: &str) -> Result<Outer, String> {
        serde_json::from_str(s).map_err(|e| e.to_string())
    }

    #[test]
    fn nested_records_must_be_objects() {
        let o = parse(r#"{"one":{"a":1},"opt":{"a":2},"list":[{"a":3}]}"#).unwrap();
        assert_eq!(o.opt, Some(Inner { a: 2 }));
        assert_eq!(o.list, vec![Inner { a: 3 }]);
        assert!(
            parse(r#"{"one":{"a":1},"opt":null}"#)
                .unwrap()
                .opt
                .is_none()
        );
        for bad in [
            r#"{"one":[1]}"#,
            r#"{"one":{"a":1},"opt":[2]}"#,
            r#"{"one":{"a":1},"list":[[3]]}"#,
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.starts_with("invalid type"), "{bad}: {e}");
        }
    }

    #[test]
    fn integers_refuse_fractions_and_exponents() {
        assert_eq!(
            parse(r#"{"one":{"a":1},"year":2020}"#).unwrap().year,
            Some(2020)
        );
        assert_eq!(
            parse(r#"{"one":{"a":1},"year":-3}"#).unwrap().year,
            Some(-3)
        );
        for bad in ["2020.0", "2e3", "99999999999"] {
            let e = parse(&format!(r#"{{"one":{{"a":1}},"year":{bad}}}"#)).unwrap_err();
            assert!(e.contains("invalid_integer"), "{bad}: {e}");
        }
        let e = parse(r#"{"one":{"a":1},"year":"2020"}"#).unwrap_err();
        assert!(e.starts_with("invalid type"), "{e}");
        let e = parse(r#"{"one":{"a":1},"year":null}"#).unwrap_err();
        assert!(e.starts_with("invalid type"), "{e}");
    }

    #[test]
    fn disability_grades_are_one_to_four_or_null() {
        assert_eq!(
            parse(r#"{"one":{"a":1},"grade":4}"#).unwrap().grade,
            Some(4)
        );
        assert_eq!(
            parse(r#"{"one":{"a":1},"grade":null}"#).unwrap().grade,
            None
        );
        for bad in ["0", "5", "-1", "300", "99999999999999999999"] {
            let e = parse(&format!(r#"{{"one":{{"a":1}},"grade":{bad}}}"#)).unwrap_err();
            assert!(e.contains("out_of_range"), "{bad}: {e}");
        }
        let e = parse(r#"{"one":{"a":1},"grade":1.0}"#).unwrap_err();
        assert!(e.contains("invalid_integer"), "{e}");
    }
}
