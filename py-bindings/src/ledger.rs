//! `fupin.Ledger` and `fupin.Settlement`: medical claims settled one by one
//! through the five layers (interfaces.md §3.2), with the year-to-date sums
//! a ledger carries between claims.

use pyo3::prelude::*;
use rust_decimal::Decimal;

use fupin_core::{ErrorCode, Ledger, Policy, RecordError, Settlement};

use crate::decision::dec;
use crate::errors::{IntoPyResult, internal_error, validation_error};
use crate::guard::guard;
use crate::policy::PyPolicy;
use crate::pyjson::value_to_py;
use crate::records::{claim_arg, py_repr};

/// The settlement of one claim (interfaces.md §3.2): six components in
/// yuan that add up exactly to ``total_cost``.
#[pyclass(name = "Settlement", module = "fupin", frozen)]
pub struct PySettlement {
    pub(crate) inner: Settlement,
}

#[pymethods]
impl PySettlement {
    /// The claim's id.
    #[getter]
    fn claim_id(&self) -> &str {
        self.inner.claim_id.as_str()
    }
    /// The patient's person id.
    #[getter]
    fn person_id(&self) -> &str {
        self.inner.person_id.as_str()
    }
    /// The policy year (the year of admission).
    #[getter]
    fn year(&self) -> i32 {
        self.inner.year
    }
    /// 住院总费用.
    #[getter]
    fn total_cost(&self) -> Decimal {
        dec(self.inner.total_cost)
    }
    /// Layer 1, 基本医保.
    #[getter]
    fn basic_insurance(&self) -> Decimal {
        dec(self.inner.basic_insurance)
    }
    /// Layer 2, 大病保险.
    #[getter]
    fn critical_illness_insurance(&self) -> Decimal {
        dec(self.inner.critical_illness_insurance)
    }
    /// Layer 3, 扶贫保 大病补充医疗.
    #[getter]
    fn supplementary_insurance(&self) -> Decimal {
        dec(self.inner.supplementary_insurance)
    }
    /// Layer 4, 医疗救助.
    #[getter]
    fn medical_assistance(&self) -> Decimal {
        dec(self.inner.medical_assistance)
    }
    /// Layer 5, 政府兜底.
    #[getter]
    fn backstop(&self) -> Decimal {
        dec(self.inner.backstop)
    }
    /// What the patient pays.
    #[getter]
    fn self_pay(&self) -> Decimal {
        dec(self.inner.self_pay)
    }

    /// One step per layer (a list of dicts), or None unless settled with ``explain=True``.
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(py, || match &self.inner.trace {
            None => Ok(None),
            Some(t) => {
                let v = serde_json::to_value(t).map_err(|e| internal_error(py, &e.to_string()))?;
                Ok(Some(value_to_py(py, &v, None, false)?))
            }
        })
    }

    /// The settlement as a dict in the shape of interfaces.md §3.2, money as ``Decimal``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let v = serde_json::to_value(&self.inner)
                .map_err(|e| internal_error(py, &e.to_string()))?;
            value_to_py(py, &v, None, true)
        })
    }

    /// The settlement as the JSON line ``fupin settle`` writes (without the newline).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            serde_json::to_string(&self.inner).map_err(|e| internal_error(py, &e.to_string()))
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PySettlement>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    /// Pickles as the settlement's JSON (``trace`` included when explained).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let py = slf.py();
        guard(py, || {
            let json = serde_json::to_string(&slf.get().inner)
                .map_err(|e| internal_error(py, &e.to_string()))?;
            Ok((slf.get_type().getattr("_from_pickle")?, (json,)))
        })
    }

    /// The settlement ``__reduce__`` pickled (private: pickle calls it).
    ///
    /// Raises:
    ///     ValidationError: ``invalid_json`` when ``state`` is not a settlement.
    #[staticmethod]
    fn _from_pickle(py: Python<'_>, state: &str) -> PyResult<Self> {
        guard(py, || {
            let inner: Settlement = serde_json::from_str(state).map_err(|e| {
                validation_error(
                    py,
                    &RecordError::new(
                        ErrorCode::InvalidJson,
                        None,
                        format!("not a pickled fupin settlement: {e}"),
                    ),
                )
            })?;
            Ok(PySettlement { inner })
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let s = &self.inner;
        format!(
            "Settlement(claim_id={}, year={}, total_cost=Decimal('{}'), backstop=Decimal('{}'), self_pay=Decimal('{}'))",
            py_repr(py, s.claim_id.as_str()),
            s.year,
            s.total_cost,
            s.backstop,
            s.self_pay
        )
    }
}

/// The default policy of the API: the built-in ``ningxia-2020``.
pub(crate) fn default_policy(py: Python<'_>) -> PyResult<Policy> {
    Policy::builtin("ningxia-2020").py_err(py)
}

/// Settles `claim` into `ledger`; a rejected claim leaves the ledger as it was.
pub(crate) fn settle_one(
    py: Python<'_>,
    ledger: &mut Ledger,
    policy: &Policy,
    claim: &Bound<'_, PyAny>,
    explain: bool,
) -> PyResult<PySettlement> {
    let claim = claim_arg(claim)?;
    let inner = ledger.settle(policy, &claim, explain).py_err(py)?;
    Ok(PySettlement { inner })
}

/// The year-to-date sums of every person settled so far, and every claim id
/// settled (a claim is never paid twice). Settle claims in the order they
/// were settled in reality; save with ``to_json()`` or pickle and resume.
#[pyclass(name = "Ledger", module = "fupin")]
pub struct PyLedger {
    pub(crate) inner: Ledger,
}

#[pymethods]
impl PyLedger {
    /// An empty ledger.
    #[new]
    fn new() -> Self {
        PyLedger {
            inner: Ledger::new(),
        }
    }

    /// Settles one claim (a ``Claim`` or a dict in its JSON shape).
    ///
    /// Args:
    ///     claim: the claim.
    ///     policy: default the built-in ``ningxia-2020``.
    ///     explain: include the per-layer ``trace``.
    ///
    /// Raises:
    ///     ValidationError: an invalid claim, or ``duplicate_claim_id`` for
    ///         a claim id already settled. The ledger is then unchanged.
    #[pyo3(signature = (claim, policy = None, *, explain = false))]
    fn settle(
        &mut self,
        py: Python<'_>,
        claim: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyPolicy>>,
        explain: bool,
    ) -> PyResult<PySettlement> {
        guard(py, || match policy {
            Some(p) => settle_one(py, &mut self.inner, &p.get().inner, claim, explain),
            None => {
                let p = default_policy(py)?;
                settle_one(py, &mut self.inner, &p, claim, explain)
            }
        })
    }

    /// How many claims have been settled.
    #[getter]
    fn claims_settled(&self) -> usize {
        self.inner.claims_settled()
    }

    /// Whether a claim id has been settled.
    fn __contains__(&self, claim_id: &str) -> bool {
        self.inner.contains_claim(claim_id)
    }

    /// The ledger as JSON (what ``fupin settle --ledger FILE`` writes).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            serde_json::to_string(&self.inner).map_err(|e| internal_error(py, &e.to_string()))
        })
    }

    /// A ledger from ``to_json()`` text (or a ``fupin settle --ledger`` file's content).
    ///
    /// Raises:
    ///     ValidationError: ``invalid_json`` when the text is not a ledger.
    #[staticmethod]
    fn from_json(py: Python<'_>, s: &str) -> PyResult<Self> {
        guard(py, || {
            Ok(PyLedger {
                inner: read(py, s)?,
            })
        })
    }

    fn __getstate__(&self, py: Python<'_>) -> PyResult<String> {
        self.to_json(py)
    }

    fn __setstate__(&mut self, py: Python<'_>, state: &str) -> PyResult<()> {
        guard(py, || {
            self.inner = read(py, state)?;
            Ok(())
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyLedger>()
            .is_ok_and(|o| o.borrow().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Ledger(claims_settled={})", self.inner.claims_settled())
    }
}

fn read(py: Python<'_>, s: &str) -> PyResult<Ledger> {
    serde_json::from_str(s).map_err(|e| {
        validation_error(
            py,
            &RecordError::new(
                ErrorCode::InvalidJson,
                None,
                format!("not a fupin ledger: {e}"),
            ),
        )
    })
}
