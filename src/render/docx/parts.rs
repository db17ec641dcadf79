//! The parts of the Word package besides the body's own XML: the
//! document around the body (cover, contents), its relationships, styles,
//! numbering, settings, header and footer, and the package's properties.

use super::body::{Body, run};
use super::{BULLET_NUM, Cover, FIRST_LIST_NUM, HEADING_NUM, Page, esc, section_properties};

const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

pub(super) fn document_xml(cover: &Cover<'_>, body: &Body) -> String {
    let mut xml = format!(
        "{XML_HEAD}<w:document {W_NS} xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>"
    );
    xml.push_str(&cover_xml(cover));
    xml.push_str(&contents(body));
    xml.push_str(&body.xml);
    xml.push_str(&section_properties(
        body.last_page,
        body.sections_closed == 0,
    ));
    xml.push_str("</w:body></w:document>");
    xml
}

/// A paragraph of one run, in a paragraph style.
fn para(style: &str, props: &str, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}</w:p>",
        run(props, text)
    )
}

/// The cover, as the PDF's: the logo, the title with a rule in the
/// partnership's colour, the area and subtitle, then who publishes it,
/// the period, the edition and the date.
fn cover_xml(c: &Cover<'_>) -> String {
    let mut xml = String::new();
    if let Some(logo) = c.logo {
        // 2.4 cm high, as in the PDF, unless that is wider than the page.
        let cy = 2.4 / 2.54 * 72.0;
        let cx =
            (cy * f64::from(logo.width) / f64::from(logo.height)).min(Page::Portrait.text_width());
        let cy = cx * f64::from(logo.height) / f64::from(logo.width);
        let size = (
            (cx * super::EMU_PER_PT).round() as u64,
            (cy * super::EMU_PER_PT).round() as u64,
        );
        xml.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"CoverLogo\"/></w:pPr><w:r>{}</w:r></w:p>",
            super::drawing("rIdLogo", 1, "logo.png", c.logo_alt, size)
        ));
    }
    xml.push_str(&para("Title", "", c.title));
    xml.push_str(&para("Subtitle", "", c.area));
    if !c.subtitle.is_empty() {
        xml.push_str(&para("CoverText", "", c.subtitle));
    }
    if c.internal {
        xml.push_str(&para("CoverInternal", "", "INTERNAL: not for publication"));
    }
    let mut details: Vec<(&str, &str)> = Vec::new();
    if let Some(p) = c.partnership.filter(|p| !p.is_empty()) {
        details.push(("Published by", p));
    }
    details.push(("Period", c.period));
    if let Some(v) = c.version {
        details.push(("Version", v));
    }
    details.push(("Published", c.published.unwrap_or("not yet published")));
    for (i, (label, value)) in details.iter().enumerate() {
        let style = if i == 0 {
            "CoverDetailFirst"
        } else {
            "CoverDetail"
        };
        xml.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}<w:r><w:tab/></w:r>{}</w:p>",
            run("<w:b/>", label),
            run("", value)
        ));
    }
    xml
}

/// "Contents" and a table-of-contents field over headings 1 and 2. Word
/// fills in the page numbers when it updates the field (it offers to on
/// opening: `updateFields`); until then the field shows the headings
/// themselves, linked, so the list reads right in any program.
fn contents(body: &Body) -> String {
    let entries: Vec<_> = body.headings.iter().filter(|h| h.level <= 2).collect();
    let mut xml = String::from(
        "<w:p><w:pPr><w:pStyle w:val=\"TOCHeading\"/><w:pageBreakBefore/></w:pPr><w:r><w:t>Contents</w:t></w:r></w:p>",
    );
    let begin = "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-2\" \\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>";
    let end = "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>";
    if entries.is_empty() {
        xml.push_str(&format!("<w:p>{begin}{end}</w:p>"));
    }
    for (i, h) in entries.iter().enumerate() {
        let first = if i == 0 { begin } else { "" };
        let last = if i + 1 == entries.len() { end } else { "" };
        xml.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"TOC{}\"/></w:pPr>{first}<w:hyperlink w:anchor=\"{}\" w:history=\"1\">{}</w:hyperlink>{last}</w:p>",
            h.level,
            h.bookmark,
            run("", &format!("{} {}", h.number, h.text))
        ));
    }
    // The body starts on the page after the contents, as in the PDF.
    xml.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    xml
}

pub(super) fn content_types() -> String {
    format!(
        "{XML_HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/><Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/><Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/><Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>"
    )
}

pub(super) fn package_rels() -> String {
    format!(
        "{XML_HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>"
    )
}

pub(super) fn document_rels(body: &Body, logo: bool) -> String {
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut xml = format!(
        "{XML_HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdStyles\" Type=\"{REL}/styles\" Target=\"styles.xml\"/><Relationship Id=\"rIdNumbering\" Type=\"{REL}/numbering\" Target=\"numbering.xml\"/><Relationship Id=\"rIdSettings\" Type=\"{REL}/settings\" Target=\"settings.xml\"/><Relationship Id=\"rIdHeader\" Type=\"{REL}/header\" Target=\"header1.xml\"/><Relationship Id=\"rIdFooter\" Type=\"{REL}/footer\" Target=\"footer1.xml\"/>"
    );
    if logo {
        xml.push_str(&format!(
            "<Relationship Id=\"rIdLogo\" Type=\"{REL}/image\" Target=\"media/logo.png\"/>"
        ));
    }
    for m in &body.media {
        xml.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"{REL}/image\" Target=\"media/{}\"/>",
            m.rel, m.name
        ));
    }
    for (i, url) in body.links.iter().enumerate() {
        xml.push_str(&format!(
            "<Relationship Id=\"rIdLink{}\" Type=\"{REL}/hyperlink\" Target=\"{}\" TargetMode=\"External\"/>",
            i + 1,
            esc(url)
        ));
    }
    xml.push_str("</Relationships>");
    xml
}

/// Title, author, language and, when published, the date: never the time
/// of the build, so rebuilds are the same.
pub(super) fn core(c: &Cover<'_>) -> String {
    let date = c
        .published
        .map(|d| {
            format!(
                "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{d}T00:00:00Z</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{d}T00:00:00Z</dcterms:modified>"
            )
        })
        .unwrap_or_default();
    format!(
        "{XML_HEAD}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>en-GB</dc:language>{date}</cp:coreProperties>",
        esc(c.title),
        esc(c.partnership.unwrap_or(c.area))
    )
}

pub(super) fn app() -> String {
    format!(
        "{XML_HEAD}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>needsmap</Application></Properties>"
    )
}

/// Open the document with its fields updated: the contents gets its page
/// numbers.
pub(super) fn settings() -> String {
    format!(
        "{XML_HEAD}<w:settings {W_NS}><w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/><w:updateFields w:val=\"true\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat><w:themeFontLang w:val=\"en-GB\"/></w:settings>"
    )
}

/// The running header, from the second page: the document's kind, and
/// on every page of an internal build that it is not for publication.
pub(super) fn header(c: &Cover<'_>) -> String {
    let mut runs = run("", c.short_title);
    if c.internal {
        runs.push_str(&run("", " · "));
        runs.push_str(&run("<w:b/>", "INTERNAL: not for publication"));
    }
    format!(
        "{XML_HEAD}<w:hdr {W_NS}><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr>{runs}</w:p></w:hdr>"
    )
}

/// The footer: the area, and "Page 3 of 12" at the right margin.
pub(super) fn footer(c: &Cover<'_>) -> String {
    let field = |name: &str| {
        format!(
            "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> {name} </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
        )
    };
    format!(
        "{XML_HEAD}<w:ftr {W_NS}><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>{}<w:r><w:ptab w:relativeTo=\"margin\" w:alignment=\"right\" w:leader=\"none\"/></w:r>{}{}{}{}</w:p></w:ftr>",
        run("", c.area_short),
        run("", "Page "),
        field("PAGE"),
        run("", " of "),
        field("NUMPAGES")
    )
}

/// Bullets, numbered lists (each from its own start) and numbered
/// headings ("2.3", as in the PDF).
pub(super) fn numbering(numbered_lists: &[u64]) -> String {
    let level = |i: usize, format: &str, text: &str, style: Option<&str>| {
        let indent = if style.is_some() {
            String::new()
        } else {
            format!(
                "<w:pPr><w:ind w:left=\"{}\" w:hanging=\"360\"/></w:pPr>",
                360 * (i + 1)
            )
        };
        let style = style
            .map(|s| format!("<w:pStyle w:val=\"{s}\"/>"))
            .unwrap_or_default();
        format!(
            "<w:lvl w:ilvl=\"{i}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{format}\"/>{style}<w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/>{indent}</w:lvl>"
        )
    };
    let mut xml = format!("{XML_HEAD}<w:numbering {W_NS}>");
    xml.push_str(
        "<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"hybridMultilevel\"/>",
    );
    for i in 0..9 {
        let bullet = ["•", "◦", "▪"][i % 3];
        xml.push_str(&level(i, "bullet", bullet, None));
    }
    xml.push_str("</w:abstractNum><w:abstractNum w:abstractNumId=\"1\"><w:multiLevelType w:val=\"hybridMultilevel\"/>");
    for i in 0..9 {
        let format = ["decimal", "lowerLetter", "lowerRoman"][i % 3];
        xml.push_str(&level(i, format, &format!("%{}.", i + 1), None));
    }
    xml.push_str("</w:abstractNum><w:abstractNum w:abstractNumId=\"2\"><w:multiLevelType w:val=\"multilevel\"/>");
    for i in 0..4 {
        let text: Vec<String> = (1..=i + 1).map(|n| format!("%{n}")).collect();
        xml.push_str(&level(
            i,
            "decimal",
            &text.join("."),
            Some(&format!("Heading{}", i + 1)),
        ));
    }
    xml.push_str("</w:abstractNum>");
    xml.push_str(&format!(
        "<w:num w:numId=\"{BULLET_NUM}\"><w:abstractNumId w:val=\"0\"/></w:num><w:num w:numId=\"{HEADING_NUM}\"><w:abstractNumId w:val=\"2\"/></w:num>"
    ));
    for (i, start) in numbered_lists.iter().enumerate() {
        xml.push_str(&format!(
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"{start}\"/></w:lvlOverride></w:num>",
            FIRST_LIST_NUM + i as u64
        ));
    }
    xml.push_str("</w:numbering>");
    xml
}

/// Word's own styles, by the names Word knows them by ("heading 1",
/// "Title", "toc 1", "caption"), in the house look: Arial (a font every
/// council machine has), headings in the partnership's colour.
pub(super) fn styles(colour: &str) -> String {
    let accent = colour.trim_start_matches('#').to_uppercase();
    let style = |kind: &str, id: &str, name: &str, rest: &str| {
        format!(
            "<w:style w:type=\"{kind}\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>{rest}</w:style>"
        )
    };
    let heading = |n: usize, size: u32, before: u32| {
        style(
            "paragraph",
            &format!("Heading{n}"),
            &format!("heading {n}"),
            &format!(
                "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val=\"{}\"/><w:numId w:val=\"{HEADING_NUM}\"/></w:numPr><w:spacing w:before=\"{before}\" w:after=\"120\"/><w:ind w:left=\"0\" w:firstLine=\"0\"/><w:outlineLvl w:val=\"{}\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"{accent}\"/><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr>",
                n - 1,
                n - 1
            ),
        )
    };
    let toc = |n: usize| {
        style(
            "paragraph",
            &format!("TOC{n}"),
            &format!("toc {n}"),
            &format!(
                "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"39\"/><w:pPr><w:tabs><w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"9402\"/></w:tabs><w:spacing w:after=\"60\"/><w:ind w:left=\"{}\"/></w:pPr>",
                (n - 1) * 220
            ),
        )
    };
    let mut xml = format!(
        "{XML_HEAD}<w:styles {W_NS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:eastAsia=\"Arial\" w:cs=\"Arial\"/><w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"en-GB\" w:eastAsia=\"en-GB\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"140\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
    );
    let parts = [
        style(
            "paragraph",
            "Normal",
            "Normal",
            "<w:qFormat/>",
        )
        .replacen("<w:style ", "<w:style w:default=\"1\" ", 1),
        heading(1, 36, 360),
        heading(2, 28, 300),
        heading(3, 24, 240),
        heading(4, 22, 200),
        style(
            "paragraph",
            "Title",
            "Title",
            &format!("<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"10\"/><w:qFormat/><w:pPr><w:pBdr><w:left w:val=\"single\" w:sz=\"32\" w:space=\"12\" w:color=\"{accent}\"/></w:pBdr><w:spacing w:before=\"3600\" w:after=\"200\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:left=\"300\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"{accent}\"/><w:kern w:val=\"28\"/><w:sz w:val=\"48\"/><w:szCs w:val=\"48\"/></w:rPr>"),
        ),
        style(
            "paragraph",
            "Subtitle",
            "Subtitle",
            "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"11\"/><w:qFormat/><w:pPr><w:ind w:left=\"540\"/></w:pPr><w:rPr><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr>",
        ),
        style("paragraph", "CoverText", "Cover text", "<w:basedOn w:val=\"Normal\"/><w:pPr><w:ind w:left=\"540\"/></w:pPr>"),
        style("paragraph", "CoverInternal", "Cover internal", "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:before=\"480\"/><w:ind w:left=\"540\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"B3261E\"/><w:sz w:val=\"26\"/></w:rPr>"),
        style("paragraph", "CoverDetail", "Cover detail", "<w:basedOn w:val=\"Normal\"/><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"1800\"/></w:tabs><w:spacing w:after=\"80\"/></w:pPr>"),
        style("paragraph", "CoverDetailFirst", "Cover detail first", "<w:basedOn w:val=\"CoverDetail\"/><w:pPr><w:spacing w:before=\"3600\"/></w:pPr>"),
        style("paragraph", "CoverLogo", "Cover logo", "<w:basedOn w:val=\"Normal\"/>"),
        style(
            "paragraph",
            "TOCHeading",
            "TOC Heading",
            &format!("<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"39\"/><w:pPr><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"{accent}\"/><w:sz w:val=\"36\"/><w:szCs w:val=\"36\"/></w:rPr>"),
        ),
        toc(1),
        toc(2),
        style("paragraph", "ListParagraph", "List Paragraph", "<w:basedOn w:val=\"Normal\"/><w:uiPriority w:val=\"34\"/><w:qFormat/><w:pPr><w:spacing w:after=\"60\"/><w:contextualSpacing/></w:pPr>"),
        style("paragraph", "Quote", "Quote", "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"29\"/><w:qFormat/><w:pPr><w:pBdr><w:left w:val=\"single\" w:sz=\"18\" w:space=\"8\" w:color=\"A0A0A0\"/></w:pBdr><w:ind w:left=\"500\" w:right=\"500\"/></w:pPr><w:rPr><w:i/><w:color w:val=\"404040\"/></w:rPr>"),
        style("paragraph", "Caption", "caption", "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"35\"/><w:qFormat/><w:pPr><w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:i/><w:color w:val=\"404040\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr>"),
        style("paragraph", "Figure", "Figure", "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Caption\"/><w:pPr><w:keepNext/><w:spacing w:before=\"120\" w:after=\"60\"/><w:jc w:val=\"center\"/></w:pPr>"),
        style("paragraph", "TableText", "Table text", "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:rPr><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr>"),
        style("paragraph", "TableHeading", "Table heading", "<w:basedOn w:val=\"TableText\"/><w:pPr><w:keepNext/></w:pPr><w:rPr><w:b/></w:rPr>"),
        style("paragraph", "AfterTable", "After table", "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"120\" w:line=\"120\" w:lineRule=\"exact\"/></w:pPr><w:rPr><w:sz w:val=\"8\"/></w:rPr>"),
        style("paragraph", "CodeBlock", "Code block", "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"Courier New\" w:hAnsi=\"Courier New\" w:cs=\"Courier New\"/><w:sz w:val=\"18\"/></w:rPr>"),
        style("paragraph", "Header", "header", "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:color w:val=\"5A5A5A\"/><w:sz w:val=\"17\"/><w:szCs w:val=\"17\"/></w:rPr>"),
        style("paragraph", "Footer", "footer", "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:color w:val=\"5A5A5A\"/><w:sz w:val=\"17\"/><w:szCs w:val=\"17\"/></w:rPr>"),
        style("character", "Hyperlink", "Hyperlink", &format!("<w:uiPriority w:val=\"99\"/><w:rPr><w:color w:val=\"{accent}\"/><w:u w:val=\"single\"/></w:rPr>")),
        style("character", "Code", "Code", "<w:rPr><w:rFonts w:ascii=\"Courier New\" w:hAnsi=\"Courier New\" w:cs=\"Courier New\"/><w:sz w:val=\"20\"/></w:rPr>"),
        style(
            "table",
            "NeedsmapTable",
            "Needsmap table",
            "<w:basedOn w:val=\"TableNormal\"/><w:uiPriority w:val=\"59\"/><w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"AAAAAA\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"AAAAAA\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"AAAAAA\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"AAAAAA\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"AAAAAA\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"AAAAAA\"/></w:tblBorders><w:tblCellMar><w:top w:w=\"57\" w:type=\"dxa\"/><w:left w:w=\"85\" w:type=\"dxa\"/><w:bottom w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>",
        ),
        style(
            "table",
            "TableNormal",
            "Normal Table",
            "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>",
        )
        .replacen("<w:style ", "<w:style w:default=\"1\" ", 1),
    ];
    for p in parts {
        xml.push_str(&p);
    }
    xml.push_str("</w:styles>");
    xml
}
