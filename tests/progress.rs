//! `needsmap progress`: last year's edition against this year's.

mod common;
use common::run;

const BEFORE: &str = "tests/fixtures/progress/2026/assessment.yaml";
const AFTER: &str = "tests/fixtures/progress/2027/assessment.yaml";

fn progress_json(before: &str, after: &str) -> serde_json::Value {
    let (code, out, err) = run(&["progress", before, after, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON")
}

fn ids(list: &serde_json::Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|g| g["id"].as_str().expect("id"))
        .collect()
}

#[test]
fn a_year_of_change_is_reported() {
    let p = progress_json(BEFORE, AFTER);
    // Outreach took men on: their early help gap closed, and a1 had named it.
    assert_eq!(ids(&p["gaps"]["closed"]), ["no-provision/men/early-help"]);
    assert_eq!(p["gaps"]["closed"][0]["addressed_by"][0], "a1");
    // Outreach's new grant ends mid-strategy: a new gap, which a2 names.
    assert_eq!(ids(&p["gaps"]["opened"]), ["funding-cliff/outreach"]);
    assert_eq!(p["gaps"]["opened"][0]["addressed_by"][0], "a2");
    // Capacity and the dead end at outreach are data gaps now (no level
    // share of need, no journey ending there), not gaps; and men and women
    // whose high-risk provision is only in the north share one gap
    assert_eq!(p["gaps"]["still_open"].as_array().expect("list").len(), 3);

    let moved: Vec<(&str, &str)> = p["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            (
                a["id"].as_str().expect("id"),
                a["moved"].as_str().expect("moved"),
            )
        })
        .collect();
    assert_eq!(moved, [("a1", "completed"), ("a2", "new")]);

    let indicators = p["indicators"].as_array().expect("indicators");
    assert_eq!(indicators[0]["direction"], "improving");
    assert_eq!(indicators[0]["target_met"], true);
    assert_eq!(indicators[0]["latest"]["after"][1], 1250.0);
    // Lower is better for repeat referrals, and they rose.
    assert_eq!(indicators[1]["direction"], "worsening");
}

#[test]
fn the_report_reads_as_a_board_paper() {
    let (code, out, err) = run(&["progress", BEFORE, AFTER]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn an_edition_against_itself_shows_no_change() {
    let example = "assessments/northmoor.yaml";
    let p = progress_json(example, example);
    assert!(p["gaps"]["closed"].as_array().expect("list").is_empty());
    assert!(p["gaps"]["opened"].as_array().expect("list").is_empty());
    assert!(p["gaps"]["still_open"].as_array().expect("list").len() > 30);
    assert!(
        p["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .all(|a| a["moved"] == "unchanged")
    );
}

#[test]
fn a_broken_edition_stops_the_comparison() {
    let broken = "tests/fixtures/invalid/unknown-cohort/assessment.yaml";
    let (code, out, err) = run(&["progress", BEFORE, broken]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "nothing is compared: {out}");
    assert!(err.contains("error[unknown-reference]") && err.contains("nothing was analysed"));
}

#[test]
fn a_public_report_leaves_out_internal_journeys() {
    let example = "assessments/northmoor.yaml";
    let evidence = |extra: &[&str]| -> String {
        let mut args = vec!["progress", example, example, "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        let p: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        p["gaps"]["still_open"]
            .as_array()
            .expect("list")
            .iter()
            .map(|g| g["evidence"].as_str().expect("evidence").to_owned())
            .collect()
    };
    // j05, an internal journey, was refused at a refuge that excludes
    // survivors with no recourse to public funds.
    assert!(evidence(&["--internal"]).contains("an unpublished journey was refused"));
    assert!(!evidence(&[]).contains("unpublished"));
}

#[test]
fn the_action_plan_opens_with_progress_since_the_last_edition() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out_text = out.display().to_string();
    let (code, _, err) = run(&["build", AFTER, "--previous", BEFORE, "-o", &out_text]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(out.join("action-plan.md")).expect("md");
    assert!(md.contains("## Progress since the last edition"));
    assert!(
        md.contains("| a1 | Train officers | Police | 2027-03 | On track | Done | completed |")
    );
    assert!(md.contains("| no-provision/men/early-help | low | a1 |"));
    let pdf = std::process::Command::new("pdftotext")
        .arg(out.join("action-plan.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&pdf.stdout);
    assert!(text.contains("Progress since the last edition") && text.contains("Gaps closed"));
    // Without --previous there is no such section.
    let plain = dir.path().join("plain");
    let plain_text = plain.display().to_string();
    assert_eq!(run(&["build", AFTER, "-o", &plain_text, "--no-pdf"]).0, 0);
    let md = std::fs::read_to_string(plain.join("action-plan.md")).expect("md");
    assert!(!md.contains("Progress since"));
}

#[test]
fn a_broken_previous_edition_stops_the_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out_text = out.display().to_string();
    let broken = "tests/fixtures/invalid/unknown-cohort/assessment.yaml";
    let (code, _, err) = run(&["build", AFTER, "--previous", broken, "-o", &out_text]);
    assert_eq!(code, 1);
    assert!(err.contains("error[unknown-reference]"), "{err}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn small_counts_are_withheld_from_a_public_report() {
    let p = progress_json(BEFORE, AFTER);
    let stalking = &p["indicators"][2];
    assert_eq!(stalking["id"], "stalking-referrals");
    // 3 referrals in 2025: fewer than 5, so not in the public report.
    assert!(stalking["latest"]["before"].is_null());
    assert_eq!(stalking["withheld"]["before"], true);
    assert_eq!(stalking["latest"]["after"][1], 7.0);
    let (_, md, _) = run(&["progress", BEFORE, AFTER]);
    assert!(md.contains("| Referrals to stalking advocacy | fewer than 5 | 7 (2026) |"));
    let (_, internal, _) = run(&["progress", BEFORE, AFTER, "--internal"]);
    assert!(internal.contains("| Referrals to stalking advocacy | 3 (2025) | 7 (2026) |"));
}

/// The example in a temporary workspace, `edit` applied to each file's
/// text (path relative to the workspace, text).
fn example_edition(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("needsmap.toml"), "").expect("workspace marker");
    for sub in ["assessments", "assessments/northmoor", "journeys/northmoor"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        for e in std::fs::read_dir(sub).expect("example") {
            let path = e.expect("entry").path();
            if path.is_dir() {
                continue;
            }
            let rel = path.display().to_string();
            let text = std::fs::read_to_string(&path).expect("read");
            std::fs::write(dir.path().join(&rel), edit(&rel, text)).expect("write");
        }
    }
    dir
}

#[test]
fn consent_withdrawn_since_last_year_is_respected() {
    // Last year Amara's account (j05) could be published; this year it is
    // internal, and the refuges no longer turn away survivors with no
    // recourse to public funds, so the gap her refusal evidenced closed.
    let last = example_edition(|rel, text| {
        if rel.contains("j05") {
            text.replace("consent: internal", "consent: publish")
        } else {
            text
        }
    });
    let this = example_edition(|rel, text| {
        if rel.ends_with("services.yaml") {
            text.replace(
                "excludes: [substance-misuse, nrpf]",
                "excludes: [substance-misuse]",
            )
        } else {
            text
        }
    });
    let file = |d: &tempfile::TempDir| {
        d.path()
            .join("assessments/northmoor.yaml")
            .display()
            .to_string()
    };
    let closed = |extra: &[&str]| -> String {
        let (before, after) = (file(&last), file(&this));
        let mut args = vec!["progress", &before, &after, "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        let p: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let gap = p["gaps"]["closed"]
            .as_array()
            .expect("list")
            .iter()
            .find(|g| g["id"] == "exclusion/women/nrpf/refuge")
            .expect("the NRPF refuge gap closed")
            .clone();
        gap["evidence"].as_str().expect("evidence").to_owned()
    };
    assert!(closed(&["--internal"]).contains("journey j05"));
    assert!(!closed(&[]).contains("j05"), "{}", closed(&[]));
}
