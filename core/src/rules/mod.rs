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
pub mod params;
pub mod settlement;
pub mod view;

use chrono::{Datelike, NaiveDate};
use compact_str::CompactString;
use serde_json::json;

use crate::decision::{
    CodeSet, CreditCode, CreditDecision, Decision, DibaoCode, DibaoDecision, Entitlements,
    ExclusionReason, ExitCode, ExitDecision, Finding, IdentificationDecision, MonitoringCategory,
    MonitoringDecision, Trigger,
};
use crate::error::{ArithmeticError, ErrorCode, PolicyError, RecordError};
use crate::exact::Exact;
use crate::money::Money;
use crate::policy::{HouseholdParams, Policy};
use crate::record::Household;
use crate::trace::{ParameterRead, TraceStep};

pub use self::findings::FindingAt;
pub use self::params::Params;
pub use self::view::{HouseholdView, MemberView, OwnedView};

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
    params: Result<Params, PolicyError>,
    /// The parameters each step of a trace cites, looked up once (the
    /// same for every household on this date).
    reads: std::sync::OnceLock<Vec<Vec<ParameterRead>>>,
}

impl<'p> Evaluator<'p> {
    /// Resolves the parameters in force on `as_of` once. A parameter not in
    /// force is reported on every record as `parameter_not_in_force`.
    pub fn new(policy: &'p Policy, as_of: NaiveDate) -> Self {
        Evaluator {
            policy,
            as_of,
            params: policy.household_params(as_of).map(Params::new),
            reads: std::sync::OnceLock::new(),
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
        self.params.as_ref().map(|p| &p.resolved)
    }

    /// The parameters in the rules' arithmetic, or why they could not be
    /// resolved.
    pub fn exact_params(&self) -> Result<&Params, &PolicyError> {
        self.params.as_ref()
    }

    /// Runs every rule on one household without publishing a decision:
    /// the batch path's step (nothing is allocated but the findings, which
    /// go to `found`, a list the caller reuses). The same checks as
    /// [`Evaluator::evaluate`] come first.
    pub fn outcome_of(
        &self,
        hh: &Household,
        found: &mut Vec<FindingAt>,
    ) -> Result<Outcome, RecordError> {
        let p = self.checked(hh)?;
        let view = OwnedView::new(hh, self.as_of);
        outcome(&Ctx::new(&view, p), found).map_err(|e| with_id(hh, overflow(e)))
    }

    /// The parameters, once `hh` passed the checks of its date (income
    /// years, a counted member); an error names the household.
    fn checked(&self, hh: &Household) -> Result<&Params, RecordError> {
        hh.check_on(self.as_of).map_err(|e| with_id(hh, e))?;
        self.params
            .as_ref()
            .map_err(|e| with_id(hh, RecordError::from(e.clone())))
    }

    /// Evaluates one household; with `explain`, adds the explanation and
    /// the trace. A household that fails validation on `as_of` (no counted
    /// member, income year) or a parameter not in force gives its error.
    pub fn evaluate(&self, hh: &Household, explain: bool) -> Result<Decision, RecordError> {
        let p = self.checked(hh)?;
        let view = OwnedView::new(hh, self.as_of);
        let ctx = Ctx::new(&view, p);
        let mut found = Vec::new();
        let outcome = outcome(&ctx, &mut found).map_err(|e| with_id(hh, overflow(e)))?;
        let mut decision =
            decision(hh, self.as_of, p, &outcome, &found).map_err(|e| with_id(hh, overflow(e)))?;
        if explain {
            decision.explanation = Some(explain::explanation(&ctx, &outcome.income, &decision));
            let reads = self.reads.get_or_init(|| {
                TRACE_STEPS
                    .iter()
                    .map(|(_, names)| parameters_read(self.policy, names, self.as_of))
                    .collect()
            });
            decision.trace = Some(trace(&ctx, reads, &outcome.income, &decision));
        }
        Ok(decision)
    }
}

/// What every rule of one household sees: the household as a view on
/// `as_of`, the parameters, and `N`.
pub struct Ctx<'a, H> {
    /// The household.
    pub h: &'a H,
    /// The parameters in force on `as_of`.
    pub p: &'a Params,
    /// The assessment date.
    pub as_of: NaiveDate,
    /// `Y`, the assessment year.
    pub year: i32,
    /// `N`: the members counted on `as_of`.
    pub n: usize,
}

impl<'a, H: HouseholdView> Ctx<'a, H> {
    /// The context of `h` under `p`.
    pub fn new(h: &'a H, p: &'a Params) -> Self {
        let as_of = h.as_of();
        Ctx {
            h,
            p,
            as_of,
            year: as_of.year(),
            n: h.members().filter(|m| m.counted()).count(),
        }
    }

    /// The members counted on `as_of`, in input order.
    pub fn counted(&self) -> impl Iterator<Item = H::Member<'a>> + use<'a, H> {
        self.h.members().filter(|m| m.counted())
    }
}

/// Every result of the rules for one household, before it is published:
/// codes as sets, amounts exact. Building it allocates nothing (findings
/// go to a list the caller keeps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// `N`.
    pub size: usize,
    /// Income figures (domain.md §1).
    pub income: income::Income,
    /// Failed exit criteria (§2).
    pub exit: CodeSet<ExitCode>,
    /// Monitoring category (§3).
    pub monitoring: MonitoringCategory,
    /// Monitoring triggers (§3).
    pub triggers: CodeSet<Trigger>,
    /// Failed dibao criteria (§4).
    pub dibao: CodeSet<DibaoCode>,
    /// Monthly dibao benefit, rounded to the fen (§4).
    pub dibao_benefit: Exact,
    /// Identification exclusion reasons (§7).
    pub exclusions: CodeSet<ExclusionReason>,
    /// Entitlements (§6), exact.
    pub entitlements: entitlements::Amounts,
    /// Failed credit criteria (§6).
    pub credit: CodeSet<CreditCode>,
    /// The largest new loan (§6).
    pub credit_max_new_loan: Exact,
}

/// Runs every rule on one household; its findings are appended to `found`.
/// The household must have a counted member (`N > 0`).
pub fn outcome<H: HouseholdView>(
    ctx: &Ctx<'_, H>,
    found: &mut Vec<FindingAt>,
) -> Result<Outcome, ArithmeticError> {
    let inc = income::compute(&ctx.h.income(), ctx.n)?;
    let exit = exit::decide(ctx, &inc);
    let (monitoring, triggers) = monitoring::decide(ctx, &inc)?;
    let (dibao, dibao_benefit) = dibao::decide(ctx, &inc)?;
    let exclusions = identification::reasons(ctx)?;
    let entitlements = entitlements::compute(ctx)?;
    let (credit, credit_max_new_loan) = credit::decide(ctx, monitoring)?;
    findings::household_findings(ctx, &inc, found);
    Ok(Outcome {
        size: ctx.n,
        income: inc,
        exit,
        monitoring,
        triggers,
        dibao,
        dibao_benefit,
        exclusions,
        entitlements,
        credit,
        credit_max_new_loan,
    })
}

/// A published amount: `x` rounded to the fen. Every figure of an
/// [`Outcome`] is below 10¹⁶ yuan, so this never fails for one; an amount
/// past an `i64` of fen (not reachable from a rule) shows as zero.
pub(crate) fn money(x: Exact) -> Money {
    x.to_money("money").unwrap_or(Money::ZERO)
}

/// The decision of interfaces.md §3.1 from an outcome (no explanation).
pub fn decision(
    hh: &Household,
    as_of: NaiveDate,
    p: &Params,
    o: &Outcome,
    found: &[FindingAt],
) -> Result<Decision, ArithmeticError> {
    let pub_ = |x: Exact| x.to_money("published amount");
    let e = &o.entitlements;
    Ok(Decision {
        household_id: hh.id.clone(),
        as_of,
        size: u32::try_from(o.size).unwrap_or(u32::MAX),
        net_income: pub_(o.income.net)?,
        per_capita_income: pub_(o.income.pci)?,
        poverty_line: pub_(p.poverty_line_exit)?,
        exit: ExitDecision {
            eligible: o.exit.is_empty(),
            failed: o.exit.to_vec(),
        },
        monitoring: MonitoringDecision {
            category: o.monitoring,
            triggers: o.triggers.to_vec(),
        },
        dibao: DibaoDecision {
            eligible: o.dibao.is_empty(),
            monthly_benefit: pub_(o.dibao_benefit)?,
            failed: o.dibao.to_vec(),
        },
        identification: IdentificationDecision {
            excluded: !o.exclusions.is_empty(),
            reasons: o.exclusions.to_vec(),
        },
        entitlements: Entitlements {
            insurance_premiums: pub_(e.insurance_premiums)?,
            elderly_allowance: pub_(e.elderly_allowance)?,
            veterans_allowance: pub_(e.veterans_allowance)?,
            education_aid: pub_(e.education_aid)?,
            total: pub_(e.total)?,
        },
        credit: CreditDecision {
            eligible: o.credit.is_empty(),
            max_new_loan: pub_(o.credit_max_new_loan)?,
            failed: o.credit.to_vec(),
        },
        findings: found
            .iter()
            .map(|f| Finding {
                code: f.code,
                person_id: f
                    .member
                    .and_then(|i| hh.members.get(i))
                    .map(|m| CompactString::from(m.id.as_str())),
                field: f.field.to_owned(),
            })
            .collect(),
        explanation: None,
        trace: None,
    })
}

/// `e` with `hh`'s id as its record id.
fn with_id(hh: &Household, e: RecordError) -> RecordError {
    e.with_record_id(Some(hh.id.to_string()))
}

fn overflow(e: ArithmeticError) -> RecordError {
    RecordError::new(ErrorCode::OutOfRange, None, e.to_string())
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

/// The steps of a trace, in order, with the parameters each reads.
const TRACE_STEPS: [(&str, &[&str]); 8] = [
    ("income", income::PARAMETERS),
    ("exit", exit::PARAMETERS),
    ("monitoring", monitoring::PARAMETERS),
    ("dibao", dibao::PARAMETERS),
    ("identification", identification::PARAMETERS),
    ("entitlements", entitlements::PARAMETERS),
    ("credit", credit::PARAMETERS),
    ("findings", findings::PARAMETERS),
];

fn trace(
    ctx: &Ctx<'_, OwnedView<'_>>,
    reads: &[Vec<ParameterRead>],
    inc: &income::Income,
    d: &Decision,
) -> Vec<TraceStep> {
    let to_json = |v: &dyn erased::Ser| v.json();
    let steps = [
        (income::trace_inputs(ctx), income::trace_result(inc)),
        (exit::trace_inputs(ctx, inc), to_json(&d.exit)),
        (monitoring::trace_inputs(ctx, inc), to_json(&d.monitoring)),
        (dibao::trace_inputs(ctx, inc), to_json(&d.dibao)),
        (
            identification::trace_inputs(ctx),
            to_json(&d.identification),
        ),
        (entitlements::trace_inputs(ctx), to_json(&d.entitlements)),
        (
            credit::trace_inputs(ctx, d.monitoring.category),
            to_json(&d.credit),
        ),
        (
            json!({"members": ctx.h.hh.members.len(), "counted": ctx.n}),
            json!({"findings": d.findings}),
        ),
    ];
    steps
        .into_iter()
        .zip(TRACE_STEPS)
        .zip(reads)
        .map(|(((inputs, result), (rule, _)), parameters)| TraceStep {
            rule,
            inputs,
            parameters: parameters.clone(),
            result,
        })
        .collect()
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
