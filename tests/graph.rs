//! `needsmap graph` in every format: DOT that Graphviz renders, GraphML that
//! parses, and JSON/Kumu whose edges join existing nodes.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::run;

const FIXTURE: &str = "tests/fixtures/gaps/single-point-of-failure/trigger/assessment.yaml";

fn graph(path: &str, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["graph", "--format", format];
    args.extend_from_slice(extra);
    args.push(path);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn dot_renders_with_graphviz() {
    for path in [FIXTURE, "assessments/northmoor.yaml"] {
        let dot = graph(path, "dot", &[]);
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("Graphviz `dot` must be installed (apt-get install graphviz; .ci/run does)");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(dot.as_bytes())
            .expect("write");
        let output = child.wait_with_output().expect("dot runs");
        assert!(
            output.status.success(),
            "dot rejected {path}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("<svg"));
    }
}

#[test]
fn dot_names_every_route() {
    let dot = graph(FIXTURE, "dot", &[]);
    assert!(dot.starts_with("digraph pathways {"));
    for edge in [
        "\"police\" -> \"outreach\"",
        "\"outreach\" -> \"hub\"",
        "\"hub\" -> \"idva\"",
        "\"hub\" -> \"idva-two\"",
    ] {
        assert!(dot.contains(edge), "missing {edge} in\n{dot}");
    }
    assert!(
        !dot.contains("\"start\""),
        "the virtual root is not exported"
    );
}

#[test]
fn graphml_is_well_formed_and_complete() {
    let xml = graph(FIXTURE, "graphml", &[]);
    let doc = roxmltree::Document::parse(&xml).expect("GraphML parses as XML");
    let nodes = doc.descendants().filter(|n| n.has_tag_name("node")).count();
    let edges = doc.descendants().filter(|n| n.has_tag_name("edge")).count();
    assert_eq!(nodes, 5, "police + outreach, hub, idva, idva-two");
    assert_eq!(
        edges, 5,
        "police→outreach, police→hub, outreach→hub, hub→idva, hub→idva-two"
    );
}

#[test]
fn json_and_kumu_edges_join_known_nodes() {
    let json: Value = serde_json::from_str(&graph(FIXTURE, "json", &[])).expect("json");
    let ids: Vec<&str> = json["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id"))
        .collect();
    for e in json["edges"].as_array().expect("edges") {
        assert!(ids.contains(&e["from"].as_str().expect("from")));
        assert!(ids.contains(&e["to"].as_str().expect("to")));
    }
    let kumu: Value = serde_json::from_str(&graph(FIXTURE, "kumu", &[])).expect("kumu json");
    let labels: Vec<&str> = kumu["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .map(|e| e["label"].as_str().expect("label"))
        .collect();
    let connections = kumu["connections"].as_array().expect("connections");
    assert_eq!(connections.len(), 5);
    for c in connections {
        assert!(labels.contains(&c["from"].as_str().expect("from")), "{c}");
        assert!(labels.contains(&c["to"].as_str().expect("to")), "{c}");
    }
}

#[test]
fn cohort_view_leaves_out_what_the_cohort_cannot_use() {
    let path = "tests/fixtures/gaps/exclusion/trigger/assessment.yaml";
    let all = graph(path, "dot", &[]);
    assert!(all.contains("\"refuge\""));
    let excluded = graph(path, "dot", &["--cohort", "substance-misuse"]);
    assert!(
        !excluded.contains("\"refuge\""),
        "the refuge excludes substance misuse:\n{excluded}"
    );
    assert!(excluded.contains("\"idva\""));
}
