//! The `needsmap` command: one module a subcommand.

mod build;
mod check;
mod events;
mod gaps;
mod graph;
mod import;
mod init;
mod journeys;
mod progress;
pub(crate) mod schema;
mod serve;
mod table;
mod templates;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes: 0 clean, 1 problems found (or a failure), 2 bad usage.
pub const EXIT_OK: u8 = 0;
pub const EXIT_PROBLEMS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "needsmap",
    version,
    about = "Domestic abuse needs assessment, gap analysis and strategy documents",
    long_about = "needsmap reads a local area's domestic abuse provision, described in YAML \
(levels of need, cohorts, entry points, services, indicators, findings, actions, survivor \
journeys), checks it, finds the gaps, and writes the needs assessment, safe accommodation \
strategy and action plan."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the needs assessment, safe accommodation strategy and action
    /// plan (HTML, PDF, Markdown) and the data exports.
    Build(build::Args),
    /// Check an assessment: every error with file, line and column.
    Check(check::Args),
    /// Find the gaps: cohorts that cannot get the help their level of need calls for.
    Gaps(gaps::Args),
    /// Export the referral pathway graph (DOT, GraphML, JSON, Kumu).
    Graph(graph::Args),
    /// Survivor journeys: metrics, informal routes, and SVG journey maps.
    Journeys(journeys::Args),
    /// Observed pathways from a case event log (CSV).
    Events(events::Args),
    /// What changed since the last edition: gaps closed and opened, actions
    /// moved on, indicators against targets (the annual review).
    Progress(progress::Args),
    /// Create a small, commented assessment to start from.
    Init(init::Args),
    /// Start from the data you have: a workbook or CSV of services (and
    /// funding, service data, cohorts, levels, entry points), or an Open
    /// Referral UK feed, as YAML includes; or write the workbook template.
    Import(import::Args),
    /// Preview the documents in a browser, rebuilt as you edit: serves them
    /// on 127.0.0.1, reloads open pages after each saved edit, and shows an
    /// edit's errors in the page.
    Serve(serve::Args),
    /// Print the JSON Schema of the input files, for editors.
    Schema(schema::Args),
    /// List the built-in document templates, or export them to override.
    Templates(templates::Args),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For other tools.
    Json,
}

/// Run the command line `args` (program name first), writing to `out` and
/// `err`; returns the process exit code.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            return code;
        }
    };
    let result = match cli.command {
        Command::Build(args) => build::run(&args, out, err),
        Command::Check(args) => check::run(&args, out, err),
        Command::Gaps(args) => gaps::run(&args, out, err),
        Command::Graph(args) => graph::run(&args, out, err),
        Command::Journeys(args) => journeys::run(&args, out, err),
        Command::Events(args) => events::run(&args, out, err),
        Command::Progress(args) => progress::run(&args, out, err),
        Command::Init(args) => init::run(&args, out),
        Command::Import(args) => import::run(&args, out, err),
        Command::Serve(args) => serve::run(&args, out, err),
        Command::Schema(args) => schema::run(&args, out),
        Command::Templates(args) => templates::run(&args, out),
    };
    exit_code(result, err)
}

/// The exit code of a command's result, its error (if any) reported.
fn exit_code(result: CliResult, err: &mut dyn Write) -> u8 {
    match result {
        Ok(code) => code,
        Err(CliError::ReaderGone) => EXIT_OK,
        Err(CliError::Failed(message)) => {
            let _ = writeln!(err, "error: {message}");
            EXIT_PROBLEMS
        }
    }
}

/// Why a command stopped before it finished.
#[derive(Debug)]
pub enum CliError {
    /// Something to tell the user (I/O, a refused overwrite, bad flags).
    Failed(String),
    /// The reader of our output went away (`needsmap events log.csv |
    /// head`): the command is done, and there is nothing to say.
    ReaderGone,
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Failed(message) => f.write_str(message),
            CliError::ReaderGone => f.write_str("the reader of the output went away"),
        }
    }
}

impl std::error::Error for CliError {}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::BrokenPipe => CliError::ReaderGone,
            _ => CliError::Failed(e.to_string()),
        }
    }
}

pub type CliResult = Result<u8, CliError>;

/// Load and check an assessment for a command that analyses it
/// ([`crate::check::load_checked`]). On errors, print them and return
/// `None`.
pub fn load_checked(
    file: &AssessmentArg,
    err: &mut dyn Write,
) -> Result<Option<(crate::model::Loaded, crate::model::Assessment)>, CliError> {
    let path = &file.assessment;
    match crate::check::load_checked(path, file.options()) {
        Ok(checked) => Ok(Some(checked)),
        Err(failed) => {
            crate::check::render_capped(&failed.errors, err)?;
            writeln!(
                err,
                "failed: {} in {}; nothing was analysed",
                crate::gaps::plural(failed.errors.len(), "error", "errors"),
                path.display()
            )?;
            Ok(None)
        }
    }
}

/// Report an output folder needsmap would not (or could not) write.
pub fn output_refused(e: &crate::output::OutputError, err: &mut dyn Write) -> CliResult {
    writeln!(err, "error: {e}\nnothing was written")?;
    Ok(EXIT_PROBLEMS)
}

/// The index of cohort `id`, or an error with a hint.
pub fn known_cohort(a: &crate::model::Assessment, id: &str) -> Result<usize, CliError> {
    a.cohorts.iter().position(|c| c.id == id).ok_or_else(|| {
        let hint = crate::check::did_you_mean(id, a.cohorts.iter().map(|c| c.id.as_str()))
            .unwrap_or_else(|| {
                format!(
                    "cohorts are: {}",
                    a.cohorts
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
        CliError::Failed(format!("unknown cohort `{id}`; {hint}"))
    })
}

/// The assessment file argument most commands take.
#[derive(clap::Args, Debug)]
pub struct AssessmentArg {
    /// The assessment file, e.g. assessments/northmoor.yaml
    pub assessment: PathBuf,
    /// Let the assessment name files (and templates) outside its workspace:
    /// the nearest folder above it holding .git or needsmap.toml.
    #[arg(long)]
    pub allow_outside: bool,
}

impl AssessmentArg {
    pub fn options(&self) -> crate::model::LoadOptions {
        crate::model::LoadOptions {
            allow_outside: self.allow_outside,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_that_went_away_ends_the_command_quietly() {
        let gone = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let mut err = Vec::new();
        assert_eq!(exit_code(Err(gone.into()), &mut err), EXIT_OK);
        assert!(err.is_empty());
    }

    #[test]
    fn an_error_is_reported_whatever_its_words() {
        // The words of a broken pipe, from anywhere else, are an error.
        let mut err = Vec::new();
        let failed = CliError::Failed("broken pipe".into());
        assert_eq!(exit_code(Err(failed), &mut err), EXIT_PROBLEMS);
        assert_eq!(String::from_utf8_lossy(&err), "error: broken pipe\n");
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(exit_code(Err(denied.into()), &mut err), EXIT_PROBLEMS);
    }
}
