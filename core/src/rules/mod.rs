//! The household rules of domain.md §1–§4, §6 and §7, as pure functions of
//! (policy parameters, household, `as_of`).
//!
//! [`Evaluator`] resolves the parameters once for its date and then
//! evaluates any number of households; each rule lives in its own file and
//! returns every failed criterion in the spec's order.

pub mod credit;
pub mod dibao;
pub mod entitlements;
pub mod exit;
mod explain;
pub mod findings;
pub mod identification;
pub mod income;
pub mod monitoring;
pub mod settlement;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::json;

use crate::decision::Decision;
use crate::error::{ArithmeticError, ErrorCode, PolicyError, RecordError};
use crate::policy::{HouseholdParams, Policy};
use crate::record::{Household, Member};
use crate::trace::{ParameterRead, TraceStep};

/// Evaluates households on one date under one policy.
///
/// ```
/// use fupin_core::policy::Policy;
/// use fupin_core::rules::Evaluator;
/// use fupin_core::record::parse::parse_household;
///
/// let policy = Policy::builtin("ningxia-2020").unwrap();
/// let as_of = fupin_core::date::parse_date("2020-12-31").unwrap();
/// let eval = Evaluator::new(&policy, as_of);
/// let hh = parse_household(br#"{"id":"H1","income":{"wage":"18000"},"members":[
///   {"id":"P1","relation":"head","sex":"male","birth_date":"1970-01-01"},
///   {"id":"P2","relation":"spouse","sex":"female","birth_date":"1972-01-01"},
///   {"id":"P3","relation":"child","sex":"male","birth_date":"2000-01-01"},
///   {"id":"P4","relation":"child","sex":"female","birth_date":"2002-01-01"}]}"#).unwrap();
/// let d = eval.evaluate(&hh, false).unwrap();
/// assert_eq!(d.per_capita_income.to_string(), "4500.00"); // 18 000 / 4
/// assert!(d.exit.eligible);                                // 4 500 > 4 000
/// assert_eq!(d.dibao.monthly_benefit.to_string(), "20.00"); // (4 560 − 4 500) × 4 / 12
/// ```
pub struct Evaluator<'p> {
    policy: &'p Policy,
    as_of: NaiveDate,
    params: Result<HouseholdParams, PolicyError>,
}

impl<'p> Evaluator<'p> {
    /// Resolves the parameters in force on `as_of` once. A parameter not in
    /// force is reported on every record as `parameter_not_in_force`.
    pub fn new(policy: &'p Policy, as_of: NaiveDate) -> Self {
        Evaluator {
            policy,
            as_of,
            params: policy.household_params(as_of),
        }
    }

    /// The assessment date.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The policy.
    pub fn policy(&self) -> &'p Policy {
        self.policy
    }

    /// The resolved parameters, or why they could not be resolved.
    pub fn params(&self) -> Result<&HouseholdParams, &PolicyError> {
        self.params.as_ref()
    }

    /// Evaluates one household; with `explain`, adds the explanation and
    /// the trace. A household that fails validation on `as_of` (no counted
    /// member, income year) or a parameter not in force gives its error.
    pub fn evaluate(&self, hh: &Household, explain: bool) -> Result<Decision, RecordError> {
        let with_id = |e: RecordError| e.with_record_id(Some(hh.id.to_string()));
        hh.check_on(self.as_of).map_err(with_id)?;
        let p = self
            .params
            .as_ref()
            .map_err(|e| with_id(RecordError::from(e.clone())))?;
        let ctx = Ctx::new(hh, self.as_of, p);
        evaluate_in(&ctx, self.policy, explain).map_err(with_id)
    }
}

/// What every rule of one household sees.
pub struct Ctx<'a> {
    /// The household.
    pub hh: &'a Household,
    /// The assessment date.
    pub as_of: NaiveDate,
    /// `Y`, the assessment year.
    pub year: i32,
    /// Members counted on `as_of`, in input order.
    pub counted: Vec<&'a Member>,
    /// The parameters in force on `as_of`.
    pub p: &'a HouseholdParams,
}

impl<'a> Ctx<'a> {
    /// The context of `hh` on `as_of`.
    pub fn new(hh: &'a Household, as_of: NaiveDate, p: &'a HouseholdParams) -> Self {
        Ctx {
            hh,
            as_of,
            year: as_of.year(),
            counted: {
                // At its size: a collected filter would grow it (4, then 8).
                let mut v = Vec::with_capacity(hh.members.len());
                v.extend(hh.members.iter().filter(|m| m.counted_on(as_of)));
                v
            },
            p,
        }
    }

    /// `N` as a decimal.
    pub fn n(&self) -> Decimal {
        Decimal::from(self.counted.len())
    }

    /// A counted member's completed age on `as_of`.
    pub fn age(&self, m: &Member) -> i64 {
        i64::from(crate::date::age_on(m.birth_date, self.as_of))
    }
}

fn overflow(e: ArithmeticError) -> RecordError {
    RecordError::new(ErrorCode::OutOfRange, None, e.to_string())
}

fn evaluate_in(ctx: &Ctx<'_>, policy: &Policy, explain: bool) -> Result<Decision, RecordError> {
    let inc = income::compute(ctx).map_err(overflow)?;
    let exit = exit::decide(ctx, &inc);
    let monitoring = monitoring::decide(ctx, &inc).map_err(overflow)?;
    let dibao = dibao::decide(ctx, &inc).map_err(overflow)?;
    let identification = identification::decide(ctx).map_err(overflow)?;
    let entitlements = entitlements::compute(ctx).map_err(overflow)?;
    let credit = credit::decide(ctx, &monitoring);
    let found = findings::household_findings(ctx, &inc);
    let mut decision = Decision {
        household_id: ctx.hh.id.clone(),
        as_of: ctx.as_of,
        size: u32::try_from(ctx.counted.len()).unwrap_or(u32::MAX),
        net_income: crate::Money::from_decimal_rounded(inc.net),
        per_capita_income: inc.pci_money(),
        poverty_line: crate::Money::from_decimal_rounded(ctx.p.poverty_line_exit.value),
        exit,
        monitoring,
        dibao,
        identification,
        entitlements,
        credit,
        findings: found,
        explanation: None,
        trace: None,
    };
    if explain {
        decision.explanation = Some(explain::explanation(ctx, &inc, &decision));
        decision.trace = Some(trace(ctx, policy, &inc, &decision));
    }
    Ok(decision)
}

/// The parameters a rule read, as the trace lists them.
pub fn parameters_read(policy: &Policy, names: &[&str], on: NaiveDate) -> Vec<ParameterRead> {
    names
        .iter()
        .filter_map(|name| {
            let f = policy.lookup(name, on).ok()?;
            Some(ParameterRead {
                name: (*name).to_owned(),
                value: f.value.to_json(),
                since: f.since,
                source: f.source.to_owned(),
                status: f.status.as_str().to_owned(),
            })
        })
        .collect()
}

fn trace(ctx: &Ctx<'_>, policy: &Policy, inc: &income::Income, d: &Decision) -> Vec<TraceStep> {
    let step = |rule: &'static str, names: &[&str], inputs, result| TraceStep {
        rule,
        inputs,
        parameters: parameters_read(policy, names, ctx.as_of),
        result,
    };
    let to_json = |v: &dyn erased::Ser| v.json();
    vec![
        step(
            "income",
            income::PARAMETERS,
            income::trace_inputs(ctx),
            inc.trace_result(),
        ),
        step(
            "exit",
            exit::PARAMETERS,
            exit::trace_inputs(ctx, inc),
            to_json(&d.exit),
        ),
        step(
            "monitoring",
            monitoring::PARAMETERS,
            monitoring::trace_inputs(ctx, inc),
            to_json(&d.monitoring),
        ),
        step(
            "dibao",
            dibao::PARAMETERS,
            dibao::trace_inputs(ctx, inc),
            to_json(&d.dibao),
        ),
        step(
            "identification",
            identification::PARAMETERS,
            identification::trace_inputs(ctx),
            to_json(&d.identification),
        ),
        step(
            "entitlements",
            entitlements::PARAMETERS,
            entitlements::trace_inputs(ctx),
            to_json(&d.entitlements),
        ),
        step(
            "credit",
            credit::PARAMETERS,
            credit::trace_inputs(ctx, &d.monitoring),
            to_json(&d.credit),
        ),
        step(
            "findings",
            findings::PARAMETERS,
            json!({"members": ctx.hh.members.len(), "counted": ctx.counted.len()}),
            json!({"findings": d.findings}),
        ),
    ]
}

mod erased {
    /// Serializes any decision part to JSON for the trace.
    pub trait Ser {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}
