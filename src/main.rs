//! `fupin`: rule checks of the poverty-alleviation register from the command line.
//!
//! Exit status (interfaces.md §4): 0 when every record was processed, 1 when
//! any record failed (its error line is in the output), 2 for bad usage or an
//! unreadable policy.

mod cli;

use std::panic::Location;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("{}", panic_line(info.location()))
    }));
    #[cfg(debug_assertions)]
    panic_for_tests();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fupin: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// mimalloc: a record is parsed into dozens of small strings; a faster
/// allocator is the cheapest large win on the evaluate path.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a panic prints instead of Rust's default message. A panic is a bug,
/// but its payload may quote the value being processed (an identity number,
/// a name), so only the place in the source is shown (a panic
/// must not print personal data to stderr). The exit status stays 101.
fn panic_line(location: Option<&Location<'_>>) -> String {
    let at = location.map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
    format!(
        "fupin: internal error{at} (a bug: please report it with the command that caused it); \
         its message is not shown because it may hold personal data"
    )
}

/// Debug builds only: panics on purpose when `FUPIN_PANIC_FOR_TESTS` is set,
/// with its value in the panic message, so the tests can prove the message
/// never reaches stderr.
#[cfg(debug_assertions)]
#[allow(clippy::panic)]
fn panic_for_tests() {
    if let Some(secret) = std::env::var_os("FUPIN_PANIC_FOR_TESTS") {
        panic!("test panic carrying {}", secret.to_string_lossy());
    }
}
