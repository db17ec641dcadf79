//! `needsmap check` against fixtures: every invalid fixture must report
//! exactly the diagnostics its files mark, at the marked lines, and its text
//! output is pinned by a snapshot.
//!
//! A fixture marks a line that must carry a diagnostic with a trailing
//! `#! code` comment; files that cannot hold comments (CSV, non-UTF-8, empty)
//! list `file:line code` in the fixture's `expected.txt`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::run;

type Expectation = BTreeSet<(String, u32, String)>;

fn fixture_dirs(group: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(Path::new("tests/fixtures").join(group))
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The diagnostics a fixture says it must produce.
fn expected(dir: &Path) -> Expectation {
    let mut want = Expectation::new();
    for file in files_under(dir) {
        let shown = file.display().to_string();
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if file.file_name().is_some_and(|n| n == "expected.txt") {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let (place, code) = line.split_once(' ').expect("`file:line code`");
                let (name, number) = place.rsplit_once(':').expect("file:line");
                let path = dir.join(name).display().to_string();
                want.insert((
                    path,
                    number.parse().expect("line number"),
                    code.trim().to_owned(),
                ));
            }
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            if let Some((_, code)) = line.split_once("#! ") {
                want.insert((shown.clone(), i as u32 + 1, code.trim().to_owned()));
            }
        }
    }
    want
}

/// The diagnostics `check --format json` reports, as (file, line, code).
fn reported(json: &Value) -> Expectation {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("<no file>").to_owned(),
                d["line"].as_u64().unwrap_or(0) as u32,
                d["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

fn check_json(assessment: &Path, extra: &[&str]) -> (u8, Value) {
    let path = assessment.display().to_string();
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(&path);
    let (code, out, _) = run(&args);
    (
        code,
        serde_json::from_str(&out).expect("check --format json prints JSON"),
    )
}

#[test]
fn invalid_fixtures_report_exactly_the_marked_lines() {
    let dirs = fixture_dirs("invalid");
    assert!(
        dirs.len() >= 20,
        "the issue asks for at least 20 broken inputs"
    );
    for dir in dirs {
        let want = expected(&dir);
        assert!(
            !want.is_empty(),
            "{} marks no expected diagnostic",
            dir.display()
        );
        let (code, json) = check_json(&dir.join("assessment.yaml"), &[]);
        assert_eq!(code, 1, "{} must fail", dir.display());
        assert_eq!(reported(&json), want, "diagnostics of {}", dir.display());
    }
}

#[test]
fn invalid_fixture_messages_match_their_snapshots() {
    for dir in fixture_dirs("invalid") {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let path = dir.join("assessment.yaml").display().to_string();
        let (_, _, err) = run(&["check", &path]);
        insta::assert_snapshot!(name, err);
    }
}

#[test]
fn valid_fixtures_pass_cleanly() {
    for dir in fixture_dirs("valid") {
        let (code, json) = check_json(&dir.join("assessment.yaml"), &["--deny-warnings"]);
        assert_eq!(code, 0, "{}: {json:#}", dir.display());
        assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0));
    }
}

#[test]
fn warnings_pass_unless_denied() {
    for dir in fixture_dirs("warnings") {
        let assessment = dir.join("assessment.yaml");
        let (code, json) = check_json(&assessment, &[]);
        assert_eq!(code, 0, "warnings alone do not fail: {json:#}");
        assert_eq!(
            json["warnings"],
            json["diagnostics"].as_array().map(Vec::len).unwrap_or(0)
        );
        assert_eq!(reported(&json), expected(&dir));

        let (code, json) = check_json(&assessment, &["--deny-warnings"]);
        assert_eq!(code, 1, "--deny-warnings turns warnings into errors");
        assert_eq!(json["warnings"], 0);
        assert!(json["errors"].as_u64().unwrap_or(0) >= 1);
    }
}

#[test]
fn the_example_assessment_checks_clean() {
    let (code, json) = check_json(Path::new("assessments/northmoor.yaml"), &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["errors"], 0);
    let counts = &json["counts"];
    assert!(counts["services"].as_u64().unwrap_or(0) >= 35);
    assert!(counts["levels"].as_u64().unwrap_or(0) >= 6);
    assert!(counts["cohorts"].as_u64().unwrap_or(0) >= 14);
    assert!(counts["entry_points"].as_u64().unwrap_or(0) >= 8);
    assert!(counts["journeys"].as_u64().unwrap_or(0) >= 12);
    assert!(counts["findings"].as_u64().unwrap_or(0) >= 10);
    assert!(counts["actions"].as_u64().unwrap_or(0) >= 10);
}

#[test]
fn a_missing_assessment_file_is_a_clear_error() {
    let (code, _, err) = run(&["check", "tests/fixtures/no-such-file.yaml"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot read `tests/fixtures/no-such-file.yaml`: no such file"),
        "{err}"
    );
}

#[test]
fn bad_usage_exits_2() {
    let (code, _, err) = run(&["check", "--format", "xml", "a.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'xml'"), "{err}");
}

#[test]
fn init_scaffolds_an_assessment_that_checks_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("area");
    let target_text = target.display().to_string();
    let (code, out, err) = run(&["init", &target_text]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("next: needsmap check"), "{out}");
    let assessment = target.join("assessment.yaml");
    let (code, json) = check_json(&assessment, &["--deny-warnings"]);
    assert_eq!(code, 0, "the scaffold must pass check: {json:#}");
    assert_eq!(json["counts"]["journeys"], 1);

    // A second init refuses to overwrite the analyst's work.
    std::fs::write(&assessment, "schema: needsmap/v1\n# my edits\n").expect("write");
    let (code, _, err) = run(&["init", &target_text]);
    assert_eq!(code, 1);
    assert!(err.contains("already exists; nothing was written"), "{err}");
    let kept = std::fs::read_to_string(&assessment).expect("read");
    assert!(kept.contains("# my edits"));
}

/// A workspace (a folder with needsmap.toml) holding the minimal
/// assessment, and a file outside it.
fn workspace_with_outside_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().expect("tempdir");
    let ws = root.path().join("ws");
    std::fs::create_dir_all(ws.join("journeys")).expect("mkdir");
    std::fs::write(ws.join("needsmap.toml"), "").expect("write");
    let base =
        std::fs::read_to_string("tests/fixtures/valid/minimal/assessment.yaml").expect("fixture");
    std::fs::write(ws.join("assessment.yaml"), base).expect("write");
    std::fs::copy(
        "tests/fixtures/valid/minimal/journeys/j01.yaml",
        ws.join("journeys/j01.yaml"),
    )
    .expect("copy");
    std::fs::write(
        root.path().join("outside.yaml"),
        "findings:\n  - { id: f9, theme: data, text: Outside, source: Nowhere }\n",
    )
    .expect("write");
    (root, ws)
}

fn set_include(ws: &Path, include: &str) -> String {
    let path = ws.join("assessment.yaml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, format!("{text}include: [\"{include}\"]\n")).expect("write");
    path.display().to_string()
}

#[test]
fn paths_cannot_leave_the_workspace() {
    // `..` out of the workspace.
    let (_root, ws) = workspace_with_outside_file();
    let path = set_include(&ws, "../outside.yaml");
    let (code, json) = check_json(Path::new(&path), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        json["diagnostics"][0]["code"], "outside-workspace",
        "{json:#}"
    );
    assert!(
        json["diagnostics"][0]["hint"]
            .as_str()
            .unwrap_or("")
            .contains("--allow-outside")
    );
    let (code, json) = check_json(Path::new(&path), &["--allow-outside"]);
    assert_eq!(code, 0, "--allow-outside lets it through: {json:#}");

    // An absolute path.
    let (_root, ws) = workspace_with_outside_file();
    let outside = ws
        .parent()
        .expect("parent")
        .join("outside.yaml")
        .display()
        .to_string();
    let path = set_include(&ws, &outside);
    let (code, json) = check_json(Path::new(&path), &[]);
    assert_eq!(code, 1);
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("is absolute"),
        "{json:#}"
    );

    // A symlink inside the workspace that points out of it.
    let (_root, ws) = workspace_with_outside_file();
    std::os::unix::fs::symlink(
        ws.parent().expect("parent").join("outside.yaml"),
        ws.join("linked.yaml"),
    )
    .expect("symlink");
    let path = set_include(&ws, "linked.yaml");
    let (code, json) = check_json(Path::new(&path), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        json["diagnostics"][0]["code"], "outside-workspace",
        "{json:#}"
    );
}

#[test]
fn hostile_yaml_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A billion laughs: each alias doubles the one before.
    let mut bomb = String::from("schema: needsmap/v1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..30 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    let path = dir.path().join("bomb.yaml");
    std::fs::write(&path, bomb).expect("write");
    let (code, json) = check_json(&path, &[]);
    assert_eq!(code, 1);
    let message = json["diagnostics"][0]["message"].as_str().unwrap_or("");
    assert!(!message.is_empty(), "{json:#}");

    // Deep nesting.
    let deep = format!(
        "schema: needsmap/v1\nlevels: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    std::fs::write(&path, deep).expect("write");
    let (code, json) = check_json(&path, &[]);
    assert_eq!(code, 1, "{json:#}");
}

#[test]
fn an_oversized_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.yaml");
    let file = std::fs::File::create(&path).expect("create");
    // Sparse: the size is what counts, nothing is written.
    file.set_len(needsmap::model::load::MAX_FILE_BYTES + 1)
        .expect("set_len");
    let (code, json) = check_json(&path, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"][0]["code"], "file-too-large", "{json:#}");
    assert!(
        json["diagnostics"][0]["hint"]
            .as_str()
            .unwrap_or("")
            .contains("include")
    );
}

/// A workspace holding the minimal assessment with `journeys:` set to
/// `pattern`, and the folder its journeys live in.
fn workspace_with_journeys(pattern: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let root = tempfile::tempdir().expect("tempdir");
    let ws = root.path().to_path_buf();
    std::fs::write(ws.join("needsmap.toml"), "").expect("write");
    let base =
        std::fs::read_to_string("tests/fixtures/valid/minimal/assessment.yaml").expect("fixture");
    let base = base.replace("journeys: journeys/*.yaml", &format!("journeys: {pattern}"));
    std::fs::write(ws.join("assessment.yaml"), base).expect("write");
    let journeys = ws.join("journeys");
    std::fs::create_dir_all(&journeys).expect("mkdir");
    std::fs::copy(
        "tests/fixtures/valid/minimal/journeys/j01.yaml",
        journeys.join("j01.yaml"),
    )
    .expect("copy");
    (root, ws.join("assessment.yaml"), journeys)
}

#[test]
fn folder_symlink_loops_under_double_star_are_walked_once() {
    let (_root, assessment, journeys) = workspace_with_journeys("journeys/**/*.yaml");
    // Each link leads back to the folder it is in: glob::glob explored
    // 2^40 paths here before the kernel's symlink limit stopped it.
    std::os::unix::fs::symlink(".", journeys.join("here")).expect("symlink");
    std::os::unix::fs::symlink(".", journeys.join("here2")).expect("symlink");
    // A second name for the same journey file, and for the same folder.
    std::os::unix::fs::symlink("j01.yaml", journeys.join("j01-again.yaml")).expect("symlink");
    std::fs::create_dir(journeys.join("north")).expect("mkdir");
    let j02 = std::fs::read_to_string(journeys.join("j01.yaml"))
        .expect("read")
        .replace("id: j01", "id: j02");
    std::fs::write(journeys.join("north/j02.yaml"), j02).expect("write");
    std::os::unix::fs::symlink("north", journeys.join("north-again")).expect("symlink");

    let (code, json) = check_json(&assessment, &["--deny-warnings"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["counts"]["journeys"], 2, "each journey loads once");
    assert_eq!(json["counts"]["files"], 3);
}

#[test]
fn a_file_found_through_a_folder_symlink_is_shown_by_its_real_path() {
    let (_root, assessment, journeys) = workspace_with_journeys("journeys/**/*.yaml");
    std::os::unix::fs::symlink(".", journeys.join("here")).expect("symlink");
    let broken = std::fs::read_to_string(journeys.join("j01.yaml"))
        .expect("read")
        .replace("feeling: 1", "feeling: 9");
    std::fs::write(journeys.join("j01.yaml"), broken).expect("write");

    let (code, json) = check_json(&assessment, &[]);
    assert_eq!(code, 1);
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1, "{json:#}");
    let file = diagnostics[0]["file"].as_str().unwrap_or_default();
    assert!(
        file.ends_with("/journeys/j01.yaml") && !file.contains("here"),
        "{file}"
    );
}

#[test]
fn a_pattern_that_reaches_too_deep_is_an_error_at_its_line() {
    let (_root, assessment, journeys) = workspace_with_journeys("journeys/**/*.yaml");
    let deep = (0..40).fold(journeys.clone(), |p, i| p.join(format!("d{i}")));
    std::fs::create_dir_all(&deep).expect("mkdir");

    let (code, json) = check_json(&assessment, &[]);
    assert_eq!(code, 1, "{json:#}");
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "pattern-too-broad", "{json:#}");
    let text = std::fs::read_to_string(&assessment).expect("read");
    let line = text
        .lines()
        .position(|l| l.starts_with("journeys:"))
        .expect("journeys line")
        + 1;
    assert_eq!(d["line"], line as u64);
    assert_eq!(d["column"], 11);
    assert!(
        d["message"]
            .as_str()
            .unwrap_or_default()
            .contains("more than 32 folders deep"),
        "{d:#}"
    );
}

/// The minimal assessment with `north` listed `n` more times on its
/// localities line: `n` duplicate-id errors on one long line.
fn duplicated_localities(n: usize) -> (tempfile::TempDir, PathBuf) {
    let (root, assessment, _) = workspace_with_journeys("journeys/*.yaml");
    let text = std::fs::read_to_string(&assessment).expect("read");
    let many = ", north".repeat(n);
    let text = text.replace(
        "localities: [north, south]",
        &format!("localities: [north, south{many}]"),
    );
    std::fs::write(&assessment, text).expect("write");
    (root, assessment)
}

#[test]
fn thousands_of_diagnostics_on_one_long_line_stay_small() {
    let n = 3000;
    let (_root, assessment) = duplicated_localities(n);
    let path = assessment.display().to_string();

    let (code, _, err) = run(&["check", &path]);
    assert_eq!(code, 1);
    assert_eq!(
        err.matches("error[duplicate-id]").count(),
        100,
        "{err:.2000}"
    );
    assert!(
        err.contains("… and 2,900 more `duplicate-id` errors"),
        "{err:.2000}"
    );
    assert!(
        err.ends_with("failed: 3,000 errors, 0 warnings\n"),
        "{err:.2000}"
    );
    // Each printed line is cut around its column: about 1 KB a diagnostic,
    // not two copies of a 21 KB line.
    assert!(err.len() < 100 * 1024, "{} bytes printed", err.len());

    let (code, json) = check_json(&assessment, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["errors"], n);
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), n, "JSON lists every diagnostic");
    for d in diagnostics {
        let snippet = d["snippet"].as_str().expect("snippet");
        assert!(snippet.chars().count() <= 122, "{snippet}");
        // `snippet_column` is given where the line was cut before the column.
        let column = d["snippet_column"]
            .as_u64()
            .or(d["column"].as_u64())
            .expect("a column");
        let under: String = snippet.chars().skip(column as usize - 1).collect();
        assert!(under.starts_with("north"), "{d:#}");
    }

    // Commands that analyse print the same capped list and stop.
    let (code, _, err) = run(&["gaps", &path]);
    assert_eq!(code, 1);
    assert_eq!(err.matches("error[duplicate-id]").count(), 100);
    assert!(err.len() < 100 * 1024, "{} bytes printed", err.len());
    assert!(err.contains("failed: 3,000 errors in"), "{err:.2000}");
}

/// docs/diagnostics.md lists every code as `src/model/codes.rs` defines it.
#[test]
fn the_diagnostics_reference_lists_every_code() {
    let doc = std::fs::read_to_string("docs/diagnostics.md").expect("docs/diagnostics.md");
    let start = "<!-- diagnostic codes: from needsmap::model::diagnostic_codes_table() -->\n";
    let end = "<!-- end of diagnostic codes -->";
    let from = doc.find(start).expect("the reference marks its table") + start.len();
    let to = from + doc[from..].find(end).expect("and its end");
    assert_eq!(
        &doc[from..to],
        needsmap::model::diagnostic_codes_table(),
        "update docs/diagnostics.md's table from needsmap::model::diagnostic_codes_table()"
    );
}
