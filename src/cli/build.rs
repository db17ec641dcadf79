//! `needsmap build`: the three documents in every format, and the exports.
//!
//! Everything is built in memory first, then written to a temporary folder
//! beside the output and moved into place in one step: a failed build
//! leaves the previous outputs as they were.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{AssessmentArg, CliError, CliResult, EXIT_OK, EXIT_PROBLEMS, load_checked};
use crate::render::{DEFAULT_SUPPRESS_BELOW, Options, OutputFile, build};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub file: AssessmentArg,
    /// Output folder (replaced as a whole when the build succeeds).
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// An internal build: include journeys and notes marked internal. Never
    /// publish it.
    #[arg(long)]
    pub internal: bool,
    /// In public builds, show counts from journeys below N as "fewer than N"
    /// [default: `assessment.suppress_below`, else 5].
    #[arg(long, value_name = "N")]
    pub suppress_below: Option<u32>,
    /// Skip the PDFs (faster drafts).
    #[arg(long)]
    pub no_pdf: bool,
    /// Last year's edition of this assessment: the action plan then opens
    /// with the progress made since (see `needsmap progress`).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let Some((_, a)) = load_checked(&args.file, err)? else {
        return Ok(EXIT_PROBLEMS);
    };
    let previous = match &args.previous {
        Some(path) => {
            let arg = AssessmentArg {
                assessment: path.clone(),
                allow_outside: args.file.allow_outside,
            };
            match load_checked(&arg, err)? {
                Some((_, p)) => Some(p),
                None => return Ok(EXIT_PROBLEMS),
            }
        }
        None => None,
    };
    let options = Options {
        internal: args.internal,
        suppress_below: args
            .suppress_below
            .or(a.info.suppress_below)
            .unwrap_or(DEFAULT_SUPPRESS_BELOW),
        pdf: !args.no_pdf,
        allow_outside: args.file.allow_outside,
        previous: previous.as_ref(),
    };
    let files = match build(&a, &args.file.assessment, options) {
        Ok(files) => files,
        Err(e) => {
            writeln!(
                err,
                "error: {e}\nnothing was written; {} is unchanged",
                args.out.display()
            )?;
            return Ok(EXIT_PROBLEMS);
        }
    };
    replace_dir(&args.out, &files)?;
    let kind = if args.internal {
        "internal (not for publication)"
    } else {
        "public"
    };
    writeln!(
        out,
        "wrote {} files to {} ({kind} build)",
        files.len(),
        args.out.display()
    )?;
    for (stem, label) in crate::render::DOCUMENTS {
        writeln!(out, "  {label}: {stem}.html, {stem}.pdf, {stem}.md")?;
    }
    Ok(EXIT_OK)
}

/// Write `files` into a fresh folder next to `dir`, then swap it in.
pub fn replace_dir(dir: &Path, files: &[OutputFile]) -> Result<(), CliError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| CliError(format!("cannot create {}: {e}", parent.display())))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let result = (|| -> Result<(), CliError> {
        for f in files {
            let path = staging.join(&f.path);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)
                    .map_err(|e| CliError(format!("cannot create {}: {e}", p.display())))?;
            }
            std::fs::write(&path, &f.bytes)
                .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
        }
        if dir.exists() {
            std::fs::rename(dir, &old).map_err(|e| {
                CliError(format!("cannot move the old {} aside: {e}", dir.display()))
            })?;
        }
        if let Err(e) = std::fs::rename(&staging, dir) {
            let _ = std::fs::rename(&old, dir);
            return Err(CliError(format!(
                "cannot move the new build into {}: {e}",
                dir.display()
            )));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}
