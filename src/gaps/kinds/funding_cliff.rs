//! `funding-cliff`: funding that ends inside the period, or runs short.

use std::collections::{BTreeMap, BTreeSet};


use crate::gaps::context::{
    Context, cohort_names, gap, list,
};
use crate::gaps::figures::yearly_funding;
use crate::text::{money, plural};
use crate::gaps::kinds::Rule;
use crate::gaps::{Gap, GapKind, GapSeverity};
use crate::model::{
    ActionTheme, FindingTheme,
};

pub(super) const RULE: Rule = Rule {
    id: "funding-cliff",
    finds: "funding that ends inside the strategy period or runs under two years: the money a year at risk, and who loses all provision; services losing the same streams on the same day are one gap",
    severity: "high: a priority cohort loses all provision at a high-need level; medium: some cohort loses all provision at a level, or the funding runs under two years; low: otherwise",
    theme: FindingTheme::Retention,
    find: |ctx, found| funding_cliff(ctx, &mut found.gaps),
};

/// Funding that ends before the assessment period does, or runs under two
/// years: the money at risk, and which cohorts lose all provision at a
/// level if the service stops. Services losing the same streams on the
/// same day are one gap: one cause, one decision.
fn funding_cliff(ctx: &Context, gaps: &mut Vec<Gap>) {
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
                    ctx.in_sentence(&a.cohorts[c].name),
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
