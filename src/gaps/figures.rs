//! Figures the gap rules and documents quote: money and numbers as people
//! read them, safe accommodation supply against the Council of Europe
//! benchmark, and the balance of perpetrator and victim provision.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{
    AccommodationType, Assessment, Funding, FundingPer, Role, Service, ServiceKind, kebab,
};
use crate::text::{money, number, plural};

/// A funding stream as money a year, when its amount is recorded: `per:
/// year` as written; `per: total` over its stated `years`, else over its
/// start and end dates, else over the assessment period.
pub fn annual_amount(f: &Funding, a: &Assessment) -> Option<f64> {
    let amount = f.amount?;
    Some(match f.per {
        FundingPer::Year => amount,
        FundingPer::Total => {
            let years = f.years.unwrap_or_else(|| {
                let (start, end) = match (f.starts, f.ends) {
                    (Some(s), Some(e)) => (s, e),
                    _ => (a.info.period.start, a.info.period.end),
                };
                start.days_until(end) as f64 / 365.25
            });
            amount / years.max(1.0)
        }
    })
}

/// Money a year over several streams: the recorded sum, and how many
/// streams give no amount.
pub fn yearly_funding<'f>(
    funding: impl IntoIterator<Item = &'f Funding>,
    a: &Assessment,
) -> (f64, usize) {
    let mut sum = 0.0;
    let mut unrecorded = 0;
    for f in funding {
        match annual_amount(f, a) {
            Some(v) => sum += v,
            None => unrecorded += 1,
        }
    }
    (sum, unrecorded)
}

/// A figure summed over services that may or may not record it: the sum
/// of what is recorded, and how many of how many services record it. An
/// absent figure is unknown, never zero, so a partial sum is "at least".
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    pub sum: i64,
    pub recorded: usize,
    pub of: usize,
}

impl Tally {
    fn add(&mut self, value: Option<i64>) {
        self.of += 1;
        if let Some(v) = value {
            self.sum += v;
            self.recorded += 1;
        }
    }

    /// Every service records it.
    pub fn complete(&self) -> bool {
        self.recorded == self.of
    }

    /// The sum when anything is recorded.
    pub fn known(&self) -> Option<i64> {
        (self.recorded > 0 || self.of == 0).then_some(self.sum)
    }

    /// `20`, `at least 18`, or `not recorded`.
    pub fn words(&self) -> String {
        match (self.recorded, self.complete()) {
            (0, _) if self.of > 0 => "not recorded".into(),
            (_, true) => number(self.sum as f64),
            _ => format!("at least {}", number(self.sum as f64)),
        }
    }

    /// `; 7 of 9 refuges do not record places`, or nothing when complete.
    pub fn missing(&self, of_what: (&str, &str), what: &str) -> String {
        if self.complete() {
            return String::new();
        }
        let missing = self.of - self.recorded;
        let verb = if missing == 1 { "does" } else { "do" };
        format!(
            "{} of {} {verb} not record {what}",
            number(missing as f64),
            plural(self.of, of_what.0, of_what.1)
        )
    }
}

/// Refuge and safe accommodation supply, from services' own figures and
/// figures recorded once for a group of them (`service_data`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccommodationSummary {
    /// Accommodation type (kebab-case) → (services, units, bedspaces).
    pub by_type: BTreeMap<String, TypeLine>,
    /// Refuge and specialist refuge units: the Council of Europe "family places".
    pub refuge_family_places: Tally,
    pub refuge_bedspaces: Tally,
    /// How many refuges there are (the Tallies count figures, not refuges,
    /// when a group of refuges records one figure).
    pub refuges: usize,
    pub total_population: Option<i64>,
    /// One family place per 10,000 people, when the total population is given.
    pub benchmark_places: Option<f64>,
    /// Cohorts (not perpetrators) no safe accommodation service is open to.
    pub cohorts_without: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TypeLine {
    pub services: Vec<String>,
    pub units: Tally,
    pub bedspaces: Tally,
}

/// For each service, the figures recorded for a group it belongs to (the
/// latest year that gives units or bedspaces): index of the group.
fn groups_with_places(a: &Assessment) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let mut units = vec![None; a.services.len()];
    let mut beds = vec![None; a.services.len()];
    let mut by_year: Vec<usize> = (0..a.service_data.len()).collect();
    by_year.sort_by_key(|&d| a.service_data[d].year);
    for d in by_year {
        let data = &a.service_data[d];
        for (s, service) in a.services.iter().enumerate() {
            let in_scope = data.services.contains(&service.id)
                || data
                    .accommodation
                    .is_some_and(|t| service.accommodation.as_ref().is_some_and(|x| x.kind == t));
            if in_scope {
                if data.units.is_some() {
                    units[s] = Some(d);
                }
                if data.bedspaces.is_some() {
                    beds[s] = Some(d);
                }
            }
        }
    }
    (units, beds)
}

pub(super) fn safe_accommodation(a: &Assessment) -> AccommodationSummary {
    let mut summary = AccommodationSummary {
        total_population: a.population.as_ref().and_then(|p| p.total),
        ..AccommodationSummary::default()
    };
    let (unit_groups, bed_groups) = groups_with_places(a);
    // A service's own figure, else its group's, counted once (with the
    // group's first service): `None` when the group is already counted.
    let mut counted: std::collections::BTreeSet<(usize, bool)> = Default::default();
    let mut figure = |own: Option<i64>, group: Option<usize>, beds: bool| match (own, group) {
        (Some(v), _) => Some(Some(v)),
        (None, Some(d)) if !counted.insert((d, beds)) => None,
        (None, Some(d)) => {
            let data = &a.service_data[d];
            Some(if beds { data.bedspaces } else { data.units })
        }
        (None, None) => Some(None),
    };
    for (i, s) in a.services.iter().enumerate() {
        let Some(acc) = &s.accommodation else {
            continue;
        };
        let units = figure(acc.units, unit_groups[i], false);
        let beds = figure(acc.bedspaces, bed_groups[i], true);
        let refuge = matches!(
            acc.kind,
            AccommodationType::Refuge | AccommodationType::SpecialistRefuge
        );
        let line = summary.by_type.entry(kebab(&acc.kind)).or_default();
        line.services.push(s.id.clone());
        if let Some(u) = units {
            line.units.add(u);
            if refuge {
                summary.refuge_family_places.add(u);
            }
        }
        if let Some(b) = beds {
            line.bedspaces.add(b);
            if refuge {
                summary.refuge_bedspaces.add(b);
            }
        }
        if refuge {
            summary.refuges += 1;
        }
    }
    summary.benchmark_places = summary.total_population.map(|t| t as f64 / 10_000.0);
    summary
}

impl BalanceLine {
    /// `120 places a year`, `at least 120 places a year`, `capacity not recorded`.
    pub fn capacity_words(&self) -> String {
        match (self.capacity_unrecorded, self.services.len()) {
            (_, 0) => "none".into(),
            (0, _) => format!("{} places a year", number(self.capacity_per_year)),
            (n, all) if n == all => "capacity not recorded".into(),
            _ => format!("at least {} places a year", number(self.capacity_per_year)),
        }
    }

    /// Is every service's spend recorded (so the sum is the spend)?
    pub fn spend_complete(&self) -> bool {
        self.streams_without_amount == 0 && self.services_without_funding == 0
    }

    /// `£120,000 a year`, `at least £120,000 a year`, `funding not recorded`.
    pub fn spend_words(&self) -> String {
        if self.services.is_empty() {
            "none".into()
        } else if self.spend_complete() {
            format!("{} a year", money(self.spend_per_year))
        } else if self.spend_per_year == 0.0 {
            "funding not recorded".into()
        } else {
            format!("at least {} a year", money(self.spend_per_year))
        }
    }
}

/// Capacity and spend of one kind of provision.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BalanceLine {
    pub services: Vec<String>,
    /// Cases or places a year, summed over services that record it.
    pub capacity_per_year: f64,
    /// Services that record no capacity (the sum is then "at least").
    pub capacity_unrecorded: usize,
    /// Money a year, summed over the services' funding that records an amount.
    pub spend_per_year: f64,
    /// Funding streams that give no amount (the spend is at least the sum).
    pub streams_without_amount: usize,
    /// Services that record no funding at all.
    pub services_without_funding: usize,
}

/// Perpetrator interventions against victim services (the Home Office
/// Perpetrator Intervention Fund splits general, children and young
/// people's, and stalking interventions; seed 003).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Balance {
    pub general: BalanceLine,
    pub under_18: BalanceLine,
    pub stalking: BalanceLine,
    pub victim_services: BalanceLine,
    /// Perpetrator spend as a share of victim-service spend.
    pub spend_ratio: Option<f64>,
}

fn add(line: &mut BalanceLine, s: &Service, a: &Assessment) {
    line.services.push(s.id.clone());
    match s.capacity.as_ref().and_then(|c| c.per_year) {
        Some(v) => line.capacity_per_year += v,
        None => line.capacity_unrecorded += 1,
    }
    if s.funding.is_empty() {
        line.services_without_funding += 1;
    }
    let (spend, unrecorded) = yearly_funding(&s.funding, a);
    line.spend_per_year += spend;
    line.streams_without_amount += unrecorded;
}

/// A perpetrator programme for under-18s: it, or every perpetrator cohort it
/// serves, stops at 17.
fn is_under_18(s: &Service, a: &Assessment) -> bool {
    if s.ages.and_then(|g| g.max).is_some_and(|m| m < 18) {
        return true;
    }
    let perpetrators: Vec<_> = a
        .cohorts
        .iter()
        .filter(|c| c.role == Role::Perpetrator && s.cohorts.contains(&c.id))
        .collect();
    !perpetrators.is_empty()
        && perpetrators
            .iter()
            .all(|c| c.ages.and_then(|g| g.max).is_some_and(|m| m < 18))
}

pub(super) fn perpetrator_balance(a: &Assessment) -> Balance {
    let mut b = Balance::default();
    for s in &a.services {
        match s.kind {
            ServiceKind::PerpetratorProgramme if s.support.iter().any(|x| x == "stalking") => {
                add(&mut b.stalking, s, a)
            }
            ServiceKind::PerpetratorProgramme if is_under_18(s, a) => add(&mut b.under_18, s, a),
            ServiceKind::PerpetratorProgramme => add(&mut b.general, s, a),
            ServiceKind::MultiAgency => {}
            _ => add(&mut b.victim_services, s, a),
        }
    }
    let perpetrator =
        b.general.spend_per_year + b.under_18.spend_per_year + b.stalking.spend_per_year;
    // A share of partly recorded spend would be a guess.
    let complete = [&b.general, &b.under_18, &b.stalking, &b.victim_services]
        .iter()
        .all(|l| l.spend_complete());
    if complete && b.victim_services.spend_per_year > 0.0 {
        b.spend_ratio = Some(perpetrator / b.victim_services.spend_per_year);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spend_that_is_not_recorded_is_not_zero() {
        let mut line = BalanceLine {
            services: vec!["a".into()],
            services_without_funding: 1,
            ..BalanceLine::default()
        };
        assert_eq!(line.spend_words(), "funding not recorded");
        line.spend_per_year = 1000.0;
        assert_eq!(line.spend_words(), "at least £1,000 a year");
        line.services_without_funding = 0;
        assert_eq!(line.spend_words(), "£1,000 a year");
    }
}
