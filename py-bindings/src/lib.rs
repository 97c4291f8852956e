//! Python bindings of fupin: the compiled module `fupin._fupin`.
//!
//! Thin: every rule lives in `fupin-core`; this crate converts values
//! (`convert.rs`), maps errors to the Python hierarchy (`errors.rs`) and runs
//! every entry point under the panic guard (`guard.rs`).

mod convert;
mod decision;
mod errors;
mod frames;
mod guard;
mod ledger;
mod policy;
mod pyjson;
mod records;
mod registry;

/// mimalloc for the extension's own (Rust) allocations: the batch path
/// builds and drops millions of small records on worker threads, where the
/// system allocator is slow. Python's objects keep Python's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::NaiveDate;
use pyo3::prelude::*;

/// 2020-12-31: the default `as_of`/`on` of the API (interfaces.md §6).
pub(crate) fn default_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default()
}

/// Panics on purpose, inside the guard: lets the tests prove that a panic
/// becomes `fupin.InternalError` and prints nothing.
#[pyfunction]
#[allow(clippy::panic)]
fn _panic_for_tests(py: Python<'_>, secret: &str) -> PyResult<()> {
    guard::guard(py, || panic!("test panic carrying {secret}"))
}

/// The compiled part of the `fupin` package.
#[pymodule]
fn _fupin(m: &Bound<'_, PyModule>) -> PyResult<()> {
    guard::install_quiet_hook();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<policy::PyPolicy>()?;
    m.add_class::<records::PyHousehold>()?;
    m.add_class::<records::PyMember>()?;
    m.add_class::<records::PyClaim>()?;
    m.add_class::<decision::PyDecision>()?;
    m.add_class::<decision::ExitResult>()?;
    m.add_class::<decision::MonitoringResult>()?;
    m.add_class::<decision::DibaoResult>()?;
    m.add_class::<decision::IdentificationResult>()?;
    m.add_class::<decision::EntitlementsResult>()?;
    m.add_class::<decision::CreditResult>()?;
    m.add_class::<ledger::PyLedger>()?;
    m.add_class::<ledger::PySettlement>()?;
    m.add_class::<registry::PyRegistry>()?;
    m.add_function(wrap_pyfunction!(frames::_evaluate_frames, m)?)?;
    m.add_function(wrap_pyfunction!(frames::_settle_frames, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    Ok(())
}
