//! `needsmap progress`: what changed between last year's edition of an
//! assessment and this year's, as Markdown for the annual review or JSON.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use super::{AssessmentArg, CliError, CliResult, EXIT_OK, EXIT_PROBLEMS, load_checked};
use crate::gaps::number;
use crate::model::kebab;
use crate::progress::{ActionMove, Direction, GapLine, Progress, compare};
use crate::render::context::{indicator_value, md};

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
    #[arg(long, value_enum, default_value_t = ProgressFormat::Markdown)]
    pub format: ProgressFormat,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
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
    let progress = compare(&before, &after);
    match args.format {
        ProgressFormat::Json => {
            let json =
                serde_json::to_string_pretty(&progress).map_err(|e| CliError(e.to_string()))?;
            writeln!(out, "{json}")?;
        }
        ProgressFormat::Markdown => out.write_all(markdown(&progress).as_bytes())?,
    }
    Ok(EXIT_OK)
}

fn status(s: Option<impl serde::Serialize>) -> String {
    s.map_or("–".to_owned(), |s| kebab(&s).replace('-', " "))
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", number(n as f64), if n == 1 { one } else { many })
}

/// The report, every string from the assessments escaped for Markdown.
pub fn markdown(p: &Progress) -> String {
    let mut s = String::new();
    let moved = |m: ActionMove| p.actions.iter().filter(|a| a.moved == m).count();
    let _ = writeln!(s, "# Progress: {}\n", md(&p.after.title));
    let _ = writeln!(
        s,
        "Compared with {} ({}). Gaps: {} closed, {} opened, {} still open ({} high now, {} then). Actions: {} completed, {} new, {} dropped, {} changed status.\n",
        md(&p.before.title),
        p.before.period,
        p.gaps.closed.len(),
        p.gaps.opened.len(),
        p.gaps.still_open.len(),
        p.after.high_gaps,
        p.before.high_gaps,
        moved(ActionMove::Completed),
        moved(ActionMove::New),
        moved(ActionMove::Dropped),
        moved(ActionMove::Changed),
    );
    let _ = writeln!(
        s,
        "Services mapped: {} then, {} now. Refuge family places: {} then, {} now{}.\n",
        p.before.services,
        p.after.services,
        places(p.refuge_family_places.before),
        places(p.refuge_family_places.after),
        p.refuge_benchmark.map_or(String::new(), |b| format!(
            ", against a Council of Europe benchmark of {}",
            number(b)
        )),
    );
    gap_section(&mut s, "Gaps closed", &p.gaps.closed, true);
    gap_section(&mut s, "Gaps opened", &p.gaps.opened, false);
    let changed: Vec<&GapLine> = p
        .gaps
        .still_open
        .iter()
        .filter(|g| g.severity.before != g.severity.after)
        .collect();
    let _ = writeln!(s, "## Gaps still open\n");
    let _ = writeln!(
        s,
        "{}; {} changed severity{}\n",
        count(
            p.gaps.still_open.len(),
            "gap is still open",
            "gaps are still open"
        ),
        changed.len(),
        if changed.is_empty() { "." } else { ":" }
    );
    if !changed.is_empty() {
        let _ = writeln!(s, "| Gap | Then | Now |\n|---|---|---|");
        for g in changed {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                md(&g.id),
                status(g.severity.before),
                status(g.severity.after)
            );
        }
        s.push('\n');
    }
    action_section(&mut s, p);
    indicator_section(&mut s, p);
    s
}

fn places(n: Option<i64>) -> String {
    n.map_or("–".to_owned(), |n| number(n as f64))
}

fn gap_section(s: &mut String, title: &str, gaps: &[GapLine], closed: bool) {
    let _ = writeln!(s, "## {title}\n");
    if gaps.is_empty() {
        let _ = writeln!(s, "None.\n");
        return;
    }
    if closed {
        let _ = writeln!(s, "| Gap | Severity then | Addressed by | Evidence then |");
    } else {
        let _ = writeln!(s, "| Gap | Severity | Addressed by | Evidence |");
    }
    let _ = writeln!(s, "|---|---|---|---|");
    for g in gaps {
        let by = if g.addressed_by.is_empty() {
            "–".to_owned()
        } else {
            g.addressed_by
                .iter()
                .map(|a| md(a))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            s,
            "| {} | {} | {by} | {} |",
            md(&g.id),
            status(g.severity.after.or(g.severity.before)),
            md(&g.evidence)
        );
    }
    s.push('\n');
}

fn action_section(s: &mut String, p: &Progress) {
    let _ = writeln!(s, "## Actions\n");
    if p.actions.is_empty() {
        let _ = writeln!(s, "No actions in either plan.\n");
        return;
    }
    let _ = writeln!(
        s,
        "| Action | What | Lead | Due | Then | Now | Moved |\n|---|---|---|---|---|---|---|"
    );
    for a in &p.actions {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&a.id),
            md(&a.action),
            md(&a.lead),
            a.due,
            status(a.status.before),
            status(a.status.after),
            kebab(&a.moved)
        );
    }
    s.push('\n');
}

fn indicator_section(s: &mut String, p: &Progress) {
    let _ = writeln!(s, "## Indicators\n");
    if p.indicators.is_empty() {
        let _ = writeln!(s, "No indicators in either edition.\n");
        return;
    }
    let _ = writeln!(
        s,
        "| Indicator | Then | Now | Direction | Target |\n|---|--:|--:|---|---|"
    );
    for i in &p.indicators {
        let value = |c: Option<(i32, f64)>| {
            c.map_or("–".to_owned(), |(y, v)| {
                format!("{} ({y})", indicator_value(i.unit, v))
            })
        };
        let target = match (i.target, i.target_met) {
            (None, _) => "not set".to_owned(),
            (Some(t), met) => format!(
                "{} by {}{}",
                indicator_value(i.unit, t.value),
                t.year,
                match met {
                    Some(true) => ": met",
                    Some(false) => ": not yet met",
                    None => "",
                }
            ),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {target} |",
            md(&i.name),
            value(i.latest.before),
            value(i.latest.after),
            direction_words(i.direction)
        );
    }
    s.push('\n');
}

fn direction_words(d: Direction) -> &'static str {
    match d {
        Direction::Improving => "improving",
        Direction::Worsening => "worsening",
        Direction::Up => "up",
        Direction::Down => "down",
        Direction::Stable => "stable",
        Direction::New => "new indicator",
        Direction::Dropped => "no longer reported",
    }
}
