//! Evidence beyond the structure of provision: findings that show a gap,
//! and survivors' refusals tied to the gaps they met.

use rustc_hash::FxHashMap as HashMap;

use crate::gaps::context::{Context, cohort_names, gap};
use crate::gaps::{Gap, GapKind, GapSeverity, MAX_NAMED_JOURNEYS};
use crate::model::{ActionTheme, Assessment, Consent, StepOutcome};

/// Gaps a finding shows (`shows:`): consultation evidence of unmet need.
/// Where the analysis already finds a gap of that kind for the finding's
/// cohorts (and its services or levels, when it names them), the finding
/// corroborates it; otherwise the finding is the gap's evidence.
pub(super) fn reported(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    for f in &a.findings {
        let Some(kind) = f.shows.as_deref().and_then(GapKind::named) else {
            continue;
        };
        let same = |g: &Gap| g.kind == kind && shows(f, g);
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

/// Does a finding that shows a gap of this gap's kind show this one: its
/// cohorts, services and levels, where it names them, meet the gap's?
fn shows(f: &crate::model::Finding, g: &Gap) -> bool {
    (f.cohorts.is_empty() || f.cohorts.iter().any(|c| g.cohorts.contains(c)))
        && (f.services.is_empty() || f.services.iter().any(|s| g.touches(s)))
        && (f.levels.is_empty()
            || g.levels.is_empty()
            || f.levels.iter().any(|l| g.levels.contains(l)))
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
    gp.entry_points = f
        .services
        .iter()
        .filter(|id| a.entry_points.iter().any(|e| &e.id == *id))
        .cloned()
        .collect();
    gp.corroboration = vec![mark];
    gp
}

/// Tie each refusal at a service that excludes one of the journey's
/// cohorts to the matching `exclusion` gap: the journey becomes part of its
/// evidence.
pub(super) fn link_refusals(a: &Assessment, gaps: &mut [Gap]) {
    // Indexed once, not searched for at every refusal of every journey.
    let services: HashMap<&str, &crate::model::Service> =
        a.services.iter().map(|s| (s.id.as_str(), s)).collect();
    let exclusions: Vec<usize> = (0..gaps.len())
        .filter(|&k| gaps[k].kind == GapKind::Exclusion)
        .collect();
    // Refusals each gap's evidence tells of, and those it only counts.
    let mut told = vec![0usize; gaps.len()];
    let mut untold = vec![0usize; gaps.len()];
    for j in &a.journeys {
        for step in j.steps.iter().filter(|s| s.outcome == StepOutcome::Refused) {
            let Some(service) = services.get(step.at.as_str()) else {
                continue;
            };
            let excluded: Vec<&String> = service
                .excludes
                .iter()
                .filter(|x| j.cohorts.contains(x))
                .collect();
            for &k in &exclusions {
                let gap = &mut gaps[k];
                // Journeys are visited one at a time, so one already linked
                // is the last: no search of the list.
                let matches = gap.services.contains(&service.id)
                    && gap.need.as_ref().is_some_and(|n| excluded.contains(&n))
                    && gap.journeys.last() != Some(&j.id);
                if !matches {
                    continue;
                }
                gap.journeys.push(j.id.clone());
                if told[k] == MAX_NAMED_JOURNEYS {
                    untold[k] += 1;
                    continue;
                }
                told[k] += 1;
                let who = if j.consent == Consent::Publish {
                    format!("journey {}", j.id)
                } else {
                    "an unpublished journey".to_owned()
                };
                gap.evidence.push_str(&format!(
                    " Survivors met it: {who} was refused at {} on day {}.",
                    service.name, step.day
                ));
            }
        }
    }
    for (gap, more) in gaps.iter_mut().zip(untold) {
        if more > 0 {
            let (verb, noun) = if more == 1 {
                ("was", "journey")
            } else {
                ("were", "journeys")
            };
            gap.evidence.push_str(&format!(
                " So {verb} {} more {noun}.",
                crate::gaps::number(more as f64)
            ));
        }
    }
}

/// Record what confirms each gap beyond the structure of provision: a
/// finding naming it (or one of its cohorts and one of its services), and
/// the survivors' journeys already linked to it.
pub(super) fn corroborate(a: &Assessment, gaps: &mut [Gap]) {
    for gap in gaps.iter_mut() {
        for f in &a.findings {
            let named = f.gaps.contains(&gap.id);
            let touches = f.cohorts.iter().any(|c| gap.cohorts.contains(c))
                && f.services.iter().any(|s| gap.touches(s));
            if named || touches {
                gap.corroboration.push(format!("finding:{}", f.id));
            }
        }
        for j in &gap.journeys {
            let mark = format!("journey:{j}");
            if !gap.corroboration.contains(&mark) {
                gap.corroboration.push(mark);
            }
        }
    }
}

/// Severity weighs corroboration: a low gap that evidence beyond the
/// structure confirms is rated medium. Strong evidence is service data, a
/// finding that names the gap (`gaps:`) or shows its kind (`shows:`), and a
/// survivor's journey, except where journeys are what the rule itself
/// found the gap in (`unmapped-pathway`, `dead-end`). A finding that only
/// shares a cohort and a service with the gap is noted, but does not raise
/// it.
pub(super) fn weigh(a: &Assessment, gaps: &mut [Gap]) {
    for gap in gaps.iter_mut().filter(|g| g.severity == GapSeverity::Low) {
        let from_journeys = matches!(gap.kind, GapKind::UnmappedPathway | GapKind::DeadEnd);
        let strong = gap.corroboration.iter().any(|c| match c.split_once(':') {
            Some(("service-data", _)) => true,
            Some(("journey", _)) => !from_journeys,
            // A finding confirms a gap it names, or one of the kind it
            // shows that it matches; not the gap it is itself the
            // evidence of (`KIND/reported/ID`).
            Some(("finding", id)) => a.findings.iter().any(|f| {
                f.id == id
                    && !gap.id.ends_with(&format!("/reported/{id}"))
                    && (f.gaps.contains(&gap.id)
                        || (f.shows.as_deref() == Some(gap.kind.as_str()) && shows(f, gap)))
            }),
            _ => false,
        });
        if strong {
            gap.severity = GapSeverity::Medium;
        }
    }
}
