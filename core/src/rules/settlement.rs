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

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::enums::{HospitalLevel, WireEnum};
use crate::error::{ArithmeticError, ErrorCode, PolicyError, RecordError};
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

/// A claim or person id as a [`Settlement`] carries it: ids of up to 22
/// bytes are kept inline (no allocation per settlement), longer ones on the
/// heap. Reads as a `&str` ([`Id::as_str`], `Deref`), shows and serializes
/// as the string.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Id(IdRepr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum IdRepr {
    /// Ids of up to [`INLINE`] bytes; the bytes after `len` are zero.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<str>),
}

const INLINE: usize = 22;

impl Id {
    /// The id `s`.
    #[inline]
    pub fn new(s: &str) -> Id {
        let src = s.as_bytes();
        let mut bytes = [0u8; INLINE];
        match (bytes.get_mut(..src.len()), u8::try_from(src.len())) {
            (Some(dst), Ok(len)) => {
                dst.copy_from_slice(src);
                Id(IdRepr::Inline { len, bytes })
            }
            _ => Id(IdRepr::Heap(s.into())),
        }
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid UTF-8: copied from a `&str` (a whole one).
            IdRepr::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
            IdRepr::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Id {
        Id::new(s)
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.as_str().to_owned()
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        String::deserialize(d).map(|s| Id::new(&s))
    }
}

/// The settlement of one claim (interfaces.md §3.2): the six components add
/// up exactly to `total_cost`, and each is non-negative.
///
/// Serializes to `{"claim_id","person_id","year","total_cost",
/// "basic_insurance","critical_illness_insurance","supplementary_insurance",
/// "medical_assistance","backstop","self_pay"}` in this order, money as
/// strings with two decimals, followed by `"trace"` only when explained;
/// reads back from that (the Python `Settlement` pickles this way).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settlement {
    /// The claim's id.
    pub claim_id: Id,
    /// The patient's person id.
    pub person_id: Id,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

/// A [`LayerStep`] as serialized: amounts are decimal strings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerStepText {
    rule: String,
    applies: bool,
    available: String,
    base: Option<String>,
    rate: Option<String>,
    deductible: Option<String>,
    cap: Option<String>,
    ytd_before: String,
    ytd_after: String,
    due: String,
    paid: String,
    parameters: Vec<ParameterRead>,
}

/// Reads a layer step back from its serialization. The amounts shown as
/// fen are fen amounts and the others are shown exactly, so the step read
/// back equals the one written.
impl<'de> Deserialize<'de> for LayerStep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<LayerStep, D::Error> {
        use serde::de::Error;
        let t = LayerStepText::deserialize(d)?;
        let num = |s: &str| -> Result<Decimal, D::Error> {
            s.parse::<Decimal>()
                .map_err(|_| D::Error::custom(format!("not a decimal: {s:?}")))
        };
        let opt = |s: &Option<String>| s.as_deref().map(num).transpose();
        Ok(LayerStep {
            rule: crate::trace::rule_named(&t.rule)?,
            applies: t.applies,
            available: num(&t.available)?,
            base: opt(&t.base)?,
            rate: opt(&t.rate)?,
            deductible: opt(&t.deductible)?,
            cap: opt(&t.cap)?,
            ytd_before: num(&t.ytd_before)?,
            ytd_after: num(&t.ytd_after)?,
            due: num(&t.due)?,
            paid: num(&t.paid)?,
            parameters: t.parameters,
        })
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

/// Two ledgers that were to be merged share a claim id or a person
/// ([`Ledger::absorb`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overlap;

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

/// The 64-bit hash of an id (its length mixed in, so "A" and "A\0" differ).
#[inline]
fn hash_id(id: &str) -> u64 {
    let mut h = WordHasher::default();
    h.write(id.as_bytes());
    h.write_usize(id.len());
    h.finish()
}

/// A hasher for keys that are already 64-bit hashes: passes them through.
#[derive(Default, Clone, Copy)]
struct PassHasher(u64);

impl Hasher for PassHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Not used by `u64` keys; mixes anything else all the same.
        let mut h = WordHasher(self.0);
        h.write(bytes);
        self.0 = h.finish();
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type Fast = BuildHasherDefault<WordHasher>;
type ByHash = BuildHasherDefault<PassHasher>;

/// A set of ids, each numbered in insertion order: the text of every id
/// in one buffer (no allocation per id) and a table from each id's 64-bit
/// hash to its number. Two ids with the same hash are told apart by their
/// text (a hash match is always verified), so a collision never makes a new
/// id look like one seen before.
#[derive(Debug, Clone, Default)]
struct IdTable {
    /// Every id, concatenated.
    text: String,
    /// Where each id ends in `text` (it starts where the one before ends).
    ends: Vec<usize>,
    /// hash → the number of the first id with that hash.
    first: HashMap<u64, u32, ByHash>,
    /// hash → the numbers of later ids with the same hash (almost never
    /// used: two different ids whose 64-bit hashes collide).
    more: HashMap<u64, Vec<u32>, ByHash>,
}

impl IdTable {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The text of id number `i`.
    fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or("")
    }

    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len()).map(|i| self.get(i as u32))
    }

    /// Makes room for the ids of `other` too.
    fn reserve(&mut self, other: &IdTable) {
        self.text.reserve(other.text.len());
        self.ends.reserve(other.ends.len());
        self.first.reserve(other.first.len());
    }

    /// The number of `id` (whose hash is `h`), if it is in the set.
    #[inline]
    fn find(&self, h: u64, id: &str) -> Option<u32> {
        let i = *self.first.get(&h)?;
        if self.get(i) == id {
            return Some(i);
        }
        self.more
            .get(&h)?
            .iter()
            .copied()
            .find(|&j| self.get(j) == id)
    }

    /// Adds `id` (hash `h`), which must not be in the set; returns its
    /// number, or `None` when the set holds 2³² ids already.
    fn push(&mut self, h: u64, id: &str) -> Option<u32> {
        let i = u32::try_from(self.ends.len()).ok()?;
        self.text.push_str(id);
        self.ends.push(self.text.len());
        match self.first.entry(h) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.more.entry(h).or_default().push(i);
            }
        }
        Some(i)
    }
}

/// No year in a person's list.
const NONE: u32 = u32::MAX;

/// One person-year in the ledger: its sums, and the next year of the same
/// person (a short list per person, in no particular order).
#[derive(Debug, Clone)]
struct YearSlot {
    year: i32,
    next: u32,
    sums: Sums,
}

/// The year-to-date sums of a person-year in whole fen: the same numbers
/// as [`PersonYear`], stored as integers (every sum is a whole number of
/// fen; `i128` holds every sum a `Decimal` can).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sums {
    registered_poor: bool,
    major_illness: bool,
    claims: u64,
    backstop_claims: u64,
    basic_paid: i128,
    critical_base: i128,
    critical_paid: i128,
    supplementary_base: i128,
    supplementary_paid: i128,
    assistance_paid: i128,
    backstop_in_policy: i128,
    backstop_remainder: i128,
    backstop_paid: i128,
}

impl Sums {
    fn new(claim: &Claim) -> Self {
        Sums {
            registered_poor: claim.registered_poor,
            major_illness: claim.major_illness,
            claims: 0,
            backstop_claims: 0,
            basic_paid: 0,
            critical_base: 0,
            critical_paid: 0,
            supplementary_base: 0,
            supplementary_paid: 0,
            assistance_paid: 0,
            backstop_in_policy: 0,
            backstop_remainder: 0,
            backstop_paid: 0,
        }
    }

    fn to_person_year(self) -> Result<PersonYear, ArithmeticError> {
        let d = |fen: i128| {
            Decimal::try_from_i128_with_scale(fen, 2).map_err(|_| ArithmeticError {
                operation: "ledger sum",
            })
        };
        Ok(PersonYear {
            registered_poor: self.registered_poor,
            major_illness: self.major_illness,
            claims: self.claims,
            basic_paid: d(self.basic_paid)?,
            critical_base: d(self.critical_base)?,
            critical_paid: d(self.critical_paid)?,
            supplementary_base: d(self.supplementary_base)?,
            supplementary_paid: d(self.supplementary_paid)?,
            assistance_paid: d(self.assistance_paid)?,
            backstop_claims: self.backstop_claims,
            backstop_in_policy: d(self.backstop_in_policy)?,
            backstop_remainder: d(self.backstop_remainder)?,
            backstop_paid: d(self.backstop_paid)?,
        })
    }

    fn from_person_year(py: &PersonYear) -> Result<Self, ArithmeticError> {
        let f = |x: Decimal| {
            fen_of(round_fen(x)).ok_or(ArithmeticError {
                operation: "ledger sum",
            })
        };
        Ok(Sums {
            registered_poor: py.registered_poor,
            major_illness: py.major_illness,
            claims: py.claims,
            backstop_claims: py.backstop_claims,
            basic_paid: f(py.basic_paid)?,
            critical_base: f(py.critical_base)?,
            critical_paid: f(py.critical_paid)?,
            supplementary_base: f(py.supplementary_base)?,
            supplementary_paid: f(py.supplementary_paid)?,
            assistance_paid: f(py.assistance_paid)?,
            backstop_in_policy: f(py.backstop_in_policy)?,
            backstop_remainder: f(py.backstop_remainder)?,
            backstop_paid: f(py.backstop_paid)?,
        })
    }
}

/// A decimal with at most two decimals as whole fen.
fn fen_of(d: Decimal) -> Option<i128> {
    let shift = 2u32.checked_sub(d.scale())?;
    d.mantissa().checked_mul(10i128.checked_pow(shift)?)
}

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
    /// Every claim id settled.
    claims: IdTable,
    /// Every person with a settled claim.
    persons: IdTable,
    /// Per person (by number in `persons`), its first slot in `years`.
    heads: Vec<u32>,
    /// Every person-year.
    years: Vec<YearSlot>,
    /// The parameters of the admission dates settled, and their policy.
    cache: Option<ParamsCache>,
}

/// What a ledger knows about one admission date.
#[derive(Debug, Clone)]
struct DateParams {
    on: NaiveDate,
    params: ClaimParams,
    /// The same parameters as scaled integers, when they fit
    /// ([`FastParams::new`]); `None` sends every claim of the date through
    /// the decimal chain.
    fast: Option<FastParams>,
}

#[derive(Clone)]
struct ParamsCache {
    policy: Policy,
    /// The index in `dates` of the date settled last.
    last: usize,
    by_date: HashMap<NaiveDate, usize, Fast>,
    dates: Vec<DateParams>,
}

impl std::fmt::Debug for ParamsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ParamsCache({}, {} dates)",
            self.policy.name(),
            self.dates.len()
        )
    }
}

impl PartialEq for Ledger {
    /// The same claim ids and the same person-years with the same sums (in
    /// whatever order they were added).
    fn eq(&self, other: &Self) -> bool {
        self.claims.len() == other.claims.len()
            && self.years.len() == other.years.len()
            && self.persons.len() == other.persons.len()
            && self
                .claims
                .iter()
                .all(|id| other.claims.find(hash_id(id), id).is_some())
            && self
                .person_years()
                .all(|(person, year, sums)| other.slot(person, year).map(|s| &s.sums) == Some(sums))
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
        self.claims.find(hash_id(claim_id), claim_id).is_some()
    }

    /// The number of claims settled.
    pub fn claims_settled(&self) -> usize {
        self.claims.len()
    }

    /// The year-to-date sums of a person-year, if it has a settled claim.
    pub fn person_year(&self, person_id: &str, year: i32) -> Option<PersonYear> {
        self.slot(person_id, year)?.sums.to_person_year().ok()
    }

    fn slot(&self, person_id: &str, year: i32) -> Option<&YearSlot> {
        let person = self.persons.find(hash_id(person_id), person_id)?;
        let i = find_year(&self.heads, &self.years, person, year)?;
        self.years.get(i)
    }

    /// Every person-year: (person id, year, sums), in no particular order.
    fn person_years(&self) -> impl Iterator<Item = (&str, i32, &Sums)> + '_ {
        (0..self.persons.len()).flat_map(move |p| {
            let person = self.persons.get(p as u32);
            let mut at = self.heads.get(p).copied().unwrap_or(NONE);
            std::iter::from_fn(move || {
                let slot = self.years.get(at as usize)?;
                at = slot.next;
                Some((person, slot.year, &slot.sums))
            })
        })
    }

    /// Adds a person-year that is not in the ledger yet.
    fn add_year(
        &mut self,
        person: Option<u32>,
        person_hash: u64,
        person_id: &str,
        year: i32,
        sums: Sums,
    ) -> Result<(), ArithmeticError> {
        let full = || ArithmeticError {
            operation: "ledger size",
        };
        let person = match person {
            Some(p) => p,
            None => {
                let p = self.persons.push(person_hash, person_id).ok_or_else(full)?;
                self.heads.push(NONE);
                p
            }
        };
        let slot = u32::try_from(self.years.len())
            .ok()
            .filter(|s| *s != NONE)
            .ok_or_else(full)?;
        let head = self.heads.get_mut(person as usize).ok_or_else(full)?;
        self.years.push(YearSlot {
            year,
            next: *head,
            sums,
        });
        *head = slot;
        Ok(())
    }

    /// The parameters in force on `on` under `policy`, resolved once per
    /// date and kept.
    fn date_params(&mut self, policy: &Policy, on: NaiveDate) -> Result<&DateParams, PolicyError> {
        if !matches!(&self.cache, Some(c) if c.policy.ptr_eq(policy)) {
            self.cache = None;
        }
        let cache = self.cache.get_or_insert_with(|| ParamsCache {
            policy: policy.clone(),
            last: 0,
            by_date: HashMap::default(),
            dates: Vec::new(),
        });
        let hit = match cache.dates.get(cache.last) {
            Some(d) if d.on == on => Some(cache.last),
            _ => cache.by_date.get(&on).copied(),
        };
        let i = match hit {
            Some(i) => i,
            None => {
                let params = policy.claim_params(on)?;
                let fast = FastParams::new(&params);
                cache.dates.push(DateParams { on, params, fast });
                let i = cache.dates.len().saturating_sub(1);
                cache.by_date.insert(on, i);
                i
            }
        };
        cache.last = i;
        cache.dates.get(i).ok_or(PolicyError::NotInForce {
            name: "claim parameters".to_owned(),
            date: on,
        })
    }

    /// Adds every claim id and person-year of `other`, a ledger of other
    /// people: the parts of a run split by person
    /// ([`batch::settle`](crate::batch::settle)). The result is the ledger
    /// one run over all the claims would have given, since the claims of
    /// one person never meet another's.
    ///
    /// # Errors
    ///
    /// [`Overlap`] when a claim id or a person is in both ledgers: then the
    /// split run is not one run's result, and `self` is left part-merged
    /// (the caller drops it).
    pub(crate) fn absorb(&mut self, other: Ledger) -> Result<(), Overlap> {
        self.claims.reserve(&other.claims);
        for id in other.claims.iter() {
            let h = hash_id(id);
            if self.claims.find(h, id).is_some() {
                return Err(Overlap);
            }
            self.claims.push(h, id).ok_or(Overlap)?;
        }
        self.persons.reserve(&other.persons);
        self.heads.reserve(other.heads.len());
        self.years.reserve(other.years.len());
        for p in 0..other.persons.len() {
            let Ok(p) = u32::try_from(p) else {
                return Err(Overlap);
            };
            let id = other.persons.get(p);
            let h = hash_id(id);
            if self.persons.find(h, id).is_some() {
                return Err(Overlap);
            }
            let mut person = None;
            let mut at = other.heads.get(p as usize).copied().unwrap_or(NONE);
            while let Some(slot) = other.years.get(at as usize) {
                self.add_year(person, h, id, slot.year, slot.sums)
                    .map_err(|_| Overlap)?;
                person = Some(u32::try_from(self.persons.len() - 1).map_err(|_| Overlap)?);
                at = slot.next;
            }
        }
        Ok(())
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
    ///
    /// Without `explain`, the chain runs on whole fen and scaled integer
    /// rates when the parameters and sums fit (always, with the built-in
    /// policies and input amounts), and on exact decimals otherwise; both
    /// give the same numbers (domain.md §0: exact, rounded once).
    pub fn settle(
        &mut self,
        policy: &Policy,
        claim: &Claim,
        explain: bool,
    ) -> Result<Settlement, RecordError> {
        self.settle_with(policy, claim, explain, !explain)
    }

    /// [`Ledger::settle`], with the integer chain allowed or not.
    fn settle_with(
        &mut self,
        policy: &Policy,
        claim: &Claim,
        explain: bool,
        integer: bool,
    ) -> Result<Settlement, RecordError> {
        let claim_hash = hash_id(&claim.id);
        if self.claims.find(claim_hash, &claim.id).is_some() {
            return Err(RecordError::new(
                ErrorCode::DuplicateClaimId,
                Some("id".to_owned()),
                format!("claim {:?} has already been settled", claim.id),
            )
            .with_record_id(Some(claim.id.clone())));
        }
        let with_id = |e: RecordError| e.with_record_id(Some(claim.id.clone()));
        claim.validate()?;
        let on = claim.admitted_on;
        let year = on.year();
        let person_hash = hash_id(&claim.person_id);
        let person = self.persons.find(person_hash, &claim.person_id);
        let slot = person.and_then(|p| find_year(&self.heads, &self.years, p, year));
        let before = match slot.and_then(|i| self.years.get(i)) {
            Some(s) => s.sums,
            // A person-year starts with its first settled claim's p and m.
            None => Sums::new(claim),
        };
        let date = self
            .date_params(policy, on)
            .map_err(|e| with_id(RecordError::from(e)))?;
        let fast = match &date.fast {
            Some(f) if integer => f.chain(claim, &before),
            _ => None,
        };
        // The ledger changes only once the chain has succeeded.
        let (after, paid, self_pay, trace) = match fast {
            Some(o) => (o.after, o.paid, o.self_pay, None),
            None => {
                let params = &date.params;
                let outcome = before
                    .to_person_year()
                    .and_then(|b| chain(params, claim, &b, explain))
                    .map_err(|e| with_id(overflow(e)))?;
                let after =
                    Sums::from_person_year(&outcome.after).map_err(|e| with_id(overflow(e)))?;
                let [p1, p2, p3, p4, p5] = outcome.paid.map(Money::from_decimal_rounded);
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
                (
                    after,
                    [p1, p2, p3, p4, p5],
                    Money::from_decimal_rounded(outcome.self_pay),
                    trace,
                )
            }
        };
        let stored = match slot.and_then(|i| self.years.get_mut(i)) {
            Some(s) => {
                s.sums = after;
                Ok(())
            }
            None => self.add_year(person, person_hash, &claim.person_id, year, after),
        };
        stored
            .and_then(|()| {
                self.claims
                    .push(claim_hash, &claim.id)
                    .map(drop)
                    .ok_or(ArithmeticError {
                        operation: "ledger size",
                    })
            })
            .map_err(|e| with_id(overflow(e)))?;
        let [p1, p2, p3, p4, p5] = paid;
        Ok(Settlement {
            claim_id: Id::new(&claim.id),
            person_id: Id::new(&claim.person_id),
            year,
            total_cost: claim.total_cost,
            basic_insurance: p1,
            critical_illness_insurance: p2,
            supplementary_insurance: p3,
            medical_assistance: p4,
            backstop: p5,
            self_pay,
            trace,
        })
    }
}

/// The slot in `years` of `person`'s `year`.
#[inline]
fn find_year(heads: &[u32], years: &[YearSlot], person: u32, year: i32) -> Option<usize> {
    let mut at = *heads.get(person as usize)?;
    while let Some(slot) = years.get(at as usize) {
        if slot.year == year {
            return Some(at as usize);
        }
        at = slot.next;
    }
    None
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

// ── The chain on integers ──────────────────────────────────────────────────
//
// Claim amounts and ledger sums are whole fen; parameters (and the rates
// and deductibles derived from them, computed exactly as `chain` does) are
// integers of micro-yuan (10⁻⁶), so a rate × amount is an exact integer of
// 10⁻¹² yuan, rounded to the fen half away from zero where `chain` rounds.
//
// The integer chain runs only where it cannot differ from `chain`: every
// derived parameter has at most 6 decimals (so its `Decimal` mantissa is at
// most the integer here) and is below 10¹⁵ yuan (rates below 10), the
// claim's amounts are below 10¹³ yuan and every sum before the claim below
// 9 × 10¹⁴ yuan. Then every value `chain` computes is below 10²⁸ units of
// its own scale, inside a `Decimal`'s 96-bit mantissa, so `chain` is exact
// too (no rounding by `Decimal`, no overflow), and so is every `i128` here.
// Anything else goes through `chain`.

/// Micro-yuan per fen.
const FEN: i128 = 10_000;
/// Units of 10⁻¹² per micro-unit.
const MICRO: i128 = 1_000_000;
/// Units of 10⁻¹² per fen.
const FEN_12: i128 = 10_000_000_000;
/// Parameter amounts: below 10¹⁵ yuan, in micro-yuan.
const AMOUNT_LIMIT: i128 = 1_000_000_000_000_000_000_000;
/// Rates and factors: below 10, in micro-units.
const RATE_LIMIT: i128 = 10_000_000;
/// A claim's amounts: below 10¹³ yuan, in fen.
const CLAIM_LIMIT: i128 = 1_000_000_000_000_000;
/// A person-year's sums before a claim: below 9 × 10¹⁴ yuan, in fen.
const SUM_LIMIT: i128 = 90_000_000_000_000_000;

/// `d` in micro-units, if it has at most 6 decimals and is below `limit`
/// in magnitude.
fn micro(d: Decimal, limit: i128) -> Option<i128> {
    let shift = 6u32.checked_sub(d.scale())?;
    let v = d.mantissa().checked_mul(10i128.checked_pow(shift)?)?;
    (v.unsigned_abs() < limit.unsigned_abs()).then_some(v)
}

/// `x` (units of 10⁻¹²) rounded to the fen, half away from zero.
#[inline]
fn round_12(x: i128) -> i128 {
    let q = x / FEN_12;
    let r = x % FEN_12;
    if 2 * r.abs() >= FEN_12 {
        q + x.signum()
    } else {
        q
    }
}

/// One hospital level's basic-insurance constants: (deductible, rate),
/// each for not-poor and poor.
type LevelTable = [[(i128, i128); 2]; LEVELS];

const LEVELS: usize = HospitalLevel::ALL.len();

/// The parameters of one admission date as scaled integers, with every
/// derived constant (uplifted rates, reduced deductibles) worked out once.
#[derive(Debug, Clone)]
struct FastParams {
    /// By hospital level, by `p`: (`d`, `r`) of the basic layer.
    basic: LevelTable,
    basic_cap: i128,
    /// By `p`: the critical deductible `D`.
    critical_deductible: [i128; 2],
    /// By `p`: the brackets (from, rate with the uplift, at most 1).
    critical_brackets: [Vec<(i128, i128)>; 2],
    critical_cap: i128,
    /// `supplementary.rate > 0`.
    supplementary: bool,
    supplementary_deductible: i128,
    supplementary_rate: i128,
    supplementary_cap: i128,
    /// By `m`: (rate, ceiling) of assistance.
    assistance: [(i128, i128); 2],
    backstop: bool,
    backstop_ratio: i128,
    backstop_cap: i128,
    backstop_mode: CapMode,
}

/// What the integer chain gives: the five payments, self-pay, the sums
/// after the claim.
struct FastOutcome {
    paid: [Money; 5],
    self_pay: Money,
    after: Sums,
}

impl FastParams {
    /// The integer form of `p`, or `None` when some constant does not fit
    /// (see above) or cannot be computed (then `chain` reports the error).
    fn new(p: &ClaimParams) -> Option<Self> {
        let amount = |d: Decimal| micro(d, AMOUNT_LIMIT);
        let rate = |d: Decimal| micro(d, RATE_LIMIT);
        let mut basic: LevelTable = [[(0, 0); 2]; LEVELS];
        for level in HospitalLevel::ALL {
            let deductible = p.basic_deductible.value.get(*level).unwrap_or(ZERO);
            let r = p.basic_rate.value.get(*level).unwrap_or(ZERO);
            let poor_d = deductible.checked_mul(p.basic_poor_deductible_factor.value)?;
            let poor_r = r.checked_add(p.basic_poor_rate_uplift.value)?.min(ONE);
            *basic.get_mut(*level as usize)? = [
                (amount(deductible)?, rate(r.min(ONE))?),
                (amount(poor_d)?, rate(poor_r)?),
            ];
        }
        let brackets = |uplift: Decimal| -> Option<Vec<(i128, i128)>> {
            p.critical_brackets
                .value
                .iter()
                .map(|b| Some((amount(b.from)?, rate(b.rate.checked_add(uplift)?.min(ONE))?)))
                .collect()
        };
        let (assistance_rate, uplift) = (
            p.assistance_rate.value,
            p.assistance_major_illness_uplift.value,
        );
        Some(FastParams {
            basic,
            basic_cap: amount(p.basic_annual_cap.value)?,
            critical_deductible: [
                amount(p.critical_deductible.value)?,
                amount(
                    p.critical_deductible
                        .value
                        .checked_mul(p.critical_poor_deductible_factor.value)?,
                )?,
            ],
            critical_brackets: [
                brackets(ZERO)?,
                brackets(p.critical_poor_rate_uplift.value)?,
            ],
            critical_cap: amount(p.critical_annual_cap.value)?,
            supplementary: p.supplementary_rate.value > ZERO,
            supplementary_deductible: amount(p.supplementary_deductible.value)?,
            supplementary_rate: rate(p.supplementary_rate.value)?,
            supplementary_cap: amount(p.supplementary_annual_cap.value)?,
            assistance: [
                (
                    rate(assistance_rate.min(ONE))?,
                    amount(p.assistance_annual_ceiling.value)?,
                ),
                (
                    rate(assistance_rate.checked_add(uplift)?.min(ONE))?,
                    amount(p.assistance_major_illness_annual_ceiling.value)?,
                ),
            ],
            backstop: p.backstop_enabled.value,
            backstop_ratio: rate(p.backstop_self_pay_ratio.value)?,
            backstop_cap: amount(p.backstop_annual_self_pay_cap.value)?,
            backstop_mode: p.backstop_cap_mode.value,
        })
    }

    /// The chain of domain.md §5 for one claim on integers: the same
    /// numbers as [`chain`], or `None` when the claim or the sums are out
    /// of the integer chain's range.
    #[inline]
    fn chain(&self, claim: &Claim, b: &Sums) -> Option<FastOutcome> {
        let e = fen_of(claim.in_policy_cost.as_decimal())?;
        let t = fen_of(claim.total_cost.as_decimal())?;
        let sums = [
            b.basic_paid,
            b.critical_base,
            b.critical_paid,
            b.supplementary_base,
            b.supplementary_paid,
            b.assistance_paid,
            b.backstop_in_policy,
            b.backstop_remainder,
            b.backstop_paid,
        ];
        if !(0..CLAIM_LIMIT).contains(&t)
            || !(0..=t).contains(&e)
            || sums.iter().any(|s| !(0..SUM_LIMIT).contains(s))
        {
            return None;
        }
        let poor = b.registered_poor;
        let level = claim.hospital_level;
        let mut after = *b;
        after.claims = b.claims.saturating_add(1);
        let mut left = e; // what the previous layers left of this claim's E

        // 1. Basic medical insurance, per stay.
        let (d1, r1) = *self.basic.get(level as usize)?.get(usize::from(poor))?;
        let room1 = (self.basic_cap - b.basic_paid * FEN).max(0);
        let x1 = (e * FEN - d1).max(0) * r1;
        let pay1 = round_12(x1.min(room1 * MICRO)).min(left);
        left -= pay1;
        after.basic_paid += pay1;

        // 2. Critical-illness insurance, annual cumulative.
        after.critical_base += left;
        let d2 = *self.critical_deductible.get(usize::from(poor))?;
        let over = (after.critical_base * FEN - d2).max(0);
        let brackets = self.critical_brackets.get(usize::from(poor))?;
        let mut f2 = 0;
        for (i, &(from, rate)) in brackets.iter().enumerate() {
            if over < from {
                break;
            }
            let top = match brackets.get(i + 1) {
                Some(&(next, _)) => over.min(next),
                None => over,
            };
            f2 += (top - from).max(0) * rate;
        }
        let x2 = if poor {
            f2
        } else {
            f2.min(self.critical_cap * MICRO)
        };
        let pay2 = (round_12(x2) - b.critical_paid).max(0).min(left);
        left -= pay2;
        after.critical_paid += pay2;

        // 3. Supplementary insurance: only for p while its rate is above 0.
        if poor && self.supplementary {
            after.supplementary_base += left;
            let x3 = ((after.supplementary_base * FEN - self.supplementary_deductible).max(0)
                * self.supplementary_rate)
                .min(self.supplementary_cap * MICRO);
            let pay3 = (round_12(x3) - b.supplementary_paid).max(0).min(left);
            left -= pay3;
            after.supplementary_paid += pay3;
        }
        let pay3 = after.supplementary_paid - b.supplementary_paid;

        // 4. Medical assistance: only for p, per stay.
        let mut pay4 = 0;
        if poor {
            let (rate4, ceiling4) = *self.assistance.get(usize::from(b.major_illness))?;
            let room = (ceiling4 - b.assistance_paid * FEN).max(0);
            pay4 = round_12((left * FEN * rate4).min(room * MICRO)).min(left);
            left -= pay4;
            after.assistance_paid += pay4;
        }

        // 5. Government backstop, annual cumulative over its claims.
        let mut pay5 = 0;
        if self.backstop && poor && claim.backstop_eligible && level != HospitalLevel::OutOfRegion {
            after.backstop_claims = b.backstop_claims.saturating_add(1);
            after.backstop_in_policy += e;
            after.backstop_remainder += left;
            let ratio_cap = self.backstop_ratio * after.backstop_in_policy * FEN;
            let annual = self.backstop_cap * MICRO;
            let cap = match self.backstop_mode {
                CapMode::Min => ratio_cap.min(annual),
                CapMode::Max => ratio_cap.max(annual),
            };
            let target = round_12(after.backstop_remainder * FEN_12 - cap);
            pay5 = (target - b.backstop_paid).max(0).min(left);
            left -= pay5;
            after.backstop_paid += pay5;
        }

        // 6. Self-pay: the residual, out-of-policy costs included.
        let money = |fen: i128| i64::try_from(fen).ok().map(Money::from_fen);
        Some(FastOutcome {
            paid: [
                money(pay1)?,
                money(pay2)?,
                money(pay3)?,
                money(pay4)?,
                money(pay5)?,
            ],
            self_pay: money(left + (t - e))?,
            after,
        })
    }
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
        use serde::ser::Error;
        let mut claim_ids: Vec<&str> = self.claims.iter().collect();
        claim_ids.sort_unstable();
        let mut person_years = Vec::with_capacity(self.years.len());
        for (person, year, sums) in self.person_years() {
            person_years.push(PersonYearWire {
                person_id: person.to_owned(),
                year,
                sums: sums.to_person_year().map_err(S::Error::custom)?,
            });
        }
        person_years.sort_unstable_by(|a, b| (&a.person_id, a.year).cmp(&(&b.person_id, b.year)));
        LedgerWire {
            format: LEDGER_FORMAT.to_owned(),
            claim_ids: claim_ids.into_iter().map(str::to_owned).collect(),
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
            let h = hash_id(&id);
            if ledger.claims.find(h, &id).is_some() {
                return Err(D::Error::custom(format!("claim id {id:?} listed twice")));
            }
            ledger
                .claims
                .push(h, &id)
                .ok_or_else(|| D::Error::custom("too many claim ids"))?;
        }
        for py in wire.person_years {
            let h = hash_id(&py.person_id);
            let person = ledger.persons.find(h, &py.person_id);
            if person.is_some_and(|p| find_year(&ledger.heads, &ledger.years, p, py.year).is_some())
            {
                return Err(D::Error::custom(format!(
                    "a person-year of {} is listed twice",
                    py.year
                )));
            }
            let sums = Sums::from_person_year(&py.sums).map_err(D::Error::custom)?;
            ledger
                .add_year(person, h, &py.person_id, py.year, sums)
                .map_err(D::Error::custom)?;
        }
        Ok(ledger)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod differential {
    //! The integer chain against the decimal chain (the reference): the
    //! same lines, the same errors, the same ledger, on arbitrary claim
    //! sequences, huge amounts and policies with odd rates and caps.

    use super::*;
    use crate::parse_claim;
    use proptest::prelude::*;

    /// `ningxia-2020` with four-decimal rates and caps in fen.
    const ODD: &str = r#"
name = "odd-rates"
extends = "ningxia-2020"

[parameters."basic.deductible"]
source = "test"
values = { "2014-01-01" = { township = "123.45", county = "456.78", city = "999.99", provincial = "1000.01", out_of_region = "1500.5" } }

[parameters."basic.rate"]
source = "test"
values = { "2014-01-01" = { township = "0.8333", county = "0.6667", city = "0.5555", provincial = "0.6001", out_of_region = "0.4999" } }

[parameters."basic.poor_deductible_factor"]
source = "test"
values = { "2014-01-01" = "0.3333" }

[parameters."basic.poor_rate_uplift"]
source = "test"
values = { "2014-01-01" = "0.0333" }

[parameters."basic.annual_cap"]
source = "test"
values = { "2014-01-01" = "12345.67" }

[parameters."critical.deductible"]
source = "test"
values = { "2014-01-01" = "6400.01" }

[parameters."critical.poor_deductible_factor"]
source = "test"
values = { "2014-01-01" = "0.6667" }

[parameters."critical.poor_rate_uplift"]
source = "test"
values = { "2014-01-01" = "0.0333" }

[parameters."critical.brackets"]
source = "test"
values = { "2014-01-01" = [{ from = "0", rate = "0.6667" }, { from = "1234.56", rate = "0.7777" }, { from = "98765.43", rate = "0.9999" }] }

[parameters."critical.annual_cap"]
source = "test"
values = { "2014-01-01" = "54321.09" }

[parameters."supplementary.deductible"]
source = "test"
values = { "2014-01-01" = "2999.99" }

[parameters."supplementary.rate"]
source = "test"
values = { "2014-01-01" = "0", "2016-04-25" = "0.6667" }

[parameters."supplementary.annual_cap"]
source = "test"
values = { "2014-01-01" = "12345.67" }

[parameters."assistance.rate"]
source = "test"
values = { "2014-01-01" = "0.7001" }

[parameters."assistance.major_illness_uplift"]
source = "test"
values = { "2014-01-01" = "0.1111" }

[parameters."assistance.annual_ceiling"]
source = "test"
values = { "2014-01-01" = "12345.67" }

[parameters."assistance.major_illness_annual_ceiling"]
source = "test"
values = { "2014-01-01" = "23456.78" }

[parameters."backstop.self_pay_ratio"]
source = "test"
values = { "2014-01-01" = "0.0999" }

[parameters."backstop.annual_self_pay_cap"]
source = "test"
values = { "2014-01-01" = "4999.99" }

[parameters."backstop.cap_mode"]
source = "test"
values = { "2014-01-01" = "min", "2019-07-01" = "max" }
"#;

    /// A ratio with 7 decimals from 2019: those dates take the decimal
    /// chain even without `explain`.
    const FINE: &str = r#"
name = "fine-ratio"
extends = "ningxia-2020"

[parameters."backstop.self_pay_ratio"]
source = "test"
values = { "2014-01-01" = "0.10", "2019-01-01" = "0.1234567" }
"#;

    fn policies() -> Vec<Policy> {
        vec![
            Policy::builtin("ningxia-2020").unwrap(),
            Policy::builtin("national-2020").unwrap(),
            Policy::from_toml_str(ODD, "odd.toml").unwrap(),
            Policy::from_toml_str(FINE, "fine.toml").unwrap(),
        ]
    }

    #[test]
    fn the_odd_policies_take_the_paths_meant() {
        let on = |s: &str| s.parse::<NaiveDate>().unwrap();
        let [_, _, odd, fine] = <[Policy; 4]>::try_from(policies()).unwrap();
        assert!(FastParams::new(&odd.claim_params(on("2020-03-01")).unwrap()).is_some());
        assert!(FastParams::new(&fine.claim_params(on("2018-03-01")).unwrap()).is_some());
        assert!(FastParams::new(&fine.claim_params(on("2020-03-01")).unwrap()).is_none());
    }

    /// Amounts in fen: small, ordinary, and up to 10¹³ − 0.01 yuan.
    fn arb_fen() -> impl Strategy<Value = u64> {
        prop_oneof![
            0u64..=10_000,
            0u64..=50_000_000,
            0u64..=999_999_999_999_999,
            999_999_999_000_000u64..=999_999_999_999_999,
            Just(0),
        ]
    }

    prop_compose! {
        fn arb_claim_body()(
            person in 0u8..3,
            year in 2015i32..=2021,
            day in 0u32..365,
            level in prop::sample::select(vec!["township", "county", "city", "provincial", "out_of_region"]),
            e in arb_fen(),
            extra in arb_fen(),
            poor in prop::bool::weighted(0.8),
            eligible in prop::bool::weighted(0.8),
            major in any::<bool>(),
            repeat in prop::bool::weighted(0.05),
        ) -> (bool, String) {
            let date = NaiveDate::from_yo_opt(year, day + 1).unwrap();
            let total = e.saturating_add(extra).clamp(1, 999_999_999_999_999);
            let e = e.min(total);
            let fen = |v: u64| format!("{}.{:02}", v / 100, v % 100);
            (repeat, format!(
                r#""person_id":"P{person}","admitted_on":"{date}","hospital_level":"{level}","total_cost":"{}","in_policy_cost":"{}","registered_poor":{poor},"backstop_eligible":{eligible},"major_illness":{major}"#,
                fen(total), fen(e)
            ))
        }
    }

    /// Claims with ids `C0`, `C1` …, a few of them repeating an earlier id.
    fn arb_claims() -> impl Strategy<Value = Vec<Claim>> {
        prop::collection::vec(arb_claim_body(), 1..60).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (repeat, body))| {
                    let id = if repeat { i / 2 } else { i };
                    parse_claim(format!(r#"{{"id":"C{id}",{body}}}"#).as_bytes()).unwrap()
                })
                .collect()
        })
    }

    fn line(r: Result<Settlement, RecordError>) -> String {
        match r {
            Ok(s) => serde_json::to_string(&s).unwrap(),
            Err(e) => format!("error {} {}", e.code, e.message),
        }
    }

    /// Settles `claims` on both chains; checks line by line and the ledgers.
    fn both(policy: &Policy, claims: &[Claim]) -> Result<(), TestCaseError> {
        let (mut fast, mut reference) = (Ledger::new(), Ledger::new());
        for c in claims {
            let a = line(fast.settle_with(policy, c, false, true));
            let b = line(reference.settle_with(policy, c, false, false));
            prop_assert_eq!(a, b, "claim {}", c.id);
        }
        prop_assert_eq!(&fast, &reference);
        prop_assert_eq!(
            serde_json::to_string(&fast).unwrap(),
            serde_json::to_string(&reference).unwrap()
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn the_integer_chain_gives_the_decimal_chains_numbers(
            policy in prop::sample::select(policies()), claims in arb_claims()
        ) {
            both(&policy, &claims)?;
        }
    }

    /// A hundred stays of 10¹³ − 0.01 yuan in one person-year push its sums
    /// past the integer chain's range: the decimal chain takes over, with
    /// the same numbers up to the last claim.
    #[test]
    fn sums_beyond_the_integer_range_go_through_decimals() {
        for policy in policies() {
            let claims: Vec<Claim> = (0..100)
                .map(|i| {
                    parse_claim(
                        format!(
                            r#"{{"id":"C{i}","person_id":"P","admitted_on":"2020-03-01","hospital_level":"city","total_cost":"9999999999999.99","in_policy_cost":"9999999999999.98","major_illness":true}}"#
                        )
                        .as_bytes(),
                    )
                    .unwrap()
                })
                .collect();
            both(&policy, &claims).unwrap();
        }
    }

    /// Ids whose 64-bit hashes collide are still told apart.
    #[test]
    fn a_hash_collision_is_not_a_duplicate() {
        let mut t = IdTable::default();
        assert_eq!(t.push(7, "A"), Some(0));
        assert_eq!(t.find(7, "B"), None);
        assert_eq!(t.push(7, "B"), Some(1));
        assert_eq!(t.find(7, "A"), Some(0));
        assert_eq!(t.find(7, "B"), Some(1));
        assert_eq!(t.find(7, "C"), None);
        assert_eq!(t.iter().collect::<Vec<_>>(), ["A", "B"]);
    }

    #[test]
    fn ids_read_back_as_given() {
        for s in [
            "",
            "C1",
            "二十二个字节的编号xx",
            &"x".repeat(22),
            &"y".repeat(23),
            &"长".repeat(40),
        ] {
            let id = Id::new(s);
            assert_eq!(id.as_str(), s);
            assert_eq!(id.to_string(), s);
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }
}
