//! Output folders: needsmap replaces only what it wrote itself.
//!
//! A command that writes a folder of files (`build -o OUT`, `journeys
//! --svg DIR`) writes them all into a staging folder beside OUT and then
//! swaps it in, so a failed or killed run never leaves half an output. The
//! swap removes the old OUT as a whole, so before it needsmap makes sure
//! that OUT holds nothing but its own earlier output:
//!
//! - OUT is missing, or an empty folder; or
//! - OUT holds the marker file [`MARKER`] that every output gets, and every
//!   file in OUT is one the marker lists (a file the user added since is
//!   theirs, and stops the build).
//!
//! Whatever the folder holds, needsmap also refuses an OUT that is an
//! existing file, a symbolic link, read-only, or that holds any of the
//! run's inputs (the assessment's own folder, the workspace root, any
//! folder above them). The refusal says what is there and how to go on,
//! and nothing is touched.
//!
//! Staging folders are named `.OUT.new-PID` and the old output, moved aside
//! for the swap, `.OUT.old-PID`. Both carry the marker, so those left by a
//! killed run are recognised as needsmap's own and removed by the next one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::render::OutputFile;

/// The file in every output folder that says needsmap wrote it, listing
/// the files it wrote.
pub(crate) const MARKER: &str = ".needsmap-output";

/// How many of the files that stop a build the message names.
const LISTED: usize = 5;

/// Why an output folder was not written: the problem, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputError {
    pub problem: String,
    pub hint: String,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n  hint: {}", self.problem, self.hint)
    }
}

impl std::error::Error for OutputError {}

fn refuse(problem: String, hint: impl Into<String>) -> OutputError {
    OutputError {
        problem,
        hint: hint.into(),
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> OutputError {
    refuse(
        format!("cannot {what} {}: {e}", path.display()),
        "check the folder's permissions and free space; nothing else was changed",
    )
}

/// Write `files` as the whole content of the folder `out`, replacing
/// needsmap's earlier output there, after checking that nothing else would
/// be lost. `inputs` are the files the run read; `out` may not hold any.
pub(crate) fn replace_folder(
    out: &Path,
    files: &[OutputFile],
    inputs: &[PathBuf],
) -> Result<(), OutputError> {
    // `-o .` or `-o out/..` name a folder by a path with no last part to
    // stage beside: work from the absolute, lexically clean path.
    let out = &std::path::absolute(out)
        .map(|p| crate::model::source::clean_path(&p))
        .map_err(|e| io_error("find", out, e))?;
    check_replaceable(out, inputs)?;
    let parent = parent_of(out);
    std::fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, e))?;
    let name = folder_name(out);
    remove_stale_staging(&parent, &name);
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let written = write_staging(&staging, files).and_then(|()| swap_in(out, &staging, &old));
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    written
}

/// Refuse, with a reason and a way on, an `out` whose replacement could
/// lose anything needsmap did not write.
pub(crate) fn check_replaceable(out: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let shown = out.display();
    let meta = match std::fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error("read", out, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(
            format!(
                "{shown} is a symbolic link; needsmap replaces its output folder as a whole and would replace the link"
            ),
            "give the folder the link points to, or a new folder",
        ));
    }
    if !meta.is_dir() {
        return Err(refuse(
            format!("{shown} is a file, not a folder"),
            "choose a folder for the output, e.g. `-o out/`",
        ));
    }
    let canonical = out.canonicalize().map_err(|e| io_error("read", out, e))?;
    if let Some(input) = inputs
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .find(|p| p.starts_with(&canonical))
    {
        return Err(refuse(
            format!(
                "{shown} holds this run's own input ({}); needsmap replaces its output folder as a whole",
                input.display()
            ),
            "choose a folder of its own for the output, e.g. `-o out/` (not the assessment's folder, the workspace or a folder above them)",
        ));
    }
    if meta.permissions().readonly() {
        return Err(refuse(
            format!("{shown} is read-only"),
            format!(
                "make it writable (`chmod u+w {shown}`) if needsmap may replace it, or choose another folder"
            ),
        ));
    }
    let found = contents(&canonical).map_err(|e| io_error("read", out, e))?;
    if found.is_empty() {
        return Ok(());
    }
    let Some(listed) = read_marker(&canonical) else {
        return Err(refuse(
            format!(
                "{shown} is not empty and was not written by needsmap (it has no {MARKER}): {}",
                name_some(found.iter().map(|e| e.shown()), found.len())
            ),
            "needsmap replaces its output folder as a whole; choose a new or empty folder, or move these files out first",
        ));
    };
    let foreign: Vec<&Entry> = found.iter().filter(|e| !e.listed_in(&listed)).collect();
    if !foreign.is_empty() {
        return Err(refuse(
            format!(
                "{shown} holds files needsmap did not write: {}",
                name_some(foreign.iter().map(|e| e.shown()), foreign.len())
            ),
            "the next build replaces the folder as a whole; move these files out first, or choose another folder",
        ));
    }
    if let Some(locked) = found.iter().find(|e| e.readonly) {
        return Err(refuse(
            format!("{} is read-only", canonical.join(&locked.path).display()),
            format!(
                "make it writable (`chmod -R u+w {shown}`) if needsmap may replace it, or choose another folder"
            ),
        ));
    }
    Ok(())
}

/// A file or folder found inside an output folder.
#[derive(Debug)]
struct Entry {
    /// Relative to the output folder, with `/` between parts.
    path: String,
    is_dir: bool,
    readonly: bool,
}

impl Entry {
    fn shown(&self) -> String {
        if self.is_dir {
            format!("{}/", self.path)
        } else {
            self.path.clone()
        }
    }

    /// Did needsmap write this: the marker, a listed file, or a folder
    /// holding one?
    fn listed_in(&self, listed: &BTreeSet<String>) -> bool {
        if self.path == MARKER {
            return true;
        }
        if self.is_dir {
            let prefix = format!("{}/", self.path);
            listed.iter().any(|f| f.starts_with(&prefix))
        } else {
            listed.contains(&self.path)
        }
    }
}

/// Everything under `dir`, without following symbolic links (a link is
/// listed as a file, so a link needsmap did not write stops the build).
fn contents(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((at, rel)) = stack.pop() {
        for entry in std::fs::read_dir(&at)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let is_dir = meta.is_dir();
            if is_dir {
                stack.push((entry.path(), path.clone()));
            }
            found.push(Entry {
                path,
                is_dir,
                readonly: meta.permissions().readonly() && !meta.file_type().is_symlink(),
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// "a, b, c and 4 more".
fn name_some(names: impl Iterator<Item = String>, total: usize) -> String {
    let names: Vec<String> = names.take(LISTED).collect();
    let more = total - names.len();
    if more == 0 {
        names.join(", ")
    } else {
        format!("{} and {more} more", names.join(", "))
    }
}

/// The files a marker in `dir` lists, or `None` when there is no marker.
fn read_marker(dir: &Path) -> Option<BTreeSet<String>> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    Some(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
    )
}

fn marker_text(files: &[OutputFile]) -> String {
    let mut text = format!(
        "# Written by needsmap {}. This folder is needsmap's output: the next\n\
         # run replaces it as a whole, and refuses to if it holds files not\n\
         # listed here. Keep your own files elsewhere.\n",
        env!("CARGO_PKG_VERSION")
    );
    for f in files {
        text.push_str(&f.path);
        text.push('\n');
    }
    text
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn folder_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into())
}

/// Remove staging and moved-aside folders of `name` left by runs that were
/// killed: only those that carry the marker (or are empty) and whose
/// process is gone.
fn remove_stale_staging(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let new = format!(".{name}.new-");
    let old = format!(".{name}.old-");
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name
            .strip_prefix(&new)
            .or_else(|| file_name.strip_prefix(&old))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        let ours = path.join(MARKER).is_file()
            || std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        if entry.file_type().is_ok_and(|t| t.is_dir()) && ours && !process_is_running(pid) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Is another process `pid` alive? Read from /proc where there is one;
/// elsewhere a leftover is assumed to be from a dead run. This process
/// counts as not running: it has not staged this folder yet, so a folder
/// with its pid was left by an earlier process that had the same pid.
fn process_is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    proc.join("self").exists() && proc.join(pid.to_string()).exists()
}

/// The marker first, so a run killed half-way leaves a folder the next run
/// knows as its own, then every file.
fn write_staging(staging: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    std::fs::create_dir(staging).map_err(|e| io_error("create", staging, e))?;
    let marker = staging.join(MARKER);
    std::fs::write(&marker, marker_text(files)).map_err(|e| io_error("write", &marker, e))?;
    for f in files {
        let path = staging.join(&f.path);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| io_error("create", p, e))?;
        }
        std::fs::write(&path, &f.bytes).map_err(|e| io_error("write", &path, e))?;
    }
    Ok(())
}

/// Move the old output aside, the new one in, and the old one away; on a
/// failure half-way, put the old one back.
fn swap_in(out: &Path, staging: &Path, old: &Path) -> Result<(), OutputError> {
    let had_old = out.exists();
    if had_old {
        std::fs::rename(out, old).map_err(|e| io_error("move aside the old", out, e))?;
    }
    if let Err(e) = std::fs::rename(staging, out) {
        if had_old {
            let _ = std::fs::rename(old, out);
        }
        return Err(io_error("move the new output into", out, e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: path.as_bytes().to_vec(),
        }
    }

    fn write(dir: &Path, names: &[&str]) {
        replace_folder(dir, &names.iter().map(|n| file(n)).collect::<Vec<_>>(), &[]).unwrap();
    }

    #[test]
    fn a_folder_is_replaced_by_the_next_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write(&out, &["a.txt", "charts/b.svg"]);
        write(&out, &["c.txt"]);
        let found: Vec<String> = contents(&out).unwrap().iter().map(Entry::shown).collect();
        assert_eq!(found, [MARKER, "c.txt"]);
    }

    #[test]
    fn a_file_added_to_an_output_stops_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write(&out, &["a.txt", "charts/b.svg"]);
        std::fs::write(out.join("charts/mine.txt"), "notes").unwrap();
        let e = replace_folder(&out, &[file("a.txt")], &[]).unwrap_err();
        assert!(e.problem.contains("charts/mine.txt"), "{e}");
        assert_eq!(
            std::fs::read_to_string(out.join("charts/mine.txt")).unwrap(),
            "notes"
        );
        assert!(out.join("charts/b.svg").exists());
    }

    #[test]
    fn a_folder_without_the_marker_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("precious");
        std::fs::create_dir_all(out.join("sub")).unwrap();
        std::fs::write(out.join("keep.txt"), "important").unwrap();
        let e = replace_folder(&out, &[file("a.txt")], &[]).unwrap_err();
        assert!(e.problem.contains("keep.txt, sub/"), "{e}");
        assert!(e.problem.contains("not written by needsmap"), "{e}");
        assert_eq!(
            std::fs::read_to_string(out.join("keep.txt")).unwrap(),
            "important"
        );
    }

    #[test]
    fn an_empty_folder_is_used() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        write(&out, &["a.txt"]);
        assert!(out.join("a.txt").is_file());
    }

    #[test]
    fn only_stale_staging_with_the_marker_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        // A pid far above any pid_max: the process is gone.
        let dead = tmp.path().join(".out.new-4294967290");
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join(MARKER), "").unwrap();
        // pid 1 is always running where there is a /proc.
        let alive = tmp.path().join(".out.old-1");
        std::fs::create_dir(&alive).unwrap();
        std::fs::write(alive.join(MARKER), "").unwrap();
        let theirs = tmp.path().join(".out.new-4294967291");
        std::fs::create_dir(&theirs).unwrap();
        std::fs::write(theirs.join("notes.txt"), "").unwrap();
        remove_stale_staging(tmp.path(), "out");
        assert!(!dead.exists(), "a killed run's staging is removed");
        assert!(alive.exists(), "a running process's staging is kept");
        assert!(
            theirs.exists(),
            "a folder without the marker is not needsmap's"
        );
    }

    #[test]
    fn many_foreign_files_are_counted_not_all_named() {
        assert_eq!(
            name_some((1..=8).map(|i| i.to_string()), 8),
            "1, 2, 3, 4, 5 and 3 more"
        );
        assert_eq!(name_some(["a".to_string()].into_iter(), 1), "a");
    }
}
