//! The values a parameter can take (interfaces.md §5) and their two printed
//! forms: "as written in the policy" ([`fmt::Display`], for `policy show`) and
//! typed JSON ([`ParamValue::to_json`], for `policy show --json` and traces).
//!
//! Every value is exact: decimals keep the scale they were written with
//! (`"0.10"` prints as `0.10`, `"5000"` as `5000`). Composite values share
//! their storage ([`Arc`]), so cloning a value or a resolved parameter set is
//! a reference-count bump.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value as Json};

use crate::enums::{CreditRating, HospitalLevel, WireEnum};

/// A table of decimals keyed by an enum (`basic.rate` by [`HospitalLevel`],
/// `credit.line` by [`CreditRating`]).
///
/// The loader only builds tables holding exactly the keys of
/// [`TableKey::KEYS`], in that order, so [`EnumTable::get`] returns `Some` for
/// every such key; it returns `None` for a key the table does not have (a
/// `credit.line` has no `none`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumTable<E> {
    entries: Arc<[(E, Decimal)]>,
}

impl<E: TableKey> EnumTable<E> {
    /// A table from its entries; they must be exactly [`TableKey::KEYS`], in
    /// order (the loader checks this; this constructor returns `None`
    /// otherwise).
    pub fn new(entries: Vec<(E, Decimal)>) -> Option<Self> {
        let keys_match = entries.len() == E::KEYS.len()
            && entries.iter().zip(E::KEYS).all(|((k, _), want)| k == want);
        keys_match.then(|| EnumTable {
            entries: entries.into(),
        })
    }

    /// The value for `key`, or `None` when the table has no such key.
    pub fn get(&self, key: E) -> Option<Decimal> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    /// The entries in enum order.
    pub fn iter(&self) -> impl Iterator<Item = (E, Decimal)> + '_ {
        self.entries.iter().copied()
    }
}

/// An enum usable as the key of an [`EnumTable`].
pub trait TableKey: WireEnum + PartialEq {
    /// The keys a table must name, in enum order.
    const KEYS: &'static [Self];
}

impl TableKey for HospitalLevel {
    const KEYS: &'static [Self] = HospitalLevel::ALL;
}

impl TableKey for CreditRating {
    /// A credit line exists only for a rating: `none` has no key.
    const KEYS: &'static [Self] = &[
        CreditRating::Excellent,
        CreditRating::Good,
        CreditRating::Fair,
    ];
}

/// One bracket of `critical.brackets`: `rate` applies to the part of the base
/// (above the deductible) from `from` up to the next bracket's `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bracket {
    /// Lower bound of the bracket, in yuan above the deductible.
    pub from: Decimal,
    /// Rate applied inside the bracket (0..=1).
    pub rate: Decimal,
}

/// A bracket list: the first `from` is 0 and the bounds strictly increase
/// (checked by the loader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brackets(Arc<[Bracket]>);

impl Brackets {
    /// A bracket list, if it is well-formed: non-empty, first `from` = 0,
    /// strictly increasing bounds, rates within 0..=1.
    pub fn new(brackets: Vec<Bracket>) -> Result<Self, String> {
        match brackets.first() {
            None => return Err("a bracket list needs at least one bracket".into()),
            Some(b) if !b.from.is_zero() => {
                return Err(format!("the first bracket must start at 0, not {}", b.from));
            }
            Some(_) => {}
        }
        for pair in brackets.windows(2) {
            if let [a, b] = pair
                && b.from <= a.from
            {
                return Err(format!(
                    "bracket bounds must strictly increase ({} then {})",
                    a.from, b.from
                ));
            }
        }
        for b in &brackets {
            if b.rate.is_sign_negative() || b.rate > Decimal::ONE {
                return Err(format!("bracket rate {} is not within 0..=1", b.rate));
            }
        }
        Ok(Brackets(brackets.into()))
    }

    /// The brackets in order.
    pub fn as_slice(&self) -> &[Bracket] {
        &self.0
    }
}

impl std::ops::Deref for Brackets {
    type Target = [Bracket];
    fn deref(&self) -> &[Bracket] {
        &self.0
    }
}

/// `backstop.cap_mode`: how the two self-pay caps of the government backstop
/// combine (domain.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapMode {
    /// `"min"`: both caps bind (the default reading).
    Min,
    /// `"max"`: either cap suffices ("或" read literally).
    Max,
}

impl CapMode {
    /// The wire string, `"min"` or `"max"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CapMode::Min => "min",
            CapMode::Max => "max",
        }
    }

    /// Parses `"min"` or `"max"`.
    pub fn from_wire(s: &str) -> Option<Self> {
        match s {
            "min" => Some(CapMode::Min),
            "max" => Some(CapMode::Max),
            _ => None,
        }
    }
}

/// A parameter's value on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// An exact decimal (money, rate, factor), with the scale it was written with.
    Decimal(Decimal),
    /// A whole number (ages, days, months).
    Integer(i64),
    /// A switch.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
    /// One of the strings the parameter lists (`backstop.cap_mode`).
    Choice(&'static str),
    /// Decimals keyed by hospital level.
    HospitalTable(EnumTable<HospitalLevel>),
    /// Decimals keyed by credit rating.
    CreditTable(EnumTable<CreditRating>),
    /// A bracket list.
    Brackets(Brackets),
}

impl ParamValue {
    /// The typed JSON form (interfaces.md §4, `policy show --json`): decimals
    /// as strings, integers and booleans as JSON, dates as strings, tables
    /// as objects, brackets as arrays of `{"from", "rate"}`.
    ///
    /// A [`serde_json::Value`] object orders its keys only when serde_json's
    /// `preserve_order` feature is on; to print keys in enum order, serialize
    /// the value itself (it implements [`Serialize`]).
    pub fn to_json(&self) -> Json {
        match self {
            ParamValue::Decimal(d) => Json::String(d.to_string()),
            ParamValue::Integer(i) => Json::from(*i),
            ParamValue::Bool(b) => Json::Bool(*b),
            ParamValue::Date(d) => Json::String(d.format("%Y-%m-%d").to_string()),
            ParamValue::Choice(s) => Json::String((*s).to_owned()),
            ParamValue::HospitalTable(t) => table_json(t),
            ParamValue::CreditTable(t) => table_json(t),
            ParamValue::Brackets(bs) => Json::Array(
                bs.iter()
                    .map(|b| {
                        let mut m = Map::new();
                        m.insert("from".into(), Json::String(b.from.to_string()));
                        m.insert("rate".into(), Json::String(b.rate.to_string()));
                        Json::Object(m)
                    })
                    .collect(),
            ),
        }
    }
}

impl<E: TableKey> Serialize for EnumTable<E> {
    /// An object in enum order, decimals as strings.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(k.as_str(), &v.to_string())?;
        }
        m.end()
    }
}

impl Serialize for Bracket {
    /// `{"from", "rate"}` with decimals as strings.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Bracket", 2)?;
        st.serialize_field("from", &self.from.to_string())?;
        st.serialize_field("rate", &self.rate.to_string())?;
        st.end()
    }
}

impl Serialize for ParamValue {
    /// The same typed form as [`ParamValue::to_json`], keys in order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ParamValue::Decimal(d) => s.collect_str(d),
            ParamValue::Integer(i) => s.serialize_i64(*i),
            ParamValue::Bool(b) => s.serialize_bool(*b),
            ParamValue::Date(d) => s.collect_str(&d.format("%Y-%m-%d")),
            ParamValue::Choice(c) => s.serialize_str(c),
            ParamValue::HospitalTable(t) => t.serialize(s),
            ParamValue::CreditTable(t) => t.serialize(s),
            ParamValue::Brackets(bs) => {
                let mut seq = s.serialize_seq(Some(bs.len()))?;
                for b in bs.iter() {
                    seq.serialize_element(b)?;
                }
                seq.end()
            }
        }
    }
}

fn table_json<E: TableKey>(t: &EnumTable<E>) -> Json {
    Json::Object(
        t.iter()
            .map(|(k, v)| (k.as_str().to_owned(), Json::String(v.to_string())))
            .collect(),
    )
}

fn fmt_table<E: TableKey>(t: &EnumTable<E>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, (k, v)) in t.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}={}", k.as_str(), v)?;
    }
    Ok(())
}

impl fmt::Display for ParamValue {
    /// The value as written in the policy: decimals with their own scale,
    /// tables `k=v, …` in enum order, brackets `[from→rate; …]`, dates
    /// `YYYY-MM-DD`, booleans `true`/`false`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Decimal(d) => write!(f, "{d}"),
            ParamValue::Integer(i) => write!(f, "{i}"),
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            ParamValue::Choice(s) => f.write_str(s),
            ParamValue::HospitalTable(t) => fmt_table(t, f),
            ParamValue::CreditTable(t) => fmt_table(t, f),
            ParamValue::Brackets(bs) => {
                f.write_str("[")?;
                for (i, b) in bs.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}→{}", b.from, b.rate)?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A typed value together with the start date of the dated value it came
/// from, so a trace can say which value was read and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<T> {
    /// The value in force.
    pub value: T,
    /// The start date of that value.
    pub since: NaiveDate,
}

impl<T: Copy> Resolved<T> {
    /// The value (for `Copy` values).
    pub fn get(&self) -> T {
        self.value
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

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn brackets_must_start_at_zero_and_increase() {
        let b = |f: &str, r: &str| Bracket {
            from: dec(f),
            rate: dec(r),
        };
        assert!(Brackets::new(vec![]).is_err());
        assert!(Brackets::new(vec![b("1", "0.5")]).is_err());
        assert!(Brackets::new(vec![b("0", "0.5"), b("0", "0.6")]).is_err());
        assert!(Brackets::new(vec![b("0", "1.5")]).is_err());
        let ok = Brackets::new(vec![b("0", "0.60"), b("50000", "0.70")]).unwrap();
        assert_eq!(ParamValue::Brackets(ok).to_string(), "[0→0.60; 50000→0.70]");
    }

    #[test]
    fn a_credit_table_has_no_key_for_none() {
        let t = EnumTable::new(vec![
            (CreditRating::Excellent, dec("50000")),
            (CreditRating::Good, dec("30000")),
            (CreditRating::Fair, dec("10000")),
        ])
        .unwrap();
        assert_eq!(t.get(CreditRating::Good), Some(dec("30000")));
        assert_eq!(t.get(CreditRating::None), None);
        assert!(EnumTable::new(vec![(CreditRating::None, dec("1"))]).is_none());
    }
}
