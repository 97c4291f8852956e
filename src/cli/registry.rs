//! Loading a registry from its tables (interfaces.md §4.1) for `fupin audit`
//! and `fupin report`: `--households CSV|XLSX --members CSV|XLSX
//! [--villages CSV|XLSX]`.
//!
//! A file ending in `.xlsx` (any case) is a workbook. When `--households`
//! is a workbook and `--members` is not given, the workbook holds the whole
//! registry (sheets as `fupin_core::record::xlsx` chooses them, villages
//! included when it has a `villages` sheet and `--villages` is not given).
//! Otherwise each file holds one table: a CSV, or a workbook's sheet named
//! after the table, else its first sheet.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use fupin_core::record::read::{
    CellError, HOUSEHOLDS, MEMBERS, RegistryRead, RowResult, TableReadError, VILLAGES, csv_rows,
    read_registry_rows, read_villages_rows,
};
use fupin_core::record::xlsx::{SheetRange, Workbook, read_registry_xlsx, sheet_rows};
use fupin_core::stats::VillageRow;

use super::CliError;

/// A registry read from files.
#[derive(Debug)]
pub struct LoadedRegistry {
    /// Households (with members), their data rows, bad cells (village
    /// errors included) and orphan members.
    pub registry: RegistryRead,
    /// The village table, when one was given (or the workbook has one).
    pub villages: Option<Vec<VillageRow>>,
}

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

fn io_error(path: &Path, error: io::Error) -> CliError {
    CliError::Io {
        path: path.to_path_buf(),
        error,
    }
}

fn table_error(path: &Path, e: TableReadError) -> CliError {
    io_error(
        path,
        io::Error::new(io::ErrorKind::InvalidData, e.to_string()),
    )
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| io_error(path, e))
}

fn open(path: &Path) -> Result<io::BufReader<std::fs::File>, CliError> {
    let f = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    Ok(io::BufReader::with_capacity(1 << 16, f))
}

/// One table's rows: from a CSV file, or a workbook's sheet (held in
/// memory while the table is read).
enum Source {
    Csv(io::BufReader<std::fs::File>),
    Sheet(SheetRange),
}

impl Source {
    fn open(path: &Path, table: &'static str) -> Result<Source, CliError> {
        if is_xlsx(path) {
            let mut wb =
                Workbook::from_bytes(read_bytes(path)?).map_err(|e| table_error(path, e))?;
            let range = wb.table_range(table).map_err(|e| table_error(path, e))?;
            Ok(Source::Sheet(range))
        } else {
            Ok(Source::Csv(open(path)?))
        }
    }

    fn rows(&mut self, table: &'static str) -> Box<dyn Iterator<Item = RowResult> + '_> {
        match self {
            Source::Csv(r) => Box::new(csv_rows(r, table)),
            Source::Sheet(range) => Box::new(sheet_rows(range)),
        }
    }
}

/// Reads a registry from `households`, `members` and `villages` files.
pub fn load_registry(
    households: &Path,
    members: Option<&Path>,
    villages: Option<&Path>,
) -> Result<LoadedRegistry, CliError> {
    let mut loaded = match members {
        None if is_xlsx(households) => {
            let wb = read_registry_xlsx(read_bytes(households)?)
                .map_err(|e| table_error(households, e))?;
            LoadedRegistry {
                registry: wb.registry,
                villages: wb.villages,
            }
        }
        None => {
            return Err(io_error(
                Path::new("--members"),
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a households CSV needs --members (only a workbook holds both tables)",
                ),
            ));
        }
        Some(members) => {
            let mut hh = Source::open(households, HOUSEHOLDS)?;
            let mut mm = Source::open(members, MEMBERS)?;
            let registry =
                read_registry_rows(hh.rows(HOUSEHOLDS), mm.rows(MEMBERS)).map_err(|e| {
                    let path = if e.table == MEMBERS {
                        members
                    } else {
                        households
                    };
                    table_error(path, e)
                })?;
            LoadedRegistry {
                registry,
                villages: None,
            }
        }
    };
    if let Some(path) = villages {
        let mut vv = Source::open(path, VILLAGES)?;
        let (rows, errors) =
            read_villages_rows(vv.rows(VILLAGES)).map_err(|e| table_error(path, e))?;
        loaded.registry.errors.extend(errors);
        loaded.villages = Some(rows);
    }
    Ok(loaded)
}

/// Prints each bad cell to standard error as `table row column value: message`.
pub fn print_cell_errors(errors: &[CellError]) -> Result<(), CliError> {
    let stderr = io::stderr();
    let mut w = stderr.lock();
    for e in errors {
        writeln!(w, "{e}").map_err(|error| CliError::Io {
            path: PathBuf::from("<stderr>"),
            error,
        })?;
    }
    Ok(())
}
