//! Inputs at scale, written on demand (never committed: they run to many
//! megabytes): the Northmoor example with N survivor journeys, or with one
//! very long finding. Shared by `tests/scale.rs` and `benches/scale.rs`.
#![allow(dead_code)] // each user calls only some of it

use std::path::{Path, PathBuf};

const EXAMPLE: &str = "assessments/northmoor.yaml";
const EXAMPLE_INCLUDES: &str = "assessments/northmoor";
const EXAMPLE_JOURNEYS: &str = "journeys/northmoor";

/// Copy the example into `dir`, a workspace of its own, without its
/// journeys. Returns the assessment's path.
fn example_without_journeys(dir: &Path) -> PathBuf {
    let includes = dir.join(EXAMPLE_INCLUDES);
    std::fs::create_dir_all(&includes).expect("mkdir");
    std::fs::create_dir_all(dir.join(EXAMPLE_JOURNEYS)).expect("mkdir");
    for e in std::fs::read_dir(EXAMPLE_INCLUDES).expect("the example's includes") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, includes.join(p.file_name().expect("name"))).expect("copy");
    }
    std::fs::copy(EXAMPLE, dir.join(EXAMPLE)).expect("copy");
    // Marks the workspace: the journeys sit beside assessments/, not in it.
    std::fs::write(dir.join("needsmap.toml"), "").expect("write");
    dir.join(EXAMPLE)
}

/// The example's journeys as (file name, text), in file order.
fn example_journeys() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(EXAMPLE_JOURNEYS)
        .expect("the example's journeys")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect()
}

/// A journey's text under a new id: the line `id: …` replaced.
fn with_id(journey: &str, id: &str) -> String {
    journey
        .lines()
        .map(|l| {
            if l.starts_with("id: ") {
                format!("id: {id}")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The example with `count` survivor journeys: its fifteen, copied over
/// and over under new ids (`g00001`, …), so the mix of cohorts, outcomes
/// and consent stays the example's. Returns the assessment's path.
pub fn example_with_journeys(dir: &Path, count: usize) -> PathBuf {
    let path = example_without_journeys(dir);
    let journeys = example_journeys();
    for i in 0..count {
        let (name, text) = &journeys[i % journeys.len()];
        let id = format!("g{:05}", i + 1);
        let file = dir.join(EXAMPLE_JOURNEYS).join(format!("{id}-{name}"));
        std::fs::write(file, with_id(text, &id)).expect("write journey");
    }
    path
}

/// Plain prose of about `bytes` bytes, as a folded YAML block: lines of
/// words, each indented by `indent` spaces.
fn long_text(bytes: usize, indent: usize) -> String {
    const SENTENCE: &str = "Survivors told us the wait for a refuge place was the hardest part. ";
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(bytes + bytes / 60 * (indent + 1));
    let mut written = 0;
    while written < bytes {
        out.push_str(&pad);
        out.push_str(SENTENCE.trim_end());
        out.push('\n');
        written += SENTENCE.len();
    }
    out
}

/// The example (with its own journeys) and one more finding whose text is
/// about `bytes` bytes long. Returns the assessment's path.
pub fn example_with_long_finding(dir: &Path, bytes: usize) -> PathBuf {
    let path = example_without_journeys(dir);
    for (name, text) in example_journeys() {
        std::fs::write(dir.join(EXAMPLE_JOURNEYS).join(name), text).expect("write journey");
    }
    let findings = dir.join(EXAMPLE_INCLUDES).join("findings.yaml");
    let mut yaml = std::fs::read_to_string(&findings).expect("findings");
    yaml.push_str("\n  - id: f-long\n    theme: data\n    text: >-\n");
    yaml.push_str(&long_text(bytes, 6));
    yaml.push_str("    source: Generated at scale\n");
    std::fs::write(&findings, yaml).expect("write findings");
    path
}

/// The example with its journeys and one more of `steps` steps (police,
/// MARAC, IDVA, over and over), id `j99`. Returns the assessment's path.
pub fn example_with_long_journey(dir: &Path, steps: usize) -> PathBuf {
    let path = example_without_journeys(dir);
    for (name, text) in example_journeys() {
        std::fs::write(dir.join(EXAMPLE_JOURNEYS).join(name), text).expect("write journey");
    }
    let at = ["police", "marac", "idva"];
    let mut yaml = String::from(
        "id: j99\npersona: Sam, 40s, many agencies over two years\ncohorts: [women]\nconsent: publish\nsource: Test journey\nsteps:\n",
    );
    for i in 0..steps {
        let (here, next) = (at[i % 3], at[(i + 1) % 3]);
        if i + 1 == steps {
            yaml.push_str(&format!(
                "  - at: {here}\n    day: {}\n    feeling: 1\n    outcome: supported\n",
                i * 7
            ));
        } else {
            yaml.push_str(&format!(
                "  - at: {here}\n    day: {}\n    feeling: {}\n    outcome: referred\n    to: {next}\n",
                i * 7,
                (i % 5) as i64 - 2
            ));
        }
    }
    std::fs::write(dir.join(EXAMPLE_JOURNEYS).join("j99-long.yaml"), yaml).expect("write");
    path
}
