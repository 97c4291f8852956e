//! Python values ↔ JSON text, so a record given as a dict goes through the
//! very parser of the command line (same validation, same error codes).
//!
//! Python → JSON: `dict` (str keys), `list`/`tuple`, `str`, `int`, `bool`,
//! `None`, `Decimal` (its `str` as number text), `float` (its shortest
//! `repr` as number text: `1234.5` is exact, `0.1 + 0.2` is not money),
//! `datetime.date` (ISO string). The core parser then judges the text: an
//! exponent, a negative amount or too many decimals is `invalid_money`, a
//! bool where money is expected `wrong_type`, and so on. A non-finite
//! `Decimal`/`float` has no JSON text: it is `invalid_money` here. Anything
//! else is `wrong_type`, naming the field.
//!
//! JSON → Python: objects, lists, strings, `int` for integers, `Decimal` for
//! other numbers; strings under the money and date keys of a record become
//! `Decimal` and `datetime.date`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;
use serde_json::Value;

use fupin_core::{ErrorCode, RecordError};

use crate::errors::validation_error;

/// The Python classes the walker recognises by type.
struct Classes<'py> {
    decimal: Bound<'py, PyAny>,
    date: Bound<'py, PyAny>,
    datetime: Bound<'py, PyAny>,
}

/// Writes `value` (a dict) as one line of JSON text; a value with no JSON
/// form is a `ValidationError` naming the field and the record's `id`.
pub fn dict_to_json(value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let py = value.py();
    let Ok(dict) = value.cast::<PyDict>() else {
        let e = RecordError::new(
            ErrorCode::WrongType,
            None,
            format!(
                "a {what} is given as a dict in the JSON shape, not a value of type {}",
                type_name(value)
            ),
        );
        return Err(validation_error(py, &e));
    };
    let record_id = dict
        .get_item("id")?
        .and_then(|v| v.cast::<PyString>().ok().map(|s| s.to_string()));
    let datetime = py.import("datetime")?;
    let classes = Classes {
        decimal: py.import("decimal")?.getattr("Decimal")?,
        date: datetime.getattr("date")?,
        datetime: datetime.getattr("datetime")?,
    };
    let mut out = String::with_capacity(512);
    let mut path = String::new();
    write_value(&classes, value, &mut path, &mut out).map_err(|e| match e {
        WalkError::Py(e) => e,
        WalkError::Record(r) => validation_error(py, &r.with_record_id(record_id)),
    })?;
    Ok(out)
}

enum WalkError {
    Py(PyErr),
    Record(RecordError),
}

impl From<PyErr> for WalkError {
    fn from(e: PyErr) -> Self {
        WalkError::Py(e)
    }
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "value".to_owned())
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

fn field(path: &str) -> Option<String> {
    (!path.is_empty()).then(|| path.to_owned())
}

fn write_str(out: &mut String, s: &str) {
    // serde_json escapes exactly as JSON requires; a str cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn not_money(path: &str, text: &str) -> WalkError {
    WalkError::Record(RecordError::new(
        ErrorCode::InvalidMoney,
        field(path),
        format!(
            "{}{text} is not an amount of money (digits with at most two decimals)",
            at(path)
        ),
    ))
}

fn write_value(
    c: &Classes<'_>,
    v: &Bound<'_, PyAny>,
    path: &mut String,
    out: &mut String,
) -> Result<(), WalkError> {
    if v.is_none() {
        out.push_str("null");
    } else if let Ok(b) = v.cast::<PyBool>() {
        out.push_str(if b.is_true() { "true" } else { "false" });
    } else if let Ok(i) = v.cast::<PyInt>() {
        // The value, not `str()`: an IntEnum member's `str` may be its name.
        match i.extract::<i128>() {
            Ok(n) => out.push_str(&n.to_string()),
            Err(_) => out.push_str(&i.call_method0("__index__")?.repr()?.to_cow()?),
        }
    } else if let Ok(s) = v.cast::<PyString>() {
        write_str(out, &s.to_cow()?);
    } else if let Ok(f) = v.cast::<PyFloat>() {
        let x = f.value();
        if !x.is_finite() {
            return Err(not_money(path, &f.repr()?.to_cow()?));
        }
        out.push_str(&f.repr()?.to_cow()?);
    } else if v.is_instance(&c.decimal)? {
        let finite = v.call_method0("is_finite")?.is_truthy()?;
        let text = v.str()?.to_string();
        if !finite {
            return Err(not_money(path, &text));
        }
        out.push_str(&text);
    } else if v.is_instance(&c.date)? && !v.is_instance(&c.datetime)? {
        write_str(out, &v.call_method0("isoformat")?.str()?.to_cow()?);
    } else if let Ok(m) = v.cast::<crate::records::PyMember>() {
        // A Member object in a household's list: its own JSON shape.
        let text = serde_json::to_string(&m.get().inner)
            .map_err(|e| WalkError::Py(crate::errors::internal_error(v.py(), &e.to_string())))?;
        out.push_str(&text);
    } else if let Ok(d) = v.cast::<PyDict>() {
        out.push('{');
        for (n, (k, item)) in d.iter().enumerate() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(WalkError::Record(RecordError::new(
                    ErrorCode::WrongType,
                    field(path),
                    format!("{}keys must be str, not {}", at(path), type_name(&k)),
                )));
            };
            let key = key.to_cow()?;
            if n > 0 {
                out.push(',');
            }
            write_str(out, &key);
            out.push(':');
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&key);
            write_value(c, &item, path, out)?;
            path.truncate(len);
        }
        out.push('}');
    } else if v.cast::<PyList>().is_ok() || v.cast::<PyTuple>().is_ok() {
        out.push('[');
        for (n, item) in v.try_iter()?.enumerate() {
            if n > 0 {
                out.push(',');
            }
            let len = path.len();
            path.push_str(&format!("[{n}]"));
            write_value(c, &item?, path, out)?;
            path.truncate(len);
        }
        out.push(']');
    } else {
        return Err(WalkError::Record(RecordError::new(
            ErrorCode::WrongType,
            field(path),
            format!(
                "{}a value of type {} has no JSON form (use str, int, bool, None, Decimal, float, datetime.date, list, dict or Member)",
                at(path),
                type_name(v)
            ),
        )));
    }
    Ok(())
}

/// The keys whose string values are money in the records of interfaces.md §2-§3.
pub const MONEY_KEYS: &[&str] = &[
    "wage",
    "operating",
    "operating_cost",
    "property",
    "transfer",
    "dibao",
    "one_off_transfer",
    "rigid_expenses",
    "deposits",
    "outstanding",
    "total_cost",
    "in_policy_cost",
    "net_income",
    "per_capita_income",
    "poverty_line",
    "monthly_benefit",
    "insurance_premiums",
    "elderly_allowance",
    "veterans_allowance",
    "education_aid",
    "total",
    "max_new_loan",
    "basic_insurance",
    "critical_illness_insurance",
    "supplementary_insurance",
    "medical_assistance",
    "backstop",
    "self_pay",
];

/// The keys whose string values are dates in the records.
pub const DATE_KEYS: &[&str] = &[
    "as_of",
    "identified_on",
    "exited_on",
    "returned_on",
    "on",
    "birth_date",
    "deceased_on",
    "moved_out_on",
    "admitted_on",
];

/// A JSON value as Python. With `typed`, a string under a key of
/// [`MONEY_KEYS`] becomes `Decimal` and under [`DATE_KEYS`] `datetime.date`;
/// the subtrees under `untyped` keys stay plain.
pub fn value_to_py<'py>(
    py: Python<'py>,
    v: &Value,
    key: Option<&str>,
    typed: bool,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                let text = n.to_string();
                match text.parse::<Decimal>() {
                    Ok(d) => d.into_pyobject(py)?.into_any(),
                    Err(_) => py
                        .import("decimal")?
                        .getattr("Decimal")?
                        .call1((text,))?
                        .into_any(),
                }
            }
        }
        Value::String(s) => {
            let k = key.unwrap_or("");
            if typed && MONEY_KEYS.contains(&k) {
                if let Ok(d) = s.parse::<Decimal>() {
                    return Ok(d.into_pyobject(py)?.into_any());
                }
            } else if typed
                && DATE_KEYS.contains(&k)
                && let Some(d) = fupin_core::date::parse_date(s)
            {
                return Ok(d.into_pyobject(py)?.into_any());
            }
            PyString::new(py, s).into_any()
        }
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_py(py, item, key, typed)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, item) in map {
                let keep_typed = typed && k != "trace" && k != "explanation";
                d.set_item(k, value_to_py(py, item, Some(k), keep_typed)?)?;
            }
            d.into_any()
        }
    })
}
