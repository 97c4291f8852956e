//! Household exit (贫困户退出, domain.md §2).
//!
//! Source: 中共中央办公厅 国务院办公厅《关于建立贫困退出机制的意见》(2016-04):
//! 人均纯收入稳定超过国家扶贫标准，且吃穿不愁，义务教育、基本医疗、住房安全有保障;
//! drinking water safety added in 2019. "当年新识别或返贫的不退出".

use crate::money::decimal_cmp;
use chrono::Datelike;
use serde_json::json;

use super::Ctx;
use super::income::Income;
use crate::decision::{ExitCode, ExitDecision};
use crate::enums::{Housing, Schooling, Status};

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &[
    "poverty_line.exit",
    "education.compulsory_age_min",
    "education.compulsory_age_max",
];

/// Decides exit: every failed criterion, in order.
pub fn decide(ctx: &Ctx<'_>, inc: &Income) -> ExitDecision {
    let hh = ctx.hh;
    let p = ctx.p;
    let mut failed = Vec::new();
    if !matches!(hh.status, Status::Poor | Status::Returned) {
        failed.push(ExitCode::NotPoor);
    }
    let this_year =
        |d: Option<chrono::NaiveDate>| d.is_some_and(|d| d.year() == ctx.year && d <= ctx.as_of);
    if this_year(hh.identified_on) || this_year(hh.returned_on) {
        failed.push(ExitCode::NewOrReturnedThisYear);
    }
    if decimal_cmp(inc.pci, p.poverty_line_exit.value).is_le() {
        failed.push(ExitCode::IncomeBelowLine);
    }
    if !hh.guarantees.food {
        failed.push(ExitCode::Food);
    }
    if !hh.guarantees.clothing {
        failed.push(ExitCode::Clothing);
    }
    if ctx.counted.iter().any(|m| out_of_school(ctx, m)) {
        failed.push(ExitCode::CompulsoryEducation);
    }
    if ctx
        .counted
        .iter()
        .any(|m| !m.medical_insurance && m.birth_date.year() != ctx.year)
    {
        failed.push(ExitCode::BasicMedicalInsurance);
    }
    if hh.guarantees.housing == Housing::Unsafe {
        failed.push(ExitCode::HousingUnsafe);
    }
    if !hh.guarantees.drinking_water {
        failed.push(ExitCode::DrinkingWater);
    }
    ExitDecision {
        eligible: failed.is_empty(),
        failed,
    }
}

/// A member of compulsory-school age (`min..=max`) not in school (`none`,
/// `dropout`; `exempt` — home teaching for severe disability — passes).
pub fn out_of_school(ctx: &Ctx<'_>, m: &crate::record::Member) -> bool {
    let age = ctx.age(m);
    (ctx.p.education_compulsory_age_min.value..=ctx.p.education_compulsory_age_max.value)
        .contains(&age)
        && matches!(m.schooling, Schooling::None | Schooling::Dropout)
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_>, inc: &Income) -> serde_json::Value {
    let hh = ctx.hh;
    json!({
        "status": hh.status,
        "identified_on": hh.identified_on.map(|d| d.to_string()),
        "returned_on": hh.returned_on.map(|d| d.to_string()),
        "per_capita_income": crate::Money::from_decimal_rounded(inc.pci),
        "food": hh.guarantees.food,
        "clothing": hh.guarantees.clothing,
        "housing": hh.guarantees.housing,
        "drinking_water": hh.guarantees.drinking_water,
        "members_out_of_school": ctx.counted.iter().filter(|m| out_of_school(ctx, m))
            .map(|m| m.id.as_str()).collect::<Vec<_>>(),
        "members_uninsured": ctx.counted.iter()
            .filter(|m| !m.medical_insurance && m.birth_date.year() != ctx.year)
            .map(|m| m.id.as_str()).collect::<Vec<_>>(),
    })
}
