//! The exception hierarchy lives in Python (`fupin/exceptions.py`: under
//! abi3 a `#[pyclass]` cannot extend `Exception`); this module raises those
//! classes from Rust, converting `fupin_core::Error` in one exhaustive match.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use fupin_core::{Error, PolicyError, RecordError};

fn raise(py: Python<'_>, class: &str, message: &str, kwargs: Bound<'_, PyDict>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = py.import("fupin.exceptions")?.getattr(class)?;
        let exc = cls.call((message,), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// A `fupin.ValidationError` for one record error.
pub fn validation_error(py: Python<'_>, e: &RecordError) -> PyErr {
    validation_errors(py, std::slice::from_ref(e))
}

/// A `fupin.ValidationError` listing several problems (the first names the error).
pub fn validation_errors(py: Python<'_>, errors: &[RecordError]) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let list = PyList::empty(py);
        for e in errors {
            let d = PyDict::new(py);
            d.set_item("code", e.code.as_str())?;
            d.set_item("record_id", e.record_id.as_deref())?;
            d.set_item("field", e.field.as_deref())?;
            d.set_item("message", &e.message)?;
            list.append(d)?;
        }
        let first = errors.first();
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", first.map(|e| e.code.as_str()))?;
        kwargs.set_item("record_id", first.and_then(|e| e.record_id.as_deref()))?;
        kwargs.set_item("field", first.and_then(|e| e.field.as_deref()))?;
        kwargs.set_item("errors", list)?;
        let message = match errors {
            [one] => one.message.clone(),
            many => format!(
                "{} problems: {}",
                many.len(),
                many.iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        Ok(raise(py, "ValidationError", &message, kwargs))
    };
    build().unwrap_or_else(|e| e)
}

/// A `fupin.PolicyError`.
pub fn policy_error(py: Python<'_>, e: &PolicyError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", e.code())?;
        kwargs.set_item("parameter", e.parameter())?;
        Ok(raise(py, "PolicyError", &e.to_string(), kwargs))
    };
    build().unwrap_or_else(|e| e)
}

/// A `fupin.InternalError` (a bug in fupin).
pub fn internal_error(py: Python<'_>, message: &str) -> PyErr {
    let kwargs = PyDict::new(py);
    let _ = kwargs.set_item("code", "internal_error");
    raise(py, "InternalError", message, kwargs)
}

/// Converts any core error: the single, exhaustive mapping to Python.
pub fn to_py(py: Python<'_>, e: &Error) -> PyErr {
    match e {
        Error::Record(r) => validation_error(py, r),
        Error::Policy(p) => policy_error(py, p),
        Error::Arithmetic(a) => {
            let r = RecordError::new(fupin_core::ErrorCode::OutOfRange, None, a.to_string());
            validation_error(py, &r)
        }
    }
}

/// Extension trait: `result.py_err(py)?`.
pub trait IntoPyResult<T> {
    /// Converts the error side into the matching `fupin` exception.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T, E: Into<Error>> IntoPyResult<T> for Result<T, E> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, &e.into()))
    }
}

/// A `RuntimeError` used only if the `fupin.exceptions` module cannot be imported.
#[allow(dead_code)]
pub fn fallback(message: &str) -> PyErr {
    PyRuntimeError::new_err(message.to_owned())
}
