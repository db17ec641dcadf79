//! Input at scale stays bounded: a thousand survivor journeys build, with a
//! sample of them told one by one and evidence that names a few journeys
//! and counts the rest; a finding of megabytes is refused by `check` where
//! it is written, and `build` writes nothing. (How long these take is the
//! business of `cargo bench --bench scale`, never of a test.)

use std::path::Path;

mod common;
#[path = "common/scale.rs"]
mod scale;

use common::run;
use needsmap::check::MAX_TEXT_CHARS;
use needsmap::render::MAX_JOURNEY_SECTIONS;

fn build(assessment: &Path, out: &Path) -> (u8, String, String) {
    let (a, o) = (assessment.display().to_string(), out.display().to_string());
    run(&["build", &a, "-o", &o, "--no-pdf"])
}

fn journey_maps(out: &Path) -> usize {
    std::fs::read_dir(out.join("charts"))
        .expect("charts")
        .filter(|e| {
            let name = e.as_ref().expect("entry").file_name();
            name.to_string_lossy().starts_with("journey-")
        })
        .count()
}

#[test]
fn a_thousand_journeys_build_with_a_sample_told_one_by_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let assessment = scale::example_with_journeys(dir.path(), 1000);
    let out = dir.path().join("out");
    let (code, _, err) = build(&assessment, &out);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("md");
    assert_eq!(md.matches("\n### Journey ").count(), MAX_JOURNEY_SECTIONS);
    assert_eq!(
        journey_maps(&out),
        MAX_JOURNEY_SECTIONS,
        "a map per section only"
    );
    assert!(
        md.contains(&format!(
            "This document tells {MAX_JOURNEY_SECTIONS} of the "
        )),
        "the document says it shows a sample"
    );
    // Spread to the end: the sample's last is among the last journeys.
    assert!(md.contains("### Journey g00991"), "sample reaches the end");
    // Evidence quoting hundreds of journeys ran to lines of 50,000
    // characters, repeated in several tables of every document.
    for doc in [
        "needs-assessment",
        "safe-accommodation-strategy",
        "action-plan",
    ] {
        let text = std::fs::read_to_string(out.join(format!("{doc}.md"))).expect("md");
        let longest = text.lines().map(str::len).max().unwrap_or(0);
        assert!(longest < 5_000, "{doc}.md has a line of {longest} bytes");
    }
    let gaps = std::fs::read_to_string(out.join("gaps.csv")).expect("gaps.csv");
    assert!(
        gaps.contains("So were "),
        "refusals past the first few are counted"
    );
    assert!(
        gaps.contains(" more, went from "),
        "routes name a few journeys"
    );
}

#[test]
fn the_example_tells_every_journey() {
    let dir = tempfile::tempdir().expect("tempdir");
    let assessment = scale::example_with_journeys(dir.path(), 15);
    let out = dir.path().join("out");
    let (code, _, err) = build(&assessment, &out);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("md");
    // Two of the fifteen are for internal use only.
    assert_eq!(md.matches("\n### Journey ").count(), 13);
    assert_eq!(journey_maps(&out), 13);
    assert!(!md.contains("This document tells"), "no sample to explain");
}

#[test]
fn a_ten_megabyte_finding_is_refused_where_it_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let assessment = scale::example_with_long_finding(dir.path(), 10 << 20);
    let findings = dir.path().join("assessments/northmoor/findings.yaml");
    let text = std::fs::read_to_string(&findings).expect("findings");
    // The text starts three lines below the finding's id.
    let id_line = text
        .lines()
        .position(|l| l == "  - id: f-long")
        .expect("the long finding");
    let line = id_line + 4;
    let a = assessment.display().to_string();
    let (code, _, err) = run(&["check", &a]);
    assert_eq!(code, 1, "{err}");
    let head = &err[..err.len().min(2000)];
    assert!(
        head.contains("error[text-too-long]: finding `f-long`'s `text` is 10,"),
        "{head}"
    );
    assert!(head.contains(&format!("findings.yaml:{line}:7")), "{head}");
    let limit = needsmap::gaps::number(MAX_TEXT_CHARS as f64);
    assert!(
        head.contains(&format!("at most {limit} characters")),
        "{head}"
    );
    let out = dir.path().join("out");
    let (code, _, err) = build(&assessment, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("text-too-long"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(!out.exists(), "nothing written");
}
