//! `needsmap gaps`: the gap analysis as a table, JSON or CSV.

use std::io::Write;

use super::table::{NAME, PROSE, TerminalTable};
use super::{AssessmentArg, CliError, CliResult, EXIT_OK, load_checked};
use crate::gaps::{Gap, GapKind, GapSeverity, analyse, filter};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GapsFormat {
    /// A table for the terminal.
    Table,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The assessment file, e.g. assessments/northmoor.yaml (not needed
    /// with --rules).
    #[arg(required_unless_present = "rules")]
    pub assessment: Option<std::path::PathBuf>,
    /// Let the assessment name files (and templates) outside its workspace:
    /// the nearest folder above it holding .git or needsmap.toml.
    #[arg(long)]
    pub allow_outside: bool,
    #[arg(long, value_enum, default_value_t = GapsFormat::Table)]
    pub format: GapsFormat,
    /// Only gaps about this cohort (id).
    #[arg(long)]
    pub cohort: Option<String>,
    /// Only gaps of these kinds (repeat, or separate with commas).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub kind: Vec<GapKind>,
    /// Only gaps at least this severe.
    #[arg(long, value_enum)]
    pub min_severity: Option<GapSeverity>,
    /// Print every gap kind (what it finds, how its severity is decided,
    /// its theme) and stop; no assessment needed.
    #[arg(long)]
    pub rules: bool,
}

pub(super) fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    if args.rules {
        write_rules(args.format, out)?;
        return Ok(EXIT_OK);
    }
    let Some(assessment) = &args.assessment else {
        return Err(CliError::Failed(
            "name an assessment file, or use --rules".into(),
        ));
    };
    let file = AssessmentArg {
        assessment: assessment.clone(),
        allow_outside: args.allow_outside,
    };
    let Some((_, a)) = load_checked(&file, err)? else {
        return Ok(super::EXIT_PROBLEMS);
    };
    if let Some(cohort) = &args.cohort {
        super::known_cohort(&a, cohort)?;
    }
    let analysis = analyse(&a);
    let gaps = filter(
        &analysis.gaps,
        args.cohort.as_deref(),
        &args.kind,
        args.min_severity,
    );
    match args.format {
        GapsFormat::Json => {
            let json = serde_json::to_string_pretty(&analysis.json(&gaps))
                .map_err(|e| CliError::Failed(e.to_string()))?;
            writeln!(out, "{json}")?;
        }
        GapsFormat::Csv => {
            out.write_all(&crate::render::exports::gaps_csv(&gaps).map_err(CliError::Failed)?)?
        }
        GapsFormat::Table => {
            writeln!(out, "{}", table(&gaps))?;
            let high = gaps
                .iter()
                .filter(|g| g.severity == GapSeverity::High)
                .count();
            let medium = gaps
                .iter()
                .filter(|g| g.severity == GapSeverity::Medium)
                .count();
            writeln!(
                out,
                "{} gaps: {high} high, {medium} medium, {} low",
                gaps.len(),
                gaps.len() - high - medium
            )?;
            write_figures(out, &analysis)?;
            write_unknowns(out, &analysis.unknowns)?;
        }
    }
    Ok(EXIT_OK)
}

/// The gap kinds from the registry: a table, JSON, or CSV.
fn write_rules(format: GapsFormat, out: &mut dyn Write) -> Result<(), CliError> {
    let rules: Vec<&crate::gaps::Rule> = GapKind::ALL.iter().map(|k| k.rule()).collect();
    match format {
        GapsFormat::Json => {
            let json = serde_json::to_string_pretty(&rules)
                .map_err(|e| CliError::Failed(e.to_string()))?;
            writeln!(out, "{json}")?;
        }
        GapsFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let row = |w: &mut csv::Writer<Vec<u8>>, r: [&str; 4]| {
                w.write_record(r)
                    .map_err(|e| CliError::Failed(e.to_string()))
            };
            row(&mut w, ["kind", "finds", "severity", "theme"])?;
            for r in &rules {
                row(&mut w, [r.id, r.finds, r.severity, r.theme.label()])?;
            }
            out.write_all(
                &w.into_inner()
                    .map_err(|e| CliError::Failed(e.to_string()))?,
            )?;
        }
        GapsFormat::Table => {
            let mut t = TerminalTable::new(&[
                ("kind", NAME),
                ("what it finds", PROSE),
                ("severity", PROSE),
            ]);
            for r in &rules {
                t.row([r.id.to_owned(), r.finds.to_owned(), r.severity.to_owned()]);
            }
            writeln!(out, "{t}")?;
        }
    }
    Ok(())
}

/// The two headline figures that are not gaps: refuge places against the
/// benchmark, and perpetrator against victim provision.
fn write_figures(out: &mut dyn Write, analysis: &crate::gaps::Analysis) -> std::io::Result<()> {
    use crate::gaps::{number, percent};
    let acc = &analysis.safe_accommodation;
    if let Some(benchmark) = acc.benchmark_places {
        writeln!(
            out,
            "refuge family places: {} ({} bedspaces) against a Council of Europe benchmark of {} (one per 10,000 people)",
            acc.refuge_family_places.words(),
            acc.refuge_bedspaces.words(),
            number(benchmark)
        )?;
    }
    let b = &analysis.perpetrator_balance;
    let line = |name: &str, l: &crate::gaps::BalanceLine| {
        format!(
            "{name}: {}, {}, {}",
            crate::gaps::plural(l.services.len(), "service", "services"),
            l.capacity_words(),
            l.spend_words()
        )
    };
    writeln!(
        out,
        "perpetrator interventions: {}; {}; {}",
        line("general", &b.general),
        line("under-18 and APV", &b.under_18),
        line("stalking", &b.stalking)
    )?;
    writeln!(out, "victim services: {}", line("all", &b.victim_services))?;
    if let Some(ratio) = b.spend_ratio {
        writeln!(
            out,
            "perpetrator spend is {} of victim-service spend",
            percent(ratio)
        )?;
    }
    Ok(())
}

/// What the analysis cannot judge, apart from the gaps.
fn write_unknowns(out: &mut dyn Write, unknowns: &[crate::gaps::DataGap]) -> std::io::Result<()> {
    if unknowns.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{} (what the analysis cannot judge for lack of recorded data):",
        crate::gaps::plural(unknowns.len(), "data gap", "data gaps")
    )?;
    for u in unknowns {
        writeln!(out, "- {}\n  collect: {}", u.text, u.collect)?;
    }
    Ok(())
}

fn table(gaps: &[Gap]) -> TerminalTable {
    let mut t = TerminalTable::new(&[
        ("severity", NAME),
        ("kind", NAME),
        ("cohort", PROSE),
        ("level", NAME),
        ("evidence → recommendation", PROSE),
    ]);
    for g in gaps {
        let cohort = g.cohort.clone().unwrap_or_else(|| g.cohorts.join(", "));
        t.row([
            g.severity.as_str().to_owned(),
            g.kind.as_str().to_owned(),
            cohort,
            g.level.clone().unwrap_or_else(|| "–".into()),
            format!("{}\n→ {} [{}]", g.evidence, g.recommendation.text, theme(g)),
        ]);
    }
    t
}

fn theme(g: &Gap) -> String {
    crate::model::kebab(&g.recommendation.theme)
}
