//! `needsmap build`: every document in every format, figures that trace to
//! the input in the PDF text, byte-identical rebuilds, template overrides
//! that change only their own part, and no half-written output.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::run;

const EXAMPLE: &str = "assessments/northmoor.yaml";

fn build(assessment: &str, out: &Path, extra: &[&str]) -> (u8, String, String) {
    let out_text = out.display().to_string();
    let mut args = vec!["build", assessment, "-o", &out_text];
    args.extend_from_slice(extra);
    run(&args)
}

fn pdf_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (apt-get install poppler-utils; .ci/run does)");
    assert!(
        output.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    // Words wrap across lines and pages: compare with whitespace collapsed.
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// A copy of the example assessment in a temporary workspace.
/// Each of `names` is the same in both output folders (or missing from both).
fn assert_unchanged(before: &Path, after: &Path, names: &[&str]) {
    for name in names {
        assert!(
            std::fs::read(before.join(name)).ok() == std::fs::read(after.join(name)).ok(),
            "{name} changed"
        );
    }
}

fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for sub in ["assessments/northmoor", "journeys/northmoor"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        for e in std::fs::read_dir(sub).expect("example") {
            let p = e.expect("entry").path();
            std::fs::copy(&p, dir.path().join(sub).join(p.file_name().expect("name")))
                .expect("copy");
        }
    }
    std::fs::copy(EXAMPLE, dir.path().join(EXAMPLE)).expect("copy");
    // Marks the workspace: the journeys sit beside assessments/, not in it.
    std::fs::write(dir.path().join("needsmap.toml"), "").expect("write");
    dir
}

#[test]
fn the_example_builds_every_document_and_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, stdout, err) = build(EXAMPLE, &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("public build"));
    for stem in [
        "needs-assessment",
        "safe-accommodation-strategy",
        "action-plan",
    ] {
        for ext in ["html", "pdf", "md", "typ"] {
            let f = out.join(format!("{stem}.{ext}"));
            assert!(
                f.metadata().map(|m| m.len() > 1000).unwrap_or(false),
                "{} missing or empty",
                f.display()
            );
        }
    }
    for f in [
        "gaps.json",
        "gaps.csv",
        "coverage.csv",
        "graph.dot",
        "action-plan.csv",
        "action-plan.xlsx",
        "charts/coverage.svg",
        "charts/levels.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let xlsx = std::fs::read(out.join("action-plan.xlsx")).expect("xlsx");
    assert_eq!(&xlsx[..2], b"PK", "an xlsx is a zip file");
    let plan = std::fs::read_to_string(out.join("action-plan.csv")).expect("csv");
    assert!(plan.lines().next().is_some_and(|h| h.starts_with(
        "Ref,Theme,Objective,Desired outcome,Action,Responsible lead,Timescale,Status"
    )));
    assert!(
        plan.lines().any(|l| l.starts_with("a01,")),
        "authored actions first"
    );
    assert!(
        plan.lines()
            .any(|l| l.starts_with("P") && l.ends_with(",yes")),
        "proposed actions marked"
    );
}

#[test]
fn the_pdfs_hold_the_headings_and_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(build(EXAMPLE, &out, &[]).0, 0);
    let na = pdf_text(&out.join("needs-assessment.pdf"));
    for expected in [
        "Contents",
        "Summary of key findings",
        "Prevalence and estimated demand",
        "Outcomes framework",
        "Appendix: sources and method",
        "Northmoor Metropolitan Borough Council",
        // 124,100 women × 9.5% (CSEW) = 11,790.
        "11,790",
        // The refuges' turn-aways judge their capacity; the benchmark is
        // in that gap's evidence.
        "could not take 118 referrals for lack of space",
        "the area has 12 refuge family places: 40% of the benchmark",
        "Page 4 of",
    ] {
        assert!(
            na.contains(expected),
            "needs assessment PDF lacks {expected:?}"
        );
    }
    let sa = pdf_text(&out.join("safe-accommodation-strategy.pdf"));
    for expected in [
        "Local need for support in safe accommodation",
        "Who is excluded or turned away",
        "Monitoring, review and reporting",
        "three-year period",
    ] {
        assert!(sa.contains(expected), "strategy PDF lacks {expected:?}");
    }
    let ap = pdf_text(&out.join("action-plan.pdf"));
    for expected in [
        "Agreed actions",
        "Proposed actions",
        "Gaps with no agreed action",
        "Responsible lead",
    ] {
        assert!(ap.contains(expected), "action plan PDF lacks {expected:?}");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert_eq!(build(EXAMPLE, &a, &[]).0, 0);
    assert_eq!(build(EXAMPLE, &b, &[]).0, 0);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.strip_prefix(&a).ok(), y.strip_prefix(&b).ok());
        assert!(
            std::fs::read(x).ok() == std::fs::read(y).ok(),
            "{} differs between builds",
            x.display()
        );
    }
}

#[test]
fn overriding_one_section_changes_only_that_section() {
    let ws = example_copy();
    let assessment = ws.path().join(EXAMPLE).display().to_string();
    let before = ws.path().join("before");
    assert_eq!(build(&assessment, &before, &["--no-pdf"]).0, 0);
    let sections = ws.path().join("assessments/templates/action-plan");
    std::fs::create_dir_all(&sections).expect("mkdir");
    let section = "templates/action-plan/agreed-actions.md";
    let original = std::fs::read_to_string(section).expect("built-in");
    std::fs::write(
        sections.join("agreed-actions.md"),
        original.replace("## Agreed actions", "## Actions the Board has agreed"),
    )
    .expect("write");
    let after = ws.path().join("after");
    assert_eq!(build(&assessment, &after, &["--no-pdf"]).0, 0);
    let changed = std::fs::read_to_string(after.join("action-plan.md")).expect("md");
    let unchanged = std::fs::read_to_string(before.join("action-plan.md")).expect("md");
    assert!(unchanged.contains("## Agreed actions"));
    assert_eq!(
        changed,
        unchanged.replace("## Agreed actions", "## Actions the Board has agreed"),
        "only the heading of the overridden section changes"
    );
    assert_unchanged(
        &before,
        &after,
        &[
            "needs-assessment.md",
            "needs-assessment.html",
            "safe-accommodation-strategy.md",
            "gaps.json",
        ],
    );
}

#[test]
fn a_template_naming_a_chart_that_does_not_exist_is_an_error() {
    let ws = example_copy();
    let assessment = ws.path().join(EXAMPLE).display().to_string();
    let templates = ws.path().join("assessments/templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    let original =
        std::fs::read_to_string("templates/needs-assessment/coverage.md").expect("built-in");
    assert!(original.contains("](chart:coverage)"));
    std::fs::create_dir_all(templates.join("needs-assessment")).expect("mkdir");
    std::fs::write(
        templates.join("needs-assessment/coverage.md"),
        original.replace("](chart:coverage)", "](chart:coverge)"),
    )
    .expect("write");
    let out = ws.path().join("out");
    let (code, _, err) = build(&assessment, &out, &["--no-pdf"]);
    assert_eq!(code, 1, "an empty figure must not be published: {err}");
    assert!(
        err.contains("templates/needs-assessment/coverage.md:")
            && err.contains("no chart `coverge`")
            && err.contains("did you mean `coverage`?"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let ws = example_copy();
    let assessment = ws.path().join(EXAMPLE).display().to_string();
    let out = ws.path().join("out");
    assert_eq!(build(&assessment, &out, &["--no-pdf"]).0, 0);
    let before: Vec<_> = files(&out)
        .iter()
        .map(|f| (f.clone(), std::fs::read(f).expect("read")))
        .collect();
    let templates = ws.path().join("assessments/templates");
    std::fs::create_dir_all(&templates).expect("mkdir");
    std::fs::write(
        templates.join("needs-assessment.md"),
        "# {{ title }\n{% for x in %}",
    )
    .expect("write");
    let (code, _, err) = build(&assessment, &out, &["--no-pdf"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("needs-assessment.md"),
        "the error names the template: {err}"
    );
    assert!(err.contains("is unchanged"), "{err}");
    let after: Vec<_> = files(&out)
        .iter()
        .map(|f| (f.clone(), std::fs::read(f).expect("read")))
        .collect();
    assert!(before == after, "outputs changed after a failed build");
    let leftovers: Vec<_> = std::fs::read_dir(ws.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".out."))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder left behind");
}

#[test]
fn html_is_self_contained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(build(EXAMPLE, &out, &["--no-pdf"]).0, 0);
    let html = std::fs::read_to_string(out.join("needs-assessment.html")).expect("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"en-GB\">"));
    assert!(
        html.contains("<svg") && html.contains("<figcaption>"),
        "charts inline"
    );
    // A contents list, and every link in the page lands on something.
    assert!(html.contains("<nav class=\"contents\""));
    let targets: Vec<&str> = html
        .split("href=\"#")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').expect("closing quote")])
        .collect();
    assert!(targets.len() > 10, "{} links", targets.len());
    for t in targets {
        assert!(html.contains(&format!("id=\"{t}\"")), "#{t} goes nowhere");
    }
    for external in ["src=\"http", "href=\"http", "<link ", "<script"] {
        assert!(
            !html.contains(external),
            "the HTML must not load {external}"
        );
    }
}

/// Text only internal material holds: internal journeys (j05, j13), an
/// internal finding, a service's internal notes, an internal journey source
/// and an internal step note.
const INTERNAL_CANARIES: &[&str] = &[
    "Amara, 20s",
    "Gemma, 20s",
    "spousal visa",
    "j05",
    "j13",
    "hand back the Brighter Days contract",
    "rent shortfall",
    "R. Patel",
    "she did not know she had been referred",
    "not told about the MARAC referral",
];

/// Every part of a workbook (a zip of XML files), unpacked and joined, so
/// text in any sheet or in the shared strings can be searched.
fn xlsx_text(path: &Path) -> String {
    use std::io::Read;
    let file = std::fs::File::open(path).expect("xlsx");
    let mut zip = zip::ZipArchive::new(file).expect("an xlsx is a zip");
    let mut text = String::new();
    for i in 0..zip.len() {
        zip.by_index(i)
            .expect("part")
            .read_to_string(&mut text)
            .expect("XML parts are UTF-8");
    }
    assert!(text.contains("<sheetData"), "unpacked {}", path.display());
    text
}

#[test]
fn workbook_text_is_searchable() {
    // So the canary test could see a leak into the action tracker.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .write_string(3, 2, INTERNAL_CANARIES[0])
        .expect("write");
    book.save(&path).expect("save");
    assert!(xlsx_text(&path).contains(INTERNAL_CANARIES[0]));
}

fn all_text(out: &Path) -> Vec<(PathBuf, String)> {
    files(out)
        .into_iter()
        .map(|f| {
            let text = if f.extension().is_some_and(|e| e == "pdf") {
                pdf_text(&f)
            } else if f.extension().is_some_and(|e| e == "xlsx") {
                xlsx_text(&f)
            } else {
                String::from_utf8_lossy(&std::fs::read(&f).expect("read")).into_owned()
            };
            (f, text)
        })
        .collect()
}

#[test]
fn a_public_build_holds_nothing_from_internal_journeys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let public = dir.path().join("public");
    assert_eq!(build(EXAMPLE, &public, &[]).0, 0);
    for (file, text) in all_text(&public) {
        for canary in INTERNAL_CANARIES {
            assert!(
                !text.contains(canary),
                "{} leaks {canary:?}",
                file.display()
            );
        }
    }
    // The same text is there in an internal build, so the test can fail.
    let internal = dir.path().join("internal");
    let (code, stdout, _) = build(EXAMPLE, &internal, &["--internal"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("internal (not for publication)"));
    let everything: String = all_text(&internal).into_iter().map(|(_, t)| t).collect();
    for canary in INTERNAL_CANARIES {
        assert!(
            everything.contains(canary),
            "internal build lacks {canary:?}"
        );
    }
    assert!(everything.contains("INTERNAL: not for publication"));
    // The PDF says so on its cover, where a reader looks first.
    let pdf = pdf_text(&internal.join("needs-assessment.pdf"));
    assert!(
        pdf.contains("INTERNAL: not for publication"),
        "the internal PDF's cover must say it is internal"
    );
    // And so does every page after it, in its header.
    let pages = pdf.matches("Page ").count();
    assert!(
        pdf.matches("INTERNAL: not for publication").count() >= pages,
        "every page of an internal PDF says it is internal"
    );
}

#[test]
fn small_counts_are_shown_as_fewer_than_five() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(build(EXAMPLE, &out, &["--no-pdf"]).0, 0);
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("md");
    assert!(md.contains("fewer than 5"));
    let out3 = dir.path().join("out3");
    assert_eq!(
        build(EXAMPLE, &out3, &["--no-pdf", "--suppress-below", "3"]).0,
        0
    );
    let md3 = std::fs::read_to_string(out3.join("needs-assessment.md")).expect("md");
    assert!(md3.contains("fewer than 3") && !md3.contains("fewer than 5"));
}

#[test]
fn user_text_cannot_inject_markup_in_any_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, err) = build(
        "tests/fixtures/valid/hostile-names/assessment.yaml",
        &out,
        &[],
    );
    assert_eq!(code, 0, "{err}");
    for f in [
        "needs-assessment.html",
        "action-plan.html",
        "safe-accommodation-strategy.html",
    ] {
        let html = std::fs::read_to_string(out.join(f)).expect("html");
        assert!(
            !html.contains("<script") && !html.contains("<b>bold") && !html.contains("<i>test"),
            "{f} lets markup through"
        );
    }
    let html = std::fs::read_to_string(out.join("needs-assessment.html")).expect("html");
    assert!(
        html.contains(
            "IDVA &lt;script&gt;alert('x')&lt;/script&gt; #set page(width: 1cm) ] [ $x$ // *b* _i_"
        ),
        "the name shows as text"
    );
    for svg in files(&out.join("charts")) {
        let text = std::fs::read_to_string(&svg).expect("svg");
        assert!(
            !text.contains("<script"),
            "{} lets markup through",
            svg.display()
        );
        roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{} is not well-formed: {e}", svg.display()));
    }
    // In the PDF the names read literally: nothing was interpreted as Typst.
    let pdf = pdf_text(&out.join("needs-assessment.pdf"));
    assert!(
        pdf.contains("#set page(width: 1cm) ] [ $x$ // *b* _i_"),
        "Typst markup in a name must print literally"
    );
    // The provider wraps inside a narrow table cell, so check its parts.
    assert!(pdf.contains("#strong[Injected]") && pdf.contains("<b>bold</b> | pipe"));
    assert!(pdf.contains("Hostile ] #pagebreak() names <i>test</i>"));
}

#[test]
fn the_action_plan_document_and_tracker_propose_the_same_actions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(build(EXAMPLE, &out, &["--no-pdf"]).0, 0);
    let mut csv = csv::Reader::from_path(out.join("action-plan.csv")).expect("csv");
    let proposed: Vec<String> = csv
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| r.get(9) == Some("yes"))
        .map(|r| r.get(0).unwrap_or("").to_owned())
        .collect();
    assert!(!proposed.is_empty());
    let expected: Vec<String> = (1..=proposed.len()).map(|n| format!("P{n}")).collect();
    assert_eq!(
        proposed, expected,
        "proposed actions are numbered without holes"
    );
    let md = std::fs::read_to_string(out.join("action-plan.md")).expect("md");
    for r in &proposed {
        assert!(
            md.contains(&format!("| {r} |")),
            "{r} is in the tracker but not the document"
        );
    }
    assert!(!md.contains(&format!("| P{} |", proposed.len() + 1)));
}

/// The body rows of the Markdown table whose header row starts with
/// `| first`, cells trimmed and bold marks removed.
fn md_table(md: &str, first: &str) -> Vec<Vec<String>> {
    let header = format!("| {first}");
    let start = md
        .lines()
        .position(|l| l.starts_with(&header))
        .unwrap_or_else(|| panic!("no table starting {header}"));
    md.lines()
        .skip(start + 2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().trim_matches('*').to_owned())
                .collect()
        })
        .collect()
}

/// Whether a reader of one published column (cells, then the total row)
/// could narrow any "fewer than 5" count below 1 to 4, assuming the cells
/// add up to the total (`exact`) or to at least it (journeys in several
/// cohorts). "not shown" counts are 5 or more, else they would say so, and
/// at most their row's ceiling when it is shown (`caps`, e.g. visits).
fn column_gives_a_small_count_away(column: &[String], caps: &[Option<i64>], exact: bool) -> bool {
    let (total, cells) = column.split_last().expect("a totals row");
    let Ok(total) = total.replace(',', "").parse::<i64>() else {
        return false; // the total is hidden: nothing to subtract from
    };
    let small = cells.iter().filter(|c| *c == "fewer than 5").count() as i64;
    let not_shown = cells.iter().filter(|c| *c == "not shown").count() as i64;
    let shown: i64 = cells
        .iter()
        .filter_map(|c| c.replace(',', "").parse::<i64>().ok())
        .sum();
    let rest = total - shown;
    if small == 0 {
        return false;
    }
    let most = rest - (small - 1) - 5 * not_shown;
    // What the hidden "not shown" counts can take up at most, if bounded.
    let ceilings: Option<i64> = cells
        .iter()
        .enumerate()
        .filter(|(_, c)| *c == "not shown")
        .map(|(i, _)| caps.get(i).copied().flatten())
        .sum();
    let least = match ceilings {
        None => 1,
        Some(c) => rest - 4 * (small - 1) - c,
    };
    (exact && most < 4) || least > 1
}

/// Both journey tables of a needs assessment: journeys by service add up to
/// their totals; by cohort they add up to at least them. Refusals,
/// retellings and drop-outs at a service are at most its visits.
fn assert_no_column_gives_a_small_count_away(md: &str) {
    for (first, exact) in [("Service | Visits", true), ("Cohort | Journeys", false)] {
        let rows = md_table(md, first);
        let body = &rows[..rows.len() - 1];
        let visits: Vec<Option<i64>> = body
            .iter()
            .map(|r| r[1].replace(',', "").parse().ok())
            .collect();
        for k in 1..rows[0].len() {
            let column: Vec<String> = rows.iter().map(|r| r[k].clone()).collect();
            let caps = if exact && k > 1 { &visits[..] } else { &[][..] };
            assert!(
                !column_gives_a_small_count_away(&column, caps, exact),
                "{first} table, column {k}: {column:?}"
            );
        }
    }
}

#[test]
fn a_hidden_count_cannot_be_worked_out_from_a_total() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = "tests/fixtures/valid/disclosure/assessment.yaml";
    let (public, internal) = (dir.path().join("public"), dir.path().join("internal"));
    assert_eq!(build(fixture, &public, &["--no-pdf"]).0, 0);
    assert_eq!(build(fixture, &internal, &["--no-pdf", "--internal"]).0, 0);
    let read = |d: &Path| std::fs::read_to_string(d.join("needs-assessment.md")).expect("md");
    let (md, md_internal) = (read(&public), read(&internal));

    // Ten journeys, counted but not published: 10 at the police, 7 at the
    // IDVA service, 3 at outreach (in name order in the public table).
    let visits = |md: &str| -> Vec<String> {
        md_table(md, "Service | Visits")
            .into_iter()
            .map(|r| r[1].clone())
            .collect()
    };
    assert_eq!(visits(&md_internal), ["10", "7", "3", "20"]);
    // The 3 is hidden; the 7 too, or 20 - 10 - 7 would give the 3 away.
    assert_eq!(
        visits(&md),
        ["not shown", "fewer than 5", "10", "20"],
        "secondary suppression by service"
    );
    let journeys = |md: &str| -> Vec<String> {
        md_table(md, "Cohort | Journeys")
            .into_iter()
            .map(|r| r[1].clone())
            .collect()
    };
    assert_eq!(journeys(&md_internal), ["1", "9", "10"]);
    assert_eq!(journeys(&md), ["fewer than 5", "not shown", "10"]);
    assert!(md.contains("\"Not shown\": hidden so that a count of fewer than 5"));

    // No column of either table in either document gives a count away.
    assert_no_column_gives_a_small_count_away(&md);
    // The chart maps only the journeys published one by one: none here.
    let chart = std::fs::read_to_string(public.join("charts/touchpoints.svg")).expect("svg");
    assert!(!chart.contains("n="));
}

#[test]
fn the_example_publishes_no_count_a_total_gives_away() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(build(EXAMPLE, &out, &["--no-pdf"]).0, 0);
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("md");
    assert!(md_table(&md, "Service | Visits").len() > 5);
    assert_no_column_gives_a_small_count_away(&md);
    // Refusals are totalled in both tables; hidden in one, hidden in both.
    let total = |first: &str, k: usize| md_table(&md, first).last().expect("total")[k].clone();
    assert_eq!(
        total("Service | Visits", 3),
        total("Cohort | Journeys", 3),
        "refusals"
    );
}

#[test]
fn the_threshold_can_be_set_in_the_assessment_and_overridden() {
    let ws = tempfile::tempdir().expect("tempdir");
    let fixture = "tests/fixtures/valid/disclosure";
    std::fs::create_dir_all(ws.path().join("journeys")).expect("mkdir");
    for e in std::fs::read_dir(format!("{fixture}/journeys")).expect("journeys") {
        let p = e.expect("entry").path();
        std::fs::copy(
            &p,
            ws.path()
                .join("journeys")
                .join(p.file_name().expect("name")),
        )
        .expect("copy");
    }
    let text = std::fs::read_to_string(format!("{fixture}/assessment.yaml")).expect("read");
    let text = text.replace(
        "  localities: [north, south]\n",
        "  localities: [north, south]\n  suppress_below: 2\n",
    );
    assert!(text.contains("suppress_below: 2"));
    let file = ws.path().join("assessment.yaml");
    std::fs::write(&file, text).expect("write");
    let file = file.display().to_string();

    let (code, _, err) = run(&["check", &file]);
    assert_eq!(code, 0);
    assert!(err.contains("warning[weak-suppression]"), "{err}");
    let out = ws.path().join("out");
    assert_eq!(build(&file, &out, &["--no-pdf"]).0, 0);
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("md");
    assert!(md.contains("| Outreach | 3 |") && md.contains("fewer than 2"));
    let out = ws.path().join("out5");
    assert_eq!(
        build(&file, &out, &["--no-pdf", "--suppress-below", "5"]).0,
        0
    );
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("md");
    assert!(md.contains("| Outreach | fewer than 5 |"));
}

/// The partnership's logo beside the assessment goes on every cover and web
/// page; one outside the workspace (through a symbolic link) is refused.
#[test]
fn the_logo_beside_the_assessment_goes_on_the_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().join("work");
    std::fs::create_dir_all(work.join("templates")).expect("dirs");
    std::fs::write(work.join("needsmap.toml"), "").expect("workspace");
    std::fs::copy(
        "tests/fixtures/gaps/no-provision/trigger/assessment.yaml",
        work.join("assessment.yaml"),
    )
    .expect("assessment");
    let logo = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#1d4f91\"/></svg>";
    std::fs::write(work.join("templates/logo.svg"), logo).expect("logo");
    let assessment = work.join("assessment.yaml").display().to_string();
    let out = dir.path().join("out");
    let (code, _, err) = build(&assessment, &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("logo.svg")).expect("logo copied"),
        logo
    );
    let html = std::fs::read_to_string(out.join("needs-assessment.html")).expect("html");
    assert!(
        html.contains("<img class=\"logo\" src=\"logo.svg\" alt=\""),
        "no logo in the page"
    );
    let typ = std::fs::read_to_string(out.join("needs-assessment.typ")).expect("typ");
    assert!(typ.contains("#image(\"logo.svg\""), "no logo on the cover");

    // A logo that is a link to a file outside the workspace is refused.
    let outside = dir.path().join("elsewhere.svg");
    std::fs::write(&outside, logo).expect("outside");
    std::fs::remove_file(work.join("templates/logo.svg")).expect("remove");
    std::os::unix::fs::symlink(&outside, work.join("templates/logo.svg")).expect("symlink");
    let (code, _, err) = build(&assessment, &dir.path().join("out2"), &["--no-pdf"]);
    assert_ne!(code, 0);
    assert!(err.contains("outside the assessment's workspace"), "{err}");

    // A logo that is not what its name says is refused, naming the file,
    // before anything is written.
    std::fs::remove_file(work.join("templates/logo.svg")).expect("remove");
    for (name, bytes) in [
        ("logo.png", b"GIF89a not a png".as_slice()),
        (
            "logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"".as_slice(),
        ),
        ("logo.svg", b"\xff\xfe\x00binary".as_slice()),
    ] {
        let _ = std::fs::remove_file(work.join("templates/logo.svg"));
        let _ = std::fs::remove_file(work.join("templates/logo.png"));
        std::fs::write(work.join("templates").join(name), bytes).expect("logo");
        let out3 = dir.path().join("out3");
        let (code, _, err) = build(&assessment, &out3, &["--no-pdf"]);
        assert_ne!(code, 0, "{name}: {bytes:?}");
        assert!(
            err.contains(&format!("templates/{name}: the logo")),
            "{err}"
        );
        assert!(!out3.exists(), "{name}: something was written");
    }
}

/// Word files are written when asked (`--docx`), and the listing says
/// how to ask; drafts can skip the PDFs as well.
#[test]
fn word_files_only_when_asked_and_drafts_skip_the_pdfs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("draft");
    let (code, stdout, err) = build(EXAMPLE, &out, &["--no-pdf"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("action-plan.html").is_file());
    assert!(!out.join("action-plan.docx").exists());
    assert!(!out.join("action-plan.pdf").exists());
    assert!(
        stdout.contains("Action plan: action-plan.html, action-plan.md\n"),
        "{stdout}"
    );
    assert!(stdout.contains("--docx also writes"), "{stdout}");
    let out = dir.path().join("word");
    let (code, stdout, err) = build(EXAMPLE, &out, &["--no-pdf", "--docx"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("action-plan.docx").is_file());
    assert!(
        stdout.contains("action-plan.html, action-plan.docx, action-plan.md"),
        "{stdout}"
    );
    assert!(!stdout.contains("--docx also writes"), "{stdout}");
}

/// The annual return's figures come from what services record of demand
/// (`service_data`), by type of relevant accommodation, and LibreOffice
/// reads the workbook back; without such records there is no workbook,
/// and the strategy says in one sentence why there are no figures.
#[test]
fn the_annual_return_is_written_when_services_record_demand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, err) = build(EXAMPLE, &out, &["--no-pdf"]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(out.join("annual-return.csv")).expect("csv");
    // The example's refuge record: 212 referrals, 31 supported, 12 from
    // outside, 181 not supported (118 for lack of space); no risk figure.
    assert!(
        csv.contains(
            "2025-26,Refuge accommodation,2,9,16,1,212,31,12,181,118,29,21,not recorded,8,5,"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("Sanctuary scheme,1,110,not recorded,0,"),
        "{csv}"
    );
    let lo = dir.path().join("lo");
    common::libreoffice_convert(&[&out.join("annual-return.xlsx")], "csv", &lo, dir.path());
    let back = std::fs::read_to_string(lo.join("annual-return.csv")).expect("converted");
    assert!(
        back.contains("Refuge accommodation,2,9,16,1,212,31,12,181,118"),
        "{back}"
    );
    let strategy =
        std::fs::read_to_string(out.join("safe-accommodation-strategy.md")).expect("strategy");
    assert!(
        strategy.contains("| Refuge accommodation | 9 | 16 | 31 | 181 | 118 |"),
        "{strategy}"
    );

    let sparse = dir.path().join("norfolk");
    let (code, _, err) = build(
        "tests/fixtures/real/norfolk-2021/assessment.yaml",
        &sparse,
        &["--no-pdf"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!sparse.join("annual-return.xlsx").exists());
    let strategy =
        std::fs::read_to_string(sparse.join("safe-accommodation-strategy.md")).expect("strategy");
    assert!(
        strategy.contains("so this strategy cannot give the figures of the annual return to MHCLG"),
        "{strategy}"
    );
}

/// The routes appendix has a row for each place referrals lead to, with
/// every place that refers there (and a route's conditions) in it: one
/// row a route repeated each destination's name some 200 times.
#[test]
fn the_routes_appendix_lists_each_destination_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, err) = build(EXAMPLE, &out, &["--no-pdf"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("md");
    let appendix = &md[md.find("## Appendix: referral routes").expect("appendix")..];
    let appendix = &appendix[..appendix.find("## Appendix: sources").expect("next")];
    let marac = "| Northmoor MARAC (Multi-Agency Risk Assessment Conference) |";
    assert_eq!(appendix.matches(marac).count(), 1, "{appendix}");
    assert!(
        appendix.contains(&format!(
            "{marac} Northmoor Police (999 and 101 response) (DASH 14+ yes answers"
        )),
        "{appendix}"
    );
}

/// `templates --export` writes every template, sections in their document's
/// folder, and the exported set used as overrides gives the same documents.
#[test]
fn exported_templates_rebuild_the_same_documents() {
    let ws = example_copy();
    let assessment = ws.path().join(EXAMPLE).display().to_string();
    let before = ws.path().join("before");
    assert_eq!(build(&assessment, &before, &["--no-pdf"]).0, 0);
    let templates = ws.path().join("assessments/templates");
    let (code, out, err) = run(&["templates", "--export", &templates.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("needs-assessment/gaps.md"), "{out}");
    assert!(templates.join("action-plan/cover.md").is_file());
    let after = ws.path().join("after");
    assert_eq!(build(&assessment, &after, &["--no-pdf"]).0, 0);
    assert_unchanged(
        &before,
        &after,
        &[
            "needs-assessment.md",
            "safe-accommodation-strategy.md",
            "action-plan.md",
        ],
    );
}

/// A build's gaps.json and `needsmap gaps --format json` are one shape,
/// with what the analysis cannot judge (`unknowns`) in both.
#[test]
fn gaps_json_is_the_same_from_build_and_from_gaps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, err) = build(EXAMPLE, &out, &["--no-pdf", "--internal"]);
    assert_eq!(code, 0, "{err}");
    let built: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("gaps.json")).expect("gaps.json"))
            .expect("json");
    let (code, printed, err) = run(&["gaps", "--format", "json", EXAMPLE]);
    assert_eq!(code, 0, "{err}");
    let printed: serde_json::Value = serde_json::from_str(&printed).expect("json");
    assert!(built["unknowns"].as_array().is_some_and(|u| !u.is_empty()));
    assert_eq!(built, printed);
}

/// A section override that does not render is named in the error, not the
/// built-in document template that includes it.
#[test]
fn a_broken_section_override_is_the_file_named() {
    let ws = example_copy();
    let assessment = ws.path().join(EXAMPLE).display().to_string();
    let sections = ws.path().join("assessments/templates/needs-assessment");
    std::fs::create_dir_all(&sections).expect("mkdir");
    std::fs::write(
        sections.join("gaps.md"),
        "## Gaps\n\n{{ no_such_variable }}\n",
    )
    .expect("write");
    let out = ws.path().join("out");
    let (code, _, err) = build(&assessment, &out, &["--no-pdf"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("templates/needs-assessment/gaps.md:") && err.contains("no_such_variable"),
        "{err}"
    );
    assert!(!err.contains("built-in template"), "{err}");
    assert!(!out.exists(), "nothing written");
}
