//! Masking of personal data (identity numbers and names).
//!
//! Identity numbers and names never appear unmasked in an error message, a
//! log line, a trace or `Debug` output (interfaces.md §4): an identity number
//! keeps its first 6 and last 4 characters (`640122********123X`; shorter than
//! 10 characters: `****`), a name its first character (`张**`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Masks an identity number: first 6 and last 4 characters kept, the rest `*`.
///
/// ```
/// assert_eq!(fupin_core::mask::mask_id_number("64012219800101123X"), "640122********123X");
/// assert_eq!(fupin_core::mask::mask_id_number("123456789"), "****");
/// ```
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let n = chars.len();
    if n < 10 {
        return "****".to_owned();
    }
    let mut out = String::with_capacity(n + 8);
    out.extend(chars.iter().take(6));
    out.extend(std::iter::repeat_n('*', n - 10));
    out.extend(chars.iter().skip(n - 4));
    out
}

/// Masks a name: its first character followed by `**` (empty stays empty).
///
/// ```
/// assert_eq!(fupin_core::mask::mask_name("张三"), "张**");
/// assert_eq!(fupin_core::mask::mask_name(""), "");
/// ```
pub fn mask_name(name: &str) -> String {
    match name.chars().next() {
        Some(c) => format!("{c}**"),
        None => String::new(),
    }
}

/// Shortest digit run taken for an identity number: the 15 digits of the
/// first-generation number (the 18-character one is 17 digits and a check
/// character).
const ID_NUMBER_MIN_DIGITS: usize = 15;

/// Masks everything in `text` shaped like an identity number, wherever it
/// stands: every run of 15 or more ASCII digits, with the `X`/`x` check
/// character that may end it, becomes [`mask_id_number`] of itself; the
/// digits after a decimal point are left alone (a float's fraction) unless
/// an exponent follows them.
///
/// Error messages quote the bad value of a field; when a clerk typed an
/// identity number into the wrong field (a date, an amount) it is still
/// personal data, though no `id_number` key says so. Money and dates never
/// have that many digits in a row (money stops at 10¹³ yuan, 14 digits).
///
/// ```
/// use fupin_core::mask::mask_id_numbers_in;
/// assert_eq!(
///     mask_id_numbers_in(r#"invalid date "64012219800101123X": expected YYYY-MM-DD"#),
///     r#"invalid date "640122********123X": expected YYYY-MM-DD"#
/// );
/// assert_eq!(mask_id_numbers_in("invalid money \"10000000000000\""), "invalid money \"10000000000000\"");
/// ```
pub fn mask_id_numbers_in(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if matches!(bytes.get(i), Some(b'X' | b'x')) {
            i += 1;
        }
        // Digits after a decimal point are a fraction (`0.30000000000000004`),
        // unless an exponent follows (`6.401221980010112e17`: a number
        // read as a float).
        let fraction = start > 0
            && bytes.get(start - 1) == Some(&b'.')
            && !matches!(bytes.get(i), Some(b'e' | b'E'));
        if i - start >= ID_NUMBER_MIN_DIGITS && !fraction {
            // Digit runs and `X` are ASCII, so both ends are char boundaries.
            out.push_str(text.get(copied..start).unwrap_or_default());
            out.push_str(&mask_id_number(text.get(start..i).unwrap_or_default()));
            copied = i;
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Masks a record's own personal data (identity numbers, names) wherever
/// a text quotes it: the one scrubber of every error message about a
/// record (a name typed into the sex column, an identity number into a
/// date), whichever reader wrote the message.
///
/// ```
/// use fupin_core::mask::Scrubber;
/// let mut s = Scrubber::default();
/// s.id_number("64012219800101123X");
/// s.name("张三丰");
/// s.name("李"); // one character: its mask would show it anyway
/// assert_eq!(
///     s.apply("sex: invalid sex \"张三丰\"; id 64012219800101123X"),
///     "sex: invalid sex \"张**\"; id 640122********123X"
/// );
/// ```
#[derive(Default)]
pub struct Scrubber {
    /// (raw, masked), longest raw first once [`Scrubber::apply`] runs.
    pairs: Vec<(String, String)>,
    sorted: bool,
}

impl Scrubber {
    /// Adds an identity number to mask.
    pub fn id_number(&mut self, raw: &str) {
        self.add(raw, mask_id_number(raw));
    }

    /// Adds a name to mask.
    pub fn name(&mut self, raw: &str) {
        self.add(raw, mask_name(raw));
    }

    fn add(&mut self, raw: &str, masked: String) {
        // A value of one character is left alone (its mask shows it).
        if raw.chars().nth(1).is_some() {
            self.pairs.push((raw.to_owned(), masked));
            self.sorted = false;
        }
    }

    /// `text` with every value added replaced by its mask; the longest
    /// first, so a value containing another is masked whole.
    pub fn apply(&mut self, text: &str) -> String {
        if !self.sorted {
            self.pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
            self.sorted = true;
        }
        let mut out = text.to_owned();
        for (raw, masked) in &self.pairs {
            if out.contains(raw.as_str()) {
                out = out.replace(raw.as_str(), masked);
            }
        }
        out
    }
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scrubber({} values)", self.pairs.len())
    }
}

macro_rules! personal_string {
    ($(#[$doc:meta])* $ty:ident, $mask:path) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Default)]
        pub struct $ty(compact_str::CompactString);

        impl $ty {
            /// Wraps a raw value.
            pub fn new(raw: impl Into<compact_str::CompactString>) -> Self {
                Self(raw.into())
            }
            /// The raw, unmasked value. Use it for computation and for
            /// writing the record itself, never for messages or logs.
            pub fn expose(&self) -> &str {
                &self.0
            }
            /// The masked form, safe for messages and logs.
            pub fn masked(&self) -> String {
                $mask(&self.0)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($ty), self.masked())
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.masked())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                compact_str::CompactString::deserialize(d).map(Self)
            }
        }
    };
}

personal_string!(
    /// A resident identity number (personal data): `Debug` and `Display` mask it.
    IdNumber,
    mask_id_number
);
personal_string!(
    /// A person's name (personal data): `Debug` and `Display` mask it.
    PersonName,
    mask_name
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_numbers_are_masked_wherever_they_stand_in_a_text() {
        assert_eq!(
            mask_id_numbers_in("a 64012219800101123x b 640122198001011234,640122800101123"),
            "a 640122********123x b 640122********1234,640122*****1123"
        );
        // A fraction is not one; a float's mantissa before an exponent is.
        assert_eq!(
            mask_id_numbers_in("0.30000000000000004 6.401221980010112e17"),
            "0.30000000000000004 6.401221*****0112e17"
        );
        // Shorter runs are amounts, dates and counts: left alone.
        assert_eq!(
            mask_id_numbers_in("99999999999999 2020-12-31 1234.50 X"),
            "99999999999999 2020-12-31 1234.50 X"
        );
        assert_eq!(
            mask_id_numbers_in("张三 64012219800101123X"),
            "张三 640122********123X"
        );
        assert_eq!(mask_id_numbers_in(""), "");
    }

    #[test]
    fn an_eighteen_character_number_keeps_six_and_four() {
        assert_eq!(mask_id_number("64012219800101123X"), "640122********123X");
    }

    #[test]
    fn exactly_ten_characters_show_no_stars_between() {
        assert_eq!(mask_id_number("0123456789"), "0123456789");
        assert_eq!(mask_id_number("012345678"), "****");
        assert_eq!(mask_id_number(""), "****");
    }

    #[test]
    fn debug_and_display_never_show_the_raw_value() {
        let id = IdNumber::new("64012219800101123X");
        let name = PersonName::new("张三丰");
        let shown = format!("{id:?} {id} {name:?} {name}");
        assert!(!shown.contains("19800101"), "{shown}");
        assert!(!shown.contains("三丰"), "{shown}");
        assert!(shown.contains("640122********123X"));
        assert!(shown.contains("张**"));
    }
}
