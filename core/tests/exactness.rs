//! The household rules against exact rational arithmetic (big integers),
//! on amounts up to 10¹³ yuan and on a policy of odd values: a poverty
//! line and a dibao standard with fractions of a fen, a monitoring factor
//! and drop ratio of many decimals. Every expected value below is computed
//! here from domain.md's formulas, never by the code under test.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use fupin_core::date::parse_date;
use fupin_core::{Evaluator, Household, Policy, parse_household};
use num_bigint::BigInt;
use proptest::prelude::*;

/// An exact decimal text as a rational (numerator, denominator).
fn rat(text: &str) -> (BigInt, BigInt) {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let den = BigInt::from(10).pow(u32::try_from(frac.len()).unwrap());
    let num: BigInt = format!("{int}{frac}").parse().unwrap();
    (num, den)
}

/// `a/b` rounded half away from zero to an integer (b > 0).
fn round(a: &BigInt, b: &BigInt) -> BigInt {
    let mag = BigInt::from((a.magnitude() * 2u32 + b.magnitude()) / (b.magnitude() * 2u32));
    if a < &BigInt::from(0) { -mag } else { mag }
}

/// Fen as the decimal text of yuan.
fn yuan(fen: &BigInt) -> String {
    let neg = fen < &BigInt::from(0);
    let mag = fen.magnitude().to_string();
    let padded = format!("{mag:0>3}");
    let (i, f) = padded.split_at(padded.len() - 2);
    format!("{}{i}.{f}", if neg { "-" } else { "" })
}

const LINE: &str = "4000.005";
const STANDARD: &str = "4560.0049";
const FACTOR: &str = "1.4999999999999";
const DROP: &str = "0.3333333333333333";
const DEPOSIT_LIMIT: &str = "10000.001";

fn odd_policy() -> Policy {
    let v = |name: &str, value: &str| {
        format!(
            "[parameters.\"{name}\"]\nunit = \"x\"\nsource = \"test\"\nvalues = {{ \"2014-01-01\" = \"{value}\" }}\n"
        )
    };
    let text = format!(
        "name = \"odd\"\nextends = \"ningxia-2020\"\n{}{}{}{}{}",
        v("poverty_line.exit", LINE),
        v("dibao.standard_annual", STANDARD),
        v("monitoring.income_factor", FACTOR),
        v("monitoring.income_drop_ratio", DROP),
        v("identification.deposit_limit_per_capita", DEPOSIT_LIMIT),
    );
    Policy::from_toml_str(&text, "odd.toml").unwrap()
}

/// A household of `n` members (all insured adults), status `exited` so
/// monitoring triggers are listed, with the given income and assets.
fn household(
    n: usize,
    wage: u64,
    cost: u64,
    dibao: u64,
    last: u64,
    deposits: u64,
    rigid: u64,
) -> Household {
    let members: Vec<String> = (0..n)
        .map(|i| {
            let rel = if i == 0 { "head" } else { "other" };
            format!(r#"{{"id":"P{i}","relation":"{rel}","sex":"male","birth_date":"1970-01-01"}}"#)
        })
        .collect();
    let line = format!(
        r#"{{"id":"H1","status":"exited","exited_on":"2019-01-01","income":{{"wage":"{}","operating_cost":"{}","dibao":"{}"}},"last_year_income":{{"wage":"{}"}},"assets":{{"deposits":"{}"}},"rigid_expenses":"{}","members":[{}]}}"#,
        yuan(&BigInt::from(wage)),
        yuan(&BigInt::from(cost)),
        yuan(&BigInt::from(dibao)),
        yuan(&BigInt::from(last)),
        yuan(&BigInt::from(deposits)),
        yuan(&BigInt::from(rigid)),
        members.join(",")
    );
    parse_household(line.as_bytes()).unwrap()
}

/// Amounts in fen below 10¹⁵ (10¹³ yuan), often near the lines.
fn fen() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..1_000_000_000_000_000,
        0u64..10_000_000,
        999_999_999_000_000u64..1_000_000_000_000_000,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn household_rules_equal_exact_rational_arithmetic(
        n in 1usize..=12,
        wage in fen(), cost in fen(), dibao in fen(), last in fen(),
        deposits in fen(), rigid in fen(),
        near in 0u64..3,
    ) {
        let policy = odd_policy();
        let as_of = parse_date("2020-12-31").unwrap();
        let nb = BigInt::from(n);
        let (line_n, line_d) = rat(LINE);
        // Put some wages a fen around the line × N, where rounding decides.
        let wage = if near == 0 {
            let at = round(&(&line_n * 100 * &nb), &line_d);
            u64::try_from(at).unwrap() + u64::from(wage % 3 == 0)
        } else { wage };
        let hh = household(n, wage, cost, dibao, last, deposits, rigid);
        let d = Evaluator::new(&policy, as_of).evaluate(&hh, false).unwrap();

        // R-INC-1..3 in fen
        let net = BigInt::from(wage) - BigInt::from(cost) + BigInt::from(dibao);
        let pci = round(&net, &nb);
        let pci_x = round(&(&net - BigInt::from(dibao)), &nb);
        prop_assert_eq!(d.net_income.to_string(), yuan(&net));
        prop_assert_eq!(d.per_capita_income.to_string(), yuan(&pci));

        // §2.3: pci > line, compared exactly (pci/100 vs line_n/line_d)
        let below = &pci * &line_d <= &line_n * 100;
        prop_assert_eq!(d.exit.failed.iter().any(|c| c.as_str() == "income_below_line"), below);

        // §3 triggers
        let (f_n, f_d) = rat(FACTOR);
        let low = &pci * &line_d * &f_d < &f_n * &line_n * 100;
        let has = |t: &str| d.monitoring.triggers.iter().any(|x| x.as_str() == t);
        prop_assert_eq!(has("low_income"), low);
        let rigid_b = BigInt::from(rigid);
        prop_assert_eq!(has("rigid_expenses"), rigid_b > BigInt::from(0) && rigid_b > net);
        let last_pci = round(&BigInt::from(last), &nb);
        let (r_n, r_d) = rat(DROP);
        // pci ≤ (1 − r) × last_pci
        let drop = &pci * &r_d <= (&r_d - &r_n) * &last_pci;
        prop_assert_eq!(has("income_drop"), drop);

        // §4 dibao: pci_excl < S; deposits × 12 > 24 × S × N
        let (s_n, s_d) = rat(STANDARD);
        let above = &pci_x * &s_d >= &s_n * 100;
        let assets = BigInt::from(deposits) * 12 * &s_d > BigInt::from(24) * &s_n * 100 * &nb;
        prop_assert_eq!(d.dibao.failed.iter().any(|c| c.as_str() == "income_above_standard"), above);
        prop_assert_eq!(d.dibao.failed.iter().any(|c| c.as_str() == "assets"), assets);
        // benefit = round_fen((S − pci_excl) × N / 12), in fen:
        // ((s_n/s_d − pci_x/100) × N / 12) × 100 = (100 s_n − pci_x s_d) N / (12 s_d)
        let want = if !above && !assets {
            round(&((BigInt::from(100) * &s_n - &pci_x * &s_d) * &nb), &(BigInt::from(12) * &s_d))
        } else { BigInt::from(0) };
        prop_assert_eq!(d.dibao.monthly_benefit.to_string(), yuan(&want));

        // §7 identification: deposits > limit × N
        let (l_n, l_d) = rat(DEPOSIT_LIMIT);
        let excluded = BigInt::from(deposits) * &l_d > &l_n * 100 * &nb;
        prop_assert_eq!(d.identification.reasons.iter().any(|r| r.as_str() == "deposits"), excluded);
    }
}
