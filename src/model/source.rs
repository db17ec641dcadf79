//! Where things were written: the files an assessment was loaded from, and
//! the [`Origin`] of every item, resolved to a line and column on demand.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::locate::locate_paths;

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
    lines: OnceCell<LineIndex>,
}

/// Where an origin points: line and column, and the byte offset in the
/// file when the YAML parser reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub pos: Pos,
    pub offset: Option<usize>,
}

/// Lines longer than this (in bytes) are cut around the column when shown.
pub(crate) const SNIPPET_WIDTH: usize = 120;
/// Characters kept before the column when a line is cut.
const SNIPPET_BEFORE: usize = 40;

/// The line a diagnostic points at, as shown under it: the whole line, or
/// for a long one [`SNIPPET_WIDTH`] characters around the column with `…`
/// where it was cut, so a diagnostic on a 300 KB line stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// The column (1-based, in characters) of the position within `text`.
    pub column: u32,
}

/// The byte offset where each line starts, worked out once per file so a
/// diagnostic finds its line without scanning the text.
#[derive(Debug)]
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let ends = text.bytes().enumerate().filter(|&(_, b)| b == b'\n');
        LineIndex {
            starts: std::iter::once(0).chain(ends.map(|(i, _)| i + 1)).collect(),
        }
    }

    /// The bytes of line `line` (1-based) without its line ending; `None`
    /// past the last line, as `str::lines` would say.
    fn range(&self, text: &str, line: u32) -> Option<Range<usize>> {
        let start = *self.starts.get(line.checked_sub(1)? as usize)?;
        if start == text.len() {
            return None;
        }
        let end = self
            .starts
            .get(line as usize)
            .map_or(text.len(), |next| next - 1);
        let end = if text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Some(start..end)
    }

    /// The line and column of a byte offset.
    fn position(&self, text: &str, offset: usize) -> Pos {
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = text[start..offset.min(text.len())].chars().count() + 1;
        Pos {
            line: line as u32,
            column: column as u32,
        }
    }
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
            lines: OnceCell::new(),
        });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    /// The line and column an origin points at (one parse of its file: to
    /// locate many, use [`SourceMap::places`]).
    pub fn locate(&self, origin: &Origin) -> Option<Pos> {
        self.place(origin).map(|p| p.pos)
    }

    /// Where an origin points (one parse of its file).
    pub fn place(&self, origin: &Origin) -> Option<Place> {
        self.places(&[origin]).pop().flatten()
    }

    /// Where each origin points. A YAML file is parsed again here, once
    /// for all the origins in it, and only when a diagnostic needs it.
    pub fn places(&self, origins: &[&Origin]) -> Vec<Option<Place>> {
        let mut places = vec![None; origins.len()];
        let mut by_file: BTreeMap<FileId, Vec<usize>> = BTreeMap::new();
        for (i, origin) in origins.iter().enumerate() {
            if let Some(pos) = origin.pos {
                places[i] = Some(Place { pos, offset: None });
            } else if let Some(file) = origin.file
                && self.get(file).kind == FileKind::Yaml
            {
                by_file.entry(file).or_default().push(i);
            }
        }
        for (file, indices) in by_file {
            let Some(text) = self.get(file).text.as_deref() else {
                continue;
            };
            let wanted: Vec<(&[Seg], bool)> = indices
                .iter()
                .map(|&i| (origins[i].path.as_slice(), origins[i].at_key))
                .collect();
            if let Some(found) = locate_paths(text, &wanted) {
                for (i, place) in indices.into_iter().zip(found) {
                    places[i] = Some(place);
                }
            }
        }
        places
    }

    fn line_index(&self, file: FileId) -> Option<(&str, &LineIndex)> {
        let file = self.get(file);
        let text = file.text.as_deref()?;
        Some((text, file.lines.get_or_init(|| LineIndex::new(text))))
    }

    /// The text of one line (1-based), without its line ending.
    pub fn line(&self, file: FileId, line: u32) -> Option<&str> {
        let (text, index) = self.line_index(file)?;
        Some(&text[index.range(text, line)?])
    }

    /// The line and column of a byte offset in a file.
    pub fn position(&self, file: FileId, offset: usize) -> Option<Pos> {
        let (text, index) = self.line_index(file)?;
        Some(index.position(text, offset))
    }

    /// The line `place` is on, cut around it when long.
    pub fn snippet(&self, file: FileId, place: Place) -> Option<Snippet> {
        let (text, index) = self.line_index(file)?;
        let range = index.range(text, place.pos.line)?;
        let line = &text[range.clone()];
        if line.len() <= SNIPPET_WIDTH {
            return Some(Snippet {
                text: line.to_owned(),
                column: place.pos.column,
            });
        }
        let at = place
            .offset
            .and_then(|o| o.checked_sub(range.start))
            .filter(|&o| o <= line.len() && line.is_char_boundary(o))
            // Positions that do not come from the tree (CSV rows, syntax
            // errors) are few per file, so counting characters is fine.
            .or_else(|| byte_of_column(line, place.pos.column))
            .unwrap_or(line.len());
        Some(cut_around(line, at))
    }
}

/// The byte offset of a 1-based character column in `line`.
fn byte_of_column(line: &str, column: u32) -> Option<usize> {
    let skip = column.checked_sub(1)? as usize;
    line.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(line.len()))
        .nth(skip)
}

/// [`SNIPPET_WIDTH`] characters of `line` around byte `at`, `…` marking
/// each side that was cut.
fn cut_around(line: &str, at: usize) -> Snippet {
    let start = line[..at]
        .char_indices()
        .rev()
        .nth(SNIPPET_BEFORE - 1)
        .map_or(0, |(i, _)| i);
    let end = line[at..]
        .char_indices()
        .nth(SNIPPET_WIDTH - SNIPPET_BEFORE)
        .map_or(line.len(), |(i, _)| at + i);
    let mut text = String::with_capacity(end - start + 6);
    let mut column = line[start..at].chars().count() as u32 + 1;
    if start > 0 {
        text.push('…');
        column += 1;
    }
    text.push_str(&line[start..end]);
    if end < line.len() {
        text.push('…');
    }
    Snippet { text, column }
}

/// Lexically clean a path for display: drop `.`, fold `dir/..`.
pub(crate) fn clean_path(path: &Path) -> PathBuf {
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
    fn lines_are_found_by_index_as_str_lines_would() {
        let mut map = SourceMap::default();
        let text = "a: 1\r\nbé: 2\n\nc: 3\n";
        let id = map.add("a.yaml".into(), FileKind::Yaml, Some(text.into()));
        let lines: Vec<Option<&str>> = (0..=5).map(|n| map.line(id, n)).collect();
        assert_eq!(
            lines,
            [
                None,
                Some("a: 1"),
                Some("bé: 2"),
                Some(""),
                Some("c: 3"),
                None
            ]
        );
        let offset = text.find("2").expect("in text");
        assert_eq!(map.position(id, offset), Some(Pos { line: 2, column: 5 }));
        assert_eq!(map.position(id, 0), Some(Pos { line: 1, column: 1 }));
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let mut map = SourceMap::default();
        let line = format!("localities: [{}target, after]", "north, ".repeat(5000));
        let id = map.add("a.yaml".into(), FileKind::Yaml, Some(line.clone()));
        let offset = line.find("target").expect("in line");
        let column = offset as u32 + 1;
        for known in [Some(offset), None] {
            let place = Place {
                pos: Pos { line: 1, column },
                offset: known,
            };
            let snippet = map.snippet(id, place).expect("snippet");
            assert!(
                snippet.text.chars().count() <= SNIPPET_WIDTH + 2,
                "{snippet:?}"
            );
            assert!(snippet.text.starts_with('…') && snippet.text.ends_with(']'));
            let under: String = snippet
                .text
                .chars()
                .skip(snippet.column as usize - 1)
                .collect();
            assert!(under.starts_with("target, after]"), "{snippet:?}");
        }
        let short = map.add("b.yaml".into(), FileKind::Yaml, Some("id: x\n".into()));
        let place = Place {
            pos: Pos { line: 1, column: 5 },
            offset: None,
        };
        assert_eq!(
            map.snippet(short, place),
            Some(Snippet {
                text: "id: x".into(),
                column: 5
            })
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
