//! Survivor journeys as evidence: metrics per journey and aggregates per
//! cohort and per touchpoint. The gap analysis holds them against the
//! mapped pathways (`gaps::kinds::unmapped_pathway`, and refusals tied to
//! `exclusion` gaps in `gaps::evidence`). `events` does the same for case
//! event logs; `svg` draws journey maps.

pub mod events;
pub(crate) mod svg;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::graph::PathwayGraph;
use crate::model::{Assessment, Consent, Journey, Sector, StepOutcome};

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
