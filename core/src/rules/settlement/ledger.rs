//! The [`Ledger`]: per person and calendar year the year-to-date sums of
//! the chain ([`PersonYear`]), and the id of every claim settled.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::chain;
use super::ids::{Id, IdTable, hash_id};
use super::outcome::Settlement;
use super::params::{LAYER_PARAMETERS, ParamsCache};
use crate::error::{ArithmeticError, ErrorCode, RecordError};
use crate::exact::Exact;
use crate::policy::Policy;
use crate::record::Claim;
use crate::rules::parameters_read;

/// The year-to-date sums of one person-year (domain.md §5). Every sum is a
/// whole number of fen.
///
/// Serializes with every sum as a decimal string of two decimals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonYear {
    /// `p`: taken from the person-year's first settled claim.
    pub registered_poor: bool,
    /// `m`: taken from the person-year's first settled claim.
    pub major_illness: bool,
    /// Claims settled.
    pub claims: u64,
    /// `paid1_ytd`: basic insurance paid.
    pub basic_paid: Decimal,
    /// `B_ytd`: Σ (E − pay1) over every claim.
    pub critical_base: Decimal,
    /// `paid2_ytd`: critical-illness insurance paid.
    pub critical_paid: Decimal,
    /// `R_ytd` of layer 3: Σ (E − pay1 − pay2) over the claims on which the
    /// supplementary layer applies.
    pub supplementary_base: Decimal,
    /// `paid3_ytd`: supplementary insurance paid.
    pub supplementary_paid: Decimal,
    /// `paid4_ytd`: medical assistance paid.
    pub assistance_paid: Decimal,
    /// Claims on which the backstop applied.
    pub backstop_claims: u64,
    /// `E_ytd` of layer 5: in-policy cost of the claims on which the
    /// backstop applies.
    pub backstop_in_policy: Decimal,
    /// `R_ytd` of layer 5: in-policy remainder after layers 1–4 of those
    /// claims.
    pub backstop_remainder: Decimal,
    /// `paid5_ytd`: backstop paid.
    pub backstop_paid: Decimal,
}

/// The year-to-date sums of a person-year in whole fen: the numbers of
/// [`PersonYear`] as the ledger keeps them. A sum past `i64::MAX` fen
/// (9.2 × 10¹⁶ yuan) is out of range: the claim that would reach it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sums {
    pub registered_poor: bool,
    pub major_illness: bool,
    pub claims: u64,
    pub backstop_claims: u64,
    pub basic_paid: i64,
    pub critical_base: i64,
    pub critical_paid: i64,
    pub supplementary_base: i64,
    pub supplementary_paid: i64,
    pub assistance_paid: i64,
    pub backstop_in_policy: i64,
    pub backstop_remainder: i64,
    pub backstop_paid: i64,
}

impl Sums {
    /// The sums before a person-year's first claim, with that claim's `p`
    /// and `m`.
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

    pub(super) fn to_person_year(self) -> PersonYear {
        let d = |fen: i64| Decimal::new(fen, 2);
        PersonYear {
            registered_poor: self.registered_poor,
            major_illness: self.major_illness,
            claims: self.claims,
            basic_paid: d(self.basic_paid),
            critical_base: d(self.critical_base),
            critical_paid: d(self.critical_paid),
            supplementary_base: d(self.supplementary_base),
            supplementary_paid: d(self.supplementary_paid),
            assistance_paid: d(self.assistance_paid),
            backstop_claims: self.backstop_claims,
            backstop_in_policy: d(self.backstop_in_policy),
            backstop_remainder: d(self.backstop_remainder),
            backstop_paid: d(self.backstop_paid),
        }
    }

    /// The sums of `py`, when each is a whole number of fen that fits.
    pub(super) fn from_person_year(py: &PersonYear) -> Result<Self, ArithmeticError> {
        let f = |x: Decimal| Exact::from_decimal(x).to_fen("ledger sum");
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

/// Two ledgers that were to be merged share a claim id or a person
/// ([`Ledger::absorb`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overlap;

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
    /// Every person with a settled claim, with its first slot in `years`.
    persons: IdTable<u32>,
    /// Every person-year.
    years: Vec<YearSlot>,
    /// The chain's constants of the admission dates settled.
    cache: ParamsCache,
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

/// The slot in `years` of `person`'s `year`.
#[inline]
fn find_year(persons: &IdTable<u32>, years: &[YearSlot], person: u32, year: i32) -> Option<usize> {
    let mut at = persons.value(person)?;
    while let Some(slot) = years.get(at as usize) {
        if slot.year == year {
            return Some(at as usize);
        }
        at = slot.next;
    }
    None
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
        Some(self.slot(person_id, year)?.sums.to_person_year())
    }

    fn slot(&self, person_id: &str, year: i32) -> Option<&YearSlot> {
        let person = self.persons.find(hash_id(person_id), person_id)?;
        let i = find_year(&self.persons, &self.years, person, year)?;
        self.years.get(i)
    }

    /// Every claim id settled, in the order settled.
    pub(super) fn claim_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.claims.iter()
    }

    /// Every person-year: (person id, year, sums), in no particular order.
    pub(super) fn person_years(&self) -> impl Iterator<Item = (&str, i32, &Sums)> + '_ {
        (0..self.persons.len()).flat_map(move |p| {
            let person = self.persons.get(p as u32);
            let mut at = self.persons.value(p as u32).unwrap_or(NONE);
            std::iter::from_fn(move || {
                let slot = self.years.get(at as usize)?;
                at = slot.next;
                Some((person, slot.year, &slot.sums))
            })
        })
    }

    /// Records a settled claim id (a ledger read back): `Some(false)` if it
    /// is there already, `None` when the ledger holds 2³² ids.
    pub(super) fn record_claim(&mut self, id: &str) -> Option<bool> {
        let h = hash_id(id);
        if self.claims.find(h, id).is_some() {
            return Some(false);
        }
        self.claims.push(h, id, ()).map(|_| true)
    }

    /// Records a person-year's sums (a ledger read back): `false` if that
    /// person-year is there already.
    pub(super) fn record_year(
        &mut self,
        person_id: &str,
        year: i32,
        sums: Sums,
    ) -> Result<bool, ArithmeticError> {
        let h = hash_id(person_id);
        let person = self.persons.find(h, person_id);
        if person.is_some_and(|p| find_year(&self.persons, &self.years, p, year).is_some()) {
            return Ok(false);
        }
        self.add_year(person, h, person_id, year, sums)
            .map(|()| true)
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
            None => self
                .persons
                .push(person_hash, person_id, NONE)
                .ok_or_else(full)?,
        };
        let slot = u32::try_from(self.years.len())
            .ok()
            .filter(|s| *s != NONE)
            .ok_or_else(full)?;
        let head = self.persons.value_mut(person).ok_or_else(full)?;
        self.years.push(YearSlot {
            year,
            next: *head,
            sums,
        });
        *head = slot;
        Ok(())
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
            self.claims.push(h, id, ()).ok_or(Overlap)?;
        }
        self.persons.reserve(&other.persons);
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
            let mut at = other.persons.value(p).unwrap_or(NONE);
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
    /// value on the admission date; `out_of_range` when an exact value of
    /// the chain leaves the range of [`Exact`] (only far beyond 10¹³-yuan
    /// claims, or with parameters of absurd precision; with `explain`, also
    /// a trace amount that no `Decimal` holds exactly). The claim is
    /// expected to have passed [`Claim::validate`] (as
    /// [`parse_claim`](crate::parse_claim) does); an in-policy cost above
    /// the total cost is refused here too.
    ///
    /// The chain is exact arithmetic, rounded to the fen only where
    /// domain.md §5 rounds, with or without `explain`.
    pub fn settle(
        &mut self,
        policy: &Policy,
        claim: &Claim,
        explain: bool,
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
        let slot = person.and_then(|p| find_year(&self.persons, &self.years, p, year));
        let before = match slot.and_then(|i| self.years.get(i)) {
            Some(s) => s.sums,
            // A person-year starts with its first settled claim's p and m.
            None => Sums::new(claim),
        };
        let rates = self
            .cache
            .rates(policy, on)
            .map_err(|e| with_id(RecordError::from(e)))?;
        // The ledger changes only once the chain has succeeded.
        let outcome =
            chain::settle(rates, claim, &before, explain).map_err(|e| with_id(overflow(e)))?;
        let trace = outcome
            .steps
            .map(|steps| with_parameters(steps, policy, on));
        let stored = match slot.and_then(|i| self.years.get_mut(i)) {
            Some(s) => {
                s.sums = outcome.after;
                Ok(())
            }
            None => self.add_year(person, person_hash, &claim.person_id, year, outcome.after),
        };
        stored
            .and_then(|()| {
                self.claims
                    .push(claim_hash, &claim.id, ())
                    .map(drop)
                    .ok_or(ArithmeticError {
                        operation: "ledger size",
                    })
            })
            .map_err(|e| with_id(overflow(e)))?;
        let [p1, p2, p3, p4, p5] = outcome.paid;
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
            self_pay: outcome.self_pay,
            trace,
        })
    }
}

/// The trace steps with the parameters each layer read on `on`.
fn with_parameters(
    steps: Vec<super::outcome::LayerStep>,
    policy: &Policy,
    on: NaiveDate,
) -> Vec<super::outcome::LayerStep> {
    steps
        .into_iter()
        .zip(LAYER_PARAMETERS)
        .map(|(mut step, (_, names))| {
            step.parameters = parameters_read(policy, names, on);
            step
        })
        .collect()
}
