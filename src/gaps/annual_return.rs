//! The figures of the Part 4 annual return: for the latest year services
//! record (`service_data`), by the regulations' types of relevant
//! accommodation, the places commissioned and what services record of
//! demand. Every figure is a sum of recorded ones, and says how many of
//! the records it could draw on; nothing unrecorded counts as 0.

use std::collections::BTreeMap;

use serde::Serialize;

use super::figures::AccommodationSummary;
use crate::model::{AccommodationType, Assessment, ServiceData, ServiceKind, kebab};

/// A sum over the records that hold a figure, and how many of the
/// records in scope do.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub(crate) struct Figure {
    pub sum: f64,
    pub recorded: usize,
    pub of: usize,
}

impl Figure {
    fn add(&mut self, value: Option<f64>) {
        self.of += 1;
        if let Some(v) = value {
            self.sum += v;
            self.recorded += 1;
        }
    }

    /// The sum, when any record holds the figure.
    pub(crate) fn known(&self) -> Option<f64> {
        (self.recorded > 0).then_some(self.sum)
    }

    pub(crate) fn complete(&self) -> bool {
        self.recorded == self.of
    }
}

/// One line of the return: a relevant accommodation type.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ReturnLine {
    /// "Refuge accommodation" (SI 2021/991's words).
    pub accommodation: String,
    /// The services of the type.
    pub services: Vec<String>,
    /// Units (for sanctuary schemes, homes made safe) and bedspaces, from
    /// the services' own figures or their group's.
    pub units: Figure,
    pub bedspaces: Figure,
    /// Demand records of the year about this type.
    pub records: usize,
    pub referrals: Figure,
    pub supported: Figure,
    pub from_outside_area: Figure,
    pub not_supported: Figure,
    /// Reason field (`no_capacity`) → figure.
    pub reasons: BTreeMap<String, Figure>,
    pub sources: Vec<String>,
}

/// The return: its year, and a line for each type with services or
/// records.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct AnnualReturn {
    /// The year the figures cover (2025 for 2025-26), when any service
    /// records demand on safe accommodation.
    pub year: Option<i32>,
    pub lines: Vec<ReturnLine>,
    /// Records about several types together (or about safe accommodation
    /// with other services), by their scope: counted in no line, because a
    /// line is one type.
    pub mixed: Vec<String>,
}

/// The type a demand record is about, when it is about one type of safe
/// accommodation: `Err(true)` for several types, `Err(false)` for none.
fn record_type(a: &Assessment, d: &ServiceData) -> Result<&'static str, bool> {
    if let Some(t) = d.accommodation {
        return Ok(t.legal_type());
    }
    let mut types: Vec<&'static str> = Vec::new();
    let mut other = false;
    for id in &d.services {
        let Some(s) = a.services.iter().find(|s| &s.id == id) else {
            continue;
        };
        match (&s.accommodation, s.kind) {
            (Some(acc), ServiceKind::Accommodation) => {
                if !types.contains(&acc.kind.legal_type()) {
                    types.push(acc.kind.legal_type());
                }
            }
            _ => other = true,
        }
    }
    // Safe accommodation counted together with other services cannot be
    // split by type either: it is listed with the mixed records.
    match (types.as_slice(), other) {
        ([one], false) => Ok(one),
        ([], _) => Err(false),
        _ => Err(true),
    }
}

pub(crate) fn annual_return(a: &Assessment, summary: &AccommodationSummary) -> AnnualReturn {
    let typed: Vec<(&ServiceData, Result<&'static str, bool>)> = a
        .service_data
        .iter()
        .map(|d| (d, record_type(a, d)))
        .filter(|(_, t)| *t != Err(false))
        .collect();
    let year = typed.iter().map(|(d, _)| d.year).max();
    let mut lines: BTreeMap<&'static str, ReturnLine> = BTreeMap::new();
    for t in AccommodationType::ALL {
        let Some(line) = summary.by_type.get(&kebab(&t)) else {
            continue;
        };
        let entry = lines.entry(t.legal_type()).or_insert_with(|| ReturnLine {
            accommodation: t.legal_type().to_owned(),
            ..ReturnLine::default()
        });
        entry.services.extend(line.services.iter().cloned());
        entry.units.of += line.units.of;
        entry.units.recorded += line.units.recorded;
        entry.units.sum += line.units.sum as f64;
        entry.bedspaces.of += line.bedspaces.of;
        entry.bedspaces.recorded += line.bedspaces.recorded;
        entry.bedspaces.sum += line.bedspaces.sum as f64;
    }
    let mut mixed = Vec::new();
    for (d, t) in &typed {
        if Some(d.year) != year {
            continue;
        }
        let Ok(t) = t else {
            mixed.push(d.services.join(", "));
            continue;
        };
        let line = lines.entry(t).or_insert_with(|| ReturnLine {
            accommodation: (*t).to_owned(),
            ..ReturnLine::default()
        });
        line.records += 1;
        line.referrals.add(d.referrals);
        line.supported.add(d.supported);
        line.from_outside_area.add(d.from_outside_area);
        line.not_supported.add(d.not_supported);
        let reasons = d.not_supported_reasons.clone().unwrap_or_default();
        for (field, _, value) in reasons.each() {
            line.reasons.entry(field.to_owned()).or_default().add(value);
        }
        if !line.sources.contains(&d.source) {
            line.sources.push(d.source.clone());
        }
    }
    let order = |name: &str| {
        AccommodationType::ALL
            .iter()
            .position(|t| t.legal_type() == name)
            .unwrap_or(usize::MAX)
    };
    let mut lines: Vec<ReturnLine> = lines.into_values().collect();
    lines.sort_by_key(|l| order(&l.accommodation));
    AnnualReturn { year, lines, mixed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unrecorded_figure_is_not_zero() {
        let mut f = Figure::default();
        f.add(None);
        assert_eq!(f.known(), None);
        f.add(Some(3.0));
        assert_eq!(f.known(), Some(3.0));
        assert!(!f.complete());
    }

    /// A record that cannot be split by type is listed, not added to a
    /// line; one about other services only is not the return's.
    #[test]
    fn records_across_types_are_listed_not_counted() {
        let loaded = crate::model::load(std::path::Path::new("assessments/northmoor.yaml"));
        let mut a = loaded.assessment.expect("the example loads");
        let record = |services: &[&str]| ServiceData {
            services: services.iter().map(|s| s.to_string()).collect(),
            accommodation: None,
            year: 2025,
            source: "test".into(),
            cohorts: Vec::new(),
            units: None,
            bedspaces: None,
            referrals: Some(1000.0),
            supported: Some(1000.0),
            from_outside_area: None,
            not_supported: None,
            not_supported_reasons: None,
            average_stay_days: None,
            average_wait_days: None,
            origin: Default::default(),
        };
        a.service_data.push(record(&["refuge-north", "outreach"]));
        a.service_data.push(record(&["refuge-north", "dispersed"]));
        a.service_data.push(record(&["outreach"]));
        let r = annual_return(&a, &super::super::figures::safe_accommodation(&a));
        assert_eq!(
            r.mixed,
            ["refuge-north, outreach", "refuge-north, dispersed"]
        );
        let refuge = r
            .lines
            .iter()
            .find(|l| l.accommodation == "Refuge accommodation")
            .expect("refuge line");
        assert_eq!(
            refuge.supported.known(),
            Some(31.0),
            "the example's own record only"
        );
    }

    #[test]
    fn move_on_counts_as_second_stage_accommodation() {
        assert_eq!(
            AccommodationType::MoveOn.legal_type(),
            AccommodationType::SecondStage.legal_type()
        );
    }
}
