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
pub const EVENTS_PATH: &str = "/__needsmap/events";

const STYLE: &str = "<style>
.needsmap-preview { font: .9rem/1.4 system-ui, sans-serif; background: #1d1d1d; color: #fff; padding: .4rem 1rem; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
.needsmap-preview a { color: #fff; }
.needsmap-problems { font: 1rem/1.4 system-ui, sans-serif; background: #fbe0dd; color: #1a1a1a; border-left: .5rem solid #b3261e; padding: .75rem 1rem; margin: 0; }
.needsmap-problems h2 { font-size: 1.15rem; margin: 0 0 .25rem; border: 0; padding: 0; color: #1a1a1a; }
.needsmap-problems pre { background: #fff; color: #1a1a1a; padding: .75rem; overflow-x: auto; white-space: pre; font-size: .85rem; max-height: 60vh; }
</style>
";

/// The script that reloads the page when a newer build than `shown` is
/// announced, keeping the reader's place.
fn reload_script(shown: u64) -> String {
    format!(
        r#"<script>
(() => {{
  const shown = "{shown}";
  const place = "needsmap-scroll:" + location.pathname;
  const y = sessionStorage.getItem(place);
  if (y !== null) {{ sessionStorage.removeItem(place); window.scrollTo(0, Number(y)); }}
  const events = new EventSource("{EVENTS_PATH}");
  events.onmessage = (e) => {{
    if (e.data !== shown) {{
      sessionStorage.setItem(place, String(window.scrollY));
      events.close();
      location.reload();
    }}
  }};
}})();
</script>
"#
    )
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
        "What follows is the last edit that built. Fix the errors and save: this page reloads."
    } else {
        "Nothing has built yet. Fix the errors and save: this page reloads."
    };
    format!(
        "<section class=\"needsmap-problems\" role=\"alert\" aria-labelledby=\"needsmap-problems-title\">\n\
<h2 id=\"needsmap-problems-title\">This edit does not build: {}</h2>\n<p>{below}</p>\n<pre>{}</pre>\n</section>\n",
        esc(&problems.summary),
        esc(problems.text.trim_end())
    )
}

/// A built document page with the preview's bar, the current problems
/// (if any) and the reload script added.
pub fn document(
    html: &[u8],
    stem: &str,
    site: &Site,
    problems: Option<&Problems>,
    version: u64,
) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let mut top = String::from(STYLE);
    top.push_str(&bar(Some(site), Some(stem)));
    if let Some(p) = problems {
        top.push_str(&problems_panel(p, true));
    }
    // After `<body …>`, or first when an override has none.
    let after_body = html
        .find("<body")
        .and_then(|at| html[at..].find('>').map(|end| at + end + 1))
        .unwrap_or(0);
    let script = reload_script(version);
    let before_end = html.rfind("</body>").unwrap_or(html.len()).max(after_body);
    let mut out = String::with_capacity(html.len() + top.len() + script.len());
    out.push_str(&html[..after_body]);
    out.push('\n');
    out.push_str(&top);
    out.push_str(&html[after_body..before_end]);
    out.push_str(&script);
    out.push_str(&html[before_end..]);
    out.into_bytes()
}

/// The preview's own pages: the index, a document not built yet, a
/// missing file.
pub fn own_page(
    heading: &str,
    body: &str,
    site: Option<&Site>,
    problems: Option<&Problems>,
    version: u64,
) -> Vec<u8> {
    let panel = problems
        .map(|p| problems_panel(p, site.is_some()))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n{STYLE}\
<style>body {{ margin: 0; font: 1rem/1.5 system-ui, sans-serif; color: #1a1a1a; }} main {{ max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem; }} a {{ color: #1d4f91; }}</style>\n\
</head>\n<body>\n{bar}{panel}<main>\n<h1>{heading}</h1>\n{body}</main>\n{script}</body>\n</html>\n",
        title = esc(heading),
        bar = bar(site, None),
        heading = esc(heading),
        script = reload_script(version),
    )
    .into_bytes()
}

/// The index: each document as HTML and PDF, then the exports.
pub fn index_body(site: Option<&Site>) -> String {
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
        assert!(page.contains("const shown = \"3\""));
        assert!(page.contains("href=\"/action-plan.pdf\""));
    }

    #[test]
    fn problems_are_escaped_and_announced() {
        let problems = Problems {
            version: 4,
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
    fn a_page_without_body_still_gets_both() {
        let page = String::from_utf8(document(b"<p>bare</p>", "x", &site(), None, 1)).unwrap();
        assert!(page.find("needsmap-preview").unwrap() < page.find("<p>bare").unwrap());
        assert!(page.contains("EventSource"));
    }
}
