//! Reading a policy file (interfaces.md §5) into per-parameter overrides.
//!
//! This module only parses and type-checks one file; applying `extends`,
//! completeness and the two-lines-in-one check are done by
//! [`Policy`](super::Policy).
//!
//! ```toml
//! name = "my-county-2020"
//! extends = "ningxia-2020"          # optional
//!
//! [parameters."backstop.annual_self_pay_cap"]
//! unit = "yuan"
//! source = "县医保局 2020 年通知"
//! status = "local"                   # sourced | seed | default | local (the default)
//! values = { "2018-01-01" = "5000", "2021-01-01" = "3000" }
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use toml::Value;

use super::ParamStatus;
use super::params::{self, DecimalRange, MAX_INTEGER, ParamKind};
use super::value::{Bracket, Brackets, CapMode, EnumTable, ParamValue, TableKey};
use crate::date::parse_date;
use crate::enums::{CreditRating, HospitalLevel};
use crate::error::PolicyError;

/// One parameter as a file gives it.
#[derive(Debug, Clone)]
pub(crate) struct ParamOverride {
    /// Catalogue index.
    pub index: usize,
    pub unit: Option<String>,
    pub source: Option<String>,
    pub status: Option<ParamStatus>,
    /// Sorted by start date, non-empty, no date twice.
    pub values: Vec<(NaiveDate, ParamValue)>,
}

/// A parsed policy file.
#[derive(Debug, Clone)]
pub(crate) struct PolicyFile {
    pub name: String,
    pub extends: Option<String>,
    /// In the file's order.
    pub params: Vec<ParamOverride>,
}

fn syntax(origin: &str, message: impl Into<String>) -> PolicyError {
    PolicyError::Syntax {
        policy: origin.to_owned(),
        message: message.into(),
    }
}

fn toml_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a TOML date/time",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// Parses and type-checks a policy file.
pub(crate) fn parse(text: &str, origin: &str) -> Result<PolicyFile, PolicyError> {
    let doc: toml::Table =
        toml::from_str(text).map_err(|e| syntax(origin, format!("invalid TOML: {e}")))?;
    let mut name = None;
    let mut extends = None;
    let mut params_table = None;
    for (key, value) in &doc {
        match key.as_str() {
            "name" => match value {
                Value::String(s) if !s.trim().is_empty() => name = Some(s.clone()),
                _ => return Err(syntax(origin, "`name` must be a non-empty string")),
            },
            "extends" => match value {
                Value::String(s) if !s.trim().is_empty() => extends = Some(s.clone()),
                _ => return Err(syntax(origin, "`extends` must be a non-empty string")),
            },
            "parameters" => match value {
                Value::Table(t) => params_table = Some(t),
                _ => return Err(syntax(origin, "`parameters` must be a table")),
            },
            other => {
                return Err(syntax(
                    origin,
                    format!("unknown key {other:?} (expected name, extends, parameters)"),
                ));
            }
        }
    }
    let name = name.ok_or_else(|| syntax(origin, "missing `name`"))?;
    let mut params = Vec::new();
    for (pname, body) in params_table.into_iter().flatten() {
        let index = params::index_of(pname).ok_or_else(|| PolicyError::UnknownParameter {
            policy: origin.to_owned(),
            name: pname.clone(),
        })?;
        params.push(parse_parameter(origin, pname, index, body)?);
    }
    Ok(PolicyFile {
        name,
        extends,
        params,
    })
}

fn parse_parameter(
    origin: &str,
    pname: &str,
    index: usize,
    body: &Value,
) -> Result<ParamOverride, PolicyError> {
    let kind = params::CATALOGUE
        .get(index)
        .map(|s| s.kind)
        .ok_or_else(|| syntax(origin, format!("parameter {pname:?}: not in the catalogue")))?;
    let Value::Table(body) = body else {
        return Err(syntax(
            origin,
            format!("parameter {pname:?} must be a table"),
        ));
    };
    let text_field = |key: &str, v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(syntax(
            origin,
            format!(
                "parameter {pname:?}: `{key}` must be a string, not {}",
                toml_type(other)
            ),
        )),
    };
    let mut out = ParamOverride {
        index,
        unit: None,
        source: None,
        status: None,
        values: vec![],
    };
    let mut values_given = false;
    for (key, v) in body {
        match key.as_str() {
            "unit" => out.unit = Some(text_field("unit", v)?),
            "source" => out.source = Some(text_field("source", v)?),
            "status" => {
                let s = text_field("status", v)?;
                out.status = Some(ParamStatus::from_wire(&s).ok_or_else(|| {
                    syntax(
                        origin,
                        format!(
                            "parameter {pname:?}: status {s:?} is not one of \
                             sourced, seed, default, local"
                        ),
                    )
                })?);
            }
            "values" => {
                let Value::Table(dated) = v else {
                    return Err(syntax(
                        origin,
                        format!("parameter {pname:?}: `values` must be a table of dates"),
                    ));
                };
                values_given = true;
                for (date_text, raw) in dated {
                    let date = parse_date(date_text).ok_or_else(|| PolicyError::InvalidValue {
                        policy: origin.to_owned(),
                        name: pname.to_owned(),
                        date: date_text.clone(),
                        message: format!(
                            "bad date key {date_text:?}: expected a real date written YYYY-MM-DD"
                        ),
                    })?;
                    let value =
                        convert(kind, raw).map_err(|message| PolicyError::InvalidValue {
                            policy: origin.to_owned(),
                            name: pname.to_owned(),
                            date: date_text.clone(),
                            message,
                        })?;
                    out.values.push((date, value));
                }
            }
            other => {
                return Err(syntax(
                    origin,
                    format!(
                        "parameter {pname:?}: unknown key {other:?} \
                         (expected unit, source, status, values)"
                    ),
                ));
            }
        }
    }
    if !values_given || out.values.is_empty() {
        return Err(syntax(
            origin,
            format!("parameter {pname:?}: no `values` given"),
        ));
    }
    out.values.sort_by_key(|(d, _)| *d);
    if let Some(pair) = out
        .values
        .windows(2)
        .find(|w| matches!(w, [a, b] if a.0 == b.0))
        && let Some((d, _)) = pair.first()
    {
        return Err(PolicyError::InvalidValue {
            policy: origin.to_owned(),
            name: pname.to_owned(),
            date: d.format("%Y-%m-%d").to_string(),
            message: "the same start date is given twice".into(),
        });
    }
    Ok(out)
}

/// Reads exact decimal text: digits with an optional fraction, nothing else.
fn decimal_text(s: &str) -> Result<Decimal, String> {
    if s.starts_with('-') {
        return Err(format!(
            "{s:?} is negative; parameter values are never negative"
        ));
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (s.contains('.') && frac.is_empty()) {
        return Err(format!(
            "{s:?} is not a decimal number like \"5000\" or \"0.10\""
        ));
    }
    Decimal::from_str_exact(s).map_err(|e| format!("{s:?} is not an exact decimal: {e}"))
}

fn decimal(raw: &Value, range: DecimalRange) -> Result<Decimal, String> {
    let d = match raw {
        Value::String(s) => decimal_text(s)?,
        Value::Integer(i) if *i < 0 => {
            return Err(format!(
                "{i} is negative; parameter values are never negative"
            ));
        }
        Value::Integer(i) => Decimal::from(*i),
        Value::Float(f) => {
            return Err(format!(
                "the float {f} is not exact: write the decimal as a string, e.g. \"{f}\""
            ));
        }
        other => return Err(format!("expected a decimal, found {}", toml_type(other))),
    };
    if range == DecimalRange::Ratio && d > Decimal::ONE {
        return Err(format!("{d} is not within 0..=1"));
    }
    Ok(d)
}

fn table<E: TableKey>(raw: &Value, range: DecimalRange) -> Result<EnumTable<E>, String> {
    let Value::Table(t) = raw else {
        return Err(format!(
            "expected a table keyed by {}, found {}",
            E::NAME,
            toml_type(raw)
        ));
    };
    let allowed: Vec<&str> = E::KEYS.iter().map(|k| k.as_str()).collect();
    if let Some(bad) = t.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!(
            "unknown key {bad:?} (expected {})",
            allowed.join(", ")
        ));
    }
    let mut entries = Vec::with_capacity(E::KEYS.len());
    for key in E::KEYS {
        let v = t
            .get(key.as_str())
            .ok_or_else(|| format!("missing key {:?} (every key is required)", key.as_str()))?;
        let d = decimal(v, range).map_err(|m| format!("{}: {m}", key.as_str()))?;
        entries.push((*key, d));
    }
    EnumTable::new(entries).ok_or_else(|| "keys out of order".to_owned())
}

fn brackets(raw: &Value) -> Result<Brackets, String> {
    let Value::Array(items) = raw else {
        return Err(format!(
            "expected a list of {{ from, rate }} tables, found {}",
            toml_type(raw)
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Value::Table(t) = item else {
            return Err(format!(
                "a bracket must be a {{ from, rate }} table, not {}",
                toml_type(item)
            ));
        };
        if let Some(bad) = t.keys().find(|k| *k != "from" && *k != "rate") {
            return Err(format!("unknown bracket key {bad:?} (expected from, rate)"));
        }
        let field = |k: &str, range| {
            let v = t.get(k).ok_or_else(|| format!("a bracket needs `{k}`"))?;
            decimal(v, range).map_err(|m| format!("bracket {k}: {m}"))
        };
        out.push(Bracket {
            from: field("from", DecimalRange::NonNegative)?,
            rate: field("rate", DecimalRange::Ratio)?,
        });
    }
    Brackets::new(out)
}

/// Converts one raw TOML value to the parameter's type, or says why not.
fn convert(kind: ParamKind, raw: &Value) -> Result<ParamValue, String> {
    let wrong = || format!("expected {}, found {}", kind.describe(), toml_type(raw));
    match kind {
        ParamKind::Decimal(range) => decimal(raw, range).map(ParamValue::Decimal),
        ParamKind::Integer => match raw {
            Value::Integer(i) if (0..=MAX_INTEGER).contains(i) => Ok(ParamValue::Integer(*i)),
            Value::Integer(i) => Err(format!("{i} is not within 0..={MAX_INTEGER}")),
            _ => Err(wrong()),
        },
        ParamKind::Bool => match raw {
            Value::Boolean(b) => Ok(ParamValue::Bool(*b)),
            _ => Err(wrong()),
        },
        ParamKind::Date => match raw {
            Value::String(s) => parse_date(s)
                .map(ParamValue::Date)
                .ok_or_else(|| format!("{s:?} is not a real date written YYYY-MM-DD")),
            _ => Err(wrong()),
        },
        ParamKind::Choice(options) => match raw {
            Value::String(s) => options
                .iter()
                .find(|o| **o == s.as_str())
                .map(|o| ParamValue::Choice(o))
                .ok_or_else(|| format!("{s:?} is not {}", kind.describe())),
            _ => Err(wrong()),
        },
        ParamKind::HospitalTable(range) => {
            table::<HospitalLevel>(raw, range).map(ParamValue::HospitalTable)
        }
        ParamKind::CreditTable(range) => {
            table::<CreditRating>(raw, range).map(ParamValue::CreditTable)
        }
        ParamKind::Brackets => brackets(raw).map(ParamValue::Brackets),
    }
}

/// `backstop.cap_mode` as an enum (the loader only admits listed strings).
pub(crate) fn cap_mode(v: &ParamValue) -> Option<CapMode> {
    match v {
        ParamValue::Choice(s) => CapMode::from_wire(s),
        _ => None,
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
    fn decimal_text_is_strict_and_keeps_its_scale() {
        assert_eq!(decimal_text("0.10").unwrap().to_string(), "0.10");
        assert_eq!(decimal_text("5000").unwrap().to_string(), "5000");
        for bad in ["", ".5", "5.", "1e3", "1_000", " 1", "+1", "0x10", "1.2.3"] {
            assert!(decimal_text(bad).is_err(), "{bad:?}");
        }
        assert!(decimal_text("-1").unwrap_err().contains("negative"));
    }

    #[test]
    fn floats_are_refused_and_integers_are_exact() {
        let r = DecimalRange::NonNegative;
        assert!(
            decimal(&Value::Float(0.1), r)
                .unwrap_err()
                .contains("not exact")
        );
        assert_eq!(
            decimal(&Value::Integer(5000), r).unwrap().to_string(),
            "5000"
        );
        assert!(decimal(&Value::Integer(2), DecimalRange::Ratio).is_err());
    }
}
