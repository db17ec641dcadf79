//! What the templates see: every figure already worked out and formatted,
//! and every string from the assessment already escaped for Markdown, so a
//! template cannot forget to escape (a `<script>` in a service name renders
//! as text) and cannot compute a number that does not trace to the input.

use crate::text::capitalise_first;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::gaps::{Analysis, Gap, GapKind, GapSeverity, money, number, percent, rate};
use crate::graph::PathwayGraph;
use crate::journeys::{JourneyMetrics, JourneyReport};
use crate::model::*;

pub(crate) use super::disclosure::Suppression;

mod journeys;
mod progress;
pub(crate) use journeys::*;
pub(crate) use progress::*;

/// The most survivor journeys the needs assessment tells one by one, each
/// with a section and a journey map. Journeys gathered by interview rarely
/// reach a few dozen; past a hundred they come from case data, where the
/// tables of counts are the evidence, and a section for each would make a
/// document of thousands of pages that no reader gets through (and that
/// Typst needs gigabytes to lay out).
pub const MAX_JOURNEY_SECTIONS: usize = 100;

/// Which of `count` items to show when at most `limit` fit: all of them,
/// or `limit` spread evenly from the first on, so a sample of a long list
/// reaches its end too.
pub(crate) fn spread(count: usize, limit: usize) -> Vec<usize> {
    if count <= limit {
        return (0..count).collect();
    }
    // Strictly increasing, as count > limit: no index is picked twice.
    (0..limit).map(|i| i * count / limit).collect()
}

/// The journeys the needs assessment tells one by one, by id: every
/// journey it counts, or [`MAX_JOURNEY_SECTIONS`] of them spread evenly.
pub(crate) fn journeys_told(r: &JourneyReport) -> HashMap<&str, &JourneyMetrics> {
    spread(r.journeys.len(), MAX_JOURNEY_SECTIONS)
        .into_iter()
        .map(|i| (r.journeys[i].id.as_str(), &r.journeys[i]))
        .collect()
}

/// Escape text from the assessment for Markdown: every character that
/// Markdown (or inline HTML) would read as markup becomes literal.
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '<' | '>' | '&' | '!' | '{'
            | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
pub(crate) struct Context {
    pub title: String,
    pub area: String,
    pub authority: String,
    pub tier1: bool,
    pub partnership: String,
    pub period_start: String,
    pub period_end: String,
    pub period_years: String,
    pub published: Option<String>,
    pub localities: Vec<String>,
    /// A two-tier area's district (or member) councils, by name.
    pub districts: Vec<String>,
    pub public: bool,
    pub suppress_below: u32,
    pub population: Option<PopulationCtx>,
    pub levels: Vec<LevelCtx>,
    pub cohorts: Vec<CohortCtx>,
    pub priority_cohorts: Vec<String>,
    pub entry_points: Vec<NamedCtx>,
    pub sectors: Vec<SectorCtx>,
    pub service_count: usize,
    pub indicators: Vec<IndicatorCtx>,
    /// Every referral route, by where it leads: the appendix.
    pub routes: Vec<RoutesIntoCtx>,
    /// One row a touchpoint, then the totals row.
    pub touchpoints: TableCtx<TouchpointCtx>,
    /// The chart names of the touchpoint figures (`touchpoints`,
    /// `touchpoints-2`…), a page's worth of rows each.
    pub touchpoint_figures: Vec<String>,
    pub gaps: GapsCtx,
    pub findings: Vec<ThemeCtx<FindingCtx>>,
    pub recommendations: Vec<ThemeCtx<RecommendationCtx>>,
    pub actions: Vec<ThemeCtx<ActionCtx>>,
    pub proposed_actions: Vec<ThemeCtx<ActionCtx>>,
    pub unaddressed_gaps: Vec<GapCtx>,
    /// What changed since the previous edition, when one was given.
    pub progress: Option<ProgressCtx>,
    pub action_counts: BTreeMap<String, usize>,
    pub journeys: JourneysCtx,
    pub accommodation: AccommodationCtx,
    pub balance: BalanceCtx,
    /// What services record of demand (`service_data`), latest year first.
    pub demand: Vec<DemandCtx>,
    /// The Part 4 annual return's figures, by type of accommodation.
    pub annual_return: AnnualReturnCtx,
    /// What the analysis cannot judge for lack of recorded data.
    pub unknowns: Vec<UnknownCtx>,
    pub sources: Vec<String>,
    /// Every gap kind, from the registry, for the method appendix.
    pub rules: Vec<RuleCtx>,
}

/// One gap kind in the method appendix.
#[derive(Serialize)]
pub(crate) struct RuleCtx {
    /// `no-provision`.
    pub id: String,
    /// What a gap of the kind is.
    pub finds: String,
    /// How its severity is decided.
    pub severity: String,
    /// The recommendation theme its gaps come under.
    pub theme: String,
}

/// The annual return's figures, as the strategy shows them.
#[derive(Serialize)]
pub(crate) struct AnnualReturnCtx {
    /// `2025-26`, or empty when no service records demand on safe
    /// accommodation.
    pub year: String,
    pub lines: Vec<ReturnLineCtx>,
}

#[derive(Serialize)]
pub(crate) struct ReturnLineCtx {
    pub accommodation: String,
    pub units: String,
    pub bedspaces: String,
    pub supported: String,
    pub not_supported: String,
    pub no_space: String,
}

fn annual_return_ctx(a: &Assessment, analysis: &Analysis) -> AnnualReturnCtx {
    use crate::render::annual_return::{words, year_label};
    let r = crate::gaps::annual_return::annual_return(a, &analysis.safe_accommodation);
    AnnualReturnCtx {
        year: r.year.map(year_label).unwrap_or_default(),
        lines: r
            .lines
            .iter()
            .map(|l| ReturnLineCtx {
                accommodation: md(&l.accommodation),
                units: words(&l.units),
                bedspaces: words(&l.bedspaces),
                supported: words(&l.supported),
                not_supported: words(&l.not_supported),
                no_space: l
                    .reasons
                    .get("no_capacity")
                    .map(words)
                    .unwrap_or_else(|| "not recorded".into()),
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub(crate) struct DemandCtx {
    /// The services, or the accommodation type, the figures are about.
    pub scope: String,
    pub accommodation: bool,
    pub year: i32,
    pub referrals: String,
    pub supported: String,
    pub from_outside_area: String,
    pub not_supported: String,
    /// `120 no space; 40 needs could not be met`, or "not recorded".
    pub reasons: String,
    pub places: String,
    pub source: String,
}

#[derive(Serialize)]
pub(crate) struct UnknownCtx {
    pub topic: String,
    pub text: String,
    pub collect: String,
}

#[derive(Serialize)]
pub(crate) struct PopulationCtx {
    pub year: i32,
    pub source: String,
    pub total: Option<String>,
    pub groups: Vec<PopulationGroupCtx>,
}

/// One row of the population table.
#[derive(Serialize)]
pub(crate) struct PopulationGroupCtx {
    /// `Women aged 16 and over`.
    pub group: String,
    /// The count in words: `118,000`.
    pub people: String,
}

#[derive(Serialize)]
pub(crate) struct LevelCtx {
    pub id: String,
    pub name: String,
    pub description: String,
    pub high_need: bool,
    pub step_down: bool,
    pub service_count: usize,
    pub services: Vec<String>,
    /// The chart names of the level's pathway figures (`pathways-ID`,
    /// then `pathways-ID--2`… when its services need more than a page).
    pub pathway_figures: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct CohortCtx {
    pub id: String,
    pub name: String,
    pub role: String,
    pub need: bool,
    pub priority: bool,
    pub estimate: Option<String>,
    pub basis: String,
    pub reported: Vec<String>,
    pub gaps: usize,
    pub levels_without: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct NamedCtx {
    pub name: String,
    pub sector: String,
}

#[derive(Serialize)]
pub(crate) struct SectorCtx {
    pub sector: String,
    pub services: Vec<ServiceCtx>,
}

#[derive(Serialize)]
pub(crate) struct ServiceCtx {
    pub name: String,
    /// Internal builds only (the public view has none).
    pub internal_notes: String,
    pub provider: String,
    pub kind: String,
    pub levels: String,
    pub cohorts: String,
    pub excludes: String,
    pub capacity: String,
    pub funding: String,
    pub localities: String,
}

#[derive(Serialize)]
pub(crate) struct IndicatorCtx {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub source: String,
    pub description: String,
    pub years: Vec<String>,
    pub values: Vec<String>,
    pub baseline: String,
    pub latest: String,
    pub trend: String,
    pub target: String,
    pub shares: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct GapCtx {
    pub id: String,
    pub kind: String,
    pub severity: String,
    pub cohort: String,
    pub level: String,
    pub evidence: String,
    /// What confirms the gap beyond the structure: `finding f04; journey j01`.
    pub confirmed: String,
    pub theme: String,
    pub recommendation: String,
}

#[derive(Serialize)]
pub(crate) struct GapsCtx {
    pub high: Vec<GapCtx>,
    pub medium: Vec<GapCtx>,
    pub low: Vec<GapCtx>,
    pub total: usize,
    pub by_kind: Vec<KindCountCtx>,
    pub accommodation: Vec<GapCtx>,
}

/// How many gaps of one kind were found.
#[derive(Serialize)]
pub(crate) struct KindCountCtx {
    /// `no provision`.
    pub kind: String,
    pub count: usize,
}

#[derive(Serialize)]
pub(crate) struct ThemeCtx<T> {
    pub theme: String,
    pub items: Vec<T>,
}

#[derive(Serialize)]
pub(crate) struct FindingCtx {
    pub text: String,
    pub source: String,
}

#[derive(Serialize)]
pub(crate) struct RecommendationCtx {
    pub text: String,
    pub because: String,
}

#[derive(Serialize)]
pub(crate) struct ActionCtx {
    pub id: String,
    pub objective: String,
    pub outcome: String,
    pub action: String,
    pub lead: String,
    pub due: String,
    pub status: String,
    pub rag: String,
    pub addresses: String,
}

#[derive(Serialize)]
pub(crate) struct AccommodationCtx {
    pub types: Vec<AccommodationTypeCtx>,
    /// `20`, `at least 18` or `not recorded`.
    pub places: String,
    /// `7 of 9 refuges do not record places`, or empty.
    pub places_missing: String,
    pub bedspaces: String,
    pub benchmark: Option<String>,
    /// Only when every refuge records its places.
    pub share_of_benchmark: Option<String>,
    pub support: Vec<SupportCtx>,
    pub excluded: Vec<String>,
    pub no_accommodation: Vec<String>,
    /// Some units or refuge places are recorded: the chart has a bar to
    /// draw besides the benchmark.
    pub charted: bool,
}

/// One type of safe accommodation and what is recorded of it.
#[derive(Serialize)]
pub(crate) struct AccommodationTypeCtx {
    /// `refuge`, `dispersed`, `sanctuary scheme`.
    pub kind: String,
    pub services: usize,
    /// `12`, `at least 8` or `not recorded`.
    pub units: String,
    pub bedspaces: String,
}

/// One Part 4 support category and the accommodation services giving it.
#[derive(Serialize)]
pub(crate) struct SupportCtx {
    /// The statutory guidance's name for it.
    pub support: String,
    /// The services' names, `not recorded`, or `**not provided**` (Markdown).
    pub provided_in: String,
}

#[derive(Serialize)]
pub(crate) struct BalanceCtx {
    pub rows: Vec<BalanceRowCtx>,
    pub share: Option<String>,
}

/// One line of the perpetrator and victim provision balance.
#[derive(Serialize)]
pub(crate) struct BalanceRowCtx {
    /// `Stalking perpetrator interventions`.
    pub provision: String,
    pub services: usize,
    pub capacity: String,
    pub spend: String,
}

/// Part 4 support categories (statutory guidance), in the order it lists them.
const SUPPORT_TYPES: &[(&str, &str)] = &[
    ("advocacy", "Overseeing support and advocacy"),
    ("prevention-advice", "Domestic abuse prevention advice"),
    (
        "specialist-protected-characteristics",
        "Specialist support for protected characteristics and complex needs",
    ),
    ("childrens-support", "Children's support"),
    ("housing-related-support", "Housing-related support"),
    ("counselling-therapy", "Counselling and therapy"),
];

fn words(value: &impl Serialize) -> String {
    kebab(value).replace('-', " ")
}

pub(crate) fn gap_ctx(a: &Assessment, g: &Gap) -> GapCtx {
    let cohort = match &g.cohort {
        Some(c) => a
            .cohorts
            .iter()
            .find(|x| &x.id == c)
            .map_or(c.clone(), |x| x.name.clone()),
        None => g
            .cohorts
            .iter()
            .filter_map(|c| {
                a.cohorts
                    .iter()
                    .find(|x| &x.id == c)
                    .map(|x| x.name.clone())
            })
            .collect::<Vec<_>>()
            .join("; "),
    };
    let level = g
        .levels
        .iter()
        .filter_map(|l| a.levels.iter().find(|x| &x.id == l).map(|x| x.name.clone()))
        .collect::<Vec<_>>()
        .join("; ");
    let confirmed = g
        .corroboration
        .iter()
        .map(|c| match c.split_once(':') {
            Some(("service-data", scope)) => format!(
                "service data ({})",
                scope.replace('/', ", ").replace('-', " ")
            ),
            Some((kind, id)) => format!("{kind} {id}"),
            None => c.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    GapCtx {
        id: md(&g.id),
        kind: g.kind.label(),
        severity: g.severity.as_str().to_owned(),
        cohort: md(&cohort),
        level: md(&level),
        evidence: md(&g.evidence),
        confirmed: md(&confirmed),
        theme: g.recommendation.theme.label().to_owned(),
        recommendation: md(&g.recommendation.text),
    }
}

/// An indicator value in words: `12.5%`, `£40,000`, `3.2 per 1,000`.
pub(crate) fn indicator_value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Percent => format!("{}%", trim_float(v)),
        Unit::Currency => money(v),
        Unit::RatePer1000 => format!("{} per 1,000", trim_float(v)),
        Unit::Count => number(v),
    }
}

fn trim_float(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        number(v)
    } else {
        format!("{v:.1}")
    }
}

/// A cohort's estimated part of an indicator's latest value (its `share`
/// of it), with the year; `None` when a public document must hide it:
/// the value is a hidden count (share times part would give it back), or
/// the part is itself a count of people below the threshold (the share
/// beside the value would give it back).
fn cohort_part(i: &Indicator, share: f64, s: Suppression) -> Option<(i32, f64)> {
    let (year, value) = i.values.iter().next_back()?;
    let part = value * share;
    let hidden = s.hides_value(i.unit, *value) || s.hides_value(i.unit, part.round());
    (!hidden).then_some((*year, part))
}

/// An indicator's trend since `y0` as the documents say it: `up 12% since
/// 2022 (worsening)`, `up from 0 since 2022`, `stable`.
fn trend_words(y0: i32, v0: f64, v1: f64, better: Option<Better>) -> String {
    use crate::progress::Direction;
    let (relative, direction) = crate::progress::movement(v0, v1, better);
    if direction == Direction::Stable {
        return "stable".to_owned();
    }
    let way = if v1 > v0 { "up" } else { "down" };
    let moved = match relative {
        Some(r) => format!("{way} {} since {y0}", percent(r.abs())),
        None => format!("{way} from 0 since {y0}"),
    };
    match direction {
        Direction::Improving => format!("{moved} (improving)"),
        Direction::Worsening => format!("{moved} (worsening)"),
        _ => moved,
    }
}

fn indicator(i: &Indicator, cohorts: &[Cohort], s: Suppression) -> IndicatorCtx {
    let small = s.show(super::disclosure::Cell::Small);
    // Small counts are suppressed like journey counts: they can identify
    // people. Targets are goals, not counts of anyone, and show as set.
    let target_value = indicator_value;
    let indicator_value = |unit: Unit, v: f64| match s.hides_value(unit, v) {
        true => small.clone(),
        false => indicator_value(unit, v),
    };
    let years: Vec<String> = i.values.keys().map(|y| y.to_string()).collect();
    let values: Vec<String> = i
        .values
        .values()
        .map(|v| indicator_value(i.unit, *v))
        .collect();
    let first = i.values.iter().next();
    let last = i.values.iter().next_back();
    let hidden = |v: &f64| s.hides_value(i.unit, *v);
    let trend = match (first, last) {
        // The change in percent and the value shown would give the hidden
        // one back.
        (Some((_, v0)), Some((_, v1))) if hidden(v0) || hidden(v1) => {
            super::disclosure::NOT_SHOWN.to_owned()
        }
        (Some((y0, v0)), Some((y1, v1))) if y0 != y1 => trend_words(*y0, *v0, *v1, i.better),
        _ => "one year only".to_owned(),
    };
    IndicatorCtx {
        id: md(&i.id),
        name: md(&i.name),
        unit: words(&i.unit),
        source: md(&i.source),
        description: md(i.description.as_deref().unwrap_or("")),
        baseline: first
            .map(|(y, v)| format!("{} ({y})", indicator_value(i.unit, *v)))
            .unwrap_or_default(),
        latest: last
            .map(|(y, v)| format!("{} ({y})", indicator_value(i.unit, *v)))
            .unwrap_or_default(),
        years,
        values,
        trend,
        target: i
            .target
            .map(|t| format!("{} by {}", target_value(i.unit, t.value), t.year))
            .unwrap_or_else(|| "not set".into()),
        shares: i
            .cohort_shares
            .iter()
            .map(|(c, share)| {
                let name = cohorts
                    .iter()
                    .find(|x| &x.id == c)
                    .map_or(c.clone(), |x| x.name.clone());
                let shown = cohort_part(i, *share, s).map_or(small.clone(), |_| rate(*share));
                format!("{}: {shown}", md(&name))
            })
            .collect(),
    }
}

/// Everything the three documents need: `journeys` are those the
/// documents show one by one, `counted` those they only count (public
/// builds), whose counts and indicator counts follow `suppression`.
pub(crate) fn build(
    analysed: &crate::render::Analysed,
    view: &crate::render::disclosure::View,
) -> Context {
    let crate::render::Analysed {
        g,
        analysis,
        journeys,
        counts,
        counted,
        progress,
    } = analysed;
    let (counted, progress) = (counted.as_ref(), progress.as_ref());
    let (public, suppression) = (view.is_public(), view.suppression);
    let a = g.a;
    let info = &a.info;
    let (actions, proposed, unaddressed) = action_plan(a, analysis);
    Context {
        title: md(&info.title),
        area: md(&info.area),
        authority: match info.authority {
            Authority::Tier1 => {
                "Tier 1 authority (holds the Part 4 safe accommodation duty)".into()
            }
            Authority::Tier2 => {
                "Tier 2 authority (co-operates with the Tier 1 authority under Part 4)".into()
            }
        },
        tier1: info.authority == Authority::Tier1,
        partnership: md(info
            .partnership
            .as_deref()
            .unwrap_or("the local domestic abuse partnership")),
        period_start: info.period.start.to_string(),
        period_end: info.period.end.to_string(),
        period_years: format!("{}-{}", info.period.start.year(), info.period.end.year()),
        published: info.published.map(|d| d.to_string()),
        localities: info.localities.iter().map(|l| md(l)).collect(),
        districts: info.districts.iter().map(|d| md(&d.name)).collect(),
        public,
        suppress_below: suppression.below,
        population: a.population.as_ref().map(|p| PopulationCtx {
            year: p.year,
            source: md(&p.source),
            total: p.total.map(|t| number(t as f64)),
            groups: p
                .groups
                .iter()
                .map(|(k, v)| PopulationGroupCtx {
                    group: md(&capitalise_first(&crate::text::population_group(k))),
                    people: number(*v as f64),
                })
                .collect(),
        }),
        levels: levels_ctx(g),
        cohorts: a
            .cohorts
            .iter()
            .map(|cohort| cohort_ctx(a, analysis, cohort, suppression))
            .collect(),
        priority_cohorts: a
            .cohorts
            .iter()
            .filter(|c| c.priority)
            .map(|c| md(&c.name))
            .collect(),
        entry_points: a
            .entry_points
            .iter()
            .map(|e| NamedCtx {
                name: md(&e.name),
                sector: e.sector.label().to_owned(),
            })
            .collect(),
        sectors: sectors_ctx(a),
        service_count: a.services.len(),
        indicators: a
            .indicators
            .iter()
            .map(|i| indicator(i, &a.cohorts, suppression))
            .collect(),
        routes: routes(g),
        touchpoints: touchpoint_rows(journeys, counts),
        touchpoint_figures: crate::render::charts::touchpoint_figures(journeys.by_touchpoint.len()),
        gaps: gaps_ctx(a, analysis),
        findings: findings(a),
        recommendations: recommendations(a, analysis),
        actions,
        proposed_actions: proposed,
        unaddressed_gaps: unaddressed,
        progress: progress.map(|p| progress_ctx(p, "###")),
        action_counts: action_counts(a),
        journeys: journeys_ctx(
            a,
            journeys,
            &analysis
                .gaps
                .iter()
                .filter(|g| g.kind == GapKind::UnmappedPathway)
                .collect::<Vec<_>>(),
            counts,
            counted.map(|r| counted_ctx(a, r, suppression)),
        ),
        accommodation: accommodation_ctx(a, analysis),
        balance: balance_ctx(analysis),
        demand: demand_ctx(a),
        annual_return: annual_return_ctx(a, analysis),
        unknowns: analysis
            .unknowns
            .iter()
            .map(|u| UnknownCtx {
                topic: u.topic.label().to_owned(),
                text: md(&u.text),
                collect: md(&capitalise_first(&u.collect)),
            })
            .collect(),
        sources: sources(a, public),
        rules: crate::gaps::GapKind::ALL
            .iter()
            .map(|k| {
                let r = k.rule();
                RuleCtx {
                    id: r.id.to_owned(),
                    // The registry's own Markdown (as in the README),
                    // not input text: not escaped.
                    finds: r.finds.to_owned(),
                    severity: r.severity.to_owned(),
                    theme: r.theme.label().to_owned(),
                }
            })
            .collect(),
    }
}

/// Each level of need with the services at it and its pathway figures.
fn levels_ctx(g: &PathwayGraph) -> Vec<LevelCtx> {
    let a = g.a;
    a.levels
        .iter()
        .enumerate()
        .map(|(l, level)| {
            let services: Vec<String> = a
                .services
                .iter()
                .enumerate()
                .filter(|(s, _)| g.at_level(*s, l))
                .map(|(_, s)| md(&s.name))
                .collect();
            LevelCtx {
                id: md(&level.id),
                name: md(&level.name),
                description: md(level.description.as_deref().unwrap_or("")),
                high_need: level.high_need,
                step_down: level.step_down,
                service_count: services.len(),
                services,
                pathway_figures: crate::render::charts::pathway_figures(g, l),
            }
        })
        .collect()
}

/// The services, grouped by sector.
fn sectors_ctx(a: &Assessment) -> Vec<SectorCtx> {
    let mut sectors: BTreeMap<String, Vec<ServiceCtx>> = BTreeMap::new();
    for s in &a.services {
        sectors
            .entry(s.sector.label().to_owned())
            .or_default()
            .push(service_ctx(a, s));
    }
    sectors
        .into_iter()
        .map(|(sector, services)| SectorCtx { sector, services })
        .collect()
}

/// The gaps by severity and kind, and those about safe accommodation.
fn gaps_ctx(a: &Assessment, analysis: &Analysis) -> GapsCtx {
    let gap_list = |sev: GapSeverity| {
        analysis
            .gaps
            .iter()
            .filter(|x| x.severity == sev)
            .map(|x| gap_ctx(a, x))
            .collect()
    };
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for x in &analysis.gaps {
        *by_kind.entry(x.kind.label()).or_default() += 1;
    }
    GapsCtx {
        high: gap_list(GapSeverity::High),
        medium: gap_list(GapSeverity::Medium),
        low: gap_list(GapSeverity::Low),
        total: analysis.gaps.len(),
        by_kind: by_kind
            .into_iter()
            .map(|(kind, count)| KindCountCtx { kind, count })
            .collect(),
        accommodation: analysis
            .gaps
            .iter()
            .filter(|x| x.is_about_safe_accommodation(a))
            .map(|x| gap_ctx(a, x))
            .collect(),
    }
}

/// How many agreed actions have each status.
fn action_counts(a: &Assessment) -> BTreeMap<String, usize> {
    let mut action_counts = BTreeMap::new();
    for act in &a.actions {
        *action_counts
            .entry(act.status.label().to_owned())
            .or_default() += 1;
    }
    action_counts
}

/// The routes into one service or entry point.
#[derive(Serialize)]
pub(crate) struct RoutesIntoCtx {
    pub to: String,
    /// Where referrals come from, each with its conditions and the
    /// cohorts it is limited to, if any: "Police (DASH 14+; men only)".
    pub from: Vec<String>,
}

/// The routes grouped by where they lead, in the order the graph first
/// reaches each: one row a destination, so a reader looks a service up
/// once (about a quarter of the rows of one row a route, on the example).
fn routes(g: &PathwayGraph) -> Vec<RoutesIntoCtx> {
    use petgraph::visit::EdgeRef;
    let mut out: Vec<RoutesIntoCtx> = Vec::new();
    let mut row_of: HashMap<petgraph::graph::NodeIndex, usize> = HashMap::new();
    for e in g.graph.edge_references() {
        if g.graph[e.source()] == crate::graph::NodeRef::Root {
            continue;
        }
        let mut notes: Vec<String> = Vec::new();
        if !e.weight().when.is_empty() {
            notes.push(e.weight().when.join("; "));
        }
        if let Some(set) = &e.weight().cohorts {
            let names: Vec<&str> = set.ones().map(|c| g.a.cohorts[c].name.as_str()).collect();
            notes.push(format!("only for {}", names.join(", ")));
        }
        let from = if notes.is_empty() {
            md(g.node_name(e.source()))
        } else {
            format!(
                "{} ({})",
                md(g.node_name(e.source())),
                md(&notes.join("; "))
            )
        };
        let row = *row_of.entry(e.target()).or_insert_with(|| {
            out.push(RoutesIntoCtx {
                to: md(g.node_name(e.target())),
                from: Vec::new(),
            });
            out.len() - 1
        });
        out[row].from.push(from);
    }
    out
}

fn cohort_ctx(a: &Assessment, analysis: &Analysis, cohort: &Cohort, s: Suppression) -> CohortCtx {
    let (estimate, basis) = match (&cohort.population, cohort.prevalence, &cohort.demand) {
        (Some(group), Some(p), _) => {
            let count = a
                .population
                .as_ref()
                .and_then(|x| x.groups.get(group))
                .copied();
            match count {
                Some(n) => (
                    Some(number(n as f64 * p)),
                    format!(
                        "{} {} × {} ({})",
                        number(n as f64),
                        md(&crate::text::population_group(group)),
                        rate(p),
                        md(cohort.prevalence_source.as_deref().unwrap_or(""))
                    ),
                ),
                None => (None, String::new()),
            }
        }
        (_, _, Some(d)) => (
            Some(number(d.per_year)),
            format!("local estimate: {}", md(&d.source)),
        ),
        _ => (None, "no estimate".to_owned()),
    };
    let reported = a
        .indicators
        .iter()
        .filter_map(|i| {
            let share = i.cohort_shares.get(&cohort.id)?;
            let name = md(&crate::gaps::in_sentence_for(&i.name, &a.info));
            Some(match cohort_part(i, *share, s) {
                Some((year, part)) => {
                    format!(
                        "{} of {name} ({year}): about {}",
                        rate(*share),
                        number(part)
                    )
                }
                None => {
                    let (year, _) = i.values.iter().next_back()?;
                    format!(
                        "{name} ({year}): {}",
                        s.show(super::disclosure::Cell::Small)
                    )
                }
            })
        })
        .collect();
    let levels_without = analysis
        .coverage
        .cells
        .get(&cohort.id)
        .map(|row| {
            a.levels
                .iter()
                .filter(|l| row.get(&l.id).is_some_and(Vec::is_empty))
                .filter(|l| {
                    analysis
                        .coverage
                        .needed
                        .get(&cohort.id)
                        .is_some_and(|n| n.contains(&l.id))
                })
                .map(|l| md(&l.name))
                .collect()
        })
        .unwrap_or_default();
    CohortCtx {
        id: md(&cohort.id),
        name: md(&cohort.name),
        role: words(&cohort.role),
        need: cohort.kind == CohortKind::Need,
        priority: cohort.priority,
        estimate,
        basis,
        reported,
        gaps: analysis
            .gaps
            .iter()
            .filter(|x| x.cohorts.contains(&cohort.id))
            .count(),
        levels_without,
    }
}

fn service_ctx(a: &Assessment, s: &Service) -> ServiceCtx {
    let names = |ids: &[String], pick: &dyn Fn(&str) -> Option<String>| -> String {
        ids.iter()
            .map(|i| md(&pick(i).unwrap_or_else(|| i.clone())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let level_name = |id: &str| a.levels.iter().find(|l| l.id == id).map(|l| l.name.clone());
    let cohort_name = |id: &str| {
        a.cohorts
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
    };
    let (yearly, without_amount) = crate::gaps::yearly_funding(&s.funding, a);
    let ends = s.funding.iter().filter_map(|f| f.ends).min();
    ServiceCtx {
        name: md(&s.name),
        internal_notes: md(s.internal_notes.as_deref().unwrap_or("")),
        provider: md(&s.provider),
        kind: words(&s.kind),
        levels: names(&s.levels, &level_name),
        cohorts: names(&s.cohorts, &cohort_name),
        excludes: names(&s.excludes, &cohort_name),
        capacity: s
            .capacity
            .as_ref()
            .and_then(|c| c.per_year)
            .map(|v| format!("{} a year", number(v)))
            .or_else(|| {
                s.accommodation
                    .as_ref()
                    .and_then(|x| x.units)
                    .map(|u| format!("{u} units"))
            })
            .unwrap_or_else(|| "not recorded".into()),
        funding: if s.funding.is_empty() {
            "not recorded".into()
        } else {
            let ends = ends
                .map(|e| format!(", first ends {e}"))
                .unwrap_or_default();
            match (without_amount, s.funding.len()) {
                (0, _) => format!("{} a year{ends}", money(yearly)),
                (n, all) if n == all => format!("amount not recorded{ends}"),
                (n, _) => format!(
                    "at least {} a year ({} without an amount){ends}",
                    money(yearly),
                    crate::gaps::plural(n, "stream", "streams")
                ),
            }
        },
        localities: if s.localities.is_empty() {
            "whole area".into()
        } else {
            s.localities
                .iter()
                .map(|l| md(l))
                .collect::<Vec<_>>()
                .join(", ")
        },
    }
}

fn findings(a: &Assessment) -> Vec<ThemeCtx<FindingCtx>> {
    let mut by: BTreeMap<FindingTheme, Vec<FindingCtx>> = BTreeMap::new();
    for f in &a.findings {
        by.entry(f.theme).or_default().push(FindingCtx {
            text: md(&f.text),
            source: md(&f.source),
        });
    }
    by.into_iter()
        .map(|(t, items)| ThemeCtx {
            theme: t.label().to_owned(),
            items,
        })
        .collect()
}

fn recommendations(a: &Assessment, analysis: &Analysis) -> Vec<ThemeCtx<RecommendationCtx>> {
    let mut by: BTreeMap<FindingTheme, Vec<RecommendationCtx>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for g in analysis
        .gaps
        .iter()
        .filter(|g| g.severity != GapSeverity::Low)
    {
        if !seen.insert(g.recommendation.text.clone()) {
            continue;
        }
        let ctx = gap_ctx(a, g);
        by.entry(g.theme()).or_default().push(RecommendationCtx {
            text: ctx.recommendation,
            because: format!("{} gap: {}", g.severity.as_str(), ctx.evidence),
        });
    }
    by.into_iter()
        .map(|(t, items)| ThemeCtx {
            theme: t.label().to_owned(),
            items,
        })
        .collect()
}

/// Authored actions by theme; proposed actions for high and medium gaps no
/// action addresses; and those gaps listed.
fn action_plan(
    a: &Assessment,
    analysis: &Analysis,
) -> (
    Vec<ThemeCtx<ActionCtx>>,
    Vec<ThemeCtx<ActionCtx>>,
    Vec<GapCtx>,
) {
    let mut authored: BTreeMap<ActionTheme, Vec<ActionCtx>> = BTreeMap::new();
    let name_of = |id: &str| -> String {
        a.cohorts
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .or_else(|| {
                a.findings
                    .iter()
                    .find(|f| f.id == id)
                    .map(|f| format!("finding {}", f.id))
            })
            .or_else(|| {
                a.services
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.name.clone())
            })
            .unwrap_or_else(|| format!("gap {id}"))
    };
    for act in &a.actions {
        let (status, colour) = act.status.rag();
        authored.entry(act.theme).or_default().push(ActionCtx {
            id: md(&act.id),
            objective: md(&act.objective),
            outcome: md(&act.outcome),
            action: md(&act.action),
            lead: md(&act.lead),
            due: act.due.to_string(),
            status: status.to_owned(),
            rag: colour.to_owned(),
            addresses: act
                .addresses
                .iter()
                .map(|x| md(&name_of(x)))
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    let addressed = crate::gaps::addressed(a);
    let mut proposed: BTreeMap<ActionTheme, Vec<ActionCtx>> = BTreeMap::new();
    for p in crate::gaps::proposed_actions(a, &analysis.gaps) {
        let ctx = gap_ctx(a, p.gap);
        proposed
            .entry(p.gap.recommendation.theme)
            .or_default()
            .push(ActionCtx {
                objective: p.objective(),
                id: p.reference,
                outcome: ctx.evidence.clone(),
                action: ctx.recommendation.clone(),
                lead: crate::gaps::TO_BE_AGREED.into(),
                due: crate::gaps::TO_BE_AGREED.into(),
                status: crate::gaps::PROPOSED.into(),
                rag: "proposed".into(),
                addresses: p
                    .gaps
                    .iter()
                    .map(|id| format!("gap {}", md(id)))
                    .collect::<Vec<_>>()
                    .join("; "),
            });
    }
    let group = |m: BTreeMap<ActionTheme, Vec<ActionCtx>>| {
        m.into_iter()
            .map(|(t, items)| ThemeCtx {
                theme: t.label().to_owned(),
                items,
            })
            .collect()
    };
    let all_unaddressed = analysis
        .gaps
        .iter()
        .filter(|g| !addressed.contains(g.id.as_str()))
        .map(|g| gap_ctx(a, g))
        .collect();
    (group(authored), group(proposed), all_unaddressed)
}

fn accommodation_ctx(a: &Assessment, analysis: &Analysis) -> AccommodationCtx {
    let acc = &analysis.safe_accommodation;
    let types = acc
        .by_type
        .iter()
        .map(|(t, line)| AccommodationTypeCtx {
            kind: t.replace('-', " "),
            services: line.services.len(),
            units: line.units.words(),
            bedspaces: line.bedspaces.words(),
        })
        .collect();
    let accommodation: Vec<&Service> = a
        .services
        .iter()
        .filter(|s| s.kind == ServiceKind::Accommodation)
        .collect();
    // "Not provided" only where services say what they give; a service
    // that records no support types is silent, not a "no".
    let recording = accommodation
        .iter()
        .filter(|s| !s.support.is_empty())
        .count();
    let support = SUPPORT_TYPES
        .iter()
        .map(|(id, label)| {
            let names: Vec<String> = accommodation
                .iter()
                .filter(|s| s.support.iter().any(|x| x == id))
                .map(|s| md(&s.name))
                .collect();
            let provided = if !names.is_empty() {
                names.join(", ")
            } else if recording == 0 {
                "not recorded".to_owned()
            } else if recording == accommodation.len() {
                "**not provided**".to_owned()
            } else {
                format!(
                    "none of the {} that record their support",
                    crate::gaps::plural(recording, "service", "services")
                )
            };
            SupportCtx {
                support: (*label).to_owned(),
                provided_in: provided,
            }
        })
        .collect();
    let excluded = analysis
        .gaps
        .iter()
        .filter(|g| g.kind == GapKind::Exclusion)
        .map(|g| md(&g.evidence))
        .collect();
    let no_accommodation = acc
        .cohorts_without
        .iter()
        .filter_map(|id| a.cohorts.iter().find(|c| &c.id == id))
        .map(|c| md(&c.name))
        .collect();
    let places = &acc.refuge_family_places;
    AccommodationCtx {
        types,
        places: places.words(),
        places_missing: places.missing(("refuge", "refuges"), "places"),
        bedspaces: acc.refuge_bedspaces.words(),
        benchmark: acc.benchmark_places.map(number),
        share_of_benchmark: acc
            .benchmark_places
            .filter(|b| *b > 0.0 && places.complete())
            .map(|b| percent(places.sum as f64 / b)),
        support,
        excluded,
        no_accommodation,
        charted: acc.by_type.values().any(|l| l.units.known().is_some())
            || acc.refuge_family_places.known().is_some(),
    }
}

/// Service data as a document tables it: a figure not recorded says so.
fn demand_ctx(a: &Assessment) -> Vec<DemandCtx> {
    let figure = |v: Option<f64>| v.map_or_else(|| "not recorded".to_owned(), number);
    let mut rows: Vec<DemandCtx> = a
        .service_data
        .iter()
        .map(|d| {
            let scope = match d.accommodation {
                Some(t) => format!("Every {}", words(&t)),
                None => d
                    .services
                    .iter()
                    .filter_map(|id| a.services.iter().find(|s| &s.id == id))
                    .map(|s| md(&s.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let accommodation = d.accommodation.is_some()
                || d.services.iter().any(|id| {
                    a.services
                        .iter()
                        .any(|s| &s.id == id && s.kind == ServiceKind::Accommodation)
                });
            let reasons: Vec<String> = d
                .not_supported_reasons
                .iter()
                .flat_map(|r| r.each())
                .filter_map(|(_, label, v)| v.map(|v| format!("{} {label}", number(v))))
                .collect();
            let places = match (d.units, d.bedspaces) {
                (Some(u), Some(b)) => {
                    format!("{} units, {} bedspaces", number(u as f64), number(b as f64))
                }
                (Some(u), None) => format!("{} units", number(u as f64)),
                (None, Some(b)) => format!("{} bedspaces", number(b as f64)),
                (None, None) => "not recorded".into(),
            };
            DemandCtx {
                scope,
                accommodation,
                year: d.year,
                referrals: figure(d.referrals),
                supported: figure(d.supported),
                from_outside_area: figure(d.from_outside_area),
                not_supported: figure(d.not_supported),
                reasons: if reasons.is_empty() {
                    "not recorded".into()
                } else {
                    reasons.join("; ")
                },
                places,
                source: md(&d.source),
            }
        })
        .collect();
    rows.sort_by(|x, y| y.year.cmp(&x.year).then_with(|| x.scope.cmp(&y.scope)));
    rows
}

fn balance_ctx(analysis: &Analysis) -> BalanceCtx {
    let b = &analysis.perpetrator_balance;
    let row = |name: &str, l: &crate::gaps::BalanceLine| BalanceRowCtx {
        provision: name.to_owned(),
        services: l.services.len(),
        capacity: l.capacity_words(),
        spend: l.spend_words(),
    };
    BalanceCtx {
        rows: vec![
            row("General perpetrator interventions", &b.general),
            row("Children and young people (including APV)", &b.under_18),
            row("Stalking perpetrator interventions", &b.stalking),
            row("Victim and survivor services", &b.victim_services),
        ],
        share: b.spend_ratio.map(percent),
    }
}

/// Every source the documents rest on, once each.
fn sources(a: &Assessment, public: bool) -> Vec<String> {
    let mut all: BTreeSet<String> = BTreeSet::new();
    if let Some(p) = &a.population {
        all.insert(p.source.clone());
    }
    for c in &a.cohorts {
        all.extend(c.prevalence_source.clone());
        all.extend(c.demand.as_ref().map(|d| d.source.clone()));
    }
    for i in &a.indicators {
        all.insert(i.source.clone());
    }
    for f in &a.findings {
        all.insert(f.source.clone());
    }
    // In a public build the assessment is its public view: its journeys
    // have consent to publish, and a withheld source says only "withheld".
    for j in a.journeys.iter().filter(|j| !(public && j.source_internal)) {
        all.insert(j.source.clone());
    }
    for s in &a.services {
        all.extend(s.capacity.as_ref().and_then(|c| c.source.clone()));
    }
    all.insert("Council of Europe Task Force to Combat Violence against Women (2008): one family place in a specialist women's shelter per 10,000 head of population".into());
    all.insert("Domestic Abuse Act 2021, Part 4 (ss.57-61), and the Domestic Abuse Support (Local Authority Strategies and Annual Reports) Regulations 2021 (SI 2021/990)".into());
    all.into_iter().map(|s| md(&s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One rule with `progress`: within 2% is stable, and a rise from
    /// nothing is a rise, not "stable".
    #[test]
    fn trends_read_as_the_annual_review_judges_them() {
        assert_eq!(trend_words(2022, 100.0, 101.0, None), "stable");
        assert_eq!(
            trend_words(2022, 100.0, 112.0, Some(Better::Lower)),
            "up 12% since 2022 (worsening)"
        );
        assert_eq!(
            trend_words(2022, 100.0, 80.0, Some(Better::Lower)),
            "down 20% since 2022 (improving)"
        );
        assert_eq!(trend_words(2022, 0.0, 5.0, None), "up from 0 since 2022");
        assert_eq!(trend_words(2022, 0.0, 0.0, None), "stable");
    }

    #[test]
    fn a_long_list_is_sampled_evenly_to_its_end() {
        assert_eq!(spread(3, 5), vec![0, 1, 2]);
        assert_eq!(spread(5, 5), vec![0, 1, 2, 3, 4]);
        assert_eq!(spread(10, 4), vec![0, 2, 5, 7]);
        let picked = spread(10_000, MAX_JOURNEY_SECTIONS);
        assert_eq!(picked.len(), MAX_JOURNEY_SECTIONS);
        assert!(picked.windows(2).all(|w| w[0] < w[1]), "each once");
        assert!(picked[picked.len() - 1] >= 9_900, "reaches the end");
        assert!(spread(7, 0).is_empty());
    }

    #[test]
    fn markdown_escaping_neutralises_markup() {
        assert_eq!(
            md("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(md("a|b *c* [d](e) #f"), "a\\|b \\*c\\* \\[d\\](e) \\#f");
    }
}
