//! Survivor journeys as evidence: metrics per journey, aggregates per cohort
//! and per touchpoint, and the journeys held against the mapped pathways
//! (informal routes become `unmapped-pathway` gaps; refusals at services
//! that exclude the person are tied to the matching `exclusion` gap).
//! `events` does the same for case event logs; `svg` draws journey maps.

pub mod events;
pub mod svg;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::gaps::{Gap, GapKind, GapSeverity, Recommendation, plural};
use crate::graph::PathwayGraph;
use crate::model::{ActionTheme, Assessment, Consent, Journey, Sector, StepOutcome};

/// What one journey shows.
#[derive(Debug, Clone, Serialize)]
pub struct JourneyMetrics {
    pub id: String,
    pub persona: String,
    pub cohorts: Vec<String>,
    pub consent: Consent,
    pub steps: usize,
    /// Distinct services and entry points the person came into contact with.
    pub services_touched: usize,
    /// Moves from one touchpoint to another.
    pub handoffs: usize,
    /// Times the person had to tell their story again.
    pub retold: usize,
    pub refusals: usize,
    /// Days from first contact to the first step where they were supported.
    pub days_to_support: Option<i64>,
    /// Days from first contact to the last recorded step.
    pub days_recorded: i64,
    /// How the journey ended: the outcome of its last step.
    pub ended: StepOutcome,
    pub ended_supported: bool,
    pub dropped_out: bool,
    pub mean_feeling: f64,
    /// (day, feeling) at each step.
    pub feeling: Vec<(i64, i64)>,
}

pub fn metrics(j: &Journey) -> JourneyMetrics {
    let first_day = j.steps.first().map_or(0, |s| s.day);
    let touched: BTreeSet<&str> = j.steps.iter().map(|s| s.at.as_str()).collect();
    let handoffs = j.steps.windows(2).filter(|w| w[0].at != w[1].at).count();
    let ended = j.steps.last().map_or(StepOutcome::Waited, |s| s.outcome);
    let feelings: Vec<i64> = j.steps.iter().map(|s| s.feeling).collect();
    JourneyMetrics {
        id: j.id.clone(),
        persona: j.persona.clone(),
        cohorts: j.cohorts.clone(),
        consent: j.consent,
        steps: j.steps.len(),
        services_touched: touched.len(),
        handoffs,
        retold: j.steps.iter().filter(|s| s.retold).count(),
        refusals: j
            .steps
            .iter()
            .filter(|s| s.outcome == StepOutcome::Refused)
            .count(),
        days_to_support: j
            .steps
            .iter()
            .find(|s| s.outcome == StepOutcome::Supported)
            .map(|s| s.day - first_day),
        days_recorded: j.steps.last().map_or(0, |s| s.day - first_day),
        ended,
        ended_supported: ended == StepOutcome::Supported,
        dropped_out: j.steps.iter().any(|s| s.outcome == StepOutcome::DroppedOut),
        mean_feeling: mean(&feelings),
        feeling: j
            .steps
            .iter()
            .map(|s| (s.day - first_day, s.feeling))
            .collect(),
    }
}

fn mean(values: &[i64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<i64>() as f64 / values.len() as f64
    }
}

/// Journeys of one cohort, summed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CohortSummary {
    pub journeys: usize,
    pub retold: usize,
    pub refusals: usize,
    pub dropped_out: usize,
    pub ended_supported: usize,
    pub mean_feeling: f64,
    /// Median days to first support, over the journeys that got it.
    pub median_days_to_support: Option<f64>,
}

/// Every visit to one touchpoint, summed: the averaged journey map.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TouchpointSummary {
    pub id: String,
    pub name: String,
    /// None for a step at an id the assessment does not define.
    pub sector: Option<Sector>,
    pub visits: usize,
    pub journeys: usize,
    pub mean_feeling: f64,
    pub refusals: usize,
    pub dropped_out: usize,
    pub retold: usize,
    /// Notes and barriers recorded here, as survivors told them.
    pub comments: Vec<String>,
}

/// Everything the journeys show.
#[derive(Debug, Clone, Serialize)]
pub struct JourneyReport {
    pub journeys: Vec<JourneyMetrics>,
    pub by_cohort: BTreeMap<String, CohortSummary>,
    pub by_touchpoint: Vec<TouchpointSummary>,
    /// Barrier texts by cohort and by touchpoint.
    pub barriers_by_cohort: BTreeMap<String, Vec<String>>,
    pub barriers_by_touchpoint: BTreeMap<String, Vec<String>>,
    /// `unmapped-pathway` gaps found in the journeys.
    pub findings: Vec<Gap>,
}

/// Analyse the journeys of an assessment against its pathway graph: all
/// it holds (a public build hands in the public view, which holds only
/// published ones).
pub fn report(g: &PathwayGraph) -> JourneyReport {
    let journeys: Vec<&Journey> = g.a.journeys.iter().collect();
    report_of(g, &journeys)
}

/// [`report`] on any journeys through the graph's services, whether or
/// not the assessment holds them (journeys counted but not published are
/// kept apart from it).
pub fn report_of(g: &PathwayGraph, journeys: &[&Journey]) -> JourneyReport {
    let all: Vec<JourneyMetrics> = journeys.iter().map(|j| metrics(j)).collect();
    let mut by_cohort: BTreeMap<String, CohortSummary> = BTreeMap::new();
    let mut feelings: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut waits: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (j, m) in journeys.iter().zip(&all) {
        for c in &j.cohorts {
            let s = by_cohort.entry(c.clone()).or_default();
            s.journeys += 1;
            s.retold += m.retold;
            s.refusals += m.refusals;
            s.dropped_out += usize::from(m.dropped_out);
            s.ended_supported += usize::from(m.ended_supported);
            feelings
                .entry(c.clone())
                .or_default()
                .extend(j.steps.iter().map(|s| s.feeling));
            if let Some(d) = m.days_to_support {
                waits.entry(c.clone()).or_default().push(d as f64);
            }
        }
    }
    for (c, s) in &mut by_cohort {
        s.mean_feeling = mean(feelings.get(c).map_or(&[][..], Vec::as_slice));
        s.median_days_to_support = waits.get_mut(c).map(|w| {
            w.sort_by(f64::total_cmp);
            events::quantile(w, 0.5)
        });
    }
    let mut barriers_by_cohort: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut barriers_by_touchpoint: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for j in journeys {
        for step in &j.steps {
            if let Some(b) = &step.barrier {
                for c in &j.cohorts {
                    barriers_by_cohort
                        .entry(c.clone())
                        .or_default()
                        .push(b.clone());
                }
                barriers_by_touchpoint
                    .entry(step.at.clone())
                    .or_default()
                    .push(b.clone());
            }
        }
    }
    JourneyReport {
        journeys: all,
        by_cohort,
        by_touchpoint: touchpoints(g, journeys),
        barriers_by_cohort,
        barriers_by_touchpoint,
        findings: unmapped_pathways(g, journeys),
    }
}

/// Name and sector of a touchpoint id.
pub fn touchpoint(a: &Assessment, id: &str) -> (String, Option<Sector>) {
    if let Some(e) = a.entry_points.iter().find(|e| e.id == id) {
        return (e.name.clone(), Some(e.sector));
    }
    if let Some(s) = a.services.iter().find(|s| s.id == id) {
        return (s.name.clone(), Some(s.sector));
    }
    (id.to_owned(), None)
}

fn touchpoints(g: &PathwayGraph, journeys: &[&Journey]) -> Vec<TouchpointSummary> {
    let mut order: Vec<String> = Vec::new();
    let mut acc: BTreeMap<String, (TouchpointSummary, Vec<i64>, BTreeSet<String>)> =
        BTreeMap::new();
    for j in journeys {
        for step in &j.steps {
            let entry = acc.entry(step.at.clone()).or_insert_with(|| {
                order.push(step.at.clone());
                let (name, sector) = touchpoint(g.a, &step.at);
                (
                    TouchpointSummary {
                        id: step.at.clone(),
                        name,
                        sector,
                        ..Default::default()
                    },
                    Vec::new(),
                    BTreeSet::new(),
                )
            });
            let (t, feelings, seen) = entry;
            t.visits += 1;
            seen.insert(j.id.clone());
            feelings.push(step.feeling);
            t.refusals += usize::from(step.outcome == StepOutcome::Refused);
            t.dropped_out += usize::from(step.outcome == StepOutcome::DroppedOut);
            t.retold += usize::from(step.retold);
            t.comments
                .extend(step.note.iter().chain(&step.barrier).cloned());
        }
    }
    order
        .into_iter()
        .filter_map(|id| acc.remove(&id))
        .map(|(mut t, feelings, seen)| {
            t.mean_feeling = mean(&feelings);
            t.journeys = seen.len();
            t
        })
        .collect()
}

/// The referrals a journey made: a step's `to`, or, for a step that
/// referred or signposted without saying where, the next step's place.
pub fn transitions(j: &Journey) -> Vec<(usize, &str, &str)> {
    let mut out = Vec::new();
    for (i, step) in j.steps.iter().enumerate() {
        let to = match (&step.to, step.outcome) {
            (Some(to), _) => Some(to.as_str()),
            (None, StepOutcome::Referred | StepOutcome::Signposted) => {
                j.steps.get(i + 1).map(|n| n.at.as_str())
            }
            _ => None,
        };
        if let Some(to) = to
            && to != step.at
        {
            out.push((i, step.at.as_str(), to));
        }
    }
    out
}

/// Referrals seen in journeys that no `accepts_from`, `refers_to` or
/// `pathways` entry records: informal or undocumented routes.
pub fn unmapped_pathways(g: &PathwayGraph, journeys: &[&Journey]) -> Vec<Gap> {
    let a = g.a;
    // Indexed once: a scan of the graph for every step of every journey
    // grew with journeys times services.
    let nodes: HashMap<&str, petgraph::graph::NodeIndex> = g
        .graph
        .node_indices()
        .filter(|&n| g.graph[n] != crate::graph::NodeRef::Root)
        .map(|n| (g.node_id(n), n))
        .collect();
    let node = |id: &str| nodes.get(id).copied();
    let mut seen: BTreeMap<(String, String), Vec<(&Journey, usize)>> = BTreeMap::new();
    for j in journeys {
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
            Gap {
                id: format!("unmapped-pathway/{from}/{to}"),
                kind: GapKind::UnmappedPathway,
                severity: if uses.len() > 1 { GapSeverity::Medium } else { GapSeverity::Low },
                cohort: (cohorts.len() == 1).then(|| cohorts.iter().next().cloned()).flatten(),
                cohorts: cohorts.into_iter().collect(),
                need: None,
                level: None,
                levels: Vec::new(),
                services: vec![from.clone(), to.clone()],
                entry_points: Vec::new(),
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

/// Evidence names at most this many journeys, then counts the rest: a
/// sentence naming hundreds of journeys helps no reader, and it is quoted
/// in several tables of every document.
pub const MAX_NAMED_JOURNEYS: usize = 5;

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

/// Tie each refusal at a service that excludes one of the journey's
/// cohorts to the matching `exclusion` gap: the journey becomes part of its
/// evidence.
pub fn link_refusals(a: &Assessment, gaps: &mut [Gap]) {
    // Indexed once, not searched for at every refusal of every journey.
    let services: HashMap<&str, &crate::model::Service> =
        a.services.iter().map(|s| (s.id.as_str(), s)).collect();
    let exclusions: Vec<usize> = (0..gaps.len())
        .filter(|&k| gaps[k].kind == GapKind::Exclusion)
        .collect();
    // Refusals each gap's evidence tells of, and those it only counts.
    let mut told = vec![0usize; gaps.len()];
    let mut untold = vec![0usize; gaps.len()];
    for j in &a.journeys {
        for step in j.steps.iter().filter(|s| s.outcome == StepOutcome::Refused) {
            let Some(service) = services.get(step.at.as_str()) else {
                continue;
            };
            let excluded: Vec<&String> = service
                .excludes
                .iter()
                .filter(|x| j.cohorts.contains(x))
                .collect();
            for &k in &exclusions {
                let gap = &mut gaps[k];
                // Journeys are visited one at a time, so one already linked
                // is the last: no search of the list.
                let matches = gap.services.contains(&service.id)
                    && gap.need.as_ref().is_some_and(|n| excluded.contains(&n))
                    && gap.journeys.last() != Some(&j.id);
                if !matches {
                    continue;
                }
                gap.journeys.push(j.id.clone());
                if told[k] == MAX_NAMED_JOURNEYS {
                    untold[k] += 1;
                    continue;
                }
                told[k] += 1;
                let who = if j.consent == Consent::Publish {
                    format!("journey {}", j.id)
                } else {
                    "an unpublished journey".to_owned()
                };
                gap.evidence.push_str(&format!(
                    " Survivors met it: {who} was refused at {} on day {}.",
                    service.name, step.day
                ));
            }
        }
    }
    for (gap, more) in gaps.iter_mut().zip(untold) {
        if more > 0 {
            let (verb, noun) = if more == 1 {
                ("was", "journey")
            } else {
                ("were", "journeys")
            };
            gap.evidence.push_str(&format!(
                " So {verb} {} more {noun}.",
                crate::gaps::number(more as f64)
            ));
        }
    }
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
