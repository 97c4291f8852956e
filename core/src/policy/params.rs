//! The catalogue of parameters: every dotted name of domain.md §9, in the
//! table's order, with its type and the range its values must lie in.
//!
//! Validation chosen here (the spec only says "a rate never exceeds 1"):
//!
//! * every decimal is ≥ 0;
//! * a [`DecimalRange::Ratio`] — rates, uplifts, the poor-patient deductible
//!   factors, `monitoring.income_drop_ratio`, `backstop.self_pay_ratio`, the
//!   incidence/wrong-exit/missed maxima and the satisfaction minimum, the
//!   rates of `basic.rate` and of `critical.brackets` — lies within 0..=1;
//!   `monitoring.income_factor` (1.5) and `credit.leverage` (10) are
//!   multipliers, not ratios, and are only ≥ 0;
//! * integers (ages, days, months) lie within 0..=[`MAX_INTEGER`];
//! * cross-parameter orderings (`compulsory_age_min ≤ compulsory_age_max`,
//!   …) are not checked, except two lines in one (domain.md §4).

/// The largest integer a parameter may take (no age, day or month count
/// comes near it).
pub const MAX_INTEGER: i64 = 1000;

/// The range a decimal parameter's values must lie in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalRange {
    /// Any decimal ≥ 0 (money, multipliers).
    NonNegative,
    /// A ratio within 0..=1 (rates, uplifts, factors, shares).
    Ratio,
}

/// The type of a parameter's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// An exact decimal, written as a TOML string (`"0.10"`) or integer.
    Decimal(DecimalRange),
    /// A whole number within 0..=[`MAX_INTEGER`], written as a TOML integer.
    Integer,
    /// A TOML boolean.
    Bool,
    /// A date written as the string `"YYYY-MM-DD"`.
    Date,
    /// One of the listed strings.
    Choice(&'static [&'static str]),
    /// A table of decimals keyed by every hospital level.
    HospitalTable(DecimalRange),
    /// A table of decimals keyed by the credit ratings `excellent`, `good`, `fair`.
    CreditTable(DecimalRange),
    /// A bracket list `[{ from, rate }, …]`.
    Brackets,
}

impl ParamKind {
    /// A short description for messages (`"a decimal within 0..=1"`).
    pub fn describe(self) -> String {
        match self {
            ParamKind::Decimal(DecimalRange::NonNegative) => {
                "a non-negative decimal written as a string (\"5000\")".into()
            }
            ParamKind::Decimal(DecimalRange::Ratio) => {
                "a decimal within 0..=1 written as a string (\"0.10\")".into()
            }
            ParamKind::Integer => format!("an integer within 0..={MAX_INTEGER}"),
            ParamKind::Bool => "a boolean".into(),
            ParamKind::Date => "a date string \"YYYY-MM-DD\"".into(),
            ParamKind::Choice(options) => format!("one of {}", quoted(options)),
            ParamKind::HospitalTable(_) => {
                "a table with keys township, county, city, provincial, out_of_region".into()
            }
            ParamKind::CreditTable(_) => "a table with keys excellent, good, fair".into(),
            ParamKind::Brackets => "a list of { from, rate } tables".into(),
        }
    }
}

fn quoted(options: &[&str]) -> String {
    options
        .iter()
        .map(|o| format!("{o:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The area of the rules a parameter belongs to, which fixes when it is
/// looked up (domain.md §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Looked up on `as_of` for every household (domain.md §1–§4, §6, §7).
    Household,
    /// Looked up on `admitted_on` for every claim (domain.md §5).
    Claim,
    /// Used by county statistics (domain.md §8).
    Statistics,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The stable dotted name.
    pub name: &'static str,
    /// The type of its values.
    pub kind: ParamKind,
    /// When it is looked up.
    pub group: Group,
}

const NN: ParamKind = ParamKind::Decimal(DecimalRange::NonNegative);
const RATIO: ParamKind = ParamKind::Decimal(DecimalRange::Ratio);
const INT: ParamKind = ParamKind::Integer;

const fn p(name: &'static str, kind: ParamKind, group: Group) -> ParamSpec {
    ParamSpec { name, kind, group }
}

use Group::{Claim as C, Household as H, Statistics as S};

/// Every parameter, in the order of domain.md §9.
pub const CATALOGUE: &[ParamSpec] = &[
    p("poverty_line.exit", NN, H),
    p("poverty_line.statistical", NN, H),
    p("monitoring.income_factor", NN, H),
    p("monitoring.income_drop_ratio", RATIO, H),
    p("education.compulsory_age_min", INT, H),
    p("education.compulsory_age_max", INT, H),
    p("exit.publicity_days", INT, H),
    p("exit.village_incidence_max", RATIO, S),
    p("dibao.standard_annual", NN, H),
    p("dibao.deposit_months", INT, H),
    p(
        "basic.deductible",
        ParamKind::HospitalTable(DecimalRange::NonNegative),
        C,
    ),
    p(
        "basic.rate",
        ParamKind::HospitalTable(DecimalRange::Ratio),
        C,
    ),
    p("basic.poor_deductible_factor", RATIO, C),
    p("basic.poor_rate_uplift", RATIO, C),
    p("basic.annual_cap", NN, C),
    p("critical.deductible", NN, C),
    p("critical.poor_deductible_factor", RATIO, C),
    p("critical.poor_rate_uplift", RATIO, C),
    p("critical.brackets", ParamKind::Brackets, C),
    p("critical.annual_cap", NN, C),
    p("supplementary.deductible", NN, C),
    p("supplementary.rate", RATIO, C),
    p("supplementary.annual_cap", NN, C),
    p("assistance.rate", RATIO, C),
    p("assistance.major_illness_uplift", RATIO, C),
    p("assistance.annual_ceiling", NN, C),
    p("assistance.major_illness_annual_ceiling", NN, C),
    p("backstop.enabled", ParamKind::Bool, C),
    p("backstop.self_pay_ratio", RATIO, C),
    p("backstop.annual_self_pay_cap", NN, C),
    p("backstop.cap_mode", ParamKind::Choice(&["min", "max"]), C),
    p("insurance.accident_premium", NN, H),
    p("insurance.supplementary_premium", NN, H),
    p("elderly.monthly_75_79", NN, H),
    p("elderly.monthly_80_plus", NN, H),
    p("veterans.monthly", NN, H),
    p("veterans.min_age", INT, H),
    p("elderly.band_75_min_age", INT, H),
    p("elderly.band_80_min_age", INT, H),
    p("credit.labor_min_age", INT, H),
    p("exit.county_incidence_max", RATIO, S),
    p("exit.county_wrong_exit_max", RATIO, S),
    p("exit.county_missed_max", RATIO, S),
    p("exit.county_satisfaction_min", RATIO, S),
    p("education.preschool_fee_waiver", NN, H),
    p("education.preschool_meal", NN, H),
    p("education.boarding_primary", NN, H),
    p("education.boarding_junior", NN, H),
    p("education.senior_grant", NN, H),
    p("education.vocational_grant", NN, H),
    p("education.yulu", NN, H),
    p("credit.max_principal", NN, H),
    p("credit.min_age", INT, H),
    p("credit.max_age", INT, H),
    p(
        "credit.line",
        ParamKind::CreditTable(DecimalRange::NonNegative),
        H,
    ),
    p("credit.leverage", NN, H),
    p("credit.marginal_from", ParamKind::Date, H),
    p("identification.deposit_limit_per_capita", NN, H),
];

/// The catalogue index of a parameter name, or `None` for an unknown name.
pub fn index_of(name: &str) -> Option<usize> {
    CATALOGUE.iter().position(|s| s.name == name)
}

/// The catalogue entry of a parameter name, or `None` for an unknown name.
pub fn spec(name: &str) -> Option<&'static ParamSpec> {
    CATALOGUE.iter().find(|s| s.name == name)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_dotted() {
        for (i, s) in CATALOGUE.iter().enumerate() {
            assert_eq!(index_of(s.name), Some(i), "{} is listed twice", s.name);
            assert!(s.name.contains('.'), "{}", s.name);
        }
        assert_eq!(CATALOGUE.len(), 58);
    }
}
