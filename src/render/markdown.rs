//! The Markdown the templates write, turned into HTML (pulldown-cmark) and
//! into Typst markup (for the PDF). Charts are written in the Markdown as
//! images with a `chart:` address (`![Coverage by level](chart:coverage)`):
//! HTML gets the SVG inline, Typst gets `image("charts/coverage.svg")`, and
//! the Markdown file links `charts/coverage.svg`.

use std::collections::BTreeMap;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The chart name of an image address, if it is one.
fn chart_name(url: &str) -> Option<&str> {
    url.strip_prefix("chart:")
}

/// Markdown for the `.md` output: chart addresses become links to the
/// chart files written beside it.
pub fn to_markdown_file(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(pos) = rest.find("](chart:") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 8..];
        let end = after.find(')').unwrap_or(after.len());
        out.push_str(&format!("](charts/{}.svg", &after[..end]));
        rest = &after[end..];
    }
    out.push_str(rest);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// An image's alt text: its content, up to its end tag (consumed).
fn image_alt<'a>(events: &mut impl Iterator<Item = Event<'a>>) -> String {
    let mut alt = String::new();
    for inner in events {
        match inner {
            Event::End(TagEnd::Image) => break,
            Event::Text(t) | Event::Code(t) => alt.push_str(&t),
            _ => {}
        }
    }
    alt
}

/// Markdown → HTML body, charts inline as `<figure>` with their SVG.
pub fn to_html(markdown: &str, charts: &BTreeMap<String, String>) -> String {
    let mut events = Vec::new();
    let mut parser = Parser::new_ext(markdown, options()).peekable();
    while let Some(event) = parser.next() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) if chart_name(&dest_url).is_some() => {
                let name = chart_name(&dest_url).unwrap_or_default().to_owned();
                let alt = image_alt(&mut parser);
                let svg = charts.get(&name).cloned().unwrap_or_default();
                let figure = format!(
                    "<figure class=\"chart\" id=\"chart-{}\">{svg}<figcaption>{}</figcaption></figure>",
                    escape_html(&name),
                    escape_html(&alt)
                );
                events.push(Event::Html(figure.into()));
            }
            other => events.push(other),
        }
    }
    let contents = link_sections(&mut events);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if let Some(at) = html.find("<h2") {
        html.insert_str(at, &contents);
    }
    // A chart alone in a paragraph would nest <figure> in <p>, which HTML
    // does not allow.
    html.replace("<p><figure", "<figure")
        .replace("</figure></p>", "</figure>")
}

/// Give every section heading (`##`) an id and return a contents list
/// linking them, for the top of the page: long documents on a council
/// website need a way in besides scrolling.
fn link_sections(events: &mut [Event<'_>]) -> String {
    let mut used = std::collections::HashSet::new();
    let mut items = String::new();
    for i in 0..events.len() {
        let Event::Start(Tag::Heading {
            level: HeadingLevel::H2,
            ..
        }) = &events[i]
        else {
            continue;
        };
        let text: String = events[i + 1..]
            .iter()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let id = unique_anchor(&text, &mut used);
        items.push_str(&format!(
            "<li><a href=\"#{id}\">{}</a></li>\n",
            escape_html(&text)
        ));
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
            *slot = Some(id.into());
        }
    }
    if items.is_empty() {
        return String::new();
    }
    format!(
        "<nav class=\"contents\" aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n{items}</ol>\n</nav>\n"
    )
}

/// `Gaps by level` → `gaps-by-level`, numbered when already taken (and
/// never `contents`, the list's own heading).
fn unique_anchor(text: &str, used: &mut std::collections::HashSet<String>) -> String {
    let mut base = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            base.push(c);
        } else if !base.is_empty() && !base.ends_with('-') {
            base.push('-');
        }
    }
    let base = match base.trim_end_matches('-') {
        "" => "section".to_owned(),
        b => b.to_owned(),
    };
    used.insert("contents".to_owned());
    let mut id = base.clone();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escape text for Typst markup: every character with a markup meaning.
pub fn escape_typst(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '#' | '*' | '_' | '[' | ']' | '$' | '<' | '>' | '@' | '`' | '~' | '/' | '='
            | '-' | '+' | '"' | '\'' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Typst string literal.
pub fn typst_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A line a template writes where the PDF should start a new page.
pub const PAGE_BREAK: &str = "<!-- pagebreak -->";

/// Markdown → Typst markup.
pub fn to_typst(markdown: &str) -> String {
    let mut w = TypstWriter::default();
    let mut parser = Parser::new_ext(markdown, options());
    while let Some(event) = parser.next() {
        w.event(event, &mut parser);
    }
    w.out
}

#[derive(Default)]
struct TypstWriter {
    out: String,
    /// Open list kinds (true = numbered).
    lists: Vec<bool>,
    /// While in a table: its cells so far and its column count.
    table: Option<TableState>,
    cell: Option<String>,
    link: Vec<String>,
    /// Level-1 headings so far.
    chapters: usize,
}

struct TableState {
    columns: usize,
    align: Vec<Alignment>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    in_header: bool,
    row: Vec<String>,
}

impl TypstWriter {
    /// Text goes into the current table cell if there is one.
    fn push(&mut self, text: &str) {
        match &mut self.cell {
            Some(cell) => cell.push_str(text),
            None => self.out.push_str(text),
        }
    }

    fn event<'a>(&mut self, event: Event<'a>, parser: &mut Parser<'a>) {
        match event {
            Event::Start(tag) => self.start(tag, parser),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.push(&escape_typst(&t)),
            Event::Code(t) => self.push(&format!("#raw({})", typst_string(&t))),
            Event::SoftBreak => self.push(" "),
            Event::HardBreak => self.push(" \\\n"),
            Event::Rule => self.push("\n#line(length: 100%, stroke: 0.5pt + luma(160))\n"),
            // Templates may ask for a page break in the PDF; HTML and
            // Markdown keep the comment, which shows nothing. (Text from
            // the assessment is escaped, so it cannot write one.)
            Event::Html(h) if h.trim() == PAGE_BREAK => self.push("\n#pagebreak(weak: true)\n"),
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => {}
        }
    }

    fn start<'a>(&mut self, tag: Tag<'a>, parser: &mut Parser<'a>) {
        match tag {
            Tag::Heading { level, .. } => {
                let depth = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                // Every chapter after the first starts a page: the usual
                // report layout, and Typst lays out the runs of pages
                // between breaks in parallel. The first shares its page
                // with any introduction before it.
                if depth == 1 {
                    if self.chapters > 0 {
                        self.push("\n#pagebreak(weak: true)");
                    }
                    self.chapters += 1;
                }
                self.push(&format!("\n{} ", "=".repeat(depth)));
            }
            Tag::Paragraph => {}
            Tag::Emphasis => self.push("#emph["),
            Tag::Strong => self.push("#strong["),
            Tag::Strikethrough => self.push("#strike["),
            Tag::BlockQuote(_) => self.push("\n#quote(block: true)["),
            Tag::CodeBlock(kind) => {
                let mut code = String::new();
                for inner in parser.by_ref() {
                    match inner {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                let lang = match kind {
                    CodeBlockKind::Fenced(l) if !l.is_empty() => {
                        format!(", lang: {}", typst_string(&l))
                    }
                    _ => String::new(),
                };
                self.push(&format!(
                    "\n#raw(block: true{lang}, {})\n",
                    typst_string(&code)
                ));
            }
            Tag::List(first) => {
                self.lists.push(first.is_some());
                self.push("\n");
            }
            Tag::Item => {
                let depth = self.lists.len().saturating_sub(1);
                let marker = if self.lists.last().copied().unwrap_or(false) {
                    "+"
                } else {
                    "-"
                };
                self.push(&format!("\n{}{marker} ", "  ".repeat(depth)));
            }
            Tag::Table(align) => {
                self.table = Some(TableState {
                    columns: align.len(),
                    align,
                    header: Vec::new(),
                    rows: Vec::new(),
                    in_header: false,
                    row: Vec::new(),
                });
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_header = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => self.cell = Some(String::new()),
            Tag::Link { dest_url, .. } => {
                self.link.push(dest_url.to_string());
                self.push(&format!("#link({})[", typst_string(&dest_url)));
            }
            Tag::Image { dest_url, .. } => {
                let alt = image_alt(parser);
                let path = match chart_name(&dest_url) {
                    Some(name) => format!("charts/{name}.svg"),
                    None => dest_url.to_string(),
                };
                self.push(&format!(
                    "\n#figure(image({}, alt: {}, width: 100%), caption: [{}])\n",
                    typst_string(&path),
                    typst_string(&alt),
                    escape_typst(&alt)
                ));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => self.push("\n"),
            TagEnd::Paragraph => self.push("\n\n"),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.push("]"),
            TagEnd::BlockQuote(_) => self.push("]\n"),
            TagEnd::List(_) => {
                self.lists.pop();
                self.push("\n\n");
            }
            TagEnd::Item => {}
            TagEnd::Link => {
                self.link.pop();
                self.push("]");
            }
            TagEnd::TableCell => {
                let cell = self.cell.take().unwrap_or_default();
                if let Some(t) = &mut self.table {
                    t.row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.header = std::mem::take(&mut t.row);
                    t.in_header = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.out.push_str(&table_typst(&t));
                }
            }
            _ => {}
        }
    }
}

/// Short columns fit their content; long text shares the rest of the
/// width in proportion to its typical length, so evidence columns get room.
fn column_widths(t: &TableState) -> String {
    let widths: Vec<String> = (0..t.columns)
        .map(|c| {
            let lens: Vec<usize> = t
                .rows
                .iter()
                .chain(std::iter::once(&t.header))
                .map(|r| r.get(c).map_or(0, |x| x.chars().count()))
                .collect();
            let longest = lens.iter().copied().max().unwrap_or(0);
            let mean = lens.iter().sum::<usize>() / lens.len().max(1);
            if longest <= 14 {
                "auto".to_owned()
            } else {
                format!("{}fr", (mean / 10).clamp(2, 6))
            }
        })
        .collect();
    if widths.len() == 1 {
        format!("{},", widths[0])
    } else {
        widths.join(", ")
    }
}

fn table_typst(t: &TableState) -> String {
    let align: Vec<&str> = t
        .align
        .iter()
        .map(|a| match a {
            Alignment::Right => "right",
            Alignment::Center => "center",
            _ => "left",
        })
        .collect();
    let cells = |row: &[String]| -> String {
        (0..t.columns)
            .map(|i| format!("[{}]", row.get(i).map(String::as_str).unwrap_or("")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "\n#table(columns: ({}), align: ({}), table.header({}),\n",
        column_widths(t),
        align.join(", ") + if align.len() == 1 { "," } else { "" },
        cells(&t.header)
    );
    for row in &t.rows {
        out.push_str(&format!("  {},\n", cells(row)));
    }
    out.push_str(")\n\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_escaping_stops_markup_injection() {
        assert_eq!(
            escape_typst("#set page(width: 1cm)"),
            "\\#set page(width: 1cm)"
        );
        assert_eq!(escape_typst("a ] b [ c"), "a \\] b \\[ c");
        assert_eq!(
            escape_typst("$x$ @ref <lbl> // not a comment"),
            "\\$x\\$ \\@ref \\<lbl\\> \\/\\/ not a comment"
        );
    }

    #[test]
    fn chapters_after_the_first_start_a_page() {
        let t = to_typst("Intro.\n\n# One\n\n## One.1\n\n# Two\n\n# Three\n");
        assert_eq!(t.matches("#pagebreak(weak: true)").count(), 2, "{t}");
        assert!(t.contains("#pagebreak(weak: true)\n= Two"), "{t}");
        assert!(!t.contains("#pagebreak(weak: true)\n= One"), "{t}");
    }

    #[test]
    fn templates_can_break_pages_in_the_pdf_only() {
        let md = "Before.\n\n<!-- pagebreak -->\n\nAfter.\n";
        let t = to_typst(md);
        assert!(
            t.contains("Before.") && t.contains("#pagebreak(weak: true)"),
            "{t}"
        );
        assert!(t.find("#pagebreak").expect("break") < t.find("After.").expect("after"));
        assert!(!to_html(md, &BTreeMap::new()).contains("pagebreak("));
        // Escaped the way assessment text is, it stays text.
        let escaped = to_typst("\\<!-- pagebreak --\\>\n");
        assert!(!escaped.contains("#pagebreak"), "{escaped}");
    }

    #[test]
    fn markdown_becomes_typst() {
        let t = to_typst(
            "# Title\n\nSome *emphasis* and **strong**.\n\n- one\n- two\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n",
        );
        assert!(t.contains("\n= Title\n"), "{t}");
        assert!(
            t.contains("#emph[emphasis]") && t.contains("#strong[strong]"),
            "{t}"
        );
        assert!(t.contains("\n- one") && t.contains("\n- two"), "{t}");
        assert!(
            t.contains(
                "#table(columns: (auto, auto), align: (left, right), table.header([a], [b]),\n  [1], [2],\n)"
            ),
            "{t}"
        );
    }

    #[test]
    fn charts_become_figures() {
        let mut charts = BTreeMap::new();
        charts.insert(
            "coverage".to_owned(),
            "<svg><title>t</title></svg>".to_owned(),
        );
        let html = to_html("![Coverage by level](chart:coverage)\n", &charts);
        assert_eq!(
            html,
            "<figure class=\"chart\" id=\"chart-coverage\"><svg><title>t</title></svg><figcaption>Coverage by level</figcaption></figure>\n"
        );
        let typst = to_typst("![Coverage by level](chart:coverage)\n");
        assert!(typst.contains("#figure(image(\"charts/coverage.svg\", alt: \"Coverage by level\", width: 100%), caption: [Coverage by level])"), "{typst}");
        assert_eq!(
            to_markdown_file("![C](chart:coverage)"),
            "![C](charts/coverage.svg)\n"
        );
    }

    #[test]
    fn sections_are_linked_from_a_contents_list() {
        let html = to_html(
            "# Title\n\nIntro.\n\n## Gaps & needs\n\nx\n\n### Sub\n\n## Gaps & needs\n\n## Contents\n",
            &BTreeMap::new(),
        );
        let nav = html
            .find("<nav class=\"contents\"")
            .expect("a contents list");
        assert!(
            html.find("<p>Intro.</p>").expect("intro") < nav,
            "after the title"
        );
        assert!(html.contains("<li><a href=\"#gaps-needs\">Gaps &amp; needs</a></li>"));
        assert!(html.contains("<h2 id=\"gaps-needs\">Gaps &amp; needs</h2>"));
        assert!(
            html.contains("<h2 id=\"gaps-needs-2\">"),
            "repeated titles get their own id"
        );
        assert!(html.contains("<h2 id=\"contents-2\">Contents</h2>"));
        assert!(!html.contains("href=\"#sub\""), "sections only");
    }

    #[test]
    fn escaped_markdown_stays_text_in_html() {
        let html = to_html(
            &crate::render::context::md("<script>alert(1)</script> & co"),
            &BTreeMap::new(),
        );
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>\n"
        );
    }
}
