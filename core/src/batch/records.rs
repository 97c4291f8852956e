//! The frames' record reader: household and member rows read into
//! [`Household`] records, with every problem worded as the JSON Lines and
//! table readers word it (first bad cell in column order, field path,
//! personal data masked). The batch path reads a row this way when the
//! short way ([`super::rows`]) found a problem in it.

use chrono::NaiveDate;

use super::cell_error;
use super::cells::{self, Reader, Value};
use super::join::locate;
use crate::enums::Sex;
use crate::error::{ErrorCode, RecordError};
use crate::mask::Scrubber;
use crate::money::Money;
use crate::record::read::{set_household, set_member};
use crate::record::table::{HouseholdColumn, MemberColumn};
use crate::record::{Household, Member};

/// Households a [`Block`] reads at a time: few enough that the block's
/// records stay in the core's cache while its columns are read one by one.
pub(super) const BLOCK: usize = 256;

/// A household row of a [`Block`]: read there, then evaluated in place.
pub(super) struct HouseholdSlot {
    /// Its row in its batch.
    pub(super) row: usize,
    pub(super) household: Household,
    /// Its first bad cell while the columns are read; once the block is
    /// read, its first problem of any kind, with its record id.
    pub(super) error: Option<RecordError>,
}

impl HouseholdSlot {
    /// The slot of household row `row`, as new but with its lists' memory.
    fn reset(&mut self, row: usize) {
        self.row = row;
        self.error = None;
        let h = &mut self.household;
        let mut members = std::mem::take(&mut h.members);
        let mut causes = std::mem::take(&mut h.causes);
        let mut exit_steps = std::mem::take(&mut h.exit_steps);
        members.clear();
        causes.clear();
        exit_steps.clear();
        *h = Household {
            members,
            causes,
            exit_steps,
            ..Household::with_defaults()
        };
    }
}

/// A member row being read, straight into its household's member list.
struct MemberSlot<'a> {
    /// Its row in its batch (the batch is its run's, [`Block::runs`]).
    row: usize,
    /// Its row across the member frame's batches.
    g: usize,
    /// Its index in its household.
    i: usize,
    /// Its record, in its household's list.
    member: &'a mut Member,
    /// Its first bad cell (boxed: rare).
    error: Option<Box<RecordError>>,
    /// Whether it gave its `id`, `sex` and `birth_date`.
    seen: [bool; 3],
}

/// The records of a few consecutive household rows, read column by column
/// (each column's cells of the whole block, then the next column), so a
/// row's hundred-odd cells are not fetched from a hundred places at once.
#[derive(Default)]
pub(super) struct Block {
    /// The block's households, each with its first problem if it has one.
    pub(super) households: Vec<HouseholdSlot>,
    /// How many members each household has (its slots follow each other).
    pub(super) counts: Vec<usize>,
    /// Every member row of the block, household by household: (row in its
    /// batch, row across batches, index in its household).
    pub(super) places: Vec<(usize, usize, usize)>,
    /// Runs of `places` in one batch: (batch, range of `places`).
    pub(super) runs: Vec<(usize, std::ops::Range<usize>)>,
    /// The block's members' first problems: (household of the block, error).
    pub(super) member_errors: Vec<(usize, RecordError)>,
}

impl Block {
    /// Reads household rows `rows` of a batch whose first row is global row
    /// `start`, and their members. The same errors as reading row by row,
    /// and the same records but for text columns no rule reads (`town`,
    /// `village`, and member names unless the block has a problem), left
    /// empty: a household's first problem is its first bad cell in column
    /// order, then a missing `id`, then its members' first problems in
    /// member order (a member's bad cell in column order, then a missing
    /// required cell).
    pub(super) fn read<I: Iterator<Item = usize>>(
        &mut self,
        cols: &[(HouseholdColumn, Reader<'_>)],
        rows: std::ops::Range<usize>,
        start: usize,
        members_of: &impl Fn(usize) -> I,
        mm_readers: &[Vec<(MemberColumn, Reader<'_>)>],
        mm_starts: &[usize],
    ) {
        let households = &mut self.households;
        // The last block's slots are reset, not dropped: their lists keep
        // their memory for this block's.
        households.truncate(rows.len());
        let kept = households.len();
        for (slot, row) in households.iter_mut().zip(rows.clone()) {
            slot.reset(row);
        }
        households.extend(rows.clone().skip(kept).map(|row| HouseholdSlot {
            row,
            household: Household::with_defaults(),
            error: None,
        }));
        for (col, reader) in cols {
            // Town and village: no rule reads them, and a text cell of
            // theirs is never a problem, so such a column is not read.
            let unread = matches!(col, HouseholdColumn::Town | HouseholdColumn::Village)
                && reader.text_or_null();
            if unread || household_text_column(*col, reader, households, start) {
                continue;
            }
            reader.each_mut(
                households,
                |s| s.row,
                |s, v| read_household_cell(s, *col, v, start),
            );
        }

        // Each member is read where it stays, in its household's list (made
        // empty by `reset`): no record is moved.
        self.places.clear();
        self.counts.clear();
        self.runs.clear();
        for (slot, row) in households.iter_mut().zip(rows.clone()) {
            let before = self.places.len();
            for (i, g) in members_of(start + row).enumerate() {
                let (batch, row) = locate(mm_starts, g);
                let at = self.places.len();
                match self.runs.last_mut() {
                    Some((b, r)) if *b == batch => r.end += 1,
                    _ => self.runs.push((batch, at..at + 1)),
                }
                self.places.push((row, g, i));
                slot.household
                    .members
                    .push(Member::new("", Sex::Male, NaiveDate::MIN));
            }
            self.counts.push(self.places.len() - before);
        }
        let household_problem = households
            .iter()
            .any(|s| s.error.is_some() || s.household.id.is_empty());
        let mut slots: Vec<MemberSlot<'_>> = Vec::with_capacity(self.places.len());
        let mut places = self.places.iter();
        for member in households
            .iter_mut()
            .flat_map(|s| s.household.members.iter_mut())
        {
            let Some(&(row, g, i)) = places.next() else {
                break;
            };
            slots.push(MemberSlot {
                row,
                g,
                i,
                member,
                error: None,
                seen: [false; 3],
            });
        }
        // Names: no rule reads them, and a text cell of theirs is never a
        // problem, so a text column of names is read only for a block with
        // a problem (an error message is scrubbed of its members' names).
        let columns = mm_readers.first().map_or(0, Vec::len);
        let mut names = Vec::new();
        for j in 0..columns {
            for (batch, range) in &self.runs {
                let (Some((col, reader)), Some(slots)) = (
                    mm_readers.get(*batch).and_then(|c| c.get(j)),
                    slots.get_mut(range.clone()),
                ) else {
                    continue;
                };
                if *col == MemberColumn::Name && reader.text_or_null() {
                    names.push((reader, range.clone()));
                    continue;
                }
                if *col == MemberColumn::HouseholdId || member_text_column(*col, reader, slots) {
                    continue;
                }
                reader.each_mut(slots, |s| s.row, |s, v| read_member_cell(s, *col, v));
            }
        }
        // Each household's first member problem, in member order.
        self.member_errors.clear();
        let mut at = 0;
        for (k, &count) in self.counts.iter().enumerate() {
            let members = slots.get_mut(at..at + count).unwrap_or_default();
            at += count;
            let first = members
                .iter_mut()
                .find(|m| m.error.is_some() || m.seen != [true; 3])
                .and_then(|m| {
                    m.error
                        .take()
                        .map(|e| *e)
                        .or_else(|| missing_member_cell(m.g, m.i, m.seen))
                });
            if let Some(e) = first {
                self.member_errors.push((k, e));
            }
        }
        if household_problem || !self.member_errors.is_empty() {
            for (reader, range) in names {
                if let Some(slots) = slots.get_mut(range) {
                    member_text_column(MemberColumn::Name, reader, slots);
                }
            }
        }
        drop(slots);

        let mut member_errors = self.member_errors.drain(..).peekable();
        for (k, slot) in self.households.iter_mut().enumerate() {
            let h = &mut slot.household;
            let g = start + slot.row;
            if h.id.is_empty() && slot.error.is_none() {
                slot.error = Some(RecordError::new(
                    ErrorCode::MissingField,
                    Some("id".to_owned()),
                    format!(
                        "id: the household id is required but the cell is empty (households frame row {g}, column id)"
                    ),
                ));
            }
            if let Some((_, e)) = member_errors.next_if(|(at, _)| *at == k)
                && slot.error.is_none()
            {
                slot.error = Some(e);
            }
            if let Some(mut e) = slot.error.take() {
                e.message = scrub_personal(&e.message, &h.members);
                slot.error =
                    Some(e.with_record_id(Some(h.id.to_string()).filter(|id| !id.is_empty())));
            }
        }
    }
}

/// Masks every identity number and name of `members` wherever `message`
/// quotes it (a name typed into the sex column, an identity number into a
/// date), as the JSON Lines reader and the table reader do: a bad cell's
/// message quotes its value.
fn scrub_personal(message: &str, members: &[Member]) -> String {
    let mut personal = Scrubber::default();
    for m in members {
        if let Some(n) = &m.id_number {
            personal.id_number(n.expose());
        }
        personal.name(m.name.expose());
    }
    personal.apply(message)
}

/// Reads one cell of a member row: its slot keeps its first bad cell and
/// which of `id`, `sex` and `birth_date` it gave.
fn read_member_cell(s: &mut MemberSlot<'_>, col: MemberColumn, cell: Option<Value<'_>>) {
    let Some(v) = cell else { return };
    let mut household_id = None;
    match set_member(s.member, &mut household_id, col, &v) {
        Ok(()) => {
            let k = match col {
                MemberColumn::Id => 0,
                MemberColumn::Sex => 1,
                MemberColumn::BirthDate => 2,
                _ => return,
            };
            if let Some(seen) = s.seen.get_mut(k) {
                *seen = true;
            }
        }
        Err(p) if s.error.is_none() => {
            let prefix = format!("members[{}].", s.i);
            s.error = Some(Box::new(cell_error(
                p,
                &prefix,
                col.header(),
                "members",
                s.g,
            )));
        }
        Err(_) => {}
    }
}

/// Reads one cell of a household row of a batch whose first row is global
/// row `start`: its slot keeps its first bad cell.
fn read_household_cell(
    s: &mut HouseholdSlot,
    col: HouseholdColumn,
    cell: Option<Value<'_>>,
    start: usize,
) {
    if let Some(v) = cell
        && let Err(p) = set_household(&mut s.household, col, &v)
        && s.error.is_none()
    {
        s.error = Some(cell_error(p, "", col.header(), "households", start + s.row));
    }
}

/// The household counterpart of [`member_text_column`]: ids, place names,
/// enum labels and dates read the short way, any other cell through
/// [`read_household_cell`].
fn household_text_column(
    col: HouseholdColumn,
    reader: &Reader<'_>,
    slots: &mut [HouseholdSlot],
    start: usize,
) -> bool {
    use crate::date::parse_date;
    use crate::enums::{Attribute, Cause, CreditRating, ExitStepKind, Housing, Status, WireEnum};
    use crate::record::read::{causes_text_into, credit, exit_steps_text_into, plain_exit_step};
    use HouseholdColumn as C;
    macro_rules! read {
        (|$h:ident, $t:ident| $set:expr) => {
            reader.each_text_mut(
                slots,
                |s| s.row,
                |s, t| {
                    let $h = &mut s.household;
                    if let Some($t) = t
                        && $set.is_none()
                    {
                        read_household_cell(s, col, Some(Value::Str($t)), start);
                    }
                },
            )
        };
    }
    // A `date32` column: a day count that is a date is set, any other
    // (beyond chrono's dates) goes through `read_household_cell`.
    macro_rules! date32 {
        (|$h:ident, $d:ident| $set:expr) => {
            reader.each_date32_mut(
                slots,
                |s| s.row,
                |s, days| {
                    let Some(days) = days else { return };
                    match cells::date32(days) {
                        Some($d) => {
                            let $h = &mut s.household;
                            $set
                        }
                        None => {
                            read_household_cell(s, col, Some(cells::days(i64::from(days))), start)
                        }
                    }
                },
            )
        };
    }
    // A list of text items (`list<utf8>`): set when every item reads the
    // short way, else the whole cell goes through `read_household_cell`.
    macro_rules! list {
        (|$h:ident, $items:ident| $set:expr) => {
            reader.each_text_list_mut(
                slots,
                |s| s.row,
                |s, items| {
                    let $h = &mut s.household;
                    if let Some($items) = items
                        && $set.is_none()
                    {
                        let cell = reader.get(s.row);
                        read_household_cell(s, col, cell, start);
                    }
                },
            )
        };
    }
    match col {
        C::Id => read!(|h, t| {
            h.id = t.into();
            Some(())
        }),
        C::Town => read!(|h, t| {
            h.town = t.into();
            Some(())
        }),
        C::Village => read!(|h, t| {
            h.village = t.into();
            Some(())
        }),
        C::Attribute => read!(|h, t| Attribute::from_wire(t).map(|v| h.attribute = v)),
        C::Status => read!(|h, t| Status::from_wire(t).map(|v| h.status = v)),
        C::GuaranteesHousing => {
            read!(|h, t| Housing::from_wire(t).map(|v| h.guarantees.housing = v))
        }
        C::IdentifiedOn => {
            read!(|h, t| parse_date(t).map(|d| h.identified_on = Some(d)))
                || date32!(|h, d| h.identified_on = Some(d))
        }
        C::ExitedOn => {
            read!(|h, t| parse_date(t).map(|d| h.exited_on = Some(d)))
                || date32!(|h, d| h.exited_on = Some(d))
        }
        C::ReturnedOn => {
            read!(|h, t| parse_date(t).map(|d| h.returned_on = Some(d)))
                || date32!(|h, d| h.returned_on = Some(d))
        }
        C::CreditRating => read!(|h, t| CreditRating::from_wire(t).map(|v| credit(h).rating = v)),
        C::Causes => {
            read!(|h, t| causes_text_into(t, Cause::from_wire, &mut h.causes).ok())
                || list!(
                    |h, items| each_item(items, &mut h.causes, |t| t.and_then(Cause::from_wire))
                )
        }
        C::ExitSteps => {
            read!(|h, t| exit_steps_text_into(t, ExitStepKind::from_wire, &mut h.exit_steps).ok())
                || list!(|h, items| each_item(items, &mut h.exit_steps, |t| {
                    t.and_then(|t| plain_exit_step(t, ExitStepKind::from_wire))
                }))
        }
        _ => household_number_column(col, reader, slots, start),
    }
}

/// `read` of every item, into `out` (emptied first, so a list keeps its
/// memory from the block before); `None` as soon as an item reads `None`
/// (then the household fails, and what `out` holds is never read).
fn each_item<T>(
    items: &[Option<&str>],
    out: &mut Vec<T>,
    read: impl Fn(Option<&str>) -> Option<T>,
) -> Option<()> {
    out.clear();
    out.reserve(items.len());
    for &t in items {
        out.push(read(t)?);
    }
    Some(())
}

/// The household counterpart of [`member_bool_column`] for `bool` columns,
/// and for money in `float64` columns (as `pd.read_csv` gives them) or
/// `decimal128` ones: a float decided exactly without its text
/// ([`cells::float_money`]) or a decimal that is money is set, any other
/// cell goes through [`read_household_cell`] (which gives its error).
fn household_number_column(
    col: HouseholdColumn,
    reader: &Reader<'_>,
    slots: &mut [HouseholdSlot],
    start: usize,
) -> bool {
    use crate::record::read::{credit, last_year};
    use HouseholdColumn as C;
    let money: Option<fn(&mut Household) -> &mut Money> = match col {
        C::IncomeWage => Some(|h| &mut h.income.wage),
        C::IncomeOperating => Some(|h| &mut h.income.operating),
        C::IncomeOperatingCost => Some(|h| &mut h.income.operating_cost),
        C::IncomeProperty => Some(|h| &mut h.income.property),
        C::IncomeTransfer => Some(|h| &mut h.income.transfer),
        C::IncomeDibao => Some(|h| &mut h.income.dibao),
        C::IncomeOneOffTransfer => Some(|h| &mut h.income.one_off_transfer),
        C::LastYearIncomeWage => Some(|h| &mut last_year(h).wage),
        C::LastYearIncomeOperating => Some(|h| &mut last_year(h).operating),
        C::LastYearIncomeOperatingCost => Some(|h| &mut last_year(h).operating_cost),
        C::LastYearIncomeProperty => Some(|h| &mut last_year(h).property),
        C::LastYearIncomeTransfer => Some(|h| &mut last_year(h).transfer),
        C::LastYearIncomeDibao => Some(|h| &mut last_year(h).dibao),
        C::LastYearIncomeOneOffTransfer => Some(|h| &mut last_year(h).one_off_transfer),
        C::RigidExpenses => Some(|h| &mut h.rigid_expenses),
        C::AssetsDeposits => Some(|h| &mut h.assets.deposits),
        C::CreditOutstanding => Some(|h| &mut credit(h).outstanding),
        _ => None,
    };
    if let Some(field) = money {
        return reader.each_f64_mut(
            slots,
            |s| s.row,
            |s, f| {
                let Some(f) = f else { return };
                match cells::float_money(f) {
                    Some(m) => *field(&mut s.household) = m,
                    None => read_household_cell(s, col, Some(Value::Float(f)), start),
                }
            },
        ) || reader.each_decimal_mut(
            slots,
            |s| s.row,
            |s, v| {
                let Some((v, scale)) = v else { return };
                match cells::decimal_money(v, scale) {
                    Ok(m) => *field(&mut s.household) = m,
                    Err(_) => read_household_cell(s, col, Some(Value::Decimal(v, scale)), start),
                }
            },
        );
    }
    let flag: Option<fn(&mut Household) -> &mut bool> = match col {
        C::Relocated => Some(|h| &mut h.relocated),
        C::GuaranteesFood => Some(|h| &mut h.guarantees.food),
        C::GuaranteesClothing => Some(|h| &mut h.guarantees.clothing),
        C::GuaranteesDrinkingWater => Some(|h| &mut h.guarantees.drinking_water),
        C::AssetsCar => Some(|h| &mut h.assets.car),
        C::AssetsCommercialHousing => Some(|h| &mut h.assets.commercial_housing),
        C::AssetsBusiness => Some(|h| &mut h.assets.business),
        C::AssetsPublicEmployee => Some(|h| &mut h.assets.public_employee),
        _ => None,
    };
    match flag {
        Some(field) => reader.each_bool_mut(
            slots,
            |s| s.row,
            |s, b| {
                if let Some(b) = b {
                    *field(&mut s.household) = b;
                }
            },
        ),
        None => false,
    }
}

/// Reads a member `bool` column the short way (a boolean cell is always
/// its field's value); `false` when `col` is not a flag or the Arrow column
/// not `bool`.
fn member_bool_column(
    col: MemberColumn,
    reader: &Reader<'_>,
    slots: &mut [MemberSlot<'_>],
) -> bool {
    use MemberColumn as C;
    let field: fn(&mut Member) -> &mut bool = match col {
        C::Boarding => |m| &mut m.boarding,
        C::MedicalInsurance => |m| &mut m.medical_insurance,
        C::Dibao => |m| &mut m.dibao,
        C::Veteran => |m| &mut m.veteran,
        _ => return false,
    };
    reader.each_bool_mut(
        slots,
        |s| s.row,
        |s, b| {
            if let Some(b) = b {
                *field(s.member) = b;
            }
        },
    )
}

/// Reads a member text column (ids, names, enum labels, dates written
/// `YYYY-MM-DD`) the short way: a cell that reads as its field directly is
/// set, any other goes through [`read_member_cell`] (which gives its error),
/// so the result is the same. `false` when `col` is not such a column or the
/// Arrow column is not text.
fn member_text_column(
    col: MemberColumn,
    reader: &Reader<'_>,
    slots: &mut [MemberSlot<'_>],
) -> bool {
    use crate::date::parse_date;
    use crate::enums::{Health, Labor, Relation, Schooling, WireEnum};
    use crate::mask::{IdNumber, PersonName};
    use MemberColumn as C;
    /// Marks `id`, `sex` or `birth_date` (0, 1, 2) as given.
    fn mark(s: &mut MemberSlot<'_>, k: usize) {
        if let Some(seen) = s.seen.get_mut(k) {
            *seen = true;
        }
    }
    macro_rules! read {
        (|$s:ident, $t:ident| $set:expr) => {
            reader.each_text_mut(
                slots,
                |s| s.row,
                |$s, t| {
                    if let Some($t) = t
                        && $set.is_none()
                    {
                        read_member_cell($s, col, Some(Value::Str($t)));
                    }
                },
            )
        };
    }
    // A `date32` column: a day count that is a date is set, any other
    // (beyond chrono's dates) goes through `read_member_cell` for its error.
    macro_rules! date32 {
        (|$s:ident, $d:ident| $set:expr) => {
            reader.each_date32_mut(
                slots,
                |s| s.row,
                |$s, days| {
                    let Some(days) = days else { return };
                    match cells::date32(days) {
                        Some($d) => $set,
                        None => read_member_cell($s, col, Some(cells::days(i64::from(days)))),
                    }
                },
            )
        };
    }
    macro_rules! label {
        ($field:ident, $e:ty, $seen:expr) => {
            read!(|s, t| <$e>::from_wire(t).map(|v| {
                s.member.$field = v;
                if let Some(k) = $seen {
                    mark(s, k);
                }
            }))
        };
    }
    match col {
        C::Id => read!(|s, t| {
            s.member.id = t.into();
            mark(s, 0);
            Some(())
        }),
        C::IdNumber => read!(|s, t| {
            s.member.id_number = Some(IdNumber::new(t));
            Some(())
        }),
        C::Name => read!(|s, t| {
            s.member.name = PersonName::new(t);
            Some(())
        }),
        C::Relation => label!(relation, Relation, None::<usize>),
        C::Sex => label!(sex, Sex, Some(1)),
        C::Schooling => label!(schooling, Schooling, None::<usize>),
        C::Health => label!(health, Health, None::<usize>),
        C::Labor => label!(labor, Labor, None::<usize>),
        C::BirthDate => {
            read!(|s, t| parse_date(t).map(|d| {
                s.member.birth_date = d;
                mark(s, 2);
            })) || date32!(|s, d| {
                s.member.birth_date = d;
                mark(s, 2);
            })
        }
        C::DeceasedOn => {
            read!(|s, t| parse_date(t).map(|d| s.member.deceased_on = Some(d)))
                || date32!(|s, d| s.member.deceased_on = Some(d))
        }
        C::MovedOutOn => {
            read!(|s, t| parse_date(t).map(|d| s.member.moved_out_on = Some(d)))
                || date32!(|s, d| s.member.moved_out_on = Some(d))
        }
        C::DisabilityGrade => member_grade_column(reader, slots),
        _ => member_bool_column(col, reader, slots),
    }
}

/// Reads `disability_grade` the short way from an `int32` column or a
/// `float64` one (as `pd.read_csv` gives a column with blanks): a grade 1 to
/// 4 is set, any other cell goes through [`read_member_cell`] for its error.
/// `false` for any other column type.
fn member_grade_column(reader: &Reader<'_>, slots: &mut [MemberSlot<'_>]) -> bool {
    let col = MemberColumn::DisabilityGrade;
    reader.each_i32_mut(
        slots,
        |s| s.row,
        |s, v| match v.map(|v| (u8::try_from(v), v)) {
            None => {}
            Some((Ok(g @ 1..=4), _)) => s.member.disability_grade = Some(g),
            Some((_, v)) => read_member_cell(s, col, Some(Value::Int(i128::from(v)))),
        },
    ) || reader.each_f64_mut(
        slots,
        |s| s.row,
        |s, v| {
            let Some(v) = v else { return };
            #[allow(clippy::float_cmp, reason = "the exact grades 1.0 … 4.0, nothing else")]
            let g = [1u8, 2, 3, 4].into_iter().find(|&g| f64::from(g) == v);
            match g {
                Some(g) => s.member.disability_grade = Some(g),
                None => read_member_cell(s, col, Some(Value::Float(v))),
            }
        },
    )
}

/// The error of member row `g` (the `i`-th of its household) when it left a
/// required cell (`id`, `sex`, `birth_date`) empty.
fn missing_member_cell(g: usize, i: usize, seen: [bool; 3]) -> Option<RecordError> {
    let required = [MemberColumn::Id, MemberColumn::Sex, MemberColumn::BirthDate];
    let (col, _) = required.iter().zip(seen).find(|(_, s)| !s)?;
    let field = format!("members[{i}].{}", col.header());
    Some(RecordError::new(
        ErrorCode::MissingField,
        Some(field.clone()),
        format!(
            "{field}: required but the cell is empty (members frame row {g}, column {})",
            col.header()
        ),
    ))
}
