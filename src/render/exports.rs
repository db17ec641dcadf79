//! Data exports beside the documents: the gaps (JSON, CSV), the coverage
//! matrix (CSV), the pathway graph (DOT), and the action plan as CSV and as
//! an Excel workbook for the partnership's tracker.

use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::context::action_theme_label;
use crate::gaps::{Analysis, Gap, GapSeverity};
use crate::model::{Assessment, kebab};

/// One row per gap; list fields joined with `;`.
pub fn gaps_csv(gaps: &[Gap]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
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
    w.write_record(header).map_err(|e| e.to_string())?;
    for g in gaps {
        w.write_record([
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
        ])
        .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// Cohort × level: the number of eligible services and their ids.
pub fn coverage_csv(analysis: &Analysis) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["cohort", "level", "services", "service_ids"])
        .map_err(|e| e.to_string())?;
    let c = &analysis.coverage;
    for cohort in &c.cohorts {
        for level in &c.levels {
            let ids = c
                .cells
                .get(cohort)
                .and_then(|r| r.get(level))
                .cloned()
                .unwrap_or_default();
            w.write_record([
                cohort.as_str(),
                level.as_str(),
                &ids.len().to_string(),
                &ids.join(";"),
            ])
            .map_err(|e| e.to_string())?;
        }
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// An action the plan proposes for gaps no agreed action addresses.
pub struct Proposed<'g> {
    /// `P1`, `P2`…
    pub reference: String,
    /// The first (most severe) gap it answers.
    pub gap: &'g Gap,
    /// Every gap with the same recommendation.
    pub gaps: Vec<&'g str>,
}

/// One proposed action per distinct recommendation among the high and
/// medium gaps that no agreed action `addresses`, in gap order. The
/// documents and the tracker both use this, so they always agree.
pub fn proposed_actions<'g>(a: &Assessment, gaps: &'g [Gap]) -> Vec<Proposed<'g>> {
    let addressed: std::collections::BTreeSet<&str> = a
        .actions
        .iter()
        .flat_map(|x| x.addresses.iter().map(String::as_str))
        .collect();
    let mut out: Vec<Proposed<'g>> = Vec::new();
    for g in gaps
        .iter()
        .filter(|g| g.severity != GapSeverity::Low && !addressed.contains(g.id.as_str()))
    {
        match out
            .iter_mut()
            .find(|p| p.gap.recommendation.text == g.recommendation.text)
        {
            Some(p) => p.gaps.push(&g.id),
            None => out.push(Proposed {
                reference: format!("P{}", out.len() + 1),
                gap: g,
                gaps: vec![&g.id],
            }),
        }
    }
    out
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
            theme: action_theme_label(x.theme).to_owned(),
            objective: x.objective.clone(),
            outcome: x.outcome.clone(),
            action: x.action.clone(),
            lead: x.lead.clone(),
            due: x.due.to_string(),
            status: kebab(&x.status).replace('-', " "),
            addresses: x.addresses.join("; "),
            proposed: false,
        })
        .collect();
    for p in proposed_actions(a, &analysis.gaps) {
        let g = p.gap;
        out.push(Row {
            reference: p.reference,
            theme: action_theme_label(g.recommendation.theme).to_owned(),
            objective: format!("Close the {} gap", g.kind.as_str().replace('-', " ")),
            outcome: g.evidence.clone(),
            action: g.recommendation.text.clone(),
            lead: "to be agreed".into(),
            due: "to be agreed".into(),
            status: "proposed".into(),
            addresses: p.gaps.join("; "),
            proposed: true,
        });
    }
    out
}

pub fn action_plan_csv(a: &Assessment, analysis: &Analysis) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).map_err(|e| e.to_string())?;
    for r in rows(a, analysis) {
        w.write_record(r.cells()).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// The tracker workbook. Its creation date is the publication date (or a
/// fixed one), so two builds of the same input are byte-identical.
pub fn action_plan_xlsx(a: &Assessment, analysis: &Analysis) -> Result<Vec<u8>, String> {
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let date = a.info.published.unwrap_or(a.info.period.start);
    let created =
        ExcelDateTime::from_ymd(date.year() as u16, date.0.month() as u8, date.0.day() as u8)
            .map_err(err)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{} action plan", a.info.title))
            .set_author("needsmap")
            .set_creation_datetime(&created),
    );
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
