//! Gap analysis: every place where a cohort cannot get the help its level
//! of need calls for, each with evidence and a recommendation.
//!
//! One function per gap kind, each a documented rule (see `RULES` and the
//! module docs of each function); they share the coverage matrix (cohort ×
//! level → eligible services) and per-cohort reachability from the
//! pathway graph.

mod figures;
mod rules;
mod unknowns;

use std::collections::BTreeMap;

use serde::Serialize;

pub use figures::{
    AccommodationSummary, Balance, BalanceLine, Tally, annual_amount, money, number, percent,
    plural, rate, yearly_funding,
};
pub use rules::in_sentence;
pub use unknowns::{DataGap, DataTopic};

use crate::graph::PathwayGraph;
use crate::model::{ActionTheme, Assessment};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum GapKind {
    NoProvision,
    NoSpecialist,
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
    /// The kind a gap id or a finding's `shows:` names.
    pub fn named(name: &str) -> Option<GapKind> {
        ALL_KINDS.iter().copied().find(|k| k.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::NoProvision => "no-provision",
            GapKind::NoSpecialist => "no-specialist",
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

/// Every gap kind, in the order gaps of equal severity are listed.
pub const ALL_KINDS: &[GapKind] = &[
    GapKind::NoProvision,
    GapKind::NoSpecialist,
    GapKind::Exclusion,
    GapKind::Unreachable,
    GapKind::SinglePointOfFailure,
    GapKind::DeadEnd,
    GapKind::Capacity,
    GapKind::FundingCliff,
    GapKind::Locality,
    GapKind::UnmappedPathway,
];

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
    /// The level the gap is about, when it is about one.
    pub level: Option<String>,
    /// Every level affected.
    pub levels: Vec<String>,
    pub services: Vec<String>,
    pub entry_points: Vec<String>,
    /// For `locality` gaps: the localities without provision.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub localities: Vec<String>,
    /// Survivor journeys that show the gap.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub journeys: Vec<String>,
    /// For capacity gaps: what the shortfall is measured against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<CapacityBasis>,
    /// What confirms the gap beyond the structure of provision: findings,
    /// service data, indicators and survivors' journeys (`finding:f3`,
    /// `service-data:refuge/2023`, `journey:j2`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corroboration: Vec<String>,
    /// One sentence, with the numbers.
    pub evidence: String,
    pub recommendation: Recommendation,
}

/// What a capacity gap measures supply against, in the order the analysis
/// prefers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityBasis {
    /// People the services turned away for lack of space.
    TurnedAway,
    /// People referred but not supported, the reasons not recorded.
    UnmetDemand,
    /// The Council of Europe refuge benchmark.
    Benchmark,
    /// The analyst's own demand estimate for the cohort.
    DemandEstimate,
    /// Prevalence, through a level's share of need.
    Prevalence,
}

impl CapacityBasis {
    pub fn label(self) -> &'static str {
        match self {
            CapacityBasis::TurnedAway => "people turned away for lack of space",
            CapacityBasis::UnmetDemand => {
                "people referred but not supported (reasons not recorded)"
            }
            CapacityBasis::Benchmark => "the Council of Europe refuge benchmark",
            CapacityBasis::DemandEstimate => "a local demand estimate",
            CapacityBasis::Prevalence => "prevalence and the share of need at the level",
        }
    }
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
    /// What the analysis cannot judge for lack of recorded data.
    pub unknowns: Vec<DataGap>,
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
        "no-specialist",
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
        "only where a survivor's journey ended there without support (else a data gap): medium: the service serves a priority cohort; low: otherwise",
    ),
    (
        "capacity",
        "turned away for lack of space: high: 25% or more of those referred; medium: 10% or more, or the share unknown; low: otherwise. Referred but not supported, reasons not recorded: medium. Against a demand estimate, or prevalence through a level's share of need: high: under 25% of the need; medium: under 60%; low: under 100%. Refuge benchmark: high: under 50%; medium: under 100%. Only when every service counted records its capacity (else a data gap)",
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
    let mut unknowns = Vec::new();
    unknowns::recorded_fields(&ctx, &mut unknowns);
    rules::no_provision(&ctx, &mut gaps);
    rules::no_specialist(&ctx, &mut gaps);
    rules::exclusion(&ctx, &mut gaps);
    rules::unreachable(&ctx, &mut gaps, &mut unknowns);
    rules::single_point_of_failure(&ctx, &mut gaps);
    rules::dead_end(&ctx, &mut gaps, &mut unknowns);
    rules::capacity(&ctx, &mut gaps, &mut unknowns);
    let mut safe_accommodation = figures::safe_accommodation(g.a);
    safe_accommodation.cohorts_without = ctx.cohorts_without_accommodation();
    rules::refuge_benchmark(&ctx, &safe_accommodation, &mut gaps, &mut unknowns);
    rules::funding_cliff(&ctx, &mut gaps);
    rules::locality(&ctx, &mut gaps);
    let journeys: Vec<&crate::model::Journey> = g.a.journeys.iter().collect();
    gaps.extend(crate::journeys::unmapped_pathways(g, &journeys));
    crate::journeys::link_refusals(g.a, &mut gaps);
    corroborate(g.a, &mut gaps);
    rules::reported(&ctx, &mut gaps);
    sort(&mut gaps);
    Analysis {
        gaps,
        unknowns,
        coverage: ctx.coverage_matrix(),
        perpetrator_balance: figures::perpetrator_balance(g.a),
        safe_accommodation,
    }
}

/// Record what confirms each gap beyond the structure of provision: a
/// finding naming it (or one of its cohorts and one of its services), and
/// the survivors' journeys already linked to it.
fn corroborate(a: &Assessment, gaps: &mut [Gap]) {
    for gap in gaps.iter_mut() {
        for f in &a.findings {
            let named = f.gaps.contains(&gap.id);
            let touches = f.cohorts.iter().any(|c| gap.cohorts.contains(c))
                && f.services.iter().any(|s| gap.services.contains(s));
            if named || touches {
                gap.corroboration.push(format!("finding:{}", f.id));
            }
        }
        for j in &gap.journeys {
            let mark = format!("journey:{j}");
            if !gap.corroboration.contains(&mark) {
                gap.corroboration.push(mark);
            }
        }
    }
}

/// Most severe first; within a severity, corroborated gaps (by findings,
/// service data or journeys) before those resting on the structure alone;
/// then by kind and id: the same order every run.
pub fn sort(gaps: &mut [Gap]) {
    let key = |g: &Gap| (g.severity, g.corroboration.is_empty(), g.kind);
    gaps.sort_by(|x, y| (key(x), &x.id).cmp(&(key(y), &y.id)));
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
