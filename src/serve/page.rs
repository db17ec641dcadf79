//! What the preview adds to a document page (a bar naming the build, the
//! errors of an edit that does not build, the script that reloads the
//! page), and its own pages: the index and a document that has not built.
//!
//! Everything added is inline (no script or style from elsewhere) and
//! labelled, so the documents stay as accessible as the published ones.

use crate::render::DOCUMENTS;
use crate::render::markdown::escape_html as esc;

use super::{Problems, Site};

/// Where open pages listen for rebuilds.
pub(crate) const EVENTS_PATH: &str = "/__needsmap/events";

const STYLE: &str = "<style>
.needsmap-preview { font: .9rem/1.4 system-ui, sans-serif; background: #1d1d1d; color: #fff; padding: .4rem 1rem; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
.needsmap-preview a { color: #fff; }
.needsmap-problems { font: 1rem/1.4 system-ui, sans-serif; background: #fbe0dd; color: #1a1a1a; border-left: .5rem solid #b3261e; padding: .75rem 1rem; margin: 0; }
.needsmap-problems h2 { font-size: 1.15rem; margin: 0 0 .25rem; border: 0; padding: 0; color: #1a1a1a; }
[data-needsmap-block] { display: contents; }
.needsmap-problems pre { background: #fff; color: #1a1a1a; padding: .75rem; overflow-x: auto; white-space: pre; font-size: .85rem; max-height: 60vh; }
</style>
";

/// Where a page asks what changed since the build it shows.
pub(crate) const PATCH_PATH: &str = "/__needsmap/patch";

/// The script that brings the page up to date when a newer build is
/// announced: it fetches the sections that changed and swaps them in
/// (a long document's full reload costs the browser far more than the
/// rebuild), and reloads the whole page when the patch cannot be applied.
/// `shown` is the build announced last; `base`, the good build whose
/// sections are on the page.
fn update_script(stem: Option<&str>, shown: u64, base: u64) -> String {
    let stem = stem.unwrap_or("");
    let run = run_id();
    format!(
        r#"<script>
(() => {{
  const run = "{run}";
  let shown = "{shown}", base = "{base}", busy = Promise.resolve();
  const place = "needsmap-scroll:" + location.pathname;
  const y = sessionStorage.getItem(place);
  if (y !== null) {{ sessionStorage.removeItem(place); window.scrollTo(0, Number(y)); }}
  const reload = () => {{ sessionStorage.setItem(place, String(window.scrollY)); location.reload(); }};
  const patch = async () => {{
    const r = await fetch("{PATCH_PATH}?doc={stem}&base=" + base, {{ cache: "no-store" }});
    const p = r.ok ? await r.json() : {{ reload: true }};
    if (p.reload) return reload();
    document.querySelector("[data-needsmap-top]").innerHTML = p.top;
    for (const [i, html] of Object.entries(p.blocks)) {{
      const block = document.querySelector('[data-needsmap-block="' + i + '"]');
      if (!block) return reload();
      block.innerHTML = html;
    }}
    shown = String(p.shown); base = String(p.base);
    document.documentElement.dataset.needsmapShown = shown;
  }};
  const events = new EventSource("{EVENTS_PATH}");
  events.onmessage = (e) => {{
    const [from, version] = e.data.split(":");
    // Another run of the preview numbers its builds afresh.
    if (from !== run) {{ events.close(); return reload(); }}
    if (version === shown) return;
    if (!"{stem}") {{ events.close(); return reload(); }}
    busy = busy.then(() => Number(version) > Number(shown) ? patch() : null).catch(reload);
  }};
  document.documentElement.dataset.needsmapShown = shown;
}})();
</script>
"#
    )
}

/// This run of the preview, told apart from a restarted one (whose build
/// numbers start again at 1) by the time it started and its process.
pub(crate) fn run_id() -> &'static str {
    static RUN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("{:x}{:x}", std::process::id(), nanos)
    })
}

/// A document split for patching: what comes before its sections (up to
/// and including `<main …>`), the sections, and what follows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    pub before: String,
    pub blocks: Vec<String>,
    pub after: String,
}

/// Elements that can hold a heading: a heading inside one of these is
/// not where a section starts (the contents list has an `<h2>` of its
/// own).
const CONTAINERS: &[&str] = &[
    "nav",
    "div",
    "section",
    "figure",
    "table",
    "details",
    "aside",
    "blockquote",
    "ul",
    "ol",
];

/// Split a document at each `<h2` that opens a section of `<main>`; `None`
/// when it has no `<main>` (an override without one), which the preview
/// then reloads whole.
pub(crate) fn split(html: &str) -> Option<Split> {
    let open = html.find("<main")?;
    let start = open + html[open..].find('>')? + 1;
    let end = html.rfind("</main>")?;
    if end < start {
        return None;
    }
    let body = &html[start..end];
    let mut cuts = vec![0];
    let mut depth = 0usize;
    let bytes = body.as_bytes();
    let mut at = 0;
    while let Some(found) = body[at..].find('<') {
        let i = at + found;
        let rest = &body[i + 1..];
        let (closing, name_from) = match rest.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name: String = name_from
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if CONTAINERS.contains(&name.as_str()) {
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
            }
        } else if name == "h2" && !closing && depth == 0 && i > 0 && bytes[i - 1] == b'\n' {
            cuts.push(i);
        }
        at = i + 1;
    }
    cuts.push(body.len());
    let blocks = cuts
        .windows(2)
        .map(|w| body[w[0]..w[1]].to_owned())
        .collect();
    Some(Split {
        before: html[..start].to_owned(),
        blocks,
        after: html[end..].to_owned(),
    })
}

/// The bar above each page: which build this is, and the other pages.
fn bar(site: Option<&Site>, stem: Option<&str>) -> String {
    let mut items = vec![r#"<span>needsmap preview</span>"#.to_owned()];
    if let Some(site) = site {
        items.push(format!(
            "<span>build {} ({} ms)</span>",
            site.version,
            site.took.as_millis()
        ));
    }
    items.push(r#"<a href="/">All documents</a>"#.to_owned());
    if let Some(stem) = stem
        && site.is_some()
    {
        items.push(format!(r#"<a href="/{stem}.pdf">PDF of this document</a>"#));
    }
    format!(
        "<nav class=\"needsmap-preview\" aria-label=\"Preview\">{}</nav>\n",
        items.join("")
    )
}

/// The errors of the current edit, announced to screen readers.
fn problems_panel(problems: &Problems, has_good: bool) -> String {
    let below = if has_good {
        "What follows is the last edit that built. Fix the errors and save: this page updates."
    } else {
        "Nothing has built yet. Fix the errors and save: this page updates."
    };
    format!(
        "<section class=\"needsmap-problems\" role=\"alert\" aria-labelledby=\"needsmap-problems-title\">\n\
<h2 id=\"needsmap-problems-title\">This edit does not build: {}</h2>\n<p>{below}</p>\n<pre>{}</pre>\n</section>\n",
        esc(&problems.summary),
        esc(problems.text.trim_end())
    )
}

/// What goes above a page: the bar and the current problems, in one
/// element a patch replaces.
pub(crate) fn top(site: Option<&Site>, stem: Option<&str>, problems: Option<&Problems>) -> String {
    let mut top = bar(site, stem);
    if let Some(p) = problems {
        top.push_str(&problems_panel(p, site.is_some()));
    }
    top
}

/// A built document page with the preview's bar, the current problems
/// (if any) and the update script added, its sections marked for patching.
pub(crate) fn document(
    html: &[u8],
    stem: &str,
    site: &Site,
    problems: Option<&Problems>,
    version: u64,
) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let (before, middle, after) = match split(&html) {
        Some(split) => {
            let middle: String = split
                .blocks
                .iter()
                .enumerate()
                .map(|(i, block)| format!("<div data-needsmap-block=\"{i}\">{block}</div>"))
                .collect();
            (split.before, middle, split.after)
        }
        None => (String::new(), html.into_owned(), String::new()),
    };
    let whole = format!("{before}{middle}{after}");
    let top = format!(
        "{STYLE}<div data-needsmap-top>{}</div>\n",
        top(Some(site), Some(stem), problems)
    );
    // After `<body …>`, or first when an override has none.
    let after_body = whole
        .find("<body")
        .and_then(|at| whole[at..].find('>').map(|end| at + end + 1))
        .unwrap_or(0);
    let script = update_script(Some(stem), version, site.version);
    let before_end = whole
        .rfind("</body>")
        .unwrap_or(whole.len())
        .max(after_body);
    let mut out = String::with_capacity(whole.len() + top.len() + script.len());
    out.push_str(&whole[..after_body]);
    out.push('\n');
    out.push_str(&top);
    out.push_str(&whole[after_body..before_end]);
    out.push_str(&script);
    out.push_str(&whole[before_end..]);
    out.into_bytes()
}

/// The preview's own pages: the index, a document not built yet, a
/// missing file.
pub(crate) fn own_page(
    heading: &str,
    body: &str,
    site: Option<&Site>,
    problems: Option<&Problems>,
    version: u64,
) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n{STYLE}\
<style>body {{ margin: 0; font: 1rem/1.5 system-ui, sans-serif; color: #1a1a1a; }} main {{ max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem; }} a {{ color: #1d4f91; }}</style>\n\
</head>\n<body>\n<div data-needsmap-top>{top}</div>\n<main>\n<h1>{heading}</h1>\n{body}</main>\n{script}</body>\n</html>\n",
        title = esc(heading),
        top = top(site, None, problems),
        heading = esc(heading),
        script = update_script(None, version, site.map_or(0, |s| s.version)),
    )
    .into_bytes()
}

/// The index: each document as HTML and PDF, then the exports.
pub(crate) fn index_body(site: Option<&Site>) -> String {
    let Some(site) = site else {
        return "<p>The documents appear here once the assessment builds.</p>\n".to_owned();
    };
    let mut body = String::from("<h2>Documents</h2>\n<ul>\n");
    for (stem, label) in DOCUMENTS {
        body.push_str(&format!(
            "<li><a href=\"/{stem}.html\">{label}</a> (<a href=\"/{stem}.pdf\">PDF</a>, laid out when you open it)</li>\n"
        ));
    }
    body.push_str("</ul>\n<h2>Data exports</h2>\n<ul>\n");
    for name in site.files.keys().filter(|name| is_export(name)) {
        body.push_str(&format!(
            "<li><a href=\"/{}\">{}</a></li>\n",
            esc(name),
            esc(name)
        ));
    }
    body.push_str("</ul>\n");
    body
}

/// The files listed as exports: everything but the documents' own forms
/// and the pictures inside them.
fn is_export(name: &str) -> bool {
    let document_form = DOCUMENTS.iter().any(|(stem, _)| {
        name.strip_prefix(stem)
            .is_some_and(|rest| [".html", ".md", ".typ"].contains(&rest))
    });
    !document_form && !name.starts_with("charts/") && !name.starts_with("logo.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::time::Duration;

    fn site() -> Site {
        Site {
            version: 3,
            files: BTreeMap::new(),
            pages: BTreeMap::new(),
            title: "Northmoor".into(),
            took: Duration::from_millis(42),
        }
    }

    #[test]
    fn a_page_gets_the_bar_after_body_and_the_script_before_its_end() {
        let html = b"<html><body class=\"x\"><main>Text</main></body></html>";
        let page = String::from_utf8(document(html, "action-plan", &site(), None, 3)).unwrap();
        let bar = page.find("needsmap-preview\"").unwrap();
        assert!(page.find("<body class=\"x\">").unwrap() < bar);
        assert!(bar < page.find("<main>").unwrap());
        assert!(page.find("EventSource").unwrap() < page.find("</body>").unwrap());
        assert!(page.contains("let shown = \"3\", base = \"3\""));
        assert!(page.contains("href=\"/action-plan.pdf\""));
    }

    #[test]
    fn problems_are_escaped_and_announced() {
        let problems = Problems {
            summary: "1 error".into(),
            text: "error[E]: <script>alert(1)</script>\n --> a.yaml:3:7".into(),
        };
        let page = String::from_utf8(document(b"<body></body>", "x", &site(), Some(&problems), 4))
            .unwrap();
        assert!(page.contains("role=\"alert\""));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("a.yaml:3:7"));
        assert!(!page.contains("<script>alert"));
    }

    #[test]
    fn sections_start_at_each_top_level_h2_only() {
        let html = "<body><main id=\"content\">\n<h1>Title</h1>\n<nav class=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n</nav>\n<h2 id=\"a\">A</h2>\n<p>a</p>\n<div>\n<h2>inside</h2>\n</div>\n<h2 id=\"b\">B</h2>\n<p>b</p>\n</main></body>";
        let split = split(html).unwrap();
        assert_eq!(split.before, "<body><main id=\"content\">");
        assert_eq!(split.after, "</main></body>");
        assert_eq!(split.blocks.len(), 3, "{:#?}", split.blocks);
        assert!(split.blocks[0].contains("Contents"));
        assert!(split.blocks[1].starts_with("<h2 id=\"a\">") && split.blocks[1].contains("inside"));
        assert!(split.blocks[2].starts_with("<h2 id=\"b\">"));
        assert_eq!(split.blocks.concat(), html[25..html.len() - 14]);
    }

    #[test]
    fn a_page_without_main_is_not_split_and_still_served() {
        assert_eq!(split("<body><p>no main</p></body>"), None);
        let page =
            String::from_utf8(document(b"<body><p>x</p></body>", "x", &site(), None, 1)).unwrap();
        assert!(!page.contains("<div data-needsmap-block"));
        assert!(page.contains("<p>x</p>"));
    }

    #[test]
    fn a_page_without_body_still_gets_both() {
        let page = String::from_utf8(document(b"<p>bare</p>", "x", &site(), None, 1)).unwrap();
        assert!(page.find("needsmap-preview").unwrap() < page.find("<p>bare").unwrap());
        assert!(page.contains("EventSource"));
    }
}
