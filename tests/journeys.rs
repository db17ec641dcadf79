//! Survivor journeys: metrics, informal routes found against the pathway
//! graph, refusals tied to exclusion gaps, and accessible SVG maps.

use serde_json::Value;

mod common;
use common::run;

const INFORMAL: &str = "tests/fixtures/journeys/informal/assessment.yaml";

fn journeys_json(path: &str) -> Value {
    let (code, out, err) = run(&["journeys", "--format", "json", path]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("json")
}

fn journey<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["journeys"]
        .as_array()
        .expect("journeys")
        .iter()
        .find(|j| j["id"] == id)
        .expect("journey")
}

#[test]
fn metrics_count_what_happened() {
    let r = journeys_json(INFORMAL);
    let j = journey(&r, "j02");
    assert_eq!(j["steps"], 3);
    assert_eq!(j["services_touched"], 3);
    assert_eq!(j["handoffs"], 2);
    assert_eq!(j["retold"], 2);
    assert_eq!(j["refusals"], 0);
    assert_eq!(j["days_to_support"], 6);
    assert_eq!(j["ended"], "supported");
    assert_eq!(j["mean_feeling"], (-3.0 + 0.0 + 2.0) / 3.0);
    let women = &r["by_cohort"]["women"];
    assert_eq!(women["journeys"], 2);
    assert_eq!(women["retold"], 2);
    let police = r["by_touchpoint"]
        .as_array()
        .expect("touchpoints")
        .iter()
        .find(|t| t["id"] == "police")
        .expect("police");
    assert_eq!(police["visits"], 2);
    assert_eq!(police["mean_feeling"], -2.5);
}

#[test]
fn an_informal_referral_is_an_unmapped_pathway() {
    let r = journeys_json(INFORMAL);
    let ids: Vec<&str> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        ["unmapped-pathway/outreach/idva"],
        "police→outreach and police→idva are recorded"
    );
    // It joins the gap list too, in the same shape.
    let (_, out, _) = run(&[
        "gaps",
        "--format",
        "json",
        "--kind",
        "unmapped-pathway",
        INFORMAL,
    ]);
    let gaps: Value = serde_json::from_str(&out).expect("json");
    let gap = &gaps["gaps"][0];
    assert_eq!(gap["kind"], "unmapped-pathway");
    assert_eq!(gap["journeys"], serde_json::json!(["j02"]));
    assert!(
        gap["evidence"]
            .as_str()
            .unwrap_or("")
            .starts_with("Journey j02 (day 4) went from Outreach to IDVA service"),
        "{gap}"
    );
}

#[test]
fn the_example_shows_informal_routes_and_refusals_behind_exclusions() {
    let r = journeys_json("assessments/northmoor.yaml");
    assert!(r["journeys"].as_array().map_or(0, Vec::len) >= 12);
    assert!(
        r["findings"].as_array().map_or(0, Vec::len) >= 2,
        "{:#}",
        r["findings"]
    );
    let (_, out, _) = run(&[
        "gaps",
        "--format",
        "json",
        "--kind",
        "exclusion",
        "assessments/northmoor.yaml",
    ]);
    let gaps: Value = serde_json::from_str(&out).expect("json");
    let refuge = gaps["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .find(|g| g["id"] == "exclusion/women/substance-misuse/refuge")
        .expect("refuge exclusion");
    assert!(
        refuge["journeys"]
            .as_array()
            .expect("journeys")
            .contains(&Value::from("j01")),
        "{refuge}"
    );
    assert!(
        refuge["evidence"]
            .as_str()
            .unwrap_or("")
            .contains("journey j01 was refused at Northmoor Women's Refuge"),
        "{refuge}"
    );
}

#[test]
fn journey_maps_are_accessible_svg_with_escaped_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().display().to_string();
    let (code, _, err) = run(&["journeys", "--svg", &out, INFORMAL]);
    assert_eq!(code, 0, "{err}");
    for name in ["j01.svg", "j02.svg", "touchpoints.svg"] {
        let text = std::fs::read_to_string(dir.path().join(name)).expect("svg written");
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"));
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap_or("");
        let desc = doc
            .descendants()
            .find(|n| n.has_tag_name("desc"))
            .and_then(|n| n.text())
            .unwrap_or("");
        assert!(
            !title.is_empty() && !desc.is_empty(),
            "{name} needs a title and a description"
        );
        assert!(!text.contains("<script"), "{name} must escape user text");
    }
    let j02 = std::fs::read_to_string(dir.path().join("j02.svg")).expect("svg");
    assert!(j02.contains("Zoë &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;"));
    // Meaning in text, not only colour: outcomes and retellings are written.
    assert!(j02.contains(">referred<") && j02.contains(">supported<") && j02.contains("retold"));
    assert!(j02.contains("barrier: No written route &lt;b&gt;between&lt;/b&gt; services"));
    // Sectors in words under each touchpoint, not as slugs.
    let touch = std::fs::read_to_string(dir.path().join("touchpoints.svg")).expect("svg");
    assert!(touch.contains(">police and criminal justice<") && !touch.contains("police-justice"));
}
