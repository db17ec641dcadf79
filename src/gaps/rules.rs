//! The gap rules, one function per kind. Each pushes the gaps it finds; the
//! severity rules are those of `super::RULES`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use fixedbitset::FixedBitSet;
use petgraph::algo::dominators;
use petgraph::graph::NodeIndex;

use super::figures::{AccommodationSummary, money, number, percent, plural, rate, yearly_funding};
use super::unknowns::{self, DataGap, DataTopic};
use super::{CapacityBasis, Coverage, Gap, GapKind, GapSeverity, Recommendation};
use crate::graph::{NodeRef, PathwayGraph};
use crate::model::{
    AccommodationType, ActionTheme, Assessment, Cohort, CohortKind, Role, ServiceData, ServiceKind,
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
        let accommodation_levels: Vec<bool> =
            (0..levels).map(|l| accommodation_level(g, l)).collect();
        let needed: Vec<Vec<usize>> = a
            .cohorts
            .iter()
            .map(|c| {
                if c.levels.is_empty() {
                    (0..levels)
                        .filter(|&l| {
                            role_needs_level(&a.levels[l], c.role, accommodation_levels[l])
                        })
                        .collect()
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

    /// Cohorts other than perpetrators that no safe accommodation is open to.
    pub fn cohorts_without_accommodation(&self) -> Vec<String> {
        self.a
            .cohorts
            .iter()
            .enumerate()
            .filter(|(c, x)| x.role != Role::Perpetrator && self.accommodation[*c].is_empty())
            .map(|(_, x)| x.id.clone())
            .collect()
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

    /// The level mid-sentence: its short name when given.
    fn level_name(&self, l: usize) -> String {
        let level = &self.a.levels[l];
        match &level.short_name {
            Some(short) => short.clone(),
            None => in_sentence(&level.name),
        }
    }

    /// The most severe of the cohorts' gaps at a level.
    fn worst_severity(&self, cohorts: &[usize], l: usize) -> GapSeverity {
        cohorts
            .iter()
            .map(|&c| self.severity(c, l))
            .min()
            .unwrap_or(GapSeverity::Low)
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
        accommodation_level(self.g, l)
    }
}

/// Is `l` a level where most services are accommodation?
fn accommodation_level(g: &PathwayGraph, l: usize) -> bool {
    let at: Vec<&crate::model::Service> =
        g.a.services
            .iter()
            .enumerate()
            .filter(|(s, _)| g.at_level(*s, l))
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

/// Does a role need provision at a level, when its cohort does not say?
/// The level's `roles` when given; otherwise every role, except that
/// perpetrators are not expected in safe accommodation (refuge is for
/// victims) or at step-down stages of a victim's recovery.
fn role_needs_level(level: &crate::model::Level, role: Role, accommodation: bool) -> bool {
    if !level.roles.is_empty() {
        return level.roles.contains(&role);
    }
    role != Role::Perpetrator || !(accommodation || level.step_down)
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
pub(super) fn list<'x>(items: impl IntoIterator<Item = &'x str>) -> String {
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
        levels: Vec::new(),
        services: Vec::new(),
        entry_points: Vec::new(),
        localities: Vec::new(),
        journeys: Vec::new(),
        basis: None,
        corroboration: Vec::new(),
        evidence,
        recommendation: Recommendation { theme, text },
    }
}

/// A gap about these cohorts at one level: `cohort` only when there is one.
fn at_level_for(g: &mut Gap, a: &Assessment, cohorts: &[usize], l: usize) {
    g.cohort = match cohorts {
        [one] => Some(a.cohorts[*one].id.clone()),
        _ => None,
    };
    g.cohorts = cohorts.iter().map(|&c| a.cohorts[c].id.clone()).collect();
    g.level = Some(a.levels[l].id.clone());
    g.levels = vec![a.levels[l].id.clone()];
}

fn for_cohort(mut g: Gap, cohort: &Cohort, level: Option<&str>) -> Gap {
    g.cohort = Some(cohort.id.clone());
    g.cohorts = vec![cohort.id.clone()];
    g.level = level.map(str::to_owned);
    g.levels = level.into_iter().map(str::to_owned).collect();
    g
}

/// No eligible service at a level the cohort needs. One cause, one gap: a
/// level no service works at is one gap naming every cohort that needs it;
/// a cohort with nothing at any level it needs is one gap naming the
/// levels; otherwise one gap per cohort and level.
pub fn no_provision(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    let at_level: Vec<Vec<usize>> = (0..a.levels.len())
        .map(|l| {
            (0..a.services.len())
                .filter(|&s| ctx.g.at_level(s, l))
                .collect()
        })
        .collect();
    // Levels nobody works at, with the cohorts that need them.
    let mut empty_levels: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for c in 0..a.cohorts.len() {
        for &l in &ctx.needed[c] {
            if at_level[l].is_empty() {
                empty_levels.entry(l).or_default().push(c);
            }
        }
    }
    for (&l, cohorts) in &empty_levels {
        gaps.push(empty_level_gap(ctx, l, cohorts));
    }
    // (level, services there) → cohorts none of them serves.
    let mut cells: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for c in 0..a.cohorts.len() {
        let missing: Vec<usize> = ctx.needed[c]
            .iter()
            .copied()
            .filter(|&l| ctx.cells[c][l].is_empty() && !at_level[l].is_empty())
            .filter(|&l| !excluded_everywhere(ctx, c, &at_level[l]))
            .collect();
        let served_somewhere = ctx.needed[c].iter().any(|&l| !ctx.cells[c][l].is_empty());
        if missing.len() > 1 && !served_somewhere {
            gaps.push(unserved_cohort_gap(ctx, c, &missing));
            continue;
        }
        for &l in &missing {
            cells.entry(l).or_default().push(c);
        }
    }
    for (l, cohorts) in cells {
        gaps.push(empty_cell_gap(ctx, &cohorts, l, &at_level[l]));
    }
}

/// Is a need cohort shut out of a level only because every service there
/// that serves its groups excludes it? The exclusion gap says so; a
/// no-provision gap would say it twice.
fn excluded_everywhere(ctx: &Context, c: usize, at_level: &[usize]) -> bool {
    let a = ctx.a;
    let cohort = &a.cohorts[c];
    if cohort.kind != CohortKind::Need {
        return false;
    }
    let serving_groups: Vec<usize> = at_level
        .iter()
        .copied()
        .filter(|&s| {
            (0..a.cohorts.len()).any(|g| {
                a.cohorts[g].kind == CohortKind::Group
                    && a.cohorts[g].role == cohort.role
                    && ctx.g.eligible[g].contains(s)
            })
        })
        .collect();
    !serving_groups.is_empty()
        && serving_groups
            .iter()
            .all(|&s| a.services[s].excludes.contains(&cohort.id))
}

/// Who among `services` lists the cohort yet rules it out (exclusions,
/// age or role): ` (A lists them but rules them out by ...)`.
fn listed_but_ruled_out(ctx: &Context, c: usize, services: &[usize]) -> String {
    let a = ctx.a;
    let cohort = &a.cohorts[c];
    let listing: Vec<usize> = services
        .iter()
        .copied()
        .filter(|&s| a.services[s].cohorts.contains(&cohort.id))
        .collect();
    if listing.is_empty() {
        return String::new();
    }
    format!(
        " ({} {} them but {} out by exclusions, age or role)",
        ctx.names(&listing),
        if listing.len() == 1 { "lists" } else { "list" },
        if listing.len() == 1 {
            "rules them"
        } else {
            "rule them"
        }
    )
}

/// The recommendation for missing provision at a level.
fn commission(ctx: &Context, l: usize, who: &str, victims: bool) -> (ActionTheme, String) {
    if ctx.accommodation_level(l) && victims {
        (
            ActionTheme::SafeAccommodation,
            format!("Commission {} for {who}", ctx.level_name(l)),
        )
    } else {
        (
            ActionTheme::Commissioning,
            format!(
                "Commission, or adapt existing, {} provision so it serves {who}",
                ctx.level_name(l)
            ),
        )
    }
}

fn cohort_names(ctx: &Context, cohorts: &[usize]) -> String {
    let names: Vec<String> = cohorts
        .iter()
        .map(|&c| in_sentence(&ctx.a.cohorts[c].name))
        .collect();
    list(names.iter().map(String::as_str))
}

fn empty_level_gap(ctx: &Context, l: usize, cohorts: &[usize]) -> Gap {
    let a = ctx.a;
    let level = &a.levels[l];
    let names = cohort_names(ctx, cohorts);
    let evidence = format!(
        "No service works at {} at all, so none serves {names}.",
        ctx.level_name(l)
    );
    let text = if ctx.accommodation_level(l) {
        format!("Commission {} provision", ctx.level_name(l))
    } else {
        format!(
            "Commission {} provision for {names}, or record the services that work there",
            ctx.level_name(l)
        )
    };
    let severity = ctx.worst_severity(cohorts, l);
    let mut gp = gap(
        format!("no-provision/any/{}", level.id),
        GapKind::NoProvision,
        severity,
        evidence,
        ActionTheme::Commissioning,
        text,
    );
    at_level_for(&mut gp, a, cohorts, l);
    gp
}

fn unserved_cohort_gap(ctx: &Context, c: usize, levels: &[usize]) -> Gap {
    let a = ctx.a;
    let cohort = &a.cohorts[c];
    let all: Vec<usize> = levels
        .iter()
        .flat_map(|&l| (0..a.services.len()).filter(move |&s| ctx.g.at_level(s, l)))
        .collect::<BTreeSet<usize>>()
        .into_iter()
        .collect();
    let level_names: Vec<String> = levels.iter().map(|&l| ctx.level_name(l)).collect();
    let evidence = format!(
        "No service at any level {} needs ({}) serves them: none of the {} there lists them among those it serves{}.",
        in_sentence(&cohort.name),
        list(level_names.iter().map(String::as_str)),
        plural(all.len(), "service", "services"),
        listed_but_ruled_out(ctx, c, &all)
    );
    let text = format!(
        "Commission provision for {}, or open existing services to them, starting with {}",
        in_sentence(&cohort.name),
        ctx.level_name(
            *levels
                .iter()
                .rev()
                .find(|&&l| ctx.high_need[l])
                .unwrap_or(&levels[0])
        )
    );
    let severity = levels
        .iter()
        .map(|&l| ctx.severity(c, l))
        .min()
        .unwrap_or(GapSeverity::Low);
    let mut gp = for_cohort(
        gap(
            format!("no-provision/{}/any", cohort.id),
            GapKind::NoProvision,
            severity,
            evidence,
            ActionTheme::Commissioning,
            text,
        ),
        cohort,
        None,
    );
    gp.levels = levels.iter().map(|&l| a.levels[l].id.clone()).collect();
    gp
}

/// The services at a level serve none of these cohorts: one gap naming
/// them all (the same services, the same cause).
fn empty_cell_gap(ctx: &Context, cohorts: &[usize], l: usize, at_level: &[usize]) -> Gap {
    let a = ctx.a;
    let level = &a.levels[l];
    let who = cohort_names(ctx, cohorts);
    let mut evidence = match at_level {
        [_] => format!(
            "The only service at {}, {}, does not serve {who}",
            ctx.level_name(l),
            ctx.names(at_level),
        ),
        _ => format!(
            "None of the {} at {} serves {who}",
            plural(at_level.len(), "service", "services"),
            ctx.level_name(l),
        ),
    };
    let ruled_out: String = cohorts
        .iter()
        .map(|&c| listed_but_ruled_out(ctx, c, at_level))
        .find(|x| !x.is_empty())
        .unwrap_or_default();
    if cohorts.len() == 1 {
        evidence.push_str(&ruled_out);
    }
    evidence.push('.');
    let victims = cohorts
        .iter()
        .all(|&c| a.cohorts[c].role != Role::Perpetrator);
    let (theme, text) = commission(ctx, l, &who, victims);
    let severity = ctx.worst_severity(cohorts, l);
    let first = &a.cohorts[cohorts[0]];
    let mut gp = gap(
        format!("no-provision/{}/{}", first.id, level.id),
        GapKind::NoProvision,
        severity,
        evidence,
        theme,
        text,
    );
    at_level_for(&mut gp, a, cohorts, l);
    gp
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
                // A sanctuary scheme keeps people at home: it is not a
                // place to go instead of refuge.
                let remaining = accommodation
                    .iter()
                    .copied()
                    .filter(|&s| !excludes(s))
                    .filter(|&s| {
                        a.services[s]
                            .accommodation
                            .as_ref()
                            .is_none_or(|x| x.kind != AccommodationType::Sanctuary)
                    })
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

/// A group can use general services at a level where the assessment says
/// it needs specialist or by-and-for provision, but none is specialist for
/// it. One gap per cohort, naming every such level.
pub fn no_specialist(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    let level_ids: HashMap<&str, usize> = a
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i))
        .collect();
    for (c, cohort) in a.cohorts.iter().enumerate() {
        let lacking: Vec<usize> = cohort
            .specialist_levels
            .iter()
            .filter_map(|l| level_ids.get(l.as_str()).copied())
            .filter(|&l| {
                let cell = &ctx.cells[c][l];
                cell.iter().any(|&s| support_service(a, s))
                    && !cell
                        .iter()
                        .any(|&s| crate::graph::is_specialist(&a.services[s], cohort))
            })
            .collect();
        if lacking.is_empty() {
            continue;
        }
        let general: BTreeSet<usize> = lacking
            .iter()
            .flat_map(|&l| ctx.cells[c][l].iter().copied())
            .filter(|&s| support_service(a, s))
            .collect();
        let general: Vec<usize> = general.into_iter().collect();
        let names: Vec<String> = lacking.iter().map(|&l| ctx.level_name(l)).collect();
        let who = in_sentence(&cohort.name);
        let evidence = format!(
            "{} can use general services at {} ({}), but none gives specialist or by-and-for provision for them, which the assessment says they need there.",
            capitalised(&who),
            list(names.iter().map(String::as_str)),
            unknowns::some_names(general.iter().map(|&s| a.services[s].name.as_str()))
        );
        let text = format!(
            "Commission specialist or by-and-for provision for {who} at {}, or in-reach from a specialist service into existing ones",
            list(names.iter().map(String::as_str))
        );
        let severity = lacking
            .iter()
            .map(|&l| ctx.severity(c, l))
            .min()
            .unwrap_or(GapSeverity::Low);
        let accommodation = lacking.iter().all(|&l| ctx.accommodation_level(l));
        let theme = if accommodation {
            ActionTheme::SafeAccommodation
        } else {
            ActionTheme::Commissioning
        };
        let level = (lacking.len() == 1).then(|| a.levels[lacking[0]].id.as_str());
        let mut gp = for_cohort(
            gap(
                format!("no-specialist/{}", cohort.id),
                GapKind::NoSpecialist,
                severity,
                evidence,
                theme,
                text,
            ),
            cohort,
            level,
        );
        gp.levels = lacking.iter().map(|&l| a.levels[l].id.clone()).collect();
        gp.services = ctx.service_ids(&general);
        gaps.push(gp);
    }
}

/// Does the service give support itself (not a case conference or a
/// notification scheme, which pass people on)?
fn support_service(a: &Assessment, s: usize) -> bool {
    a.services[s].kind != ServiceKind::MultiAgency
}

/// Eligible provision exists at a level, but no referral route from any
/// entry point reaches it for the cohort. Cohorts cut off from the same
/// services at a level are one gap. Where the services record no route in
/// at all (nothing refers to them, they name no referrer), the routes are
/// not recorded rather than absent: one data gap.
pub fn unreachable(ctx: &Context, gaps: &mut Vec<Gap>, unknowns: &mut Vec<DataGap>) {
    let a = ctx.a;
    // (level, services) → cohorts cut off.
    let mut found: BTreeMap<(usize, Vec<usize>), Vec<usize>> = BTreeMap::new();
    let mut unrecorded: BTreeSet<usize> = BTreeSet::new();
    for c in 0..a.cohorts.len() {
        for &l in &ctx.needed[c] {
            let cell = &ctx.cells[c][l];
            if cell.is_empty() || cell.iter().any(|&s| ctx.reachable[c].contains(s)) {
                continue;
            }
            if cell.iter().all(|&s| !routes_in_recorded(ctx, s)) {
                unrecorded.extend(cell);
                continue;
            }
            found.entry((l, cell.clone())).or_default().push(c);
        }
    }
    for ((l, cell), cohorts) in found {
        gaps.push(unreachable_gap(ctx, l, &cell, &cohorts));
    }
    if !unrecorded.is_empty() {
        let services: Vec<usize> = unrecorded.into_iter().collect();
        let mut gap = DataGap::new(
            "referral-routes",
            DataTopic::ReferralRoutes,
            format!(
                "No referral route into {} is recorded (they name no referrer and no service refers to them), so whether people can reach {} cannot be judged.",
                unknowns::some_names(services.iter().map(|&s| a.services[s].name.as_str())),
                if services.len() == 1 { "it" } else { "them" }
            ),
            "who refers into each service (entry points and services), or survivors' journeys into it",
        );
        gap.services = ctx.service_ids(&services);
        unknowns.push(gap);
    }
}

/// The name of an entry point or service, by id.
fn node_name<'a>(a: &'a Assessment, id: &'a str) -> &'a str {
    a.entry_points
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.name.as_str())
        .or_else(|| {
            a.services
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.name.as_str())
        })
        .unwrap_or(id)
}

/// Does anything record a route into the service: referrers it names, or a
/// service or pathway leading to it?
fn routes_in_recorded(ctx: &Context, s: usize) -> bool {
    let node = ctx.g.service_nodes[s];
    !ctx.a.services[s].accepts_from.is_empty()
        || ctx
            .g
            .graph
            .neighbors_directed(node, petgraph::Direction::Incoming)
            .next()
            .is_some()
}

fn unreachable_gap(ctx: &Context, l: usize, cell: &[usize], cohorts: &[usize]) -> Gap {
    let a = ctx.a;
    let level = &a.levels[l];
    let who = cohort_names(ctx, cohorts);
    let referrers: BTreeSet<&str> = cell
        .iter()
        .flat_map(|&s| a.services[s].accepts_from.iter().map(String::as_str))
        .map(|id| node_name(a, id))
        .collect();
    let why = if referrers.is_empty() {
        "the services that refer to them do not take these cohorts on".to_owned()
    } else {
        format!(
            "they take referrals only from {}, which {who} cannot reach or use",
            list(referrers.iter().copied())
        )
    };
    let evidence = format!(
        "{} at {} {} {who} ({}), but no referral route from an entry point leads there: {why}.",
        plural(cell.len(), "service", "services"),
        ctx.level_name(l),
        if cell.len() == 1 { "serves" } else { "serve" },
        ctx.names(cell),
    );
    let text = format!(
        "Agree a referral route into {} provision for {who} and publish it to referrers",
        ctx.level_name(l),
    );
    let severity = ctx.worst_severity(cohorts, l);
    let first = &a.cohorts[cohorts[0]];
    let mut gp = gap(
        format!("unreachable/{}/{}", first.id, level.id),
        GapKind::Unreachable,
        severity,
        evidence,
        ActionTheme::Governance,
        text,
    );
    at_level_for(&mut gp, a, cohorts, l);
    gp.services = ctx.service_ids(cell);
    gp
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
            // A notification or case-conference process (multi-agency) is
            // not itself the provision a level needs.
            if targets.len() == 1
                && ctx.high_need[l]
                && a.services[targets[0]].kind != ServiceKind::MultiAgency
            {
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
/// step-down, no move-on. No onward route recorded is not proof that there
/// is none, so it is a gap only where a survivor's journey ended there
/// without support; otherwise the services are one data gap.
pub fn dead_end(ctx: &Context, gaps: &mut Vec<Gap>, unknowns: &mut Vec<DataGap>) {
    let a = ctx.a;
    let Some(top) = ctx.top else { return };
    let mut unrecorded = Vec::new();
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
        let stranded = journeys_ending_unsupported_at(a, &service.id);
        if stranded.is_empty() {
            unrecorded.push(s);
            continue;
        }
        let highest = levels.iter().copied().max().unwrap_or(0);
        let priority = a
            .cohorts
            .iter()
            .enumerate()
            .any(|(c, x)| x.priority && ctx.g.eligible[c].contains(s));
        let level_names: Vec<String> = levels.iter().map(|&l| ctx.level_name(l)).collect();
        let evidence = format!(
            "{} works at {} (below {}) and records no onward referral; {} ended there without support.",
            service.name,
            list(level_names.iter().map(String::as_str)),
            ctx.level_name(top),
            plural(stranded.len(), "survivor's journey", "survivors' journeys"),
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
        gp.levels = levels.iter().map(|&l| a.levels[l].id.clone()).collect();
        gp.services = vec![service.id.clone()];
        gp.journeys = stranded.clone();
        gp.corroboration = stranded.iter().map(|j| format!("journey:{j}")).collect();
        gaps.push(gp);
    }
    if !unrecorded.is_empty() {
        let mut gap = DataGap::new(
            "onward-routes",
            DataTopic::OnwardRoutes,
            format!(
                "{} {} no onward referral (step-up, step-down or move-on), so whether people can move on from {} cannot be judged.",
                unknowns::some_names(unrecorded.iter().map(|&s| a.services[s].name.as_str())),
                if unrecorded.len() == 1 {
                    "records"
                } else {
                    "record"
                },
                if unrecorded.len() == 1 { "it" } else { "them" }
            ),
            "where each service refers people on to, or survivors' journeys through it",
        );
        gap.services = ctx.service_ids(&unrecorded);
        unknowns.push(gap);
    }
}

/// Journeys whose last step is at the service and is not support.
fn journeys_ending_unsupported_at(a: &Assessment, service: &str) -> Vec<String> {
    a.journeys
        .iter()
        .filter(|j| {
            j.steps.last().is_some_and(|s| {
                s.at == service && s.outcome != crate::model::StepOutcome::Supported
            })
        })
        .map(|j| j.id.clone())
        .collect()
}

/// Estimated annual need of a cohort: its population group × prevalence, or
/// the analyst's demand estimate. With the words saying how, and the basis.
fn estimated_need(a: &Assessment, cohort: &Cohort) -> Option<(f64, String, CapacityBasis)> {
    if let Some(d) = &cohort.demand {
        return Some((
            d.per_year,
            format!("demand estimate ({})", d.source),
            CapacityBasis::DemandEstimate,
        ));
    }
    let (p, group) = (cohort.prevalence?, cohort.population.as_ref()?);
    let count = *a.population.as_ref()?.groups.get(group)?;
    let source = cohort.prevalence_source.as_deref().unwrap_or("no source");
    Some((
        count as f64 * p,
        format!("{} × {} ({source})", number(count as f64), rate(p)),
        CapacityBasis::Prevalence,
    ))
}

/// Services' capacity summed for a cohort: what is recorded, and which
/// services record none.
struct Supply {
    per_year: f64,
    counted: Vec<usize>,
    unrecorded: Vec<usize>,
}

/// What the capacity rules judge: one cohort at one level (prevalence
/// through the level's share of need) or at every level it needs (a demand
/// estimate).
struct Need<'x> {
    c: usize,
    level: Option<usize>,
    estimate: f64,
    basis_words: String,
    basis: CapacityBasis,
    services: &'x [usize],
}

/// Capacity against need, on the best basis recorded: people turned away
/// for lack of space (`service_data`), then a cohort's demand estimate,
/// then prevalence through a level's share of need. A shortfall is a gap
/// only when every service counted records its capacity; otherwise the
/// analysis cannot judge it and says so in one data gap.
pub fn capacity(ctx: &Context, gaps: &mut Vec<Gap>, unknowns: &mut Vec<DataGap>) {
    let a = ctx.a;
    let turned_away = turned_away(ctx, gaps);
    let mut unjudged: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new(); // cohort → levels
    let mut unrecorded: BTreeSet<usize> = BTreeSet::new();
    let mut considered: BTreeSet<usize> = BTreeSet::new();
    let mut no_share: BTreeSet<usize> = BTreeSet::new();
    let shares_given = a.levels.iter().any(|l| l.share_of_need.is_some());
    for (c, cohort) in a.cohorts.iter().enumerate() {
        let Some((estimate, words, basis)) = estimated_need(a, cohort) else {
            continue;
        };
        if estimate <= 0.0 {
            continue;
        }
        let services: Vec<usize> = ctx.serves[c]
            .ones()
            .filter(|&s| {
                cohort.kind == CohortKind::Group || a.services[s].cohorts.contains(&cohort.id)
            })
            .collect();
        let needs: Vec<Need> = match basis {
            CapacityBasis::Prevalence => {
                if !shares_given {
                    no_share.insert(c);
                }
                ctx.needed[c]
                    .iter()
                    .filter_map(|&l| {
                        let share = a.levels[l].share_of_need.as_ref()?;
                        Some(Need {
                            c,
                            level: Some(l),
                            estimate: estimate * share.share,
                            basis_words: format!(
                                "{words}, of whom {} need {} ({})",
                                rate(share.share),
                                ctx.level_name(l),
                                share.source
                            ),
                            basis,
                            services: &services,
                        })
                    })
                    .collect()
            }
            _ => vec![Need {
                c,
                level: None,
                estimate,
                basis_words: words,
                basis,
                services: &services,
            }],
        };
        for need in needs {
            if turned_away
                .iter()
                .any(|(cs, ls)| cs.contains(&c) && need.level.is_none_or(|l| ls.contains(&l)))
            {
                continue; // observed unmet demand already judges it
            }
            let supply = supply(ctx, &need);
            if supply.counted.is_empty() && supply.unrecorded.is_empty() {
                continue; // nothing to count: the provision rules say so
            }
            let ratio = supply.per_year / need.estimate;
            if ratio >= 1.0 {
                continue;
            }
            if !supply.unrecorded.is_empty() {
                unrecorded.extend(&supply.unrecorded);
                considered.extend(supply.unrecorded.iter().chain(&supply.counted));
                let levels = unjudged.entry(c).or_default();
                levels.extend(need.level);
                continue;
            }
            gaps.push(capacity_gap(ctx, &need, &supply, ratio));
        }
    }
    if !unjudged.is_empty() {
        unknowns.push(capacity_unknown(ctx, &unjudged, &unrecorded, &considered));
    }
    if !no_share.is_empty() {
        let mut gap = DataGap::new(
            "need-by-level",
            DataTopic::NeedByLevel,
            format!(
                "No level records the share of victims who need it, so capacity for {} cannot be set against prevalence (every victim against every service's capacity says nothing).",
                unknowns::some_names(
                    no_share
                        .iter()
                        .map(|&c| in_sentence(&a.cohorts[c].name))
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str)
                )
            ),
            "for the levels that matter most (high risk, safe accommodation), the share of victims who need them, with its source; or the people services turned away for lack of space",
        );
        gap.cohorts = no_share.iter().map(|&c| a.cohorts[c].id.clone()).collect();
        unknowns.push(gap);
    }
}

/// Capacity of the services counted for a need, a service's capacity
/// shared between the group cohorts it serves in proportion to their
/// estimated need.
fn supply(ctx: &Context, need: &Need) -> Supply {
    let a = ctx.a;
    let cohort = &a.cohorts[need.c];
    let mut out = Supply {
        per_year: 0.0,
        counted: Vec::new(),
        unrecorded: Vec::new(),
    };
    for &s in need.services {
        // A case conference or notification scheme has no places of its own.
        if need.level.is_some_and(|l| !ctx.g.at_level(s, l))
            || a.services[s].kind == ServiceKind::MultiAgency
        {
            continue;
        }
        let Some(per_year) = a.services[s].capacity.as_ref().and_then(|x| x.per_year) else {
            out.unrecorded.push(s);
            continue;
        };
        let share = match cohort.kind {
            CohortKind::Group => {
                let sharing: f64 = (0..a.cohorts.len())
                    .filter(|&o| {
                        a.cohorts[o].kind == CohortKind::Group && ctx.serves[o].contains(s)
                    })
                    .filter_map(|o| estimated_need(a, &a.cohorts[o]).map(|(n, _, _)| n))
                    .sum();
                let own = estimated_need(a, cohort).map_or(0.0, |(n, _, _)| n);
                if sharing > 0.0 { own / sharing } else { 1.0 }
            }
            CohortKind::Need => 1.0,
        };
        out.per_year += per_year * share.min(1.0);
        out.counted.push(s);
    }
    out
}

fn capacity_gap(ctx: &Context, need: &Need, supply: &Supply, ratio: f64) -> Gap {
    let a = ctx.a;
    let cohort = &a.cohorts[need.c];
    let severity = if ratio < 0.25 {
        GapSeverity::High
    } else if ratio < 0.6 {
        GapSeverity::Medium
    } else {
        GapSeverity::Low
    };
    let at = need
        .level
        .map(|l| format!(" at {}", ctx.level_name(l)))
        .unwrap_or_default();
    let evidence = format!(
        "Services open to {}{at} can take about {} a year against an estimated {} in need ({}): {} coverage.",
        in_sentence(&cohort.name),
        number(supply.per_year),
        number(need.estimate),
        need.basis_words,
        percent(ratio)
    );
    let text = match need.level {
        Some(l) => format!(
            "Grow {} capacity for {} towards the estimated need",
            ctx.level_name(l),
            in_sentence(&cohort.name)
        ),
        None => format!(
            "Grow capacity for {} towards the estimated need, starting with the levels where it is thinnest",
            in_sentence(&cohort.name)
        ),
    };
    let id = match need.level {
        Some(l) => format!("capacity/{}/{}", cohort.id, a.levels[l].id),
        None => format!("capacity/{}", cohort.id),
    };
    let level = need.level.map(|l| a.levels[l].id.as_str());
    let mut gp = for_cohort(
        gap(
            id,
            GapKind::Capacity,
            severity,
            evidence,
            ActionTheme::Commissioning,
            text,
        ),
        cohort,
        level,
    );
    gp.basis = Some(need.basis);
    gp.services = ctx.service_ids(&supply.counted);
    gp
}

fn capacity_unknown(
    ctx: &Context,
    unjudged: &BTreeMap<usize, BTreeSet<usize>>,
    unrecorded: &BTreeSet<usize>,
    counted: &BTreeSet<usize>,
) -> DataGap {
    let a = ctx.a;
    let who: Vec<String> = unjudged
        .iter()
        .map(|(&c, levels)| {
            let name = in_sentence(&a.cohorts[c].name);
            if levels.is_empty() {
                name
            } else {
                let ls: Vec<String> = levels.iter().map(|&l| ctx.level_name(l)).collect();
                format!("{name} at {}", list(ls.iter().map(String::as_str)))
            }
        })
        .collect();
    let recorded = counted.len() - unrecorded.len().min(counted.len());
    let unrecorded_names =
        unknowns::some_names(unrecorded.iter().map(|&s| a.services[s].name.as_str()));
    let who = list(who.iter().map(String::as_str));
    let text = if recorded == 0 {
        format!(
            "No service that would count records its capacity ({unrecorded_names}), so capacity cannot be judged for {who}."
        )
    } else {
        format!(
            "Capacity is recorded for {recorded} of {} that would count, so it cannot be judged for {who}: what is recorded falls short, but {unrecorded_names} {} no capacity.",
            plural(counted.len(), "service", "services"),
            if unrecorded.len() == 1 {
                "records"
            } else {
                "record"
            }
        )
    };
    let mut gap = DataGap::new(
        "capacity",
        DataTopic::Capacity,
        text,
        "each service's capacity (cases or places a year), or the people it turned away for lack of space",
    );
    gap.cohorts = unjudged.keys().map(|&c| a.cohorts[c].id.clone()).collect();
    let levels: BTreeSet<usize> = unjudged.values().flatten().copied().collect();
    gap.levels = levels.iter().map(|&l| a.levels[l].id.clone()).collect();
    gap.services = ctx.service_ids(&unrecorded.iter().copied().collect::<Vec<_>>());
    gap
}

/// The services a `service_data` entry is about.
fn data_scope(a: &Assessment, d: &ServiceData) -> Vec<usize> {
    a.services
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            d.services.contains(&s.id)
                || d.accommodation
                    .is_some_and(|t| s.accommodation.as_ref().is_some_and(|x| x.kind == t))
        })
        .map(|(i, _)| i)
        .collect()
}

/// `refuge` or the first service's id: the scope's part of an id.
fn scope_id(d: &ServiceData) -> String {
    match d.accommodation {
        Some(t) => crate::model::kebab(&t),
        None => d
            .services
            .first()
            .cloned()
            .unwrap_or_else(|| "services".into()),
    }
}

/// Observed unmet demand: people services could not support for lack of
/// space, from the latest year each scope records it. Returns, per gap, the
/// cohorts and levels it judges, so prevalence is not used there too.
fn turned_away(ctx: &Context, gaps: &mut Vec<Gap>) -> Vec<(Vec<usize>, Vec<usize>)> {
    let a = ctx.a;
    let mut latest: BTreeMap<String, &ServiceData> = BTreeMap::new();
    for d in &a.service_data {
        if unmet(d).is_some() {
            let key = scope_id(d);
            if latest.get(&key).is_none_or(|x| x.year < d.year) {
                latest.insert(key, d);
            }
        }
    }
    let mut judged = Vec::new();
    for (scope, d) in latest {
        let services = data_scope(a, d);
        if services.is_empty() {
            continue;
        }
        let Some((no_space, for_space)) = unmet(d) else {
            continue;
        };
        let cohorts: Vec<usize> = if d.cohorts.is_empty() {
            (0..a.cohorts.len())
                .filter(|&c| services.iter().any(|&s| ctx.g.eligible[c].contains(s)))
                .collect()
        } else {
            (0..a.cohorts.len())
                .filter(|&c| d.cohorts.contains(&a.cohorts[c].id))
                .collect()
        };
        let levels: Vec<usize> = services
            .iter()
            .flat_map(|&s| ctx.g.service_levels[s].iter().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let asked = d
            .referrals
            .or_else(|| Some(d.supported? + d.not_supported.unwrap_or(no_space)));
        let share = asked.filter(|n| *n > 0.0).map(|n| no_space / n);
        let severity = match share {
            // Not supported for reasons not recorded: unmet demand, but
            // not known to be for lack of space.
            _ if !for_space => GapSeverity::Medium,
            Some(r) if r >= 0.25 => GapSeverity::High,
            Some(r) if r >= 0.10 => GapSeverity::Medium,
            Some(_) => GapSeverity::Low,
            // Turned away for lack of space, the scale unknown.
            None => GapSeverity::Medium,
        };
        let mut gp = turned_away_gap(
            ctx, d, &scope, &services, &cohorts, &levels, no_space, share, severity,
        );
        if !for_space {
            unmet_demand(ctx, d, &services, &mut gp);
        }
        gaps.push(gp);
        judged.push((cohorts, levels));
    }
    judged
}

/// People referred and not supported: (how many, whether for lack of
/// space). Lack of space when the reasons say so; all not supported when
/// no reason is recorded at all (unmet demand, cause unknown).
fn unmet(d: &ServiceData) -> Option<(f64, bool)> {
    let reasons = d.not_supported_reasons.as_ref();
    if let Some(n) = reasons.and_then(|r| r.no_capacity).filter(|n| *n > 0.0) {
        return Some((n, true));
    }
    let silent = reasons.is_none_or(|r| r.each().iter().all(|(_, _, v)| v.is_none()));
    d.not_supported
        .filter(|n| silent && *n > 0.0)
        .map(|n| (n, false))
}

/// A turned-away gap whose reasons are not recorded says so.
fn unmet_demand(ctx: &Context, d: &ServiceData, services: &[usize], gp: &mut Gap) {
    let n = d.not_supported.unwrap_or(0.0);
    let mut evidence = format!(
        "In {}, {} could not support {} referred (the reasons are not recorded)",
        d.year,
        ctx.names(services),
        number(n)
    );
    if let Some(s) = d.supported {
        evidence.push_str(&format!("; {} were supported", number(s)));
        if let Some(out) = d.from_outside_area {
            evidence.push_str(&format!(", {} of them from outside the area", number(out)));
        }
    }
    evidence.push_str(&format!(" ({}).", d.source));
    gp.evidence = evidence;
    gp.id = gp
        .id
        .replace("capacity/turned-away/", "capacity/not-supported/");
    gp.basis = Some(CapacityBasis::UnmetDemand);
    gp.recommendation.text = format!(
        "Find out why {} referred to {} could not be supported, and grow capacity where lack of space is the reason",
        number(n),
        ctx.names(services)
    );
}

#[allow(clippy::too_many_arguments)]
fn turned_away_gap(
    ctx: &Context,
    d: &ServiceData,
    scope: &str,
    services: &[usize],
    cohorts: &[usize],
    levels: &[usize],
    no_space: f64,
    share: Option<f64>,
    severity: GapSeverity,
) -> Gap {
    let a = ctx.a;
    let mut evidence = format!(
        "In {}, {} could not take {} for lack of space",
        d.year,
        ctx.names(services),
        plural(no_space.round() as usize, "referral", "referrals")
    );
    if let Some(r) = share {
        evidence.push_str(&format!(" ({} of referrals)", percent(r)));
    }
    if let Some(all) = d.not_supported.filter(|n| *n > no_space) {
        evidence.push_str(&format!(
            "; {} were not supported for any reason",
            number(all)
        ));
    }
    if let Some(n) = d.supported {
        evidence.push_str(&format!("; {} were supported", number(n)));
        if let Some(out) = d.from_outside_area {
            evidence.push_str(&format!(", {} of them from outside the area", number(out)));
        }
    }
    evidence.push_str(&format!(" ({}).", d.source));
    let accommodation = services
        .iter()
        .all(|&s| a.services[s].kind == ServiceKind::Accommodation);
    let (theme, text) = if accommodation {
        (
            ActionTheme::SafeAccommodation,
            format!(
                "Commission more places alongside {}, sized on the {} turned away for lack of space",
                ctx.names(services),
                number(no_space)
            ),
        )
    } else {
        (
            ActionTheme::Commissioning,
            format!(
                "Grow capacity at {}, sized on the {} turned away for lack of space",
                ctx.names(services),
                number(no_space)
            ),
        )
    };
    let mut gp = gap(
        format!("capacity/turned-away/{scope}"),
        GapKind::Capacity,
        severity,
        evidence,
        theme,
        text,
    );
    gp.basis = Some(CapacityBasis::TurnedAway);
    gp.cohorts = cohorts.iter().map(|&c| a.cohorts[c].id.clone()).collect();
    if let [one] = cohorts {
        gp.cohort = Some(a.cohorts[*one].id.clone());
    }
    gp.levels = levels.iter().map(|&l| a.levels[l].id.clone()).collect();
    if let [one] = levels {
        gp.level = Some(a.levels[*one].id.clone());
    }
    gp.services = ctx.service_ids(services);
    gp.corroboration = vec![format!("service-data:{scope}/{}", d.year)];
    gp
}

/// Refuge family places against the Council of Europe benchmark of one per
/// 10,000 people: a gap only when every refuge records its places, or the
/// places recorded already meet the benchmark; otherwise a data gap.
pub fn refuge_benchmark(
    ctx: &Context,
    summary: &AccommodationSummary,
    gaps: &mut Vec<Gap>,
    unknowns: &mut Vec<DataGap>,
) {
    let (Some(total), Some(benchmark)) = (summary.total_population, summary.benchmark_places)
    else {
        return;
    };
    if benchmark <= 0.0 {
        return;
    }
    let places = summary.refuge_family_places;
    let ratio = places.sum as f64 / benchmark;
    if ratio >= 1.0 {
        return;
    }
    let refuge_services: Vec<String> = ["refuge", "specialist-refuge"]
        .iter()
        .filter_map(|t| summary.by_type.get(*t))
        .flat_map(|line| line.services.iter().cloned())
        .collect();
    if !places.complete() {
        let mut gap = DataGap::new(
            "places/refuge",
            DataTopic::Places,
            format!(
                "Refuge places are recorded as {} ({}), so refuge provision cannot be set against the Council of Europe benchmark of {} family places (one per 10,000 of {} people).",
                places.words(),
                places.missing(("refuge", "refuges"), "places"),
                number(benchmark),
                number(total as f64)
            ),
            "the units (family places) and bedspaces of every refuge, on each service or once for a group of them",
        );
        gap.services = refuge_services;
        unknowns.push(gap);
        return;
    }
    let beds = &summary.refuge_bedspaces;
    let bedspaces = if beds.recorded == 0 {
        String::new()
    } else {
        format!(" ({} bedspaces)", beds.words())
    };
    let against = format!(
        "the Council of Europe benchmark of {} (one per 10,000 of {} people)",
        number(benchmark),
        number(total as f64)
    );
    let evidence = if summary.refuges == 0 {
        format!("No refuge is among the services recorded, against {against}.")
    } else {
        format!(
            "{} refuge family places{bedspaces} against {against}: {} of the benchmark.",
            number(places.sum as f64),
            percent(ratio)
        )
    };
    // Observed unmet demand at the refuges comes first: the benchmark
    // becomes part of that gap's evidence rather than a second gap.
    if let Some(observed) = gaps.iter_mut().find(|g| {
        matches!(
            g.basis,
            Some(CapacityBasis::TurnedAway | CapacityBasis::UnmetDemand)
        ) && g.services.iter().any(|s| refuge_services.contains(s))
    }) {
        observed.evidence.push_str(&format!(
            " Against {against}, the area has {} refuge family places: {} of the benchmark.",
            number(places.sum as f64),
            percent(ratio)
        ));
        return;
    }
    let severity = if ratio < 0.5 {
        GapSeverity::High
    } else {
        GapSeverity::Medium
    };
    let text = format!(
        "Commission about {} more refuge family places, including specialist places for those now excluded",
        number(benchmark - places.sum as f64)
    );
    let mut gp = gap(
        "capacity/refuge-places".into(),
        GapKind::Capacity,
        severity,
        evidence,
        ActionTheme::SafeAccommodation,
        text,
    );
    gp.basis = Some(CapacityBasis::Benchmark);
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
/// level if the service stops. Services losing the same streams on the
/// same day are one gap: one cause, one decision.
pub fn funding_cliff(ctx: &Context, gaps: &mut Vec<Gap>) {
    let mut groups: BTreeMap<(String, Option<crate::model::Date>, bool), Vec<Cliff>> =
        BTreeMap::new();
    for s in 0..ctx.a.services.len() {
        if let Some(cliff) = cliff(ctx, s) {
            groups
                .entry((cliff.streams.clone(), cliff.first_end, cliff.short))
                .or_default()
                .push(cliff);
        }
    }
    for cliffs in groups.values() {
        gaps.push(funding_cliff_gap(ctx, cliffs));
    }
}

/// One service's funding at risk.
struct Cliff {
    s: usize,
    streams: String,
    first_end: Option<crate::model::Date>,
    short: bool,
    /// Money a year at risk, when every stream records its amount.
    yearly: Option<f64>,
    continuing: f64,
    /// `; if it stops, … lose all provision`, or nothing.
    consequence: String,
    severity: GapSeverity,
    cohorts: BTreeSet<usize>,
}

fn cliff(ctx: &Context, s: usize) -> Option<Cliff> {
    let a = ctx.a;
    let period = a.info.period;
    let service = &a.services[s];
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
        return None;
    }
    let (yearly, unrecorded) = yearly_funding(at_risk.iter().copied(), a);
    let (total, _) = yearly_funding(&service.funding, a);
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
    let mut consequence = String::new();
    if !only_accommodation.is_empty() {
        consequence.push_str(&format!(
            "; {} is the only safe accommodation open to {}",
            service.name,
            cohort_names(ctx, &only_accommodation)
        ));
    }
    if !losing.is_empty() {
        let parts: Vec<String> = losing
            .iter()
            .map(|(&c, ls)| {
                let levels: Vec<String> = ls.iter().map(|&l| ctx.level_name(l)).collect();
                format!(
                    "{} at {}",
                    in_sentence(&a.cohorts[c].name),
                    list(levels.iter().map(String::as_str))
                )
            })
            .collect();
        consequence.push_str(&format!(
            "; if {} stops, {} lose all provision",
            service.name,
            parts.join("; ")
        ));
    }
    let loses_priority_high = losing
        .iter()
        .any(|(&c, ls)| a.cohorts[c].priority && ls.iter().any(|&l| ctx.high_need[l]));
    let loses_priority_accommodation = only_accommodation.iter().any(|&c| a.cohorts[c].priority);
    let severity = if loses_priority_high || loses_priority_accommodation {
        GapSeverity::High
    } else if !losing.is_empty() || !only_accommodation.is_empty() || short {
        GapSeverity::Medium
    } else {
        GapSeverity::Low
    };
    Some(Cliff {
        s,
        streams: list(
            at_risk
                .iter()
                .map(|f| f.source.as_str())
                .collect::<BTreeSet<_>>(),
        ),
        first_end: at_risk.iter().filter_map(|f| f.ends).min(),
        short,
        yearly: (unrecorded == 0).then_some(yearly),
        continuing: (total - yearly).max(0.0),
        consequence,
        severity,
        cohorts: losing
            .keys()
            .copied()
            .chain(only_accommodation.iter().copied())
            .collect(),
    })
}

fn funding_cliff_gap(ctx: &Context, cliffs: &[Cliff]) -> Gap {
    let a = ctx.a;
    let period = a.info.period;
    let first = &cliffs[0];
    let services: Vec<usize> = cliffs.iter().map(|c| c.s).collect();
    let amount = match cliffs.iter().map(|c| c.yearly).sum::<Option<f64>>() {
        Some(v) => format!("{} a year", money(v)),
        None => "Funding of an amount not recorded".to_owned(),
    };
    let mut evidence = format!("{amount} ({}) for {}", first.streams, ctx.names(&services));
    if let Some(end) = first.first_end {
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
    if first.short {
        evidence.push_str(", on a grant of under two years");
    }
    let continuing: f64 = cliffs.iter().map(|c| c.continuing).sum();
    if continuing > 0.0 {
        evidence.push_str(&format!(
            "; {} a year from other sources continues",
            money(continuing)
        ));
    }
    let consequences: String = cliffs.iter().map(|c| c.consequence.as_str()).collect();
    // Only a service whose eligibility is recorded can be said to be
    // covered by others.
    let recorded = services.iter().all(|&s| {
        let x = &a.services[s];
        !x.levels.is_empty() && (!x.cohorts.is_empty() || x.open_to.is_some())
    });
    if consequences.is_empty() && recorded {
        evidence.push_str("; other services cover the same cohorts and levels.");
    } else {
        evidence.push_str(&consequences);
        evidence.push('.');
    }
    let severity = cliffs
        .iter()
        .map(|c| c.severity)
        .min()
        .unwrap_or(GapSeverity::Low);
    let text = format!(
        "Secure funding for {} to the end of the strategy period ({})",
        ctx.names(&services),
        period.end
    );
    let mut gp = gap(
        format!("funding-cliff/{}", a.services[first.s].id),
        GapKind::FundingCliff,
        severity,
        evidence,
        ActionTheme::Commissioning,
        text,
    );
    let affected: BTreeSet<usize> = cliffs
        .iter()
        .flat_map(|c| c.cohorts.iter().copied())
        .collect();
    gp.cohorts = affected.iter().map(|&c| a.cohorts[c].id.clone()).collect();
    if gp.cohorts.len() == 1 {
        gp.cohort = Some(gp.cohorts[0].clone());
    }
    gp.services = ctx.service_ids(&services);
    gp
}

/// A cohort × level covered in some localities (or districts) but not
/// others. Cohorts missing the same services in the same places are one gap.
pub fn locality(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    let all = a.info.all_localities();
    if all.len() < 2 {
        return;
    }
    // (level, services, missing places) → cohorts.
    type Cause<'p> = (usize, Vec<usize>, Vec<&'p str>);
    let mut found: BTreeMap<Cause, Vec<usize>> = BTreeMap::new();
    for c in 0..a.cohorts.len() {
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
                .copied()
                .filter(|x| !covered.contains(x))
                .collect();
            if !missing.is_empty() {
                found.entry((l, cell.clone(), missing)).or_default().push(c);
            }
        }
    }
    for ((l, cell, missing), cohorts) in found {
        gaps.push(locality_gap(ctx, l, &cell, &missing, &cohorts));
    }
}

/// A locality as documents name it: a district's name, else its id.
fn place_name<'a>(a: &'a Assessment, id: &'a str) -> &'a str {
    a.info
        .districts
        .iter()
        .find(|d| d.id == id)
        .map_or(id, |d| d.name.as_str())
}

fn locality_gap(
    ctx: &Context,
    l: usize,
    cell: &[usize],
    missing: &[&str],
    cohorts: &[usize],
) -> Gap {
    let a = ctx.a;
    let level = &a.levels[l];
    let who = cohort_names(ctx, cohorts);
    let covered: BTreeSet<&str> = cell
        .iter()
        .flat_map(|&s| a.services[s].localities.iter().map(String::as_str))
        .collect();
    let covered = list(covered.iter().map(|x| place_name(a, x)));
    let missing_names = list(missing.iter().map(|x| place_name(a, x)));
    let evidence = format!(
        "{} provision for {who} is only in {covered} ({}); there is none in {missing_names}.",
        capitalised(&ctx.level_name(l)),
        ctx.names(cell),
    );
    let text = format!(
        "Extend {} provision for {who} to {missing_names}, or fund travel and outreach from the nearest service",
        ctx.level_name(l),
    );
    let severity = ctx.worst_severity(cohorts, l);
    let first = &a.cohorts[cohorts[0]];
    let mut gp = gap(
        format!("locality/{}/{}", first.id, level.id),
        GapKind::Locality,
        severity,
        evidence,
        ActionTheme::Commissioning,
        text,
    );
    at_level_for(&mut gp, a, cohorts, l);
    gp.services = ctx.service_ids(cell);
    gp.localities = missing.iter().map(|x| (*x).to_owned()).collect();
    gp
}

/// Gaps a finding shows (`shows:`): consultation evidence of unmet need.
/// Where the analysis already finds a gap of that kind for the finding's
/// cohorts (and its services or levels, when it names them), the finding
/// corroborates it; otherwise the finding is the gap's evidence.
pub fn reported(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    for f in &a.findings {
        let Some(kind) = f.shows.as_deref().and_then(GapKind::named) else {
            continue;
        };
        let same = |g: &Gap| {
            g.kind == kind
                && (f.cohorts.is_empty() || f.cohorts.iter().any(|c| g.cohorts.contains(c)))
                && (f.services.is_empty() || f.services.iter().any(|s| g.services.contains(s)))
                && (f.levels.is_empty()
                    || g.levels.is_empty()
                    || f.levels.iter().any(|l| g.levels.contains(l)))
        };
        let mark = format!("finding:{}", f.id);
        let mut found = false;
        for g in gaps.iter_mut().filter(|g| same(g)) {
            found = true;
            if !g.corroboration.contains(&mark) {
                g.corroboration.push(mark.clone());
            }
        }
        if !found {
            gaps.push(reported_gap(ctx, f, kind, mark));
        }
    }
}

fn reported_gap(ctx: &Context, f: &crate::model::Finding, kind: GapKind, mark: String) -> Gap {
    let a = ctx.a;
    let cohorts: Vec<usize> = (0..a.cohorts.len())
        .filter(|&c| f.cohorts.contains(&a.cohorts[c].id))
        .collect();
    let levels: Vec<usize> = (0..a.levels.len())
        .filter(|&l| f.levels.contains(&a.levels[l].id))
        .collect();
    let priority = cohorts.iter().any(|&c| a.cohorts[c].priority);
    let high = levels.iter().any(|&l| ctx.high_need[l]);
    let severity = if priority || high {
        GapSeverity::Medium
    } else {
        GapSeverity::Low
    };
    let who = if cohorts.is_empty() {
        "the people it names".to_owned()
    } else {
        cohort_names(ctx, &cohorts)
    };
    let text = f.text.trim_end_matches('.');
    let evidence = format!("{text} ({}).", f.source);
    let recommendation = match kind {
        GapKind::Capacity => {
            format!("Measure the unmet demand for {who} and grow capacity to meet it")
        }
        GapKind::NoProvision | GapKind::NoSpecialist => {
            format!("Commission provision that meets the needs of {who} this finding describes")
        }
        GapKind::Locality => format!("Extend provision for {who} to the places this finding names"),
        _ => format!("Act on this finding for {who} and record the result"),
    };
    let mut gp = gap(
        format!("{}/reported/{}", kind.as_str(), f.id),
        kind,
        severity,
        evidence,
        ActionTheme::Commissioning,
        recommendation,
    );
    gp.cohort = (cohorts.len() == 1).then(|| a.cohorts[cohorts[0]].id.clone());
    gp.cohorts = f.cohorts.clone();
    gp.levels = f.levels.clone();
    gp.level = (f.levels.len() == 1).then(|| f.levels[0].clone());
    gp.services = f
        .services
        .iter()
        .filter(|id| a.services.iter().any(|s| &s.id == *id))
        .cloned()
        .collect();
    gp.corroboration = vec![mark];
    gp
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

    #[test]
    fn perpetrators_are_not_expected_in_safe_accommodation_by_default() {
        let level = |roles: Vec<Role>, step_down: bool| crate::model::Level {
            id: "x".into(),
            name: "X".into(),
            short_name: None,
            description: None,
            high_need: false,
            step_down,
            roles,
            share_of_need: None,
            origin: Default::default(),
        };
        let needs = role_needs_level;
        assert!(!needs(&level(vec![], false), Role::Perpetrator, true));
        assert!(!needs(&level(vec![], true), Role::Perpetrator, false));
        assert!(needs(&level(vec![], false), Role::Perpetrator, false));
        assert!(needs(&level(vec![], false), Role::Victim, true));
        // The level says who needs it: that wins.
        assert!(needs(
            &level(vec![Role::Perpetrator], false),
            Role::Perpetrator,
            true
        ));
        assert!(!needs(
            &level(vec![Role::Victim], false),
            Role::Child,
            false
        ));
    }
}
