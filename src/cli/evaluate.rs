//! `fupin evaluate`: households JSONL → decisions JSONL, streaming.

use std::io::{self, Write};

use chrono::NaiveDate;
use clap::Args;
use fupin_core::record::parse::parse_household;
use fupin_core::rules::Evaluator;

use super::jsonl::{LineOut, Tally, for_each_line, stdout_is_interactive, write_error_line};
use super::{CliError, DEFAULT_POLICY, load_policy, open_input, parse_date_arg};

/// Arguments of `fupin evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Built-in policy name or policy TOML file.
    #[arg(long, default_value = DEFAULT_POLICY)]
    policy: String,
    /// Assessment date (YYYY-MM-DD).
    #[arg(long = "as-of", value_parser = parse_date_arg, default_value = "2020-12-31")]
    as_of: NaiveDate,
    /// Add `explanation` and `trace` to every decision.
    #[arg(long)]
    explain: bool,
    /// Households JSONL (`-` or absent: standard input).
    file: Option<String>,
}

/// Runs `fupin evaluate`.
pub fn run(args: EvaluateArgs) -> Result<u8, CliError> {
    let policy = load_policy(&args.policy)?;
    let eval = Evaluator::new(&policy, args.as_of);
    let input = open_input(args.file.as_deref())?;
    let stdout = io::stdout();
    let mut out = LineOut::new(stdout.lock(), stdout_is_interactive());
    let tally = evaluate_stream(&eval, args.explain, input, &mut out).map_err(CliError::output)?;
    out.finish().map_err(CliError::output)?;
    Ok(tally.exit_code())
}

/// Evaluates every line of `input`, writing one line each to `out`.
pub fn evaluate_stream<W: Write>(
    eval: &Evaluator<'_>,
    explain: bool,
    input: impl io::BufRead,
    out: &mut LineOut<W>,
) -> io::Result<Tally> {
    let mut tally = Tally::default();
    for_each_line(input, |line| {
        let result = parse_household(line.bytes).and_then(|hh| eval.evaluate(&hh, explain));
        let w = out.writer();
        match result {
            Ok(decision) => {
                serde_json::to_writer(&mut *w, &decision)?;
                w.write_all(b"\n")?;
                tally.ok += 1;
            }
            Err(e) => {
                write_error_line(w, line.number, &e)?;
                tally.failed += 1;
            }
        }
        out.end_line()
    })?;
    Ok(tally)
}
