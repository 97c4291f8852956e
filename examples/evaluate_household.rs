//! Evaluate one household and print its decision with the explanation:
//!
//! ```text
//! cargo run --example evaluate_household
//! ```
#![allow(clippy::unwrap_used)]

use fupin_core::record::parse::parse_household;
use fupin_core::{Evaluator, Policy};

fn main() {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let as_of = fupin_core::date::parse_date("2020-12-31").unwrap();
    // A family of four with 15 999.96 yuan net income: 3 999.99 a person,
    // one fen under the 2020 exit line of 4 000.
    let household = parse_household(
        br#"{"id":"H1","income":{"wage":"15999.96"},"members":[
          {"id":"P1","relation":"head","sex":"male","birth_date":"1970-06-15"},
          {"id":"P2","relation":"spouse","sex":"female","birth_date":"1972-03-01"},
          {"id":"P3","relation":"child","sex":"male","birth_date":"2012-09-01","schooling":"primary"},
          {"id":"P4","relation":"parent","sex":"female","birth_date":"1944-05-20"}]}"#,
    )
    .unwrap();
    let decision = Evaluator::new(&policy, as_of)
        .evaluate(&household, true)
        .unwrap();
    println!("exit failed: {:?}", decision.exit.failed);
    println!("dibao a month: {}", decision.dibao.monthly_benefit);
    if let Some(e) = &decision.explanation {
        println!("{}\n{}", e.zh, e.en);
    }
}
