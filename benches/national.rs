//! National-scale gap analysis benchmark (issue: pathway graph and gaps).
//!
//! Generates an assessment of 300 areas, 30,000 services, about 150,000
//! referral edges, 20 cohorts and 7 levels, then measures in one run:
//! - parse: reading the YAML into the model (`model::load`);
//! - gaps: what `needsmap gaps` does (load, check, build graph, analyse);
//!
//! and reports medians, their ratio, and the peak memory (VmHWM) of each in
//! a fresh process. Run: `cargo bench --bench national` (add `-- --runs N`).
//! `cargo bench --bench national -- --write PATH` only writes the YAML to
//! PATH, to time the `needsmap` binary on it (`check` against `gaps`).

use std::path::{Path, PathBuf};
use std::time::Instant;

mod support;
use support::Rng;

const AREAS: usize = 300;
const SERVICES_PER_AREA: usize = 100;

const LEVELS: [&str; 7] = [
    "prevention",
    "early-help",
    "standard-risk",
    "medium-risk",
    "high-risk",
    "crisis",
    "recovery",
];
const GROUPS: [(&str, &str); 16] = [
    ("women", "victim"),
    ("men", "victim"),
    ("lgbt", "victim"),
    ("older", "victim"),
    ("disabled", "victim"),
    ("minoritised", "victim"),
    ("pregnant", "victim"),
    ("deaf", "victim"),
    ("travellers", "victim"),
    ("veterans", "victim"),
    ("rural", "victim"),
    ("children", "child"),
    ("young-people", "victim"),
    ("adult-perpetrators", "perpetrator"),
    ("under-18-perpetrators", "perpetrator"),
    ("interchangeable", "family"),
];
const NEEDS: [&str; 4] = [
    "substance-misuse",
    "mental-health",
    "nrpf",
    "learning-disability",
];
const ENTRY: [(&str, &str); 10] = [
    ("police", "police-justice"),
    ("gp", "health"),
    ("emergency-department", "health"),
    ("maternity", "health"),
    ("school", "education"),
    ("housing-options", "housing"),
    ("childrens-social-care", "local-authority"),
    ("adult-social-care", "local-authority"),
    ("self-referral", "community"),
    ("helpline", "voluntary"),
];
const KINDS: [&str; 6] = [
    "support",
    "support",
    "accommodation",
    "perpetrator-programme",
    "multi-agency",
    "therapeutic",
];
const SECTORS: [&str; 6] = [
    "health",
    "local-authority",
    "police-justice",
    "housing",
    "voluntary",
    "education",
];
const ENDS: [&str; 4] = ["2027-03-31", "2028-03-31", "2029-03-31", "2030-03-31"];

fn generate() -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut y = String::with_capacity(40 << 20);
    y.push_str("schema: needsmap/v1\nassessment:\n  title: National benchmark\n  area: England\n  authority: tier1\n");
    y.push_str("  period: { start: 2026-04-01, end: 2029-03-31 }\n  localities: [");
    y.push_str(
        &(0..AREAS)
            .map(|a| format!("a{a:03}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    y.push_str("]\npopulation:\n  year: 2024\n  source: generated\n  total: 57000000\n  groups: { adults: 46000000, children: 11000000 }\nlevels:\n");
    for (i, l) in LEVELS.iter().enumerate() {
        let extra = match i {
            4 | 5 => ", high_need: true",
            6 => ", step_down: true",
            _ => "",
        };
        y.push_str(&format!("  - {{ id: {l}, name: {l}{extra} }}\n"));
    }
    y.push_str("cohorts:\n");
    for (i, (id, role)) in GROUPS.iter().enumerate() {
        let population = if *role == "child" {
            "children"
        } else {
            "adults"
        };
        y.push_str(&format!(
            "  - {{ id: {id}, name: {id}, role: {role}, population: {population}, prevalence: 0.0{}, prevalence_source: generated, priority: {} }}\n",
            1 + i % 9, i < 2
        ));
    }
    for id in NEEDS {
        y.push_str(&format!("  - {{ id: {id}, name: {id}, role: victim, kind: need, demand: {{ per_year: 50000, source: generated }} }}\n"));
    }
    y.push_str("entry_points:\n");
    for (id, sector) in ENTRY {
        y.push_str(&format!(
            "  - {{ id: {id}, name: {id}, sector: {sector} }}\n"
        ));
    }
    y.push_str("services:\n");
    let cohort_ids: Vec<&str> = GROUPS.iter().map(|(c, _)| *c).chain(NEEDS).collect();
    let entry_ids: Vec<&str> = ENTRY.iter().map(|(e, _)| *e).collect();
    for area in 0..AREAS {
        for i in 0..SERVICES_PER_AREA {
            let kind = rng.pick(&KINDS);
            let l = rng.below(LEVELS.len());
            let levels = if l + 1 < LEVELS.len() && rng.below(2) == 0 {
                format!("{}, {}", LEVELS[l], LEVELS[l + 1])
            } else {
                LEVELS[l].to_owned()
            };
            let cohorts: Vec<&str> = (0..2 + rng.below(4))
                .map(|_| rng.pick(&cohort_ids))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let accepts = [
                rng.pick(&entry_ids).to_owned(),
                if i > 0 {
                    format!("s{area:03}-{:03}", rng.below(i))
                } else {
                    rng.pick(&entry_ids).to_owned()
                },
            ];
            let refers: Vec<String> = (0..3)
                .map(|_| format!("s{area:03}-{:03}", rng.below(SERVICES_PER_AREA)))
                .collect();
            y.push_str(&format!(
                "  - id: s{area:03}-{i:03}\n    name: Service {i} of area {area}\n    provider: Provider {}\n    sector: {}\n    kind: {kind}\n    levels: [{levels}]\n    cohorts: [{}]\n",
                rng.below(50), rng.pick(&SECTORS), cohorts.join(", ")
            ));
            let exclude = rng.pick(&NEEDS);
            if rng.below(5) == 0 && !cohorts.contains(&exclude) {
                y.push_str(&format!("    excludes: [{exclude}]\n"));
            }
            y.push_str(&format!(
                "    localities: [a{area:03}]\n    capacity: {{ per_year: {} }}\n",
                20 + rng.below(400)
            ));
            if kind == "accommodation" {
                y.push_str(&format!(
                    "    accommodation: {{ type: {}, units: {}, bedspaces: {} }}\n",
                    rng.pick(&["refuge", "dispersed", "sanctuary", "move-on"]),
                    2 + rng.below(10),
                    5 + rng.below(20)
                ));
            }
            y.push_str(&format!(
                "    funding:\n      - {{ source: Grant {}, amount: {}, per: year, ends: {} }}\n    accepts_from: [{}]\n    refers_to: [{}]\n",
                rng.below(20), 10_000 + rng.below(200_000), rng.pick(&ENDS), accepts.join(", "), refers.join(", ")
            ));
        }
    }
    y.push_str("pathways:\n");
    for _ in 0..1000 {
        let area = rng.below(AREAS);
        let from = rng.below(SERVICES_PER_AREA);
        let to = (from + 1 + rng.below(SERVICES_PER_AREA - 1)) % SERVICES_PER_AREA;
        y.push_str(&format!(
            "  - {{ from: s{area:03}-{from:03}, to: s{area:03}-{to:03}, when: generated condition, cohorts: [{}] }}\n",
            rng.pick(&cohort_ids)
        ));
    }
    y
}

fn parse_only(path: &Path) -> usize {
    let loaded = needsmap::model::load(path);
    assert!(
        !loaded.has_errors(),
        "{:?}",
        &loaded.diagnostics[..loaded.diagnostics.len().min(3)]
    );
    loaded.assessment.map_or(0, |a| a.services.len())
}

fn gaps(path: &Path) -> usize {
    let loaded = needsmap::model::load(path);
    let a = loaded.assessment.expect("loads");
    let errors: Vec<_> = needsmap::check::check(&a)
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    needsmap::gaps::analyse(&a).gaps.len()
}

/// Seconds spent in each phase of one `gaps` run: parse, check, graph,
/// analysis.
fn phases(path: &Path) -> [f64; 4] {
    let t = Instant::now();
    let loaded = needsmap::model::load(path);
    let a = loaded.assessment.expect("loads");
    let parse = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let diagnostics = needsmap::check::check(&a);
    assert!(!diagnostics.iter().any(|d| d.is_error()));
    let check = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let g = needsmap::graph::PathwayGraph::build(&a);
    let graph = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let found = needsmap::gaps::analyse_graph(&g).gaps.len();
    assert!(found > 0);
    [parse, check, graph, t.elapsed().as_secs_f64()]
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Peak memory of one phase, measured in a fresh process.
fn peak_of(phase: &str, path: &Path) -> u64 {
    let exe = std::env::current_exe().expect("exe");
    let out = std::process::Command::new(exe)
        .args(["--child", phase])
        .arg(path)
        .output()
        .expect("child runs");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let path = PathBuf::from(&args[i + 2]);
        match args[i + 1].as_str() {
            "parse" => {
                parse_only(&path);
            }
            _ => {
                gaps(&path);
            }
        }
        println!("{}", peak_kib());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let path = args.get(i + 1).expect("--write PATH");
        std::fs::write(path, generate()).expect("write");
        println!("wrote {path}");
        return;
    }
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(5);
    let dir = PathBuf::from(
        std::env::var("CARGO_TARGET_TMPDIR")
            .unwrap_or_else(|_| std::env::temp_dir().display().to_string()),
    );
    let path = dir.join("national.yaml");
    let yaml = generate();
    std::fs::write(&path, &yaml).expect("write");
    let edges: usize = yaml.matches("accepts_from: [").count() * 2
        + yaml.matches("refers_to: [").count() * 3
        + 1000;
    println!(
        "national assessment: {} MiB of YAML, {AREAS} areas, {} services, ~{edges} referral edges, {} cohorts, {} levels",
        yaml.len() >> 20,
        AREAS * SERVICES_PER_AREA,
        GROUPS.len() + NEEDS.len(),
        LEVELS.len()
    );

    let (mut parse_s, mut gaps_s) = (Vec::new(), Vec::new());
    let mut found = 0;
    for _ in 0..runs {
        let t = Instant::now();
        parse_only(&path);
        parse_s.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        found = gaps(&path);
        gaps_s.push(t.elapsed().as_secs_f64());
    }
    let mut split: [Vec<f64>; 4] = Default::default();
    for _ in 0..runs {
        for (all, one) in split.iter_mut().zip(phases(&path)) {
            all.push(one);
        }
    }
    let [sp, sc, sg, sa] = split.map(median);
    println!(
        "phases (medians): parse {sp:.3} s, check {sc:.3} s, graph {sg:.3} s, analysis {sa:.3} s"
    );
    let (p, g) = (median(parse_s), median(gaps_s));
    println!("parse only: median {p:.3} s over {runs} runs");
    println!("gaps:       median {g:.3} s over {runs} runs ({found} gaps)");
    println!("ratio gaps / parse: {:.2} (goal ≤ 2.00)", g / p);
    println!(
        "peak memory: parse {} MiB, gaps {} MiB (goal < 1024)",
        peak_of("parse", &path) >> 10,
        peak_of("gaps", &path) >> 10
    );
}
