//! Tables printed for the terminal stay small however long a name is (a
//! cell is clipped with "…"), while JSON keeps the full text.

use std::path::Path;

mod common;
use common::run;

/// The longest name `check` lets an assessment hold.
const LONGEST_NAME: usize = needsmap::check::MAX_TEXT_CHARS;

/// An activity in an event log, which has no such limit: long enough that
/// printing it whole would show, short enough that the test stays quick
/// even without clipping.
const HUGE_ACTIVITY: usize = 200_000;

fn name_of(chars: usize) -> String {
    "x".repeat(chars)
}

/// The minimal assessment, its IDVA service renamed to `name`, with one
/// journey through it, in a workspace of its own.
fn assessment_with_service_named(dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string("tests/fixtures/valid/minimal/assessment.yaml")
        .expect("fixture")
        .replace("name: IDVA service", &format!("name: {name}"));
    assert!(text.contains(name));
    std::fs::write(dir.join("needsmap.toml"), "").expect("write");
    std::fs::create_dir_all(dir.join("journeys")).expect("mkdir");
    std::fs::write(
        dir.join("journeys/j01.yaml"),
        "id: j01\npersona: Test persona\ncohorts: [women]\nconsent: publish\nsource: Test interview\n\
         steps:\n  - { at: police, day: 0, feeling: -2, outcome: referred, to: idva }\n  \
         - { at: idva, day: 5, feeling: 1, outcome: supported }\n",
    )
    .expect("write");
    let path = dir.join("assessment.yaml");
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

/// The whole output is shorter than the one long name it shows.
fn assert_clipped(what: &str, table: &str, name: &str) {
    assert!(
        table.len() < name.len(),
        "{what}: {} bytes of table for a {}-character name",
        table.len(),
        name.len()
    );
    assert!(
        table.contains('…'),
        "{what}: the long name is cut:\n{table}"
    );
}

#[test]
fn gaps_clip_a_huge_service_name_in_the_table_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = name_of(LONGEST_NAME);
    let assessment = assessment_with_service_named(dir.path(), &name);
    let (code, out, err) = run(&["gaps", &assessment]);
    assert_eq!(code, 0, "{err}");
    assert_clipped("gaps", &out, &name);
    let (_, json, _) = run(&["gaps", &assessment, "--format", "json"]);
    assert!(json.contains(&name), "JSON keeps the whole name");
}

#[test]
fn journeys_clip_a_huge_touchpoint_name_in_the_table_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = name_of(LONGEST_NAME);
    let assessment = assessment_with_service_named(dir.path(), &name);
    let (code, out, err) = run(&["journeys", &assessment]);
    assert_eq!(code, 0, "{err}");
    assert_clipped("journeys", &out, &name);
    let (_, json, _) = run(&["journeys", &assessment, "--format", "json"]);
    assert!(json.contains(&name), "JSON keeps the whole name");
}

#[test]
fn events_clip_a_huge_activity_name_in_the_table_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = name_of(HUGE_ACTIVITY);
    let log = dir.path().join("log.csv");
    let mut text = String::from("case:concept:name,concept:name,time:timestamp\n");
    for case in ["c1", "c2"] {
        text.push_str(&format!("{case},register,2024-01-01 09:00\n"));
        text.push_str(&format!("{case},{name},2024-01-02 09:00\n"));
        text.push_str(&format!("{case},close,2024-01-03 09:00\n"));
    }
    std::fs::write(&log, text).expect("write");
    let log = log.display().to_string();
    let (code, out, err) = run(&["events", &log]);
    assert_eq!(code, 0, "{err}");
    assert_clipped("events", &out, &name);
    assert!(
        out.contains("register → xxx") && out.contains("… → close"),
        "a variant shows every step, the long one clipped:\n{out}"
    );
    let (_, json, _) = run(&["events", &log, "--format", "json"]);
    assert!(json.contains(&name), "JSON keeps the whole name");
}
