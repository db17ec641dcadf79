//! Tables of cells to the model's items: each row of a known sheet is read
//! column by column into the JSON the model deserialises, and every
//! problem is kept with its cell (`Services!C12`), what was expected and a
//! hint, so that one pass reports them all and nothing is written.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::layout::{Column, Kind, Sheet, normalise};
use super::workbook::{Table, Value, cell_name, column_letters};
use crate::check::{did_you_mean, is_slug, slugify, suggest};
use crate::model::{Cohort, EntryPoint, Level, Service, ServiceData};

/// A problem with one cell, row, column or sheet of the workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `Services!C12`, `Services!3:3` or `Services`.
    pub place: String,
    pub message: String,
    pub expected: Option<String>,
    pub hint: Option<String>,
}

impl Problem {
    fn at(place: String, message: impl Into<String>) -> Problem {
        Problem {
            place,
            message: message.into(),
            expected: None,
            hint: None,
        }
    }

    fn expected(mut self, expected: impl Into<String>) -> Problem {
        self.expected = Some(expected.into());
        self
    }

    fn hint(mut self, hint: Option<String>) -> Problem {
        self.hint = hint;
        self
    }
}

/// What an import read: the items of each sheet, with the sheet row each
/// came from (1-based, as the spreadsheet numbers it), and the sheets it
/// did not read.
#[derive(Debug, Default)]
pub struct Imported {
    pub levels: Vec<(String, Level)>,
    pub cohorts: Vec<(String, Cohort)>,
    pub entry_points: Vec<(String, EntryPoint)>,
    pub services: Vec<(String, Service)>,
    pub service_data: Vec<(String, ServiceData)>,
    /// Sheets that are not one of the layout's, by name.
    pub ignored: Vec<String>,
}

/// One data row of a known sheet, read into JSON.
struct Row {
    /// 0-based row of the sheet.
    index: usize,
    fields: Map<String, Json>,
    /// The row's id and the column it is in (or the name's column when
    /// the id was made from the name).
    id: Option<(String, usize)>,
    /// Ids this row names in other sheets: the column, the sheet, the ids.
    refs: Vec<(usize, Sheet, Vec<String>)>,
}

/// Sheets a workbook may hold for people, never read and never reported.
const NOTES_SHEETS: [&str; 4] = ["readme", "notes", "instructions", "about"];

/// Read the tables of one workbook (or a CSV file, a table of its own).
pub fn read(tables: &[Table], single_csv: bool) -> Result<Imported, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut sheets: BTreeMap<Sheet, Vec<Row>> = BTreeMap::new();
    let mut ignored = Vec::new();
    for table in tables {
        let sheet = match Sheet::named(&table.name) {
            Some(s) => s,
            // A CSV file is one sheet; named after anything else, it is
            // the service list.
            None if single_csv => Sheet::Services,
            None => {
                if !NOTES_SHEETS.contains(&normalise(&table.name).as_str()) {
                    ignored.push(table.name.clone());
                }
                continue;
            }
        };
        if sheets.contains_key(&sheet) {
            problems.push(
                Problem::at(
                    table.name.clone(),
                    format!("a second {} sheet", sheet.name()),
                )
                .hint(Some("keep one sheet of each kind".into())),
            );
            continue;
        }
        let rows = read_sheet(table, sheet, &mut problems);
        sheets.insert(sheet, rows);
    }
    if sheets.values().all(Vec::is_empty) && problems.is_empty() {
        problems.push(
            Problem::at(
                sheet_name(tables, Sheet::Services, true),
                "nothing to import: no sheet of the import layout has a row below its header",
            )
            .expected(format!(
                "sheets named {}",
                Sheet::ALL.map(Sheet::name).join(", ")
            ))
            .hint(Some(
                "`needsmap import --template FILE.xlsx` writes an empty workbook to start from"
                    .into(),
            )),
        );
    }
    check_ids(tables, &mut sheets, &mut problems);
    attach_funding(&mut sheets);
    let imported = build_items(tables, sheets, ignored, &mut problems);
    if problems.is_empty() {
        Ok(imported)
    } else {
        Err(problems)
    }
}

fn sheet_name(tables: &[Table], sheet: Sheet, single_csv_fallback: bool) -> String {
    tables
        .iter()
        .find(|t| Sheet::named(&t.name) == Some(sheet))
        .or(if single_csv_fallback {
            tables.first()
        } else {
            None
        })
        .map(|t| t.name.clone())
        .unwrap_or_else(|| sheet.name().to_owned())
}

fn place(table: &Table, row: usize, col: usize) -> String {
    format!("{}!{}", table.name, cell_name(row, col))
}

fn read_sheet(table: &Table, sheet: Sheet, problems: &mut Vec<Problem>) -> Vec<Row> {
    for &((r0, c0), (r1, c1)) in &table.merged {
        problems.push(
            Problem::at(
                format!(
                    "{}!{}:{}",
                    table.name,
                    cell_name(r0 as usize, c0 as usize),
                    cell_name(r1 as usize, c1 as usize)
                ),
                "merged cells",
            )
            .expected("one value in each cell")
            .hint(Some(
                "unmerge the cells and write the value in each row it applies to".into(),
            )),
        );
    }
    let Some(header_row) = table
        .rows
        .iter()
        .position(|r| r.iter().any(|v| !v.is_empty()))
    else {
        problems.push(
            Problem::at(format!("{}!A1", table.name), "the sheet is empty")
                .expected(format!(
                    "a header row naming its columns ({}), then one {} a row",
                    required_headers(sheet),
                    sheet.row_noun()
                ))
                .hint(Some(
                    "delete the sheet, or fill it from `needsmap import --template`".into(),
                )),
        );
        return Vec::new();
    };
    let columns = header(table, sheet, header_row, problems);
    let mut rows = Vec::new();
    for (index, cells) in table.rows.iter().enumerate().skip(header_row + 1) {
        if cells.iter().all(Value::is_empty) {
            continue;
        }
        rows.push(read_row(table, sheet, &columns, index, cells, problems));
    }
    // A sheet with its header and no rows has nothing to import (the
    // template's sheets a partnership does not use).
    rows
}

fn required_headers(sheet: Sheet) -> String {
    sheet
        .columns()
        .iter()
        .filter(|c| c.required)
        .map(|c| c.header)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The header row's columns: each sheet column's layout column, or none
/// for a blank or `#` header (a column of the user's own).
fn header(
    table: &Table,
    sheet: Sheet,
    row: usize,
    problems: &mut Vec<Problem>,
) -> Vec<Option<&'static Column>> {
    let layout = sheet.columns();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (col, cell) in table.rows[row].iter().enumerate() {
        let text = cell.shown();
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            out.push(None);
            continue;
        }
        let key = normalise(text);
        let found = layout
            .iter()
            .find(|c| normalise(c.header) == key || c.aliases.iter().any(|a| normalise(a) == key));
        match found {
            Some(c) => {
                if let Some(first) = seen.insert(c.header, col) {
                    problems.push(
                        Problem::at(
                            place(table, row, col),
                            format!(
                                "a second {} column (the first is column {})",
                                c.header,
                                column_letters(first)
                            ),
                        )
                        .hint(Some("keep one column for each field".into())),
                    );
                }
                out.push(Some(c));
            }
            None => {
                let headers = layout.iter().map(|c| c.header);
                problems.push(
                    Problem::at(place(table, row, col), format!("unknown column {text:?}"))
                        .expected(format!(
                            "a column of the {} sheet: {}",
                            sheet.name(),
                            layout.iter().map(|c| c.header).collect::<Vec<_>>().join(", ")
                        ))
                        .hint(Some(
                            suggest(text, headers)
                                .map(|s| format!("did you mean {s:?}?"))
                                .unwrap_or_else(|| {
                                    "rename it, or start its header with # to keep it as a note of your own (never imported)".into()
                                }),
                        )),
                );
                out.push(None);
            }
        }
    }
    for c in layout.iter().filter(|c| c.required) {
        // A service's id may be left out: it is made from the name.
        let optional_id = sheet == Sheet::Services && c.path == "id";
        if !seen.contains_key(c.header) && !optional_id {
            problems.push(
                Problem::at(
                    format!("{}!{}:{}", table.name, row + 1, row + 1),
                    format!("no {} column", c.header),
                )
                .expected(format!("a column headed {:?}: {}", c.header, c.note))
                .hint(Some(format!(
                    "add it to the header row; the {} sheet needs {}",
                    sheet.name(),
                    required_headers(sheet)
                ))),
            );
        }
    }
    out
}

fn read_row(
    table: &Table,
    sheet: Sheet,
    columns: &[Option<&'static Column>],
    index: usize,
    cells: &[Value],
    problems: &mut Vec<Problem>,
) -> Row {
    let mut row = Row {
        index,
        fields: Map::new(),
        id: None,
        refs: Vec::new(),
    };
    let mut name_col = None;
    for (col, column) in columns.iter().enumerate() {
        let Some(column) = column else { continue };
        let cell = cells.get(col).unwrap_or(&Value::Empty);
        let at = || place(table, index, col);
        if column.path == "name" {
            name_col = Some(col);
        }
        if cell.is_empty() {
            if column.required && !(sheet == Sheet::Services && column.path == "id") {
                problems.push(
                    Problem::at(at(), format!("{} is blank", column.header))
                        .expected(column.kind.expected())
                        .hint(Some(format!(
                            "every {} needs {}",
                            sheet.row_noun(),
                            column.header.to_lowercase()
                        ))),
                );
            }
            continue;
        }
        if let Value::Error(e) = cell {
            problems.push(
                Problem::at(at(), format!("the cell holds the error {e}"))
                    .expected(column.kind.expected())
                    .hint(Some("fix the formula, or write the value itself".into())),
            );
            continue;
        }
        match convert(cell, column.kind) {
            Ok(json) => {
                if column.path == "id"
                    && let Some(id) = json.as_str()
                {
                    row.id = Some((id.to_owned(), col));
                }
                if let Kind::Refs(Some(target)) | Kind::Ref(target) = column.kind {
                    let ids = match &json {
                        Json::Array(a) => a
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect(),
                        Json::String(s) => vec![s.clone()],
                        _ => Vec::new(),
                    };
                    row.refs.push((col, target, ids));
                }
                set_path(&mut row.fields, column.path, json);
            }
            Err((message, hint)) => problems.push(
                Problem::at(at(), message)
                    .expected(column.kind.expected())
                    .hint(hint),
            ),
        }
    }
    if row.id.is_none()
        && sheet == Sheet::Services
        && let Some(name) = row.fields.get("name").and_then(|v| v.as_str())
    {
        let id = slugify(name);
        if !id.is_empty() {
            row.fields.insert("id".into(), Json::String(id.clone()));
            row.id = Some((id, name_col.unwrap_or(0)));
        }
    }
    row
}

/// Put `value` at a dotted path (`capacity.per_year`) of an object.
fn set_path(fields: &mut Map<String, Json>, path: &str, value: Json) {
    match path.split_once('.') {
        None => {
            fields.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let inner = fields
                .entry(head.to_owned())
                .or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(map) = inner {
                set_path(map, rest, value);
            }
        }
    }
}

/// The text of a number as a person wrote it: `12`, not `12.0`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn text_of(cell: &Value) -> String {
    cell.shown().trim().to_owned()
}

/// The values of a multi-value cell: split on `;`, `,` and new lines
/// (`;` and new lines only for free texts, which may hold commas).
fn split(text: &str, commas: bool) -> Vec<String> {
    text.split(|c| c == ';' || c == '\n' || (commas && c == ','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

type Failure = (String, Option<String>);

fn convert(cell: &Value, kind: Kind) -> Result<Json, Failure> {
    let text = text_of(cell);
    match kind {
        Kind::Text => Ok(Json::String(text)),
        Kind::Id | Kind::Ref(_) => id(&text).map(Json::String),
        Kind::Refs(_) => split(&text, true)
            .iter()
            .map(|t| id(t).map(Json::String))
            .collect::<Result<Vec<_>, _>>()
            .map(Json::Array),
        Kind::Enum(values) => choice(&text, &values()).map(Json::String),
        Kind::Enums(values) => {
            let values = values();
            split(&text, true)
                .iter()
                .map(|t| choice(t, &values).map(Json::String))
                .collect::<Result<Vec<_>, _>>()
                .map(Json::Array)
        }
        Kind::Words => Ok(Json::Array(
            split(&text, true)
                .iter()
                .map(|t| Json::String(slugify(t)))
                .collect(),
        )),
        Kind::Texts => Ok(Json::Array(
            split(&text, false).into_iter().map(Json::String).collect(),
        )),
        Kind::Whole => {
            let n = number(cell)?;
            if n.fract() != 0.0 {
                return Err((
                    format!("{} is not a whole number", number_text(n)),
                    Some("round it, or give the figure in a source column".into()),
                ));
            }
            Ok(Json::from(n as i64))
        }
        Kind::Number => number(cell).map(Json::from),
        Kind::Share => share(cell).map(Json::from),
        Kind::Date => date(cell).map(Json::String),
        Kind::YesNo => yes_no(cell).map(Json::Bool),
    }
}

fn id(text: &str) -> Result<String, Failure> {
    if is_slug(text) {
        return Ok(text.to_owned());
    }
    let slug = slugify(text);
    Err((
        format!("{text:?} is not an id"),
        (!slug.is_empty()).then(|| format!("write it as `{slug}`")),
    ))
}

/// One of `values`, matched without case or punctuation ("Local
/// authority" is `local-authority`).
fn choice(text: &str, values: &[String]) -> Result<String, Failure> {
    let key = normalise(text);
    if let Some(v) = values.iter().find(|v| normalise(v) == key) {
        return Ok(v.clone());
    }
    Err((
        format!("{text:?} is not one of the allowed values"),
        did_you_mean(&text.to_lowercase(), values.iter().map(String::as_str)),
    ))
}

/// A number of 0 or more: a number cell, or text such as `1,200` or
/// `£42,000`.
fn number(cell: &Value) -> Result<f64, Failure> {
    let n = match cell {
        Value::Number(n) => *n,
        Value::Text(t) => {
            let cleaned: String = t
                .trim()
                .trim_start_matches('£')
                .chars()
                .filter(|c| *c != ',' && *c != ' ')
                .collect();
            cleaned.parse::<f64>().map_err(|_| {
                (
                    format!("{:?} is not a number", t.trim()),
                    Some("write the figure alone (leave it blank when it is not recorded: blank is unknown, never 0); put caveats in the source column".into()),
                )
            })?
        }
        other => {
            return Err((format!("{:?} is not a number", other.shown()), None));
        }
    };
    if !n.is_finite() || n < 0.0 {
        return Err((
            format!("{} is not 0 or more", number_text(n)),
            Some("figures here count people, places or pounds".into()),
        ));
    }
    Ok(n)
}

fn share(cell: &Value) -> Result<f64, Failure> {
    let percent = matches!(cell, Value::Text(t) if t.trim().ends_with('%'));
    let n = match cell {
        Value::Text(t) if percent => {
            number(&Value::Text(t.trim().trim_end_matches('%').into()))? / 100.0
        }
        _ => number(cell)?,
    };
    if n > 1.0 {
        return Err((
            format!("{} is more than 1", number_text(n)),
            Some(format!(
                "a share is between 0 and 1: for {}% write {} or {}%",
                number_text(n),
                number_text(n / 100.0),
                number_text(n)
            )),
        ));
    }
    Ok(n)
}

fn date(cell: &Value) -> Result<String, Failure> {
    let text = match cell {
        Value::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
        Value::Text(t) => t.trim().to_owned(),
        other => {
            return Err((
                format!("{:?} is not a date", other.shown()),
                Some("format the cell as a date, or write YYYY-MM-DD".into()),
            ));
        }
    };
    if chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok() {
        Ok(text)
    } else {
        Err((
            format!("{text:?} is not a date"),
            Some("write it as YYYY-MM-DD, for example 2027-03-31".into()),
        ))
    }
}

fn yes_no(cell: &Value) -> Result<bool, Failure> {
    match cell {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) if *n == 0.0 || *n == 1.0 => Ok(*n == 1.0),
        other => match normalise(&other.shown()).as_str() {
            "yes" | "y" | "true" => Ok(true),
            "no" | "n" | "false" => Ok(false),
            _ => Err((format!("{:?} is not yes or no", other.shown()), None)),
        },
    }
}

/// Ids unique within each sheet, and references to sheets the workbook
/// holds pointing at their rows (a name is taken for its row's id).
fn check_ids(
    tables: &[Table],
    sheets: &mut BTreeMap<Sheet, Vec<Row>>,
    problems: &mut Vec<Problem>,
) {
    let mut known: BTreeMap<Sheet, (Vec<String>, BTreeMap<String, String>)> = BTreeMap::new();
    for (&sheet, rows) in sheets.iter() {
        if sheet == Sheet::Funding {
            continue;
        }
        let name = sheet_name(tables, sheet, true);
        let mut first: BTreeMap<&str, usize> = BTreeMap::new();
        let mut ids = Vec::new();
        let mut names = BTreeMap::new();
        for row in rows {
            let Some((id, col)) = &row.id else { continue };
            if let Some(other) = first.insert(id, row.index) {
                problems.push(
                    Problem::at(
                        format!("{name}!{}", cell_name(row.index, *col)),
                        format!("the id `{id}` is also row {}'s", other + 1),
                    )
                    .hint(Some("give each row its own id".into())),
                );
            }
            ids.push(id.clone());
            if let Some(n) = row.fields.get("name").and_then(|v| v.as_str()) {
                names.insert(normalise(n), id.clone());
            }
        }
        known.insert(sheet, (ids, names));
    }
    for (&sheet, rows) in sheets.iter_mut() {
        let name = sheet_name(tables, sheet, true);
        for row in rows {
            for (col, target, ids) in &row.refs {
                let Some((target_ids, names)) = known.get(target) else {
                    if sheet == Sheet::Funding {
                        problems.push(
                            Problem::at(format!("{name}!{}", cell_name(row.index, *col)), "a funding stream of a service, but the workbook has no Services sheet")
                                .hint(Some("add the Services sheet, or write the funding in the services' YAML".into())),
                        );
                    }
                    continue;
                };
                for wanted in ids {
                    if target_ids.contains(wanted) {
                        continue;
                    }
                    if let Some(id) = names.get(&normalise(wanted)) {
                        replace_ref(&mut row.fields, wanted, id);
                        continue;
                    }
                    problems.push(
                        Problem::at(
                            format!("{name}!{}", cell_name(row.index, *col)),
                            format!("no {} has the id `{wanted}`", target.row_noun()),
                        )
                        .expected(format!("an id of the {} sheet", target.name()))
                        .hint(did_you_mean(wanted, target_ids.iter().map(String::as_str))),
                    );
                }
            }
        }
    }
}

/// Swap a referenced name for its row's id wherever the row holds it.
fn replace_ref(fields: &mut Map<String, Json>, from: &str, to: &str) {
    for value in fields.values_mut() {
        match value {
            Json::String(s) if s == from => *s = to.to_owned(),
            Json::Array(items) => {
                for item in items {
                    if item.as_str() == Some(from) {
                        *item = Json::String(to.to_owned());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Each Funding row onto its service's `funding`, in the sheet's order.
fn attach_funding(sheets: &mut BTreeMap<Sheet, Vec<Row>>) {
    let Some(funding) = sheets.remove(&Sheet::Funding) else {
        return;
    };
    let Some(services) = sheets.get_mut(&Sheet::Services) else {
        return;
    };
    for mut stream in funding {
        let Some(Json::String(service)) = stream.fields.remove("service") else {
            continue;
        };
        if let Some(row) = services
            .iter_mut()
            .find(|r| r.id.as_ref().map(|(id, _)| id) == Some(&service))
        {
            let list = row
                .fields
                .entry("funding")
                .or_insert_with(|| Json::Array(Vec::new()));
            if let Json::Array(items) = list {
                items.push(Json::Object(stream.fields));
            }
        }
    }
}

fn build_items(
    tables: &[Table],
    sheets: BTreeMap<Sheet, Vec<Row>>,
    ignored: Vec<String>,
    problems: &mut Vec<Problem>,
) -> Imported {
    let mut out = Imported {
        ignored,
        ..Imported::default()
    };
    for (sheet, rows) in sheets {
        let name = sheet_name(tables, sheet, true);
        for row in rows {
            let place = format!("{name}!{}:{}", row.index + 1, row.index + 1);
            let json = Json::Object(row.fields);
            let result = match sheet {
                Sheet::Levels => item(json).map(|l| out.levels.push((place.clone(), l))),
                Sheet::Cohorts => item(json).map(|c| out.cohorts.push((place.clone(), c))),
                Sheet::EntryPoints => item(json).map(|e| out.entry_points.push((place.clone(), e))),
                Sheet::Services | Sheet::Funding => {
                    item(json).map(|s| out.services.push((place.clone(), s)))
                }
                Sheet::ServiceData => item(json).map(|d| out.service_data.push((place.clone(), d))),
            };
            if let Err(e) = result {
                problems.push(
                    Problem::at(
                        place,
                        format!(
                            "this {} does not make sense as it is: {e}",
                            sheet.row_noun()
                        ),
                    )
                    .hint(Some(hint_for(&e))),
                );
            }
        }
    }
    out
}

fn item<T: serde::de::DeserializeOwned>(json: Json) -> Result<T, serde_json::Error> {
    serde_json::from_value(json)
}

/// What to do about a row the model refuses, in the import's words.
fn hint_for(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.contains("missing field `roles`") {
        "give Open to (the roles it is open to) with its ages".into()
    } else if text.contains("missing field `source`") {
        "a figure needs its source: fill the source column beside it".into()
    } else if text.contains("missing field `type`") {
        "give the Accommodation type with units or bedspaces".into()
    } else if text.contains("missing field") {
        "fill the column it names".into()
    } else {
        "see docs/model-v1-spec.md for what the fields hold".into()
    }
}
