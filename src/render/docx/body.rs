//! The Markdown of a document as the body of a Word document: paragraphs
//! in Word's own styles (headings, lists, quotes, captions), tables with
//! header rows that repeat on every page, charts as pictures with alt
//! text, and the templates' markers (page breaks, landscape sections,
//! HTML-only parts, RAG badges) as the PDF reads them.

use std::collections::BTreeMap;

use pulldown_cmark::{Alignment, Event, Parser, Tag, TagEnd};

use super::{LANDSCAPE, PORTRAIT, Page, esc, section_properties};
use crate::render::markdown::{self, END_HTML_ONLY, HTML_ONLY, PAGE_BREAK};
use crate::render::raster;

/// A heading, for the table of contents.
pub(super) struct Heading {
    pub level: usize,
    /// "2.3", as the heading styles number it.
    pub number: String,
    pub text: String,
    pub bookmark: String,
}

/// A picture the body shows, stored as `word/media/NAME`.
pub(super) struct Media {
    pub name: String,
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// What the body needs besides its XML: its pictures, its links (each a
/// relationship of the document), its numbered lists (each numbered from
/// its own start), its headings.
#[derive(Default)]
pub(super) struct Body {
    pub xml: String,
    pub headings: Vec<Heading>,
    pub media: Vec<Media>,
    /// External links, in order: relationship `rIdLinkN` is `links[N-1]`.
    pub links: Vec<String>,
    /// The start of each numbered list, in order: list N is `w:num`
    /// [`super::FIRST_LIST_NUM`] + N.
    pub numbered_lists: Vec<u64>,
    /// The last section's page: the document's closing `w:sectPr`.
    pub last_page: Page,
    /// Whether a section was closed before the last one (only the first
    /// section carries the header, footer and cover settings).
    pub sections_closed: usize,
}

/// Markdown (its title and subtitle already taken off, headings one level
/// up, as the PDF's body) → WordprocessingML. Pictures get drawing ids from
/// `first_picture` on (the cover's logo takes the ones before).
pub(super) fn convert(
    markdown: &str,
    charts: &BTreeMap<String, String>,
    first_picture: usize,
) -> Result<Body, String> {
    let mut w = Writer {
        charts: Charts(charts),
        long_chapters: markdown::long_chapters(markdown),
        next_picture: first_picture,
        ..Writer::default()
    };
    let mut parser = Parser::new_ext(markdown, markdown::options());
    while let Some(event) = parser.next() {
        w.event(event, &mut parser);
    }
    w.close_para();
    w.body.last_page = w.page;
    match w.failed {
        Some(e) => Err(e),
        None => Ok(w.body),
    }
}

/// A paragraph being written: its properties, its runs so far, and the
/// text of the last run while more may follow in the same format
/// (pulldown-cmark splits text at every `&` or `]`; Word needs no more
/// runs than changes of format).
struct Para {
    props: String,
    runs: String,
    pending: Option<(String, String)>,
}

impl Para {
    fn new(props: String, runs: String) -> Para {
        Para {
            props,
            runs,
            pending: None,
        }
    }

    fn text(&mut self, props: &str, text: &str) {
        match &mut self.pending {
            Some((p, t)) if p == props => t.push_str(text),
            _ => {
                self.flush();
                self.pending = Some((props.to_owned(), text.to_owned()));
            }
        }
    }

    fn raw(&mut self, xml: &str) {
        self.flush();
        self.runs.push_str(xml);
    }

    fn flush(&mut self) {
        if let Some((props, text)) = self.pending.take() {
            self.runs.push_str(&run(&props, &text));
        }
    }
}

/// A table being read: cells as Word XML and as plain text (to size the
/// columns), the header row first.
struct TableState {
    align: Vec<Alignment>,
    rows: Vec<Vec<String>>,
    text: Vec<Vec<String>>,
    row: Vec<String>,
    row_text: Vec<String>,
}

/// The charts a body may show, as SVG by name.
struct Charts<'c>(&'c BTreeMap<String, String>);

impl Default for Charts<'_> {
    fn default() -> Self {
        static NONE: BTreeMap<String, String> = BTreeMap::new();
        Charts(&NONE)
    }
}

#[derive(Default)]
struct Writer<'c> {
    body: Body,
    charts: Charts<'c>,
    long_chapters: Vec<bool>,
    chapters: usize,
    page: Page,
    para: Option<Para>,
    /// The XML of the table cell being written, when in one.
    cell: Option<String>,
    cell_text: String,
    table: Option<TableState>,
    /// Open lists: the `w:num` of each (bulleted lists share one).
    lists: Vec<u64>,
    /// The next paragraph is an item's first: it gets the bullet.
    item_starts: bool,
    quotes: usize,
    /// In the table's header row: its cells are bold and shaded.
    in_head: bool,
    bold: usize,
    italic: usize,
    strike: usize,
    /// A RAG badge open: its fill and edge colours.
    badge: Option<(&'static str, &'static str)>,
    /// Inside a link (to the web): its runs take the Hyperlink style.
    link: bool,
    /// Inside a heading: its text so far, for the contents.
    heading: Option<(usize, String)>,
    heading_numbers: [usize; 6],
    html_only: bool,
    next_picture: usize,
    /// A chart that could not be drawn: the body fails with it.
    failed: Option<String>,
}

/// Word has numbered heading styles down to this depth; deeper headings
/// take the last.
const HEADING_STYLES: usize = 4;

impl Writer<'_> {
    fn event<'a>(&mut self, event: Event<'a>, parser: &mut Parser<'a>) {
        if let Event::Html(h) = &event {
            match h.trim() {
                HTML_ONLY => self.html_only = true,
                END_HTML_ONLY => self.html_only = false,
                _ => {}
            }
        }
        if self.html_only {
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, parser),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t, None),
            Event::Code(t) => self.text(&t, Some("Code")),
            Event::SoftBreak => self.text(" ", None),
            Event::HardBreak => self.raw_run("<w:br/>"),
            Event::Rule => {
                self.close_para();
                self.write_block(
                    "<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"A0A0A0\"/></w:pBdr></w:pPr></w:p>",
                );
            }
            Event::Html(h) => self.marker(h.trim()),
            Event::InlineHtml(h) => self.inline_html(&h),
            _ => {}
        }
    }

    /// The templates' comments: page breaks and landscape sections.
    fn marker(&mut self, html: &str) {
        match html {
            PAGE_BREAK => {
                self.close_para();
                self.write_block("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
            }
            LANDSCAPE if self.page == Page::Portrait => self.new_section(Page::Landscape),
            PORTRAIT if self.page == Page::Landscape => self.new_section(Page::Portrait),
            _ => {}
        }
    }

    /// A status the templates mark `<span class="rag rag-green">`: a
    /// tinted, bold word in the edge colour (never colour alone).
    fn inline_html(&mut self, html: &str) {
        if let Some(colour) = html
            .strip_prefix("<span class=\"rag rag-")
            .and_then(|c| c.strip_suffix("\">"))
        {
            self.badge = Some(markdown::rag_colours(colour));
        } else if html == "</span>" {
            self.badge = None;
        }
    }

    /// End the section so far on a page of its kind and start one of `next`.
    fn new_section(&mut self, next: Page) {
        self.close_para();
        let props = section_properties(self.page, self.body.sections_closed == 0);
        self.write_block(&format!("<w:p><w:pPr>{props}</w:pPr></w:p>"));
        self.body.sections_closed += 1;
        self.page = next;
    }

    fn start<'a>(&mut self, tag: Tag<'a>, parser: &mut Parser<'a>) {
        match tag {
            Tag::Heading { level, .. } => self.start_heading(markdown::heading_depth(level)),
            Tag::Paragraph => {
                self.close_para();
                self.open_para();
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::BlockQuote(_) => {
                self.close_para();
                self.quotes += 1;
            }
            Tag::CodeBlock(_) => {
                self.close_para();
                let mut code = String::new();
                for inner in parser.by_ref() {
                    match inner {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                for line in code.lines() {
                    self.write_block(&format!(
                        "<w:p><w:pPr><w:pStyle w:val=\"CodeBlock\"/></w:pPr>{}</w:p>",
                        run("", line)
                    ));
                }
            }
            Tag::List(first) => {
                self.close_para();
                let num = match first {
                    Some(start) => {
                        self.body.numbered_lists.push(start);
                        super::FIRST_LIST_NUM + self.body.numbered_lists.len() as u64 - 1
                    }
                    None => super::BULLET_NUM,
                };
                self.lists.push(num);
            }
            Tag::Item => {
                self.close_para();
                self.item_starts = true;
            }
            Tag::Table(align) => {
                self.close_para();
                self.table = Some(TableState {
                    align,
                    rows: Vec::new(),
                    text: Vec::new(),
                    row: Vec::new(),
                    row_text: Vec::new(),
                });
            }
            Tag::TableHead => self.in_head = true,
            Tag::TableCell => {
                self.cell = Some(String::new());
                self.cell_text.clear();
            }
            Tag::Link { dest_url, .. } => self.start_link(&dest_url),
            Tag::Image { dest_url, .. } => {
                let alt = markdown::image_alt(parser);
                self.image(&dest_url, &alt);
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::Paragraph => self.close_para(),
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::BlockQuote(_) => {
                self.close_para();
                self.quotes = self.quotes.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.close_para();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.close_para();
                self.item_starts = false;
            }
            TagEnd::Link if self.link => {
                self.link = false;
                self.raw_run("</w:hyperlink>");
            }
            TagEnd::TableCell => {
                self.close_para();
                let mut xml = self.cell.take().unwrap_or_default();
                // Word needs a paragraph in every cell, even an empty one.
                if xml.is_empty() {
                    xml.push_str("<w:p/>");
                }
                let text = std::mem::take(&mut self.cell_text);
                if let Some(t) = &mut self.table {
                    t.row.push(xml);
                    t.row_text.push(text);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                self.in_head = false;
                if let Some(t) = &mut self.table {
                    t.rows.push(std::mem::take(&mut t.row));
                    t.text.push(std::mem::take(&mut t.row_text));
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.write_table(&t);
                }
            }
            _ => {}
        }
    }

    fn start_heading(&mut self, depth: usize) {
        self.close_para();
        // Numbered as the heading styles number them: "2.3".
        self.heading_numbers[depth - 1] += 1;
        for n in &mut self.heading_numbers[depth..] {
            *n = 0;
        }
        let number = self.heading_numbers[..depth]
            .iter()
            .map(|n| n.max(&1).to_string())
            .collect::<Vec<_>>()
            .join(".");
        // A long chapter after the first starts a page, as in the PDF.
        let mut props = format!("<w:pStyle w:val=\"Heading{}\"/>", depth.min(HEADING_STYLES));
        if depth == 1 {
            let long = self
                .long_chapters
                .get(self.chapters)
                .copied()
                .unwrap_or(true);
            if self.chapters > 0 && long {
                props.push_str("<w:pageBreakBefore/>");
            }
            self.chapters += 1;
        }
        let id = self.body.headings.len() + 1;
        let bookmark = format!("_Toc{id:06}");
        self.para = Some(Para::new(
            props,
            format!("<w:bookmarkStart w:id=\"{id}\" w:name=\"{bookmark}\"/>"),
        ));
        self.body.headings.push(Heading {
            level: depth,
            number,
            text: String::new(),
            bookmark,
        });
        self.heading = Some((id, String::new()));
    }

    fn end_heading(&mut self) {
        if let Some((id, text)) = self.heading.take() {
            self.raw_run(&format!("<w:bookmarkEnd w:id=\"{id}\"/>"));
            if let Some(h) = self.body.headings.last_mut() {
                h.text = text;
            }
        }
        self.close_para();
    }

    fn start_link(&mut self, url: &str) {
        let web = ["https://", "http://", "mailto:"]
            .iter()
            .any(|scheme| url.starts_with(scheme));
        if !web {
            return;
        }
        self.body.links.push(url.to_owned());
        let rel = format!("rIdLink{}", self.body.links.len());
        self.raw_run(&format!("<w:hyperlink r:id=\"{rel}\" w:history=\"1\">"));
        self.link = true;
    }

    /// A chart as a picture in a paragraph of its own, the caption below
    /// (the alt text, as the PDF's caption); any other image as its alt
    /// text.
    fn image(&mut self, url: &str, alt: &str) {
        let Some((name, svg)) = url
            .strip_prefix("chart:")
            .and_then(|name| self.charts.0.get(name).map(|p| (name, p)))
        else {
            self.text(alt, None);
            return;
        };
        let page = self.page;
        let png = match raster::png_printed(svg, |w, h| page.printed_width((w, h))) {
            Ok(png) => png,
            Err(e) => {
                self.failed.get_or_insert(format!("chart {name}: {e}"));
                return;
            }
        };
        self.close_para();
        let n = self.body.media.len() + 1;
        let rel = format!("rIdImage{n}");
        let file = format!("chart-{n}.png");
        let (cx, cy) = self.page.fit((png.width, png.height));
        let drawing = super::drawing(&rel, self.next_picture, &file, alt, (cx, cy));
        self.next_picture += 1;
        self.write_block(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/></w:pPr><w:r>{drawing}</w:r></w:p>"
        ));
        self.write_block(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Caption\"/></w:pPr>{}</w:p>",
            run("", alt)
        ));
        self.body.media.push(Media {
            name: file,
            rel,
            bytes: png.bytes,
        });
    }

    /// The paragraph style of a paragraph opened here.
    fn open_para(&mut self) {
        let props = if let Some(&num) = self.lists.last() {
            let level = self.lists.len() - 1;
            if std::mem::take(&mut self.item_starts) {
                format!(
                    "<w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num}\"/></w:numPr>"
                )
            } else {
                // An item's later paragraph: in line with its text.
                format!(
                    "<w:pStyle w:val=\"ListParagraph\"/><w:ind w:left=\"{}\"/>",
                    360 * (level + 1)
                )
            }
        } else if self.cell.is_some() {
            let style = if self.in_head {
                "TableHeading"
            } else {
                "TableText"
            };
            format!("<w:pStyle w:val=\"{style}\"/>{}", self.cell_alignment())
        } else if self.quotes > 0 {
            "<w:pStyle w:val=\"Quote\"/>".to_owned()
        } else {
            String::new()
        };
        self.para = Some(Para::new(props, String::new()));
    }

    fn cell_alignment(&self) -> &'static str {
        let Some(t) = &self.table else { return "" };
        match t.align.get(t.row.len()) {
            Some(Alignment::Right) => "<w:jc w:val=\"right\"/>",
            Some(Alignment::Center) => "<w:jc w:val=\"center\"/>",
            _ => "",
        }
    }

    fn close_para(&mut self) {
        if let Some(mut p) = self.para.take() {
            p.flush();
            let props = if p.props.is_empty() {
                String::new()
            } else {
                format!("<w:pPr>{}</w:pPr>", p.props)
            };
            self.write_block(&format!("<w:p>{props}{}</w:p>", p.runs));
        }
    }

    /// A paragraph or table, into the cell being written or the body.
    fn write_block(&mut self, xml: &str) {
        match &mut self.cell {
            Some(cell) => cell.push_str(xml),
            None => self.body.xml.push_str(xml),
        }
    }

    /// XML inside the paragraph (a break, a bookmark, a link's start).
    fn raw_run(&mut self, xml: &str) {
        if self.para.is_none() {
            self.open_para();
        }
        if let Some(p) = &mut self.para {
            p.raw(xml);
        }
    }

    fn run_text(&mut self, props: &str, text: &str) {
        if self.para.is_none() {
            self.open_para();
        }
        if let Some(p) = &mut self.para {
            p.text(props, text);
        }
    }

    fn text(&mut self, text: &str, style: Option<&str>) {
        if let Some((_, heading)) = &mut self.heading {
            heading.push_str(text);
        }
        if self.cell.is_some() {
            self.cell_text.push_str(text);
        }
        let mut props = String::new();
        if let Some(s) = style.or(self.link.then_some("Hyperlink")) {
            props.push_str(&format!("<w:rStyle w:val=\"{s}\"/>"));
        }
        if self.bold > 0 || self.badge.is_some() {
            props.push_str("<w:b/>");
        }
        if self.italic > 0 {
            props.push_str("<w:i/>");
        }
        if self.strike > 0 {
            props.push_str("<w:strike/>");
        }
        if let Some((fill, edge)) = self.badge {
            props.push_str(&format!(
                "<w:color w:val=\"{}\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{}\"/>",
                &edge[1..],
                &fill[1..]
            ));
        }
        self.run_text(&props, text);
    }

    fn write_table(&mut self, t: &TableState) {
        let columns = t.align.len().max(1);
        // Word's 9 pt Arial sets about a sixth wider than the PDF's 8.5 pt
        // Libertinus, which the measure is made for.
        const WIDER: f64 = 1.17;
        let fit = |page: Page| {
            markdown::fit_plain_columns(&t.text, columns, page.text_width() / WIDER)
                .map(|w| w.iter().map(|x| x * WIDER).collect::<Vec<_>>())
        };
        let widths = fit(self.page);
        // A table whose words cannot stand side by side on this page gets
        // a landscape page of its own, as in the PDF.
        let turn = widths.is_none() && self.page == Page::Portrait;
        if turn {
            self.new_section(Page::Landscape);
        }
        let widths = widths
            .or_else(|| fit(self.page))
            .unwrap_or_else(|| vec![self.page.text_width() / columns as f64; columns]);
        let twips: Vec<u32> = widths.iter().map(|w| (w * 20.0).round() as u32).collect();
        let mut xml = String::from(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"NeedsmapTable\"/><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblLayout w:type=\"autofit\"/><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
        );
        for w in &twips {
            xml.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        xml.push_str("</w:tblGrid>");
        for (i, row) in t.rows.iter().enumerate() {
            // The header row repeats at the top of every page the table
            // runs onto, and no row splits across pages.
            xml.push_str(if i == 0 {
                "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
            } else {
                "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            });
            let shade = if i == 0 {
                "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E9EDF3\"/>"
            } else {
                ""
            };
            for (c, w) in twips.iter().enumerate() {
                let cell = row.get(c).map_or("<w:p/>", String::as_str);
                xml.push_str(&format!(
                    "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>{shade}</w:tcPr>{cell}</w:tc>"
                ));
            }
            xml.push_str("</w:tr>");
        }
        xml.push_str("</w:tbl>");
        self.write_block(&xml);
        // Word runs a table into the next one without a paragraph between.
        self.write_block("<w:p><w:pPr><w:pStyle w:val=\"AfterTable\"/></w:pPr></w:p>");
        if turn {
            self.new_section(Page::Portrait);
        }
    }
}

/// A run of text with its properties.
pub(super) fn run(props: &str, text: &str) -> String {
    let props = if props.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{props}</w:rPr>")
    };
    format!(
        "<w:r>{props}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}
