//! `needsmap journeys`: metrics per journey and per touchpoint, informal
//! routes, and SVG journey maps.

use std::io::Write;
use std::path::PathBuf;

use super::table::{NAME, PROSE, TerminalTable};
use super::{
    AssessmentArg, CliError, CliResult, EXIT_OK, EXIT_PROBLEMS, load_checked, output_refused,
};
use crate::graph::PathwayGraph;
use crate::journeys::{report, svg};
use crate::render::disclosure::View;
use crate::render::{DEFAULT_SUPPRESS_BELOW, OutputFile, charts};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum JourneysFormat {
    Table,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub file: AssessmentArg,
    #[arg(long, value_enum, default_value_t = JourneysFormat::Table)]
    pub format: JourneysFormat,
    /// Write a journey map per journey (JOURNEY.svg) and the averaged map
    /// (touchpoints.svg) to this folder: replaced as a whole, and only if it
    /// is new, empty or an earlier needsmap output.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Include every journey and note: those marked internal, and those
    /// consented for counting only. Without it the maps, tables and JSON
    /// hold only what a public build shows journey by journey.
    #[arg(long)]
    pub internal: bool,
}

/// The journeys report, with the `unmapped-pathway` gaps they show.
#[derive(serde::Serialize)]
struct JsonOut<'a> {
    #[serde(flatten)]
    report: &'a crate::journeys::JourneyReport,
    findings: &'a [crate::gaps::Gap],
}

pub(super) fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let Some((loaded, full)) = load_checked(&args.file, err)? else {
        return Ok(EXIT_PROBLEMS);
    };
    // Public unless --internal, as `build` is, and through the same view:
    // the maps are files to hand on, and the tables are easily pasted into
    // a paper, so none of it may show a journey without consent to
    // publish it. Journeys consented only for counting are left out here
    // (their counts, with small ones hidden, are in the needs assessment).
    let threshold = full.info.suppress_below.unwrap_or(DEFAULT_SUPPRESS_BELOW);
    let view = View::of(&full, args.internal, threshold);
    let public = view.is_public();
    let a = view.assessment;
    if public && a.journeys.len() < full.journeys.len() {
        writeln!(
            err,
            "journeys without consent to publish are left out (--internal includes them)"
        )?;
    }
    let g = PathwayGraph::build(&a);
    let r = report(&g);
    // Routes journeys took that no service records: gaps of the analysis.
    let informal: Vec<crate::gaps::Gap> = crate::gaps::analyse_graph(&g)
        .gaps
        .into_iter()
        .filter(|x| x.kind == crate::gaps::GapKind::UnmappedPathway)
        .collect();
    if let Some(dir) = &args.svg {
        let mut maps: Vec<OutputFile> = a
            .journeys
            .iter()
            .map(|j| OutputFile {
                path: format!("{}.svg", j.id),
                bytes: svg::journey_map(&a, j).into_bytes(),
            })
            .collect();
        maps.push(OutputFile {
            path: "touchpoints.svg".into(),
            bytes: charts::touchpoints(&r).into_bytes(),
        });
        // The same rule as `build -o`: the folder is replaced whole, so only
        // when it is new, empty or needsmap's own earlier output.
        let inputs: Vec<PathBuf> = loaded.sources.files().map(|f| f.path.clone()).collect();
        if let Err(e) = crate::output::replace_folder(dir, &maps, &inputs) {
            return output_refused(&e, err);
        }
        writeln!(
            err,
            "wrote {} journey maps and touchpoints.svg to {}",
            a.journeys.len(),
            dir.display()
        )?;
    }
    match args.format {
        JourneysFormat::Json => {
            let json = serde_json::to_string_pretty(&JsonOut {
                report: &r,
                findings: &informal,
            })
            .map_err(|e| CliError::Failed(e.to_string()))?;
            writeln!(out, "{json}")?;
        }
        JourneysFormat::Table => {
            if !public {
                writeln!(out, "INTERNAL: not for publication")?;
            }
            let mut t = TerminalTable::new(&[
                ("journey", NAME),
                ("cohorts", PROSE),
                ("steps", NAME),
                ("services", NAME),
                ("handoffs", NAME),
                ("retold", NAME),
                ("refused", NAME),
                ("days to support", NAME),
                ("ended", NAME),
                ("mean feeling", NAME),
            ]);
            for m in &r.journeys {
                t.row([
                    m.id.clone(),
                    m.cohorts.join(", "),
                    m.steps.to_string(),
                    m.services_touched.to_string(),
                    m.handoffs.to_string(),
                    m.retold.to_string(),
                    m.refusals.to_string(),
                    m.days_to_support.map_or("never".into(), |d| d.to_string()),
                    crate::model::kebab(&m.ended),
                    format!("{:+.1}", m.mean_feeling),
                ]);
            }
            writeln!(out, "{t}")?;
            let mut t = TerminalTable::new(&[
                ("touchpoint", NAME),
                ("visits", NAME),
                ("journeys", NAME),
                ("mean feeling", NAME),
                ("refused", NAME),
                ("retold", NAME),
                ("dropped out", NAME),
            ]);
            let mut touch = r.by_touchpoint.clone();
            touch.sort_by(|x, y| {
                x.mean_feeling
                    .total_cmp(&y.mean_feeling)
                    .then_with(|| x.name.cmp(&y.name))
            });
            for tp in &touch {
                t.row([
                    tp.name.clone(),
                    tp.visits.to_string(),
                    tp.journeys.to_string(),
                    format!("{:+.1}", tp.mean_feeling),
                    tp.refusals.to_string(),
                    tp.retold.to_string(),
                    tp.dropped_out.to_string(),
                ]);
            }
            writeln!(out, "{t}")?;
            for f in &informal {
                writeln!(out, "{}: {}", f.id, f.evidence)?;
            }
        }
    }
    Ok(EXIT_OK)
}
