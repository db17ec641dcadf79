//! `needsmap events` gives exactly what PM4Py 2.7 gives on real logs
//! (`pm4py.discover_dfg`, `pm4py.get_variants`), pinned in
//! `tests/fixtures/events/*.pm4py.json` (made by benches/pm4py_reference.py).

use serde_json::Value;

mod common;
use common::run;

fn ours(log: &str, extra: &[&str]) -> Value {
    let mut args = vec!["events", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(log);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("json")
}

fn reference(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("tests/fixtures/events/{name}.pm4py.json"))
        .expect("reference");
    serde_json::from_str(&text).expect("json")
}

/// Our output in the reference's shape: sorted [from, to, count] and
/// sorted [activities, count].
fn comparable(v: &Value) -> (Value, Value, Value, Value) {
    let mut dfg: Vec<Value> = v["dfg"]
        .as_array()
        .expect("dfg")
        .iter()
        .map(|e| serde_json::json!([e["from"], e["to"], e["count"]]))
        .collect();
    dfg.sort_by_key(|e| e.to_string());
    let mut variants: Vec<Value> = v["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .map(|e| serde_json::json!([e["activities"], e["count"]]))
        .collect();
    variants.sort_by_key(|e| e.to_string());
    (
        Value::Array(dfg),
        v["start"].clone(),
        v["end"].clone(),
        Value::Array(variants),
    )
}

fn sorted(v: &Value) -> Value {
    let mut items = v.as_array().expect("array").clone();
    items.sort_by_key(|e| e.to_string());
    Value::Array(items)
}

fn assert_matches_pm4py(log: &str, name: &str) {
    let got = ours(log, &[]);
    let want = reference(name);
    assert_eq!(got["cases"], want["cases"]);
    assert_eq!(got["events"], want["events"]);
    let (dfg, start, end, variants) = comparable(&got);
    assert_eq!(dfg, sorted(&want["dfg"]), "directly-follows counts");
    assert_eq!(start, want["start"], "start activities");
    assert_eq!(end, want["end"], "end activities");
    assert_eq!(variants, sorted(&want["variants"]), "variants");
}

#[test]
fn running_example_matches_pm4py() {
    assert_matches_pm4py(
        "tests/fixtures/events/running-example.csv",
        "running-example",
    );
    let got = ours("tests/fixtures/events/running-example.csv", &[]);
    assert_eq!(got["variants"].as_array().map(Vec::len), Some(6));
    assert_eq!(
        got["dfg"][0],
        serde_json::json!({"from": "check ticket", "to": "decide", "count": 6})
    );
}

#[test]
fn receipt_log_matches_pm4py() {
    assert_matches_pm4py("tests/fixtures/events/receipt.csv", "receipt");
    let got = ours("tests/fixtures/events/receipt.csv", &[]);
    assert_eq!(got["cases"], 1434);
    assert_eq!(got["variants"].as_array().map(Vec::len), Some(116));
}

#[test]
fn columns_are_chosen_by_name_and_throughput_is_in_days() {
    let got = ours(
        "tests/fixtures/events/minimal-log.csv",
        &["--case", "case", "--activity", "activity", "--time", "time"],
    );
    assert_eq!(got["cases"], 3);
    // c1: 09:00Z May 1 to 08:00Z May 10 = 8 23/24 days (offsets respected);
    // c2: 1.5 days; c3: 1 day → median 1.5; p90 = 1.5 + 0.8 × (8 23/24 − 1.5).
    assert_eq!(got["throughput_days"]["median"], 1.5);
    let p90 = got["throughput_days"]["p90"].as_f64().expect("p90");
    assert!(
        (p90 - (1.5 + 0.8 * (8.0 + 23.0 / 24.0 - 1.5))).abs() < 1e-9,
        "{p90}"
    );
}

#[test]
fn observed_routes_are_held_against_the_assessment() {
    let got = ours(
        "tests/fixtures/events/minimal-log.csv",
        &[
            "--case",
            "case",
            "--activity",
            "activity",
            "--time",
            "time",
            "--assessment",
            "tests/fixtures/valid/minimal/assessment.yaml",
            "--map",
            "activity=tests/fixtures/events/minimal-map.csv",
        ],
    );
    let used: Vec<String> = got["pathways"]["used_not_mapped"]
        .as_array()
        .expect("used_not_mapped")
        .iter()
        .map(|r| {
            format!(
                "{}>{}",
                r["from"].as_str().unwrap_or(""),
                r["to"].as_str().unwrap_or("")
            )
        })
        .collect();
    // idva → outreach is recorded (refers_to); outreach → idva is not.
    assert_eq!(used, ["outreach>idva"]);
    let unused = &got["pathways"]["mapped_not_used"];
    assert_eq!(unused.as_array().map(Vec::len), Some(0), "{unused}");
}

#[test]
fn a_bad_row_names_its_line_unless_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log.csv");
    std::fs::write(&log, "case:concept:name,concept:name,time:timestamp\n1,a,2020-01-01\n1,b,31/01/2020\n1,c,2020-01-03\n").expect("write");
    let log = log.display().to_string();
    let (code, _, err) = run(&["events", &log]);
    assert_eq!(code, 1);
    assert!(
        err.contains("line 3: the timestamp is not a date and time (time: `31/01/2020`)"),
        "{err}"
    );
    let got = ours(&log, &["--skip-bad-rows"]);
    assert_eq!(got["events"], 2);
    assert_eq!(got["skipped_rows"], 1);
}

#[test]
fn a_missing_column_is_a_clear_error() {
    let (code, _, err) = run(&[
        "events",
        "--case",
        "case_id",
        "tests/fixtures/events/running-example.csv",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("no column `case_id`"), "{err}");
}

#[test]
fn the_table_shows_the_activities_most_cases_start_or_end_at_not_all() {
    // 40 one-event cases, case i at activity `a{i}` i+1 times: a log of
    // millions of distinct activities must not print (or hold) a row each.
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log.csv");
    let mut text = String::from("case:concept:name,concept:name,time:timestamp\n");
    let mut case = 0;
    for i in 0..40 {
        for _ in 0..=i {
            text.push_str(&format!("c{case},a{i},2020-01-01\n"));
            case += 1;
        }
    }
    std::fs::write(&log, text).expect("write");
    let (code, out, err) = run(&["events", &log.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("where cases start and end (top 30 of 40 activities):"),
        "{out}"
    );
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("| a") && !l.starts_with("| activity"))
        .filter(|l| l.split('|').count() == 5)
        .collect();
    assert_eq!(rows.len(), 30, "{out}");
    assert!(rows[0].starts_with("| a39 "), "{}", rows[0]);
    assert!(!out.contains("| a9 "), "the least used are left out: {out}");
}
