//! `fupin audit`: every household's findings, audit-only codes included.
//! Reads the whole input first (duplicates need it), then prints each
//! household's findings together, in input order.
//!
//! With `--households CSV|XLSX --members CSV` it reads the registry tables
//! (interfaces.md §4.1) instead of JSONL: a bad household's error line has
//! its data row (header not counted) as `line`, and every bad cell is also
//! printed to standard error as `table row column value: message`. The exit
//! status is 1 if a household failed or a cell or header was reported.

use std::io::{self, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use fupin_core::RecordError;
use fupin_core::audit::audit;
use fupin_core::record::parse::parse_household;
use fupin_core::rules::Evaluator;
use serde::Serialize;

use super::jsonl::{LineOut, for_each_line, stdout_is_interactive, write_error_line};
use super::registry::{load_registry, print_cell_errors};
use super::{CliError, DEFAULT_POLICY, load_policy, open_input, parse_date_arg};

/// Arguments of `fupin audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Built-in policy name or policy TOML file.
    #[arg(long, default_value = DEFAULT_POLICY)]
    policy: String,
    /// Assessment date (YYYY-MM-DD).
    #[arg(long = "as-of", value_parser = parse_date_arg, default_value = "2020-12-31")]
    as_of: NaiveDate,
    /// Households JSONL (`-` or absent: standard input).
    #[arg(conflicts_with_all = ["households", "members"])]
    file: Option<String>,
    /// Household table (CSV, or an .xlsx workbook) instead of JSONL.
    #[arg(long)]
    households: Option<PathBuf>,
    /// Member table (CSV or .xlsx); may be left out when --households is a
    /// workbook that holds both tables.
    #[arg(long, requires = "households")]
    members: Option<PathBuf>,
}

#[derive(Serialize)]
struct FindingLine<'a> {
    household_id: &'a str,
    code: &'a str,
    person_id: Option<&'a str>,
    field: &'a str,
}

/// Runs `fupin audit`.
pub fn run(args: AuditArgs) -> Result<u8, CliError> {
    let policy = load_policy(&args.policy)?;
    let eval = Evaluator::new(&policy, args.as_of);
    let mut lines: Vec<u64> = Vec::new();
    let mut households: Vec<Result<_, RecordError>> = Vec::new();
    let mut failed = false;
    if let Some(path) = &args.households {
        let loaded = load_registry(path, args.members.as_deref(), None)?;
        print_cell_errors(&loaded.registry.errors)?;
        failed = !loaded.registry.errors.is_empty();
        lines = loaded.registry.rows.iter().map(|&r| r as u64).collect();
        households = loaded.registry.households;
    } else {
        let input = open_input(args.file.as_deref())?;
        for_each_line(input, |line| {
            lines.push(line.number);
            households.push(parse_household(line.bytes));
            Ok(())
        })
        .map_err(CliError::input)?;
    }
    let results = audit(&eval, &households);
    let stdout = io::stdout();
    let mut out = LineOut::new(stdout.lock(), stdout_is_interactive());
    for ((number, hh), result) in lines.iter().zip(&households).zip(&results) {
        let w = out.writer();
        match (hh, result) {
            (Ok(hh), Ok(findings)) => {
                for f in findings {
                    let line = FindingLine {
                        household_id: &hh.id,
                        code: f.code.as_str(),
                        person_id: f.person_id.as_deref(),
                        field: &f.field,
                    };
                    serde_json::to_writer(&mut *w, &line)
                        .map_err(io::Error::from)
                        .map_err(CliError::output)?;
                    w.write_all(b"\n").map_err(CliError::output)?;
                }
            }
            (_, Err(e)) | (Err(e), _) => {
                failed = true;
                write_error_line(w, *number, e).map_err(CliError::output)?;
            }
        }
        out.end_line().map_err(CliError::output)?;
    }
    out.finish().map_err(CliError::output)?;
    Ok(u8::from(failed))
}
