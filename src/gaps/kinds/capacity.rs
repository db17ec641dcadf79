//! `capacity`: supply against recorded demand, a benchmark or need.

use std::collections::{BTreeMap, BTreeSet};


use crate::gaps::context::{
    Context, for_cohort, gap, list,
};
use crate::text::{
    number, percent, plural, rate,
};
use crate::gaps::kinds::Rule;
use crate::gaps::unknowns::{self, DataGap, DataTopic};
use crate::gaps::{CapacityBasis, Gap, GapKind, GapSeverity};
use crate::model::{
    ActionTheme, Assessment, Cohort, CohortKind, FindingTheme,
    ServiceData, ServiceKind,
};

pub(super) const RULE: Rule = Rule {
    id: "capacity",
    finds: "unmet demand first: people services turned away for lack of space, or could not support for reasons not recorded (`service_data`); then refuge family places against the Council of Europe's one per 10,000 people; then capacity against a demand estimate, or against prevalence through a level's `share_of_need`; each gap says its `basis`",
    severity: "turned away for lack of space: high: 25% or more of those referred; medium: 10% or more, or the share unknown; low: otherwise. Referred but not supported, reasons not recorded: medium. Against a demand estimate, or prevalence through a level's share of need: high: under 25% of the need; medium: under 60%; low: under 100%. Refuge benchmark: high: under 50%; medium: under 100%. Only when every service counted records its capacity (else a data gap)",
    theme: FindingTheme::Retention,
    find: |ctx, found| {
        capacity(ctx, &mut found.gaps, &mut found.unknowns);
        refuge_benchmark(ctx, &mut found.gaps, &mut found.unknowns);
    },
};

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
fn capacity(ctx: &Context, gaps: &mut Vec<Gap>, unknowns: &mut Vec<DataGap>) {
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
                        .map(|&c| ctx.in_sentence(&a.cohorts[c].name))
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
        ctx.in_sentence(&cohort.name),
        number(supply.per_year),
        number(need.estimate),
        need.basis_words,
        percent(ratio)
    );
    let text = match need.level {
        Some(l) => format!(
            "Grow {} capacity for {} towards the estimated need",
            ctx.level_name(l),
            ctx.in_sentence(&cohort.name)
        ),
        None => format!(
            "Grow capacity for {} towards the estimated need, starting with the levels where it is thinnest",
            ctx.in_sentence(&cohort.name)
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
            let name = ctx.in_sentence(&a.cohorts[c].name);
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
fn refuge_benchmark(ctx: &Context, gaps: &mut Vec<Gap>, unknowns: &mut Vec<DataGap>) {
    let summary = &ctx.safe_accommodation;
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
