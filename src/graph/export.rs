//! The pathway graph for other tools: Graphviz DOT, GraphML (Gephi, yEd),
//! plain JSON, and Kumu's JSON blueprint.

use std::fmt::Write;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde_json::{Value, json};

use super::{EdgeSource, NodeRef, PathwayGraph};
use crate::model::kebab;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Graphml,
    Json,
    Kumu,
}

/// Nodes and edges to export: the whole graph, or what one cohort can use.
struct Selection {
    nodes: Vec<NodeIndex>,
    edges: Vec<petgraph::graph::EdgeIndex>,
}

fn select(g: &PathwayGraph, cohort: Option<usize>) -> Selection {
    let nodes = g
        .graph
        .node_indices()
        .filter(|&n| g.graph[n] != NodeRef::Root)
        .filter(|&n| cohort.is_none_or(|c| g.usable(c, n)))
        .collect();
    let edges = g
        .graph
        .edge_references()
        .filter(|e| g.graph[e.source()] != NodeRef::Root)
        .filter(|e| {
            cohort.is_none_or(|c| {
                e.weight().open_to(c) && g.usable(c, e.source()) && g.usable(c, e.target())
            })
        })
        .map(|e| e.id())
        .collect();
    Selection { nodes, edges }
}

/// Export the graph (or one cohort's part of it) in `format`.
pub fn export(g: &PathwayGraph, format: GraphFormat, cohort: Option<usize>) -> String {
    let sel = select(g, cohort);
    match format {
        GraphFormat::Dot => dot(g, &sel),
        GraphFormat::Graphml => graphml(g, &sel),
        GraphFormat::Json => pretty(&plain_json(g, &sel)),
        GraphFormat::Kumu => pretty(&kumu(g, &sel)),
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn node_type(g: &PathwayGraph, n: NodeIndex) -> &'static str {
    match g.graph[n] {
        NodeRef::Root => "start",
        NodeRef::Entry(_) => "entry-point",
        NodeRef::Service(_) => "service",
    }
}

fn sector(g: &PathwayGraph, n: NodeIndex) -> String {
    let sector = match g.graph[n] {
        NodeRef::Root => return String::new(),
        NodeRef::Entry(i) => g.a.entry_points[i].sector,
        NodeRef::Service(i) => g.a.services[i].sector,
    };
    kebab(&sector)
}

fn edge_kinds(sources: &[EdgeSource]) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = sources
        .iter()
        .map(|s| match s {
            EdgeSource::AcceptsFrom => "accepts_from",
            EdgeSource::RefersTo => "refers_to",
            EdgeSource::Pathway(_) => "pathway",
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

fn edge_cohorts(g: &PathwayGraph, route: &super::Route) -> Option<Vec<String>> {
    route
        .cohorts
        .as_ref()
        .map(|set| set.ones().map(|c| g.a.cohorts[c].id.clone()).collect())
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn dot(g: &PathwayGraph, sel: &Selection) -> String {
    let mut out = String::from(
        "digraph pathways {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=8];\n",
    );
    for &n in &sel.nodes {
        let (shape, fill) = match g.graph[n] {
            NodeRef::Entry(_) => ("ellipse", "#e8eef7"),
            _ => ("box", "#ffffff"),
        };
        let _ = writeln!(
            out,
            "  \"{}\" [label=\"{}\", shape={shape}, style=filled, fillcolor=\"{fill}\", tooltip=\"{}\"];",
            dot_escape(g.node_id(n)),
            dot_escape(g.node_name(n)),
            dot_escape(&sector(g, n)),
        );
    }
    for &e in &sel.edges {
        let (from, to) = g.graph.edge_endpoints(e).expect("edge exists");
        let route = &g.graph[e];
        let mut attrs = Vec::new();
        if !route.when.is_empty() {
            attrs.push(format!("label=\"{}\"", dot_escape(&route.when.join("; "))));
        }
        if route.cohorts.is_some() {
            attrs.push("style=dashed".to_owned());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\"{attrs};",
            dot_escape(g.node_id(from)),
            dot_escape(g.node_id(to))
        );
    }
    out.push_str("}\n");
    out
}

/// XML escaping is the same as for SVG.
use crate::text::xml_escape;

fn graphml(g: &PathwayGraph, sel: &Selection) -> String {
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
        "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n",
        "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n",
        "  <key id=\"sector\" for=\"node\" attr.name=\"sector\" attr.type=\"string\"/>\n",
        "  <key id=\"levels\" for=\"node\" attr.name=\"levels\" attr.type=\"string\"/>\n",
        "  <key id=\"kinds\" for=\"edge\" attr.name=\"kinds\" attr.type=\"string\"/>\n",
        "  <key id=\"when\" for=\"edge\" attr.name=\"when\" attr.type=\"string\"/>\n",
        "  <key id=\"cohorts\" for=\"edge\" attr.name=\"cohorts\" attr.type=\"string\"/>\n",
        "  <graph id=\"pathways\" edgedefault=\"directed\">\n",
    ));
    for &n in &sel.nodes {
        let levels = match g.graph[n] {
            NodeRef::Service(i) => g.a.services[i].levels.join(" "),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "    <node id=\"{}\"><data key=\"label\">{}</data><data key=\"type\">{}</data><data key=\"sector\">{}</data><data key=\"levels\">{}</data></node>",
            xml_escape(g.node_id(n)),
            xml_escape(g.node_name(n)),
            node_type(g, n),
            xml_escape(&sector(g, n)),
            xml_escape(&levels),
        );
    }
    for &e in &sel.edges {
        let (from, to) = g.graph.edge_endpoints(e).expect("edge exists");
        let route = &g.graph[e];
        let cohorts = edge_cohorts(g, route)
            .map(|c| c.join(" "))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    <edge source=\"{}\" target=\"{}\"><data key=\"kinds\">{}</data><data key=\"when\">{}</data><data key=\"cohorts\">{}</data></edge>",
            xml_escape(g.node_id(from)),
            xml_escape(g.node_id(to)),
            edge_kinds(&route.sources).join(" "),
            xml_escape(&route.when.join("; ")),
            xml_escape(&cohorts),
        );
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

fn node_json(g: &PathwayGraph, n: NodeIndex) -> Value {
    match g.graph[n] {
        NodeRef::Service(i) => {
            let s = &g.a.services[i];
            json!({
                "id": s.id, "name": s.name, "type": "service", "provider": s.provider,
                "sector": kebab(&s.sector), "kind": kebab(&s.kind),
                "levels": s.levels, "cohorts": s.cohorts, "excludes": s.excludes,
            })
        }
        _ => {
            json!({ "id": g.node_id(n), "name": g.node_name(n), "type": node_type(g, n), "sector": sector(g, n) })
        }
    }
}

fn plain_json(g: &PathwayGraph, sel: &Selection) -> Value {
    let nodes: Vec<Value> = sel.nodes.iter().map(|&n| node_json(g, n)).collect();
    let edges: Vec<Value> = sel
        .edges
        .iter()
        .map(|&e| {
            let (from, to) = g.graph.edge_endpoints(e).expect("edge exists");
            let route = &g.graph[e];
            json!({
                "from": g.node_id(from), "to": g.node_id(to),
                "kinds": edge_kinds(&route.sources), "when": route.when,
                "cohorts": edge_cohorts(g, route),
            })
        })
        .collect();
    json!({ "nodes": nodes, "edges": edges })
}

/// Kumu's blueprint JSON: `elements` with labels, `connections` between
/// labels. Labels must be unique, so a repeated name gets its id added.
fn kumu(g: &PathwayGraph, sel: &Selection) -> Value {
    let mut counts = std::collections::HashMap::new();
    for &n in &sel.nodes {
        *counts.entry(g.node_name(n)).or_insert(0) += 1;
    }
    let label = |n: NodeIndex| {
        let name = g.node_name(n);
        if counts.get(name).copied().unwrap_or(0) > 1 {
            format!("{name} ({})", g.node_id(n))
        } else {
            name.to_owned()
        }
    };
    let elements: Vec<Value> = sel
        .nodes
        .iter()
        .map(|&n| {
            let mut tags = vec![sector(g, n)];
            if let NodeRef::Service(i) = g.graph[n] {
                tags.extend(g.a.services[i].levels.iter().cloned());
            }
            let description = match g.graph[n] {
                NodeRef::Service(i) => g.a.services[i].description.clone().unwrap_or_default(),
                NodeRef::Entry(i) => g.a.entry_points[i].description.clone().unwrap_or_default(),
                NodeRef::Root => String::new(),
            };
            json!({
                "label": label(n),
                "type": if node_type(g, n) == "entry-point" { "Entry point" } else { "Service" },
                "id": g.node_id(n),
                "description": description,
                "tags": tags,
            })
        })
        .collect();
    let connections: Vec<Value> = sel
        .edges
        .iter()
        .map(|&e| {
            let (from, to) = g.graph.edge_endpoints(e).expect("edge exists");
            let route = &g.graph[e];
            json!({
                "from": label(from), "to": label(to), "direction": "directed",
                "type": if route.sources.iter().any(|s| matches!(s, EdgeSource::Pathway(_))) { "Pathway" } else { "Referral" },
                "description": route.when.join("; "),
            })
        })
        .collect();
    json!({ "elements": elements, "connections": connections })
}
