//! `fupin evaluate` and `fupin audit` end to end.

mod common;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::{fupin, json_lines, stderr, stdout};

const HEAD: &str = r#"{"id":"P1","relation":"head","sex":"male","birth_date":"1970-06-15"}"#;

fn household(id: &str, wage: &str) -> String {
    format!(r#"{{"id":"{id}","income":{{"wage":"{wage}"}},"members":[{HEAD}]}}"#)
}

/// The example decision of interfaces.md §3.1, written by hand in
/// `fixtures/interface_example.expected.jsonl`: 18 000 / 4 = 4 500 > 4 000
/// exits; (4 560 − 4 500) × 4 / 12 = 20.00 dibao; premiums 4 × 70 = 280;
/// a preschool child 1 500 + 900 = 2 400; an excellent rating 50 000; P3's
/// identity number has a wrong check digit (…0017, the right one is 8).
#[test]
fn the_interface_example_decision_is_reproduced_byte_for_byte() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let input = dir.join("interface_example.jsonl");
    let expected = std::fs::read_to_string(dir.join("interface_example.expected.jsonl")).unwrap();
    let o = fupin(&["evaluate", input.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected);
}

#[test]
fn every_non_blank_line_gives_one_line_and_bad_records_get_error_lines() {
    let input = format!(
        "\u{feff}{}\n\n   \n{}\n{}\nnot json\n{}\n",
        household("A", "5000"),
        r#"{"id":"B","income":{"wage":"1.005"},"members":[]}"#,
        r#"{"id":"C","membres":[]}"#,
        household("D", "3999.99"),
    );
    let o = fupin(&["evaluate"], &input);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a failed record makes the status 1"
    );
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["household_id"], "A");
    assert_eq!(lines[1]["line"], 4);
    assert_eq!(lines[1]["id"], "B");
    assert_eq!(lines[1]["error"]["code"], "invalid_money");
    assert_eq!(lines[1]["error"]["field"], "income.wage");
    assert_eq!(lines[2]["line"], 5);
    assert_eq!(lines[2]["error"]["code"], "unknown_field");
    assert_eq!(lines[3]["line"], 6);
    assert_eq!(lines[3]["id"], serde_json::Value::Null);
    assert_eq!(lines[3]["error"]["code"], "invalid_json");
    assert_eq!(lines[4]["household_id"], "D");
    assert_eq!(
        lines[4]["exit"]["failed"],
        serde_json::json!(["income_below_line"])
    );
}

#[test]
fn all_good_records_exit_with_status_0_and_blank_input_prints_nothing() {
    let o = fupin(&["evaluate", "-"], &format!("{}\n", household("A", "5000")));
    assert_eq!(o.status.code(), Some(0));
    let o = fupin(&["evaluate"], "\n \n");
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
}

#[test]
fn explain_reads_the_refusal_aloud_and_traces_every_rule() {
    let o = fupin(&["evaluate", "--explain"], &household("H", "3999.99"));
    let d = &json_lines(&o)[0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        &keys[keys.len() - 3..],
        ["findings", "explanation", "trace"]
    );
    let zh = d["explanation"]["zh"].as_str().unwrap();
    assert!(
        zh.contains("不能脱贫退出：人均纯收入 3999.99 元，未超过 2020 年脱贫标准 4000.00 元。"),
        "{zh}"
    );
    assert!(d["explanation"]["en"].as_str().unwrap().contains("3999.99"));
    let rules: Vec<&str> = d["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "income",
            "exit",
            "monitoring",
            "dibao",
            "identification",
            "entitlements",
            "credit",
            "findings"
        ]
    );
    let exit = &d["trace"][1];
    let line = exit["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "poverty_line.exit")
        .unwrap();
    assert_eq!(line["value"], "4000");
    assert_eq!(line["since"], "2020-01-01");
    assert_eq!(line["status"], "sourced");
    assert!(line["source"].as_str().is_some_and(|s| !s.is_empty()));
    let no_explain = &json_lines(&fupin(&["evaluate"], &household("H", "3999.99")))[0];
    assert!(no_explain.get("trace").is_none() && no_explain.get("explanation").is_none());
}

#[test]
fn as_of_selects_the_parameters_in_force() {
    // A head of 62 with a good rating: max_age 60 before 2019-07-01, 65 after.
    let hh = r#"{"id":"K","credit":{"rating":"good"},"members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1957-01-01"}]}"#;
    let before = &json_lines(&fupin(&["evaluate", "--as-of", "2019-06-30"], hh))[0];
    assert_eq!(before["credit"]["failed"], serde_json::json!(["age"]));
    let after = &json_lines(&fupin(&["evaluate", "--as-of", "2019-07-01"], hh))[0];
    assert_eq!(after["credit"]["failed"], serde_json::json!([]));
    // Before any parameter is in force, every record is parameter_not_in_force.
    let o = fupin(
        &["evaluate", "--as-of", "2013-06-30"],
        &household("A", "5000"),
    );
    assert_eq!(o.status.code(), Some(1));
    let e = &json_lines(&o)[0];
    assert_eq!(e["error"]["code"], "parameter_not_in_force");
    assert_eq!(e["id"], "A");
}

#[test]
fn decisions_stream_one_line_at_a_time_on_a_pipe() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .arg("evaluate")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    for id in ["S1", "S2"] {
        writeln!(stdin, "{}", household(id, "5000")).unwrap();
        stdin.flush().unwrap();
        // The decision arrives while stdin is still open.
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert!(
            line.contains(&format!("\"household_id\":\"{id}\"")),
            "{line}"
        );
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn identity_numbers_and_names_never_appear_unmasked_in_errors() {
    let bad = r#"{"id":"H","members":[{"id":"P1","sex":"male","birth_date":"1970-13-01","id_number":"64012219700615001X","name":"张三丰"}],"income":{"wage":-1}}"#;
    let wrong = r#"{"id":"H2","members":[{"id":"P1","sex":"male","birth_date":"1970-01-01","id_number":640122197006150013,"name":["张三丰"]}]}"#;
    let o = fupin(&["evaluate"], &format!("{bad}\n{wrong}\n"));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        !all.contains("64012219700615001X") && !all.contains("640122197006150013"),
        "{all}"
    );
    assert!(!all.contains("三丰"), "{all}");
}

#[test]
fn audit_prints_each_households_findings_in_input_order_with_audit_only_codes() {
    // H1 and H2 share P1's identity number (duplicate_person on both) and a
    // member id (duplicate_id on the second); H1 is registered with a car
    // (identification_excluded); H3 has no findings; line 4 is bad JSON.
    let h1 = r#"{"id":"H1","assets":{"car":true},"members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1970-06-15","id_number":"640122197006150013"}]}"#;
    let h2 = r#"{"id":"H2","members":[{"id":"P1","relation":"head","sex":"male","birth_date":"1970-06-15","id_number":"640122197006150013"}]}"#;
    let h3 = r#"{"id":"H3","members":[{"id":"P9","relation":"head","sex":"male","birth_date":"1970-06-15"}]}"#;
    let o = fupin(&["audit"], &format!("{h1}\n{h2}\n{h3}\n{{oops\n"));
    assert_eq!(o.status.code(), Some(1));
    let lines = json_lines(&o);
    let got: Vec<(String, String, String, String)> = lines
        .iter()
        .filter(|l| l.get("code").is_some())
        .map(|l| {
            (
                l["household_id"].as_str().unwrap().to_owned(),
                l["code"].as_str().unwrap().to_owned(),
                l["person_id"].as_str().unwrap_or("null").to_owned(),
                l["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("H1", "duplicate_person", "P1", "id_number"),
        ("H1", "identification_excluded", "null", "assets.car"),
        ("H2", "duplicate_person", "P1", "id_number"),
        ("H2", "duplicate_id", "P1", "id"),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);
    let last = lines.last().unwrap();
    assert_eq!(last["line"], 4);
    assert_eq!(last["error"]["code"], "invalid_json");
}
