//! `unmapped-pathway`: survivors' journeys took a route between services
//! that no service or pathway records.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use crate::gaps::kinds::Rule;
use crate::gaps::{MAX_NAMED_JOURNEYS, Gap, GapKind, GapSeverity, Recommendation, plural};
use crate::graph::{NodeRef, PathwayGraph};
use crate::journeys::{touchpoint, transitions};
use crate::model::{ActionTheme, Consent, FindingTheme, Journey};

pub(super) const RULE: Rule = Rule {
    id: "unmapped-pathway",
    finds: "survivors' journeys took a route between services that no service or pathway records",
    severity: "medium: more than one journey took the route; low: one journey did",
    theme: FindingTheme::Referral,
    find: |ctx, found| found.gaps.extend(unmapped_pathways(ctx.g)),
};

/// Referrals seen in journeys that no `accepts_from`, `refers_to` or
/// `pathways` entry records: informal or undocumented routes.
fn unmapped_pathways(g: &PathwayGraph) -> Vec<Gap> {
    let a = g.a;
    // Indexed once: a scan of the graph for every step of every journey
    // grew with journeys times services.
    let nodes: HashMap<&str, petgraph::graph::NodeIndex> = g
        .graph
        .node_indices()
        .filter(|&n| g.graph[n] != NodeRef::Root)
        .map(|n| (g.node_id(n), n))
        .collect();
    let node = |id: &str| nodes.get(id).copied();
    let mut seen: BTreeMap<(String, String), Vec<(&Journey, usize)>> = BTreeMap::new();
    for j in &a.journeys {
        for (i, from, to) in transitions(j) {
            let (Some(f), Some(t)) = (node(from), node(to)) else {
                continue;
            };
            if g.graph.find_edge(f, t).is_none() {
                seen.entry((from.to_owned(), to.to_owned()))
                    .or_default()
                    .push((j, i));
            }
        }
    }
    seen.into_iter()
        .map(|((from, to), uses)| {
            let (from_name, _) = touchpoint(a, &from);
            let (to_name, _) = touchpoint(a, &to);
            let named: Vec<String> = uses
                .iter()
                .filter(|(j, _)| j.consent == Consent::Publish)
                .map(|(j, i)| format!("{} (day {})", j.id, j.steps[*i].day))
                .collect();
            let who = who_took_it(&named, uses.len());
            let evidence = format!(
                "{} went from {from_name} to {to_name}: a referral route no service records (no accepts_from, refers_to or pathway).",
                if uses.len() == 1 { format!("Journey {who}") } else { format!("{} journeys, {who},", uses.len()) }
            );
            let cohorts: BTreeSet<String> = uses.iter().flat_map(|(j, _)| j.cohorts.iter().cloned()).collect();
            let is_entry = |id: &String| node(id).is_some_and(|n| matches!(g.graph[n], NodeRef::Entry(_)));
            let (entry_points, services) = [from.clone(), to.clone()].into_iter().partition(is_entry);
            Gap {
                id: format!("unmapped-pathway/{from}/{to}"),
                kind: GapKind::UnmappedPathway,
                severity: if uses.len() > 1 { GapSeverity::Medium } else { GapSeverity::Low },
                cohort: (cohorts.len() == 1).then(|| cohorts.iter().next().cloned()).flatten(),
                cohorts: cohorts.into_iter().collect(),
                need: None,
                level: None,
                levels: Vec::new(),
                services,
                entry_points,
                localities: Vec::new(),
                journeys: uses.iter().map(|(j, _)| j.id.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
                basis: None,
                corroboration: Vec::new(),
                evidence,
                recommendation: Recommendation {
                    theme: ActionTheme::Governance,
                    text: format!(
                        "Agree the route from {from_name} to {to_name} as a recorded pathway (or redirect it), so it does not depend on individual practitioners"
                    ),
                },
            }
        })
        .collect()
}


/// The journeys that took a route, for its evidence: the published ones by
/// name (up to [`MAX_NAMED_JOURNEYS`]), then how many more, published or not.
fn who_took_it(named: &[String], uses: usize) -> String {
    let shown = named.len().min(MAX_NAMED_JOURNEYS);
    let mut who = named[..shown].join(", ");
    let unpublished = uses - named.len();
    if shown < named.len() {
        let more = uses - shown;
        who.push_str(&format!(" and {more} more"));
    } else if unpublished > 0 {
        if !who.is_empty() {
            who.push_str(" and ");
        }
        who.push_str(&plural(
            unpublished,
            "unpublished account",
            "unpublished accounts",
        ));
    }
    who
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("j{i:02} (day 0)")).collect()
    }

    #[test]
    fn a_route_names_a_few_journeys_and_counts_the_rest() {
        assert_eq!(
            who_took_it(&ids(7), 9),
            "j01 (day 0), j02 (day 0), j03 (day 0), j04 (day 0), j05 (day 0) and 4 more"
        );
        assert_eq!(
            who_took_it(&ids(2), 3),
            "j01 (day 0), j02 (day 0) and 1 unpublished account"
        );
        assert_eq!(who_took_it(&[], 2), "2 unpublished accounts");
        assert_eq!(who_took_it(&ids(1), 1), "j01 (day 0)");
    }
}
