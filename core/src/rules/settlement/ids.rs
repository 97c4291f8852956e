//! Claim and person ids: the [`Id`] a settlement carries, the ledger's
//! [`IdTable`] of ids settled, and the hashers of the ledger's tables.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize, Serializer};

/// A claim or person id as a [`Settlement`](super::Settlement) carries it: ids of up to 22
/// bytes are kept inline (no allocation per settlement), longer ones on the
/// heap. Reads as a `&str` ([`Id::as_str`], `Deref`), shows and serializes
/// as the string.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Id(IdRepr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum IdRepr {
    /// Ids of up to [`INLINE`] bytes; the bytes after `len` are zero.
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<str>),
}

const INLINE: usize = 22;

impl Id {
    /// The id `s`.
    #[inline]
    pub fn new(s: &str) -> Id {
        let src = s.as_bytes();
        let mut bytes = [0u8; INLINE];
        match (bytes.get_mut(..src.len()), u8::try_from(src.len())) {
            (Some(dst), Ok(len)) => {
                dst.copy_from_slice(src);
                Id(IdRepr::Inline { len, bytes })
            }
            _ => Id(IdRepr::Heap(s.into())),
        }
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid UTF-8: copied from a `&str` (a whole one).
            IdRepr::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
            IdRepr::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Id {
        Id::new(s)
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.as_str().to_owned()
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        String::deserialize(d).map(|s| Id::new(&s))
    }
}

/// A fast, non-cryptographic hasher for the ledger's string keys
/// (multiply-rotate over 8-byte words). The ledger's order never depends on
/// it: serialization sorts.
#[derive(Default, Clone, Copy)]
pub(super) struct WordHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Shifts, not a byte copy: LLVM would turn a copy loop into a
            // call to memcpy.
            let w = rest.iter().fold(0u64, |w, b| (w << 8) | u64::from(*b));
            self.mix(w);
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Fold the high bits down: the multiply leaves the low bits (the
        // table's bucket index) depending only on the keys' first bytes.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

/// The 64-bit hash of an id (its length mixed in, so "A" and "A\0" differ).
#[inline]
pub(super) fn hash_id(id: &str) -> u64 {
    let mut h = WordHasher::default();
    h.write(id.as_bytes());
    h.write_usize(id.len());
    h.finish()
}

/// A hasher for keys that are already 64-bit hashes: passes them through.
#[derive(Default, Clone, Copy)]
struct PassHasher(u64);

impl Hasher for PassHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Not used by `u64` keys; mixes anything else all the same.
        let mut h = WordHasher(self.0);
        h.write(bytes);
        self.0 = h.finish();
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Hash maps keyed by ids or dates.
pub(super) type Fast = BuildHasherDefault<WordHasher>;
type ByHash = BuildHasherDefault<PassHasher>;

/// A set of ids, each numbered in insertion order and carrying a value
/// `T`: the text of every id in one buffer (no allocation per id) and a
/// table from each id's 64-bit hash to its number. Two ids with the same
/// hash are told apart by their text (a hash match is always verified), so
/// a collision never makes a new id look like one seen before.
///
/// An id's value sits next to where its text ends, so a lookup that has
/// just verified the text finds the value in the same cache line (the
/// ledger keeps a person's first year there).
#[derive(Debug, Clone, Default)]
pub(super) struct IdTable<T = ()> {
    /// Every id, concatenated.
    text: String,
    /// Per id, where it ends in `text` (it starts where the one before
    /// ends) and its value.
    entries: Vec<Entry<T>>,
    /// hash → the number of the first id with that hash.
    first: HashMap<u64, u32, ByHash>,
    /// hash → the numbers of later ids with the same hash (almost never
    /// used: two different ids whose 64-bit hashes collide).
    more: HashMap<u64, Vec<u32>, ByHash>,
}

#[derive(Debug, Clone, Copy)]
struct Entry<T> {
    end: usize,
    value: T,
}

impl<T: Copy> IdTable<T> {
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The text of id number `i`.
    pub(super) fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = match i.checked_sub(1) {
            Some(j) => self.entries.get(j).map_or(0, |e| e.end),
            None => 0,
        };
        let end = self.entries.get(i).map_or(start, |e| e.end);
        self.text.get(start..end).unwrap_or("")
    }

    /// The value of id number `i`.
    #[inline]
    pub(super) fn value(&self, i: u32) -> Option<T> {
        self.entries.get(i as usize).map(|e| e.value)
    }

    /// The value of id number `i`, to change.
    pub(super) fn value_mut(&mut self, i: u32) -> Option<&mut T> {
        self.entries.get_mut(i as usize).map(|e| &mut e.value)
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.entries.len()).map(|i| self.get(i as u32))
    }

    /// Makes room for the ids of `other` too.
    pub(super) fn reserve(&mut self, other: &IdTable<T>) {
        self.text.reserve(other.text.len());
        self.entries.reserve(other.entries.len());
        self.first.reserve(other.first.len());
    }

    /// The number of `id` (whose hash is `h`), if it is in the set.
    #[inline]
    pub(super) fn find(&self, h: u64, id: &str) -> Option<u32> {
        let i = *self.first.get(&h)?;
        if self.get(i) == id {
            return Some(i);
        }
        self.more
            .get(&h)?
            .iter()
            .copied()
            .find(|&j| self.get(j) == id)
    }

    /// Adds `id` (hash `h`) with its value; `id` must not be in the set.
    /// Returns its number, or `None` when the set holds 2³² ids already.
    pub(super) fn push(&mut self, h: u64, id: &str, value: T) -> Option<u32> {
        let i = u32::try_from(self.entries.len()).ok()?;
        self.text.push_str(id);
        self.entries.push(Entry {
            end: self.text.len(),
            value,
        });
        match self.first.entry(h) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.more.entry(h).or_default().push(i);
            }
        }
        Some(i)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Ids whose 64-bit hashes collide are still told apart.
    #[test]
    fn a_hash_collision_is_not_a_duplicate() {
        let mut t = IdTable::default();
        assert_eq!(t.push(7, "A", 10u32), Some(0));
        assert_eq!(t.find(7, "B"), None);
        assert_eq!(t.push(7, "B", 11), Some(1));
        assert_eq!(t.find(7, "A"), Some(0));
        assert_eq!(t.find(7, "B"), Some(1));
        assert_eq!(t.find(7, "C"), None);
        assert_eq!(t.iter().collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(
            (t.value(0), t.value(1), t.value(2)),
            (Some(10), Some(11), None)
        );
    }

    #[test]
    fn ids_read_back_as_given() {
        for s in [
            "",
            "C1",
            "二十二个字节的编号xx",
            &"x".repeat(22),
            &"y".repeat(23),
            &"长".repeat(40),
        ] {
            let id = Id::new(s);
            assert_eq!(id.as_str(), s);
            assert_eq!(id.to_string(), s);
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }
}
