//! The error type of `fupin-core`.
//!
//! One public [`Error`] built from per-area enums and structs: a bad input
//! record ([`RecordError`], with the stable codes of interfaces.md §4), a bad
//! or incomplete policy ([`PolicyError`]) and arithmetic that left the range of
//! exact decimals ([`ArithmeticError`]). Every error carries structured
//! context (record id, field, parameter name and date) and every message has
//! personal data masked already, so printing an error is always safe.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

/// Every error `fupin-core` returns.
///
/// Deliberately not `#[non_exhaustive]`: the Python bindings convert it in
/// one exhaustive `match`, so a new variant fails to compile there until it
/// is mapped to a Python exception.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// An input record could not be read or validated.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A policy could not be loaded, or a parameter is missing on a date.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// Exact decimal arithmetic overflowed.
    #[error(transparent)]
    Arithmetic(#[from] ArithmeticError),
}

impl Error {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Record(e) => e.code.as_str(),
            Error::Policy(e) => e.code(),
            Error::Arithmetic(_) => "arithmetic_overflow",
        }
    }
}

/// The stable codes of a per-record validation error (interfaces.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The line is not valid UTF-8.
    InvalidUtf8,
    /// The line is not valid JSON (RFC 8259), or not a JSON object.
    InvalidJson,
    /// A field that the record shape does not have.
    UnknownField,
    /// A key given twice in one object.
    DuplicateField,
    /// A required field is absent.
    MissingField,
    /// A value of the wrong JSON type (including `null` where no default is null).
    WrongType,
    /// A string that is not one of the enum's values.
    InvalidEnum,
    /// A date that is not a valid `YYYY-MM-DD`.
    InvalidDate,
    /// An integer written with a fraction or exponent, or out of range of its type.
    InvalidInteger,
    /// Money not matching `[0-9]+(\.[0-9]{1,2})?`, negative, or ≥ 10¹³ yuan.
    InvalidMoney,
    /// A value outside its allowed range (`disability_grade` outside 1–4).
    OutOfRange,
    /// A household with an empty `members` list.
    EmptyMembers,
    /// A household with no member counted on `as_of`.
    NoCountedMember,
    /// The same exit step given twice.
    DuplicateExitStep,
    /// `income.year ≠ Y` or `last_year_income.year ≠ Y − 1`.
    IncomeYearMismatch,
    /// A claim with `in_policy_cost > total_cost`.
    InPolicyCostExceedsTotal,
    /// A claim with `total_cost = 0`.
    ZeroTotalCost,
    /// A claim id already settled in this run or in the resumed ledger.
    DuplicateClaimId,
    /// A parameter has no value in force on the record's date.
    ParameterNotInForce,
}

impl ErrorCode {
    /// Every code, in the order interfaces.md §4 lists them.
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::InvalidUtf8,
        ErrorCode::InvalidJson,
        ErrorCode::UnknownField,
        ErrorCode::DuplicateField,
        ErrorCode::MissingField,
        ErrorCode::WrongType,
        ErrorCode::InvalidEnum,
        ErrorCode::InvalidDate,
        ErrorCode::InvalidInteger,
        ErrorCode::InvalidMoney,
        ErrorCode::OutOfRange,
        ErrorCode::EmptyMembers,
        ErrorCode::NoCountedMember,
        ErrorCode::DuplicateExitStep,
        ErrorCode::IncomeYearMismatch,
        ErrorCode::InPolicyCostExceedsTotal,
        ErrorCode::ZeroTotalCost,
        ErrorCode::DuplicateClaimId,
        ErrorCode::ParameterNotInForce,
    ];

    /// The code's wire slug, e.g. `"invalid_money"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::DuplicateField => "duplicate_field",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::InvalidEnum => "invalid_enum",
            ErrorCode::InvalidDate => "invalid_date",
            ErrorCode::InvalidInteger => "invalid_integer",
            ErrorCode::InvalidMoney => "invalid_money",
            ErrorCode::OutOfRange => "out_of_range",
            ErrorCode::EmptyMembers => "empty_members",
            ErrorCode::NoCountedMember => "no_counted_member",
            ErrorCode::DuplicateExitStep => "duplicate_exit_step",
            ErrorCode::IncomeYearMismatch => "income_year_mismatch",
            ErrorCode::InPolicyCostExceedsTotal => "in_policy_cost_exceeds_total",
            ErrorCode::ZeroTotalCost => "zero_total_cost",
            ErrorCode::DuplicateClaimId => "duplicate_claim_id",
            ErrorCode::ParameterNotInForce => "parameter_not_in_force",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ErrorCode {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        ErrorCode::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(())
    }
}

/// A record that could not be read or validated (interfaces.md §1, §4).
///
/// `message` never contains an unmasked identity number or name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RecordError {
    /// The stable code.
    pub code: ErrorCode,
    /// The record's top-level `id`, when it could be read.
    pub record_id: Option<String>,
    /// The dotted path of the field (`members[2].birth_date`), if any.
    pub field: Option<String>,
    /// A human-readable message, personal data masked.
    pub message: String,
}

impl RecordError {
    /// A new error without a record id. Anything in `message` shaped like an
    /// identity number is masked ([`crate::mask::mask_id_numbers_in`]): a
    /// message may quote a bad value, and an identity number typed into the
    /// wrong field is still personal data.
    pub fn new(code: ErrorCode, field: Option<String>, message: impl Into<String>) -> Self {
        RecordError {
            code,
            record_id: None,
            field,
            message: crate::mask::mask_id_numbers_in(&message.into()),
        }
    }

    /// The same error with the record id set.
    pub fn with_record_id(mut self, id: Option<String>) -> Self {
        self.record_id = id;
        self
    }

    /// The same error with its field path nested under `prefix`
    /// (`members[2]` + `birth_date` → `members[2].birth_date`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = Some(match self.field.take() {
            Some(f) if f.starts_with('[') => format!("{prefix}{f}"),
            Some(f) => format!("{prefix}.{f}"),
            None => prefix.to_owned(),
        });
        self
    }
}

/// Exact decimal arithmetic left the representable range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("arithmetic overflow in {operation}")]
pub struct ArithmeticError {
    /// What was being computed.
    pub operation: &'static str,
}

/// A policy that could not be loaded or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The policy text is not valid TOML or not the policy shape.
    #[error("policy {policy}: {message}")]
    Syntax {
        /// Policy name or file.
        policy: String,
        /// What is wrong.
        message: String,
    },
    /// No built-in policy of this name, or the file could not be read.
    #[error("unknown policy {name:?}")]
    UnknownPolicy {
        /// The name asked for.
        name: String,
    },
    /// `extends` chains back to itself.
    #[error("policy {policy}: extends cycle through {name:?}")]
    ExtendsCycle {
        /// Policy name or file.
        policy: String,
        /// The policy seen twice.
        name: String,
    },
    /// A parameter name that fupin does not know.
    #[error("policy {policy}: unknown parameter {name:?}")]
    UnknownParameter {
        /// Policy name or file.
        policy: String,
        /// The unknown name.
        name: String,
    },
    /// A policy without `extends` that does not define a parameter.
    #[error("policy {policy}: parameter {name:?} is not defined")]
    MissingParameter {
        /// Policy name or file.
        policy: String,
        /// The missing parameter.
        name: String,
    },
    /// A value that is not of the parameter's type, or not valid for it.
    #[error("policy {policy}: parameter {name:?} on {date}: {message}")]
    InvalidValue {
        /// Policy name or file.
        policy: String,
        /// The parameter.
        name: String,
        /// The start date of the bad value (or the bad date text itself).
        date: String,
        /// What is wrong.
        message: String,
    },
    /// The parameter has no value in force on the date (it precedes the first value).
    #[error("parameter {name:?} has no value in force on {date}")]
    NotInForce {
        /// The parameter.
        name: String,
        /// The date asked for.
        date: NaiveDate,
    },
    /// The dibao standard is below the exit poverty line on a date
    /// (两线合一, domain.md §4).
    #[error(
        "policy {policy}: two lines in one broken on {date}: dibao.standard_annual = {standard} \
         is below poverty_line.exit = {line}"
    )]
    TwoLinesInOne {
        /// Policy name or file.
        policy: String,
        /// The first date on which it breaks.
        date: NaiveDate,
        /// `dibao.standard_annual` on that date.
        standard: String,
        /// `poverty_line.exit` on that date.
        line: String,
    },
}

impl PolicyError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::Syntax { .. } => "policy_syntax",
            PolicyError::UnknownPolicy { .. } => "unknown_policy",
            PolicyError::ExtendsCycle { .. } => "extends_cycle",
            PolicyError::UnknownParameter { .. } => "unknown_parameter",
            PolicyError::MissingParameter { .. } => "missing_parameter",
            PolicyError::InvalidValue { .. } => "invalid_parameter_value",
            PolicyError::NotInForce { .. } => "parameter_not_in_force",
            PolicyError::TwoLinesInOne { .. } => "two_lines_in_one",
        }
    }

    /// The parameter this error names, if any.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            PolicyError::UnknownParameter { name, .. }
            | PolicyError::MissingParameter { name, .. }
            | PolicyError::InvalidValue { name, .. }
            | PolicyError::NotInForce { name, .. } => Some(name),
            PolicyError::TwoLinesInOne { .. } => Some("dibao.standard_annual"),
            _ => None,
        }
    }
}

impl From<PolicyError> for RecordError {
    /// A parameter missing on a record's date is that record's error
    /// `parameter_not_in_force` (domain.md §0).
    fn from(e: PolicyError) -> Self {
        RecordError::new(ErrorCode::ParameterNotInForce, None, e.to_string())
    }
}

/// Marker that tags a serde custom error with one of our codes, so the
/// structured code survives serde's string-only error channel.
const TAG: char = '\u{1f}';

/// Encodes `code` and `message` into a serde custom-error message.
pub(crate) fn tag_serde_message(code: ErrorCode, message: &str) -> String {
    format!("{TAG}{}{TAG}{message}", code.as_str())
}

/// Decodes a message made by [`tag_serde_message`].
pub(crate) fn untag_serde_message(msg: &str) -> Option<(ErrorCode, &str)> {
    let rest = msg.strip_prefix(TAG)?;
    let (code, message) = rest.split_once(TAG)?;
    Some((code.parse().ok()?, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_slug() {
        for c in ErrorCode::ALL {
            assert_eq!(c.as_str().parse::<ErrorCode>(), Ok(c));
        }
        assert_eq!("no_such_code".parse::<ErrorCode>(), Err(()));
    }

    #[test]
    fn a_tagged_serde_message_decodes_to_its_code() {
        let m = tag_serde_message(ErrorCode::InvalidMoney, "bad \"1.234\"");
        assert_eq!(
            untag_serde_message(&m),
            Some((ErrorCode::InvalidMoney, "bad \"1.234\""))
        );
        assert_eq!(untag_serde_message("invalid type: null"), None);
    }

    #[test]
    fn within_nests_a_field_path() {
        let e = RecordError::new(ErrorCode::InvalidDate, Some("birth_date".into()), "x");
        assert_eq!(
            e.within("members[2]").field.as_deref(),
            Some("members[2].birth_date")
        );
        let e = RecordError::new(ErrorCode::EmptyMembers, None, "x");
        assert_eq!(e.within("members").field.as_deref(), Some("members"));
    }
}
