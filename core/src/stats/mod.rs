//! County statistics (domain.md §8): counts, poverty incidence with village
//! exit verdicts, exit progress, monitoring, benefit totals, micro-credit
//! capacity, findings by code, the county-exit check and reconciliation.
//!
//! [`RegistryStats`] is built in one pass over the evaluated households
//! ([`RegistryStats::add`]); every figure is a sum over the decisions that
//! `fupin evaluate` prints for the same data.

pub mod county;
pub mod ratio;
pub mod reconcile;

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::decision::{
    CreditCode, Decision, DibaoCode, ExitCode, Finding, FindingCode, MonitoringCategory, Trigger,
};
use crate::enums::{Status, WireEnum};
use crate::record::Household;
use ratio::Ratio;

/// The seed county's reported figures (`core/data/seed-reported.toml`).
pub const SEED_REPORTED: &str = include_str!("../../data/seed-reported.toml");

/// A row of `villages.csv`: `village,town,population`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VillageRow {
    /// Administrative village.
    pub village: String,
    /// Its town.
    pub town: String,
    /// Agricultural-registered population.
    pub population: u64,
}

/// Households and persons.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Households.
    pub households: u64,
    /// Persons counted on `as_of`.
    pub persons: u64,
}

impl Count {
    fn add(&mut self, persons: u64) {
        self.households += 1;
        self.persons += persons;
    }
}

/// A dimension to count by (`Registry.summary(by=…)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// 乡镇.
    Town,
    /// 行政村.
    Village,
    /// 脱贫属性.
    Status,
    /// 贫困户属性.
    Attribute,
    /// 主要致贫原因.
    MainCause,
    /// 识别年度.
    IdentifiedYear,
}

impl Dimension {
    /// Every dimension, in report order.
    pub const ALL: [Dimension; 6] = [
        Dimension::Town,
        Dimension::Village,
        Dimension::Status,
        Dimension::Attribute,
        Dimension::MainCause,
        Dimension::IdentifiedYear,
    ];

    /// The wire name (`main_cause` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Town => "town",
            Dimension::Village => "village",
            Dimension::Status => "status",
            Dimension::Attribute => "attribute",
            Dimension::MainCause => "main_cause",
            Dimension::IdentifiedYear => "identified_year",
        }
    }

    /// Parses a wire name.
    pub fn from_name(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The household's key on this dimension (`""` when absent).
    pub fn key(self, hh: &Household) -> String {
        match self {
            Dimension::Town => hh.town.to_string(),
            Dimension::Village => hh.village.to_string(),
            Dimension::Status => hh.status.as_str().to_owned(),
            Dimension::Attribute => hh.attribute.as_str().to_owned(),
            Dimension::MainCause => hh
                .main_cause()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            Dimension::IdentifiedYear => hh
                .identified_on
                .map(|d| d.year().to_string())
                .unwrap_or_default(),
        }
    }
}

/// Incidence of one village or town.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incidence {
    /// Village or town name.
    pub unit: String,
    /// The village's town (empty for a town row).
    pub town: String,
    /// Persons in `poor` and `returned` households.
    pub poor_persons: u64,
    /// Agricultural-registered population.
    pub population: u64,
    /// `poor_persons / population`.
    pub incidence: Ratio,
    /// Incidence below `exit.village_incidence_max`.
    pub may_exit: bool,
}

/// Benefit totals over the registry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Benefits {
    /// Σ dibao monthly benefit.
    pub dibao_monthly: Decimal,
    /// Households eligible for dibao.
    pub dibao_households: u64,
    /// Σ insurance premiums.
    pub insurance_premiums: Decimal,
    /// Σ education aid.
    pub education_aid: Decimal,
    /// Σ elderly allowance.
    pub elderly_allowance: Decimal,
    /// Σ veterans' allowance.
    pub veterans_allowance: Decimal,
    /// Σ entitlements total.
    pub total: Decimal,
}

/// Micro-credit over the registry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CreditStats {
    /// Households eligible for a new loan.
    pub eligible_households: u64,
    /// Σ max new loan of the eligible.
    pub max_new_loans: Decimal,
    /// Σ outstanding loans on the register.
    pub outstanding: Decimal,
    /// Households with an outstanding loan.
    pub borrowers: u64,
}

/// Statistics of one registry on one date.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegistryStats {
    /// Households evaluated.
    pub households: Count,
    /// Records that failed validation.
    pub errors: u64,
    /// Counts by each dimension, keys sorted.
    pub counts: BTreeMap<Dimension, BTreeMap<String, Count>>,
    /// Poor persons (`poor`/`returned` households) by village.
    pub poor_by_village: BTreeMap<String, u64>,
    /// Households eligible to exit this year.
    pub exit_eligible: Count,
    /// Confirmed exits: status `exited` with `exited_on` in `Y`.
    pub exit_confirmed: Count,
    /// Households failing each exit criterion.
    pub exit_failures: BTreeMap<ExitCode, u64>,
    /// Households per monitoring category.
    pub monitoring: BTreeMap<MonitoringCategory, Count>,
    /// Households per trigger.
    pub triggers: BTreeMap<Trigger, u64>,
    /// Households failing each dibao criterion.
    pub dibao_failures: BTreeMap<DibaoCode, u64>,
    /// Households failing each credit criterion.
    pub credit_failures: BTreeMap<CreditCode, u64>,
    /// Benefit totals.
    pub benefits: Benefits,
    /// Micro-credit.
    pub credit: CreditStats,
    /// Findings per code (audit codes included when added).
    pub findings: BTreeMap<FindingCode, u64>,
}

impl RegistryStats {
    /// Adds one evaluated household (`d` is its decision on `as_of`).
    pub fn add(&mut self, hh: &Household, d: &Decision) {
        let persons = u64::from(d.size);
        self.households.add(persons);
        for dim in Dimension::ALL {
            self.counts
                .entry(dim)
                .or_default()
                .entry(dim.key(hh))
                .or_default()
                .add(persons);
        }
        if matches!(hh.status, Status::Poor | Status::Returned) {
            *self
                .poor_by_village
                .entry(hh.village.to_string())
                .or_default() += persons;
        }
        if d.exit.eligible {
            self.exit_eligible.add(persons);
        }
        if hh.status == Status::Exited && hh.exited_on.is_some_and(|e| e.year() == d.as_of.year()) {
            self.exit_confirmed.add(persons);
        }
        for c in &d.exit.failed {
            *self.exit_failures.entry(*c).or_default() += 1;
        }
        self.monitoring
            .entry(d.monitoring.category)
            .or_default()
            .add(persons);
        for t in &d.monitoring.triggers {
            *self.triggers.entry(*t).or_default() += 1;
        }
        for c in &d.dibao.failed {
            *self.dibao_failures.entry(*c).or_default() += 1;
        }
        for c in &d.credit.failed {
            *self.credit_failures.entry(*c).or_default() += 1;
        }
        let b = &mut self.benefits;
        let e = &d.entitlements;
        b.dibao_monthly += d.dibao.monthly_benefit.as_decimal();
        b.dibao_households += u64::from(d.dibao.eligible);
        b.insurance_premiums += e.insurance_premiums.as_decimal();
        b.education_aid += e.education_aid.as_decimal();
        b.elderly_allowance += e.elderly_allowance.as_decimal();
        b.veterans_allowance += e.veterans_allowance.as_decimal();
        b.total += e.total.as_decimal();
        if d.credit.eligible {
            self.credit.eligible_households += 1;
            self.credit.max_new_loans += d.credit.max_new_loan.as_decimal();
        }
        if let Some(c) = &hh.credit
            && !c.outstanding.is_zero()
        {
            self.credit.outstanding += c.outstanding.as_decimal();
            self.credit.borrowers += 1;
        }
    }

    /// Adds one validation error.
    pub fn add_error(&mut self) {
        self.errors += 1;
    }

    /// Adds findings (a household's own or the audit's).
    pub fn add_findings<'a>(&mut self, findings: impl IntoIterator<Item = &'a Finding>) {
        for f in findings {
            *self.findings.entry(f.code).or_default() += 1;
        }
    }

    /// Incidence by village (in `villages` order) and by town (in order of
    /// first appearance), with village-exit verdicts against `max`
    /// (`exit.village_incidence_max`). Villages of households that are not
    /// in `villages` are returned last, as the units left out.
    pub fn incidence(
        &self,
        villages: &[VillageRow],
        max: Decimal,
    ) -> (Vec<Incidence>, Vec<Incidence>, Vec<String>) {
        let mut by_village = Vec::new();
        let mut towns: Vec<(String, u64, u64)> = Vec::new();
        for v in villages {
            let poor = self.poor_by_village.get(&v.village).copied().unwrap_or(0);
            let r = Ratio::new(poor, v.population);
            by_village.push(Incidence {
                unit: v.village.clone(),
                town: v.town.clone(),
                poor_persons: poor,
                population: v.population,
                incidence: r,
                may_exit: r.lt(max).unwrap_or(false),
            });
            match towns.iter_mut().find(|(t, _, _)| *t == v.town) {
                Some(t) => {
                    t.1 += poor;
                    t.2 += v.population;
                }
                None => towns.push((v.town.clone(), poor, v.population)),
            }
        }
        let by_town = towns
            .into_iter()
            .map(|(town, poor, pop)| {
                let r = Ratio::new(poor, pop);
                Incidence {
                    unit: town,
                    town: String::new(),
                    poor_persons: poor,
                    population: pop,
                    incidence: r,
                    may_exit: r.lt(max).unwrap_or(false),
                }
            })
            .collect();
        let known: std::collections::HashSet<&str> =
            villages.iter().map(|v| v.village.as_str()).collect();
        let missing = self
            .counts
            .get(&Dimension::Village)
            .map(|m| {
                m.keys()
                    .filter(|k| !known.contains(k.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        (by_village, by_town, missing)
    }

    /// County lending capacity `risk_fund × leverage` and its use.
    pub fn credit_capacity(&self, risk_fund: Decimal, leverage: Decimal) -> (Decimal, Ratio) {
        let capacity = risk_fund.checked_mul(leverage).unwrap_or(Decimal::MAX);
        (capacity, Ratio::new(self.credit.outstanding, capacity))
    }
}

/// Reads `villages.csv` rows already split into cells (`village,town,population`).
pub fn village_row(cells: &[&str]) -> Option<VillageRow> {
    match cells {
        [village, town, population] => Some(VillageRow {
            village: village.trim().to_owned(),
            town: town.trim().to_owned(),
            population: population.trim().parse().ok()?,
        }),
        _ => None,
    }
}
