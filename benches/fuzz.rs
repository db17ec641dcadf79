//! A fuzzer for the loader and the event-log reader, runnable on stable
//! Rust (cargo-fuzz needs a nightly toolchain this project does not have).
//!
//! Seeds are the fixtures (valid and invalid assessments, journeys, the
//! event logs); each input is a seed with 1-8 random mutations: byte
//! deletions, insertions of YAML/CSV punctuation, invalid UTF-8 and random
//! bytes, line duplications and swaps, and splices from another seed. Every
//! input runs through load + check + analysis + diagnostics (or the event
//! reader); a panic aborts with the input saved to target/fuzz-crash-*.
//!
//!   cargo bench --bench fuzz -- [INPUTS] [SEED]
//!
//! Memory is bounded by the parser's budget; a run reports its peak.

use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "../tests/common/fragments.rs"]
mod fragments;
mod support;
use support::Rng;

/// Seeds larger than this (the 2.3 MB receipt log) would make each
/// mutation copy megabytes; the small logs cover the same reader.
const MAX_SEED_BYTES: u64 = 64 * 1024;

fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack = vec![
        PathBuf::from("tests/fixtures"),
        PathBuf::from("assessments"),
        PathBuf::from("journeys"),
    ];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "yaml" || e == "csv")
                && std::fs::metadata(&p).is_ok_and(|m| m.len() <= MAX_SEED_BYTES)
                && let Ok(bytes) = std::fs::read(&p)
            {
                out.push(bytes);
            }
        }
    }
    out
}

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 => {
                let end = (at + 1 + rng.below(40)).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let f = fragments::HOSTILE[rng.below(fragments::HOSTILE.len())].as_bytes();
                bytes.splice(at..at, f.iter().copied());
            }
            2 => {
                let n = 1 + rng.below(6);
                let random: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                bytes.splice(at..at, random);
            }
            3 | 4 => {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
                let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
                if rng.below(2) == 0 {
                    let copy = lines[i].clone();
                    lines.insert(j, copy);
                } else {
                    lines.swap(i, j);
                }
                bytes = lines.join(&b'\n');
            }
            5 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + 1 + rng.below(200)).min(other.len());
                bytes.splice(at..at, other[from..end].iter().copied());
            }
            _ => {
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
        }
    }
    bytes
}

/// Everything a user's input reaches before documents are laid out.
fn run_loader(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    let path = Path::new("/nonexistent-needsmap-fuzz/assessment.yaml");
    let loaded = needsmap::model::load_text(path, &text);
    let mut diagnostics = loaded.diagnostics.clone();
    if !loaded.has_errors()
        && let Some(a) = &loaded.assessment
    {
        diagnostics.extend(needsmap::check::check(a));
        if !diagnostics.iter().any(|d| d.is_error()) {
            let analysis = needsmap::gaps::analyse(a);
            let _ = needsmap::check::check_gap_addresses(
                a,
                &analysis
                    .gaps
                    .iter()
                    .map(|g| g.id.clone())
                    .collect::<Vec<_>>(),
            );
        }
    }
    for d in needsmap::check::locate_all(&diagnostics, &loaded.sources) {
        let _ = needsmap::check::render_text(&d);
    }
}

fn run_events(input: &[u8]) {
    let columns = needsmap::journeys::events::Columns::default();
    let _ = needsmap::journeys::events::summarise(input, &columns, false);
    let _ = needsmap::journeys::events::summarise(input, &columns, true);
}

fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
        / 1024
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let inputs: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0x5EED);
    let corpus = seeds();
    assert!(
        !corpus.is_empty(),
        "run from the project root: no seeds found"
    );
    let mut rng = Rng(seed | 1);
    let start = Instant::now();
    let (mut yaml_runs, mut csv_runs) = (0u64, 0u64);
    for i in 0..inputs {
        let s = &corpus[rng.below(corpus.len())];
        let other = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, s, other);
        let result = std::panic::catch_unwind(|| {
            if s.starts_with(b"case") || s.starts_with(b",") || s.starts_with(b"id,") {
                run_events(&input);
                true
            } else {
                run_loader(&input);
                false
            }
        });
        match result {
            Ok(true) => csv_runs += 1,
            Ok(false) => yaml_runs += 1,
            Err(_) => {
                let path = format!("target/fuzz-crash-{seed}-{i}");
                let _ = std::fs::write(&path, &input);
                eprintln!("panic on input {i}; saved to {path}");
                std::process::exit(1);
            }
        }
        if (i + 1) % 100_000 == 0 {
            eprintln!("{} inputs, {:.0} s", i + 1, start.elapsed().as_secs_f64());
        }
    }
    println!(
        "fuzz: {} inputs ({yaml_runs} through the loader, {csv_runs} through the event reader) from {} seeds without a panic in {:.1} s; peak memory {} MiB",
        yaml_runs + csv_runs,
        corpus.len(),
        start.elapsed().as_secs_f64(),
        peak_mib()
    );
}
