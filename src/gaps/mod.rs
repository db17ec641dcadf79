//! Gap analysis: every place where a cohort cannot get the help its level
//! of need calls for, each with evidence and a recommendation.
//!
//! One function per gap kind, each a documented rule (see `RULES` and the
//! module docs of each function); they share the coverage matrix (cohort ×
//! level → eligible services) and per-cohort reachability from the
//! pathway graph.

mod figures;
mod rules;

use std::collections::BTreeMap;

use serde::Serialize;

pub use figures::{
    AccommodationSummary, Balance, BalanceLine, annual_amount, money, number, percent, plural, rate,
};
pub use rules::in_sentence;

use crate::graph::PathwayGraph;
use crate::model::{ActionTheme, Assessment};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum GapKind {
    NoProvision,
    Exclusion,
    Unreachable,
    SinglePointOfFailure,
    DeadEnd,
    Capacity,
    FundingCliff,
    Locality,
    UnmappedPathway,
}

impl GapKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::NoProvision => "no-provision",
            GapKind::Exclusion => "exclusion",
            GapKind::Unreachable => "unreachable",
            GapKind::SinglePointOfFailure => "single-point-of-failure",
            GapKind::DeadEnd => "dead-end",
            GapKind::Capacity => "capacity",
            GapKind::FundingCliff => "funding-cliff",
            GapKind::Locality => "locality",
            GapKind::UnmappedPathway => "unmapped-pathway",
        }
    }
}

/// High first, so sorting puts the most severe gaps on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum GapSeverity {
    High,
    Medium,
    Low,
}

impl GapSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            GapSeverity::High => "high",
            GapSeverity::Medium => "medium",
            GapSeverity::Low => "low",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub theme: ActionTheme,
    pub text: String,
}

/// One gap, with everything needed to publish and act on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Stable: the same input gives the same id (`no-provision/men/crisis`).
    pub id: String,
    pub kind: GapKind,
    pub severity: GapSeverity,
    /// The cohort the gap is about, when it is about one.
    pub cohort: Option<String>,
    /// Every cohort affected (the cohort itself, or several for gaps about
    /// a service).
    pub cohorts: Vec<String>,
    /// For `exclusion` gaps: the co-occurring need that is excluded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need: Option<String>,
    pub level: Option<String>,
    pub services: Vec<String>,
    pub entry_points: Vec<String>,
    /// For `locality` gaps: the localities without provision.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub localities: Vec<String>,
    /// Survivor journeys that show the gap.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub journeys: Vec<String>,
    /// One sentence, with the numbers.
    pub evidence: String,
    pub recommendation: Recommendation,
}

/// The coverage matrix: for each cohort and level, the eligible services.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub levels: Vec<String>,
    pub cohorts: Vec<String>,
    /// cohort id → level id → eligible service ids.
    pub cells: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// Everything the analysis finds.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub gaps: Vec<Gap>,
    pub coverage: Coverage,
    pub perpetrator_balance: Balance,
    pub safe_accommodation: AccommodationSummary,
}

/// How severity is decided, per kind: printed by `needsmap gaps --rules`.
pub const RULES: &[(&str, &str)] = &[
    (
        "no-provision",
        "high: a priority cohort at a high-need level; medium: a priority cohort or a high-need level; low: otherwise",
    ),
    (
        "exclusion",
        "high: at a high-need level or in safe accommodation; medium: otherwise",
    ),
    (
        "unreachable",
        "high: a priority cohort at a high-need level; medium: a priority cohort or a high-need level; low: otherwise",
    ),
    (
        "single-point-of-failure",
        "high: a service every route passes through, at a high-need level, for a priority cohort; medium: a high-need level; low: otherwise",
    ),
    (
        "dead-end",
        "medium: the service serves a priority cohort; low: otherwise",
    ),
    (
        "capacity",
        "high: under 5% of estimated need (under 50% of the refuge benchmark); medium: under 20% (under 100%); low: under 100%",
    ),
    (
        "funding-cliff",
        "high: a priority cohort loses all provision at a high-need level; medium: some cohort loses all provision at a level, or the funding runs under two years; low: otherwise",
    ),
    (
        "locality",
        "high: a priority cohort at a high-need level; medium: a priority cohort or a high-need level; low: otherwise",
    ),
];

/// Analyse an assessment: build the pathway graph and apply every rule.
pub fn analyse(a: &Assessment) -> Analysis {
    let g = PathwayGraph::build(a);
    analyse_graph(&g)
}

/// Analyse with a graph already built, using every journey its assessment
/// holds (a public build hands it the public view, so internal accounts
/// leave no trace in its gaps).
pub fn analyse_graph(g: &PathwayGraph) -> Analysis {
    let ctx = rules::Context::new(g);
    let mut gaps = Vec::new();
    rules::no_provision(&ctx, &mut gaps);
    rules::exclusion(&ctx, &mut gaps);
    rules::unreachable(&ctx, &mut gaps);
    rules::single_point_of_failure(&ctx, &mut gaps);
    rules::dead_end(&ctx, &mut gaps);
    rules::capacity(&ctx, &mut gaps);
    let safe_accommodation = figures::safe_accommodation(g.a);
    rules::refuge_benchmark(&ctx, &safe_accommodation, &mut gaps);
    rules::funding_cliff(&ctx, &mut gaps);
    rules::locality(&ctx, &mut gaps);
    let journeys: Vec<&crate::model::Journey> = g.a.journeys.iter().collect();
    gaps.extend(crate::journeys::unmapped_pathways(g, &journeys));
    crate::journeys::link_refusals(g.a, &mut gaps);
    sort(&mut gaps);
    Analysis {
        gaps,
        coverage: ctx.coverage_matrix(),
        perpetrator_balance: figures::perpetrator_balance(g.a),
        safe_accommodation,
    }
}

/// Most severe first, then by kind, then by id: the same order every run.
pub fn sort(gaps: &mut [Gap]) {
    gaps.sort_by(|x, y| (x.severity, x.kind, &x.id).cmp(&(y.severity, y.kind, &y.id)));
}

/// Keep the gaps matching the filters.
pub fn filter(
    gaps: &[Gap],
    cohort: Option<&str>,
    kinds: &[GapKind],
    min_severity: Option<GapSeverity>,
) -> Vec<Gap> {
    gaps.iter()
        .filter(|g| {
            cohort
                .is_none_or(|c| g.cohort.as_deref() == Some(c) || g.cohorts.iter().any(|x| x == c))
        })
        .filter(|g| kinds.is_empty() || kinds.contains(&g.kind))
        .filter(|g| min_severity.is_none_or(|m| g.severity <= m))
        .cloned()
        .collect()
}

/// The ids of the gaps an assessment has, for checking action `addresses`.
pub fn ids(a: &Assessment) -> Vec<String> {
    analyse(a).gaps.into_iter().map(|g| g.id).collect()
}
