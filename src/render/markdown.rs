//! The Markdown the templates write, turned into HTML (pulldown-cmark) and
//! into Typst markup (for the PDF). Charts are written in the Markdown as
//! images with a `chart:` address (`![Coverage by level](chart:coverage)`):
//! HTML gets the SVG inline, Typst gets `image("charts/coverage.svg")`, and
//! the Markdown file links `charts/coverage.svg`.

use std::collections::BTreeMap;

use super::pdf_chart::{self, PdfChart};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub(super) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The chart name of an image address, if it is one.
fn chart_name(url: &str) -> Option<&str> {
    url.strip_prefix("chart:")
}

/// The first chart a document's images name (`![…](chart:NAME)`) that
/// `charts` does not hold: a template's typo, which would otherwise be an
/// empty figure in the HTML and a missing file in the PDF.
pub(crate) fn unknown_chart(markdown: &str, charts: &BTreeMap<String, String>) -> Option<String> {
    Parser::new_ext(markdown, options()).find_map(|event| match event {
        Event::Start(Tag::Image { dest_url, .. }) => chart_name(&dest_url)
            .filter(|name| !charts.contains_key(*name))
            .map(str::to_owned),
        _ => None,
    })
}

/// Markdown for the `.md` output: chart addresses become links to the
/// chart files written beside it.
pub(crate) fn to_markdown_file(markdown: &str) -> String {
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
pub(super) fn image_alt<'a>(events: &mut impl Iterator<Item = Event<'a>>) -> String {
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

/// A heading's depth, 1 to 6.
pub(super) fn heading_depth(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Markdown as the plain text it reads as (a subtitle for a cover).
pub(crate) fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// Markdown → HTML body, charts inline as `<figure>` with their SVG.
pub(crate) fn to_html(markdown: &str, charts: &BTreeMap<String, String>) -> String {
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

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Escape text for Typst markup: every character with a markup meaning.
pub(crate) fn escape_typst(text: &str) -> String {
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
pub(crate) fn typst_string(text: &str) -> String {
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
pub(crate) const PAGE_BREAK: &str = "<!-- pagebreak -->";

/// Templates set wide sections (an action plan's tables, a provider map)
/// on landscape pages in the PDF, between these two comments.
pub(crate) const LANDSCAPE: &str = "<!-- landscape -->";
pub(crate) const PORTRAIT: &str = "<!-- portrait -->";

/// What templates show in the HTML only (the whole-system pathway map, to
/// pan and zoom on screen), between these two comments: the PDF leaves it
/// out.
pub(crate) const HTML_ONLY: &str = "<!-- html-only -->";
pub(crate) const END_HTML_ONLY: &str = "<!-- end html-only -->";

/// Markdown → Typst markup. `charts` are the charts that `chart:` images
/// name, as the PDF draws them: each is sized by the size it was drawn at
/// and its words set by Typst (see [`super::pdf_chart`]).
pub(crate) fn to_typst(markdown: &str, charts: &BTreeMap<String, PdfChart>) -> String {
    let mut w = TypstWriter {
        long_chapters: long_chapters(markdown),
        charts: Some(charts),
        ..TypstWriter::default()
    };
    let mut parser = Parser::new_ext(markdown, options());
    while let Some(event) = parser.next() {
        w.event(event, &mut parser);
    }
    if w.drew_chart {
        format!("{}\n{}", pdf_chart::DEFINITION, w.out)
    } else {
        w.out
    }
}

/// A chapter at least this long (in characters of Markdown, about two
/// thirds of a page) starts a page of its own; shorter ones follow on.
const LONG_CHAPTER: usize = 2_500;

/// For each chapter (`# ` heading) in order: does it start a page? Long
/// chapters do, and so do chapters holding a table or a figure: a short
/// strategy should not hold pages of one paragraph.
pub(super) fn long_chapters(markdown: &str) -> Vec<bool> {
    let mut chapters: Vec<(usize, bool)> = Vec::new();
    for line in markdown.lines() {
        if line.starts_with("# ") {
            chapters.push((0, false));
        }
        if let Some((len, wide)) = chapters.last_mut() {
            *len += line.len() + 1;
            *wide |= line.starts_with("![") && line.contains("](chart:");
        }
    }
    chapters
        .into_iter()
        .map(|(len, figure)| len >= LONG_CHAPTER || figure)
        .collect()
}

/// The most of a landscape page's height a chart may take, so the text
/// that leads into it shares its page: a journey's map drawn as wide as a
/// landscape page was taller than the space under its steps, and nearly
/// every journey took two pages, the first mostly blank. (On portrait
/// pages the tall charts stand a page each anyway: they keep the width.)
const CHART_SHARE_OF_PAGE: f64 = 0.62;

/// The least a chart is drawn at, in points per unit it was drawn in,
/// whatever its height: its 11-unit labels stay at 6.8 points.
const CHART_POINTS_PER_UNIT: f64 = 0.62;

/// How wide a chart is drawn on a landscape page, in Typst over the page
/// body's `size` (which `layout` gives): as wide as the text, unless that
/// would make it taller than [`CHART_SHARE_OF_PAGE`] of the page; never so
/// small that its labels fall below [`CHART_POINTS_PER_UNIT`].
fn fitted_width((width, height): (f64, f64)) -> String {
    format!(
        "calc.min(size.width, calc.max(size.height * {:.4}, {:.1}pt))",
        CHART_SHARE_OF_PAGE * width / height,
        CHART_POINTS_PER_UNIT * width
    )
}

/// A picture as wide as the text, as Typst reads it from its file.
fn plain_image(path: &str, alt: &str) -> String {
    format!(
        "image({}, alt: {}, width: 100%)",
        typst_string(path),
        typst_string(alt)
    )
}

#[derive(Default)]
struct TypstWriter<'a> {
    /// Per chapter: whether it starts a page ([`long_chapters`]).
    long_chapters: Vec<bool>,
    out: String,
    /// Open list kinds (true = numbered).
    lists: Vec<bool>,
    /// While in a table: its cells so far and its column count.
    table: Option<TableState>,
    cell: Option<String>,
    link: Vec<String>,
    /// Level-1 headings so far.
    chapters: usize,
    /// Inside a landscape section: tables are as wide as its pages.
    landscape: bool,
    /// Status badges open.
    spans: usize,
    /// Inside an HTML-only part: nothing of it goes in the PDF.
    html_only: bool,
    charts: Option<&'a BTreeMap<String, PdfChart>>,
    /// A chart was drawn with `needsmap-chart`, which the body must define.
    drew_chart: bool,
}

/// A status badge's tint and edge, by its RAG colour name: the edge
/// colour holds 4.5:1 contrast on the tint, so it can colour the word.
pub(super) fn rag_colours(colour: &str) -> (&'static str, &'static str) {
    match colour {
        "green" => ("#e3f1dc", "#2e7d32"),
        "amber" => ("#fdf0d5", "#b26a00"),
        "red" => ("#fbe0dd", "#b3261e"),
        "blue" => ("#e1ebf7", "#1d4f91"),
        _ => ("#ececec", "#6b6b6b"),
    }
}

/// The opening of a status badge in Typst, by its RAG colour name.
fn rag_badge(colour: &str) -> String {
    let (fill, edge) = rag_colours(colour);
    format!(
        "#box(fill: rgb(\"{fill}\"), stroke: (left: 3pt + rgb(\"{edge}\")), inset: (x: 3pt, y: 2pt), outset: (y: 1pt))["
    )
}

struct TableState {
    columns: usize,
    align: Vec<Alignment>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    row: Vec<String>,
}

impl TypstWriter<'_> {
    /// A chart's figure body: its drawing with its words set by Typst, as
    /// wide as the text (on landscape pages, see [`fitted_width`]). A chart
    /// the build does not hold, or whose size the SVG does not give, is
    /// the plain SVG as wide as the text.
    fn chart(&mut self, name: &str, alt: &str) -> String {
        let chart = self.charts.and_then(|charts| charts.get(name));
        let drawn = chart.and_then(|c| Some((c, crate::journeys::svg::size(&c.drawing)?)));
        let Some((chart, size)) = drawn else {
            return plain_image(&format!("charts/{name}.svg"), alt);
        };
        self.drew_chart = true;
        let width = if self.landscape {
            fitted_width(size)
        } else {
            "size.width".to_owned()
        };
        pdf_chart::typst_call(chart, &pdf_chart::drawing_path(name), alt, size, &width)
    }

    /// Text goes into the current table cell if there is one.
    fn push(&mut self, text: &str) {
        match &mut self.cell {
            Some(cell) => cell.push_str(text),
            None => self.out.push_str(text),
        }
    }

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
            Event::Text(t) => self.push(&escape_typst(&t)),
            Event::Code(t) => self.push(&format!("#raw({})", typst_string(&t))),
            Event::SoftBreak => self.push(" "),
            Event::HardBreak => self.push(" \\\n"),
            Event::Rule => self.push("\n#line(length: 100%, stroke: 0.5pt + luma(160))\n"),
            // Templates may ask for a page break in the PDF; HTML and
            // Markdown keep the comment, which shows nothing. (Text from
            // the assessment is escaped, so it cannot write one.)
            Event::Html(h) if h.trim() == PAGE_BREAK => self.push("\n#pagebreak(weak: true)\n"),
            Event::Html(h) if h.trim() == LANDSCAPE && !self.landscape => {
                self.landscape = true;
                self.push("\n#set page(flipped: true)\n");
            }
            Event::Html(h) if h.trim() == PORTRAIT && self.landscape => {
                self.landscape = false;
                self.push("\n#set page(flipped: false)\n");
            }
            // A status the templates mark `<span class="rag rag-green">`:
            // a tinted badge with a coloured edge, beside its word (never
            // colour alone; legible in grey).
            Event::InlineHtml(h) if h.starts_with("<span class=\"rag rag-") => {
                let colour = h
                    .trim_start_matches("<span class=\"rag rag-")
                    .trim_end_matches("\">");
                self.push(&rag_badge(colour));
                self.spans += 1;
            }
            Event::InlineHtml(h) if h.as_ref() == "</span>" && self.spans > 0 => {
                self.spans -= 1;
                self.push("]");
            }
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => {}
        }
    }

    fn start<'a>(&mut self, tag: Tag<'a>, parser: &mut Parser<'a>) {
        match tag {
            Tag::Heading { level, .. } => {
                let depth = heading_depth(level);
                // A long chapter after the first starts a page: the usual
                // report layout, and Typst lays out the runs of pages
                // between breaks in parallel. Short ones follow on, so no
                // page holds a lone paragraph. The first shares its page
                // with any introduction before it.
                if depth == 1 {
                    let long = self
                        .long_chapters
                        .get(self.chapters)
                        .copied()
                        .unwrap_or(true);
                    if self.chapters > 0 && long {
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
                    row: Vec::new(),
                });
            }
            Tag::TableRow => {}
            Tag::TableCell => self.cell = Some(String::new()),
            Tag::Link { dest_url, .. } => {
                self.link.push(dest_url.to_string());
                self.push(&format!("#link({})[", typst_string(&dest_url)));
            }
            Tag::Image { dest_url, .. } => {
                let alt = image_alt(parser);
                let figure = match chart_name(&dest_url) {
                    Some(name) => self.chart(name, &alt),
                    None => plain_image(&dest_url, &alt),
                };
                self.push(&format!(
                    "\n#figure({figure}, caption: [{}])\n",
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
                    self.out.push_str(&table_typst(&t, self.landscape));
                }
            }
            _ => {}
        }
    }
}

/// Width of the text area of a portrait A4 page (the template's 2.2 cm
/// side margins), and of a landscape one, in points.
const PORTRAIT_WIDTH: f64 = 470.0;
const LANDSCAPE_WIDTH: f64 = 717.0;

/// A cell's inset on both sides, in points, with a little to spare.
const CELL_INSET: f64 = 11.0;

/// The advance of text in 8.5 pt bold Libertinus Serif (headers are bold),
/// in points, from the widths of its kinds of character: close enough to
/// tell whether a word fits a column, and never under.
fn advance(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'm' | 'w' | 'M' | 'W' => 7.6,
            c if c.is_uppercase() => 6.0,
            c if c.is_ascii_digit() => 4.6,
            'i' | 'l' | 'j' | 't' | 'f' | 'r' | '.' | ',' | ':' | ';' | '\'' | ' ' => 3.0,
            '£' | '%' | '&' => 5.8,
            _ => 4.6,
        })
        .sum()
}

/// A cell's text as it reads, without its Typst markup (`#link("…")[`,
/// `#box(…)[`, escapes, brackets): for measuring.
fn visible(markup: &str) -> String {
    let mut out = String::with_capacity(markup.len());
    let mut chars = markup.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '#' if chars.peek().is_some_and(|n| n.is_ascii_alphabetic()) => {
                // `#name(args)[`: skip the name and the balanced arguments
                // (strings included); the content in brackets stays.
                let mut name = String::new();
                while let Some(n) = chars
                    .peek()
                    .copied()
                    .filter(|n| n.is_ascii_alphanumeric() || *n == '.')
                {
                    name.push(n);
                    chars.next();
                }
                // `#raw("code")` shows its string: that is its width.
                let shows_string = name == "raw";
                if chars.peek() == Some(&'(') {
                    let (mut depth, mut in_string) = (0usize, false);
                    while let Some(a) = chars.next() {
                        match a {
                            '\\' if in_string => {
                                if let Some(e) = chars.next()
                                    && shows_string
                                {
                                    out.push(e);
                                }
                            }
                            '"' => in_string = !in_string,
                            c if in_string && shows_string => out.push(c),
                            '(' if !in_string => depth += 1,
                            ')' if !in_string => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            '*' | '_' | '[' | ']' => {}
            c => out.push(c),
        }
    }
    out
}

/// What a column holds, in points of text: its longest word (it cannot be
/// narrower without overflowing) and its longest cell (it needs no more).
struct ColumnText {
    longest_word: f64,
    longest_cell: f64,
    mean_cell: f64,
}

impl ColumnText {
    /// A column's measures, from the text of its cells.
    fn of(cells: &[String]) -> ColumnText {
        let lens: Vec<f64> = cells.iter().map(|x| advance(x)).collect();
        ColumnText {
            longest_word: cells
                .iter()
                .flat_map(|x| x.split_whitespace().map(advance))
                .fold(0.0, f64::max),
            longest_cell: lens.iter().copied().fold(0.0, f64::max),
            mean_cell: lens.iter().sum::<f64>() / lens.len().max(1) as f64,
        }
    }
}

fn column_text(t: &TableState) -> Vec<ColumnText> {
    (0..t.columns)
        .map(|c| {
            let cells: Vec<String> = t
                .rows
                .iter()
                .chain(std::iter::once(&t.header))
                .map(|r| r.get(c).map_or_else(String::new, |x| visible(x)))
                .collect();
            ColumnText::of(&cells)
        })
        .collect()
}

/// [`fit_columns`] for a table of plain-text cells (rows of columns), as
/// the Word documents set them; `None` when its words cannot stand side
/// by side in `width` points.
pub(super) fn fit_plain_columns(
    rows: &[Vec<String>],
    columns: usize,
    width: f64,
) -> Option<Vec<f64>> {
    let cols: Vec<ColumnText> = (0..columns)
        .map(|c| {
            let cells: Vec<String> = rows
                .iter()
                .map(|r| r.get(c).cloned().unwrap_or_default())
                .collect();
            ColumnText::of(&cells)
        })
        .collect();
    fit_columns(&cols, width)
}

/// Column widths in points for a table `width` wide, or `None` when even
/// its longest words do not fit side by side. A column is never narrower
/// than its longest word, so no word overflows into the next cell; short
/// columns get their whole text; long text shares what is left in
/// proportion to its typical length, up to what it needs.
fn fit_columns(cols: &[ColumnText], width: f64) -> Option<Vec<f64>> {
    let pt = |text: f64| text + CELL_INSET;
    let min: Vec<f64> = cols.iter().map(|c| pt(c.longest_word)).collect();
    let full: Vec<f64> = cols.iter().map(|c| pt(c.longest_cell)).collect();
    if min.iter().sum::<f64>() > width {
        return None;
    }
    if full.iter().sum::<f64>() <= width {
        return Some(full);
    }
    let mut widths = min.clone();
    // Hand out what is left, a share at a time, to the columns that still
    // wrap, by their mean length: water-filling up to each one's need.
    let mut open: Vec<usize> = (0..cols.len()).filter(|&c| full[c] > min[c]).collect();
    let mut left = width - widths.iter().sum::<f64>();
    while left > 0.5 && !open.is_empty() {
        let weight: f64 = open.iter().map(|&c| cols[c].mean_cell.max(1.0)).sum();
        let mut given = 0.0;
        for &c in &open {
            let share = left * cols[c].mean_cell.max(1.0) / weight;
            let take = share.min(full[c] - widths[c]);
            widths[c] += take;
            given += take;
        }
        left -= given;
        open.retain(|&c| full[c] - widths[c] > 0.5);
        if given < 0.5 {
            break;
        }
    }
    Some(widths)
}

/// How a table is set: its column widths, and whether it needs a page of
/// its own turned to landscape (a portrait page cannot hold its words side
/// by side; templates put the tables they know are wide in landscape
/// sections instead, with their headings).
fn column_widths(t: &TableState, landscape_section: bool) -> (String, bool) {
    let cols = column_text(t);
    let width = if landscape_section {
        LANDSCAPE_WIDTH
    } else {
        PORTRAIT_WIDTH
    };
    let (widths, landscape) = match fit_columns(&cols, width) {
        Some(w) => (w, false),
        None => (
            fit_columns(&cols, LANDSCAPE_WIDTH).unwrap_or_else(|| {
                // Wider than a landscape page even word by word: share it
                // out evenly and let Typst break the longest words.
                vec![LANDSCAPE_WIDTH / t.columns.max(1) as f64; t.columns]
            }),
            true,
        ),
    };
    // A table whose every cell fits on one line: Typst sizes it exactly.
    let natural = cols
        .iter()
        .map(|c| c.longest_cell + CELL_INSET)
        .sum::<f64>()
        <= width;
    let list: Vec<String> = widths
        .iter()
        .map(|w| {
            if natural && !landscape {
                "auto".to_owned()
            } else {
                format!("{w:.0}pt")
            }
        })
        .collect();
    let list = if list.len() == 1 {
        format!("{},", list[0])
    } else {
        list.join(", ")
    };
    (list, landscape)
}

fn table_typst(t: &TableState, landscape_section: bool) -> String {
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
    let (widths, landscape) = column_widths(t, landscape_section);
    let mut out = format!(
        "\n{}#table(columns: ({widths}), align: ({}), table.header({}),\n",
        if landscape {
            "#page(flipped: true)["
        } else {
            ""
        },
        align.join(", ") + if align.len() == 1 { "," } else { "" },
        cells(&t.header)
    );
    for row in &t.rows {
        out.push_str(&format!("  {},\n", cells(row)));
    }
    out.push_str(if landscape { ")]\n\n" } else { ")\n\n" });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typst(markdown: &str) -> String {
        to_typst(markdown, &BTreeMap::new())
    }

    fn pdf_charts(name: &str, svg: &str) -> BTreeMap<String, PdfChart> {
        BTreeMap::from([(name.to_owned(), pdf_chart::split(svg).expect("parses"))])
    }

    #[test]
    fn a_chart_is_sized_to_share_its_page() {
        let svg = crate::journeys::svg::open("j03", 822.0, 466.0, "T", "D") + "</svg>";
        let charts = pdf_charts("journey-j03", &svg);
        let t = to_typst(
            "<!-- landscape -->\n\n![Journey map for j03](chart:journey-j03)\n",
            &charts,
        );
        // 0.62 × 822 / 466 = 1.0936 of the page height; 0.62 × 822 = 509.6
        // points at the least.
        assert!(
            t.contains("#figure(layout(size => needsmap-chart(\"charts/pdf/journey-j03.svg\", \"Journey map for j03\", 822, 466, calc.min(size.width, calc.max(size.height * 1.0936, 509.6pt)), ())), caption: [Journey map for j03])"),
            "{t}"
        );
        // On a portrait page it keeps the text's width.
        let t = to_typst("![Journey map for j03](chart:journey-j03)\n", &charts);
        assert!(
            t.contains("\"Journey map for j03\", 822, 466, size.width, ())"),
            "{t}"
        );
    }

    #[test]
    fn a_charts_words_are_set_by_typst() {
        let svg = crate::journeys::svg::open("c", 100.0, 50.0, "T", "D")
            + "<text x=\"5\" y=\"20\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">A \"quoted\" word</text></svg>";
        let t = to_typst("![C](chart:c)\n", &pdf_charts("c", &svg));
        assert!(t.starts_with(pdf_chart::DEFINITION), "{t}");
        assert!(
            t.contains("(5, 20, 11, false, center, rgb(\"#444\"), 0, \"A \\\"quoted\\\" word\"),"),
            "{t}"
        );
        // A body without charts does not define the function.
        assert!(!typst("Text.\n").contains("needsmap-chart"));
    }

    #[test]
    fn cells_are_measured_by_their_text_not_their_markup() {
        assert_eq!(
            visible("#box(fill: rgb(\"#e3f1dc\"), stroke: (left: 3pt))[On track]"),
            "On track"
        );
        assert_eq!(
            visible("#link(\"https://x.org/a(b)\")[the source]"),
            "the source"
        );
        assert_eq!(visible("a \\# b"), "a # b");
        // Code shows its text, and is as wide as it.
        assert_eq!(visible("#raw(\"refuge-north\")"), "refuge-north");
        assert_eq!(visible("#raw(\"a\\\"b\")"), "a\"b");
    }

    #[test]
    fn a_column_is_never_narrower_than_its_longest_word() {
        let col = |word: &str, cell: &str| ColumnText {
            longest_word: advance(word),
            longest_cell: advance(cell),
            mean_cell: advance(cell),
        };
        let cols = [
            col("accommodation", "Dispersed safe accommodation"),
            col("survivors,", &"Women victims and survivors, ".repeat(12)),
        ];
        let w = fit_columns(&cols, 200.0).expect("fits");
        assert!(w[0] >= advance("accommodation") + CELL_INSET, "{w:?}");
        assert!((w.iter().sum::<f64>() - 200.0).abs() < 1.0, "{w:?}");
        // Words that cannot stand side by side do not fit at all.
        assert!(fit_columns(&cols, 60.0).is_none());
    }

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
        let long = "A sentence of a long chapter. ".repeat(100);
        let t = typst(&format!(
            "Intro.\n\n# One\n\n## One.1\n\n{long}\n\n# Two\n\n{long}\n\n# Three\n\n{long}\n"
        ));
        assert_eq!(t.matches("#pagebreak(weak: true)").count(), 2, "{t}");
        assert!(t.contains("#pagebreak(weak: true)\n= Two"), "{t}");
        assert!(!t.contains("#pagebreak(weak: true)\n= One"), "{t}");
        // Short chapters follow on; one with a figure starts a page.
        let t =
            typst("# One\n\nShort.\n\n# Two\n\nShort.\n\n# Three\n\n![A chart](chart:levels)\n");
        assert!(!t.contains("#pagebreak(weak: true)\n= Two"), "{t}");
        assert!(t.contains("#pagebreak(weak: true)\n= Three"), "{t}");
    }

    #[test]
    fn templates_can_break_pages_in_the_pdf_only() {
        let md = "Before.\n\n<!-- pagebreak -->\n\nAfter.\n";
        let t = typst(md);
        assert!(
            t.contains("Before.") && t.contains("#pagebreak(weak: true)"),
            "{t}"
        );
        assert!(t.find("#pagebreak").expect("break") < t.find("After.").expect("after"));
        assert!(!to_html(md, &BTreeMap::new()).contains("pagebreak("));
        // Escaped the way assessment text is, it stays text.
        let escaped = typst("\\<!-- pagebreak --\\>\n");
        assert!(!escaped.contains("#pagebreak"), "{escaped}");
    }

    #[test]
    fn markdown_becomes_typst() {
        let t = typst(
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
        // A chart the SVG gives no size for is the whole SVG, as wide as
        // the text.
        let typst = to_typst(
            "![Coverage by level](chart:coverage)\n",
            &pdf_charts("coverage", "<svg><title>t</title></svg>"),
        );
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
