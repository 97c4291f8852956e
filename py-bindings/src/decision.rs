//! `fupin.Decision`: the household decision of interfaces.md §3.1 as Python
//! attributes (money `Decimal`, codes `list[str]`).

use std::sync::OnceLock;

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rust_decimal::Decimal;

use fupin_core::trace::Explanation;
use fupin_core::{Decision, Evaluator, Household, Money};

use crate::errors::{IntoPyResult, internal_error, validation_error};
use crate::guard::guard;
use crate::policy::PyPolicy;
use crate::pyjson::value_to_py;
use crate::records::py_repr;

/// Money as a `Decimal` with exactly two decimals (`Decimal('20.00')`).
pub(crate) fn dec(m: Money) -> Decimal {
    let mut d = m.as_decimal();
    d.rescale(2);
    d
}

fn slugs<T: std::fmt::Display>(codes: &[T]) -> Vec<String> {
    codes.iter().map(ToString::to_string).collect()
}

/// The exit decision: ``eligible`` and every failed criterion, in order.
#[pyclass(name = "ExitResult", module = "fupin", frozen, get_all)]
pub struct ExitResult {
    /// May exit in the year of ``as_of``.
    eligible: bool,
    /// Failed criteria (``income_below_line``, ``food`` …), in order.
    failed: Vec<String>,
}

/// The monitoring decision: category and triggers.
#[pyclass(name = "MonitoringResult", module = "fupin", frozen, get_all)]
pub struct MonitoringResult {
    /// ``none``, ``unstable_exited``, ``marginal`` or ``poor``.
    category: String,
    /// ``low_income``, ``rigid_expenses``, ``income_drop`` (those that hold).
    triggers: Vec<String>,
}

/// The dibao decision.
#[pyclass(name = "DibaoResult", module = "fupin", frozen, get_all)]
pub struct DibaoResult {
    /// Eligible for rural dibao.
    eligible: bool,
    /// Monthly benefit, ``Decimal('0.00')`` when not eligible.
    monthly_benefit: Decimal,
    /// ``income_above_standard``, ``assets``.
    failed: Vec<String>,
}

/// The identification check (一票否决).
#[pyclass(name = "IdentificationResult", module = "fupin", frozen, get_all)]
pub struct IdentificationResult {
    /// Any exclusion reason applies.
    excluded: bool,
    /// ``car``, ``commercial_housing``, ``business``, ``public_employee``, ``deposits``.
    reasons: Vec<String>,
}

/// Annual entitlements, in yuan.
#[pyclass(name = "EntitlementsResult", module = "fupin", frozen, get_all)]
pub struct EntitlementsResult {
    /// 扶贫保 premiums paid by government.
    insurance_premiums: Decimal,
    /// 高龄津贴.
    elderly_allowance: Decimal,
    /// Veterans' living allowance.
    veterans_allowance: Decimal,
    /// Education aid.
    education_aid: Decimal,
    /// The sum of the four.
    total: Decimal,
}

/// The micro-credit decision.
#[pyclass(name = "CreditResult", module = "fupin", frozen, get_all)]
pub struct CreditResult {
    /// Eligible for a new loan.
    eligible: bool,
    /// The largest new loan, ``Decimal('0.00')`` when not eligible.
    max_new_loan: Decimal,
    /// ``not_eligible_status``, ``age``, ``no_rating``, ``no_labor``, ``limit_reached``.
    failed: Vec<String>,
}

macro_rules! simple_repr {
    ($($ty:ident),+) => {$(
        #[pymethods]
        impl $ty {
            fn __repr__(&self) -> String {
                format!("{}({})", stringify!($ty), self.describe())
            }
        }
    )+};
}

impl ExitResult {
    fn describe(&self) -> String {
        format!(
            "eligible={}, failed={}",
            py_bool(self.eligible),
            py_list(&self.failed)
        )
    }
}
impl MonitoringResult {
    fn describe(&self) -> String {
        format!(
            "category='{}', triggers={}",
            self.category,
            py_list(&self.triggers)
        )
    }
}
impl DibaoResult {
    fn describe(&self) -> String {
        format!(
            "eligible={}, monthly_benefit=Decimal('{}'), failed={}",
            py_bool(self.eligible),
            self.monthly_benefit,
            py_list(&self.failed)
        )
    }
}
impl IdentificationResult {
    fn describe(&self) -> String {
        format!(
            "excluded={}, reasons={}",
            py_bool(self.excluded),
            py_list(&self.reasons)
        )
    }
}
impl EntitlementsResult {
    fn describe(&self) -> String {
        format!(
            "insurance_premiums=Decimal('{}'), elderly_allowance=Decimal('{}'), veterans_allowance=Decimal('{}'), education_aid=Decimal('{}'), total=Decimal('{}')",
            self.insurance_premiums,
            self.elderly_allowance,
            self.veterans_allowance,
            self.education_aid,
            self.total
        )
    }
}
impl CreditResult {
    fn describe(&self) -> String {
        format!(
            "eligible={}, max_new_loan=Decimal('{}'), failed={}",
            py_bool(self.eligible),
            self.max_new_loan,
            py_list(&self.failed)
        )
    }
}

/// A list of code slugs as Python writes it: `['food', 'clothing']`.
fn py_list(codes: &[String]) -> String {
    let items: Vec<String> = codes.iter().map(|c| format!("'{c}'")).collect();
    format!("[{}]", items.join(", "))
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

simple_repr!(
    ExitResult,
    MonitoringResult,
    DibaoResult,
    IdentificationResult,
    EntitlementsResult,
    CreditResult
);

/// Everything the rules decide for one household on ``as_of``
/// (interfaces.md §3.1). Made by ``Policy.evaluate``.
#[pyclass(name = "Decision", module = "fupin", frozen)]
pub struct PyDecision {
    pub(crate) inner: Decision,
    /// The policy and household it was made from, to explain it on demand;
    /// `None` for an unpickled decision, whose explanation came with it.
    source: Option<(Py<PyPolicy>, Household)>,
    explanation: OnceLock<Explanation>,
}

impl PyDecision {
    /// Evaluates `household` under `policy` on `as_of`.
    pub(crate) fn evaluate(
        py: Python<'_>,
        policy: Py<PyPolicy>,
        household: Household,
        as_of: NaiveDate,
        explain: bool,
    ) -> PyResult<Self> {
        let inner = Evaluator::new(&policy.get().inner, as_of)
            .evaluate(&household, explain)
            .py_err(py)?;
        let explanation = OnceLock::new();
        if let Some(e) = &inner.explanation {
            let _ = explanation.set(e.clone());
        }
        Ok(PyDecision {
            inner,
            source: Some((policy, household)),
            explanation,
        })
    }

    fn explanation(&self, py: Python<'_>) -> PyResult<&Explanation> {
        if let Some(e) = self.explanation.get() {
            return Ok(e);
        }
        let Some((policy, household)) = &self.source else {
            return Err(internal_error(
                py,
                "the decision has neither explanation nor source",
            ));
        };
        let again = Evaluator::new(&policy.get().inner, self.inner.as_of)
            .evaluate(household, true)
            .py_err(py)?;
        let e = again
            .explanation
            .ok_or_else(|| internal_error(py, "the explained decision has no explanation"))?;
        Ok(self.explanation.get_or_init(|| e))
    }
}

#[pymethods]
impl PyDecision {
    /// The household's id.
    #[getter]
    fn household_id(&self) -> &str {
        &self.inner.household_id
    }

    /// The assessment date.
    #[getter]
    fn as_of(&self) -> NaiveDate {
        self.inner.as_of
    }

    /// Members counted on ``as_of``.
    #[getter]
    fn size(&self) -> u32 {
        self.inner.size
    }

    /// Household net income.
    #[getter]
    fn net_income(&self) -> Decimal {
        dec(self.inner.net_income)
    }

    /// Per-capita net income, rounded to the fen.
    #[getter]
    fn per_capita_income(&self) -> Decimal {
        dec(self.inner.per_capita_income)
    }

    /// The exit poverty line on ``as_of``.
    #[getter]
    fn poverty_line(&self) -> Decimal {
        dec(self.inner.poverty_line)
    }

    /// The exit decision.
    #[getter]
    fn exit(&self) -> ExitResult {
        ExitResult {
            eligible: self.inner.exit.eligible,
            failed: slugs(&self.inner.exit.failed),
        }
    }

    /// The monitoring decision.
    #[getter]
    fn monitoring(&self) -> MonitoringResult {
        MonitoringResult {
            category: self.inner.monitoring.category.to_string(),
            triggers: slugs(&self.inner.monitoring.triggers),
        }
    }

    /// The dibao decision.
    #[getter]
    fn dibao(&self) -> DibaoResult {
        DibaoResult {
            eligible: self.inner.dibao.eligible,
            monthly_benefit: dec(self.inner.dibao.monthly_benefit),
            failed: slugs(&self.inner.dibao.failed),
        }
    }

    /// The identification check.
    #[getter]
    fn identification(&self) -> IdentificationResult {
        IdentificationResult {
            excluded: self.inner.identification.excluded,
            reasons: slugs(&self.inner.identification.reasons),
        }
    }

    /// Annual entitlements.
    #[getter]
    fn entitlements(&self) -> EntitlementsResult {
        let e = &self.inner.entitlements;
        EntitlementsResult {
            insurance_premiums: dec(e.insurance_premiums),
            elderly_allowance: dec(e.elderly_allowance),
            veterans_allowance: dec(e.veterans_allowance),
            education_aid: dec(e.education_aid),
            total: dec(e.total),
        }
    }

    /// The micro-credit decision.
    #[getter]
    fn credit(&self) -> CreditResult {
        CreditResult {
            eligible: self.inner.credit.eligible,
            max_new_loan: dec(self.inner.credit.max_new_loan),
            failed: slugs(&self.inner.credit.failed),
        }
    }

    /// Data-quality findings: dicts with ``code``, ``person_id`` (or None), ``field``.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for f in &self.inner.findings {
            let d = PyDict::new(py);
            d.set_item("code", f.code.as_str())?;
            d.set_item("person_id", f.person_id.as_deref())?;
            d.set_item("field", &f.field)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// Each rule's inputs, parameters and result (a list of dicts), or
    /// None unless evaluated with ``explain=True``.
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

    /// The decision as a dict in the shape of interfaces.md §3.1, money as
    /// ``Decimal`` and ``as_of`` as ``datetime.date`` (``explanation`` and
    /// ``trace`` only when evaluated with ``explain=True``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let v = serde_json::to_value(&self.inner)
                .map_err(|e| internal_error(py, &e.to_string()))?;
            value_to_py(py, &v, None, true)
        })
    }

    /// The decision as the JSON line ``fupin evaluate`` writes (without the newline).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || {
            let mut out = Vec::with_capacity(2048);
            self.inner
                .write_json(&mut out)
                .map_err(|e| internal_error(py, &e.to_string()))?;
            String::from_utf8(out).map_err(|e| internal_error(py, &e.to_string()))
        })
    }

    /// Sentences a caseworker can read aloud, in Chinese (``"zh"``) or English (``"en"``).
    #[pyo3(signature = (lang = "zh"))]
    fn explain(&self, py: Python<'_>, lang: &str) -> PyResult<String> {
        guard(py, || {
            let e = self.explanation(py)?;
            match lang {
                "zh" => Ok(e.zh.clone()),
                "en" => Ok(e.en.clone()),
                other => Err(validation_error(
                    py,
                    &fupin_core::RecordError::new(
                        fupin_core::ErrorCode::InvalidEnum,
                        Some("lang".to_owned()),
                        format!("lang: {other:?} is not \"zh\" or \"en\""),
                    ),
                )),
            }
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyDecision>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    /// Pickles as the decision's JSON (``trace`` and ``explanation``
    /// included when explained) and its explanation texts, worked out now
    /// if they were not, so an unpickled decision explains itself without
    /// its policy or household.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (String, String, String))> {
        let py = slf.py();
        guard(py, || {
            let d = slf.get();
            let json =
                serde_json::to_string(&d.inner).map_err(|e| internal_error(py, &e.to_string()))?;
            let e = d.explanation(py)?;
            Ok((
                slf.get_type().getattr("_from_pickle")?,
                (json, e.zh.clone(), e.en.clone()),
            ))
        })
    }

    /// The decision ``__reduce__`` pickled (private: pickle calls it).
    ///
    /// Raises:
    ///     ValidationError: ``invalid_json`` when ``state`` is not a decision.
    #[staticmethod]
    fn _from_pickle(py: Python<'_>, state: &str, zh: String, en: String) -> PyResult<Self> {
        guard(py, || {
            let inner: Decision = serde_json::from_str(state).map_err(|e| {
                validation_error(
                    py,
                    &fupin_core::RecordError::new(
                        fupin_core::ErrorCode::InvalidJson,
                        None,
                        format!("not a pickled fupin decision: {e}"),
                    ),
                )
            })?;
            Ok(PyDecision {
                inner,
                source: None,
                explanation: OnceLock::from(Explanation { zh, en }),
            })
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Decision(household_id={}, as_of={}, per_capita_income=Decimal('{}'), exit_eligible={}, monitoring='{}')",
            py_repr(py, &self.inner.household_id),
            self.inner.as_of,
            self.inner.per_capita_income,
            py_bool(self.inner.exit.eligible),
            self.inner.monitoring.category.as_str()
        )
    }

    fn _repr_html_(&self, py: Python<'_>) -> String {
        let d = &self.inner;
        let codes = |c: &[String]| {
            if c.is_empty() {
                "—".to_owned()
            } else {
                c.join(", ")
            }
        };
        let rows: Vec<(&str, String)> = vec![
            ("household_id", d.household_id.to_string()),
            ("as_of", d.as_of.to_string()),
            ("size", d.size.to_string()),
            ("net_income", d.net_income.to_string()),
            ("per_capita_income", d.per_capita_income.to_string()),
            ("poverty_line", d.poverty_line.to_string()),
            (
                "exit",
                format!(
                    "{} ({})",
                    py_bool(d.exit.eligible),
                    codes(&slugs(&d.exit.failed))
                ),
            ),
            (
                "monitoring",
                format!(
                    "{} ({})",
                    d.monitoring.category,
                    codes(&slugs(&d.monitoring.triggers))
                ),
            ),
            (
                "dibao",
                format!(
                    "{} {} ({})",
                    py_bool(d.dibao.eligible),
                    d.dibao.monthly_benefit,
                    codes(&slugs(&d.dibao.failed))
                ),
            ),
            (
                "identification",
                format!(
                    "{} ({})",
                    py_bool(d.identification.excluded),
                    codes(&slugs(&d.identification.reasons))
                ),
            ),
            ("entitlements_total", d.entitlements.total.to_string()),
            (
                "credit",
                format!(
                    "{} {} ({})",
                    py_bool(d.credit.eligible),
                    d.credit.max_new_loan,
                    codes(&slugs(&d.credit.failed))
                ),
            ),
            (
                "findings",
                codes(
                    &d.findings
                        .iter()
                        .map(|f| f.code.to_string())
                        .collect::<Vec<_>>(),
                ),
            ),
        ];
        let _ = py;
        let mut html = String::from("<table class=\"fupin-decision\">");
        for (k, v) in rows {
            html.push_str(&format!(
                "<tr><th style=\"text-align:left\">{}</th><td style=\"text-align:left\">{}</td></tr>",
                escape(k),
                escape(&v)
            ));
        }
        html.push_str("</table>");
        html
    }
}

/// Escapes text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
