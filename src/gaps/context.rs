//! What every gap rule shares: the [`Context`] built once from the pathway
//! graph (levels, per-cohort needs, eligible services per level,
//! reachability), and the helpers that phrase gaps the same way everywhere.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use fixedbitset::FixedBitSet;

use super::figures::AccommodationSummary;
use super::{Coverage, Gap, GapKind, GapSeverity, Recommendation};
use crate::graph::PathwayGraph;
use crate::model::{ActionTheme, Assessment, Cohort, Role, ServiceKind};

/// What every rule needs: the graph, level bands, and per cohort the levels
/// it needs, its eligible services per level, and what it can reach.
pub struct Context<'g, 'a> {
    pub g: &'g PathwayGraph<'a>,
    pub a: &'a Assessment,
    pub high_need: Vec<bool>,
    pub step_down: Vec<bool>,
    /// The highest need level (the last that is not a step-down stage).
    pub top: Option<usize>,
    /// Per cohort: the level indices it needs provision at.
    pub needed: Vec<Vec<usize>>,
    /// `cells[c][l]`: services eligible for cohort `c` at level `l`.
    pub cells: Vec<Vec<Vec<usize>>>,
    pub reachable: Vec<FixedBitSet>,
    /// Per cohort: eligible services working at a level the cohort needs.
    pub serves: Vec<FixedBitSet>,
    /// Per cohort: eligible safe accommodation services.
    pub accommodation: Vec<Vec<usize>>,
    /// Level index by id.
    pub level_ids: HashMap<&'a str, usize>,
    /// Safe accommodation supply, for the refuge benchmark and the
    /// documents.
    pub safe_accommodation: AccommodationSummary,
}

impl<'g, 'a> Context<'g, 'a> {
    pub fn new(g: &'g PathwayGraph<'a>) -> Self {
        let a = g.a;
        let levels = a.levels.len();
        let step_down: Vec<bool> = a.levels.iter().map(|l| l.step_down).collect();
        let top = (0..levels).rev().find(|&l| !step_down[l]);
        let mut high_need: Vec<bool> = a.levels.iter().map(|l| l.high_need).collect();
        if !high_need.iter().any(|h| *h)
            && let Some(t) = top
        {
            high_need[t] = true;
        }
        let level_ids: HashMap<&str, usize> = a
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i))
            .collect();
        let accommodation_levels: Vec<bool> =
            (0..levels).map(|l| accommodation_level(g, l)).collect();
        let needed: Vec<Vec<usize>> = a
            .cohorts
            .iter()
            .map(|c| {
                if c.levels.is_empty() {
                    (0..levels)
                        .filter(|&l| {
                            role_needs_level(&a.levels[l], c.role, accommodation_levels[l])
                        })
                        .collect()
                } else {
                    let mut v: Vec<usize> = c
                        .levels
                        .iter()
                        .filter_map(|l| level_ids.get(l.as_str()).copied())
                        .collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                }
            })
            .collect();
        let mut cells = vec![vec![Vec::new(); levels]; a.cohorts.len()];
        for (c, row) in cells.iter_mut().enumerate() {
            for s in g.eligible[c].ones() {
                for &l in &g.service_levels[s] {
                    row[l].push(s);
                }
            }
        }
        let reachable = (0..a.cohorts.len()).map(|c| g.reachable(c)).collect();
        let serves = (0..a.cohorts.len())
            .map(|c| {
                let mut set = FixedBitSet::with_capacity(a.services.len());
                for s in g.eligible[c].ones() {
                    if g.service_levels[s].iter().any(|l| needed[c].contains(l)) {
                        set.insert(s);
                    }
                }
                set
            })
            .collect();
        let accommodation = (0..a.cohorts.len())
            .map(|c| {
                g.eligible[c]
                    .ones()
                    .filter(|&s| a.services[s].kind == ServiceKind::Accommodation)
                    .collect()
            })
            .collect();
        let mut ctx = Context {
            g,
            a,
            high_need,
            step_down,
            top,
            needed,
            cells,
            reachable,
            serves,
            accommodation,
            level_ids,
            safe_accommodation: super::figures::safe_accommodation(a),
        };
        ctx.safe_accommodation.cohorts_without = ctx.cohorts_without_accommodation();
        ctx
    }

    pub fn coverage_matrix(&self) -> Coverage {
        let a = self.a;
        let mut cells = BTreeMap::new();
        for (c, cohort) in a.cohorts.iter().enumerate() {
            let row: BTreeMap<String, Vec<String>> = a
                .levels
                .iter()
                .enumerate()
                .map(|(l, level)| (level.id.clone(), self.service_ids(&self.cells[c][l])))
                .collect();
            cells.insert(cohort.id.clone(), row);
        }
        let needed = a
            .cohorts
            .iter()
            .zip(&self.needed)
            .map(|(c, ls)| {
                (
                    c.id.clone(),
                    ls.iter().map(|&l| a.levels[l].id.clone()).collect(),
                )
            })
            .collect();
        Coverage {
            levels: a.levels.iter().map(|l| l.id.clone()).collect(),
            cohorts: a.cohorts.iter().map(|c| c.id.clone()).collect(),
            cells,
            needed,
        }
    }

    /// Cohorts other than perpetrators that no safe accommodation is open to.
    pub fn cohorts_without_accommodation(&self) -> Vec<String> {
        self.a
            .cohorts
            .iter()
            .enumerate()
            .filter(|(c, x)| x.role != Role::Perpetrator && self.accommodation[*c].is_empty())
            .map(|(_, x)| x.id.clone())
            .collect()
    }

    pub(crate) fn service_ids(&self, services: &[usize]) -> Vec<String> {
        services
            .iter()
            .map(|&s| self.a.services[s].id.clone())
            .collect()
    }

    pub(crate) fn names(&self, services: &[usize]) -> String {
        list(services.iter().map(|&s| self.a.services[s].name.as_str()))
    }

    pub(crate) fn cohort(&self, c: usize) -> &'a Cohort {
        &self.a.cohorts[c]
    }

    /// A cohort's or level's name mid-sentence ([`in_sentence_for`]).
    pub(crate) fn in_sentence(&self, name: &str) -> String {
        in_sentence_for(name, &self.a.info)
    }

    /// The level mid-sentence: its short name when given.
    pub(crate) fn level_name(&self, l: usize) -> String {
        let level = &self.a.levels[l];
        match &level.short_name {
            Some(short) => short.clone(),
            None => self.in_sentence(&level.name),
        }
    }

    /// The most severe of the cohorts' gaps at a level.
    pub(crate) fn worst_severity(&self, cohorts: &[usize], l: usize) -> GapSeverity {
        cohorts
            .iter()
            .map(|&c| self.severity(c, l))
            .min()
            .unwrap_or(GapSeverity::Low)
    }

    /// The common severity scale: priority cohort and high-need level.
    pub(crate) fn severity(&self, c: usize, l: usize) -> GapSeverity {
        match (self.cohort(c).priority, self.high_need[l]) {
            (true, true) => GapSeverity::High,
            (true, false) | (false, true) => GapSeverity::Medium,
            (false, false) => GapSeverity::Low,
        }
    }

    /// Is `l` a level where most services are accommodation? Gaps there
    /// belong to the safe accommodation theme.
    pub(crate) fn accommodation_level(&self, l: usize) -> bool {
        accommodation_level(self.g, l)
    }
}

/// Is `l` a level where most services are accommodation?
pub(crate) fn accommodation_level(g: &PathwayGraph, l: usize) -> bool {
    let at: Vec<&crate::model::Service> =
        g.a.services
            .iter()
            .enumerate()
            .filter(|(s, _)| g.at_level(*s, l))
            .map(|(_, s)| s)
            .collect();
    !at.is_empty()
        && at
            .iter()
            .filter(|s| s.kind == ServiceKind::Accommodation)
            .count()
            * 2
            >= at.len()
}

/// Does a role need provision at a level, when its cohort does not say?
/// The level's `roles` when given; otherwise every role, except that
/// perpetrators are not expected in safe accommodation (refuge is for
/// victims) or at step-down stages of a victim's recovery.
pub(crate) fn role_needs_level(
    level: &crate::model::Level,
    role: Role,
    accommodation: bool,
) -> bool {
    if !level.roles.is_empty() {
        return level.roles.contains(&role);
    }
    role != Role::Perpetrator || !(accommodation || level.step_down)
}

/// A name as it reads mid-sentence in this assessment: [`in_sentence`],
/// except that a name starting with a word of the area's own name (its
/// council, short name or districts: "Northmoor residents", "Breckland
/// families") keeps its capital.
pub fn in_sentence_for(name: &str, info: &crate::model::AssessmentInfo) -> String {
    let first = name.split_whitespace().next().unwrap_or("");
    let local = std::iter::once(info.area.as_str())
        .chain(info.short_name.as_deref())
        .chain(info.districts.iter().map(|d| d.name.as_str()))
        .any(|place| place.split_whitespace().any(|w| w == first));
    if local {
        name.to_owned()
    } else {
        in_sentence(name)
    }
}

/// A name as it reads mid-sentence: "Women victims" → "women victims", but
/// "LGBT+ survivors", "Black and minoritised women" and "High risk (MARAC)"
/// keep what must stay capitalised.
pub fn in_sentence(name: &str) -> String {
    const PROPER: &[&str] = &[
        "Black",
        "Asian",
        "Deaf",
        "Gypsy",
        "Roma",
        "Traveller",
        "Muslim",
        "Jewish",
        "Sikh",
        "Hindu",
        "English",
        "Welsh",
        "British",
    ];
    let first = name.split_whitespace().next().unwrap_or("");
    let mut chars = first.chars();
    let ordinary = chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase());
    if !ordinary || PROPER.contains(&first) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_lowercase());
    }
    out.extend(chars);
    out
}

/// First letter upper-case, for the start of a sentence.
pub(crate) use crate::text::capitalise_first as capitalised;

/// `a, b and c`.
pub(crate) fn list<'x>(items: impl IntoIterator<Item = &'x str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(crate) fn gap(
    id: String,
    kind: GapKind,
    severity: GapSeverity,
    evidence: String,
    theme: ActionTheme,
    text: String,
) -> Gap {
    Gap {
        id,
        kind,
        severity,
        cohort: None,
        cohorts: Vec::new(),
        need: None,
        level: None,
        levels: Vec::new(),
        services: Vec::new(),
        entry_points: Vec::new(),
        localities: Vec::new(),
        journeys: Vec::new(),
        basis: None,
        corroboration: Vec::new(),
        evidence,
        recommendation: Recommendation { theme, text },
    }
}

/// A gap about these cohorts at one level, with the common id
/// (`KIND/FIRST-COHORT/LEVEL`) and the worst of their severities.
pub(crate) fn cohorts_at_level_gap(
    ctx: &Context,
    kind: GapKind,
    (cohorts, l): (&[usize], usize),
    evidence: String,
    (theme, text): (ActionTheme, String),
) -> Gap {
    let a = ctx.a;
    let mut gp = gap(
        format!(
            "{}/{}/{}",
            kind.as_str(),
            a.cohorts[cohorts[0]].id,
            a.levels[l].id
        ),
        kind,
        ctx.worst_severity(cohorts, l),
        evidence,
        theme,
        text,
    );
    at_level_for(&mut gp, a, cohorts, l);
    gp
}

/// A gap about these cohorts at one level: `cohort` only when there is one.
pub(crate) fn at_level_for(g: &mut Gap, a: &Assessment, cohorts: &[usize], l: usize) {
    g.cohort = match cohorts {
        [one] => Some(a.cohorts[*one].id.clone()),
        _ => None,
    };
    g.cohorts = cohorts.iter().map(|&c| a.cohorts[c].id.clone()).collect();
    g.level = Some(a.levels[l].id.clone());
    g.levels = vec![a.levels[l].id.clone()];
}

pub(crate) fn for_cohort(mut g: Gap, cohort: &Cohort, level: Option<&str>) -> Gap {
    g.cohort = Some(cohort.id.clone());
    g.cohorts = vec![cohort.id.clone()];
    g.level = level.map(str::to_owned);
    g.levels = level.into_iter().map(str::to_owned).collect();
    g
}

/// The recommendation for missing provision at a level.
pub(crate) fn commission(
    ctx: &Context,
    l: usize,
    who: &str,
    victims: bool,
) -> (ActionTheme, String) {
    if ctx.accommodation_level(l) && victims {
        (
            ActionTheme::SafeAccommodation,
            format!("Commission {} for {who}", ctx.level_name(l)),
        )
    } else {
        (
            ActionTheme::Commissioning,
            format!(
                "Commission, or adapt existing, {} provision so it serves {who}",
                ctx.level_name(l)
            ),
        )
    }
}

pub(crate) fn cohort_names(ctx: &Context, cohorts: &[usize]) -> String {
    let names: Vec<String> = cohorts
        .iter()
        .map(|&c| ctx.in_sentence(&ctx.a.cohorts[c].name))
        .collect();
    list(names.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_mid_sentence() {
        assert_eq!(
            in_sentence("Women victims and survivors"),
            "women victims and survivors"
        );
        assert_eq!(in_sentence("LGBT+ survivors"), "LGBT+ survivors");
        assert_eq!(
            in_sentence("Black and minoritised women"),
            "Black and minoritised women"
        );
        assert_eq!(
            in_sentence("High risk (MARAC threshold)"),
            "high risk (MARAC threshold)"
        );
        assert_eq!(list(["a", "b", "c"]), "a, b and c");
        // The area's own name is the assessment's to say, not a list's.
        assert_eq!(in_sentence("Northmoor residents"), "northmoor residents");
    }

    #[test]
    fn perpetrators_are_not_expected_in_safe_accommodation_by_default() {
        let level = |roles: Vec<Role>, step_down: bool| crate::model::Level {
            id: "x".into(),
            name: "X".into(),
            short_name: None,
            description: None,
            high_need: false,
            step_down,
            roles,
            share_of_need: None,
            origin: Default::default(),
        };
        let needs = role_needs_level;
        assert!(!needs(&level(vec![], false), Role::Perpetrator, true));
        assert!(!needs(&level(vec![], true), Role::Perpetrator, false));
        assert!(needs(&level(vec![], false), Role::Perpetrator, false));
        assert!(needs(&level(vec![], false), Role::Victim, true));
        // The level says who needs it: that wins.
        assert!(needs(
            &level(vec![Role::Perpetrator], false),
            Role::Perpetrator,
            true
        ));
        assert!(!needs(
            &level(vec![Role::Victim], false),
            Role::Child,
            false
        ));
    }
}
