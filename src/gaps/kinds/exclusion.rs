//! `exclusion`: every service of a kind or level open to a group rules out
//! one of its needs.

use std::collections::BTreeSet;


use crate::gaps::context::{
    Context, gap, list,
};
use crate::text::plural;
use crate::gaps::kinds::Rule;
use crate::gaps::{Gap, GapKind, GapSeverity};
use crate::model::{
    AccommodationType, ActionTheme, CohortKind, FindingTheme,
};

pub(super) const RULE: Rule = Rule {
    id: "exclusion",
    finds: "every refuge (or other accommodation type, or every service at a level) serving a group excludes a need, e.g. women who use substances",
    severity: "high: at a high-need level or in safe accommodation; medium: otherwise",
    theme: FindingTheme::Identification,
    find: |ctx, found| exclusion(ctx, &mut found.gaps),
};

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
fn exclusion(ctx: &Context, gaps: &mut Vec<Gap>) {
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
        .map(|&g| ctx.in_sentence(&a.cohorts[g].name))
        .collect();
    let groups = list(names.iter().map(String::as_str));
    let mut evidence = format!(
        "Every {} serving {groups} ({}: {}) excludes {}",
        e.words,
        plural(e.services.len(), "service", "services"),
        ctx.names(&e.services),
        ctx.in_sentence(&need.name)
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
                ctx.in_sentence(&need.name)
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
                ctx.in_sentence(&need.name)
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
