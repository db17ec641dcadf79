//! The gap rules, one function per kind. Each pushes the gaps it finds; the
//! severity rules are those of `super::RULES`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use fixedbitset::FixedBitSet;
use petgraph::algo::dominators;
use petgraph::graph::NodeIndex;

use super::figures::{AccommodationSummary, annual_amount, money, number, percent, plural, rate};
use super::{Coverage, Gap, GapKind, GapSeverity, Recommendation};
use crate::graph::{NodeRef, PathwayGraph};
use crate::model::{
    AccommodationType, ActionTheme, Assessment, Cohort, CohortKind, Role, ServiceKind,
};

/// What every rule needs: the graph, level bands, and per cohort the levels
/// it needs, its eligible services per level, and what it can reach.
pub struct Context<'g, 'a> {
    pub g: &'g PathwayGraph<'a>,
    pub a: &'a Assessment,
    pub high_need: Vec<bool>,
    pub step_down: Vec<bool>,
    /// The highest need level (the last that is not a step-down stage).
    pub top: Option<usize>,
    /// Per cohort: the level indices it needs provision at.
    pub needed: Vec<Vec<usize>>,
    /// `cells[c][l]`: services eligible for cohort `c` at level `l`.
    pub cells: Vec<Vec<Vec<usize>>>,
    pub reachable: Vec<FixedBitSet>,
    /// Per cohort: eligible services working at a level the cohort needs.
    pub serves: Vec<FixedBitSet>,
    /// Per cohort: eligible safe accommodation services.
    pub accommodation: Vec<Vec<usize>>,
}

impl<'g, 'a> Context<'g, 'a> {
    pub fn new(g: &'g PathwayGraph<'a>) -> Self {
        let a = g.a;
        let levels = a.levels.len();
        let step_down: Vec<bool> = a.levels.iter().map(|l| l.step_down).collect();
        let top = (0..levels).rev().find(|&l| !step_down[l]);
        let mut high_need: Vec<bool> = a.levels.iter().map(|l| l.high_need).collect();
        if !high_need.iter().any(|h| *h)
            && let Some(t) = top
        {
            high_need[t] = true;
        }
        let level_ids: HashMap<&str, usize> = a
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i))
            .collect();
        let needed: Vec<Vec<usize>> = a
            .cohorts
            .iter()
            .map(|c| {
                if c.levels.is_empty() {
                    (0..levels).collect()
                } else {
                    let mut v: Vec<usize> = c
                        .levels
                        .iter()
                        .filter_map(|l| level_ids.get(l.as_str()).copied())
                        .collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                }
            })
            .collect();
        let mut cells = vec![vec![Vec::new(); levels]; a.cohorts.len()];
        for (c, row) in cells.iter_mut().enumerate() {
            for s in g.eligible[c].ones() {
                for &l in &g.service_levels[s] {
                    row[l].push(s);
                }
            }
        }
        let reachable = (0..a.cohorts.len()).map(|c| g.reachable(c)).collect();
        let serves = (0..a.cohorts.len())
            .map(|c| {
                let mut set = FixedBitSet::with_capacity(a.services.len());
                for s in g.eligible[c].ones() {
                    if g.service_levels[s].iter().any(|l| needed[c].contains(l)) {
                        set.insert(s);
                    }
                }
                set
            })
            .collect();
        let accommodation = (0..a.cohorts.len())
            .map(|c| {
                g.eligible[c]
                    .ones()
                    .filter(|&s| a.services[s].kind == ServiceKind::Accommodation)
                    .collect()
            })
            .collect();
        Context {
            g,
            a,
            high_need,
            step_down,
            top,
            needed,
            cells,
            reachable,
            serves,
            accommodation,
        }
    }

    pub fn coverage_matrix(&self) -> Coverage {
        let a = self.a;
        let mut cells = BTreeMap::new();
        for (c, cohort) in a.cohorts.iter().enumerate() {
            let row: BTreeMap<String, Vec<String>> = a
                .levels
                .iter()
                .enumerate()
                .map(|(l, level)| (level.id.clone(), self.service_ids(&self.cells[c][l])))
                .collect();
            cells.insert(cohort.id.clone(), row);
        }
        Coverage {
            levels: a.levels.iter().map(|l| l.id.clone()).collect(),
            cohorts: a.cohorts.iter().map(|c| c.id.clone()).collect(),
            cells,
        }
    }

    fn service_ids(&self, services: &[usize]) -> Vec<String> {
        services
            .iter()
            .map(|&s| self.a.services[s].id.clone())
            .collect()
    }

    fn names(&self, services: &[usize]) -> String {
        list(services.iter().map(|&s| self.a.services[s].name.as_str()))
    }

    fn cohort(&self, c: usize) -> &'a Cohort {
        &self.a.cohorts[c]
    }

    fn level_name(&self, l: usize) -> String {
        in_sentence(&self.a.levels[l].name)
    }

    /// The common severity scale: priority cohort and high-need level.
    fn severity(&self, c: usize, l: usize) -> GapSeverity {
        match (self.cohort(c).priority, self.high_need[l]) {
            (true, true) => GapSeverity::High,
            (true, false) | (false, true) => GapSeverity::Medium,
            (false, false) => GapSeverity::Low,
        }
    }

    /// Is `l` a level where most services are accommodation? Gaps there
    /// belong to the safe accommodation theme.
    fn accommodation_level(&self, l: usize) -> bool {
        let at: Vec<&crate::model::Service> = self
            .a
            .services
            .iter()
            .enumerate()
            .filter(|(s, _)| self.g.at_level(*s, l))
            .map(|(_, s)| s)
            .collect();
        !at.is_empty()
            && at
                .iter()
                .filter(|s| s.kind == ServiceKind::Accommodation)
                .count()
                * 2
                >= at.len()
    }
}

/// A name as it reads mid-sentence: "Women victims" → "women victims", but
/// "LGBT+ survivors", "Black and minoritised women" and "High risk (MARAC)"
/// keep what must stay capitalised.
pub fn in_sentence(name: &str) -> String {
    const PROPER: &[&str] = &[
        "Black",
        "Asian",
        "Deaf",
        "Gypsy",
        "Roma",
        "Traveller",
        "Muslim",
        "Jewish",
        "Sikh",
        "Hindu",
        "English",
        "Welsh",
        "British",
        "Northmoor",
    ];
    let first = name.split_whitespace().next().unwrap_or("");
    let mut chars = first.chars();
    let ordinary = chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase());
    if !ordinary || PROPER.contains(&first) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_lowercase());
    }
    out.extend(chars);
    out
}

/// First letter upper-case, for the start of a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `a, b and c`.
fn list<'x>(items: impl IntoIterator<Item = &'x str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn gap(
    id: String,
    kind: GapKind,
    severity: GapSeverity,
    evidence: String,
    theme: ActionTheme,
    text: String,
) -> Gap {
    Gap {
        id,
        kind,
        severity,
        cohort: None,
        cohorts: Vec::new(),
        need: None,
        level: None,
        services: Vec::new(),
        entry_points: Vec::new(),
        localities: Vec::new(),
        journeys: Vec::new(),
        evidence,
        recommendation: Recommendation { theme, text },
    }
}

fn for_cohort(mut g: Gap, cohort: &Cohort, level: Option<&str>) -> Gap {
    g.cohort = Some(cohort.id.clone());
    g.cohorts = vec![cohort.id.clone()];
    g.level = level.map(str::to_owned);
    g
}

/// No eligible service at a level the cohort needs.
pub fn no_provision(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    for (c, cohort) in a.cohorts.iter().enumerate() {
        for &l in &ctx.needed[c] {
            if !ctx.cells[c][l].is_empty() {
                continue;
            }
            let level = &a.levels[l];
            let at_level = (0..a.services.len())
                .filter(|&s| ctx.g.at_level(s, l))
                .count();
            let listing: Vec<usize> = (0..a.services.len())
                .filter(|&s| ctx.g.at_level(s, l) && a.services[s].cohorts.contains(&cohort.id))
                .collect();
            let mut evidence = if at_level == 0 {
                format!(
                    "No service works at {} at all, so none serves {}",
                    ctx.level_name(l),
                    in_sentence(&cohort.name)
                )
            } else if at_level == 1 {
                let only: Vec<usize> = (0..a.services.len())
                    .filter(|&s| ctx.g.at_level(s, l))
                    .collect();
                format!(
                    "The only service at {}, {}, does not list {} among those it serves",
                    ctx.level_name(l),
                    ctx.names(&only),
                    in_sentence(&cohort.name)
                )
            } else {
                format!(
                    "None of the {} at {} lists {} among those it serves",
                    plural(at_level, "service", "services"),
                    ctx.level_name(l),
                    in_sentence(&cohort.name)
                )
            };
            if !listing.is_empty() {
                evidence.push_str(&format!(
                    " ({} {} them but {} out by exclusions, age or role)",
                    ctx.names(&listing),
                    if listing.len() == 1 { "lists" } else { "list" },
                    if listing.len() == 1 {
                        "rules them"
                    } else {
                        "rule them"
                    }
                ));
            }
            evidence.push('.');
            let (theme, text) = if ctx.accommodation_level(l) && cohort.role != Role::Perpetrator {
                (
                    ActionTheme::SafeAccommodation,
                    format!(
                        "Commission safe accommodation at {} for {}",
                        ctx.level_name(l),
                        in_sentence(&cohort.name)
                    ),
                )
            } else {
                (
                    ActionTheme::Commissioning,
                    format!(
                        "Commission, or adapt existing, {} provision so it serves {}",
                        ctx.level_name(l),
                        in_sentence(&cohort.name)
                    ),
                )
            };
            let id = format!("no-provision/{}/{}", cohort.id, level.id);
            gaps.push(for_cohort(
                gap(
                    id,
                    GapKind::NoProvision,
                    ctx.severity(c, l),
                    evidence,
                    theme,
                    text,
                ),
                cohort,
                Some(&level.id),
            ));
        }
    }
}

/// Safe accommodation as a whole (no types listed), then by type.
/// (id part, words for one service, types).
const ACCOMMODATION_SCOPES: &[(&str, &str, &[AccommodationType])] = &[
    ("accommodation", "safe accommodation service", &[]),
    (
        "refuge",
        "refuge",
        &[
            AccommodationType::Refuge,
            AccommodationType::SpecialistRefuge,
        ],
    ),
    (
        "dispersed",
        "dispersed accommodation service",
        &[AccommodationType::Dispersed],
    ),
    (
        "sanctuary",
        "sanctuary scheme",
        &[AccommodationType::Sanctuary],
    ),
    (
        "move-on",
        "move-on or second-stage service",
        &[AccommodationType::SecondStage, AccommodationType::MoveOn],
    ),
];

/// One exclusion found: groups whose provision in one scope (a kind of
/// safe accommodation, or a level) all excludes one need.
struct Excluded {
    groups: Vec<usize>,
    need: usize,
    /// `refuge`, `dispersed`... or a level id.
    scope: String,
    /// "refuge", or "service at high risk".
    words: String,
    level: Option<usize>,
    services: Vec<usize>,
    /// Accommodation still open to people with the need.
    remaining: Vec<usize>,
}

/// A group has provision, but every service of it excludes a co-occurring
/// need of the same role: across a kind of safe accommodation ("every refuge
/// serving women excludes women who use substances"), or at a level. Groups
/// barred from the very same services are reported together.
pub fn exclusion(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    let mut found: Vec<Excluded> = Vec::new();
    let mut record = |e: Excluded| match found
        .iter_mut()
        .find(|f| f.need == e.need && f.scope == e.scope && f.services == e.services)
    {
        Some(same) => {
            same.groups.extend(e.groups);
            same.remaining.retain(|s| e.remaining.contains(s));
        }
        None => found.push(e),
    };
    let needs: Vec<usize> = (0..a.cohorts.len())
        .filter(|&n| a.cohorts[n].kind == CohortKind::Need)
        .collect();
    for (g, group) in a
        .cohorts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == CohortKind::Group)
    {
        for &n in needs.iter().filter(|&&n| a.cohorts[n].role == group.role) {
            let need = &a.cohorts[n];
            let excludes = |s: usize| a.services[s].excludes.contains(&need.id);
            let accommodation = &ctx.accommodation[g];
            let mut covered: BTreeSet<usize> = BTreeSet::new();
            for (scope, words, types) in ACCOMMODATION_SCOPES {
                let of_type: Vec<usize> = accommodation
                    .iter()
                    .copied()
                    .filter(|&s| {
                        types.is_empty()
                            || a.services[s]
                                .accommodation
                                .as_ref()
                                .is_some_and(|x| types.contains(&x.kind))
                    })
                    .collect();
                if of_type.is_empty()
                    || !of_type.iter().all(|&s| excludes(s))
                    || of_type.iter().all(|s| covered.contains(s))
                {
                    continue;
                }
                covered.extend(&of_type);
                let remaining = accommodation
                    .iter()
                    .copied()
                    .filter(|&s| !excludes(s))
                    .collect();
                record(Excluded {
                    groups: vec![g],
                    need: n,
                    scope: (*scope).to_owned(),
                    words: (*words).to_owned(),
                    level: None,
                    services: of_type,
                    remaining,
                });
            }
            for &l in ctx.needed[g].iter().filter(|l| ctx.needed[n].contains(l)) {
                let cell = &ctx.cells[g][l];
                if cell.is_empty()
                    || !cell.iter().all(|&s| excludes(s))
                    || cell.iter().all(|s| covered.contains(s))
                {
                    continue; // no exclusion, or the accommodation gap already says it
                }
                record(Excluded {
                    groups: vec![g],
                    need: n,
                    scope: a.levels[l].id.clone(),
                    words: format!("service at {}", ctx.level_name(l)),
                    level: Some(l),
                    services: cell.clone(),
                    remaining: Vec::new(),
                });
            }
        }
    }
    for e in found {
        gaps.push(exclusion_gap(ctx, &e));
    }
}

fn exclusion_gap(ctx: &Context, e: &Excluded) -> Gap {
    let a = ctx.a;
    let need = &a.cohorts[e.need];
    let names: Vec<String> = e
        .groups
        .iter()
        .map(|&g| in_sentence(&a.cohorts[g].name))
        .collect();
    let groups = list(names.iter().map(String::as_str));
    let mut evidence = format!(
        "Every {} serving {groups} ({}: {}) excludes {}",
        e.words,
        plural(e.services.len(), "service", "services"),
        ctx.names(&e.services),
        in_sentence(&need.name)
    );
    match (e.level, e.remaining.is_empty()) {
        (Some(_), _) => evidence.push('.'),
        (None, true) => evidence.push_str("; no safe accommodation is left open to them."),
        (None, false) => evidence.push_str(&format!(
            "; what remains open to them is {}.",
            ctx.names(&e.remaining)
        )),
    }
    let (theme, text, severity) = match e.level {
        None => (
            ActionTheme::SafeAccommodation,
            format!(
                "Commission {} places for {groups} that do not exclude {}: specialist places, or in-reach support so existing services can lift the exclusion",
                e.words,
                in_sentence(&need.name)
            ),
            if e.scope == "accommodation" || e.scope == "refuge" {
                GapSeverity::High
            } else {
                GapSeverity::Medium
            },
        ),
        Some(l) => (
            ActionTheme::Commissioning,
            format!(
                "Make {} provision for {groups} open to {}",
                ctx.level_name(l),
                in_sentence(&need.name)
            ),
            if ctx.high_need[l] {
                GapSeverity::High
            } else {
                GapSeverity::Medium
            },
        ),
    };
    let first = &a.cohorts[e.groups[0]];
    let mut gp = gap(
        format!("exclusion/{}/{}/{}", first.id, need.id, e.scope),
        GapKind::Exclusion,
        severity,
        evidence,
        theme,
        text,
    );
    gp.cohort = (e.groups.len() == 1).then(|| first.id.clone());
    gp.cohorts = e
        .groups
        .iter()
        .map(|&g| a.cohorts[g].id.clone())
        .chain([need.id.clone()])
        .collect();
    gp.need = Some(need.id.clone());
    gp.level = e.level.map(|l| a.levels[l].id.clone());
    gp.services = ctx.service_ids(&e.services);
    gp
}

/// Eligible provision exists at a level, but no referral route from any
/// entry point reaches it for the cohort.
pub fn unreachable(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    for (c, cohort) in a.cohorts.iter().enumerate() {
        for &l in &ctx.needed[c] {
            let cell = &ctx.cells[c][l];
            if cell.is_empty() || cell.iter().any(|&s| ctx.reachable[c].contains(s)) {
                continue;
            }
            let level = &a.levels[l];
            let referrers: BTreeSet<&str> = cell
                .iter()
                .flat_map(|&s| a.services[s].accepts_from.iter().map(String::as_str))
                .collect();
            let why = if referrers.is_empty() {
                "they accept no referrals and no service refers to them".to_owned()
            } else {
                format!(
                    "they take referrals only from {}, which {} cannot reach or use",
                    list(referrers.iter().copied()),
                    in_sentence(&cohort.name)
                )
            };
            let evidence = format!(
                "{} at {} {} {} ({}), but no referral route from an entry point leads there: {}.",
                plural(cell.len(), "service", "services"),
                ctx.level_name(l),
                if cell.len() == 1 { "serves" } else { "serve" },
                in_sentence(&cohort.name),
                ctx.names(cell),
                why
            );
            let text = format!(
                "Agree a referral route into {} provision for {} and publish it to referrers",
                ctx.level_name(l),
                in_sentence(&cohort.name)
            );
            let mut gp = for_cohort(
                gap(
                    format!("unreachable/{}/{}", cohort.id, level.id),
                    GapKind::Unreachable,
                    ctx.severity(c, l),
                    evidence,
                    ActionTheme::Governance,
                    text,
                ),
                cohort,
                Some(&level.id),
            );
            gp.services = ctx.service_ids(cell);
            gaps.push(gp);
        }
    }
}

/// One service whose loss cuts a cohort off from a level: a service every
/// route passes through (a dominator of all reachable provision, from the
/// virtual root over the entry points), or the only provider at a
/// high-need level. One gap per service and level, naming every cohort.
pub fn single_point_of_failure(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    // (service, level) → (through: bool, cohorts)
    let mut found: BTreeMap<(usize, usize), (bool, Vec<usize>)> = BTreeMap::new();
    for c in 0..a.cohorts.len() {
        let view = ctx.g.view(c);
        let doms = dominators::simple_fast(&view, ctx.g.root);
        for &l in &ctx.needed[c] {
            let targets: Vec<usize> = ctx.cells[c][l]
                .iter()
                .copied()
                .filter(|&s| ctx.reachable[c].contains(s))
                .collect();
            if targets.is_empty() {
                continue;
            }
            let mut count: HashMap<NodeIndex, usize> = HashMap::new();
            for &t in &targets {
                let node = ctx.g.service_nodes[t];
                if let Some(strict) = doms.strict_dominators(node) {
                    for d in strict {
                        *count.entry(d).or_default() += 1;
                    }
                }
            }
            for (d, n) in count {
                if n == targets.len()
                    && let NodeRef::Service(s) = ctx.g.graph[d]
                {
                    found.entry((s, l)).or_insert((true, Vec::new())).1.push(c);
                }
            }
            if targets.len() == 1 && ctx.high_need[l] {
                let entry = found.entry((targets[0], l)).or_insert((false, Vec::new()));
                if !entry.0 {
                    entry.1.push(c);
                }
            }
        }
    }
    for ((s, l), (through, cohorts)) in found {
        let service = &a.services[s];
        let level = &a.levels[l];
        let each: Vec<String> = cohorts
            .iter()
            .map(|&c| in_sentence(&a.cohorts[c].name))
            .collect();
        let names = list(each.iter().map(String::as_str));
        let evidence = if through {
            format!(
                "Every referral route to {} provision for {} passes through {}: if it stops, they are cut off from that level.",
                ctx.level_name(l),
                names,
                service.name
            )
        } else {
            format!(
                "{} is the only {} provision open to {}: if it stops, none is left.",
                service.name,
                ctx.level_name(l),
                names
            )
        };
        let severity = match (
            through,
            ctx.high_need[l],
            cohorts.iter().any(|&c| a.cohorts[c].priority),
        ) {
            (true, true, true) => GapSeverity::High,
            (_, true, _) => GapSeverity::Medium,
            _ => GapSeverity::Low,
        };
        let text = if through {
            format!(
                "Open a second route into {} provision that does not depend on {}",
                ctx.level_name(l),
                service.name
            )
        } else {
            format!(
                "Secure {} and commission a second {} provider for {}",
                service.name,
                ctx.level_name(l),
                names
            )
        };
        let mut gp = gap(
            format!("single-point-of-failure/{}/{}", service.id, level.id),
            GapKind::SinglePointOfFailure,
            severity,
            evidence,
            ActionTheme::Commissioning,
            text,
        );
        if cohorts.len() == 1 {
            gp.cohort = Some(a.cohorts[cohorts[0]].id.clone());
        }
        gp.cohorts = cohorts.iter().map(|&c| a.cohorts[c].id.clone()).collect();
        gp.level = Some(level.id.clone());
        gp.services = vec![service.id.clone()];
        gaps.push(gp);
    }
}

/// A service below the top level that refers nowhere: no step-up, no
/// step-down, no move-on.
pub fn dead_end(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    let Some(top) = ctx.top else { return };
    for (s, service) in a.services.iter().enumerate() {
        let levels = &ctx.g.service_levels[s];
        let ends_a_pathway =
            levels.is_empty() || levels.iter().any(|&l| l == top || ctx.step_down[l]);
        if ends_a_pathway {
            continue;
        }
        let node = ctx.g.service_nodes[s];
        if ctx.g.graph.neighbors(node).next().is_some() {
            continue;
        }
        let highest = levels.iter().copied().max().unwrap_or(0);
        let priority = a
            .cohorts
            .iter()
            .enumerate()
            .any(|(c, x)| x.priority && ctx.g.eligible[c].contains(s));
        let evidence = format!(
            "{} works at {} (below {}) but records no onward referral: no step-up, step-down or move-on route.",
            service.name,
            list(levels.iter().map(|&l| a.levels[l].name.as_str())),
            ctx.level_name(top)
        );
        let text = format!(
            "Agree step-up and step-down routes from {} (for example to {} provision) and record them",
            service.name,
            ctx.level_name((highest + 1).min(top))
        );
        let mut gp = gap(
            format!("dead-end/{}", service.id),
            GapKind::DeadEnd,
            if priority {
                GapSeverity::Medium
            } else {
                GapSeverity::Low
            },
            evidence,
            ActionTheme::Governance,
            text,
        );
        gp.cohorts = a
            .cohorts
            .iter()
            .enumerate()
            .filter(|(c, _)| ctx.g.eligible[*c].contains(s))
            .map(|(_, x)| x.id.clone())
            .collect();
        gp.services = vec![service.id.clone()];
        gaps.push(gp);
    }
}

/// Estimated annual need of a cohort: its population group × prevalence, or
/// the analyst's demand estimate. With the words saying how.
fn estimated_need(a: &Assessment, cohort: &Cohort) -> Option<(f64, String)> {
    if let (Some(p), Some(group)) = (cohort.prevalence, &cohort.population) {
        let count = *a.population.as_ref()?.groups.get(group)?;
        let source = cohort.prevalence_source.as_deref().unwrap_or("no source");
        return Some((
            count as f64 * p,
            format!("{} × {} ({source})", number(count as f64), rate(p)),
        ));
    }
    cohort
        .demand
        .as_ref()
        .map(|d| (d.per_year, format!("demand estimate ({})", d.source)))
}

/// Summed yearly capacity of the services eligible for each group cohort at
/// the levels it needs, a service's capacity shared between the group
/// cohorts it serves in proportion to their estimated need; for a need
/// cohort, the capacity of services that name it. Against estimated need.
pub fn capacity(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    let need: Vec<Option<(f64, String)>> = a.cohorts.iter().map(|c| estimated_need(a, c)).collect();
    // Summed need of the group cohorts each service serves: its capacity is
    // shared between them in proportion to their need.
    let mut sharing = vec![0.0; a.services.len()];
    for (c, cohort) in a.cohorts.iter().enumerate() {
        if let (CohortKind::Group, Some((n, _))) = (cohort.kind, &need[c]) {
            for s in ctx.serves[c].ones() {
                sharing[s] += n;
            }
        }
    }
    for (c, cohort) in a.cohorts.iter().enumerate() {
        let Some((estimate, basis)) = &need[c] else {
            continue;
        };
        if *estimate <= 0.0 {
            continue;
        }
        let mut supply = 0.0;
        let mut counted = Vec::new();
        let mut unknown = Vec::new();
        for s in ctx.serves[c].ones() {
            let service = &a.services[s];
            if cohort.kind == CohortKind::Need && !service.cohorts.contains(&cohort.id) {
                continue;
            }
            let Some(per_year) = service.capacity.as_ref().and_then(|x| x.per_year) else {
                unknown.push(s);
                continue;
            };
            let share = match cohort.kind {
                CohortKind::Group if sharing[s] > 0.0 => estimate / sharing[s],
                _ => 1.0,
            };
            supply += per_year * share.min(1.0);
            counted.push(s);
        }
        let ratio = supply / estimate;
        if ratio >= 1.0 {
            continue;
        }
        let severity = if ratio < 0.05 {
            GapSeverity::High
        } else if ratio < 0.20 {
            GapSeverity::Medium
        } else {
            GapSeverity::Low
        };
        let mut evidence = format!(
            "Services open to {} can take about {} a year against an estimated {} in need ({}): {} coverage",
            in_sentence(&cohort.name),
            number(supply),
            number(*estimate),
            basis,
            percent(ratio)
        );
        if !unknown.is_empty() {
            let verb = if unknown.len() == 1 {
                "records"
            } else {
                "record"
            };
            evidence.push_str(&format!(
                "; {} {verb} no capacity",
                plural(unknown.len(), "service", "services")
            ));
        }
        evidence.push('.');
        let text = format!(
            "Grow capacity for {} towards the estimated need, starting with the levels where it is thinnest",
            in_sentence(&cohort.name)
        );
        let mut gp = for_cohort(
            gap(
                format!("capacity/{}", cohort.id),
                GapKind::Capacity,
                severity,
                evidence,
                ActionTheme::Commissioning,
                text,
            ),
            cohort,
            None,
        );
        gp.services = ctx.service_ids(&counted);
        gaps.push(gp);
    }
}

/// Refuge family places against the Council of Europe benchmark of one per
/// 10,000 people.
pub fn refuge_benchmark(ctx: &Context, summary: &AccommodationSummary, gaps: &mut Vec<Gap>) {
    let (Some(total), Some(benchmark)) = (summary.total_population, summary.benchmark_places)
    else {
        return;
    };
    if benchmark <= 0.0 {
        return;
    }
    let places = summary.refuge_family_places as f64;
    let ratio = places / benchmark;
    if ratio >= 1.0 {
        return;
    }
    let evidence = format!(
        "{} refuge family places ({} bedspaces) against the Council of Europe benchmark of {} (one per 10,000 of {} people): {} of the benchmark.",
        number(places),
        number(summary.refuge_bedspaces as f64),
        number(benchmark),
        number(total as f64),
        percent(ratio)
    );
    let severity = if ratio < 0.5 {
        GapSeverity::High
    } else {
        GapSeverity::Medium
    };
    let text = format!(
        "Commission about {} more refuge family places, including specialist places for those now excluded",
        number(benchmark - places)
    );
    let mut gp = gap(
        "capacity/refuge-places".into(),
        GapKind::Capacity,
        severity,
        evidence,
        ActionTheme::SafeAccommodation,
        text,
    );
    let refuge_services: Vec<String> = ["refuge", "specialist-refuge"]
        .iter()
        .filter_map(|t| summary.by_type.get(*t))
        .flat_map(|line| line.services.iter().cloned())
        .collect();
    gp.services = refuge_services;
    let refuges: BTreeSet<&str> = gp.services.iter().map(String::as_str).collect();
    gp.cohorts = ctx
        .a
        .cohorts
        .iter()
        .enumerate()
        .filter(|(c, _)| {
            ctx.accommodation[*c]
                .iter()
                .any(|&s| refuges.contains(ctx.a.services[s].id.as_str()))
        })
        .map(|(_, x)| x.id.clone())
        .collect();
    gaps.push(gp);
}

/// Funding that ends before the assessment period does, or runs under two
/// years: the money at risk, and which cohorts lose all provision at a
/// level if the service stops.
pub fn funding_cliff(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    let period = a.info.period;
    for (s, service) in a.services.iter().enumerate() {
        let mut at_risk = Vec::new();
        let mut short = false;
        for f in &service.funding {
            let ends_early = f.ends.is_some_and(|e| e < period.end && e >= period.start);
            let short_term =
                matches!((f.starts, f.ends), (Some(st), Some(e)) if st.days_until(e) < 730);
            if ends_early || short_term {
                short |= short_term;
                at_risk.push(f);
            }
        }
        if at_risk.is_empty() {
            continue;
        }
        let yearly: f64 = at_risk.iter().map(|f| annual_amount(f, a)).sum();
        let total: f64 = service.funding.iter().map(|f| annual_amount(f, a)).sum();
        let first_end = at_risk.iter().filter_map(|f| f.ends).min();
        // Cells where this service is the only eligible provider.
        let mut losing: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for c in 0..a.cohorts.len() {
            for &l in &ctx.needed[c] {
                if ctx.cells[c][l] == [s] {
                    losing.entry(c).or_default().push(l);
                }
            }
        }
        // Cohorts for whom this is the only safe accommodation.
        let only_accommodation: Vec<usize> = (0..a.cohorts.len())
            .filter(|&c| ctx.accommodation[c] == [s])
            .collect();
        let streams = list(
            at_risk
                .iter()
                .map(|f| f.source.as_str())
                .collect::<BTreeSet<_>>(),
        );
        let mut evidence = format!("{} a year ({streams}) for {}", money(yearly), service.name);
        if let Some(end) = first_end {
            let months = (end.days_until(period.end) as f64 / 30.44).round() as i64;
            if end < period.end {
                evidence.push_str(&format!(
                    " ends {end}, {} before the period ends ({})",
                    plural(months.max(0) as usize, "month", "months"),
                    period.end
                ));
            } else {
                evidence.push_str(&format!(" ends {end}"));
            }
        }
        if short {
            evidence.push_str(", on a grant of under two years");
        }
        if yearly < total {
            evidence.push_str(&format!(
                "; {} a year from other sources continues",
                money(total - yearly)
            ));
        }
        if !only_accommodation.is_empty() {
            evidence.push_str(&format!(
                "; it is the only safe accommodation open to {}",
                in_sentence(&list(
                    only_accommodation
                        .iter()
                        .map(|&c| a.cohorts[c].name.as_str())
                ))
            ));
        }
        if losing.is_empty() {
            evidence.push_str(if only_accommodation.is_empty() {
                "; other services cover the same cohorts and levels."
            } else {
                "."
            });
        } else {
            let parts: Vec<String> = losing
                .iter()
                .map(|(&c, ls)| {
                    format!(
                        "{} at {}",
                        in_sentence(&a.cohorts[c].name),
                        in_sentence(&list(ls.iter().map(|&l| a.levels[l].name.as_str())))
                    )
                })
                .collect();
            evidence.push_str(&format!(
                "; if it stops, {} lose all provision.",
                parts.join("; ")
            ));
        }
        let loses_priority_high = losing
            .iter()
            .any(|(&c, ls)| a.cohorts[c].priority && ls.iter().any(|&l| ctx.high_need[l]));
        let loses_priority_accommodation =
            only_accommodation.iter().any(|&c| a.cohorts[c].priority);
        let severity = if loses_priority_high || loses_priority_accommodation {
            GapSeverity::High
        } else if !losing.is_empty() || !only_accommodation.is_empty() || short {
            GapSeverity::Medium
        } else {
            GapSeverity::Low
        };
        let text = format!(
            "Secure funding for {} to the end of the strategy period ({})",
            service.name, period.end
        );
        let mut gp = gap(
            format!("funding-cliff/{}", service.id),
            GapKind::FundingCliff,
            severity,
            evidence,
            ActionTheme::Commissioning,
            text,
        );
        let affected: BTreeSet<usize> = losing
            .keys()
            .copied()
            .chain(only_accommodation.iter().copied())
            .collect();
        gp.cohorts = affected.iter().map(|&c| a.cohorts[c].id.clone()).collect();
        if gp.cohorts.len() == 1 {
            gp.cohort = Some(gp.cohorts[0].clone());
        }
        gp.services = vec![service.id.clone()];
        gaps.push(gp);
    }
}

/// A cohort × level covered in some localities but not others.
pub fn locality(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    let all = &a.info.localities;
    if all.len() < 2 {
        return;
    }
    for (c, cohort) in a.cohorts.iter().enumerate() {
        for &l in &ctx.needed[c] {
            let cell = &ctx.cells[c][l];
            if cell.is_empty() || cell.iter().any(|&s| a.services[s].localities.is_empty()) {
                continue;
            }
            let covered: BTreeSet<&str> = cell
                .iter()
                .flat_map(|&s| a.services[s].localities.iter().map(String::as_str))
                .collect();
            let missing: Vec<&str> = all
                .iter()
                .map(String::as_str)
                .filter(|x| !covered.contains(x))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let level = &a.levels[l];
            let evidence = format!(
                "{} provision for {} is only in {} ({}); there is none in {}.",
                capitalised(&ctx.level_name(l)),
                in_sentence(&cohort.name),
                list(covered.iter().copied()),
                ctx.names(cell),
                list(missing.iter().copied())
            );
            let text = format!(
                "Extend {} provision for {} to {}, or fund travel and outreach from the nearest service",
                ctx.level_name(l),
                in_sentence(&cohort.name),
                list(missing.iter().copied())
            );
            let mut gp = for_cohort(
                gap(
                    format!("locality/{}/{}", cohort.id, level.id),
                    GapKind::Locality,
                    ctx.severity(c, l),
                    evidence,
                    ActionTheme::Commissioning,
                    text,
                ),
                cohort,
                Some(&level.id),
            );
            gp.services = ctx.service_ids(cell);
            gp.localities = missing.iter().map(|x| (*x).to_owned()).collect();
            gaps.push(gp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_mid_sentence() {
        assert_eq!(
            in_sentence("Women victims and survivors"),
            "women victims and survivors"
        );
        assert_eq!(in_sentence("LGBT+ survivors"), "LGBT+ survivors");
        assert_eq!(
            in_sentence("Black and minoritised women"),
            "Black and minoritised women"
        );
        assert_eq!(
            in_sentence("High risk (MARAC threshold)"),
            "high risk (MARAC threshold)"
        );
        assert_eq!(list(["a", "b", "c"]), "a, b and c");
    }
}
