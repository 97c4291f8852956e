//! `.xlsx` workbooks (read with `calamine` from bytes in memory) as rows of
//! [`Cell`]s for the readers of [`super::read`].
//!
//! This is the only place where a spreadsheet's binary floating-point
//! numbers are seen. A number cell becomes [`Cell::Number`] holding the
//! number's shortest round-trip decimal text ([`number_text`]): money is
//! then parsed from that text (`1234.5` is valid; a sum like
//! `0.30000000000000004` fails with `invalid_money`), and an identity number
//! stored as a number is read as its digits (one of more than 15
//! significant digits has lost its last ones, so it fails its checksum: a
//! finding, not an error). Date-formatted cells become [`Cell::DateTime`]
//! (calamine applies the workbook's 1900 or 1904 date system).
//!
//! Sheets ([`read_registry_xlsx`], Python's `Registry.read_excel`): the
//! sheet named `households`, else the first sheet not named `members` or
//! `villages`; the sheet named `members`, else the first other sheet after
//! the households sheet; and the sheet named `villages` when there is one.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use chrono::{NaiveDate, NaiveDateTime};

use super::read::{
    Cell, CellError, HOUSEHOLDS, MEMBERS, RegistryRead, RowResult, TableReadError, VILLAGES,
    read_registry_rows, read_villages_rows,
};
use crate::stats::VillageRow;

/// The shortest decimal text that reads back as `f` (Rust's `Display` for
/// `f64`: never an exponent, `1234.5` not `1234.5000000001`). Formatting,
/// not arithmetic: the only float handling of the readers.
pub fn number_text(f: f64) -> String {
    format!("{f}")
}

/// A calamine cell as a [`Cell`].
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(i.to_string()),
        Data::Float(f) => Cell::Number(number_text(*f)),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(day))
                .and_then(|date| {
                    date.and_hms_milli_opt(u32::from(h), u32::from(mi), u32::from(s), u32::from(ms))
                })
                .map_or_else(|| Cell::Error("an invalid date".to_owned()), Cell::DateTime)
        }
        Data::DateTime(_) => Cell::Error("a duration".to_owned()),
        Data::DateTimeIso(s) => {
            iso_datetime(s).map_or_else(|| Cell::Text(s.clone()), Cell::DateTime)
        }
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

fn iso_datetime(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| crate::date::parse_date(s).and_then(|d| d.and_hms_opt(0, 0, 0)))
}

/// A sheet's used range, as calamine reads it.
pub type SheetRange = Range<Data>;

/// The rows of a sheet's used range as [`Cell`]s.
pub fn sheet_rows(range: &SheetRange) -> impl Iterator<Item = RowResult> + '_ {
    range.rows().map(|r| Ok(r.iter().map(cell).collect()))
}

/// Runs a call into calamine, turning a panic inside it into a
/// [`TableReadError`]: a damaged workbook must be an error, never a crash of
/// the caller. Fuzzing found one: a cell reference with more
/// column letters than fit a `u32` (`<c r="AAAAAAAAAAAAAAA1">`) overflows
/// calamine's column arithmetic, a panic where overflow checks are on.
fn guarded<T>(
    table: &'static str,
    what: &str,
    read: impl FnOnce() -> Result<T, TableReadError>,
) -> Result<T, TableReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(TableReadError {
            table,
            message: format!("{what}: the workbook is damaged (its XML could not be read)"),
        })
    })
}

/// An `.xlsx` workbook held in memory.
pub struct Workbook {
    xlsx: Xlsx<Cursor<Vec<u8>>>,
    names: Vec<String>,
}

impl Workbook {
    /// Opens a workbook from its bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Workbook, TableReadError> {
        guarded("workbook", "not a readable .xlsx workbook", || {
            let xlsx = Xlsx::new(Cursor::new(bytes)).map_err(|e| TableReadError {
                table: "workbook",
                message: format!("not a readable .xlsx workbook: {e}"),
            })?;
            let names = xlsx.sheet_names();
            Ok(Workbook { xlsx, names })
        })
    }

    /// The sheet names, in workbook order.
    pub fn sheet_names(&self) -> &[String] {
        &self.names
    }

    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// The sheet for `table`: the one named so, else the first sheet that
    /// is not named after another table and not in `taken`.
    pub fn table_sheet(&self, table: &str, taken: &[&str]) -> Option<String> {
        if self.has(table) {
            return Some(table.to_owned());
        }
        self.names
            .iter()
            .find(|n| {
                ![HOUSEHOLDS, MEMBERS, VILLAGES].contains(&n.as_str())
                    && !taken.contains(&n.as_str())
            })
            .cloned()
    }

    /// The used range of a sheet.
    pub fn range(
        &mut self,
        sheet: &str,
        table: &'static str,
    ) -> Result<Range<Data>, TableReadError> {
        let xlsx = &mut self.xlsx;
        guarded(table, &format!("cannot read sheet {sheet:?}"), || {
            xlsx.worksheet_range(sheet).map_err(|e| TableReadError {
                table,
                message: format!("cannot read sheet {sheet:?}: {e}"),
            })
        })
    }

    /// Reads one table (for a workbook given for a single table): the sheet
    /// named `table`, else the first sheet.
    pub fn table_range(&mut self, table: &'static str) -> Result<Range<Data>, TableReadError> {
        let sheet = self
            .table_sheet(table, &[])
            .or_else(|| self.names.first().cloned())
            .ok_or_else(|| TableReadError {
                table,
                message: "the workbook has no sheet".to_owned(),
            })?;
        self.range(&sheet, table)
    }
}

/// A registry read from one workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookRead {
    /// Households, members, bad cells (village errors included).
    pub registry: RegistryRead,
    /// The `villages` sheet's rows, when the workbook has that sheet.
    pub villages: Option<Vec<VillageRow>>,
}

/// Reads a registry workbook: households, members and, if present,
/// villages (sheets chosen as the module documentation says).
pub fn read_registry_xlsx(bytes: Vec<u8>) -> Result<WorkbookRead, TableReadError> {
    let mut wb = Workbook::from_bytes(bytes)?;
    let households = wb
        .table_sheet(HOUSEHOLDS, &[])
        .ok_or_else(|| TableReadError {
            table: HOUSEHOLDS,
            message: "the workbook has no households sheet".to_owned(),
        })?;
    let members = wb
        .table_sheet(MEMBERS, &[households.as_str()])
        .ok_or_else(|| TableReadError {
            table: MEMBERS,
            message: "the workbook has no members sheet (named members, or the second sheet)"
                .to_owned(),
        })?;
    let hh = wb.range(&households, HOUSEHOLDS)?;
    let mm = wb.range(&members, MEMBERS)?;
    let mut registry = read_registry_rows(sheet_rows(&hh), sheet_rows(&mm))?;
    drop((hh, mm));
    let villages = if wb.has(VILLAGES) {
        let vv = wb.range(VILLAGES, VILLAGES)?;
        let (rows, errors): (Vec<VillageRow>, Vec<CellError>) =
            read_villages_rows(sheet_rows(&vv))?;
        registry.errors.extend(errors);
        Some(rows)
    } else {
        None
    };
    Ok(WorkbookRead { registry, villages })
}
