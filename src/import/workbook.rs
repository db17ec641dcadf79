//! A workbook (`.xlsx`, `.xlsm`, `.ods`) or a CSV file read into
//! plain tables of cells, each cell knowing its place (`Services!C12`).
//! calamine reads the workbooks; the `csv` crate reads CSV.

use std::path::Path;

use calamine::{Data, Reader};

/// The largest workbook read: far above any area's service list, and a
/// bound on what a hostile file can make us hold.
pub(super) const MAX_BYTES: u64 = 50_000_000;
/// The most the parts of a workbook may hold unpacked (a zip of a few
/// MB can unpack to many GB).
pub(super) const MAX_UNPACKED: u64 = 500_000_000;
/// The most text a workbook's cells may hold together: a string shared
/// by many cells is stored once in the file but once per cell here.
pub(super) const MAX_TEXT_BYTES: usize = 64_000_000;
/// The most rows and columns a sheet may reach: a national directory's
/// services fit many times over; a cell far beyond (a hostile or broken
/// file naming `XFD1048576`) is refused rather than allocated for.
pub(super) const MAX_ROWS: usize = 50_000;
pub(super) const MAX_COLUMNS: usize = 100;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A spreadsheet date: year, month, day.
    Date(u16, u8, u8),
    /// An error value such as `#REF!`.
    Error(String),
    /// A formula whose value the file does not hold (written by a script,
    /// never opened and saved in a spreadsheet program).
    Unsaved(String),
}

impl Value {
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as the text a person sees, for messages.
    pub(crate) fn shown(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(t) => t.clone(),
            Value::Number(n) => crate::import::read::number_text(*n),
            Value::Bool(b) => b.to_string(),
            Value::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
            Value::Error(e) => e.clone(),
            Value::Unsaved(f) => format!("={f}"),
        }
    }
}

/// One sheet (or a CSV file): its rows of cells, row 0 being the
/// sheet's row 1.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub name: String,
    pub rows: Vec<Vec<Value>>,
    /// Merged ranges, as ((row, col), (row, col)) corners, 0-based.
    pub merged: Vec<((u32, u32), (u32, u32))>,
}

/// `C12` for row 11, column 2 (both from 0).
pub(super) fn cell_name(row: usize, col: usize) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// `A`, `Z`, `AA` for columns 0, 25, 26.
pub(super) fn column_letters(mut col: usize) -> String {
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
pub(super) fn read(path: &Path) -> Result<Vec<Table>, String> {
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
        "xlsx" | "xlsm" | "ods" => {
            check_unpacked(path)?;
            read_workbook(path)
        }
        "xls" | "xlsb" => Err(format!(
            "needsmap reads .xlsx, .ods and .csv workbooks; save this .{ext} file as .xlsx (File, Save as) and import that"
        )),
        _ => Err(format!(
            "needsmap imports .xlsx, .ods and .csv files, not .{ext}"
        )),
    }
}

fn read_csv(path: &Path) -> Result<Table, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(format!(
                "it is not UTF-8 text (byte {}); save it as \"CSV UTF-8\" (Excel: File, Save as) and import that",
                e.valid_up_to()
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", i + 1))?;
        if rows.len() >= MAX_ROWS {
            return Err(format!("more than {MAX_ROWS} rows"));
        }
        if record.len() > MAX_COLUMNS {
            return Err(format!("row {}: more than {MAX_COLUMNS} columns", i + 1));
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

/// The separator a CSV file's header uses: commas, or the semicolons
/// (or tabs) a spreadsheet writes where the comma is the decimal mark.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.matches(c).count();
    [(b';', count(';')), (b'\t', count('\t'))]
        .into_iter()
        .find(|&(_, n)| n > count(','))
        .map_or(b',', |(d, _)| d)
}

/// Refuse a workbook whose parts would unpack past [`MAX_UNPACKED`], by
/// the sizes its zip directory declares, before anything is unpacked.
fn check_unpacked(path: &Path) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| format!("it is not a workbook (a .xlsx or .ods is a zip file): {e}"))?;
    // The central directory's sizes (the zip crate's own total gives up
    // on entries written with data descriptors, as spreadsheets are).
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| format!("a broken workbook: {e}"))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_UNPACKED {
        return Err(format!(
            "its parts unpack to {} MB; the most an import reads is {} MB",
            total / 1_000_000,
            MAX_UNPACKED / 1_000_000
        ));
    }
    Ok(())
}

fn read_workbook(path: &Path) -> Result<Vec<Table>, String> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
    let names = book.sheet_names();
    let mut tables = Vec::new();
    for name in names {
        let table = match &mut book {
            // Cell by cell: calamine's whole-sheet range allocates every
            // cell between the first and the last, however far apart.
            calamine::Sheets::Xlsx(x) => {
                let merged = x
                    .merge_cells_by_sheet_name(&name)
                    .map_err(|e| format!("sheet {name}: {e}"))?
                    .iter()
                    .map(|d| (d.start, d.end))
                    .collect();
                let mut grid = Grid::new(&name);
                let mut cells = x
                    .worksheet_cells_reader(&name)
                    .map_err(|e| format!("sheet {name}: {e}"))?;
                while let Some(cell) = cells
                    .next_cell_with_formula_metadata()
                    .map_err(|e| format!("sheet {name}: {e}"))?
                {
                    let (row, col) = (cell.pos.0 as usize, cell.pos.1 as usize);
                    let value = match (&cell.value, &cell.formula) {
                        (calamine::DataRef::Empty, Some(_)) => Value::Unsaved(String::new()),
                        (v, _) => {
                            grid.check_text(row, col, text_len(v))?;
                            value(&Data::from(v.clone()))
                        }
                    };
                    grid.put(row, col, value)?;
                }
                Table {
                    name,
                    rows: grid.rows,
                    merged,
                }
            }
            // calamine bounds an ODS sheet itself (100 million cells).
            book => {
                let range = book
                    .worksheet_range(&name)
                    .map_err(|e| format!("sheet {name}: {e}"))?;
                let mut grid = Grid::new(&name);
                let (r0, c0) = range.start().unwrap_or((0, 0));
                for (row, col, cell) in range.used_cells() {
                    let (row, col) = (row + r0 as usize, col + c0 as usize);
                    if let Data::String(t) = cell {
                        grid.check_text(row, col, t.len())?;
                    }
                    grid.put(row, col, value(cell))?;
                }
                Table {
                    name,
                    rows: grid.rows,
                    merged: Vec::new(),
                }
            }
        };
        tables.push(table);
    }
    Ok(tables)
}

/// A sheet's rows as they are filled, within [`MAX_ROWS`] and
/// [`MAX_COLUMNS`].
struct Grid {
    sheet: String,
    rows: Vec<Vec<Value>>,
    text_bytes: usize,
}

/// The length of a cell's text, before it is copied.
fn text_len(v: &calamine::DataRef<'_>) -> usize {
    match v {
        calamine::DataRef::String(s) => s.len(),
        calamine::DataRef::SharedString(s) => s.len(),
        _ => 0,
    }
}

impl Grid {
    fn new(sheet: &str) -> Self {
        Grid {
            sheet: sheet.to_owned(),
            rows: Vec::new(),
            text_bytes: 0,
        }
    }

    /// Refuse a cell's text before it is copied: longer than any document
    /// holds, or past [`MAX_TEXT_BYTES`] with the cells before it.
    fn check_text(&mut self, row: usize, col: usize, len: usize) -> Result<(), String> {
        // Bytes bound characters from above; count characters only when
        // the bytes could be too many.
        if len > crate::check::MAX_TEXT_CHARS * 4 {
            return Err(format!(
                "sheet {}: cell {} holds {} bytes of text; a cell holds at most {} characters (about five pages)",
                self.sheet,
                cell_name(row, col),
                len,
                crate::check::MAX_TEXT_CHARS
            ));
        }
        self.text_bytes += len;
        if self.text_bytes > MAX_TEXT_BYTES {
            return Err(format!(
                "sheet {}: its cells hold more than {} MB of text by cell {}; an import reads at most that",
                self.sheet,
                MAX_TEXT_BYTES / 1_000_000,
                cell_name(row, col)
            ));
        }
        Ok(())
    }

    fn put(&mut self, row: usize, col: usize, value: Value) -> Result<(), String> {
        if value.is_empty() {
            return Ok(());
        }
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(format!(
                "sheet {}: cell {} is beyond the {MAX_ROWS} rows and {MAX_COLUMNS} columns an import reads (column {})",
                self.sheet,
                cell_name(row, col),
                column_letters(MAX_COLUMNS - 1)
            ));
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            cells.resize(col + 1, Value::Empty);
        }
        cells[col] = value;
        Ok(())
    }
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
