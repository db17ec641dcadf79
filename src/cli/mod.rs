//! The `needsmap` command: one module a subcommand.

mod check;
mod init;
pub mod schema;

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
    /// Check an assessment: every error with file, line and column.
    Check(check::Args),
    /// Create a small, commented assessment to start from.
    Init(init::Args),
    /// Print the JSON Schema of the input files, for editors.
    Schema(schema::Args),
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
        Command::Check(args) => check::run(&args, out, err),
        Command::Init(args) => init::run(&args, out),
        Command::Schema(args) => schema::run(&args, out),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "error: {e:#}");
            EXIT_PROBLEMS
        }
    }
}

/// An error a command reports and stops on (I/O, refused overwrite).
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError(e.to_string())
    }
}

pub type CliResult = Result<u8, CliError>;

/// The assessment file argument most commands take.
#[derive(clap::Args, Debug)]
pub struct AssessmentArg {
    /// The assessment file, e.g. assessments/northmoor.yaml
    pub assessment: PathBuf,
}
