//! `needsmap events`: observed pathways from a case event log.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::table::{NAME, PROSE, TerminalTable};
use super::{CliError, CliResult, EXIT_OK, EXIT_PROBLEMS, load_checked};
use crate::gaps::plural;
use crate::graph::{NodeRef, PathwayGraph};
use crate::journeys::events::{Columns, Summary, summarise};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EventsFormat {
    Table,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The event log: CSV, one row per event.
    pub log: PathBuf,
    /// Column holding the case id.
    #[arg(long, default_value = "case:concept:name")]
    pub case: String,
    /// Column holding the activity.
    #[arg(long, default_value = "concept:name")]
    pub activity: String,
    /// Column holding the timestamp (with or without a UTC offset).
    #[arg(long, default_value = "time:timestamp")]
    pub time: String,
    /// Count and leave out rows that cannot be read, instead of stopping.
    #[arg(long)]
    pub skip_bad_rows: bool,
    #[arg(long, value_enum, default_value_t = EventsFormat::Table)]
    pub format: EventsFormat,
    /// Compare the observed routes with this assessment's pathways.
    #[arg(long, requires = "map")]
    pub assessment: Option<PathBuf>,
    /// `activity=FILE.csv`: a CSV of activity,service rows mapping activities
    /// to the assessment's services and entry points.
    #[arg(long, requires = "assessment")]
    pub map: Option<String>,
}

/// An observed route between two mapped services, or a mapped one unused.
#[derive(Debug, Serialize)]
pub(super) struct Route {
    pub from: String,
    pub to: String,
    pub count: u64,
}

#[derive(Debug, Serialize)]
pub(super) struct Comparison {
    /// Routes the cases took that the assessment does not record.
    pub used_not_mapped: Vec<Route>,
    /// Recorded routes between mapped services that no case took.
    pub mapped_not_used: Vec<Route>,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pathways: Option<&'a Comparison>,
}

pub(super) fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let file = std::fs::File::open(&args.log)
        .map_err(|e| CliError::Failed(format!("cannot read {}: {e}", args.log.display())))?;
    let columns = Columns {
        case: args.case.clone(),
        activity: args.activity.clone(),
        time: args.time.clone(),
    };
    let summary = match summarise(
        std::io::BufReader::with_capacity(1 << 20, file),
        &columns,
        args.skip_bad_rows,
    ) {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "error: {}: {e}", args.log.display())?;
            return Ok(EXIT_PROBLEMS);
        }
    };
    let comparison = match (&args.assessment, &args.map) {
        (Some(path), Some(map)) => match compare(path, map, &summary, err)? {
            Some(c) => Some(c),
            None => return Ok(EXIT_PROBLEMS),
        },
        _ => None,
    };
    match args.format {
        EventsFormat::Json => {
            // Written as it is serialised: the JSON of a log with millions
            // of distinct activities is hundreds of megabytes.
            let mut writer = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
            serde_json::to_writer_pretty(
                &mut writer,
                &JsonOut {
                    summary: &summary,
                    pathways: comparison.as_ref(),
                },
            )
            // serde_json hands back the writer's own I/O error inside its
            // own: unwrapped, a closed pipe ends quietly like any other.
            .map_err(|e| CliError::from(std::io::Error::from(e)))?;
            writeln!(writer)?;
            writer.flush()?;
        }
        EventsFormat::Table => table(out, &summary, comparison.as_ref())?,
    }
    Ok(EXIT_OK)
}

fn table(out: &mut dyn Write, s: &Summary, c: Option<&Comparison>) -> std::io::Result<()> {
    writeln!(
        out,
        "{}, {}, {}; throughput median {:.1} days, 90th percentile {:.1} days",
        plural(s.cases, "case", "cases"),
        plural(s.events, "event", "events"),
        plural(s.variants.len(), "variant", "variants"),
        s.throughput_days.median,
        s.throughput_days.p90
    )?;
    if s.skipped_rows > 0 {
        writeln!(
            out,
            "{} skipped",
            plural(s.skipped_rows as usize, "bad row", "bad rows")
        )?;
    }
    let mut t = TerminalTable::new(&[("from", NAME), ("to", NAME), ("count", NAME)]);
    for e in s.dfg.iter().take(30) {
        t.row([&e.from[..], &e.to[..], e.count.to_string().as_str()]);
    }
    writeln!(
        out,
        "directly-follows (top {} of {}):\n{t}",
        s.dfg.len().min(30),
        s.dfg.len()
    )?;
    let ends = ends_by_activity(s);
    let mut t = TerminalTable::new(&[("activity", NAME), ("starts", NAME), ("ends", NAME)]);
    for (name, starts, ends) in ends.iter().take(TOP_ENDS) {
        t.row([name.to_string(), starts.to_string(), ends.to_string()]);
    }
    writeln!(
        out,
        "where cases start and end (top {} of {}):\n{t}",
        ends.len().min(TOP_ENDS),
        plural(ends.len(), "activity", "activities")
    )?;
    let mut t = TerminalTable::new(&[("cases", NAME), ("variant", PROSE)]);
    for v in s.variants.iter().take(10) {
        t.row([v.count.to_string(), variant_route(&v.activities)]);
    }
    writeln!(
        out,
        "variants (top {} of {}):\n{t}",
        s.variants.len().min(10),
        s.variants.len()
    )?;
    if let Some(c) = c {
        writeln!(out, "routes used but not recorded in the assessment:")?;
        for r in &c.used_not_mapped {
            writeln!(
                out,
                "  {} → {} ({})",
                r.from,
                r.to,
                plural(r.count as usize, "time", "times")
            )?;
        }
        writeln!(out, "recorded routes no case used:")?;
        for r in &c.mapped_not_used {
            writeln!(out, "  {} → {}", r.from, r.to)?;
        }
    }
    Ok(())
}

/// How many activities the start-and-end table shows: a log may have
/// millions of distinct ones.
const TOP_ENDS: usize = 30;

/// Each activity that starts or ends a case, with how many it starts and
/// ends: most cases first, then by name.
fn ends_by_activity(s: &Summary) -> Vec<(&str, u64, u64)> {
    let names: BTreeSet<&std::sync::Arc<str>> = s.start.keys().chain(s.end.keys()).collect();
    let mut rows: Vec<(&str, u64, u64)> = names
        .into_iter()
        .map(|n| {
            let count = |m: &BTreeMap<std::sync::Arc<str>, u64>| m.get(n).copied().unwrap_or(0);
            (&n[..], count(&s.start), count(&s.end))
        })
        .collect();
    rows.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then_with(|| a.0.cmp(b.0)));
    rows
}

/// `a → b → c`, each activity clipped like a name, so that one huge
/// activity does not hide the rest of the route.
fn variant_route(activities: &[std::sync::Arc<str>]) -> String {
    activities
        .iter()
        .map(|a| super::table::clip(a, NAME))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Read `activity,service` rows.
fn read_map(path: &Path) -> Result<BTreeMap<String, String>, CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| CliError::Failed(format!("cannot read {}: {e}", path.display())))?;
    let mut map = BTreeMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
        let line = row.position().map_or(0, |p| p.line());
        match (row.get(0), row.get(1)) {
            (Some(a), Some(s)) if !a.is_empty() && !s.is_empty() => {
                map.insert(a.to_owned(), s.to_owned());
            }
            _ => {
                return Err(CliError::Failed(format!(
                    "{}:{line}: expected `activity,service`",
                    path.display()
                )));
            }
        }
    }
    Ok(map)
}

fn compare(
    assessment: &Path,
    map: &str,
    s: &Summary,
    err: &mut dyn Write,
) -> Result<Option<Comparison>, CliError> {
    let Some(map_path) = map.strip_prefix("activity=") else {
        return Err(CliError::Failed(format!(
            "--map takes `activity=FILE.csv`, found `{map}`"
        )));
    };
    let file = super::AssessmentArg {
        assessment: assessment.to_path_buf(),
        allow_outside: false,
    };
    let Some((_, a)) = load_checked(&file, err)? else {
        return Ok(None);
    };
    let mapping = read_map(Path::new(map_path))?;
    let g = PathwayGraph::build(&a);
    let ids: BTreeMap<&str, petgraph::graph::NodeIndex> = g
        .graph
        .node_indices()
        .filter(|&n| g.graph[n] != NodeRef::Root)
        .map(|n| (g.node_id(n), n))
        .collect();
    for service in mapping.values() {
        if !ids.contains_key(service.as_str()) {
            let hint = crate::check::did_you_mean(service, ids.keys().copied()).unwrap_or_default();
            return Err(CliError::Failed(format!(
                "{map_path}: `{service}` is not a service or entry point of the assessment {hint}"
            )));
        }
    }
    let node_of = |activity: &str| {
        mapping
            .get(activity)
            .and_then(|s| ids.get(s.as_str()))
            .copied()
    };
    let mut used: BTreeMap<(petgraph::graph::NodeIndex, petgraph::graph::NodeIndex), u64> =
        BTreeMap::new();
    for e in &s.dfg {
        if let (Some(f), Some(t)) = (node_of(&e.from[..]), node_of(&e.to[..]))
            && f != t
        {
            *used.entry((f, t)).or_default() += e.count;
        }
    }
    let used_not_mapped = used
        .iter()
        .filter(|((f, t), _)| g.graph.find_edge(*f, *t).is_none())
        .map(|((f, t), c)| Route {
            from: g.node_id(*f).to_owned(),
            to: g.node_id(*t).to_owned(),
            count: *c,
        })
        .collect();
    let mapped: BTreeSet<petgraph::graph::NodeIndex> = mapping
        .values()
        .filter_map(|s| ids.get(s.as_str()).copied())
        .collect();
    let mapped_not_used = g
        .graph
        .edge_indices()
        .filter_map(|e| g.graph.edge_endpoints(e))
        .filter(|(f, t)| mapped.contains(f) && mapped.contains(t) && !used.contains_key(&(*f, *t)))
        .map(|(f, t)| Route {
            from: g.node_id(f).to_owned(),
            to: g.node_id(t).to_owned(),
            count: 0,
        })
        .collect();
    Ok(Some(Comparison {
        used_not_mapped,
        mapped_not_used,
    }))
}
