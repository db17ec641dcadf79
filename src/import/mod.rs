//! Import: the data analysts already have, as needsmap's YAML. A
//! workbook (`.xlsx`, `.ods`) or CSV file laid out as [`layout`]
//! documents, or an Open Referral UK feed ([`oruk`]), becomes commented
//! YAML includes, or a located list of every problem and nothing written.

pub(crate) mod layout;
pub(crate) mod oruk;
pub(crate) mod read;
pub(crate) mod template;
mod workbook;
pub(crate) mod yaml;

use std::path::Path;

pub(crate) use read::{Imported, KnownIds, Problem};
pub(crate) use yaml::YamlFile;

/// Why an import wrote nothing.
#[derive(Debug)]
pub(crate) enum Failed {
    /// The file could not be read as a workbook at all.
    Unreadable(String),
    /// It was read, and these cells, rows or sheets are wrong.
    Problems(Vec<Problem>),
}

/// Read a workbook or CSV file and make the YAML files it becomes.
/// `known`: ids the assessment the files are for already defines, so the
/// workbook's rows may name them.
pub(crate) fn spreadsheet(
    path: &Path,
    known: &KnownIds,
) -> Result<(Imported, Vec<YamlFile>), Failed> {
    let tables = workbook::read(path).map_err(Failed::Unreadable)?;
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let imported = read::read(&tables, csv, known).map_err(Failed::Problems)?;
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let files = yaml::files(&imported, &source).map_err(Failed::Unreadable)?;
    Ok((imported, files))
}
