//! The panic guard: every entry point runs inside [`guard`], so a Rust panic
//! becomes `fupin.InternalError` (never `PanicException`, which derives from
//! `BaseException` and escapes `except Exception`), and the panic message is
//! never printed to stderr (it could hold personal data).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use pyo3::prelude::*;

use crate::errors::internal_error;

thread_local! {
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

/// Installs, once, a panic hook that stays silent inside [`guard`] and
/// defers to the previous hook elsewhere (other Rust code in the process).
pub fn install_quiet_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `fupin.InternalError`.
pub fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    GUARDED.with(|g| g.set(g.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get().saturating_sub(1)));
    match result {
        Ok(r) => r,
        Err(_) => Err(internal_error(
            py,
            "internal error in fupin (a bug: please report it with the call that caused it)",
        )),
    }
}
