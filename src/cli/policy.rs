//! `fupin policy show`: every parameter in force on a date, with its value,
//! start date, status, unit and source.

use std::io::{self, Write};

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde_json::json;

use super::{CliError, DEFAULT_POLICY, load_policy, parse_date_arg};

/// `fupin policy …`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print every parameter in force on a date.
    Show(ShowArgs),
}

/// Arguments of `fupin policy show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Built-in policy name or policy TOML file.
    #[arg(long, default_value = DEFAULT_POLICY)]
    policy: String,
    /// The date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date_arg, default_value = "2020-12-31")]
    on: NaiveDate,
    /// Print a JSON array instead of one line per parameter.
    #[arg(long)]
    json: bool,
}

/// Runs `fupin policy …`.
pub fn run(cmd: PolicyCommand) -> Result<u8, CliError> {
    match cmd {
        PolicyCommand::Show(args) => show(args),
    }
}

fn show(args: ShowArgs) -> Result<u8, CliError> {
    let policy = load_policy(&args.policy)?;
    let shown = policy.show(args.on)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        let rows: Vec<_> = shown
            .iter()
            .map(|p| {
                json!({
                    "name": p.name,
                    "value": p.value.to_json(),
                    "since": p.since.to_string(),
                    "status": p.status.as_str(),
                    "unit": p.unit,
                    "source": p.source,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rows)
            .map_err(io::Error::from)
            .map_err(CliError::output)?;
        writeln!(out).map_err(CliError::output)?;
    } else {
        for p in &shown {
            writeln!(
                out,
                "{}  {}  {}  {}  {}  {}",
                p.name,
                p.value,
                p.since,
                p.status.as_str(),
                p.unit,
                p.source
            )
            .map_err(CliError::output)?;
        }
    }
    out.flush().map_err(CliError::output)?;
    Ok(0)
}
