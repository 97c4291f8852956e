//! Resident identity numbers (GB 11643-1999): form, mod 11-2 check
//! character, embedded birth date and sex.
//!
//! This module only *checks*; a bad identity number is a data-quality finding
//! (domain.md §7), never a validation error.

use chrono::NaiveDate;

use crate::enums::Sex;

/// Weights of the first 17 digits in the mod 11-2 checksum (GB 11643-1999).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each value of (Σ digit × weight) mod 11.
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// What an identity number says and whether it is sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdCheck {
    /// Matches `[0-9]{17}[0-9X]` (a lowercase `x` is not well-formed).
    pub well_formed: bool,
    /// Well-formed and the 18th character is the mod 11-2 check character.
    pub checksum_ok: bool,
    /// Digits 7–14 as `YYYYMMDD`, when well-formed and a real date.
    pub birth_date: Option<NaiveDate>,
    /// Digit 17: odd is male, even female (when well-formed).
    pub sex: Option<Sex>,
}

/// The GB 11643-1999 check character of the first 17 digits, or `None` if
/// `first17` is not exactly 17 ASCII digits.
///
/// ```
/// assert_eq!(fupin_core::idnumber::check_char("11010519491231002"), Some('X'));
/// ```
pub fn check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let index = usize::try_from(sum % 11).ok()?;
    CHECK_CHARS.get(index).map(|&c| char::from(c))
}

/// Checks an identity number (GB 11643-1999).
///
/// ```
/// use fupin_core::idnumber::check_id_number;
/// let c = check_id_number("11010519491231002X");
/// assert!(c.well_formed && c.checksum_ok);
/// assert!(!check_id_number("11010519491231002x").well_formed);
/// ```
pub fn check_id_number(s: &str) -> IdCheck {
    const BAD: IdCheck = IdCheck {
        well_formed: false,
        checksum_ok: false,
        birth_date: None,
        sex: None,
    };
    // One pass over the 17 digits: their values, and the weighted sum.
    let Ok(b) = <&[u8; 18]>::try_from(s.as_bytes()) else {
        return BAD;
    };
    let (first17, last) = b.split_at(17);
    let mut digits = [0u32; 17];
    let mut sum = 0u32;
    for ((slot, &c), w) in digits.iter_mut().zip(first17).zip(WEIGHTS) {
        let v = u32::from(c.wrapping_sub(b'0'));
        if v > 9 {
            return BAD;
        }
        *slot = v;
        sum += v * w;
    }
    let got = last.first().copied().unwrap_or(0);
    if !(got.is_ascii_digit() || got == b'X') {
        return BAD;
    }
    let expected = usize::try_from(sum % 11)
        .ok()
        .and_then(|i| CHECK_CHARS.get(i));
    // Digits 7–14 are YYYYMMDD; digit 17 odd is male.
    let number = |r: std::ops::Range<usize>| {
        digits
            .get(r)
            .map_or(0, |ds| ds.iter().fold(0u32, |n, d| n * 10 + d))
    };
    let birth_date = i32::try_from(number(6..10))
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, number(10..12), number(12..14)));
    let sex = if digits.get(16).is_some_and(|d| d % 2 == 1) {
        Sex::Male
    } else {
        Sex::Female
    };
    IdCheck {
        well_formed: true,
        checksum_ok: expected == Some(&got),
        birth_date,
        sex: Some(sex),
    }
}

/// Whether `s` is a sound identity number of a person born on `birth` of
/// sex `sex`: well-formed, the right check character, digits 7–14 that date
/// and digit 17 that sex. The same answer as [`check_id_number`] compared
/// field by field, without building a date from the digits (the person's
/// own date is compared digit by digit): the data-quality findings ask
/// this of every member.
///
/// ```
/// use fupin_core::enums::Sex;
/// use fupin_core::idnumber::sound_for;
/// let born = chrono::NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
/// assert!(sound_for("11010519491231002X", born, Sex::Female));
/// assert!(!sound_for("11010519491231002X", born, Sex::Male));
/// ```
pub fn sound_for(s: &str, birth: NaiveDate, sex: Sex) -> bool {
    use chrono::Datelike;
    let Ok(b) = <&[u8; 18]>::try_from(s.as_bytes()) else {
        return false;
    };
    let (first17, last) = b.split_at(17);
    // The 17 digits as numbers (6 of region, 8 of date, 3 of sequence),
    // each step over the whole fixed-size array so that it compiles to a
    // few vector instructions rather than a loop with a branch a digit.
    let mut d = [0u8; 17];
    for (v, &c) in d.iter_mut().zip(first17) {
        *v = c.wrapping_sub(b'0');
    }
    if d.iter().fold(0, |m, &v| m.max(v)) > 9 {
        return false;
    }
    let sum: u32 = d.iter().zip(WEIGHTS).map(|(&v, w)| u32::from(v) * w).sum();
    let date = d
        .get(6..14)
        .map_or(0, |ds| ds.iter().fold(0u32, |n, &v| n * 10 + u32::from(v)));
    let last_digit = d.get(16).copied().unwrap_or(0);
    let expected = usize::try_from(sum % 11)
        .ok()
        .and_then(|i| CHECK_CHARS.get(i));
    let is_male = last_digit % 2 == 1;
    let want = u32::try_from(birth.year())
        .ok()
        .and_then(|y| y.checked_mul(10_000))
        .map(|y| y + birth.month() * 100 + birth.day());
    expected == last.first() && want == Some(date) && is_male == (sex == Sex::Male)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::date::parse_date;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// The standard's own example. Digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2
    /// × weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
    /// 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → "10X98765432"[2] = 'X'.
    #[test]
    fn a_valid_number_ending_in_x() {
        let c = check_id_number("11010519491231002X");
        assert_eq!(
            c,
            IdCheck {
                well_formed: true,
                checksum_ok: true,
                birth_date: Some(d("1949-12-31")),
                sex: Some(Sex::Female), // digit 17 is 2: even
            }
        );
    }

    /// 6 4 0 1 2 2 1 9 8 0 0 1 0 1 1 2 3 × weights:
    /// 42+36+0+5+16+8+2+9+48+0+0+9+0+5+8+8+6 = 202; 202 mod 11 = 4 → "10X98765432"[4] = '8'.
    #[test]
    fn a_valid_number_ending_in_a_digit_and_a_wrong_check_digit() {
        let c = check_id_number("640122198001011238");
        assert!(c.well_formed && c.checksum_ok);
        assert_eq!(c.birth_date, Some(d("1980-01-01")));
        assert_eq!(c.sex, Some(Sex::Male)); // digit 17 is 3: odd
        let wrong = check_id_number("640122198001011234");
        assert!(wrong.well_formed);
        assert!(!wrong.checksum_ok);
        // The embedded facts are still read from a number with a bad checksum.
        assert_eq!(wrong.birth_date, Some(d("1980-01-01")));
        assert_eq!(wrong.sex, Some(Sex::Male));
    }

    /// 1 1 0 1 0 5 1 9 4 9 0 2 3 0 0 0 2 (born 1949-02-30, not a date):
    /// 7+9+0+5+0+20+2+9+24+27+0+18+30+0+0+0+4 = 155; 155 mod 11 = 1 → "10X98765432"[1] = '0'.
    #[test]
    fn a_birth_date_that_is_not_a_date() {
        let c = check_id_number("110105194902300020");
        assert!(c.well_formed && c.checksum_ok);
        assert_eq!(c.birth_date, None);
    }

    #[test]
    fn malformed_numbers() {
        for bad in [
            "11010519491231002x",  // lowercase x
            "11010519491231002",   // 17 characters
            "11010519491231002XX", // 19 characters
            "1101051949123100X2",  // X not last
            "",
            "１１010519491231002X", // full-width digits
        ] {
            let c = check_id_number(bad);
            assert!(!c.well_formed, "{bad}");
            assert!(
                !c.checksum_ok && c.birth_date.is_none() && c.sex.is_none(),
                "{bad}"
            );
        }
        assert_eq!(check_char("1101051949123100"), None);
        assert_eq!(check_char("1101051949123100a"), None);
    }

    /// The checker as the standard reads, step by step (form, then the
    /// check character by [`check_char`], then date and sex): the
    /// reference the one-pass [`check_id_number`] must agree with.
    fn reference(s: &str) -> IdCheck {
        let b = s.as_bytes();
        let well_formed = b.len() == 18
            && b.iter().take(17).all(u8::is_ascii_digit)
            && b.get(17).is_some_and(|&c| c.is_ascii_digit() || c == b'X');
        if !well_formed {
            return IdCheck {
                well_formed: false,
                checksum_ok: false,
                birth_date: None,
                sex: None,
            };
        }
        let checksum_ok =
            s.get(..17).and_then(check_char) == s.get(17..).and_then(|t| t.chars().next());
        let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
        let birth_date = match (num(6..10), num(10..12), num(12..14)) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        };
        let sex = num(16..17).map(|d| if d % 2 == 1 { Sex::Male } else { Sex::Female });
        IdCheck {
            well_formed,
            checksum_ok,
            birth_date,
            sex,
        }
    }

    proptest! {
        /// The one-pass checker and the step-by-step reference agree on
        /// every kind of input: digit strings with any check character,
        /// real dates, near misses (a letter, a lowercase x, 17 or 19
        /// characters, non-ASCII).
        #[test]
        fn one_pass_agrees_with_the_reference(
            s in prop_oneof![
                "[0-9]{17}[0-9X]",
                "[0-9]{6}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]",
                "[0-9Xx a]{16,19}",
                "[0-9]{5}[一二三0-9]{12}",
                any::<String>(),
            ],
        ) {
            prop_assert_eq!(check_id_number(&s), reference(&s), "{:?}", s);
        }

        /// `sound_for` is `check_id_number` compared field by field, for
        /// any number and any person (often the number's own date and sex).
        #[test]
        fn sound_for_agrees_with_the_full_check(
            s in prop_oneof![
                "[0-9]{6}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]",
                "[0-9]{17}[0-9X]",
                any::<String>(),
            ],
            other in (-300_000i32..300_000, 1u32..=12, 1u32..=31),
            own_date in any::<bool>(),
            male in any::<bool>(),
        ) {
            let c = check_id_number(&s);
            let fallback = NaiveDate::from_ymd_opt(other.0, other.1, other.2)
                .or(NaiveDate::from_ymd_opt(1980, 1, 1))
                .unwrap_or(NaiveDate::MIN);
            let birth = if own_date { c.birth_date.unwrap_or(fallback) } else { fallback };
            let sex = if male { Sex::Male } else { Sex::Female };
            let want = c.well_formed
                && c.checksum_ok
                && c.birth_date == Some(birth)
                && c.sex == Some(sex);
            prop_assert_eq!(sound_for(&s, birth, sex), want, "{:?} {}", s, birth);
        }

        #[test]
        fn exactly_one_check_character_is_right(first17 in "[0-9]{17}") {
            let right = check_char(&first17).unwrap();
            for c in "0123456789X".chars() {
                let ok = check_id_number(&format!("{first17}{c}")).checksum_ok;
                prop_assert_eq!(ok, c == right);
            }
        }
    }
}
