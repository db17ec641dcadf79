//! Text every output can carry. YAML escapes such as `"\x01"` or
//! `"\uFFFE"` read as valid strings, but no document can hold them: XML 1.0
//! (the SVG charts, GraphML, HTML) forbids C0 controls and U+FFFE/U+FFFF
//! outright, and Typst and PDF/UA refuse them. So the loader looks at every
//! string a file holds once it is read, and reports the first character of
//! each that no output should carry, at the value's own line and column.
//!
//! The walk is [`super::strings::each_string`]: one pass through the
//! model's `Serialize` impls, each string with its YAML path.

use serde::Serialize;

use super::source::Seg;
use super::strings::each_string;

pub(crate) use crate::text::is_forbidden;

/// What a forbidden character is, for a message: `U+0001 (a control character)`.
pub(crate) fn describe(c: char) -> String {
    let kind = if c.is_control() {
        "a control character"
    } else {
        "a Unicode noncharacter"
    };
    format!("U+{:04X} ({kind})", c as u32)
}

/// A string holding a forbidden character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unprintable {
    /// YAML path of the value (or of the mapping key, with `at_key`).
    pub path: Vec<Seg>,
    pub at_key: bool,
    /// The first forbidden character, and how many characters precede it.
    pub found: char,
    pub index: usize,
}

/// The first forbidden character of `text` and its character index.
pub(crate) fn first_forbidden(text: &str) -> Option<(usize, char)> {
    let printable_ascii = |b: u8| (0x20..0x7F).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r');
    if text.bytes().all(printable_ascii) {
        return None;
    }
    text.chars().enumerate().find(|&(_, c)| is_forbidden(c))
}

/// Every string (and map key) in `value` that holds a forbidden character.
pub(crate) fn find_unprintable<T: Serialize + ?Sized>(value: &T) -> Vec<Unprintable> {
    let mut found = Vec::new();
    each_string(value, |path, text, at_key| {
        if let Some((index, c)) = first_forbidden(text) {
            found.push(Unprintable {
                path: path.to_vec(),
                at_key,
                found: c,
                index,
            });
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn forbidden_characters_are_controls_and_noncharacters() {
        for c in ['\u{0}', '\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in [
            '\u{FDD0}',
            '\u{FDEF}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{1FFFE}',
            '\u{10FFFF}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            'é',
            '\u{A0}',
            '\u{FFFD}',
            '\u{FDCF}',
            '\u{1F600}',
        ] {
            assert!(!is_forbidden(c), "{c:?}");
        }
        assert_eq!(describe('\u{1}'), "U+0001 (a control character)");
        assert_eq!(describe('\u{FFFE}'), "U+FFFE (a Unicode noncharacter)");
    }

    #[derive(Serialize)]
    struct Item {
        id: String,
        #[serde(rename = "type")]
        kind: Option<String>,
        notes: Vec<String>,
        groups: BTreeMap<String, i64>,
    }

    #[test]
    fn every_string_is_found_with_its_yaml_path() {
        let items = vec![
            Item {
                id: "fine".into(),
                kind: None,
                notes: vec![],
                groups: BTreeMap::new(),
            },
            Item {
                id: "a\u{1}b".into(),
                kind: Some("\u{FFFE}".into()),
                notes: vec!["ok".into(), "tab\tok".into(), "bad\u{85}".into()],
                groups: BTreeMap::from([("women\u{0}".to_owned(), 3), ("men".to_owned(), 2)]),
            },
        ];
        let found = find_unprintable(&items);
        let at = |i: usize| -> (Vec<Seg>, bool, char, usize) {
            let u = &found[i];
            (u.path.clone(), u.at_key, u.found, u.index)
        };
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(at(0), (vec![1.into(), "id".into()], false, '\u{1}', 1));
        assert_eq!(at(1), (vec![1.into(), "type".into()], false, '\u{FFFE}', 0));
        assert_eq!(
            at(2),
            (vec![1.into(), "notes".into(), 2.into()], false, '\u{85}', 3)
        );
        assert_eq!(
            at(3),
            (
                vec![1.into(), "groups".into(), Seg::Key("women\u{0}".into())],
                true,
                '\u{0}',
                5
            )
        );
    }
}
