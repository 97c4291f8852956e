//! Every problem of a record line, not only the first (interfaces.md §6:
//! `Household.from_dict` and `Claim.from_dict` raise a `ValidationError`
//! "listing every problem").
//!
//! The command line reports the first problem of a line ([`parse_household`],
//! [`parse_claim`]; interfaces.md §4). The functions here list them all, in
//! the order serde meets them, each with exactly the code, field path and
//! masked message the single-error path gives for it; so the first problem
//! listed is always the error `parse_household` / `parse_claim` returns.
//!
//! # How
//!
//! No field rule is written twice: the line is read by the record types' own
//! `Deserialize` again and again, each time with the problem just found
//! *repaired* in a copy of the line, until the copy reads:
//!
//! - an unknown field is removed (every occurrence of that key in its
//!   object);
//! - a duplicate key is removed (the occurrence serde refused: the second);
//! - a missing required field is added, and a bad value (wrong type, enum,
//!   date, money, integer, range) is replaced, with the value at the same
//!   place of a *template*: a good record of the type with every optional
//!   part present, serialized (so `members[3].birth_date` takes the
//!   template's `members[0].birth_date`).
//!
//! A repair only ever puts good values in and never moves anything, so every
//! later problem keeps its field path, and the copy keeps the original
//! line's record id and its personal values to mask.
//!
//! Once the copy reads, the record-level checks ([`Household::problems`],
//! [`Claim::problems`]) run on it, and a problem is kept only if none of the
//! fields its check reads was repaired (a repaired value is the template's,
//! not the record's): `duplicate_exit_step` reads every `exit_steps[i].step`,
//! `empty_members` reads `members`, `zero_total_cost` reads `total_cost`,
//! and `in_policy_cost_exceeds_total` reads `total_cost` and
//! `in_policy_cost`. The date-dependent checks ([`Household::check_on`]:
//! income years, no counted member) need an assessment date and are not run.
//!
//! A line that is not UTF-8, not JSON or not an object has that one problem.
//! The list stops at [`MAX_PROBLEMS`].

use chrono::NaiveDate;
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};

use super::parse::{Context, Located, Step, locate, read_object};
use super::{Claim, Credit, ExitStep, Household, Income, Member};
use crate::enums::{Cause, ExitStepKind, HospitalLevel, Sex};
use crate::error::{ErrorCode, RecordError};
use crate::money::Money;

#[cfg(doc)]
use super::{parse_claim, parse_household};

/// The most problems one line is said to have; the list stops there (each
/// problem costs one more reading of the line).
pub const MAX_PROBLEMS: usize = 1000;

/// Every problem of a household line (interfaces.md §2.1), in the order
/// serde meets them, then those of [`Household::problems`] whose fields were
/// readable. Empty exactly when [`parse_household`] succeeds; otherwise the
/// first is the error [`parse_household`] returns. See the [module
/// docs](self).
///
/// ```
/// use fupin_core::ErrorCode;
/// use fupin_core::record::household_problems;
/// let line = br#"{"id":"H1","colour":"red","income":{"wage":"1.005"},
///     "members":[{"id":"P1","sex":"male","birth_date":"1980-02-30"}]}"#;
/// let found: Vec<_> = household_problems(line)
///     .into_iter()
///     .map(|e| (e.code, e.field.unwrap_or_default()))
///     .collect();
/// assert_eq!(found, [
///     (ErrorCode::UnknownField, "colour".to_owned()),
///     (ErrorCode::InvalidMoney, "income.wage".to_owned()),
///     (ErrorCode::InvalidDate, "members[0].birth_date".to_owned()),
/// ]);
/// ```
pub fn household_problems(line: &[u8]) -> Vec<RecordError> {
    collect(line, household_template(), Household::problems)
}

/// Every problem of a claim line (interfaces.md §2.3), in the order serde
/// meets them, then those of [`Claim::problems`] whose fields were readable.
/// Empty exactly when [`parse_claim`] succeeds; otherwise the first is the
/// error [`parse_claim`] returns. See the [module docs](self).
pub fn claim_problems(line: &[u8]) -> Vec<RecordError> {
    collect(line, claim_template(), Claim::problems)
}

/// Every problem of a member line (interfaces.md §2.2), in the order serde
/// meets them. Empty exactly when `parse_record::<Member>` succeeds;
/// otherwise the first is its error.
pub fn member_problems(line: &[u8]) -> Vec<RecordError> {
    collect(line, member_template(), |_: &Member| Vec::new())
}

/// The loop of the [module docs](self): read, record the problem, repair,
/// read again.
fn collect<T: DeserializeOwned>(
    line: &[u8],
    template: Option<Value>,
    checks: fn(&T) -> Vec<RecordError>,
) -> Vec<RecordError> {
    let (text, value) = match read_object(line) {
        Ok(read) => read,
        Err(e) => return vec![e],
    };
    let ctx = Context::new(value);
    let template = template.as_ref().map(Raw::from);
    let mut found: Vec<RecordError> = Vec::new();
    // Places whose value is no longer the record's (replaced, added, or a
    // duplicate key dropped), and the places given a template value.
    let mut repaired: Vec<Vec<Step>> = Vec::new();
    let mut filled: Vec<Vec<Step>> = Vec::new();
    let mut copy: Option<Raw> = None;
    let mut current = text.to_owned();
    loop {
        let (error, at) = match locate::<T>(&current, &ctx) {
            Ok(record) => {
                // The copy's `id` may be a repaired one: the record id is
                // always the original line's (the last top-level string `id`).
                found.extend(
                    checks(&record)
                        .into_iter()
                        .filter(|e| readable(e.code, &repaired))
                        .map(|e| e.with_record_id(ctx.record_id().map(str::to_owned))),
                );
                break;
            }
            Err(Located { error, at }) => (error, at),
        };
        let fills = !matches!(
            error.code,
            ErrorCode::UnknownField | ErrorCode::DuplicateField
        );
        // A place filled from the template and refused again would loop:
        // stop rather than repeat a problem (it would be a bug of the template).
        if fills && at.as_ref().is_some_and(|at| filled.contains(at)) {
            break;
        }
        found.push(error.clone());
        if found.len() >= MAX_PROBLEMS {
            break;
        }
        let (Some(at), Some(template)) = (at, &template) else {
            break;
        };
        if copy.is_none() {
            copy = serde_json::from_str::<Raw>(text).ok();
        }
        let Some(tree) = copy.as_mut() else {
            break;
        };
        if !tree.repair(error.code, &at, template) {
            break;
        }
        if error.code != ErrorCode::UnknownField {
            repaired.push(at.clone());
        }
        if fills {
            filled.push(at);
        }
        match serde_json::to_string(&*tree) {
            Ok(next) => current = next,
            Err(_) => break,
        }
    }
    found
}

/// One step of a pattern of places a record-level check reads.
#[derive(Clone, Copy)]
enum Pat {
    Key(&'static str),
    AnyIndex,
}

/// The places each record-level check of [`Household::problems`] and
/// [`Claim::problems`] reads; `None` for a code that is not such a check
/// (then any repair at all drops the problem).
fn reads(code: ErrorCode) -> Option<&'static [&'static [Pat]]> {
    use Pat::{AnyIndex, Key};
    Some(match code {
        ErrorCode::DuplicateExitStep => &[&[Key("exit_steps"), AnyIndex, Key("step")]],
        ErrorCode::EmptyMembers => &[&[Key("members")]],
        ErrorCode::ZeroTotalCost => &[&[Key("total_cost")]],
        ErrorCode::InPolicyCostExceedsTotal => &[&[Key("total_cost")], &[Key("in_policy_cost")]],
        _ => return None,
    })
}

/// Whether a record-level problem of `code` rests only on values read from
/// the record: no repaired place lies on, above or below a place it reads.
fn readable(code: ErrorCode, repaired: &[Vec<Step>]) -> bool {
    let Some(patterns) = reads(code) else {
        return repaired.is_empty();
    };
    !repaired.iter().any(|place| {
        patterns.iter().any(|pattern| {
            place
                .iter()
                .zip(pattern.iter())
                .all(|(step, pat)| match (step, pat) {
                    (Step::Key(k), Pat::Key(p)) => k == p,
                    (Step::Index(_), Pat::AnyIndex) => true,
                    _ => false,
                })
        })
    })
}

/// A date for templates that needs no unwrapping.
fn some_date() -> NaiveDate {
    NaiveDate::default()
}

/// A good member with every field present.
fn template_member() -> Member {
    Member::new("", Sex::Male, some_date())
}

/// A good household with every optional part present (one cause, exit step
/// and member; both incomes with a year; credit).
fn household_template() -> Option<Value> {
    let mut h = Household::with_defaults();
    h.causes = vec![Cause::Other];
    h.exit_steps = vec![ExitStep {
        step: ExitStepKind::Proposed,
        on: some_date(),
    }];
    let year = 2020;
    h.income = Income {
        year: Some(year),
        ..Income::default()
    };
    h.last_year_income = Some(Income {
        year: Some(year - 1),
        ..Income::default()
    });
    h.credit = Some(Credit::default());
    h.members = vec![template_member()];
    serde_json::to_value(&h).ok()
}

/// A good claim.
fn claim_template() -> Option<Value> {
    let c = Claim {
        id: String::new(),
        person_id: String::new(),
        admitted_on: some_date(),
        hospital_level: HospitalLevel::County,
        total_cost: Money::ZERO,
        in_policy_cost: Money::ZERO,
        registered_poor: true,
        backstop_eligible: true,
        major_illness: false,
    };
    serde_json::to_value(&c).ok()
}

/// A good member.
fn member_template() -> Option<Value> {
    serde_json::to_value(template_member()).ok()
}

/// serde_json's key for a number kept as text (`arbitrary_precision`).
const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A JSON value that keeps every key of an object, repeated ones included,
/// in order (a [`Value`] keeps only the last), and numbers as written.
#[derive(Debug, Clone, PartialEq)]
enum Raw {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Raw>),
    Object(Vec<(String, Raw)>),
}

impl Raw {
    /// The value at `at`: a key's first occurrence, or a list element.
    fn get_mut(&mut self, at: &[Step]) -> Option<&mut Raw> {
        let mut node = self;
        for step in at {
            node = match (node, step) {
                (Raw::Object(entries), Step::Key(key)) => {
                    entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)?
                }
                (Raw::Array(items), Step::Index(i)) => items.get_mut(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The template's value for the place `at` of a record: every list
    /// index is the template list's first element.
    fn template_at(&self, at: &[Step]) -> Option<&Raw> {
        let mut node = self;
        for step in at {
            node = match (node, step) {
                (Raw::Object(entries), Step::Key(key)) => {
                    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)?
                }
                (Raw::Array(items), Step::Index(_)) => items.first()?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Repairs the problem `code` at `at` (see the [module docs](self));
    /// `false` if there was nothing to repair there.
    fn repair(&mut self, code: ErrorCode, at: &[Step], template: &Raw) -> bool {
        match code {
            ErrorCode::UnknownField | ErrorCode::DuplicateField | ErrorCode::MissingField => {
                let Some((Step::Key(key), container)) = at.split_last() else {
                    return false;
                };
                let Some(Raw::Object(entries)) = self.get_mut(container) else {
                    return false;
                };
                match code {
                    ErrorCode::UnknownField => {
                        let before = entries.len();
                        entries.retain(|(k, _)| k != key);
                        entries.len() < before
                    }
                    ErrorCode::DuplicateField => {
                        let Some(second) = entries
                            .iter()
                            .enumerate()
                            .filter(|(_, (k, _))| k == key)
                            .nth(1)
                            .map(|(i, _)| i)
                        else {
                            return false;
                        };
                        entries.remove(second);
                        true
                    }
                    _ => {
                        if entries.iter().any(|(k, _)| k == key) {
                            return false;
                        }
                        let Some(good) = template.template_at(at) else {
                            return false;
                        };
                        entries.push((key.clone(), good.clone()));
                        true
                    }
                }
            }
            _ => {
                if at.is_empty() {
                    return false;
                }
                let Some(good) = template.template_at(at) else {
                    return false;
                };
                let Some(slot) = self.get_mut(at) else {
                    return false;
                };
                *slot = good.clone();
                true
            }
        }
    }
}

impl From<&Value> for Raw {
    fn from(v: &Value) -> Raw {
        match v {
            Value::Null => Raw::Null,
            Value::Bool(b) => Raw::Bool(*b),
            Value::Number(n) => Raw::Number(n.clone()),
            Value::String(s) => Raw::String(s.clone()),
            Value::Array(items) => Raw::Array(items.iter().map(Raw::from).collect()),
            Value::Object(map) => {
                Raw::Object(map.iter().map(|(k, v)| (k.clone(), Raw::from(v))).collect())
            }
        }
    }
}

impl Serialize for Raw {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Raw::Null => s.serialize_unit(),
            Raw::Bool(b) => s.serialize_bool(*b),
            // With `arbitrary_precision`, the number's own text.
            Raw::Number(n) => n.serialize(s),
            Raw::String(x) => s.serialize_str(x),
            Raw::Array(items) => s.collect_seq(items),
            Raw::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Number::from_f64(v)
            .map(Raw::Number)
            .ok_or_else(|| E::custom("not a finite number"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Raw>()? {
            items.push(item);
        }
        Ok(Raw::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: Raw = map.next_value()?;
            // serde_json hands a number over as a one-entry map of its text.
            if entries.is_empty()
                && key == JSON_NUMBER_TOKEN
                && let Raw::String(text) = &value
                && let Ok(n) = text.parse::<Number>()
            {
                return Ok(Raw::Number(n));
            }
            entries.push((key, value));
        }
        Ok(Raw::Object(entries))
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(RawVisitor)
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

    #[test]
    fn a_raw_tree_keeps_repeated_keys_and_number_text() {
        // Numbers keep the text serde_json hands to a field's reader (which
        // spells an exponent `e+`/`e-` itself), so a copy reads the same.
        let text =
            r#"{"a":1.50,"a":[true,null,"x",-0,1e+400,2E-3],"b":{"c":12345678901234567890123}}"#;
        let raw: Raw = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::to_string(&raw).unwrap(),
            text.replace("2E-3", "2e-3")
        );
        let again: Raw = serde_json::from_str(&serde_json::to_string(&raw).unwrap()).unwrap();
        assert_eq!(again, raw);
    }

    #[test]
    fn the_templates_read_as_their_records() {
        for (name, t) in [
            ("household", household_template()),
            ("claim", claim_template()),
            ("member", member_template()),
        ] {
            let text = serde_json::to_string(&t.unwrap()).unwrap();
            match name {
                "household" => {
                    assert!(super::super::parse_record::<Household>(text.as_bytes()).is_ok())
                }
                "claim" => assert!(super::super::parse_record::<Claim>(text.as_bytes()).is_ok()),
                _ => assert!(super::super::parse_record::<Member>(text.as_bytes()).is_ok()),
            }
        }
    }

    #[test]
    fn a_check_is_dropped_only_when_a_place_it_reads_was_repaired() {
        let key = |k: &str| Step::Key(k.to_owned());
        let on = vec![key("exit_steps"), Step::Index(1), key("on")];
        let step = vec![key("exit_steps"), Step::Index(1), key("step")];
        let element = vec![key("exit_steps"), Step::Index(0)];
        assert!(readable(ErrorCode::DuplicateExitStep, &[on]));
        assert!(!readable(ErrorCode::DuplicateExitStep, &[step]));
        assert!(!readable(ErrorCode::DuplicateExitStep, &[element]));
        assert!(readable(
            ErrorCode::ZeroTotalCost,
            &[vec![key("in_policy_cost")]]
        ));
        assert!(!readable(
            ErrorCode::InPolicyCostExceedsTotal,
            &[vec![key("in_policy_cost")]]
        ));
        assert!(readable(ErrorCode::NoCountedMember, &[]));
        assert!(!readable(ErrorCode::NoCountedMember, &[vec![key("town")]]));
    }
}
