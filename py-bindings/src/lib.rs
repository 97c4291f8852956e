//! Python bindings of fupin: the compiled module `fupin._fupin`.
use pyo3::prelude::*;

/// The compiled part of the `fupin` package.
#[pymodule]
fn _fupin(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
