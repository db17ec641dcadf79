//! `needsmap events`' work done with rust4pm (the `process_mining` crate,
//! 0.6), as a peer to time it against.
//!
//!     rust4pm-bench xes LOG.xes [--details] [--phases] [--file-order]
//!     rust4pm-bench csv LOG.csv        (refused: 0.6 has no CSV route)
//!
//! Prints `cases events dfg_edges variants` on one line. `--details` prints
//! instead a JSON object shaped like the matching parts of
//! `needsmap events --format json` (dfg, start, end, variants, throughput),
//! sorted the same way, to check the two field by field. `--phases` writes
//! the time of each step to stderr. `--file-order` leaves each trace's
//! events in file order (the importer's default), to show what the
//! timestamp sort changes; durations are then last minus first in file
//! order, as the library's own consumers would see them.
//!
//! Library functions used:
//! - import: `xes::import_xes_path` with `XESImportOptions {
//!   sort_events_with_timestamp_key: Some("time:timestamp") }`, a stable
//!   sort of each trace's events by timestamp, so ties keep file order;
//! - directly-follows graph: `discovery::case_centric::dfg::discover_dfg`
//!   (default classifier, `concept:name`);
//! - variants: `activity_projection::log_to_activity_projection`, with
//!   `get_num_variants` / `get_num_cases` / `get_variants`.
//!
//! Written here, on the library's types, because 0.6 has no function for
//! them: start and end activity *counts* (the DFG holds only the sets; the
//! counts are read off the projection's variants, weighted by frequency),
//! the number of events (a sum of trace lengths), and case durations (last
//! minus first `time:timestamp` of each sorted trace; the median and p90 in
//! days interpolate like numpy, as needsmap does).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use process_mining::core::event_data::case_centric::utils::activity_projection::{
    get_num_cases, get_num_variants, get_variants, log_to_activity_projection,
};
use process_mining::core::event_data::case_centric::xes::{import_xes_path, XESImportOptions};
use process_mining::core::event_data::case_centric::XESEditableAttribute;
use process_mining::discovery::case_centric::dfg::discover_dfg;

const TIMESTAMP: &str = "time:timestamp";
const MICROS_PER_DAY: f64 = 86_400_000_000.0;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let details = args.iter().any(|a| a == "--details");
    let phases = args.iter().any(|a| a == "--phases");
    let file_order = args.iter().any(|a| a == "--file-order");
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    match positional.as_slice() {
        [kind, path] if kind.as_str() == "xes" => run_xes(path, details, phases, file_order),
        [kind, _] if kind.as_str() == "csv" => {
            eprintln!(
                "rust4pm-bench: process_mining 0.6 has no CSV importer for a case-centric \
                 EventLog (its CSV importers read OCEL 2.0 CSV, object-centric, or go through \
                 a polars DataFrame behind the non-default `dataframes` feature); convert the \
                 log with benches/csv_to_xes.py and use `xes`"
            );
            ExitCode::from(2)
        }
        _ => {
            eprintln!("usage: rust4pm-bench xes LOG.xes [--details] [--phases] [--file-order]");
            ExitCode::from(2)
        }
    }
}

fn run_xes(path: &str, details: bool, phases: bool, file_order: bool) -> ExitCode {
    let mut clock = Instant::now();
    let mut phase = |name: &str| {
        if phases {
            eprintln!("{name}: {:.3} s", clock.elapsed().as_secs_f64());
        }
        clock = Instant::now();
    };

    let options = XESImportOptions {
        sort_events_with_timestamp_key: (!file_order).then(|| TIMESTAMP.to_string()),
        ..Default::default()
    };
    let log = match import_xes_path(path, options) {
        Ok(log) => log,
        Err(e) => {
            eprintln!("rust4pm-bench: cannot import {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    phase("import");

    let dfg = discover_dfg(&log);
    phase("dfg");

    let projection = log_to_activity_projection(&log);
    let variants = get_num_variants(&projection);
    phase("variants");

    // Start and end counts: the DFG keeps only which activities start and
    // end a case, so weight each variant's first and last by its frequency.
    let mut start: BTreeMap<&str, u64> = BTreeMap::new();
    let mut end: BTreeMap<&str, u64> = BTreeMap::new();
    for (acts, freq) in &projection.traces {
        if let (Some(&first), Some(&last)) = (acts.first(), acts.last()) {
            *start.entry(&projection.activities[first]).or_default() += freq;
            *end.entry(&projection.activities[last]).or_default() += freq;
        }
    }
    phase("start/end");

    // Case durations: last minus first event (time-sorted unless --file-order).
    let mut durations: Vec<f64> = log
        .traces
        .iter()
        .filter_map(|t| {
            let time = |e: &process_mining::core::event_data::case_centric::Event| {
                e.attributes
                    .get_by_key(TIMESTAMP)
                    .and_then(|a| a.value.try_as_date())
                    .map(|d| d.timestamp_micros())
            };
            let first = time(t.events.first()?)?;
            let last = time(t.events.last()?)?;
            Some((last - first) as f64 / MICROS_PER_DAY)
        })
        .collect();
    durations.sort_by(f64::total_cmp);
    let (median, p90) = (quantile(&durations, 0.5), quantile(&durations, 0.9));
    phase("durations");

    let cases = log.traces.len();
    let events: usize = log.traces.iter().map(|t| t.events.len()).sum();
    // The library's own tallies must agree with the plain ones.
    assert_eq!(get_num_cases(&projection), cases as u64);
    assert_eq!(
        dfg.activities.values().map(|&n| n as usize).sum::<usize>(),
        events
    );
    assert_eq!(dfg.start_activities.len(), start.len());
    assert_eq!(dfg.end_activities.len(), end.len());

    if !details {
        println!(
            "{cases} {events} {} {variants}",
            dfg.directly_follows_relations.len()
        );
        // Keep the results alive up to here so none is optimised away.
        std::hint::black_box((&dfg, &projection, median, p90));
        return ExitCode::SUCCESS;
    }

    // Sorted as needsmap sorts them: most frequent first, then by name.
    let mut edges: Vec<(&str, &str, u32)> = dfg
        .directly_follows_relations
        .iter()
        .map(|((a, b), &n)| (a.as_ref(), b.as_ref(), n))
        .collect();
    edges.sort_by(|x, y| y.2.cmp(&x.2).then_with(|| (x.0, x.1).cmp(&(y.0, y.1))));
    let mut vars = get_variants(&projection);
    vars.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.activities.cmp(&b.activities))
    });

    let mut out = String::new();
    out.push_str(&format!(
        "{{\"cases\":{cases},\"events\":{events},\"dfg\":["
    ));
    for (i, (a, b, n)) in edges.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"from\":{},\"to\":{},\"count\":{n}}}",
            js(a),
            js(b)
        ));
    }
    out.push_str("],\"start\":");
    counts_json(&mut out, &start);
    out.push_str(",\"end\":");
    counts_json(&mut out, &end);
    out.push_str(",\"variants\":[");
    for (i, v) in vars.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let acts: Vec<String> = v.activities.iter().map(|a| js(a)).collect();
        out.push_str(&format!(
            "{{\"activities\":[{}],\"count\":{}}}",
            acts.join(","),
            v.count
        ));
    }
    out.push_str(&format!(
        "],\"throughput_days\":{{\"median\":{median:?},\"p90\":{p90:?}}}}}"
    ));
    println!("{out}");
    ExitCode::SUCCESS
}

/// Linear interpolation between closest ranks (numpy's default), on sorted
/// values; 0 for none. The same rule as needsmap's `quantile`.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let pos = q * (n - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

fn counts_json(out: &mut String, counts: &BTreeMap<&str, u64>) {
    out.push('{');
    for (i, (k, n)) in counts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("{}:{n}", js(k)));
    }
    out.push('}');
}

/// A JSON string literal.
fn js(s: &str) -> String {
    let mut r = String::with_capacity(s.len() + 2);
    r.push('"');
    for c in s.chars() {
        match c {
            '"' => r.push_str("\\\""),
            '\\' => r.push_str("\\\\"),
            c if (c as u32) < 0x20 => r.push_str(&format!("\\u{:04x}", c as u32)),
            c => r.push(c),
        }
    }
    r.push('"');
    r
}
