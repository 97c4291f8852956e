//! Explanations: the sentences of a decision and the trace of each rule step
//! (interfaces.md §3.1 `--explain`).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// Sentences a caseworker can read aloud, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Explanation {
    /// Appends one sentence in each language.
    pub fn push(&mut self, zh: &str, en: &str) {
        self.zh.push_str(zh);
        if !self.en.is_empty() {
            self.en.push(' ');
        }
        self.en.push_str(en);
    }
}

/// One parameter a rule read: its value in force, since when, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterRead {
    /// Dotted parameter name.
    pub name: String,
    /// The value, typed as in `policy show --json`.
    pub value: serde_json::Value,
    /// Start date of the value in force.
    #[serde(with = "crate::date::serde_date")]
    pub since: NaiveDate,
    /// The legal source.
    pub source: String,
    /// `sourced`, `seed`, `default` or `local`.
    pub status: String,
}

/// One step of a rule: what it read and what it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceStep {
    /// The rule (`income`, `exit`, … or a settlement layer).
    pub rule: &'static str,
    /// The inputs the rule used.
    pub inputs: serde_json::Value,
    /// The parameters the rule read.
    pub parameters: Vec<ParameterRead>,
    /// The rule's result.
    pub result: serde_json::Value,
}

/// Every rule a trace step names: the household rules in decision order,
/// then the five settlement layers in chain order.
pub const RULES: &[&str] = &[
    "income",
    "exit",
    "monitoring",
    "dibao",
    "identification",
    "entitlements",
    "credit",
    "findings",
    "basic",
    "critical",
    "supplementary",
    "assistance",
    "backstop",
];

/// The rule of [`RULES`] named `name`, as the `&'static str` a step holds.
pub(crate) fn rule_named<E: serde::de::Error>(name: &str) -> Result<&'static str, E> {
    RULES
        .iter()
        .copied()
        .find(|r| *r == name)
        .ok_or_else(|| E::unknown_variant(name, RULES))
}

/// A [`TraceStep`] as serialized (the rule as an owned name).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TraceStepText {
    rule: String,
    inputs: serde_json::Value,
    parameters: Vec<ParameterRead>,
    result: serde_json::Value,
}

impl<'de> Deserialize<'de> for TraceStep {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TraceStep, D::Error> {
        let t = TraceStepText::deserialize(d)?;
        Ok(TraceStep {
            rule: rule_named(&t.rule)?,
            inputs: t.inputs,
            parameters: t.parameters,
            result: t.result,
        })
    }
}
