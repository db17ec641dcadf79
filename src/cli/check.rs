//! `needsmap check`: load, validate, print every diagnostic.

use std::io::Write;

use serde::Serialize;

use super::{AssessmentArg, CliError, CliResult, EXIT_OK, EXIT_PROBLEMS, Format};
use crate::check::{Located, Severity, check_gap_addresses, locate_all, render_capped, summary};
use crate::gaps::{DataGap, plural};
use crate::model::Assessment;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub file: AssessmentArg,
    /// Treat warnings as errors (exit 1 on any warning).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How much an assessment holds, for the summary line.
#[derive(Debug, Default, Serialize)]
pub(super) struct Counts {
    pub files: usize,
    pub levels: usize,
    pub cohorts: usize,
    pub entry_points: usize,
    pub services: usize,
    pub pathways: usize,
    pub indicators: usize,
    pub findings: usize,
    pub actions: usize,
    pub journeys: usize,
}

impl Counts {
    fn of(a: &Assessment, files: usize) -> Counts {
        Counts {
            files,
            levels: a.levels.len(),
            cohorts: a.cohorts.len(),
            entry_points: a.entry_points.len(),
            services: a.services.len(),
            pathways: a.pathways.len(),
            indicators: a.indicators.len(),
            findings: a.findings.len(),
            actions: a.actions.len(),
            journeys: a.journeys.len(),
        }
    }

    /// `6 levels, 1 cohort, … (3 files)`.
    fn in_words(&self) -> String {
        let kinds = [
            (self.levels, "level", "levels"),
            (self.cohorts, "cohort", "cohorts"),
            (self.entry_points, "entry point", "entry points"),
            (self.services, "service", "services"),
            (self.pathways, "pathway", "pathways"),
            (self.indicators, "indicator", "indicators"),
            (self.findings, "finding", "findings"),
            (self.actions, "action", "actions"),
            (self.journeys, "journey", "journeys"),
        ];
        let counts: Vec<String> = kinds
            .iter()
            .map(|&(n, one, many)| plural(n, one, many))
            .collect();
        format!(
            "{} ({})",
            counts.join(", "),
            plural(self.files, "file", "files")
        )
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    file: String,
    ok: bool,
    errors: usize,
    warnings: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    counts: Option<Counts>,
    /// What the analysis cannot judge for lack of recorded data (when the
    /// assessment checks clean enough to analyse).
    #[serde(skip_serializing_if = "Option::is_none")]
    unknowns: Option<&'a [DataGap]>,
    diagnostics: &'a [Located],
}

pub(super) fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let (loaded, mut diagnostics) =
        crate::check::load_and_check(&args.file.assessment, args.file.options());
    let mut unknowns = None;
    // Gap ids and data gaps come from the analysis, which needs an
    // assessment without errors.
    if let Some(a) = &loaded.assessment
        && !diagnostics.iter().any(|d| d.is_error())
    {
        let analysis = crate::gaps::analyse(a);
        let ids: Vec<String> = analysis.gaps.iter().map(|g| g.id.clone()).collect();
        diagnostics.extend(check_gap_addresses(a, &ids));
        unknowns = Some(analysis.unknowns);
    }
    if args.deny_warnings {
        for d in &mut diagnostics {
            d.severity = Severity::Error;
        }
    }
    let located = locate_all(&diagnostics, &loaded.sources);
    let (errors, warnings) = summary(&located);
    let counts = loaded
        .assessment
        .as_ref()
        .map(|a| Counts::of(a, loaded.sources.files().count()));
    let shown = args.file.assessment.display().to_string();
    match args.format {
        // Every diagnostic, uncapped: a tool (an editor, CI) needs each
        // position, and `errors + warnings` stays the array's length. Memory
        // stays linear in the input: a snippet is at most a bounded cut of
        // its line, a message quotes only the value it is about, and the
        // report is streamed rather than built as one string.
        Format::Json => {
            let report = JsonReport {
                file: shown,
                ok: errors == 0,
                errors,
                warnings,
                counts,
                unknowns: unknowns.as_deref(),
                diagnostics: &located,
            };
            serde_json::to_writer_pretty(&mut *out, &report)
                .map_err(|e| CliError::Failed(e.to_string()))?;
            writeln!(out)?;
        }
        Format::Text => {
            render_capped(&located, err)?;
            if errors == 0
                && let Some(c) = &counts
            {
                writeln!(out, "{shown}: {}", c.in_words())?;
            }
            if let Some(unknowns) = unknowns.as_deref() {
                write_completeness(out, unknowns)?;
            }
            writeln!(err, "{}", verdict(errors, warnings))?;
        }
    }
    Ok(if errors == 0 { EXIT_OK } else { EXIT_PROBLEMS })
}

/// What the analysis will not be able to judge: not errors (real evidence
/// is partial), but worth knowing before publishing.
fn write_completeness(out: &mut dyn Write, unknowns: &[DataGap]) -> std::io::Result<()> {
    if unknowns.is_empty() {
        return writeln!(out, "complete: every figure the analysis uses is recorded");
    }
    writeln!(
        out,
        "incomplete: {} (the analysis says what it cannot judge; `needsmap gaps` lists what to collect):",
        plural(unknowns.len(), "data gap", "data gaps")
    )?;
    for u in unknowns {
        writeln!(out, "- {}: {}", u.topic.label(), u.text)?;
    }
    Ok(())
}

fn verdict(errors: usize, warnings: usize) -> String {
    if errors == 0 {
        format!("ok: no errors, {}", plural(warnings, "warning", "warnings"))
    } else {
        format!(
            "failed: {}, {}",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings")
        )
    }
}
