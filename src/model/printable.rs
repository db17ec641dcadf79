//! Text every output can carry. YAML escapes such as `"\x01"` or
//! `"\uFFFE"` read as valid strings, but no document can hold them: XML 1.0
//! (the SVG charts, GraphML, HTML) forbids C0 controls and U+FFFE/U+FFFF
//! outright, and Typst and PDF/UA refuse them. So the loader looks at every
//! string a file holds once it is read, and reports the first character of
//! each that no output should carry, at the value's own line and column.
//!
//! The walk goes through the model's `Serialize` impls, which name each
//! field as the YAML does: one pass, no copy of the model, and a new field
//! is covered without anyone remembering to add it here.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::source::Seg;

/// Characters no output may carry: C0 controls other than tab, newline and
/// carriage return; DEL and the C1 controls (invisible, and in practice
/// Windows-1252 text read as Latin-1); and the Unicode noncharacters
/// (U+FDD0..U+FDEF and the last two code points of every plane, U+FFFE and
/// U+FFFF among them). Lone surrogates cannot occur in a Rust string.
pub fn is_forbidden(c: char) -> bool {
    let code = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&code)
        || code & 0xFFFE == 0xFFFE
}

/// What a forbidden character is, for a message: `U+0001 (a control character)`.
pub fn describe(c: char) -> String {
    let kind = if c.is_control() {
        "a control character"
    } else {
        "a Unicode noncharacter"
    };
    format!("U+{:04X} ({kind})", c as u32)
}

/// A string holding a forbidden character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprintable {
    /// YAML path of the value (or of the mapping key, with `at_key`).
    pub path: Vec<Seg>,
    pub at_key: bool,
    /// The first forbidden character, and how many characters precede it.
    pub found: char,
    pub index: usize,
}

/// The first forbidden character of `text` and its character index.
pub fn first_forbidden(text: &str) -> Option<(usize, char)> {
    let printable_ascii = |b: u8| (0x20..0x7F).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r');
    if text.bytes().all(printable_ascii) {
        return None;
    }
    text.chars().enumerate().find(|&(_, c)| is_forbidden(c))
}

/// Every string (and map key) in `value` that holds a forbidden character.
pub fn find_unprintable<T: Serialize + ?Sized>(value: &T) -> Vec<Unprintable> {
    let mut finder = Finder::default();
    // The finder never fails; an error could only come from a hand-written
    // `Serialize` impl, and then what was walked so far is still reported.
    let _ = value.serialize(&mut finder);
    finder.found
}

#[derive(Default)]
struct Finder {
    path: Vec<Seg>,
    found: Vec<Unprintable>,
}

impl Finder {
    fn text(&mut self, text: &str, at_key: bool) {
        if let Some((index, found)) = first_forbidden(text) {
            self.found.push(Unprintable {
                path: self.path.clone(),
                at_key,
                found,
                index,
            });
        }
    }

    fn under<T: Serialize + ?Sized>(&mut self, seg: Seg, value: &T) -> Result<(), Stop> {
        self.path.push(seg);
        let result = value.serialize(&mut *self);
        self.path.pop();
        result
    }
}

/// The finder's error type; it never stops on its own.
#[derive(Debug)]
pub struct Stop(String);

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Stop(msg.to_string())
    }
}

impl<'a> ser::Serializer for &'a mut Finder {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Elements<'a>;
    type SerializeTuple = Elements<'a>;
    type SerializeTupleStruct = Elements<'a>;
    type SerializeTupleVariant = Elements<'a>;
    type SerializeMap = Entries<'a>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Fields<'a>;

    fn serialize_str(self, v: &str) -> Result<(), Stop> {
        self.text(v, false);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Stop> {
        self.text(v.encode_utf8(&mut [0; 4]), false);
        Ok(())
    }

    fn serialize_bool(self, _: bool) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.under(Seg::from(variant), value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Elements<'a>, Stop> {
        Ok(Elements {
            finder: self,
            next: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Elements<'a>, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Elements<'a>, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Elements<'a>, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'a>, Stop> {
        Ok(Entries {
            finder: self,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<'a>, Stop> {
        Ok(Fields { finder: self })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Fields<'a>, Stop> {
        Ok(Fields { finder: self })
    }
}

/// List items: each below its index.
pub struct Elements<'a> {
    finder: &'a mut Finder,
    next: usize,
}

impl Elements<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let index = self.next;
        self.next += 1;
        self.finder.under(Seg::Index(index), value)
    }
}

impl ser::SerializeSeq for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTuple for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

/// Struct fields: each below its (serde-renamed, so YAML) name.
pub struct Fields<'a> {
    finder: &'a mut Finder,
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.finder.under(Seg::from(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for Fields<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.finder.under(Seg::from(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

/// Map entries: the key is checked itself, the value below the key.
pub struct Entries<'a> {
    finder: &'a mut Finder,
    key: Option<String>,
}

impl ser::SerializeMap for Entries<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        let text = key.serialize(KeyText)?;
        self.finder.path.push(Seg::Key(text.clone()));
        self.finder.text(&text, true);
        self.finder.path.pop();
        self.key = Some(text);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let key = self.key.take().unwrap_or_default();
        self.finder.under(Seg::Key(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

/// A map key as the YAML path names it: the text, or the number written.
struct KeyText;

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = Stop;
    type SerializeSeq = Impossible<String, Stop>;
    type SerializeTuple = Impossible<String, Stop>;
    type SerializeTupleStruct = Impossible<String, Stop>;
    type SerializeTupleVariant = Impossible<String, Stop>;
    type SerializeMap = Impossible<String, Stop>;
    type SerializeStruct = Impossible<String, Stop>;
    type SerializeStructVariant = Impossible<String, Stop>;

    fn serialize_str(self, v: &str) -> Result<String, Stop> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, v: bool) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_f64(self, v: f64) -> Result<String, Stop> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Stop> {
        Err(ser::Error::custom("a map key of bytes"))
    }
    fn serialize_none(self) -> Result<String, Stop> {
        Ok(String::new())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Stop> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Stop> {
        Ok(String::new())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Stop> {
        Ok(String::new())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Stop> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Stop> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Stop> {
        Err(ser::Error::custom("a map key that is not text"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Stop> {
        Err(ser::Error::custom("a map key that is not text"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Stop> {
        Err(ser::Error::custom("a map key that is not text"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Stop> {
        Err(ser::Error::custom("a map key that is not text"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Stop> {
        Err(ser::Error::custom("a map key that is not text"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Stop> {
        Err(ser::Error::custom("a map key that is not text"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Stop> {
        Err(ser::Error::custom("a map key that is not text"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Stop> {
        Err(ser::Error::custom("a map key that is not text"))
    }
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
