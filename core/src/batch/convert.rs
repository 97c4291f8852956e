//! Records to Arrow frames: the typed columns an analyst's table would have
//! (`decimal128(18, 2)` money, `date32` dates, `list<utf8>` lists). Used to
//! feed the batch path from JSON Lines or `fupin synth`, in benchmarks and
//! in tests that compare the batch path with the record path.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Int32Builder, ListBuilder, StringBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Int32Type};
use arrow_array::{Array, ArrayRef, Float64Array, LargeStringArray, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;

use super::{Frame, FrameError, MONEY_PRECISION};
use crate::enums::WireEnum;
use crate::money::Money;
use crate::record::table::{HouseholdColumn, MemberColumn};
use crate::record::{Claim, Household, Member};

fn strings<'a, T: 'a>(
    rows: impl Iterator<Item = &'a T>,
    f: impl Fn(&T) -> Option<&str>,
) -> ArrayRef {
    let mut b = StringBuilder::new();
    for r in rows {
        b.append_option(f(r));
    }
    Arc::new(b.finish())
}

fn money<'a, T: 'a>(
    rows: impl Iterator<Item = &'a T>,
    f: impl Fn(&T) -> Option<Money>,
) -> Result<ArrayRef, FrameError> {
    let mut b = Decimal128Builder::new();
    for r in rows {
        b.append_option(f(r).map(|m| {
            let d = m.as_decimal();
            // Money has two decimals; the mantissa is then the fen.
            d.mantissa() * 10i128.pow(2u32.saturating_sub(d.scale()))
        }));
    }
    Ok(Arc::new(
        b.finish().with_precision_and_scale(MONEY_PRECISION, 2)?,
    ))
}

fn dates<'a, T: 'a>(
    rows: impl Iterator<Item = &'a T>,
    f: impl Fn(&T) -> Option<NaiveDate>,
) -> ArrayRef {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let mut b = Date32Builder::new();
    for r in rows {
        b.append_option(
            f(r).and_then(|d| i32::try_from(d.signed_duration_since(epoch).num_days()).ok()),
        );
    }
    Arc::new(b.finish())
}

fn bools<'a, T: 'a>(rows: impl Iterator<Item = &'a T>, f: impl Fn(&T) -> bool) -> ArrayRef {
    let mut b = BooleanBuilder::new();
    for r in rows {
        b.append_value(f(r));
    }
    Arc::new(b.finish())
}

fn ints<'a, T: 'a>(rows: impl Iterator<Item = &'a T>, f: impl Fn(&T) -> Option<i32>) -> ArrayRef {
    let mut b = Int32Builder::new();
    for r in rows {
        b.append_option(f(r));
    }
    Arc::new(b.finish())
}

fn lists<'a, T: 'a>(rows: impl Iterator<Item = &'a T>, f: impl Fn(&T) -> Vec<String>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for r in rows {
        for item in f(r) {
            b.values().append_value(item);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

fn batch(columns: Vec<(&'static str, ArrayRef)>) -> Result<RecordBatch, FrameError> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

/// A household frame (every column of the household table) and a member
/// frame (every column of the member table) holding `households`.
///
/// # Errors
///
/// Only if Arrow refuses a column (a bug).
pub fn to_frames(households: &[Household]) -> Result<(Frame, Frame), FrameError> {
    use HouseholdColumn as H;
    let hs = || households.iter();
    let ly =
        |h: &Household, f: fn(&crate::record::Income) -> Money| h.last_year_income.as_ref().map(f);
    let mut cols: Vec<(&'static str, ArrayRef)> = Vec::new();
    for &c in H::ALL {
        let a = match c {
            H::Id => strings(hs(), |h| Some(&h.id)),
            H::Town => strings(hs(), |h| Some(&h.town)),
            H::Village => strings(hs(), |h| Some(&h.village)),
            H::Attribute => strings(hs(), |h| Some(h.attribute.as_str())),
            H::Status => strings(hs(), |h| Some(h.status.as_str())),
            H::IdentifiedOn => dates(hs(), |h| h.identified_on),
            H::ExitedOn => dates(hs(), |h| h.exited_on),
            H::ReturnedOn => dates(hs(), |h| h.returned_on),
            H::Causes => lists(hs(), |h| {
                h.causes.iter().map(|c| c.as_str().to_owned()).collect()
            }),
            H::Relocated => bools(hs(), |h| h.relocated),
            H::ExitSteps => lists(hs(), |h| {
                h.exit_steps
                    .iter()
                    .map(|s| format!("{}:{}", s.step.as_str(), s.on))
                    .collect()
            }),
            H::IncomeWage => money(hs(), |h| Some(h.income.wage))?,
            H::IncomeOperating => money(hs(), |h| Some(h.income.operating))?,
            H::IncomeOperatingCost => money(hs(), |h| Some(h.income.operating_cost))?,
            H::IncomeProperty => money(hs(), |h| Some(h.income.property))?,
            H::IncomeTransfer => money(hs(), |h| Some(h.income.transfer))?,
            H::IncomeDibao => money(hs(), |h| Some(h.income.dibao))?,
            H::IncomeOneOffTransfer => money(hs(), |h| Some(h.income.one_off_transfer))?,
            H::IncomeYear => ints(hs(), |h| h.income.year),
            H::LastYearIncomeWage => money(hs(), |h| ly(h, |i| i.wage))?,
            H::LastYearIncomeOperating => money(hs(), |h| ly(h, |i| i.operating))?,
            H::LastYearIncomeOperatingCost => money(hs(), |h| ly(h, |i| i.operating_cost))?,
            H::LastYearIncomeProperty => money(hs(), |h| ly(h, |i| i.property))?,
            H::LastYearIncomeTransfer => money(hs(), |h| ly(h, |i| i.transfer))?,
            H::LastYearIncomeDibao => money(hs(), |h| ly(h, |i| i.dibao))?,
            H::LastYearIncomeOneOffTransfer => money(hs(), |h| ly(h, |i| i.one_off_transfer))?,
            H::LastYearIncomeYear => {
                ints(hs(), |h| h.last_year_income.as_ref().and_then(|i| i.year))
            }
            H::RigidExpenses => money(hs(), |h| Some(h.rigid_expenses))?,
            H::GuaranteesFood => bools(hs(), |h| h.guarantees.food),
            H::GuaranteesClothing => bools(hs(), |h| h.guarantees.clothing),
            H::GuaranteesHousing => strings(hs(), |h| Some(h.guarantees.housing.as_str())),
            H::GuaranteesDrinkingWater => bools(hs(), |h| h.guarantees.drinking_water),
            H::AssetsCar => bools(hs(), |h| h.assets.car),
            H::AssetsCommercialHousing => bools(hs(), |h| h.assets.commercial_housing),
            H::AssetsBusiness => bools(hs(), |h| h.assets.business),
            H::AssetsPublicEmployee => bools(hs(), |h| h.assets.public_employee),
            H::AssetsDeposits => money(hs(), |h| Some(h.assets.deposits))?,
            H::CreditRating => strings(hs(), |h| h.credit.as_ref().map(|c| c.rating.as_str())),
            H::CreditOutstanding => money(hs(), |h| h.credit.as_ref().map(|c| c.outstanding))?,
        };
        cols.push((c.header(), a));
    }
    let households_frame = Frame::from_batch(batch(cols)?);

    use MemberColumn as M;
    let pairs: Vec<(&str, &Member)> = households
        .iter()
        .flat_map(|h| h.members.iter().map(move |m| (h.id.as_str(), m)))
        .collect();
    let ms = || pairs.iter();
    let mut cols: Vec<(&'static str, ArrayRef)> = Vec::new();
    for &c in M::ALL {
        let a = match c {
            M::HouseholdId => strings(ms(), |p| Some(p.0)),
            M::Id => strings(ms(), |p| Some(&p.1.id)),
            M::IdNumber => strings(ms(), |p| p.1.id_number.as_ref().map(|n| n.expose())),
            M::Name => strings(ms(), |p| Some(p.1.name.expose())),
            M::Relation => strings(ms(), |p| Some(p.1.relation.as_str())),
            M::Sex => strings(ms(), |p| Some(p.1.sex.as_str())),
            M::BirthDate => dates(ms(), |p| Some(p.1.birth_date)),
            M::Schooling => strings(ms(), |p| Some(p.1.schooling.as_str())),
            M::Boarding => bools(ms(), |p| p.1.boarding),
            M::Health => strings(ms(), |p| Some(p.1.health.as_str())),
            M::DisabilityGrade => ints(ms(), |p| p.1.disability_grade.map(i32::from)),
            M::Labor => strings(ms(), |p| Some(p.1.labor.as_str())),
            M::MedicalInsurance => bools(ms(), |p| p.1.medical_insurance),
            M::Dibao => bools(ms(), |p| p.1.dibao),
            M::Veteran => bools(ms(), |p| p.1.veteran),
            M::DeceasedOn => dates(ms(), |p| p.1.deceased_on),
            M::MovedOutOn => dates(ms(), |p| p.1.moved_out_on),
        };
        cols.push((c.header(), a));
    }
    Ok((households_frame, Frame::from_batch(batch(cols)?)))
}

/// A claim frame (every field of interfaces.md §2.3) holding `claims`.
///
/// # Errors
///
/// Only if Arrow refuses a column (a bug).
pub fn claims_frame(claims: &[Claim]) -> Result<Frame, FrameError> {
    let cs = || claims.iter();
    Ok(Frame::from_batch(batch(vec![
        ("id", strings(cs(), |c| Some(&c.id))),
        ("person_id", strings(cs(), |c| Some(&c.person_id))),
        ("admitted_on", dates(cs(), |c| Some(c.admitted_on))),
        (
            "hospital_level",
            strings(cs(), |c| Some(c.hospital_level.as_str())),
        ),
        ("total_cost", money(cs(), |c| Some(c.total_cost))?),
        ("in_policy_cost", money(cs(), |c| Some(c.in_policy_cost))?),
        ("registered_poor", bools(cs(), |c| c.registered_poor)),
        ("backstop_eligible", bools(cs(), |c| c.backstop_eligible)),
        ("major_illness", bools(cs(), |c| c.major_illness)),
    ])?))
}

/// A frame of [`to_frames`] in the column types pandas hands over after
/// `pd.read_csv` of the same table and `pyarrow.Table.from_pandas`: text,
/// dates and lists as `large_utf8` (lists `;`-separated, an empty list null
/// as an empty CSV cell reads), money, years and grades as float64 (money
/// the double nearest the amount; a null stays null, as NaN does), bools as
/// they are. The batch path's benchmarks and tests read such frames, the
/// common input from Python.
///
/// # Errors
///
/// Only if Arrow refuses a column (a bug).
#[allow(
    clippy::float_arithmetic,
    clippy::cast_precision_loss,
    reason = "making the float64 columns a CSV reader gives; amounts below 2^53 fen"
)]
pub fn as_read_csv(frame: &Frame) -> Result<Frame, FrameError> {
    let kind = |t: &DataType| match t {
        DataType::Decimal128(..) | DataType::Int32 => DataType::Float64,
        DataType::Boolean | DataType::Float64 => t.clone(),
        _ => DataType::LargeUtf8,
    };
    let fields: Vec<Field> = frame
        .schema
        .fields()
        .iter()
        .map(|f| Field::new(f.name(), kind(f.data_type()), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let convert = |c: &ArrayRef| -> ArrayRef {
        match c.data_type() {
            DataType::Decimal128(_, scale) => {
                let d = c.as_primitive::<Decimal128Type>();
                let unit = 10f64.powi(i32::from(*scale));
                Arc::new(
                    d.iter()
                        .map(|v| v.map(|v| v as f64 / unit))
                        .collect::<Float64Array>(),
                )
            }
            DataType::Int32 => {
                let d = c.as_primitive::<Int32Type>();
                Arc::new(d.iter().map(|v| v.map(f64::from)).collect::<Float64Array>())
            }
            DataType::Date32 => {
                let d = c.as_primitive::<Date32Type>();
                Arc::new(
                    (0..d.len())
                        .map(|i| {
                            d.value_as_date(i)
                                .filter(|_| d.is_valid(i))
                                .map(|t| t.to_string())
                        })
                        .collect::<LargeStringArray>(),
                )
            }
            DataType::List(_) => {
                let l = c.as_list::<i32>();
                Arc::new(
                    (0..l.len())
                        .map(|i| {
                            let items = l.value(i);
                            let items = items.as_string::<i32>();
                            (l.is_valid(i) && !items.is_empty()).then(|| {
                                items
                                    .iter()
                                    .map(|s| s.unwrap_or(""))
                                    .collect::<Vec<_>>()
                                    .join(";")
                            })
                        })
                        .collect::<LargeStringArray>(),
                )
            }
            DataType::Utf8 => Arc::new(c.as_string::<i32>().iter().collect::<LargeStringArray>()),
            _ => c.clone(),
        }
    };
    let batches = frame
        .batches
        .iter()
        .map(|b| RecordBatch::try_new(schema.clone(), b.columns().iter().map(convert).collect()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Frame { schema, batches })
}
