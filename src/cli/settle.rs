//! `fupin settle`: claims JSONL → settlements JSONL, streaming, with an
//! optional ledger file to resume from and save to.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use fupin_core::Ledger;
use fupin_core::policy::Policy;
use fupin_core::record::parse::parse_claim;

use super::jsonl::{LineOut, Tally, for_each_line, stdout_is_interactive, write_error_line};
use super::{CliError, DEFAULT_POLICY, load_policy, open_input};

/// Arguments of `fupin settle`.
#[derive(Debug, Args)]
pub struct SettleArgs {
    /// Built-in policy name or policy TOML file.
    #[arg(long, default_value = DEFAULT_POLICY)]
    policy: String,
    /// Add a `trace` (one step per layer) to every settlement.
    #[arg(long)]
    explain: bool,
    /// Ledger file: resumed from if it exists, saved at the end.
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Claims JSONL (`-` or absent: standard input).
    file: Option<String>,
}

/// Runs `fupin settle`.
pub fn run(args: SettleArgs) -> Result<u8, CliError> {
    let policy = load_policy(&args.policy)?;
    let mut ledger = match &args.ledger {
        Some(path) => read_ledger(path)?,
        None => Ledger::new(),
    };
    let input = open_input(args.file.as_deref())?;
    let stdout = io::stdout();
    let mut out = LineOut::new(stdout.lock(), stdout_is_interactive());
    // On an output error the ledger is not saved: lines the reader never
    // got must not count as paid (a rerun settles them again, identically).
    let tally = settle_stream(&policy, &mut ledger, args.explain, input, &mut out)
        .map_err(CliError::output)?;
    out.finish().map_err(CliError::output)?;
    if let Some(path) = &args.ledger {
        write_ledger(path, &ledger)?;
    }
    Ok(tally.exit_code())
}

/// Settles every line of `input` in order, writing one line each to `out`.
pub fn settle_stream<W: Write>(
    policy: &Policy,
    ledger: &mut Ledger,
    explain: bool,
    input: impl io::BufRead,
    out: &mut LineOut<W>,
) -> io::Result<Tally> {
    let mut tally = Tally::default();
    for_each_line(input, |line| {
        let result = parse_claim(line.bytes).and_then(|c| ledger.settle(policy, &c, explain));
        let w = out.writer();
        match result {
            Ok(s) => {
                serde_json::to_writer(&mut *w, &s)?;
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

fn io_error(path: &Path, error: io::Error) -> CliError {
    CliError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// The ledger saved in `path`, or an empty one when the file does not exist.
fn read_ledger(path: &Path) -> Result<Ledger, CliError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Ledger::new()),
        Err(e) => return Err(io_error(path, e)),
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        io_error(
            path,
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not a fupin ledger: {e}"),
            ),
        )
    })
}

/// Saves the ledger atomically: a temporary file beside `path`, synced, then
/// renamed over it, so a crash leaves either the old ledger or the new one.
fn write_ledger(path: &Path, ledger: &Ledger) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "ledger".to_owned());
    let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
    let write = || -> io::Result<()> {
        let f = std::fs::File::create(&tmp)?;
        let mut w = io::BufWriter::new(f);
        serde_json::to_writer(&mut w, ledger)?;
        w.write_all(b"\n")?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Claims of one person; `C1` twice (the second is refused).
    const CLAIMS: [&str; 3] = [
        r#"{"id":"C1","person_id":"P1","admitted_on":"2020-03-01","hospital_level":"county","total_cost":"30000"}"#,
        r#"{"id":"C2","person_id":"P1","admitted_on":"2020-04-01","hospital_level":"city","total_cost":"120000.50"}"#,
        r#"{"id":"C3","person_id":"P1","admitted_on":"2020-05-01","hospital_level":"township","total_cost":"0"}"#,
    ];

    fn line_strategy() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::sample::select(CLAIMS.to_vec()).prop_map(|l| l.as_bytes().to_vec()),
            // Arbitrary bytes without a line end: bad UTF-8, bad JSON, blanks.
            prop::collection::vec(
                any::<u8>().prop_filter("no newline", |b| *b != b'\n'),
                0..40
            ),
            // A good claim truncated anywhere.
            (0..CLAIMS[1].len()).prop_map(|n| CLAIMS[1].as_bytes()[..n].to_vec()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// One output line per non-blank input line, in order: the
        /// settlement of a claim not yet paid, else the error line naming
        /// its line (`duplicate_claim_id` for a repeat, `zero_total_cost`).
        #[test]
        fn every_non_blank_claim_line_gives_exactly_one_output_line_in_order(
            lines in prop::collection::vec(line_strategy(), 0..16)
        ) {
            let policy = Policy::builtin("ningxia-2020").unwrap();
            let mut input = Vec::new();
            for l in &lines {
                input.extend_from_slice(l);
                input.push(b'\n');
            }
            let mut ledger = Ledger::new();
            let mut out = LineOut::new(Vec::new(), false);
            let tally = settle_stream(&policy, &mut ledger, false, &input[..], &mut out).unwrap();
            let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
            let got: Vec<serde_json::Value> =
                text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            let mut paid = std::collections::HashSet::new();
            let mut expected = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                let l: &[u8] = if i == 0 { l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l) } else { l };
                if super::super::jsonl::is_blank(l) {
                    continue;
                }
                let good = CLAIMS.iter().position(|c| c.as_bytes() == l);
                expected.push(match good {
                    Some(2) => (i + 1, None, Some("zero_total_cost")),
                    Some(k) if paid.insert(k) => (i + 1, Some(format!("C{}", k + 1)), None),
                    Some(_) => (i + 1, None, Some("duplicate_claim_id")),
                    None => (i + 1, None, None),
                });
            }
            prop_assert_eq!(got.len(), expected.len(), "{}", text);
            prop_assert_eq!(tally.ok + tally.failed, expected.len() as u64);
            prop_assert_eq!(tally.ok as usize, paid.len());
            for (g, (n, claim, code)) in got.iter().zip(&expected) {
                match claim {
                    Some(id) => prop_assert_eq!(g["claim_id"].as_str(), Some(id.as_str()), "{}", g),
                    None => {
                        prop_assert_eq!(g["line"].as_u64(), Some(*n as u64), "{}", g);
                        if let Some(code) = code {
                            prop_assert_eq!(g["error"]["code"].as_str(), Some(*code));
                        }
                    }
                }
            }
        }
    }
}
