//! Validation: every rule an assessment must satisfy before it is analysed,
//! each reported with where it was broken and how to mend it.
//!
//! Loading (`model::load`) reports what cannot be read at all (syntax,
//! types, unknown fields, missing files); `check` reports what reads but
//! does not hold together (ids, references, ranges, order).

mod limits;

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub use crate::model::diagnostic::{
    Code, Diagnostic, Located, SHOWN_PER_CODE, Severity, locate_all, render_capped, render_text,
    summary,
};
pub use crate::model::suggest::{did_you_mean, suggest};
pub use limits::MAX_TEXT_CHARS;

use crate::gaps::GapKind;
use crate::model::*;

/// An assessment that did not load or check cleanly: its errors, located,
/// and what was read (so a caller can say where, or watch those files).
pub struct CheckFailed {
    pub loaded: Loaded,
    pub errors: Vec<Located>,
}

/// Load an assessment and check it: the one pipeline every command starts
/// with, giving what was read and every diagnostic, load errors first.
/// Reference checks are skipped when loading failed, since on a
/// half-loaded assessment they would only echo the load errors (a service
/// that failed to parse is "unknown" everywhere).
pub fn load_and_check(path: &std::path::Path, options: LoadOptions) -> (Loaded, Vec<Diagnostic>) {
    let loaded = crate::model::load_with(path, options);
    let mut diagnostics = loaded.diagnostics.clone();
    if !loaded.has_errors()
        && let Some(a) = &loaded.assessment
    {
        diagnostics.extend(check(a));
    }
    (loaded, diagnostics)
}

/// [`load_and_check`] for a command that analyses the assessment: analysis
/// of a broken assessment would be wrong, not just incomplete, so any
/// error refuses it.
pub fn load_checked(
    path: &std::path::Path,
    options: LoadOptions,
) -> Result<(Loaded, Assessment), Box<CheckFailed>> {
    let (mut loaded, diagnostics) = load_and_check(path, options);
    if !diagnostics.iter().any(|d| d.is_error())
        && let Some(a) = loaded.assessment.take()
    {
        return Ok((loaded, a));
    }
    let errors = locate_all(&diagnostics, &loaded.sources)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    Err(Box::new(CheckFailed { loaded, errors }))
}

/// `#rrggbb`, with a contrast against white of at least 4.5:1 (WCAG AA
/// for text), so headings set in it stay readable.
pub fn is_text_colour(colour: &str) -> bool {
    let Some(hex) = colour
        .strip_prefix('#')
        .filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return false;
    };
    let Ok(rgb) = u32::from_str_radix(hex, 16) else {
        return false;
    };
    let channel = |shift: u32| {
        let c = f64::from((rgb >> shift) & 0xff) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
    1.05 / (luminance + 0.05) >= 4.5
}

/// Every semantic problem in a loaded assessment.
pub fn check(a: &Assessment) -> Vec<Diagnostic> {
    let mut c = Checker::new(a);
    c.check_header();
    c.check_population();
    c.check_levels();
    c.check_cohorts();
    c.check_nodes();
    c.check_services();
    c.check_pathways();
    c.check_indicators();
    c.check_findings();
    c.check_actions();
    c.check_service_data();
    c.check_journeys();
    c.warn_unreferred_services();
    c.out.extend(limits::long_texts(a));
    c.out
}

/// Actions may address gaps by id (`no-provision/men/crisis`). Gap ids come
/// from the analysis, so they are checked once the assessment is otherwise
/// valid: an id the analysis does not produce is a warning (the gap may have
/// been closed, or the id mistyped).
pub fn check_gap_addresses(a: &Assessment, gap_ids: &[String]) -> Vec<Diagnostic> {
    let known: HashSet<&str> = gap_ids.iter().map(String::as_str).collect();
    let named = a
        .actions
        .iter()
        .flat_map(|act| {
            act.addresses.iter().enumerate().map(move |(i, target)| {
                let origin = act.origin.child("addresses").child(i);
                (origin, format!("action `{}` addresses", act.id), target)
            })
        })
        .filter(|(_, _, target)| target.contains('/'))
        .chain(a.findings.iter().flat_map(|f| {
            f.gaps.iter().enumerate().map(move |(i, target)| {
                let origin = f.origin.child("gaps").child(i);
                (origin, format!("finding `{}` corroborates", f.id), target)
            })
        }));
    let mut out = Vec::new();
    for (origin, who, target) in named {
        let kind = target.split_once('/').map_or(target.as_str(), |(k, _)| k);
        if GapKind::named(kind).is_none() || known.contains(target.as_str()) {
            continue;
        }
        let hint = did_you_mean(target, gap_ids.iter().map(String::as_str)).unwrap_or_else(|| {
            "run `needsmap gaps` to list the gap ids; a closed gap can be removed from the list"
                .into()
        });
        out.push(
            Diagnostic::warning(
                Code::UnknownGap,
                origin,
                format!("{who} gap `{target}`, which the analysis does not find"),
            )
            .with_hint(hint),
        );
    }
    out
}

/// Is `id` a lower-case slug (`refuge-north`, `a1`)?
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// A lower-case slug made from a name or near-miss id ("Refuge North" to
/// `refuge-north`).
pub fn slugify(id: &str) -> String {
    let mut out = String::new();
    for c in id.trim().chars() {
        // "Men's Helpline" is `mens-helpline`, not `men-s-helpline`.
        if matches!(c, '\'' | '\u{2019}') {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Ids of one kind: a set to look them up, a list (in input order) to
/// suggest near misses from.
#[derive(Clone, Default)]
struct Known<'a> {
    list: Vec<&'a str>,
    set: HashSet<&'a str>,
}

impl<'a> FromIterator<&'a str> for Known<'a> {
    fn from_iter<I: IntoIterator<Item = &'a str>>(ids: I) -> Self {
        let list: Vec<&'a str> = ids.into_iter().collect();
        let set = list.iter().copied().collect();
        Known { list, set }
    }
}

impl Known<'_> {
    fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }
}

struct Checker<'a> {
    a: &'a Assessment,
    out: Vec<Diagnostic>,
    levels: Known<'a>,
    cohorts: Known<'a>,
    /// Entry points and services: anything a referral can start at or reach.
    nodes: Known<'a>,
    localities: Known<'a>,
    groups: Known<'a>,
    findings: Known<'a>,
}

impl<'a> Checker<'a> {
    fn new(a: &'a Assessment) -> Self {
        Checker {
            a,
            out: Vec::new(),
            levels: a.levels.iter().map(|l| l.id.as_str()).collect(),
            cohorts: a.cohorts.iter().map(|c| c.id.as_str()).collect(),
            nodes: a
                .entry_points
                .iter()
                .map(|e| e.id.as_str())
                .chain(a.services.iter().map(|s| s.id.as_str()))
                .collect(),
            localities: a.info.all_localities().into_iter().collect(),
            groups: a
                .population
                .iter()
                .flat_map(|p| p.groups.keys().map(String::as_str))
                .collect(),
            findings: a.findings.iter().map(|f| f.id.as_str()).collect(),
        }
    }

    fn error(&mut self, code: Code, origin: Origin, message: impl Into<String>) -> &mut Diagnostic {
        self.out.push(Diagnostic::error(code, origin, message));
        self.out.last_mut().expect("just pushed")
    }

    fn warning(
        &mut self,
        code: Code,
        origin: Origin,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out.push(Diagnostic::warning(code, origin, message));
        self.out.last_mut().expect("just pushed")
    }

    /// Ids must be slugs and unique within their kind.
    fn ids<'i>(&mut self, kind: &str, items: impl IntoIterator<Item = (&'i str, Origin)>) {
        let mut first: HashMap<&str, Origin> = HashMap::default();
        for (id, origin) in items {
            let at = origin.child("id");
            if !is_slug(id) {
                let fix = slugify(id);
                self.error(
                    Code::BadId,
                    at.clone(),
                    format!("{kind} id `{id}` is not a lower-case slug"),
                )
                .expected = Some(
                    "lower-case letters and digits joined by single hyphens, e.g. `refuge-north`"
                        .into(),
                );
                if !fix.is_empty() {
                    self.out.last_mut().expect("pushed").hint = Some(format!("write `{fix}`"));
                }
            }
            match first.get(id) {
                Some(earlier) => {
                    let d =
                        self.error(Code::DuplicateId, at, format!("duplicate {kind} id `{id}`"));
                    d.hint =
                        Some("ids must be unique within their kind: rename one of them".into());
                    d.related = Some(earlier.child("id"));
                }
                None => {
                    first.insert(id, origin);
                }
            }
        }
    }

    /// `id` must be one of `known`; otherwise say which kind and suggest.
    fn reference(&mut self, origin: Origin, id: &str, kind: &str, known: &Known) {
        if known.contains(id) {
            return;
        }
        let hint = did_you_mean(id, known.list.iter().copied());
        let d = self.error(
            Code::UnknownReference,
            origin,
            format!("unknown {kind} `{id}`"),
        );
        d.expected = Some(format!("{} id", article(kind)));
        d.hint = hint.or_else(|| {
            Some(format!(
                "define `{id}` first, or use one of the {kind} ids already defined"
            ))
        });
    }

    fn references(
        &mut self,
        origin: &Origin,
        field: &str,
        ids: &[String],
        kind: &str,
        known: &Known<'a>,
    ) {
        for (i, id) in ids.iter().enumerate() {
            // Most ids are known: build the place only for one that is not.
            if !known.contains(id) {
                self.reference(origin.child(field).child(i), id, kind, known);
            }
        }
    }

    fn non_negative(&mut self, origin: Origin, what: &str, value: f64) {
        let problem = match not_finite(value) {
            Some(problem) => problem,
            None if value < 0.0 => "negative",
            None => return,
        };
        self.error(
            Code::OutOfRange,
            origin,
            format!("{what} is {}, which is {problem}", number_as_written(value)),
        )
        .expected = Some("zero or more".into());
    }

    fn positive(&mut self, origin: Origin, what: &str, value: f64) {
        if value > 0.0 && value.is_finite() {
            return;
        }
        self.error(
            Code::OutOfRange,
            origin,
            format!(
                "{what} is {}, which is not above zero",
                number_as_written(value)
            ),
        )
        .expected = Some("a number above zero".into());
    }

    fn share(&mut self, origin: Origin, what: &str, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            let message = match not_finite(value) {
                Some(problem) => {
                    format!("{what} is {}, which is {problem}", number_as_written(value))
                }
                None => format!("{what} is {value}, outside 0..1"),
            };
            let d = self.error(Code::OutOfRange, origin, message);
            d.expected = Some("a fraction between 0 and 1".into());
            if (1.0..=100.0).contains(&value) {
                d.hint = Some(format!(
                    "a percentage is written as a fraction: {value}% is {}",
                    value / 100.0
                ));
            }
        }
    }

    fn ages(&mut self, origin: Origin, ages: &Option<Ages>) {
        let Some(ages) = ages else { return };
        for (field, age) in [("min", ages.min), ("max", ages.max)] {
            if let Some(age) = age
                && !(0..=120).contains(&age)
            {
                self.error(
                    Code::OutOfRange,
                    origin.child(field),
                    format!("age {age} is outside 0..120"),
                );
            }
        }
        if let (Some(min), Some(max)) = (ages.min, ages.max)
            && min > max
        {
            self.error(
                Code::OutOfRange,
                origin.child("max"),
                format!("ages run from {min} to {max}: the maximum is below the minimum"),
            );
        }
    }

    fn check_header(&mut self) {
        let root = &self.a.origin;
        if self.a.schema != SCHEMA_TAG {
            let schema = self.a.schema.clone();
            let d = self.error(
                Code::UnknownSchema,
                root.child("schema"),
                format!("unknown schema `{schema}`"),
            );
            d.expected = Some(format!("`{SCHEMA_TAG}`"));
            d.hint = Some(format!("this version of needsmap reads `{SCHEMA_TAG}`"));
        }
        // A needs assessment or strategy covers years: one whose period ends
        // on the day it starts is a slip, not a one-day strategy, and every
        // action due would fall outside it. So equal dates are an error
        // here, unlike a funding stream's dates (below).
        let period = self.a.info.period;
        if period.start >= period.end {
            self.error(
                Code::BadPeriod,
                root.child("assessment").child("period").child("end"),
                format!(
                    "the period ends {}",
                    ends_before_it_starts(period.start, period.end)
                ),
            )
            .expected = Some("an end date after the start date".into());
        }
        if let Some(colour) = &self.a.info.colour
            && !is_text_colour(colour)
        {
            let shown = colour.clone();
            let d = self.error(
                Code::BadColour,
                root.child("assessment").child("colour"),
                format!("`{shown}` is not a colour needsmap can set text in"),
            );
            d.expected = Some("`#` and six hex digits, dark enough to read on white (contrast 4.5:1 or more), e.g. `#1d4f91`".into());
            d.hint =
                Some("headings and rules take this colour; leave it out for the house blue".into());
        }
        if let Some(n) = self.a.info.suppress_below.filter(|&n| n < 3) {
            self.warning(
                Code::WeakSuppression,
                root.child("assessment").child("suppress_below"),
                format!("public documents will show counts from journeys as small as {}", n.max(1)),
            )
            .hint = Some(
                "counts of 1 or 2 can identify a survivor; most publishers hide counts below 5 (the default)"
                    .into(),
            );
        }
        let localities: Vec<(&str, Origin)> = self
            .a
            .info
            .localities
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    l.as_str(),
                    root.child("assessment").child("localities").child(i),
                )
            })
            // A district that is also listed as a locality is one place.
            .chain(
                self.a
                    .info
                    .districts
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| !self.a.info.localities.contains(&d.id))
                    .map(|(i, d)| {
                        (
                            d.id.as_str(),
                            root.child("assessment")
                                .child("districts")
                                .child(i)
                                .child("id"),
                        )
                    }),
            )
            .collect();
        for (id, origin) in &localities {
            if !is_slug(id) {
                self.error(
                    Code::BadId,
                    origin.clone(),
                    format!("locality `{id}` is not a lower-case slug"),
                );
            }
        }
        let mut seen = BTreeSet::new();
        for (id, origin) in localities {
            if !seen.insert(id) {
                self.error(
                    Code::DuplicateId,
                    origin,
                    format!("locality `{id}` is listed twice"),
                );
            }
        }
    }

    fn check_population(&mut self) {
        let Some(population) = &self.a.population else {
            return;
        };
        for (name, count) in &population.groups {
            let origin = population.origin.child("groups").child(name.as_str());
            self.non_negative(origin, &format!("population group `{name}`"), *count as f64);
        }
    }

    fn check_levels(&mut self) {
        if self.a.levels.is_empty() {
            self.error(Code::MissingLevels, self.a.origin.clone(), "the assessment defines no levels of need")
                .hint = Some("add `levels:`, lowest need first, e.g. prevention, early-help, standard-risk, high-risk, crisis".into());
        }
        let ids = self
            .a
            .levels
            .iter()
            .map(|l| (l.id.as_str(), l.origin.clone()));
        self.ids("level", ids);
        for l in &self.a.levels {
            if let Some(share) = &l.share_of_need {
                let so = l.origin.child("share_of_need");
                self.share(
                    so.child("share"),
                    &format!("share of need at `{}`", l.id),
                    share.share,
                );
                if share.source.trim().is_empty() {
                    self.error(
                        Code::MissingSource,
                        so.child("source"),
                        format!("the share of need at `{}` has no source", l.id),
                    );
                }
            }
        }
    }

    fn check_cohorts(&mut self) {
        let a = self.a;
        self.ids(
            "cohort",
            a.cohorts.iter().map(|c| (c.id.as_str(), c.origin.clone())),
        );
        let groups = self.groups.clone();
        for c in &a.cohorts {
            let o = &c.origin;
            if let Some(group) = &c.population {
                if a.population.is_none() {
                    self.error(Code::UnknownReference, o.child("population"), format!("cohort `{}` names population group `{group}`, but there is no `population:` section", c.id))
                        .hint = Some("add `population:` with `groups:` (e.g. ONS mid-year estimates)".into());
                } else {
                    self.reference(o.child("population"), group, "population group", &groups);
                }
            }
            if let Some(p) = c.prevalence {
                self.share(
                    o.child("prevalence"),
                    &format!("prevalence of `{}`", c.id),
                    p,
                );
                if c.population.is_none() {
                    self.error(
                        Code::MissingField,
                        o.child("prevalence"),
                        format!(
                            "cohort `{}` has a prevalence but no population group to apply it to",
                            c.id
                        ),
                    )
                    .hint =
                        Some("add `population:` naming a group from `population.groups`".into());
                }
                if c.prevalence_source
                    .as_deref()
                    .is_none_or(|s| s.trim().is_empty())
                {
                    self.error(Code::MissingSource, o.child("prevalence"), format!("the prevalence of `{}` has no source", c.id))
                        .hint = Some("add `prevalence_source:` (e.g. \"ONS, Crime Survey for England and Wales, year ending March 2024\")".into());
                }
            }
            if let Some(d) = &c.demand {
                self.non_negative(o.child("demand").child("per_year"), "demand", d.per_year);
            }
            if c.prevalence.is_none() && c.demand.is_none() {
                self.warning(Code::NoEstimate, o.child("id"), format!("cohort `{}` has no prevalence or demand estimate, so its need cannot be sized", c.id))
                    .hint = Some("add `prevalence:` with `population:`, or `demand: {per_year, source}`".into());
            }
            self.ages(o.child("ages"), &c.ages);
            let levels = self.levels.clone();
            self.references(o, "levels", &c.levels, "level", &levels);
            self.references(
                o,
                "specialist_levels",
                &c.specialist_levels,
                "level",
                &levels,
            );
        }
    }

    /// Entry points and services share one id space: a journey step or a
    /// referral names either.
    fn check_nodes(&mut self) {
        let a = self.a;
        let nodes = a
            .entry_points
            .iter()
            .map(|e| (e.id.as_str(), e.origin.clone()))
            .chain(a.services.iter().map(|s| (s.id.as_str(), s.origin.clone())));
        self.ids("entry point or service", nodes);
        let localities = self.localities.clone();
        for e in &a.entry_points {
            self.references(
                &e.origin,
                "localities",
                &e.localities,
                "locality",
                &localities,
            );
        }
    }

    fn check_services(&mut self) {
        let a = self.a;
        let (levels, cohorts, nodes, localities) = (
            self.levels.clone(),
            self.cohorts.clone(),
            self.nodes.clone(),
            self.localities.clone(),
        );
        for s in &a.services {
            let o = &s.origin;
            // Levels and cohorts may be unrecorded: the analysis leaves
            // such a service out of coverage and says so as a data gap.
            if let Some(open) = &s.open_to {
                self.ages(o.child("open_to").child("ages"), &open.ages);
            }
            self.references(o, "levels", &s.levels, "level", &levels);
            self.references(o, "cohorts", &s.cohorts, "cohort", &cohorts);
            self.references(o, "excludes", &s.excludes, "cohort", &cohorts);
            for (i, ex) in s.excludes.iter().enumerate() {
                if s.cohorts.contains(ex) {
                    self.error(
                        Code::Contradiction,
                        o.child("excludes").child(i),
                        format!("service `{}` both serves and excludes `{ex}`", s.id),
                    )
                    .hint = Some("remove it from `cohorts` or from `excludes`".into());
                }
            }
            self.references(o, "localities", &s.localities, "locality", &localities);
            self.references(
                o,
                "accepts_from",
                &s.accepts_from,
                "entry point or service",
                &nodes,
            );
            self.references(
                o,
                "refers_to",
                &s.refers_to,
                "entry point or service",
                &nodes,
            );
            if s.refers_to.contains(&s.id) {
                let i = s.refers_to.iter().position(|r| r == &s.id).unwrap_or(0);
                self.warning(
                    Code::SelfReferralLoop,
                    o.child("refers_to").child(i),
                    format!("service `{}` refers to itself", s.id),
                );
            }
            self.ages(o.child("ages"), &s.ages);
            if let Some(cap) = &s.capacity {
                let co = o.child("capacity");
                for (field, v) in [("per_year", cap.per_year), ("caseload", cap.caseload)] {
                    if let Some(v) = v {
                        self.non_negative(co.child(field), &format!("capacity.{field}"), v);
                    }
                }
            }
            self.check_accommodation(s);
            for (i, f) in s.funding.iter().enumerate() {
                let fo = o.child("funding").child(i);
                if let Some(amount) = f.amount {
                    self.non_negative(fo.child("amount"), "funding amount", amount);
                }
                if let Some(years) = f.years {
                    self.positive(fo.child("years"), "funding years", years);
                    if f.per != FundingPer::Total {
                        self.warning(
                            Code::YearsIgnored,
                            fo.child("years"),
                            "`years` spreads a total over several years; this stream is `per: year`",
                        )
                        .hint = Some("set `per: total`, or remove `years`".into());
                    }
                }
                // Funding dates are a date range, both days included: a
                // grant paid on one day starts and ends on it.
                if let (Some(start), Some(end)) = (f.starts, f.ends)
                    && start > end
                {
                    self.error(
                        Code::BadPeriod,
                        fo.child("ends"),
                        format!("funding ends {}", ends_before_it_starts(start, end)),
                    );
                }
            }
        }
    }

    fn check_accommodation(&mut self, s: &Service) {
        let o = &s.origin;
        match (&s.accommodation, s.kind) {
            (Some(acc), _) => {
                let ao = o.child("accommodation");
                for (field, v) in [("units", acc.units), ("bedspaces", acc.bedspaces)] {
                    if let Some(v) = v {
                        self.non_negative(
                            ao.child(field),
                            &format!("accommodation.{field}"),
                            v as f64,
                        );
                    }
                }
                if s.kind != ServiceKind::Accommodation {
                    self.warning(
                        Code::KindMismatch,
                        ao,
                        format!(
                            "service `{}` has accommodation but its kind is not `accommodation`",
                            s.id
                        ),
                    )
                    .hint = Some(
                        "set `kind: accommodation`, so it counts as safe accommodation".into(),
                    );
                }
            }
            (None, ServiceKind::Accommodation) => {
                self.warning(
                    Code::KindMismatch,
                    o.child("kind"),
                    format!(
                        "accommodation service `{}` gives no accommodation type",
                        s.id
                    ),
                )
                .hint =
                    Some("add `accommodation: { type: refuge, units: .., bedspaces: .. }`".into());
            }
            (None, _) => {}
        }
    }

    fn check_pathways(&mut self) {
        let (levels, cohorts, nodes) = (
            self.levels.clone(),
            self.cohorts.clone(),
            self.nodes.clone(),
        );
        for p in &self.a.pathways {
            let o = &p.origin;
            self.reference(o.child("from"), &p.from, "entry point or service", &nodes);
            self.reference(o.child("to"), &p.to, "entry point or service", &nodes);
            if p.from == p.to {
                self.error(
                    Code::SelfReferralLoop,
                    o.child("to"),
                    format!("pathway from `{}` leads back to itself", p.from),
                );
            }
            self.references(o, "cohorts", &p.cohorts, "cohort", &cohorts);
            self.references(o, "levels", &p.levels, "level", &levels);
        }
    }

    fn check_indicators(&mut self) {
        let a = self.a;
        self.ids(
            "indicator",
            a.indicators
                .iter()
                .map(|i| (i.id.as_str(), i.origin.clone())),
        );
        let cohorts = self.cohorts.clone();
        for ind in &a.indicators {
            let o = &ind.origin;
            if ind.values.is_empty() {
                self.error(
                    Code::MissingValues,
                    o.child("values"),
                    format!("indicator `{}` has no values", ind.id),
                )
                .hint = Some("add `values: { 2024: 123, 2025: 130 }`".into());
            }
            for (year, value) in &ind.values {
                let vo = o.child("values").child(year.to_string().as_str());
                if !(1900..=2100).contains(year) {
                    self.error(
                        Code::OutOfRange,
                        vo.clone(),
                        format!("year {year} is not a plausible year"),
                    );
                }
                match ind.unit {
                    Unit::Percent if !(0.0..=100.0).contains(value) => {
                        self.error(
                            Code::OutOfRange,
                            vo,
                            format!("{value} is not a percentage (0..100)"),
                        );
                    }
                    _ => {
                        self.non_negative(vo, &format!("the {year} value of `{}`", ind.id), *value)
                    }
                }
            }
            for (cohort, share) in &ind.cohort_shares {
                let so = o.child("cohort_shares").child(cohort.as_str());
                self.reference(so.clone(), cohort, "cohort", &cohorts);
                self.share(so, &format!("share for `{cohort}`"), *share);
            }
            if ind.source.trim().is_empty() {
                self.error(
                    Code::MissingSource,
                    o.child("source"),
                    format!("indicator `{}` has no source", ind.id),
                );
            }
        }
    }

    /// Service data: one scope (services or an accommodation type), figures
    /// of zero or more, and no capacity counted twice.
    fn check_service_data(&mut self) {
        let a = self.a;
        let (cohorts, nodes) = (self.cohorts.clone(), self.nodes.clone());
        for d in &a.service_data {
            let o = &d.origin;
            match (d.services.is_empty(), d.accommodation) {
                (true, None) => {
                    self.error(
                        Code::MissingField,
                        o.clone(),
                        "service data names neither `services` nor `accommodation`",
                    )
                    .hint = Some(
                        "say whose figures these are: `services: [ids]` or `accommodation: refuge`"
                            .into(),
                    );
                }
                (false, Some(_)) => {
                    self.error(
                        Code::Contradiction,
                        o.child("accommodation"),
                        "service data names both `services` and `accommodation`",
                    )
                    .hint =
                        Some("keep one: the listed services, or every service of the type".into());
                }
                _ => {}
            }
            self.references(o, "services", &d.services, "service", &nodes);
            self.references(o, "cohorts", &d.cohorts, "cohort", &cohorts);
            if !(1900..=2100).contains(&d.year) {
                self.error(
                    Code::OutOfRange,
                    o.child("year"),
                    format!("year {} is not a plausible year", d.year),
                );
            }
            if d.source.trim().is_empty() {
                self.error(
                    Code::MissingSource,
                    o.child("source"),
                    "service data has no source",
                );
            }
            for (field, v) in [
                ("units", d.units.map(|v| v as f64)),
                ("bedspaces", d.bedspaces.map(|v| v as f64)),
                ("referrals", d.referrals),
                ("supported", d.supported),
                ("from_outside_area", d.from_outside_area),
                ("not_supported", d.not_supported),
                ("average_stay_days", d.average_stay_days),
                ("average_wait_days", d.average_wait_days),
            ] {
                if let Some(v) = v {
                    self.non_negative(o.child(field), field, v);
                }
            }
            if let Some(r) = &d.not_supported_reasons {
                let ro = o.child("not_supported_reasons");
                let mut sum = 0.0;
                for (field, _, v) in r.each() {
                    if let Some(v) = v {
                        self.non_negative(ro.child(field), field, v);
                        sum += v;
                    }
                }
                if let Some(total) = d.not_supported
                    && sum > total + 0.5
                {
                    self.warning(
                        Code::ReasonsExceedTotal,
                        ro.clone(),
                        format!(
                            "the reasons add up to {}, more than the {} not supported",
                            number_as_written(sum),
                            number_as_written(total)
                        ),
                    )
                    .hint = Some(
                        "a household counted under two reasons is counted twice; check the source"
                            .into(),
                    );
                }
            }
            if let (Some(supported), Some(outside)) = (d.supported, d.from_outside_area)
                && outside > supported
            {
                self.warning(
                    Code::OutOfRange,
                    o.child("from_outside_area"),
                    format!(
                        "{} supported from outside the area, of {} supported",
                        number_as_written(outside),
                        number_as_written(supported)
                    ),
                );
            }
            self.capacity_counted_twice(d);
        }
    }

    /// Units or bedspaces given for a group of services must not also be
    /// given by one of them: the sum would count them twice.
    fn capacity_counted_twice(&mut self, d: &ServiceData) {
        let a = self.a;
        for (field, group, own) in [
            (
                "units",
                d.units,
                (|acc: &Accommodation| acc.units) as fn(&Accommodation) -> Option<i64>,
            ),
            ("bedspaces", d.bedspaces, |acc: &Accommodation| {
                acc.bedspaces
            }),
        ] {
            if group.is_none() {
                continue;
            }
            let twice: Vec<&str> = a
                .services
                .iter()
                .filter(|s| {
                    d.services.contains(&s.id)
                        || d.accommodation
                            .is_some_and(|t| s.accommodation.as_ref().is_some_and(|x| x.kind == t))
                })
                .filter(|s| s.accommodation.as_ref().and_then(own).is_some())
                .map(|s| s.id.as_str())
                .collect();
            if !twice.is_empty() {
                self.error(
                    Code::CountedTwice,
                    d.origin.child(field),
                    format!(
                        "{field} are given here for a group of services and also by {}",
                        twice.join(", ")
                    ),
                )
                .hint = Some(format!(
                    "record {field} once: for the group here, or on each service"
                ));
            }
        }
    }

    fn check_findings(&mut self) {
        let a = self.a;
        self.ids(
            "finding",
            a.findings.iter().map(|f| (f.id.as_str(), f.origin.clone())),
        );
        let (cohorts, nodes) = (self.cohorts.clone(), self.nodes.clone());
        for f in &a.findings {
            self.references(&f.origin, "cohorts", &f.cohorts, "cohort", &cohorts);
            self.references(
                &f.origin,
                "services",
                &f.services,
                "entry point or service",
                &nodes,
            );
            let levels = self.levels.clone();
            self.references(&f.origin, "levels", &f.levels, "level", &levels);
            if let Some(kind) = &f.shows
                && GapKind::named(kind.as_str()).is_none()
            {
                let d = self.error(
                    Code::UnknownEnumValue,
                    f.origin.child("shows"),
                    format!("`{kind}` is not a gap kind"),
                );
                d.expected = Some(format!(
                    "one of {}",
                    GapKind::names().collect::<Vec<_>>().join(", ")
                ));
                d.hint = did_you_mean(kind, GapKind::names());
            }
            for (i, id) in f.gaps.iter().enumerate() {
                let kind = id.split_once('/').map_or(id.as_str(), |(k, _)| k);
                if GapKind::named(kind).is_none() {
                    let d = self.error(
                        Code::UnknownReference,
                        f.origin.child("gaps").child(i),
                        format!("`{id}` is not a gap id: unknown gap kind `{kind}`"),
                    );
                    d.expected = Some(format!(
                        "a gap id starting with one of {}",
                        GapKind::names().collect::<Vec<_>>().join(", ")
                    ));
                    d.hint = did_you_mean(kind, GapKind::names());
                }
            }
        }
    }

    fn check_actions(&mut self) {
        let a = self.a;
        self.ids(
            "action",
            a.actions.iter().map(|x| (x.id.as_str(), x.origin.clone())),
        );
        let known: Known = self
            .cohorts
            .list
            .iter()
            .chain(&self.findings.list)
            .chain(&self.nodes.list)
            .copied()
            .collect();
        let period = a.info.period;
        for act in &a.actions {
            let o = &act.origin;
            for (i, target) in act.addresses.iter().enumerate() {
                let ao = o.child("addresses").child(i);
                if let Some((kind, _)) = target.split_once('/') {
                    if GapKind::named(kind).is_none() {
                        let hint = did_you_mean(kind, GapKind::names());
                        let d = self.error(
                            Code::UnknownReference,
                            ao,
                            format!("`{target}` is not a gap id: unknown gap kind `{kind}`"),
                        );
                        d.expected = Some(format!(
                            "a gap id starting with one of {}",
                            GapKind::names().collect::<Vec<_>>().join(", ")
                        ));
                        d.hint = hint;
                    }
                } else {
                    self.reference(ao, target, "cohort, finding or service", &known);
                }
            }
            let due = act.due.last_day();
            if due < period.start || due > period.end {
                self.warning(
                    Code::OutsidePeriod,
                    o.child("due"),
                    format!(
                        "action `{}` is due {}, outside the assessment period {} to {}",
                        act.id, act.due, period.start, period.end
                    ),
                );
            }
        }
    }

    fn check_journeys(&mut self) {
        let a = self.a;
        self.ids(
            "journey",
            a.journeys.iter().map(|j| (j.id.as_str(), j.origin.clone())),
        );
        let (cohorts, nodes, localities) = (
            self.cohorts.clone(),
            self.nodes.clone(),
            self.localities.clone(),
        );
        for j in &a.journeys {
            let o = &j.origin;
            if j.cohorts.is_empty() {
                self.error(
                    Code::MissingCohorts,
                    o.child("cohorts"),
                    format!("journey `{}` names no cohort", j.id),
                );
            }
            self.references(o, "cohorts", &j.cohorts, "cohort", &cohorts);
            self.references(o, "localities", &j.localities, "locality", &localities);
            if j.steps.is_empty() {
                self.error(
                    Code::MissingSteps,
                    o.child("steps"),
                    format!("journey `{}` has no steps", j.id),
                );
            }
            let mut last_day: Option<i64> = None;
            for (i, step) in j.steps.iter().enumerate() {
                let so = o.child("steps").child(i);
                self.reference(so.child("at"), &step.at, "entry point or service", &nodes);
                if let Some(to) = &step.to {
                    self.reference(so.child("to"), to, "entry point or service", &nodes);
                }
                if step.day < 0 {
                    self.error(
                        Code::OutOfRange,
                        so.child("day"),
                        format!("day {} is before the first contact", step.day),
                    )
                    .expected = Some("days since first contact: 0 or more".into());
                }
                if let Some(prev) = last_day
                    && step.day < prev
                {
                    self.error(Code::StepOrder, so.child("day"), format!("step on day {} comes after a step on day {prev}", step.day))
                        .hint = Some("list steps in the order they happened, with days counted from first contact".into());
                }
                last_day = Some(step.day);
                if !(-3..=3).contains(&step.feeling) {
                    self.error(
                        Code::OutOfRange,
                        so.child("feeling"),
                        format!("feeling {} is outside -3..3", step.feeling),
                    )
                    .expected = Some("a whole number from -3 (very bad) to 3 (very good)".into());
                }
                if matches!(
                    step.outcome,
                    StepOutcome::Referred | StepOutcome::Signposted
                ) && step.to.is_none()
                {
                    self.warning(
                        Code::MissingField,
                        so.child("outcome"),
                        format!(
                            "step {} of journey `{}` was {} but does not say where to",
                            i + 1,
                            j.id,
                            step.outcome.label()
                        ),
                    )
                    .hint = Some("add `to:` with the service or entry point".into());
                }
            }
        }
    }

    /// A service nobody can be referred to is either missing its routes or
    /// unused: worth a look, not an error.
    fn warn_unreferred_services(&mut self) {
        let a = self.a;
        let mut reached: BTreeSet<&str> = BTreeSet::new();
        for s in &a.services {
            reached.extend(s.refers_to.iter().map(String::as_str));
        }
        reached.extend(a.pathways.iter().map(|p| p.to.as_str()));
        for s in &a.services {
            if s.accepts_from.is_empty() && !reached.contains(s.id.as_str()) {
                self.warning(Code::UnreferredService, s.origin.child("id"), format!("no entry point or service refers to `{}`", s.id))
                    .hint = Some("add `accepts_from:` (e.g. self-referral), or name it in another service's `refers_to`".into());
            }
        }
    }
}

fn article(kind: &str) -> String {
    let vowel = kind.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {kind}", if vowel { "an" } else { "a" })
}

/// `infinite` or `not a number`, for a value YAML wrote as `.inf` or `.nan`.
fn not_finite(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("not a number")
    } else if value.is_infinite() {
        Some("infinite")
    } else {
        None
    }
}

/// A number as the YAML spells it: `.nan`, `-.inf`, or the figure.
fn number_as_written(value: f64) -> String {
    match not_finite(value) {
        Some(_) if value.is_nan() => ".nan".into(),
        Some(_) if value < 0.0 => "-.inf".into(),
        Some(_) => ".inf".into(),
        None => value.to_string(),
    }
}

/// What is wrong with a date range that does not run forwards: `(2026-03-31)
/// before it starts (2029-04-01)`, or `on the day it starts (2026-04-01)`.
fn ends_before_it_starts(start: Date, end: Date) -> String {
    if start == end {
        format!("on the day it starts ({start})")
    } else {
        format!("({end}) before it starts ({start})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_colour_is_hex_and_dark_enough_on_white() {
        assert!(is_text_colour("#1d4f91"));
        assert!(is_text_colour("#000000"));
        assert!(!is_text_colour("#ffdd00"), "yellow on white is unreadable");
        assert!(!is_text_colour("1d4f91"));
        assert!(!is_text_colour("#1d4f9"));
        assert!(!is_text_colour("#gggggg"));
        assert!(!is_text_colour("#+1d4f9"), "from_str_radix takes a sign");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("refuge-north"));
        assert!(is_slug("a1"));
        assert!(!is_slug("Refuge"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a_b"));
        assert_eq!(slugify("Refuge North "), "refuge-north");
    }

    #[test]
    fn articles() {
        assert_eq!(
            article("entry point or service"),
            "an entry point or service"
        );
        assert_eq!(article("cohort"), "a cohort");
    }

    #[test]
    fn numbers_that_are_not_finite_are_named() {
        assert_eq!(not_finite(f64::NAN), Some("not a number"));
        assert_eq!(not_finite(f64::NEG_INFINITY), Some("infinite"));
        assert_eq!(not_finite(-1.0), None);
        assert_eq!(number_as_written(f64::NAN), ".nan");
        assert_eq!(number_as_written(f64::NEG_INFINITY), "-.inf");
        assert_eq!(number_as_written(-2.5), "-2.5");
    }
}
