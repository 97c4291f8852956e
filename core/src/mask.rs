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

macro_rules! personal_string {
    ($(#[$doc:meta])* $ty:ident, $mask:path) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Default)]
        pub struct $ty(String);

        impl $ty {
            /// Wraps a raw value.
            pub fn new(raw: impl Into<String>) -> Self {
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
                String::deserialize(d).map(Self)
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
