//! Which files a preview depends on, and waiting for an edit to one.
//!
//! Folders are watched, not files: an editor that saves by writing a new
//! file and renaming it over the old one (Vim, many IDEs) replaces the
//! file a watch on it would follow. Events are then kept only for the
//! inputs and for files of the kinds an assessment reads, so a swap file,
//! a backup or an output written beside the assessment does not rebuild.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher as _};

use crate::model::SourceMap;

/// Kinds of file an assessment reads (YAML, CSV) or a template folder
/// holds (templates and the logo): a new one of these in a watched folder
/// may be about to be named, so it rebuilds too.
const READ_EXTENSIONS: &[&str] = &["yaml", "yml", "csv", "md", "html", "typ", "svg", "png"];

/// An editor's save is a burst of events (truncate, write, rename, change
/// of metadata): wait this long after the last one before rebuilding.
const QUIET: Duration = Duration::from_millis(15);

/// The files a build read, and the folders that hold them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Inputs {
    files: HashSet<PathBuf>,
    dirs: BTreeSet<PathBuf>,
    /// The template override folder, which may not exist yet.
    templates: Option<PathBuf>,
}

/// The folders under the template override folder that hold one
/// document's section overrides, one a document.
fn section_folders(templates: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    crate::render::DOCUMENTS
        .iter()
        .map(|(stem, _)| templates.join(stem))
}

/// An absolute path without symlinks where it exists; as given otherwise.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

impl Inputs {
    /// What a build of `assessment` read: every file of `sources`, and
    /// the template override folder beside the assessment.
    pub(crate) fn of(assessment: &Path, sources: &SourceMap) -> Inputs {
        let mut inputs = Inputs::before_building(assessment);
        for path in sources.files().map(|f| f.path.as_path()) {
            inputs.add_file(path);
        }
        inputs
    }

    /// What can be watched before the first build has read anything: the
    /// assessment's folder and the template override folders. Watched
    /// before the first build is shown, so an override saved as the
    /// preview opens is not missed (`tests/serve.rs` saves one then, and
    /// lost that race about one run in three when these folders were only
    /// watched after the first build).
    pub(crate) fn before_building(assessment: &Path) -> Inputs {
        let mut inputs = Inputs::default();
        inputs.add_file(assessment);
        // Resolved through its parent, which exists, so that it compares
        // equal to what the watcher reports once it is created.
        let templates = crate::render::templates::override_dir(assessment);
        let templates = match templates.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => absolute(parent).join("templates"),
            _ => absolute(Path::new(".")).join("templates"),
        };
        if templates.is_dir() {
            inputs.dirs.insert(templates.clone());
        }
        // A document's section overrides: `templates/action-plan/…`.
        for dir in section_folders(&templates) {
            if dir.is_dir() {
                inputs.dirs.insert(dir);
            }
        }
        inputs.templates = Some(templates);
        inputs
    }

    /// Add one file (and its folder).
    pub(crate) fn add_file(&mut self, path: &Path) {
        let path = absolute(path);
        if let Some(dir) = path.parent() {
            self.dirs.insert(dir.to_path_buf());
        }
        self.files.insert(path);
    }

    /// Add what another build read.
    pub(crate) fn extend(&mut self, other: Inputs) {
        self.files.extend(other.files);
        self.dirs.extend(other.dirs);
        self.templates = other.templates.or(self.templates.take());
    }

    /// Does a change to `path` (as the watcher reports it) call for a
    /// rebuild?
    pub(crate) fn is_relevant(&self, path: &Path) -> bool {
        if self.files.contains(path) || self.templates.as_deref() == Some(path) {
            return true;
        }
        // A new folder of section overrides: the next build watches it.
        if let Some(templates) = &self.templates
            && section_folders(templates).any(|d| d == path)
        {
            return true;
        }
        let in_watched_dir = path.parent().is_some_and(|d| self.dirs.contains(d));
        let read_kind = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| READ_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        in_watched_dir && read_kind
    }

    pub(crate) fn dirs(&self) -> impl Iterator<Item = &Path> {
        self.dirs.iter().map(PathBuf::as_path)
    }
}

/// The platform's file watcher (inotify, FSEvents, ReadDirectoryChangesW)
/// over the folders of a preview's inputs.
pub(crate) struct Watcher {
    inner: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    watching: BTreeSet<PathBuf>,
}

impl Watcher {
    pub(crate) fn new() -> Result<Watcher, String> {
        let (tx, events) = channel();
        let inner =
            notify::recommended_watcher(tx).map_err(|e| format!("cannot watch files: {e}"))?;
        Ok(Watcher {
            inner,
            events,
            watching: BTreeSet::new(),
        })
    }

    /// Watch the folders of `inputs`, and stop watching those no longer
    /// among them. A folder that cannot be watched (removed, say) is
    /// skipped: its files are then reported missing by the next build.
    /// Returns whether a folder was added: an edit in it between the build
    /// that found it and now was not seen, so the caller builds again.
    pub(crate) fn follow(&mut self, inputs: &Inputs) -> bool {
        let wanted: BTreeSet<PathBuf> = inputs.dirs().map(Path::to_path_buf).collect();
        for gone in self.watching.difference(&wanted) {
            let _ = self.inner.unwatch(gone);
        }
        self.watching.retain(|d| wanted.contains(d));
        let mut added = false;
        for dir in wanted {
            if !self.watching.contains(&dir)
                && self.inner.watch(&dir, RecursiveMode::NonRecursive).is_ok()
            {
                self.watching.insert(dir);
                added = true;
            }
        }
        added
    }

    /// Block until an edit to the inputs has settled; the paths it changed
    /// (`None` once the watcher has stopped).
    pub(crate) fn next_change(&self, inputs: &Inputs) -> Option<Vec<PathBuf>> {
        let mut changed: Vec<PathBuf> = Vec::new();
        loop {
            let event = if changed.is_empty() {
                self.events.recv().ok()?
            } else {
                match self.events.recv_timeout(QUIET) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                        return Some(changed);
                    }
                }
            };
            // A watcher error (an overflowed event queue) may have lost an
            // edit: rebuild to be sure.
            let Ok(event) = event else {
                changed.push(PathBuf::new());
                continue;
            };
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            for path in event.paths {
                if inputs.is_relevant(&path) && !changed.contains(&path) {
                    changed.push(path);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs_in(dir: &Path) -> Inputs {
        let mut inputs = Inputs::default();
        inputs.add_file(&dir.join("area.yaml"));
        inputs.templates = Some(dir.join("templates"));
        inputs
    }

    #[test]
    fn inputs_and_files_of_their_kinds_are_relevant() {
        let dir = std::env::temp_dir().join("needsmap-watch-test");
        let inputs = inputs_in(&dir);
        let dir = absolute(&dir);
        assert!(inputs.is_relevant(&dir.join("area.yaml")));
        assert!(inputs.is_relevant(&dir.join("new-include.yml")));
        assert!(inputs.is_relevant(&dir.join("figures.CSV")));
        assert!(inputs.is_relevant(&dir.join("templates")));
        assert!(inputs.is_relevant(&dir.join("templates").join("action-plan")));
        assert!(!inputs.is_relevant(&dir.join("templates").join("drafts")));
    }

    #[test]
    fn editor_scratch_files_and_other_folders_are_not() {
        let dir = std::env::temp_dir().join("needsmap-watch-test");
        let inputs = inputs_in(&dir);
        let dir = absolute(&dir);
        assert!(!inputs.is_relevant(&dir.join(".area.yaml.swp")));
        assert!(!inputs.is_relevant(&dir.join("area.yaml~")));
        assert!(!inputs.is_relevant(&dir.join("4913")));
        assert!(!inputs.is_relevant(&dir.join("out").join("gaps.csv")));
    }
}
