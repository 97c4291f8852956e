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
    let text = std::str::from_utf8(line).ok()?;
    let mut s = Scan {
        text,
        b: line,
        i: 0,
    };
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

/// The scanner: the line as text and bytes, and the position.
struct Scan<'a> {
    text: &'a str,
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

    /// Consumes `lit` if the input continues with it.
    #[inline]
    fn literal(&mut self, lit: &[u8]) -> bool {
        let end = self.i.wrapping_add(lit.len());
        if self.b.get(self.i..end) == Some(lit) {
            self.i = end;
            true
        } else {
            false
        }
    }

    /// Consumes `null` if it comes next.
    #[inline]
    fn null(&mut self) -> bool {
        self.literal(b"null")
    }

    /// A string without escapes, borrowed from the line.
    #[inline]
    fn str(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        let end = string_end(self.b, start)?;
        self.i = end + 1;
        // Both ends are next to an ASCII quote, hence on char boundaries.
        self.text.get(start..end)
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
    fn ident(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        let end = quote_at(self.b, start)?;
        self.i = end + 1;
        self.text.get(start..end)
    }

    #[inline]
    fn wire<T: WireEnum>(&mut self) -> Option<T> {
        T::from_wire(self.ident()?)
    }

    #[inline]
    fn boolean(&mut self) -> Option<bool> {
        if self.literal(b"true") {
            Some(true)
        } else if self.literal(b"false") {
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

    /// An object: calls `field` with each key, positioned at its value; the
    /// callback reads the value (and refuses unknown and repeated keys).
    #[inline]
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.ident()?.as_bytes();
            self.ws();
            self.eat(b':')?;
            self.ws();
            field(self, key)?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
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
        let mut seen = 0u32;
        self.object(|s, key| {
            match key {
                b"id" => {
                    mark(&mut seen, 1)?;
                    h.id = s.string()?;
                }
                b"town" => {
                    mark(&mut seen, 1 << 1)?;
                    h.town = s.string()?;
                }
                b"village" => {
                    mark(&mut seen, 1 << 2)?;
                    h.village = s.string()?;
                }
                b"attribute" => {
                    mark(&mut seen, 1 << 3)?;
                    h.attribute = s.wire()?;
                }
                b"status" => {
                    mark(&mut seen, 1 << 4)?;
                    h.status = s.wire()?;
                }
                b"identified_on" => {
                    mark(&mut seen, 1 << 5)?;
                    h.identified_on = s.opt_date()?;
                }
                b"exited_on" => {
                    mark(&mut seen, 1 << 6)?;
                    h.exited_on = s.opt_date()?;
                }
                b"returned_on" => {
                    mark(&mut seen, 1 << 7)?;
                    h.returned_on = s.opt_date()?;
                }
                b"causes" => {
                    mark(&mut seen, 1 << 8)?;
                    h.causes = s.list(4, Scan::wire)?;
                }
                b"relocated" => {
                    mark(&mut seen, 1 << 9)?;
                    h.relocated = s.boolean()?;
                }
                b"exit_steps" => {
                    mark(&mut seen, 1 << 10)?;
                    h.exit_steps = s.list(6, Scan::exit_step)?;
                }
                b"income" => {
                    mark(&mut seen, 1 << 11)?;
                    h.income = s.income()?;
                }
                b"last_year_income" => {
                    mark(&mut seen, 1 << 12)?;
                    h.last_year_income = if s.null() { None } else { Some(s.income()?) };
                }
                b"rigid_expenses" => {
                    mark(&mut seen, 1 << 13)?;
                    h.rigid_expenses = s.money()?;
                }
                b"guarantees" => {
                    mark(&mut seen, 1 << 14)?;
                    h.guarantees = s.guarantees()?;
                }
                b"assets" => {
                    mark(&mut seen, 1 << 15)?;
                    h.assets = s.assets()?;
                }
                b"credit" => {
                    mark(&mut seen, 1 << 16)?;
                    h.credit = if s.null() { None } else { Some(s.credit()?) };
                }
                b"members" => {
                    mark(&mut seen, 1 << 17)?;
                    h.members = s.list(8, Scan::member)?;
                }
                _ => return None,
            }
            Some(())
        })?;
        // `id` and `members` are required.
        (seen & 1 != 0 && seen & (1 << 17) != 0).then_some(h)
    }

    fn income(&mut self) -> Option<Income> {
        let mut inc = Income::default();
        let mut seen = 0u32;
        self.object(|s, key| {
            match key {
                b"wage" => {
                    mark(&mut seen, 1)?;
                    inc.wage = s.money()?;
                }
                b"operating" => {
                    mark(&mut seen, 1 << 1)?;
                    inc.operating = s.money()?;
                }
                b"operating_cost" => {
                    mark(&mut seen, 1 << 2)?;
                    inc.operating_cost = s.money()?;
                }
                b"property" => {
                    mark(&mut seen, 1 << 3)?;
                    inc.property = s.money()?;
                }
                b"transfer" => {
                    mark(&mut seen, 1 << 4)?;
                    inc.transfer = s.money()?;
                }
                b"dibao" => {
                    mark(&mut seen, 1 << 5)?;
                    inc.dibao = s.money()?;
                }
                b"one_off_transfer" => {
                    mark(&mut seen, 1 << 6)?;
                    inc.one_off_transfer = s.money()?;
                }
                b"year" => {
                    mark(&mut seen, 1 << 7)?;
                    inc.year = Some(s.year()?);
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(inc)
    }

    fn guarantees(&mut self) -> Option<Guarantees> {
        let mut g = Guarantees::default();
        let mut seen = 0u32;
        self.object(|s, key| {
            match key {
                b"food" => {
                    mark(&mut seen, 1)?;
                    g.food = s.boolean()?;
                }
                b"clothing" => {
                    mark(&mut seen, 1 << 1)?;
                    g.clothing = s.boolean()?;
                }
                b"housing" => {
                    mark(&mut seen, 1 << 2)?;
                    g.housing = s.wire()?;
                }
                b"drinking_water" => {
                    mark(&mut seen, 1 << 3)?;
                    g.drinking_water = s.boolean()?;
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(g)
    }

    fn assets(&mut self) -> Option<Assets> {
        let mut a = Assets::default();
        let mut seen = 0u32;
        self.object(|s, key| {
            match key {
                b"car" => {
                    mark(&mut seen, 1)?;
                    a.car = s.boolean()?;
                }
                b"commercial_housing" => {
                    mark(&mut seen, 1 << 1)?;
                    a.commercial_housing = s.boolean()?;
                }
                b"business" => {
                    mark(&mut seen, 1 << 2)?;
                    a.business = s.boolean()?;
                }
                b"public_employee" => {
                    mark(&mut seen, 1 << 3)?;
                    a.public_employee = s.boolean()?;
                }
                b"deposits" => {
                    mark(&mut seen, 1 << 4)?;
                    a.deposits = s.money()?;
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(a)
    }

    fn credit(&mut self) -> Option<Credit> {
        let mut c = Credit::default();
        let mut seen = 0u32;
        self.object(|s, key| {
            match key {
                b"rating" => {
                    mark(&mut seen, 1)?;
                    c.rating = s.wire()?;
                }
                b"outstanding" => {
                    mark(&mut seen, 1 << 1)?;
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
        self.object(|s, key| {
            match key {
                b"step" if step.is_none() => step = Some(s.wire()?),
                b"on" if on.is_none() => on = Some(s.date()?),
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
        let mut seen = 0u32;
        self.object(|s, key| {
            match key {
                b"id" => {
                    mark(&mut seen, 1)?;
                    m.id = s.string()?;
                }
                b"id_number" => {
                    mark(&mut seen, 1 << 1)?;
                    m.id_number = if s.null() {
                        None
                    } else {
                        Some(IdNumber::new(s.string()?))
                    };
                }
                b"name" => {
                    mark(&mut seen, 1 << 2)?;
                    m.name = PersonName::new(s.string()?);
                }
                b"relation" => {
                    mark(&mut seen, 1 << 3)?;
                    m.relation = s.wire()?;
                }
                b"sex" => {
                    mark(&mut seen, 1 << 4)?;
                    m.sex = s.wire()?;
                }
                b"birth_date" => {
                    mark(&mut seen, 1 << 5)?;
                    m.birth_date = s.date()?;
                }
                b"schooling" => {
                    mark(&mut seen, 1 << 6)?;
                    m.schooling = s.wire()?;
                }
                b"boarding" => {
                    mark(&mut seen, 1 << 7)?;
                    m.boarding = s.boolean()?;
                }
                b"health" => {
                    mark(&mut seen, 1 << 8)?;
                    m.health = s.wire()?;
                }
                b"disability_grade" => {
                    mark(&mut seen, 1 << 9)?;
                    m.disability_grade = s.grade()?;
                }
                b"labor" => {
                    mark(&mut seen, 1 << 10)?;
                    m.labor = s.wire()?;
                }
                b"medical_insurance" => {
                    mark(&mut seen, 1 << 11)?;
                    m.medical_insurance = s.boolean()?;
                }
                b"dibao" => {
                    mark(&mut seen, 1 << 12)?;
                    m.dibao = s.boolean()?;
                }
                b"veteran" => {
                    mark(&mut seen, 1 << 13)?;
                    m.veteran = s.boolean()?;
                }
                b"deceased_on" => {
                    mark(&mut seen, 1 << 14)?;
                    m.deceased_on = s.opt_date()?;
                }
                b"moved_out_on" => {
                    mark(&mut seen, 1 << 15)?;
                    m.moved_out_on = s.opt_date()?;
                }
                _ => return None,
            }
            Some(())
        })?;
        // `id`, `sex` and `birth_date` are required.
        const REQUIRED: u32 = 1 | (1 << 4) | (1 << 5);
        (seen & REQUIRED == REQUIRED).then_some(m)
    }
}
