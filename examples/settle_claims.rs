//! Settle a patient's hospital stays of one year through the ledger and
//! print how each bill was split:
//!
//! ```text
//! cargo run --example settle_claims
//! ```
#![allow(clippy::unwrap_used)]

use fupin_core::record::parse::parse_claim;
use fupin_core::{Ledger, Policy};

fn main() {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let mut ledger = Ledger::new();
    for line in [
        // domain.md §5's worked example: 21 400 + 1 560 + 832 + 2 245.60 paid, 3 962.40 self-pay.
        r#"{"id":"C1","person_id":"P1","admitted_on":"2020-03-02","hospital_level":"county","total_cost":"30000","in_policy_cost":"27000"}"#,
        r#"{"id":"C2","person_id":"P1","admitted_on":"2020-07-15","hospital_level":"provincial","total_cost":"300000","major_illness":true}"#,
    ] {
        let claim = parse_claim(line.as_bytes()).unwrap();
        let s = ledger.settle(&policy, &claim, false).unwrap();
        println!(
            "{}: basic {} critical {} supplementary {} assistance {} backstop {} self-pay {}",
            s.claim_id,
            s.basic_insurance,
            s.critical_illness_insurance,
            s.supplementary_insurance,
            s.medical_assistance,
            s.backstop,
            s.self_pay
        );
    }
}
