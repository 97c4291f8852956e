//! Listing every problem of a record line (interfaces.md §6: `from_dict`
//! raises a `ValidationError` "listing every problem"), with the codes,
//! field paths and masked messages of the single-error path (§4), the first
//! being exactly the command line's error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use fupin_core::record::{
    MAX_PROBLEMS, claim_problems, household_problems, member_problems, parse_record,
};
use fupin_core::{ErrorCode, Member, RecordError, parse_claim, parse_household};
use proptest::prelude::*;
use serde_json::Value;

use ErrorCode::*;

type Expected<'a> = (ErrorCode, &'a str, Option<&'a str>, &'a str);

fn summary(problems: &[RecordError]) -> Vec<(ErrorCode, String, Option<String>, String)> {
    problems
        .iter()
        .map(|e| {
            (
                e.code,
                e.field.clone().unwrap_or_default(),
                e.record_id.clone(),
                e.message.clone(),
            )
        })
        .collect()
}

fn owned(expected: &[Expected<'_>]) -> Vec<(ErrorCode, String, Option<String>, String)> {
    expected
        .iter()
        .map(|(code, field, id, message)| {
            (
                *code,
                (*field).to_owned(),
                id.map(str::to_owned),
                (*message).to_owned(),
            )
        })
        .collect()
}

/// The household's problems are `expected`, and the first is
/// `parse_household`'s error.
fn household(line: &str, expected: &[Expected<'_>]) {
    let found = household_problems(line.as_bytes());
    assert_eq!(summary(&found), owned(expected), "{line}");
    assert_eq!(
        Some(&parse_household(line.as_bytes()).unwrap_err()),
        found.first(),
        "{line}"
    );
}

/// The claim's problems are `expected`, and the first is `parse_claim`'s error.
fn claim(line: &str, expected: &[Expected<'_>]) {
    let found = claim_problems(line.as_bytes());
    assert_eq!(summary(&found), owned(expected), "{line}");
    assert_eq!(
        Some(&parse_claim(line.as_bytes()).unwrap_err()),
        found.first(),
        "{line}"
    );
}

const HOUSEHOLD_FIELDS: &str = "`id`, `town`, `village`, `attribute`, `status`, `identified_on`, \
     `exited_on`, `returned_on`, `causes`, `relocated`, `exit_steps`, `income`, \
     `last_year_income`, `rigid_expenses`, `guarantees`, `assets`, `credit`, `members`";

#[test]
fn four_problems_of_a_household_are_listed_in_document_order() {
    let line = r#"{"id":"H1","colour":"red","income":{"wage":"12.345"},"members":[
        {"id":"P1","sex":"male","birth_date":"1980-01-01"},
        {"id":"P2","sex":"female","birth_date":"1981-02-30","health":"sick"}]}"#;
    let unknown = format!("unknown field `colour`, expected one of {HOUSEHOLD_FIELDS}");
    household(
        line,
        &[
            (UnknownField, "colour", Some("H1"), &unknown),
            (
                InvalidMoney,
                "income.wage",
                Some("H1"),
                "income.wage: invalid money \"12.345\": money must be a non-negative amount \
                 of yuan with at most two decimals, like \"1234.50\"",
            ),
            (
                InvalidDate,
                "members[1].birth_date",
                Some("H1"),
                "members[1].birth_date: invalid date \"1981-02-30\": expected a real date \
                 written YYYY-MM-DD",
            ),
            (
                InvalidEnum,
                "members[1].health",
                Some("H1"),
                "members[1].health: invalid health \"sick\": expected one of healthy, chronic, \
                 serious_illness, disabled",
            ),
        ],
    );
}

#[test]
fn duplicate_keys_missing_fields_and_bad_members_are_each_a_problem() {
    let line = r#"{"id":"H7","town":"a","town":"b","town":"c","members":[
        {"id":"P1","sex":"male","birth_date":"1980-01-01","disability_grade":7},
        "P2",
        {"id":"P3","sex":"female"},
        {"sex":"x","id":"P4","birth_date":"1990-01-01"}],"status":"gone"}"#;
    household(
        line,
        &[
            // The second and the third `town` are each refused.
            (DuplicateField, "town", Some("H7"), "duplicate field `town`"),
            (DuplicateField, "town", Some("H7"), "duplicate field `town`"),
            (
                OutOfRange,
                "members[0].disability_grade",
                Some("H7"),
                "members[0].disability_grade: disability grade 7 is outside 1–4",
            ),
            (
                WrongType,
                "members[1]",
                Some("H7"),
                "members[1]: expected an object, found a string",
            ),
            (
                MissingField,
                "members[2].birth_date",
                Some("H7"),
                "members[2]: missing field `birth_date`",
            ),
            (
                InvalidEnum,
                "members[3].sex",
                Some("H7"),
                "members[3].sex: invalid sex \"x\": expected one of male, female",
            ),
            (
                InvalidEnum,
                "status",
                Some("H7"),
                "status: invalid status \"gone\": expected one of poor, exited, returned, \
                 unregistered",
            ),
        ],
    );
}

#[test]
fn record_checks_follow_the_field_problems_when_their_fields_were_read() {
    // exit_steps[1].on is bad, but every step was read: the repeated steps
    // and the empty member list are problems too.
    household(
        r#"{"id":"H3","exit_steps":[{"step":"proposed","on":"2020-01-01"},
            {"step":"proposed","on":"2020-13-01"},{"step":"verified","on":"2020-02-01"},
            {"step":"verified","on":"2020-02-02"}],"members":[]}"#,
        &[
            (
                InvalidDate,
                "exit_steps[1].on",
                Some("H3"),
                "exit_steps[1].on: invalid date \"2020-13-01\": expected a real date written \
                 YYYY-MM-DD",
            ),
            (
                DuplicateExitStep,
                "exit_steps[1].step",
                Some("H3"),
                "exit step proposed is given twice",
            ),
            (
                DuplicateExitStep,
                "exit_steps[3].step",
                Some("H3"),
                "exit step verified is given twice",
            ),
            (
                EmptyMembers,
                "members",
                Some("H3"),
                "members must list at least one person",
            ),
        ],
    );
    // An unreadable step: whether steps repeat cannot be told, so the
    // repeat of `proposed` is not reported; the empty list still is.
    household(
        r#"{"id":"H4","exit_steps":[{"step":"proposed","on":"2020-01-01"},
            {"step":"bogus","on":"2020-01-02"},{"step":"proposed","on":"2020-01-03"}],
            "members":[]}"#,
        &[
            (
                InvalidEnum,
                "exit_steps[1].step",
                Some("H4"),
                "exit_steps[1].step: invalid exit step \"bogus\": expected one of proposed, \
                 verified, agreed, publicized, announced, deregistered",
            ),
            (
                EmptyMembers,
                "members",
                Some("H4"),
                "members must list at least one person",
            ),
        ],
    );
    // Only a record check: the list is validate's, starting with its error.
    household(
        r#"{"id":"H6","members":[]}"#,
        &[(
            EmptyMembers,
            "members",
            Some("H6"),
            "members must list at least one person",
        )],
    );
}

#[test]
fn every_message_masks_identity_numbers_and_names() {
    // The identity number is itself refused (a list), and the later
    // problems, found in a repaired copy without it, still mask it.
    let line = r#"{"id":"H5","members":[{"id":"P1","id_number":["64012219800101123X"],
        "name":"张三丰","sex":"64012219800101123X","relation":"张三丰","birth_date":"1980-01-01"}]}"#;
    household(
        line,
        &[
            (
                WrongType,
                "members[0].id_number",
                Some("H5"),
                "members[0].id_number: expected a string, found a list",
            ),
            (
                InvalidEnum,
                "members[0].sex",
                Some("H5"),
                "members[0].sex: invalid sex \"640122********123X\": expected one of male, female",
            ),
            (
                InvalidEnum,
                "members[0].relation",
                Some("H5"),
                "members[0].relation: invalid relation \"张**\": expected one of head, spouse, \
                 child, parent, grandchild, grandparent, sibling, other",
            ),
        ],
    );
}

#[test]
fn the_record_id_is_the_lines_even_when_the_id_is_a_problem() {
    // `id` is a number: no record id, on the field problem and on the
    // record check found after `id` was repaired.
    household(
        r#"{"id":5,"members":[]}"#,
        &[
            (
                WrongType,
                "id",
                None,
                "id: expected a string, found a number",
            ),
            (
                EmptyMembers,
                "members",
                None,
                "members must list at least one person",
            ),
        ],
    );
    // The last of repeated ids is the record id (interfaces.md §4).
    household(
        r#"{"id":"A","id":"B","members":[]}"#,
        &[
            (DuplicateField, "id", Some("B"), "duplicate field `id`"),
            (
                EmptyMembers,
                "members",
                Some("B"),
                "members must list at least one person",
            ),
        ],
    );
}

#[test]
fn a_line_that_is_not_a_json_object_has_one_problem() {
    for line in [
        &b"{\"id\":\"H1\","[..],
        b"[1,2]",
        b"{\"id\":\"H1\"} x",
        b"{\"id\":\"H\xff\"}",
        b"",
    ] {
        let found = household_problems(line);
        assert_eq!(found, vec![parse_household(line).unwrap_err()]);
        assert!(matches!(found[0].code, InvalidJson | InvalidUtf8));
    }
}

#[test]
fn a_good_line_has_no_problems() {
    let good = r#"{"id":"H1","income":{"wage":"18000","year":2020},"credit":{"rating":"good"},
        "exit_steps":[{"step":"proposed","on":"2020-01-01"}],
        "members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1970-06-15",
        "id_number":"64012219800101123X","name":"张三"}]}"#;
    assert!(parse_household(good.as_bytes()).is_ok());
    assert_eq!(household_problems(good.as_bytes()), vec![]);
    let good = r#"{"id":"C1","person_id":"P1","admitted_on":"2020-05-01",
        "hospital_level":"county","total_cost":"100","in_policy_cost":100}"#;
    assert!(parse_claim(good.as_bytes()).is_ok());
    assert_eq!(claim_problems(good.as_bytes()), vec![]);
}

const CLAIM_FIELDS: &str = "`id`, `person_id`, `admitted_on`, `hospital_level`, `total_cost`, \
     `in_policy_cost`, `registered_poor`, `backstop_eligible`, `major_illness`";

#[test]
fn claim_problems_include_both_cost_checks() {
    claim(
        r#"{"id":"C1","person_id":7,"admitted_on":"2020-05-01","hospital_level":"clinic",
            "total_cost":"0","in_policy_cost":"10"}"#,
        &[
            (
                WrongType,
                "person_id",
                Some("C1"),
                "person_id: expected a string, found a number",
            ),
            (
                InvalidEnum,
                "hospital_level",
                Some("C1"),
                "hospital_level: invalid hospital_level \"clinic\": expected one of township, \
                 county, city, provincial, out_of_region",
            ),
            (
                ZeroTotalCost,
                "total_cost",
                Some("C1"),
                "total_cost must be above zero",
            ),
            (
                InPolicyCostExceedsTotal,
                "in_policy_cost",
                Some("C1"),
                "in_policy_cost 10.00 exceeds total_cost 0.00",
            ),
        ],
    );
}

#[test]
fn claim_problems_list_every_missing_field_and_skip_checks_on_bad_costs() {
    let unknown = format!("unknown field `extra`, expected one of {CLAIM_FIELDS}");
    claim(
        r#"{"id":"C2","total_cost":"abc","in_policy_cost":"10","extra":1}"#,
        &[
            (
                InvalidMoney,
                "total_cost",
                Some("C2"),
                "total_cost: invalid money \"abc\": money must be a non-negative amount of yuan \
                 with at most two decimals, like \"1234.50\"",
            ),
            (UnknownField, "extra", Some("C2"), &unknown),
            (
                MissingField,
                "person_id",
                Some("C2"),
                "missing field `person_id`",
            ),
            (
                MissingField,
                "admitted_on",
                Some("C2"),
                "missing field `admitted_on`",
            ),
            (
                MissingField,
                "hospital_level",
                Some("C2"),
                "missing field `hospital_level`",
            ),
        ],
    );
}

#[test]
fn member_problems_are_listed_too() {
    let line = r#"{"id":"P1","sex":"man","birth_date":"1980-01-01","disability_grade":0,"boarding":"yes"}"#;
    let found = member_problems(line.as_bytes());
    assert_eq!(
        found
            .iter()
            .map(|e| (e.code, e.field.as_deref().unwrap()))
            .collect::<Vec<_>>(),
        [
            (InvalidEnum, "sex"),
            (OutOfRange, "disability_grade"),
            (WrongType, "boarding"),
        ]
    );
    assert_eq!(
        Some(&parse_record::<Member>(line.as_bytes()).unwrap_err()),
        found.first()
    );
}

#[test]
fn the_list_stops_at_max_problems() {
    let keys: Vec<String> = (0..MAX_PROBLEMS + 5)
        .map(|i| format!("\"x{i}\":1"))
        .collect();
    let line = format!(r#"{{"id":"H1",{},"members":[]}}"#, keys.join(","));
    let found = household_problems(line.as_bytes());
    assert_eq!(found.len(), MAX_PROBLEMS);
    assert_eq!(found[MAX_PROBLEMS - 1].field.as_deref(), Some("x999"));
}

/// A household using every field, each with a good value.
const RICH_HOUSEHOLD: &str = r#"{"id":"H9","town":"T","village":"V","attribute":"dibao",
"status":"exited","identified_on":"2015-01-01","exited_on":"2019-12-01","returned_on":null,
"causes":["illness","other"],"relocated":true,"exit_steps":[{"step":"proposed","on":"2019-10-01"},
{"step":"verified","on":"2019-10-05"}],"income":{"wage":"1000","operating":200.5,
"operating_cost":"0","property":"0","transfer":"0","dibao":"0","one_off_transfer":"0","year":2020},
"last_year_income":{"wage":"900","year":2019},"rigid_expenses":"10","guarantees":{"food":true,
"clothing":true,"housing":"safe","drinking_water":true},"assets":{"car":false,
"commercial_housing":false,"business":false,"public_employee":false,"deposits":"0"},
"credit":{"rating":"good","outstanding":"0"},"members":[{"id":"P1","id_number":"64012219800101123X",
"name":"张三","relation":"head","sex":"male","birth_date":"1980-01-01","schooling":"none",
"boarding":false,"health":"chronic","disability_grade":2,"labor":"weak","medical_insurance":true,
"dibao":false,"veteran":false,"deceased_on":null,"moved_out_on":null},
{"id":"P2","sex":"female","birth_date":"2010-05-05"}]}"#;

const RICH_CLAIM: &str = r#"{"id":"C9","person_id":"P1","admitted_on":"2020-05-01",
"hospital_level":"city","total_cost":"3000.50","in_policy_cost":2000,"registered_poor":true,
"backstop_eligible":false,"major_illness":true}"#;

/// Values good in some places and bad in others.
const POOL: &str = r#"["x","","2020-02-30","2020-01-01","1.234","12",5,-1,1.5,2e3,null,true,
[],{},["x"],{"a":1},"male","head","proposed","illness",2020,0,"64012219800101123X","张三丰",
{"step":"proposed","on":"2020-01-01"},{"id":"P7","sex":"male","birth_date":"2000-01-01"}]"#;

/// Key-value text to insert right after an object's `{`: repeated or
/// unknown keys, good or bad values.
const SNIPPETS: [&str; 8] = [
    r#""id":"X","#,
    r#""sex":"male","#,
    r#""town":"a","#,
    r#""wage":"1.234","#,
    r#""step":"proposed","#,
    r#""on":"bad","#,
    r#""name":"张三丰","#,
    r#""total_cost":"0","#,
];

/// Applies one change at the place `path` picks (each number chooses a
/// child, modulo the number of children): `op` 0 removes it, 1 adds an
/// unknown key beside it, otherwise it becomes `value`.
fn mutate(v: &mut Value, path: &[usize], op: usize, value: &Value) {
    let Some((&first, rest)) = path.split_first() else {
        *v = value.clone();
        return;
    };
    match v {
        Value::Object(map) if !map.is_empty() => {
            let i = first % map.len();
            let key = map.keys().nth(i).unwrap().clone();
            if rest.is_empty() {
                match op % 3 {
                    0 => {
                        map.remove(&key);
                    }
                    1 => {
                        map.insert(format!("zz{i}"), value.clone());
                    }
                    _ => *map.get_mut(&key).unwrap() = value.clone(),
                }
            } else {
                mutate(map.get_mut(&key).unwrap(), rest, op, value);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = first % items.len();
            if rest.is_empty() && op.is_multiple_of(3) {
                items.remove(i);
            } else {
                mutate(&mut items[i], rest, op, value);
            }
        }
        _ => *v = value.clone(),
    }
}

/// `base` with the mutations applied, and `snippet` inserted after the
/// `at`-th `{` (if any).
fn mutated(
    base: &str,
    changes: &[(Vec<usize>, usize, usize)],
    insert: Option<(usize, usize)>,
) -> String {
    let pool: Vec<Value> = serde_json::from_str(POOL).unwrap();
    let mut v: Value = serde_json::from_str(base).unwrap();
    for (path, op, value) in changes {
        mutate(&mut v, path, *op, &pool[value % pool.len()]);
    }
    let mut text = serde_json::to_string(&v).unwrap();
    if let Some((at, snippet)) = insert {
        let braces: Vec<usize> = text.match_indices('{').map(|(i, _)| i).collect();
        if !braces.is_empty() {
            let pos = braces[at % braces.len()] + 1;
            let next = text[pos..].chars().next();
            let snippet = SNIPPETS[snippet % SNIPPETS.len()];
            // Before `}` the snippet's trailing comma must go.
            let snippet = if next == Some('}') {
                snippet.trim_end_matches(',')
            } else {
                snippet
            };
            text.insert_str(pos, snippet);
        }
    }
    text
}

fn changes() -> impl Strategy<Value = Vec<(Vec<usize>, usize, usize)>> {
    proptest::collection::vec(
        (
            proptest::collection::vec(any::<usize>(), 1..5),
            0usize..3,
            any::<usize>(),
        ),
        0..5,
    )
}

/// The values under `id_number` and `name` keys anywhere in `v` that their
/// mask hides. interfaces.md §4 masks an identity number to its first 6 and
/// last 4 characters, so a value of exactly 10 characters is shown whole
/// (`2020-01-01` typed as an identity number): the spec's rule, left out
/// here. A value of one character shows that character.
fn personal(v: &Value, under: Option<&str>, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, item) in map {
                let key = under.or(["id_number", "name"].into_iter().find(|p| k == p));
                personal(item, key, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| personal(i, under, out)),
        Value::String(s) => {
            let n = s.chars().count();
            match under {
                Some("id_number") if n > 1 && n != 10 => out.push(s.clone()),
                Some("name") if n > 1 => out.push(s.clone()),
                _ => {}
            }
        }
        _ => {}
    }
}

/// The properties every list has: empty iff the line parses, else first is
/// the parse error; one record id throughout; no identity number or name
/// of the line unmasked in any message.
fn check_list(line: &str, parsed: Result<(), RecordError>, found: &[RecordError]) {
    match parsed {
        Ok(()) => assert!(found.is_empty(), "{line}\n{found:?}"),
        Err(e) => {
            assert_eq!(found.first(), Some(&e), "{line}\n{found:?}");
            let mut raw = Vec::new();
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                personal(&v, None, &mut raw);
            }
            for p in found {
                assert_eq!(p.record_id, e.record_id, "{line}\n{found:?}");
                for r in &raw {
                    assert!(!p.message.contains(r.as_str()), "{r} in {}", p.message);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_first_household_problem_is_parse_households_error(
        changes in changes(),
        insert in proptest::option::of((any::<usize>(), any::<usize>())),
    ) {
        let line = mutated(RICH_HOUSEHOLD, &changes, insert);
        let found = household_problems(line.as_bytes());
        check_list(&line, parse_household(line.as_bytes()).map(|_| ()), &found);
    }

    #[test]
    fn the_first_claim_problem_is_parse_claims_error(
        changes in changes(),
        insert in proptest::option::of((any::<usize>(), any::<usize>())),
    ) {
        let line = mutated(RICH_CLAIM, &changes, insert);
        let found = claim_problems(line.as_bytes());
        check_list(&line, parse_claim(line.as_bytes()).map(|_| ()), &found);
    }

    #[test]
    fn any_bytes_give_the_parse_error_first(line in proptest::collection::vec(any::<u8>(), 0..80)) {
        let found = household_problems(&line);
        check_list("(bytes)", parse_household(&line).map(|_| ()), &found);
    }
}
