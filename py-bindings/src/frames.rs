//! The bulk path of `fupin.evaluate_frame` / `fupin.settle_frame`: Arrow
//! tables come in through the Arrow PyCapsule interface (pyo3-arrow), are
//! evaluated by `fupin_core::batch` with the GIL released, and go back as a
//! `pyarrow.Table`. For pandas results, the columns pandas cannot take from
//! Arrow as the spec wants them (code lists as `list[str]`, findings as
//! `list[dict]`, money as `decimal.Decimal`) are built here as Python lists,
//! sharing one object per distinct code string and per distinct amount.
//! The Python side (`fupin/frames.py`) turns pandas frames into Arrow
//! tables and assembles the result frame.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3_arrow::PyTable;
use rust_decimal::Decimal;

use fupin_core::batch::{self, Frame, FrameError, MoneyType, Options};

use crate::convert::date_arg;
use crate::errors::{internal_error, validation_errors};
use crate::guard::guard;
use crate::ledger::PyLedger;
use crate::policy::PyPolicy;

fn money_type(money: &str) -> PyResult<MoneyType> {
    match money {
        "decimal" => Ok(MoneyType::Decimal128),
        "float" => Ok(MoneyType::Float64),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "money must be \"decimal\" or \"float\", not {other:?}"
        ))),
    }
}

fn frame(table: PyTable) -> Frame {
    let (batches, schema) = table.into_inner();
    Frame { schema, batches }
}

fn frame_error(py: Python<'_>, e: FrameError) -> PyErr {
    match e {
        FrameError::Columns(problems) => validation_errors(py, &problems),
        FrameError::Arrow(message) => internal_error(py, &message),
    }
}

/// The result: a `pyarrow.Table`, and for pandas the object columns.
fn result<'py>(
    py: Python<'py>,
    batches: Vec<RecordBatch>,
    schema: SchemaRef,
    objects: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>)> {
    let columns = PyDict::new(py);
    if objects {
        for (i, field) in schema.fields().iter().enumerate() {
            // One interner a column: a column's codes are a handful, and
            // a short list is searched in a few comparisons.
            let mut strings = Interner::default();
            let parts: Vec<ArrayRef> = batches
                .iter()
                .filter_map(|b| b.columns().get(i).cloned())
                .collect();
            let list = match field.data_type() {
                DataType::List(item) if matches!(item.data_type(), DataType::Struct(_)) => {
                    findings(py, &parts, &mut strings)?
                }
                DataType::List(_) => code_lists(py, &parts, &mut strings)?,
                DataType::Decimal128(..) => decimals(py, &parts)?,
                _ => continue,
            };
            columns.set_item(field.name(), list)?;
        }
    }
    // Through the C stream interface: `pyarrow.table()` (what pyo3-arrow's
    // `into_pyarrow` calls) first asks pandas whether this is a DataFrame,
    // importing pandas (0.5–0.8 s) on an Arrow-only first call.
    let stream = PyTable::try_new(batches, schema)?.into_pyobject(py)?;
    let table = py
        .import("pyarrow")?
        .getattr("RecordBatchReader")?
        .call_method1("from_stream", (stream,))?
        .call_method0("read_all")?;
    Ok((table, columns))
}

/// One Python string per distinct text of a column, for its closed set of
/// codes or field names (a handful): a short list searched in order is
/// several times cheaper than hashing every cell, and past 64 texts nothing
/// more is kept (such a column is not a code column).
#[derive(Default)]
struct Interner {
    seen: Vec<(Box<str>, Py<PyString>)>,
}

impl Interner {
    fn get<'py>(&mut self, py: Python<'py>, s: &str) -> Bound<'py, PyString> {
        if let Some((_, p)) = self.seen.iter().find(|(t, _)| &**t == s) {
            return p.bind(py).clone();
        }
        let p = PyString::new(py, s);
        if self.seen.len() < 64 {
            self.seen.push((s.into(), p.clone().unbind()));
        }
        p
    }
}

/// Row `i`'s item range of a list column.
fn item_range(offsets: &[i32], i: usize) -> std::ops::Range<usize> {
    match (offsets.get(i), offsets.get(i + 1)) {
        (Some(&a), Some(&z)) => usize::try_from(a).unwrap_or(0)..usize::try_from(z).unwrap_or(0),
        _ => 0..0,
    }
}

/// A list column as Python lists of strings (`None` for a null row), each
/// list built at its size.
fn code_lists<'py>(
    py: Python<'py>,
    parts: &[ArrayRef],
    strings: &mut Interner,
) -> PyResult<Bound<'py, PyList>> {
    let mut rows: Vec<Bound<'py, PyAny>> = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        let lists = part.as_list::<i32>();
        let values = lists.values().as_string::<i32>();
        let offsets = lists.value_offsets();
        for i in 0..lists.len() {
            if lists.is_null(i) {
                rows.push(py.None().into_bound(py));
                continue;
            }
            let range = item_range(offsets, i);
            if range.is_empty() {
                // Most rows: most households fail no criterion of a list.
                rows.push(PyList::empty(py).into_any());
                continue;
            }
            let items = range.map(|k| strings.get(py, values.value(k)));
            rows.push(PyList::new(py, items)?.into_any());
        }
    }
    PyList::new(py, rows)
}

/// The findings column as Python lists of `{code, person_id, field}` dicts.
fn findings<'py>(
    py: Python<'py>,
    parts: &[ArrayRef],
    strings: &mut Interner,
) -> PyResult<Bound<'py, PyList>> {
    let mut rows: Vec<Bound<'py, PyAny>> = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    let (code_key, person_key, field_key) = (
        PyString::new(py, "code"),
        PyString::new(py, "person_id"),
        PyString::new(py, "field"),
    );
    for part in parts {
        let lists = part.as_list::<i32>();
        let items = lists.values().as_struct();
        let col = |n: usize| items.columns().get(n).map(|c| c.as_string::<i32>());
        let (Some(code), Some(person), Some(field)) = (col(0), col(1), col(2)) else {
            return Err(internal_error(py, "findings column of an unexpected shape"));
        };
        let offsets = lists.value_offsets();
        for i in 0..lists.len() {
            if lists.is_null(i) {
                rows.push(py.None().into_bound(py));
                continue;
            }
            let range = item_range(offsets, i);
            if range.is_empty() {
                rows.push(PyList::empty(py).into_any());
                continue;
            }
            let mut row = Vec::with_capacity(range.len());
            for k in range {
                let d = PyDict::new(py);
                d.set_item(&code_key, strings.get(py, code.value(k)))?;
                if person.is_null(k) {
                    d.set_item(&person_key, py.None())?;
                } else {
                    d.set_item(&person_key, person.value(k))?;
                }
                d.set_item(&field_key, strings.get(py, field.value(k)))?;
                row.push(d);
            }
            rows.push(PyList::new(py, row)?.into_any());
        }
    }
    PyList::new(py, rows)
}

/// Money as `decimal.Decimal` (two decimals), one object per distinct amount.
fn decimals<'py>(py: Python<'py>, parts: &[ArrayRef]) -> PyResult<Bound<'py, PyList>> {
    let mut rows: Vec<Bound<'py, PyAny>> = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    let mut cache: HashMap<i128, Py<PyAny>> = HashMap::new();
    for part in parts {
        let values = part.as_primitive::<Decimal128Type>();
        for i in 0..values.len() {
            if values.is_null(i) {
                rows.push(py.None().into_bound(py));
                continue;
            }
            let fen = values.value(i);
            if let Some(d) = cache.get(&fen) {
                rows.push(d.bind(py).clone());
                continue;
            }
            let d = Decimal::from_i128_with_scale(fen, 2).into_pyobject(py)?;
            if cache.len() < 65_536 {
                cache.insert(fen, d.clone().unbind());
            }
            rows.push(d);
        }
    }
    PyList::new(py, rows)
}

/// `_evaluate_frames(households, members, policy, as_of, money, objects)`:
/// `(pyarrow.Table, {column: list}, orphan member rows, failed rows)`.
#[pyfunction]
#[pyo3(signature = (households, members, policy, as_of, money = "decimal", objects = false))]
#[allow(clippy::type_complexity)]
pub fn _evaluate_frames<'py>(
    py: Python<'py>,
    households: PyTable,
    members: PyTable,
    policy: &PyPolicy,
    as_of: &Bound<'py, PyAny>,
    money: &str,
    objects: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>, Vec<usize>, usize)> {
    guard(py, || {
        let as_of = date_arg(as_of, "as_of")?;
        let options = Options {
            money: money_type(money)?,
            threads: 0,
        };
        let (households, members) = (frame(households), frame(members));
        let policy = &policy.inner;
        let evaluated = py
            .detach(|| batch::evaluate(policy, as_of, &households, &members, &options))
            .map_err(|e| frame_error(py, e))?;
        let (table, columns) = result(
            py,
            evaluated.batches,
            batch::decision_schema(options.money),
            objects,
        )?;
        Ok((table, columns, evaluated.orphan_members, evaluated.failed))
    })
}

/// `_settle_frames(claims, policy, ledger, money, objects)`:
/// `(pyarrow.Table, {column: list}, failed rows)`.
#[pyfunction]
#[pyo3(signature = (claims, policy, ledger = None, money = "decimal", objects = false))]
pub fn _settle_frames<'py>(
    py: Python<'py>,
    claims: PyTable,
    policy: &PyPolicy,
    ledger: Option<PyRefMut<'py, PyLedger>>,
    money: &str,
    objects: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>, usize)> {
    guard(py, || {
        let money = money_type(money)?;
        let claims = frame(claims);
        let policy = &policy.inner;
        let mut own = fupin_core::Ledger::new();
        let mut ledger = ledger;
        let target: &mut fupin_core::Ledger = match ledger.as_mut() {
            Some(l) => &mut l.inner,
            None => &mut own,
        };
        let settled = py
            .detach(|| {
                let options = batch::Options {
                    money,
                    ..batch::Options::default()
                };
                batch::settle(policy, &claims, target, &options)
            })
            .map_err(|e| frame_error(py, e))?;
        let (table, columns) = result(
            py,
            settled.batches,
            batch::settlement_schema(money),
            objects,
        )?;
        Ok((table, columns, settled.failed))
    })
}
