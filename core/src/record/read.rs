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
//! [`Money::parse`] of the cell's text (a spreadsheet number's shortest
//! round-trip text, see [`super::xlsx`]); dates are `YYYY-MM-DD` text, a
//! spreadsheet date, or a whole-day Excel serial number (1900 date system);
//! enums are wire strings or Chinese labels ([`WireEnum::from_label`]);
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

use std::collections::HashMap;
use std::io::Read;

use chrono::{Days, NaiveDate, NaiveDateTime, Timelike};

use super::table::{HouseholdColumn, MemberColumn, VillageColumn};
use super::{Credit, Household, Income, Member};
use crate::date::parse_date;
use crate::enums::{
    Attribute, Cause, ExitStepKind, Housing, Relation, Schooling, Sex, Status, WireEnum,
};
use crate::error::{ErrorCode, RecordError};
use crate::mask::{IdNumber, PersonName, Scrubber, mask_id_number, mask_id_numbers_in, mask_name};
use crate::money::Money;
use crate::record::ExitStep;
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

/// A table's rows: the header, then numbered data rows (blank rows skipped
/// but counted).
struct Rows<I> {
    inner: I,
    number: usize,
}

impl<I: Iterator<Item = RowResult>> Rows<I> {
    fn new(source: impl IntoIterator<IntoIter = I>) -> Self {
        Rows {
            inner: source.into_iter(),
            number: 0,
        }
    }

    fn header(&mut self) -> Result<Option<Vec<Cell>>, TableReadError> {
        for row in self.inner.by_ref() {
            let row = row?;
            if !row.iter().all(Cell::is_empty) {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    fn next_row(&mut self) -> Result<Option<(usize, Vec<Cell>)>, TableReadError> {
        for row in self.inner.by_ref() {
            let row = row?;
            self.number += 1;
            if !row.iter().all(Cell::is_empty) {
                return Ok(Some((self.number, row)));
            }
        }
        Ok(None)
    }
}

/// What a header cell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot<C> {
    /// A column of the table.
    Known(C),
    /// A header that names no column.
    Unknown,
    /// A column already given by an earlier header.
    Duplicate(C),
}

/// A header cell: its meaning and its text as written.
type Header<C> = Vec<(Slot<C>, String)>;

fn header_text(cell: &Cell, first: bool) -> String {
    let text = cell.shown();
    let text = if first {
        text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned()
    } else {
        text
    };
    text.trim().to_owned()
}

fn read_header<C: Copy + PartialEq>(
    table: &'static str,
    cells: Vec<Cell>,
    from_header: fn(&str) -> Option<C>,
    required: &[C],
    english: fn(C) -> &'static str,
    errors: &mut Vec<CellError>,
) -> Header<C> {
    let mut slots: Header<C> = Vec::with_capacity(cells.len());
    for (i, cell) in cells.iter().enumerate() {
        let text = header_text(cell, i == 0);
        let slot = match from_header(&text) {
            Some(c) if slots.iter().any(|(s, _)| *s == Slot::Known(c)) => {
                errors.push(CellError {
                    table,
                    row: 0,
                    column: text.clone(),
                    value: String::new(),
                    message: format!(
                        "column {} is given twice: this copy is not read, and a row with a \
                         value in it is a duplicate_field error",
                        english(c)
                    ),
                });
                Slot::Duplicate(c)
            }
            Some(c) => Slot::Known(c),
            None if text.is_empty() && cell.is_empty() => Slot::Unknown,
            None => {
                errors.push(CellError {
                    table,
                    row: 0,
                    column: text.clone(),
                    value: String::new(),
                    message: "unknown column: it is not read, and a row with a value in it is \
                              an unknown_field error"
                        .to_owned(),
                });
                Slot::Unknown
            }
        };
        slots.push((slot, text));
    }
    for &c in required {
        if !slots.iter().any(|(s, _)| *s == Slot::Known(c)) {
            errors.push(CellError {
                table,
                row: 0,
                column: english(c).to_owned(),
                value: String::new(),
                message: format!(
                    "the required column {} is missing: every row fails with missing_field",
                    english(c)
                ),
            });
        }
    }
    slots
}

fn has_column<C: Copy + PartialEq>(slots: &Header<C>, c: C) -> bool {
    slots.iter().any(|(s, _)| *s == Slot::Known(c))
}

fn header_of<C: Copy + PartialEq>(slots: &Header<C>, c: C, fallback: &str) -> String {
    slots
        .iter()
        .find(|(s, _)| *s == Slot::Known(c))
        .map_or_else(|| fallback.to_owned(), |(_, h)| h.clone())
}

/// Why a cell cannot be read (before the row and column are known).
pub(crate) struct Problem {
    pub(crate) code: ErrorCode,
    /// Appended to the column's field path (`[1]`, `[0].on`), if any.
    pub(crate) suffix: String,
    pub(crate) message: String,
}

impl Problem {
    pub(crate) fn new(code: ErrorCode, message: String) -> Self {
        Problem {
            code,
            suffix: String::new(),
            message,
        }
    }

    pub(crate) fn at(mut self, suffix: String) -> Self {
        self.suffix = suffix;
        self
    }
}

/// A bad cell of one row.
struct BadCell {
    column: String,
    value: String,
    code: ErrorCode,
    /// The field path within the record (`birth_date`, `causes[1]`).
    field: String,
    message: String,
    /// Whether it is listed as a [`CellError`] (a value in an unknown column
    /// only fails its record; the header was reported once).
    report: bool,
}

impl BadCell {
    /// The listed bad cell. Anything shaped like an identity number is
    /// masked in its value and message, in any column: one typed into the
    /// wrong column (a date, an amount) is still personal data.
    fn cell_error(&self, table: &'static str, row: usize) -> CellError {
        CellError {
            table,
            row,
            column: self.column.clone(),
            value: mask_id_numbers_in(&self.value),
            message: mask_id_numbers_in(&self.message),
        }
    }

    /// The record's error, the field under `prefix` (`members[2]`) if any.
    fn record_error(&self, table: &str, row: usize, prefix: &str) -> RecordError {
        let field = if prefix.is_empty() {
            self.field.clone()
        } else {
            format!("{prefix}.{}", self.field)
        };
        let message = format!(
            "{field}: {} ({table} row {row}, column {})",
            self.message, self.column
        );
        RecordError::new(self.code, Some(field), message)
    }
}

fn missing(column: String, english: &str) -> BadCell {
    BadCell {
        column,
        value: String::new(),
        code: ErrorCode::MissingField,
        field: english.to_owned(),
        message: format!("{english} is required but the cell is empty"),
        report: true,
    }
}

/// The field path of a column: the header with the nested object's `_`
/// turned into `.` (`income_wage` → `income.wage`).
pub(crate) fn field_path(header: &str) -> String {
    for object in [
        "last_year_income",
        "income",
        "guarantees",
        "assets",
        "credit",
    ] {
        if let Some(rest) = header
            .strip_prefix(object)
            .and_then(|r| r.strip_prefix('_'))
        {
            return format!("{object}.{rest}");
        }
    }
    header.to_owned()
}

trait Column: Copy + PartialEq {
    fn english(self) -> &'static str;
    /// Identity number and name columns are masked in values.
    fn mask(self) -> Option<fn(&str) -> String> {
        None
    }
}

impl Column for HouseholdColumn {
    fn english(self) -> &'static str {
        self.header()
    }
}

impl Column for MemberColumn {
    fn english(self) -> &'static str {
        self.header()
    }
    fn mask(self) -> Option<fn(&str) -> String> {
        match self {
            MemberColumn::IdNumber => Some(mask_id_number),
            MemberColumn::Name => Some(mask_name),
            _ => None,
        }
    }
}

impl Column for VillageColumn {
    fn english(self) -> &'static str {
        self.header()
    }
}

/// Reads every non-empty cell of a row with `set`, collecting bad cells.
fn read_cells<C: Column>(
    slots: &Header<C>,
    cells: Vec<Cell>,
    mut set: impl FnMut(C, &Cell) -> Result<(), Problem>,
) -> Vec<BadCell> {
    let mut bad = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        if cell.is_empty() {
            continue;
        }
        let (slot, header) = match slots.get(i) {
            Some((slot, header)) => (*slot, header.clone()),
            None => (Slot::Unknown, format!("column {}", i + 1)),
        };
        match slot {
            Slot::Known(col) => {
                if let Err(p) = set(col, cell) {
                    let shown = cell.shown();
                    let value = col.mask().map_or(shown.clone(), |m| m(&shown));
                    bad.push(BadCell {
                        column: header,
                        value,
                        code: p.code,
                        field: format!("{}{}", field_path(col.english()), p.suffix),
                        message: p.message,
                        report: true,
                    });
                }
            }
            Slot::Unknown | Slot::Duplicate(_) => {
                let (code, what) = if matches!(slot, Slot::Unknown) {
                    (ErrorCode::UnknownField, "a column that is not in the table")
                } else {
                    (ErrorCode::DuplicateField, "a second copy of a column")
                };
                let field = match slot {
                    Slot::Duplicate(c) => field_path(c.english()),
                    _ => header.clone(),
                };
                bad.push(BadCell {
                    column: header,
                    value: String::new(),
                    code,
                    field,
                    message: format!("the row has a value in {what}"),
                    report: false,
                });
            }
        }
    }
    bad
}

/// A household row read so far.
struct Draft {
    row: usize,
    household: Household,
    error: Option<RecordError>,
}

impl Draft {
    fn finish(self) -> Result<Household, RecordError> {
        let id = Some(self.household.id.to_string()).filter(|id| !id.is_empty());
        if let Some(e) = self.error {
            return Err(e.with_record_id(id));
        }
        self.household.validate()?;
        Ok(self.household)
    }
}

fn household_draft(
    row: usize,
    slots: &Header<HouseholdColumn>,
    cells: Vec<Cell>,
    errors: &mut Vec<CellError>,
) -> Draft {
    let mut h = Household::with_defaults();
    let mut bad = read_cells(slots, cells, |col, cell| set_household(&mut h, col, cell));
    if h.id.is_empty() && has_column(slots, HouseholdColumn::Id) {
        bad.push(missing(header_of(slots, HouseholdColumn::Id, "id"), "id"));
    } else if h.id.is_empty() {
        bad.push(BadCell {
            report: false,
            ..missing("id".to_owned(), "id")
        });
    }
    errors.extend(
        bad.iter()
            .filter(|b| b.report)
            .map(|b| b.cell_error(HOUSEHOLDS, row)),
    );
    Draft {
        row,
        error: bad.first().map(|b| b.record_error(HOUSEHOLDS, row, "")),
        household: h,
    }
}

pub(crate) fn set_household(
    h: &mut Household,
    col: HouseholdColumn,
    cell: &impl CellRead,
) -> Result<(), Problem> {
    use HouseholdColumn as C;
    match col {
        C::Id => h.id = cell.text()?.into(),
        C::Town => h.town = cell.text()?.into(),
        C::Village => h.village = cell.text()?.into(),
        C::Attribute => h.attribute = cell.label::<Attribute>()?,
        C::Status => h.status = cell.label::<Status>()?,
        C::IdentifiedOn => h.identified_on = Some(cell.date()?),
        C::ExitedOn => h.exited_on = Some(cell.date()?),
        C::ReturnedOn => h.returned_on = Some(cell.date()?),
        C::Causes => h.causes = cell.causes()?,
        C::Relocated => h.relocated = cell.boolean()?,
        C::ExitSteps => h.exit_steps = cell.exit_steps()?,
        C::IncomeWage => h.income.wage = cell.money()?,
        C::IncomeOperating => h.income.operating = cell.money()?,
        C::IncomeOperatingCost => h.income.operating_cost = cell.money()?,
        C::IncomeProperty => h.income.property = cell.money()?,
        C::IncomeTransfer => h.income.transfer = cell.money()?,
        C::IncomeDibao => h.income.dibao = cell.money()?,
        C::IncomeOneOffTransfer => h.income.one_off_transfer = cell.money()?,
        C::IncomeYear => h.income.year = Some(cell.year()?),
        C::LastYearIncomeWage => {
            let m = cell.money()?;
            last_year(h).wage = m;
        }
        C::LastYearIncomeOperating => {
            let m = cell.money()?;
            last_year(h).operating = m;
        }
        C::LastYearIncomeOperatingCost => {
            let m = cell.money()?;
            last_year(h).operating_cost = m;
        }
        C::LastYearIncomeProperty => {
            let m = cell.money()?;
            last_year(h).property = m;
        }
        C::LastYearIncomeTransfer => {
            let m = cell.money()?;
            last_year(h).transfer = m;
        }
        C::LastYearIncomeDibao => {
            let m = cell.money()?;
            last_year(h).dibao = m;
        }
        C::LastYearIncomeOneOffTransfer => {
            let m = cell.money()?;
            last_year(h).one_off_transfer = m;
        }
        C::LastYearIncomeYear => {
            let y = cell.year()?;
            last_year(h).year = Some(y);
        }
        C::RigidExpenses => h.rigid_expenses = cell.money()?,
        C::GuaranteesFood => h.guarantees.food = cell.boolean()?,
        C::GuaranteesClothing => h.guarantees.clothing = cell.boolean()?,
        C::GuaranteesHousing => h.guarantees.housing = cell.label::<Housing>()?,
        C::GuaranteesDrinkingWater => h.guarantees.drinking_water = cell.boolean()?,
        C::AssetsCar => h.assets.car = cell.boolean()?,
        C::AssetsCommercialHousing => h.assets.commercial_housing = cell.boolean()?,
        C::AssetsBusiness => h.assets.business = cell.boolean()?,
        C::AssetsPublicEmployee => h.assets.public_employee = cell.boolean()?,
        C::AssetsDeposits => h.assets.deposits = cell.money()?,
        C::CreditRating => {
            let r = cell.label()?;
            credit(h).rating = r;
        }
        C::CreditOutstanding => {
            let m = cell.money()?;
            credit(h).outstanding = m;
        }
    }
    Ok(())
}

/// The household's last-year income, made (all zero) when it has none yet.
pub(crate) fn last_year(h: &mut Household) -> &mut Income {
    h.last_year_income.get_or_insert_with(Income::default)
}

/// The household's credit, made (the defaults) when it has none yet.
pub(crate) fn credit(h: &mut Household) -> &mut Credit {
    h.credit.get_or_insert_with(Credit::default)
}

/// A member row, read once and attached to every household it names.
struct MemberRow {
    household_id: String,
    /// `false` when the `household_id` cell is empty or bad (an orphan).
    household_id_ok: bool,
    member: Member,
    /// Its bad cells, in column order (already listed in `errors`).
    bad: Vec<BadCell>,
}

fn member_row(
    row: usize,
    slots: &Header<MemberColumn>,
    cells: Vec<Cell>,
    errors: &mut Vec<CellError>,
) -> MemberRow {
    let mut m = Member::new(String::new(), Sex::Male, NaiveDate::MIN);
    let mut household_id: Option<String> = None;
    let mut seen: Vec<MemberColumn> = Vec::new();
    let mut bad = read_cells(slots, cells, |col, cell| {
        seen.push(col);
        set_member(&mut m, &mut household_id, col, cell)
    });
    let household_id_ok = household_id.is_some();
    // A bad household_id cell is reported; it cannot fail a household.
    bad.retain(|b| {
        if b.field == "household_id" {
            errors.push(b.cell_error(MEMBERS, row));
            false
        } else {
            true
        }
    });
    for col in [
        MemberColumn::HouseholdId,
        MemberColumn::Id,
        MemberColumn::Sex,
        MemberColumn::BirthDate,
    ] {
        if !seen.contains(&col) {
            let b = missing(header_of(slots, col, col.header()), col.header());
            let present = has_column(slots, col);
            if col == MemberColumn::HouseholdId {
                if present {
                    let mut e = b.cell_error(MEMBERS, row);
                    e.message = "household_id is required but the cell is empty: the member \
                                 joins no household"
                        .to_owned();
                    errors.push(e);
                }
            } else {
                bad.push(BadCell {
                    report: present,
                    ..b
                });
            }
        }
    }
    let mut personal = Scrubber::default();
    if let Some(n) = &m.id_number {
        personal.id_number(n.expose());
    }
    personal.name(m.name.expose());
    for b in &mut bad {
        b.value = personal.apply(&b.value);
        b.message = personal.apply(&b.message);
    }
    errors.extend(
        bad.iter()
            .filter(|b| b.report)
            .map(|b| b.cell_error(MEMBERS, row)),
    );
    MemberRow {
        household_id: household_id.unwrap_or_default(),
        household_id_ok,
        member: m,
        bad,
    }
}

pub(crate) fn set_member(
    m: &mut Member,
    household_id: &mut Option<String>,
    col: MemberColumn,
    cell: &impl CellRead,
) -> Result<(), Problem> {
    use MemberColumn as C;
    match col {
        C::HouseholdId => *household_id = Some(cell.text()?),
        C::Id => m.id = cell.text()?.into(),
        C::IdNumber => m.id_number = Some(IdNumber::new(cell.text()?)),
        C::Name => m.name = PersonName::new(cell.text()?),
        C::Relation => m.relation = cell.label::<Relation>()?,
        C::Sex => m.sex = cell.label::<Sex>()?,
        C::BirthDate => m.birth_date = cell.date()?,
        C::Schooling => m.schooling = cell.label::<Schooling>()?,
        C::Boarding => m.boarding = cell.boolean()?,
        C::Health => m.health = cell.label()?,
        C::DisabilityGrade => m.disability_grade = Some(cell.grade()?),
        C::Labor => m.labor = cell.label()?,
        C::MedicalInsurance => m.medical_insurance = cell.boolean()?,
        C::Dibao => m.dibao = cell.boolean()?,
        C::Veteran => m.veteran = cell.boolean()?,
        C::DeceasedOn => m.deceased_on = Some(cell.date()?),
        C::MovedOutOn => m.moved_out_on = Some(cell.date()?),
    }
    Ok(())
}

// ---- cell readers -------------------------------------------------------

/// Reading one cell as each kind of field. [`set_household`] and
/// [`set_member`] map columns to fields through it, so a spreadsheet cell
/// ([`Cell`]) and an Arrow cell (`crate::batch`) fill a record the same way.
pub(crate) trait CellRead {
    /// A string field.
    fn text(&self) -> Result<String, Problem>;
    /// A money field (interfaces.md §1).
    fn money(&self) -> Result<Money, Problem>;
    /// A date field.
    fn date(&self) -> Result<NaiveDate, Problem>;
    /// An enum field.
    fn label<E: WireEnum>(&self) -> Result<E, Problem>;
    /// A boolean field.
    fn boolean(&self) -> Result<bool, Problem>;
    /// An income year.
    fn year(&self) -> Result<i32, Problem>;
    /// A disability grade (1–4).
    fn grade(&self) -> Result<u8, Problem>;
    /// The list of causes.
    fn causes(&self) -> Result<Vec<Cause>, Problem>;
    /// The exit procedure's steps.
    fn exit_steps(&self) -> Result<Vec<ExitStep>, Problem>;
}

impl CellRead for Cell {
    fn text(&self) -> Result<String, Problem> {
        text(self)
    }
    fn money(&self) -> Result<Money, Problem> {
        money(self)
    }
    fn date(&self) -> Result<NaiveDate, Problem> {
        date(self)
    }
    fn label<E: WireEnum>(&self) -> Result<E, Problem> {
        label(self)
    }
    fn boolean(&self) -> Result<bool, Problem> {
        boolean(self)
    }
    fn year(&self) -> Result<i32, Problem> {
        year(self)
    }
    fn grade(&self) -> Result<u8, Problem> {
        grade(self)
    }
    fn causes(&self) -> Result<Vec<Cause>, Problem> {
        causes(self)
    }
    fn exit_steps(&self) -> Result<Vec<ExitStep>, Problem> {
        exit_steps(self)
    }
}

/// What kind of cell this is, for messages.
fn kind(cell: &Cell) -> &'static str {
    match cell {
        Cell::Empty => "an empty cell",
        Cell::Text(_) => "text",
        Cell::Number(_) => "a number",
        Cell::Bool(_) => "a boolean",
        Cell::DateTime(_) => "a date",
        Cell::Error(_) => "a spreadsheet error",
        Cell::NotUtf8(_) => "bytes that are not UTF-8",
    }
}

/// The cell's text (a spreadsheet number as its digits), or a problem for
/// cells that hold no text.
fn text_of<'a>(cell: &'a Cell, expected: &str) -> Result<&'a str, Problem> {
    match cell {
        Cell::Text(s) | Cell::Number(s) => Ok(s),
        Cell::NotUtf8(_) => Err(Problem::new(
            ErrorCode::InvalidUtf8,
            "the cell is not valid UTF-8".to_owned(),
        )),
        Cell::Error(e) => Err(Problem::new(
            ErrorCode::WrongType,
            format!("expected {expected}, found the spreadsheet error {e}"),
        )),
        Cell::Empty | Cell::Bool(_) | Cell::DateTime(_) => Err(Problem::new(
            ErrorCode::WrongType,
            format!("expected {expected}, found {}", kind(cell)),
        )),
    }
}

fn text(cell: &Cell) -> Result<String, Problem> {
    text_of(cell, "text").map(str::to_owned)
}

fn money(cell: &Cell) -> Result<Money, Problem> {
    money_text(text_of(cell, "money")?)
}

/// Money written as text (interfaces.md §1).
pub(crate) fn money_text(t: &str) -> Result<Money, Problem> {
    Money::parse(t)
        .map_err(|e| Problem::new(ErrorCode::InvalidMoney, format!("invalid money {t:?}: {e}")))
}

/// The Excel 1900 date system: serial 1 is 1900-01-01, and serial 60 is the
/// 29 February 1900 that Excel believes in.
fn excel_serial_date(serial: u64) -> Option<NaiveDate> {
    let base = match serial {
        0 | 60 => return None,
        1..60 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?,
    };
    base.checked_add_days(Days::new(serial))
}

fn date(cell: &Cell) -> Result<NaiveDate, Problem> {
    match cell {
        Cell::DateTime(d) if d.time().num_seconds_from_midnight() == 0 => Ok(d.date()),
        Cell::DateTime(d) => Err(Problem::new(
            ErrorCode::InvalidDate,
            format!("invalid date {d}: a date-time, expected a date"),
        )),
        Cell::Number(t) => t
            .parse::<u64>()
            .ok()
            .and_then(excel_serial_date)
            .ok_or_else(|| {
                Problem::new(
                    ErrorCode::InvalidDate,
                    format!("invalid date {t}: not a whole-day spreadsheet date number"),
                )
            }),
        _ => date_text(text_of(cell, "a date")?),
    }
}

/// A date written `YYYY-MM-DD`.
pub(crate) fn date_text(t: &str) -> Result<NaiveDate, Problem> {
    parse_date(t).ok_or_else(|| {
        Problem::new(
            ErrorCode::InvalidDate,
            format!("invalid date {t:?}: expected a date written YYYY-MM-DD"),
        )
    })
}

fn label<E: WireEnum>(cell: &Cell) -> Result<E, Problem> {
    label_text(text_of(cell, E::NAME)?, E::from_label)
}

/// An enum value read with `read` (wire strings, or Chinese labels too).
pub(crate) fn label_text<E: WireEnum>(t: &str, read: fn(&str) -> Option<E>) -> Result<E, Problem> {
    read(t).ok_or_else(|| {
        let allowed: Vec<String> = E::ALL
            .iter()
            .map(|v| format!("{} ({})", v.as_str(), v.zh_labels().join("/")))
            .collect();
        Problem::new(
            ErrorCode::InvalidEnum,
            format!(
                "invalid {} {t:?}: expected one of {}",
                E::NAME,
                allowed.join(", ")
            ),
        )
    })
}

fn boolean(cell: &Cell) -> Result<bool, Problem> {
    if let Cell::Bool(b) = cell {
        return Ok(*b);
    }
    let t = text_of(cell, "a boolean")?;
    match t {
        "是" | "1" => Ok(true),
        "否" | "0" => Ok(false),
        _ if t.eq_ignore_ascii_case("true") => Ok(true),
        _ if t.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(Problem::new(
            ErrorCode::WrongType,
            format!("invalid boolean {t:?}: expected 是/否, true/false or 1/0"),
        )),
    }
}

/// A plain integer: optional `-` and digits (no fraction, no exponent).
fn integer(cell: &Cell) -> Result<Option<i64>, Problem> {
    integer_text(text_of(cell, "an integer")?)
}

/// A plain integer written as text; `None` if it does not fit an `i64`.
pub(crate) fn integer_text(t: &str) -> Result<Option<i64>, Problem> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::new(
            ErrorCode::InvalidInteger,
            format!("invalid integer {t:?}: write integers without fraction or exponent"),
        ));
    }
    Ok(t.parse::<i64>().ok())
}

fn year(cell: &Cell) -> Result<i32, Problem> {
    year_of(integer(cell)?)
}

/// An income year from an integer (`None`: too large for an `i64`).
pub(crate) fn year_of(v: Option<i64>) -> Result<i32, Problem> {
    v.and_then(|v| i32::try_from(v).ok()).ok_or_else(|| {
        Problem::new(
            ErrorCode::InvalidInteger,
            "invalid integer: the year is out of range".to_owned(),
        )
    })
}

fn grade(cell: &Cell) -> Result<u8, Problem> {
    grade_of(integer(cell)?, || cell.shown())
}

/// A disability grade from an integer (`None`: too large), `shown` the
/// cell as written (only made for the error).
pub(crate) fn grade_of(v: Option<i64>, shown: impl FnOnce() -> String) -> Result<u8, Problem> {
    match v.and_then(|v| u8::try_from(v).ok()) {
        Some(g @ 1..=4) => Ok(g),
        _ => Err(Problem::new(
            ErrorCode::OutOfRange,
            format!("disability grade {} is outside 1–4", shown()),
        )),
    }
}

fn population(cell: &Cell) -> Result<u64, Problem> {
    match integer(cell)?.and_then(|v| u64::try_from(v).ok()) {
        Some(p) => Ok(p),
        None => Err(Problem::new(
            ErrorCode::OutOfRange,
            format!("population {} is not a non-negative integer", cell.shown()),
        )),
    }
}

/// Splits a list cell on `;` or the full-width `；`, by one byte scan (the
/// two-char pattern of `str::split` was a third of reading a list). `；` is
/// EF BC 9B in UTF-8, and EF only ever starts a character, so a cut there
/// is on a character boundary.
pub(crate) fn items(t: &str) -> Items<'_> {
    Items { rest: Some(t) }
}

/// The iterator of [`items`]: what is left of the text, `None` once the
/// last item is given.
pub(crate) struct Items<'a> {
    rest: Option<&'a str>,
}

impl<'a> Items<'a> {
    /// At least as many as the items of `t` (a 9B byte may also be part of
    /// another character), for a `Vec` made at its size.
    pub(crate) fn count_hint(t: &str) -> usize {
        1 + memchr::memchr2_iter(b';', 0x9B, t.as_bytes()).count()
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let t = self.rest?;
        let b = t.as_bytes();
        let mut from = 0;
        while let Some(found) = b.get(from..).and_then(|r| memchr::memchr2(b';', 0xEF, r)) {
            let at = from + found;
            let sep = match b.get(at) {
                Some(b';') => 1,
                _ if b.get(at + 1..at + 3) == Some(&[0xBC, 0x9B][..]) => 3,
                _ => {
                    from = at + 1;
                    continue;
                }
            };
            self.rest = t.get(at + sep..);
            return t.get(..at);
        }
        self.rest = None;
        Some(t)
    }
}

fn causes(cell: &Cell) -> Result<Vec<Cause>, Problem> {
    causes_text(text_of(cell, "a list of causes")?, Cause::from_label)
}

/// `;`-separated causes, each read with `read`.
pub(crate) fn causes_text(t: &str, read: fn(&str) -> Option<Cause>) -> Result<Vec<Cause>, Problem> {
    let mut out = Vec::new();
    causes_text_into(t, read, &mut out)?;
    Ok(out)
}

/// [`causes_text`] into `out` (emptied first; the batch path hands over a
/// list that keeps its memory from household to household). On an error
/// `out` holds the causes before the bad one.
pub(crate) fn causes_text_into(
    t: &str,
    read: fn(&str) -> Option<Cause>,
    out: &mut Vec<Cause>,
) -> Result<(), Problem> {
    out.clear();
    out.reserve(Items::count_hint(t));
    for (i, item) in items(t).enumerate() {
        out.push(cause_item(i, item, read)?);
    }
    Ok(())
}

/// The `i`-th cause of a list.
pub(crate) fn cause_item(
    i: usize,
    item: &str,
    read: fn(&str) -> Option<Cause>,
) -> Result<Cause, Problem> {
    label_text(item, read).map_err(|p| p.at(format!("[{i}]")))
}

fn exit_steps(cell: &Cell) -> Result<Vec<ExitStep>, Problem> {
    exit_steps_text(
        text_of(cell, "a list of step:date")?,
        ExitStepKind::from_label,
    )
}

/// `;`-separated `step:date` items, steps read with `read`.
pub(crate) fn exit_steps_text(
    t: &str,
    read: fn(&str) -> Option<ExitStepKind>,
) -> Result<Vec<ExitStep>, Problem> {
    let mut out = Vec::new();
    exit_steps_text_into(t, read, &mut out)?;
    Ok(out)
}

/// [`exit_steps_text`] into `out` (emptied first, as for
/// [`causes_text_into`]). On an error `out` holds the steps before the bad
/// one.
pub(crate) fn exit_steps_text_into(
    t: &str,
    read: fn(&str) -> Option<ExitStepKind>,
    out: &mut Vec<ExitStep>,
) -> Result<(), Problem> {
    if plain_exit_steps(t, read, out).is_some() {
        return Ok(());
    }
    out.clear();
    out.reserve(Items::count_hint(t));
    for (i, item) in items(t).enumerate() {
        out.push(exit_step_item(i, item, read)?);
    }
    Ok(())
}

/// The common spelling of an `exit_steps` list read in one pass:
/// `step:YYYY-MM-DD` items joined by single `;` (half-width only). `None`
/// for anything else, which [`exit_steps_text`] then reads item by item
/// (and so gives its error); when this answers, that reading gives the same
/// steps: each item is the text up to the next `;`, cut at its first `:`.
fn plain_exit_steps(
    t: &str,
    read: fn(&str) -> Option<ExitStepKind>,
    out: &mut Vec<ExitStep>,
) -> Option<()> {
    let b = t.as_bytes();
    out.clear();
    out.reserve(b.len() / 16 + 1);
    let mut at = 0;
    loop {
        let (step, end) = plain_step_at(t, at, read)?;
        out.push(step);
        match b.get(end) {
            None => return Some(()),
            Some(b';') => at = end + 1,
            Some(_) => return None,
        }
    }
}

/// The `step:YYYY-MM-DD` starting at byte `at` of `t` (the step up to the
/// first `:` after `at`, then a date of exactly ten bytes), and the byte
/// just after its date.
fn plain_step_at(
    t: &str,
    at: usize,
    read: fn(&str) -> Option<ExitStepKind>,
) -> Option<(ExitStep, usize)> {
    let colon = at + t.as_bytes().get(at..)?.iter().position(|&c| c == b':')?;
    let step = read(t.get(at..colon)?)?;
    let end = colon + 11;
    let on = parse_date(t.get(colon + 1..end)?)?;
    Some((ExitStep { step, on }, end))
}

/// One item of an exit-step list in the common spelling, `step:YYYY-MM-DD`
/// and nothing more, read in one pass; `None` for anything else, which
/// [`exit_step_item`] then reads (and so gives its error). When this
/// answers, [`exit_step_item`] gives the same step.
pub(crate) fn plain_exit_step(
    item: &str,
    read: fn(&str) -> Option<ExitStepKind>,
) -> Option<ExitStep> {
    let (step, end) = plain_step_at(item, 0, read)?;
    (end == item.len()).then_some(step)
}

/// `step:date` split at its first `:` or full-width `：`, by one byte scan
/// (the two-char pattern was most of reading an exit step). Byte EF only
/// ever starts a character, so a match there is on a character boundary.
fn split_step(item: &str) -> Option<(&str, &str)> {
    for (at, b) in item.bytes().enumerate() {
        let sep = match b {
            b':' => 1,
            0xEF if item.get(at..).is_some_and(|r| r.starts_with('：')) => '：'.len_utf8(),
            _ => continue,
        };
        return Some((item.get(..at)?, item.get(at + sep..)?));
    }
    None
}

/// The `i`-th exit step of a list, `step:date` (or `step：date`).
pub(crate) fn exit_step_item(
    i: usize,
    item: &str,
    read: fn(&str) -> Option<ExitStepKind>,
) -> Result<ExitStep, Problem> {
    let Some((step, on)) = split_step(item) else {
        return Err(Problem::new(
            ErrorCode::WrongType,
            format!("invalid exit step {item:?}: expected step:date"),
        )
        .at(format!("[{i}]")));
    };
    let step = label_text(step, read).map_err(|p| p.at(format!("[{i}].step")))?;
    let on = date_text(on).map_err(|p| p.at(format!("[{i}].on")))?;
    Ok(ExitStep { step, on })
}

#[cfg(test)]
mod tests {
    use super::{
        Cause, ExitStep, ExitStepKind, Items, causes_text, causes_text_into, exit_step_item,
        exit_steps_text, exit_steps_text_into, items, plain_exit_step, plain_exit_steps,
        split_step,
    };
    use proptest::prelude::*;

    proptest! {
        /// The byte scan cuts where `str::split` on both semicolons cuts,
        /// and the size hint is never short.
        #[test]
        fn items_splits_as_str_split(t in "([a-z：:；;]|公示|率|盛){0,12}") {
            let got: Vec<&str> = items(&t).collect();
            let want: Vec<&str> = t.split([';', '；']).collect();
            prop_assert!(Items::count_hint(&t) >= want.len());
            prop_assert_eq!(got, want);
        }
    }

    /// [`plain_exit_steps`] into a list that held a step before (as the
    /// batch path's lists do): what it answers must not keep that step.
    fn plain(t: &str, read: fn(&str) -> Option<ExitStepKind>) -> Option<Vec<ExitStep>> {
        let mut out = vec![ExitStep {
            step: ExitStepKind::Announced,
            on: chrono::NaiveDate::MIN,
        }];
        plain_exit_steps(t, read, &mut out).map(|()| out)
    }

    /// The `_into` readers empty the list they are given first: read into a
    /// list that held an item, they give what a new list gets.
    #[test]
    fn list_readers_into_a_used_list_give_what_a_new_list_gets() {
        use crate::enums::WireEnum;
        // Two steps each way of writing them (one pass, item by item).
        for t in [
            "proposed:2020-01-01;verified:2020-01-05",
            "proposed：2020-01-01；verified:2020-01-05",
        ] {
            let mut used = vec![ExitStep {
                step: ExitStepKind::Announced,
                on: chrono::NaiveDate::MIN,
            }];
            let got = exit_steps_text_into(t, ExitStepKind::from_wire, &mut used).map(|()| used);
            let steps: Vec<_> = got
                .ok()
                .unwrap_or_default()
                .iter()
                .map(|s| (s.step, s.on.to_string()))
                .collect();
            assert_eq!(
                steps,
                [
                    (ExitStepKind::Proposed, "2020-01-01".to_owned()),
                    (ExitStepKind::Verified, "2020-01-05".to_owned())
                ],
                "{t}"
            );
            assert!(exit_steps_text(t, ExitStepKind::from_wire).is_ok(), "{t}");
        }
        for t in ["illness;disability", "illness；disability"] {
            let mut used = vec![Cause::Other];
            let got = causes_text_into(t, Cause::from_wire, &mut used).map(|()| used);
            let new = causes_text(t, Cause::from_wire);
            assert_eq!(got.ok(), new.ok(), "{t}");
        }
        let mut used = vec![Cause::Other];
        assert!(causes_text_into("illness;disability", Cause::from_wire, &mut used).is_ok());
        assert_eq!(used, [Cause::Illness, Cause::Disability]);
    }

    proptest! {
        /// Whenever the one-pass reading answers, the item-by-item reading
        /// gives the same steps (both with the wire names and with labels).
        #[test]
        fn plain_exit_steps_agree_with_the_items(
            t in "((proposed|verified|公示|announced|x)[:：]20(19|20)-0[1-9]-[0-3][0-9]x?[;；]?){0,4}",
        ) {
            use crate::enums::WireEnum;
            for read in [ExitStepKind::from_wire, ExitStepKind::from_label] {
                if let Some(steps) = plain(&t, read) {
                    let by_items: Result<Vec<ExitStep>, _> = items(&t)
                        .enumerate()
                        .map(|(i, item)| exit_step_item(i, item, read))
                        .collect();
                    prop_assert_eq!(Some(steps), by_items.ok(), "{}", t);
                }
            }
        }
    }

    proptest! {
        /// Whenever the one-pass reading of a list item answers,
        /// `exit_step_item` gives the same step; and it answers for every
        /// item of the common spelling.
        #[test]
        fn plain_exit_step_agrees_with_exit_step_item(
            t in "(proposed|verified|公示|x)?[:：]?20(19|20)-[01][0-9]-[0-3][0-9]x?([;:]x)?",
        ) {
            use crate::enums::WireEnum;
            for read in [ExitStepKind::from_wire, ExitStepKind::from_label] {
                let item = exit_step_item(0, &t, read).ok();
                match plain_exit_step(&t, read) {
                    Some(step) => prop_assert_eq!(Some(step), item, "{}", t),
                    None => {
                        let common = t.bytes().filter(|&b| b == b':').count() == 1
                            && !t.contains('：')
                            && t.len() == t.find(':').unwrap_or(0) + 11;
                        prop_assert!(!(common && item.is_some()), "{}", t);
                    }
                }
            }
        }
    }

    #[test]
    fn plain_exit_steps_take_only_the_common_spelling() {
        use crate::date::parse_date;
        use crate::enums::WireEnum;
        let read = ExitStepKind::from_wire;
        let on = |t| parse_date(t).unwrap_or_default();
        assert_eq!(
            plain("proposed:2020-01-01;verified:2020-01-05", read),
            Some(vec![
                ExitStep {
                    step: ExitStepKind::Proposed,
                    on: on("2020-01-01")
                },
                ExitStep {
                    step: ExitStepKind::Verified,
                    on: on("2020-01-05")
                },
            ])
        );
        for other in [
            "",
            "proposed:2020-01-01;",
            "proposed:2020-01-01；verified:2020-01-05",
            "proposed：2020-01-01",
            "proposed:2020-01-011",
            "proposed:2020-02-30",
        ] {
            assert_eq!(plain(other, read), None, "{other}");
        }
    }

    #[test]
    fn items_keeps_empty_items_at_either_end() {
        assert_eq!(items("").collect::<Vec<_>>(), [""]);
        assert_eq!(items(";a；").collect::<Vec<_>>(), ["", "a", ""]);
        // 率 is E7 8E 87, 盛 is E7 9B 9B: a 9B byte that is no separator.
        assert_eq!(items("盛;率").collect::<Vec<_>>(), ["盛", "率"]);
    }

    #[test]
    fn split_step_splits_at_the_first_colon_of_either_width() {
        assert_eq!(
            split_step("publicized:2020-01-01"),
            Some(("publicized", "2020-01-01"))
        );
        assert_eq!(split_step("公示：2020-01-01"), Some(("公示", "2020-01-01")));
        assert_eq!(split_step("a：b:c"), Some(("a", "b:c")));
        assert_eq!(split_step("a:b：c"), Some(("a", "b：c")));
        assert_eq!(split_step("公示2020-01-01"), None);
        assert_eq!(split_step(""), None);
    }
}
