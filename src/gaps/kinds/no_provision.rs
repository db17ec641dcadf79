//! `no-provision`: no service at a level a cohort needs will take it.

use std::collections::{BTreeMap, BTreeSet};


use crate::gaps::context::cohorts_at_level_gap;
use crate::gaps::context::{
    Context, at_level_for, cohort_names, commission, for_cohort, gap, list,
};
use crate::text::plural;
use crate::gaps::kinds::Rule;
use crate::gaps::{Gap, GapKind, GapSeverity};
use crate::model::{
    ActionTheme, CohortKind, FindingTheme, Role,
};

pub(super) const RULE: Rule = Rule {
    id: "no-provision",
    finds: "no service at a level the cohort needs serves it; one gap for a level nobody works at, for a cohort with nothing at any level, and for the cohorts the same services all leave out",
    severity: "high: a priority cohort at a high-need level; medium: a priority cohort or a high-need level; low: otherwise",
    theme: FindingTheme::Identification,
    find: |ctx, found| no_provision(ctx, &mut found.gaps),
};

/// No eligible service at a level the cohort needs. One cause, one gap: a
/// level no service works at is one gap naming every cohort that needs it;
/// a cohort with nothing at any level it needs is one gap naming the
/// levels; otherwise one gap per cohort and level.
fn no_provision(ctx: &Context, gaps: &mut Vec<Gap>) {
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
        ctx.in_sentence(&cohort.name),
        list(level_names.iter().map(String::as_str)),
        plural(all.len(), "service", "services"),
        listed_but_ruled_out(ctx, c, &all)
    );
    let text = format!(
        "Commission provision for {}, or open existing services to them, starting with {}",
        ctx.in_sentence(&cohort.name),
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
    cohorts_at_level_gap(
        ctx,
        GapKind::NoProvision,
        (cohorts, l),
        evidence,
        commission(ctx, l, &who, victims),
    )
}
