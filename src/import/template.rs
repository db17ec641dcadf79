//! `import --template`: a workbook with the layout's sheets and columns,
//! a note on every header saying what the column holds, and drop-down
//! lists for the columns of fixed values and ids. With an assessment, its
//! levels, cohorts, entry points and services fill the rows, so a
//! partnership can keep its service list in a spreadsheet from then on.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format, Formula, Note,
    Workbook, Worksheet, XlsxError,
};
use serde::Serialize;
use serde_json::Value as Json;

use super::layout::{Column, Kind, Sheet};
use super::workbook::column_letters;
use crate::model::Assessment;

/// Rows the drop-down lists cover in an empty template.
const TEMPLATE_ROWS: u32 = 500;

/// The workbook's bytes: the same for the same input (a fixed date).
pub(crate) fn workbook(from: Option<&Assessment>) -> Result<Vec<u8>, String> {
    let err = |e: XlsxError| e.to_string();
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).map_err(err)?;
    book.set_properties(
        &DocProperties::new()
            .set_title("needsmap import workbook")
            .set_author("needsmap")
            .set_creation_datetime(&created),
    );
    read_me(book.add_worksheet()).map_err(err)?;
    for sheet in Sheet::ALL {
        let rows = from.map(|a| rows(a, sheet)).unwrap_or_default();
        let ws = book.add_worksheet();
        fill(ws, sheet, &rows).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

fn read_me(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name("Read me")?;
    ws.set_column_width(0, 110)?;
    let title = Format::new().set_bold().set_font_size(14);
    ws.write_string_with_format(0, 0, "needsmap import workbook", &title)?;
    let lines = [
        "One sheet of each kind: Services (one service a row), Funding (one funding stream a row, by service id),",
        "Service data (what services record of demand in a year: referrals, supported, turned away and why),",
        "Cohorts, Levels and Entry points. Leave out the sheets you do not need; this sheet is never imported.",
        "Each column's header has a note saying what it holds. Lists (levels, cohorts, localities) take several",
        "values separated by ; or , (\"women; men; lgbt\"). A blank cell is not recorded, never 0.",
        "A column whose header starts with # is your own and is never imported.",
        "Then: needsmap import THIS-FILE.xlsx -o DIR, and include DIR's files from the assessment.",
    ];
    for (i, line) in lines.iter().enumerate() {
        ws.write_string(i as u32 + 2, 0, *line)?;
    }
    Ok(())
}

/// One sheet: header, notes, widths, drop-down lists, and any rows.
fn fill(ws: &mut Worksheet, sheet: Sheet, rows: &[Vec<Json>]) -> Result<(), XlsxError> {
    ws.set_name(sheet.name())?;
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DCE6F1");
    let columns = sheet.columns();
    let last_row = TEMPLATE_ROWS.max(rows.len() as u32 + 50);
    for (c, column) in columns.iter().enumerate() {
        let c16 = c as u16;
        let header = if column.required {
            format!("{} *", column.header)
        } else {
            column.header.to_owned()
        };
        ws.write_string_with_format(0, c16, &header, &bold)?;
        let note = format!("{}\nHolds {}.", column.note, column.kind.expected());
        ws.insert_note(
            0,
            c16,
            &Note::new(note).set_author("needsmap").set_width(320),
        )?;
        ws.set_column_width(c16, width(column))?;
        if let Some(validation) = validation(column)? {
            ws.add_data_validation(1, c16, last_row, c16, &validation)?;
        }
    }
    let wrap = Format::new().set_text_wrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match value {
                Json::Null => {}
                Json::Number(n) => {
                    ws.write_number(r, c, n.as_f64().unwrap_or_default())?;
                }
                Json::String(s) => {
                    ws.write_string_with_format(r, c, s, &wrap)?;
                }
                other => {
                    ws.write_string_with_format(r, c, other.to_string(), &wrap)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn width(column: &Column) -> f64 {
    let width: f64 = match column.kind {
        Kind::Text if matches!(column.path, "description" | "internal_notes") => 48.0,
        Kind::Text | Kind::Refs(_) | Kind::Words | Kind::Texts | Kind::Enums(_) => 28.0,
        Kind::Id | Kind::Ref(_) | Kind::Enum(_) => 20.0,
        _ => 12.0,
    };
    width.max(column.header.len() as f64 + 4.0)
}

/// A drop-down list: strict for single choices; for ids, the other
/// sheet's ID column, as a suggestion only (a cell may hold several).
fn validation(column: &Column) -> Result<Option<DataValidation>, XlsxError> {
    if let Some(choices) = column.kind.choices() {
        return Ok(Some(
            DataValidation::new()
                .allow_list_strings(&choices)?
                .set_error_message(format!(
                    "{} holds {}.",
                    column.header,
                    column.kind.expected()
                ))?,
        ));
    }
    let target = match column.kind {
        Kind::Ref(sheet) | Kind::Refs(Some(sheet)) => sheet,
        _ => return Ok(None),
    };
    let id_col = target
        .columns()
        .iter()
        .position(|c| c.path == "id")
        .unwrap_or(0);
    let letter = column_letters(id_col);
    let formula = format!(
        "='{}'!${letter}$2:${letter}${}",
        target.name(),
        TEMPLATE_ROWS * 4
    );
    let style = if matches!(column.kind, Kind::Ref(_)) {
        DataValidationErrorStyle::Stop
    } else {
        DataValidationErrorStyle::Information
    };
    Ok(Some(
        DataValidation::new()
            .allow_list_formula(Formula::new(formula))
            .set_error_style(style)
            .set_error_message(format!(
                "{} holds {}.",
                column.header,
                column.kind.expected()
            ))?,
    ))
}

/// The assessment's items of one sheet, as cell values in column order.
fn rows(a: &Assessment, sheet: Sheet) -> Vec<Vec<Json>> {
    match sheet {
        Sheet::Levels => cells_of(&a.levels, sheet),
        Sheet::Cohorts => cells_of(&a.cohorts, sheet),
        Sheet::EntryPoints => cells_of(&a.entry_points, sheet),
        Sheet::Services => cells_of(&a.services, sheet),
        Sheet::ServiceData => cells_of(&a.service_data, sheet),
        Sheet::Funding => {
            let streams: Vec<Json> = a
                .services
                .iter()
                .flat_map(|s| {
                    s.funding.iter().map(move |f| {
                        let mut json = serde_json::to_value(f).unwrap_or_default();
                        if let Json::Object(map) = &mut json {
                            map.insert("service".into(), Json::String(s.id.clone()));
                        }
                        json
                    })
                })
                .collect();
            streams.iter().map(|j| cells(j, sheet)).collect()
        }
    }
}

fn cells_of<T: Serialize>(items: &[T], sheet: Sheet) -> Vec<Vec<Json>> {
    items
        .iter()
        .map(|item| cells(&serde_json::to_value(item).unwrap_or_default(), sheet))
        .collect()
}

/// A row's cells: each column's value at its path, lists joined with
/// `; ` and yes/no for flags, so the reader reads back the same item.
fn cells(json: &Json, sheet: Sheet) -> Vec<Json> {
    sheet
        .columns()
        .iter()
        .map(|c| {
            let value = c.path.split('.').try_fold(json, |v, key| v.get(key));
            match (value, c.kind) {
                (None | Some(Json::Null), _) => Json::Null,
                (Some(Json::Bool(b)), _) => Json::String(if *b { "yes" } else { "no" }.into()),
                (Some(Json::Array(items)), _) if items.is_empty() => Json::Null,
                (Some(Json::Array(items)), _) => Json::String(
                    items
                        .iter()
                        .map(|i| {
                            i.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| i.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                (Some(v), _) => v.clone(),
            }
        })
        .collect()
}
