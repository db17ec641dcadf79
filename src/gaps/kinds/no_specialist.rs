//! `no-specialist`: a group can use general services but has no
//! specialist or by-and-for provision where it needs one.

use std::collections::BTreeSet;


use crate::gaps::context::{
    Context, capitalised, for_cohort, gap, list,
};
use crate::gaps::kinds::Rule;
use crate::gaps::unknowns::{self};
use crate::gaps::{Gap, GapKind, GapSeverity};
use crate::model::{
    ActionTheme, Assessment, FindingTheme, ServiceKind,
};

pub(super) const RULE: Rule = Rule {
    id: "no-specialist",
    finds: "a group can use general services at a level where the assessment says it needs specialist or by-and-for provision (`specialist_levels`), but none gives it",
    severity: "high: a priority cohort at a high-need level; medium: a priority cohort or a high-need level; low: otherwise",
    theme: FindingTheme::Identification,
    find: |ctx, found| no_specialist(ctx, &mut found.gaps),
};

/// A group can use general services at a level where the assessment says
/// it needs specialist or by-and-for provision, but none is specialist for
/// it. One gap per cohort, naming every such level.
fn no_specialist(ctx: &Context, gaps: &mut Vec<Gap>) {
    let a = ctx.a;
    let level_ids = &ctx.level_ids;
    for (c, cohort) in a.cohorts.iter().enumerate() {
        let lacking: Vec<usize> = cohort
            .specialist_levels
            .iter()
            .filter_map(|l| level_ids.get(l.as_str()).copied())
            .filter(|&l| {
                let cell = &ctx.cells[c][l];
                cell.iter().any(|&s| support_service(a, s))
                    && !cell
                        .iter()
                        .any(|&s| crate::graph::is_specialist(&a.services[s], cohort))
            })
            .collect();
        if lacking.is_empty() {
            continue;
        }
        let general: BTreeSet<usize> = lacking
            .iter()
            .flat_map(|&l| ctx.cells[c][l].iter().copied())
            .filter(|&s| support_service(a, s))
            .collect();
        let general: Vec<usize> = general.into_iter().collect();
        let names: Vec<String> = lacking.iter().map(|&l| ctx.level_name(l)).collect();
        let who = ctx.in_sentence(&cohort.name);
        let evidence = format!(
            "{} can use general services at {} ({}), but none gives specialist or by-and-for provision for them, which the assessment says they need there.",
            capitalised(&who),
            list(names.iter().map(String::as_str)),
            unknowns::some_names(general.iter().map(|&s| a.services[s].name.as_str()))
        );
        let text = format!(
            "Commission specialist or by-and-for provision for {who} at {}, or in-reach from a specialist service into existing ones",
            list(names.iter().map(String::as_str))
        );
        let severity = lacking
            .iter()
            .map(|&l| ctx.severity(c, l))
            .min()
            .unwrap_or(GapSeverity::Low);
        let accommodation = lacking.iter().all(|&l| ctx.accommodation_level(l));
        let theme = if accommodation {
            ActionTheme::SafeAccommodation
        } else {
            ActionTheme::Commissioning
        };
        let level = (lacking.len() == 1).then(|| a.levels[lacking[0]].id.as_str());
        let mut gp = for_cohort(
            gap(
                format!("no-specialist/{}", cohort.id),
                GapKind::NoSpecialist,
                severity,
                evidence,
                theme,
                text,
            ),
            cohort,
            level,
        );
        gp.levels = lacking.iter().map(|&l| a.levels[l].id.clone()).collect();
        gp.services = ctx.service_ids(&general);
        gaps.push(gp);
    }
}

/// Does the service give support itself (not a case conference or a
/// notification scheme, which pass people on)?
fn support_service(a: &Assessment, s: usize) -> bool {
    a.services[s].kind != ServiceKind::MultiAgency
}
