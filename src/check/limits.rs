//! Bounds on what one field may hold. Every text of the assessment ends up
//! in a document (a finding in the needs assessment, a name in a dozen
//! tables, a note in a journey map); a page of A4 holds about 4,000
//! characters, so a field of megabytes is a document of thousands of pages
//! that Typst needs gigabytes to lay out, and no reader wants. It is
//! refused at `check`, where it can be pointed at, rather than left to
//! exhaust memory in `build`.

use serde::Serialize;

use super::Diagnostic;
use crate::model::{Assessment, Code, Origin, Seg};

/// The longest text one field may hold: about five pages of A4, far above
/// any finding, note or description written for a document (the example's
/// longest is under 700).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// An error for every text in the assessment longer than [`MAX_TEXT_CHARS`].
pub(super) fn long_texts(a: &Assessment) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut item = |kind: &str, id: &str, origin: &Origin, value: &dyn erased::Item| {
        for (path, chars) in value.long_strings() {
            let field = path.iter().rev().find_map(|seg| match seg {
                Seg::Key(k) => Some(k.clone()),
                Seg::Index(_) => None,
            });
            let at = path.into_iter().fold(origin.clone(), |o, seg| o.child(seg));
            out.push(too_long(kind, id, field.as_deref(), at, chars));
        }
    };
    let root = a.origin.child("assessment");
    item("the assessment", "", &root, &a.info);
    if let Some(p) = &a.population {
        item("the population", "", &p.origin, p);
    }
    for x in &a.levels {
        item("level", &x.id, &x.origin, x);
    }
    for x in &a.cohorts {
        item("cohort", &x.id, &x.origin, x);
    }
    for x in &a.entry_points {
        item("entry point", &x.id, &x.origin, x);
    }
    for x in &a.services {
        item("service", &x.id, &x.origin, x);
    }
    for x in &a.pathways {
        item("a pathway", "", &x.origin, x);
    }
    for x in &a.indicators {
        item("indicator", &x.id, &x.origin, x);
    }
    for x in &a.findings {
        item("finding", &x.id, &x.origin, x);
    }
    for x in &a.actions {
        item("action", &x.id, &x.origin, x);
    }
    for x in &a.journeys {
        item("journey", &x.id, &x.origin, x);
    }
    out
}

fn too_long(kind: &str, id: &str, field: Option<&str>, at: Origin, chars: usize) -> Diagnostic {
    let whose = if id.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind} `{id}`")
    };
    let what = match field {
        Some(f) => format!("{whose}'s `{f}`"),
        None => format!("a text of {whose}"),
    };
    Diagnostic::error(
        Code::TextTooLong,
        at,
        format!(
            "{what} is {} characters long, more than a document can hold in one place",
            crate::gaps::number(chars as f64)
        ),
    )
    .with_expected(format!(
        "at most {} characters (about five pages)",
        crate::gaps::number(MAX_TEXT_CHARS as f64)
    ))
    .with_hint(
        "summarise it, or split it over several items; publish a long account as a document of its own and name it in `source`",
    )
}

/// The long strings in a value, each with its path below the item
/// (`steps`, 3, `note`) and its length in characters.
mod erased {
    use super::*;

    pub(super) trait Item {
        fn long_strings(&self) -> Vec<(Vec<Seg>, usize)>;
    }

    impl<T: Serialize> Item for T {
        fn long_strings(&self) -> Vec<(Vec<Seg>, usize)> {
            let mut found = Vec::new();
            crate::model::strings::each_string(self, |path, text, is_key| {
                // Bytes first: a character is at most four of them, so most
                // strings are cleared without counting.
                if is_key || text.len() <= MAX_TEXT_CHARS {
                    return;
                }
                let chars = text.chars().count();
                if chars > MAX_TEXT_CHARS {
                    found.push((path.to_vec(), chars));
                }
            });
            found
        }
    }
}

#[cfg(test)]
mod tests {
    use super::erased::Item;
    use crate::model::Seg;

    #[derive(serde::Serialize)]
    struct Step {
        note: String,
    }

    #[derive(serde::Serialize)]
    struct Journey {
        persona: String,
        steps: Vec<Step>,
    }

    #[test]
    fn long_strings_are_found_with_their_path() {
        let long = "é".repeat(super::MAX_TEXT_CHARS + 1);
        let j = Journey {
            persona: "short".into(),
            steps: vec![Step { note: "ok".into() }, Step { note: long.clone() }],
        };
        let found = j.long_strings();
        assert_eq!(
            found,
            vec![(
                vec![
                    Seg::Key("steps".into()),
                    Seg::Index(1),
                    Seg::Key("note".into())
                ],
                super::MAX_TEXT_CHARS + 1
            )]
        );
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        // Two bytes a character: over the limit in bytes, not in characters.
        let j = Journey {
            persona: "é".repeat(super::MAX_TEXT_CHARS),
            steps: Vec::new(),
        };
        assert!(j.long_strings().is_empty());
    }
}
