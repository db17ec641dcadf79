//! YAML reading with locations.
//!
//! Happy path: serde-saphyr deserializes the typed model straight from the
//! text (fast, no intermediate tree). Only when that fails do we parse the
//! file into a [`Node`] tree that remembers every value's line and column,
//! and deserialize the model again from the tree with [`NodeDeserializer`].
//! That second pass knows where each error is, and lets us report every
//! broken item of a file in one run: after each error the offending list
//! item is dropped from the tree and deserialization is tried again.
//!
//! A semantic diagnostic's YAML path (`services[3].refers_to[2]`) is turned
//! into a line and column without this tree, by `locate`, which follows only
//! the paths diagnostics name.

use crate::model::Code;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

use super::source::{Pos, Seg};
use super::suggest::suggest;

/// Limits that keep hostile YAML (alias bombs, deep nesting) from
/// exhausting memory: serde-saphyr enforces them while parsing. Its default
/// node budget (250,000) is for configuration files; a national assessment
/// of 30,000 services has about a million nodes, so allow 10 million, which
/// with the 64 MiB file limit still bounds memory.
pub(crate) fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 10_000_000;
    budget.max_events = 20_000_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // `.nan` and `.inf` reach the located tree as floats, as they reach a
    // typed `f64`, so `check` reports them where they are written ("is not
    // a number") instead of the whole file losing its positions to a
    // misleading syntax error.
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    options
}

/// A parsed YAML value with the position it was written at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The node at `path` below this one (its key node, with `at_key`), or
    /// the deepest node on the way there when the path runs out (so a
    /// diagnostic still lands nearby).
    #[cfg(test)]
    pub(crate) fn find(&self, path: &[Seg], at_key: bool) -> &Node {
        let mut node = self;
        for (i, seg) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let next = match (&node.value, seg) {
                (Value::Map(entries), Seg::Key(key)) => entries
                    .iter()
                    .find(|(k, _)| key_text(k).as_deref() == Some(key.as_str()))
                    .map(|(k, v)| if last && at_key { k } else { v }),
                (Value::Seq(items), Seg::Index(i)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(next) => node = next,
                None => break,
            }
        }
        node
    }

    /// A scalar written as text, the way serde-saphyr hands scalars to a
    /// string field (so `name: 2024` reads as "2024" in both passes).
    fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::UInt(u) => Some(u.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    fn unexpected(&self) -> de::Unexpected<'_> {
        match &self.value {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Int(i) => de::Unexpected::Signed(*i),
            Value::UInt(u) => de::Unexpected::Unsigned(*u),
            Value::Float(f) => de::Unexpected::Float(*f),
            Value::Str(s) => de::Unexpected::Str(s),
            Value::Seq(_) => de::Unexpected::Seq,
            Value::Map(_) => de::Unexpected::Map,
        }
    }
}

fn key_text(node: &Node) -> Option<String> {
    node.scalar_text()
}

impl From<Spanned<Value>> for Node {
    fn from(s: Spanned<Value>) -> Node {
        Node {
            value: s.value,
            pos: Pos {
                line: s.referenced.line() as u32,
                column: s.referenced.column() as u32,
            },
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                Ok(i64::try_from(v).map_or(Value::UInt(v), Value::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Value, E> {
                Ok(Value::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Value>>()? {
                    items.push(Node::from(item));
                }
                Ok(Value::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<Value>>()? {
                    let value = map.next_value::<Spanned<Value>>()?;
                    entries.push((Node::from(key), Node::from(value)));
                }
                Ok(Value::Map(entries))
            }
        }
        de.deserialize_any(V)
    }
}

/// Parse YAML text into a located tree. An empty document is `Null`.
pub(crate) fn parse_tree(text: &str) -> Result<Node, DeError> {
    serde_saphyr::from_str_with_options::<Spanned<Value>>(text, options())
        .map(Node::from)
        .map_err(DeError::from_saphyr)
}

/// What kind of structural problem an error is; becomes the diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeErrorKind {
    Syntax,
    TooLarge,
    UnknownField,
    UnknownValue,
    MissingField,
    WrongType,
    InvalidValue,
}

impl DeErrorKind {
    pub(crate) fn code(self) -> Code {
        match self {
            DeErrorKind::Syntax => Code::YamlSyntax,
            DeErrorKind::TooLarge => Code::TooLarge,
            DeErrorKind::UnknownField => Code::UnknownField,
            DeErrorKind::UnknownValue => Code::UnknownValue,
            DeErrorKind::MissingField => Code::MissingField,
            DeErrorKind::WrongType => Code::WrongType,
            DeErrorKind::InvalidValue => Code::InvalidValue,
        }
    }
}

/// A structural error found while deserializing, with where it happened.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DeError {
    pub kind: DeErrorKind,
    pub message: String,
    pub expected: Option<String>,
    pub hint: Option<String>,
    pub pos: Option<Pos>,
    /// YAML path from the document root (innermost last once finished).
    pub path: Vec<Seg>,
}

impl DeError {
    fn new(kind: DeErrorKind, message: impl Into<String>) -> DeError {
        DeError {
            kind,
            message: message.into(),
            expected: None,
            hint: None,
            pos: None,
            path: Vec::new(),
        }
    }

    fn from_saphyr(err: serde_saphyr::Error) -> DeError {
        let pos = err.location().map(|l| Pos {
            line: l.line() as u32,
            column: l.column() as u32,
        });
        let mut message = err.without_snippet().to_string();
        // serde-saphyr appends "at line X column Y"; we print the position ourselves.
        if let Some(cut) = message.find(" at line ") {
            message.truncate(cut);
        }
        if message.starts_with("budget breached") {
            return DeError {
                pos,
                hint: Some("split the assessment into smaller files with `include:`; YAML anchors and aliases that expand without bound are refused".into()),
                ..DeError::new(DeErrorKind::TooLarge, format!("the document is too large or too deeply nested to read safely ({message})"))
            };
        }
        let hint = syntax_hint(&message);
        DeError {
            pos,
            hint: Some(hint.into()),
            ..DeError::new(DeErrorKind::Syntax, message)
        }
    }

    /// Record where the error happened, unless a deeper level already did.
    fn located(mut self, node: &Node) -> DeError {
        if self.pos.is_none() {
            self.pos = Some(node.pos);
        }
        self
    }

    fn under(mut self, seg: Seg) -> DeError {
        self.path.push(seg);
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

/// A mending hint for the YAML syntax errors analysts meet most.
fn syntax_hint(message: &str) -> &'static str {
    if message.contains("mapping values are not allowed") {
        "text containing `: ` must be quoted, e.g. `title: \"Strategy: 2026-2029\"`"
    } else if message.contains("tab") {
        "YAML indents with spaces, not tabs"
    } else if message.contains("duplicate") {
        "each key may appear once in a mapping"
    } else if message.contains("flow") || message.contains("']'") || message.contains("'}'") {
        "check that every `[` and `{` is closed on the same item"
    } else {
        "check the indentation and the `key: value` layout around this line"
    }
}

/// Words an analyst knows, for serde's Rust type names.
fn plain_expected(exp: &dyn de::Expected) -> String {
    let text = exp.to_string();
    match text.as_str() {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => {
            "a whole number".into()
        }
        "f32" | "f64" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "a list".into(),
        _ if text.starts_with("struct ") => "a mapping of `key: value` lines".into(),
        _ => text,
    }
}

fn plain_unexpected(unexp: de::Unexpected) -> String {
    match unexp {
        de::Unexpected::Unit => "an empty value".into(),
        de::Unexpected::Seq => "a list".into(),
        de::Unexpected::Map => "a mapping".into(),
        de::Unexpected::Str(s) => format!("the text `{s}`"),
        de::Unexpected::Float(f) => format!("the number `{f}`"),
        de::Unexpected::Signed(i) => format!("the number `{i}`"),
        de::Unexpected::Unsigned(u) => format!("the number `{u}`"),
        other => other.to_string(),
    }
}

fn one_of(expected: &[&str]) -> String {
    let names: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
    format!("one of {}", names.join(", "))
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::new(DeErrorKind::InvalidValue, msg.to_string())
    }

    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        let expected = plain_expected(exp);
        let mut err = DeError::new(
            DeErrorKind::WrongType,
            format!("expected {expected}, found {}", plain_unexpected(unexp)),
        );
        err.expected = Some(expected.clone());
        if expected == "a list" {
            err.hint = Some("write a list as `[a, b]`, or one `- item` per line".into());
        }
        err
    }

    fn invalid_value(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        let expected = plain_expected(exp);
        let mut err = DeError::new(
            DeErrorKind::InvalidValue,
            format!(
                "invalid value {}, expected {expected}",
                plain_unexpected(unexp)
            ),
        );
        err.expected = Some(expected);
        err
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let mut err = DeError::new(
            DeErrorKind::UnknownField,
            format!("unknown field `{field}`"),
        );
        err.expected = Some(one_of(expected));
        err.hint = suggest(field, expected.iter().copied()).map(|s| format!("did you mean `{s}`?"));
        err
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let mut err = DeError::new(
            DeErrorKind::UnknownValue,
            format!("unknown value `{variant}`"),
        );
        err.expected = Some(one_of(expected));
        err.hint =
            suggest(variant, expected.iter().copied()).map(|s| format!("did you mean `{s}`?"));
        err
    }

    fn missing_field(field: &'static str) -> Self {
        let mut err = DeError::new(
            DeErrorKind::MissingField,
            format!("missing field `{field}`"),
        );
        err.hint = Some(format!("add `{field}:` to this mapping"));
        err
    }
}

/// Deserializes the model from a located [`Node`] tree.
pub(crate) struct NodeDeserializer<'a> {
    node: &'a Node,
}

impl<'a> NodeDeserializer<'a> {
    pub(crate) fn new(node: &'a Node) -> Self {
        NodeDeserializer { node }
    }

    fn wrong_type(&self, exp: &dyn de::Expected) -> DeError {
        <DeError as de::Error>::invalid_type(self.node.unexpected(), exp).located(self.node)
    }
}

impl<'de, 'a> Deserializer<'de> for NodeDeserializer<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.node;
        let result = match &node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::UInt(u) => visitor.visit_u64(*u),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) => visitor.visit_str(s),
            Value::Seq(items) => visitor.visit_seq(NodeSeq { items, next: 0 }),
            Value::Map(entries) => visitor.visit_map(NodeMap {
                entries,
                next: 0,
                pending: None,
            }),
        };
        result.map_err(|e| e.located(node))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.scalar_text() {
            Some(text) => visitor
                .visit_string(text)
                .map_err(|e: DeError| e.located(self.node)),
            None => Err(self.wrong_type(&visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.node.scalar_text() {
            Some(text) => visitor
                .visit_enum(text.into_deserializer())
                .map_err(|e: DeError| e.located(self.node)),
            None => Err(self.wrong_type(&visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
    }
}

struct NodeSeq<'a> {
    items: &'a [Node],
    next: usize,
}

impl<'de, 'a> SeqAccess<'de> for NodeSeq<'a> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(item) = self.items.get(self.next) else {
            return Ok(None);
        };
        let index = self.next;
        self.next += 1;
        seed.deserialize(NodeDeserializer::new(item))
            .map(Some)
            .map_err(|e| e.located(item).under(Seg::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

struct NodeMap<'a> {
    entries: &'a [(Node, Node)],
    next: usize,
    pending: Option<&'a (Node, Node)>,
}

impl<'de, 'a> MapAccess<'de> for NodeMap<'a> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(entry) = self.entries.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.pending = Some(entry);
        let key = &entry.0;
        seed.deserialize(NodeDeserializer::new(key))
            .map(Some)
            .map_err(|e| {
                let seg = Seg::Key(key_text(key).unwrap_or_default());
                e.located(key).under(seg)
            })
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom("a value was asked for before its key"));
        };
        seed.deserialize(NodeDeserializer::new(value)).map_err(|e| {
            let seg = Seg::Key(key_text(key).unwrap_or_default());
            e.located(value).under(seg)
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.next)
    }
}

/// A map whose first key was already read: lets a `Deserialize` impl peek at
/// the first key to choose a shape, then hand the whole map on.
pub(crate) struct PrependKey<A> {
    first: Option<String>,
    rest: A,
}

impl<A> PrependKey<A> {
    pub(crate) fn new(first: String, rest: A) -> Self {
        PrependKey {
            first: Some(first),
            rest,
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for PrependKey<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(first) => seed
                .deserialize(de::value::StringDeserializer::<A::Error>::new(first))
                .map(Some),
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.rest.next_value_seed(seed)
    }
}

/// How many structural errors one file may report before we stop looking.
const MAX_ERRORS_PER_FILE: usize = 50;

/// Deserialize `T` from YAML text, or report every structural error in it.
pub(crate) fn from_str_all_errors<T: DeserializeOwned>(text: &str) -> Result<T, Vec<DeError>> {
    let fast_error = match serde_saphyr::from_str_with_options::<T>(text, options()) {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    // A breached budget (alias bomb, deep nesting) would only breach it
    // again: report it without a second pass.
    let first = DeError::from_saphyr(fast_error);
    if first.kind == DeErrorKind::TooLarge {
        return Err(vec![first]);
    }
    let mut tree = match parse_tree(text) {
        Ok(tree) => tree,
        Err(syntax) => return Err(vec![syntax]),
    };
    let mut errors: Vec<DeError> = Vec::new();
    while errors.len() < MAX_ERRORS_PER_FILE {
        match T::deserialize(NodeDeserializer::new(&tree)) {
            Ok(_) if errors.is_empty() => {
                // The tree pass accepts what serde-saphyr refused: trust the
                // stricter reader and report its error.
                errors.push(first.clone());
                break;
            }
            Ok(_) => break,
            Err(mut err) => {
                err.path.reverse();
                let removable = remove_offender(&mut tree, &err.path);
                errors.push(err);
                if !removable {
                    break;
                }
            }
        }
    }
    errors.sort_by_key(|e| e.pos.map(|p| (p.line, p.column)));
    errors.dedup();
    Err(errors)
}

/// Drop the smallest self-contained part of the tree that holds the error:
/// the outermost list item on its path, or failing that its top-level key.
/// Returns false when nothing can be dropped (the error is at the root).
fn remove_offender(tree: &mut Node, path: &[Seg]) -> bool {
    let Some(index_at) = path.iter().position(|s| matches!(s, Seg::Index(_))) else {
        return match (path.first(), &mut tree.value) {
            (Some(Seg::Key(key)), Value::Map(entries)) => {
                let before = entries.len();
                entries.retain(|(k, _)| key_text(k).as_deref() != Some(key.as_str()));
                entries.len() < before
            }
            _ => false,
        };
    };
    let Seg::Index(index) = path[index_at] else {
        return false;
    };
    let parent = find_mut(tree, &path[..index_at]);
    match parent.map(|p| &mut p.value) {
        Some(Value::Seq(items)) if index < items.len() => {
            items.remove(index);
            true
        }
        _ => false,
    }
}

fn find_mut<'a>(node: &'a mut Node, path: &[Seg]) -> Option<&'a mut Node> {
    let Some((first, rest)) = path.split_first() else {
        return Some(node);
    };
    let next = match (&mut node.value, first) {
        (Value::Map(entries), Seg::Key(key)) => entries
            .iter_mut()
            .find(|(k, _)| key_text(k).as_deref() == Some(key.as_str()))
            .map(|(_, v)| v),
        (Value::Seq(items), Seg::Index(i)) => items.get_mut(*i),
        _ => None,
    }?;
    find_mut(next, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        size: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
    }

    #[test]
    fn tree_records_one_based_lines_and_columns() {
        let tree = parse_tree("a:\n  b: [1, two]\n").unwrap();
        let two = tree.find(
            &[Seg::Key("a".into()), Seg::Key("b".into()), Seg::Index(1)],
            false,
        );
        assert!(matches!(&two.value, Value::Str(s) if s == "two"));
        assert_eq!(
            two.pos,
            Pos {
                line: 2,
                column: 10
            }
        );
    }

    #[test]
    fn every_broken_item_is_reported_with_its_position() {
        let text = "items:\n  - {id: a, size: 1}\n  - {id: b, sise: 2}\n  - {id: c, size: big}\n";
        let errors = from_str_all_errors::<Doc>(text).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].kind, DeErrorKind::UnknownField);
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `size`?"));
        assert_eq!(
            errors[0].pos,
            Some(Pos {
                line: 3,
                column: 13
            })
        );
        assert_eq!(errors[1].kind, DeErrorKind::WrongType);
        assert_eq!(
            errors[1].message,
            "expected a whole number, found the text `big`"
        );
        assert_eq!(errors[1].pos.map(|p| p.line), Some(4));
    }

    #[test]
    fn valid_text_takes_the_fast_path() {
        let doc = from_str_all_errors::<Doc>("items: [{id: a, size: 3}]").unwrap();
        assert_eq!(doc.items[0].size, 3);
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let errors = from_str_all_errors::<Doc>("items:\n  - {id: a\n  - b: ]\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].kind, DeErrorKind::Syntax);
        assert!(errors[0].pos.is_some());
    }

    #[test]
    fn non_finite_floats_keep_their_place_in_the_tree() {
        let tree = parse_tree("a: 1\nb: .nan\nc: -.inf\n").expect("a tree");
        let b = tree.find(&[Seg::Key("b".into())], false);
        assert!(matches!(b.value, Value::Float(f) if f.is_nan()));
        assert_eq!((b.pos.line, b.pos.column), (2, 4));
        let c = tree.find(&[Seg::Key("c".into())], false);
        assert_eq!(c.value, Value::Float(f64::NEG_INFINITY));
    }
}
