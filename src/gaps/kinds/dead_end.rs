//! `dead-end`: a service that refers nowhere, where a survivor's journey
//! ended without support.



use crate::gaps::context::{
    Context, gap,
    list,
};
use crate::text::plural;
use crate::gaps::kinds::Rule;
use crate::gaps::unknowns::{self, DataGap, DataTopic};
use crate::gaps::{Gap, GapKind, GapSeverity};
use crate::model::{
    ActionTheme, Assessment, FindingTheme,
};

pub(super) const RULE: Rule = Rule {
    id: "dead-end",
    finds: "a service below the top level that refers nowhere, where a survivor's journey ended without support",
    severity: "only where a survivor's journey ended there without support (else a data gap): medium: the service serves a priority cohort; low: otherwise",
    theme: FindingTheme::Referral,
    find: |ctx, found| dead_end(ctx, &mut found.gaps, &mut found.unknowns),
};

/// A service below the top level that refers nowhere: no step-up, no
/// step-down, no move-on. No onward route recorded is not proof that there
/// is none, so it is a gap only where a survivor's journey ended there
/// without support; otherwise the services are one data gap.
fn dead_end(ctx: &Context, gaps: &mut Vec<Gap>, unknowns: &mut Vec<DataGap>) {
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
