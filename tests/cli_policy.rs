//! `fupin policy show` end to end: the done-when checks.

mod common;
use common::{fupin, stderr, stdout};

fn line_of(out: &str, name: &str) -> String {
    out.lines()
        .find(|l| l.starts_with(&format!("{name}  ")))
        .unwrap_or_else(|| panic!("no line for {name}"))
        .to_owned()
}

#[test]
fn the_backstop_cap_is_5000_since_2014_with_status_seed_and_its_source() {
    let o = fupin(&["policy", "show", "--on", "2020-06-30"], "");
    assert!(o.status.success());
    let line = line_of(&stdout(&o), "backstop.annual_self_pay_cap");
    let cols: Vec<&str> = line.split("  ").collect();
    assert_eq!(
        &cols[..5],
        [
            "backstop.annual_self_pay_cap",
            "5000",
            "2014-01-01",
            "seed",
            "yuan/person/year"
        ]
    );
    assert!(cols[5].contains("5000"), "the source is printed: {line}");
}

#[test]
fn the_major_illness_ceiling_is_160000_in_2020_and_80000_in_2019() {
    let o = fupin(&["policy", "show", "--on", "2020-06-30"], "");
    let line = line_of(&stdout(&o), "assistance.major_illness_annual_ceiling");
    assert!(
        line.starts_with("assistance.major_illness_annual_ceiling  160000  2020-01-01  seed"),
        "{line}"
    );
    let o = fupin(&["policy", "show", "--on", "2019-06-30"], "");
    let line = line_of(&stdout(&o), "assistance.major_illness_annual_ceiling");
    assert!(
        line.starts_with("assistance.major_illness_annual_ceiling  80000  2014-01-01  seed"),
        "{line}"
    );
}

#[test]
fn tables_and_brackets_print_as_written() {
    let out = stdout(&fupin(&["policy", "show"], ""));
    assert!(line_of(&out, "basic.deductible").starts_with(
        "basic.deductible  township=200, county=500, city=1000, provincial=1000, out_of_region=1500  2014-01-01  default"
    ));
    assert!(
        line_of(&out, "critical.brackets").starts_with(
            "critical.brackets  [0→0.60; 50000→0.70; 100000→0.80]  2014-01-01  default"
        )
    );
}

#[test]
fn json_output_types_every_value() {
    let o = fupin(&["policy", "show", "--on", "2020-06-30", "--json"], "");
    assert!(o.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let get = |name: &str| rows.iter().find(|r| r["name"] == name).unwrap().clone();
    assert_eq!(get("backstop.annual_self_pay_cap")["value"], "5000");
    assert_eq!(get("backstop.annual_self_pay_cap")["since"], "2014-01-01");
    assert_eq!(get("backstop.annual_self_pay_cap")["status"], "seed");
    assert_eq!(get("exit.publicity_days")["value"], 7);
    assert_eq!(get("backstop.enabled")["value"], true);
    assert_eq!(get("credit.marginal_from")["value"], "2020-06-01");
    assert_eq!(
        get("credit.line")["value"],
        serde_json::json!({"excellent":"50000","good":"30000","fair":"10000"})
    );
    assert_eq!(
        get("critical.brackets")["value"],
        serde_json::json!([{"from":"0","rate":"0.60"},{"from":"50000","rate":"0.70"},{"from":"100000","rate":"0.80"}])
    );
    for r in &rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["name", "value", "since", "status", "unit", "source"]);
    }
}

fn policy_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fupin-cli-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn a_policy_naming_an_unknown_parameter_is_refused_with_status_2() {
    let p = policy_file(
        "unknown.toml",
        "name = \"x\"\nextends = \"ningxia-2020\"\n[parameters.\"backstop.annual_cap_typo\"]\nvalues = { \"2014-01-01\" = \"1\" }\n",
    );
    let o = fupin(&["policy", "show", "--policy", p.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("backstop.annual_cap_typo"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn a_dibao_standard_below_the_exit_line_is_refused_with_status_2() {
    let p = policy_file(
        "twolines.toml",
        "name = \"x\"\nextends = \"ningxia-2020\"\n[parameters.\"dibao.standard_annual\"]\nvalues = { \"2020-01-01\" = \"3000\" }\n",
    );
    let o = fupin(&["policy", "show", "--policy", p.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("dibao.standard_annual") && err.contains("3000") && err.contains("4000"),
        "{err}"
    );
}

#[test]
fn an_unreadable_policy_or_bad_date_is_status_2() {
    let o = fupin(
        &["policy", "show", "--policy", "/nonexistent/policy.toml"],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    let o = fupin(&["policy", "show", "--on", "2020-13-01"], "");
    assert_eq!(o.status.code(), Some(2));
    let o = fupin(&["policy", "show", "--on", "2013-12-31"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("poverty_line.exit"));
}
