//! Real, public strategies and needs assessments, encoded from their
//! published text (`tests/fixtures/real/*/`, each with a README giving the
//! document, its address and its licence). Each case's `expected.yaml` was
//! written from the document before the analysis ran on it: the gaps the
//! document itself names, and the cells it says are covered.
//!
//! For every case the analysis must:
//! - find every gap the document names (same kind, a shared cohort, and a
//!   shared level when the document ties it to one);
//! - flag no cell the document calls covered;
//! - keep its high and medium gaps within twice the number named;
//! - rank mostly named gaps among its top k (k = the number named).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use needsmap::gaps::{CapacityBasis, Gap, GapKind, GapSeverity, analyse};
use needsmap::model::load;
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    source: Source,
    named_gaps: Vec<Named>,
    #[serde(default)]
    covered: Vec<Covered>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // read so a case without its origin fails to parse
struct Source {
    title: String,
    publisher: String,
    url: String,
    published: String,
    licence: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Named {
    id: String,
    says: String,
    #[serde(rename = "where")]
    place: String,
    kind: String,
    #[serde(default)]
    cohorts: Vec<String>,
    #[serde(default)]
    levels: Vec<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Covered {
    cohort: String,
    level: String,
    says: String,
    #[serde(rename = "where")]
    place: String,
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/real")
        .expect("tests/fixtures/real")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expected.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Does the analysis gap match the named one? Same kind, except that no
/// provision at all answers a document that names no specialist provision
/// (there is none of either).
fn matches(g: &Gap, n: &Named) -> bool {
    let kind_meets =
        g.kind.as_str() == n.kind || (n.kind == "no-specialist" && g.kind == GapKind::NoProvision);
    let cohorts_meet = n.cohorts.is_empty()
        || g.cohorts.iter().any(|c| n.cohorts.contains(c))
        || g.cohort.as_ref().is_some_and(|c| n.cohorts.contains(c));
    let levels_meet =
        n.levels.is_empty() || g.levels.is_empty() || g.levels.iter().any(|l| n.levels.contains(l));
    kind_meets && cohorts_meet && levels_meet
}

/// Kinds that say a cell has no usable provision. A gap a finding
/// reports is the document's own word, not the analysis's judgement.
fn flags_cell(g: &Gap, c: &Covered) -> bool {
    !g.id.contains("/reported/")
        && matches!(
            g.kind,
            GapKind::NoProvision | GapKind::Unreachable | GapKind::NoSpecialist
        )
        && g.cohorts.contains(&c.cohort)
        && g.levels.contains(&c.level)
}

struct Score {
    named: usize,
    found: usize,
    /// Found by a gap the structure of provision shows, not only by one a
    /// finding reports (`shows:`).
    found_structurally: usize,
    missed: Vec<String>,
    flagged: Vec<String>,
    high_medium: usize,
    top_named: usize,
    unrecorded: Vec<String>,
}

fn score(dir: &Path) -> Score {
    let text = std::fs::read_to_string(dir.join("expected.yaml")).expect("expected.yaml");
    let expected: Expected =
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    assert!(
        !expected.source.url.is_empty(),
        "{}: no source",
        dir.display()
    );
    let loaded = load(&dir.join("assessment.yaml"));
    assert!(
        !loaded.has_errors(),
        "{} must load: {:?}",
        dir.display(),
        loaded.diagnostics
    );
    let a = loaded.assessment.expect("assessment");
    let errors: Vec<_> = needsmap::check::check(&a)
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(
        errors.is_empty(),
        "{} must check: {errors:?}",
        dir.display()
    );
    let gaps = analyse(&a).gaps;
    let named = &expected.named_gaps;
    let missed: Vec<String> = named
        .iter()
        .filter(|n| !gaps.iter().any(|g| matches(g, n)))
        .map(|n| format!("{} ({}: {})", n.id, n.kind, n.says))
        .collect();
    let flagged: BTreeSet<String> = expected
        .covered
        .iter()
        .flat_map(|c| {
            gaps.iter()
                .filter(move |g| flags_cell(g, c))
                .map(move |g| format!("{} flags covered {}/{}", g.id, c.cohort, c.level))
        })
        .collect();
    // A capacity gap against need may rest only on recorded capacity.
    let unrecorded: Vec<String> = gaps
        .iter()
        .filter(|g| g.severity != GapSeverity::Low && g.kind == GapKind::Capacity)
        .filter(|g| {
            !matches!(
                g.basis,
                Some(
                    CapacityBasis::TurnedAway
                        | CapacityBasis::UnmetDemand
                        | CapacityBasis::Benchmark
                ) | None
            )
        })
        .filter(|g| {
            g.services.iter().any(|id| {
                a.services
                    .iter()
                    .any(|s| &s.id == id && s.capacity.as_ref().and_then(|c| c.per_year).is_none())
            })
        })
        .map(|g| g.id.clone())
        .collect();
    let found_structurally = named
        .iter()
        .filter(|n| {
            gaps.iter()
                .any(|g| matches(g, n) && !g.id.contains("/reported/"))
        })
        .count();
    let high_medium = gaps
        .iter()
        .filter(|g| g.severity != GapSeverity::Low)
        .count();
    let top_named = gaps
        .iter()
        .take(named.len())
        .filter(|g| named.iter().any(|n| matches(g, n)))
        .count();
    Score {
        named: named.len(),
        found: named.len() - missed.len(),
        found_structurally,
        missed,
        flagged: flagged.into_iter().collect(),
        high_medium,
        top_named,
        unrecorded,
    }
}

#[test]
fn there_are_at_least_three_real_cases() {
    let cases = cases();
    assert!(cases.len() >= 3, "real cases: {cases:?}");
    for dir in &cases {
        assert!(
            dir.join("README.md").is_file(),
            "{}: no README with the document's origin and licence",
            dir.display()
        );
    }
}

#[test]
fn every_real_case_finds_what_its_document_names() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for dir in cases() {
        let s = score(&dir);
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        report.push(format!(
            "{name}: found {}/{} named ({} from the structure, the rest from findings that report them); {} covered cells flagged; {} high+medium (budget {}); {}/{} of the top {} named",
            s.found,
            s.named,
            s.found_structurally,
            s.flagged.len(),
            s.high_medium,
            2 * s.named,
            s.top_named,
            s.named,
            s.named
        ));
        if !s.missed.is_empty() {
            failures.push(format!("{name} misses: {:?}", s.missed));
        }
        if !s.flagged.is_empty() {
            failures.push(format!("{name} flags covered cells: {:?}", s.flagged));
        }
        if !s.unrecorded.is_empty() {
            failures.push(format!(
                "{name}: gaps resting on unrecorded capacity: {:?}",
                s.unrecorded
            ));
        }
        if s.high_medium > 2 * s.named {
            failures.push(format!(
                "{name}: {} high and medium gaps for {} named",
                s.high_medium, s.named
            ));
        }
        if 2 * s.top_named <= s.named {
            failures.push(format!(
                "{name}: only {} of the top {} gaps are named ones",
                s.top_named, s.named
            ));
        }
    }
    println!("{}", report.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n{}",
        report.join("\n"),
        failures.join("\n")
    );
}
