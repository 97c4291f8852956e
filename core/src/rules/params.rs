//! The household parameters of one date in the rules' arithmetic: every
//! amount, rate and factor of [`HouseholdParams`] as an [`Exact`], worked
//! out once per [`Evaluator`](super::Evaluator), and the resolved values
//! themselves (ages, days, dates, and the start dates a trace cites).

use crate::enums::{CreditRating, WireEnum};
use crate::exact::Exact;
use crate::policy::HouseholdParams;

/// The household parameters in force on one date.
#[derive(Debug, Clone)]
pub struct Params {
    /// The values as resolved, with their start dates.
    pub resolved: HouseholdParams,
    /// `poverty_line.exit`.
    pub poverty_line_exit: Exact,
    /// `monitoring.income_factor`.
    pub monitoring_income_factor: Exact,
    /// `monitoring.income_drop_ratio`.
    pub monitoring_income_drop_ratio: Exact,
    /// `dibao.standard_annual` (`S`).
    pub dibao_standard_annual: Exact,
    /// `dibao.deposit_months`.
    pub dibao_deposit_months: Exact,
    /// `insurance.accident_premium`.
    pub insurance_accident_premium: Exact,
    /// `insurance.supplementary_premium`.
    pub insurance_supplementary_premium: Exact,
    /// `elderly.monthly_75_79`.
    pub elderly_monthly_75_79: Exact,
    /// `elderly.monthly_80_plus`.
    pub elderly_monthly_80_plus: Exact,
    /// `veterans.monthly`.
    pub veterans_monthly: Exact,
    /// `education.preschool_fee_waiver`.
    pub education_preschool_fee_waiver: Exact,
    /// `education.preschool_meal`.
    pub education_preschool_meal: Exact,
    /// `education.boarding_primary`.
    pub education_boarding_primary: Exact,
    /// `education.boarding_junior`.
    pub education_boarding_junior: Exact,
    /// `education.senior_grant`.
    pub education_senior_grant: Exact,
    /// `education.vocational_grant`.
    pub education_vocational_grant: Exact,
    /// `education.yulu`.
    pub education_yulu: Exact,
    /// `credit.max_principal`.
    pub credit_max_principal: Exact,
    /// `credit.line`, by rating in [`CreditRating::ALL`] order (`None`:
    /// no entry, as for `none`).
    pub credit_line: [Option<Exact>; CreditRating::ALL.len()],
    /// `identification.deposit_limit_per_capita`.
    pub identification_deposit_limit_per_capita: Exact,
}

impl Params {
    /// The exact form of `p`.
    pub fn new(p: HouseholdParams) -> Params {
        let x = |d: rust_decimal::Decimal| Exact::from_decimal(d).normalized();
        let mut credit_line = [None; CreditRating::ALL.len()];
        for (slot, rating) in credit_line.iter_mut().zip(CreditRating::ALL) {
            *slot = p.credit_line.value.get(*rating).map(x);
        }
        Params {
            poverty_line_exit: x(p.poverty_line_exit.value),
            monitoring_income_factor: x(p.monitoring_income_factor.value),
            monitoring_income_drop_ratio: x(p.monitoring_income_drop_ratio.value),
            dibao_standard_annual: x(p.dibao_standard_annual.value),
            dibao_deposit_months: Exact::int(p.dibao_deposit_months.value),
            insurance_accident_premium: x(p.insurance_accident_premium.value),
            insurance_supplementary_premium: x(p.insurance_supplementary_premium.value),
            elderly_monthly_75_79: x(p.elderly_monthly_75_79.value),
            elderly_monthly_80_plus: x(p.elderly_monthly_80_plus.value),
            veterans_monthly: x(p.veterans_monthly.value),
            education_preschool_fee_waiver: x(p.education_preschool_fee_waiver.value),
            education_preschool_meal: x(p.education_preschool_meal.value),
            education_boarding_primary: x(p.education_boarding_primary.value),
            education_boarding_junior: x(p.education_boarding_junior.value),
            education_senior_grant: x(p.education_senior_grant.value),
            education_vocational_grant: x(p.education_vocational_grant.value),
            education_yulu: x(p.education_yulu.value),
            credit_max_principal: x(p.credit_max_principal.value),
            credit_line,
            identification_deposit_limit_per_capita: x(p
                .identification_deposit_limit_per_capita
                .value),
            resolved: p,
        }
    }

    /// The credit line of `rating`, if the table has one.
    pub fn credit_line(&self, rating: CreditRating) -> Option<Exact> {
        self.credit_line.get(rating as usize).copied().flatten()
    }
}
