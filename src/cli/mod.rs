//! The subcommands, one file each.

mod audit;
mod evaluate;
pub mod jsonl;
mod policy;
pub mod registry;
mod report;
mod settle;
mod synth;
mod xlsx;

use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use fupin_core::PolicyError;
use fupin_core::policy::Policy;

/// Rules of China's 2014–2020 targeted poverty alleviation register.
#[derive(Debug, Parser)]
#[command(name = "fupin", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The county report (the main job): counts, incidence, exits,
    /// monitoring, benefits, credit, settlement, county exit, findings and
    /// reconciliation. With no registry arguments: the demonstration county.
    Report(report::ReportArgs),
    /// Evaluate households (JSONL) on a date: exit, monitoring, dibao,
    /// identification, entitlements, credit and findings, one decision a line.
    Evaluate(evaluate::EvaluateArgs),
    /// Settle hospital claims (JSONL) through basic insurance, critical
    /// illness insurance, supplementary insurance, medical assistance and
    /// the government backstop, one settlement a line.
    Settle(settle::SettleArgs),
    /// Data-quality findings of a whole registry, audit-only codes included.
    Audit(audit::AuditArgs),
    /// Policies: the dated parameters the rules read.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Write the deterministic synthetic demo county: households.csv,
    /// members.csv, villages.csv, households.jsonl and claims.jsonl.
    Synth(synth::SynthArgs),
}

/// Runs a parsed command line; `Ok` carries the exit status.
pub fn run(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Report(args) => report::run(args),
        Command::Evaluate(args) => evaluate::run(args),
        Command::Settle(args) => settle::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Policy(cmd) => policy::run(cmd),
        Command::Synth(args) => synth::run(args),
    }
}

/// A failure that stops the whole run (exit status 2), as opposed to a bad
/// record, which gets its error line and lets the run go on.
#[derive(Debug)]
pub enum CliError {
    /// The policy could not be read or is invalid.
    Policy(PolicyError),
    /// An input that could not be used (bad file kind, bad table).
    Input(String),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What happened.
        error: std::io::Error,
    },
}

impl CliError {
    /// Exit status: always 2 (bad usage, unreadable policy or file).
    pub fn exit_code(&self) -> u8 {
        2
    }

    /// An error writing standard output.
    pub fn output(error: std::io::Error) -> Self {
        CliError::Io {
            path: PathBuf::from("<stdout>"),
            error,
        }
    }

    /// An error reading the input.
    pub fn input(error: std::io::Error) -> Self {
        CliError::Io {
            path: PathBuf::from("<input>"),
            error,
        }
    }

    /// `true` when the reader of our output went away (`fupin … | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io { error, .. } if error.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Opens `FILE`, or standard input for `-` or no file.
pub fn open_input(file: Option<&str>) -> Result<Box<dyn std::io::BufRead>, CliError> {
    match file {
        None | Some("-") => Ok(Box::new(std::io::BufReader::with_capacity(
            1 << 16,
            std::io::stdin(),
        ))),
        Some(path) => {
            let f = std::fs::File::open(path).map_err(|error| CliError::Io {
                path: PathBuf::from(path),
                error,
            })?;
            Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, f)))
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Policy(e) => write!(f, "invalid policy: {e}"),
            CliError::Input(m) => f.write_str(m),
            CliError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl From<PolicyError> for CliError {
    fn from(e: PolicyError) -> Self {
        CliError::Policy(e)
    }
}

/// The default policy, as-of date and `--on` date (interfaces.md §4).
pub const DEFAULT_POLICY: &str = "ningxia-2020";

/// Parses a `--as-of`/`--on` argument.
pub fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    fupin_core::date::parse_date(s).ok_or_else(|| format!("{s:?} is not a date written YYYY-MM-DD"))
}

/// Loads `--policy NAME|FILE` (a built-in name or a TOML file).
pub fn load_policy(arg: &str) -> Result<Policy, CliError> {
    Ok(fupin_core::policy::file::load(arg)?)
}
