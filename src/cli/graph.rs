//! `needsmap graph`: the pathway graph for Graphviz, Gephi/yEd, Kumu.

use std::io::Write;

use super::{AssessmentArg, CliResult, EXIT_OK, EXIT_PROBLEMS, load_checked};
use crate::graph::{GraphFormat, PathwayGraph, export};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub file: AssessmentArg,
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Only what this cohort can use: services eligible for it and the
    /// routes open to it.
    #[arg(long)]
    pub cohort: Option<String>,
}

pub(super) fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let Some((_, a)) = load_checked(&args.file, err)? else {
        return Ok(EXIT_PROBLEMS);
    };
    let cohort = match &args.cohort {
        Some(id) => Some(super::known_cohort(&a, id)?),
        None => None,
    };
    let g = PathwayGraph::build(&a);
    out.write_all(export(&g, args.format, cohort).as_bytes())?;
    Ok(EXIT_OK)
}
