//! `annual-return.csv` and `annual-return.xlsx`: the figures the Part 4
//! annual return to MHCLG asks for, by type of relevant accommodation, as
//! [`crate::gaps::annual_return`] finds them, with notes saying what each
//! figure is and which of MHCLG's published categories a public source
//! confirms. A figure no record holds is "not recorded", never 0.

use rust_xlsxwriter::Format;

use crate::gaps::annual_return::{AnnualReturn, Figure};
use crate::model::{Assessment, NotSupportedReasons};
use crate::text::number;

/// The financial year the figures cover: `2025-26` for 2025.
pub(crate) fn year_label(year: i32) -> String {
    format!("{year}-{:02}", (year + 1) % 100)
}

/// `12`, `at least 12` (some records hold it, some do not) or
/// `not recorded`.
pub(crate) fn words(f: &Figure) -> String {
    match f.known() {
        None => "not recorded".into(),
        Some(v) if f.complete() => number(v),
        Some(v) => format!("at least {}", number(v)),
    }
}

const HEADER: [&str; 16] = [
    "Type of relevant accommodation",
    "Services",
    "Units",
    "Bedspaces",
    "Demand records",
    "Referrals",
    "Supported",
    "Supported from outside the area",
    "Unable to be supported",
    "Reason: no space",
    "Reason: needs could not be met",
    "Reason: not eligible",
    "Reason: risk",
    "Reason: declined",
    "Reason: other",
    "Sources",
];

fn rows(r: &AnnualReturn) -> Vec<Vec<String>> {
    r.lines
        .iter()
        .map(|l| {
            let reason = |field: &str| {
                l.reasons
                    .get(field)
                    .map(words)
                    .unwrap_or_else(|| "not recorded".into())
            };
            let mut row = vec![
                l.accommodation.clone(),
                l.services.len().to_string(),
                words(&l.units),
                words(&l.bedspaces),
                l.records.to_string(),
                words(&l.referrals),
                words(&l.supported),
                words(&l.from_outside_area),
                words(&l.not_supported),
            ];
            row.extend(
                NotSupportedReasons::default()
                    .each()
                    .map(|(f, ..)| reason(f)),
            );
            row.push(l.sources.join("; "));
            row
        })
        .collect()
}

pub(crate) fn csv(r: &AnnualReturn) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let year = r.year.map(year_label).unwrap_or_default();
    let mut header = vec!["year"];
    header.extend(HEADER);
    w.write_record(&header).map_err(|e| e.to_string())?;
    for row in rows(r) {
        let mut cells = vec![year.clone()];
        cells.extend(
            row.iter()
                .map(|c| super::exports::formula_safe(c).into_owned()),
        );
        w.write_record(&cells).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// What each figure is, what MHCLG publishes of it, and whether a public
/// source confirms the category: (figure, needsmap counts, MHCLG
/// publishes, confirmed, source).
const NOTES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Type of relevant accommodation",
        "The services' accommodation types, grouped by the regulations' types; move-on is counted as second stage accommodation.",
        "Refuge, specialist safe accommodation, dispersed, second stage, other domestic abuse emergency accommodation; sanctuary schemes.",
        "Confirmed (the regulations)",
        "SI 2021/991, reg. 2, https://www.legislation.gov.uk/uksi/2021/991/regulation/2/made",
    ),
    (
        "Units, Bedspaces",
        "Each service's own units and bedspaces, else its group's figure for the latest year (service_data), counted once.",
        "Commissioned bedspaces by type; for sanctuary schemes, commissioned units.",
        "Confirmed for the total, refuge and sanctuary; other types not confirmed",
        "DLUHC, Annual progress report of the Domestic Abuse Safe Accommodation National Expert Steering Group 2022 to 2023 (20 February 2024)",
    ),
    (
        "Supported",
        "People or households supported, as each service recorded them (service_data.supported).",
        "Individuals (adults and children) supported in safe accommodation in the financial year.",
        "Confirmed; the unit (individuals) may differ from a service's own count",
        "MHCLG, Support in Domestic Abuse Safe Accommodation 2024-25 (16 October 2025)",
    ),
    (
        "Unable to be supported",
        "Referred but not supported, for any reason (service_data.not_supported).",
        "Households unable to be supported in safe accommodation.",
        "Confirmed; the unit (households) may differ from a service's own count",
        "MHCLG, Support in Domestic Abuse Safe Accommodation 2024-25 (16 October 2025)",
    ),
    (
        "Reason: no space",
        "Not supported for lack of space (not_supported_reasons.no_capacity).",
        "A service's capacity constraints, the most common reason (40% in 2022-23).",
        "Confirmed",
        "Domestic Abuse Commissioner's response to the 2022-23 progress report",
    ),
    (
        "Reasons: needs could not be met, not eligible, risk, declined, other",
        "needsmap's own reason fields.",
        "Reasons are published; their categories and wording were not found in a public source.",
        "Not confirmed: match them to the return's own categories before submitting",
        "",
    ),
    (
        "Referrals; Supported from outside the area",
        "Referrals received; of those supported, those from outside the area.",
        "Not found in the published statistics.",
        "Not confirmed",
        "",
    ),
];

pub(crate) fn xlsx(a: &Assessment, r: &AnnualReturn) -> Result<Vec<u8>, String> {
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let year = r.year.map(year_label).unwrap_or_default();
    let mut book = super::exports::dated_workbook(
        a,
        format!("{} Part 4 annual return figures {year}", a.info.area),
    )?;
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Annual return").map_err(err)?;
    sheet
        .write_string_with_format(
            0,
            0,
            format!(
                "{}: figures for the Part 4 annual return, {year} (April to March), from what services record. \"not recorded\" is unknown, never 0; \"at least\" means some records lack the figure. See Notes.",
                a.info.area
            ),
            &bold,
        )
        .map_err(err)?;
    for (c, h) in HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(2, c as u16, *h, &bold)
            .map_err(err)?;
        sheet
            .set_column_width(
                c as u16,
                if c == 0 || c + 1 == HEADER.len() {
                    34
                } else {
                    13
                },
            )
            .map_err(err)?;
    }
    for (i, row) in rows(r).iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (rr, cc) = (i as u32 + 3, c as u16);
            match v.parse::<f64>() {
                Ok(n) if !v.is_empty() && c > 0 && c + 1 < HEADER.len() => {
                    sheet.write_number(rr, cc, n)
                }
                _ => sheet.write_string_with_format(rr, cc, v, &wrap),
            }
            .map_err(err)?;
        }
    }
    if !r.mixed.is_empty() {
        sheet
            .write_string(
                r.lines.len() as u32 + 4,
                0,
                format!(
                    "Not in any line (the records are about several types together): {}",
                    r.mixed.join("; ")
                ),
            )
            .map_err(err)?;
    }
    let notes = book.add_worksheet();
    notes.set_name("Notes").map_err(err)?;
    let heads = [
        "Figure",
        "What needsmap counts",
        "What MHCLG publishes",
        "Category confirmed?",
        "Source",
    ];
    for (c, h) in heads.iter().enumerate() {
        notes
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
        notes.set_column_width(c as u16, 40).map_err(err)?;
    }
    for (i, n) in NOTES.iter().enumerate() {
        for (c, v) in [n.0, n.1, n.2, n.3, n.4].iter().enumerate() {
            notes
                .write_string_with_format(i as u32 + 1, c as u16, *v, &wrap)
                .map_err(err)?;
        }
    }
    notes
        .write_string(
            NOTES.len() as u32 + 2,
            0,
            "The return's own form and guidance were not read for this file: check each category against them before submitting.",
        )
        .map_err(err)?;
    book.save_to_buffer().map_err(err)
}
