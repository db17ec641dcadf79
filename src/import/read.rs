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
pub(crate) struct Problem {
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
pub(crate) struct Imported {
    pub levels: Vec<(String, Level)>,
    pub cohorts: Vec<(String, Cohort)>,
    pub entry_points: Vec<(String, EntryPoint)>,
    pub services: Vec<(String, Service)>,
    pub service_data: Vec<(String, ServiceData)>,
    /// Sheets that are not one of the layout's, by name.
    pub ignored: Vec<String>,
}

/// Ids (or names) a row names in a column: of one sheet's rows, or of
/// anything (localities, referral routes), checked later by `check`.
struct Ref {
    col: usize,
    target: Option<Sheet>,
    path: &'static str,
    ids: Vec<String>,
}

/// Ids that exist outside the workbook (the assessment it is for), by
/// the sheet that would hold them.
pub(crate) type KnownIds = BTreeMap<Sheet, Vec<String>>;

/// One data row of a known sheet, read into JSON.
struct Row {
    /// 0-based row of the sheet.
    index: usize,
    fields: Map<String, Json>,
    /// The row's id and the column it is in (or the name's column when
    /// the id was made from the name).
    id: Option<(String, usize)>,
    /// Ids this row names.
    refs: Vec<Ref>,
    /// No problem was found in it: only such rows are handed to the model
    /// (a row already reported would only be reported again, less clearly).
    ok: bool,
}

/// Sheets a workbook may hold for people, never read and never reported.
const NOTES_SHEETS: [&str; 4] = ["readme", "notes", "instructions", "about"];

/// Read the tables of one workbook (or a CSV file, a table of its own).
pub(crate) fn read(
    tables: &[Table],
    single_csv: bool,
    external: &KnownIds,
) -> Result<Imported, Vec<Problem>> {
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
                sheet_name(tables, Sheet::Services),
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
    check_ids(tables, &mut sheets, external, &mut problems);
    attach_funding(&mut sheets);
    let imported = build_items(tables, sheets, ignored, &mut problems);
    if problems.is_empty() {
        Ok(imported)
    } else {
        Err(problems)
    }
}

/// The name the workbook gives a sheet, for messages: a CSV file's one
/// table (named by its file) is whichever sheet it was read as.
fn sheet_name(tables: &[Table], sheet: Sheet) -> String {
    tables
        .iter()
        .find(|t| Sheet::named(&t.name) == Some(sheet))
        .or(if tables.len() == 1 {
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

/// What a header cell makes of its column.
#[derive(Clone, Copy)]
enum Head {
    Field(&'static Column),
    /// `# ...`: a column of the user's own, never read.
    Own,
    /// No header: a value below it would be lost, so it is refused.
    Blank,
    /// An unknown or repeated header, already reported.
    Refused,
}

/// The header row's columns.
fn header(table: &Table, sheet: Sheet, row: usize, problems: &mut Vec<Problem>) -> Vec<Head> {
    let layout = sheet.columns();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (col, cell) in table.rows[row].iter().enumerate() {
        let text = cell.shown();
        let text = text.trim();
        if text.is_empty() {
            out.push(Head::Blank);
            continue;
        }
        if text.starts_with('#') {
            out.push(Head::Own);
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
                    out.push(Head::Refused);
                    continue;
                }
                out.push(Head::Field(c));
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
                out.push(Head::Refused);
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
    columns: &[Head],
    index: usize,
    cells: &[Value],
    problems: &mut Vec<Problem>,
) -> Row {
    let before = problems.len();
    let mut row = Row {
        index,
        fields: Map::new(),
        id: None,
        refs: Vec::new(),
        ok: true,
    };
    let mut name_col = None;
    for (col, cell) in cells.iter().enumerate() {
        let head = columns.get(col).copied().unwrap_or(Head::Blank);
        if matches!(head, Head::Blank) && !cell.is_empty() {
            problems.push(
                Problem::at(place(table, index, col), format!("{:?} is under no header", cell.shown()))
                    .expected("every value in a column with a header")
                    .hint(Some("give the column a header of the layout, or one starting with # to keep it as your own note (never imported)".into())),
            );
        }
    }
    for (col, head) in columns.iter().enumerate() {
        let Head::Field(column) = head else { continue };
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
                            "every {} needs its {}",
                            sheet.row_noun(),
                            column.header
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
        if let Value::Unsaved(_) = cell {
            problems.push(
                Problem::at(at(), "a formula whose value the file does not hold")
                    .expected(column.kind.expected())
                    .hint(Some("open the workbook in Excel or LibreOffice and save it, so it holds each formula's value, or write the value itself".into())),
            );
            continue;
        }
        if let Some((_, c)) = crate::model::printable::first_forbidden(&cell.shown()) {
            problems.push(
                Problem::at(
                    at(),
                    format!("the cell holds {}", crate::model::printable::describe(c)),
                )
                .expected(column.kind.expected())
                .hint(Some(
                    "delete it: it prints as nothing, and no document can hold it".into(),
                )),
            );
            continue;
        }
        let chars = cell.shown().chars().count();
        if chars > crate::check::MAX_TEXT_CHARS {
            problems.push(
                Problem::at(at(), format!("{chars} characters"))
                    .expected(format!(
                        "at most {} characters (about five pages)",
                        crate::check::MAX_TEXT_CHARS
                    ))
                    .hint(Some(
                        "shorten it; put the rest in the assessment's documents".into(),
                    )),
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
                let target = match column.kind {
                    Kind::Ref(t) => Some(Some(t)),
                    Kind::Refs(t) => Some(t),
                    _ => None,
                };
                if let Some(target) = target {
                    let ids = match &json {
                        Json::Array(a) => a
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect(),
                        Json::String(s) => vec![s.clone()],
                        _ => Vec::new(),
                    };
                    row.refs.push(Ref {
                        col,
                        target,
                        path: column.path,
                        ids,
                    });
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
        let col = name_col.unwrap_or(0);
        if id.is_empty() {
            problems.push(
                Problem::at(
                    place(table, index, col),
                    format!("no id can be made from the name {name:?}"),
                )
                .expected("an ID, or a name with letters or digits")
                .hint(Some(
                    "write an ID for it: lower-case letters, digits and hyphens".into(),
                )),
            );
        } else {
            row.fields.insert("id".into(), Json::String(id.clone()));
            row.id = Some((id, col));
        }
    }
    check_ages(
        &row.fields,
        &format!("{}!{}:{}", table.name, index + 1, index + 1),
        problems,
    );
    row.ok = problems.len() == before;
    row
}

/// Ages a person can be, the youngest first.
fn check_ages(fields: &Map<String, Json>, at: &str, problems: &mut Vec<Problem>) {
    let ages = [
        fields.get("ages"),
        fields.get("open_to").and_then(|o| o.get("ages")),
    ];
    for ages in ages.into_iter().flatten() {
        let get = |k: &str| ages.get(k).and_then(Json::as_i64);
        let (min, max) = (get("min"), get("max"));
        let place = at.to_owned();
        if [min, max].into_iter().flatten().any(|a| a > 120) {
            problems.push(
                Problem::at(place.clone(), "an age over 120")
                    .expected("ages from 0 to 120")
                    .hint(Some("leave the age blank when there is no limit".into())),
            );
        } else if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            problems.push(
                Problem::at(
                    place,
                    format!("the youngest age ({a}) is above the oldest ({b})"),
                )
                .expected("the minimum age first")
                .hint(Some("swap them".into())),
            );
        }
    }
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
pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else if n.abs() >= 1e15 {
        format!("{n:e}")
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
    let mut out: Vec<String> = Vec::new();
    for part in text.split(|c| c == ';' || c == '\n' || (commas && c == ',')) {
        let part = part.trim();
        if !part.is_empty() && !out.iter().any(|o| o == part) {
            out.push(part.to_owned());
        }
    }
    out
}

type Failure = (String, Option<String>);

fn convert(cell: &Value, kind: Kind) -> Result<Json, Failure> {
    let text = text_of(cell);
    match kind {
        Kind::Text => Ok(Json::String(text)),
        Kind::Id => id(&text).map(Json::String),
        // Names as well as ids: resolved (and checked) with the other
        // sheets' rows in `check_refs`.
        Kind::Ref(_) => Ok(Json::String(text)),
        Kind::Refs(_) => Ok(Json::Array(
            split(&text, true).into_iter().map(Json::String).collect(),
        )),
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
            let cleaned = thousands(t.trim().trim_start_matches('£').trim());
            cleaned.parse::<f64>().ok().filter(|n| n.is_finite()).ok_or(()).map_err(|_| {
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
    if n > MAX_FIGURE {
        return Err((
            format!("{} is too large to be a count or an amount", number_text(n)),
            Some("check the figure; figures here count people, places or pounds".into()),
        ));
    }
    if !n.is_finite() || n < 0.0 {
        return Err((
            format!("{} is not 0 or more", number_text(n)),
            Some("figures here count people, places or pounds".into()),
        ));
    }
    Ok(n)
}

/// The largest figure read: far above any area's budget in pounds.
const MAX_FIGURE: f64 = 1e12;

/// `1,200` or `12,000.50` without the commas that group thousands; any
/// other comma is left, so "1,2,3" is not a number (not 123).
fn thousands(text: &str) -> String {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].trim_start_matches('-').len())
        && groups[1..]
            .iter()
            .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    if !grouped {
        return text.to_owned();
    }
    let mut out = groups.concat();
    if text.contains('.') {
        out.push('.');
        out.push_str(fraction);
    }
    out
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
    external: &KnownIds,
    problems: &mut Vec<Problem>,
) {
    let mut known: BTreeMap<Sheet, (Vec<String>, BTreeMap<String, String>)> = BTreeMap::new();
    for (&sheet, rows) in sheets.iter() {
        if sheet == Sheet::Funding {
            continue;
        }
        let name = sheet_name(tables, sheet);
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
    for (sheet, ids) in external {
        let entry = known.entry(*sheet).or_default();
        entry.0.extend(ids.iter().cloned());
    }
    for (&sheet, rows) in sheets.iter_mut() {
        let name = sheet_name(tables, sheet);
        for row in rows {
            let before = problems.len();
            let mut resolved = Vec::new();
            for r in &row.refs {
                let at = format!("{name}!{}", cell_name(row.index, r.col));
                let known_ids = r.target.and_then(|t| known.get(&t).map(|k| (t, k)));
                for wanted in &r.ids {
                    match known_ids {
                        Some((_, (ids, _))) if ids.contains(wanted) => {}
                        Some((_, (_, names))) if names.contains_key(&normalise(wanted)) => {
                            resolved.push((r.path, wanted.clone(), names[&normalise(wanted)].clone()));
                        }
                        Some((target, (ids, _))) => problems.push(
                            Problem::at(at.clone(), format!("no {} has the id `{wanted}`", target.row_noun()))
                                .expected(format!("an id (or name) of the {} sheet", target.name()))
                                .hint(Some(did_you_mean(wanted, ids.iter().map(String::as_str)).unwrap_or_else(|| {
                                    format!(
                                        "add it to the {} sheet; if the assessment defines it, pass --assessment A.yaml so its ids count",
                                        target.name()
                                    )
                                }))),
                        ),
                        None if r.target == Some(Sheet::Services) && sheet == Sheet::Funding => {
                            problems.push(
                                Problem::at(at.clone(), "a funding stream of a service, but the workbook has no Services sheet")
                                    .hint(Some("add the Services sheet, or write the funding in the services' YAML".into())),
                            );
                        }
                        None if !is_slug(wanted) => {
                            let slug = slugify(wanted);
                            problems.push(
                                Problem::at(at.clone(), format!("{wanted:?} is not an id"))
                                    .expected("ids: lower-case letters, digits and single hyphens")
                                    .hint((!slug.is_empty()).then(|| format!("write it as `{slug}`"))),
                            );
                        }
                        None => {}
                    }
                }
            }
            for (path, from, to) in resolved {
                replace_ref(&mut row.fields, path, &from, &to);
            }
            if problems.len() > before {
                row.ok = false;
            }
        }
    }
}

/// Swap a referenced name for its row's id in the field it was given in.
fn replace_ref(fields: &mut Map<String, Json>, path: &str, from: &str, to: &str) {
    match at_path(fields, path) {
        Some(Json::String(s)) if s == from => *s = to.to_owned(),
        Some(Json::Array(items)) => {
            for item in items {
                if item.as_str() == Some(from) {
                    *item = Json::String(to.to_owned());
                }
            }
        }
        _ => {}
    }
}

/// The value at a dotted path (`open_to.roles`) of an object.
fn at_path<'a>(fields: &'a mut Map<String, Json>, path: &str) -> Option<&'a mut Json> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let value = fields.get_mut(head)?;
    match (rest, value) {
        (None, v) => Some(v),
        (Some(r), Json::Object(inner)) => at_path(inner, r),
        _ => None,
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
        let name = sheet_name(tables, sheet);
        for row in rows {
            if !row.ok {
                continue;
            }
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
