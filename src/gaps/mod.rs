//! Gap analysis: every place where a cohort cannot get the help its level
//! of need calls for, each with evidence and a recommendation.
//!
//! One module per gap kind in [`kinds`], each a documented rule with one
//! registry entry; they share a [`context::Context`]: the coverage matrix
//! (cohort × level → eligible services) and per-cohort reachability from
//! the pathway graph. Then [`evidence`] ties findings and survivors'
//! journeys to the gaps they confirm, and the gaps are ranked.

pub(crate) mod annual_return;
mod context;
mod evidence;
mod figures;
mod kinds;
mod proposals;
mod unknowns;

use std::collections::BTreeMap;

use serde::Serialize;

pub use context::{in_sentence, in_sentence_for};
pub use figures::{
    AccommodationSummary, Balance, BalanceLine, Tally, annual_amount, yearly_funding,
};
// The gap sentences' number words, for callers that quote gaps.
pub use crate::text::{money, number, percent, plural, rate};
pub use kinds::{Found, GapKind, Rule, markdown_table};
pub(crate) use proposals::{PROPOSED, TO_BE_AGREED, addressed, proposed_actions};
pub use unknowns::{DataGap, DataTopic};

use crate::graph::PathwayGraph;
use crate::model::{ActionTheme, Assessment, FindingTheme};

/// Evidence names at most this many journeys, then counts the rest: a
/// sentence naming hundreds of journeys helps no reader, and it is quoted
/// in several tables of every document.
pub const MAX_NAMED_JOURNEYS: usize = 5;

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
    /// The services the gap is about.
    pub services: Vec<String>,
    /// The entry points the gap is about: one end of an unmapped route, or
    /// those serving a locality no referral route reaches provision from.
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

impl Gap {
    /// The recommendation theme the gap comes under in the documents: its
    /// kind's, unless its recommendation is about safe accommodation.
    pub fn theme(&self) -> FindingTheme {
        if self.recommendation.theme == ActionTheme::SafeAccommodation {
            FindingTheme::Accommodation
        } else {
            self.kind.rule().theme
        }
    }

    /// Whether the safe accommodation strategy reports the gap: its
    /// recommendation is about safe accommodation, or it is the funding
    /// of an accommodation service running out.
    pub(crate) fn is_about_safe_accommodation(&self, a: &Assessment) -> bool {
        self.recommendation.theme == ActionTheme::SafeAccommodation
            || (self.kind == GapKind::FundingCliff
                && self.services.iter().any(|s| {
                    a.services
                        .iter()
                        .any(|v| &v.id == s && v.kind == crate::model::ServiceKind::Accommodation)
                }))
    }

    /// Whether the gap is about this service or entry point (a finding's
    /// `services` may name either).
    pub(crate) fn touches(&self, id: &str) -> bool {
        self.services
            .iter()
            .chain(&self.entry_points)
            .any(|s| s == id)
    }
}

/// The coverage matrix: for each cohort and level, the eligible services.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub levels: Vec<String>,
    pub cohorts: Vec<String>,
    /// cohort id → level id → eligible service ids.
    pub cells: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// cohort id → the levels it needs provision at (its own `levels`, or
    /// its role's defaults): the cells the gap rules judge.
    pub needed: BTreeMap<String, Vec<String>>,
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

/// The analysis as JSON, one shape for `gaps --format json` and a build's
/// `gaps.json`: the gaps shown (all, or those a filter kept), what cannot
/// be judged, and the figures behind them.
#[derive(Serialize)]
pub struct AnalysisJson<'a> {
    pub gaps: &'a [Gap],
    pub unknowns: &'a [DataGap],
    pub coverage: &'a Coverage,
    pub perpetrator_balance: &'a Balance,
    pub safe_accommodation: &'a AccommodationSummary,
}

impl Analysis {
    /// The analysis as JSON, showing `gaps` of its gaps.
    pub fn json<'a>(&'a self, gaps: &'a [Gap]) -> AnalysisJson<'a> {
        AnalysisJson {
            gaps,
            unknowns: &self.unknowns,
            coverage: &self.coverage,
            perpetrator_balance: &self.perpetrator_balance,
            safe_accommodation: &self.safe_accommodation,
        }
    }
}

/// Analyse an assessment: build the pathway graph and apply every rule.
pub fn analyse(a: &Assessment) -> Analysis {
    let g = PathwayGraph::build(a);
    analyse_graph(&g)
}

/// Analyse with a graph already built, using every journey its assessment
/// holds (a public build hands it the public view, so internal accounts
/// leave no trace in its gaps).
pub fn analyse_graph(g: &PathwayGraph) -> Analysis {
    let ctx = context::Context::new(g);
    let mut unknowns = Vec::new();
    unknowns::recorded_fields(&ctx, &mut unknowns);
    let found = kinds::find_all(&ctx);
    let mut gaps = found.gaps;
    unknowns.extend(found.unknowns);
    evidence::link_refusals(g.a, &mut gaps);
    evidence::corroborate(g.a, &mut gaps);
    evidence::reported(&ctx, &mut gaps);
    evidence::weigh(g.a, &mut gaps);
    sort(&mut gaps);
    Analysis {
        gaps,
        unknowns,
        coverage: ctx.coverage_matrix(),
        perpetrator_balance: figures::perpetrator_balance(g.a),
        safe_accommodation: ctx.safe_accommodation,
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
