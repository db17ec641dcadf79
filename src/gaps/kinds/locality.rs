//! `locality`: provision in some localities or districts but not others.

use std::collections::{BTreeMap, BTreeSet};

use fixedbitset::FixedBitSet;

use crate::gaps::context::cohorts_at_level_gap;
use crate::gaps::context::{
    Context, capitalised, cohort_names,
    list,
};
use crate::gaps::kinds::Rule;
use crate::gaps::{Gap, GapKind};
use crate::model::{
    ActionTheme, Assessment, FindingTheme,
};

pub(super) const RULE: Rule = Rule {
    id: "locality",
    finds: "a cohort and level served in some localities (or districts) but not others, or reached only through entry points in some of them (`entry_points[].localities`)",
    severity: "high: a priority cohort at a high-need level; medium: a priority cohort or a high-need level; low: otherwise",
    theme: FindingTheme::Retention,
    find: |ctx, found| locality(ctx, &mut found.gaps),
};

/// A cohort × level covered in some localities (or districts) but not
/// others. Cohorts missing the same services in the same places are one gap.
fn locality(ctx: &Context, gaps: &mut Vec<Gap>) {
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
    no_route_from(ctx, &all, gaps);
}

/// Provision that serves a locality but that no entry point serving it
/// leads to: "reached only through entry points in the north". Judged only
/// where entry points record their localities (an entry point without
/// `localities` serves the whole area); localities the provision does not
/// cover at all are the gap above, not this one.
fn no_route_from(ctx: &Context, all: &[&str], gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    if a.entry_points.iter().all(|e| e.localities.is_empty()) {
        return;
    }
    let entries_serving = |place: &str| -> Vec<usize> {
        (0..a.entry_points.len())
            .filter(|&e| {
                let ls = &a.entry_points[e].localities;
                ls.is_empty() || ls.iter().any(|x| x == place)
            })
            .collect()
    };
    let serving: Vec<Vec<usize>> = all.iter().map(|p| entries_serving(p)).collect();
    // (level, services, places without a route) → cohorts.
    type Cause<'p> = (usize, Vec<usize>, Vec<&'p str>);
    let mut found: BTreeMap<Cause, Vec<usize>> = BTreeMap::new();
    for c in 0..a.cohorts.len() {
        // Per place, what the cohort reaches from the entry points there.
        let reach: Vec<FixedBitSet> = serving
            .iter()
            .map(|entries| ctx.g.reachable_from(c, entries))
            .collect();
        for &l in &ctx.needed[c] {
            let cell = &ctx.cells[c][l];
            let serves = |s: usize, place: &str| {
                let ls = &a.services[s].localities;
                ls.is_empty() || ls.iter().any(|x| x == place)
            };
            let reached_somewhere = cell.iter().any(|&s| ctx.reachable[c].contains(s));
            if !reached_somewhere {
                continue;
            }
            let cut_off: Vec<&str> = all
                .iter()
                .enumerate()
                .filter(|(p, place)| {
                    let here: Vec<usize> =
                        cell.iter().copied().filter(|&s| serves(s, place)).collect();
                    !here.is_empty() && !here.iter().any(|&s| reach[*p].contains(s))
                })
                .map(|(_, place)| *place)
                .collect();
            if !cut_off.is_empty() && cut_off.len() < all.len() {
                found.entry((l, cell.clone(), cut_off)).or_default().push(c);
            }
        }
    }
    for ((l, cell, cut_off), cohorts) in found {
        gaps.push(no_route_gap(ctx, l, &cell, &cut_off, &cohorts));
    }
}

fn no_route_gap(
    ctx: &Context,
    l: usize,
    cell: &[usize],
    cut_off: &[&str],
    cohorts: &[usize],
) -> Gap {
    let a = ctx.a;
    let who = cohort_names(ctx, cohorts);
    let places = list(cut_off.iter().map(|x| place_name(a, x)));
    // Entry points that list one of the places (those serving the whole
    // area lead nowhere here, or there would be no gap).
    let local_entry = a
        .entry_points
        .iter()
        .any(|e| e.localities.iter().any(|x| cut_off.contains(&x.as_str())));
    let why = if local_entry {
        format!("no recorded referral route leads there from an entry point serving {places}")
    } else {
        format!("no entry point is recorded for {places}, and none elsewhere leads there")
    };
    let evidence = format!(
        "{} provision for {who} ({}) serves {places}, but {why}.",
        capitalised(&ctx.level_name(l)),
        ctx.names(cell),
    );
    let text = format!(
        "Agree a referral route into {} provision for {who} from the entry points in {places}, or open self-referral",
        ctx.level_name(l),
    );
    let mut gp = cohorts_at_level_gap(
        ctx,
        GapKind::Locality,
        (cohorts, l),
        evidence,
        (ActionTheme::Governance, text),
    );
    gp.id.push_str("/routes");
    gp.services = ctx.service_ids(cell);
    gp.entry_points = a
        .entry_points
        .iter()
        .filter(|e| e.localities.iter().any(|x| cut_off.contains(&x.as_str())))
        .map(|e| e.id.clone())
        .collect();
    gp.localities = cut_off.iter().map(|x| (*x).to_owned()).collect();
    gp
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
    let mut gp = cohorts_at_level_gap(
        ctx,
        GapKind::Locality,
        (cohorts, l),
        evidence,
        (ActionTheme::Commissioning, text),
    );
    gp.services = ctx.service_ids(cell);
    gp.localities = missing.iter().map(|x| (*x).to_owned()).collect();
    gp
}
