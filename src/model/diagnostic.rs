//! Diagnostics: what is wrong, where (file:line:col), what was expected, and
//! a hint; printed for people or as JSON for other tools.

use std::io::{self, Write};

use serde::Serialize;

pub use super::codes::Code;
use super::source::Place;
use super::{Origin, SourceMap};
use crate::text::plural;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What kind of problem it is: `unknown-reference` (see [`Code`]).
    pub code: Code,
    pub message: String,
    pub origin: Origin,
    pub expected: Option<String>,
    pub hint: Option<String>,
    /// Another place the problem involves, e.g. the first of two duplicates.
    pub related: Option<Origin>,
}

impl Diagnostic {
    pub fn error(code: Code, origin: Origin, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            origin,
            expected: None,
            hint: None,
            related: None,
        }
    }

    pub fn warning(code: Code, origin: Origin, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, origin, message)
        }
    }

    pub fn with_expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A diagnostic with its position worked out, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The YAML path of the value, e.g. `services[3].refers_to[2]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The line at `line`, cut around `column` when it is long.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Where `column` falls in `snippet`, given only when the snippet was
    /// cut (otherwise it is `column`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// `file:line:col` of the other place involved (the first duplicate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<String>,
}

/// Resolve positions and sort: by file, then line, then column, errors first.
pub fn locate_all(diagnostics: &[Diagnostic], sources: &SourceMap) -> Vec<Located> {
    // Every origin in one batch: each file is parsed once for all of them.
    let origins: Vec<&Origin> = diagnostics
        .iter()
        .flat_map(|d| std::iter::once(&d.origin).chain(&d.related))
        .collect();
    let mut places = sources.places(&origins).into_iter();
    let mut located: Vec<(Option<u32>, Located)> = diagnostics
        .iter()
        .map(|d| {
            let place = places.next().flatten();
            let related = d.related.as_ref().map(|r| (r, places.next().flatten()));
            let related = related.map(|(r, place)| file_line_col(r, place, sources));
            (
                d.origin.file.map(|f| f.0),
                locate(d, place, related, sources),
            )
        })
        .collect();
    located.sort_by(|(fa, a), (fb, b)| {
        (fa, a.line, a.column, a.severity, &a.message)
            .cmp(&(fb, b.line, b.column, b.severity, &b.message))
    });
    located.dedup_by(|(_, a), (_, b)| {
        a.line == b.line && a.column == b.column && a.message == b.message && a.file == b.file
    });
    located.into_iter().map(|(_, l)| l).collect()
}

fn locate(
    d: &Diagnostic,
    place: Option<Place>,
    related: Option<Option<String>>,
    sources: &SourceMap,
) -> Located {
    let file = d.origin.file;
    let snippet = match (file, place) {
        (Some(f), Some(p)) => sources.snippet(f, p),
        _ => None,
    };
    let pos = place.map(|p| p.pos);
    let snippet_column = snippet
        .as_ref()
        .map(|s| s.column)
        .filter(|&c| Some(c) != pos.map(|p| p.column));
    let path = d.origin.path_text();
    Located {
        severity: d.severity,
        code: d.code,
        message: d.message.clone(),
        file: file.map(|f| sources.get(f).path.display().to_string()),
        line: pos.map(|p| p.line),
        column: pos.map(|p| p.column),
        path: (!path.is_empty()).then_some(path),
        snippet: snippet.map(|s| s.text),
        snippet_column,
        expected: d.expected.clone(),
        hint: d.hint.clone(),
        related: related.flatten(),
    }
}

/// `file:line:col` (or just the file) of an origin.
fn file_line_col(origin: &Origin, place: Option<Place>, sources: &SourceMap) -> Option<String> {
    let file = sources.get(origin.file?).path.display().to_string();
    Some(match place {
        Some(place) => format!("{file}:{}", place.pos),
        None => file,
    })
}

/// The width of the token starting at `column` (1-based, in characters):
/// up to the next YAML delimiter, so the caret underlines the whole value.
fn token_width(line: &str, column: u32) -> usize {
    let rest: String = line
        .chars()
        .skip(column.saturating_sub(1) as usize)
        .collect();
    let quoted = rest.starts_with('"') || rest.starts_with('\'');
    let width = if quoted {
        let quote = rest.chars().next().unwrap_or('"');
        rest.chars()
            .skip(1)
            .position(|c| c == quote)
            .map_or(rest.chars().count(), |end| end + 2)
    } else {
        rest.chars()
            .position(|c| matches!(c, ',' | ']' | '}' | '#' | ':'))
            .unwrap_or(rest.chars().count())
    };
    let token: String = rest.chars().take(width).collect();
    token.trim_end().chars().count().max(1)
}

/// Render for a terminal, in the style of rustc:
///
/// ```text
/// error[unknown-reference]: unknown service `idvaa`
///   --> assessments/x.yaml:12:17
///    |
/// 12 |     refers_to: [idvaa]
///    |                 ^^^^^
///    = expected: a service or entry point id
///    = hint: did you mean `idva`?
/// ```
pub fn render_text(d: &Located) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!("{severity}[{}]: {}\n", d.code, visible_text(&d.message));
    let gutter = d.line.map_or(1, |l| l.to_string().len());
    let pad = " ".repeat(gutter);
    match (&d.file, d.line, d.column) {
        (Some(file), Some(line), Some(column)) => {
            out.push_str(&format!("{pad}--> {file}:{line}:{column}\n"));
            if let Some(snippet) = &d.snippet {
                let shown = visible_line(snippet);
                let column = d.snippet_column.unwrap_or(column);
                let lead = " ".repeat(column.saturating_sub(1) as usize);
                let carets = "^".repeat(token_width(&shown, column));
                out.push_str(&format!(
                    "{pad} |\n{line} | {shown}\n{pad} | {lead}{carets}\n"
                ));
            }
        }
        (Some(file), _, _) => out.push_str(&format!("{pad}--> {file}\n")),
        _ => {}
    }
    if let Some(expected) = &d.expected {
        out.push_str(&format!("{pad} = expected: {}\n", visible_text(expected)));
    }
    if let Some(hint) = &d.hint {
        out.push_str(&format!("{pad} = hint: {}\n", visible_text(hint)));
    }
    if let Some(related) = &d.related {
        out.push_str(&format!("{pad} = note: first defined at {related}\n"));
    }
    out
}

/// Is `c` a control character a terminal might act on (C0 but for tab and
/// newline, DEL, C1)?
fn is_terminal_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// A message as a terminal should print it: control characters (which
/// could move the cursor or recolour the screen) written as `\u{1b}`.
fn visible_text(text: &str) -> String {
    if !text.contains(is_terminal_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if is_terminal_control(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A source line as a terminal should print it, one character for one so
/// the caret stays under its column: tabs as spaces, C0 controls as their
/// Control Pictures symbol (U+2401 for U+0001), other controls as U+FFFD.
fn visible_line(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '\t' => ' ',
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// How many diagnostics of one code and severity are printed; the rest are
/// counted in one line each, so 50,000 duplicates do not flood a terminal.
pub const SHOWN_PER_CODE: usize = 100;

/// Print diagnostics for a terminal: the first [`SHOWN_PER_CODE`] of each
/// code, then a line per code saying how many more there are.
pub fn render_capped<'a>(
    located: impl IntoIterator<Item = &'a Located>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut counts: Vec<((Code, Severity), usize)> = Vec::new();
    for d in located {
        let key = (d.code, d.severity);
        let seen = match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => n,
            None => {
                counts.push((key, 0));
                &mut counts.last_mut().expect("just pushed").1
            }
        };
        *seen += 1;
        if *seen <= SHOWN_PER_CODE {
            writeln!(out, "{}", render_text(d))?;
        }
    }
    for ((code, severity), n) in counts {
        if n > SHOWN_PER_CODE {
            let more = match severity {
                Severity::Error => plural(n - SHOWN_PER_CODE, "error", "errors"),
                Severity::Warning => plural(n - SHOWN_PER_CODE, "warning", "warnings"),
            };
            let (count, what) = more.split_once(' ').unwrap_or((&more, ""));
            writeln!(
                out,
                "… and {count} more `{code}` {what} (`needsmap check --format json` lists every one)"
            )?;
        }
    }
    Ok(())
}

/// Counts for the summary line.
pub fn summary(located: &[Located]) -> (usize, usize) {
    let errors = located
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, located.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_spans_the_value() {
        assert_eq!(token_width("    refers_to: [idvaa, x]", 17), 5);
        assert_eq!(token_width("  name: \"a, b\" # c", 9), 6);
        assert_eq!(token_width("  day: 12   ", 8), 2);
        assert_eq!(token_width("", 1), 1);
    }

    fn duplicate(column: u32) -> Located {
        Located {
            severity: Severity::Error,
            code: Code::DuplicateId,
            message: "locality `north` is listed twice".into(),
            file: Some("a.yaml".into()),
            line: Some(6),
            column: Some(column),
            path: None,
            snippet: Some("  localities: [north, north]".into()),
            snippet_column: Some(23),
            expected: None,
            hint: None,
            related: None,
        }
    }

    #[test]
    fn the_caret_goes_under_the_snippet_column() {
        let text = render_text(&duplicate(90_000));
        assert!(text.contains("a.yaml:6:90000"), "{text}");
        assert!(
            text.contains(&format!(
                "6 |   localities: [north, north]\n  | {}^^^^^\n",
                " ".repeat(22)
            )),
            "{text}"
        );
    }

    #[test]
    fn printed_diagnostics_are_capped_per_code_and_the_rest_counted() {
        let many: Vec<Located> = (0..SHOWN_PER_CODE as u32 + 42).map(duplicate).collect();
        let mut out = Vec::new();
        render_capped(&many, &mut out).expect("writes");
        let out = String::from_utf8(out).expect("UTF-8");
        assert_eq!(out.matches("error[duplicate-id]").count(), SHOWN_PER_CODE);
        assert!(
            out.ends_with("… and 42 more `duplicate-id` errors (`needsmap check --format json` lists every one)\n"),
            "{out}"
        );
    }

    #[test]
    fn control_characters_never_reach_the_terminal_raw() {
        let mut d = duplicate(3);
        d.message = "locality `\u{1b}[31mred` is listed twice".into();
        d.snippet = Some("a\u{1}\u{9b}b".into());
        d.snippet_column = None;
        let text = render_text(&d);
        assert!(!text.contains(is_terminal_control), "{text:?}");
        assert!(text.contains("`\\u{1b}[31mred`"), "{text}");
        assert!(text.contains("6 | a\u{2401}\u{FFFD}b\n"), "{text}");
    }

    #[test]
    fn text_rendering_shows_file_line_snippet_and_hint() {
        let d = Located {
            severity: Severity::Error,
            code: Code::UnknownReference,
            message: "unknown service `idvaa`".into(),
            file: Some("a.yaml".into()),
            line: Some(12),
            column: Some(17),
            path: None,
            snippet: Some("    refers_to: [idvaa]".into()),
            snippet_column: None,
            expected: Some("a service id".into()),
            hint: Some("did you mean `idva`?".into()),
            related: None,
        };
        let text = render_text(&d);
        assert_eq!(
            text,
            "error[unknown-reference]: unknown service `idvaa`\n  --> a.yaml:12:17\n   |\n12 |     refers_to: [idvaa]\n   |                 ^^^^^\n   = expected: a service id\n   = hint: did you mean `idva`?\n"
        );
    }
}
