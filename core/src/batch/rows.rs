//! The batch path's reading: a block of household rows and their member
//! rows decoded column by column into plain rows (numbers, codes, dates,
//! and text borrowed from the Arrow columns: no `String`, no member list,
//! nothing allocated a household), which the rules read through
//! [`HouseholdView`] where they lie.
//!
//! A row with any problem (a bad cell, a missing required cell, an income
//! year that is not the assessment's, no counted member, a repeated exit
//! step) is only marked: the caller reads that household again through the
//! record reader ([`super::Block`]), which gives the error exactly as JSON
//! Lines and registry tables give it (first problem, field path, masked
//! message). Problems are rare; the usual row is read once.

use chrono::{Datelike, NaiveDate};

use super::cells::{Reader, Value};
use super::join::locate;
use crate::date::age_on;
use crate::enums::{
    Attribute, Cause, CreditRating, ExitStepKind, Health, Housing, Labor, Relation, Schooling, Sex,
    Status, WireEnum,
};
use crate::exact::Exact;
use crate::money::Money;
use crate::record::ExitStep;
use crate::record::read::{CellRead, causes_text_into, exit_steps_text_into, plain_exit_step};
use crate::record::table::{HouseholdColumn, MemberColumn};
use crate::rules::view::{AssetFacts, HouseholdView, IncomeAmounts, MemberView, STEPS, StepDates};

/// Decodes a column of `$items` (rows with `row` and `bad` fields) by the
/// kind of field it fills, with the Arrow type matched once for the whole
/// block: the usual types the short way, any other through the generic
/// cell value. `$set` runs for each good non-null cell with `$v` bound to
/// the decoded value; a bad cell marks its row.
macro_rules! label {
    ($reader:expr, $items:expr, $E:ty, |$it:ident, $v:ident| $set:expr) => {{
        let (reader, items) = ($reader, $items);
        let text = reader.each_text_mut(
            &mut *items,
            |x| x.row,
            |$it, t| {
                if let Some(t) = t {
                    match <$E as WireEnum>::from_wire(t) {
                        Some($v) => $set,
                        None => $it.bad = true,
                    }
                }
            },
        );
        if !text {
            reader.each_mut(
                items,
                |x| x.row,
                |$it, v| {
                    if let Some(v) = v {
                        match v.label::<$E>() {
                            Ok($v) => $set,
                            Err(_) => $it.bad = true,
                        }
                    }
                },
            );
        }
    }};
}

macro_rules! date {
    ($reader:expr, $items:expr, |$it:ident, $v:ident| $set:expr) => {{
        let (reader, items) = ($reader, $items);
        let text = reader.each_text_mut(
            &mut *items,
            |x| x.row,
            |$it, t| {
                if let Some(t) = t {
                    match crate::date::parse_date(t) {
                        Some($v) => $set,
                        None => $it.bad = true,
                    }
                }
            },
        );
        let days = text
            || reader.each_date32_mut(
                &mut *items,
                |x| x.row,
                |$it, d| {
                    if let Some(d) = d {
                        let day = super::cells::date32(d)
                            .or_else(|| super::cells::days(i64::from(d)).date().ok());
                        match day {
                            Some($v) => $set,
                            None => $it.bad = true,
                        }
                    }
                },
            );
        if !days {
            reader.each_mut(
                items,
                |x| x.row,
                |$it, v| {
                    if let Some(v) = v {
                        match v.date() {
                            Ok($v) => $set,
                            Err(_) => $it.bad = true,
                        }
                    }
                },
            );
        }
    }};
}

macro_rules! boolean {
    ($reader:expr, $items:expr, |$it:ident, $v:ident| $set:expr) => {{
        let (reader, items) = ($reader, $items);
        let bools = reader.each_bool_mut(
            &mut *items,
            |x| x.row,
            |$it, b| {
                if let Some($v) = b {
                    $set
                }
            },
        );
        if !bools {
            reader.each_mut(
                items,
                |x| x.row,
                |$it, v| {
                    if let Some(v) = v {
                        match v.boolean() {
                            Ok($v) => $set,
                            Err(_) => $it.bad = true,
                        }
                    }
                },
            );
        }
    }};
}

macro_rules! money {
    ($reader:expr, $items:expr, |$it:ident, $v:ident| $set:expr) => {{
        let (reader, items) = ($reader, $items);
        let floats = reader.each_f64_mut(
            &mut *items,
            |x| x.row,
            |$it, f| {
                if let Some(f) = f {
                    let fen = super::cells::float_money(f)
                        .or_else(|| Value::Float(f).money().ok())
                        .and_then(|m| m.fen());
                    match fen {
                        Some($v) => $set,
                        None => $it.bad = true,
                    }
                }
            },
        );
        let decimals = floats
            || reader.each_decimal_mut(
                &mut *items,
                |x| x.row,
                |$it, d| {
                    if let Some((v, scale)) = d {
                        match super::cells::decimal_money(v, scale)
                            .ok()
                            .and_then(|m| m.fen())
                        {
                            Some($v) => $set,
                            None => $it.bad = true,
                        }
                    }
                },
            );
        if !decimals {
            reader.each_mut(
                items,
                |x| x.row,
                |$it, v| {
                    if let Some(v) = v {
                        match v.money().ok().and_then(|m| m.fen()) {
                            Some($v) => $set,
                            None => $it.bad = true,
                        }
                    }
                },
            );
        }
    }};
}

/// One year's income in fen: wage, operating, operating cost, property,
/// transfer, dibao.
type IncomeFen = [i64; 6];

/// A household row, decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HouseholdRow {
    /// Its row in its batch.
    pub(crate) row: usize,
    /// Some problem: the record reader must read it.
    pub(crate) bad: bool,
    status: Status,
    attribute: Attribute,
    identified_on: Option<NaiveDate>,
    exited_on: Option<NaiveDate>,
    returned_on: Option<NaiveDate>,
    main_cause: Option<Cause>,
    income: IncomeFen,
    income_year: Option<i32>,
    last: Option<IncomeFen>,
    last_year: Option<i32>,
    rigid: i64,
    food: bool,
    clothing: bool,
    housing: Housing,
    drinking_water: bool,
    car: bool,
    commercial_housing: bool,
    business: bool,
    public_employee: bool,
    deposits: i64,
    credit: Option<(CreditRating, i64)>,
    steps: StepDates,
}

impl HouseholdRow {
    /// Row `row` with every field at its default (interfaces.md §2.1).
    fn new(row: usize) -> HouseholdRow {
        HouseholdRow {
            row,
            bad: false,
            status: Status::Poor,
            attribute: Attribute::General,
            identified_on: None,
            exited_on: None,
            returned_on: None,
            main_cause: None,
            income: [0; 6],
            income_year: None,
            last: None,
            last_year: None,
            rigid: 0,
            food: true,
            clothing: true,
            housing: Housing::Safe,
            drinking_water: true,
            car: false,
            commercial_housing: false,
            business: false,
            public_employee: false,
            deposits: 0,
            credit: None,
            steps: [None; STEPS],
        }
    }
}

/// A member row, decoded, with what it is on the assessment date.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemberRow<'a> {
    /// Its row in its batch.
    row: usize,
    bad: bool,
    /// `id`, `sex`, `birth_date` given (one bit each).
    seen: u8,
    id: &'a str,
    id_number: Option<&'a str>,
    relation: Relation,
    sex: Sex,
    birth_date: NaiveDate,
    schooling: Schooling,
    boarding: bool,
    health: Health,
    labor: Labor,
    medical_insurance: bool,
    dibao: bool,
    veteran: bool,
    deceased_on: Option<NaiveDate>,
    moved_out_on: Option<NaiveDate>,
    counted: bool,
    age: i64,
}

impl<'a> MemberRow<'a> {
    fn new(row: usize) -> MemberRow<'a> {
        MemberRow {
            row,
            bad: false,
            seen: 0,
            id: "",
            id_number: None,
            relation: Relation::Other,
            sex: Sex::Male,
            birth_date: NaiveDate::MIN,
            schooling: Schooling::None,
            boarding: false,
            health: Health::Healthy,
            labor: Labor::Normal,
            medical_insurance: true,
            dibao: false,
            veteran: false,
            deceased_on: None,
            moved_out_on: None,
            counted: false,
            age: 0,
        }
    }
}

/// Whether the batch path can read these columns the short way: the text
/// it keeps borrowed (ids and identity numbers) must be text columns.
pub(crate) fn readable(mm_readers: &[Vec<(MemberColumn, Reader<'_>)>]) -> bool {
    mm_readers
        .iter()
        .flatten()
        .all(|(c, r)| !matches!(c, MemberColumn::Id | MemberColumn::IdNumber) || r.text_or_null())
}

/// The rows of one block.
#[derive(Default)]
pub(crate) struct Rows<'a> {
    /// The households, in row order.
    pub(crate) households: Vec<HouseholdRow>,
    members: Vec<MemberRow<'a>>,
    /// Household `k`'s members are `members[ends[k - 1]..ends[k]]`.
    ends: Vec<usize>,
    /// Runs of `members` in one member batch: (batch, range).
    runs: Vec<(usize, std::ops::Range<usize>)>,
    causes: Vec<Cause>,
    steps: Vec<ExitStep>,
}

impl<'a> Rows<'a> {
    /// Reads household rows `rows` of a batch whose first row is global row
    /// `start`, and their members, on `as_of`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn read<I: Iterator<Item = usize>>(
        &mut self,
        cols: &[(HouseholdColumn, Reader<'a>)],
        keys: &[Option<std::borrow::Cow<'a, str>>],
        rows: std::ops::Range<usize>,
        start: usize,
        members_of: &impl Fn(usize) -> I,
        mm_readers: &'a [Vec<(MemberColumn, Reader<'a>)>],
        mm_starts: &[usize],
        as_of: NaiveDate,
    ) {
        self.households.clear();
        self.households.extend(rows.clone().map(HouseholdRow::new));
        for (col, reader) in cols {
            self.household_column(*col, reader);
        }
        let year = as_of.year();
        for h in &mut self.households {
            let g = start + h.row;
            let keyed = keys
                .get(g)
                .is_some_and(|k| k.as_deref().is_some_and(|k| !k.is_empty()));
            h.bad |= !keyed
                || h.income_year.is_some_and(|y| y != year)
                || h.last_year.is_some_and(|y| Some(y) != year.checked_sub(1));
        }

        self.members.clear();
        self.ends.clear();
        self.runs.clear();
        for h in &self.households {
            for g in members_of(start + h.row) {
                let (batch, row) = locate(mm_starts, g);
                let at = self.members.len();
                match self.runs.last_mut() {
                    Some((b, r)) if *b == batch => r.end += 1,
                    _ => self.runs.push((batch, at..at + 1)),
                }
                self.members.push(MemberRow::new(row));
            }
            self.ends.push(self.members.len());
        }
        for (batch, range) in &self.runs {
            let (Some(readers), Some(members)) =
                (mm_readers.get(*batch), self.members.get_mut(range.clone()))
            else {
                continue;
            };
            for (col, reader) in readers {
                member_column(*col, reader, members);
            }
        }
        let mut at = 0;
        for (h, &end) in self.households.iter_mut().zip(&self.ends) {
            let members = self.members.get_mut(at..end).unwrap_or_default();
            at = end;
            let mut counted = 0;
            for m in members.iter_mut() {
                m.bad |= m.seen != 0b111;
                m.counted = m.birth_date <= as_of
                    && m.deceased_on.is_none_or(|d| d > as_of)
                    && m.moved_out_on.is_none_or(|d| d > as_of);
                m.age = i64::from(age_on(m.birth_date, as_of));
                counted += usize::from(m.counted);
                h.bad |= m.bad;
            }
            h.bad |= counted == 0;
        }
    }

    /// Household `k` of the block as the rules see it.
    pub(crate) fn view(&self, k: usize, as_of: NaiveDate) -> Option<RowView<'_, 'a>> {
        let h = self.households.get(k)?;
        let from = if k == 0 { 0 } else { *self.ends.get(k - 1)? };
        let members = self.members.get(from..*self.ends.get(k)?)?;
        Some(RowView { h, members, as_of })
    }

    /// Decodes one household column into the block's rows.
    fn household_column(&mut self, col: HouseholdColumn, reader: &Reader<'a>) {
        use HouseholdColumn as C;
        let (causes, steps) = (&mut self.causes, &mut self.steps);
        let rows = &mut self.households;
        match col {
            // Free text no rule reads: a text cell is never a problem.
            C::Id | C::Town | C::Village if reader.text_or_null() => {}
            C::Causes => {
                let text = reader.each_text_mut(
                    rows,
                    |h| h.row,
                    |h, t| {
                        if let Some(t) = t {
                            match causes_text_into(t, Cause::from_wire, causes) {
                                Ok(()) => h.main_cause = causes.first().copied(),
                                Err(_) => h.bad = true,
                            }
                        }
                    },
                );
                let list = text
                    || reader.each_text_list_mut(
                        rows,
                        |h| h.row,
                        |h, items| {
                            let Some(items) = items else { return };
                            let mut first = None;
                            for (i, item) in items.iter().enumerate() {
                                match item.and_then(Cause::from_wire) {
                                    Some(c) if i == 0 => first = Some(c),
                                    Some(_) => {}
                                    None => h.bad = true,
                                }
                            }
                            h.main_cause = first;
                        },
                    );
                if !list {
                    reader.each_mut(
                        rows,
                        |h| h.row,
                        |h, v| {
                            if let Some(v) = v {
                                match v.causes() {
                                    Ok(c) => h.main_cause = c.first().copied(),
                                    Err(_) => h.bad = true,
                                }
                            }
                        },
                    );
                }
            }
            C::ExitSteps => {
                let text = reader.each_text_mut(
                    rows,
                    |h| h.row,
                    |h, t| {
                        if let Some(t) = t {
                            match exit_steps_text_into(t, ExitStepKind::from_wire, steps) {
                                Ok(()) => set_steps(h, steps),
                                Err(_) => h.bad = true,
                            }
                        }
                    },
                );
                let list = text
                    || reader.each_text_list_mut(
                        rows,
                        |h| h.row,
                        |h, items| {
                            let Some(items) = items else { return };
                            steps.clear();
                            for item in items {
                                match item.and_then(|t| plain_exit_step(t, ExitStepKind::from_wire))
                                {
                                    Some(s) => steps.push(s),
                                    None => h.bad = true,
                                }
                            }
                            set_steps(h, steps);
                        },
                    );
                if !list {
                    reader.each_mut(
                        rows,
                        |h| h.row,
                        |h, v| {
                            if let Some(v) = v {
                                match v.exit_steps() {
                                    Ok(s) => set_steps(h, &s),
                                    Err(_) => h.bad = true,
                                }
                            }
                        },
                    );
                }
            }
            C::Attribute => label!(reader, rows, Attribute, |h, v| h.attribute = v),
            C::Status => label!(reader, rows, Status, |h, v| h.status = v),
            C::GuaranteesHousing => label!(reader, rows, Housing, |h, v| h.housing = v),
            C::CreditRating => label!(reader, rows, CreditRating, |h, v| credit(h).0 = v),
            C::IdentifiedOn => date!(reader, rows, |h, v| h.identified_on = Some(v)),
            C::ExitedOn => date!(reader, rows, |h, v| h.exited_on = Some(v)),
            C::ReturnedOn => date!(reader, rows, |h, v| h.returned_on = Some(v)),
            C::GuaranteesFood => boolean!(reader, rows, |h, v| h.food = v),
            C::GuaranteesClothing => boolean!(reader, rows, |h, v| h.clothing = v),
            C::GuaranteesDrinkingWater => boolean!(reader, rows, |h, v| h.drinking_water = v),
            C::AssetsCar => boolean!(reader, rows, |h, v| h.car = v),
            C::AssetsCommercialHousing => boolean!(reader, rows, |h, v| h.commercial_housing = v),
            C::AssetsBusiness => boolean!(reader, rows, |h, v| h.business = v),
            C::AssetsPublicEmployee => boolean!(reader, rows, |h, v| h.public_employee = v),
            C::Relocated => boolean!(reader, rows, |_h, _v| ()),
            C::IncomeWage => money!(reader, rows, |h, v| h.income[0] = v),
            C::IncomeOperating => money!(reader, rows, |h, v| h.income[1] = v),
            C::IncomeOperatingCost => money!(reader, rows, |h, v| h.income[2] = v),
            C::IncomeProperty => money!(reader, rows, |h, v| h.income[3] = v),
            C::IncomeTransfer => money!(reader, rows, |h, v| h.income[4] = v),
            C::IncomeDibao => money!(reader, rows, |h, v| h.income[5] = v),
            C::IncomeOneOffTransfer => money!(reader, rows, |_h, _v| ()),
            C::LastYearIncomeWage => money!(reader, rows, |h, v| last(h)[0] = v),
            C::LastYearIncomeOperating => money!(reader, rows, |h, v| last(h)[1] = v),
            C::LastYearIncomeOperatingCost => money!(reader, rows, |h, v| last(h)[2] = v),
            C::LastYearIncomeProperty => money!(reader, rows, |h, v| last(h)[3] = v),
            C::LastYearIncomeTransfer => money!(reader, rows, |h, v| last(h)[4] = v),
            C::LastYearIncomeDibao => money!(reader, rows, |h, v| last(h)[5] = v),
            C::LastYearIncomeOneOffTransfer => money!(reader, rows, |h, _v| {
                last(h);
            }),
            C::RigidExpenses => money!(reader, rows, |h, v| h.rigid = v),
            C::AssetsDeposits => money!(reader, rows, |h, v| h.deposits = v),
            C::CreditOutstanding => money!(reader, rows, |h, v| credit(h).1 = v),
            _ => reader.each_mut(
                rows,
                |h| h.row,
                |h, v| {
                    if let Some(v) = v
                        && set_household_row(h, col, &v).is_none()
                    {
                        h.bad = true;
                    }
                },
            ),
        }
    }
}

/// The steps' dates in procedure order; a step given twice makes the row
/// bad (`duplicate_exit_step`).
fn set_steps(h: &mut HouseholdRow, steps: &[ExitStep]) {
    let mut on = [None; STEPS];
    for s in steps {
        match on.get_mut(s.step as usize) {
            Some(slot @ None) => *slot = Some(s.on),
            _ => h.bad = true,
        }
    }
    h.steps = on;
}

/// Money in fen (input money is below 10¹⁵ fen).
fn fen(m: Money) -> Option<i64> {
    m.fen()
}

/// Last year's income, made (all zero) when the row has none yet.
fn last(h: &mut HouseholdRow) -> &mut IncomeFen {
    h.last.get_or_insert([0; 6])
}

/// The credit, made (not rated, nothing outstanding) when the row has none yet.
fn credit(h: &mut HouseholdRow) -> &mut (CreditRating, i64) {
    h.credit.get_or_insert((CreditRating::None, 0))
}

/// One cell into a household row; `None` for a bad cell.
fn set_household_row(h: &mut HouseholdRow, col: HouseholdColumn, v: &Value<'_>) -> Option<()> {
    use HouseholdColumn as C;
    let money = || v.money().ok().and_then(fen);
    match col {
        C::Id | C::Town | C::Village => {
            v.text().ok()?;
        }
        C::Attribute => h.attribute = v.label().ok()?,
        C::Status => h.status = v.label().ok()?,
        C::IdentifiedOn => h.identified_on = Some(v.date().ok()?),
        C::ExitedOn => h.exited_on = Some(v.date().ok()?),
        C::ReturnedOn => h.returned_on = Some(v.date().ok()?),
        C::Causes | C::ExitSteps => return None,
        C::Relocated => {
            v.boolean().ok()?;
        }
        C::IncomeWage => h.income[0] = money()?,
        C::IncomeOperating => h.income[1] = money()?,
        C::IncomeOperatingCost => h.income[2] = money()?,
        C::IncomeProperty => h.income[3] = money()?,
        C::IncomeTransfer => h.income[4] = money()?,
        C::IncomeDibao => h.income[5] = money()?,
        C::IncomeOneOffTransfer => {
            money()?;
        }
        C::IncomeYear => h.income_year = Some(v.year().ok()?),
        C::LastYearIncomeWage => last(h)[0] = money()?,
        C::LastYearIncomeOperating => last(h)[1] = money()?,
        C::LastYearIncomeOperatingCost => last(h)[2] = money()?,
        C::LastYearIncomeProperty => last(h)[3] = money()?,
        C::LastYearIncomeTransfer => last(h)[4] = money()?,
        C::LastYearIncomeDibao => last(h)[5] = money()?,
        C::LastYearIncomeOneOffTransfer => {
            money()?;
            last(h);
        }
        C::LastYearIncomeYear => {
            h.last_year = Some(v.year().ok()?);
            last(h);
        }
        C::RigidExpenses => h.rigid = money()?,
        C::GuaranteesFood => h.food = v.boolean().ok()?,
        C::GuaranteesClothing => h.clothing = v.boolean().ok()?,
        C::GuaranteesHousing => h.housing = v.label().ok()?,
        C::GuaranteesDrinkingWater => h.drinking_water = v.boolean().ok()?,
        C::AssetsCar => h.car = v.boolean().ok()?,
        C::AssetsCommercialHousing => h.commercial_housing = v.boolean().ok()?,
        C::AssetsBusiness => h.business = v.boolean().ok()?,
        C::AssetsPublicEmployee => h.public_employee = v.boolean().ok()?,
        C::AssetsDeposits => h.deposits = money()?,
        C::CreditRating => credit(h).0 = v.label().ok()?,
        C::CreditOutstanding => credit(h).1 = money()?,
    }
    Some(())
}

/// Decodes one member column into `members` (rows of one batch).
fn member_column<'a>(col: MemberColumn, reader: &Reader<'a>, members: &mut [MemberRow<'a>]) {
    use MemberColumn as C;
    match col {
        C::HouseholdId => {}
        C::Name if reader.text_or_null() => {}
        // Kept borrowed from the column (`readable` checked they are text).
        C::Id | C::IdNumber => {
            for m in members {
                let t = reader.text_at(m.row);
                if col == C::Id {
                    if let Some(t) = t {
                        m.id = t;
                        m.seen |= 1;
                    }
                } else {
                    m.id_number = t;
                }
            }
        }
        C::Relation => label!(reader, members, Relation, |m, v| m.relation = v),
        C::Sex => label!(reader, members, Sex, |m, v| {
            m.sex = v;
            m.seen |= 2;
        }),
        C::Schooling => label!(reader, members, Schooling, |m, v| m.schooling = v),
        C::Health => label!(reader, members, Health, |m, v| m.health = v),
        C::Labor => label!(reader, members, Labor, |m, v| m.labor = v),
        C::BirthDate => date!(reader, members, |m, v| {
            m.birth_date = v;
            m.seen |= 4;
        }),
        C::DeceasedOn => date!(reader, members, |m, v| m.deceased_on = Some(v)),
        C::MovedOutOn => date!(reader, members, |m, v| m.moved_out_on = Some(v)),
        C::Boarding => boolean!(reader, members, |m, v| m.boarding = v),
        C::MedicalInsurance => boolean!(reader, members, |m, v| m.medical_insurance = v),
        C::Dibao => boolean!(reader, members, |m, v| m.dibao = v),
        C::Veteran => boolean!(reader, members, |m, v| m.veteran = v),
        _ => reader.each_mut(
            members,
            |m| m.row,
            |m, v| {
                if let Some(v) = v
                    && set_member_row(m, col, &v).is_none()
                {
                    m.bad = true;
                }
            },
        ),
    }
}

/// One cell into a member row; `None` for a bad cell.
fn set_member_row(m: &mut MemberRow<'_>, col: MemberColumn, v: &Value<'_>) -> Option<()> {
    use MemberColumn as C;
    match col {
        C::HouseholdId | C::Id | C::IdNumber => {}
        C::Name => {
            v.text().ok()?;
        }
        C::Relation => m.relation = v.label().ok()?,
        C::Sex => {
            m.sex = v.label().ok()?;
            m.seen |= 2;
        }
        C::BirthDate => {
            m.birth_date = v.date().ok()?;
            m.seen |= 4;
        }
        C::Schooling => m.schooling = v.label().ok()?,
        C::Boarding => m.boarding = v.boolean().ok()?,
        C::Health => m.health = v.label().ok()?,
        C::DisabilityGrade => {
            v.grade().ok()?;
        }
        C::Labor => m.labor = v.label().ok()?,
        C::MedicalInsurance => m.medical_insurance = v.boolean().ok()?,
        C::Dibao => m.dibao = v.boolean().ok()?,
        C::Veteran => m.veteran = v.boolean().ok()?,
        C::DeceasedOn => m.deceased_on = Some(v.date().ok()?),
        C::MovedOutOn => m.moved_out_on = Some(v.date().ok()?),
    }
    Some(())
}

/// A household of a block as the rules see it.
pub(crate) struct RowView<'r, 'a> {
    h: &'r HouseholdRow,
    members: &'r [MemberRow<'a>],
    as_of: NaiveDate,
}

impl RowView<'_, '_> {
    /// The id of member record `i` (for findings).
    pub(crate) fn member_id(&self, i: usize) -> Option<&str> {
        self.members.get(i).map(|m| m.id)
    }
}

fn income(f: &IncomeFen) -> IncomeAmounts {
    let [wage, operating, operating_cost, property, transfer, dibao] = *f;
    IncomeAmounts {
        wage: Exact::fen(wage),
        operating: Exact::fen(operating),
        operating_cost: Exact::fen(operating_cost),
        property: Exact::fen(property),
        transfer: Exact::fen(transfer),
        dibao: Exact::fen(dibao),
    }
}

impl<'a> MemberView for &MemberRow<'a> {
    fn id(&self) -> &str {
        self.id
    }
    fn id_number(&self) -> Option<&str> {
        self.id_number
    }
    fn relation(&self) -> Relation {
        self.relation
    }
    fn sex(&self) -> Sex {
        self.sex
    }
    fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }
    fn schooling(&self) -> Schooling {
        self.schooling
    }
    fn boarding(&self) -> bool {
        self.boarding
    }
    fn health(&self) -> Health {
        self.health
    }
    fn labor(&self) -> Labor {
        self.labor
    }
    fn medical_insurance(&self) -> bool {
        self.medical_insurance
    }
    fn dibao(&self) -> bool {
        self.dibao
    }
    fn veteran(&self) -> bool {
        self.veteran
    }
    fn deceased_on(&self) -> Option<NaiveDate> {
        self.deceased_on
    }
    fn counted(&self) -> bool {
        self.counted
    }
    fn age(&self) -> i64 {
        self.age
    }
}

impl<'a> HouseholdView for RowView<'_, 'a> {
    type Member<'m>
        = &'m MemberRow<'a>
    where
        Self: 'm;

    fn as_of(&self) -> NaiveDate {
        self.as_of
    }
    fn status(&self) -> Status {
        self.h.status
    }
    fn attribute(&self) -> Attribute {
        self.h.attribute
    }
    fn identified_on(&self) -> Option<NaiveDate> {
        self.h.identified_on
    }
    fn exited_on(&self) -> Option<NaiveDate> {
        self.h.exited_on
    }
    fn returned_on(&self) -> Option<NaiveDate> {
        self.h.returned_on
    }
    fn main_cause(&self) -> Option<Cause> {
        self.h.main_cause
    }
    fn income(&self) -> IncomeAmounts {
        income(&self.h.income)
    }
    fn last_year_income(&self) -> Option<IncomeAmounts> {
        self.h.last.as_ref().map(income)
    }
    fn rigid_expenses(&self) -> Exact {
        Exact::fen(self.h.rigid)
    }
    fn food(&self) -> bool {
        self.h.food
    }
    fn clothing(&self) -> bool {
        self.h.clothing
    }
    fn housing(&self) -> Housing {
        self.h.housing
    }
    fn drinking_water(&self) -> bool {
        self.h.drinking_water
    }
    fn assets(&self) -> AssetFacts {
        AssetFacts {
            car: self.h.car,
            commercial_housing: self.h.commercial_housing,
            business: self.h.business,
            public_employee: self.h.public_employee,
            deposits: Exact::fen(self.h.deposits),
        }
    }
    fn credit(&self) -> Option<(CreditRating, Exact)> {
        self.h.credit.map(|(r, o)| (r, Exact::fen(o)))
    }
    fn exit_step_dates(&self) -> StepDates {
        self.h.steps
    }
    fn members(&self) -> impl Iterator<Item = &MemberRow<'a>> {
        self.members.iter()
    }
}
