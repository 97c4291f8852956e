//! Household exit (贫困户退出, domain.md §2).
//!
//! Source: 中共中央办公厅 国务院办公厅《关于建立贫困退出机制的意见》(2016-04):
//! 人均纯收入稳定超过国家扶贫标准，且吃穿不愁，义务教育、基本医疗、住房安全有保障;
//! drinking water safety added in 2019. "当年新识别或返贫的不退出".

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use super::Ctx;
use super::income::Income;
use super::view::{HouseholdView, MemberView, OwnedView};
use crate::decision::{CodeSet, ExitCode};
use crate::enums::{Housing, Schooling, Status};

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &[
    "poverty_line.exit",
    "education.compulsory_age_min",
    "education.compulsory_age_max",
];

/// Every failed exit criterion, in the spec's order.
pub fn decide<H: HouseholdView>(ctx: &Ctx<'_, H>, inc: &Income) -> CodeSet<ExitCode> {
    let h = ctx.h;
    let mut failed = CodeSet::EMPTY;
    // 1. status poor or returned
    failed.insert_if(
        !matches!(h.status(), Status::Poor | Status::Returned),
        ExitCode::NotPoor,
    );
    // 2. not identified or returned in year Y, on or before as_of
    let this_year =
        |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == ctx.year && d <= ctx.as_of);
    failed.insert_if(
        this_year(h.identified_on()) || this_year(h.returned_on()),
        ExitCode::NewOrReturnedThisYear,
    );
    // 3. pci > poverty_line.exit, strictly
    failed.insert_if(
        inc.pci <= ctx.p.poverty_line_exit,
        ExitCode::IncomeBelowLine,
    );
    // 4, 5. food and clothing attested
    failed.insert_if(!h.food(), ExitCode::Food);
    failed.insert_if(!h.clothing(), ExitCode::Clothing);
    // 6. nobody of compulsory-school age out of school; 7. everybody
    // insured but the newborn of year Y
    let (mut out_of_school, mut uninsured) = (false, false);
    for m in ctx.counted() {
        out_of_school |= is_out_of_school(ctx, &m);
        uninsured |= is_uninsured(ctx, &m);
    }
    failed.insert_if(out_of_school, ExitCode::CompulsoryEducation);
    failed.insert_if(uninsured, ExitCode::BasicMedicalInsurance);
    // 8. housing safe; 9. drinking water safe
    failed.insert_if(h.housing() == Housing::Unsafe, ExitCode::HousingUnsafe);
    failed.insert_if(!h.drinking_water(), ExitCode::DrinkingWater);
    failed
}

/// A member of compulsory-school age (`min..=max`) not in school (`none`,
/// `dropout`; `exempt` — home teaching for severe disability — passes).
pub fn is_out_of_school<H, M: MemberView>(ctx: &Ctx<'_, H>, m: &M) -> bool {
    let p = &ctx.p.resolved;
    (p.education_compulsory_age_min.value..=p.education_compulsory_age_max.value).contains(&m.age())
        && matches!(m.schooling(), Schooling::None | Schooling::Dropout)
}

/// A member not enrolled in basic medical insurance, unless born in year `Y`.
pub fn is_uninsured<H, M: MemberView>(ctx: &Ctx<'_, H>, m: &M) -> bool {
    !m.medical_insurance() && m.birth_date().year() != ctx.year
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_, OwnedView<'_>>, inc: &Income) -> serde_json::Value {
    let hh = ctx.h.hh;
    let ids = |f: &dyn Fn(&super::view::OwnedMember<'_>) -> bool| {
        ctx.counted()
            .filter(|m| f(m))
            .map(|m| m.m.id.as_str())
            .collect::<Vec<_>>()
    };
    json!({
        "status": hh.status,
        "identified_on": hh.identified_on.map(|d| d.to_string()),
        "returned_on": hh.returned_on.map(|d| d.to_string()),
        "per_capita_income": super::money(inc.pci),
        "food": hh.guarantees.food,
        "clothing": hh.guarantees.clothing,
        "housing": hh.guarantees.housing,
        "drinking_water": hh.guarantees.drinking_water,
        "members_out_of_school": ids(&|m| is_out_of_school(ctx, m)),
        "members_uninsured": ids(&|m| is_uninsured(ctx, m)),
    })
}
