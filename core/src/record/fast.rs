//! A hand-written reader for the common, simple household line.
//!
//! [`parse_household`] reads a line with a byte-level scanner specialised to
//! the shapes of interfaces.md §2.1–2.2 and returns `Some` only when the line
//! lies in a subset it fully understands *and* the result is exactly what the
//! serde path ([`super::parse_record`]) produces. On anything unusual it
//! returns `None` and the caller falls back to the serde path, which gives the
//! canonical result or error. It never reports an error itself.
//!
//! The subset: valid UTF-8; JSON whitespace anywhere between tokens; strings
//! without escapes or control characters; every key a known field of its
//! object, at most once; money as a string matching `[0-9]+(\.[0-9]{1,2})?`
//! or a JSON number `(0|[1-9][0-9]*)(\.[0-9]{1,2})?`, below 10¹³ yuan;
//! `year` a JSON integer `-?(0|[1-9][0-9]*)` of at most 10 digits within
//! `i32`; `disability_grade` a single digit 1–4 or `null`; dates a real
//! `YYYY-MM-DD`; enums their exact wire strings; `null` only where the serde
//! path takes it as the default. Everything else (escapes, exponents, an
//! unknown or repeated key, a missing required field, a wrong type, bad
//! money, a bad enum or date, trailing garbage …) is left to the serde path.
//!
//! [`Household::validate`] is not run here: [`super::parse_household`] runs
//! it on either path.

use chrono::NaiveDate;

use super::{Assets, Credit, ExitStep, Guarantees, Household, Income, Member};
use crate::enums::{Sex, WireEnum};
use crate::mask::{IdNumber, PersonName};
use crate::money::Money;

/// Reads a household line in the simple subset described in the module
/// documentation, or returns `None` (then only the serde path can tell).
///
/// ```
/// use fupin_core::record::fast;
/// let line = br#"{"id":"H1","members":[{"id":"P1","sex":"male","birth_date":"1980-01-01"}]}"#;
/// assert_eq!(fast::parse_household(line).unwrap().members[0].id, "P1");
/// // An escape sequence is left to the serde path.
/// assert!(fast::parse_household(br#"{"id":"H\u0031","members":[]}"#).is_none());
/// ```
pub fn parse_household(line: &[u8]) -> Option<Household> {
    let mut s = Scan { b: line, i: 0 };
    s.ws();
    let h = s.household()?;
    s.ws();
    (s.i == line.len()).then_some(h)
}

/// Exclusive upper bound of input money, in yuan (interfaces.md §1).
const YUAN_LIMIT: u64 = 10_000_000_000_000;

/// Marks field `bit` of an object as seen; `None` if it was seen already.
#[inline]
fn mark(seen: &mut u32, bit: u32) -> Option<()> {
    if *seen & bit != 0 {
        return None;
    }
    *seen |= bit;
    Some(())
}

/// Eight bytes of `s` from `at` as a number.
#[inline]
fn word(s: &[u8], at: usize) -> u64 {
    s.get(at..at + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map_or(u64::MAX, u64::from_le_bytes)
}

/// Four bytes of `s` from `at` as a number.
#[inline]
fn word4(s: &[u8], at: usize) -> u32 {
    s.get(at..at + 4)
        .and_then(|w| <[u8; 4]>::try_from(w).ok())
        .map_or(u32::MAX, u32::from_le_bytes)
}

/// Whether `b` continues with `k` at `i` (`k` at most 24 bytes long).
#[inline]
fn has_prefix(b: &[u8], i: usize, k: &[u8]) -> bool {
    let n = k.len();
    let Some(s) = b.get(i..i.wrapping_add(n)) else {
        return false;
    };
    if n >= 8 {
        word(s, 0) == word(k, 0)
            && word(s, n - 8) == word(k, n - 8)
            && (n <= 16 || word(s, 8) == word(k, 8))
            && n <= 24
    } else if n >= 4 {
        word4(s, 0) == word4(k, 0) && word4(s, n - 4) == word4(k, n - 4)
    } else {
        s == k
    }
}

/// The value of an ASCII digit.
#[inline]
fn digit(c: u8) -> Option<u32> {
    c.is_ascii_digit()
        .then_some(u32::from(c.wrapping_sub(b'0')))
}

/// The index of the `"` closing a string whose contents start at `i`, or
/// `None` if a backslash or a control character comes first (or the line
/// ends). Reads eight bytes at a time while it can.
#[inline]
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const QUOTE: u64 = ONES * b'"' as u64;
    const BACKSLASH: u64 = ONES * b'\\' as u64;
    const SPACE: u64 = ONES * 0x20;
    while let Some(chunk) = b.get(i..i.wrapping_add(8)) {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).ok()?);
        let q = x ^ QUOTE;
        let s = x ^ BACKSLASH;
        // A byte is flagged if it is zero in `q` or `s`, or below 0x20 in `x`.
        // Flags above the lowest true one may be spurious (borrows), so only
        // the lowest is used.
        let hit = ((q.wrapping_sub(ONES) & !q)
            | (s.wrapping_sub(ONES) & !s)
            | (x.wrapping_sub(SPACE) & !x))
            & HIGH;
        if hit != 0 {
            let at = i + (hit.trailing_zeros() / 8) as usize;
            return (b.get(at) == Some(&b'"')).then_some(at);
        }
        i += 8;
    }
    loop {
        match *b.get(i)? {
            b'"' => return Some(i),
            b'\\' | 0..=0x1f => return None,
            _ => i += 1,
        }
    }
}

/// The index of the next `"` at or after `i`, eight bytes at a time.
#[inline]
fn quote_at(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const QUOTE: u64 = ONES * b'"' as u64;
    while let Some(chunk) = b.get(i..i.wrapping_add(8)) {
        let q = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).ok()?) ^ QUOTE;
        let hit = q.wrapping_sub(ONES) & !q & HIGH;
        if hit != 0 {
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    loop {
        if *b.get(i)? == b'"' {
            return Some(i);
        }
        i += 1;
    }
}

/// The scanner: the line and the position. Outside strings only ASCII is
/// accepted, and each string is checked to be UTF-8 on its own, so the line
/// as a whole need not be checked.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Skips JSON whitespace.
    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek()? == c {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    /// Consumes `null` if it comes next.
    #[inline]
    fn null(&mut self) -> bool {
        if word4(self.b, self.i) == u32::from_le_bytes(*b"null") {
            self.i += 4;
            true
        } else {
            false
        }
    }

    /// A string without escapes, borrowed from the line.
    #[inline]
    fn str(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        let end = string_end(self.b, start)?;
        self.i = end + 1;
        std::str::from_utf8(self.b.get(start..end)?).ok()
    }

    #[inline]
    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    /// A key or an enum value: the text up to the next `"`, unchecked. Every
    /// key and wire string is lower-case ASCII letters and `_`, so a text
    /// with an escape or anything unusual matches none of them and is
    /// refused by the caller's lookup.
    #[inline]
    fn ident(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let end = quote_at(self.b, start)?;
        self.i = end + 1;
        self.b.get(start..end)
    }

    #[inline]
    fn wire<T: WireEnum>(&mut self) -> Option<T> {
        T::from_wire_bytes(self.ident()?)
    }

    #[inline]
    fn boolean(&mut self) -> Option<bool> {
        let w = word4(self.b, self.i);
        if w == u32::from_le_bytes(*b"true") {
            self.i += 4;
            Some(true)
        } else if w == u32::from_le_bytes(*b"fals") && self.b.get(self.i + 4) == Some(&b'e') {
            self.i += 5;
            Some(false)
        } else {
            None
        }
    }

    /// A date string `"YYYY-MM-DD"` naming a real day (as `parse_date`).
    #[inline]
    fn date(&mut self) -> Option<NaiveDate> {
        let end = self.i.wrapping_add(12);
        let [b'"', y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'"'] = *self.b.get(self.i..end)?
        else {
            return None;
        };
        let y = digit(y0)? * 1000 + digit(y1)? * 100 + digit(y2)? * 10 + digit(y3)?;
        let m = digit(m0)? * 10 + digit(m1)?;
        let d = digit(d0)? * 10 + digit(d1)?;
        let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
        self.i = end;
        Some(date)
    }

    #[inline]
    fn opt_date(&mut self) -> Option<Option<NaiveDate>> {
        if self.null() {
            Some(None)
        } else {
            self.date().map(Some)
        }
    }

    /// Money as a string or a JSON number (see the module documentation).
    #[inline]
    fn money(&mut self) -> Option<Money> {
        let quoted = self.peek()? == b'"';
        if quoted {
            self.i += 1;
        }
        let start = self.i;
        let mut yuan: u64 = 0;
        if !quoted && self.peek() == Some(b'0') {
            // JSON allows a single leading zero only.
            self.i += 1;
        } else {
            while let Some(c @ b'0'..=b'9') = self.peek() {
                yuan = yuan * 10 + u64::from(c - b'0');
                if yuan >= YUAN_LIMIT {
                    return None;
                }
                self.i += 1;
            }
        }
        if self.i == start {
            return None;
        }
        let mut cents = yuan * 100;
        if self.peek() == Some(b'.') {
            self.i += 1;
            let tenths = digit(self.peek()?)?;
            self.i += 1;
            cents += u64::from(tenths) * 10;
            if let Some(c @ b'0'..=b'9') = self.peek() {
                cents += u64::from(c - b'0');
                self.i += 1;
            }
        }
        if quoted {
            self.eat(b'"')?;
        }
        Some(Money::from_cents(cents))
    }

    /// An income year: a JSON integer within `i32`.
    #[inline]
    fn year(&mut self) -> Option<i32> {
        let negative = self.peek()? == b'-';
        if negative {
            self.i += 1;
        }
        let start = self.i;
        let mut v: i64 = 0;
        if self.peek() == Some(b'0') {
            self.i += 1;
        } else {
            while let Some(c @ b'0'..=b'9') = self.peek() {
                if self.i - start >= 10 {
                    return None;
                }
                v = v * 10 + i64::from(c - b'0');
                self.i += 1;
            }
        }
        if self.i == start {
            return None;
        }
        i32::try_from(if negative { -v } else { v }).ok()
    }

    /// A disability grade: a single digit 1–4, or `null`.
    #[inline]
    fn grade(&mut self) -> Option<Option<u8>> {
        if self.null() {
            return Some(None);
        }
        match self.peek()? {
            c @ b'1'..=b'4' => {
                self.i += 1;
                Some(Some(c - b'0'))
            }
            _ => None,
        }
    }

    /// An object whose keys are `keys` (each with its closing quote): calls
    /// `field` with the index of each key, positioned at its value; the
    /// callback reads the value. Unknown and repeated keys are refused.
    /// Returns the set of keys seen, as bits by index. Keys are expected in
    /// table order and checked against the next one first.
    #[inline]
    fn object(
        &mut self,
        keys: &[&[u8]],
        mut field: impl FnMut(&mut Self, usize) -> Option<()>,
    ) -> Option<u32> {
        self.eat(b'{')?;
        self.ws();
        let mut seen = 0u32;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(seen);
        }
        let mut next = 0usize;
        loop {
            self.eat(b'"')?;
            let idx = match keys.get(next) {
                Some(k) if has_prefix(self.b, self.i, k) => {
                    self.i += k.len();
                    next
                }
                _ => {
                    let start = self.i;
                    let end = quote_at(self.b, start)?;
                    self.i = end + 1;
                    let key = self.b.get(start..=end)?;
                    keys.iter().position(|k| *k == key)?
                }
            };
            mark(&mut seen, 1 << idx)?;
            next = idx + 1;
            if self.peek() == Some(b':') {
                self.i += 1;
            } else {
                self.ws();
                self.eat(b':')?;
            }
            self.ws();
            field(self, idx)?;
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    if self.peek() == Some(b'"') {
                        continue;
                    }
                }
                b'}' => {
                    self.i += 1;
                    return Some(seen);
                }
                _ => {
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(seen);
                        }
                        _ => return None,
                    }
                }
            }
            self.ws();
        }
    }

    /// A list, reading each element with `item`.
    #[inline]
    fn list<T>(
        &mut self,
        capacity: usize,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(Vec::new());
        }
        let mut out = Vec::with_capacity(capacity);
        loop {
            out.push(item(self)?);
            self.ws();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b']' => {
                    self.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    fn household(&mut self) -> Option<Household> {
        let mut h = Household::with_defaults();
        let seen = self.object(
            &[
                b"id\"",
                b"town\"",
                b"village\"",
                b"attribute\"",
                b"status\"",
                b"identified_on\"",
                b"exited_on\"",
                b"returned_on\"",
                b"causes\"",
                b"relocated\"",
                b"exit_steps\"",
                b"income\"",
                b"last_year_income\"",
                b"rigid_expenses\"",
                b"guarantees\"",
                b"assets\"",
                b"credit\"",
                b"members\"",
            ],
            |s, key| {
                match key {
                    0 => {
                        h.id = s.string()?.into();
                    }
                    1 => {
                        h.town = s.string()?.into();
                    }
                    2 => {
                        h.village = s.string()?.into();
                    }
                    3 => {
                        h.attribute = s.wire()?;
                    }
                    4 => {
                        h.status = s.wire()?;
                    }
                    5 => {
                        h.identified_on = s.opt_date()?;
                    }
                    6 => {
                        h.exited_on = s.opt_date()?;
                    }
                    7 => {
                        h.returned_on = s.opt_date()?;
                    }
                    8 => {
                        h.causes = s.list(4, Scan::wire)?;
                    }
                    9 => {
                        h.relocated = s.boolean()?;
                    }
                    10 => {
                        h.exit_steps = s.list(6, Scan::exit_step)?;
                    }
                    11 => {
                        h.income = s.income()?;
                    }
                    12 => {
                        h.last_year_income = if s.null() { None } else { Some(s.income()?) };
                    }
                    13 => {
                        h.rigid_expenses = s.money()?;
                    }
                    14 => {
                        h.guarantees = s.guarantees()?;
                    }
                    15 => {
                        h.assets = s.assets()?;
                    }
                    16 => {
                        h.credit = if s.null() { None } else { Some(s.credit()?) };
                    }
                    17 => {
                        h.members = s.list(8, Scan::member)?;
                    }
                    _ => return None,
                }
                Some(())
            },
        )?;
        // `id` and `members` are required.
        (seen & 1 != 0 && seen & (1 << 17) != 0).then_some(h)
    }

    fn income(&mut self) -> Option<Income> {
        let mut inc = Income::default();
        self.object(
            &[
                b"wage\"",
                b"operating\"",
                b"operating_cost\"",
                b"property\"",
                b"transfer\"",
                b"dibao\"",
                b"one_off_transfer\"",
                b"year\"",
            ],
            |s, key| {
                match key {
                    0 => {
                        inc.wage = s.money()?;
                    }
                    1 => {
                        inc.operating = s.money()?;
                    }
                    2 => {
                        inc.operating_cost = s.money()?;
                    }
                    3 => {
                        inc.property = s.money()?;
                    }
                    4 => {
                        inc.transfer = s.money()?;
                    }
                    5 => {
                        inc.dibao = s.money()?;
                    }
                    6 => {
                        inc.one_off_transfer = s.money()?;
                    }
                    7 => {
                        inc.year = Some(s.year()?);
                    }
                    _ => return None,
                }
                Some(())
            },
        )?;
        Some(inc)
    }

    fn guarantees(&mut self) -> Option<Guarantees> {
        let mut g = Guarantees::default();
        self.object(
            &[b"food\"", b"clothing\"", b"housing\"", b"drinking_water\""],
            |s, key| {
                match key {
                    0 => {
                        g.food = s.boolean()?;
                    }
                    1 => {
                        g.clothing = s.boolean()?;
                    }
                    2 => {
                        g.housing = s.wire()?;
                    }
                    3 => {
                        g.drinking_water = s.boolean()?;
                    }
                    _ => return None,
                }
                Some(())
            },
        )?;
        Some(g)
    }

    fn assets(&mut self) -> Option<Assets> {
        let mut a = Assets::default();
        self.object(
            &[
                b"car\"",
                b"commercial_housing\"",
                b"business\"",
                b"public_employee\"",
                b"deposits\"",
            ],
            |s, key| {
                match key {
                    0 => {
                        a.car = s.boolean()?;
                    }
                    1 => {
                        a.commercial_housing = s.boolean()?;
                    }
                    2 => {
                        a.business = s.boolean()?;
                    }
                    3 => {
                        a.public_employee = s.boolean()?;
                    }
                    4 => {
                        a.deposits = s.money()?;
                    }
                    _ => return None,
                }
                Some(())
            },
        )?;
        Some(a)
    }

    fn credit(&mut self) -> Option<Credit> {
        let mut c = Credit::default();
        self.object(&[b"rating\"", b"outstanding\""], |s, key| {
            match key {
                0 => {
                    c.rating = s.wire()?;
                }
                1 => {
                    c.outstanding = s.money()?;
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(c)
    }

    fn exit_step(&mut self) -> Option<ExitStep> {
        let mut step = None;
        let mut on = None;
        self.object(&[b"step\"", b"on\""], |s, key| {
            match key {
                0 => step = Some(s.wire()?),
                1 => on = Some(s.date()?),
                _ => return None,
            }
            Some(())
        })?;
        Some(ExitStep {
            step: step?,
            on: on?,
        })
    }

    fn member(&mut self) -> Option<Member> {
        // `sex` and `birth_date` are required: the placeholders are replaced
        // or the member is refused below.
        let mut m = Member::new(String::new(), Sex::Male, NaiveDate::MIN);
        let seen = self.object(
            &[
                b"id\"",
                b"id_number\"",
                b"name\"",
                b"relation\"",
                b"sex\"",
                b"birth_date\"",
                b"schooling\"",
                b"boarding\"",
                b"health\"",
                b"disability_grade\"",
                b"labor\"",
                b"medical_insurance\"",
                b"dibao\"",
                b"veteran\"",
                b"deceased_on\"",
                b"moved_out_on\"",
            ],
            |s, key| {
                match key {
                    0 => {
                        m.id = s.string()?.into();
                    }
                    1 => {
                        m.id_number = if s.null() {
                            None
                        } else {
                            Some(IdNumber::new(s.string()?))
                        };
                    }
                    2 => {
                        m.name = PersonName::new(s.string()?);
                    }
                    3 => {
                        m.relation = s.wire()?;
                    }
                    4 => {
                        m.sex = s.wire()?;
                    }
                    5 => {
                        m.birth_date = s.date()?;
                    }
                    6 => {
                        m.schooling = s.wire()?;
                    }
                    7 => {
                        m.boarding = s.boolean()?;
                    }
                    8 => {
                        m.health = s.wire()?;
                    }
                    9 => {
                        m.disability_grade = s.grade()?;
                    }
                    10 => {
                        m.labor = s.wire()?;
                    }
                    11 => {
                        m.medical_insurance = s.boolean()?;
                    }
                    12 => {
                        m.dibao = s.boolean()?;
                    }
                    13 => {
                        m.veteran = s.boolean()?;
                    }
                    14 => {
                        m.deceased_on = s.opt_date()?;
                    }
                    15 => {
                        m.moved_out_on = s.opt_date()?;
                    }
                    _ => return None,
                }
                Some(())
            },
        )?;
        // `id`, `sex` and `birth_date` are required.
        const REQUIRED: u32 = 1 | (1 << 4) | (1 << 5);
        (seen & REQUIRED == REQUIRED).then_some(m)
    }
}
