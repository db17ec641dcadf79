//! `single-point-of-failure`: one service whose loss cuts a cohort off.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use petgraph::algo::dominators;
use petgraph::graph::NodeIndex;

use crate::gaps::context::{
    Context, gap, list,
};
use crate::gaps::kinds::Rule;
use crate::gaps::{Gap, GapKind, GapSeverity};
use crate::graph::NodeRef;
use crate::model::{
    ActionTheme, FindingTheme, ServiceKind,
};

pub(super) const RULE: Rule = Rule {
    id: "single-point-of-failure",
    finds: "every route to a level passes through one service (a dominator from the entry points), or one service (not a multi-agency process) is the only provision at a high-need level",
    severity: "high: a service every route passes through, at a high-need level, for a priority cohort; medium: a high-need level; low: otherwise",
    theme: FindingTheme::Partnership,
    find: |ctx, found| single_point_of_failure(ctx, &mut found.gaps),
};

/// One service whose loss cuts a cohort off from a level: a service every
/// route passes through (a dominator of all reachable provision, from the
/// virtual root over the entry points), or the only provider at a
/// high-need level. One gap per service and level, naming every cohort.
fn single_point_of_failure(ctx: &Context, gaps: &mut Vec<Gap>) {
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
            let mut count: HashMap<NodeIndex, usize> = HashMap::default();
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
            .map(|&c| ctx.in_sentence(&a.cohorts[c].name))
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
