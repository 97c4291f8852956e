//! A hand-written JSON writer for [`Decision`]: the same bytes as
//! `serde_json::to_writer(&decision)` (compact, keys in declaration order,
//! serde_json's string escaping), without serde's per-field machinery.
//! `explanation` and `trace` are rare and still go through serde_json.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use super::{Decision, Finding};
use crate::money::Money;

impl Decision {
    /// Appends the decision as one compact JSON object to `out`: byte for
    /// byte what `serde_json::to_writer` writes for it (interfaces.md §3.1).
    ///
    /// ```
    /// # use fupin_core::{Evaluator, Policy, parse_household, date::parse_date};
    /// let policy = Policy::builtin("ningxia-2020").unwrap();
    /// let eval = Evaluator::new(&policy, parse_date("2020-12-31").unwrap());
    /// let h = parse_household(br#"{"id":"H1","members":[{"id":"P1","sex":"male","birth_date":"1980-01-01"}]}"#).unwrap();
    /// let d = eval.evaluate(&h, false).unwrap();
    /// let mut out = Vec::new();
    /// d.write_json(&mut out).unwrap();
    /// assert_eq!(out, serde_json::to_vec(&d).unwrap());
    /// ```
    ///
    /// # Errors
    ///
    /// Only what serde_json reports for `explanation` or `trace`.
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"household_id\":");
        string(out, &self.household_id);
        out.extend_from_slice(b",\"as_of\":");
        date(out, self.as_of);
        out.extend_from_slice(b",\"size\":");
        unsigned(out, u64::from(self.size));
        out.extend_from_slice(b",\"net_income\":");
        money(out, self.net_income);
        out.extend_from_slice(b",\"per_capita_income\":");
        money(out, self.per_capita_income);
        out.extend_from_slice(b",\"poverty_line\":");
        money(out, self.poverty_line);

        out.extend_from_slice(b",\"exit\":{\"eligible\":");
        boolean(out, self.exit.eligible);
        out.extend_from_slice(b",\"failed\":");
        codes(out, self.exit.failed.iter().map(|c| c.as_str()));

        out.extend_from_slice(b"},\"monitoring\":{\"category\":");
        slug(out, self.monitoring.category.as_str());
        out.extend_from_slice(b",\"triggers\":");
        codes(out, self.monitoring.triggers.iter().map(|c| c.as_str()));

        out.extend_from_slice(b"},\"dibao\":{\"eligible\":");
        boolean(out, self.dibao.eligible);
        out.extend_from_slice(b",\"monthly_benefit\":");
        money(out, self.dibao.monthly_benefit);
        out.extend_from_slice(b",\"failed\":");
        codes(out, self.dibao.failed.iter().map(|c| c.as_str()));

        out.extend_from_slice(b"},\"identification\":{\"excluded\":");
        boolean(out, self.identification.excluded);
        out.extend_from_slice(b",\"reasons\":");
        codes(out, self.identification.reasons.iter().map(|c| c.as_str()));

        let e = &self.entitlements;
        out.extend_from_slice(b"},\"entitlements\":{\"insurance_premiums\":");
        money(out, e.insurance_premiums);
        out.extend_from_slice(b",\"elderly_allowance\":");
        money(out, e.elderly_allowance);
        out.extend_from_slice(b",\"veterans_allowance\":");
        money(out, e.veterans_allowance);
        out.extend_from_slice(b",\"education_aid\":");
        money(out, e.education_aid);
        out.extend_from_slice(b",\"total\":");
        money(out, e.total);

        out.extend_from_slice(b"},\"credit\":{\"eligible\":");
        boolean(out, self.credit.eligible);
        out.extend_from_slice(b",\"max_new_loan\":");
        money(out, self.credit.max_new_loan);
        out.extend_from_slice(b",\"failed\":");
        codes(out, self.credit.failed.iter().map(|c| c.as_str()));

        out.extend_from_slice(b"},\"findings\":[");
        for (i, f) in self.findings.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            finding(out, f);
        }
        out.push(b']');

        if let Some(explanation) = &self.explanation {
            out.extend_from_slice(b",\"explanation\":");
            serde_json::to_writer(&mut *out, explanation)?;
        }
        if let Some(trace) = &self.trace {
            out.extend_from_slice(b",\"trace\":");
            serde_json::to_writer(&mut *out, trace)?;
        }
        out.push(b'}');
        Ok(())
    }
}

fn finding(out: &mut Vec<u8>, f: &Finding) {
    out.extend_from_slice(b"{\"code\":");
    slug(out, f.code.as_str());
    out.extend_from_slice(b",\"person_id\":");
    match &f.person_id {
        Some(p) => string(out, p),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"field\":");
    string(out, &f.field);
    out.push(b'}');
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// A list of code slugs.
fn codes<'a>(out: &mut Vec<u8>, slugs: impl Iterator<Item = &'a str>) {
    out.push(b'[');
    for (i, s) in slugs.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        slug(out, s);
    }
    out.push(b']');
}

/// A code slug: lower-case ASCII letters and `_`, nothing to escape (still
/// escaped if it ever were not, to stay exact).
fn slug(out: &mut Vec<u8>, s: &str) {
    string(out, s);
}

/// A JSON string escaped as serde_json does: `"` and `\` with a backslash,
/// `\b \t \n \f \r` by name, other control characters as `\u00XX` (lower-case
/// hex), everything else (DEL and non-ASCII included) as is.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0C => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1F => b"",
            _ => continue,
        };
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
            out.push(HEX.get(usize::from(b & 0xF)).copied().unwrap_or(b'0'));
        } else {
            out.extend_from_slice(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    out.push(b'"');
}

/// Decimal digits of `v`, as serde_json writes an integer.
fn unsigned(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        if let Some(slot) = buf.get_mut(at) {
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(at..).unwrap_or_default());
}

/// `"YYYY-MM-DD"` as chrono's `%Y-%m-%d` writes it.
fn date(out: &mut Vec<u8>, d: NaiveDate) {
    let y = d.year();
    match u32::try_from(y) {
        Ok(y) if y <= 9999 => {
            let digits = [
                b'"',
                b'0' + (y / 1000) as u8,
                b'0' + (y / 100 % 10) as u8,
                b'0' + (y / 10 % 10) as u8,
                b'0' + (y % 10) as u8,
                b'-',
                b'0' + (d.month() / 10) as u8,
                b'0' + (d.month() % 10) as u8,
                b'-',
                b'0' + (d.day() / 10) as u8,
                b'0' + (d.day() % 10) as u8,
                b'"',
            ];
            out.extend_from_slice(&digits);
        }
        // Years chrono writes with a sign or more digits.
        _ => {
            let mut text = String::new();
            let _ = write!(text, "{}", d.format("%Y-%m-%d"));
            string(out, &text);
        }
    }
}

/// Money as a string with its two decimals (`"1234.50"`, `"-0.05"`), as its
/// `Display` writes it.
fn money(out: &mut Vec<u8>, m: Money) {
    let d = m.as_decimal();
    let mantissa = d.mantissa();
    let cents = u64::try_from(mantissa.unsigned_abs());
    match cents {
        Ok(cents) if d.scale() == 2 && !(mantissa == 0 && d.is_sign_negative()) => {
            out.push(b'"');
            if mantissa < 0 {
                out.push(b'-');
            }
            unsigned(out, cents / 100);
            let fen = (cents % 100) as u8;
            out.extend_from_slice(&[b'.', b'0' + fen / 10, b'0' + fen % 10, b'"']);
        }
        // Not a published amount of scale 2 (or beyond u64 fen): let
        // `Display` decide.
        _ => {
            let mut text = String::new();
            let _ = write!(text, "{m}");
            string(out, &text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn written(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        for s in [
            "",
            "H1",
            "a\"b\\c",
            "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f}",
            "张三丰/户",
            "\u{2028}\u{2029}",
        ] {
            assert_eq!(
                written(|o| string(o, s)),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn dates_are_written_like_chrono() {
        for (y, m, d) in [(2020, 12, 31), (1, 1, 1), (0, 2, 29), (9999, 12, 31)] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(
                written(|o| date(o, day)),
                format!("\"{}\"", day.format("%Y-%m-%d"))
            );
        }
        for day in [NaiveDate::MIN, NaiveDate::MAX] {
            assert_eq!(
                written(|o| date(o, day)),
                format!("\"{}\"", day.format("%Y-%m-%d"))
            );
        }
    }

    proptest! {
        #[test]
        fn money_is_written_like_display(x in any::<Decimal>()) {
            let m = Money::from_decimal_rounded(x.round_dp(2));
            prop_assert_eq!(written(|o| money(o, m)), serde_json::to_string(&m).unwrap());
        }

        #[test]
        fn small_money_is_written_like_display(cents in any::<i64>()) {
            let m = Money::from_decimal_rounded(Decimal::new(cents, 2));
            prop_assert_eq!(written(|o| money(o, m)), serde_json::to_string(&m).unwrap());
        }

        #[test]
        fn any_string_is_escaped_like_serde_json(s in any::<String>()) {
            prop_assert_eq!(written(|o| string(o, &s)), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn integers_are_written_like_serde_json(v in any::<u64>()) {
            prop_assert_eq!(written(|o| unsigned(o, v)), serde_json::to_string(&v).unwrap());
        }
    }
}
