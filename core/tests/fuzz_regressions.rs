//! The inputs of the fuzz targets (`fuzz/`, run with `cargo +nightly fuzz`)
//! kept as regression tests on stable: every file under
//! `tests/fixtures/fuzz/<target>/` goes through the same checks as in the
//! fuzzer (`fuzz_support`): no panic, and the target's invariants. Files
//! named `crash-*` are inputs a fuzzer found failing (since fixed); `hand-*`
//! are hand-made nasty inputs. A few inputs too big or too regular to keep
//! as files are made here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fuzz_support;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no regression input for {target}");
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Runs every kept input of `target`, naming the file that fails.
fn run(target: &str, check: fn(&[u8])) {
    for (path, bytes) in inputs(target) {
        let result = std::panic::catch_unwind(|| check(&bytes));
        assert!(result.is_ok(), "{} fails", path.display());
    }
}

/// The end of a household line after another field.
const MEMBERS: &str = r#","members":[{"id":"P1","sex":"male","birth_date":"1980-01-01"}]}"#;

/// A line with `inner` nested `depth` times in `open` … `close`.
fn nested(
    prefix: &str,
    open: &str,
    inner: &str,
    close: &str,
    depth: usize,
    suffix: &str,
) -> Vec<u8> {
    format!(
        "{prefix}{}{inner}{}{suffix}",
        open.repeat(depth),
        close.repeat(depth)
    )
    .into_bytes()
}

#[test]
fn household_inputs() {
    run("household", fuzz_support::household);
}

#[test]
fn household_deep_nesting_and_long_lines() {
    for depth in [1, 127, 128, 129, 10_000] {
        let arrays = nested(r#"{"id":"H1","causes":"#, "[", "", "]", depth, MEMBERS);
        fuzz_support::household(&arrays);
        let objects = nested(
            r#"{"id":"H1","income":"#,
            "{\"wage\":",
            "1",
            "}",
            depth,
            MEMBERS,
        );
        fuzz_support::household(&objects);
        // Unclosed nesting.
        fuzz_support::household(&"[".repeat(depth).into_bytes());
        fuzz_support::household(&format!("{{\"id\":{}", "{\"a\":".repeat(depth)).into_bytes());
    }
    let many_members = format!(
        r#"{{"id":"H1","members":[{}]}}"#,
        vec![r#"{"id":"P1","sex":"male","birth_date":"1980-01-01","relation":"head"}"#; 2000]
            .join(",")
    );
    fuzz_support::household(many_members.as_bytes());
    let many_unknown = format!(
        r#"{{"id":"H1",{}"members":[{{"id":"P1","sex":"male","birth_date":"1980-01-01"}}]}}"#,
        (0..1500)
            .map(|i| format!(r#""x{i}":1,"#))
            .collect::<String>()
    );
    fuzz_support::household(many_unknown.as_bytes());
    let long_digits = format!(
        r#"{{"id":"H1","income":{{"wage":{}}},"members":[{{"id":"P1","sex":"male","birth_date":"1980-01-01"}}]}}"#,
        "9".repeat(5000)
    );
    fuzz_support::household(long_digits.as_bytes());
}

#[test]
fn claim_inputs() {
    run("claim", fuzz_support::claim);
}

#[test]
fn claim_deep_nesting() {
    for depth in [128, 10_000] {
        let line = nested(r#"{"id":"C1","total_cost":"#, "[", "", "]", depth, "}");
        fuzz_support::claim(&line);
    }
}

#[test]
fn csv_inputs() {
    run("csv", fuzz_support::csv);
}

#[test]
fn csv_wide_and_long_tables() {
    let mut wide = vec![0u8];
    wide.extend_from_slice(&vec![b','; 100_000]);
    wide.push(fuzz_support::TABLE_SEPARATOR);
    wide.extend_from_slice(b"household_id,id,sex,birth_date\n");
    wide.extend_from_slice(&vec![b'"'; 10_001]);
    fuzz_support::csv(&wide);
    let mut long = b"\0id\n".to_vec();
    for i in 0..300 {
        long.extend_from_slice(format!("H{}\n", i % 7).as_bytes());
    }
    long.push(fuzz_support::TABLE_SEPARATOR);
    long.extend_from_slice(b"household_id,id,sex,birth_date\n");
    for i in 0..2000 {
        long.extend_from_slice(format!("H{},P{i},male,1980-01-01\n", i % 11).as_bytes());
    }
    fuzz_support::csv(&long);
}

#[test]
fn xlsx_inputs() {
    run("xlsx", fuzz_support::xlsx);
}

/// A real workbook, then every prefix of it cut at a few places and a few
/// bytes flipped: the zip and XML readers must give an error, not panic.
#[test]
fn xlsx_truncated_and_flipped_workbooks() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let hh = wb.add_worksheet().set_name("households").unwrap();
    hh.write_string(0, 0, "id").unwrap();
    hh.write_string(1, 0, "H1").unwrap();
    hh.write_number(0, 1, 1e300).unwrap();
    let mm = wb.add_worksheet().set_name("members").unwrap();
    for (c, h) in ["household_id", "id", "sex", "birth_date", "id_number"]
        .iter()
        .enumerate()
    {
        mm.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
    }
    mm.write_string(1, 0, "H1").unwrap();
    mm.write_string(1, 1, "P1").unwrap();
    mm.write_string(1, 2, "male").unwrap();
    mm.write_number(1, 3, -1e10).unwrap();
    mm.write_number(1, 4, 640122198001011234.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    fuzz_support::xlsx(&bytes);
    let step = (bytes.len() / 64).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        fuzz_support::xlsx(&bytes[..cut]);
    }
    for at in (0..bytes.len()).step_by(step) {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0xff;
        fuzz_support::xlsx(&flipped);
    }
}

#[test]
fn policy_inputs() {
    run("policy", fuzz_support::policy_file);
}

#[test]
fn policy_deep_nesting() {
    for depth in [128, 5000] {
        let text = format!(
            "name = \"x\"\nextends = \"ningxia-2020\"\n[parameters.\"backstop.annual_self_pay_cap\"]\nvalues = {{ \"2018-01-01\" = {}1{} }}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        fuzz_support::policy_file(text.as_bytes());
        let text = format!("name = \"x\"\nextends = {}\n", "{a=".repeat(depth));
        fuzz_support::policy_file(text.as_bytes());
    }
}
