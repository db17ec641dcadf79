use std::collections::BTreeMap;
use std::io::Read;

use super::*;

const CHART: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><text x="10" y="20">Refuge</text></svg>"#;

fn chart() -> Png {
    crate::render::raster::png(CHART).unwrap()
}

fn cover<'a>(logo: Option<&'a Png>) -> Cover<'a> {
    Cover {
        title: "Needs assessment: Northmoor 2026-2029",
        short_title: "Needs assessment",
        area: "Northmoor Metropolitan Borough",
        area_short: "Northmoor",
        subtitle: "Draft for the board",
        partnership: Some("Northmoor Domestic Abuse Partnership"),
        period: "2026-04-01 to 2029-03-31",
        version: Some("1.2"),
        published: Some("2026-06-01"),
        logo,
        logo_alt: "Northmoor Domestic Abuse Partnership logo",
        colour: "#1d4f91",
        internal: false,
    }
}

/// The parts of a package, by name.
fn parts(docx: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(
            f.name().unwrap().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        );
    }
    out
}

const BODY: &str = "# Summary\n\nThe area has **three** refuges and a [report](https://example.org/r).\n\n## Gaps\n\n- one\n- two\n\n1. first\n2. second\n\n| Service | Beds |\n| --- | ---: |\n| Refuge | 12 |\n\n![Coverage by level](chart:coverage)\n\n<!-- landscape -->\n\n# Action plan\n\n| Action | Status |\n| --- | --- |\n| Fund | <span class=\"rag rag-green\">On track</span> |\n\n<!-- portrait -->\n\n<!-- html-only -->\n\n![Whole system](chart:pathways)\n\n<!-- end html-only -->\n\n> A survivor's words.\n";

fn build(internal: bool) -> Vec<u8> {
    let mut charts = BTreeMap::new();
    charts.insert("coverage".to_owned(), CHART.to_owned());
    charts.insert("pathways".to_owned(), CHART.to_owned());
    let logo = chart();
    let mut c = cover(Some(&logo));
    c.internal = internal;
    document(&c, BODY, &charts).unwrap()
}

#[test]
fn every_part_is_well_formed_xml() {
    for (name, text) in parts(&build(false)) {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        }
    }
}

#[test]
fn headings_take_word_styles_and_the_contents_lists_them() {
    let p = parts(&build(false));
    let doc = &p["word/document.xml"];
    assert!(doc.contains("<w:pStyle w:val=\"Heading1\"/>"), "{doc}");
    assert!(doc.contains("<w:pStyle w:val=\"Heading2\"/>"));
    // The contents is a TOC field, with the headings as its text until
    // Word updates it.
    assert!(doc.contains(" TOC \\o \"1-2\" \\h \\z \\u "));
    assert!(doc.contains("<w:pStyle w:val=\"TOC1\"/>"));
    assert!(doc.contains(">1 Summary<"), "{doc}");
    assert!(doc.contains(">1.1 Gaps<"));
    assert!(doc.contains(">2 Action plan<"));
    // Word knows the styles by name: its navigation pane reads them.
    let styles = &p["word/styles.xml"];
    assert!(styles.contains("<w:name w:val=\"heading 1\"/>"));
    assert!(styles.contains("<w:outlineLvl w:val=\"0\"/>"));
}

#[test]
fn tables_repeat_their_header_row_and_pictures_have_alt_text() {
    let p = parts(&build(false));
    let doc = &p["word/document.xml"];
    assert_eq!(doc.matches("<w:tblHeader/>").count(), 2, "{doc}");
    assert!(doc.contains("descr=\"Coverage by level\""));
    assert!(doc.contains("descr=\"Northmoor Domestic Abuse Partnership logo\""));
    assert!(p.contains_key("word/media/chart-1.png"));
    assert!(p.contains_key("word/media/logo.png"));
    // The HTML-only figure is not in the Word file.
    assert!(!doc.contains("Whole system"));
    assert!(!p.contains_key("word/media/chart-2.png"));
    // Numbers line up on the right, as in the PDF.
    assert!(doc.contains("<w:jc w:val=\"right\"/></w:pPr><w:r><w:t xml:space=\"preserve\">12<"));
}

#[test]
fn landscape_sections_badges_links_and_lists() {
    let p = parts(&build(false));
    let doc = &p["word/document.xml"];
    assert_eq!(doc.matches("w:orient=\"landscape\"").count(), 1, "{doc}");
    // Only the first section has the header, footer and a cover page.
    assert_eq!(doc.matches("<w:headerReference").count(), 1);
    assert_eq!(doc.matches("<w:titlePg/>").count(), 1);
    // A status is its word, bold, in the edge colour on its tint.
    assert!(doc.contains("<w:b/><w:color w:val=\"2e7d32\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"e3f1dc\"/></w:rPr><w:t xml:space=\"preserve\">On track"), "{doc}");
    assert!(
        p["word/_rels/document.xml.rels"]
            .contains("Target=\"https://example.org/r\" TargetMode=\"External\"")
    );
    assert!(doc.contains("<w:hyperlink r:id=\"rIdLink1\""));
    assert!(doc.contains("<w:numId w:val=\"1\"/>"));
    assert!(doc.contains("<w:numId w:val=\"3\"/>"));
    assert!(p["word/numbering.xml"].contains("<w:startOverride w:val=\"1\"/>"));
    assert!(doc.contains("<w:pStyle w:val=\"Quote\"/>"));
}

#[test]
fn the_cover_and_every_page_of_an_internal_build_say_so() {
    let p = parts(&build(true));
    assert!(p["word/document.xml"].contains("INTERNAL: not for publication"));
    assert!(p["word/header1.xml"].contains("INTERNAL: not for publication"));
    let p = parts(&build(false));
    assert!(!p["word/document.xml"].contains("INTERNAL"));
    assert!(!p["word/header1.xml"].contains("INTERNAL"));
    // Page numbers in the footer.
    assert!(p["word/footer1.xml"].contains(" PAGE "));
    assert!(p["word/footer1.xml"].contains(" NUMPAGES "));
    assert!(p["docProps/core.xml"].contains("2026-06-01T00:00:00Z"));
}

#[test]
fn a_rebuild_is_byte_for_byte_the_same() {
    assert_eq!(build(false), build(false));
}

#[test]
fn text_cannot_break_the_xml() {
    let body = "# A <b>&\u{7}\"x\"\n\nText with \u{1} and ]]> and <w:p>.\n";
    let docx = document(&cover(None), body, &BTreeMap::new()).unwrap();
    let p = parts(&docx);
    let doc = &p["word/document.xml"];
    roxmltree::Document::parse(doc).unwrap();
    assert!(
        doc.contains("Text with  and ]]&gt; and &lt;w:p&gt;."),
        "{doc}"
    );
}

#[test]
fn a_wide_table_gets_a_landscape_page_of_its_own() {
    let long = "accommodation-for-survivors ".repeat(3);
    let row = [long.trim(); 9].join(" | ");
    let body = format!(
        "# Wide\n\n| {} |\n|{}\n| {row} |\n",
        ["h"; 9].join(" | "),
        " --- |".repeat(9)
    );
    let doc = parts(&document(&cover(None), &body, &BTreeMap::new()).unwrap())["word/document.xml"]
        .clone();
    assert_eq!(doc.matches("w:orient=\"landscape\"").count(), 1, "{doc}");
    // … and the page after it is portrait again.
    let last = doc.rfind("<w:sectPr>").unwrap();
    assert!(!doc[last..].contains("landscape"), "{}", &doc[last..]);
}

#[test]
fn a_chart_that_cannot_be_drawn_fails_the_document() {
    let mut charts = BTreeMap::new();
    charts.insert("coverage".to_owned(), "<svg".to_owned());
    let err = document(&cover(None), "![C](chart:coverage)\n", &charts).unwrap_err();
    assert!(err.contains("chart coverage"), "{err}");
}
