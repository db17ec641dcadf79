//! Loading an assessment: the main file, the files it includes, its
//! journeys and its CSV indicators, merged into one [`Assessment`] with the
//! origin of every item recorded for diagnostics.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use super::diagnostic::{Diagnostic, Severity};
use super::printable;
use super::source::{FileKind, Pos, clean_path};
use super::walk::{self, WalkError};
use super::yaml::{DeError, from_str_all_errors};
use super::*;

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The result of a load: the assessment when the files could be read and
/// merged, every file read, and what went wrong on the way.
pub struct Loaded {
    pub assessment: Option<Assessment>,
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// How to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Let `include:`, `journeys:` and `csv:` paths leave the workspace.
    pub allow_outside: bool,
}

/// The assessment's workspace: the nearest folder above the assessment
/// file that holds `.git` or a `needsmap.toml`, otherwise the assessment
/// file's own folder. Paths it names must stay inside.
pub fn workspace_of(assessment: &Path) -> Option<PathBuf> {
    let dir = assessment.canonicalize().ok()?.parent()?.to_path_buf();
    let mut at = Some(dir.as_path());
    while let Some(d) = at {
        if d.join(".git").exists() || d.join("needsmap.toml").is_file() {
            return Some(d.to_path_buf());
        }
        at = d.parent();
    }
    Some(dir)
}

/// Is `path` inside `workspace` once symlinks and `..` are resolved?
pub fn is_inside(path: &Path, workspace: &Path) -> bool {
    path.canonicalize().is_ok_and(|p| p.starts_with(workspace))
}

/// Load the assessment at `path` with everything it names.
pub fn load(path: &Path) -> Loaded {
    load_with(path, LoadOptions::default())
}

/// Load an assessment from text in memory, as if it were the file at
/// `path` (files it names are read from disk). For fuzzing and tests.
pub fn load_text(path: &Path, text: &str) -> Loaded {
    let loader = Loader {
        memory: Some((path.to_path_buf(), text.to_owned())),
        ..Loader::default()
    };
    loader.run(path)
}

/// Load with options.
pub fn load_with(path: &Path, options: LoadOptions) -> Loaded {
    let loader = Loader {
        workspace: if options.allow_outside {
            None
        } else {
            workspace_of(path)
        },
        ..Loader::default()
    };
    loader.run(path)
}

#[derive(Default)]
struct Loader {
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    /// Canonical paths already loaded, so an include cycle or a file named
    /// twice is read once.
    seen: HashSet<PathBuf>,
    merged: Merged,
    /// Where named files must stay (`None`: anywhere, with --allow-outside).
    workspace: Option<PathBuf>,
    /// A main file given as text rather than read from disk.
    memory: Option<(PathBuf, String)>,
}

#[derive(Default)]
struct Merged {
    population: Option<(Population, Origin)>,
    levels: Vec<Level>,
    cohorts: Vec<Cohort>,
    entry_points: Vec<EntryPoint>,
    services: Vec<Service>,
    pathways: Vec<Pathway>,
    indicators: Vec<Indicator>,
    findings: Vec<Finding>,
    actions: Vec<Action>,
    service_data: Vec<ServiceData>,
    journeys: Vec<Journey>,
}

/// Set each item's origin to `file`, `list[i]`.
fn stamp<T>(items: &mut [T], file: FileId, list: &str, origin: impl Fn(&mut T) -> &mut Origin) {
    for (i, item) in items.iter_mut().enumerate() {
        *origin(item) = Origin::at(file, vec![list.into(), i.into()]);
    }
}

impl Loader {
    fn run(mut self, path: &Path) -> Loaded {
        let assessment = self.load_main(path);
        Loaded {
            assessment,
            sources: self.sources,
            diagnostics: self.diagnostics,
        }
    }

    fn error(&mut self, code: Code, origin: Origin, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(code, origin, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn load_main(&mut self, path: &Path) -> Option<Assessment> {
        let (file, doc) = self.read_yaml::<AssessmentFile>(path, None)?;
        let root = Origin::at(file, Vec::new());
        if doc.schema.is_none() {
            self.error(Code::MissingField, root.clone(), "missing field `schema`")
                .hint = Some(format!("start the file with `schema: {SCHEMA_TAG}`"));
        }
        if doc.assessment.is_none() {
            self.error(
                Code::MissingField,
                root.clone(),
                "missing field `assessment`",
            )
            .hint = Some("add `assessment:` with title, area, authority and period".into());
        }
        let schema = doc.schema.clone().unwrap_or_default();
        let info = doc.assessment.clone();
        self.merge(file, path, doc);
        let info = info?;
        let m = std::mem::take(&mut self.merged);
        Some(Assessment {
            schema,
            info,
            population: m.population.map(|(p, _)| p),
            levels: m.levels,
            cohorts: m.cohorts,
            entry_points: m.entry_points,
            services: m.services,
            pathways: m.pathways,
            indicators: m.indicators,
            findings: m.findings,
            actions: m.actions,
            service_data: m.service_data,
            journeys: m.journeys,
            origin: root,
        })
    }

    /// Add one file's lists to the merged assessment, then follow its
    /// `include:`, `journeys:` and `csv:` paths.
    fn merge(&mut self, file: FileId, path: &Path, mut doc: AssessmentFile) {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        stamp(&mut doc.levels, file, "levels", |x| &mut x.origin);
        stamp(&mut doc.cohorts, file, "cohorts", |x| &mut x.origin);
        stamp(&mut doc.entry_points, file, "entry_points", |x| {
            &mut x.origin
        });
        stamp(&mut doc.services, file, "services", |x| &mut x.origin);
        stamp(&mut doc.pathways, file, "pathways", |x| &mut x.origin);
        stamp(&mut doc.findings, file, "findings", |x| &mut x.origin);
        stamp(&mut doc.actions, file, "actions", |x| &mut x.origin);
        stamp(&mut doc.service_data, file, "service_data", |x| {
            &mut x.origin
        });
        if let Some(mut population) = doc.population {
            let origin = Origin::at(file, vec!["population".into()]);
            population.origin = origin.clone();
            let origin = origin.key();
            if let Some((_, first)) = &self.merged.population {
                let first = first.clone();
                self.error(
                    Code::DuplicatePopulation,
                    origin,
                    "`population` is given in more than one file",
                )
                .hint = Some(format!(
                    "keep one `population:` section (the other is in {})",
                    self.describe(&first)
                ));
            } else {
                self.merged.population = Some((population, origin));
            }
        }
        let m = &mut self.merged;
        m.levels.append(&mut doc.levels);
        m.cohorts.append(&mut doc.cohorts);
        m.entry_points.append(&mut doc.entry_points);
        m.services.append(&mut doc.services);
        m.pathways.append(&mut doc.pathways);
        m.findings.append(&mut doc.findings);
        m.actions.append(&mut doc.actions);
        m.service_data.append(&mut doc.service_data);
        for (i, entry) in doc.indicators.into_iter().enumerate() {
            let origin = Origin::at(file, vec!["indicators".into(), i.into()]);
            match entry {
                IndicatorEntry::Inline(mut indicator) => {
                    indicator.origin = origin;
                    self.merged.indicators.push(*indicator);
                }
                IndicatorEntry::Csv(csv) => self.load_csv(&dir, &csv.csv, origin.child("csv")),
            }
        }
        for (i, pattern) in doc.include.iter().enumerate() {
            let origin = Origin::at(file, vec!["include".into(), i.into()]);
            for included in self.expand(&dir, pattern, &origin, "include") {
                if let Some((id, sub)) = self.read_yaml::<AssessmentFile>(&included, Some(&origin))
                {
                    self.check_included(id, &sub);
                    self.merge(id, &included, sub);
                }
            }
        }
        if let Some(journeys) = &doc.journeys {
            for (i, pattern) in journeys.as_slice().iter().enumerate() {
                let mut path = vec![Seg::from("journeys")];
                if matches!(journeys, OneOrMany::Many(_)) {
                    path.push(i.into());
                }
                let origin = Origin::at(file, path);
                for journey_path in self.expand(&dir, pattern, &origin, "journeys") {
                    self.load_journeys(&journey_path, &origin);
                }
            }
        }
    }

    /// An included file may not carry the main file's own sections.
    fn check_included(&mut self, file: FileId, doc: &AssessmentFile) {
        if doc.assessment.is_some() {
            self.error(
                Code::MisplacedField,
                Origin::at(file, vec!["assessment".into()]).key(),
                "`assessment` belongs in the main assessment file, not an included one",
            )
            .hint = Some("move it to the file you run needsmap on".into());
        }
        if let Some(schema) = &doc.schema
            && schema != SCHEMA_TAG
        {
            self.error(
                Code::UnknownSchema,
                Origin::at(file, vec!["schema".into()]),
                format!("unknown schema `{schema}`"),
            )
            .expected = Some(format!("`{SCHEMA_TAG}`"));
        }
    }

    fn load_journeys(&mut self, path: &Path, named_by: &Origin) {
        let Some((file, doc)) = self.read_yaml::<JourneyFile>(path, Some(named_by)) else {
            return;
        };
        match doc {
            JourneyFile::One(mut journey) => {
                journey.origin = Origin::at(file, Vec::new());
                self.merged.journeys.push(*journey);
            }
            JourneyFile::Many(journeys) => {
                for (i, mut journey) in journeys.into_iter().enumerate() {
                    journey.origin = Origin::at(file, vec![i.into()]);
                    self.merged.journeys.push(journey);
                }
            }
        }
    }

    /// Resolve a path pattern relative to `dir`: every matching file, sorted
    /// so a load is the same on every machine, each real file once.
    fn expand(&mut self, dir: &Path, pattern: &str, origin: &Origin, what: &str) -> Vec<PathBuf> {
        if !self.relative(pattern, origin, what) {
            return Vec::new();
        }
        let joined = dir.join(pattern);
        if joined.to_str().is_none() {
            self.error(
                Code::BadPath,
                origin.clone(),
                format!("the {what} path `{pattern}` is not valid UTF-8"),
            );
            return Vec::new();
        }
        let mut found = match walk::expand(dir, pattern, walk::Limits::default()) {
            Ok(found) => found,
            Err(err) => {
                self.walk_failed(err, pattern, origin, what);
                return Vec::new();
            }
        };
        let before = found.len();
        found.retain(|p| self.workspace.as_ref().is_none_or(|ws| is_inside(p, ws)));
        if found.len() < before {
            self.outside(pattern, origin, what);
            return Vec::new();
        }
        if found.is_empty() {
            let d = self.error(
                Code::MissingFile,
                origin.clone(),
                format!("{what} `{pattern}` matched no files"),
            );
            d.expected = Some(format!("a file at {}", clean_path(&joined).display()));
            d.hint = Some(format!(
                "paths in `{what}:` are relative to the file that names them"
            ));
        }
        found
    }

    fn walk_failed(&mut self, err: WalkError, pattern: &str, origin: &Origin, what: &str) {
        let narrow = "name the folders more precisely, or split the files between several patterns";
        let (code, message, hint) = match err {
            WalkError::BadPattern(msg) => (
                Code::BadPath,
                format!("`{pattern}` is not a valid path pattern: {msg}"),
                "patterns use `*` for any name and `**` for any folders".to_owned(),
            ),
            WalkError::TooManyFiles(limit) => (
                Code::PatternTooBroad,
                format!("{what} `{pattern}` matches more than {limit} files"),
                narrow.to_owned(),
            ),
            WalkError::TooManyDirs(limit) => (
                Code::PatternTooBroad,
                format!("{what} `{pattern}` reaches more than {limit} folders"),
                narrow.to_owned(),
            ),
            WalkError::TooDeep(limit, at) => (
                Code::PatternTooBroad,
                format!(
                    "{what} `{pattern}` goes more than {limit} folders deep (at {})",
                    clean_path(&at).display()
                ),
                "`**` looks in every folder below; start it further down, or name the folders"
                    .to_owned(),
            ),
        };
        self.error(code, origin.clone(), message).hint = Some(hint);
    }

    /// Read a file's text, refusing what cannot be an assessment file.
    fn read_text(
        &mut self,
        path: &Path,
        named_by: Option<&Origin>,
        kind: FileKind,
    ) -> Option<(FileId, String)> {
        let shown = clean_path(path);
        if let Some((at, text)) = &self.memory
            && at == path
        {
            let text = text.clone();
            let id = self.sources.add(shown, kind, Some(text.clone()));
            return Some((id, text));
        }
        let where_named = named_by.cloned();
        let fail = |this: &mut Loader, code, message: String, hint: &str| {
            let origin = where_named.clone().unwrap_or_default();
            let d = this.error(code, origin, message);
            d.hint = Some(hint.to_string());
            None
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) => {
                return fail(
                    self,
                    Code::MissingFile,
                    format!("cannot read `{}`: {}", shown.display(), io_reason(&err)),
                    "check the path; relative paths start from the file that names them",
                );
            }
        };
        if meta.len() > MAX_FILE_BYTES {
            return fail(
                self,
                Code::FileTooLarge,
                format!(
                    "`{}` is {} bytes, over the {MAX_FILE_BYTES}-byte limit",
                    shown.display(),
                    meta.len()
                ),
                "split it with `include:`",
            );
        }
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                return fail(
                    self,
                    Code::MissingFile,
                    format!("cannot read `{}`: {}", shown.display(), io_reason(&err)),
                    "check the file's permissions",
                );
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => {
                let id = self.sources.add(shown, kind, Some(text.clone()));
                Some((id, text))
            }
            Err(err) => {
                let good = &err.as_bytes()[..err.utf8_error().valid_up_to()];
                let pos = position_after(std::str::from_utf8(good).unwrap_or_default());
                let id = self.sources.add(shown, kind, None);
                self.error(
                    Code::NotUtf8,
                    Origin::at_pos(id, pos),
                    "the file is not UTF-8 text",
                )
                .hint = Some(
                    "save the file as UTF-8 (most editors offer this under \"Save with encoding\")"
                        .into(),
                );
                None
            }
        }
    }

    /// Read and deserialize one YAML file, reporting its errors.
    fn read_yaml<T: serde::de::DeserializeOwned + serde::Serialize>(
        &mut self,
        path: &Path,
        named_by: Option<&Origin>,
    ) -> Option<(FileId, T)> {
        if let Ok(canonical) = path.canonicalize()
            && !self.seen.insert(canonical)
        {
            return None;
        }
        let (file, text) = self.read_text(path, named_by, FileKind::Yaml)?;
        if text.trim().is_empty()
            || text
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            self.error(
                Code::EmptyFile,
                Origin::at_pos(file, Pos { line: 1, column: 1 }),
                "the file is empty",
            )
            .hint = Some(match named_by {
                None => format!(
                    "start with `schema: {SCHEMA_TAG}`, or run `needsmap init` for a commented example"
                ),
                Some(_) => "remove the file, or add the lists it should hold".into(),
            });
            return None;
        }
        match from_str_all_errors::<T>(&text) {
            Ok(doc) => {
                self.check_printable(file, &doc);
                Some((file, doc))
            }
            Err(errors) => {
                for err in errors {
                    self.diagnostics.push(structural(file, err));
                }
                None
            }
        }
    }

    /// Every string of a file that holds a character no document can carry,
    /// at the value's line and column.
    fn check_printable<T: serde::Serialize>(&mut self, file: FileId, doc: &T) {
        for found in printable::find_unprintable(doc) {
            let field = match found.path.last() {
                Some(Seg::Key(key)) if found.at_key => format!("the key `{key}`"),
                Some(Seg::Key(key)) => format!("`{key}`"),
                _ => "the text".to_owned(),
            };
            let origin = Origin {
                at_key: found.at_key,
                ..Origin::at(file, found.path)
            };
            self.diagnostics.push(unprintable(
                origin,
                &field,
                found.found,
                found.index,
                YAML_HINT,
            ));
        }
    }

    /// A CSV file is text as written (no escapes), so its characters are
    /// checked where they stand: the first bad one of each line.
    fn check_printable_text(&mut self, file: FileId, text: &str) -> bool {
        let mut clean = true;
        let mut rest = 0;
        while let Some((at, c)) = text[rest..]
            .char_indices()
            .find(|&(_, c)| printable::is_forbidden(c))
        {
            let offset = rest + at;
            let pos = self
                .sources
                .position(file, offset)
                .unwrap_or(Pos { line: 1, column: 1 });
            let index = pos.column as usize - 1;
            self.diagnostics.push(unprintable(
                Origin::at_pos(file, pos),
                "the line",
                c,
                index,
                CSV_HINT,
            ));
            clean = false;
            rest = text[offset..]
                .find('\n')
                .map_or(text.len(), |i| offset + i + 1);
        }
        clean
    }

    fn load_csv(&mut self, dir: &Path, relative: &str, named_by: Origin) {
        if !self.relative(relative, &named_by, "csv") {
            return;
        }
        let path = dir.join(relative);
        if let Some(ws) = &self.workspace
            && path.exists()
            && !is_inside(&path, ws)
        {
            self.outside(relative, &named_by, "csv");
            return;
        }
        let Some((file, text)) = self.read_text(&path, Some(&named_by), FileKind::Csv) else {
            return;
        };
        if !self.check_printable_text(file, &text) {
            return;
        }
        match indicators_from_csv(file, &text) {
            Ok(indicators) => self.merged.indicators.extend(indicators),
            Err(diagnostics) => self.diagnostics.extend(diagnostics),
        }
    }

    /// Paths in an assessment are relative: an absolute one is refused
    /// (unless --allow-outside), so an assessment moves with its folder.
    fn relative(&mut self, pattern: &str, origin: &Origin, what: &str) -> bool {
        if self.workspace.is_some()
            && (Path::new(pattern).is_absolute() || pattern.starts_with('~'))
        {
            self.error(
                Code::OutsideWorkspace,
                origin.clone(),
                format!("the {what} path `{pattern}` is absolute"),
            )
            .hint = Some(
                "write paths relative to the file that names them, or pass --allow-outside".into(),
            );
            return false;
        }
        true
    }

    fn outside(&mut self, pattern: &str, origin: &Origin, what: &str) {
        let ws = self
            .workspace
            .as_ref()
            .map(|w| w.display().to_string())
            .unwrap_or_default();
        self.error(
            Code::OutsideWorkspace,
            origin.clone(),
            format!("the {what} path `{pattern}` leads outside the assessment's workspace ({ws})"),
        )
        .hint = Some(
            "keep the files inside the workspace (the folder holding .git or needsmap.toml), or pass --allow-outside".into(),
        );
    }

    fn describe(&self, origin: &Origin) -> String {
        origin
            .file
            .map(|f| self.sources.get(f).path.display().to_string())
            .unwrap_or_default()
    }
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// The line and column just after `text`.
fn position_after(text: &str) -> Pos {
    let line = text.matches('\n').count() as u32 + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    Pos { line, column }
}

const YAML_HINT: &str = "delete it: it is invisible, and usually comes from a `\\x..` or `\\u....` escape in quotes, or from text pasted from another program";
const CSV_HINT: &str = "delete it: it is invisible, and usually comes from text pasted from another program or a file saved in another encoding";

/// Text holding a character no document can carry (see [`printable`]).
fn unprintable(origin: Origin, field: &str, found: char, index: usize, hint: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BadCharacter,
        origin,
        format!(
            "{field} holds {} at character {}, which no document can carry",
            printable::describe(found),
            index + 1
        ),
    )
    .with_expected("text without control characters or Unicode noncharacters")
    .with_hint(hint)
}

/// A structural (serde) error as a diagnostic.
fn structural(file: FileId, err: DeError) -> Diagnostic {
    let origin = match err.pos {
        Some(pos) => Origin::at_pos(file, pos),
        None => Origin::at(file, err.path.clone()),
    };
    let mut d = Diagnostic::error(err.kind.code(), origin, err.message);
    d.expected = err.expected;
    d.hint = err.hint;
    d
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvRow {
    id: String,
    name: String,
    unit: Unit,
    year: i32,
    value: f64,
    source: String,
}

/// The columns of an indicators CSV file, in order.
const INDICATOR_COLUMNS: [&str; 6] = ["id", "name", "unit", "year", "value", "source"];

/// Read `id,name,unit,year,value,source` rows; rows sharing an id are one
/// indicator, and must agree on its name, unit and source. Every bad row
/// is reported, not just the first.
fn indicators_from_csv(file: FileId, text: &str) -> Result<Vec<Indicator>, Vec<Diagnostic>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().cloned().unwrap_or_default();
    if headers.iter().ne(INDICATOR_COLUMNS.iter().copied()) {
        return Err(vec![unexpected_header(file, &headers)]);
    }
    let mut indicators = CsvIndicators::default();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                errors.push(unreadable_row(file, &err));
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line() as u32);
        match record.deserialize::<CsvRow>(Some(&headers)) {
            Ok(row) => {
                let origin = Origin::at_pos(file, Pos { line, column: 1 });
                errors.extend(indicators.add(row, origin));
            }
            Err(err) => errors.push(unparsed_row(file, &record, line, &err)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(indicators.in_order())
}

fn unexpected_header(file: FileId, headers: &csv::StringRecord) -> Diagnostic {
    Diagnostic::error(
        Code::CsvHeader,
        Origin::at_pos(file, Pos { line: 1, column: 1 }),
        format!(
            "unexpected CSV header `{}`",
            headers.iter().collect::<Vec<_>>().join(",")
        ),
    )
    .with_expected(INDICATOR_COLUMNS.join(","))
}

/// A row the CSV reader cannot split into fields.
fn unreadable_row(file: FileId, err: &csv::Error) -> Diagnostic {
    let line = err.position().map_or(1, |p| p.line() as u32);
    let message = match err.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => format!(
            "the row has {len} fields, the header has {}",
            INDICATOR_COLUMNS.len()
        ),
        csv::ErrorKind::Utf8 { .. } => "the row is not UTF-8 text".into(),
        other => format!("{other:?}"),
    };
    csv_row_error(file, Pos { line, column: 1 }, message)
}

/// A row whose fields do not read as their columns' types, pointed at the
/// field that does not.
fn unparsed_row(
    file: FileId,
    record: &csv::StringRecord,
    line: u32,
    err: &csv::Error,
) -> Diagnostic {
    let field = match err.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err.field().map(|f| f as usize),
        _ => None,
    };
    let (message, column) = match field {
        Some(f) => {
            let found = record.get(f).unwrap_or_default();
            let what = if INDICATOR_COLUMNS[f] == "unit" {
                "count, percent, rate-per-1000 or currency"
            } else {
                "a number"
            };
            let column = record
                .iter()
                .take(f)
                .map(|v| v.chars().count() as u32 + 1)
                .sum::<u32>()
                + 1;
            (
                format!(
                    "column `{}`: expected {what}, found `{found}`",
                    INDICATOR_COLUMNS[f]
                ),
                column,
            )
        }
        None => (err.to_string(), 1),
    };
    csv_row_error(file, Pos { line, column }, message)
}

/// Indicators gathered from CSV rows, in the order their ids first appear.
#[derive(Default)]
struct CsvIndicators {
    by_id: BTreeMap<String, Indicator>,
    order: Vec<String>,
}

impl CsvIndicators {
    /// Add one row: a new indicator, or another year of one already read
    /// (which must repeat its name, unit and source).
    fn add(&mut self, row: CsvRow, origin: Origin) -> Option<Diagnostic> {
        let Some(existing) = self.by_id.get_mut(&row.id) else {
            self.order.push(row.id.clone());
            self.by_id.insert(
                row.id.clone(),
                Indicator {
                    id: row.id,
                    name: row.name,
                    unit: row.unit,
                    values: BTreeMap::from([(row.year, row.value)]),
                    cohort_shares: BTreeMap::new(),
                    source: row.source,
                    description: None,
                    target: None,
                    better: None,
                    origin,
                },
            );
            return None;
        };
        if existing.name != row.name || existing.unit != row.unit || existing.source != row.source {
            return Some(
                Diagnostic::error(
                    Code::CsvRow,
                    origin,
                    format!(
                        "rows for indicator `{}` disagree on its name, unit or source",
                        row.id
                    ),
                )
                .with_hint("every row of one indicator repeats the same name, unit and source"),
            );
        }
        existing
            .values
            .insert(row.year, row.value)
            .is_some()
            .then(|| {
                Diagnostic::error(
                    Code::DuplicateId,
                    origin,
                    format!("indicator `{}` has two rows for {}", row.id, row.year),
                )
            })
    }

    fn in_order(mut self) -> Vec<Indicator> {
        self.order
            .into_iter()
            .filter_map(|id| self.by_id.remove(&id))
            .collect()
    }
}

fn csv_row_error(file: FileId, pos: Pos, message: String) -> Diagnostic {
    Diagnostic::error(Code::CsvRow, Origin::at_pos(file, pos), format!("bad indicator row: {message}"))
        .with_hint("each row is id,name,unit,year,value,source; unit is count, percent, rate-per-1000 or currency")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_after_counts_lines_and_chars() {
        assert_eq!(position_after(""), Pos { line: 1, column: 1 });
        assert_eq!(position_after("ab\ncé"), Pos { line: 2, column: 3 });
    }

    #[test]
    fn csv_rows_with_one_id_make_one_indicator() {
        let text = "id,name,unit,year,value,source\nx,X,count,2023,1,S\nx,X,count,2024,2,S\ny,Y,percent,2024,5,T\n";
        let got = indicators_from_csv(FileId(0), text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].values.len(), 2);
        assert_eq!(got[1].unit, Unit::Percent);
    }

    #[test]
    fn csv_bad_rows_name_their_line() {
        let text = "id,name,unit,year,value,source\nx,X,count,2023,1,S\nx,X,count,20x4,2,S\n";
        let errs = indicators_from_csv(FileId(0), text).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].origin.pos.map(|p| p.line), Some(3));
        assert!(errs[0].message.contains("year"), "{}", errs[0].message);
    }

    #[test]
    fn every_kind_of_bad_indicator_row_is_reported_at_once() {
        let header = indicators_from_csv(FileId(0), "id,name,year\nx,X,2023\n").unwrap_err();
        assert_eq!(header[0].code, Code::CsvHeader);
        let text = "id,name,unit,year,value,source\n\
                    x,X,count,2023,1,S\n\
                    x,Other name,count,2024,2,S\n\
                    x,X,count,2023,3,S\n\
                    y,Y,count,2024\n";
        let errs = indicators_from_csv(FileId(0), text).unwrap_err();
        let seen: Vec<(Code, Option<u32>)> = errs
            .iter()
            .map(|d| (d.code, d.origin.pos.map(|p| p.line)))
            .collect();
        assert_eq!(
            seen,
            [
                (Code::CsvRow, Some(3)),
                (Code::DuplicateId, Some(4)),
                (Code::CsvRow, Some(5)),
            ]
        );
        assert!(errs[0].message.contains("disagree"), "{}", errs[0].message);
        assert!(
            errs[2].message.contains("4 fields, the header has 6"),
            "{}",
            errs[2].message
        );
    }
}
