//! Gap rules against fixtures: for every kind, a fixture that triggers it
//! and a near-identical one (one change) that does not.

use std::path::Path;

use needsmap::gaps::{Analysis, Gap, GapKind, analyse};
use needsmap::model::load;

mod common;
use common::run;

fn analysis(path: &str) -> Analysis {
    let loaded = load(Path::new(path));
    assert!(
        !loaded.has_errors(),
        "{path} must load: {:?}",
        loaded.diagnostics
    );
    let a = loaded.assessment.expect("assessment");
    let problems: Vec<_> = needsmap::check::check(&a)
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(problems.is_empty(), "{path} must check: {problems:?}");
    analyse(&a)
}

fn of_kind(a: &Analysis, kind: GapKind) -> Vec<&Gap> {
    a.gaps.iter().filter(|g| g.kind == kind).collect()
}

/// The trigger fixture has the gap (with this id); the clear one has no gap
/// of the kind.
fn pair(dir: &str, kind: GapKind, id: &str) -> Gap {
    let trigger = analysis(&format!(
        "tests/fixtures/gaps/{dir}/trigger/assessment.yaml"
    ));
    let clear = analysis(&format!("tests/fixtures/gaps/{dir}/clear/assessment.yaml"));
    let found = trigger.gaps.iter().find(|g| g.id == id).unwrap_or_else(|| {
        panic!(
            "{dir}: no gap {id}; found {:?}",
            trigger.gaps.iter().map(|g| &g.id).collect::<Vec<_>>()
        )
    });
    assert_eq!(found.kind, kind);
    let left: Vec<&str> = of_kind(&clear, kind)
        .iter()
        .map(|g| g.id.as_str())
        .filter(|i| *i == id || kind != GapKind::Capacity)
        .collect();
    assert!(left.is_empty(), "{dir}/clear still has {left:?}");
    found.clone()
}

#[test]
fn no_provision() {
    let g = pair(
        "no-provision",
        GapKind::NoProvision,
        "no-provision/men/high-risk",
    );
    assert_eq!(g.cohort.as_deref(), Some("men"));
    assert_eq!(g.level.as_deref(), Some("high-risk"));
    assert!(
        g.evidence
            .contains("The only service at high risk, IDVA service, does not serve men"),
        "{}",
        g.evidence
    );
}

#[test]
fn exclusion() {
    let g = pair(
        "exclusion",
        GapKind::Exclusion,
        "exclusion/women/substance-misuse/accommodation",
    );
    assert_eq!(g.need.as_deref(), Some("substance-misuse"));
    assert_eq!(g.services, ["refuge"]);
    assert_eq!(g.severity, needsmap::gaps::GapSeverity::High);
}

#[test]
fn unreachable() {
    let g = pair(
        "unreachable",
        GapKind::Unreachable,
        "unreachable/women/high-risk",
    );
    assert!(
        g.evidence.contains(
            "they take referrals only from Men's advice line, which women cannot reach or use"
        ),
        "{}",
        g.evidence
    );
}

#[test]
fn single_point_of_failure() {
    let g = pair(
        "single-point-of-failure",
        GapKind::SinglePointOfFailure,
        "single-point-of-failure/hub/high-risk",
    );
    assert_eq!(g.services, ["hub"]);
    assert!(
        g.evidence.contains("passes through Referral hub"),
        "{}",
        g.evidence
    );
}

/// The data gaps of a fixture, by id.
fn unknown_ids(a: &Analysis) -> Vec<&str> {
    a.unknowns.iter().map(|u| u.id.as_str()).collect()
}

#[test]
fn dead_end() {
    // A journey ended at outreach without support: the missing route is a gap.
    let g = pair("dead-end", GapKind::DeadEnd, "dead-end/outreach");
    assert!(
        g.evidence.contains("records no onward referral"),
        "{}",
        g.evidence
    );
    assert!(
        g.evidence.contains("1 survivor's journey ended there"),
        "{}",
        g.evidence
    );
    assert_eq!(g.corroboration, ["journey:j1"]);
}

#[test]
fn an_unrecorded_onward_route_is_a_data_gap_not_a_dead_end() {
    let a = analysis("tests/fixtures/gaps/dead-end/unrecorded/assessment.yaml");
    assert!(of_kind(&a, GapKind::DeadEnd).is_empty(), "{:?}", a.gaps);
    let u = a
        .unknowns
        .iter()
        .find(|u| u.id == "onward-routes")
        .expect("onward-routes data gap");
    assert_eq!(u.services, ["outreach"]);
    assert!(
        u.text.starts_with("Outreach records no onward referral"),
        "{}",
        u.text
    );
}

#[test]
fn capacity() {
    // 1,000 women × 10% = 100 victims, half of whom need early help: 50;
    // outreach takes 10 a year.
    let g = pair("capacity", GapKind::Capacity, "capacity/women/early-help");
    assert!(
        g.evidence
            .contains("about 10 a year against an estimated 50 in need"),
        "{}",
        g.evidence
    );
    assert!(
        g.evidence
            .contains("of whom 50% need early help (Test share)"),
        "{}",
        g.evidence
    );
    assert!(g.evidence.contains("20% coverage"), "{}", g.evidence);
    assert_eq!(g.basis, Some(needsmap::gaps::CapacityBasis::Prevalence));
    assert_eq!(g.levels, ["early-help"]);
}

#[test]
fn capacity_is_not_judged_when_a_service_counted_records_none() {
    // As the trigger, with a helpline open to all victims at early help that
    // records no capacity: the shortfall may not be one.
    let a = analysis("tests/fixtures/gaps/capacity/partial/assessment.yaml");
    assert!(of_kind(&a, GapKind::Capacity).is_empty(), "{:?}", a.gaps);
    let u = a
        .unknowns
        .iter()
        .find(|u| u.id == "capacity")
        .expect("capacity data gap");
    assert_eq!(u.services, ["helpline"]);
    assert_eq!(u.cohorts, ["women"]);
    assert!(
        u.text.contains("recorded for 1 of 2 services"),
        "{}",
        u.text
    );
}

#[test]
fn prevalence_without_a_level_share_is_a_data_gap() {
    let a = analysis("tests/fixtures/gaps/capacity/no-share/assessment.yaml");
    assert!(of_kind(&a, GapKind::Capacity).is_empty(), "{:?}", a.gaps);
    assert!(
        unknown_ids(&a).contains(&"need-by-level"),
        "{:?}",
        unknown_ids(&a)
    );
}

#[test]
fn people_turned_away_for_lack_of_space_are_a_capacity_gap() {
    let a = analysis("tests/fixtures/gaps/capacity/turned-away/assessment.yaml");
    let g = a
        .gaps
        .iter()
        .find(|g| g.id == "capacity/turned-away/idva")
        .unwrap_or_else(|| panic!("{:?}", a.gaps));
    assert_eq!(g.basis, Some(needsmap::gaps::CapacityBasis::TurnedAway));
    // 60 of 200 referrals: 30%.
    assert_eq!(g.severity, needsmap::gaps::GapSeverity::High);
    assert!(
        g.evidence.starts_with("In 2025, IDVA service could not take 60 referrals for lack of space (30% of referrals); 80 were not supported for any reason; 120 were supported, 15 of them from outside the area (Test return)."),
        "{}",
        g.evidence
    );
    assert_eq!(g.corroboration, ["service-data:idva/2025"]);
    let (_, csv, _) = run(&[
        "gaps",
        "--format",
        "json",
        "tests/fixtures/gaps/capacity/turned-away/assessment.yaml",
    ]);
    assert!(csv.contains("\"basis\": \"turned-away\""), "{csv}");
}

#[test]
fn not_supported_without_reasons_is_unmet_demand_and_a_data_gap() {
    let a = analysis("tests/fixtures/gaps/capacity/reasons-unrecorded/assessment.yaml");
    assert!(
        !a.gaps
            .iter()
            .any(|g| g.id.starts_with("capacity/turned-away")),
        "{:?}",
        a.gaps
    );
    let g = a
        .gaps
        .iter()
        .find(|g| g.id == "capacity/not-supported/idva")
        .unwrap_or_else(|| panic!("{:?}", a.gaps));
    // Not known to be for lack of space: medium, whatever the share.
    assert_eq!(g.severity, needsmap::gaps::GapSeverity::Medium);
    assert_eq!(g.basis, Some(needsmap::gaps::CapacityBasis::UnmetDemand));
    assert!(
        g.evidence
            .contains("could not support 80 referred (the reasons are not recorded)"),
        "{}",
        g.evidence
    );
    let u = a
        .unknowns
        .iter()
        .find(|u| u.id == "turn-away-reasons")
        .expect("turn-away-reasons");
    assert!(
        u.text.contains("80 not supported by idva in 2025"),
        "{}",
        u.text
    );
}

#[test]
fn refuge_benchmark() {
    let g = pair(
        "refuge-benchmark",
        GapKind::Capacity,
        "capacity/refuge-places",
    );
    // 100,000 people → 10 family places recommended; 5 units exist.
    assert!(
        g.evidence.starts_with(
            "5 refuge family places (12 bedspaces) against the Council of Europe benchmark of 10"
        ),
        "{}",
        g.evidence
    );
}

#[test]
fn funding_cliff() {
    let g = pair("funding-cliff", GapKind::FundingCliff, "funding-cliff/idva");
    assert!(
        g.evidence.contains("£90,000 a year (Test grant)"),
        "{}",
        g.evidence
    );
    assert!(
        g.evidence
            .contains("ends 2027-03-31, 24 months before the period ends"),
        "{}",
        g.evidence
    );
    assert!(
        g.evidence.contains(
            "women at high risk; survivors who use substances at high risk lose all provision"
        ),
        "{}",
        g.evidence
    );
}

#[test]
fn locality() {
    let g = pair("locality", GapKind::Locality, "locality/women/early-help");
    assert_eq!(g.localities, ["south"]);
}

/// Entry points that serve one locality: provision open to the whole area
/// that only the north's entry points lead to is cut off for the south.
#[test]
fn provision_reached_only_from_some_localities() {
    let g = pair(
        "locality-routes",
        GapKind::Locality,
        "locality/women/early-help/routes",
    );
    assert_eq!(g.localities, ["south"]);
    // The entry point serving the place cut off, whose routes lead nowhere.
    assert_eq!(g.entry_points, ["gp"]);
    assert!(
        g.evidence
            .contains("no recorded referral route leads there from an entry point serving south"),
        "{}",
        g.evidence
    );
    // Without entry point localities there is nothing to judge.
    let plain = analysis("tests/fixtures/gaps/locality/clear/assessment.yaml");
    assert!(of_kind(&plain, GapKind::Locality).is_empty());
}

#[test]
fn unmapped_pathway() {
    let g = pair(
        "unmapped-pathway",
        GapKind::UnmappedPathway,
        "unmapped-pathway/outreach/idva",
    );
    assert_eq!(g.journeys, ["j1"]);
    assert_eq!(g.cohorts, ["women"]);
    assert_eq!(g.services, ["outreach", "idva"]);
    assert!(g.entry_points.is_empty());
    assert!(
        g.evidence
            .contains("Journey j1 (day 3) went from Outreach to IDVA service"),
        "{}",
        g.evidence
    );
}

/// A route from an entry point names it among the gap's entry points, not
/// its services, and a finding naming that entry point still confirms it.
#[test]
fn an_unmapped_route_from_an_entry_point_names_it_as_one() {
    let a = analysis("assessments/northmoor.yaml");
    let g = a
        .gaps
        .iter()
        .find(|g| g.id == "unmapped-pathway/gp/refuge-north")
        .expect("the example's GP to refuge route");
    assert_eq!(g.entry_points, ["gp"]);
    assert_eq!(g.services, ["refuge-north"]);
    assert!(
        g.corroboration.contains(&"finding:f02".to_owned()),
        "{:?}",
        g.corroboration
    );
}

/// Severity weighs corroboration: the same low gap is medium once a
/// finding names it; the journey it was found in does not raise it alone.
#[test]
fn a_gap_a_finding_confirms_ranks_higher() {
    let severity = |dir: &str| {
        let a = analysis(&format!(
            "tests/fixtures/gaps/unmapped-pathway/{dir}/assessment.yaml"
        ));
        let g = a
            .gaps
            .iter()
            .find(|g| g.id == "unmapped-pathway/outreach/idva")
            .cloned()
            .expect("the gap");
        (g.severity, g.corroboration)
    };
    use needsmap::gaps::GapSeverity::{Low, Medium};
    assert_eq!(severity("trigger"), (Low, vec!["journey:j1".to_owned()]));
    assert_eq!(
        severity("confirmed"),
        (
            Medium,
            vec!["finding:f1".to_owned(), "journey:j1".to_owned()]
        )
    );
}

/// A finding is the evidence of the gap it reports, not a confirmation of
/// it: a reported gap about a group that is not a priority, at a level of
/// no high need, stays low (North Tyneside's perpetrator finding).
#[test]
fn a_finding_does_not_confirm_the_gap_it_reports() {
    let a = analysis("tests/fixtures/real/north-tyneside-2024/assessment.yaml");
    let g = a
        .gaps
        .iter()
        .find(|g| g.id == "unreachable/reported/f-perpetrators")
        .expect("the reported gap");
    assert_eq!(g.corroboration, ["finding:f-perpetrators"]);
    assert_eq!(g.severity, needsmap::gaps::GapSeverity::Low);
}

/// Every kind in the registry has its trigger and clear fixtures, so a new
/// kind cannot land without the pair that shows it appear and disappear.
#[test]
fn every_kind_has_a_fixture_pair() {
    for kind in GapKind::ALL {
        for side in ["trigger", "clear"] {
            let path = format!(
                "tests/fixtures/gaps/{}/{side}/assessment.yaml",
                kind.as_str()
            );
            assert!(Path::new(&path).is_file(), "no {path}");
        }
    }
}

/// The README's table of gap kinds is the registry's: `needsmap gaps
/// --rules` and the method appendix print the same words.
#[test]
fn the_readme_lists_every_kind_as_the_registry_does() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let start = "<!-- gap kinds: from needsmap::gaps::markdown_table() -->\n";
    let end = "<!-- end of gap kinds -->";
    let from = readme
        .find(start)
        .expect("the README marks its gap-kinds table")
        + start.len();
    let to = from + readme[from..].find(end).expect("and its end");
    assert_eq!(
        &readme[from..to],
        needsmap::gaps::markdown_table(),
        "update the README's table from needsmap::gaps::markdown_table() (needsmap gaps --rules)"
    );
}

#[test]
fn rules_need_no_assessment() {
    let (code, out, err) = run(&["gaps", "--rules", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let ids: Vec<&str> = json
        .as_array()
        .expect("a list of kinds")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, GapKind::names().collect::<Vec<_>>());
    let (code, out, _) = run(&["gaps", "--rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("unmapped-pathway"), "{out}");
    let (code, _, err) = run(&["gaps"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn gap_ids_are_stable_and_unique() {
    let path = "assessments/northmoor.yaml";
    let first = serde_json::to_string(&analysis(path).gaps).expect("json");
    let second = serde_json::to_string(&analysis(path).gaps).expect("json");
    assert_eq!(first, second, "same input, same gaps in the same order");
    let gaps = analysis(path).gaps;
    let mut ids: Vec<&str> = gaps.iter().map(|g| g.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "gap ids are unique");
}

#[test]
fn gaps_command_filters_and_formats() {
    let path = "tests/fixtures/gaps/unreachable/trigger/assessment.yaml";
    let (code, out, _) = run(&[
        "gaps",
        "--format",
        "json",
        "--kind",
        "unreachable",
        "--min-severity",
        "high",
        path,
    ]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let gaps = json["gaps"].as_array().expect("gaps");
    assert_eq!(gaps.len(), 1, "{json:#}");
    assert_eq!(gaps[0]["id"], "unreachable/women/high-risk");
    assert_eq!(gaps[0]["recommendation"]["theme"], "governance");
    assert!(
        json["coverage"]["cells"]["women"]["high-risk"]
            .as_array()
            .is_some()
    );

    let (_, csv, _) = run(&[
        "gaps",
        "--format",
        "csv",
        "--cohort",
        "substance-misuse",
        path,
    ]);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("id,kind,severity,cohort"))
    );
    assert!(lines.all(|l| l.contains("substance-misuse")), "{csv}");

    let (code, _, err) = run(&["gaps", "--cohort", "wmen", path]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `women`?"), "{err}");
}

#[test]
fn gaps_refuses_a_broken_assessment() {
    let (code, out, err) = run(&[
        "gaps",
        "tests/fixtures/invalid/unknown-level/assessment.yaml",
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("nothing was analysed"), "{err}");
}

#[test]
fn no_specialist() {
    // The IDVA service is open to all victims 16+: LGBT+ survivors can use
    // it, but the assessment says they need specialist provision at high
    // risk. Listing them on the open service (clear) means it gives it.
    let g = pair("no-specialist", GapKind::NoSpecialist, "no-specialist/lgbt");
    assert_eq!(g.levels, ["high-risk"]);
    assert_eq!(g.services, ["idva"]);
    assert!(
        g.evidence.starts_with("LGBT+ survivors can use general services at high risk (IDVA service), but none gives specialist or by-and-for provision"),
        "{}",
        g.evidence
    );
    // Open eligibility serves the women it does not list.
    let a = analysis("tests/fixtures/gaps/no-specialist/trigger/assessment.yaml");
    assert_eq!(a.coverage.cells["women"]["high-risk"], ["idva"]);
    assert!(
        !a.gaps.iter().any(|g| g.kind == GapKind::NoProvision),
        "{:?}",
        a.gaps
    );
}

#[test]
fn a_finding_that_shows_a_gap_is_one() {
    let a = analysis("tests/fixtures/gaps/reported/assessment.yaml");
    let g = a
        .gaps
        .iter()
        .find(|g| g.id == "capacity/reported/f1")
        .unwrap_or_else(|| panic!("{:?}", a.gaps));
    assert_eq!(g.kind, GapKind::Capacity);
    assert_eq!(g.cohorts, ["women"]);
    assert_eq!(g.levels, ["early-help"]);
    assert_eq!(g.corroboration, ["finding:f1"]);
    assert_eq!(
        g.evidence,
        "Outreach workers say they hold waiting lists of six weeks (Practitioner focus group)."
    );
    // Women are a priority cohort: medium, not high, on a finding alone.
    assert_eq!(g.severity, needsmap::gaps::GapSeverity::Medium);
}

#[test]
fn districts_are_localities_named_as_councils() {
    let a = analysis("tests/fixtures/gaps/districts/assessment.yaml");
    let g = a
        .gaps
        .iter()
        .find(|g| g.id == "locality/women/early-help")
        .unwrap_or_else(|| panic!("{:?}", a.gaps));
    assert_eq!(g.localities, ["west"]);
    assert!(
        g.evidence.contains(
            "is only in East District Council (Outreach); there is none in West District Council."
        ),
        "{}",
        g.evidence
    );
}

#[test]
fn one_cause_is_one_gap() {
    let a = analysis("assessments/northmoor.yaml");
    // The emergency accommodation that takes none of these groups.
    let g = a
        .gaps
        .iter()
        .find(|g| g.id == "no-provision/men/crisis")
        .expect("no-provision/men/crisis");
    assert_eq!(g.cohorts, ["men", "lgbt", "older", "young-people"]);
    assert_eq!(g.severity, needsmap::gaps::GapSeverity::High);
    let ids: Vec<&str> = a.gaps.iter().map(|g| g.id.as_str()).collect();
    assert!(!ids.contains(&"no-provision/lgbt/crisis"), "{ids:?}");
    // Turn-aways at the refuges judge refuge capacity; the benchmark is
    // part of that gap, not a second one.
    assert!(!ids.contains(&"capacity/refuge-places"), "{ids:?}");
    let refuge = a
        .gaps
        .iter()
        .find(|g| g.id == "capacity/turned-away/refuge")
        .expect("turned-away");
    assert!(
        refuge
            .evidence
            .contains("Council of Europe benchmark of 30"),
        "{}",
        refuge.evidence
    );
}
