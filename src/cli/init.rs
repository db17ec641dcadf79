//! `needsmap init DIR`: a small, commented assessment to start from.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CliError, CliResult, EXIT_OK};

/// The scaffold: each file's path inside DIR and its text.
const FILES: &[(&str, &str)] = &[
    (
        "assessment.yaml",
        include_str!("../../templates/init/assessment.yaml"),
    ),
    (
        "journeys/j01-example.yaml",
        include_str!("../../templates/init/journey.yaml"),
    ),
];

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create the assessment in (created if missing).
    pub dir: PathBuf,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: &Args, out: &mut dyn Write) -> CliResult {
    let targets: Vec<(PathBuf, &str)> = FILES.iter().map(|(p, t)| (args.dir.join(p), *t)).collect();
    if !args.force
        && let Some((existing, _)) = targets.iter().find(|(p, _)| p.exists())
    {
        return Err(CliError::Failed(format!(
            "{} already exists; nothing was written (use --force to overwrite)",
            existing.display()
        )));
    }
    for (path, text) in &targets {
        write_file(path, text)?;
    }
    let main = args.dir.join(FILES[0].0);
    writeln!(out, "created {} and one journey", main.display())?;
    writeln!(out, "next: needsmap check {}", main.display())?;
    Ok(EXIT_OK)
}

fn write_file(path: &Path, text: &str) -> Result<(), CliError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))
}
