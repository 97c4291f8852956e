//! The panic guard: every entry point runs inside [`guard`], so a Rust panic
//! becomes `fupin.InternalError` (never `PanicException`, which derives from
//! `BaseException` and escapes `except Exception`), and the panic message is
//! never printed to stderr (it could hold personal data).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};

use pyo3::prelude::*;

use crate::errors::internal_error;

/// Guarded calls running now, in any thread. Process-wide rather than per
/// thread: the batch path evaluates on worker threads (their panics reach
/// the guard through `std::thread::scope`), and those must be silent too.
static GUARDED: AtomicU32 = AtomicU32::new(0);

static HOOK: Once = Once::new();

/// Installs, once, a panic hook that stays silent while any [`guard`]ed call runs and
/// defers to the previous hook elsewhere (other Rust code in the process).
pub fn install_quiet_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.load(Ordering::SeqCst) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `fupin.InternalError`.
pub fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    GUARDED.fetch_add(1, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.fetch_sub(1, Ordering::SeqCst);
    match result {
        Ok(r) => r,
        Err(_) => Err(internal_error(
            py,
            "internal error in fupin (a bug: please report it with the call that caused it)",
        )),
    }
}
