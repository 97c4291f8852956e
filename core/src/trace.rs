//! Explanations: the sentences of a decision and the trace of each rule step
//! (interfaces.md §3.1 `--explain`).

use chrono::NaiveDate;
use serde::Serialize;

/// Sentences a caseworker can read aloud, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
