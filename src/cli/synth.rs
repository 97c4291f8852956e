//! `fupin synth`: the deterministic demo county (domain.md §8) as the five
//! files of interfaces.md §4, written in one streaming pass (memory flat in
//! the number of households).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use fupin_core::record::table::chinese as zh;
use fupin_core::record::table::{household_headers, household_row, member_headers, member_rows};
use fupin_core::synth::{DEFAULT_HOUSEHOLDS, DEFAULT_SEED, Synth, SynthConfig};

use super::CliError;

/// Arguments of `fupin synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Number of households (the seed county's shape, scaled).
    #[arg(long, default_value_t = DEFAULT_HOUSEHOLDS)]
    households: u64,
    /// Seed of the ChaCha8 generator: a seed gives byte-identical files.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Directory to write households.csv, members.csv, villages.csv,
    /// households.jsonl and claims.jsonl into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Write the CSV tables with the Chinese headers and labels of the
    /// national system's exports (interfaces.md §4.1).
    #[arg(long)]
    chinese: bool,
}

/// Runs `fupin synth`.
pub fn run(args: SynthArgs) -> Result<u8, CliError> {
    let dir = args.out;
    std::fs::create_dir_all(&dir).map_err(|error| CliError::Io {
        path: dir.clone(),
        error,
    })?;
    let config = SynthConfig {
        households: args.households,
        seed: args.seed,
        ..SynthConfig::default()
    };
    write_all(&dir, config, args.chinese)?;
    Ok(0)
}

/// A buffered output file that names itself in errors.
struct Out {
    path: PathBuf,
    w: BufWriter<File>,
}

impl Out {
    fn create(dir: &Path, name: &str) -> Result<Out, CliError> {
        let path = dir.join(name);
        let f = File::create(&path).map_err(|error| CliError::Io {
            path: path.clone(),
            error,
        })?;
        Ok(Out {
            path,
            w: BufWriter::with_capacity(1 << 16, f),
        })
    }

    fn err(&self, error: io::Error) -> CliError {
        CliError::Io {
            path: self.path.clone(),
            error,
        }
    }

    fn json_line<T: serde::Serialize>(&mut self, value: &T) -> Result<(), CliError> {
        let r = serde_json::to_writer(&mut self.w, value)
            .map_err(io::Error::from)
            .and_then(|()| self.w.write_all(b"\n"));
        r.map_err(|e| self.err(e))
    }

    fn finish(mut self) -> Result<(), CliError> {
        let r = self.w.flush();
        r.map_err(|e| self.err(e))
    }
}

/// A CSV table over an [`Out`].
struct Table {
    path: PathBuf,
    w: csv::Writer<BufWriter<File>>,
}

impl Table {
    fn create(dir: &Path, name: &str, headers: &[&str]) -> Result<Table, CliError> {
        let out = Out::create(dir, name)?;
        let mut t = Table {
            path: out.path,
            w: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(out.w),
        };
        t.row(headers)?;
        Ok(t)
    }

    fn row<I, T>(&mut self, cells: I) -> Result<(), CliError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let r = self.w.write_record(cells);
        r.map_err(|e| CliError::Io {
            path: self.path.clone(),
            error: io::Error::other(e),
        })
    }

    fn finish(mut self) -> Result<(), CliError> {
        let r = self.w.flush();
        r.map_err(|error| CliError::Io {
            path: self.path.clone(),
            error,
        })
    }
}

/// Writes the five files of the county into `dir`.
pub fn write_all(dir: &Path, config: SynthConfig, chinese: bool) -> Result<(), CliError> {
    let mut synth = Synth::new(config);
    let mut villages = Table::create(dir, "villages.csv", &["village", "town", "population"])?;
    for v in synth.villages() {
        villages.row([v.village, v.town, v.population.to_string()])?;
    }
    villages.finish()?;

    let (hh_headers, m_headers) = if chinese {
        (zh::household_headers(), zh::member_headers())
    } else {
        (household_headers(), member_headers())
    };
    let mut households = Table::create(dir, "households.csv", &hh_headers)?;
    let mut members = Table::create(dir, "members.csv", &m_headers)?;
    let mut jsonl = Out::create(dir, "households.jsonl")?;
    let mut claims = Out::create(dir, "claims.jsonl")?;
    while let Some((hh, cs)) = synth.next_entry() {
        if chinese {
            households.row(zh::household_row_zh(&hh))?;
            for r in zh::member_rows_zh(&hh) {
                members.row(r)?;
            }
        } else {
            households.row(household_row(&hh))?;
            for r in member_rows(&hh) {
                members.row(r)?;
            }
        }
        jsonl.json_line(&hh)?;
        for c in &cs {
            claims.json_line(c)?;
        }
    }
    households.finish()?;
    members.finish()?;
    jsonl.finish()?;
    claims.finish()
}
