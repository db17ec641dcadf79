//! Where things were written: the files an assessment was loaded from, and
//! the [`Origin`] of every item, resolved to a line and column on demand.

use std::cell::OnceCell;
use std::fmt;
use std::path::{Path, PathBuf};

use super::yaml::{Node, parse_tree};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// One step of a YAML path: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(key: &str) -> Seg {
        Seg::Key(key.to_owned())
    }
}

impl From<usize> for Seg {
    fn from(index: usize) -> Seg {
        Seg::Index(index)
    }
}

/// Where an item (or a field of it) was written: a file, and either a YAML
/// path inside it or, for CSV rows, a position.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: Option<FileId>,
    pub path: Vec<Seg>,
    pub pos: Option<Pos>,
    /// Point at the key of the last path step rather than its value (for
    /// problems with the field itself, such as one in the wrong file).
    pub at_key: bool,
}

impl Origin {
    pub fn file(file: FileId) -> Origin {
        Origin {
            file: Some(file),
            ..Origin::default()
        }
    }

    pub fn at(file: FileId, path: Vec<Seg>) -> Origin {
        Origin {
            file: Some(file),
            path,
            ..Origin::default()
        }
    }

    pub fn at_pos(file: FileId, pos: Pos) -> Origin {
        Origin {
            file: Some(file),
            pos: Some(pos),
            ..Origin::default()
        }
    }

    /// The origin of a field or element below this one.
    pub fn child(&self, seg: impl Into<Seg>) -> Origin {
        let mut child = self.clone();
        if child.pos.is_none() {
            child.path.push(seg.into());
        }
        child
    }

    /// The same place, pointing at the key rather than the value.
    pub fn key(mut self) -> Origin {
        self.at_key = true;
        self
    }

    /// `services[3].refers_to[2]`, for messages and JSON output.
    pub fn path_text(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) if out.is_empty() => out.push_str(k),
                Seg::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Yaml,
    Csv,
}

/// A file read while loading.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user (relative, cleaned).
    pub path: PathBuf,
    pub kind: FileKind,
    /// The text, when the file could be read as UTF-8.
    pub text: Option<String>,
    tree: OnceCell<Option<Node>>,
}

/// Every file of one load, so diagnostics can quote them.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, path: PathBuf, kind: FileKind, text: Option<String>) -> FileId {
        self.files.push(SourceFile {
            path,
            kind,
            text,
            tree: OnceCell::new(),
        });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    /// The line and column an origin points at. YAML files are parsed again
    /// here, once and only when a diagnostic needs them.
    pub fn locate(&self, origin: &Origin) -> Option<Pos> {
        if origin.pos.is_some() {
            return origin.pos;
        }
        let file = self.get(origin.file?);
        if file.kind != FileKind::Yaml {
            return None;
        }
        let tree = file
            .tree
            .get_or_init(|| file.text.as_deref().and_then(|t| parse_tree(t).ok()));
        tree.as_ref()
            .map(|t| t.find(&origin.path, origin.at_key).pos)
    }

    /// The text of one line (1-based), for snippets.
    pub fn line(&self, file: FileId, line: u32) -> Option<&str> {
        let text = self.get(file).text.as_deref()?;
        text.lines().nth(line.checked_sub(1)? as usize)
    }
}

/// Lexically clean a path for display: drop `.`, fold `dir/..`.
pub fn clean_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(comp),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_path_folds_parent_dirs() {
        assert_eq!(
            clean_path(Path::new("assessments/./../journeys/north/j1.yaml")),
            PathBuf::from("journeys/north/j1.yaml")
        );
        assert_eq!(
            clean_path(Path::new("../x.yaml")),
            PathBuf::from("../x.yaml")
        );
    }

    #[test]
    fn origins_resolve_lazily_to_positions() {
        let mut map = SourceMap::default();
        let id = map.add(
            "a.yaml".into(),
            FileKind::Yaml,
            Some("services:\n  - id: x\n    refers_to: [y, z]\n".into()),
        );
        let origin = Origin::at(id, vec!["services".into(), 0.into()])
            .child("refers_to")
            .child(1);
        assert_eq!(origin.path_text(), "services[0].refers_to[1]");
        assert_eq!(
            map.locate(&origin),
            Some(Pos {
                line: 3,
                column: 20
            })
        );
    }
}
