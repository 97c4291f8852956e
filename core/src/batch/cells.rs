//! Reading one Arrow cell as a record field: the frame counterpart of the
//! table reader's [`Cell`](crate::record::read::Cell).
//!
//! A column is wrapped once in a [`Reader`] (its Arrow type resolved to a
//! typed array), and each row's cell is then a borrowed [`Value`] read
//! through [`CellRead`], so the column-to-field mapping is the table
//! reader's own ([`set_household`](crate::record::read::set_household)).
//!
//! What a cell may hold (interfaces.md §6): null, NaN and NaT mean absent;
//! strings are read as in JSON (wire enum strings, `YYYY-MM-DD` dates, money
//! text of §1, `true`/`false`); integers are money in whole yuan, years,
//! grades or text (an id written as a number); a float is money from its
//! shortest round-trip text (so `1234.5` is exact and `0.1 + 0.2` is not
//! money), a year or grade when it is whole; `decimal128` is money when its
//! value has at most two decimals; dates are `date32`, `date64` or a
//! timestamp at midnight; lists are `list<utf8>` (`exit_steps` items
//! `step:date`) or `list<struct<step, on>>`, or `;`-separated text. Any other
//! combination is a `wrong_type` problem naming what the cell holds.

use std::borrow::Cow;
use std::io::Write as _;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type,
    Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, BooleanArray, GenericListArray, GenericStringArray, PrimitiveArray, StringViewArray,
    StructArray,
};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;

use crate::enums::{Cause, ExitStepKind, WireEnum};
use crate::error::ErrorCode;
use crate::money::Money;
use crate::record::ExitStep;
use crate::record::read::{
    CellRead, Problem, cause_item, causes_text, date_text, exit_step_item, exit_steps_text,
    grade_of, integer_text, label_text, money_text, year_of,
};

/// 10¹³ yuan in fen: input money must stay below it (interfaces.md §1).
const FEN_LIMIT: i128 = 1_000_000_000_000_000;

/// Cell `i` of the typed array `a` as a [`Value`] (`wrap` of its value), or
/// `None` when the row is null or beyond the array.
macro_rules! cell_at {
    ($a:expr, $i:expr, $wrap:expr) => {{
        let (a, i) = ($a, $i);
        if i >= a.len() || a.is_null(i) {
            None
        } else {
            Some($wrap(a.value(i)))
        }
    }};
}

/// Calls `f` with each of `items` and its row's cell of the typed array `a`
/// (`wrap` of the value, or `None`), the row given by `row(item)`.
macro_rules! each_cell {
    ($items:expr, $row:expr, $f:ident, $a:expr, $wrap:expr) => {{
        let a = $a;
        for item in $items {
            let i = $row(item);
            $f(item, cell_at!(a, i, $wrap));
        }
    }};
}

/// `false` for a NaN float: NaN means absent.
fn not_nan(v: &Value<'_>) -> bool {
    !matches!(v, Value::Float(f) if f.is_nan())
}

/// A column resolved to its typed Arrow array.
pub(crate) enum Reader<'a> {
    /// A column of Arrow type `null`: every cell is absent.
    Null,
    /// `utf8`.
    Utf8(&'a GenericStringArray<i32>),
    /// `large_utf8` (pandas' `str` dtype).
    LargeUtf8(&'a GenericStringArray<i64>),
    /// `utf8_view`.
    Utf8View(&'a StringViewArray),
    /// `bool`.
    Bool(&'a BooleanArray),
    /// Signed integers of any width.
    I64(&'a PrimitiveArray<Int64Type>),
    /// `int32`.
    I32(&'a PrimitiveArray<Int32Type>),
    /// `int16`.
    I16(&'a PrimitiveArray<Int16Type>),
    /// `int8`.
    I8(&'a PrimitiveArray<Int8Type>),
    /// `uint64`.
    U64(&'a PrimitiveArray<UInt64Type>),
    /// `uint32`.
    U32(&'a PrimitiveArray<UInt32Type>),
    /// `uint16`.
    U16(&'a PrimitiveArray<UInt16Type>),
    /// `uint8`.
    U8(&'a PrimitiveArray<UInt8Type>),
    /// `float64`.
    F64(&'a PrimitiveArray<Float64Type>),
    /// `float32`.
    F32(&'a PrimitiveArray<Float32Type>),
    /// `decimal128(p, s)`.
    Decimal(&'a PrimitiveArray<Decimal128Type>, i8),
    /// `date32` (days since 1970-01-01).
    Date32(&'a PrimitiveArray<Date32Type>),
    /// `date64` (milliseconds since 1970-01-01).
    Date64(&'a PrimitiveArray<Date64Type>),
    /// A timestamp, as its raw `i64` and the number of units in a day.
    Timestamp(&'a dyn Array, TimeUnit),
    /// `list<…>`.
    List(&'a GenericListArray<i32>, Box<Reader<'a>>),
    /// `large_list<…>`.
    LargeList(&'a GenericListArray<i64>, Box<Reader<'a>>),
    /// `struct<step, on>` (an exit step given as a dict).
    Step(&'a StructArray, Box<Reader<'a>>, Box<Reader<'a>>),
    /// Any other Arrow type: every non-null cell is a `wrong_type` problem.
    Other(&'a dyn Array, &'a DataType),
}

impl<'a> Reader<'a> {
    /// Whether no cell of the column can be a bad cell of a free-text field
    /// (a place or person name): its cells are text, or all absent.
    pub(crate) fn text_or_null(&self) -> bool {
        matches!(
            self,
            Reader::Null | Reader::Utf8(_) | Reader::LargeUtf8(_) | Reader::Utf8View(_)
        )
    }

    /// Resolves `array`'s type once.
    pub(crate) fn new(array: &'a dyn Array) -> Reader<'a> {
        if array.null_count() == array.len() {
            // Every cell absent (a column of defaults): nothing to read.
            return Reader::Null;
        }
        macro_rules! typed {
            ($variant:ident, $t:ty) => {
                array
                    .as_primitive_opt::<$t>()
                    .map_or(Reader::Other(array, array.data_type()), Reader::$variant)
            };
        }
        match array.data_type() {
            DataType::Null => Reader::Null,
            DataType::Utf8 => array
                .as_string_opt::<i32>()
                .map_or(Reader::Other(array, array.data_type()), Reader::Utf8),
            DataType::LargeUtf8 => array
                .as_string_opt::<i64>()
                .map_or(Reader::Other(array, array.data_type()), Reader::LargeUtf8),
            DataType::Utf8View => array
                .as_string_view_opt()
                .map_or(Reader::Other(array, array.data_type()), Reader::Utf8View),
            DataType::Boolean => array
                .as_boolean_opt()
                .map_or(Reader::Other(array, array.data_type()), Reader::Bool),
            DataType::Int64 => typed!(I64, Int64Type),
            DataType::Int32 => typed!(I32, Int32Type),
            DataType::Int16 => typed!(I16, Int16Type),
            DataType::Int8 => typed!(I8, Int8Type),
            DataType::UInt64 => typed!(U64, UInt64Type),
            DataType::UInt32 => typed!(U32, UInt32Type),
            DataType::UInt16 => typed!(U16, UInt16Type),
            DataType::UInt8 => typed!(U8, UInt8Type),
            DataType::Float64 => typed!(F64, Float64Type),
            DataType::Float32 => typed!(F32, Float32Type),
            DataType::Date32 => typed!(Date32, Date32Type),
            DataType::Date64 => typed!(Date64, Date64Type),
            DataType::Decimal128(_, scale) => array
                .as_primitive_opt::<Decimal128Type>()
                .map_or(Reader::Other(array, array.data_type()), |a| {
                    Reader::Decimal(a, *scale)
                }),
            DataType::Timestamp(unit, _) => Reader::Timestamp(array, *unit),
            DataType::List(_) => match array.as_list_opt::<i32>() {
                Some(l) => Reader::List(l, Box::new(Reader::new(l.values().as_ref()))),
                None => Reader::Other(array, array.data_type()),
            },
            DataType::LargeList(_) => match array.as_list_opt::<i64>() {
                Some(l) => Reader::LargeList(l, Box::new(Reader::new(l.values().as_ref()))),
                None => Reader::Other(array, array.data_type()),
            },
            DataType::Struct(_) => match array.as_struct_opt() {
                Some(s) => match (s.column_by_name("step"), s.column_by_name("on")) {
                    (Some(step), Some(on)) if s.num_columns() == 2 => Reader::Step(
                        s,
                        Box::new(Reader::new(step.as_ref())),
                        Box::new(Reader::new(on.as_ref())),
                    ),
                    _ => Reader::Other(array, array.data_type()),
                },
                None => Reader::Other(array, array.data_type()),
            },
            other => Reader::Other(array, other),
        }
    }

    /// Calls `f` with each item of `items` and the cell of its row
    /// (`row(item)`, as [`Reader::get`] reads it), in order, with the
    /// column's type matched once for all of them rather than once a cell:
    /// the batch path reads a block of rows a column at a time.
    pub(crate) fn each_mut<T>(
        &self,
        items: &mut [T],
        row: impl Fn(&T) -> usize,
        mut f: impl FnMut(&mut T, Option<Value<'_>>),
    ) {
        macro_rules! each {
            ($a:expr, $wrap:expr) => {
                each_cell!(items, row, f, $a, $wrap)
            };
        }
        match self {
            Reader::Null => items.iter_mut().for_each(|item| f(item, None)),
            Reader::Utf8(a) => each!(a, Value::Str),
            Reader::LargeUtf8(a) => each!(a, Value::Str),
            Reader::Utf8View(a) => each!(a, Value::Str),
            Reader::Bool(a) => each!(a, Value::Bool),
            Reader::I64(a) => each!(a, |v: i64| Value::Int(i128::from(v))),
            Reader::F64(a) => {
                let mut g = |item: &mut T, v: Option<Value<'_>>| f(item, v.filter(not_nan));
                each_cell!(items, row, g, a, Value::Float);
            }
            Reader::Decimal(a, s) => each!(a, |v: i128| Value::Decimal(v, *s)),
            Reader::Date32(a) => each!(a, |d: i32| days(i64::from(d))),
            _ => {
                for item in items {
                    let i = row(item);
                    f(item, self.get(i));
                }
            }
        }
    }

    /// [`Reader::each_mut`] for a text column: calls `f` with each item and
    /// its row's text (`None` when the cell is null), and returns `true`;
    /// returns `false` (calling nothing) when the column is not text.
    pub(crate) fn each_text_mut<T>(
        &self,
        items: &mut [T],
        row: impl Fn(&T) -> usize,
        mut f: impl FnMut(&mut T, Option<&str>),
    ) -> bool {
        match self {
            Reader::Utf8(a) => each_cell!(items, row, f, a, |s| s),
            Reader::LargeUtf8(a) => each_cell!(items, row, f, a, |s| s),
            Reader::Utf8View(a) => each_cell!(items, row, f, a, |s| s),
            _ => return false,
        }
        true
    }

    /// Calls `f` with the text of each row of `rows` in order (`None` when
    /// null) and returns `true`; returns `false` (calling nothing) when the
    /// column is not text.
    pub(crate) fn each_text(
        &self,
        rows: std::ops::Range<usize>,
        mut f: impl FnMut(Option<&'a str>),
    ) -> bool {
        macro_rules! each {
            ($a:expr) => {{
                let a = $a;
                for i in rows {
                    f(cell_at!(a, i, |s| s));
                }
            }};
        }
        match self {
            Reader::Utf8(a) => each!(*a),
            Reader::LargeUtf8(a) => each!(*a),
            Reader::Utf8View(a) => each!(*a),
            _ => return false,
        }
        true
    }

    /// [`Reader::each_text_mut`] for a `float64` column: `f` gets each
    /// item and its row's float (`None` when null or NaN); `false` when the
    /// column is not `float64`.
    pub(crate) fn each_f64_mut<T>(
        &self,
        items: &mut [T],
        row: impl Fn(&T) -> usize,
        mut f: impl FnMut(&mut T, Option<f64>),
    ) -> bool {
        let Reader::F64(a) = self else { return false };
        let mut g = |item: &mut T, v: Option<f64>| f(item, v.filter(|v| !v.is_nan()));
        each_cell!(items, row, g, a, |v| v);
        true
    }

    /// [`Reader::each_text_mut`] for an `int32` column: `f` gets each item
    /// and its row's integer (`None` when null); `false` when the column is
    /// not `int32`.
    pub(crate) fn each_i32_mut<T>(
        &self,
        items: &mut [T],
        row: impl Fn(&T) -> usize,
        mut f: impl FnMut(&mut T, Option<i32>),
    ) -> bool {
        let Reader::I32(a) = self else { return false };
        each_cell!(items, row, f, a, |v| v);
        true
    }

    /// [`Reader::each_text_mut`] for a `date32` column: `f` gets each item
    /// and its row's days since 1970-01-01 (`None` when null); `false` when
    /// the column is not `date32`. [`date32`] makes the day count a date.
    pub(crate) fn each_date32_mut<T>(
        &self,
        items: &mut [T],
        row: impl Fn(&T) -> usize,
        mut f: impl FnMut(&mut T, Option<i32>),
    ) -> bool {
        let Reader::Date32(a) = self else {
            return false;
        };
        each_cell!(items, row, f, a, |d| d);
        true
    }

    /// [`Reader::each_text_mut`] for a `decimal128` column: `f` gets each
    /// item and its row's value and scale (`None` when null); `false` when
    /// the column is not `decimal128`.
    pub(crate) fn each_decimal_mut<T>(
        &self,
        items: &mut [T],
        row: impl Fn(&T) -> usize,
        mut f: impl FnMut(&mut T, Option<(i128, i8)>),
    ) -> bool {
        let Reader::Decimal(a, scale) = self else {
            return false;
        };
        each_cell!(items, row, f, a, |v| (v, *scale));
        true
    }

    /// [`Reader::each_text_mut`] for a list column of text items
    /// (`list<utf8>` and its large and view kinds): `f` gets each item and
    /// its row's items (`None` for a null item), or `None` when the row is
    /// null; `false` (calling nothing) for any other column. The list and
    /// item types are matched once for the whole block, and the items are
    /// handed over in one reused buffer.
    pub(crate) fn each_text_list_mut<T>(
        &self,
        items: &mut [T],
        row: impl Fn(&T) -> usize,
        mut f: impl FnMut(&mut T, Option<&[Option<&'a str>]>),
    ) -> bool {
        let mut buf: Vec<Option<&'a str>> = Vec::new();
        macro_rules! each {
            ($l:expr, $v:expr) => {{
                let (l, v) = ($l, $v);
                let o = l.value_offsets();
                for item in items {
                    let i = row(item);
                    if i >= l.len() || l.is_null(i) {
                        f(item, None);
                        continue;
                    }
                    let (start, end) = match (o.get(i), o.get(i + 1)) {
                        (Some(&a), Some(&z)) => (to_usize(a), to_usize(z)),
                        _ => (0, 0),
                    };
                    buf.clear();
                    buf.extend((start..end).map(|k| cell_at!(v, k, |s| s)));
                    f(item, Some(&buf));
                }
            }};
        }
        macro_rules! list {
            ($l:expr, $values:expr) => {
                match $values {
                    Reader::Utf8(v) => each!($l, *v),
                    Reader::LargeUtf8(v) => each!($l, *v),
                    Reader::Utf8View(v) => each!($l, *v),
                    _ => return false,
                }
            };
        }
        match self {
            Reader::List(l, values) => list!(*l, values.as_ref()),
            Reader::LargeList(l, values) => list!(*l, values.as_ref()),
            _ => return false,
        }
        true
    }

    /// [`Reader::each_text_mut`] for a `bool` column.
    pub(crate) fn each_bool_mut<T>(
        &self,
        items: &mut [T],
        row: impl Fn(&T) -> usize,
        mut f: impl FnMut(&mut T, Option<bool>),
    ) -> bool {
        let Reader::Bool(a) = self else { return false };
        each_cell!(items, row, f, a, |v| v);
        true
    }

    /// The text of row `i` of a text column, borrowed from the column
    /// itself (`None` when null, or when the column is not text).
    pub(crate) fn text_at(&self, i: usize) -> Option<&'a str> {
        match self {
            Reader::Utf8(a) => cell_at!(*a, i, |s| s),
            Reader::LargeUtf8(a) => cell_at!(*a, i, |s| s),
            Reader::Utf8View(a) => cell_at!(*a, i, |s| s),
            _ => None,
        }
    }

    /// The cell of row `i`, or `None` when it is absent (null, NaN, NaT).
    pub(crate) fn get(&self, i: usize) -> Option<Value<'_>> {
        macro_rules! prim {
            ($a:expr, $wrap:expr) => {
                cell_at!($a, i, $wrap)
            };
        }
        match self {
            Reader::Null => None,
            Reader::Utf8(a) => prim!(a, Value::Str),
            Reader::LargeUtf8(a) => prim!(a, Value::Str),
            Reader::Utf8View(a) => prim!(a, Value::Str),
            Reader::Bool(a) => prim!(a, Value::Bool),
            Reader::I64(a) => prim!(a, |v: i64| Value::Int(i128::from(v))),
            Reader::I32(a) => prim!(a, |v: i32| Value::Int(i128::from(v))),
            Reader::I16(a) => prim!(a, |v: i16| Value::Int(i128::from(v))),
            Reader::I8(a) => prim!(a, |v: i8| Value::Int(i128::from(v))),
            Reader::U64(a) => prim!(a, |v: u64| Value::Int(i128::from(v))),
            Reader::U32(a) => prim!(a, |v: u32| Value::Int(i128::from(v))),
            Reader::U16(a) => prim!(a, |v: u16| Value::Int(i128::from(v))),
            Reader::U8(a) => prim!(a, |v: u8| Value::Int(i128::from(v))),
            Reader::F64(a) => prim!(a, Value::Float).filter(not_nan),
            Reader::F32(a) => prim!(a, |v: f32| Value::Float(f64::from(v))).filter(not_nan),
            Reader::Decimal(a, s) => prim!(a, |v: i128| Value::Decimal(v, *s)),
            Reader::Date32(a) => prim!(a, |d: i32| days(i64::from(d))),
            Reader::Date64(a) => prim!(a, |ms: i64| since_epoch(ms, 86_400_000)),
            Reader::Timestamp(a, unit) => {
                if i >= a.len() || a.is_null(i) {
                    return None;
                }
                let (raw, per_day) = match unit {
                    TimeUnit::Second => (a.as_primitive::<TimestampSecondType>().value(i), 86_400),
                    TimeUnit::Millisecond => (
                        a.as_primitive::<TimestampMillisecondType>().value(i),
                        86_400_000,
                    ),
                    TimeUnit::Microsecond => (
                        a.as_primitive::<TimestampMicrosecondType>().value(i),
                        86_400_000_000,
                    ),
                    TimeUnit::Nanosecond => (
                        a.as_primitive::<TimestampNanosecondType>().value(i),
                        86_400_000_000_000,
                    ),
                };
                Some(since_epoch(raw, per_day))
            }
            Reader::List(l, items) => {
                if i >= l.len() || l.is_null(i) {
                    return None;
                }
                let o = l.value_offsets();
                let (start, end) = (o.get(i).copied()?, o.get(i + 1).copied()?);
                Some(Value::List(items, to_usize(start), to_usize(end)))
            }
            Reader::LargeList(l, items) => {
                if i >= l.len() || l.is_null(i) {
                    return None;
                }
                let o = l.value_offsets();
                let (start, end) = (o.get(i).copied()?, o.get(i + 1).copied()?);
                Some(Value::List(items, to_usize(start), to_usize(end)))
            }
            Reader::Step(s, step, on) => {
                if i >= s.len() || s.is_null(i) {
                    return None;
                }
                Some(Value::Step(step, on, i))
            }
            Reader::Other(a, t) => {
                if i >= a.len() || a.is_null(i) {
                    None
                } else {
                    Some(Value::Unsupported(t))
                }
            }
        }
    }
}

fn to_usize<T: TryInto<usize>>(v: T) -> usize {
    v.try_into().unwrap_or(0)
}

/// Days from 1970-01-01 to 0001-01-01's day count (`NaiveDate`'s "days from
/// the common era", where 0001-01-01 is day 1).
const EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// A `date32` cell's date, `None` beyond chrono's dates (the cell's
/// [`Value`], [`days`], then says why).
pub(crate) fn date32(d: i32) -> Option<NaiveDate> {
    day_date(i64::from(d))
}

/// Day of 1901-01-01 counted from 1970-01-01: 69 years back, 17 of them
/// leap years (1904 … 1968), so −(69 × 365 + 17).
const DAY_1901: i64 = -25_202;
/// Day of 2099-12-31 counted from 1970-01-01: 2100-01-01 is 130 years on,
/// 32 of them leap years (1972 … 2096), so 130 × 365 + 32 = 47 482; less one.
const DAY_2099_END: i64 = 47_481;

/// The date `d` days after 1970-01-01, `None` beyond chrono's dates.
///
/// Dates of 1901 to 2099 (every date of a register) by arithmetic: there
/// every fourth year is a leap year, so four years are 1 461 days with the
/// leap year last. chrono's general conversion costs twice as much, and a
/// registry has six dates a household.
fn day_date(d: i64) -> Option<NaiveDate> {
    if (DAY_1901..=DAY_2099_END).contains(&d) {
        let x = d - DAY_1901;
        let (cycles, rest) = (x / 1461, x % 1461);
        let k = (rest / 365).min(3);
        let year = i32::try_from(1901 + 4 * cycles + k).ok()?;
        let ordinal = u32::try_from(rest - 365 * k + 1).ok()?;
        return NaiveDate::from_yo_opt(year, ordinal);
    }
    d.checked_add(EPOCH_DAYS_FROM_CE)
        .and_then(|n| i32::try_from(n).ok())
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// The cell of a date `d` days after 1970-01-01: a date, or why not.
pub(crate) fn days(d: i64) -> Value<'static> {
    match day_date(d) {
        Some(date) => Value::Date(date),
        None => Value::BadDate(BadDate::OutOfRange(d)),
    }
}

/// `raw` units since the epoch, `per_day` units a day: a date only at midnight.
fn since_epoch(raw: i64, per_day: i64) -> Value<'static> {
    let (day, rest) = (raw.div_euclid(per_day), raw.rem_euclid(per_day));
    if rest != 0 {
        return Value::BadDate(BadDate::NotMidnight(rest));
    }
    days(day)
}

/// Why a date or timestamp cell is not a date.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BadDate {
    /// This many days from 1970-01-01 is beyond the calendar.
    OutOfRange(i64),
    /// A time of day: this many units past midnight.
    NotMidnight(i64),
}

impl std::fmt::Display for BadDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadDate::OutOfRange(d) => write!(f, "{d} days from 1970-01-01 is out of range"),
            BadDate::NotMidnight(rest) => write!(
                f,
                "a date and time ({rest} units past midnight), expected a date"
            ),
        }
    }
}

/// One present cell.
pub(crate) enum Value<'a> {
    /// Text.
    Str(&'a str),
    /// An integer of any Arrow width.
    Int(i128),
    /// A float (never NaN: NaN is absent).
    Float(f64),
    /// A `decimal128` value and its scale.
    Decimal(i128, i8),
    /// A boolean.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
    /// A date-time that is not a date, or a date out of range.
    BadDate(BadDate),
    /// Items `start..end` of a list column's values.
    List(&'a Reader<'a>, usize, usize),
    /// An exit step given as `{step, on}`: the two fields' readers and the row.
    Step(&'a Reader<'a>, &'a Reader<'a>, usize),
    /// A value of an Arrow type no field takes.
    Unsupported(&'a DataType),
}

impl Value<'_> {
    /// What the cell holds, for messages.
    fn kind(&self) -> Cow<'static, str> {
        match self {
            Value::Str(_) => "text".into(),
            Value::Int(_) => "an integer".into(),
            Value::Float(_) => "a float".into(),
            Value::Decimal(..) => "a decimal".into(),
            Value::Bool(_) => "a boolean".into(),
            Value::Date(_) | Value::BadDate(_) => "a date".into(),
            Value::List(..) => "a list".into(),
            Value::Step(..) => "a {step, on} object".into(),
            Value::Unsupported(t) => format!("a value of Arrow type {t}").into(),
        }
    }

    fn wrong(&self, expected: &str) -> Problem {
        Problem::new(
            ErrorCode::WrongType,
            format!("expected {expected}, found {}", self.kind()),
        )
    }

    /// The cell as text: strings as they are, integers in decimal, a whole
    /// float as an integer (an identity number read as a float, digits
    /// possibly lost: a finding later).
    fn text_cow(&self, expected: &str) -> Result<Cow<'_, str>, Problem> {
        match self {
            Value::Str(s) => Ok(Cow::Borrowed(s)),
            Value::Int(v) => Ok(Cow::Owned(v.to_string())),
            Value::Float(f) if f.is_finite() => Ok(Cow::Owned(float_text(*f))),
            _ => Err(self.wrong(expected)),
        }
    }

    fn integer(&self) -> Result<Option<i64>, Problem> {
        match self {
            Value::Int(v) => Ok(i64::try_from(*v).ok()),
            Value::Str(s) => integer_text(s),
            Value::Float(f) if f.is_finite() => match whole(*f) {
                Some(v) => Ok(Some(v)),
                None => integer_text(&float_text(*f)),
            },
            _ => Err(self.wrong("an integer")),
        }
    }
}

/// A float holding a whole number from 0 to 10¹⁵ as that integer, the
/// common case of a year or grade column that pandas made float64 (its
/// text is those digits, so [`integer_text`] would give the same); `None`
/// means "ask the text".
#[allow(
    clippy::float_arithmetic,
    clippy::cast_possible_truncation,
    reason = "an exact test: a whole double below 2⁵³ is exactly an i64"
)]
fn whole(f: f64) -> Option<i64> {
    ((0.0..1e15).contains(&f) && f.trunc() == f).then_some(f as i64)
}

/// The fen of a float whose shortest round-trip text has at most two
/// decimals and is valid money (positive, below 10¹³ yuan): the common case
/// of a float64 money column read from a CSV, decided without writing the
/// text. `None` means "ask the text" ([`float_text`] + [`money_text`]), which
/// also gives the error when there is one.
///
/// Exact, not a float guess: `c` is `f × 100` rounded to a whole number
/// (< 10¹⁵ < 2⁵³, so the integer is exact) and is accepted only when `c / 100`
/// (one correctly rounded division: the double nearest the decimal `c/100`,
/// as parsing its text gives) is `f` itself. Then the decimal `c/100`, of at
/// most 15 significant digits, reads back as `f`; two decimals of at most 15
/// significant digits never read back as the same double (`DBL_DIG` = 15),
/// so the shortest round-trip text of `f` is that decimal.
#[allow(
    clippy::float_arithmetic,
    reason = "reading an input float exactly; the check above is exact"
)]
pub(crate) fn float_fen(f: f64) -> Option<i64> {
    if !(f > 0.0 && f < 1e13) {
        return None;
    }
    let c = (f * 100.0).round();
    if c / 100.0 != f {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "0 < c < 10^15: a whole number, exactly an i64"
    )]
    Some(c as i64)
}

/// The money a float cell holds when that is decided without its text:
/// +0.0, or an amount [`float_fen`] takes. `None` means "ask the text",
/// which also gives the error when there is one.
pub(crate) fn float_money(f: f64) -> Option<Money> {
    if f == 0.0 && f.is_sign_positive() {
        return Some(Money::ZERO);
    }
    float_fen(f).map(Money::from_fen)
}

/// The shortest text that reads back as `f` (Rust's `Display` for floats,
/// never an exponent); equal to Python's `repr` for every value that is
/// valid money.
fn float_text(f: f64) -> String {
    let mut buf = [0u8; 40];
    let mut cursor = std::io::Cursor::new(&mut buf[..]);
    if write!(cursor, "{f}").is_ok() {
        let n = to_usize(cursor.position());
        if let Some(s) = buf.get(..n).and_then(|b| std::str::from_utf8(b).ok()) {
            return s.to_owned();
        }
    }
    f.to_string()
}

/// `v × 10^-scale` yuan as money, when it has at most two decimals, is not
/// negative and is below 10¹³.
#[inline]
pub(crate) fn decimal_money(v: i128, scale: i8) -> Result<Money, Problem> {
    // The usual cell, `decimal128(_, 2)` holding fen: no scaling.
    if scale == 2
        && (0..FEN_LIMIT).contains(&v)
        && let Ok(fen) = i64::try_from(v)
    {
        return Ok(Money::from_fen(fen));
    }
    scaled_decimal_money(v, scale)
}

/// [`decimal_money`] of any other cell (kept out of line: the usual cell
/// is the inlined test above).
#[inline(never)]
fn scaled_decimal_money(v: i128, scale: i8) -> Result<Money, Problem> {
    let bad = |why: &str| {
        Problem::new(
            ErrorCode::InvalidMoney,
            format!("invalid money {}: {why}", decimal_text(v, scale)),
        )
    };
    // The usual cell, `decimal128(_, 2)` holding fen: no scaling.
    if scale == 2
        && (0..FEN_LIMIT).contains(&v)
        && let Ok(fen) = i64::try_from(v)
    {
        return Ok(Money::from_fen(fen));
    }
    if v < 0 {
        return Err(bad("money is never negative"));
    }
    let exp = 2 - i32::from(scale);
    let fen = if exp >= 0 {
        let up = 10i128.checked_pow(exp.unsigned_abs());
        up.and_then(|u| v.checked_mul(u))
    } else {
        let down = 10i128.checked_pow(exp.unsigned_abs());
        match down {
            Some(d) if v % d == 0 => Some(v / d),
            Some(_) => return Err(bad("more than two decimals")),
            None => None,
        }
    };
    match fen {
        Some(f) if f < FEN_LIMIT => Ok(Money::from_fen(i64::try_from(f).unwrap_or(i64::MAX))),
        _ => Err(bad("10^13 yuan or more")),
    }
}

/// A `decimal128` value written out, for messages.
fn decimal_text(v: i128, scale: i8) -> String {
    match rust_decimal::Decimal::try_from_i128_with_scale(v, u32::from(scale.max(0).unsigned_abs()))
    {
        Ok(d) if scale >= 0 => d.to_string(),
        _ => format!("{v}e{}", -i32::from(scale)),
    }
}

impl CellRead for Value<'_> {
    fn text(&self) -> Result<String, Problem> {
        self.text_cow("text").map(Cow::into_owned)
    }

    fn money(&self) -> Result<Money, Problem> {
        match self {
            Value::Str(s) => money_text(s),
            Value::Int(v) if (0..FEN_LIMIT / 100).contains(v) => {
                Ok(Money::from_fen(i64::try_from(v * 100).unwrap_or(i64::MAX)))
            }
            Value::Int(v) => money_text(&v.to_string()),
            Value::Float(f) if f.is_finite() => match float_money(*f) {
                Some(m) => Ok(m),
                None => money_text(&float_text(*f)),
            },
            Value::Float(f) => Err(Problem::new(
                ErrorCode::InvalidMoney,
                format!("invalid money {f}: not a finite amount"),
            )),
            Value::Decimal(v, s) => decimal_money(*v, *s),
            Value::Bool(b) => Err(Problem::new(
                ErrorCode::InvalidMoney,
                format!("invalid money {b}: a boolean is not an amount"),
            )),
            _ => Err(self.wrong("money")),
        }
    }

    fn date(&self) -> Result<NaiveDate, Problem> {
        match self {
            Value::Date(d) => Ok(*d),
            Value::BadDate(why) => Err(Problem::new(
                ErrorCode::InvalidDate,
                format!("invalid date: {why}"),
            )),
            Value::Str(s) => date_text(s),
            _ => Err(self.wrong("a date")),
        }
    }

    fn label<E: WireEnum>(&self) -> Result<E, Problem> {
        match self {
            Value::Str(s) => label_text(s, E::from_wire),
            _ => Err(self.wrong(E::NAME)),
        }
    }

    fn boolean(&self) -> Result<bool, Problem> {
        match self {
            Value::Bool(b) => Ok(*b),
            Value::Str("true") => Ok(true),
            Value::Str("false") => Ok(false),
            Value::Str(s) => Err(Problem::new(
                ErrorCode::WrongType,
                format!("invalid boolean {s:?}: expected true or false"),
            )),
            _ => Err(self.wrong("a boolean")),
        }
    }

    fn year(&self) -> Result<i32, Problem> {
        year_of(self.integer()?)
    }

    fn grade(&self) -> Result<u8, Problem> {
        grade_of(self.integer()?, || match self {
            Value::Str(s) => (*s).to_owned(),
            Value::Int(v) => v.to_string(),
            Value::Float(f) => float_text(*f),
            other => other.kind().into_owned(),
        })
    }

    fn causes(&self) -> Result<Vec<Cause>, Problem> {
        match self {
            Value::Str(s) => causes_text(s, Cause::from_wire),
            Value::List(values, start, end) => (*start..*end)
                .enumerate()
                .map(|(i, k)| match values.get(k) {
                    Some(Value::Str(s)) => cause_item(i, s, Cause::from_wire),
                    Some(other) => Err(other.wrong("a cause").at(format!("[{i}]"))),
                    None => Err(Problem::new(
                        ErrorCode::WrongType,
                        "expected a cause, found null".to_owned(),
                    )
                    .at(format!("[{i}]"))),
                })
                .collect(),
            _ => Err(self.wrong("a list of causes")),
        }
    }

    fn exit_steps(&self) -> Result<Vec<ExitStep>, Problem> {
        match self {
            Value::Str(s) => exit_steps_text(s, ExitStepKind::from_wire),
            Value::List(values, start, end) => {
                let mut steps = Vec::with_capacity(end.saturating_sub(*start));
                for (i, k) in (*start..*end).enumerate() {
                    steps.push(exit_step_cell(values, i, k)?);
                }
                Ok(steps)
            }
            _ => Err(self.wrong("a list of step:date")),
        }
    }
}

/// Item `k` of an `exit_steps` list cell, the `i`-th of its row.
fn exit_step_cell(values: &Reader<'_>, i: usize, k: usize) -> Result<ExitStep, Problem> {
    match values.get(k) {
        Some(Value::Str(s)) => exit_step_item(i, s, ExitStepKind::from_wire),
        Some(Value::Step(step, on, row)) => {
            let step = match step.get(row) {
                Some(v) => v.label::<ExitStepKind>(),
                None => Err(missing_part("step")),
            }
            .map_err(|p| p.at(format!("[{i}].step")))?;
            let on = match on.get(row) {
                Some(v) => v.date(),
                None => Err(missing_part("on")),
            }
            .map_err(|p| p.at(format!("[{i}].on")))?;
            Ok(ExitStep { step, on })
        }
        Some(other) => Err(other.wrong("step:date").at(format!("[{i}]"))),
        None => Err(Problem::new(
            ErrorCode::WrongType,
            "expected step:date, found null".to_owned(),
        )
        .at(format!("[{i}]"))),
    }
}

fn missing_part(name: &str) -> Problem {
    Problem::new(ErrorCode::MissingField, format!("{name} is required"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text path, the reference the fast path must agree with.
    fn by_text(f: f64) -> Option<Money> {
        money_text(&float_text(f)).ok()
    }

    /// The arithmetic of 1901 to 2099 is chrono's day for day, from well
    /// before 1901 to well after 2099 (so both ends of the range are
    /// crossed), and its bounds are the dates their comments say.
    #[test]
    fn day_dates_are_chronos_day_for_day() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for d in -40_000i64..60_000 {
            let want = epoch.checked_add_signed(chrono::TimeDelta::days(d));
            assert_eq!(day_date(d), want, "day {d}");
        }
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(day_date(DAY_1901), ymd(1901, 1, 1));
        assert_eq!(day_date(DAY_2099_END), ymd(2099, 12, 31));
        assert_eq!(day_date(DAY_2099_END + 1), ymd(2100, 1, 1));
        // 2000-02-29: 30 years of 365 days and 7 leap days (1972 … 1996)
        // to 2000-01-01 = 10 957, then 31 + 28.
        assert_eq!(day_date(10_957 + 59), ymd(2000, 2, 29));
        assert_eq!(day_date(i64::from(i32::MAX)), None);
    }

    #[test]
    fn float_fen_takes_two_decimal_amounts_and_leaves_the_rest_to_the_text() {
        // 1234.5 → 123 450 fen; 0.29 × 100 is 28.999999999999996 in floats
        // but 0.29 is the double nearest 29/100 → 29 fen.
        assert_eq!(float_fen(1234.5), Some(123_450));
        assert_eq!(float_fen(0.29), Some(29));
        assert_eq!(float_fen(9_999_999_999_999.99), Some(999_999_999_999_999));
        // 0.1 + 0.2 = 0.30000000000000004: not the double nearest 0.30.
        assert_eq!(float_fen(0.1 + 0.2), None);
        assert_eq!(float_fen(0.001), None);
        assert_eq!(float_fen(1e13), None);
        assert_eq!(float_fen(-5.0), None);
        assert_eq!(float_fen(0.0), None);
    }

    /// The date a day count names, through chrono's timestamps: the
    /// reference for [`days`].
    fn by_timestamp(d: i64) -> Option<NaiveDate> {
        chrono::DateTime::from_timestamp(d.checked_mul(86_400)?, 0).map(|t| t.date_naive())
    }

    fn as_date(v: &Value<'_>) -> Option<NaiveDate> {
        match v {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    #[test]
    fn days_counts_from_1970_01_01() {
        // 50 years of 365 days plus the 12 leap days 1972…2016 = 18 262 is
        // 2020-01-01; 2020-12-31 is the 366th day of 2020: 18 262 + 365.
        assert_eq!(
            as_date(&days(18_627)),
            NaiveDate::from_ymd_opt(2020, 12, 31)
        );
        assert_eq!(as_date(&days(0)), NaiveDate::from_ymd_opt(1970, 1, 1));
        assert_eq!(as_date(&days(-1)), NaiveDate::from_ymd_opt(1969, 12, 31));
        assert!(matches!(
            days(i64::MAX),
            Value::BadDate(BadDate::OutOfRange(_))
        ));
        assert!(matches!(
            days(i64::MIN),
            Value::BadDate(BadDate::OutOfRange(_))
        ));
    }

    proptest! {
        /// The day count and chrono's timestamp arithmetic agree on every
        /// `date32` value and beyond, out-of-range days included.
        #[test]
        fn days_agrees_with_timestamps(d in prop_oneof![
            any::<i32>().prop_map(i64::from),
            -200_000_000i64..200_000_000,
            any::<i64>(),
        ]) {
            prop_assert_eq!(as_date(&days(d)), by_timestamp(d));
        }

        /// Any amount of at most two decimals below 10¹³ yuan, read from
        /// its text as a CSV reader would, comes back as its fen.
        #[test]
        fn float_fen_reads_back_every_two_decimal_amount(fen in 1i64..1_000_000_000_000_000) {
            let text = Money::from_fen(fen).to_string();
            let f: f64 = text.parse().unwrap_or(f64::NAN);
            prop_assert_eq!(float_fen(f), Some(fen), "{}", text);
        }

        /// Whenever [`whole`] answers, the text gives the same integer.
        #[test]
        fn whole_agrees_with_the_text(
            v in 0i64..2_000_000_000_000_000,
            bits in any::<u64>(),
            up in any::<bool>(),
        ) {
            #[allow(clippy::cast_precision_loss, clippy::float_arithmetic)]
            let (exact, negative) = (v as f64, -(v as f64));
            let near = if up { exact.next_up() } else { exact.next_down() };
            for f in [exact, near, f64::from_bits(bits), negative] {
                if let Some(w) = whole(f) {
                    prop_assert_eq!(integer_text(&float_text(f)).ok().flatten(), Some(w), "{}", f);
                }
            }
        }

        /// Whenever the fast path answers, the text path gives the same money.
        #[test]
        fn float_fen_agrees_with_the_shortest_text(
            bits in any::<u64>(),
            scaled in 0f64..1e13,
            fen in 1i64..1_000_000_000_000_000,
            up in any::<bool>(),
        ) {
            // A two-decimal amount and its neighbouring doubles: the near misses.
            let exact: f64 = Money::from_fen(fen).to_string().parse().unwrap_or(f64::NAN);
            let near = if up { exact.next_up() } else { exact.next_down() };
            for f in [f64::from_bits(bits), scaled, exact, near] {
                if let Some(fen) = float_fen(f) {
                    prop_assert_eq!(Some(Money::from_fen(fen)), by_text(f), "{}", f);
                }
            }
        }
    }
}
