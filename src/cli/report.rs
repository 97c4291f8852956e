//! `fupin report`: the county report (domain.md §8), fupin's main job. With
//! no registry arguments it runs on the built-in demonstration county.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;
use fupin_core::RecordError;
use fupin_core::record::parse::{parse_claim, parse_household};
use fupin_core::report::{Demo, Report, ReportInput, evaluate_registry, settle_claims};
use fupin_core::rules::Evaluator;
use fupin_core::stats::VillageRow;
use fupin_core::stats::county::parse_assessment;
use fupin_core::stats::reconcile::parse_checks;
use rust_decimal::Decimal;

use super::jsonl::for_each_line;
use super::{CliError, DEFAULT_POLICY, load_policy, open_input, parse_date_arg};

/// Arguments of `fupin report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Built-in policy name or policy TOML file.
    #[arg(long, default_value = DEFAULT_POLICY)]
    policy: String,
    /// Assessment date (YYYY-MM-DD).
    #[arg(long = "as-of", value_parser = parse_date_arg, default_value = "2020-12-31")]
    as_of: NaiveDate,
    /// Household table (CSV or XLSX), or households JSONL with members inline.
    #[arg(long)]
    households: Option<PathBuf>,
    /// Member table (CSV), with --households CSV.
    #[arg(long)]
    members: Option<PathBuf>,
    /// villages.csv (`village,town,population`), for incidence.
    #[arg(long)]
    villages: Option<PathBuf>,
    /// Claims JSONL, for the settlement section.
    #[arg(long)]
    claims: Option<PathBuf>,
    /// Third-party assessment TOML, for the county-exit check.
    #[arg(long)]
    assessment: Option<PathBuf>,
    /// Reported figures TOML, for reconciliation.
    #[arg(long)]
    reported: Option<PathBuf>,
    /// The county's risk-compensation fund in yuan, for micro-credit capacity.
    #[arg(long = "risk-fund")]
    risk_fund: Option<String>,
    /// Write the report to FILE.xlsx, FILE.html (or FILE.json) instead of text on stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Show names in person lists unmasked.
    #[arg(long = "reveal-personal-data")]
    reveal_personal_data: bool,
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|error| CliError::Io {
        path: path.to_path_buf(),
        error,
    })
}

fn jsonl<T>(
    path: &Path,
    parse: impl Fn(&[u8]) -> Result<T, RecordError>,
) -> Result<Vec<Result<T, RecordError>>, CliError> {
    let mut out = Vec::new();
    for_each_line(open_input(Some(&path.to_string_lossy()))?, |l| {
        out.push(parse(l.bytes));
        Ok(())
    })
    .map_err(CliError::input)?;
    Ok(out)
}

fn villages(path: &Path) -> Result<Vec<VillageRow>, CliError> {
    let text = read(path)?;
    let mut rows = Vec::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        if i == 0 && cells.first().is_some_and(|c| c.trim() == "village") {
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        rows.push(fupin_core::stats::village_row(&cells).ok_or_else(|| {
            CliError::Input(format!(
                "{}: line {}: expected village,town,population: {line:?}",
                path.display(),
                i + 1
            ))
        })?);
    }
    Ok(rows)
}

/// A progress bar on standard error when it is a terminal and the registry
/// is large (nothing otherwise: pipes and logs stay clean).
fn progress(total: usize) -> impl FnMut(usize) {
    let show = total >= 20_000 && io::IsTerminal::is_terminal(&io::stderr());
    let step = (total / 100).max(1);
    move |i| {
        if show && (i % step == 0 || i + 1 == total) {
            let done = (i + 1) * 40 / total.max(1);
            let bar: String = "█".repeat(done) + &"·".repeat(40 - done);
            eprint!("\r评估 evaluating {bar} {}/{total}", i + 1);
            if i + 1 == total {
                eprintln!();
            }
        }
    }
}

/// Runs `fupin report`.
pub fn run(args: ReportArgs) -> Result<u8, CliError> {
    let policy = load_policy(&args.policy)?;
    let eval = Evaluator::new(&policy, args.as_of);
    let demo;
    let mut cell_errors = 0usize;
    let (households, claims, villages_rows, assessment, reported, risk_fund) = match &args
        .households
    {
        None => {
            demo = Demo::generate(
                fupin_core::synth::DEFAULT_HOUSEHOLDS,
                fupin_core::synth::DEFAULT_SEED,
            )?;
            (
                demo.households,
                Some(demo.claims),
                Some(demo.villages),
                Some(demo.assessment),
                Some(demo.reported),
                Some(demo.risk_fund),
            )
        }
        Some(h) => {
            let (households, table_villages) =
                if h.extension().is_some_and(|e| e == "jsonl" || e == "json") {
                    (jsonl(h, parse_household)?, None)
                } else {
                    let loaded = super::registry::load_registry(
                        h,
                        args.members.as_deref(),
                        args.villages.as_deref(),
                    )?;
                    super::registry::print_cell_errors(&loaded.registry.errors)?;
                    cell_errors = loaded.registry.errors.len();
                    (loaded.registry.households, loaded.villages)
                };
            let claims = args
                .claims
                .as_deref()
                .map(|c| jsonl(c, parse_claim))
                .transpose()?;
            let villages_rows = match table_villages {
                Some(v) => Some(v),
                None => args.villages.as_deref().map(villages).transpose()?,
            };
            let assessment = args
                .assessment
                .as_deref()
                .map(|p| {
                    parse_assessment(&read(p)?, &p.display().to_string()).map_err(CliError::from)
                })
                .transpose()?;
            let reported = args
                .reported
                .as_deref()
                .map(|p| parse_checks(&read(p)?, &p.display().to_string()).map_err(CliError::from))
                .transpose()?;
            let risk_fund = args
                .risk_fund
                .as_deref()
                .map(|s| {
                    fupin_core::Money::parse(s)
                        .map(|m| m.as_decimal())
                        .map_err(|e| CliError::Input(format!("--risk-fund {s:?}: {e}")))
                })
                .transpose()?;
            (
                households,
                claims,
                villages_rows,
                assessment,
                reported,
                risk_fund,
            )
        }
    };
    let evaluated = evaluate_registry(&eval, &households, progress(households.len()));
    let settlements = claims.as_ref().map(|c| settle_claims(&policy, c));
    let report = Report::build(&ReportInput {
        as_of: args.as_of,
        policy: &policy,
        stats: &evaluated.stats,
        villages: villages_rows.as_deref(),
        settlements: settlements.as_ref(),
        persons: &evaluated.persons,
        assessment: assessment.as_ref(),
        reported: reported.as_deref(),
        risk_fund: risk_fund.map(|d: Decimal| d),
        reveal_personal_data: args.reveal_personal_data,
    })?;
    match &args.out {
        None => {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            out.write_all(report.to_text().as_bytes())
                .map_err(CliError::output)?;
        }
        Some(path) => {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let bytes = match ext {
                "html" | "htm" => report.to_html().into_bytes(),
                "xlsx" => super::xlsx::report_to_xlsx(&report)
                    .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?,
                "json" => serde_json::to_vec_pretty(&report)
                    .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?,
                _ => {
                    return Err(CliError::Input(format!(
                        "{}: --out must end in .xlsx, .html or .json",
                        path.display()
                    )));
                }
            };
            std::fs::write(path, bytes).map_err(|error| CliError::Io {
                path: path.clone(),
                error,
            })?;
        }
    }
    Ok(u8::from(evaluated.stats.errors > 0 || cell_errors > 0))
}
