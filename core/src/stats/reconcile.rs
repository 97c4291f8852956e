//! Reconciliation of reported figures (domain.md §8): sums (a total and its
//! parts), products (count × rate = amount) and equalities (two figures that
//! must agree). Every check that does not hold is listed.
//!
//! The file format (`fupin report --reported FILE`), one table per check:
//!
//! ```toml
//! [[check]]
//! kind = "sum"                       # total = Σ parts
//! label = "建档立卡贫困户 households by town"
//! total = 1662
//! parts = [1199, 269, 145]
//!
//! [[check]]
//! kind = "product"                   # Π factors = result
//! label = "家庭意外伤害保险 premiums"
//! factors = [7795, 25]
//! result = 194875
//!
//! [[check]]
//! kind = "equal"                     # every value equal
//! label = "2020 exit plan, persons"
//! values = [1300, 1233]
//! ```
//!
//! Figures are TOML integers or decimal strings (`"194875.00"`).

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::PolicyError;

/// The kind of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// `total = Σ parts`.
    Sum,
    /// `Π factors = result`.
    Product,
    /// All values equal.
    Equal,
}

/// One reported relation between figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What the figures are.
    pub label: String,
    /// The relation.
    pub kind: CheckKind,
    /// The figures on the left (parts, factors, or the values compared).
    pub operands: Vec<Decimal>,
    /// The reported total or result (`None` for `equal`).
    pub reported: Option<Decimal>,
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// The check's label.
    pub label: String,
    /// The relation.
    pub kind: CheckKind,
    /// `"1199 + 269 + 145 = 1613 ≠ 1662"`-style statement of the arithmetic.
    pub statement: String,
    /// The computed value (sum, product, or the first value).
    pub computed: Decimal,
    /// Whether the relation holds.
    pub holds: bool,
}

fn figure(v: &toml::Value, what: &str) -> Result<Decimal, String> {
    match v {
        toml::Value::Integer(i) => Ok(Decimal::from(*i)),
        toml::Value::String(s) => s
            .parse::<Decimal>()
            .map_err(|_| format!("{what}: {s:?} is not a decimal figure")),
        other => Err(format!(
            "{what}: expected a number, found {}",
            other.type_str()
        )),
    }
}

fn figures(v: Option<&toml::Value>, what: &str) -> Result<Vec<Decimal>, String> {
    match v {
        Some(toml::Value::Array(a)) if !a.is_empty() => a.iter().map(|x| figure(x, what)).collect(),
        _ => Err(format!("{what}: expected a non-empty list of figures")),
    }
}

/// Reads a reported-figures file.
pub fn parse_checks(text: &str, origin: &str) -> Result<Vec<Check>, PolicyError> {
    let syntax = |message: String| PolicyError::Syntax {
        policy: origin.to_owned(),
        message,
    };
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| syntax(e.to_string()))?;
    let mut out = Vec::new();
    if let Some(key) = table.keys().find(|k| k.as_str() != "check") {
        return Err(syntax(format!(
            "unknown key {key:?} (expected [[check]] tables)"
        )));
    }
    let Some(list) = table.get("check") else {
        return Ok(out);
    };
    let Some(list) = list.as_array() else {
        return Err(syntax(
            "`check` must be an array of tables ([[check]])".into(),
        ));
    };
    for (i, c) in list.iter().enumerate() {
        let here = format!("check {}", i + 1);
        let t = c
            .as_table()
            .ok_or_else(|| syntax(format!("{here}: not a table")))?;
        let label = t
            .get("label")
            .and_then(toml::Value::as_str)
            .ok_or_else(|| syntax(format!("{here}: `label` is required")))?
            .to_owned();
        let kind = match t.get("kind").and_then(toml::Value::as_str) {
            Some("sum") => CheckKind::Sum,
            Some("product") => CheckKind::Product,
            Some("equal") => CheckKind::Equal,
            other => {
                return Err(syntax(format!(
                    "{here} ({label}): kind must be \"sum\", \"product\" or \"equal\", found {other:?}"
                )));
            }
        };
        let allowed: &[&str] = match kind {
            CheckKind::Sum => &["kind", "label", "total", "parts"],
            CheckKind::Product => &["kind", "label", "factors", "result"],
            CheckKind::Equal => &["kind", "label", "values"],
        };
        if let Some(k) = t.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(syntax(format!("{here} ({label}): unknown key {k:?}")));
        }
        let (operands, reported) = match kind {
            CheckKind::Sum => (
                figures(t.get("parts"), "parts"),
                t.get("total").map(|v| figure(v, "total")).transpose(),
            ),
            CheckKind::Product => (
                figures(t.get("factors"), "factors"),
                t.get("result").map(|v| figure(v, "result")).transpose(),
            ),
            CheckKind::Equal => (figures(t.get("values"), "values"), Ok(None)),
        };
        let operands = operands.map_err(|m| syntax(format!("{here} ({label}): {m}")))?;
        let reported = reported.map_err(|m| syntax(format!("{here} ({label}): {m}")))?;
        if kind != CheckKind::Equal && reported.is_none() {
            return Err(syntax(format!(
                "{here} ({label}): the reported total/result is required"
            )));
        }
        out.push(Check {
            label,
            kind,
            operands,
            reported,
        });
    }
    Ok(out)
}

fn join(values: &[Decimal], sep: &str) -> String {
    values
        .iter()
        .map(|v| v.normalize().to_string())
        .collect::<Vec<_>>()
        .join(sep)
}

/// Evaluates every check, in order.
pub fn reconcile(checks: &[Check]) -> Vec<CheckResult> {
    checks
        .iter()
        .map(|c| {
            let (computed, holds, statement) = match c.kind {
                CheckKind::Sum | CheckKind::Product => {
                    let computed = if c.kind == CheckKind::Sum {
                        c.operands
                            .iter()
                            .try_fold(Decimal::ZERO, |a, b| a.checked_add(*b))
                    } else {
                        c.operands
                            .iter()
                            .try_fold(Decimal::ONE, |a, b| a.checked_mul(*b))
                    };
                    let reported = c.reported.unwrap_or_default();
                    let holds = computed == Some(reported);
                    let op = if c.kind == CheckKind::Sum {
                        " + "
                    } else {
                        " × "
                    };
                    let shown =
                        computed.map_or("overflow".to_owned(), |v| v.normalize().to_string());
                    let rel = if holds { "=" } else { "≠" };
                    let statement = format!(
                        "{} = {shown} {rel} {}",
                        join(&c.operands, op),
                        reported.normalize()
                    );
                    (computed.unwrap_or_default(), holds, statement)
                }
                CheckKind::Equal => {
                    let first = c.operands.first().copied().unwrap_or_default();
                    let holds = c.operands.iter().all(|v| *v == first);
                    let sep = if holds { " = " } else { " ≠ " };
                    (first, holds, join(&c.operands, sep))
                }
            };
            CheckResult {
                label: c.label.clone(),
                kind: c.kind,
                statement,
                computed,
                holds,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_figures_fail_exactly_three_checks() {
        let checks = parse_checks(crate::stats::SEED_REPORTED, "seed").unwrap();
        let results = reconcile(&checks);
        let failed: Vec<&str> = results
            .iter()
            .filter(|r| !r.holds)
            .map(|r| r.statement.as_str())
            .collect();
        assert_eq!(
            failed,
            [
                "1199 + 269 + 145 = 1613 ≠ 1662",
                "5745 + 1272 + 676 = 7693 ≠ 7805",
                "1300 ≠ 1233",
            ]
        );
        let passed: Vec<&str> = results
            .iter()
            .filter(|r| r.holds)
            .map(|r| r.statement.as_str())
            .collect();
        assert_eq!(
            passed,
            [
                "187 + 63 + 6 + 5 = 261 = 261",
                "906 + 286 + 25 + 16 = 1233 = 1233",
                "7795 × 25 = 194875 = 194875",
                "7919 × 45 = 356355 = 356355",
                "10 × 9 × 95 = 8550 = 8550",
            ]
        );
    }

    #[test]
    fn bad_files_are_refused_with_the_check_named() {
        for (text, word) in [
            (
                "[[check]]\nkind = \"sum\"\nlabel = \"x\"\nparts = [1]\n",
                "total",
            ),
            ("[[check]]\nkind = \"mean\"\nlabel = \"x\"\n", "kind"),
            (
                "[[check]]\nkind = \"equal\"\nlabel = \"x\"\nvalues = [1.5]\n",
                "number",
            ),
            (
                "[[check]]\nkind = \"equal\"\nlabel = \"x\"\nvalues = [1]\nextra = 1\n",
                "extra",
            ),
            ("[[check]]\nkind = \"equal\"\nvalues = [1]\n", "label"),
            ("oops = 1\n", "oops"),
        ] {
            let e = parse_checks(text, "f.toml").unwrap_err().to_string();
            assert!(e.contains(word), "{text}: {e}");
        }
    }
}
