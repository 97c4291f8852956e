//! `fupin.Household` and `fupin.Claim`: input records read from dicts in the
//! JSON shape of interfaces.md §2, through the command line's own parser.

use pyo3::prelude::*;
use pyo3::types::PyString;

use fupin_core::record::parse::parse_record;
use fupin_core::record::{claim_problems, household_problems, member_problems};
use fupin_core::{Claim, Household, Member, RecordError, parse_claim, parse_household};

use crate::errors::{internal_error, validation_errors};
use crate::guard::guard;
use crate::pyjson::{dict_to_json, value_to_py};

/// A Python `repr` of a string (single quotes, like Python's own).
pub(crate) fn py_repr(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s)
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| format!("{s:?}"))
}

/// A record as a dict: money `Decimal`, dates `datetime.date`.
fn record_dict<'py, T: serde::Serialize>(py: Python<'py>, r: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(r).map_err(|e| internal_error(py, &e.to_string()))?;
    value_to_py(py, &v, None, true)
}

/// Reads a record with `parse`, or raises a `ValidationError` listing every
/// problem (`problems`, interfaces.md §6) headed by `parse`'s own error, the
/// one the command line reports.
fn read_all<T>(
    py: Python<'_>,
    text: &str,
    parse: impl Fn(&[u8]) -> Result<T, RecordError>,
    problems: fn(&[u8]) -> Vec<RecordError>,
) -> PyResult<T> {
    parse(text.as_bytes()).map_err(|first| {
        let all = problems(text.as_bytes());
        if all.first() == Some(&first) {
            validation_errors(py, &all)
        } else {
            // Never expected (core's tests check it); the parser's error is
            // the authority.
            validation_errors(py, std::slice::from_ref(&first))
        }
    })
}

/// A household of the register (interfaces.md §2.1), validated.
#[pyclass(name = "Household", module = "fupin", frozen)]
pub struct PyHousehold {
    pub(crate) inner: Household,
}

#[pymethods]
impl PyHousehold {
    /// A household from a dict in the JSON shape of interfaces.md §2.1.
    ///
    /// Raises:
    ///     ValidationError: the dict is not a valid household; ``errors()``
    ///         lists every problem (same codes, fields and messages as
    ///         ``fupin evaluate``, whose error is the first).
    #[staticmethod]
    fn from_dict(py: Python<'_>, d: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(py, || {
            let text = dict_to_json(d, "household")?;
            let inner = read_all(py, &text, parse_household, household_problems)?;
            Ok(PyHousehold { inner })
        })
    }

    /// The household number (户编号).
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// The members on the household's register, in order.
    #[getter]
    fn members(&self) -> Vec<PyMember> {
        self.inner
            .members
            .iter()
            .map(|m| PyMember { inner: m.clone() })
            .collect()
    }

    /// The household as a dict in the JSON shape (money ``Decimal``, dates
    /// ``datetime.date``); ``Household.from_dict`` reads it back.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || record_dict(py, &self.inner))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyHousehold>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    /// Pickles through ``to_dict()``: ``Household.from_dict`` reads it back.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyAny>,))> {
        let py = slf.py();
        let state = slf.get().to_dict(py)?;
        Ok((slf.get_type().getattr("from_dict")?, (state,)))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Household(id={}, members={})",
            py_repr(py, &self.inner.id),
            self.inner.members.len()
        )
    }
}

/// A member of a household (interfaces.md §2.2), validated. ``repr`` masks
/// the name and the identity number.
#[pyclass(name = "Member", module = "fupin", frozen)]
pub struct PyMember {
    pub(crate) inner: Member,
}

#[pymethods]
impl PyMember {
    /// A member from a dict in the JSON shape of interfaces.md §2.2; a
    /// ``Member`` may stand in a household dict's ``members`` list.
    ///
    /// Raises:
    ///     ValidationError: the dict is not a valid member; ``errors()``
    ///         lists every problem.
    #[staticmethod]
    fn from_dict(py: Python<'_>, d: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(py, || {
            let text = dict_to_json(d, "member")?;
            let inner = read_all(py, &text, parse_record::<Member>, member_problems)?;
            Ok(PyMember { inner })
        })
    }

    /// The person number.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// The member as a dict in the JSON shape (dates ``datetime.date``).
    /// Holds the unmasked name and identity number.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || record_dict(py, &self.inner))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyMember>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    /// Pickles through ``to_dict()``: ``Member.from_dict`` reads it back.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyAny>,))> {
        let py = slf.py();
        let state = slf.get().to_dict(py)?;
        Ok((slf.get_type().getattr("from_dict")?, (state,)))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let m = &self.inner;
        let id_number = m
            .id_number
            .as_ref()
            .map_or_else(|| "None".to_owned(), |n| py_repr(py, &n.masked()));
        format!(
            "Member(id={}, name={}, id_number={}, birth_date={})",
            py_repr(py, &m.id),
            py_repr(py, &m.name.masked()),
            id_number,
            m.birth_date
        )
    }
}

/// A medical claim (interfaces.md §2.3), validated.
#[pyclass(name = "Claim", module = "fupin", frozen)]
pub struct PyClaim {
    pub(crate) inner: Claim,
}

#[pymethods]
impl PyClaim {
    /// A claim from a dict in the JSON shape of interfaces.md §2.3.
    ///
    /// Raises:
    ///     ValidationError: the dict is not a valid claim; ``errors()`` lists
    ///         every problem (same codes, fields and messages as ``fupin
    ///         settle``, whose error is the first).
    #[staticmethod]
    fn from_dict(py: Python<'_>, d: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(py, || {
            let text = dict_to_json(d, "claim")?;
            let inner = read_all(py, &text, parse_claim, claim_problems)?;
            Ok(PyClaim { inner })
        })
    }

    /// The claim number.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// The patient's person id.
    #[getter]
    fn person_id(&self) -> &str {
        &self.inner.person_id
    }

    /// The claim as a dict in the JSON shape (money ``Decimal``, dates
    /// ``datetime.date``); ``Claim.from_dict`` reads it back.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || record_dict(py, &self.inner))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyClaim>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    /// Pickles through ``to_dict()``: ``Claim.from_dict`` reads it back.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyAny>,))> {
        let py = slf.py();
        let state = slf.get().to_dict(py)?;
        Ok((slf.get_type().getattr("from_dict")?, (state,)))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Claim(id={}, person_id={}, admitted_on={})",
            py_repr(py, &self.inner.id),
            py_repr(py, &self.inner.person_id),
            self.inner.admitted_on
        )
    }
}

/// A household argument: a `Household`, or a dict read with `from_dict`.
pub(crate) fn household_arg(v: &Bound<'_, PyAny>) -> PyResult<Household> {
    match v.cast::<PyHousehold>() {
        Ok(h) => Ok(h.get().inner.clone()),
        Err(_) => Ok(PyHousehold::from_dict(v.py(), v)?.inner),
    }
}

/// A claim argument: a `Claim`, or a dict read with `from_dict`.
pub(crate) fn claim_arg(v: &Bound<'_, PyAny>) -> PyResult<Claim> {
    match v.cast::<PyClaim>() {
        Ok(c) => Ok(c.get().inner.clone()),
        Err(_) => Ok(PyClaim::from_dict(v.py(), v)?.inner),
    }
}
