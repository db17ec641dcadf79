//! `needsmap import`: a workbook or CSV file of services (and cohorts,
//! levels, entry points) as commented YAML includes; `--template` writes
//! the workbook to fill in, empty or from an assessment.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{AssessmentArg, CliError, CliResult, EXIT_OK, EXIT_PROBLEMS, load_checked};
use crate::import::{self, Failed, Problem};

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["workbook", "template", "oruk"])))]
pub struct Args {
    /// The workbook (.xlsx, .ods) or CSV file to import.
    pub workbook: Option<PathBuf>,
    /// Folder to write the YAML files to (services.yaml, cohorts.yaml,
    /// levels.yaml, entry-points.yaml, service-data.yaml).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Overwrite YAML files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Write the import workbook template here (.xlsx) instead: every
    /// sheet and column, a note on each header, drop-down lists.
    #[arg(long, value_name = "FILE.xlsx", conflicts_with = "workbook")]
    pub template: Option<PathBuf>,
    /// With --template: fill it from this assessment's levels, cohorts,
    /// entry points and services.
    #[arg(long, value_name = "ASSESSMENT", requires = "template")]
    pub from: Option<PathBuf>,
    /// Import an Open Referral UK 3.0 feed instead: one service, a JSON
    /// array of services, or a saved `/services` page.
    #[arg(long, value_name = "FEED.json", conflicts_with_all = ["workbook", "template"])]
    pub oruk: Option<PathBuf>,
    /// With --oruk: what the feed's words mean here (defaults, localities
    /// by postcode district or place name, taxonomy terms); see the README.
    #[arg(long, value_name = "MAPPING.yaml", requires = "oruk")]
    pub mapping: Option<PathBuf>,
    /// The assessment the imported files are for: the levels, cohorts,
    /// services and entry points it defines may be named by the workbook's
    /// rows (and are checked as such).
    #[arg(long, value_name = "A.yaml", requires = "workbook")]
    pub assessment: Option<PathBuf>,
    /// With --from or --assessment: let the assessment name files outside
    /// its workspace.
    #[arg(long)]
    pub allow_outside: bool,
}

pub(super) fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    if let Some(path) = &args.template {
        return template(args, path, out, err);
    }
    if let Some(feed) = &args.oruk {
        return oruk(args, feed, out, err);
    }
    let Some(workbook) = &args.workbook else {
        return Ok(super::EXIT_USAGE);
    };
    let Some(dir) = &args.out else {
        writeln!(
            err,
            "error: say where the YAML goes: needsmap import {} -o DIR",
            workbook.display()
        )?;
        return Ok(super::EXIT_USAGE);
    };
    let known = match load(args.assessment.as_deref(), args, err)? {
        Loaded::None => import::KnownIds::new(),
        Loaded::Assessment(a) => known_ids(&a),
        Loaded::Broken => return Ok(EXIT_PROBLEMS),
    };
    let (imported, files) = match import::spreadsheet(workbook, &known) {
        Ok(done) => done,
        Err(Failed::Unreadable(e)) => {
            writeln!(
                err,
                "error: {}: {e}\nnothing was written",
                workbook.display()
            )?;
            return Ok(EXIT_PROBLEMS);
        }
        Err(Failed::Problems(problems)) => {
            report(workbook, &problems, err)?;
            return Ok(EXIT_PROBLEMS);
        }
    };
    let targets: Vec<(PathBuf, &str)> = files
        .iter()
        .map(|f| (dir.join(f.name), f.text.as_str()))
        .collect();
    refuse_existing(&targets, args.force)?;
    write_all(dir, &targets)?;
    for name in &imported.ignored {
        writeln!(
            err,
            "note: sheet {name:?} is not one of the import layout's ({}); it was not read",
            import::layout::Sheet::ALL.map(|s| s.name()).join(", ")
        )?;
    }
    let counts = [
        (imported.services.len(), "service", "services"),
        (imported.cohorts.len(), "cohort", "cohorts"),
        (imported.levels.len(), "level", "levels"),
        (imported.entry_points.len(), "entry point", "entry points"),
        (
            imported.service_data.len(),
            "demand record",
            "demand records",
        ),
    ];
    let read: Vec<String> = counts
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|&(n, one, many)| crate::text::plural(n, one, many))
        .collect();
    writeln!(
        out,
        "imported {} from {}",
        read.join(", "),
        workbook.display()
    )?;
    for (path, _) in &targets {
        writeln!(out, "  wrote {}", path.display())?;
    }
    writeln!(
        out,
        "next: add include: [{0}/*.yaml] to the assessment (the path is from the assessment's folder) and run needsmap check",
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| ".".into())
    )?;
    Ok(EXIT_OK)
}

/// An assessment named on the command line, checked (its errors printed).
enum Loaded {
    None,
    Assessment(Box<crate::model::Assessment>),
    Broken,
}

fn load(path: Option<&Path>, args: &Args, err: &mut dyn Write) -> Result<Loaded, CliError> {
    let Some(path) = path else {
        return Ok(Loaded::None);
    };
    let arg = AssessmentArg {
        assessment: path.to_path_buf(),
        allow_outside: args.allow_outside,
    };
    Ok(match load_checked(&arg, err)? {
        Some((_, a)) => Loaded::Assessment(Box::new(a)),
        None => Loaded::Broken,
    })
}

/// The ids an assessment defines, by the sheet that would hold them.
fn known_ids(a: &crate::model::Assessment) -> import::KnownIds {
    use crate::import::layout::Sheet;
    let mut known = import::KnownIds::new();
    known.insert(
        Sheet::Levels,
        a.levels.iter().map(|l| l.id.clone()).collect(),
    );
    known.insert(
        Sheet::Cohorts,
        a.cohorts.iter().map(|c| c.id.clone()).collect(),
    );
    known.insert(
        Sheet::EntryPoints,
        a.entry_points.iter().map(|e| e.id.clone()).collect(),
    );
    known.insert(
        Sheet::Services,
        a.services.iter().map(|s| s.id.clone()).collect(),
    );
    known
}

fn oruk(args: &Args, feed: &Path, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let Some(dir) = &args.out else {
        writeln!(
            err,
            "error: say where the YAML goes: needsmap import --oruk {} -o DIR",
            feed.display()
        )?;
        return Ok(super::EXIT_USAGE);
    };
    let mapping = match &args.mapping {
        Some(path) => match import::oruk::mapping(path) {
            Ok(m) => m,
            Err(e) => {
                writeln!(
                    err,
                    "error: in the mapping file {}:\n{e}\nnothing was written",
                    path.display()
                )?;
                return Ok(EXIT_PROBLEMS);
            }
        },
        None => import::oruk::Mapping::default(),
    };
    let feed_read = match import::oruk::import(feed, &mapping) {
        Ok(f) => f,
        Err(problems) => {
            report(feed, &problems, err)?;
            return Ok(EXIT_PROBLEMS);
        }
    };
    let targets = vec![(dir.join(feed_read.file.name), feed_read.file.text.as_str())];
    refuse_existing(&targets, args.force)?;
    write_all(dir, &targets)?;
    writeln!(
        out,
        "imported {} from {}{}",
        crate::text::plural(feed_read.services.len(), "service", "services"),
        feed.display(),
        if feed_read.skipped.is_empty() {
            String::new()
        } else {
            format!(" ({} not active, left out)", feed_read.skipped.len())
        }
    )?;
    writeln!(out, "  wrote {}", targets[0].0.display())?;
    if let Some(pages) = &feed_read.pages {
        writeln!(out, "note: {pages}")?;
    }
    writeln!(
        out,
        "next: answer its TODOs (levels, exclusions, referral routes), include it from the assessment and run needsmap check"
    )?;
    Ok(EXIT_OK)
}

fn refuse_existing(targets: &[(PathBuf, &str)], force: bool) -> Result<(), CliError> {
    // A link (even one to nothing) is something that exists.
    let exists = |p: &PathBuf| std::fs::symlink_metadata(p).is_ok();
    if !force && let Some((existing, _)) = targets.iter().find(|(p, _)| exists(p)) {
        return Err(CliError::Failed(format!(
            "{} already exists; nothing was written (use --force to overwrite)",
            existing.display()
        )));
    }
    Ok(())
}

/// Every problem, one block each, as `check` prints its diagnostics.
fn report(workbook: &Path, problems: &[Problem], err: &mut dyn Write) -> Result<(), CliError> {
    for p in problems {
        writeln!(
            err,
            "error: {}:{}: {}",
            workbook.display(),
            p.place,
            p.message
        )?;
        if let Some(e) = &p.expected {
            writeln!(err, "  = expected: {e}")?;
        }
        if let Some(h) = &p.hint {
            writeln!(err, "  = hint: {h}")?;
        }
    }
    writeln!(
        err,
        "failed: {} in {}; nothing was written",
        crate::text::plural(problems.len(), "problem", "problems"),
        workbook.display()
    )?;
    Ok(())
}

/// Write every file or none: each goes to a temporary name first and is
/// renamed into place once all are written.
fn write_all(dir: &Path, targets: &[(PathBuf, &str)]) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", dir.display())))?;
    let mut staged = Vec::new();
    for (path, text) in targets {
        let temp = path.with_extension("yaml.needsmap-tmp");
        if let Err(e) = std::fs::write(&temp, text) {
            for t in &staged {
                let _ = std::fs::remove_file(t);
            }
            let _ = std::fs::remove_file(&temp);
            return Err(CliError::Failed(format!(
                "cannot write {}: {e}",
                path.display()
            )));
        }
        staged.push(temp);
    }
    for ((path, _), temp) in targets.iter().zip(&staged) {
        std::fs::rename(temp, path)
            .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

fn template(args: &Args, path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        writeln!(
            err,
            "error: the template is an Excel workbook: name it FILE.xlsx (LibreOffice opens it too), not {}",
            path.display()
        )?;
        return Ok(super::EXIT_USAGE);
    }
    if !args.force && std::fs::symlink_metadata(path).is_ok() {
        return Err(CliError::Failed(format!(
            "{} already exists; nothing was written (use --force to overwrite)",
            path.display()
        )));
    }
    let assessment = match load(args.from.as_deref(), args, err)? {
        Loaded::None => None,
        Loaded::Assessment(a) => Some(*a),
        Loaded::Broken => return Ok(EXIT_PROBLEMS),
    };
    let bytes = import::template::workbook(assessment.as_ref()).map_err(CliError::Failed)?;
    std::fs::write(path, bytes)
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
    match &args.from {
        Some(from) => writeln!(out, "wrote {} from {}", path.display(), from.display())?,
        None => writeln!(
            out,
            "wrote {}: fill it in, then needsmap import {} -o DIR",
            path.display(),
            path.display()
        )?,
    }
    Ok(EXIT_OK)
}
