//! How a rule sees a household: through [`HouseholdView`] and
//! [`MemberView`], on one assessment date.
//!
//! Every rule is written once against these traits. Two kinds of household
//! implement them: an owned [`Household`] (JSON Lines, Python objects,
//! registry tables) through [`OwnedView`], and a row of the batch path's
//! typed columns ([`crate::batch`]), read where it lies, without copying a
//! string or allocating. So `fupin evaluate`, `--explain`, the Python
//! objects and the frames run the very same rule code.
//!
//! A view is a household *on `as_of`*: a member knows whether it is
//! counted that day and its completed age.

use chrono::NaiveDate;

use crate::enums::{
    Attribute, Cause, CreditRating, ExitStepKind, Health, Housing, Labor, Relation, Schooling, Sex,
    Status, WireEnum,
};
use crate::exact::Exact;
use crate::record::{Household, Income, Member};

/// How many steps the exit procedure has (domain.md §7).
pub const STEPS: usize = ExitStepKind::ALL.len();

/// The date of each exit step in procedure order (of a step given twice,
/// the first).
pub type StepDates = [Option<NaiveDate>; STEPS];

/// One year's income amounts (interfaces.md §2.1), exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncomeAmounts {
    /// 工资性收入.
    pub wage: Exact,
    /// 生产经营性收入 (gross).
    pub operating: Exact,
    /// 生产经营费用支出.
    pub operating_cost: Exact,
    /// 财产性收入.
    pub property: Exact,
    /// 转移性收入 other than dibao.
    pub transfer: Exact,
    /// 低保金 received.
    pub dibao: Exact,
}

impl IncomeAmounts {
    /// A zero income.
    pub const ZERO: IncomeAmounts = IncomeAmounts {
        wage: Exact::ZERO,
        operating: Exact::ZERO,
        operating_cost: Exact::ZERO,
        property: Exact::ZERO,
        transfer: Exact::ZERO,
        dibao: Exact::ZERO,
    };

    /// The amounts of an income record.
    pub fn of(i: &Income) -> IncomeAmounts {
        IncomeAmounts {
            wage: i.wage.into(),
            operating: i.operating.into(),
            operating_cost: i.operating_cost.into(),
            property: i.property.into(),
            transfer: i.transfer.into(),
            dibao: i.dibao.into(),
        }
    }
}

/// The assets the identification checks and the dibao asset test read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetFacts {
    /// Owns a car.
    pub car: bool,
    /// Owns commercial housing in town.
    pub commercial_housing: bool,
    /// Runs a registered business.
    pub business: bool,
    /// Has a member paid by the state.
    pub public_employee: bool,
    /// Bank deposits.
    pub deposits: Exact,
}

/// A member on one date.
pub trait MemberView {
    /// The person id.
    fn id(&self) -> &str;
    /// The identity number, if given (read in place).
    fn id_number(&self) -> Option<&str>;
    /// Relation to the head.
    fn relation(&self) -> Relation;
    /// Sex.
    fn sex(&self) -> Sex;
    /// Date of birth.
    fn birth_date(&self) -> NaiveDate;
    /// Schooling.
    fn schooling(&self) -> Schooling;
    /// Boards at school.
    fn boarding(&self) -> bool;
    /// Health.
    fn health(&self) -> Health;
    /// Labour capacity.
    fn labor(&self) -> Labor;
    /// Enrolled in basic medical insurance.
    fn medical_insurance(&self) -> bool;
    /// Flagged as a dibao recipient.
    fn dibao(&self) -> bool;
    /// A veteran.
    fn veteran(&self) -> bool;
    /// Date of death, if any.
    fn deceased_on(&self) -> Option<NaiveDate>;
    /// Counted toward household size on the view's date (interfaces.md §2.2).
    fn counted(&self) -> bool;
    /// Completed age on the view's date.
    fn age(&self) -> i64;
}

/// A household on one date: what the rules of domain.md §1–§4, §6 and §7
/// read.
pub trait HouseholdView {
    /// The member type.
    type Member<'m>: MemberView
    where
        Self: 'm;

    /// The assessment date `as_of`.
    fn as_of(&self) -> NaiveDate;
    /// Registration status.
    fn status(&self) -> Status;
    /// 贫困户属性.
    fn attribute(&self) -> Attribute;
    /// Date identified.
    fn identified_on(&self) -> Option<NaiveDate>;
    /// Date the exit was confirmed.
    fn exited_on(&self) -> Option<NaiveDate>;
    /// Date marked as returned to poverty.
    fn returned_on(&self) -> Option<NaiveDate>;
    /// The main (first) cause of poverty.
    fn main_cause(&self) -> Option<Cause>;
    /// This year's income.
    fn income(&self) -> IncomeAmounts;
    /// Last year's income, if given.
    fn last_year_income(&self) -> Option<IncomeAmounts>;
    /// This year's rigid expenses.
    fn rigid_expenses(&self) -> Exact;
    /// 不愁吃.
    fn food(&self) -> bool;
    /// 不愁穿.
    fn clothing(&self) -> bool;
    /// Housing safety.
    fn housing(&self) -> Housing;
    /// 饮水安全.
    fn drinking_water(&self) -> bool;
    /// Assets.
    fn assets(&self) -> AssetFacts;
    /// Micro-credit rating and outstanding principal, if given.
    fn credit(&self) -> Option<(CreditRating, Exact)>;
    /// The exit steps' dates in procedure order.
    fn exit_step_dates(&self) -> StepDates;
    /// Every member record, counted or not, in input order.
    fn members(&self) -> impl Iterator<Item = Self::Member<'_>>;
}

/// Members whose counting and age an [`OwnedView`] works out once (the
/// rules ask for them several times a member); beyond, on each call.
const KNOWN: usize = 16;

/// An owned [`Household`] seen on a date.
#[derive(Clone, Copy)]
pub struct OwnedView<'a> {
    /// The household.
    pub hh: &'a Household,
    /// The date.
    pub as_of: NaiveDate,
    /// Of the first [`KNOWN`] members: counted on `as_of` (a bit each), age.
    counted: u32,
    ages: [i32; KNOWN],
}

impl<'a> OwnedView<'a> {
    /// `hh` seen on `as_of`.
    pub fn new(hh: &'a Household, as_of: NaiveDate) -> Self {
        let (mut counted, mut ages) = (0u32, [0i32; KNOWN]);
        for ((i, m), age) in hh.members.iter().enumerate().zip(&mut ages) {
            counted |= u32::from(m.counted_on(as_of)) << i;
            *age = crate::date::age_on(m.birth_date, as_of);
        }
        OwnedView {
            hh,
            as_of,
            counted,
            ages,
        }
    }
}

/// An owned [`Member`] seen on a date.
#[derive(Clone, Copy)]
pub struct OwnedMember<'a> {
    /// The member.
    pub m: &'a Member,
    /// The date.
    pub as_of: NaiveDate,
    /// Counted on `as_of` and age, when the view knew them.
    known: Option<(bool, i32)>,
}

impl MemberView for OwnedMember<'_> {
    fn id(&self) -> &str {
        &self.m.id
    }
    fn id_number(&self) -> Option<&str> {
        self.m.id_number.as_ref().map(|n| n.expose())
    }
    fn relation(&self) -> Relation {
        self.m.relation
    }
    fn sex(&self) -> Sex {
        self.m.sex
    }
    fn birth_date(&self) -> NaiveDate {
        self.m.birth_date
    }
    fn schooling(&self) -> Schooling {
        self.m.schooling
    }
    fn boarding(&self) -> bool {
        self.m.boarding
    }
    fn health(&self) -> Health {
        self.m.health
    }
    fn labor(&self) -> Labor {
        self.m.labor
    }
    fn medical_insurance(&self) -> bool {
        self.m.medical_insurance
    }
    fn dibao(&self) -> bool {
        self.m.dibao
    }
    fn veteran(&self) -> bool {
        self.m.veteran
    }
    fn deceased_on(&self) -> Option<NaiveDate> {
        self.m.deceased_on
    }
    fn counted(&self) -> bool {
        match self.known {
            Some((counted, _)) => counted,
            None => self.m.counted_on(self.as_of),
        }
    }
    fn age(&self) -> i64 {
        i64::from(match self.known {
            Some((_, age)) => age,
            None => crate::date::age_on(self.m.birth_date, self.as_of),
        })
    }
}

impl HouseholdView for OwnedView<'_> {
    type Member<'m>
        = OwnedMember<'m>
    where
        Self: 'm;

    fn as_of(&self) -> NaiveDate {
        self.as_of
    }
    fn status(&self) -> Status {
        self.hh.status
    }
    fn attribute(&self) -> Attribute {
        self.hh.attribute
    }
    fn identified_on(&self) -> Option<NaiveDate> {
        self.hh.identified_on
    }
    fn exited_on(&self) -> Option<NaiveDate> {
        self.hh.exited_on
    }
    fn returned_on(&self) -> Option<NaiveDate> {
        self.hh.returned_on
    }
    fn main_cause(&self) -> Option<Cause> {
        self.hh.main_cause()
    }
    fn income(&self) -> IncomeAmounts {
        IncomeAmounts::of(&self.hh.income)
    }
    fn last_year_income(&self) -> Option<IncomeAmounts> {
        self.hh.last_year_income.as_ref().map(IncomeAmounts::of)
    }
    fn rigid_expenses(&self) -> Exact {
        self.hh.rigid_expenses.into()
    }
    fn food(&self) -> bool {
        self.hh.guarantees.food
    }
    fn clothing(&self) -> bool {
        self.hh.guarantees.clothing
    }
    fn housing(&self) -> Housing {
        self.hh.guarantees.housing
    }
    fn drinking_water(&self) -> bool {
        self.hh.guarantees.drinking_water
    }
    fn assets(&self) -> AssetFacts {
        let a = &self.hh.assets;
        AssetFacts {
            car: a.car,
            commercial_housing: a.commercial_housing,
            business: a.business,
            public_employee: a.public_employee,
            deposits: a.deposits.into(),
        }
    }
    fn credit(&self) -> Option<(CreditRating, Exact)> {
        self.hh
            .credit
            .as_ref()
            .map(|c| (c.rating, c.outstanding.into()))
    }
    fn exit_step_dates(&self) -> StepDates {
        let mut on = [None; STEPS];
        for s in &self.hh.exit_steps {
            // A step's discriminant is its place in the procedure (`ALL`).
            if let Some(slot) = on.get_mut(s.step as usize)
                && slot.is_none()
            {
                *slot = Some(s.on);
            }
        }
        on
    }
    fn members(&self) -> impl Iterator<Item = OwnedMember<'_>> {
        let (as_of, counted, ages) = (self.as_of, self.counted, &self.ages);
        self.hh
            .members
            .iter()
            .enumerate()
            .map(move |(i, m)| OwnedMember {
                m,
                as_of,
                known: ages.get(i).map(|&age| (counted >> i & 1 == 1, age)),
            })
    }
}
