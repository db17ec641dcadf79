//! The preview's HTTP server: plain HTTP/1.1 on loopback (tiny_http), a
//! thread a request, answers from the current build only.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response};

use super::Preview;
use super::page::{self, EVENTS_PATH, PATCH_PATH};
use crate::render::DOCUMENTS;

/// Open pages each hold one event stream; more than this many at once is
/// not a person previewing.
const MAX_STREAMS: usize = 64;

/// How often an idle event stream sends a comment, so a closed page's
/// thread notices and ends.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Which `Host` headers to answer. A page elsewhere could otherwise point
/// a name it controls at 127.0.0.1 ("DNS rebinding") and read the
/// preview, internal notes and all.
#[derive(Debug, Clone)]
pub(crate) enum Hosts {
    /// Bound to loopback: only loopback names, with the port.
    Loopback(u16),
    /// Bound to another address on purpose: any host.
    Any,
}

impl Hosts {
    pub(crate) fn for_address(addr: SocketAddr) -> Hosts {
        if addr.ip().is_loopback() {
            Hosts::Loopback(addr.port())
        } else {
            Hosts::Any
        }
    }

    fn allows(&self, host: Option<&str>) -> bool {
        match self {
            Hosts::Any => true,
            Hosts::Loopback(port) => host.is_some_and(|h| {
                ["127.0.0.1", "localhost", "[::1]"]
                    .iter()
                    .any(|name| h.eq_ignore_ascii_case(&format!("{name}:{port}")))
            }),
        }
    }
}

/// Answer requests until the server stops.
pub(crate) fn serve(server: tiny_http::Server, preview: Arc<Preview>, hosts: Hosts) {
    let streams = Arc::new(AtomicUsize::new(0));
    for request in server.incoming_requests() {
        let preview = preview.clone();
        let hosts = hosts.clone();
        let streams = streams.clone();
        std::thread::spawn(move || answer(request, &preview, &hosts, &streams));
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

/// The answer to one request. A client that goes away mid-answer is not
/// an error worth reporting.
fn answer(request: Request, preview: &Preview, hosts: &Hosts, streams: &AtomicUsize) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_owned());
    if !hosts.allows(host.as_deref()) {
        let _ = request.respond(text(
            403,
            "needsmap serve answers only requests to its own loopback address",
        ));
        return;
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "the preview is read-only"));
        return;
    }
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_owned();
    if path == EVENTS_PATH {
        events(request, preview, streams);
        return;
    }
    if path == PATCH_PATH {
        let patch = patch_for(request.url(), preview);
        let body = serde_json::to_vec(&patch).unwrap_or_default();
        let _ = request.respond(
            Response::from_data(body)
                .with_header(header("Content-Type", "application/json"))
                .with_header(header("Cache-Control", "no-store")),
        );
        return;
    }
    let (status, content_type, body) = route(&path, preview);
    let response = Response::from_data(body.to_vec())
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
             script-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'self'",
        ));
    let _ = request.respond(response);
}

/// The patch a page asks for: `?doc=STEM&base=N`.
fn patch_for(url: &str, preview: &Preview) -> super::Patch {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or("")
    };
    let base = param("base").parse().unwrap_or(0);
    preview.patch(param("doc"), base)
}

fn text(status: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(format!("{message}\n"))
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

/// Status, content type and body for `path`.
fn route(path: &str, preview: &Preview) -> (u16, &'static str, Arc<[u8]>) {
    const HTML: &str = "text/html; charset=utf-8";
    let (version, site, problems) = preview.snapshot();
    let own = |status, heading: &str, body: &str| {
        let page = page::own_page(heading, body, site.as_deref(), problems.as_deref(), version);
        (status, HTML, Arc::from(page))
    };
    if path == "/" || path == "/index.html" {
        let title = site
            .as_ref()
            .map_or("needsmap preview", |s| s.title.as_str());
        return own(200, title, &page::index_body(site.as_deref()));
    }
    // An absolute-form or otherwise odd target names no file of the build.
    let name = path.strip_prefix('/').unwrap_or("\0");
    let Some(site) = site.as_deref() else {
        // Nothing has built: every page shows why.
        return own(503, "Not built yet", &page::index_body(None));
    };
    if let Some(stem) = name.strip_suffix(".pdf")
        && DOCUMENTS.iter().any(|(s, _)| *s == stem)
    {
        return match preview.pdf(stem) {
            Ok(pdf) => (200, "application/pdf", pdf),
            Err(e) => own(
                500,
                "The PDF could not be laid out",
                &format!("<pre>{}</pre>\n", crate::render::markdown::escape_html(&e)),
            ),
        };
    }
    let Some(bytes) = site.files.get(name) else {
        return own(
            404,
            "Not in this build",
            &format!(
                "<p>The build has no file <code>{}</code>.</p>\n",
                crate::render::markdown::escape_html(name)
            ),
        );
    };
    if let Some(stem) = name.strip_suffix(".html") {
        let page = page::document(bytes, stem, site, problems.as_deref(), version);
        return (200, HTML, Arc::from(page));
    }
    (200, content_type(name), bytes.clone())
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("md") => "text/markdown; charset=utf-8",
        Some("typ" | "dot") => "text/plain; charset=utf-8",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// A server-sent event stream: the current version at once, then each new
/// one as it is built, until the page goes away.
fn events(request: Request, preview: &Preview, streams: &AtomicUsize) {
    if streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        streams.fetch_sub(1, Ordering::SeqCst);
        let _ = request.respond(text(503, "too many open previews"));
        return;
    }
    // Written by hand: tiny_http's responses buffer their body, and an
    // event must reach the page the moment it is sent.
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: close\r\n\r\nretry: 500\n\n";
    let (mut seen, _, _) = preview.snapshot();
    let send = |w: &mut dyn Write, chunk: String| -> bool {
        w.write_all(chunk.as_bytes())
            .and_then(|()| w.flush())
            .is_ok()
    };
    let run = page::run_id();
    let mut open = send(&mut writer, format!("{head}data: {run}:{seen}\n\n"));
    while open {
        let now = preview.wait_for_change(seen, KEEP_ALIVE);
        open = if now > seen {
            seen = now;
            send(&mut writer, format!("data: {run}:{now}\n\n"))
        } else {
            send(&mut writer, ": still here\n\n".to_owned())
        };
    }
    streams.fetch_sub(1, Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_answers_only_loopback_names_with_its_port() {
        let hosts = Hosts::Loopback(3000);
        assert!(hosts.allows(Some("127.0.0.1:3000")));
        assert!(hosts.allows(Some("localhost:3000")));
        assert!(hosts.allows(Some("[::1]:3000")));
        assert!(!hosts.allows(Some("evil.example:3000")));
        assert!(!hosts.allows(Some("127.0.0.1:3001")));
        assert!(!hosts.allows(None));
        assert!(Hosts::Any.allows(Some("evil.example")));
    }
}
