//! The bench's claims, shared with `examples/settle_callgrind.rs` so the
//! instruction counts and the criterion figure measure the same work.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::NaiveDate;
use fupin_core::enums::{HospitalLevel, WireEnum};
use fupin_core::{Claim, Money};
use rust_decimal::Decimal;

pub const CLAIMS: usize = 1_000_000;

/// A deterministic spread of claims: 200 000 people over 2018–2020, every
/// hospital level, amounts from a few hundred yuan to a few hundred
/// thousand, mostly registered poor, some major illness.
pub fn claims() -> Vec<Claim> {
    claims_n(CLAIMS)
}

/// The first `n` claims of that sequence, sorted by admission date as
/// claims are settled in practice (the parameter cache sees runs of a date).
pub fn claims_n(n: usize) -> Vec<Claim> {
    let levels = HospitalLevel::ALL;
    let mut x: u64 = 0x2020_0425;
    let mut next = move || {
        // xorshift64: a fixed, portable sequence.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut claims: Vec<Claim> = (0..n)
        .map(|i| {
            let r = next();
            let year = 2018 + (r % 3) as i32;
            let day = ((r >> 8) % 365) as u32 + 1;
            let cents = match (r >> 20) % 10 {
                0 => 10_000 + (r >> 24) % 30_000_000,
                _ => 10_000 + (r >> 24) % 3_000_000,
            };
            let total = Decimal::new(cents as i64, 2);
            let in_policy = Decimal::new((cents * (70 + (r >> 40) % 31) / 100) as i64, 2);
            Claim {
                id: format!("C{i}"),
                person_id: format!("P{}", (r >> 48) % 200_000),
                admitted_on: NaiveDate::from_yo_opt(year, day).unwrap(),
                hospital_level: levels[((r >> 4) % levels.len() as u64) as usize],
                total_cost: Money::from_decimal_rounded(total),
                in_policy_cost: Money::from_decimal_rounded(in_policy),
                registered_poor: (r >> 56) % 10 < 8,
                backstop_eligible: (r >> 58) % 10 < 9,
                major_illness: (r >> 60) % 10 < 2,
            }
        })
        .collect();
    claims.sort_by_key(|c| c.admitted_on);
    claims
}
