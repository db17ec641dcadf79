//! `needsmap build`: the three documents in every format, and the exports.
//!
//! Everything is built in memory first, then written to a staging folder
//! beside the output and swapped in (see [`crate::output`]): a failed build
//! leaves the previous outputs as they were, and a folder holding anything
//! needsmap did not write is never replaced.

use std::io::Write;
use std::path::PathBuf;

use super::{AssessmentArg, CliResult, EXIT_OK, EXIT_PROBLEMS, load_checked, output_refused};
use crate::render::{Options, build};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub file: AssessmentArg,
    /// Output folder: replaced as a whole when the build succeeds, and only
    /// if it is new, empty or an earlier needsmap output.
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
    /// Also write each document as a Word file (.docx), to finish in Word.
    /// Drawing its charts as pictures adds about half to the build's time,
    /// so plain builds leave it out.
    #[arg(long)]
    pub docx: bool,
    /// Last year's edition of this assessment: the action plan then opens
    /// with the progress made since (see `needsmap progress`).
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
}

pub(super) fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let Some((loaded, a)) = load_checked(&args.file, err)? else {
        return Ok(EXIT_PROBLEMS);
    };
    let mut inputs: Vec<PathBuf> = loaded.sources.files().map(|f| f.path.clone()).collect();
    inputs.push(args.file.assessment.clone());
    // Refuse an unsafe output folder before the slow part.
    if let Err(e) = crate::output::check_replaceable(&args.out, &inputs) {
        return output_refused(&e, err);
    }
    let previous = match &args.previous {
        Some(path) => {
            let arg = AssessmentArg {
                assessment: path.clone(),
                allow_outside: args.file.allow_outside,
            };
            match load_checked(&arg, err)? {
                Some((loaded, p)) => {
                    inputs.extend(loaded.sources.files().map(|f| f.path.clone()));
                    Some(p)
                }
                None => return Ok(EXIT_PROBLEMS),
            }
        }
        None => None,
    };
    let options = Options {
        internal: args.internal,
        suppress_below: crate::render::suppress_below(args.suppress_below, &a),
        pdf: !args.no_pdf,
        docx: args.docx,
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
    if let Err(e) = crate::output::replace_folder(&args.out, &files, &inputs) {
        return output_refused(&e, err);
    }
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
    let formats: Vec<&str> = [
        ("html", true),
        ("pdf", !args.no_pdf),
        ("docx", args.docx),
        ("md", true),
    ]
    .into_iter()
    .filter_map(|(ext, built)| built.then_some(ext))
    .collect();
    for (stem, label) in crate::render::DOCUMENTS {
        let names: Vec<String> = formats.iter().map(|ext| format!("{stem}.{ext}")).collect();
        writeln!(out, "  {label}: {}", names.join(", "))?;
    }
    if !args.docx {
        writeln!(out, "  (--docx also writes each document as a Word file)")?;
    }
    Ok(EXIT_OK)
}
