//! Where values were written, for diagnostics: many YAML paths of one file
//! resolved to lines and columns in one parse, without building a tree.
//!
//! A diagnostic knows its value by YAML path (`services[3].refers_to[2]`).
//! Parsing the whole file into a located tree to look paths up took twice
//! as long as loading it (a national file's 938 warnings: 2 s of 4). Here
//! the paths wanted form a trie, and one serde-saphyr pass follows only the
//! trie's branches, skipping every other value unread (`IgnoredAny`), and
//! records the position of each node on the way.
//!
//! serde-saphyr hands out positions only through `Spanned<T>`, where `T`
//! is a plain `Deserialize` type, so [`Seek`] finds the trie node it stands
//! for in a thread-local cursor rather than in a seed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use super::source::{Place, Pos, Seg};
use super::yaml::options;

/// Where each `(path, at_key)` points in `text`: the node at the path (its
/// key, with `at_key`), or the deepest node on the way there when the text
/// stops short of it, as [`super::yaml::Node::find`] answers. `None` when
/// the text does not parse.
pub(super) fn locate_paths(text: &str, wanted: &[(&[Seg], bool)]) -> Option<Vec<Place>> {
    let mut trie = Trie::default();
    for (path, _) in wanted {
        trie.insert(path);
    }
    let trie = seek(text, trie)?;
    Some(
        wanted
            .iter()
            .map(|(path, at_key)| trie.answer(path, *at_key))
            .collect(),
    )
}

struct Trie {
    nodes: Vec<TrieNode>,
}

impl Default for Trie {
    fn default() -> Trie {
        Trie {
            nodes: vec![TrieNode::default()],
        }
    }
}

#[derive(Default)]
struct TrieNode {
    keys: HashMap<String, usize>,
    indices: HashMap<usize, usize>,
    /// Where the node's value was written, and its key (in a mapping).
    value: Option<Place>,
    key: Option<Place>,
}

impl Trie {
    const ROOT: usize = 0;

    fn node(&mut self, id: usize) -> &mut TrieNode {
        &mut self.nodes[id]
    }

    /// Add `path` below the root.
    fn insert(&mut self, path: &[Seg]) {
        let mut at = Trie::ROOT;
        for seg in path {
            let next = self.nodes.len();
            let node = &mut self.nodes[at];
            let child = match seg {
                Seg::Key(key) => *node.keys.entry(key.clone()).or_insert(next),
                Seg::Index(i) => *node.indices.entry(*i).or_insert(next),
            };
            if child == next {
                self.nodes.push(TrieNode::default());
            }
            at = child;
        }
    }

    fn child(&self, at: usize, seg: &Seg) -> Option<usize> {
        let node = &self.nodes[at];
        match seg {
            Seg::Key(key) => node.keys.get(key).copied(),
            Seg::Index(i) => node.indices.get(i).copied(),
        }
    }

    fn key_child(&self, at: usize, key: &str) -> Option<usize> {
        self.nodes[at].keys.get(key).copied()
    }

    fn index_child(&self, at: usize, index: usize) -> Option<usize> {
        self.nodes[at].indices.get(&index).copied()
    }

    fn has_children(&self, at: usize) -> bool {
        let node = &self.nodes[at];
        !node.keys.is_empty() || !node.indices.is_empty()
    }

    fn answer(&self, path: &[Seg], at_key: bool) -> Place {
        let root = &self.nodes[Trie::ROOT];
        let mut best = root.value.unwrap_or(Place {
            pos: Pos { line: 1, column: 1 },
            offset: Some(0),
        });
        let mut at = Trie::ROOT;
        for (i, seg) in path.iter().enumerate() {
            let Some(child) = self.child(at, seg) else {
                break;
            };
            let node = &self.nodes[child];
            let last = i + 1 == path.len();
            let found = if last && at_key { node.key } else { node.value };
            match found {
                Some(place) => best = place,
                None => break,
            }
            at = child;
        }
        best
    }
}

/// The trie being followed and the node each nested [`Seek`] stands for.
struct Seeking {
    trie: Trie,
    cursor: Vec<usize>,
}

thread_local! {
    static SEEKING: RefCell<Option<Seeking>> = const { RefCell::new(None) };
}

fn with_seeking<R>(f: impl FnOnce(&mut Seeking) -> R) -> R {
    SEEKING.with(|s| f(s.borrow_mut().as_mut().expect("inside seek()")))
}

/// One pass over `text` following `trie`; the trie comes back with the
/// positions found.
fn seek(text: &str, trie: Trie) -> Option<Trie> {
    /// Clears the thread-local state however the pass ends.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            SEEKING.with(|s| s.borrow_mut().take());
        }
    }
    SEEKING.with(|s| {
        *s.borrow_mut() = Some(Seeking {
            trie,
            cursor: vec![Trie::ROOT],
        })
    });
    let reset = Reset;
    let root = serde_saphyr::from_str_with_options::<Spanned<Seek>>(text, seek_options()).ok();
    let mut trie = SEEKING.with(|s| s.borrow_mut().take()).map(|s| s.trie)?;
    drop(reset);
    trie.node(Trie::ROOT).value = Some(place_of(&root?.referenced));
    Some(trie)
}

/// The text already loaded with the loader's options (budget, duplicate
/// keys refused), so this pass leaves out the checks that cost time.
fn seek_options() -> serde_saphyr::Options {
    let mut options = options();
    options.budget = None;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    options.emit_comments = false;
    options.with_snippet = false;
    options
}

fn place_of(location: &Location) -> Place {
    Place {
        pos: Pos {
            line: location.line() as u32,
            column: location.column() as u32,
        },
        offset: location
            .span()
            .byte_offset()
            .and_then(|o| usize::try_from(o).ok()),
    }
}

/// A value read only to follow the trie: a mapping or list on a wanted
/// path is walked, anything else skipped.
struct Seek;

impl<'de> Deserialize<'de> for Seek {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Seek, D::Error> {
        let node = with_seeking(|s| *s.cursor.last().expect("a cursor"));
        if with_seeking(|s| s.trie.has_children(node)) {
            de.deserialize_any(SeekVisitor { node })
        } else {
            IgnoredAny::deserialize(de).map(|_| Seek)
        }
    }
}

/// Read the next value as trie node `child`, recording where it was;
/// false when there was no next value (the list ended).
fn descend<E>(
    child: usize,
    read: impl FnOnce() -> Result<Option<Spanned<Seek>>, E>,
) -> Result<bool, E> {
    with_seeking(|s| s.cursor.push(child));
    let value = read();
    with_seeking(|s| {
        s.cursor.pop();
        if let Ok(Some(value)) = &value {
            s.trie.node(child).value = Some(place_of(&value.referenced));
        }
    });
    value.map(|v| v.is_some())
}

struct SeekVisitor {
    node: usize,
}

impl<'de> Visitor<'de> for SeekVisitor {
    type Value = Seek;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Seek, A::Error> {
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let child = key
                .value
                .0
                .and_then(|k| with_seeking(|s| s.trie.key_child(self.node, &k)));
            let Some(child) = child else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            with_seeking(|s| s.trie.node(child).key = Some(place_of(&key.referenced)));
            descend(child, || map.next_value::<Spanned<Seek>>().map(Some))?;
        }
        Ok(Seek)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Seek, A::Error> {
        for index in 0.. {
            match with_seeking(|s| s.trie.index_child(self.node, index)) {
                Some(child) => {
                    if !descend(child, || seq.next_element::<Spanned<Seek>>())? {
                        break;
                    }
                }
                None => {
                    if seq.next_element::<IgnoredAny>()?.is_none() {
                        break;
                    }
                }
            }
        }
        Ok(Seek)
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Seek, D::Error> {
        Seek::deserialize(de)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Seek, E> {
        Ok(Seek)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Seek, E> {
        Ok(Seek)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Seek, E> {
        Ok(Seek)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Seek, E> {
        Ok(Seek)
    }
    fn visit_str<E>(self, _: &str) -> Result<Seek, E> {
        Ok(Seek)
    }
    fn visit_unit<E>(self) -> Result<Seek, E> {
        Ok(Seek)
    }
    fn visit_none<E>(self) -> Result<Seek, E> {
        Ok(Seek)
    }
}

/// A mapping key as [`super::yaml::Node::find`] compares it: a scalar's
/// text (`2024` for a number); `None` for a key that is a list or mapping.
struct KeyText(Option<String>);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<KeyText, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(Some(v.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(Some(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(Some(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(Some(v.to_string())))
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(Some(v.to_owned())))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_none<E>(self) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<KeyText, D::Error> {
                KeyText::deserialize(de)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(KeyText(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyText, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(KeyText(None))
            }
        }
        de.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::yaml::parse_tree;

    const TEXT: &str = "schema: x\nservices:\n  - id: a\n    refers_to: [b, c]\n  - { id: b, levels: [x] }\nvalues: { 2024: 5 }\nlast: |\n  text\n";

    fn paths() -> Vec<(Vec<Seg>, bool)> {
        let k = |s: &str| Seg::from(s);
        vec![
            (vec![], false),
            (vec![k("schema")], false),
            (vec![k("schema")], true),
            (vec![k("services")], false),
            (vec![k("services"), 0.into()], false),
            (
                vec![k("services"), 0.into(), k("refers_to"), 1.into()],
                false,
            ),
            (vec![k("services"), 0.into(), k("refers_to")], true),
            (vec![k("services"), 1.into()], false),
            (vec![k("services"), 1.into(), k("levels"), 0.into()], false),
            (vec![k("services"), 1.into(), k("capacity")], false),
            (vec![k("services"), 1.into(), k("capacity")], true),
            (vec![k("services"), 7.into()], false),
            (vec![k("values"), k("2024")], false),
            (vec![k("last")], false),
            (vec![k("missing"), 3.into()], false),
        ]
    }

    #[test]
    fn positions_match_the_located_tree() {
        let tree = parse_tree(TEXT).expect("parses");
        let wanted = paths();
        let refs: Vec<(&[Seg], bool)> = wanted.iter().map(|(p, k)| (p.as_slice(), *k)).collect();
        let got = locate_paths(TEXT, &refs).expect("parses");
        for ((path, at_key), place) in wanted.iter().zip(got) {
            let node = tree.find(path, *at_key);
            assert_eq!(place.pos, node.pos, "{path:?} at_key={at_key}");
            let offset = place.offset.expect("a byte offset");
            let line_start = TEXT[..offset].rfind('\n').map_or(0, |i| i + 1);
            let column = TEXT[line_start..offset].chars().count() as u32 + 1;
            assert_eq!(
                column, place.pos.column,
                "{path:?}: offset agrees with the column"
            );
        }
    }

    #[test]
    fn text_that_does_not_parse_locates_nothing() {
        assert!(locate_paths("a: [b\n", &[(&[], false)]).is_none());
    }
}
