//! The three documents — needs assessment, safe accommodation strategy,
//! action plan — and the data exports.
//!
//! tera templates write Markdown from a context of pre-computed, escaped
//! figures (`context`); the Markdown becomes HTML (pulldown-cmark, one
//! self-contained file with inline CSS and SVG) and Typst markup, which
//! Typst lays out into a tagged PDF in process (`pdf`). Charts are SVG made
//! here (`charts`). The same Markdown becomes a Word file (`docx`), its
//! charts drawn as PNG (`raster`). Everything is built in memory; the
//! caller writes it.

pub(crate) mod annual_return;
pub(crate) mod charts;
pub(crate) mod context;
pub(crate) mod disclosure;
pub(crate) mod docx;
pub(crate) mod exports;
pub(crate) mod markdown;
pub mod pdf;
pub(crate) mod pdf_chart;
pub(crate) mod raster;
pub(crate) mod templates;

pub use context::MAX_JOURNEY_SECTIONS;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::gaps::analyse_graph;
use crate::graph::{GraphFormat, PathwayGraph, export};
use crate::journeys::report;
use crate::model::{Assessment, Journey};

/// Counts from journeys below this are hidden in public builds unless the
/// assessment or the command line says otherwise: the threshold most UK
/// public bodies use for counts of people.
pub const DEFAULT_SUPPRESS_BELOW: u32 = 5;

/// The threshold a build uses: the one asked for on the command line,
/// else the assessment's own, else [`DEFAULT_SUPPRESS_BELOW`].
pub fn suppress_below(asked: Option<u32>, a: &Assessment) -> u32 {
    asked
        .or(a.info.suppress_below)
        .unwrap_or(DEFAULT_SUPPRESS_BELOW)
}

/// How to build.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Include internal journeys and notes (an internal build, never
    /// published).
    pub internal: bool,
    /// Counts from journeys below this show as "fewer than N" in public builds.
    pub suppress_below: u32,
    /// Also lay out PDFs (the slow part).
    pub pdf: bool,
    /// Also write Word files. Off unless asked: their charts are drawn as
    /// PNG, which on the example costs as much CPU as the PDFs' layout and
    /// would make every build about half as long again (see
    /// `benches/build.rs`).
    pub docx: bool,
    /// Let template overrides come from outside the workspace.
    pub allow_outside: bool,
    /// The previous edition: the action plan then reports progress since.
    pub previous: Option<&'a Assessment>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            internal: false,
            suppress_below: DEFAULT_SUPPRESS_BELOW,
            pdf: true,
            docx: false,
            allow_outside: false,
            previous: None,
        }
    }
}

/// One file of the build, by its path inside the output folder.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The documents, by file stem and title.
pub const DOCUMENTS: &[(&str, &str)] = &[
    ("needs-assessment", "Needs assessment"),
    ("safe-accommodation-strategy", "Safe accommodation strategy"),
    ("action-plan", "Action plan"),
];

/// One analysis of what a build shows (graph, gaps, journeys, progress
/// since the previous edition), and the documents' shared context made
/// from it; the charts and exports use the same analysis.
pub(crate) struct Analysed<'v> {
    pub g: PathwayGraph<'v>,
    pub analysis: crate::gaps::Analysis,
    /// The journeys the documents tell one by one, and their counts as
    /// the tables and the touchpoint chart publish them.
    pub journeys: crate::journeys::JourneyReport,
    pub counts: context::JourneyCounts,
    /// The journeys a public build only counts.
    pub counted: Option<crate::journeys::JourneyReport>,
    pub progress: Option<crate::progress::Progress>,
}

impl<'v> Analysed<'v> {
    fn of(view: &'v disclosure::View, opts: &Options<'_>) -> Analysed<'v> {
        let a = &view.assessment;
        let g = PathwayGraph::build(a);
        let analysis = analyse_graph(&g);
        let journeys = report(&g);
        let counts = context::published_counts(&journeys);
        let counted = view.counted_report(&g);
        // The previous edition is redacted the same way, so nothing internal
        // in it (an internal journey's refusal, say) reaches a public plan.
        let public = view.is_public();
        let progress = opts.previous.map(|previous| {
            let public = public.then_some(opts.suppress_below);
            crate::progress::compare_shown(previous, a, &analysis, public)
        });
        Analysed {
            g,
            analysis,
            journeys,
            counts,
            counted,
            progress,
        }
    }
}

/// Build every document and export of an assessment.
pub fn build(
    full: &Assessment,
    assessment_path: &Path,
    opts: Options<'_>,
) -> Result<Vec<OutputFile>, String> {
    // A public build renders only what may be published, so no template,
    // chart or export can reach an internal field; journeys it may only
    // count reach nothing but the tables of their counts.
    let view = disclosure::View::of(full, opts.internal, opts.suppress_below);
    let a = &view.assessment;
    let analysed = Analysed::of(&view, &opts);
    let ctx = context::build(&analysed, &view);
    let told = context::journeys_told(&analysed.journeys);
    let mapped = |j: &Journey| told.contains_key(j.id.as_str());
    let charts = charts::all(&analysed, &mapped, view.suppression);
    let pdf_charts: BTreeMap<String, pdf_chart::PdfChart> = charts
        .iter()
        .filter_map(|(name, svg)| Some((name.clone(), pdf_chart::split(svg)?)))
        .collect();
    let templates = templates::load(assessment_path, opts.allow_outside)?;
    let logo = templates::logo(assessment_path, opts.allow_outside)?;
    let page = Page {
        a,
        charts: &charts,
        pdf_charts: &pdf_charts,
        logo: logo.as_ref(),
        public: view.is_public(),
    };
    let written = write_documents(&templates, &ctx, &page)?;
    let mut files = written.files;
    let mut pictures: Vec<(String, Arc<[u8]>)> = charts
        .iter()
        .map(|(name, svg)| (format!("charts/{name}.svg"), Arc::from(svg.as_bytes())))
        .chain(pdf_charts.iter().map(|(name, chart)| {
            (
                pdf_chart::drawing_path(name),
                Arc::from(chart.drawing.as_bytes()),
            )
        }))
        .collect();
    if let Some(l) = &logo {
        pictures.push((l.path.clone(), Arc::from(l.bytes.as_slice())));
    }
    files.extend(lay_out(
        &opts,
        &page,
        written.typst,
        &written.word,
        &pictures,
    )?);
    files.extend(
        pictures
            .into_iter()
            .map(|(path, bytes)| OutputFile::new(path, bytes.to_vec())),
    );
    files.extend(data_exports(a, &analysed)?);
    Ok(files)
}

impl OutputFile {
    fn new(path: impl Into<String>, bytes: Vec<u8>) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes,
        }
    }
}

/// What every page of a build shares: the assessment shown, its charts,
/// the logo, and whether the build is public.
struct Page<'p> {
    a: &'p Assessment,
    charts: &'p BTreeMap<String, String>,
    /// The charts as the PDF draws them (see [`pdf_chart`]).
    pdf_charts: &'p BTreeMap<String, pdf_chart::PdfChart>,
    logo: Option<&'p templates::Logo>,
    public: bool,
}

/// The documents as Markdown, HTML and Typst source, and what the PDF
/// and Word stages lay out from them.
struct Written {
    files: Vec<OutputFile>,
    /// (stem, Typst source).
    typst: Vec<(String, String)>,
    /// (stem, title, Markdown).
    word: Vec<(&'static str, &'static str, String)>,
}

/// Render each document's template and turn its Markdown into the HTML
/// page and the Typst source.
fn write_documents(
    templates: &[templates::Template],
    ctx: &context::Context,
    page: &Page,
) -> Result<Written, String> {
    let tera = tera_with(templates)?;
    let mut tera_ctx =
        tera::Context::from_serialize(ctx).map_err(|e| format!("template context: {e}"))?;
    let mut written = Written {
        files: Vec::new(),
        typst: Vec::new(),
        word: Vec::new(),
    };
    for (stem, label) in DOCUMENTS {
        let name = format!("{stem}.md");
        // Each document's own title, beside the assessment's `title`
        // (Markdown-escaped, as the context escapes all input text);
        // replaced for each document, not copied with the whole context.
        tera_ctx.insert(
            "document_title",
            &context::md(&document_title(label, page.a)),
        );
        let markdown = tera
            .render(&name, &tera_ctx)
            .map_err(|e| template_error(&name, templates, &e))?;
        if let Some(chart) = markdown::unknown_chart(&markdown, page.charts) {
            return Err(unknown_chart(&name, templates, &chart, page.charts));
        }
        let html = html_document(
            &tera,
            templates,
            page.a,
            label,
            &markdown,
            (page.charts, page.logo),
        )?;
        let typ = typst_document(&tera, templates, (stem, label), &markdown, page)?;
        written.files.extend([
            OutputFile::new(name, markdown::to_markdown_file(&markdown).into_bytes()),
            OutputFile::new(format!("{stem}.html"), html.into_bytes()),
            OutputFile::new(format!("{stem}.typ"), typ.clone().into_bytes()),
        ]);
        written.typst.push((stem.to_string(), typ));
        written.word.push((*stem, *label, markdown));
    }
    Ok(written)
}

/// The PDFs and, when asked, the Word files. They are independent, so
/// they are laid out side by side.
fn lay_out(
    opts: &Options<'_>,
    page: &Page,
    typst: Vec<(String, String)>,
    word: &[(&str, &str, String)],
    pictures: &[(String, Arc<[u8]>)],
) -> Result<Vec<OutputFile>, String> {
    let (pdfs, words) = std::thread::scope(|scope| {
        let words = scope.spawn(|| {
            if opts.docx {
                word_documents(word, page.charts, page.a, (page.logo, page.public))
            } else {
                Ok(Vec::new())
            }
        });
        let pdfs = if opts.pdf {
            compile_pdfs(typst, pictures, &page.a.info.title)
        } else {
            Ok(Vec::new())
        };
        let words = words
            .join()
            .unwrap_or_else(|_| Err("Word layout panicked".to_owned()));
        (pdfs, words)
    });
    let pdfs = pdfs?
        .into_iter()
        .map(|(stem, pdf)| OutputFile::new(format!("{stem}.pdf"), pdf));
    let words = words?
        .into_iter()
        .map(|(stem, docx)| OutputFile::new(format!("{stem}.docx"), docx));
    Ok(pdfs.chain(words).collect())
}

/// The data behind the documents: the gaps (JSON, CSV), coverage, the
/// graph, the action plan tracker, and the annual return's figures when
/// services record demand on safe accommodation (the strategy says so in
/// a sentence otherwise).
fn data_exports(a: &Assessment, analysed: &Analysed) -> Result<Vec<OutputFile>, String> {
    let Analysed { g, analysis, .. } = analysed;
    let json =
        serde_json::to_vec_pretty(&analysis.json(&analysis.gaps)).map_err(|e| e.to_string())?;
    let mut files = vec![
        OutputFile::new("gaps.json", json),
        OutputFile::new("gaps.csv", exports::gaps_csv(&analysis.gaps)?),
        OutputFile::new("coverage.csv", exports::coverage_csv(analysis)?),
        OutputFile::new("graph.dot", export(g, GraphFormat::Dot, None).into_bytes()),
        OutputFile::new("action-plan.csv", exports::action_plan_csv(a, analysis)?),
        OutputFile::new("action-plan.xlsx", exports::action_plan_xlsx(a, analysis)?),
    ];
    let ret = crate::gaps::annual_return::annual_return(a, &analysis.safe_accommodation);
    if ret.year.is_some() {
        files.push(OutputFile::new(
            "annual-return.csv",
            annual_return::csv(&ret)?,
        ));
        files.push(OutputFile::new(
            "annual-return.xlsx",
            annual_return::xlsx(a, &ret)?,
        ));
    }
    Ok(files)
}

/// `needsmap progress` as Markdown: the same `progress.md` template the
/// action plan includes (overridable beside the later edition), under a
/// title of its own.
pub fn progress_report(
    progress: &crate::progress::Progress,
    assessment_path: &Path,
    allow_outside: bool,
) -> Result<String, String> {
    let templates = templates::load(assessment_path, allow_outside)?;
    let mut tera = tera_with(&templates)?;
    let report = "# Progress: {{ progress.title }}\n\n{% include \"progress.md\" %}";
    tera.add_raw_template("progress-report", report)
        .map_err(|e| format!("progress report: {e}"))?;
    let mut ctx = tera::Context::new();
    ctx.insert("progress", &context::progress_ctx(progress, "##"));
    tera.render("progress-report", &ctx)
        .map_err(|e| template_error("progress.md", &templates, &e))
}

fn tera_with(templates: &[templates::Template]) -> Result<tera::Tera, String> {
    let mut tera = tera::Tera::default();
    // A template sees its context and nothing else: with `get_env` an
    // override could print the builder's environment (tokens, home
    // folder, user name) into a public document.
    tera.register_function("get_env", no_environment);
    tera.register_filter("plural", plural_filter);
    for t in templates {
        tera.add_raw_template(t.name, &t.text)
            .map_err(|e| template_error(t.name, templates, &e))?;
    }
    Ok(tera)
}

fn no_environment(_: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    Err(tera::Error::msg(
        "templates cannot read environment variables: get_env is turned off",
    ))
}

/// `{{ n | plural(one="refusal", many="refusals") }}`: "1 refusal", "2
/// refusals", in the words of [`crate::gaps::plural`]. A count already in
/// words ("fewer than 5") takes the plural noun.
fn plural_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let noun = |name: &str| {
        args.get(name)
            .and_then(tera::Value::as_str)
            .ok_or_else(|| tera::Error::msg(format!("the plural filter needs `{name}=\"…\"`")))
    };
    let (one, many) = (noun("one")?, noun("many")?);
    let phrase = match (value.as_u64(), value.as_str()) {
        (Some(n), _) => crate::gaps::plural(n as usize, one, many),
        (None, Some(words)) => format!("{words} {many}"),
        (None, None) => format!("{value} {many}"),
    };
    Ok(tera::Value::String(phrase))
}

/// A template error naming the file to fix, with tera's reasons.
/// A template names a chart this assessment has none of.
fn unknown_chart(
    name: &str,
    templates: &[templates::Template],
    chart: &str,
    charts: &BTreeMap<String, String>,
) -> String {
    let hint = match crate::model::suggest::did_you_mean(chart, charts.keys().map(String::as_str)) {
        Some(hint) => hint,
        None => format!(
            "this assessment's charts are {}",
            charts
                .keys()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    // Blame the section that places the chart, when one does.
    let stem = name.trim_end_matches(".md");
    let placed_in = templates
        .iter()
        .filter(|t| {
            t.name == name
                || t.name
                    .strip_prefix(stem)
                    .is_some_and(|r| r.starts_with('/'))
        })
        .find(|t| t.text.contains(&format!("(chart:{chart})")))
        .map_or(name, |t| t.name);
    format!(
        "{}: no chart `{chart}` (an image `![…](chart:{chart})`)\n  hint: {hint}",
        template_origin(placed_in, templates)
    )
}

/// `built-in template NAME`, or the file that overrides it.
fn template_origin(name: &str, templates: &[templates::Template]) -> String {
    templates
        .iter()
        .find(|t| t.name == name)
        .and_then(|t| t.overridden_by.as_ref())
        .map_or_else(
            || format!("built-in template {name}"),
            |p| format!("template {}", p.display()),
        )
}

fn template_error(name: &str, templates: &[templates::Template], e: &tera::Error) -> String {
    let mut reasons = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        reasons.push(s.to_string());
        source = s.source();
    }
    // An error inside an included section names it last ("… while
    // rendering 'needs-assessment/gaps.md'"): blame that section, whose
    // override file is the one to fix, not the document that includes it.
    let innermost = reasons.last().and_then(|reason| {
        templates
            .iter()
            .map(|t| t.name)
            .find(|n| *n != name && reason.contains(&format!("'{n}'")))
    });
    format!(
        "{}: {}",
        template_origin(innermost.unwrap_or(name), templates),
        reasons.join(": ")
    )
}

fn html_document(
    tera: &tera::Tera,
    templates: &[templates::Template],
    a: &Assessment,
    label: &str,
    markdown: &str,
    (charts, logo): (&BTreeMap<String, String>, Option<&templates::Logo>),
) -> Result<String, String> {
    let body = markdown::to_html(markdown, charts);
    let mut ctx = tera::Context::new();
    ctx.insert("title", &document_title(label, a));
    ctx.insert("colour", a.info.colour.as_deref().unwrap_or(HOUSE_COLOUR));
    ctx.insert("logo", &logo.map(|l| l.path.clone()));
    ctx.insert(
        "logo_alt",
        &format!(
            "{} logo",
            a.info.partnership.as_deref().unwrap_or(&a.info.area)
        ),
    );
    ctx.insert("body", &body);
    ctx.insert("footer", &footer(a));
    tera.render("document.html", &ctx)
        .map_err(|e| template_error("document.html", templates, &e))
}

/// A document's title: the assessment's own when it already names this
/// document ("… Needs Assessment 2026-2029", "…Safe Accommodation
/// Strategy…"); the document and the area's period when it names another
/// ("Safe accommodation strategy: Northmoor 2026-2029"), never the one
/// inside the other; else the document and the assessment's title.
/// Headings and rules when the assessment names no colour of its own.
const HOUSE_COLOUR: &str = "#1d4f91";

fn document_title(label: &str, a: &Assessment) -> String {
    let names_it = |words: &str| a.info.title.to_lowercase().contains(words);
    let own = match label {
        "Needs assessment" => names_it("needs assessment"),
        "Safe accommodation strategy" => names_it("strategy") && names_it("accommodation"),
        "Action plan" => names_it("action plan"),
        _ => false,
    };
    let names_a_document =
        names_it("needs assessment") || names_it("strategy") || names_it("action plan");
    if own {
        a.info.title.clone()
    } else if !names_a_document {
        format!("{label}: {}", a.info.title)
    } else {
        format!(
            "{label}: {} {}-{}",
            a.info.short_area(),
            a.info.period.start.year(),
            a.info.period.end.year()
        )
    }
}

fn footer(a: &Assessment) -> String {
    let partnership = a
        .info
        .partnership
        .clone()
        .unwrap_or_else(|| a.info.area.clone());
    match a.info.published {
        Some(d) => format!("{partnership}. Published {d}. Made with needsmap."),
        None => format!("{partnership}. Made with needsmap."),
    }
}

/// The Markdown without its title and subtitle (the PDF and the Word file
/// have a cover), every heading one level up.
fn body_markdown(markdown: &str) -> String {
    let mut lines = markdown.lines().peekable();
    // Skip "# Title", blank lines and the subtitle paragraph.
    while let Some(line) = lines.peek() {
        if line.starts_with("# ") || line.trim().is_empty() {
            lines.next();
        } else {
            break;
        }
    }
    while let Some(line) = lines.peek() {
        if line.trim().is_empty() {
            break;
        }
        lines.next();
    }
    let rest: Vec<String> = lines
        .map(|l| {
            if l.starts_with("##") {
                l[1..].to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect();
    rest.join("\n")
}

fn typst_body(markdown: &str, charts: &BTreeMap<String, pdf_chart::PdfChart>) -> String {
    markdown::to_typst(&body_markdown(markdown), charts)
}

/// The three documents as Word files, by file stem, the cover as the
/// PDF's.
fn word_documents(
    jobs: &[(&str, &str, String)],
    charts: &BTreeMap<String, String>,
    a: &Assessment,
    (logo, public): (Option<&templates::Logo>, bool),
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let period = format!("{} to {}", a.info.period.start, a.info.period.end);
    let published = a.info.published.map(|d| d.to_string());
    let owner = a.info.partnership.as_deref().unwrap_or(&a.info.area);
    let logo_alt = format!("{owner} logo");
    let colour = a.info.colour.as_deref().unwrap_or(HOUSE_COLOUR);
    jobs.iter()
        .map(|(stem, label, md)| {
            let title = document_title(label, a);
            let subtitle = markdown::plain_text(&subtitle(md));
            let cover = docx::Cover {
                title: &title,
                short_title: label,
                area: &a.info.area,
                area_short: a.info.short_area(),
                subtitle: &subtitle,
                partnership: a.info.partnership.as_deref(),
                period: &period,
                version: a.info.version.as_deref(),
                published: published.as_deref(),
                logo: logo.map(|l| &l.picture),
                logo_alt: &logo_alt,
                colour,
                internal: !public,
            };
            docx::document(&cover, &body_markdown(md), charts)
                .map(|bytes| (stem.to_string(), bytes))
                .map_err(|e| format!("{stem}.docx: {e}"))
        })
        .collect()
}

fn subtitle(markdown: &str) -> String {
    markdown
        .lines()
        .skip_while(|l| l.starts_with("# ") || l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn typst_document(
    tera: &tera::Tera,
    templates: &[templates::Template],
    (stem, label): (&str, &str),
    markdown: &str,
    page: &Page,
) -> Result<String, String> {
    use markdown::{escape_typst, typst_string};
    let Page {
        a, logo, public, ..
    } = *page;
    let title = document_title(label, a);
    let mut ctx = tera::Context::new();
    ctx.insert("name", stem);
    ctx.insert("title", &escape_typst(&title));
    ctx.insert("title_string", &typst_string(&title));
    ctx.insert("short_title", &escape_typst(label));
    ctx.insert(
        "author_string",
        &typst_string(a.info.partnership.as_deref().unwrap_or(&a.info.area)),
    );
    ctx.insert("area", &escape_typst(&a.info.area));
    // The footer repeats on every page: the short name reads better there.
    ctx.insert("area_short", &escape_typst(a.info.short_area()));
    // The subtitle is Markdown (escaped by the context): read it as text.
    let sub = markdown::to_typst(&subtitle(markdown), &BTreeMap::new());
    ctx.insert("subtitle", sub.trim());
    ctx.insert(
        "date",
        &a.info.published.map(|d| {
            use chrono::Datelike;
            (d.0.year(), d.0.month(), d.0.day())
        }),
    );
    ctx.insert(
        "partnership",
        &escape_typst(a.info.partnership.as_deref().unwrap_or("")),
    );
    ctx.insert(
        "period",
        &format!("{} to {}", a.info.period.start, a.info.period.end),
    );
    ctx.insert("version", &a.info.version.as_deref().map(escape_typst));
    ctx.insert("published", &a.info.published.map(|d| d.to_string()));
    ctx.insert("colour", a.info.colour.as_deref().unwrap_or(HOUSE_COLOUR));
    ctx.insert("logo", &logo.map(|l| l.path.clone()));
    ctx.insert(
        "logo_alt",
        &typst_string(&format!(
            "{} logo",
            a.info.partnership.as_deref().unwrap_or(&a.info.area)
        )),
    );
    // Every page of an internal build says so, not only its cover: a page
    // printed on its own must not pass for a published one.
    ctx.insert("internal", &!public);
    ctx.insert("body", &typst_body(markdown, page.pdf_charts));
    tera.render("document.typ", &ctx)
        .map_err(|e| template_error("document.typ", templates, &e))
}

/// Lay out the PDFs side by side: Typst is thread-safe and each document
/// is independent.
fn compile_pdfs(
    jobs: Vec<(String, String)>,
    charts: &[(String, Arc<[u8]>)],
    title: &str,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|(stem, source)| {
                let ident = format!("needsmap/{title}/{stem}");
                scope.spawn(move || {
                    pdf::compile_pdf(source, charts, &ident)
                        .map(|bytes| (stem.clone(), bytes))
                        .map_err(|e| format!("{stem}.pdf: {e}"))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "PDF layout panicked".to_owned())?)
            .collect()
    })
}

#[cfg(test)]
mod template_reference {
    //! `docs/templates.md` is the reference for people who override the
    //! templates: it must list every variable the context holds, and
    //! nothing it does not hold.

    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    const REFERENCE: &str = include_str!("../../docs/templates.md");

    /// Maps keyed by the assessment's own words, not by field names.
    const KEYED_BY_DATA: &[&str] = &["action_counts"];

    /// Lists empty in every fixture below, so their fields cannot be seen
    /// (no fixture's gap changes severity between editions).
    const EMPTY_IN_FIXTURES: &[&str] = &["progress.severity_changed[]"];

    fn load(path: &str) -> Assessment {
        crate::model::load(Path::new(path))
            .assessment
            .unwrap_or_else(|| panic!("{path} loads"))
    }

    fn context_paths(path: &str, internal: bool, previous: Option<&str>) -> BTreeSet<String> {
        let full = load(path);
        let previous = previous.map(load);
        let opts = Options {
            internal,
            previous: previous.as_ref(),
            ..Options::default()
        };
        let view = disclosure::View::of(&full, opts.internal, opts.suppress_below);
        let ctx = context::build(&Analysed::of(&view, &opts), &view);
        let mut paths = BTreeSet::from(["document_title".to_owned()]);
        walk(
            &serde_json::to_value(&ctx).expect("context"),
            "",
            &mut paths,
        );
        paths
    }

    fn walk(value: &Value, at: &str, paths: &mut BTreeSet<String>) {
        match value {
            Value::Object(fields) if !KEYED_BY_DATA.contains(&at) => {
                for (key, v) in fields {
                    let path = if at.is_empty() {
                        key.clone()
                    } else {
                        format!("{at}.{key}")
                    };
                    walk(v, &path, paths);
                    paths.insert(path);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, &format!("{at}[]"), paths);
                }
            }
            _ => {}
        }
    }

    /// The first column of the reference's tables: `` | `path` | ``.
    fn documented() -> BTreeSet<String> {
        REFERENCE
            .lines()
            .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_context_variable_is_documented_and_nothing_else() {
        let mut held = BTreeSet::new();
        for (path, internal, previous) in [
            ("assessments/northmoor.yaml", false, None),
            ("assessments/northmoor.yaml", true, None),
            (
                "tests/fixtures/progress/2027/assessment.yaml",
                false,
                Some("tests/fixtures/progress/2026/assessment.yaml"),
            ),
            (
                "tests/fixtures/valid/disclosure/assessment.yaml",
                false,
                None,
            ),
        ] {
            held.extend(context_paths(path, internal, previous));
        }
        let documented = documented();
        let missing: Vec<&String> = held.difference(&documented).collect();
        assert!(
            missing.is_empty(),
            "docs/templates.md does not document {missing:?}"
        );
        let stale: Vec<&String> = documented
            .difference(&held)
            .filter(|p| !EMPTY_IN_FIXTURES.iter().any(|list| p.starts_with(list)))
            .collect();
        assert!(
            stale.is_empty(),
            "docs/templates.md documents what the context does not hold: {stale:?}"
        );
    }
}
