//! Policies: named parameters with dated values (interfaces.md §5,
//! domain.md §9).
//!
//! A [`Policy`] holds every parameter of the [catalogue](params::CATALOGUE),
//! each with a unit, a source, a [status](ParamStatus) and dated values. The
//! value in force on a date is the one with the latest start date on or
//! before it; a date before the first value is [`PolicyError::NotInForce`].
//!
//! Two policies are built in, compiled from `core/policies/*.toml`:
//! `ningxia-2020` (domain.md §9) and `national-2020` (Ningxia's own values
//! taken out). A policy file may `extends` one of them and replace any
//! parameter's values.
//!
//! Rules do not look parameters up one by one: callers resolve a whole typed
//! set once per date ([`Policy::household_params`], [`Policy::claim_params`],
//! [`Policy::statistics_params`]) and reuse it for every record. Those sets
//! are precomputed per interval on which no parameter of the set changes, so
//! resolving one is a binary search and a cheap clone.
//!
//! ```
//! use fupin_core::Policy;
//! use fupin_core::date::parse_date;
//!
//! let policy = Policy::builtin("ningxia-2020")?;
//! let on = parse_date("2020-06-30").unwrap();
//! let p = policy.household_params(on)?;
//! assert_eq!(p.poverty_line_exit.value.to_string(), "4000");
//! let cap = policy.lookup("backstop.annual_self_pay_cap", on)?;
//! assert_eq!(cap.value.to_string(), "5000");
//! assert_eq!(cap.status.as_str(), "seed");
//! # Ok::<(), fupin_core::PolicyError>(())
//! ```

use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value as Json};

use crate::enums::{CreditRating, HospitalLevel};
use crate::error::PolicyError;

pub mod file;
mod load;
pub mod params;
pub mod value;

pub use params::{CATALOGUE, Group, ParamKind, ParamSpec};
pub use value::{Bracket, Brackets, CapMode, EnumTable, ParamValue, Resolved};

/// The names of the built-in policies.
pub const BUILTIN_NAMES: [&str; 2] = ["ningxia-2020", "national-2020"];

const NINGXIA_2020: &str = include_str!("../../policies/ningxia-2020.toml");
const NATIONAL_2020: &str = include_str!("../../policies/national-2020.toml");

/// How well a parameter's value is founded (domain.md opening).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamStatus {
    /// `sourced`: official text seen.
    Sourced,
    /// `seed`: derived from the county summary.
    Seed,
    /// `default`: no source found; a county must confirm it.
    Default,
    /// `local`: set by a user's policy file (the default there).
    Local,
}

impl ParamStatus {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamStatus::Sourced => "sourced",
            ParamStatus::Seed => "seed",
            ParamStatus::Default => "default",
            ParamStatus::Local => "local",
        }
    }

    /// Parses the wire string.
    pub fn from_wire(s: &str) -> Option<Self> {
        [
            ParamStatus::Sourced,
            ParamStatus::Seed,
            ParamStatus::Default,
            ParamStatus::Local,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

impl fmt::Display for ParamStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One parameter of a loaded policy.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parameter {
    unit: String,
    source: String,
    status: ParamStatus,
    /// Sorted by start date, non-empty, no date twice.
    values: Vec<(NaiveDate, ParamValue)>,
}

impl Parameter {
    /// The value in force on `d` and its start date.
    fn at(&self, d: NaiveDate) -> Option<&(NaiveDate, ParamValue)> {
        let after = self.values.partition_point(|(start, _)| *start <= d);
        after.checked_sub(1).and_then(|i| self.values.get(i))
    }
}

/// A parameter's value in force on a date, borrowed from its policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InForce<'a> {
    /// The parameter's dotted name.
    pub name: &'static str,
    /// The value in force.
    pub value: &'a ParamValue,
    /// The start date of that value.
    pub since: NaiveDate,
    /// The unit (`yuan`, `rate`, `years` …).
    pub unit: &'a str,
    /// The document or article the value comes from.
    pub source: &'a str,
    /// How well founded the value is.
    pub status: ParamStatus,
}

impl InForce<'_> {
    /// An owned copy.
    pub fn to_owned(&self) -> ShownParameter {
        ShownParameter {
            name: self.name,
            value: self.value.clone(),
            since: self.since,
            status: self.status,
            unit: self.unit.to_owned(),
            source: self.source.to_owned(),
        }
    }
}

/// A parameter in force on a date, as `policy show` prints it and a trace
/// lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownParameter {
    /// The parameter's dotted name.
    pub name: &'static str,
    /// The value in force.
    pub value: ParamValue,
    /// The start date of that value.
    pub since: NaiveDate,
    /// How well founded the value is.
    pub status: ParamStatus,
    /// The unit.
    pub unit: String,
    /// The document or article the value comes from.
    pub source: String,
}

impl ShownParameter {
    /// A view that serializes as a trace step's parameter entry
    /// `{"name", "value", "since", "source", "status"}` (interfaces.md §3.1).
    pub fn trace(&self) -> TraceParameter<'_> {
        TraceParameter(self)
    }

    /// `{"name", "value", "since", "status", "unit", "source"}` (`policy show --json`).
    ///
    /// Key order in a [`serde_json::Value`] follows serde_json's
    /// `preserve_order` feature; serialize the `ShownParameter` itself for
    /// keys in this order.
    pub fn to_json(&self) -> Json {
        let mut m = Map::new();
        m.insert("name".into(), Json::String(self.name.to_owned()));
        m.insert("value".into(), self.value.to_json());
        m.insert(
            "since".into(),
            Json::String(self.since.format("%Y-%m-%d").to_string()),
        );
        m.insert(
            "status".into(),
            Json::String(self.status.as_str().to_owned()),
        );
        m.insert("unit".into(), Json::String(self.unit.clone()));
        m.insert("source".into(), Json::String(self.source.clone()));
        Json::Object(m)
    }

    /// `{"name", "value", "since", "source", "status"}`: a trace step's
    /// parameter entry (interfaces.md §3.1), as a JSON value.
    pub fn to_trace_json(&self) -> Json {
        let mut m = Map::new();
        m.insert("name".into(), Json::String(self.name.to_owned()));
        m.insert("value".into(), self.value.to_json());
        m.insert(
            "since".into(),
            Json::String(self.since.format("%Y-%m-%d").to_string()),
        );
        m.insert("source".into(), Json::String(self.source.clone()));
        m.insert(
            "status".into(),
            Json::String(self.status.as_str().to_owned()),
        );
        Json::Object(m)
    }
}

impl Serialize for ShownParameter {
    /// `{"name", "value", "since", "status", "unit", "source"}`, in this order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ShownParameter", 6)?;
        st.serialize_field("name", self.name)?;
        st.serialize_field("value", &self.value)?;
        st.serialize_field("since", &self.since.format("%Y-%m-%d").to_string())?;
        st.serialize_field("status", self.status.as_str())?;
        st.serialize_field("unit", &self.unit)?;
        st.serialize_field("source", &self.source)?;
        st.end()
    }
}

/// A parameter as a trace step lists it: serializes as
/// `{"name", "value", "since", "source", "status"}`, in this order.
#[derive(Debug, Clone, Copy)]
pub struct TraceParameter<'a>(&'a ShownParameter);

impl Serialize for TraceParameter<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut st = s.serialize_struct("TraceParameter", 5)?;
        st.serialize_field("name", p.name)?;
        st.serialize_field("value", &p.value)?;
        st.serialize_field("since", &p.since.format("%Y-%m-%d").to_string())?;
        st.serialize_field("source", &p.source)?;
        st.serialize_field("status", p.status.as_str())?;
        st.end()
    }
}

impl fmt::Display for ShownParameter {
    /// One `policy show` line: `name  value  since  status  unit  source`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}  {}  {}  {}  {}  {}",
            self.name,
            self.value,
            self.since.format("%Y-%m-%d"),
            self.status,
            self.unit,
            self.source
        )
    }
}

/// Typed sets cached per interval on which none of their parameters changes.
#[derive(Debug)]
struct Segments<T> {
    /// Sorted start dates; `None` where some parameter is not yet in force.
    starts: Vec<(NaiveDate, Option<T>)>,
}

impl<T: Clone> Segments<T> {
    fn build(
        inner: &Inner,
        group: Group,
        make: fn(&Inner, NaiveDate) -> Result<T, PolicyError>,
    ) -> Self {
        let mut dates: Vec<NaiveDate> = CATALOGUE
            .iter()
            .zip(&inner.params)
            .filter(|(spec, _)| spec.group == group)
            .flat_map(|(_, p)| p.values.iter().map(|(d, _)| *d))
            .collect();
        dates.sort_unstable();
        dates.dedup();
        let starts = dates
            .into_iter()
            .map(|d| (d, make(inner, d).ok()))
            .collect();
        Segments { starts }
    }

    fn get(
        &self,
        inner: &Inner,
        d: NaiveDate,
        make: fn(&Inner, NaiveDate) -> Result<T, PolicyError>,
    ) -> Result<T, PolicyError> {
        let after = self.starts.partition_point(|(start, _)| *start <= d);
        match after.checked_sub(1).and_then(|i| self.starts.get(i)) {
            Some((_, Some(cached))) => Ok(cached.clone()),
            // Not in force (or not cached): resolve directly, which names the
            // first parameter that is not in force on `d`.
            _ => make(inner, d),
        }
    }
}

#[derive(Debug)]
struct Inner {
    name: String,
    origin: String,
    extends: Option<String>,
    /// In catalogue order, one per catalogue entry.
    params: Vec<Parameter>,
    household: OnceLock<Segments<HouseholdParams>>,
    claim: OnceLock<Segments<ClaimParams>>,
    statistics: OnceLock<Segments<StatisticsParams>>,
}

/// A loaded policy: every parameter of the catalogue with its dated values.
///
/// Cloning is cheap (the data is shared).
#[derive(Debug, Clone)]
pub struct Policy {
    inner: Arc<Inner>,
}

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.inner.name == other.inner.name && self.inner.params == other.inner.params
    }
}

thread_local! {
    /// Origins of the files being loaded on this thread, to detect `extends`
    /// cycles through a caller's resolver.
    static LOADING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Pops the origin pushed on [`LOADING`] when a load ends, however it ends.
struct LoadingGuard;

impl Drop for LoadingGuard {
    fn drop(&mut self) {
        LOADING.with(|l| {
            if let Ok(mut l) = l.try_borrow_mut() {
                l.pop();
            }
        });
    }
}

impl Policy {
    /// A built-in policy by name (`ningxia-2020`, `national-2020`).
    ///
    /// Each is parsed once per process; later calls clone it.
    pub fn builtin(name: &str) -> Result<Policy, PolicyError> {
        static NINGXIA: OnceLock<Result<Policy, PolicyError>> = OnceLock::new();
        static NATIONAL: OnceLock<Result<Policy, PolicyError>> = OnceLock::new();
        let (cell, text) = match name {
            "ningxia-2020" => (&NINGXIA, NINGXIA_2020),
            "national-2020" => (&NATIONAL, NATIONAL_2020),
            _ => {
                return Err(PolicyError::UnknownPolicy {
                    name: name.to_owned(),
                });
            }
        };
        cell.get_or_init(|| Policy::from_toml_str(text, name))
            .clone()
    }

    /// The TOML text of a built-in policy, as compiled in.
    pub fn builtin_text(name: &str) -> Option<&'static str> {
        match name {
            "ningxia-2020" => Some(NINGXIA_2020),
            "national-2020" => Some(NATIONAL_2020),
            _ => None,
        }
    }

    /// Loads a policy file whose `extends` (if any) names a built-in policy.
    ///
    /// `origin` names the text in errors (a file path, or the policy name).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        Policy::from_toml_str_with(text, origin, &mut Policy::builtin)
    }

    /// Loads a policy file, resolving its `extends` with `resolve` (which
    /// may read another file and load it with this same function, so a
    /// command line can accept `extends = "other.toml"`).
    ///
    /// Cycles are detected when the file extends itself (by `name` or
    /// `origin`), and when `resolve` loads, on the same thread, a file whose
    /// `origin` is already being loaded: pass a canonical path as `origin`.
    pub fn from_toml_str_with(
        text: &str,
        origin: &str,
        resolve: &mut dyn FnMut(&str) -> Result<Policy, PolicyError>,
    ) -> Result<Policy, PolicyError> {
        // `Some(pushed)` when the stack could be read; a cycle when `origin`
        // is already on it.
        let state = LOADING.with(|l| {
            l.try_borrow_mut().ok().map(|mut l| {
                if l.iter().any(|o| o == origin) {
                    false
                } else {
                    l.push(origin.to_owned());
                    true
                }
            })
        });
        if state == Some(false) {
            return Err(PolicyError::ExtendsCycle {
                policy: origin.to_owned(),
                name: origin.to_owned(),
            });
        }
        let _guard = state.map(|_| LoadingGuard);

        let file = load::parse(text, origin)?;
        let mut params: Vec<Option<Parameter>> = match &file.extends {
            Some(base) if *base == file.name || base == origin => {
                return Err(PolicyError::ExtendsCycle {
                    policy: origin.to_owned(),
                    name: base.clone(),
                });
            }
            Some(base) => resolve(base)?
                .inner
                .params
                .iter()
                .cloned()
                .map(Some)
                .collect(),
            None => vec![None; CATALOGUE.len()],
        };
        for o in file.params {
            let inherited_unit = params
                .get(o.index)
                .and_then(|p| p.as_ref())
                .map(|p| &p.unit);
            let unit = o
                .unit
                .or_else(|| inherited_unit.cloned())
                .unwrap_or_default();
            let source = o
                .source
                .unwrap_or_else(|| format!("policy {} (no source given)", file.name));
            if let Some(slot) = params.get_mut(o.index) {
                *slot = Some(Parameter {
                    unit,
                    source,
                    status: o.status.unwrap_or(ParamStatus::Local),
                    values: o.values,
                });
            }
        }
        let params = params
            .into_iter()
            .zip(CATALOGUE)
            .map(|(p, spec)| {
                p.ok_or_else(|| PolicyError::MissingParameter {
                    policy: origin.to_owned(),
                    name: spec.name.to_owned(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let inner = Inner {
            name: file.name,
            origin: origin.to_owned(),
            extends: file.extends,
            params,
            household: OnceLock::new(),
            claim: OnceLock::new(),
            statistics: OnceLock::new(),
        };
        inner.check_two_lines_in_one()?;
        Ok(Policy {
            inner: Arc::new(inner),
        })
    }

    /// `true` when both handles share one loaded policy (a clone of it):
    /// a constant-time test that lets callers cache what they derived.
    pub fn ptr_eq(&self, other: &Policy) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The policy's `name`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Where the policy was loaded from (as given to the loader).
    pub fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// The policy this one extends, if any.
    pub fn extends(&self) -> Option<&str> {
        self.inner.extends.as_deref()
    }

    /// Every dated value of a parameter, sorted by start date.
    pub fn dated_values(&self, name: &str) -> Result<&[(NaiveDate, ParamValue)], PolicyError> {
        Ok(&self.inner.param(name)?.1.values)
    }

    /// The value of parameter `name` in force on `d`, with its start date,
    /// unit, source and status.
    pub fn lookup(&self, name: &str, d: NaiveDate) -> Result<InForce<'_>, PolicyError> {
        self.inner.lookup(name, d)
    }

    /// An owned description of parameter `name` on `d`, for a trace.
    pub fn describe(&self, name: &str, d: NaiveDate) -> Result<ShownParameter, PolicyError> {
        self.inner.lookup(name, d).map(|p| p.to_owned())
    }

    /// Every parameter in force on `d`, in catalogue order (`policy show`).
    /// Fails with the first parameter not in force.
    pub fn show(&self, d: NaiveDate) -> Result<Vec<ShownParameter>, PolicyError> {
        CATALOGUE.iter().map(|s| self.describe(s.name, d)).collect()
    }

    /// The parameters a household evaluation reads (domain.md §1–§4, §6,
    /// §7), in force on `d`. Fails with the first of them (in catalogue
    /// order) that is not in force.
    pub fn household_params(&self, d: NaiveDate) -> Result<HouseholdParams, PolicyError> {
        let inner = &*self.inner;
        let make = HouseholdParams::resolve;
        inner
            .household
            .get_or_init(|| Segments::build(inner, Group::Household, make))
            .get(inner, d, make)
    }

    /// The parameters a claim settlement reads (domain.md §5), in force on
    /// `d`. Fails with the first of them that is not in force.
    pub fn claim_params(&self, d: NaiveDate) -> Result<ClaimParams, PolicyError> {
        let inner = &*self.inner;
        let make = ClaimParams::resolve;
        inner
            .claim
            .get_or_init(|| Segments::build(inner, Group::Claim, make))
            .get(inner, d, make)
    }

    /// The parameters of county statistics (domain.md §8), in force on `d`.
    /// Fails with the first of them that is not in force.
    pub fn statistics_params(&self, d: NaiveDate) -> Result<StatisticsParams, PolicyError> {
        let inner = &*self.inner;
        let make = StatisticsParams::resolve;
        inner
            .statistics
            .get_or_init(|| Segments::build(inner, Group::Statistics, make))
            .get(inner, d, make)
    }
}

impl Inner {
    fn param(&self, name: &str) -> Result<(&'static ParamSpec, &Parameter), PolicyError> {
        params::index_of(name)
            .and_then(|i| Some((CATALOGUE.get(i)?, self.params.get(i)?)))
            .ok_or_else(|| PolicyError::UnknownParameter {
                policy: self.origin.clone(),
                name: name.to_owned(),
            })
    }

    fn lookup(&self, name: &str, d: NaiveDate) -> Result<InForce<'_>, PolicyError> {
        let (spec, p) = self.param(name)?;
        let (since, value) = p.at(d).ok_or(PolicyError::NotInForce {
            name: spec.name.to_owned(),
            date: d,
        })?;
        Ok(InForce {
            name: spec.name,
            value,
            since: *since,
            unit: &p.unit,
            source: &p.source,
            status: p.status,
        })
    }

    /// Resolves `name` on `d` and converts it with `pick`.
    fn typed<T>(
        &self,
        name: &str,
        d: NaiveDate,
        pick: fn(&ParamValue) -> Option<T>,
    ) -> Result<Resolved<T>, PolicyError> {
        let found = self.lookup(name, d)?;
        let value = pick(found.value).ok_or_else(|| PolicyError::InvalidValue {
            policy: self.origin.clone(),
            name: name.to_owned(),
            date: found.since.format("%Y-%m-%d").to_string(),
            message: "value of the wrong type for this parameter".into(),
        })?;
        Ok(Resolved {
            value,
            since: found.since,
        })
    }

    fn dec(&self, name: &str, d: NaiveDate) -> Result<Resolved<Decimal>, PolicyError> {
        self.typed(name, d, |v| match v {
            ParamValue::Decimal(x) => Some(*x),
            _ => None,
        })
    }

    fn int(&self, name: &str, d: NaiveDate) -> Result<Resolved<i64>, PolicyError> {
        self.typed(name, d, |v| match v {
            ParamValue::Integer(x) => Some(*x),
            _ => None,
        })
    }

    fn flag(&self, name: &str, d: NaiveDate) -> Result<Resolved<bool>, PolicyError> {
        self.typed(name, d, |v| match v {
            ParamValue::Bool(x) => Some(*x),
            _ => None,
        })
    }

    fn date(&self, name: &str, d: NaiveDate) -> Result<Resolved<NaiveDate>, PolicyError> {
        self.typed(name, d, |v| match v {
            ParamValue::Date(x) => Some(*x),
            _ => None,
        })
    }

    fn cap_mode(&self, name: &str, d: NaiveDate) -> Result<Resolved<CapMode>, PolicyError> {
        self.typed(name, d, load::cap_mode)
    }

    fn hospital(
        &self,
        name: &str,
        d: NaiveDate,
    ) -> Result<Resolved<EnumTable<HospitalLevel>>, PolicyError> {
        self.typed(name, d, |v| match v {
            ParamValue::HospitalTable(t) => Some(t.clone()),
            _ => None,
        })
    }

    fn credit(
        &self,
        name: &str,
        d: NaiveDate,
    ) -> Result<Resolved<EnumTable<CreditRating>>, PolicyError> {
        self.typed(name, d, |v| match v {
            ParamValue::CreditTable(t) => Some(t.clone()),
            _ => None,
        })
    }

    fn brackets(&self, name: &str, d: NaiveDate) -> Result<Resolved<Brackets>, PolicyError> {
        self.typed(name, d, |v| match v {
            ParamValue::Brackets(b) => Some(b.clone()),
            _ => None,
        })
    }

    /// 两线合一 (domain.md §4): on every date on which both
    /// `dibao.standard_annual` and `poverty_line.exit` are in force and
    /// either changes, the standard is not below the line.
    fn check_two_lines_in_one(&self) -> Result<(), PolicyError> {
        let (_, standard) = self.param("dibao.standard_annual")?;
        let (_, line) = self.param("poverty_line.exit")?;
        let mut dates: Vec<NaiveDate> = standard
            .values
            .iter()
            .chain(&line.values)
            .map(|(d, _)| *d)
            .collect();
        dates.sort_unstable();
        dates.dedup();
        for d in dates {
            let (Some((_, s)), Some((_, l))) = (standard.at(d), line.at(d)) else {
                continue;
            };
            if let (ParamValue::Decimal(sv), ParamValue::Decimal(lv)) = (s, l)
                && sv < lv
            {
                return Err(PolicyError::TwoLinesInOne {
                    policy: self.origin.clone(),
                    date: d,
                    standard: s.to_string(),
                    line: l.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// Every parameter a household evaluation reads (domain.md §1–§4, §6, §7),
/// resolved on one date. Fields follow the catalogue's order; each carries
/// the start date of its value. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdParams {
    /// `poverty_line.exit`: the exit poverty line, yuan per person per year.
    pub poverty_line_exit: Resolved<Decimal>,
    /// `poverty_line.statistical`: the NBS statistical line, current prices.
    pub poverty_line_statistical: Resolved<Decimal>,
    /// `monitoring.income_factor`: low-income trigger multiplier of the line.
    pub monitoring_income_factor: Resolved<Decimal>,
    /// `monitoring.income_drop_ratio`: the share of a fall that triggers.
    pub monitoring_income_drop_ratio: Resolved<Decimal>,
    /// `education.compulsory_age_min`.
    pub education_compulsory_age_min: Resolved<i64>,
    /// `education.compulsory_age_max`.
    pub education_compulsory_age_max: Resolved<i64>,
    /// `exit.publicity_days`: minimum days between 公示 and 公告.
    pub exit_publicity_days: Resolved<i64>,
    /// `dibao.standard_annual`: yuan per person per year.
    pub dibao_standard_annual: Resolved<Decimal>,
    /// `dibao.deposit_months`: deposits limit in months of the standard.
    pub dibao_deposit_months: Resolved<i64>,
    /// `insurance.accident_premium`: yuan per person per year.
    pub insurance_accident_premium: Resolved<Decimal>,
    /// `insurance.supplementary_premium`: yuan per person per year.
    pub insurance_supplementary_premium: Resolved<Decimal>,
    /// `elderly.monthly_75_79`: yuan per month.
    pub elderly_monthly_75_79: Resolved<Decimal>,
    /// `elderly.monthly_80_plus`: yuan per month.
    pub elderly_monthly_80_plus: Resolved<Decimal>,
    /// `veterans.monthly`: yuan per month.
    pub veterans_monthly: Resolved<Decimal>,
    /// `veterans.min_age`.
    pub veterans_min_age: Resolved<i64>,
    /// `elderly.band_75_min_age`.
    pub elderly_band_75_min_age: Resolved<i64>,
    /// `elderly.band_80_min_age`.
    pub elderly_band_80_min_age: Resolved<i64>,
    /// `credit.labor_min_age`.
    pub credit_labor_min_age: Resolved<i64>,
    /// `education.preschool_fee_waiver`: yuan per year.
    pub education_preschool_fee_waiver: Resolved<Decimal>,
    /// `education.preschool_meal`: yuan per year.
    pub education_preschool_meal: Resolved<Decimal>,
    /// `education.boarding_primary`: yuan per year.
    pub education_boarding_primary: Resolved<Decimal>,
    /// `education.boarding_junior`: yuan per year.
    pub education_boarding_junior: Resolved<Decimal>,
    /// `education.senior_grant`: yuan per year.
    pub education_senior_grant: Resolved<Decimal>,
    /// `education.vocational_grant`: yuan per year.
    pub education_vocational_grant: Resolved<Decimal>,
    /// `education.yulu`: 雨露计划, yuan per year.
    pub education_yulu: Resolved<Decimal>,
    /// `credit.max_principal`: yuan per household.
    pub credit_max_principal: Resolved<Decimal>,
    /// `credit.min_age`: youngest head age.
    pub credit_min_age: Resolved<i64>,
    /// `credit.max_age`: oldest head age.
    pub credit_max_age: Resolved<i64>,
    /// `credit.line`: credit line by rating (no entry for `none`).
    pub credit_line: Resolved<EnumTable<CreditRating>>,
    /// `credit.leverage`: loans per yuan of risk fund.
    pub credit_leverage: Resolved<Decimal>,
    /// `credit.marginal_from`: first date marginal households may borrow.
    pub credit_marginal_from: Resolved<NaiveDate>,
    /// `identification.deposit_limit_per_capita`: yuan per person.
    pub identification_deposit_limit_per_capita: Resolved<Decimal>,
}

impl HouseholdParams {
    /// The parameter names this set reads, in catalogue order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        names_of(Group::Household)
    }

    fn resolve(p: &Inner, d: NaiveDate) -> Result<Self, PolicyError> {
        Ok(HouseholdParams {
            poverty_line_exit: p.dec("poverty_line.exit", d)?,
            poverty_line_statistical: p.dec("poverty_line.statistical", d)?,
            monitoring_income_factor: p.dec("monitoring.income_factor", d)?,
            monitoring_income_drop_ratio: p.dec("monitoring.income_drop_ratio", d)?,
            education_compulsory_age_min: p.int("education.compulsory_age_min", d)?,
            education_compulsory_age_max: p.int("education.compulsory_age_max", d)?,
            exit_publicity_days: p.int("exit.publicity_days", d)?,
            dibao_standard_annual: p.dec("dibao.standard_annual", d)?,
            dibao_deposit_months: p.int("dibao.deposit_months", d)?,
            insurance_accident_premium: p.dec("insurance.accident_premium", d)?,
            insurance_supplementary_premium: p.dec("insurance.supplementary_premium", d)?,
            elderly_monthly_75_79: p.dec("elderly.monthly_75_79", d)?,
            elderly_monthly_80_plus: p.dec("elderly.monthly_80_plus", d)?,
            veterans_monthly: p.dec("veterans.monthly", d)?,
            veterans_min_age: p.int("veterans.min_age", d)?,
            elderly_band_75_min_age: p.int("elderly.band_75_min_age", d)?,
            elderly_band_80_min_age: p.int("elderly.band_80_min_age", d)?,
            credit_labor_min_age: p.int("credit.labor_min_age", d)?,
            education_preschool_fee_waiver: p.dec("education.preschool_fee_waiver", d)?,
            education_preschool_meal: p.dec("education.preschool_meal", d)?,
            education_boarding_primary: p.dec("education.boarding_primary", d)?,
            education_boarding_junior: p.dec("education.boarding_junior", d)?,
            education_senior_grant: p.dec("education.senior_grant", d)?,
            education_vocational_grant: p.dec("education.vocational_grant", d)?,
            education_yulu: p.dec("education.yulu", d)?,
            credit_max_principal: p.dec("credit.max_principal", d)?,
            credit_min_age: p.int("credit.min_age", d)?,
            credit_max_age: p.int("credit.max_age", d)?,
            credit_line: p.credit("credit.line", d)?,
            credit_leverage: p.dec("credit.leverage", d)?,
            credit_marginal_from: p.date("credit.marginal_from", d)?,
            identification_deposit_limit_per_capita: p
                .dec("identification.deposit_limit_per_capita", d)?,
        })
    }
}

/// Every parameter a claim settlement reads (domain.md §5), resolved on one
/// date (the claim's `admitted_on`). Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimParams {
    /// `basic.deductible`: per-stay deductible by hospital level, yuan.
    pub basic_deductible: Resolved<EnumTable<HospitalLevel>>,
    /// `basic.rate`: reimbursement rate by hospital level.
    pub basic_rate: Resolved<EnumTable<HospitalLevel>>,
    /// `basic.poor_deductible_factor`.
    pub basic_poor_deductible_factor: Resolved<Decimal>,
    /// `basic.poor_rate_uplift`.
    pub basic_poor_rate_uplift: Resolved<Decimal>,
    /// `basic.annual_cap`: yuan per person-year.
    pub basic_annual_cap: Resolved<Decimal>,
    /// `critical.deductible`: yuan per person-year.
    pub critical_deductible: Resolved<Decimal>,
    /// `critical.poor_deductible_factor`.
    pub critical_poor_deductible_factor: Resolved<Decimal>,
    /// `critical.poor_rate_uplift`.
    pub critical_poor_rate_uplift: Resolved<Decimal>,
    /// `critical.brackets`: bounds above the deductible and their rates.
    pub critical_brackets: Resolved<Brackets>,
    /// `critical.annual_cap`: yuan per person-year (non-poor only).
    pub critical_annual_cap: Resolved<Decimal>,
    /// `supplementary.deductible`: yuan per person-year.
    pub supplementary_deductible: Resolved<Decimal>,
    /// `supplementary.rate`: 0 before the programme.
    pub supplementary_rate: Resolved<Decimal>,
    /// `supplementary.annual_cap`: yuan per person-year.
    pub supplementary_annual_cap: Resolved<Decimal>,
    /// `assistance.rate`.
    pub assistance_rate: Resolved<Decimal>,
    /// `assistance.major_illness_uplift`.
    pub assistance_major_illness_uplift: Resolved<Decimal>,
    /// `assistance.annual_ceiling`: yuan per person-year.
    pub assistance_annual_ceiling: Resolved<Decimal>,
    /// `assistance.major_illness_annual_ceiling`: yuan per person-year.
    pub assistance_major_illness_annual_ceiling: Resolved<Decimal>,
    /// `backstop.enabled`.
    pub backstop_enabled: Resolved<bool>,
    /// `backstop.self_pay_ratio`.
    pub backstop_self_pay_ratio: Resolved<Decimal>,
    /// `backstop.annual_self_pay_cap`: yuan per person-year.
    pub backstop_annual_self_pay_cap: Resolved<Decimal>,
    /// `backstop.cap_mode`.
    pub backstop_cap_mode: Resolved<CapMode>,
}

impl ClaimParams {
    /// The parameter names this set reads, in catalogue order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        names_of(Group::Claim)
    }

    fn resolve(p: &Inner, d: NaiveDate) -> Result<Self, PolicyError> {
        Ok(ClaimParams {
            basic_deductible: p.hospital("basic.deductible", d)?,
            basic_rate: p.hospital("basic.rate", d)?,
            basic_poor_deductible_factor: p.dec("basic.poor_deductible_factor", d)?,
            basic_poor_rate_uplift: p.dec("basic.poor_rate_uplift", d)?,
            basic_annual_cap: p.dec("basic.annual_cap", d)?,
            critical_deductible: p.dec("critical.deductible", d)?,
            critical_poor_deductible_factor: p.dec("critical.poor_deductible_factor", d)?,
            critical_poor_rate_uplift: p.dec("critical.poor_rate_uplift", d)?,
            critical_brackets: p.brackets("critical.brackets", d)?,
            critical_annual_cap: p.dec("critical.annual_cap", d)?,
            supplementary_deductible: p.dec("supplementary.deductible", d)?,
            supplementary_rate: p.dec("supplementary.rate", d)?,
            supplementary_annual_cap: p.dec("supplementary.annual_cap", d)?,
            assistance_rate: p.dec("assistance.rate", d)?,
            assistance_major_illness_uplift: p.dec("assistance.major_illness_uplift", d)?,
            assistance_annual_ceiling: p.dec("assistance.annual_ceiling", d)?,
            assistance_major_illness_annual_ceiling: p
                .dec("assistance.major_illness_annual_ceiling", d)?,
            backstop_enabled: p.flag("backstop.enabled", d)?,
            backstop_self_pay_ratio: p.dec("backstop.self_pay_ratio", d)?,
            backstop_annual_self_pay_cap: p.dec("backstop.annual_self_pay_cap", d)?,
            backstop_cap_mode: p.cap_mode("backstop.cap_mode", d)?,
        })
    }
}

/// The parameters of county statistics (domain.md §8), resolved on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsParams {
    /// `exit.village_incidence_max`: a village exits below this incidence.
    pub exit_village_incidence_max: Resolved<Decimal>,
    /// `exit.county_incidence_max`: comprehensive incidence limit.
    pub exit_county_incidence_max: Resolved<Decimal>,
    /// `exit.county_wrong_exit_max`: wrong-exit rate limit.
    pub exit_county_wrong_exit_max: Resolved<Decimal>,
    /// `exit.county_missed_max`: missed-identification rate limit.
    pub exit_county_missed_max: Resolved<Decimal>,
    /// `exit.county_satisfaction_min`: the least satisfaction that passes.
    pub exit_county_satisfaction_min: Resolved<Decimal>,
}

impl StatisticsParams {
    /// The parameter names this set reads, in catalogue order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        names_of(Group::Statistics)
    }

    fn resolve(p: &Inner, d: NaiveDate) -> Result<Self, PolicyError> {
        Ok(StatisticsParams {
            exit_village_incidence_max: p.dec("exit.village_incidence_max", d)?,
            exit_county_incidence_max: p.dec("exit.county_incidence_max", d)?,
            exit_county_wrong_exit_max: p.dec("exit.county_wrong_exit_max", d)?,
            exit_county_missed_max: p.dec("exit.county_missed_max", d)?,
            exit_county_satisfaction_min: p.dec("exit.county_satisfaction_min", d)?,
        })
    }
}

fn names_of(group: Group) -> impl Iterator<Item = &'static str> {
    CATALOGUE
        .iter()
        .filter(move |s| s.group == group)
        .map(|s| s.name)
}
