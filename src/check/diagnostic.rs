//! Diagnostics: what is wrong, where (file:line:col), what was expected, and
//! a hint; printed for people or as JSON for other tools.

use serde::Serialize;

use crate::model::source::Pos;
use crate::model::{Origin, SourceMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case name of the rule, e.g. `unknown-reference`.
    pub code: &'static str,
    pub message: String,
    pub origin: Origin,
    pub expected: Option<String>,
    pub hint: Option<String>,
    /// Another place the problem involves, e.g. the first of two duplicates.
    pub related: Option<Origin>,
}

impl Diagnostic {
    pub fn error(code: &'static str, origin: Origin, message: impl Into<String>) -> Diagnostic {
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

    pub fn warning(code: &'static str, origin: Origin, message: impl Into<String>) -> Diagnostic {
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

    pub fn with_maybe_hint(mut self, hint: Option<String>) -> Diagnostic {
        if hint.is_some() {
            self.hint = hint;
        }
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
    pub code: &'static str,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The YAML path of the value, e.g. `services[3].refers_to[2]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
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
    let mut located: Vec<(Option<u32>, Located)> = diagnostics
        .iter()
        .map(|d| {
            let pos = sources.locate(&d.origin);
            (d.origin.file.map(|f| f.0), locate(d, pos, sources))
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

fn locate(d: &Diagnostic, pos: Option<Pos>, sources: &SourceMap) -> Located {
    let file = d.origin.file;
    let snippet = match (file, pos) {
        (Some(f), Some(p)) => sources.line(f, p.line).map(str::to_owned),
        _ => None,
    };
    let path = d.origin.path_text();
    Located {
        severity: d.severity,
        code: d.code,
        message: d.message.clone(),
        file: file.map(|f| sources.get(f).path.display().to_string()),
        line: pos.map(|p| p.line),
        column: pos.map(|p| p.column),
        path: (!path.is_empty()).then_some(path),
        snippet,
        expected: d.expected.clone(),
        hint: d.hint.clone(),
        related: d.related.as_ref().and_then(|r| place(r, sources)),
    }
}

/// `file:line:col` (or just the file) of an origin.
fn place(origin: &Origin, sources: &SourceMap) -> Option<String> {
    let file = sources.get(origin.file?).path.display().to_string();
    Some(match sources.locate(origin) {
        Some(pos) => format!("{file}:{pos}"),
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
    let mut out = format!("{severity}[{}]: {}\n", d.code, d.message);
    let gutter = d.line.map_or(1, |l| l.to_string().len());
    let pad = " ".repeat(gutter);
    match (&d.file, d.line, d.column) {
        (Some(file), Some(line), Some(column)) => {
            out.push_str(&format!("{pad}--> {file}:{line}:{column}\n"));
            if let Some(snippet) = &d.snippet {
                let shown = snippet.replace('\t', " ");
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
        out.push_str(&format!("{pad} = expected: {expected}\n"));
    }
    if let Some(hint) = &d.hint {
        out.push_str(&format!("{pad} = hint: {hint}\n"));
    }
    if let Some(related) = &d.related {
        out.push_str(&format!("{pad} = note: first defined at {related}\n"));
    }
    out
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

    #[test]
    fn text_rendering_shows_file_line_snippet_and_hint() {
        let d = Located {
            severity: Severity::Error,
            code: "unknown-reference",
            message: "unknown service `idvaa`".into(),
            file: Some("a.yaml".into()),
            line: Some(12),
            column: Some(17),
            path: None,
            snippet: Some("    refers_to: [idvaa]".into()),
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
