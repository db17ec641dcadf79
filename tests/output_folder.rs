//! `build -o OUT` replaces only needsmap's own earlier output: every folder
//! that holds anything else (the user's files, the assessment, the
//! workspace), an existing file, a symbolic link and a read-only folder are
//! refused with exit 1 and left exactly as they were.

use std::path::{Path, PathBuf};

mod common;
use common::run;

const EXAMPLE: &str = "assessments/northmoor.yaml";
const MARKER: &str = ".needsmap-output";

/// A copy of the example in a temporary workspace (a `.git` folder marks it,
/// as in a user's clone), one level inside a temporary folder of its own so
/// that "a folder above the workspace" is ours too: a test of a refusal that
/// failed would delete only its own temporary files.
struct Workspace {
    outer: tempfile::TempDir,
}

impl Workspace {
    fn path(&self) -> PathBuf {
        self.outer.path().join("ws")
    }
}

fn workspace() -> Workspace {
    let outer = tempfile::tempdir().expect("tempdir");
    let dir = outer.path().join("ws");
    for sub in ["assessments/northmoor", "journeys/northmoor"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
        for e in std::fs::read_dir(sub).expect("example") {
            let p = e.expect("entry").path();
            std::fs::copy(&p, dir.join(sub).join(p.file_name().expect("name"))).expect("copy");
        }
    }
    std::fs::copy(EXAMPLE, dir.join(EXAMPLE)).expect("copy");
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
    Workspace { outer }
}

fn build(ws: &Path, out: &Path) -> (u8, String, String) {
    let assessment = ws.join(EXAMPLE).display().to_string();
    let out = out.display().to_string();
    run(&["build", &assessment, "-o", &out, "--no-pdf"])
}

/// Every file under `dir` with its bytes, to compare before and after.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for e in std::fs::read_dir(&at).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p.clone());
                found.push((p, Vec::new()));
            } else {
                let bytes = std::fs::read(&p).expect("read");
                found.push((p, bytes));
            }
        }
    }
    found.sort();
    found
}

fn assert_refused(ws: &Path, out: &Path, says: &str) {
    let before = snapshot(ws);
    let (code, stdout, err) = build(ws, out);
    assert_eq!(code, 1, "refused: {stdout}{err}");
    assert!(err.contains(says), "the error says `{says}`: {err}");
    assert!(err.contains("hint:"), "the error says how to go on: {err}");
    assert!(snapshot(ws) == before, "nothing in the workspace changed");
}

#[test]
fn a_folder_of_the_users_files_is_refused_and_kept() {
    let ws = workspace();
    let precious = ws.path().join("precious");
    std::fs::create_dir_all(precious.join("sub")).expect("mkdir");
    std::fs::write(precious.join("keep.txt"), "important").expect("write");
    assert_refused(&ws.path(), &precious, "keep.txt, sub/");
}

#[test]
fn the_assessments_own_folder_is_refused() {
    let ws = workspace();
    assert_refused(
        &ws.path(),
        &ws.path().join("assessments"),
        "this run's own input",
    );
}

#[test]
fn the_workspace_root_is_refused() {
    let ws = workspace();
    assert_refused(&ws.path(), &ws.path(), "this run's own input");
}

#[test]
fn a_folder_above_the_workspace_is_refused() {
    let ws = workspace();
    let outer = ws.outer.path().to_path_buf();
    std::fs::write(outer.join("other.txt"), "not needsmap's").expect("write");
    let before = snapshot(&outer);
    let (code, _, err) = build(&ws.path(), &outer);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("this run's own input"), "{err}");
    assert!(
        snapshot(&outer) == before,
        "nothing above the workspace changed"
    );
    // The workspace named with `..` is the workspace still.
    let roundabout = ws.path().join("assessments/../../ws");
    assert_refused(&ws.path(), &roundabout, "this run's own input");
}

#[test]
fn an_existing_file_is_refused() {
    let ws = workspace();
    let notes = ws.path().join("notes.txt");
    std::fs::write(&notes, "my notes").expect("write");
    assert_refused(&ws.path(), &notes, "is a file, not a folder");
    assert_eq!(std::fs::read_to_string(&notes).expect("read"), "my notes");
}

#[test]
fn a_symbolic_link_is_refused() {
    let ws = workspace();
    let target = ws.path().join("real-out");
    std::fs::create_dir(&target).expect("mkdir");
    let link = ws.path().join("out");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    assert_refused(&ws.path(), &link, "symbolic link");
}

#[test]
fn a_read_only_output_is_an_error_not_a_silent_swap() {
    use std::os::unix::fs::PermissionsExt;
    let ws = workspace();
    let out = ws.path().join("out");
    assert_eq!(build(&ws.path(), &out).0, 0);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    assert_refused(&ws.path(), &out, "is read-only");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    // A read-only file inside is someone's too.
    let page = out.join("action-plan.md");
    std::fs::set_permissions(&page, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    assert_refused(&ws.path(), &out, "action-plan.md is read-only");
}

#[test]
fn an_earlier_output_is_replaced_and_carries_the_marker() {
    let ws = workspace();
    let out = ws.path().join("out");
    let (code, stdout, err) = build(&ws.path(), &out);
    assert_eq!(code, 0, "{err}");
    let marker = std::fs::read_to_string(out.join(MARKER)).expect("marker");
    assert!(
        marker.lines().any(|l| l == "needs-assessment.html"),
        "{marker}"
    );
    assert!(
        !stdout.contains(".pdf"),
        "--no-pdf names no PDF in its summary: {stdout}"
    );
    std::fs::write(out.join("needs-assessment.html"), "stale").expect("write");
    assert_eq!(
        build(&ws.path(), &out).0,
        0,
        "an earlier output is replaced"
    );
    let page = std::fs::read_to_string(out.join("needs-assessment.html")).expect("read");
    assert_ne!(page, "stale");
}

#[test]
fn a_file_added_to_an_earlier_output_stops_the_build() {
    let ws = workspace();
    let out = ws.path().join("out");
    assert_eq!(build(&ws.path(), &out).0, 0);
    std::fs::write(out.join("board-notes.docx"), "my edits").expect("write");
    assert_refused(&ws.path(), &out, "board-notes.docx");
}

#[test]
fn an_empty_folder_is_used() {
    let ws = workspace();
    let out = ws.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    assert_eq!(build(&ws.path(), &out).0, 0);
    assert!(out.join("needs-assessment.html").is_file());
}

#[test]
fn staging_folders_left_by_a_killed_build_are_removed() {
    let ws = workspace();
    let out = ws.path().join("out");
    assert_eq!(build(&ws.path(), &out).0, 0);
    // What a build killed half-way leaves: its staging folder (marker first)
    // and the old output it had moved aside. A pid above any pid_max is gone.
    let staged = ws.path().join(".out.new-4294967290");
    std::fs::create_dir(&staged).expect("mkdir");
    std::fs::write(staged.join(MARKER), "needs-assessment.html\n").expect("write");
    let moved = ws.path().join(".out.old-4294967291");
    std::fs::create_dir(&moved).expect("mkdir");
    std::fs::write(moved.join(MARKER), "").expect("write");
    // Named alike but not needsmap's: kept.
    let theirs = ws.path().join(".out.new-4294967292");
    std::fs::create_dir(&theirs).expect("mkdir");
    std::fs::write(theirs.join("mine.txt"), "mine").expect("write");
    assert_eq!(build(&ws.path(), &out).0, 0);
    assert!(!staged.exists() && !moved.exists(), "leftovers removed");
    assert!(
        theirs.join("mine.txt").exists(),
        "a folder without the marker is kept"
    );
}

#[test]
fn journey_maps_replace_only_their_own_folder() {
    let ws = workspace();
    let assessment = ws.path().join(EXAMPLE).display().to_string();
    let maps = ws.path().join("maps");
    let maps_text = maps.display().to_string();
    let (code, _, err) = run(&["journeys", &assessment, "--svg", &maps_text]);
    assert_eq!(code, 0, "{err}");
    assert!(maps.join(MARKER).is_file() && maps.join("touchpoints.svg").is_file());
    assert_eq!(
        run(&["journeys", &assessment, "--svg", &maps_text]).0,
        0,
        "its own folder is replaced"
    );
    let notes = ws.path().join("notes");
    std::fs::create_dir(&notes).expect("mkdir");
    std::fs::write(notes.join("interview.txt"), "mine").expect("write");
    let notes_text = notes.display().to_string();
    let (code, _, err) = run(&["journeys", &assessment, "--svg", &notes_text]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("interview.txt"), "{err}");
    assert_eq!(
        std::fs::read_to_string(notes.join("interview.txt")).expect("read"),
        "mine"
    );
}
