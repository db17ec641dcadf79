//! Expanding the path patterns an assessment names (`include:`,
//! `journeys:`) into files, with a walk that stays bounded whatever the
//! folders hold.
//!
//! `glob::glob` follows folder symlinks under `**` and never notices it has
//! been somewhere before: `ln -s . journeys/here` next to `ln -s .
//! journeys/here2` makes `journeys/**/*.yaml` explore 2^40 paths before the
//! kernel's symlink limit stops it. Here every folder is entered once per
//! pattern component (keyed by its canonical path), a file reached by two
//! routes is listed once, and the walk stops with an error past fixed limits
//! on files matched, folders read and `**` depth.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use glob::{MatchOptions, Pattern};

/// How far one pattern's expansion may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Files one pattern may match (10,000 journeys must load, with room).
    pub max_files: usize,
    /// Folders one pattern may list.
    pub max_dirs: usize,
    /// Folders `**` may descend below where it starts.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_files: 50_000,
            max_dirs: 10_000,
            max_depth: 32,
        }
    }
}

/// Why a pattern was not expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WalkError {
    /// Not a valid glob pattern (glob's own message).
    BadPattern(String),
    TooManyFiles(usize),
    TooManyDirs(usize),
    /// `**` went deeper than the limit; the folder where it stopped.
    TooDeep(usize, PathBuf),
}

/// One component of a pattern after its literal prefix.
enum Part {
    /// A plain name (or `.`, `..`): joined without reading the folder.
    Literal(String),
    /// A component with `*`, `?` or `[...]`: matched against each entry.
    Wildcard(Pattern),
    /// `**`: this folder and every folder below it.
    AnyDirs,
}

/// Match options as `glob::glob` uses them, so patterns keep their meaning:
/// case-sensitive, and `*` matches names starting with a dot.
const OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// Every file `pattern` (relative to `base`, or absolute) matches, sorted,
/// each real file once.
pub(crate) fn expand(
    base: &Path,
    pattern: &str,
    limits: Limits,
) -> Result<Vec<PathBuf>, WalkError> {
    Pattern::new(pattern).map_err(|e| WalkError::BadPattern(e.msg.to_owned()))?;
    let joined = base.join(pattern);
    let (start, parts) = split(&joined)?;
    let mut walk = Walk {
        parts: &parts,
        limits,
        entered: HashSet::new(),
        listed: HashSet::new(),
        files: Vec::new(),
        real_files: HashSet::new(),
    };
    walk.visit(start, 0, 0)?;
    let mut files = walk.files;
    files.sort();
    Ok(files)
}

/// The folder a pattern starts from (its leading literal components) and
/// the parts after it.
fn split(path: &Path) -> Result<(PathBuf, Vec<Part>), WalkError> {
    let mut start = PathBuf::new();
    let mut parts = Vec::new();
    for component in path.components() {
        let text = match component {
            Component::Normal(name) => name.to_str().unwrap_or_default(),
            other if parts.is_empty() => {
                start.push(other.as_os_str());
                continue;
            }
            other => other.as_os_str().to_str().unwrap_or_default(),
        };
        let part = if text == "**" {
            Part::AnyDirs
        } else if text.contains(['*', '?', '[']) {
            Part::Wildcard(Pattern::new(text).map_err(|e| WalkError::BadPattern(e.msg.into()))?)
        } else if parts.is_empty() {
            start.push(text);
            continue;
        } else {
            Part::Literal(text.to_owned())
        };
        parts.push(part);
    }
    if start.as_os_str().is_empty() {
        start.push(".");
    }
    Ok((start, parts))
}

struct Walk<'a> {
    parts: &'a [Part],
    limits: Limits,
    /// (canonical folder, index of the part applied there): entering the
    /// same folder at the same point of the pattern again could only find
    /// the same files again, so symlink loops end here.
    entered: HashSet<(PathBuf, usize)>,
    /// Canonical folders listed so far, for the folder limit.
    listed: HashSet<PathBuf>,
    files: Vec<PathBuf>,
    /// Canonical paths of `files`: a file reached through two links is
    /// listed once, under the first path the walk found it by.
    real_files: HashSet<PathBuf>,
}

impl Walk<'_> {
    /// Apply parts `index..` below `path`; `depth` counts `**` descents.
    fn visit(&mut self, path: PathBuf, index: usize, depth: usize) -> Result<(), WalkError> {
        if index == self.parts.len() {
            return self.matched(path);
        }
        let Ok(real) = path.canonicalize() else {
            return Ok(());
        };
        if !real.is_dir() || !self.entered.insert((real.clone(), index)) {
            return Ok(());
        }
        let parts = self.parts;
        match &parts[index] {
            Part::Literal(name) => self.visit(path.join(name), index + 1, depth),
            Part::Wildcard(pattern) => {
                for (name, child) in self.children(&path, real)? {
                    if pattern.matches_with(&name, OPTIONS) {
                        self.visit(child, index + 1, depth)?;
                    }
                }
                Ok(())
            }
            Part::AnyDirs => {
                self.visit(path.clone(), index + 1, depth)?;
                let subdirs: Vec<PathBuf> = self
                    .children(&path, real)?
                    .into_iter()
                    .map(|(_, child)| child)
                    .filter(|child| child.is_dir())
                    .collect();
                if !subdirs.is_empty() && depth >= self.limits.max_depth {
                    return Err(WalkError::TooDeep(self.limits.max_depth, path));
                }
                for child in subdirs {
                    self.visit(child, index, depth + 1)?;
                }
                Ok(())
            }
        }
    }

    fn matched(&mut self, path: PathBuf) -> Result<(), WalkError> {
        let Ok(real) = path.canonicalize() else {
            return Ok(());
        };
        if !real.is_file() || !self.real_files.insert(real) {
            return Ok(());
        }
        if self.files.len() == self.limits.max_files {
            return Err(WalkError::TooManyFiles(self.limits.max_files));
        }
        self.files.push(path);
        Ok(())
    }

    /// The entries of a folder by name, real entries before symlinks so a
    /// file reached both ways is listed under its real path. Unreadable
    /// folders and names that are not UTF-8 are passed over, as glob does.
    fn children(&mut self, dir: &Path, real: PathBuf) -> Result<Vec<(String, PathBuf)>, WalkError> {
        if self.listed.insert(real) && self.listed.len() > self.limits.max_dirs {
            return Err(WalkError::TooManyDirs(self.limits.max_dirs));
        }
        let Ok(entries) = fs::read_dir(dir) else {
            return Ok(Vec::new());
        };
        let mut children: Vec<(bool, String, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
                let name = entry.file_name().into_string().ok()?;
                Some((is_link, name, entry.path()))
            })
            .collect();
        children.sort();
        Ok(children
            .into_iter()
            .map(|(_, name, path)| (name, path))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, "x").expect("write");
    }

    fn names(base: &Path, files: &[PathBuf]) -> Vec<String> {
        files
            .iter()
            .map(|f| {
                f.strip_prefix(base)
                    .expect("below base")
                    .display()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn patterns_keep_their_glob_meaning() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        for f in [
            "j/a.yaml",
            "j/b.yml",
            "j/.hidden.yaml",
            "j/x/c.yaml",
            "j/x/y/d.yaml",
        ] {
            touch(&base.join(f));
        }
        let got = |p: &str| names(base, &expand(base, p, Limits::default()).expect("expands"));
        assert_eq!(got("j/*.yaml"), ["j/.hidden.yaml", "j/a.yaml"]);
        assert_eq!(got("j/*/*.yaml"), ["j/x/c.yaml"]);
        assert_eq!(
            got("j/**/*.yaml"),
            ["j/.hidden.yaml", "j/a.yaml", "j/x/c.yaml", "j/x/y/d.yaml"]
        );
        assert_eq!(got("j/x/../b.yml"), ["j/x/../b.yml"]);
        assert_eq!(got("j/?.y*ml"), ["j/a.yaml", "j/b.yml"]);
        assert!(got("j/nothing/*.yaml").is_empty());
        assert!(
            got("j/**").is_empty(),
            "`**` alone matches folders, not files"
        );
        assert!(matches!(
            expand(base, "j/a**.yaml", Limits::default()),
            Err(WalkError::BadPattern(_))
        ));
    }

    #[test]
    fn symlink_loops_are_walked_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        touch(&base.join("j/a.yaml"));
        touch(&base.join("j/sub/b.yaml"));
        std::os::unix::fs::symlink(".", base.join("j/here")).expect("symlink");
        std::os::unix::fs::symlink(".", base.join("j/here2")).expect("symlink");
        std::os::unix::fs::symlink("..", base.join("j/sub/up")).expect("symlink");
        std::os::unix::fs::symlink("a.yaml", base.join("j/again.yaml")).expect("symlink");
        let files = expand(base, "j/**/*.yaml", Limits::default()).expect("expands");
        assert_eq!(names(base, &files), ["j/a.yaml", "j/sub/b.yaml"]);
    }

    #[test]
    fn the_walk_stops_at_its_limits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        for i in 0..4 {
            touch(&base.join(format!("j/d{i}/f.yaml")));
        }
        touch(&base.join("deep/1/2/3/4/f.yaml"));
        let limits = Limits {
            max_files: 3,
            max_dirs: 100,
            max_depth: 100,
        };
        assert_eq!(
            expand(base, "j/**/*.yaml", limits),
            Err(WalkError::TooManyFiles(3))
        );
        let limits = Limits {
            max_files: 100,
            max_dirs: 3,
            max_depth: 100,
        };
        assert_eq!(
            expand(base, "j/**/*.yaml", limits),
            Err(WalkError::TooManyDirs(3))
        );
        let limits = Limits {
            max_files: 100,
            max_dirs: 100,
            max_depth: 3,
        };
        assert_eq!(
            expand(base, "deep/**/*.yaml", limits),
            Err(WalkError::TooDeep(3, base.join("deep/1/2/3")))
        );
        assert!(expand(base, "deep/1/**/*.yaml", limits).is_ok());
    }
}
