//! The bulk path of `fupin.evaluate_frame` / `fupin.settle_frame`: Arrow
//! tables come in through the Arrow PyCapsule interface (pyo3-arrow), are
//! evaluated by `fupin_core::batch` with the GIL released, and go back as a
//! `pyarrow.Table`. For a pandas result with `money="decimal"`, the money
//! columns are also handed over as `decimal.Decimal` objects, one per
//! distinct amount, with each row's place among them; every other column
//! (code lists and findings included) reaches pandas from the Arrow buffers.
//! The Python side (`fupin/frames.py`) turns pandas frames into Arrow
//! tables and assembles the result frame.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use pyo3_arrow::PyTable;

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

/// The result: a `pyarrow.Table`, and when `amounts` is set (a pandas
/// result) each `decimal128` money column as [`decimals`] gives it.
fn result<'py>(
    py: Python<'py>,
    batches: Vec<RecordBatch>,
    schema: SchemaRef,
    amounts: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>)> {
    let columns = PyDict::new(py);
    if amounts {
        let decimal = py.import("decimal")?.getattr("Decimal")?;
        for (i, field) in schema.fields().iter().enumerate() {
            let DataType::Decimal128(_, scale) = field.data_type() else {
                continue;
            };
            let parts: Vec<ArrayRef> = batches
                .iter()
                .filter_map(|b| b.columns().get(i).cloned())
                .collect();
            columns.set_item(field.name(), decimals(py, &parts, *scale, &decimal)?)?;
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

/// Hashes an amount's mantissa (an `i128`) with one multiplication folded
/// to 64 bits. The keys are the amounts of one result column, which nobody
/// picks to collide; std's SipHash costs several times as much over the ten
/// million money cells of a million households.
#[derive(Default)]
struct AmountHasher(u64);

impl AmountHasher {
    fn mix(&mut self, x: u64) {
        const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;
        let m = u128::from(self.0 ^ x).wrapping_mul(u128::from(MULTIPLIER));
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }
}

impl Hasher for AmountHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.mix(u64::from(b));
        }
    }

    fn write_i128(&mut self, v: i128) {
        self.mix((v as u64) ^ ((v >> 64) as u64).rotate_left(32));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `mantissa × 10^-scale` as the text `decimal.Decimal` reads, every
/// decimal of the scale written (`0.00`, `-12.30`): the `Decimal` that
/// Arrow's own conversion gives.
fn amount_text(out: &mut String, mantissa: i128, scale: i8) {
    out.clear();
    if mantissa < 0 {
        out.push('-');
    }
    let start = out.len();
    let _ = write!(out, "{}", mantissa.unsigned_abs());
    if scale > 0 {
        let decimals = usize::from(scale.unsigned_abs());
        while out.len() - start <= decimals {
            out.insert(start, '0');
        }
        out.insert(out.len() - decimals, '.');
    } else if scale < 0 {
        let _ = write!(out, "E{}", -i16::from(scale));
    }
}

/// A `decimal128` money column as `(places, amounts)`: `amounts` is `None`
/// then one `decimal.Decimal` per distinct amount in first-seen order, and
/// `places` each row's index into `amounts` as little-endian `u32` bytes (0
/// for a null row). Python makes the column with one `numpy.take`, so a row
/// costs a reference, not an object: a million households have some
/// 800 000 distinct net incomes but one poverty line and a few dozen
/// allowances.
fn decimals<'py>(
    py: Python<'py>,
    parts: &[ArrayRef],
    scale: i8,
    decimal: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyList>)> {
    let rows: usize = parts.iter().map(|p| p.len()).sum();
    let mut places: Vec<u8> = Vec::with_capacity(rows * 4);
    let mut seen: HashMap<i128, u32, BuildHasherDefault<AmountHasher>> = HashMap::default();
    let mut distinct: Vec<i128> = Vec::new();
    // A run of one amount (zero allowances, one poverty line) skips the table.
    let mut last: Option<(i128, u32)> = None;
    for part in parts {
        let values = part.as_primitive::<Decimal128Type>();
        for i in 0..values.len() {
            let place = if values.is_null(i) {
                0
            } else {
                let v = values.value(i);
                match last {
                    Some((amount, place)) if amount == v => place,
                    _ => {
                        let next = u32::try_from(distinct.len() + 1).map_err(|_| {
                            internal_error(py, "more than 2^32 distinct amounts in a money column")
                        })?;
                        let place = *seen.entry(v).or_insert_with(|| {
                            distinct.push(v);
                            next
                        });
                        last = Some((v, place));
                        place
                    }
                }
            };
            places.extend_from_slice(&place.to_le_bytes());
        }
    }
    let mut amounts: Vec<Bound<'py, PyAny>> = Vec::with_capacity(distinct.len() + 1);
    amounts.push(py.None().into_bound(py));
    let mut text = String::with_capacity(48);
    for v in distinct {
        amount_text(&mut text, v, scale);
        amounts.push(decimal.call1((text.as_str(),))?);
    }
    Ok((PyBytes::new(py, &places), PyList::new(py, amounts)?))
}

/// `_evaluate_frames(households, members, policy, as_of, money, amounts)`:
/// `(pyarrow.Table, {money column: (places, amounts)}, orphan member rows,
/// failed rows)`, the money columns only when `amounts` is set.
#[pyfunction]
#[pyo3(signature = (households, members, policy, as_of, money = "decimal", amounts = false))]
#[allow(clippy::type_complexity)]
pub fn _evaluate_frames<'py>(
    py: Python<'py>,
    households: PyTable,
    members: PyTable,
    policy: &PyPolicy,
    as_of: &Bound<'py, PyAny>,
    money: &str,
    amounts: bool,
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
            amounts,
        )?;
        Ok((table, columns, evaluated.orphan_members, evaluated.failed))
    })
}

/// `_settle_frames(claims, policy, ledger, money, amounts)`:
/// `(pyarrow.Table, {money column: (places, amounts)}, failed rows)`.
#[pyfunction]
#[pyo3(signature = (claims, policy, ledger = None, money = "decimal", amounts = false))]
pub fn _settle_frames<'py>(
    py: Python<'py>,
    claims: PyTable,
    policy: &PyPolicy,
    ledger: Option<PyRefMut<'py, PyLedger>>,
    money: &str,
    amounts: bool,
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
            amounts,
        )?;
        Ok((table, columns, settled.failed))
    })
}
