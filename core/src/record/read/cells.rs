//! Reading one cell as each kind of field (text, money, date, enum,
//! boolean, integer), for a table cell ([`super::Cell`]); the frames' Arrow
//! cells implement the same [`CellRead`].

use chrono::{Days, NaiveDate, Timelike};

use super::lists::{causes, exit_steps};
use super::{Cell, Problem};
use crate::date::parse_date;
use crate::enums::{Cause, WireEnum};
use crate::error::ErrorCode;
use crate::money::Money;
use crate::record::ExitStep;

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
pub(super) fn kind(cell: &Cell) -> &'static str {
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
pub(super) fn text_of<'a>(cell: &'a Cell, expected: &str) -> Result<&'a str, Problem> {
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

pub(super) fn text(cell: &Cell) -> Result<String, Problem> {
    text_of(cell, "text").map(str::to_owned)
}

pub(super) fn money(cell: &Cell) -> Result<Money, Problem> {
    money_text(text_of(cell, "money")?)
}

/// Money written as text (interfaces.md §1).
pub(crate) fn money_text(t: &str) -> Result<Money, Problem> {
    Money::parse(t)
        .map_err(|e| Problem::new(ErrorCode::InvalidMoney, format!("invalid money {t:?}: {e}")))
}

/// The Excel 1900 date system: serial 1 is 1900-01-01, and serial 60 is the
/// 29 February 1900 that Excel believes in.
pub(super) fn excel_serial_date(serial: u64) -> Option<NaiveDate> {
    let base = match serial {
        0 | 60 => return None,
        1..60 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?,
    };
    base.checked_add_days(Days::new(serial))
}

pub(super) fn date(cell: &Cell) -> Result<NaiveDate, Problem> {
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

pub(super) fn label<E: WireEnum>(cell: &Cell) -> Result<E, Problem> {
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

pub(super) fn boolean(cell: &Cell) -> Result<bool, Problem> {
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
pub(super) fn integer(cell: &Cell) -> Result<Option<i64>, Problem> {
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

pub(super) fn year(cell: &Cell) -> Result<i32, Problem> {
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

pub(super) fn grade(cell: &Cell) -> Result<u8, Problem> {
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

pub(super) fn population(cell: &Cell) -> Result<u64, Problem> {
    match integer(cell)?.and_then(|v| u64::try_from(v).ok()) {
        Some(p) => Ok(p),
        None => Err(Problem::new(
            ErrorCode::OutOfRange,
            format!("population {} is not a non-negative integer", cell.shown()),
        )),
    }
}
