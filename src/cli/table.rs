//! Tables for the terminal (comfy-table), with every cell clipped.
//!
//! comfy-table's layout time grows with the square of a cell's length: an
//! event log with a 10 MB activity name kept `needsmap events` busy for over
//! 20 minutes, and a 200,000-character service name took `gaps` 3.3 s. A
//! terminal cannot show such a cell anyway, so each column says how many
//! characters of a line it shows; the rest is cut with "…". The JSON and CSV
//! outputs keep the full text.

use std::borrow::Cow;
use std::fmt;

use comfy_table::{ContentArrangement, Table};

/// Characters of a name, id or number shown in a cell: enough for any real
/// service, activity or cohort name.
pub(super) const NAME: usize = 80;

/// Characters of each line of a sentence or a list shown in a cell (a gap's
/// evidence, a variant's route): enough for the longest the rules write.
pub(super) const PROSE: usize = 600;

/// Lines of a cell shown: a name holding thousands of line breaks would
/// otherwise still print thousands of lines.
const LINES: usize = 8;

const ELLIPSIS: char = '…';

/// A comfy-table for the terminal whose cells are clipped to their column's
/// limit.
pub(super) struct TerminalTable {
    table: Table,
    limits: Vec<usize>,
}

impl TerminalTable {
    /// A table with these columns, each with the most characters a line of
    /// one of its cells shows ([`NAME`] or [`PROSE`]).
    pub(super) fn new(columns: &[(&str, usize)]) -> TerminalTable {
        let mut table = Table::new();
        table
            .force_no_tty()
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(terminal_width())
            .set_header(columns.iter().map(|(name, _)| *name));
        TerminalTable {
            table,
            limits: columns.iter().map(|(_, limit)| *limit).collect(),
        }
    }

    pub(super) fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let row: Vec<String> = cells
            .into_iter()
            .enumerate()
            .map(|(i, cell)| clip_lines(cell.as_ref(), self.limit(i)).into_owned())
            .collect();
        self.table.add_row(row);
    }

    fn limit(&self, column: usize) -> usize {
        self.limits.get(column).copied().unwrap_or(NAME)
    }
}

impl fmt::Display for TerminalTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.table, f)
    }
}

/// `$COLUMNS` when the shell exports it, else 140.
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(140)
}

/// `text` cut to at most `max_chars` characters, the last of them "…" when
/// anything was cut. Counts characters, not bytes, so it never splits one.
pub(super) fn clip(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some(_) => {
            let keep = max_chars.saturating_sub(1);
            let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
            Cow::Owned(format!("{}{ELLIPSIS}", &text[..end]))
        }
    }
}

/// Each line of `text` clipped to `max_chars`, and at most [`LINES`] lines.
fn clip_lines(text: &str, max_chars: usize) -> Cow<'_, str> {
    let fits =
        text.lines().count() <= LINES && text.lines().all(|l| l.chars().nth(max_chars).is_none());
    if fits {
        return Cow::Borrowed(text);
    }
    let mut lines: Vec<Cow<'_, str>> = text
        .lines()
        .take(LINES)
        .map(|l| clip(l, max_chars))
        .collect();
    if text.lines().nth(LINES).is_some() {
        lines.push(Cow::Owned(ELLIPSIS.to_string()));
    }
    Cow::Owned(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_unchanged() {
        assert_eq!(clip("Refuge North", 80), "Refuge North");
        assert_eq!(clip("", 80), "");
        assert_eq!(clip(&"x".repeat(80), 80), "x".repeat(80));
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(clip(&"x".repeat(81), 80), format!("{}…", "x".repeat(79)));
        // Multi-byte characters: counted as characters, never split.
        let accented = "é".repeat(100);
        let cut = clip(&accented, 10);
        assert_eq!(cut, format!("{}…", "é".repeat(9)));
        assert_eq!(cut.chars().count(), 10);
    }

    #[test]
    fn every_line_of_a_cell_is_clipped_and_lines_are_capped() {
        let cell = format!("{}\n→ short", "y".repeat(1000));
        assert_eq!(clip_lines(&cell, 8), "yyyyyyy…\n→ short");
        let many = "a\n".repeat(100);
        let clipped = clip_lines(&many, 5);
        assert_eq!(clipped.lines().count(), LINES + 1);
        assert!(clipped.ends_with('…'));
    }

    #[test]
    fn a_huge_cell_prints_a_bounded_table() {
        let mut t = TerminalTable::new(&[("name", NAME), ("count", NAME)]);
        t.row(["z".repeat(1_000_000), "1".into()]);
        let shown = t.to_string();
        assert!(shown.len() < 2_000, "{} bytes", shown.len());
        assert!(shown.contains('…'));
    }
}
