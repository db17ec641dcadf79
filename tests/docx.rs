//! The Word documents as Word and LibreOffice read them: headings in
//! order in Word's own heading styles, tables whose header rows repeat,
//! pictures with alt text, the same bytes on every build, and a file
//! LibreOffice converts to PDF keeping the headings and the figures. On
//! the example and on every real case (sparse input).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

mod common;
use common::run;

const DOCUMENTS: [&str; 3] = [
    "needs-assessment",
    "safe-accommodation-strategy",
    "action-plan",
];

fn build(assessment: &str, out: &Path) {
    let out = out.display().to_string();
    let (code, _, err) = run(&["build", assessment, "-o", &out, "--docx", "--no-pdf"]);
    assert_eq!(code, 0, "{assessment}: {err}");
}

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir("tests/fixtures/real")
        .expect("tests/fixtures/real")
        .map(|e| e.expect("entry").path().join("assessment.yaml"))
        .filter(|p| p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    cases.sort();
    cases.insert(0, "assessments/northmoor.yaml".to_owned());
    cases
}

/// The XML parts of a package, by name.
fn parts(docx: &Path) -> BTreeMap<String, String> {
    let file = std::fs::File::open(docx).expect("docx");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let name = f.name().expect("a name").to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut text = String::new();
            f.read_to_string(&mut text).expect("UTF-8 XML");
            out.insert(name, text);
        }
    }
    out
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Headings of the Word body: (level from its style, text).
fn word_headings(document: &str) -> Vec<(usize, String)> {
    let doc = roxmltree::Document::parse(document).expect("document.xml is XML");
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .filter_map(|p| {
            let style = p
                .descendants()
                .find(|n| n.has_tag_name((W, "pStyle")))?
                .attribute((W, "val"))?;
            let level: usize = style.strip_prefix("Heading")?.parse().ok()?;
            let text: String = p
                .descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|n| n.text())
                .collect();
            Some((level, text))
        })
        .collect()
}

/// Headings of the Markdown as the Word body has them: without the title,
/// one level up, none from the parts shown only on the web.
fn markdown_headings(markdown: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut html_only = false;
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Html(h) if h.trim() == "<!-- html-only -->" => html_only = true,
            Event::Html(h) if h.trim() == "<!-- end html-only -->" => html_only = false,
            Event::Start(Tag::Heading { level, .. }) if !html_only => {
                // HeadingLevel's discriminants are its depths (H1 = 1).
                current = Some((level as usize, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut current {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((depth, text)) = current.take() {
                    out.push((depth, text));
                }
            }
            _ => {}
        }
    }
    // The title is the cover's, and the rest move up a level.
    out.into_iter()
        .skip(1)
        .map(|(d, t)| ((d - 1).clamp(1, 4), t))
        .collect()
}

#[test]
fn headings_come_in_order_in_word_heading_styles() {
    for case in cases() {
        let out = tempfile::tempdir().expect("tempdir");
        build(&case, out.path());
        for doc in DOCUMENTS {
            let p = parts(&out.path().join(format!("{doc}.docx")));
            let md = std::fs::read_to_string(out.path().join(format!("{doc}.md"))).expect("md");
            let word = word_headings(&p["word/document.xml"]);
            let expected = markdown_headings(&md);
            assert!(!expected.is_empty(), "{case} {doc}: no headings");
            assert_eq!(word, expected, "{case} {doc}");
            // Word knows the styles as its own: the navigation pane and a
            // contents field read "heading 1" with its outline level.
            let styles = &p["word/styles.xml"];
            for n in 1..=4 {
                assert!(
                    styles.contains(&format!(
                        "w:styleId=\"Heading{n}\"><w:name w:val=\"heading {n}\"/>"
                    )),
                    "{doc}: heading {n}"
                );
            }
        }
    }
}

#[test]
fn tables_repeat_their_headers_and_pictures_have_alt_text() {
    for case in cases() {
        let out = tempfile::tempdir().expect("tempdir");
        build(&case, out.path());
        for doc in DOCUMENTS {
            let p = parts(&out.path().join(format!("{doc}.docx")));
            let xml = roxmltree::Document::parse(&p["word/document.xml"]).expect("XML");
            let tables: Vec<_> = xml
                .descendants()
                .filter(|n| n.has_tag_name((W, "tbl")))
                .collect();
            for t in &tables {
                let first = t
                    .children()
                    .find(|n| n.has_tag_name((W, "tr")))
                    .expect("a row");
                assert!(
                    first
                        .descendants()
                        .any(|n| n.has_tag_name((W, "tblHeader"))),
                    "{case} {doc}: a table without a repeating header row"
                );
            }
            let pictures: Vec<_> = xml
                .descendants()
                .filter(|n| n.tag_name().name() == "docPr")
                .collect();
            for pic in &pictures {
                let alt = pic.attribute("descr").unwrap_or("");
                assert!(
                    !alt.trim().is_empty(),
                    "{case} {doc}: a picture without alt text"
                );
            }
            if case.contains("northmoor") && doc == "needs-assessment" {
                assert!(tables.len() > 10, "{} tables", tables.len());
                assert!(pictures.len() > 5, "{} pictures", pictures.len());
            }
            // Every picture the document names is in the package.
            let rels = &p["word/_rels/document.xml.rels"];
            for target in rels.split("Target=\"media/").skip(1) {
                let name = &target[..target.find('"').expect("quote")];
                let file = std::fs::File::open(out.path().join(format!("{doc}.docx"))).unwrap();
                let mut zip = zip::ZipArchive::new(file).unwrap();
                assert!(zip.by_name(&format!("word/media/{name}")).is_ok(), "{name}");
            }
        }
    }
}

#[test]
fn a_rebuild_writes_the_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    build("assessments/northmoor.yaml", a.path());
    build("assessments/northmoor.yaml", b.path());
    for doc in DOCUMENTS {
        let name = format!("{doc}.docx");
        let (x, y) = (
            std::fs::read(a.path().join(&name)).unwrap(),
            std::fs::read(b.path().join(&name)).unwrap(),
        );
        assert!(x == y, "{name} differs between two builds");
    }
}

/// LibreOffice's PDF of each Word file, as text (whitespace collapsed).
fn libreoffice_text(docx: &[PathBuf], dir: &Path) -> Vec<String> {
    let files: Vec<&Path> = docx.iter().map(PathBuf::as_path).collect();
    common::libreoffice_convert(&files, "pdf", dir, dir);
    docx.iter()
        .map(|d| {
            let pdf = dir.join(d.with_extension("pdf").file_name().expect("name"));
            assert!(pdf.is_file(), "LibreOffice wrote no {}", pdf.display());
            let out = Command::new("pdftotext")
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext (apt-get install poppler-utils)");
            assert!(out.status.success());
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The figures a document's tables give: every cell that is a number
/// ("12", "£2,400,000", "38%").
fn table_figures(markdown: &str) -> Vec<String> {
    let mut figures = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::Text(t) => {
                if let Some(c) = &mut cell {
                    c.push_str(&t);
                }
            }
            Event::End(TagEnd::TableCell) => {
                let c = cell.take().unwrap_or_default();
                let c = c.trim();
                let numeric = c.chars().any(|ch| ch.is_ascii_digit())
                    && c.chars()
                        .all(|ch| ch.is_ascii_digit() || ",.£%".contains(ch));
                if numeric {
                    figures.push(c.to_owned());
                }
            }
            _ => {}
        }
    }
    figures
}

#[test]
fn libreoffice_opens_them_with_their_headings_and_figures() {
    for case in [
        "assessments/northmoor.yaml",
        "tests/fixtures/real/norfolk-2021/assessment.yaml",
    ] {
        let out = tempfile::tempdir().expect("tempdir");
        build(case, &out.path().join("out"));
        let docx: Vec<PathBuf> = DOCUMENTS
            .iter()
            .map(|d| out.path().join("out").join(format!("{d}.docx")))
            .collect();
        let texts = libreoffice_text(&docx, out.path());
        for (doc, text) in DOCUMENTS.iter().zip(&texts) {
            let md = std::fs::read_to_string(out.path().join("out").join(format!("{doc}.md")))
                .expect("md");
            for (_, heading) in markdown_headings(&md) {
                let heading = heading.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    text.contains(&heading),
                    "{case} {doc}: heading {heading:?} missing"
                );
            }
            let figures = table_figures(&md);
            for f in &figures {
                assert!(
                    text.contains(f.as_str()),
                    "{case} {doc}: figure {f} missing"
                );
            }
            if case.contains("northmoor") && *doc == "needs-assessment" {
                assert!(figures.len() > 10, "{doc}: {} figures", figures.len());
            }
        }
    }
}
