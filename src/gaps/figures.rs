//! Figures the gap rules and documents quote: money and numbers as people
//! read them, safe accommodation supply against the Council of Europe
//! benchmark, and the balance of perpetrator and victim provision.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{
    AccommodationType, Assessment, Funding, FundingPer, Role, Service, ServiceKind, kebab,
};

/// `12,345` (rounded to a whole number).
pub fn number(value: f64) -> String {
    let rounded = value.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 { format!("-{out}") } else { out }
}

/// `1 service`, `2 services`, `1,200 services`: a count and its noun, as
/// every message, table and document says it.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", number(n as f64), if n == 1 { one } else { many })
}

/// `£180,000`.
pub fn money(value: f64) -> String {
    format!("£{}", number(value))
}

/// `12%`, or `0.4%` below one percent so small shares do not read as zero.
pub fn percent(ratio: f64) -> String {
    let pct = ratio * 100.0;
    if pct > 0.0 && pct < 1.0 {
        format!("{pct:.1}%")
    } else {
        format!("{}%", pct.round() as i64)
    }
}

/// A rate such as a prevalence, to one decimal place: `6.5%`.
pub fn rate(ratio: f64) -> String {
    let pct = ratio * 100.0;
    if (pct - pct.round()).abs() < 0.05 {
        format!("{}%", pct.round() as i64)
    } else {
        format!("{pct:.1}%")
    }
}

/// A funding stream as money a year: `per: year` as written; `per: total`
/// spread over its start and end dates, or over the assessment period when
/// it gives none.
pub fn annual_amount(f: &Funding, a: &Assessment) -> f64 {
    match f.per {
        FundingPer::Year => f.amount,
        FundingPer::Total => {
            let (start, end) = match (f.starts, f.ends) {
                (Some(s), Some(e)) => (s, e),
                _ => (a.info.period.start, a.info.period.end),
            };
            let years = (start.days_until(end) as f64 / 365.25).max(1.0);
            f.amount / years
        }
    }
}

/// Refuge and safe accommodation supply.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccommodationSummary {
    /// Accommodation type (kebab-case) → (services, units, bedspaces).
    pub by_type: BTreeMap<String, TypeLine>,
    /// Refuge and specialist refuge units: the Council of Europe "family places".
    pub refuge_family_places: i64,
    pub refuge_bedspaces: i64,
    pub total_population: Option<i64>,
    /// One family place per 10,000 people, when the total population is given.
    pub benchmark_places: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TypeLine {
    pub services: Vec<String>,
    pub units: i64,
    pub bedspaces: i64,
}

pub fn safe_accommodation(a: &Assessment) -> AccommodationSummary {
    let mut summary = AccommodationSummary {
        total_population: a.population.as_ref().and_then(|p| p.total),
        ..AccommodationSummary::default()
    };
    for s in &a.services {
        let Some(acc) = &s.accommodation else {
            continue;
        };
        let line = summary.by_type.entry(kebab(&acc.kind)).or_default();
        line.services.push(s.id.clone());
        line.units += acc.units.unwrap_or(0);
        line.bedspaces += acc.bedspaces.unwrap_or(0);
        if matches!(
            acc.kind,
            AccommodationType::Refuge | AccommodationType::SpecialistRefuge
        ) {
            summary.refuge_family_places += acc.units.unwrap_or(0);
            summary.refuge_bedspaces += acc.bedspaces.unwrap_or(0);
        }
    }
    summary.benchmark_places = summary.total_population.map(|t| t as f64 / 10_000.0);
    summary
}

/// Capacity and spend of one kind of provision.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BalanceLine {
    pub services: Vec<String>,
    /// Cases or places a year, summed over services that record it.
    pub capacity_per_year: f64,
    /// Money a year, summed over the services' funding.
    pub spend_per_year: f64,
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
    line.capacity_per_year += s.capacity.as_ref().and_then(|c| c.per_year).unwrap_or(0.0);
    line.spend_per_year += s.funding.iter().map(|f| annual_amount(f, a)).sum::<f64>();
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

pub fn perpetrator_balance(a: &Assessment) -> Balance {
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
    if b.victim_services.spend_per_year > 0.0 {
        b.spend_ratio = Some(perpetrator / b.victim_services.spend_per_year);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_report() {
        assert_eq!(number(1234567.4), "1,234,567");
        assert_eq!(number(999.0), "999");
        assert_eq!(number(-4500.0), "-4,500");
        assert_eq!(money(180000.0), "£180,000");
        assert_eq!(percent(0.6), "60%");
        assert_eq!(percent(0.004), "0.4%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(rate(0.065), "6.5%");
        assert_eq!(rate(0.095), "9.5%");
        assert_eq!(rate(0.07), "7%");
    }

    #[test]
    fn one_of_a_thing_is_singular() {
        assert_eq!(plural(1, "refusal", "refusals"), "1 refusal");
        assert_eq!(plural(0, "refusal", "refusals"), "0 refusals");
        assert_eq!(plural(1200, "service", "services"), "1,200 services");
    }
}
