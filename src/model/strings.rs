//! Every string a model value holds, with its YAML path: one walk through
//! the model's `Serialize` impls, which name each field as the YAML does
//! (serde renames included), so a new field is covered without anyone
//! remembering to add it. No copy of the model is made, which matters on a
//! national file of 30,000 services.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::source::Seg;

/// Call `visit(path, text, is_key)` for every string in `value` and every
/// mapping key (`is_key`), `path` leading from `value` to it.
pub(crate) fn each_string<T: Serialize + ?Sized>(
    value: &T,
    mut visit: impl FnMut(&[Seg], &str, bool),
) {
    let mut walker = Walker {
        path: Vec::new(),
        visit: &mut visit,
    };
    // The walker never fails; an error could only come from a hand-written
    // `Serialize` impl, and then what was walked so far has been visited.
    let _ = value.serialize(&mut walker);
}

struct Walker<'v> {
    path: Vec<Seg>,
    visit: &'v mut dyn FnMut(&[Seg], &str, bool),
}

impl Walker<'_> {
    fn text(&mut self, text: &str, is_key: bool) {
        (self.visit)(&self.path, text, is_key);
    }

    fn under<T: Serialize + ?Sized>(&mut self, seg: Seg, value: &T) -> Result<(), Stop> {
        self.path.push(seg);
        let result = value.serialize(&mut *self);
        self.path.pop();
        result
    }
}

/// The walker's error type; it never stops on its own.
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

impl<'a, 'v> ser::Serializer for &'a mut Walker<'v> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Elements<'a, 'v>;
    type SerializeTuple = Elements<'a, 'v>;
    type SerializeTupleStruct = Elements<'a, 'v>;
    type SerializeTupleVariant = Elements<'a, 'v>;
    type SerializeMap = Entries<'a, 'v>;
    type SerializeStruct = Fields<'a, 'v>;
    type SerializeStructVariant = Fields<'a, 'v>;

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
    fn serialize_seq(self, _: Option<usize>) -> Result<Elements<'a, 'v>, Stop> {
        Ok(Elements {
            walker: self,
            next: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Elements<'a, 'v>, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Elements<'a, 'v>, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Elements<'a, 'v>, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'a, 'v>, Stop> {
        Ok(Entries {
            walker: self,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<'a, 'v>, Stop> {
        Ok(Fields { walker: self })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Fields<'a, 'v>, Stop> {
        Ok(Fields { walker: self })
    }
}

/// List items: each below its index.
pub struct Elements<'a, 'v> {
    walker: &'a mut Walker<'v>,
    next: usize,
}

impl Elements<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let index = self.next;
        self.next += 1;
        self.walker.under(Seg::Index(index), value)
    }
}

impl ser::SerializeSeq for Elements<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTuple for Elements<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Elements<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Elements<'_, '_> {
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
pub struct Fields<'a, 'v> {
    walker: &'a mut Walker<'v>,
}

impl ser::SerializeStruct for Fields<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.walker.under(Seg::from(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for Fields<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.walker.under(Seg::from(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

/// Map entries: the key is checked itself, the value below the key.
pub struct Entries<'a, 'v> {
    walker: &'a mut Walker<'v>,
    key: Option<String>,
}

impl ser::SerializeMap for Entries<'_, '_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        let text = key.serialize(KeyText)?;
        self.walker.path.push(Seg::Key(text.clone()));
        self.walker.text(&text, true);
        self.walker.path.pop();
        self.key = Some(text);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let key = self.key.take().unwrap_or_default();
        self.walker.under(Seg::Key(key), value)
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

    #[derive(Serialize)]
    struct Item {
        id: String,
        #[serde(rename = "type")]
        kind: Option<String>,
        notes: Vec<String>,
        groups: BTreeMap<String, i64>,
        values: BTreeMap<i32, f64>,
    }

    #[test]
    fn every_string_and_key_is_visited_with_its_yaml_path() {
        let item = Item {
            id: "a".into(),
            kind: Some("t".into()),
            notes: vec!["n0".into(), "n1".into()],
            groups: BTreeMap::from([("women".to_owned(), 3)]),
            values: BTreeMap::from([(2024, 1.0)]),
        };
        let mut seen = Vec::new();
        each_string(&[item], |path, text, is_key| {
            seen.push((path.to_vec(), text.to_owned(), is_key))
        });
        let k = |s: &str| Seg::from(s);
        assert_eq!(
            seen,
            [
                (vec![0.into(), k("id")], "a".into(), false),
                (vec![0.into(), k("type")], "t".into(), false),
                (vec![0.into(), k("notes"), 0.into()], "n0".into(), false),
                (vec![0.into(), k("notes"), 1.into()], "n1".into(), false),
                (
                    vec![0.into(), k("groups"), k("women")],
                    "women".into(),
                    true
                ),
                (vec![0.into(), k("values"), k("2024")], "2024".into(), true),
            ]
        );
    }
}
