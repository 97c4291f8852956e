//! Reading one JSON Lines record into a [`Household`] or a [`Claim`], with
//! the error line's code, field path, record id and a masked message
//! (interfaces.md §4).
//!
//! A good line costs one UTF-8 check, one `serde_json::from_str` plus the cheap checks of
//! `validate`. Only a line that fails is read again: as a
//! `serde_json::Value` (syntax, record id, personal values to mask) and with
//! `serde_path_to_error` (the field path).

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

use super::{Claim, Household};
use crate::error::{ErrorCode, RecordError, untag_serde_message};
use crate::mask::Scrubber;

/// Reads a household line (interfaces.md §2.1) and runs its date-independent
/// validation ([`Household::validate`]). The date-dependent checks are
/// [`Household::check_on`].
///
/// ```
/// use fupin_core::{ErrorCode, parse_household};
/// let h = parse_household(br#"{"id":"H1","members":[{"id":"P1","sex":"male","birth_date":"1980-01-01"}]}"#).unwrap();
/// assert_eq!(h.members[0].id, "P1");
/// let e = parse_household(br#"{"id":"H2","members":[{"id":"P1","sex":"male","birth_date":"1980-02-30"}]}"#).unwrap_err();
/// assert_eq!(e.code, ErrorCode::InvalidDate);
/// assert_eq!(e.field.as_deref(), Some("members[0].birth_date"));
/// assert_eq!(e.record_id.as_deref(), Some("H2"));
/// ```
pub fn parse_household(line: &[u8]) -> Result<Household, RecordError> {
    // The hand-written reader takes the common simple line; anything it does
    // not fully understand goes through serde, which also explains errors.
    let h: Household = match super::fast::parse_household(line) {
        Some(h) => h,
        None => parse_record(line)?,
    };
    h.validate()?;
    Ok(h)
}

/// Reads a claim line (interfaces.md §2.3) and runs [`Claim::validate`].
pub fn parse_claim(line: &[u8]) -> Result<Claim, RecordError> {
    let c: Claim = parse_record(line)?;
    c.validate()?;
    Ok(c)
}

/// Reads one JSON object of type `T` from a line (without its newline),
/// turning every failure into a [`RecordError`] with the codes of
/// interfaces.md §4: `invalid_utf8`, `invalid_json` (also for a value that is
/// not an object, and trailing garbage), `unknown_field`, `duplicate_field`,
/// `missing_field`, `wrong_type`, or the code a field's own reader chose
/// (`invalid_enum`, `invalid_date`, `invalid_money`, `invalid_integer`,
/// `out_of_range`). The error's `record_id` is the top-level string `id`
/// whenever the line is syntactically valid JSON (the last one if repeated).
///
/// Leading and trailing JSON whitespace is allowed; a byte-order mark is not
/// (the caller strips it from the start of a file).
pub fn parse_record<T: DeserializeOwned>(line: &[u8]) -> Result<T, RecordError> {
    let first = line
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    // Validating UTF-8 once for the whole line is much cheaper than
    // serde_json's check of every string of a byte slice.
    if first == Some(&b'{')
        && let Ok(text) = std::str::from_utf8(line)
        && let Ok(v) = serde_json::from_str(text)
    {
        return Ok(v);
    }
    diagnose(line)
}

/// The slow path: reads the line again to say exactly what is wrong.
#[cold]
fn diagnose<T: DeserializeOwned>(line: &[u8]) -> Result<T, RecordError> {
    let (text, value) = read_object(line)?;
    locate(text, &Context::new(value)).map_err(|p| p.error)
}

/// Checks that a line is UTF-8 text holding one JSON object, and returns the
/// text and the object as a [`Value`]; otherwise the `invalid_utf8` or
/// `invalid_json` error of [`parse_record`].
pub(super) fn read_object(line: &[u8]) -> Result<(&str, Value), RecordError> {
    let text = std::str::from_utf8(line).map_err(|e| {
        RecordError::new(
            ErrorCode::InvalidUtf8,
            None,
            format!(
                "the line is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| RecordError::new(ErrorCode::InvalidJson, None, syntax_message(&e)))?;
    if !value.is_object() {
        return Err(RecordError::new(
            ErrorCode::InvalidJson,
            None,
            format!("expected a JSON object, found {}", json_kind(&value)),
        ));
    }
    Ok((text, value))
}

/// What the errors of one line are told about the line as it was read: its
/// record id and the personal values to mask. [`locate`] takes it apart
/// from the text so that a repaired copy of the line (see
/// [`super::problems`]) gets the original's id and masking.
pub(super) struct Context {
    record_id: Option<String>,
    record: Value,
}

impl Context {
    /// The context of a record read as `record` (a JSON object).
    pub(super) fn new(record: Value) -> Context {
        let record_id = record.get("id").and_then(Value::as_str).map(str::to_owned);
        Context { record_id, record }
    }

    /// The record id errors of this line carry.
    pub(super) fn record_id(&self) -> Option<&str> {
        self.record_id.as_deref()
    }
}

/// One step of a path into a record's JSON tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// The value of this key of an object.
    Key(String),
    /// This element of a list.
    Index(usize),
}

/// A problem found by [`locate`]: the error, and where it lies in the tree
/// (the steps of its `field`), when serde could name every step.
pub(super) struct Located {
    pub(super) error: RecordError,
    pub(super) at: Option<Vec<Step>>,
}

/// Deserializes `text` (one JSON object) as a `T`, or says what the first
/// problem is: code, field path, masked message and the context's record id.
pub(super) fn locate<T: DeserializeOwned>(text: &str, ctx: &Context) -> Result<T, Located> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let (mut error, at) = classify(&e);
        error.message = scrub(&error.message, &ctx.record);
        Located {
            error: error.with_record_id(ctx.record_id.clone()),
            at,
        }
    })
}

/// serde_path_to_error's path as [`Step`]s; `None` if a segment is unnamed.
fn steps<'a>(segments: impl IntoIterator<Item = &'a Segment>) -> Option<Vec<Step>> {
    segments
        .into_iter()
        .map(|segment| match segment {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// What kind of JSON value this is, for messages.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The dotted path of interfaces.md §4 (`members[2].birth_date`), leaving out
/// segments serde_path_to_error could not name.
fn dotted<'a>(segments: impl IntoIterator<Item = &'a Segment>) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// `container.key`, or `key` at the top level.
fn join(container: &str, key: &str) -> String {
    if container.is_empty() {
        key.to_owned()
    } else {
        format!("{container}.{key}")
    }
}

/// Splits serde_json's ` at line L column C` suffix off a message: a record
/// is one line, so only the column can help (and the field path says where).
fn split_position(message: &str) -> (&str, Option<&str>) {
    if let Some((head, tail)) = message.rsplit_once(" at line ") {
        let numeric = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if let Some((line, column)) = tail.split_once(" column ")
            && numeric(line)
            && numeric(column)
        {
            return (head, Some(column));
        }
    }
    (message, None)
}

/// serde_json's message of a syntax error, with the column but not the line.
fn syntax_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match split_position(&text) {
        (head, Some(column)) => format!("not valid JSON: {head} at column {column}"),
        (head, None) => format!("not valid JSON: {head}"),
    }
}

/// The text between the first pair of backquotes (serde's ``field `x` ``).
fn quoted_key(rest: &str) -> Option<&str> {
    let start = rest.find('`')?;
    let after = rest.get(start + 1..)?;
    after.get(..after.find('`')?)
}

/// Maps a serde error to our code, field path and message, and the steps
/// to the field (`None` for a syntax error or an unnamed step).
fn classify(e: &serde_path_to_error::Error<serde_json::Error>) -> (RecordError, Option<Vec<Step>>) {
    let segments: Vec<&Segment> = e.path().iter().collect();
    let path = dotted(segments.iter().copied());
    let raw_owned = e.inner().to_string();
    let (raw, _) = split_position(&raw_owned);
    let at = |p: &str| {
        if p.is_empty() {
            String::new()
        } else {
            format!("{p}: ")
        }
    };

    if let Some((code, message)) = untag_serde_message(raw) {
        return (
            RecordError::new(code, Some(path.clone()), format!("{}{message}", at(&path))),
            steps(segments.iter().copied()),
        );
    }
    if e.inner().is_syntax() || e.inner().is_eof() {
        return (
            RecordError::new(ErrorCode::InvalidJson, None, syntax_message(e.inner())),
            None,
        );
    }
    for (prefix, code) in [
        ("unknown field", ErrorCode::UnknownField),
        ("duplicate field", ErrorCode::DuplicateField),
        ("missing field", ErrorCode::MissingField),
    ] {
        if raw.starts_with(prefix)
            && let Some(key) = quoted_key(raw)
        {
            // The path names the object, or already ends with the key (an
            // unknown key is recorded before it is refused).
            let (container, field, location) = match segments.split_last() {
                Some((Segment::Map { key: last }, rest)) if last == key => (
                    dotted(rest.iter().copied()),
                    path.clone(),
                    steps(segments.iter().copied()),
                ),
                _ => (
                    path.clone(),
                    join(&path, key),
                    steps(segments.iter().copied()).map(|mut s| {
                        s.push(Step::Key(key.to_owned()));
                        s
                    }),
                ),
            };
            return (
                RecordError::new(code, Some(field), format!("{}{raw}", at(&container))),
                location,
            );
        }
    }
    let expected = raw.rsplit_once(", expected ").map(|(_, exp)| exp);
    let (code, found) = if let Some(rest) = raw.strip_prefix("invalid type: ") {
        (
            ErrorCode::WrongType,
            rest.split_once(", expected ").map_or(rest, |(u, _)| u),
        )
    } else if let Some(rest) = raw.strip_prefix("invalid value: ") {
        (
            ErrorCode::WrongType,
            rest.split_once(", expected ").map_or(rest, |(u, _)| u),
        )
    } else if raw.starts_with("invalid length ") {
        (ErrorCode::WrongType, "a list of another length")
    } else if raw.starts_with("unknown variant") {
        (ErrorCode::InvalidEnum, "another value")
    } else {
        return (
            RecordError::new(
                ErrorCode::WrongType,
                Some(path.clone()),
                format!("{}{raw}", at(&path)),
            ),
            steps(segments.iter().copied()),
        );
    };
    // Never echo the value itself: it may be personal data in the wrong place.
    let message = match expected {
        Some(exp) => format!(
            "{}expected {}, found {}",
            at(&path),
            friendly(exp),
            kind_of(found)
        ),
        None => format!("{}unexpected {}", at(&path), kind_of(found)),
    };
    (
        RecordError::new(code, Some(path), message),
        steps(segments.iter().copied()),
    )
}

/// serde's words for what it expected, in the words of the spec.
fn friendly(expected: &str) -> &str {
    match expected {
        "a sequence" => "a list",
        "a map" => "an object",
        _ => expected,
    }
}

/// The kind of an unexpected value from serde's description of it, without
/// the value (`string "…"` → `a string`).
fn kind_of(unexpected: &str) -> &'static str {
    let word = unexpected.split([' ', '`', '"']).next().unwrap_or("");
    match word {
        "string" | "char" => "a string",
        "integer" | "floating" | "number" => "a number",
        "boolean" => "a boolean",
        "unit" | "null" => "null",
        "map" => "an object",
        "sequence" => "a list",
        _ => "another kind of value",
    }
}

/// Replaces every identity number and name of the record that occurs in
/// `message` by its masked form (interfaces.md §4): the last line of defence
/// for text serde wrote.
fn scrub(message: &str, record: &Value) -> String {
    let mut personal = Scrubber::default();
    collect_personal(record, &mut personal, 0);
    personal.apply(message)
}

/// Depth guard for [`collect_personal`] (serde_json refuses deeper input).
const MAX_DEPTH: usize = 256;

fn collect_personal(v: &Value, out: &mut Scrubber, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let mask: Option<fn(&mut Scrubber, &str)> = match k.as_str() {
                    "id_number" => Some(Scrubber::id_number),
                    "name" => Some(Scrubber::name),
                    _ => None,
                };
                if let Some(mask) = mask {
                    collect_values(v, mask, out, depth + 1);
                }
                collect_personal(v, out, depth + 1);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_personal(item, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Every scalar under a personal field, with its masked form. Values of one
/// character are left alone: their mask shows that character anyway.
fn collect_values(v: &Value, mask: fn(&mut Scrubber, &str), out: &mut Scrubber, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let raw = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            for item in items {
                collect_values(item, mask, out, depth + 1);
            }
            return;
        }
        Value::Object(map) => {
            for item in map.values() {
                collect_values(item, mask, out, depth + 1);
            }
            return;
        }
        Value::Null | Value::Bool(_) => return,
    };
    mask(out, &raw);
}
