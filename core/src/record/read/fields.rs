//! Columns to fields: each column of a row read into its record's field,
//! one exhaustive `match` a table (the frames' record reader uses the
//! same), with the first problem of a record kept.

use chrono::NaiveDate;

use super::cells::CellRead;
use super::header::{Header, Slot, has_column, header_of};
use super::{Cell, CellError, HOUSEHOLDS, MEMBERS};
use crate::enums::{Attribute, Housing, Relation, Schooling, Sex, Status};
use crate::error::{ErrorCode, RecordError};
use crate::mask::{IdNumber, PersonName, Scrubber, mask_id_number, mask_id_numbers_in, mask_name};
use crate::record::table::{HouseholdColumn, MemberColumn, VillageColumn};
use crate::record::{Credit, Household, Income, Member};

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
pub(super) struct BadCell {
    pub(super) column: String,
    pub(super) value: String,
    pub(super) code: ErrorCode,
    /// The field path within the record (`birth_date`, `causes[1]`).
    pub(super) field: String,
    pub(super) message: String,
    /// Whether it is listed as a [`CellError`] (a value in an unknown column
    /// only fails its record; the header was reported once).
    pub(super) report: bool,
}

impl BadCell {
    /// The listed bad cell. Anything shaped like an identity number is
    /// masked in its value and message, in any column: one typed into the
    /// wrong column (a date, an amount) is still personal data.
    pub(super) fn cell_error(&self, table: &'static str, row: usize) -> CellError {
        CellError {
            table,
            row,
            column: self.column.clone(),
            value: mask_id_numbers_in(&self.value),
            message: mask_id_numbers_in(&self.message),
        }
    }

    /// The record's error, the field under `prefix` (`members[2]`) if any.
    pub(super) fn record_error(&self, table: &str, row: usize, prefix: &str) -> RecordError {
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

pub(super) fn missing(column: String, english: &str) -> BadCell {
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

pub(super) trait Column: Copy + PartialEq {
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
pub(super) fn read_cells<C: Column>(
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
pub(super) struct Draft {
    pub(super) row: usize,
    pub(super) household: Household,
    pub(super) error: Option<RecordError>,
}

impl Draft {
    pub(super) fn finish(self) -> Result<Household, RecordError> {
        let id = Some(self.household.id.to_string()).filter(|id| !id.is_empty());
        if let Some(e) = self.error {
            return Err(e.with_record_id(id));
        }
        self.household.validate()?;
        Ok(self.household)
    }
}

pub(super) fn household_draft(
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
pub(super) struct MemberRow {
    pub(super) household_id: String,
    /// `false` when the `household_id` cell is empty or bad (an orphan).
    pub(super) household_id_ok: bool,
    pub(super) member: Member,
    /// Its bad cells, in column order (already listed in `errors`).
    pub(super) bad: Vec<BadCell>,
}

pub(super) fn member_row(
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
