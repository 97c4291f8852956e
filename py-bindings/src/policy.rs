//! `fupin.Policy`: a set of dated parameters with their sources.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use fupin_core::policy::Policy;

use crate::convert::{date_arg, param_value};
use crate::decision::PyDecision;
use crate::errors::IntoPyResult;
use crate::guard::guard;
use crate::ledger::{PySettlement, settle_one};
use crate::records::household_arg;

/// A policy: every parameter of the rules with dated values, each with its
/// unit, source and status. Built-in: ``"ningxia-2020"`` and ``"national-2020"``.
#[pyclass(name = "Policy", module = "fupin", frozen)]
#[derive(Clone)]
pub struct PyPolicy {
    pub(crate) inner: Policy,
}

#[pymethods]
impl PyPolicy {
    /// A built-in policy by name.
    ///
    /// Args:
    ///     name: ``"ningxia-2020"`` or ``"national-2020"``.
    ///
    /// Raises:
    ///     PolicyError: no built-in policy of that name.
    #[staticmethod]
    fn builtin(py: Python<'_>, name: &str) -> PyResult<Self> {
        guard(py, || {
            Ok(PyPolicy {
                inner: Policy::builtin(name).py_err(py)?,
            })
        })
    }

    /// A policy from a TOML file (interfaces.md §5); ``extends`` may name a
    /// built-in or another file next to it.
    ///
    /// Raises:
    ///     PolicyError: the file is unreadable or invalid (unknown parameter,
    ///         wrong type, two lines in one broken …).
    #[staticmethod]
    fn from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        guard(py, || {
            let inner = fupin_core::policy::file::load(&path.to_string_lossy()).py_err(py)?;
            Ok(PyPolicy { inner })
        })
    }

    /// The policy's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The value of a parameter in force on a date.
    ///
    /// Args:
    ///     name: dotted parameter name, e.g. ``"backstop.annual_self_pay_cap"``.
    ///     on: a ``datetime.date`` or ISO string; default 2020-12-31.
    ///
    /// Returns:
    ///     ``Decimal``, ``int``, ``bool``, ``datetime.date``, ``str``, ``dict``
    ///     (enum tables) or ``list[dict]`` (brackets).
    ///
    /// Raises:
    ///     PolicyError: unknown parameter, or no value in force on the date.
    #[pyo3(signature = (name, on = None))]
    fn parameter<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        on: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let d = match &on {
                Some(v) => date_arg(v, "on")?,
                None => crate::default_date(),
            };
            let f = self.inner.lookup(name, d).py_err(py)?;
            param_value(py, f.value)
        })
    }

    /// Every parameter in force on a date, as a list of dicts with
    /// ``name``, ``value``, ``since``, ``status``, ``unit`` and ``source``.
    #[pyo3(signature = (on = None))]
    fn parameters<'py>(
        &self,
        py: Python<'py>,
        on: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        guard(py, || {
            let d = match &on {
                Some(v) => date_arg(v, "on")?,
                None => crate::default_date(),
            };
            let shown = self.inner.show(d).py_err(py)?;
            shown
                .iter()
                .map(|p| {
                    let row = PyDict::new(py);
                    row.set_item("name", p.name)?;
                    row.set_item("value", param_value(py, &p.value)?)?;
                    row.set_item("since", p.since)?;
                    row.set_item("status", p.status.as_str())?;
                    row.set_item("unit", &p.unit)?;
                    row.set_item("source", &p.source)?;
                    Ok(row)
                })
                .collect()
        })
    }

    /// Every parameter in force on a date as a pandas DataFrame with columns
    /// ``name``, ``value``, ``since``, ``status``, ``unit`` and ``source``
    /// (the rows of ``parameters(on)``; pandas is imported only here).
    #[pyo3(signature = (on = None))]
    fn show<'py>(
        &self,
        py: Python<'py>,
        on: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = self.parameters(py, on)?;
        guard(py, || {
            py.import("fupin.frames")?
                .getattr("parameters_frame")?
                .call1((rows,))
        })
    }

    /// Evaluates a household on a date (interfaces.md §3.1).
    ///
    /// Args:
    ///     household: a ``Household``, or a dict in its JSON shape.
    ///     as_of: a ``datetime.date`` or ISO string; default 2020-12-31.
    ///     explain: include the explanation and the ``trace``.
    ///
    /// Raises:
    ///     ValidationError: an invalid household (also ``no_counted_member``
    ///         and the other date-dependent checks).
    #[pyo3(signature = (household, as_of = None, *, explain = false))]
    fn evaluate(
        slf: &Bound<'_, Self>,
        household: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
        explain: bool,
    ) -> PyResult<PyDecision> {
        let py = slf.py();
        guard(py, || {
            let d = match as_of {
                Some(v) => date_arg(v, "as_of")?,
                None => crate::default_date(),
            };
            let hh = household_arg(household)?;
            PyDecision::evaluate(py, slf.clone().unbind(), hh, d, explain)
        })
    }

    /// Settles claims in order through a fresh ``Ledger`` (interfaces.md §3.2).
    ///
    /// Args:
    ///     claims: ``Claim`` objects or dicts in their JSON shape.
    ///     explain: include each settlement's ``trace``.
    ///
    /// Raises:
    ///     ValidationError: the first invalid or duplicate claim.
    #[pyo3(signature = (claims, *, explain = false))]
    fn settle(
        &self,
        py: Python<'_>,
        claims: &Bound<'_, PyAny>,
        explain: bool,
    ) -> PyResult<Vec<PySettlement>> {
        guard(py, || {
            let mut ledger = fupin_core::Ledger::new();
            let mut out = Vec::new();
            for claim in claims.try_iter()? {
                out.push(settle_one(py, &mut ledger, &self.inner, &claim?, explain)?);
            }
            Ok(out)
        })
    }

    fn __repr__(&self) -> String {
        format!("Policy({:?})", self.inner.name())
    }
}
