//! Data gaps: what the analysis cannot judge because the assessment does
//! not record it. An absent figure is unknown, never zero, so where a gap
//! would rest on missing data the analysis says so here instead, with what
//! to collect.

use serde::Serialize;

use super::context::{Context, list};
use crate::model::{Assessment, Status};
use crate::text::plural;

/// What kind of data is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataTopic {
    /// Services' yearly capacity.
    Capacity,
    /// The share of victims who need a level, to size need there.
    NeedByLevel,
    /// A cohort's estimated need (prevalence or demand).
    Estimate,
    /// Refuge and safe accommodation units or bedspaces.
    Places,
    /// Why referred people were not supported.
    TurnAwayReasons,
    /// Which levels a service works at.
    Levels,
    /// Who a service serves.
    Eligibility,
    /// Where a service refers people on to.
    OnwardRoutes,
    /// Who refers people into a service.
    ReferralRoutes,
    /// Which support types safe accommodation gives.
    SupportTypes,
    /// How much a funding stream is worth.
    FundingAmounts,
    /// How far an action has got.
    ActionStatus,
}

impl DataTopic {
    pub fn label(self) -> &'static str {
        match self {
            DataTopic::Capacity => "Capacity",
            DataTopic::NeedByLevel => "Need by level",
            DataTopic::Estimate => "Estimated need",
            DataTopic::Places => "Safe accommodation places",
            DataTopic::TurnAwayReasons => "Why people were not supported",
            DataTopic::Levels => "Levels of need served",
            DataTopic::Eligibility => "Who services serve",
            DataTopic::OnwardRoutes => "Onward referral routes",
            DataTopic::ReferralRoutes => "Referral routes in",
            DataTopic::SupportTypes => "Support in safe accommodation",
            DataTopic::FundingAmounts => "Funding amounts",
            DataTopic::ActionStatus => "Progress of actions",
        }
    }
}

/// One thing the analysis cannot judge, and what would let it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataGap {
    /// Stable: `capacity`, `places/refuge`, `estimate/men`.
    pub id: String,
    pub topic: DataTopic,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cohorts: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// What is not recorded and what cannot be judged for it.
    pub text: String,
    /// What to collect.
    pub collect: String,
}

impl DataGap {
    pub fn new(id: impl Into<String>, topic: DataTopic, text: String, collect: &str) -> Self {
        DataGap {
            id: id.into(),
            topic,
            cohorts: Vec::new(),
            levels: Vec::new(),
            services: Vec::new(),
            text,
            collect: collect.to_owned(),
        }
    }
}

/// `A, B and C`, or `A, B, C and 12 more` past five names.
pub(super) fn some_names<'x>(names: impl IntoIterator<Item = &'x str>) -> String {
    let all: Vec<&str> = names.into_iter().collect();
    if all.len() <= 5 {
        return list(all);
    }
    let more = format!("{} more", all.len() - 4);
    list(all[..4].iter().copied().chain([more.as_str()]))
}

/// The data gaps that come from the model alone (the rules add those that
/// come from a judgement they could not make).
pub(super) fn recorded_fields(ctx: &Context, out: &mut Vec<DataGap>) {
    let a = ctx.a;
    services_without(
        a,
        out,
        |s| s.levels.is_empty(),
        DataTopic::Levels,
        "levels",
        "records no level of need, so it is left out of coverage",
        "record no level of need, so they are left out of coverage",
        "the levels of need each service works at",
    );
    services_without(
        a,
        out,
        |s| s.cohorts.is_empty() && s.open_to.is_none(),
        DataTopic::Eligibility,
        "eligibility",
        "records neither the cohorts it serves nor whom it is open to, so nobody is counted as eligible for it",
        "record neither the cohorts they serve nor whom they are open to, so nobody is counted as eligible for them",
        "who each service takes: open to all (roles and ages), or the cohorts it serves",
    );
    let unestimated: Vec<&crate::model::Cohort> = a
        .cohorts
        .iter()
        .filter(|c| c.demand.is_none() && (c.prevalence.is_none() || c.population.is_none()))
        .collect();
    if !unestimated.is_empty() {
        let mut gap = DataGap::new(
            "estimate",
            DataTopic::Estimate,
            format!(
                "No prevalence or demand estimate is recorded for {}, so their need cannot be sized and their capacity cannot be judged.",
                some_names(
                    unestimated
                        .iter()
                        .map(|c| ctx.in_sentence(&c.name))
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str)
                )
            ),
            "a prevalence rate with its population group (CSEW for adults), or a local demand estimate with its source",
        );
        gap.cohorts = unestimated.iter().map(|c| c.id.clone()).collect();
        out.push(gap);
    }
    reasons_not_recorded(a, out);
    funding_without_amount(a, out);
    actions_without_status(a, out);
    accommodation_without_support_types(a, out);
}

#[allow(clippy::too_many_arguments)]
fn services_without(
    a: &Assessment,
    out: &mut Vec<DataGap>,
    missing: impl Fn(&crate::model::Service) -> bool,
    topic: DataTopic,
    id: &str,
    one: &str,
    many: &str,
    collect: &str,
) {
    let services: Vec<&crate::model::Service> = a.services.iter().filter(|s| missing(s)).collect();
    if services.is_empty() {
        return;
    }
    let names = some_names(services.iter().map(|s| s.name.as_str()));
    let text = if services.len() == 1 {
        format!("{names} {one}.")
    } else {
        format!("{names} {many}.")
    };
    let mut gap = DataGap::new(id, topic, text, collect);
    gap.services = services.iter().map(|s| s.id.clone()).collect();
    out.push(gap);
}

/// Service data that counts people not supported but gives no reason:
/// how many were turned away for lack of space is not known.
fn reasons_not_recorded(a: &Assessment, out: &mut Vec<DataGap>) {
    let silent: Vec<&crate::model::ServiceData> = a
        .service_data
        .iter()
        .filter(|d| d.not_supported.is_some_and(|n| n > 0.0))
        .filter(|d| {
            d.not_supported_reasons
                .as_ref()
                .is_none_or(|r| r.each().iter().all(|(_, _, v)| v.is_none()))
        })
        .collect();
    if silent.is_empty() {
        return;
    }
    let each: Vec<String> = silent
        .iter()
        .map(|d| {
            let who = match d.accommodation {
                Some(t) => format!("every {}", crate::model::kebab(&t).replace('-', " ")),
                None => d.services.join(", "),
            };
            format!(
                "{} not supported by {who} in {}",
                crate::text::number(d.not_supported.unwrap_or(0.0)),
                d.year
            )
        })
        .collect();
    let mut gap = DataGap::new(
        "turn-away-reasons",
        DataTopic::TurnAwayReasons,
        format!(
            "Service data counts people not supported ({}) but not why, so how many were turned away for lack of space is not known.",
            list(each.iter().map(String::as_str))
        ),
        "why each referral was not supported: no space, needs could not be met, eligibility, risk, declined, other (as the Part 4 annual return asks)",
    );
    let mut services: Vec<String> = silent
        .iter()
        .flat_map(|d| d.services.iter().cloned())
        .collect();
    services.sort();
    services.dedup();
    gap.services = services;
    out.push(gap);
}

fn funding_without_amount(a: &Assessment, out: &mut Vec<DataGap>) {
    let services: Vec<&crate::model::Service> = a
        .services
        .iter()
        .filter(|s| s.funding.iter().any(|f| f.amount.is_none()))
        .collect();
    if services.is_empty() {
        return;
    }
    let mut gap = DataGap::new(
        "funding-amounts",
        DataTopic::FundingAmounts,
        format!(
            "Funding for {} records no amount, so spend and the money at risk are at least the recorded sums.",
            some_names(services.iter().map(|s| s.name.as_str()))
        ),
        "the amount of each funding stream, a year or in total with the years it covers",
    );
    gap.services = services.iter().map(|s| s.id.clone()).collect();
    out.push(gap);
}

fn actions_without_status(a: &Assessment, out: &mut Vec<DataGap>) {
    let n = a
        .actions
        .iter()
        .filter(|x| x.status == Status::NotRecorded)
        .count();
    if n == 0 {
        return;
    }
    out.push(DataGap::new(
        "action-status",
        DataTopic::ActionStatus,
        if n == a.actions.len() {
            "No action records its status, so progress on the plan cannot be reported.".to_owned()
        } else {
            format!(
                "{n} of {} record no status, so progress on them cannot be reported.",
                plural(a.actions.len(), "action", "actions")
            )
        },
        "each action's status (not started, on track, at risk, off track, done) at each review",
    ));
}

fn accommodation_without_support_types(a: &Assessment, out: &mut Vec<DataGap>) {
    let services: Vec<&crate::model::Service> = a
        .services
        .iter()
        .filter(|s| s.accommodation.is_some() && s.support.is_empty())
        .collect();
    if services.is_empty() {
        return;
    }
    let mut gap = DataGap::new(
        "support-types",
        DataTopic::SupportTypes,
        format!(
            "{} {} no Part 4 support types, so whether children's support, advocacy or counselling is given there is not known.",
            some_names(services.iter().map(|s| s.name.as_str())),
            if services.len() == 1 {
                "records"
            } else {
                "record"
            }
        ),
        "the support each safe accommodation service gives (advocacy, children's support, housing-related support, counselling and therapy...)",
    );
    gap.services = services.iter().map(|s| s.id.clone()).collect();
    out.push(gap);
}
