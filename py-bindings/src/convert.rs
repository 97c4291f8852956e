//! Conversions between Python values and core types (dates, parameter values).

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use fupin_core::enums::WireEnum;
use fupin_core::{ErrorCode, RecordError};

use crate::errors::validation_error;
use fupin_core::policy::value::ParamValue;

/// Reads a date given as an ISO `str` or a `datetime.date`; anything else
/// is a `fupin.ValidationError` (`invalid_date` or `wrong_type`) naming `what`.
pub fn date_arg(value: &Bound<'_, PyAny>, what: &str) -> PyResult<NaiveDate> {
    let py = value.py();
    let fail = |code, message: String| {
        validation_error(py, &RecordError::new(code, Some(what.to_owned()), message))
    };
    if let Ok(s) = value.cast::<PyString>() {
        let text = s.to_str()?;
        return fupin_core::date::parse_date(text).ok_or_else(|| {
            fail(
                ErrorCode::InvalidDate,
                format!("{what}: {text:?} is not a date written YYYY-MM-DD"),
            )
        });
    }
    // A datetime.datetime is a date subclass; refuse it rather than drop its time.
    let is_datetime = value.is_instance(&py.import("datetime")?.getattr("datetime")?)?;
    match value.extract::<NaiveDate>() {
        Ok(d) if !is_datetime => Ok(d),
        _ => Err(fail(
            ErrorCode::WrongType,
            format!("{what}: expected a datetime.date or an ISO date string"),
        )),
    }
}

/// A parameter value as its Python type: `Decimal`, `int`, `bool`,
/// `datetime.date`, `str`, `dict` for enum tables, `list[dict]` for brackets.
pub fn param_value<'py>(py: Python<'py>, v: &ParamValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        ParamValue::Decimal(d) => d.into_pyobject(py)?.into_any(),
        ParamValue::Integer(i) => i.into_pyobject(py)?.into_any(),
        ParamValue::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        ParamValue::Date(d) => d.into_pyobject(py)?.into_any(),
        ParamValue::Choice(s) => PyString::new(py, s).into_any(),
        ParamValue::HospitalTable(t) => {
            let d = PyDict::new(py);
            for (k, v) in t.iter() {
                d.set_item(k.as_str(), v)?;
            }
            d.into_any()
        }
        ParamValue::CreditTable(t) => {
            let d = PyDict::new(py);
            for (k, v) in t.iter() {
                d.set_item(k.as_str(), v)?;
            }
            d.into_any()
        }
        ParamValue::Brackets(b) => {
            let list = PyList::empty(py);
            for br in b.iter() {
                let d = PyDict::new(py);
                d.set_item("from", br.from)?;
                d.set_item("rate", br.rate)?;
                list.append(d)?;
            }
            list.into_any()
        }
    })
}
