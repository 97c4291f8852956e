//! Medical one-stop settlement (健康扶贫 一站式结算, domain.md §5).
//!
//! A [`Ledger`] holds, per person and calendar year (the year of
//! `admitted_on`), every year-to-date sum the five layers need, and the ids
//! of every claim it has settled. [`Ledger::settle`] settles one claim in
//! the order of the chain:
//!
//! 1. basic medical insurance (基本医保, per stay);
//! 2. critical-illness insurance (大病保险, annual cumulative, brackets above
//!    the deductible, no cap for a registered poor patient);
//! 3. supplementary insurance (扶贫保, annual cumulative; only for a
//!    registered poor patient while `supplementary.rate > 0`);
//! 4. medical assistance (医疗救助, per stay, with the major-illness uplift
//!    and ceiling);
//! 5. the government backstop (政府兜底, annual cumulative), which holds the
//!    year's in-policy self-pay to `combine(ratio × E_ytd, annual cap)`;
//!
//! and `self_pay` is the residual, so the six components add up exactly to
//! `total_cost`. Every layer pays at most what the previous layers left of
//! the claim's in-policy cost. Parameters are read on the admission date.
//!
//! ```
//! use fupin_core::{Policy, parse_claim};
//! use fupin_core::rules::settlement::Ledger;
//!
//! let policy = Policy::builtin("ningxia-2020")?;
//! let mut ledger = Ledger::new();
//! let claim = parse_claim(br#"{"id":"C1","person_id":"P1","admitted_on":"2020-03-01",
//!   "hospital_level":"county","total_cost":"30000","in_policy_cost":"27000"}"#)?;
//! let s = ledger.settle(&policy, &claim, false)?;
//! assert_eq!(s.basic_insurance.to_string(), "21400.00");
//! assert_eq!(s.critical_illness_insurance.to_string(), "1560.00");
//! assert_eq!(s.supplementary_insurance.to_string(), "832.00");
//! assert_eq!(s.medical_assistance.to_string(), "2245.60");
//! assert_eq!(s.backstop.to_string(), "0.00");
//! assert_eq!(s.self_pay.to_string(), "3962.40");
//! // The same claim id again is refused and changes nothing.
//! let again = ledger.settle(&policy, &claim, false).unwrap_err();
//! assert_eq!(again.code.as_str(), "duplicate_claim_id");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::enums::HospitalLevel;
use crate::error::{ArithmeticError, ErrorCode, RecordError};
use crate::money::{CheckedDecimal, Money, round_fen};
use crate::policy::{CapMode, ClaimParams, Policy};
use crate::record::Claim;
use crate::trace::ParameterRead;

use super::parameters_read;

/// The parameters each layer reads, as its trace step lists them.
pub const LAYER_PARAMETERS: [(&str, &[&str]); 5] = [
    (
        "basic",
        &[
            "basic.deductible",
            "basic.rate",
            "basic.poor_deductible_factor",
            "basic.poor_rate_uplift",
            "basic.annual_cap",
        ],
    ),
    (
        "critical",
        &[
            "critical.deductible",
            "critical.poor_deductible_factor",
            "critical.poor_rate_uplift",
            "critical.brackets",
            "critical.annual_cap",
        ],
    ),
    (
        "supplementary",
        &[
            "supplementary.deductible",
            "supplementary.rate",
            "supplementary.annual_cap",
        ],
    ),
    (
        "assistance",
        &[
            "assistance.rate",
            "assistance.major_illness_uplift",
            "assistance.annual_ceiling",
            "assistance.major_illness_annual_ceiling",
        ],
    ),
    (
        "backstop",
        &[
            "backstop.enabled",
            "backstop.self_pay_ratio",
            "backstop.annual_self_pay_cap",
            "backstop.cap_mode",
        ],
    ),
];

/// The settlement of one claim (interfaces.md §3.2): the six components add
/// up exactly to `total_cost`, and each is non-negative.
///
/// Serializes to `{"claim_id","person_id","year","total_cost",
/// "basic_insurance","critical_illness_insurance","supplementary_insurance",
/// "medical_assistance","backstop","self_pay"}` in this order, money as
/// strings with two decimals, followed by `"trace"` only when explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settlement {
    /// The claim's id.
    pub claim_id: String,
    /// The patient's person id.
    pub person_id: String,
    /// The policy year: the year of `admitted_on`.
    pub year: i32,
    /// 住院总费用.
    pub total_cost: Money,
    /// Layer 1, 基本医保.
    pub basic_insurance: Money,
    /// Layer 2, 大病保险.
    pub critical_illness_insurance: Money,
    /// Layer 3, 扶贫保 大病补充医疗.
    pub supplementary_insurance: Money,
    /// Layer 4, 医疗救助.
    pub medical_assistance: Money,
    /// Layer 5, 政府兜底.
    pub backstop: Money,
    /// What the patient pays: `total_cost` minus the five payments
    /// (out-of-policy costs included).
    pub self_pay: Money,
    /// One step per layer, with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<LayerStep>>,
}

impl Settlement {
    /// The five payments in chain order.
    pub fn payments(&self) -> [Money; 5] {
        [
            self.basic_insurance,
            self.critical_illness_insurance,
            self.supplementary_insurance,
            self.medical_assistance,
            self.backstop,
        ]
    }
}

/// One layer of a settlement's trace (interfaces.md §3.2 `--explain`).
///
/// Amounts that are not published (bases, deductibles, caps) are exact and
/// shown with at least two decimals (`"2700.005"` is a cap of 10 % of
/// 27 000.05); `ytd_before`, `ytd_after`, `due` and `paid` are fen amounts.
/// A layer that does not apply has `applies: false`, null `base`, `rate`,
/// `deductible` and `cap`, and pays `0.00`.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerStep {
    /// `basic`, `critical`, `supplementary`, `assistance` or `backstop`.
    pub rule: &'static str,
    /// Whether the layer applies to this claim.
    pub applies: bool,
    /// What the previous layers left of this claim's in-policy cost: the
    /// most this layer may pay.
    pub available: Decimal,
    /// The base: this claim's in-policy cost (basic), the year-to-date base
    /// including this claim (critical, supplementary, backstop: the
    /// in-policy remainder after layers 1–4), or this claim's remainder
    /// (assistance).
    pub base: Option<Decimal>,
    /// The rate applied (critical: the marginal bracket's rate; backstop:
    /// `backstop.self_pay_ratio`), uplifts included.
    pub rate: Option<Decimal>,
    /// The deductible (critical, supplementary: annual).
    pub deductible: Option<Decimal>,
    /// The cap: basic's and critical's annual caps (none for a registered
    /// poor patient's critical layer), supplementary's annual cap,
    /// assistance's annual ceiling, the backstop's combined self-pay cap.
    pub cap: Option<Decimal>,
    /// The layer's payments to this person-year before this claim.
    pub ytd_before: Decimal,
    /// The layer's payments to this person-year after this claim.
    pub ytd_after: Decimal,
    /// What the layer's rule gives before the clamp to `available`.
    pub due: Decimal,
    /// What the layer pays on this claim.
    pub paid: Decimal,
    /// The parameters the layer read, on the admission date.
    pub parameters: Vec<ParameterRead>,
}

/// Shows an exact amount or rate with at least two decimals, never rounded.
fn exact(d: Decimal) -> String {
    let mut n = d.normalize();
    if n.scale() < 2 {
        n.rescale(2);
    }
    if n.is_zero() {
        n = Decimal::new(0, 2);
    }
    n.to_string()
}

fn fen(d: Decimal) -> String {
    round_fen(d).to_string()
}

impl Serialize for LayerStep {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let opt = |v: Option<Decimal>| v.map(exact);
        let mut st = s.serialize_struct("LayerStep", 12)?;
        st.serialize_field("rule", self.rule)?;
        st.serialize_field("applies", &self.applies)?;
        st.serialize_field("available", &fen(self.available))?;
        st.serialize_field("base", &opt(self.base))?;
        st.serialize_field("rate", &opt(self.rate))?;
        st.serialize_field("deductible", &opt(self.deductible))?;
        st.serialize_field("cap", &opt(self.cap))?;
        st.serialize_field("ytd_before", &fen(self.ytd_before))?;
        st.serialize_field("ytd_after", &fen(self.ytd_after))?;
        st.serialize_field("due", &fen(self.due))?;
        st.serialize_field("paid", &fen(self.paid))?;
        st.serialize_field("parameters", &self.parameters)?;
        st.end()
    }
}

/// Sums in a ledger file: decimal strings with exactly two decimals; on
/// reading, at most two decimals (every sum is a whole number of fen).
mod fen_sum {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&crate::money::round_fen(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(d)?;
        let v: Decimal = text
            .parse()
            .map_err(|_| D::Error::custom(format!("not a decimal: {text:?}")))?;
        if v.scale() > 2 || v.is_sign_negative() {
            return Err(D::Error::custom(format!(
                "not a non-negative amount of fen: {text:?}"
            )));
        }
        Ok(crate::money::round_fen(v))
    }
}

/// The year-to-date sums of one person-year (domain.md §5). Every sum is a
/// whole number of fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonYear {
    /// `p`: taken from the person-year's first settled claim.
    pub registered_poor: bool,
    /// `m`: taken from the person-year's first settled claim.
    pub major_illness: bool,
    /// Claims settled.
    pub claims: u64,
    /// `paid1_ytd`: basic insurance paid.
    #[serde(with = "fen_sum")]
    pub basic_paid: Decimal,
    /// `B_ytd`: Σ (E − pay1) over every claim.
    #[serde(with = "fen_sum")]
    pub critical_base: Decimal,
    /// `paid2_ytd`: critical-illness insurance paid.
    #[serde(with = "fen_sum")]
    pub critical_paid: Decimal,
    /// `R_ytd` of layer 3: Σ (E − pay1 − pay2) over the claims on which the
    /// supplementary layer applies.
    #[serde(with = "fen_sum")]
    pub supplementary_base: Decimal,
    /// `paid3_ytd`: supplementary insurance paid.
    #[serde(with = "fen_sum")]
    pub supplementary_paid: Decimal,
    /// `paid4_ytd`: medical assistance paid.
    #[serde(with = "fen_sum")]
    pub assistance_paid: Decimal,
    /// Claims on which the backstop applied.
    pub backstop_claims: u64,
    /// `E_ytd` of layer 5: in-policy cost of the claims on which the
    /// backstop applies.
    #[serde(with = "fen_sum")]
    pub backstop_in_policy: Decimal,
    /// `R_ytd` of layer 5: in-policy remainder after layers 1–4 of those
    /// claims.
    #[serde(with = "fen_sum")]
    pub backstop_remainder: Decimal,
    /// `paid5_ytd`: backstop paid.
    #[serde(with = "fen_sum")]
    pub backstop_paid: Decimal,
}

impl PersonYear {
    fn new(claim: &Claim) -> Self {
        PersonYear {
            registered_poor: claim.registered_poor,
            major_illness: claim.major_illness,
            claims: 0,
            basic_paid: ZERO,
            critical_base: ZERO,
            critical_paid: ZERO,
            supplementary_base: ZERO,
            supplementary_paid: ZERO,
            assistance_paid: ZERO,
            backstop_claims: 0,
            backstop_in_policy: ZERO,
            backstop_remainder: ZERO,
            backstop_paid: ZERO,
        }
    }
}

/// A fast, non-cryptographic hasher for the ledger's string keys
/// (multiply-rotate over 8-byte words). The ledger's order never depends on
/// it: serialization sorts.
#[derive(Default, Clone, Copy)]
struct WordHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Shifts, not a byte copy: LLVM would turn a copy loop into a
            // call to memcpy.
            let w = rest.iter().fold(0u64, |w, b| (w << 8) | u64::from(*b));
            self.mix(w);
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Fold the high bits down: the multiply leaves the low bits (the
        // table's bucket index) depending only on the keys' first bytes.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

type Fast = BuildHasherDefault<WordHasher>;

/// The settlement ledger: year-to-date sums per (person, calendar year) and
/// the ids of every claim settled.
///
/// Works one claim at a time (a hospital's settlement window) or over a
/// whole year's claims (a county audit): either way, claims are settled in
/// the order given. Serializes (serde) to stable JSON — claim ids sorted,
/// person-years sorted by person id then year, sums as decimal strings — so
/// `fupin settle --ledger FILE` can resume a run.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// person id → (year, sums), sorted by year.
    people: HashMap<String, Vec<(i32, PersonYear)>, Fast>,
    /// Every claim id settled.
    claim_ids: HashSet<String, Fast>,
    /// The parameters of the last admission date settled, and its policy.
    cache: Option<ParamsCache>,
}

#[derive(Clone)]
struct ParamsCache {
    policy: Policy,
    on: NaiveDate,
    params: ClaimParams,
}

impl std::fmt::Debug for ParamsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ParamsCache({}, {})", self.policy.name(), self.on)
    }
}

impl PartialEq for Ledger {
    fn eq(&self, other: &Self) -> bool {
        self.people == other.people && self.claim_ids == other.claim_ids
    }
}

impl Eq for Ledger {}

fn overflow(e: ArithmeticError) -> RecordError {
    RecordError::new(ErrorCode::OutOfRange, None, e.to_string())
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// `true` if a claim with this id has been settled.
    pub fn contains_claim(&self, claim_id: &str) -> bool {
        self.claim_ids.contains(claim_id)
    }

    /// The number of claims settled.
    pub fn claims_settled(&self) -> usize {
        self.claim_ids.len()
    }

    /// The year-to-date sums of a person-year, if it has a settled claim.
    pub fn person_year(&self, person_id: &str, year: i32) -> Option<&PersonYear> {
        self.people
            .get(person_id)?
            .iter()
            .find(|(y, _)| *y == year)
            .map(|(_, py)| py)
    }

    /// Settles `claim` under `policy` with the parameters in force on its
    /// admission date, and records it. With `explain`, the settlement
    /// carries one trace step per layer.
    ///
    /// Errors (the ledger is then unchanged): `duplicate_claim_id` when the
    /// claim id was settled before (a rejected claim's id does not count);
    /// `parameter_not_in_force` when a parameter of domain.md §5 has no
    /// value on the admission date; `out_of_range` if exact arithmetic
    /// overflows. The claim is expected to have passed
    /// [`Claim::validate`] (as [`parse_claim`](crate::parse_claim) does);
    /// an in-policy cost above the total cost is refused here too.
    pub fn settle(
        &mut self,
        policy: &Policy,
        claim: &Claim,
        explain: bool,
    ) -> Result<Settlement, RecordError> {
        // One probe of the id set: insert now, take the id back out if the
        // claim is refused below.
        if !self.claim_ids.insert(claim.id.clone()) {
            return Err(RecordError::new(
                ErrorCode::DuplicateClaimId,
                Some("id".to_owned()),
                format!("claim {:?} has already been settled", claim.id),
            )
            .with_record_id(Some(claim.id.clone())));
        }
        let result = self.settle_new(policy, claim, explain);
        if result.is_err() {
            self.claim_ids.remove(claim.id.as_str());
        }
        result
    }

    /// Settles a claim whose id is new; changes nothing on error.
    fn settle_new(
        &mut self,
        policy: &Policy,
        claim: &Claim,
        explain: bool,
    ) -> Result<Settlement, RecordError> {
        let with_id = |e: RecordError| e.with_record_id(Some(claim.id.clone()));
        claim.validate()?;
        let on = claim.admitted_on;
        let year = on.year();
        let cached = matches!(&self.cache, Some(c) if c.on == on && c.policy.ptr_eq(policy));
        if !cached {
            let params = policy
                .claim_params(on)
                .map_err(|e| with_id(RecordError::from(e)))?;
            self.cache = Some(ParamsCache {
                policy: policy.clone(),
                on,
                params,
            });
        }
        let Some(cache) = self.cache.as_ref() else {
            return Err(with_id(RecordError::new(
                ErrorCode::ParameterNotInForce,
                None,
                "claim parameters unavailable",
            )));
        };
        let params = &cache.params;
        let run = |before: &PersonYear| {
            chain(params, claim, before, explain).map_err(|e| with_id(overflow(e)))
        };
        // A person-year starts with its first settled claim's p and m. The
        // ledger changes only once the chain has succeeded.
        let outcome = match self.people.get_mut(claim.person_id.as_str()) {
            Some(years) => match years.binary_search_by_key(&year, |(y, _)| *y) {
                Ok(i) => match years.get_mut(i) {
                    Some((_, py)) => {
                        let outcome = run(py)?;
                        *py = outcome.after.clone();
                        outcome
                    }
                    None => run(&PersonYear::new(claim))?,
                },
                Err(i) => {
                    let outcome = run(&PersonYear::new(claim))?;
                    years.insert(i, (year, outcome.after.clone()));
                    outcome
                }
            },
            None => {
                let outcome = run(&PersonYear::new(claim))?;
                self.people
                    .insert(claim.person_id.clone(), vec![(year, outcome.after.clone())]);
                outcome
            }
        };

        let trace = outcome.steps.map(|steps| {
            steps
                .into_iter()
                .zip(LAYER_PARAMETERS)
                .map(|(mut step, (_, names))| {
                    step.parameters = parameters_read(policy, names, on);
                    step
                })
                .collect()
        });
        let [p1, p2, p3, p4, p5] = outcome.paid;
        Ok(Settlement {
            claim_id: claim.id.clone(),
            person_id: claim.person_id.clone(),
            year,
            total_cost: claim.total_cost,
            basic_insurance: Money::from_decimal_rounded(p1),
            critical_illness_insurance: Money::from_decimal_rounded(p2),
            supplementary_insurance: Money::from_decimal_rounded(p3),
            medical_assistance: Money::from_decimal_rounded(p4),
            backstop: Money::from_decimal_rounded(p5),
            self_pay: Money::from_decimal_rounded(outcome.self_pay),
            trace,
        })
    }
}

struct Outcome {
    paid: [Decimal; 5],
    self_pay: Decimal,
    after: PersonYear,
    steps: Option<Vec<LayerStep>>,
}

const ONE: Decimal = Decimal::ONE;
/// Zero with two decimals, so sums of payments keep the fen scale.
const ZERO: Decimal = Decimal::from_parts(0, 0, 0, false, 2);

fn pos(x: Decimal) -> Decimal {
    x.max(ZERO)
}

/// What a cumulative layer pays: `round_fen(X_ytd) − paid_ytd_before`,
/// never below 0.
fn cumulative_due(x_ytd: Decimal, paid_before: Decimal) -> Result<Decimal, ArithmeticError> {
    Ok(pos(
        round_fen(x_ytd).sub_or_err(paid_before, "cumulative payment")?
    ))
}

/// `f(B)` of the critical-illness layer: Σ rateᵢ × (the part of `over`
/// inside bracket i), each rate with the uplift and at most 1. Also returns
/// the marginal rate (the rate of the bracket `over` ends in).
fn brackets_amount(
    brackets: &[crate::policy::Bracket],
    over: Decimal,
    uplift: Decimal,
) -> Result<(Decimal, Decimal), ArithmeticError> {
    let mut total = ZERO;
    let mut marginal = ZERO;
    let mut iter = brackets.iter().enumerate().peekable();
    while let Some((i, b)) = iter.next() {
        if over < b.from {
            break;
        }
        let rate = b.rate.add_or_err(uplift, "critical rate")?.min(ONE);
        // The bracket `over` ends in (at a bound: the one below it).
        if i == 0 || over > b.from {
            marginal = rate;
        }
        let top = match iter.peek() {
            Some((_, next)) => over.min(next.from),
            None => over,
        };
        let part = pos(top.sub_or_err(b.from, "critical bracket")?);
        total = total.add_or_err(part.mul_or_err(rate, "critical bracket")?, "critical sum")?;
    }
    Ok((total, marginal))
}

/// The chain of domain.md §5 for one claim, on a copy of its person-year.
fn chain(
    p: &ClaimParams,
    claim: &Claim,
    before: &PersonYear,
    explain: bool,
) -> Result<Outcome, ArithmeticError> {
    let poor = before.registered_poor;
    let major = before.major_illness;
    let level = claim.hospital_level;
    let e = claim.in_policy_cost.as_decimal();
    let t = claim.total_cost.as_decimal();
    let mut after = before.clone();
    after.claims = after.claims.saturating_add(1);
    let mut steps = explain.then(|| Vec::with_capacity(5));
    let mut left = e; // what the previous layers left of this claim's E

    // 1. Basic medical insurance, per stay.
    let level_value = |t: &crate::policy::EnumTable<HospitalLevel>| t.get(level).unwrap_or(ZERO);
    let d1 = if poor {
        level_value(&p.basic_deductible.value)
            .mul_or_err(p.basic_poor_deductible_factor.value, "basic deductible")?
    } else {
        level_value(&p.basic_deductible.value)
    };
    let r1 = if poor {
        level_value(&p.basic_rate.value)
            .add_or_err(p.basic_poor_rate_uplift.value, "basic rate")?
            .min(ONE)
    } else {
        level_value(&p.basic_rate.value).min(ONE)
    };
    let room1 = pos(p
        .basic_annual_cap
        .value
        .sub_or_err(before.basic_paid, "basic cap")?);
    let x1 = pos(e.sub_or_err(d1, "basic base")?).mul_or_err(r1, "basic amount")?;
    let due1 = round_fen(x1.min(room1));
    let pay1 = due1.min(left);
    left = left.sub_or_err(pay1, "remainder")?;
    after.basic_paid = before.basic_paid.add_or_err(pay1, "basic ytd")?;
    if let Some(s) = steps.as_mut() {
        s.push(LayerStep {
            rule: "basic",
            applies: true,
            available: e,
            base: Some(e),
            rate: Some(r1),
            deductible: Some(d1),
            cap: Some(p.basic_annual_cap.value),
            ytd_before: before.basic_paid,
            ytd_after: after.basic_paid,
            due: due1,
            paid: pay1,
            parameters: Vec::new(),
        });
    }

    // 2. Critical-illness insurance, annual cumulative, every claim.
    let available2 = left;
    after.critical_base = before.critical_base.add_or_err(left, "critical base")?;
    let d2 = if poor {
        p.critical_deductible.value.mul_or_err(
            p.critical_poor_deductible_factor.value,
            "critical deductible",
        )?
    } else {
        p.critical_deductible.value
    };
    let uplift2 = if poor {
        p.critical_poor_rate_uplift.value
    } else {
        ZERO
    };
    let over = pos(after.critical_base.sub_or_err(d2, "critical base")?);
    let (f2, marginal2) = brackets_amount(&p.critical_brackets.value, over, uplift2)?;
    let cap2 = (!poor).then_some(p.critical_annual_cap.value);
    let x2 = match cap2 {
        Some(c) => f2.min(c),
        None => f2,
    };
    let due2 = cumulative_due(x2, before.critical_paid)?;
    let pay2 = due2.min(left);
    left = left.sub_or_err(pay2, "remainder")?;
    after.critical_paid = before.critical_paid.add_or_err(pay2, "critical ytd")?;
    if let Some(s) = steps.as_mut() {
        s.push(LayerStep {
            rule: "critical",
            applies: true,
            available: available2,
            base: Some(after.critical_base),
            rate: Some(marginal2),
            deductible: Some(d2),
            cap: cap2,
            ytd_before: before.critical_paid,
            ytd_after: after.critical_paid,
            due: due2,
            paid: pay2,
            parameters: Vec::new(),
        });
    }

    // 3. Supplementary insurance: only for p while its rate is above 0.
    let available3 = left;
    let applies3 = poor && p.supplementary_rate.value > ZERO;
    let (pay3, due3) = if applies3 {
        after.supplementary_base = before
            .supplementary_base
            .add_or_err(left, "supplementary base")?;
        let x3 = pos(after
            .supplementary_base
            .sub_or_err(p.supplementary_deductible.value, "supplementary base")?)
        .mul_or_err(p.supplementary_rate.value, "supplementary amount")?
        .min(p.supplementary_annual_cap.value);
        let due3 = cumulative_due(x3, before.supplementary_paid)?;
        (due3.min(left), due3)
    } else {
        (ZERO, ZERO)
    };
    left = left.sub_or_err(pay3, "remainder")?;
    after.supplementary_paid = before
        .supplementary_paid
        .add_or_err(pay3, "supplementary ytd")?;
    if let Some(s) = steps.as_mut() {
        s.push(LayerStep {
            rule: "supplementary",
            applies: applies3,
            available: available3,
            base: applies3.then_some(after.supplementary_base),
            rate: applies3.then_some(p.supplementary_rate.value),
            deductible: applies3.then_some(p.supplementary_deductible.value),
            cap: applies3.then_some(p.supplementary_annual_cap.value),
            ytd_before: before.supplementary_paid,
            ytd_after: after.supplementary_paid,
            due: due3,
            paid: pay3,
            parameters: Vec::new(),
        });
    }

    // 4. Medical assistance: only for p, per stay.
    let available4 = left;
    let rate4 = if major {
        p.assistance_rate
            .value
            .add_or_err(p.assistance_major_illness_uplift.value, "assistance rate")?
            .min(ONE)
    } else {
        p.assistance_rate.value.min(ONE)
    };
    let ceiling4 = if major {
        p.assistance_major_illness_annual_ceiling.value
    } else {
        p.assistance_annual_ceiling.value
    };
    let (pay4, due4) = if poor {
        let room = pos(ceiling4.sub_or_err(before.assistance_paid, "assistance ceiling")?);
        let due4 = round_fen(left.mul_or_err(rate4, "assistance amount")?.min(room));
        (due4.min(left), due4)
    } else {
        (ZERO, ZERO)
    };
    left = left.sub_or_err(pay4, "remainder")?;
    after.assistance_paid = before.assistance_paid.add_or_err(pay4, "assistance ytd")?;
    if let Some(s) = steps.as_mut() {
        s.push(LayerStep {
            rule: "assistance",
            applies: poor,
            available: available4,
            base: poor.then_some(available4),
            rate: poor.then_some(rate4),
            deductible: None,
            cap: poor.then_some(ceiling4),
            ytd_before: before.assistance_paid,
            ytd_after: after.assistance_paid,
            due: due4,
            paid: pay4,
            parameters: Vec::new(),
        });
    }

    // 5. Government backstop, annual cumulative over the claims it applies to.
    let available5 = left;
    let applies5 = p.backstop_enabled.value
        && poor
        && claim.backstop_eligible
        && level != HospitalLevel::OutOfRegion;
    let mut cap5 = None;
    let (pay5, due5) = if applies5 {
        after.backstop_claims = before.backstop_claims.saturating_add(1);
        after.backstop_in_policy = before
            .backstop_in_policy
            .add_or_err(e, "backstop in-policy cost")?;
        after.backstop_remainder = before
            .backstop_remainder
            .add_or_err(left, "backstop remainder")?;
        let ratio_cap = p
            .backstop_self_pay_ratio
            .value
            .mul_or_err(after.backstop_in_policy, "backstop cap")?;
        let annual = p.backstop_annual_self_pay_cap.value;
        let cap = match p.backstop_cap_mode.value {
            CapMode::Min => ratio_cap.min(annual),
            CapMode::Max => ratio_cap.max(annual),
        };
        cap5 = Some(cap);
        let target = round_fen(
            after
                .backstop_remainder
                .sub_or_err(cap, "backstop excess")?,
        );
        let due5 = pos(target.sub_or_err(before.backstop_paid, "backstop payment")?);
        (due5.min(left), due5)
    } else {
        (ZERO, ZERO)
    };
    left = left.sub_or_err(pay5, "remainder")?;
    after.backstop_paid = before.backstop_paid.add_or_err(pay5, "backstop ytd")?;
    if let Some(s) = steps.as_mut() {
        s.push(LayerStep {
            rule: "backstop",
            applies: applies5,
            available: available5,
            base: applies5.then_some(after.backstop_remainder),
            rate: applies5.then_some(p.backstop_self_pay_ratio.value),
            deductible: None,
            cap: cap5,
            ytd_before: before.backstop_paid,
            ytd_after: after.backstop_paid,
            due: due5,
            paid: pay5,
            parameters: Vec::new(),
        });
    }

    // 6. Self-pay: the residual, out-of-policy costs included.
    let o = t.sub_or_err(e, "out-of-policy cost")?;
    let self_pay = left.add_or_err(o, "self-pay")?;
    Ok(Outcome {
        paid: [pay1, pay2, pay3, pay4, pay5],
        self_pay,
        after,
        steps,
    })
}

// ── Serialization: stable JSON ─────────────────────────────────────────────

/// One person-year as the ledger file stores it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonYearWire {
    person_id: String,
    year: i32,
    sums: PersonYear,
}

/// The ledger file: a format tag, claim ids sorted, person-years sorted.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerWire {
    format: String,
    claim_ids: Vec<String>,
    person_years: Vec<PersonYearWire>,
}

/// The `format` tag of a serialized ledger.
pub const LEDGER_FORMAT: &str = "fupin-ledger/1";

impl Serialize for Ledger {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut claim_ids: Vec<String> = self.claim_ids.iter().cloned().collect();
        claim_ids.sort_unstable();
        let mut person_years: Vec<PersonYearWire> = self
            .people
            .iter()
            .flat_map(|(person, years)| {
                years.iter().map(move |(year, sums)| PersonYearWire {
                    person_id: person.clone(),
                    year: *year,
                    sums: sums.clone(),
                })
            })
            .collect();
        person_years.sort_unstable_by(|a, b| (&a.person_id, a.year).cmp(&(&b.person_id, b.year)));
        LedgerWire {
            format: LEDGER_FORMAT.to_owned(),
            claim_ids,
            person_years,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Ledger {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let wire = LedgerWire::deserialize(d)?;
        if wire.format != LEDGER_FORMAT {
            return Err(D::Error::custom(format!(
                "unknown ledger format {:?} (expected {LEDGER_FORMAT:?})",
                wire.format
            )));
        }
        let mut ledger = Ledger::new();
        for id in wire.claim_ids {
            if !ledger.claim_ids.insert(id.clone()) {
                return Err(D::Error::custom(format!("claim id {id:?} listed twice")));
            }
        }
        for py in wire.person_years {
            let years = ledger.people.entry(py.person_id).or_default();
            match years.binary_search_by_key(&py.year, |(y, _)| *y) {
                Ok(_) => {
                    return Err(D::Error::custom(format!(
                        "a person-year of {} is listed twice",
                        py.year
                    )));
                }
                Err(i) => years.insert(i, (py.year, py.sums)),
            }
        }
        Ok(ledger)
    }
}
