//! `needsmap progress`: what changed between last year's edition of an
//! assessment and this year's, as Markdown for the annual review or JSON.

use std::io::Write;
use std::path::PathBuf;

use super::{AssessmentArg, CliError, CliResult, EXIT_OK, EXIT_PROBLEMS, load_checked};
use crate::progress::compare_as;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressFormat {
    /// Markdown: headings and tables to paste into a report.
    Markdown,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The earlier edition, e.g. last year's assessment file.
    pub before: PathBuf,
    /// The later edition.
    pub after: PathBuf,
    /// Let either assessment name files outside its workspace.
    #[arg(long)]
    pub allow_outside: bool,
    /// Include what the editions mark internal (journeys, findings, notes).
    /// Without it the report is fit to publish, like `build`.
    #[arg(long)]
    pub internal: bool,
    /// Withhold count indicators below N [default: the later edition's
    /// `assessment.suppress_below`, else 5].
    #[arg(long, value_name = "N")]
    pub suppress_below: Option<u32>,
    #[arg(long, value_enum, default_value_t = ProgressFormat::Markdown)]
    pub format: ProgressFormat,
}

pub(super) fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let load = |path: &PathBuf, err: &mut dyn Write| {
        let arg = AssessmentArg {
            assessment: path.clone(),
            allow_outside: args.allow_outside,
        };
        load_checked(&arg, err)
    };
    let Some((_, before)) = load(&args.before, err)? else {
        return Ok(EXIT_PROBLEMS);
    };
    let Some((_, after)) = load(&args.after, err)? else {
        return Ok(EXIT_PROBLEMS);
    };
    let below = args
        .suppress_below
        .or(after.info.suppress_below)
        .unwrap_or(crate::render::DEFAULT_SUPPRESS_BELOW);
    let progress = compare_as(&before, &after, (!args.internal).then_some(below));
    match args.format {
        ProgressFormat::Json => {
            let json = serde_json::to_string_pretty(&progress)
                .map_err(|e| CliError::Failed(e.to_string()))?;
            writeln!(out, "{json}")?;
        }
        ProgressFormat::Markdown => {
            let text = crate::render::progress_report(&progress, &args.after, args.allow_outside)
                .map_err(CliError::Failed)?;
            out.write_all(text.as_bytes())?;
        }
    }
    Ok(EXIT_OK)
}
