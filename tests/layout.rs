//! The PDFs as a reader sees them: no two words overprint each other, no
//! text runs off the page and none prints too small to read, on the
//! example and on every real case (sparse input), in all three documents.
//!
//! Word boxes come from poppler's `pdftotext -bbox-layout`, which sees the
//! text of tables and of the charts (drawn as text, not paths). Two words
//! overprint when their boxes overlap by more than a sliver: text that
//! overflows its table cell lands on the next cell's words, and a chart
//! label on its neighbour.

use std::path::Path;
use std::process::Command;

mod common;
#[path = "common/scale.rs"]
mod scale;
use common::run;

/// One word on a page, in PDF points from the top left.
#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

impl Word {
    fn area(&self) -> f64 {
        (self.x1 - self.x0) * (self.y1 - self.y0)
    }

    /// Do the boxes overlap by more than a tenth of the smaller one? Words
    /// set side by side touch or overlap by a hair (kerning, italics);
    /// overprinted ones overlap by much more.
    fn overprints(&self, o: &Word) -> bool {
        let w = self.x1.min(o.x1) - self.x0.max(o.x0);
        let h = self.y1.min(o.y1) - self.y0.max(o.y0);
        w > 0.5 && h > 0.5 && w * h > 0.1 * self.area().min(o.area())
    }
}

struct Page {
    width: f64,
    words: Vec<Word>,
}

/// The value of `name="…"` in an XML start tag.
fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).expect("attribute") + key.len();
    let end = start + tag[start..].find('"').expect("closing quote");
    tag[start..end].parse().expect("a number")
}

fn pages(pdf: &Path) -> Vec<Page> {
    let out = Command::new("pdftotext")
        .arg("-bbox-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (apt-get install poppler-utils; .ci/test does)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let xml = String::from_utf8_lossy(&out.stdout);
    let mut pages = Vec::new();
    for chunk in xml.split("<page ").skip(1) {
        let head = &chunk[..chunk.find('>').expect("page tag")];
        let mut page = Page {
            width: attr(head, "width"),
            words: Vec::new(),
        };
        for w in chunk.split("<word ").skip(1) {
            let close = w.find('>').expect("word tag");
            let tag = &w[..close];
            let text = &w[close + 1..w.find("</word>").expect("word end")];
            page.words.push(Word {
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
                text: text.to_owned(),
            });
        }
        pages.push(page);
    }
    pages
}

/// The smallest type anything prints at, in points: charts and journey maps
/// scaled to the page included. (The pathway figures hold 7 pt: below.)
const SMALLEST_TYPE: f64 = 6.0;

/// A word's box is about this many times its type size in Libertinus Serif.
const BOX_PER_POINT: f64 = 1.1;

/// Every overprint, every word past the page's edge and every word too
/// small to read, as readable lines.
fn layout_problems(pdf: &Path) -> Vec<String> {
    let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
    let mut problems = Vec::new();
    for (p, page) in pages(pdf).iter().enumerate() {
        let mut words = page.words.clone();
        words.sort_by(|a, b| a.y0.total_cmp(&b.y0));
        for (i, a) in words.iter().enumerate() {
            if a.y1 - a.y0 < SMALLEST_TYPE * BOX_PER_POINT {
                problems.push(format!(
                    "{name} p.{}: `{}` prints at {:.1} pt",
                    p + 1,
                    a.text,
                    (a.y1 - a.y0) / BOX_PER_POINT
                ));
            }
            if a.x1 > page.width - 20.0 || a.x0 < 20.0 {
                problems.push(format!(
                    "{name} p.{}: `{}` runs off the page",
                    p + 1,
                    a.text
                ));
            }
            // Sorted by top edge: only words starting above `a`'s bottom
            // can overlap it.
            for b in words[i + 1..].iter().take_while(|b| b.y0 < a.y1) {
                if a.overprints(b) {
                    problems.push(format!(
                        "{name} p.{}: `{}` and `{}` overprint",
                        p + 1,
                        a.text,
                        b.text
                    ));
                }
            }
        }
    }
    problems
}

fn assert_pdfs_lay_out(assessment: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["build", assessment, "-o", &out.display().to_string()]);
    assert_eq!(code, 0, "{assessment}: {err}");
    let mut problems = Vec::new();
    for doc in [
        "needs-assessment",
        "safe-accommodation-strategy",
        "action-plan",
    ] {
        problems.extend(layout_problems(&out.join(format!("{doc}.pdf"))));
    }
    assert!(
        problems.is_empty(),
        "{assessment}: {} layout problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_example_lays_out_without_overprint() {
    assert_pdfs_lay_out("assessments/northmoor.yaml");
}

#[test]
fn every_real_case_lays_out_without_overprint() {
    let mut cases: Vec<_> = std::fs::read_dir("tests/fixtures/real")
        .expect("tests/fixtures/real")
        .map(|e| e.expect("entry").path().join("assessment.yaml"))
        .filter(|p| p.is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 3);
    for case in cases {
        assert_pdfs_lay_out(&case.display().to_string());
    }
}

/// The pathway figures are the picture this tool exists to draw: one a
/// level of need, their names at 7 pt or more when printed.
#[test]
fn pathway_figures_print_at_seven_points_or_more() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "build",
        "assessments/northmoor.yaml",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let pages = pages(&out.join("needs-assessment.pdf"));
    let figures: Vec<&Page> = pages
        .iter()
        .filter(|p| {
            p.words
                .windows(2)
                .any(|w| w[0].text == "Refers" && w[1].text == "in")
        })
        .collect();
    assert!(figures.len() >= 7, "a figure per level: {}", figures.len());
    for page in figures {
        let smallest = page
            .words
            .iter()
            .map(|w| w.y1 - w.y0)
            .fold(f64::MAX, f64::min);
        assert!(
            smallest >= 7.0 * 1.1,
            "a word prints at {:.1} pt",
            smallest / 1.1
        );
    }
}

/// A long journey is drawn in parts of at most nine steps, each on a
/// landscape page with its labels at 7 pt or more; one map of 23 steps
/// would set them at 4 pt.
#[test]
fn long_journeys_print_at_seven_points_or_more() {
    let dir = tempfile::tempdir().expect("tempdir");
    let assessment = scale::example_with_long_journey(dir.path(), 23);
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "build",
        &assessment.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let pages = pages(&out.join("needs-assessment.pdf"));
    let maps: Vec<&Page> = pages
        .iter()
        .filter(|p| p.words.iter().any(|w| w.text == "j99:"))
        .filter(|p| p.words.iter().any(|w| w.text == "Step"))
        .collect();
    assert_eq!(maps.len(), 3, "23 steps in three parts");
    for page in maps {
        let smallest = page
            .words
            .iter()
            .map(|w| w.y1 - w.y0)
            .fold(f64::MAX, f64::min);
        assert!(
            smallest >= 7.0 * 1.1,
            "a word prints at {:.1} pt",
            smallest / 1.1
        );
    }
    assert!(out.join("charts/journey-j99--3.svg").is_file());
}

#[test]
fn the_check_sees_overprinted_words() {
    let word = |x0: f64, text: &str| Word {
        x0,
        y0: 100.0,
        x1: x0 + 40.0,
        y1: 110.0,
        text: text.to_owned(),
    };
    assert!(word(100.0, "accommodation").overprints(&word(120.0, "floating")));
    // Set side by side, touching: not an overprint.
    assert!(!word(100.0, "safe").overprints(&word(140.2, "accommodation")));
}
