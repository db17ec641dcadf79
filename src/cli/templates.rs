//! `needsmap templates --export DIR`: copy the built-in templates out, to
//! start overriding them (put edited files in a `templates/` folder next to
//! the assessment).

use std::io::Write;
use std::path::PathBuf;

use super::{CliError, CliResult, EXIT_OK};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to copy the built-in templates to.
    #[arg(long)]
    pub export: Option<PathBuf>,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: &Args, out: &mut dyn Write) -> CliResult {
    match &args.export {
        Some(dir) => {
            let written =
                crate::render::templates::export(dir, args.force).map_err(CliError::Failed)?;
            for p in &written {
                writeln!(out, "wrote {}", p.display())?;
            }
            writeln!(
                out,
                "to use them, put the ones you change in a `templates/` folder next to your assessment"
            )?;
        }
        None => {
            for (name, _) in crate::render::templates::BUILT_IN {
                writeln!(out, "{name}")?;
            }
        }
    }
    Ok(EXIT_OK)
}
