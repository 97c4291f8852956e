//! County exit (贫困县退出, domain.md §8) from a third-party assessment's
//! counts: comprehensive incidence, wrong-exit rate, missed rate and
//! satisfaction, each against its parameter, compared as exact rationals.
//!
//! The assessment file (`fupin report --assessment FILE`):
//!
//! ```toml
//! rural_population = 120000     # 农业户籍人口
//! remaining = 800               # 未脱贫人口
//! exited = 7000                 # 已脱贫人口
//! wrong_exit_rate = "0.01"      # 错退率 (of the exited)
//! unregistered_rural = 110000   # 非建档立卡农业人口
//! missed_rate = "0.005"         # 漏评率 (of the unregistered)
//! satisfaction = "0.95"         # 群众认可度
//! ```

use rust_decimal::Decimal;
use serde::Serialize;

use super::ratio::Ratio;
use crate::error::PolicyError;
use crate::policy::StatisticsParams;

/// The assessment's counts and rates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Rural (agricultural-registered) population.
    pub rural_population: Decimal,
    /// Poor persons remaining.
    pub remaining: Decimal,
    /// Persons exited.
    pub exited: Decimal,
    /// Wrong-exit rate among the exited (0..=1).
    pub wrong_exit_rate: Decimal,
    /// Rural persons not on the register.
    pub unregistered_rural: Decimal,
    /// Missed rate among them (0..=1).
    pub missed_rate: Decimal,
    /// Satisfaction (0..=1).
    pub satisfaction: Decimal,
}

/// One criterion of the county-exit check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    /// Stable name: `comprehensive_incidence`, `wrong_exit_rate`, `missed_rate`, `satisfaction`.
    pub name: &'static str,
    /// The value as a percentage with two decimals.
    pub percent: Option<Decimal>,
    /// The threshold (a rate, as in the policy).
    pub threshold: Decimal,
    /// `<` or `≥`.
    pub relation: &'static str,
    /// Whether the criterion holds.
    pub holds: bool,
}

/// The county-exit verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountyExit {
    /// Every criterion, in order.
    pub criteria: Vec<Criterion>,
    /// `true` iff every criterion holds.
    pub may_exit: bool,
}

/// Reads an assessment file.
pub fn parse_assessment(text: &str, origin: &str) -> Result<Assessment, PolicyError> {
    let syntax = |message: String| PolicyError::Syntax {
        policy: origin.to_owned(),
        message,
    };
    let t: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| syntax(e.to_string()))?;
    const KEYS: [&str; 7] = [
        "rural_population",
        "remaining",
        "exited",
        "wrong_exit_rate",
        "unregistered_rural",
        "missed_rate",
        "satisfaction",
    ];
    if let Some(k) = t.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(syntax(format!("unknown key {k:?}")));
    }
    let get = |k: &str| -> Result<Decimal, PolicyError> {
        let v = match t.get(k) {
            Some(toml::Value::Integer(i)) => Decimal::from(*i),
            Some(toml::Value::String(s)) => s
                .parse::<Decimal>()
                .map_err(|_| syntax(format!("{k}: {s:?} is not a decimal")))?,
            Some(other) => {
                return Err(syntax(format!(
                    "{k}: expected a number, found {}",
                    other.type_str()
                )));
            }
            None => return Err(syntax(format!("{k} is required"))),
        };
        if v < Decimal::ZERO {
            return Err(syntax(format!("{k} must not be negative")));
        }
        Ok(v)
    };
    let a = Assessment {
        rural_population: get("rural_population")?,
        remaining: get("remaining")?,
        exited: get("exited")?,
        wrong_exit_rate: get("wrong_exit_rate")?,
        unregistered_rural: get("unregistered_rural")?,
        missed_rate: get("missed_rate")?,
        satisfaction: get("satisfaction")?,
    };
    for (k, v) in [
        ("wrong_exit_rate", a.wrong_exit_rate),
        ("missed_rate", a.missed_rate),
        ("satisfaction", a.satisfaction),
    ] {
        if v > Decimal::ONE {
            return Err(syntax(format!("{k} is a rate and must be at most 1")));
        }
    }
    if a.rural_population.is_zero() {
        return Err(syntax("rural_population must be above 0".into()));
    }
    Ok(a)
}

/// The county-exit check.
pub fn county_exit(a: &Assessment, p: &StatisticsParams) -> CountyExit {
    let num = a
        .remaining
        .checked_add(
            a.wrong_exit_rate
                .checked_mul(a.exited)
                .unwrap_or(Decimal::MAX),
        )
        .and_then(|x| x.checked_add(a.missed_rate.checked_mul(a.unregistered_rural)?))
        .unwrap_or(Decimal::MAX);
    let incidence = Ratio::new(num, a.rural_population);
    let rate = |r: Decimal| Ratio::new(r, Decimal::ONE);
    let below = |r: Ratio, t: Decimal, name| Criterion {
        name,
        percent: r.percent(),
        threshold: t,
        relation: "<",
        holds: r.lt(t).unwrap_or(false),
    };
    let criteria = vec![
        below(
            incidence,
            p.exit_county_incidence_max.value,
            "comprehensive_incidence",
        ),
        below(
            rate(a.wrong_exit_rate),
            p.exit_county_wrong_exit_max.value,
            "wrong_exit_rate",
        ),
        below(
            rate(a.missed_rate),
            p.exit_county_missed_max.value,
            "missed_rate",
        ),
        Criterion {
            name: "satisfaction",
            percent: rate(a.satisfaction).percent(),
            threshold: p.exit_county_satisfaction_min.value,
            relation: "≥",
            holds: rate(a.satisfaction)
                .ge(p.exit_county_satisfaction_min.value)
                .unwrap_or(false),
        },
    ];
    CountyExit {
        may_exit: criteria.iter().all(|c| c.holds),
        criteria,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn params() -> StatisticsParams {
        Policy::builtin("ningxia-2020")
            .unwrap()
            .statistics_params(crate::date::parse_date("2020-12-31").unwrap())
            .unwrap()
    }

    #[test]
    fn a_county_just_below_every_line_may_exit() {
        // (2 000 + 0.01 × 50 000 + 0.01 × 50 000) / 100 000 = 3 000 / 100 000 = 3 % — not below 3 %.
        let mut a = Assessment {
            rural_population: 100_000.into(),
            remaining: 2_000.into(),
            exited: 50_000.into(),
            wrong_exit_rate: "0.01".parse().unwrap(),
            unregistered_rural: 50_000.into(),
            missed_rate: "0.01".parse().unwrap(),
            satisfaction: "0.90".parse().unwrap(),
        };
        let v = county_exit(&a, &params());
        assert_eq!(v.criteria[0].percent, Some("3.00".parse().unwrap()));
        assert!(!v.criteria[0].holds);
        assert!(!v.may_exit);
        // One person fewer: 2 999 / 100 000 = 2.999 % < 3 %; satisfaction exactly 90 % holds.
        a.remaining = 1_999.into();
        let v = county_exit(&a, &params());
        assert_eq!(v.criteria[0].percent, Some("3.00".parse().unwrap()));
        assert!(v.criteria.iter().all(|c| c.holds), "{v:?}");
        assert!(v.may_exit);
        // A wrong-exit rate of exactly 2 % fails.
        a.wrong_exit_rate = "0.02".parse().unwrap();
        let v = county_exit(&a, &params());
        assert!(!v.criteria[1].holds);
    }

    #[test]
    fn bad_assessments_are_refused() {
        for (text, word) in [
            (
                "rural_population = 0\nremaining = 0\nexited = 0\nwrong_exit_rate = \"0\"\nunregistered_rural = 0\nmissed_rate = \"0\"\nsatisfaction = \"1\"\n",
                "rural_population",
            ),
            ("remaining = 1\n", "required"),
            (
                "rural_population = 10\nremaining = 0\nexited = 0\nwrong_exit_rate = \"1.5\"\nunregistered_rural = 0\nmissed_rate = \"0\"\nsatisfaction = \"1\"\n",
                "wrong_exit_rate",
            ),
            ("typo = 1\n", "typo"),
        ] {
            let e = parse_assessment(text, "a.toml").unwrap_err().to_string();
            assert!(e.contains(word), "{e}");
        }
    }
}
