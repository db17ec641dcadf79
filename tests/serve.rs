//! `needsmap serve` end to end: a real server process on a copy of a
//! fixture, spoken to over HTTP as a browser would (the page, its event
//! stream, the PDF). `tests/browser/serve.mjs` drives the same in Chromium.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Long enough for a rebuild on a loaded machine; a test waiting this long
/// has failed.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `needsmap serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Serve a copy of the minimal fixture (a workspace of its own).
fn serve() -> Server {
    serve_with(&[])
}

/// The preview of a copy of the minimal fixture with these folders made
/// in it before it starts.
fn serve_with(folders: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/minimal"),
        dir.path(),
    );
    for folder in folders {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
    }
    std::fs::write(dir.path().join("needsmap.toml"), "").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_needsmap"))
        .args(["serve", "assessment.yaml", "--port", "0"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.split_once("on http://").map(|(_, r)| r) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    // Keep reading what it prints, so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, addr, dir }
}

impl Server {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn edit(&self, name: &str, from: &str, to: &str) {
        let path = self.path(name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{name} holds {from:?}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    /// Status and body of a GET (HTTP/1.0, so the body is never chunked).
    fn get_as(&self, path: &str, host: &str) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let end = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response head");
        let head = String::from_utf8_lossy(&response[..end]);
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, response[end + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = self.get_as(path, &self.addr);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn events(&self) -> Events {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET /__needsmap/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .unwrap();
        Events(BufReader::new(stream))
    }
}

/// An open event stream, as a page holds it.
struct Events(BufReader<TcpStream>);

impl Events {
    /// The next build announced.
    fn next(&mut self) -> u64 {
        loop {
            let mut line = String::new();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "stream ended");
            if let Some(data) = line.trim_end().strip_prefix("data: ") {
                // `RUN:VERSION`: which run of the preview, and its build.
                let (_, version) = data.split_once(':').expect("run:version");
                return version.parse().unwrap();
            }
        }
    }
}

#[test]
fn an_edit_to_the_assessment_or_a_journey_reloads_open_pages() {
    let server = serve();
    let (status, page) = server.get("/action-plan.html");
    assert_eq!(status, 200);
    assert!(page.contains("Minimal assessment"));
    assert!(page.contains("new EventSource(\"/__needsmap/events\")"));
    assert!(page.contains("let shown = \"1\""));
    let mut events = server.events();
    assert_eq!(events.next(), 1, "the stream opens with the build shown");

    server.edit(
        "assessment.yaml",
        "title: Minimal assessment",
        "title: Minimal assessment, edited",
    );
    assert_eq!(events.next(), 2);
    let (_, page) = server.get("/action-plan.html");
    assert!(page.contains("Minimal assessment, edited"));
    assert!(page.contains("let shown = \"2\""));

    // The title is in the page's head: an open page of build 1 reloads.
    let patch = |base: u64| {
        let (status, patch) = server.get(&format!("/__needsmap/patch?doc=action-plan&base={base}"));
        assert_eq!(status, 200);
        serde_json::from_str::<serde_json::Value>(&patch).unwrap()
    };
    assert_eq!(patch(1)["reload"], true);
    // An action's text is in one section: a page of build 2 gets only the
    // sections that changed.
    server.edit(
        "assessment.yaml",
        "action: Train officers",
        "action: Train all officers",
    );
    assert_eq!(events.next(), 3);
    let p = patch(2);
    assert_eq!(p["reload"], false, "{p}");
    assert_eq!(p["base"], 3);
    let blocks = p["blocks"].as_object().unwrap();
    assert!(
        blocks
            .values()
            .any(|b| b.as_str().unwrap().contains("Train all officers"))
    );
    let (_, page) = server.get("/action-plan.html");
    let sections = page.matches("<div data-needsmap-block=").count();
    assert!(
        blocks.len() < sections,
        "{} of {sections} sections sent",
        blocks.len()
    );
    assert_eq!(patch(99)["reload"], true, "a build not kept reloads");

    // A file the assessment reads, in a folder of its own.
    let journey = std::fs::read_to_string(server.path("journeys/j01.yaml")).unwrap();
    std::fs::write(server.path("journeys/j01.yaml"), format!("{journey}\n")).unwrap();
    assert_eq!(events.next(), 4);
}

#[test]
fn a_broken_edit_shows_its_errors_over_the_last_good_documents() {
    let server = serve();
    let mut events = server.events();
    assert_eq!(events.next(), 1);
    server.edit(
        "assessment.yaml",
        "levels: [high-risk]",
        "levels: [high-risc]",
    );
    assert_eq!(events.next(), 2);
    let (status, page) = server.get("/needs-assessment.html");
    assert_eq!(status, 200);
    let panel = page
        .find("role=\"alert\"")
        .expect("the errors are announced");
    let line = std::fs::read_to_string(server.path("assessment.yaml"))
        .unwrap()
        .lines()
        .position(|l| l.contains("high-risc"))
        .unwrap()
        + 1;
    assert!(
        page.contains(&format!("assessment.yaml:{line}:")),
        "file:line:col in {page}"
    );
    assert!(page.contains("high-risk"), "the hint names the level meant");
    assert!(
        page[panel..].contains("Minimal assessment"),
        "the last good document is still shown below"
    );

    server.edit(
        "assessment.yaml",
        "levels: [high-risc]",
        "levels: [high-risk]",
    );
    assert_eq!(events.next(), 3);
    let (_, page) = server.get("/needs-assessment.html");
    assert!(!page.contains("role=\"alert\""), "the errors are gone");
}

#[test]
fn a_new_template_override_is_picked_up() {
    let server = serve();
    let mut events = server.events();
    assert_eq!(events.next(), 1);
    std::fs::create_dir(server.path("templates")).unwrap();
    std::fs::write(
        server.path("templates/action-plan.md"),
        "# {{ document_title }}\n\nOur partnership's own plan.\n",
    )
    .unwrap();
    let mut version = events.next();
    loop {
        let (_, page) = server.get("/action-plan.html");
        if page.contains("Our partnership&#x27;s own plan")
            || page.contains("Our partnership’s own plan")
            || page.contains("Our partnership's own plan")
        {
            break;
        }
        assert!(version < 6, "the override was never used: {page}");
        version = events.next();
    }
}

#[test]
fn a_new_section_override_is_picked_up() {
    // The folder is there from the start: only watching it shows the
    // preview the override written into it.
    let server = serve_with(&["templates/action-plan"]);
    let mut events = server.events();
    assert_eq!(events.next(), 1);
    std::fs::write(
        server.path("templates/action-plan/cover.md"),
        "# {{ document_title }}\n\nOur partnership's own opening.\n",
    )
    .unwrap();
    // Polled, not awaited: a preview that missed the edit sends no event.
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let (_, page) = server.get("/action-plan.html");
        if page.contains("own opening") {
            assert!(page.contains("Agreed actions"), "the other sections stay");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the section override was never used: {page}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_pdf_is_laid_out_on_request_and_again_after_an_edit() {
    let server = serve();
    let mut events = server.events();
    assert_eq!(events.next(), 1);
    let (status, first) = server.get_as("/action-plan.pdf", &server.addr);
    assert_eq!(status, 200);
    assert!(first.starts_with(b"%PDF-"));
    server.edit(
        "assessment.yaml",
        "title: Minimal assessment",
        "title: Minimal assessment, edited",
    );
    assert_eq!(events.next(), 2);
    let (status, second) = server.get_as("/action-plan.pdf", &server.addr);
    assert_eq!(status, 200);
    assert!(second.starts_with(b"%PDF-"));
    assert_ne!(first, second, "the PDF follows the edit");
}

#[test]
fn the_preview_answers_only_with_its_build_and_only_on_loopback() {
    let server = serve();
    assert!(server.addr.starts_with("127.0.0.1:"), "{}", server.addr);
    let (status, _) = server.get_as("/action-plan.html", "attacker.example");
    assert_eq!(
        status, 403,
        "a foreign Host header (DNS rebinding) is refused"
    );
    for path in [
        "/assessment.yaml",
        "/../assessment.yaml",
        "/%2e%2e/assessment.yaml",
        "//etc/passwd",
        "/charts/../assessment.yaml",
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("schema: needsmap/v1"), "{path}");
    }
    let (status, index) = server.get("/");
    assert_eq!(status, 200);
    assert!(index.contains("href=\"/gaps.csv\""));
    let (status, csv) = server.get("/gaps.csv");
    assert_eq!(status, 200);
    assert!(csv.starts_with("id,") || csv.contains(','), "{csv}");
}
