//! A household record (interfaces.md §2.1) and its validation.

use chrono::{Datelike, NaiveDate};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::member::{Member, yes};
use super::{integer, object};
use crate::date::{serde_date, serde_opt_date};
use crate::enums::{Attribute, Cause, CreditRating, ExitStepKind, Housing, Relation, Status};
use crate::error::{ErrorCode, RecordError};
use crate::money::Money;

/// A household on the register (interfaces.md §2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    /// Household number (户编号), unique.
    pub id: CompactString,
    /// Town or township (乡镇).
    #[serde(default)]
    pub town: CompactString,
    /// Administrative village (行政村).
    #[serde(default)]
    pub village: CompactString,
    /// 贫困户属性.
    #[serde(default = "default_attribute")]
    pub attribute: Attribute,
    /// Registration status.
    #[serde(default = "default_status")]
    pub status: Status,
    /// Date identified (识别日期).
    #[serde(default, with = "serde_opt_date")]
    pub identified_on: Option<NaiveDate>,
    /// Date the exit was confirmed (销号).
    #[serde(default, with = "serde_opt_date")]
    pub exited_on: Option<NaiveDate>,
    /// Date marked as returned to poverty (返贫).
    #[serde(default, with = "serde_opt_date")]
    pub returned_on: Option<NaiveDate>,
    /// 致贫原因, the first is the main cause.
    #[serde(default)]
    pub causes: Vec<Cause>,
    /// 易地扶贫搬迁 / 生态移民 household.
    #[serde(default)]
    pub relocated: bool,
    /// The exit procedure's dated steps (domain.md §7), in input order.
    #[serde(default, deserialize_with = "object::list")]
    pub exit_steps: Vec<ExitStep>,
    /// The household's income for the assessment year.
    #[serde(default, deserialize_with = "object::one")]
    pub income: Income,
    /// The previous year's income (monitoring's "sharp drop" trigger).
    #[serde(default, deserialize_with = "object::opt")]
    pub last_year_income: Option<Income>,
    /// This year's unavoidable expenses (medical, disaster, …).
    #[serde(default)]
    pub rigid_expenses: Money,
    /// 两不愁三保障 and drinking water.
    #[serde(default, deserialize_with = "object::one")]
    pub guarantees: Guarantees,
    /// Assets, for identification checks and the dibao asset test.
    #[serde(default, deserialize_with = "object::one")]
    pub assets: Assets,
    /// Micro-credit data.
    #[serde(default, deserialize_with = "object::opt")]
    pub credit: Option<Credit>,
    /// The people on the household's register, in input order (non-empty).
    #[serde(deserialize_with = "object::list")]
    pub members: Vec<Member>,
}

fn default_attribute() -> Attribute {
    Attribute::General
}
fn default_status() -> Status {
    Status::Poor
}

/// A household's income for one year (interfaces.md §2.1); every amount
/// defaults to zero.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Income {
    /// 工资性收入.
    #[serde(default)]
    pub wage: Money,
    /// 生产经营性收入 (gross).
    #[serde(default)]
    pub operating: Money,
    /// 生产经营费用支出.
    #[serde(default)]
    pub operating_cost: Money,
    /// 财产性收入.
    #[serde(default)]
    pub property: Money,
    /// 转移性收入: recurring policy transfers other than dibao.
    #[serde(default)]
    pub transfer: Money,
    /// 低保金 received.
    #[serde(default)]
    pub dibao: Money,
    /// One-off transfers (临时救助, 慰问金): not income.
    #[serde(default)]
    pub one_off_transfer: Money,
    /// The income year as written; absent means the year the record is used
    /// for (`Y`, or `Y − 1` in `last_year_income`): see [`Income::year_or`].
    #[serde(
        default,
        deserialize_with = "integer::year",
        skip_serializing_if = "Option::is_none"
    )]
    pub year: Option<i32>,
}

impl Income {
    /// The income year, `default` when the record does not say.
    pub fn year_or(&self, default: i32) -> i32 {
        self.year.unwrap_or(default)
    }
}

/// 两不愁三保障 and drinking water; defaults: everything secured, housing safe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guarantees {
    /// 不愁吃.
    #[serde(default = "yes")]
    pub food: bool,
    /// 不愁穿.
    #[serde(default = "yes")]
    pub clothing: bool,
    /// 住房安全.
    #[serde(default = "default_housing")]
    pub housing: Housing,
    /// 饮水安全.
    #[serde(default = "yes")]
    pub drinking_water: bool,
}

fn default_housing() -> Housing {
    Housing::Safe
}

impl Default for Guarantees {
    fn default() -> Self {
        Guarantees {
            food: true,
            clothing: true,
            housing: Housing::Safe,
            drinking_water: true,
        }
    }
}

/// Assets used by identification checks and the dibao asset test; all
/// default to false / zero.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assets {
    /// A car other than a disability or farm vehicle.
    #[serde(default)]
    pub car: bool,
    /// 商品房 in a town or city.
    #[serde(default)]
    pub commercial_housing: bool,
    /// A registered business with employees.
    #[serde(default)]
    pub business: bool,
    /// A member paid by the state.
    #[serde(default)]
    pub public_employee: bool,
    /// Money and financial assets of the household.
    #[serde(default)]
    pub deposits: Money,
}

/// Micro-credit data of a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    /// Credit rating; default `none`.
    #[serde(default = "default_rating")]
    pub rating: CreditRating,
    /// Poverty micro-credit already outstanding; default 0.
    #[serde(default)]
    pub outstanding: Money,
}

fn default_rating() -> CreditRating {
    CreditRating::None
}

impl Default for Credit {
    fn default() -> Self {
        Credit {
            rating: CreditRating::None,
            outstanding: Money::ZERO,
        }
    }
}

/// One dated step of the exit procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitStep {
    /// Which step.
    pub step: ExitStepKind,
    /// When it was taken.
    #[serde(with = "serde_date")]
    pub on: NaiveDate,
}

impl Household {
    /// A household with every field at its default (interfaces.md §2.1) and
    /// an empty id and member list: the starting point of the readers,
    /// which then fill in what the input gives.
    pub(crate) fn with_defaults() -> Household {
        Household {
            id: CompactString::default(),
            town: CompactString::default(),
            village: CompactString::default(),
            attribute: Attribute::General,
            status: Status::Poor,
            identified_on: None,
            exited_on: None,
            returned_on: None,
            causes: Vec::new(),
            relocated: false,
            exit_steps: Vec::new(),
            income: Income::default(),
            last_year_income: None,
            rigid_expenses: Money::ZERO,
            guarantees: Guarantees::default(),
            assets: Assets::default(),
            credit: None,
            members: Vec::new(),
        }
    }

    /// The date-independent validation of interfaces.md §1 that serde cannot
    /// express, in field order: a step of `exit_steps` given twice
    /// (`duplicate_exit_step`, at the second occurrence's `step`), then an
    /// empty `members` list (`empty_members`). [`parse_household`] runs it.
    /// The first of [`Household::problems`].
    ///
    /// [`parse_household`]: super::parse_household
    pub fn validate(&self) -> Result<(), RecordError> {
        match self.problems().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every problem [`Household::validate`] looks for, in its order: each
    /// repeated exit step (at every occurrence after the first), then an
    /// empty `members` list. Empty (and not allocated) for a good household.
    pub fn problems(&self) -> Vec<RecordError> {
        let mut out = Vec::new();
        // The kinds seen so far, one bit each (a kind's discriminant is its
        // place in the procedure, a handful): one pass, not a search of the
        // earlier steps for every step.
        let mut seen = 0u64;
        for (i, s) in self.exit_steps.iter().enumerate() {
            let bit = 1u64 << (s.step as u32 % 64);
            let repeated = seen & bit != 0;
            seen |= bit;
            if repeated {
                out.push(self.error(
                    ErrorCode::DuplicateExitStep,
                    format!("exit_steps[{i}].step"),
                    format!("exit step {} is given twice", s.step),
                ));
            }
        }
        if self.members.is_empty() {
            out.push(self.error(
                ErrorCode::EmptyMembers,
                "members".to_owned(),
                "members must list at least one person".to_owned(),
            ));
        }
        out
    }

    /// The validation that depends on the assessment date `as_of`
    /// (interfaces.md §1), in field order: `income.year ≠ Y`,
    /// `last_year_income.year ≠ Y − 1` (`income_year_mismatch`), and no
    /// member counted on `as_of` (`no_counted_member`, field `members`).
    pub fn check_on(&self, as_of: NaiveDate) -> Result<(), RecordError> {
        let y = as_of.year();
        if let Some(got) = self.income.year.filter(|&got| got != y) {
            return Err(self.error(
                ErrorCode::IncomeYearMismatch,
                "income.year".to_owned(),
                format!("income.year is {got} but the assessment year is {y}"),
            ));
        }
        let prev = y.saturating_sub(1);
        if let Some(got) = self
            .last_year_income
            .as_ref()
            .and_then(|i| i.year)
            .filter(|&got| got != prev)
        {
            return Err(self.error(
                ErrorCode::IncomeYearMismatch,
                "last_year_income.year".to_owned(),
                format!("last_year_income.year is {got} but the previous year is {prev}"),
            ));
        }
        if self.counted_members(as_of).next().is_none() {
            return Err(self.error(
                ErrorCode::NoCountedMember,
                "members".to_owned(),
                format!("no member is counted on {as_of} (all deceased, moved out or unborn)"),
            ));
        }
        Ok(())
    }

    fn error(&self, code: ErrorCode, field: String, message: String) -> RecordError {
        RecordError::new(code, Some(field), message).with_record_id(Some(self.id.to_string()))
    }

    /// The members counted on `d` (interfaces.md §2.2), in input order.
    pub fn counted_members(&self, d: NaiveDate) -> impl Iterator<Item = &Member> + Clone {
        self.members.iter().filter(move |m| m.counted_on(d))
    }

    /// `N`: the number of members counted on `d`.
    pub fn size_on(&self, d: NaiveDate) -> usize {
        self.counted_members(d).count()
    }

    /// The head (domain.md §0): the first counted member with relation
    /// `head`, in input order.
    pub fn head(&self, d: NaiveDate) -> Option<&Member> {
        self.counted_members(d)
            .find(|m| m.relation == Relation::Head)
    }

    /// The main cause of poverty (the first listed), if any.
    pub fn main_cause(&self) -> Option<Cause> {
        self.causes.first().copied()
    }
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
    use crate::date::parse_date;
    use crate::enums::Sex;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn household(members: Vec<Member>) -> Household {
        Household {
            id: "H1".into(),
            town: CompactString::default(),
            village: CompactString::default(),
            attribute: Attribute::General,
            status: Status::Poor,
            identified_on: None,
            exited_on: None,
            returned_on: None,
            causes: vec![],
            relocated: false,
            exit_steps: vec![],
            income: Income::default(),
            last_year_income: None,
            rigid_expenses: Money::ZERO,
            guarantees: Guarantees::default(),
            assets: Assets::default(),
            credit: None,
            members,
        }
    }

    fn member(id: &str, relation: Relation) -> Member {
        let mut m = Member::new(id, Sex::Male, d("1970-05-05"));
        m.relation = relation;
        m
    }

    #[test]
    fn the_head_is_the_first_counted_member_with_relation_head() {
        let mut gone = member("P1", Relation::Head);
        gone.deceased_on = Some(d("2020-03-01"));
        let h = household(vec![
            gone,
            member("P2", Relation::Spouse),
            member("P3", Relation::Head),
            member("P4", Relation::Head),
        ]);
        assert_eq!(h.head(d("2020-12-31")).map(|m| m.id.as_str()), Some("P3"));
        assert_eq!(h.head(d("2020-01-01")).map(|m| m.id.as_str()), Some("P1"));
        assert_eq!(h.size_on(d("2020-12-31")), 3);
        assert_eq!(
            h.counted_members(d("2020-12-31"))
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>(),
            ["P2", "P3", "P4"]
        );
        assert!(
            household(vec![member("P1", Relation::Spouse)])
                .head(d("2020-12-31"))
                .is_none()
        );
    }

    #[test]
    fn check_on_reports_no_counted_member() {
        let mut m = member("P1", Relation::Head);
        m.moved_out_on = Some(d("2020-12-31"));
        let h = household(vec![m]);
        assert!(h.check_on(d("2020-12-30")).is_ok());
        let e = h.check_on(d("2020-12-31")).unwrap_err();
        assert_eq!(e.code, ErrorCode::NoCountedMember);
        assert_eq!(e.field.as_deref(), Some("members"));
        assert_eq!(e.record_id.as_deref(), Some("H1"));
    }

    #[test]
    fn check_on_compares_income_years_with_the_assessment_year() {
        let mut h = household(vec![member("P1", Relation::Head)]);
        h.income.year = Some(2020);
        h.last_year_income = Some(Income {
            year: Some(2019),
            ..Income::default()
        });
        assert!(h.check_on(d("2020-12-31")).is_ok());
        let e = h.check_on(d("2021-01-01")).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::IncomeYearMismatch, Some("income.year"))
        );
        h.income.year = None;
        let e = h.check_on(d("2021-01-01")).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::IncomeYearMismatch, Some("last_year_income.year"))
        );
        h.last_year_income = Some(Income::default());
        assert!(h.check_on(d("2021-01-01")).is_ok());
    }

    proptest::proptest! {
        /// The one-pass test of repeated steps lists the same steps as
        /// searching each step's earlier steps for its kind.
        #[test]
        fn repeated_steps_in_one_pass_are_those_an_earlier_step_repeats(
            kinds in proptest::collection::vec(0..<ExitStepKind as crate::enums::WireEnum>::ALL.len(), 0..12)
        ) {
            use crate::enums::WireEnum;
            let mut h = household(vec![member("P1", Relation::Head)]);
            h.exit_steps = kinds
                .iter()
                .filter_map(|&k| ExitStepKind::ALL.get(k))
                .map(|&step| ExitStep { step, on: NaiveDate::MIN })
                .collect();
            let want: Vec<String> = (0..h.exit_steps.len())
                .filter(|&i| h.exit_steps[..i].iter().any(|e| e.step == h.exit_steps[i].step))
                .map(|i| format!("exit_steps[{i}].step"))
                .collect();
            let got: Vec<String> = h
                .problems()
                .into_iter()
                .filter(|e| e.code == ErrorCode::DuplicateExitStep)
                .filter_map(|e| e.field)
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn validate_finds_the_second_occurrence_of_an_exit_step() {
        let mut h = household(vec![member("P1", Relation::Head)]);
        let step = |step, on| ExitStep { step, on: d(on) };
        h.exit_steps = vec![
            step(ExitStepKind::Proposed, "2020-03-01"),
            step(ExitStepKind::Verified, "2020-03-05"),
            step(ExitStepKind::Proposed, "2020-03-09"),
        ];
        let e = h.validate().unwrap_err();
        assert_eq!(e.code, ErrorCode::DuplicateExitStep);
        assert_eq!(e.field.as_deref(), Some("exit_steps[2].step"));
        h.exit_steps.truncate(2);
        assert!(h.validate().is_ok());
        h.members.clear();
        assert_eq!(h.validate().unwrap_err().code, ErrorCode::EmptyMembers);
    }
}
