//! `fupin`: rule checks of the poverty-alleviation register from the command line.
//!
//! Exit status (interfaces.md §4): 0 when every record was processed, 1 when
//! any record failed (its error line is in the output), 2 for bad usage or an
//! unreadable policy.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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
