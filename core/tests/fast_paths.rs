//! The hand-written household reader and decision writer against the serde
//! path they replace: the reader must give exactly serde's household or step
//! aside (`None`), and the writer exactly `serde_json`'s bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use fupin_core::date::parse_date;
use fupin_core::record::{fast, parse_record};
use fupin_core::{Evaluator, Household, Policy, RecordError, parse_household};
use proptest::prelude::*;
use proptest::sample::select;

/// The serde path alone: what `parse_household` gave before the fast reader.
fn serde_household(line: &[u8]) -> Result<Household, RecordError> {
    let h: Household = parse_record(line)?;
    h.validate()?;
    Ok(h)
}

/// Asserts the reader's contract on one line: `None`, or exactly serde's
/// household (value, money scales and raw personal data alike).
fn check_line(line: &[u8]) -> Result<bool, TestCaseError> {
    let combined = parse_household(line);
    prop_assert_eq!(
        &combined,
        &serde_household(line),
        "{}",
        String::from_utf8_lossy(line)
    );
    match fast::parse_household(line) {
        None => Ok(false),
        Some(h) => {
            let s = parse_record::<Household>(line);
            prop_assert!(
                s.is_ok(),
                "fast accepted a line serde refuses: {}\n{:?}",
                String::from_utf8_lossy(line),
                s
            );
            let s = s.unwrap();
            prop_assert_eq!(&h, &s, "{}", String::from_utf8_lossy(line));
            prop_assert_eq!(
                serde_json::to_string(&h).unwrap(),
                serde_json::to_string(&s).unwrap()
            );
            Ok(true)
        }
    }
}

/// A JSON value's text plus where whitespace may go: tokens joined later.
#[derive(Debug, Clone)]
enum J {
    /// A scalar's text, written as is.
    Raw(String),
    Obj(Vec<(String, J)>),
    Arr(Vec<J>),
}

fn raw(s: impl Into<String>) -> J {
    J::Raw(s.into())
}

/// Writes `j`, putting whitespace from `ws` (cycled) between tokens.
fn render(j: &J, ws: &[&str], k: &mut usize, out: &mut String) {
    fn gap(ws: &[&str], k: &mut usize, out: &mut String) {
        if !ws.is_empty() {
            out.push_str(ws[*k % ws.len()]);
            *k += 1;
        }
    }
    match j {
        J::Raw(s) => out.push_str(s),
        J::Obj(fields) => {
            out.push('{');
            for (i, (key, v)) in fields.iter().enumerate() {
                gap(ws, k, out);
                if i > 0 {
                    out.push(',');
                    gap(ws, k, out);
                }
                out.push_str(&serde_json::to_string(key).unwrap());
                gap(ws, k, out);
                out.push(':');
                gap(ws, k, out);
                render(v, ws, k, out);
            }
            gap(ws, k, out);
            out.push('}');
        }
        J::Arr(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                gap(ws, k, out);
                if i > 0 {
                    out.push(',');
                    gap(ws, k, out);
                }
                render(v, ws, k, out);
            }
            gap(ws, k, out);
            out.push(']');
        }
    }
}

fn quoted(s: &str) -> J {
    raw(format!("\"{s}\""))
}

/// Plain strings the fast reader takes (no escapes, no control characters).
fn text() -> BoxedStrategy<String> {
    "[A-Za-z0-9 _/.:-]{0,12}|[张三丰洪广镇欣荣村·]{0,5}|[\u{80}-\u{10FFFF}]{0,3}".boxed()
}

fn date() -> BoxedStrategy<String> {
    (1900u32..2030, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real date", |(y, m, d)| {
            let s = format!("{y:04}-{m:02}-{d:02}");
            parse_date(&s).map(|_| s)
        })
        .boxed()
}

/// Money in every accepted form: a string with optional leading zeros, or a
/// number; whole, one or two decimals.
fn money() -> BoxedStrategy<J> {
    (
        prop_oneof![0u64..100, 0u64..100_000, 0u64..10_000_000_000_000],
        0u64..100,
        0u8..3,
        any::<bool>(),
        0usize..3,
    )
        .prop_map(|(yuan, fen, decimals, as_string, zeros)| {
            let mut s = yuan.to_string();
            match decimals {
                1 => s.push_str(&format!(".{}", fen / 10)),
                2 => s.push_str(&format!(".{fen:02}")),
                _ => {}
            }
            if as_string {
                J::Raw(format!("\"{}{s}\"", "0".repeat(zeros)))
            } else {
                J::Raw(s)
            }
        })
        .boxed()
}

fn opt_date() -> impl Strategy<Value = Option<J>> {
    prop_oneof![
        Just(None),
        Just(Some(raw("null"))),
        date().prop_map(|d| Some(quoted(&d)))
    ]
}

fn boolean() -> impl Strategy<Value = J> {
    any::<bool>().prop_map(|b| raw(b.to_string()))
}

fn wire(values: &'static [&'static str]) -> impl Strategy<Value = J> {
    select(values).prop_map(quoted)
}

/// An object from optional fields, in a shuffled order.
fn object(fields: Vec<(&'static str, Option<J>)>) -> impl Strategy<Value = J> {
    let present: Vec<(String, J)> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    Just(present).prop_shuffle().prop_map(J::Obj)
}

fn maybe<S: Strategy<Value = J>>(s: S) -> impl Strategy<Value = Option<J>> {
    prop::option::of(s)
}

fn income() -> BoxedStrategy<J> {
    (
        (
            maybe(money()),
            maybe(money()),
            maybe(money()),
            maybe(money()),
        ),
        (maybe(money()), maybe(money()), maybe(money())),
        maybe(prop_oneof![
            Just(raw("2020")),
            Just(raw("2019")),
            Just(raw("-0")),
            (i64::from(i32::MIN)..=i64::from(i32::MAX)).prop_map(|y| raw(y.to_string())),
        ]),
    )
        .prop_flat_map(|((w, o, oc, p), (t, d, one), y)| {
            object(vec![
                ("wage", w),
                ("operating", o),
                ("operating_cost", oc),
                ("property", p),
                ("transfer", t),
                ("dibao", d),
                ("one_off_transfer", one),
                ("year", y),
            ])
        })
        .boxed()
}

fn member() -> BoxedStrategy<J> {
    (
        (
            "P[0-9]{1,8}",
            prop_oneof![
                Just(None),
                Just(Some(raw("null"))),
                "[0-9]{17}[0-9X]|[0-9]{0,20}".prop_map(|s| Some(quoted(&s)))
            ],
            maybe(text().prop_map(|s| quoted(&s))),
            maybe(wire(&[
                "head",
                "spouse",
                "child",
                "parent",
                "grandchild",
                "grandparent",
                "sibling",
                "other",
            ])),
            wire(&["male", "female"]),
            date(),
        ),
        (
            maybe(wire(&[
                "none",
                "preschool",
                "primary",
                "junior",
                "senior",
                "vocational",
                "college",
                "dropout",
                "exempt",
            ])),
            maybe(boolean()),
            maybe(wire(&["healthy", "chronic", "serious_illness", "disabled"])),
            maybe(select(&["null", "1", "2", "3", "4"][..]).prop_map(raw)),
            maybe(wire(&["normal", "skilled", "weak", "none"])),
        ),
        (
            maybe(boolean()),
            maybe(boolean()),
            maybe(boolean()),
            opt_date(),
            opt_date(),
        ),
    )
        .prop_flat_map(
            |(
                (id, id_number, name, relation, sex, birth),
                (schooling, boarding, health, grade, labor),
                (insurance, dibao, veteran, deceased, moved),
            )| {
                object(vec![
                    ("id", Some(quoted(&id))),
                    ("id_number", id_number),
                    ("name", name),
                    ("relation", relation),
                    ("sex", Some(sex)),
                    ("birth_date", Some(quoted(&birth))),
                    ("schooling", schooling),
                    ("boarding", boarding),
                    ("health", health),
                    ("disability_grade", grade),
                    ("labor", labor),
                    ("medical_insurance", insurance),
                    ("dibao", dibao),
                    ("veteran", veteran),
                    ("deceased_on", deceased),
                    ("moved_out_on", moved),
                ])
            },
        )
        .boxed()
}

fn exit_step() -> BoxedStrategy<J> {
    (
        wire(&[
            "proposed",
            "verified",
            "agreed",
            "publicized",
            "announced",
            "deregistered",
        ]),
        date(),
    )
        .prop_flat_map(|(step, on)| object(vec![("step", Some(step)), ("on", Some(quoted(&on)))]))
        .boxed()
}

/// A household line the fast reader should take, as a value to render.
fn household() -> BoxedStrategy<J> {
    let nullable =
        |s: BoxedStrategy<J>| prop_oneof![Just(None), Just(Some(raw("null"))), s.prop_map(Some)];
    (
        (
            "H[0-9A-Z]{0,10}|[户号0-9]{1,6}",
            maybe(text().prop_map(|s| quoted(&s))),
            maybe(text().prop_map(|s| quoted(&s))),
            maybe(wire(&["general", "dibao", "tekun"])),
            maybe(wire(&["poor", "exited", "returned", "unregistered"])),
            opt_date(),
            opt_date(),
            opt_date(),
        ),
        (
            maybe(
                prop::collection::vec(
                    select(
                        &[
                            "illness",
                            "disability",
                            "schooling",
                            "lack_of_labor",
                            "other",
                        ][..],
                    )
                    .prop_map(quoted),
                    0..4,
                )
                .prop_map(J::Arr),
            ),
            maybe(boolean()),
            maybe(prop::collection::vec(exit_step(), 0..4).prop_map(J::Arr)),
            maybe(income()),
            nullable(income().boxed()),
            maybe(money()),
        ),
        (
            maybe(
                (
                    maybe(boolean()),
                    maybe(boolean()),
                    maybe(wire(&["safe", "unsafe", "relocated"])),
                    maybe(boolean()),
                )
                    .prop_flat_map(|(f, c, h, w)| {
                        object(vec![
                            ("food", f),
                            ("clothing", c),
                            ("housing", h),
                            ("drinking_water", w),
                        ])
                    }),
            ),
            maybe(
                (
                    maybe(boolean()),
                    maybe(boolean()),
                    maybe(boolean()),
                    maybe(boolean()),
                    maybe(money()),
                )
                    .prop_flat_map(|(car, ch, b, p, d)| {
                        object(vec![
                            ("car", car),
                            ("commercial_housing", ch),
                            ("business", b),
                            ("public_employee", p),
                            ("deposits", d),
                        ])
                    }),
            ),
            nullable(
                (
                    maybe(wire(&["excellent", "good", "fair", "none"])),
                    maybe(money()),
                )
                    .prop_flat_map(|(r, o)| object(vec![("rating", r), ("outstanding", o)]))
                    .boxed(),
            ),
            prop::collection::vec(member(), 0..7),
        ),
    )
        .prop_flat_map(
            |(
                (id, town, village, attribute, status, identified, exited, returned),
                (causes, relocated, steps, income, last, rigid),
                (guarantees, assets, credit, members),
            )| {
                object(vec![
                    ("id", Some(quoted(&id))),
                    ("town", town),
                    ("village", village),
                    ("attribute", attribute),
                    ("status", status),
                    ("identified_on", identified),
                    ("exited_on", exited),
                    ("returned_on", returned),
                    ("causes", causes),
                    ("relocated", relocated),
                    ("exit_steps", steps),
                    ("income", income),
                    ("last_year_income", last),
                    ("rigid_expenses", rigid),
                    ("guarantees", guarantees),
                    ("assets", assets),
                    ("credit", credit),
                    ("members", Some(J::Arr(members))),
                ])
            },
        )
        .boxed()
}

/// Whitespace patterns: none (the usual compact line), or a cycle of JSON
/// whitespace between tokens.
fn whitespace() -> impl Strategy<Value = Vec<&'static str>> {
    prop_oneof![
        3 => Just(vec![]),
        1 => prop::collection::vec(select(&["", " ", "\t", "\r\n", "  ", "\n"][..]), 1..6),
    ]
}

/// A household, its whitespace cycle, and leading and trailing whitespace.
type Parts = (J, Vec<&'static str>, &'static str, &'static str);

fn parts() -> BoxedStrategy<Parts> {
    (
        household(),
        whitespace(),
        select(&["", " ", "\r", "\t "][..]),
        select(&["", " ", "\r"][..]),
    )
        .boxed()
}

fn rendered((h, ws, lead, trail): &Parts) -> String {
    let mut out = String::from(*lead);
    render(h, ws, &mut 0, &mut out);
    out.push_str(trail);
    out
}

/// A rendered household line with optional leading and trailing whitespace.
fn line() -> BoxedStrategy<String> {
    parts().prop_map(|p| rendered(&p)).boxed()
}

/// Values that break some field's grammar, or are fine for another field:
/// nulls, escapes, numbers outside the money and integer grammars, bad
/// dates and enums, wrong types.
const ODD_VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "00",
    "01",
    "-0",
    "-1",
    "5",
    "1.0",
    "1.",
    ".5",
    "1e3",
    "1E3",
    "2e0",
    "1.005",
    "1.00",
    "10000000000000",
    "9999999999999.99",
    "2020",
    "2020.0",
    "3000000000",
    "-2147483648",
    "-2147483649",
    "18446744073709551616",
    "\"\"",
    "\"0\"",
    "\"01\"",
    "\"1.5\"",
    "\"1.\"",
    "\"-1\"",
    "\" 1\"",
    "\"1e3\"",
    "\"10000000000000\"",
    "\"9999999999999.99\"",
    "\"a\\\"b\"",
    "\"\\u0041\"",
    "\"\\n\"",
    "\"male\"",
    "\"Male\"",
    "\"head\"",
    "\"none\"",
    "\"safe\"",
    "\"good\"",
    "\"proposed\"",
    "\"illness\"",
    "\"2020-02-29\"",
    "\"2019-02-29\"",
    "\"2020-1-01\"",
    "\"2020-13-01\"",
    "\"0000-01-01\"",
    "[]",
    "[\"illness\"]",
    "[1]",
    "{}",
    "{\"a\":1}",
    "\"\u{1}\"",
    "\"\u{1f}\"",
    "\"\u{7f}\"",
    "\"张\"",
];

/// A structural edit of a record: the `obj`-th object (in document order),
/// its `field`-th key (modulo sizes).
#[derive(Debug, Clone)]
enum Edit {
    Duplicate(usize, usize),
    Remove(usize, usize),
    Unknown(usize, &'static str),
    Value(usize, usize, &'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        1 => (any::<usize>(), any::<usize>()).prop_map(|(o, f)| Edit::Duplicate(o, f)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(o, f)| Edit::Remove(o, f)),
        1 => (any::<usize>(), select(&["bogus", "ID", "id ", "members", "year", "wage", "step"][..]))
            .prop_map(|(o, k)| Edit::Unknown(o, k)),
        4 => (any::<usize>(), any::<usize>(), select(ODD_VALUES))
            .prop_map(|(o, f, v)| Edit::Value(o, f, v)),
    ]
}

/// The number of objects in `j`.
fn count_objects(j: &J) -> usize {
    match j {
        J::Raw(_) => 0,
        J::Arr(items) => items.iter().map(count_objects).sum(),
        J::Obj(fields) => 1 + fields.iter().map(|(_, v)| count_objects(v)).sum::<usize>(),
    }
}

/// Calls `f` on the `target`-th object of `j` in document order (0: `j`).
/// An object's fields.
type Fields = Vec<(String, J)>;

fn with_object(j: &mut J, target: &mut usize, f: &mut dyn FnMut(&mut Fields)) {
    match j {
        J::Raw(_) => {}
        J::Arr(items) => items.iter_mut().for_each(|i| with_object(i, target, f)),
        J::Obj(fields) => {
            if *target == 0 {
                f(fields);
                *target = usize::MAX;
                return;
            }
            *target = target.saturating_sub(1);
            for (_, v) in fields.iter_mut() {
                with_object(v, target, f);
            }
        }
    }
}

fn apply(j: &mut J, e: &Edit) {
    let (o, f) = match *e {
        Edit::Duplicate(o, f) | Edit::Remove(o, f) | Edit::Value(o, f, _) => (o, f),
        Edit::Unknown(o, _) => (o, 0),
    };
    let mut edit_fields = |fields: &mut Fields| {
        let n = fields.len();
        match *e {
            Edit::Duplicate(..) if n > 0 => {
                let copy = fields[f % n].clone();
                fields.insert(f % (n + 1), copy);
            }
            Edit::Remove(..) if n > 0 => {
                fields.remove(f % n);
            }
            Edit::Unknown(_, key) => fields.insert(f % (n + 1), (key.to_owned(), raw("1"))),
            Edit::Value(_, _, v) if n > 0 => fields[f % n].1 = raw(v),
            _ => {}
        }
    };
    let mut target = o % count_objects(j).max(1);
    with_object(j, &mut target, &mut edit_fields);
}

/// Snippets put right after an object's `{`: duplicates, unknown keys,
/// nulls where none is allowed, escapes, numbers outside the grammars.
const SNIPPETS: &[&str] = &[
    r#""id":"D","#,
    r#""sex":"male","#,
    r#""wage":"1","#,
    r#""year":2020,"#,
    r#""step":"proposed","#,
    r#""rating":"good","#,
    r#""food":true,"#,
    r#""bogus":1,"#,
    r#""name":null,"#,
    r#""town":null,"#,
    r#""causes":null,"#,
    r#""income":null,"#,
    r#""year":null,"#,
    r#""year":2020.0,"#,
    r#""year":2e3,"#,
    r#""deposits":1e3,"#,
    r#""deposits":"1.005","#,
    r#""deposits":-1,"#,
    r#""deposits":01,"#,
    r#""outstanding":10000000000000,"#,
    r#""disability_grade":0,"#,
    r#""disability_grade":5,"#,
    r#""disability_grade":1.0,"#,
    r#""town":"a\"b","#,
    r#""town":"\u6d2a","#,
    r#""i\u0064":"X","#,
    r#""birth_date":"2019-02-29","#,
    r#""relation":"Head","#,
    r#""relocated":"true","#,
    r#""members":[],"#,
    r#""credit":[],"#,
    "\"town\":\"a\u{1}b\",",
    "\"town\":\"\u{7f}\u{2028}\",",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
    Snippet(usize, &'static str),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        select(&b"\"\\,:{}[] 0123456789.eE-+ntfu\x01\x1f\x7f\xff\xe6"[..]),
        any::<u8>()
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<usize>(), select(SNIPPETS)).prop_map(|(i, s)| Mutation::Snippet(i, s)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(line: &str, ms: &[Mutation]) -> Vec<u8> {
    let mut b = line.as_bytes().to_vec();
    for m in ms {
        let n = b.len();
        match *m {
            Mutation::Delete(i) if n > 0 => {
                b.remove(i % n);
            }
            Mutation::Insert(i, c) => b.insert(i % (n + 1), c),
            Mutation::Replace(i, c) if n > 0 => b[i % n] = c,
            Mutation::Snippet(i, s) => {
                let opens: Vec<usize> = b
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c == b'{')
                    .map(|(k, _)| k)
                    .collect();
                if !opens.is_empty() {
                    let at = opens[i % opens.len()] + 1;
                    b.splice(at..at, s.bytes());
                }
            }
            Mutation::Truncate(i) => b.truncate(i % (n + 1)),
            _ => {}
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Every generated line is in the fast subset, and the fast reader gives
    /// exactly serde's household.
    #[test]
    fn the_fast_reader_takes_generated_lines_and_agrees_with_serde(l in line()) {
        let used = check_line(l.as_bytes())?;
        prop_assert!(used, "the fast reader refused a simple line: {}", l);
    }

    /// A mutated line is either refused by the fast reader or read exactly
    /// as serde reads it (then serde must accept it).
    #[test]
    fn the_fast_reader_never_disagrees_with_serde_on_mutated_lines(
        l in line(),
        ms in prop::collection::vec(mutation(), 1..4),
    ) {
        check_line(&mutate(&l, &ms))?;
    }

    /// The same for records edited in their structure: a key repeated,
    /// removed or unknown, a value replaced by one of [`ODD_VALUES`]; then
    /// perhaps a byte-level mutation too.
    #[test]
    fn the_fast_reader_never_disagrees_with_serde_on_edited_records(
        mut p in parts(),
        edits in prop::collection::vec(edit(), 1..4),
        ms in prop::collection::vec(mutation(), 0..2),
    ) {
        for e in &edits {
            apply(&mut p.0, e);
        }
        check_line(&mutate(&rendered(&p), &ms))?;
    }
}

fn evaluator_dates() -> impl Strategy<Value = chrono::NaiveDate> {
    prop_oneof![
        Just("2020-12-31"),
        Just("2019-06-30"),
        Just("2020-01-01"),
        Just("2016-03-01"),
    ]
    .prop_map(|s| parse_date(s).unwrap())
}

/// Ids with everything serde_json must escape.
fn any_id() -> impl Strategy<Value = String> {
    prop_oneof![
        "P[0-9]{1,4}",
        any::<String>(),
        "[\"\\\\\u{0}-\u{1f}\u{7f}a张]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(800))]

    /// The hand-written decision writer gives serde_json's bytes, with and
    /// without explanation, for decisions of random households (ids that
    /// need escaping included).
    #[test]
    fn the_decision_writer_matches_serde_json(
        l in line(),
        as_of in evaluator_dates(),
        explain in any::<bool>(),
        hid in any_id(),
        pids in prop::collection::vec(any_id(), 7),
    ) {
        let Ok(mut h) = parse_household(l.as_bytes()) else { return Ok(()) };
        h.id = hid.into();
        for (m, id) in h.members.iter_mut().zip(pids) {
            m.id = id.into();
        }
        let policy = Policy::builtin("ningxia-2020").unwrap();
        let eval = Evaluator::new(&policy, as_of);
        let Ok(d) = eval.evaluate(&h, explain) else { return Ok(()) };
        let mut mine = Vec::new();
        d.write_json(&mut mine).unwrap();
        prop_assert_eq!(
            String::from_utf8(mine).unwrap(),
            String::from_utf8(serde_json::to_vec(&d).unwrap()).unwrap()
        );
    }
}

/// Lines the fast reader must leave to serde, each still read or refused by
/// serde as before.
#[test]
fn unusual_lines_go_to_the_serde_path() {
    let m = r#"{"id":"P1","sex":"male","birth_date":"1980-01-01"}"#;
    let base = format!(r#"{{"id":"H1","members":[{m}]}}"#);
    assert!(fast::parse_household(base.as_bytes()).is_some());
    for line in [
        format!(r#"{{"id":"H\u0031","members":[{m}]}}"#),
        format!(r#"{{"id":"H1","id":"H2","members":[{m}]}}"#),
        format!(r#"{{"id":"H1","x":1,"members":[{m}]}}"#),
        r#"{"id":"H1"}"#.to_owned(),
        format!(r#"{{"members":[{m}]}}"#),
        format!(r#"{{"id":"H1","members":[{m}]}} x"#),
        format!(r#"{{"id":"H1","members":[{m}],}}"#),
        format!(r#"{{"id":"H1","members":[{m},]}}"#),
        format!(r#"{{"id":"H1","town":null,"members":[{m}]}}"#),
        format!(r#"{{"id":"H1","income":{{"wage":1e3}},"members":[{m}]}}"#),
        format!(r#"{{"id":"H1","income":{{"wage":"1.005"}},"members":[{m}]}}"#),
        format!(r#"{{"id":"H1","income":{{"wage":"10000000000000"}},"members":[{m}]}}"#),
        format!(r#"{{"id":"H1","income":{{"year":2020.0}},"members":[{m}]}}"#),
        format!(r#"{{"id":"H1","income":{{"year":3000000000}},"members":[{m}]}}"#),
        format!(r#"{{"id":"H1","status":"gone","members":[{m}]}}"#),
        format!(r#"{{"id":"H1","exited_on":"2019-02-29","members":[{m}]}}"#),
        format!(r#"{{"id":"H1","income":[],"members":[{m}]}}"#),
        format!("\u{feff}{base}"),
        format!("{{\"id\":\"H\u{1}\",\"members\":[{m}]}}"),
        r#"{"id":"H1","members":[{"id":"P1","sex":"male"}]}"#.to_owned(),
        r#"{"id":"H1","members":[{"id":"P1","sex":"male","birth_date":"1980-01-01","disability_grade":0}]}"#.to_owned(),
        r#"{"id":"H1","members":[{"id":"P1","sex":"male","birth_date":"1980-01-01","name":null}]}"#.to_owned(),
    ] {
        assert!(fast::parse_household(line.as_bytes()).is_none(), "{line}");
        assert_eq!(parse_household(line.as_bytes()), serde_household(line.as_bytes()), "{line}");
    }
    // Every control character, at every offset of an 8-byte block.
    for c in 0u8..0x20 {
        for pad in 0..9 {
            let mut line =
                format!(r#"{{"id":"H{}#","members":[{m}]}}"#, "x".repeat(pad)).into_bytes();
            let at = line.iter().position(|b| *b == b'#').unwrap();
            line[at] = c;
            assert!(fast::parse_household(&line).is_none(), "{c:#x} at {pad}");
            assert_eq!(parse_household(&line), serde_household(&line));
        }
    }
    let mut bad_utf8 = base.clone().into_bytes();
    bad_utf8[8] = 0xff;
    assert!(fast::parse_household(&bad_utf8).is_none());
    assert_eq!(parse_household(&bad_utf8), serde_household(&bad_utf8));
}

/// The fast reader runs `validate` through `parse_household`: an empty
/// member list and a repeated exit step are still errors.
#[test]
fn validation_still_runs_on_the_fast_path() {
    let empty = br#"{"id":"H1","members":[]}"#;
    assert!(fast::parse_household(empty).is_some());
    assert_eq!(parse_household(empty), serde_household(empty));
    assert!(parse_household(empty).is_err());
    let steps = br#"{"id":"H1","exit_steps":[{"step":"proposed","on":"2020-01-01"},{"on":"2020-01-02","step":"proposed"}],"members":[{"id":"P1","sex":"male","birth_date":"1980-01-01"}]}"#;
    assert!(fast::parse_household(steps).is_some());
    assert_eq!(parse_household(steps), serde_household(steps));
    assert!(parse_household(steps).is_err());
}
