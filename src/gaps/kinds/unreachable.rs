//! `unreachable`: provision exists, but no recorded route leads to it.

use std::collections::{BTreeMap, BTreeSet};


use crate::gaps::context::cohorts_at_level_gap;
use crate::gaps::context::{
    Context, cohort_names,
    list,
};
use crate::text::plural;
use crate::gaps::kinds::Rule;
use crate::gaps::unknowns::{self, DataGap, DataTopic};
use crate::gaps::{Gap, GapKind};
use crate::model::{
    ActionTheme, Assessment, FindingTheme,
};

pub(super) const RULE: Rule = Rule {
    id: "unreachable",
    finds: "provision exists, referral routes into it are recorded, but none from an entry point leads there for the cohort",
    severity: "high: a priority cohort at a high-need level; medium: a priority cohort or a high-need level; low: otherwise",
    theme: FindingTheme::Referral,
    find: |ctx, found| unreachable(ctx, &mut found.gaps, &mut found.unknowns),
};

/// Eligible provision exists at a level, but no referral route from any
/// entry point reaches it for the cohort. Cohorts cut off from the same
/// services at a level are one gap. Where the services record no route in
/// at all (nothing refers to them, they name no referrer), the routes are
/// not recorded rather than absent: one data gap.
fn unreachable(ctx: &Context, gaps: &mut Vec<Gap>, unknowns: &mut Vec<DataGap>) {
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
    let mut gp = cohorts_at_level_gap(
        ctx,
        GapKind::Unreachable,
        (cohorts, l),
        evidence,
        (ActionTheme::Governance, text),
    );
    gp.services = ctx.service_ids(cell);
    gp
}
