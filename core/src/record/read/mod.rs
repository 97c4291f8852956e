//! Reading the registry tables of interfaces.md §4.1 into records: the
//! household table, the member table (joined on `household_id`) and
//! `villages.csv` (domain.md §8).
//!
//! The readers are pure: they take bytes ([`std::io::Read`]) or rows of
//! [`Cell`]s, never paths. CSV is read here ([`read_registry_csv`],
//! [`read_villages_csv`]); `.xlsx` workbooks are turned into rows of cells by
//! [`super::xlsx`] and read by the same code ([`read_registry_rows`],
//! [`read_villages_rows`]). The columns are those of [`super::table`]: a
//! header is matched with [`HouseholdColumn::from_header`] (English or
//! Chinese), and each column is read by an exhaustive `match` on the same
//! enum, so the table's layout lives in one place.
//!
//! # Rows
//!
//! The header is the first row that is not blank. `row` in [`CellError`] and
//! in [`RegistryRead::rows`] is the 1-based number of a data row under the
//! header: **the header does not count** (row 1 is the first row below it;
//! row 0 in a [`CellError`] means the header itself). In CSV, blank lines are
//! skipped and not counted (the `csv` crate drops them); in a spreadsheet,
//! blank rows are skipped but counted, so `row` + the header's row number is
//! the sheet's row number.
//!
//! # Cells
//!
//! An empty cell means the field is absent and takes its default
//! (interfaces.md §2); an empty required cell (`id`, a member's `sex`,
//! `birth_date`, `household_id`) is a bad cell. Nothing is trimmed: a cell
//! is read exactly as written, like a JSON string. Money is
//! [`crate::Money::parse`] of the cell's text (a spreadsheet number's shortest
//! round-trip text, see [`super::xlsx`]); dates are `YYYY-MM-DD` text, a
//! spreadsheet date, or a whole-day Excel serial number (1900 date system);
//! enums are wire strings or Chinese labels ([`crate::enums::WireEnum::from_label`]);
//! booleans are `是`/`否`, `true`/`false` (any ASCII case, as spreadsheets
//! write `TRUE`), `1`/`0` or a spreadsheet boolean; `causes` and
//! `exit_steps` are `;`-separated (the full-width `；` too), `exit_steps`
//! items `step:date` (or `step：date`). `last_year_income` is present when
//! any `last_year_income_*` cell is non-empty, `credit` when `credit_rating`
//! or `credit_outstanding` is.
//!
//! # Bad cells and bad records
//!
//! A bad cell gives a [`CellError`] (table, row, column as written in the
//! header, the value with identity numbers and names masked, a message)
//! and makes its household a `RecordError` with the code a JSON record
//! would get (`invalid_money`, `invalid_date`, `invalid_enum`,
//! `wrong_type`, …) and the field path (`members[2].birth_date`), so a bad
//! record is never dropped or altered; the other rows are read. Only the
//! first problem of a household becomes its error; every bad cell is
//! listed in `errors`.
//!
//! A header that names no column gives one [`CellError`] (row 0) and the
//! column is not read; a row with a value in it becomes an `unknown_field`
//! error (as an unknown JSON field would), so its data is never silently
//! lost; a row whose cell there is empty is read normally. A column given
//! twice (say `id` and `户编号`) is handled the same way with
//! `duplicate_field`; cells past the header's last column likewise with
//! `unknown_field`. A missing required column gives one [`CellError`]
//! (row 0) and every row then fails with `missing_field`.
//!
//! # Joining members
//!
//! Members are attached to the household whose `id` equals their
//! `household_id`, in member-table order. A member whose `household_id`
//! matches no household is an orphan: a [`CellError`] and an entry of
//! [`RegistryRead::orphan_members`]. Households with the same id are all
//! kept (the audit reports `duplicate_id`), and each receives the members
//! that name that id. A household that no member names fails with
//! `empty_members`.

mod cells;
mod fields;
mod header;
mod lists;

pub(crate) use self::cells::*;
pub(crate) use self::fields::*;
use self::header::*;
pub(crate) use self::lists::*;

use std::collections::HashMap;
use std::io::Read;

use chrono::{NaiveDateTime, Timelike};

use crate::error::{ErrorCode, RecordError};
use crate::record::Household;
use crate::record::table::{HouseholdColumn, MemberColumn, VillageColumn};
use crate::stats::VillageRow;

/// The name of the household table in [`CellError::table`].
pub const HOUSEHOLDS: &str = "households";
/// The name of the member table in [`CellError::table`].
pub const MEMBERS: &str = "members";
/// The name of the village table in [`CellError::table`].
pub const VILLAGES: &str = "villages";

/// One cell of a table, as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value: the field is absent and takes its default.
    Empty,
    /// Text (every CSV cell; a spreadsheet string).
    Text(String),
    /// A spreadsheet number, as its shortest round-trip decimal text
    /// (`1234.5`, `640122198001011200`): see [`super::xlsx`].
    Number(String),
    /// A spreadsheet boolean.
    Bool(bool),
    /// A spreadsheet date or date-time.
    DateTime(NaiveDateTime),
    /// A spreadsheet error value (`#N/A`, `#REF!` …) or an unreadable cell.
    Error(String),
    /// CSV bytes that are not UTF-8 (shown with replacement characters).
    NotUtf8(String),
}

impl Cell {
    /// `true` for [`Cell::Empty`].
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text, for messages (not masked).
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Number(s) | Cell::Error(s) | Cell::NotUtf8(s) => s.clone(),
            Cell::Bool(b) => b.to_string(),
            Cell::DateTime(d) if d.time().num_seconds_from_midnight() == 0 => d.date().to_string(),
            Cell::DateTime(d) => d.to_string(),
        }
    }
}

/// A bad cell (or header) of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// `"households"`, `"members"` or `"villages"`.
    pub table: &'static str,
    /// The 1-based data row (the header does not count; 0 is the header).
    pub row: usize,
    /// The column's header as written in the file.
    pub column: String,
    /// The cell's value; identity numbers and names masked.
    pub value: String,
    /// What is wrong; personal data masked.
    pub message: String,
}

impl std::fmt::Display for CellError {
    /// `table row column value: message`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {} {}: {}",
            self.table, self.row, self.column, self.value, self.message
        )
    }
}

/// A table that could not be read at all (an I/O error, a file that is not
/// a workbook, a missing sheet).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{table}: {message}")]
pub struct TableReadError {
    /// The table (`households`, `members`, `villages`) or `workbook`.
    pub table: &'static str,
    /// What happened.
    pub message: String,
}

/// A member row whose `household_id` names no household (or is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrphanMember {
    /// Its data row in the member table.
    pub row: usize,
    /// Its `household_id` cell (empty if none).
    pub household_id: String,
    /// Its `id` cell.
    pub member_id: String,
}

/// A registry read from a household table and a member table.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryRead {
    /// One entry per household row, in input order: the household with its
    /// members, or why it cannot be used.
    pub households: Vec<Result<Household, RecordError>>,
    /// The data row of each entry of `households` in the household table.
    pub rows: Vec<usize>,
    /// Every bad cell and header, households table first, in row order.
    pub errors: Vec<CellError>,
    /// Members that joined no household.
    pub orphan_members: Vec<OrphanMember>,
}

/// One item of a table source: a row of cells, or a failure to read on.
pub type RowResult = Result<Vec<Cell>, TableReadError>;

/// Reads the household and member tables from CSV (UTF-8, with or without a
/// byte-order mark).
///
/// ```
/// use fupin_core::record::read::read_registry_csv;
/// let hh = "户编号,乡镇,贫困户属性,低保金\nH1,城关镇,低保贫困户,1200.5\n";
/// let mm = "household_id,id,sex,birth_date,relation\nH1,P1,女,1980-02-01,户主\n";
/// let r = read_registry_csv(hh.as_bytes(), mm.as_bytes()).unwrap();
/// let h = r.households[0].as_ref().unwrap();
/// assert_eq!(h.income.dibao.to_string(), "1200.50");
/// assert_eq!(h.members[0].id, "P1");
/// assert!(r.errors.is_empty());
/// ```
pub fn read_registry_csv(
    households: impl Read,
    members: impl Read,
) -> Result<RegistryRead, TableReadError> {
    read_registry_rows(csv_rows(households, HOUSEHOLDS), csv_rows(members, MEMBERS))
}

/// Reads `villages.csv` (`village,town,population`; Chinese headers
/// 行政村, 乡镇, 人口). A bad row is left out and reported; so is a
/// village named a second time.
pub fn read_villages_csv(
    villages: impl Read,
) -> Result<(Vec<VillageRow>, Vec<CellError>), TableReadError> {
    read_villages_rows(csv_rows(villages, VILLAGES))
}

/// The rows of a CSV table as [`Cell`]s (every non-empty field is text).
pub fn csv_rows<R: Read>(input: R, table: &'static str) -> impl Iterator<Item = RowResult> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input)
        .into_byte_records()
        .map(move |record| {
            let record = record.map_err(|e| TableReadError {
                table,
                message: format!("cannot read the CSV: {e}"),
            })?;
            Ok(record.iter().map(csv_cell).collect())
        })
}

fn csv_cell(bytes: &[u8]) -> Cell {
    if bytes.is_empty() {
        return Cell::Empty;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cell::Text(s.to_owned()),
        Err(_) => Cell::NotUtf8(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// Reads a registry from rows of cells (the first non-blank row of each
/// source is its header). CSV and spreadsheets both come through here.
pub fn read_registry_rows(
    households: impl IntoIterator<Item = RowResult>,
    members: impl IntoIterator<Item = RowResult>,
) -> Result<RegistryRead, TableReadError> {
    let mut errors = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut rows = Rows::new(households);
    if let Some(header) = rows.header()? {
        let slots = read_header(
            HOUSEHOLDS,
            header,
            HouseholdColumn::from_header,
            &[HouseholdColumn::Id],
            |c| c.header(),
            &mut errors,
        );
        while let Some((row, cells)) = rows.next_row()? {
            drafts.push(household_draft(row, &slots, cells, &mut errors));
        }
    }

    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, d) in drafts.iter().enumerate() {
        if !d.household.id.is_empty() {
            index.entry(d.household.id.to_string()).or_default().push(i);
        }
    }
    let mut orphan_members = Vec::new();
    let mut rows = Rows::new(members);
    if let Some(header) = rows.header()? {
        let required = [
            MemberColumn::HouseholdId,
            MemberColumn::Id,
            MemberColumn::Sex,
            MemberColumn::BirthDate,
        ];
        let slots = read_header(
            MEMBERS,
            header,
            MemberColumn::from_header,
            &required,
            |c| c.header(),
            &mut errors,
        );
        while let Some((row, cells)) = rows.next_row()? {
            let m = member_row(row, &slots, cells, &mut errors);
            let targets = index.get(&m.household_id).filter(|_| m.household_id_ok);
            let Some(targets) = targets else {
                if m.household_id_ok {
                    let column = header_of(&slots, MemberColumn::HouseholdId, "household_id");
                    errors.push(CellError {
                        table: MEMBERS,
                        row,
                        column,
                        value: m.household_id.clone(),
                        message: format!(
                            "no household has the id {:?}: the member is not read",
                            m.household_id
                        ),
                    });
                }
                orphan_members.push(OrphanMember {
                    row,
                    household_id: m.household_id,
                    member_id: m.member.id.into_string(),
                });
                continue;
            };
            for &t in targets {
                let Some(d) = drafts.get_mut(t) else { continue };
                let i = d.household.members.len();
                if d.error.is_none()
                    && let Some(bad) = m.bad.first()
                {
                    d.error = Some(bad.record_error(MEMBERS, row, &format!("members[{i}]")));
                }
                d.household.members.push(m.member.clone());
            }
        }
    }

    let mut out = RegistryRead {
        households: Vec::with_capacity(drafts.len()),
        rows: Vec::with_capacity(drafts.len()),
        errors,
        orphan_members,
    };
    for d in drafts {
        out.rows.push(d.row);
        out.households.push(d.finish());
    }
    Ok(out)
}

/// Reads a village table from rows of cells (see [`read_villages_csv`]).
pub fn read_villages_rows(
    rows: impl IntoIterator<Item = RowResult>,
) -> Result<(Vec<VillageRow>, Vec<CellError>), TableReadError> {
    let mut errors = Vec::new();
    let mut villages: Vec<VillageRow> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Rows::new(rows);
    let Some(header) = rows.header()? else {
        return Ok((villages, errors));
    };
    let required = [VillageColumn::Village, VillageColumn::Population];
    let slots = read_header(
        VILLAGES,
        header,
        VillageColumn::from_header,
        &required,
        |c| c.header(),
        &mut errors,
    );
    while let Some((row, cells)) = rows.next_row()? {
        let mut v = VillageRow {
            village: String::new(),
            town: String::new(),
            population: 0,
        };
        let mut seen_cols = Vec::new();
        let mut bad = read_cells(&slots, cells, |col, cell| {
            seen_cols.push(col);
            match col {
                VillageColumn::Village => v.village = text(cell)?,
                VillageColumn::Town => v.town = text(cell)?,
                VillageColumn::Population => v.population = population(cell)?,
            }
            Ok(())
        });
        for col in required {
            if !seen_cols.contains(&col) && has_column(&slots, col) {
                bad.push(missing(header_of(&slots, col, col.header()), col.header()));
            }
        }
        if bad.is_empty()
            && let Some(first) = seen.get(&v.village)
        {
            bad.push(BadCell {
                column: header_of(&slots, VillageColumn::Village, "village"),
                value: v.village.clone(),
                code: ErrorCode::DuplicateField,
                field: "village".to_owned(),
                message: format!("the village is already on row {first}: this row is not read"),
                report: true,
            });
        }
        if bad.is_empty() {
            seen.insert(v.village.clone(), row);
            villages.push(v);
        } else {
            let any_reported = bad.iter().any(|b| b.report);
            for b in bad.into_iter().filter(|b| b.report) {
                errors.push(b.cell_error(VILLAGES, row));
            }
            if !any_reported {
                // An unknown or duplicate column's value: say so for this row.
                errors.push(CellError {
                    table: VILLAGES,
                    row,
                    column: String::new(),
                    value: String::new(),
                    message: "the row has a value in a column that is not read: \
                              the row is not read"
                        .to_owned(),
                });
            }
        }
    }
    Ok((villages, errors))
}
