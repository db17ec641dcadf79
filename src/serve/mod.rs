//! `needsmap serve`: a live preview while editing.
//!
//! The documents are rebuilt in memory after every saved edit to the
//! assessment or anything it reads (includes, CSV, journeys, template
//! overrides) and served on loopback; an open page reloads itself through
//! server-sent events. An edit that does not build shows its errors above
//! the last documents that did. A document's PDF is laid out on request,
//! and again on the next request after an edit, with Typst's memoised
//! layout of what did not change (see [`crate::render::pdf::Incremental`]).
//!
//! A request is answered only from the current build, by exact file name:
//! nothing is read from disk to answer it, so nothing outside the
//! workspace (or inside it, but not built) can be served.

pub(crate) mod http;
pub(crate) mod page;
mod watch;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub(crate) use watch::{Inputs, Watcher};

use crate::render::pdf::Incremental;
use crate::render::{DOCUMENTS, Options};

/// What to build, as `needsmap build` takes it.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub assessment: PathBuf,
    pub internal: bool,
    /// `--suppress-below`; else the assessment's own, else the default.
    pub suppress_below: Option<u32>,
    pub allow_outside: bool,
}

/// One successful build, as served.
pub(crate) struct Site {
    /// Which rebuild made it (the pages carry it, to know when to reload).
    pub version: u64,
    /// Every output file, by its path in an output folder.
    pub files: BTreeMap<String, Arc<[u8]>>,
    /// Each document's HTML cut into its sections, for patches.
    pub pages: BTreeMap<&'static str, page::Split>,
    pub title: String,
    pub took: Duration,
}

/// Why the current edit does not build.
pub(crate) struct Problems {
    /// One line: "2 errors", "a template does not render".
    pub summary: String,
    /// The diagnostics as `needsmap check` prints them (file:line:col, the
    /// line, what was expected, the hint).
    pub text: String,
}

/// What a rebuild came to, for the terminal.
pub(crate) enum Outcome {
    Built { files: usize, took: Duration },
    Failed(Arc<Problems>),
}

/// How many good builds are kept to patch pages from: a page further
/// behind than this reloads whole.
const HISTORY: usize = 8;

/// What an open page needs to catch up with the current build.
#[derive(serde::Serialize)]
pub(crate) struct Patch {
    /// The page cannot be patched (its build is gone, or the document's
    /// frame changed): reload it.
    pub reload: bool,
    /// The build now announced, and the good build the page will show.
    pub shown: u64,
    pub base: u64,
    /// The bar and the problems, as they are now.
    pub top: String,
    /// The sections that changed, by index.
    pub blocks: BTreeMap<usize, String>,
}

#[derive(Default)]
struct State {
    version: u64,
    good: Option<Arc<Site>>,
    /// The last [`HISTORY`] good builds, newest last.
    history: std::collections::VecDeque<Arc<Site>>,
    problems: Option<Arc<Problems>>,
    inputs: Inputs,
}

/// One document's PDF: its compiler (kept, for memoisation) and the last
/// PDF with the version it was laid out from.
#[derive(Default)]
struct PdfCache {
    compiler: Incremental,
    built: Option<(u64, Arc<[u8]>)>,
}

/// The preview's shared state: written by the rebuild loop, read by the
/// HTTP threads.
pub(crate) struct Preview {
    settings: Settings,
    state: Mutex<State>,
    changed: Condvar,
    pdfs: HashMap<&'static str, Mutex<PdfCache>>,
}

/// A poisoned lock means a thread panicked mid-update; the state it
/// guards is replaced whole on every rebuild, so it is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Preview {
    pub(crate) fn new(settings: Settings) -> Preview {
        let pdfs = DOCUMENTS
            .iter()
            .map(|(stem, _)| (*stem, Mutex::new(PdfCache::default())))
            .collect();
        Preview {
            settings,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            pdfs,
        }
    }

    /// Build again from the files as they are now, publish the result to
    /// every open page, and return it.
    pub(crate) fn rebuild(&self) -> Outcome {
        let started = Instant::now();
        let (result, inputs) = self.build();
        let mut state = lock(&self.state);
        state.version += 1;
        let version = state.version;
        // A failed load may not reach every file the last good one read:
        // keep watching those too, so undoing the edit is noticed.
        if result.is_ok() {
            state.inputs = inputs;
        } else {
            state.inputs.extend(inputs);
        }
        let outcome = match result {
            Ok((files, title)) => {
                let count = files.len();
                let pages = DOCUMENTS
                    .iter()
                    .filter_map(|(stem, _)| {
                        let html = files.get(&format!("{stem}.html"))?;
                        Some((*stem, page::split(&String::from_utf8_lossy(html))?))
                    })
                    .collect();
                let site = Arc::new(Site {
                    version,
                    files,
                    pages,
                    title,
                    took: started.elapsed(),
                });
                state.history.push_back(site.clone());
                if state.history.len() > HISTORY {
                    state.history.pop_front();
                }
                state.good = Some(site);
                state.problems = None;
                Outcome::Built {
                    files: count,
                    took: started.elapsed(),
                }
            }
            Err((summary, text)) => {
                let problems = Arc::new(Problems { summary, text });
                state.problems = Some(problems.clone());
                Outcome::Failed(problems)
            }
        };
        drop(state);
        self.changed.notify_all();
        outcome
    }

    /// Load, check and render (HTML, Markdown, the Typst sources and the
    /// exports; PDFs wait for a request, Word files are not previewed).
    #[allow(clippy::type_complexity)]
    fn build(
        &self,
    ) -> (
        Result<(BTreeMap<String, Arc<[u8]>>, String), (String, String)>,
        Inputs,
    ) {
        let s = &self.settings;
        let options = crate::model::LoadOptions {
            allow_outside: s.allow_outside,
        };
        let (loaded, a) = match crate::check::load_checked(&s.assessment, options) {
            Ok(checked) => checked,
            Err(failed) => {
                let inputs = Inputs::of(&s.assessment, &failed.loaded.sources);
                let mut text = Vec::new();
                // Writing to memory cannot fail.
                let _ = crate::check::render_capped(&failed.errors, &mut text);
                let summary = crate::gaps::plural(failed.errors.len(), "error", "errors");
                return (
                    Err((summary, String::from_utf8_lossy(&text).into_owned())),
                    inputs,
                );
            }
        };
        let inputs = Inputs::of(&s.assessment, &loaded.sources);
        let options = Options {
            internal: s.internal,
            suppress_below: crate::render::suppress_below(s.suppress_below, &a),
            pdf: false,
            docx: false,
            allow_outside: s.allow_outside,
            previous: None,
        };
        let result = crate::render::build(&a, &s.assessment, options)
            .map(|files| {
                let files = files
                    .into_iter()
                    .map(|f| (f.path, Arc::from(f.bytes)))
                    .collect();
                (files, a.info.title.clone())
            })
            .map_err(|e| ("the documents could not be built".to_owned(), e));
        (result, inputs)
    }

    /// The files to watch now.
    pub(crate) fn inputs(&self) -> Inputs {
        lock(&self.state).inputs.clone()
    }

    /// The current version, the last good build and the current problems.
    pub(crate) fn snapshot(&self) -> (u64, Option<Arc<Site>>, Option<Arc<Problems>>) {
        let state = lock(&self.state);
        (state.version, state.good.clone(), state.problems.clone())
    }

    /// What a page of document `stem` showing good build `base` needs to
    /// show the current one.
    pub(crate) fn patch(&self, stem: &str, base: u64) -> Patch {
        let state = lock(&self.state);
        let reload = Patch {
            reload: true,
            shown: state.version,
            base,
            top: String::new(),
            blocks: BTreeMap::new(),
        };
        let Some(good) = &state.good else {
            return reload;
        };
        let shown_page = state
            .history
            .iter()
            .find(|s| s.version == base)
            .and_then(|s| s.pages.get(stem));
        let (Some(old), Some(new)) = (shown_page, good.pages.get(stem)) else {
            return reload;
        };
        if old.before != new.before
            || old.after != new.after
            || old.blocks.len() != new.blocks.len()
        {
            return reload;
        }
        let blocks = old
            .blocks
            .iter()
            .zip(&new.blocks)
            .enumerate()
            .filter(|(_, (was, now))| was != now)
            .map(|(i, (_, now))| (i, now.clone()))
            .collect();
        let known = DOCUMENTS.iter().find(|(s, _)| *s == stem).map(|(s, _)| *s);
        Patch {
            reload: false,
            shown: state.version,
            base: good.version,
            top: page::top(Some(good), known, state.problems.as_deref()),
            blocks,
        }
    }

    /// Block until a rebuild after `seen`, or `timeout`; the version then.
    pub(crate) fn wait_for_change(&self, seen: u64, timeout: Duration) -> u64 {
        let state = lock(&self.state);
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| s.version <= seen)
            .unwrap_or_else(|e| e.into_inner());
        state.version
    }

    /// The PDF of document `stem` from the last good build, laid out now
    /// unless it already was for that build.
    pub(crate) fn pdf(&self, stem: &str) -> Result<Arc<[u8]>, String> {
        let cache = self
            .pdfs
            .get(stem)
            .ok_or_else(|| format!("no document {stem}"))?;
        let (_, site, _) = self.snapshot();
        let site = site.ok_or("nothing has built yet")?;
        let mut cache = lock(cache);
        if let Some((version, pdf)) = &cache.built
            && *version == site.version
        {
            return Ok(pdf.clone());
        }
        let source = site
            .files
            .get(&format!("{stem}.typ"))
            .ok_or_else(|| format!("the build has no {stem}.typ"))?;
        let source = std::str::from_utf8(source).map_err(|e| e.to_string())?;
        let files: Vec<(String, Arc<[u8]>)> = site
            .files
            .iter()
            .filter(|(path, _)| path.starts_with("charts/") || path.starts_with("logo."))
            .map(|(path, bytes)| (path.clone(), bytes.clone()))
            .collect();
        let pdf: Arc<[u8]> = cache
            .compiler
            .compile(source, &files, &format!("needsmap/{}/{stem}", site.title))?
            .into();
        cache.built = Some((site.version, pdf.clone()));
        Ok(pdf)
    }
}
