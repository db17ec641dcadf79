//! What needsmap says reads as English: one of a thing is singular, a value
//! that is not a number is not called negative, a period that ends on its
//! first day is not said to end before it starts, and an empty event log
//! is called empty.

mod common;
use common::run;

const ONE_OF_EACH: &str = "tests/fixtures/wording/one-of-each/assessment.yaml";

fn assert_says(text: &str, wanted: &[&str], not: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "`{w}` missing from:\n{text}");
    }
    for n in not {
        assert!(!text.contains(n), "`{n}` found in:\n{text}");
    }
}

#[test]
fn check_counts_one_of_a_thing_in_the_singular() {
    let (code, out, err) = run(&["check", ONE_OF_EACH]);
    assert_eq!(code, 0, "{err}");
    assert_says(
        &out,
        &[
            "1 level, 1 cohort, 1 entry point, 1 service, 0 pathways, 0 indicators, 1 finding, 1 action, 1 journey (",
        ],
        &["1 levels", "1 journeys"],
    );
}

#[test]
fn a_journey_map_counts_one_refusal_and_one_retelling_in_the_singular() {
    let dir = tempfile::tempdir().expect("tempdir");
    let svg_dir = dir.path().display().to_string();
    let (code, _, err) = run(&["journeys", ONE_OF_EACH, "--svg", &svg_dir]);
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(dir.path().join("j01.svg")).expect("journey map");
    assert_says(
        &svg,
        &[
            "3 steps over 1 day through ",
            "story retold 1 time; 1 refusal;",
        ],
        &["1 times", "1 refusals", "1 days"],
    );
}

#[test]
fn the_needs_assessment_counts_one_of_a_thing_in_the_singular() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out_text = out.display().to_string();
    let (code, _, err) = run(&["build", ONE_OF_EACH, "-o", &out_text, "--no-pdf"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("markdown");
    assert_says(
        &md,
        &[
            "It maps 1 service across 1 level of need for 1 cohort",
            "looks at 1 locality:",
            "the story was retold 1 time; 1 refusal; first support after 1 day;",
        ],
        &["1 times", "1 refusals", "1 days", "1 services", "1 levels"],
    );
}

#[test]
fn a_value_that_is_not_a_number_is_not_called_negative() {
    let (code, _, err) = run(&[
        "check",
        "tests/fixtures/invalid/not-a-number/assessment.yaml",
    ]);
    assert_eq!(code, 1);
    assert_says(
        &err,
        &[
            "prevalence of `women` is .nan, which is not a number",
            "capacity.per_year is .nan, which is not a number",
            "funding amount is .inf, which is infinite",
        ],
        &["NaN", "inf, which is negative"],
    );
}

#[test]
fn a_period_that_ends_on_its_first_day_is_not_said_to_end_before_it_starts() {
    let (code, _, err) = run(&[
        "check",
        "tests/fixtures/invalid/period-ends-on-start-day/assessment.yaml",
    ]);
    assert_eq!(code, 1);
    assert_says(
        &err,
        &["the period ends on the day it starts (2026-04-01)"],
        &["before it starts"],
    );
}

#[test]
fn funding_for_one_day_is_a_valid_date_range() {
    let (code, _, err) = run(&[
        "check",
        "tests/fixtures/wording/one-day-funding/assessment.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("bad-period"), "{err}");
}

#[test]
fn an_empty_event_log_is_called_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [("empty.csv", ""), ("blank.csv", "\n\n")] {
        let log = dir.path().join(name);
        std::fs::write(&log, text).expect("write");
        let (code, _, err) = run(&["events", &log.display().to_string()]);
        assert_eq!(code, 1, "{name}");
        assert_says(
            &err,
            &["the log is empty: there is no header row"],
            &["the columns are ;", "no column"],
        );
    }
}

/// A two-tier county names its district councils in the area profile.
#[test]
fn a_two_tier_area_names_its_councils() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out_text = out.display().to_string();
    let (code, _, err) = run(&[
        "build",
        "tests/fixtures/real/norfolk-2021/assessment.yaml",
        "-o",
        &out_text,
        "--no-pdf",
    ]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("markdown");
    assert_says(
        &md,
        &[
            "It covers the areas of 7 councils: Breckland District Council, Broadland District Council,",
        ],
        &[],
    );
}

/// A document's title never doubles up with the assessment's: a title that
/// names the strategy is the strategy's own, and the needs assessment is
/// named for the area instead.
#[test]
fn titles_do_not_double_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out_text = out.display().to_string();
    let norfolk = "tests/fixtures/real/norfolk-2021/assessment.yaml";
    let (code, _, err) = run(&["build", norfolk, "-o", &out_text, "--no-pdf"]);
    assert_eq!(code, 0, "{err}");
    let first_line = |f: &str| {
        std::fs::read_to_string(out.join(f))
            .expect("markdown")
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        first_line("safe-accommodation-strategy.md"),
        "# Domestic Abuse - Norfolk's Support in Safe Accommodation Strategy 2021/2024"
    );
    assert_eq!(
        first_line("needs-assessment.md"),
        "# Needs assessment: Norfolk 2021-2024"
    );
    assert_eq!(
        first_line("action-plan.md"),
        "# Action plan: Norfolk 2021-2024"
    );
    let html = std::fs::read_to_string(out.join("safe-accommodation-strategy.html")).expect("html");
    assert!(
        !html.contains("Safe accommodation strategy: Domestic Abuse"),
        "the title doubles up"
    );
}

/// A chart with nothing recorded to draw is not printed as an empty box:
/// with no units or refuge places recorded (Norfolk's strategy gives
/// none), the strategy says so in a sentence; the example draws its chart.
#[test]
fn an_empty_provision_chart_is_a_sentence_instead() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (case, charted) in [
        ("tests/fixtures/real/norfolk-2021/assessment.yaml", false),
        ("assessments/northmoor.yaml", true),
    ] {
        let out = dir.path().join(if charted { "a" } else { "b" });
        let (code, _, err) = run(&["build", case, "-o", &out.display().to_string(), "--no-pdf"]);
        assert_eq!(code, 0, "{err}");
        let md = std::fs::read_to_string(out.join("safe-accommodation-strategy.md")).expect("md");
        assert_eq!(md.contains("(charts/accommodation.svg)"), charted, "{case}");
        assert_eq!(
            md.contains("so provision is not charted"),
            !charted,
            "{case}"
        );
    }
}
