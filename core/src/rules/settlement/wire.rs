//! The JSON of the settlement types that is not a plain derive: a trace
//! step's amounts ([`LayerStep`]), a person-year's sums ([`PersonYear`])
//! and the ledger file ([`Ledger`], format [`LEDGER_FORMAT`]).
//!
//! Every amount is a decimal string: fen amounts with exactly two
//! decimals, the exact ones (bases, rates, deductibles, caps) with at
//! least two and never rounded, so whatever is written reads back equal.

use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use super::ledger::{Ledger, PersonYear, Sums};
use super::outcome::LayerStep;
use crate::money::round_fen;
use crate::trace::ParameterRead;

/// The `format` tag of a serialized ledger.
pub const LEDGER_FORMAT: &str = "fupin-ledger/1";

// ── Trace steps ────────────────────────────────────────────────────────────

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

// ── Person-years ───────────────────────────────────────────────────────────

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

/// The JSON shape of [`PersonYear`], field by field in this order (serde's
/// remote derive: the compiler checks it names every field).
#[derive(Serialize, Deserialize)]
#[serde(remote = "PersonYear", deny_unknown_fields)]
struct PersonYearJson {
    registered_poor: bool,
    major_illness: bool,
    claims: u64,
    #[serde(with = "fen_sum")]
    basic_paid: Decimal,
    #[serde(with = "fen_sum")]
    critical_base: Decimal,
    #[serde(with = "fen_sum")]
    critical_paid: Decimal,
    #[serde(with = "fen_sum")]
    supplementary_base: Decimal,
    #[serde(with = "fen_sum")]
    supplementary_paid: Decimal,
    #[serde(with = "fen_sum")]
    assistance_paid: Decimal,
    backstop_claims: u64,
    #[serde(with = "fen_sum")]
    backstop_in_policy: Decimal,
    #[serde(with = "fen_sum")]
    backstop_remainder: Decimal,
    #[serde(with = "fen_sum")]
    backstop_paid: Decimal,
}

impl Serialize for PersonYear {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PersonYearJson::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for PersonYear {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PersonYear, D::Error> {
        PersonYearJson::deserialize(d)
    }
}

// ── The ledger file ────────────────────────────────────────────────────────

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

impl Serialize for Ledger {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut claim_ids: Vec<&str> = self.claim_ids().collect();
        claim_ids.sort_unstable();
        let mut person_years: Vec<PersonYearWire> = self
            .person_years()
            .map(|(person, year, sums)| PersonYearWire {
                person_id: person.to_owned(),
                year,
                sums: sums.to_person_year(),
            })
            .collect();
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
            if !ledger
                .record_claim(&id)
                .ok_or_else(|| D::Error::custom("too many claim ids"))?
            {
                return Err(D::Error::custom(format!("claim id {id:?} listed twice")));
            }
        }
        for py in wire.person_years {
            let sums = Sums::from_person_year(&py.sums).map_err(D::Error::custom)?;
            if !ledger
                .record_year(&py.person_id, py.year, sums)
                .map_err(D::Error::custom)?
            {
                return Err(D::Error::custom(format!(
                    "a person-year of {} is listed twice",
                    py.year
                )));
            }
        }
        Ok(ledger)
    }
}
