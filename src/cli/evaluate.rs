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
    // One buffer for every decision line: the hand-written writer appends to
    // it, and the line goes out in one write.
    let mut buf = Vec::with_capacity(2048);
    for_each_line(input, |line| {
        let result = parse_household(line.bytes).and_then(|hh| eval.evaluate(&hh, explain));
        let w = out.writer();
        match result {
            Ok(decision) => {
                buf.clear();
                decision.write_json(&mut buf)?;
                buf.push(b'\n');
                w.write_all(&buf)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use fupin_core::policy::Policy;
    use proptest::prelude::*;

    const GOOD: &str = r#"{"id":"G","income":{"wage":"5000"},"members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1970-06-15"}]}"#;

    fn line_strategy() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(GOOD.as_bytes().to_vec()),
            // Arbitrary bytes without a line end: bad UTF-8, bad JSON, blanks.
            prop::collection::vec(
                any::<u8>().prop_filter("no newline", |b| *b != b'\n'),
                0..60
            ),
            // A good record truncated anywhere.
            (0..GOOD.len()).prop_map(|n| GOOD.as_bytes()[..n].to_vec()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn every_non_blank_input_line_gives_exactly_one_output_line_in_order(
            lines in prop::collection::vec(line_strategy(), 0..20)
        ) {
            let policy = Policy::builtin("ningxia-2020").unwrap();
            let eval = Evaluator::new(&policy, fupin_core::date::parse_date("2020-12-31").unwrap());
            let mut input = Vec::new();
            for l in &lines {
                input.extend_from_slice(l);
                input.push(b'\n');
            }
            let mut out = LineOut::new(Vec::new(), false);
            let tally = evaluate_stream(&eval, false, &input[..], &mut out).unwrap();
            let bytes = out.into_inner().unwrap();
            let text = String::from_utf8(bytes).unwrap();
            let expected: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(i, l)| {
                    let l: &[u8] = if *i == 0 { l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l) } else { l };
                    !super::super::jsonl::is_blank(l)
                })
                .map(|(i, _)| i + 1)
                .collect();
            let got: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            prop_assert_eq!(got.len(), expected.len());
            prop_assert_eq!(tally.ok + tally.failed, expected.len() as u64);
            for (v, n) in got.iter().zip(&expected) {
                if v.get("error").is_some() {
                    prop_assert_eq!(v["line"].as_u64(), Some(*n as u64));
                } else {
                    prop_assert_eq!(&v["household_id"], "G");
                }
            }
        }
    }
}
