//! `fupin.Registry`: a county register read from the §4.1 tables (CSV files
//! or one workbook), evaluated, summarised, audited and reported with the
//! same core functions as the CLI.
//!
//! Rust returns plain lists and dicts; the pandas DataFrames are built by
//! `fupin/frames.py`, which imports pandas only when a frame is asked for
//! (`import fupin` stays free of pandas).

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use fupin_core::record::Household;
use fupin_core::record::read::{CellError, TableReadError, read_registry_csv, read_villages_csv};
use fupin_core::record::xlsx::read_registry_xlsx;
use fupin_core::report::{Report, ReportInput, evaluated_registry};
use fupin_core::stats::{Dimension, VillageRow};
use fupin_core::{Decision, ErrorCode, Evaluator, Policy, RecordError};

use crate::convert::date_arg;
use crate::errors::{internal_error, validation_error};
use crate::guard::guard;
use crate::policy::PyPolicy;
use crate::pyjson::value_to_py;

/// A county register: one entry per household row (the household with its
/// members, or why it cannot be used), the bad cells, and the villages.
///
/// ``summary``, ``evaluate``, ``audit`` and ``report`` share one evaluation
/// of the registry per policy and ``as_of``: the two most recent are kept.
#[pyclass(name = "Registry", module = "fupin", frozen)]
pub struct PyRegistry {
    households: Vec<Result<Household, RecordError>>,
    errors: Vec<CellError>,
    villages: Option<Vec<VillageRow>>,
    cache: Mutex<Cache>,
}

/// One evaluation of the whole registry: `decisions[i]` is the decision (or
/// error) of `households[i]`, made without explanation.
type Decisions = Arc<Vec<Result<Decision, RecordError>>>;

/// How many evaluations a registry keeps: enough for `summary` → `evaluate`
/// → `audit` → `report` on one date, and for going back and forth between
/// two dates or policies, while a registry of a million households holds
/// at most two sets of core decisions (no Python objects).
const CACHED_EVALUATIONS: usize = 2;

/// The registry's recent evaluations, most recently used last, keyed by the
/// policy (compared by value: two `Policy.builtin("ningxia-2020")` objects
/// share an entry) and `as_of`. The households never change after reading,
/// so an entry never goes stale.
#[derive(Default)]
struct Cache {
    entries: VecDeque<(Policy, chrono::NaiveDate, Decisions)>,
    /// Whole-registry evaluations made so far (for the tests: `_evaluations`).
    evaluations: u64,
}

impl PyRegistry {
    fn new(
        households: Vec<Result<Household, RecordError>>,
        errors: Vec<CellError>,
        villages: Option<Vec<VillageRow>>,
    ) -> Self {
        PyRegistry {
            households,
            errors,
            villages,
            cache: Mutex::new(Cache::default()),
        }
    }

    fn cache(&self) -> MutexGuard<'_, Cache> {
        // A panic while the lock was held cannot leave the cache half-made:
        // entries are pushed whole.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every household's decision under `policy` on `as_of`: from the cache
    /// when this registry was evaluated so already, else evaluated now (the
    /// lock is not held meanwhile) and cached.
    fn decisions(&self, policy: &Policy, as_of: chrono::NaiveDate) -> Decisions {
        {
            let mut cache = self.cache();
            if let Some(i) = cache
                .entries
                .iter()
                .position(|(p, d, _)| *d == as_of && p == policy)
                && let Some(entry) = cache.entries.remove(i)
            {
                let decisions = Arc::clone(&entry.2);
                cache.entries.push_back(entry);
                return decisions;
            }
        }
        let eval = Evaluator::new(policy, as_of);
        let decisions: Decisions = Arc::new(
            self.households
                .iter()
                .map(|h| match h {
                    Ok(hh) => eval.evaluate(hh, false),
                    Err(e) => Err(e.clone()),
                })
                .collect(),
        );
        let mut cache = self.cache();
        cache.evaluations += 1;
        if !cache
            .entries
            .iter()
            .any(|(p, d, _)| *d == as_of && p == policy)
        {
            while cache.entries.len() >= CACHED_EVALUATIONS {
                cache.entries.pop_front();
            }
            cache
                .entries
                .push_back((policy.clone(), as_of, Arc::clone(&decisions)));
        }
        decisions
    }
}

fn invalid(py: Python<'_>, code: ErrorCode, field: &str, message: String) -> PyErr {
    validation_error(py, &RecordError::new(code, Some(field.to_owned()), message))
}

fn table_error(py: Python<'_>, path: &Path, e: &TableReadError) -> PyErr {
    invalid(
        py,
        ErrorCode::WrongType,
        e.table,
        format!("{}: {}", path.display(), e),
    )
}

fn open(path: &Path) -> PyResult<std::io::BufReader<std::fs::File>> {
    Ok(std::io::BufReader::new(std::fs::File::open(path)?))
}

/// The policy argument: the given one, or the built-in `ningxia-2020`.
fn policy_arg(py: Python<'_>, policy: Option<&PyPolicy>) -> PyResult<Policy> {
    match policy {
        Some(p) => Ok(p.inner.clone()),
        None => Policy::builtin("ningxia-2020").map_err(|e| crate::errors::to_py(py, &e.into())),
    }
}

fn as_of_arg(as_of: Option<&Bound<'_, PyAny>>) -> PyResult<chrono::NaiveDate> {
    match as_of {
        Some(v) => date_arg(v, "as_of"),
        None => Ok(crate::default_date()),
    }
}

/// A frame builder of `fupin/frames.py`, called with `args`.
fn frame<'py>(
    py: Python<'py>,
    name: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    py.import("fupin.frames")?.getattr(name)?.call1(args)
}

#[pymethods]
impl PyRegistry {
    /// Reads the household and member tables (and optionally ``villages.csv``)
    /// from CSV files (interfaces.md §4.1). Bad cells do not raise: they are
    /// listed in ``errors`` and their household's rows carry the error.
    ///
    /// Raises:
    ///     OSError: a file cannot be opened.
    ///     ValidationError: a file cannot be read as CSV at all.
    #[staticmethod]
    #[pyo3(signature = (households, members, villages = None))]
    fn read_csv(
        py: Python<'_>,
        households: PathBuf,
        members: PathBuf,
        villages: Option<PathBuf>,
    ) -> PyResult<Self> {
        guard(py, || {
            let read = read_registry_csv(open(&households)?, open(&members)?).map_err(|e| {
                let path = if e.table == "members" {
                    &members
                } else {
                    &households
                };
                table_error(py, path, &e)
            })?;
            let mut errors = read.errors;
            let villages = match &villages {
                Some(path) => {
                    let (rows, bad) =
                        read_villages_csv(open(path)?).map_err(|e| table_error(py, path, &e))?;
                    errors.extend(bad);
                    Some(rows)
                }
                None => None,
            };
            Ok(PyRegistry::new(read.households, errors, villages))
        })
    }

    /// Reads one workbook (``.xlsx``) with the sheets ``households``,
    /// ``members`` and, optionally, ``villages``.
    ///
    /// Raises:
    ///     OSError: the file cannot be opened.
    ///     ValidationError: the file is not a workbook, or a sheet is missing.
    #[staticmethod]
    fn read_excel(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        guard(py, || {
            let bytes = std::fs::read(&path)?;
            let wb = read_registry_xlsx(bytes).map_err(|e| table_error(py, &path, &e))?;
            Ok(PyRegistry::new(
                wb.registry.households,
                wb.registry.errors,
                wb.villages,
            ))
        })
    }

    fn __len__(&self) -> usize {
        self.households.len()
    }

    /// How many times this registry was evaluated as a whole (the
    /// evaluation cache's misses); for the tests.
    #[getter]
    fn _evaluations(&self) -> u64 {
        self.cache().evaluations
    }

    fn __repr__(&self) -> String {
        format!(
            "Registry(households={}, errors={})",
            self.households.len(),
            self.errors.len()
        )
    }

    /// Every bad cell and header: a DataFrame with columns ``table``,
    /// ``row`` (1-based data row, 0 the header), ``column``, ``value``
    /// (identity numbers and names masked) and ``message``.
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let rows = PyList::empty(py);
            for e in &self.errors {
                let d = PyDict::new(py);
                d.set_item("table", e.table)?;
                d.set_item("row", e.row)?;
                d.set_item("column", &e.column)?;
                d.set_item("value", &e.value)?;
                d.set_item("message", &e.message)?;
                rows.append(d)?;
            }
            frame(py, "errors_frame", (rows,))
        })
    }

    /// Households and persons (counted on ``as_of``) by one dimension or
    /// several: ``town``, ``village``, ``status``, ``attribute``,
    /// ``main_cause``, ``identified_year``. Households that fail validation
    /// are left out. One row per combination found, keys sorted.
    ///
    /// Raises:
    ///     ValidationError: an unknown dimension.
    #[pyo3(signature = (by = None, as_of = None, policy = None))]
    fn summary<'py>(
        &self,
        py: Python<'py>,
        by: Option<&Bound<'py, PyAny>>,
        as_of: Option<&Bound<'py, PyAny>>,
        policy: Option<PyRef<'py, PyPolicy>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let names: Vec<String> = match by {
                None => vec!["town".to_owned()],
                Some(v) => match v.extract::<String>() {
                    Ok(s) => vec![s],
                    Err(_) => v.extract::<Vec<String>>().map_err(|_| {
                        invalid(
                            py,
                            ErrorCode::WrongType,
                            "by",
                            "by: expected a dimension name or a list of them".to_owned(),
                        )
                    })?,
                },
            };
            let dims = names
                .iter()
                .map(|n| {
                    Dimension::from_name(n).ok_or_else(|| {
                        invalid(
                            py,
                            ErrorCode::InvalidEnum,
                            "by",
                            format!(
                                "by: {n:?} is not one of town, village, status, attribute, \
                                 main_cause, identified_year"
                            ),
                        )
                    })
                })
                .collect::<PyResult<Vec<_>>>()?;
            if dims.is_empty() {
                return Err(invalid(
                    py,
                    ErrorCode::MissingField,
                    "by",
                    "by: name at least one dimension".to_owned(),
                ));
            }
            let policy = policy_arg(py, policy.as_deref())?;
            let decisions = self.decisions(&policy, as_of_arg(as_of)?);
            let mut groups: BTreeMap<Vec<String>, (u64, u64)> = BTreeMap::new();
            for (h, d) in self.households.iter().zip(decisions.iter()) {
                if let (Ok(hh), Ok(d)) = (h, d) {
                    let key = dims.iter().map(|dim| dim.key(hh)).collect();
                    let g = groups.entry(key).or_default();
                    g.0 += 1;
                    g.1 += u64::from(d.size);
                }
            }
            let rows = PyList::empty(py);
            for (key, (households, persons)) in groups {
                rows.append((key, households, persons))?;
            }
            let columns: Vec<&str> = dims.iter().map(|d| d.as_str()).collect();
            frame(py, "summary_frame", (columns, rows))
        })
    }

    /// One row per household row, in input order: the decision of
    /// interfaces.md §3.1 flattened with ``_`` (money as ``Decimal``), then
    /// ``error_code`` and ``error_message``. A bad household's decision
    /// columns are ``None`` (``household_id`` is kept when the row had one)
    /// and its error columns say why.
    #[pyo3(signature = (as_of = None, policy = None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        as_of: Option<&Bound<'py, PyAny>>,
        policy: Option<PyRef<'py, PyPolicy>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let policy = policy_arg(py, policy.as_deref())?;
            let decisions = self.decisions(&policy, as_of_arg(as_of)?);
            let rows = PyList::empty(py);
            for d in decisions.iter() {
                match d {
                    Ok(d) => {
                        let v = serde_json::to_value(d)
                            .map_err(|e| internal_error(py, &e.to_string()))?;
                        rows.append((
                            value_to_py(py, &v, None, true)?,
                            py.None(),
                            py.None(),
                            py.None(),
                        ))?;
                    }
                    Err(e) => rows.append((
                        py.None(),
                        e.record_id.as_deref(),
                        e.code.as_str(),
                        &e.message,
                    ))?,
                }
            }
            frame(py, "decisions_frame", (rows,))
        })
    }

    /// Every finding of the audit (``fupin audit``: the households' own
    /// findings plus the cross-household codes), in input order: columns
    /// ``household_id``, ``code``, ``person_id``, ``field``. Households that
    /// fail validation have no finding here (``evaluate`` gives their error).
    #[pyo3(signature = (as_of = None, policy = None))]
    fn audit<'py>(
        &self,
        py: Python<'py>,
        as_of: Option<&Bound<'py, PyAny>>,
        policy: Option<PyRef<'py, PyPolicy>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let policy = policy_arg(py, policy.as_deref())?;
            let decisions = self.decisions(&policy, as_of_arg(as_of)?);
            let results = fupin_core::audit::audit_decided(&self.households, &decisions);
            let rows = PyList::empty(py);
            for (h, r) in self.households.iter().zip(&results) {
                if let (Ok(hh), Ok(findings)) = (h, r) {
                    for f in findings {
                        rows.append((
                            hh.id.as_str(),
                            f.code.as_str(),
                            f.person_id.as_deref(),
                            f.field.as_str(),
                        ))?;
                    }
                }
            }
            frame(py, "audit_frame", (rows,))
        })
    }

    /// The county report of ``fupin report`` over this registry (villages
    /// included when read; no claims, assessment or reported figures).
    ///
    /// Args:
    ///     out: ``None`` returns the text report; a path ending in
    ///         ``.html``/``.htm`` or ``.json`` is written and returned.
    ///         ``.xlsx`` reports are written by the CLI
    ///         (``fupin report --out report.xlsx``).
    ///
    /// Raises:
    ///     ValidationError: ``out`` has another extension (``.xlsx`` included).
    ///     PolicyError: the policy has no statistics parameter on ``as_of``.
    #[pyo3(signature = (as_of = None, policy = None, out = None))]
    fn report<'py>(
        &self,
        py: Python<'py>,
        as_of: Option<&Bound<'py, PyAny>>,
        policy: Option<PyRef<'py, PyPolicy>>,
        out: Option<PathBuf>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let policy = policy_arg(py, policy.as_deref())?;
            let as_of = as_of_arg(as_of)?;
            let ext = out
                .as_deref()
                .map(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .unwrap_or("")
                        .to_ascii_lowercase()
                })
                .unwrap_or_default();
            if out.is_some() && !matches!(ext.as_str(), "html" | "htm" | "json") {
                let hint = if ext == "xlsx" {
                    " (.xlsx reports are written by the CLI: fupin report --out report.xlsx)"
                } else {
                    ""
                };
                return Err(invalid(
                    py,
                    ErrorCode::InvalidEnum,
                    "out",
                    format!("out: must end in .html, .htm or .json{hint}"),
                ));
            }
            let decisions = self.decisions(&policy, as_of);
            let evaluated = evaluated_registry(&self.households, &decisions);
            let report = Report::build(&ReportInput {
                as_of,
                policy: &policy,
                stats: &evaluated.stats,
                villages: self.villages.as_deref(),
                settlements: None,
                persons: &evaluated.persons,
                assessment: None,
                reported: None,
                risk_fund: None,
                reveal_personal_data: false,
            })
            .map_err(|e| crate::errors::policy_error(py, &e))?;
            match out {
                None => Ok(report.to_text().into_pyobject(py)?.into_any()),
                Some(path) => {
                    let bytes = if ext == "json" {
                        serde_json::to_vec_pretty(&report)
                            .map_err(|e| internal_error(py, &e.to_string()))?
                    } else {
                        report.to_html().into_bytes()
                    };
                    std::fs::write(&path, bytes)?;
                    Ok(path.to_string_lossy().into_pyobject(py)?.into_any())
                }
            }
        })
    }
}
