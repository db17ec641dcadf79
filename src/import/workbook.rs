//! A workbook (`.xlsx`, `.xlsm`, `.ods`, `.xls`) or a CSV file read into
//! plain tables of cells, each cell knowing its place (`Services!C12`).
//! calamine reads the workbooks; the `csv` crate reads CSV.

use std::path::Path;

use calamine::{Data, Reader};

/// The largest workbook read: far above any area's service list, and a
/// bound on what a hostile file can make us hold.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;
/// The most rows a sheet may have.
pub const MAX_ROWS: usize = 100_000;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A spreadsheet date: year, month, day.
    Date(u16, u8, u8),
    /// An error value such as `#REF!`.
    Error(String),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as the text a person sees, for messages.
    pub fn shown(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(t) => t.clone(),
            Value::Number(n) => crate::import::read::number_text(*n),
            Value::Bool(b) => b.to_string(),
            Value::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
            Value::Error(e) => e.clone(),
        }
    }
}

/// One sheet (or a CSV file): its rows of cells, row 0 being the
/// sheet's row 1.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub name: String,
    pub rows: Vec<Vec<Value>>,
    /// Merged ranges, as ((row, col), (row, col)) corners, 0-based.
    pub merged: Vec<((u32, u32), (u32, u32))>,
}

/// `C12` for row 11, column 2 (both from 0).
pub fn cell_name(row: usize, col: usize) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// `A`, `Z`, `AA` for columns 0, 25, 26.
pub fn column_letters(mut col: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Read every sheet of a workbook, or a CSV file as one table named by
/// its file stem.
pub fn read(path: &Path) -> Result<Vec<Table>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read it: {e}"))?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "it is {} MB; the most an import reads is {} MB",
            size / 1_000_000,
            MAX_BYTES / 1_000_000
        ));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => read_csv(path).map(|t| vec![t]),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_workbook(path),
        _ => Err(format!(
            "needsmap imports .xlsx, .ods, .xls and .csv files, not .{ext}"
        )),
    }
}

fn read_csv(path: &Path) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", i + 1))?;
        if rows.len() >= MAX_ROWS {
            return Err(format!("more than {MAX_ROWS} rows"));
        }
        rows.push(
            record
                .iter()
                .map(|t| {
                    if t.trim().is_empty() {
                        Value::Empty
                    } else {
                        Value::Text(t.to_owned())
                    }
                })
                .collect(),
        );
    }
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("services")
        .to_owned();
    Ok(Table {
        name,
        rows,
        merged: Vec::new(),
    })
}

fn read_workbook(path: &Path) -> Result<Vec<Table>, String> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
    let names = book.sheet_names();
    let mut merged_by_sheet = std::collections::BTreeMap::new();
    if let calamine::Sheets::Xlsx(x) = &mut book {
        for name in &names {
            let regions = x
                .merge_cells_by_sheet_name(name)
                .map_err(|e| format!("sheet {name}: {e}"))?;
            merged_by_sheet.insert(
                name.clone(),
                regions.iter().map(|d| (d.start, d.end)).collect::<Vec<_>>(),
            );
        }
    }
    let mut tables = Vec::new();
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("sheet {name}: {e}"))?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let (height, width) = range.get_size();
        if first_row as usize + height > MAX_ROWS {
            return Err(format!("sheet {name} has more than {MAX_ROWS} rows"));
        }
        let mut rows = vec![Vec::new(); first_row as usize];
        for row in range.rows() {
            let mut cells = vec![Value::Empty; first_col as usize];
            cells.extend(row.iter().map(value));
            cells.truncate(first_col as usize + width);
            rows.push(cells);
        }
        tables.push(Table {
            merged: merged_by_sheet.remove(&name).unwrap_or_default(),
            name,
            rows,
        });
    }
    Ok(tables)
}

fn value(cell: &Data) -> Value {
    match cell {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            Value::Date(y, m, day)
        }
        Data::DateTimeIso(s) => match s.get(..10) {
            Some(date) => Value::Text(date.to_owned()),
            None => Value::Text(s.clone()),
        },
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 2), "C12");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
