//! Data exports beside the documents: the gaps (JSON, CSV), the coverage
//! matrix (CSV), the pathway graph (DOT), and the action plan as CSV and as
//! an Excel workbook for the partnership's tracker.

use std::borrow::Cow;

use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use crate::gaps::{Analysis, Gap, PROPOSED, TO_BE_AGREED};
use crate::model::{Assessment, kebab};

/// A CSV file meant to be opened in a spreadsheet. Every CSV needsmap
/// writes goes through it, so no cell can be read as a formula: see
/// [`formula_safe`].
pub(crate) struct SpreadsheetCsv {
    writer: csv::Writer<Vec<u8>>,
}

impl SpreadsheetCsv {
    pub(crate) fn new() -> SpreadsheetCsv {
        SpreadsheetCsv {
            writer: csv::Writer::from_writer(Vec::new()),
        }
    }

    pub(crate) fn row<'c>(
        &mut self,
        cells: impl IntoIterator<Item = &'c str>,
    ) -> Result<(), String> {
        let safe: Vec<Cow<'c, str>> = cells.into_iter().map(formula_safe).collect();
        self.writer
            .write_record(safe.iter().map(|cell| cell.as_bytes()))
            .map_err(|e| e.to_string())
    }

    pub(crate) fn finish(self) -> Result<Vec<u8>, String> {
        self.writer.into_inner().map_err(|e| e.to_string())
    }
}

impl Default for SpreadsheetCsv {
    fn default() -> Self {
        SpreadsheetCsv::new()
    }
}

/// A cell that Excel, LibreOffice and Google Sheets will show as text, not
/// run as a formula: a cell starting with `=`, `+`, `-`, `@`, tab or
/// carriage return gets a leading `'`, as OWASP recommends for CSV
/// injection (`=HYPERLINK("http://evil.example","x")` in an action would
/// otherwise become a live link in the commissioner's spreadsheet).
///
/// A plain number (`-3`, `+2.5`, `-1e3`) is left alone, whoever wrote it:
/// a spreadsheet reads it as that number, which cannot call a function or
/// refer to a cell, so it is harmless, and a `'` would turn a negative
/// figure needsmap writes (a feeling, an amount) into text that no longer
/// sums. The test is the strict decimal grammar below, not Rust's float
/// parser, which also takes `-inf` and `NaN`: a spreadsheet reads `-inf`
/// as a formula naming `inf`.
pub(crate) fn formula_safe(cell: &str) -> Cow<'_, str> {
    let starts_a_formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if starts_a_formula && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `[+-]digits[.digits][e[+-]digits]`, with digits on at least one side of
/// the point.
fn is_plain_number(text: &str) -> bool {
    fn digits(s: &str) -> (&str, &str) {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        s.split_at(end)
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, rest) = digits(unsigned);
    let (fraction, rest) = match rest.strip_prefix('.') {
        Some(after_point) => digits(after_point),
        None => ("", rest),
    };
    if whole.is_empty() && fraction.is_empty() {
        return false;
    }
    match rest.strip_prefix(['e', 'E']) {
        None => rest.is_empty(),
        Some(exponent) => {
            let (power, rest) = digits(exponent.strip_prefix(['+', '-']).unwrap_or(exponent));
            !power.is_empty() && rest.is_empty()
        }
    }
}

/// One row per gap; list fields joined with `;`.
pub(crate) fn gaps_csv(gaps: &[Gap]) -> Result<Vec<u8>, String> {
    let mut w = SpreadsheetCsv::new();
    let header = [
        "id",
        "kind",
        "severity",
        "cohort",
        "cohorts",
        "need",
        "level",
        "services",
        "entry_points",
        "localities",
        "journeys",
        "evidence",
        "theme",
        "recommendation",
    ];
    w.row(header)?;
    for g in gaps {
        w.row([
            g.id.as_str(),
            g.kind.as_str(),
            g.severity.as_str(),
            g.cohort.as_deref().unwrap_or(""),
            &g.cohorts.join(";"),
            g.need.as_deref().unwrap_or(""),
            g.level.as_deref().unwrap_or(""),
            &g.services.join(";"),
            &g.entry_points.join(";"),
            &g.localities.join(";"),
            &g.journeys.join(";"),
            &g.evidence,
            &kebab(&g.recommendation.theme),
            &g.recommendation.text,
        ])?;
    }
    w.finish()
}

/// Cohort × level: the number of eligible services and their ids.
pub(crate) fn coverage_csv(analysis: &Analysis) -> Result<Vec<u8>, String> {
    let mut w = SpreadsheetCsv::new();
    w.row(["cohort", "level", "services", "service_ids"])?;
    let c = &analysis.coverage;
    for cohort in &c.cohorts {
        for level in &c.levels {
            let ids = c
                .cells
                .get(cohort)
                .and_then(|r| r.get(level))
                .cloned()
                .unwrap_or_default();
            w.row([
                cohort.as_str(),
                level.as_str(),
                &ids.len().to_string(),
                &ids.join(";"),
            ])?;
        }
    }
    w.finish()
}

/// A row of the action plan tracker.
struct Row {
    reference: String,
    theme: String,
    objective: String,
    outcome: String,
    action: String,
    lead: String,
    due: String,
    status: String,
    addresses: String,
    proposed: bool,
}

impl Row {
    /// The row as the tracker's columns, in `HEADER` order.
    fn cells(&self) -> [&str; 10] {
        [
            &self.reference,
            &self.theme,
            &self.objective,
            &self.outcome,
            &self.action,
            &self.lead,
            &self.due,
            &self.status,
            &self.addresses,
            if self.proposed { "yes" } else { "no" },
        ]
    }
}

const HEADER: [&str; 10] = [
    "Ref",
    "Theme",
    "Objective",
    "Desired outcome",
    "Action",
    "Responsible lead",
    "Timescale",
    "Status",
    "Addresses",
    "Proposed",
];

/// Agreed actions, then one proposed action per high or medium gap no
/// agreed action addresses (the same rule as the document).
fn rows(a: &Assessment, analysis: &Analysis) -> Vec<Row> {
    let mut out: Vec<Row> = a
        .actions
        .iter()
        .map(|x| Row {
            reference: x.id.clone(),
            theme: x.theme.label().to_owned(),
            objective: x.objective.clone(),
            outcome: x.outcome.clone(),
            action: x.action.clone(),
            lead: x.lead.clone(),
            due: x.due.to_string(),
            status: x.status.label().to_owned(),
            addresses: x.addresses.join("; "),
            proposed: false,
        })
        .collect();
    for p in crate::gaps::proposed_actions(a, &analysis.gaps) {
        let g = p.gap;
        let objective = p.objective();
        out.push(Row {
            reference: p.reference,
            theme: g.recommendation.theme.label().to_owned(),
            objective,
            outcome: g.evidence.clone(),
            action: g.recommendation.text.clone(),
            lead: TO_BE_AGREED.into(),
            due: TO_BE_AGREED.into(),
            status: PROPOSED.into(),
            addresses: p.gaps.join("; "),
            proposed: true,
        });
    }
    out
}

pub(crate) fn action_plan_csv(a: &Assessment, analysis: &Analysis) -> Result<Vec<u8>, String> {
    let mut w = SpreadsheetCsv::new();
    w.row(HEADER)?;
    for r in rows(a, analysis) {
        w.row(r.cells())?;
    }
    w.finish()
}

/// A workbook titled `title`, created on the publication date (or the
/// period's start), so two builds of the same input are byte-identical.
pub(crate) fn dated_workbook(a: &Assessment, title: String) -> Result<Workbook, String> {
    let date = a.info.published.unwrap_or(a.info.period.start);
    let created =
        ExcelDateTime::from_ymd(date.year() as u16, date.0.month() as u8, date.0.day() as u8)
            .map_err(|e| e.to_string())?;
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("needsmap")
            .set_creation_datetime(&created),
    );
    Ok(book)
}

/// The tracker workbook. Its creation date is the publication date (or a
/// fixed one), so two builds of the same input are byte-identical.
pub(crate) fn action_plan_xlsx(a: &Assessment, analysis: &Analysis) -> Result<Vec<u8>, String> {
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = dated_workbook(a, format!("{} action plan", a.info.title))?;
    let sheet = book.add_worksheet();
    sheet.set_name("Action plan").map_err(err)?;
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    let widths = [8.0, 22.0, 34.0, 34.0, 48.0, 26.0, 12.0, 12.0, 30.0, 10.0];
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w).map_err(err)?;
    }
    let all = rows(a, analysis);
    for (i, r) in all.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, v) in r.cells().into_iter().enumerate() {
            // Free text wraps; the last column is a plain yes/no.
            if c + 1 < HEADER.len() {
                sheet.write_string_with_format(row, c as u16, v, &wrap)
            } else {
                sheet.write_string(row, c as u16, v)
            }
            .map_err(err)?;
        }
    }
    sheet
        .autofilter(0, 0, all.len() as u32, (HEADER.len() - 1) as u16)
        .map_err(err)?;
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_start_a_formula_are_text() {
        for hostile in [
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1",
            "\r=1",
            "-inf",
            "-",
        ] {
            assert_eq!(formula_safe(hostile), format!("'{hostile}"), "{hostile:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_are_unchanged() {
        for plain in [
            "-3", "+2", "-1.5", "-.5", "-2.", "-1e3", "+4E-2", "0", "Police", "", "'quoted", "a=b",
            "2027-03",
        ] {
            assert_eq!(formula_safe(plain), plain, "{plain:?}");
        }
    }

    #[test]
    fn every_csv_cell_goes_through_the_guard() {
        let mut w = SpreadsheetCsv::new();
        w.row(["=1+1", "-3", "ok"]).expect("row");
        let text = String::from_utf8(w.finish().expect("csv")).expect("UTF-8");
        assert_eq!(text, "'=1+1,-3,ok\n");
    }
}
