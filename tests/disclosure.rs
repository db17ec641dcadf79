//! The attacker's side of disclosure control. Build publicly, then from
//! only what the public files show (Markdown, SVG, CSV, JSON) try to
//! recover every count they hide: from the journeys published one by one,
//! from totals, from means beside hidden counts, and from differences
//! between years. Each attempt must fail, and what is published journey
//! by journey must not be pretended hidden.

use std::path::PathBuf;

mod common;
use common::run;

const FIXTURE: &str = "tests/fixtures/valid/disclosure";

/// A copy of the disclosure fixture in a workspace of its own, the
/// assessment edited by `edit`.
fn fixture_copy(edit: &dyn Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let ws = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(ws.path().join("journeys")).expect("mkdir");
    for e in std::fs::read_dir(format!("{FIXTURE}/journeys")).expect("journeys") {
        let p = e.expect("entry").path();
        let name = p.file_name().expect("name").to_owned();
        std::fs::copy(&p, ws.path().join("journeys").join(name)).expect("copy");
    }
    std::fs::write(ws.path().join("needsmap.toml"), "").expect("write");
    let text = std::fs::read_to_string(format!("{FIXTURE}/assessment.yaml")).expect("read");
    let file = ws.path().join("assessment.yaml");
    std::fs::write(&file, edit(text)).expect("write");
    (ws, file)
}

#[test]
fn a_template_cannot_read_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, file) = fixture_copy(&|t| t);
    std::fs::create_dir_all(ws.path().join("templates")).expect("mkdir");
    std::fs::write(
        ws.path().join("templates/needs-assessment.md"),
        "# Leak\n\nHome: {{ get_env(name=\"HOME\") }}\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "build",
        &file.display().to_string(),
        "-o",
        &out.display().to_string(),
        "--no-pdf",
    ]);
    assert_eq!(code, 1, "a template reading the environment must fail");
    assert!(
        err.contains("needs-assessment.md") && err.contains("environment"),
        "a clear error naming the template: {err}"
    );
    assert!(!out.exists(), "nothing written");
}
