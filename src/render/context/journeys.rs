//! The survivor journey part of the context: the two tables of counts
//! after disclosure control, and the journeys published one by one.

use super::*;
use crate::render::disclosure::{Cell, Column};

/// A table with a totals row, and whether any count in it was hidden to
/// protect a small one (the template then says why).
#[derive(Serialize)]
pub(crate) struct TableCtx<T> {
    pub rows: Vec<T>,
    pub total: T,
    pub complementary: bool,
}

#[derive(Serialize)]
pub(crate) struct TouchpointCtx {
    pub name: String,
    pub visits: String,
    pub feeling: String,
    pub refusals: String,
    pub retold: String,
    pub dropped_out: String,
}

#[derive(Serialize)]
pub(crate) struct JourneyCtx {
    pub id: String,
    pub persona: String,
    pub cohorts: String,
    pub steps: usize,
    pub services: usize,
    pub retold: usize,
    pub refusals: usize,
    pub days_to_support: String,
    pub ended: String,
    pub quotes: Vec<String>,
    /// The chart names of its map: one, or parts of a long journey.
    pub figures: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct JourneysCtx {
    /// How many journeys the tables add up: in a public build those
    /// published below, each in full, so the tables count them exactly.
    pub count: String,
    /// The journeys told one by one: all, or a sample when there are more
    /// than [`MAX_JOURNEY_SECTIONS`] (`sampled`).
    pub published: Vec<JourneyCtx>,
    pub sampled: bool,
    pub by_cohort: TableCtx<CohortJourneysCtx>,
    pub barriers: Vec<BarriersCtx>,
    pub informal_routes: Vec<GapCtx>,
    /// The journeys counted but not published (public builds), tabulated
    /// apart from the published ones so that subtracting these from a
    /// total cannot leave them.
    pub counted: Option<CountedCtx>,
}

/// The tables of the journeys counted but not published, after
/// disclosure control.
#[derive(Serialize)]
pub(crate) struct CountedCtx {
    /// How many there are; hidden ("not shown") only when it alone would
    /// give a small count away.
    pub count: String,
    pub count_shown: bool,
    pub touchpoints: TableCtx<TouchpointCtx>,
    pub by_cohort: TableCtx<CohortJourneysCtx>,
}

/// One cohort's row of the journeys table (or the totals row, `All
/// journeys`), counts in words after disclosure control.
#[derive(Serialize)]
pub(crate) struct CohortJourneysCtx {
    pub cohort: String,
    pub journeys: String,
    /// Times the story was retold.
    pub retold: String,
    pub refusals: String,
    pub dropped_out: String,
}

/// The barriers survivors met at one touchpoint, each once.
#[derive(Serialize)]
pub(crate) struct BarriersCtx {
    /// The touchpoint's name.
    pub at: String,
    pub barriers: Vec<String>,
}

/// The two tables of counts from journeys, after disclosure control: by
/// touchpoint (visits, refusals, retellings, drop-outs, and the mean
/// feeling) and by cohort (journeys, retellings, refusals, drop-outs),
/// each with a totals row.
pub(crate) struct JourneyCounts {
    pub by_touchpoint: (Vec<[String; 4]>, [String; 4]),
    /// The mean feeling of each touchpoint's visits, then of all of them;
    /// `None` where those visits are hidden. Feelings are whole numbers,
    /// so a mean to one decimal narrows the count it was taken over (+0.8
    /// from fewer than 5 visits can only be 4 visits adding up to 3).
    pub feelings: (Vec<Option<f64>>, Option<f64>),
    pub by_cohort: (Vec<[String; 4]>, [String; 4]),
}

/// The counts of journeys published one by one: exact, since each is
/// shown in full and a reader could add them up anyway.
pub(crate) fn published_counts(r: &JourneyReport) -> JourneyCounts {
    journey_counts(r, Suppression::NONE)
}

pub(crate) fn journey_counts(r: &JourneyReport, s: Suppression) -> JourneyCounts {
    let column = |f: fn(&crate::journeys::TouchpointSummary) -> usize| -> (Vec<usize>, usize) {
        let counts: Vec<usize> = r.by_touchpoint.iter().map(f).collect();
        let total = counts.iter().sum();
        (counts, total)
    };
    let (visits, refusals, retold, dropped) = (
        column(|t| t.visits),
        column(|t| t.refusals),
        column(|t| t.retold),
        column(|t| t.dropped_out),
    );
    let cohort = |f: fn(&crate::journeys::CohortSummary) -> usize| -> Vec<usize> {
        r.by_cohort.values().map(f).collect()
    };
    // Journeys can count in several cohorts, so the cohort totals are over
    // journeys, not the sums of the rows.
    let m = &r.journeys;
    let journeys = (cohort(|c| c.journeys), m.len());
    let c_retold = (cohort(|c| c.retold), m.iter().map(|j| j.retold).sum());
    let c_refusals = (cohort(|c| c.refusals), m.iter().map(|j| j.refusals).sum());
    let c_dropped = (
        cohort(|c| c.dropped_out),
        m.iter().filter(|j| j.dropped_out).count(),
    );
    // Visits and journeys first: what they show caps the other counts of
    // their row (refusals, retellings and drop-outs at a service are at
    // most its visits; a cohort's drop-outs at most its journeys).
    let t_visits = s.column(&visits.0, visits.1);
    let k_journeys = s.column(&journeys.0, journeys.1);
    let ceilings = |c: &Column| -> Vec<Option<usize>> {
        c.cells
            .iter()
            .map(|x| match x {
                Cell::Shown(n) => Some(*n),
                _ => None,
            })
            .collect()
    };
    let (by_visits, by_journeys, uncapped) = (ceilings(&t_visits), ceilings(&k_journeys), vec![]);
    // Refusals, retellings and drop-outs are totalled in both tables.
    let link = |a: &(Vec<usize>, usize), b: &(Vec<usize>, usize), caps: &Vec<Option<usize>>| {
        s.linked((&a.0, &by_visits, a.1), (&b.0, caps, b.1))
    };
    let (t_refusals, k_refusals) = link(&refusals, &c_refusals, &uncapped);
    let (t_retold, k_retold) = link(&retold, &c_retold, &uncapped);
    let (t_dropped, k_dropped) = link(&dropped, &c_dropped, &by_journeys);
    JourneyCounts {
        feelings: mean_feelings(r, &t_visits),
        by_touchpoint: s.rows_in_words(&[t_visits, t_refusals, t_retold, t_dropped]),
        by_cohort: s.rows_in_words(&[k_journeys, k_retold, k_refusals, k_dropped]),
    }
}

/// Each touchpoint's mean feeling and all visits', where `visits` shows
/// the count it is taken over.
fn mean_feelings(r: &JourneyReport, visits: &Column) -> (Vec<Option<f64>>, Option<f64>) {
    let shown = |c: &Cell| matches!(c, Cell::Shown(_));
    let rows = r
        .by_touchpoint
        .iter()
        .zip(&visits.cells)
        .map(|(t, c)| shown(c).then_some(t.mean_feeling))
        .collect();
    let all: usize = r.by_touchpoint.iter().map(|t| t.visits).sum();
    let mean = if all == 0 {
        0.0
    } else {
        r.by_touchpoint
            .iter()
            .map(|t| t.mean_feeling * t.visits as f64)
            .sum::<f64>()
            / all as f64
    };
    (rows, shown(&visits.total).then_some(mean))
}

fn has_complementary<const N: usize>(rows: &[[String; N]], total: &[String; N]) -> bool {
    rows.iter()
        .chain(std::iter::once(total))
        .flatten()
        .any(|c| c == crate::render::disclosure::NOT_SHOWN)
}

fn signed_feeling(f: f64) -> String {
    if f.abs() < 0.05 {
        "0.0".into()
    } else {
        format!("{f:+.1}")
    }
}

/// A mean feeling in words, or "not shown" beside hidden visits.
fn feeling_in_words(f: Option<f64>) -> String {
    f.map_or_else(
        || crate::render::disclosure::NOT_SHOWN.to_owned(),
        signed_feeling,
    )
}

pub(super) fn touchpoint_rows(
    r: &JourneyReport,
    counts: &JourneyCounts,
) -> TableCtx<TouchpointCtx> {
    let (rows, totals) = &counts.by_touchpoint;
    let (feelings, mean) = &counts.feelings;
    let row = |name: String,
               feeling: Option<f64>,
               [visits, refusals, retold, dropped_out]: [String; 4]| {
        TouchpointCtx {
            name,
            visits,
            feeling: feeling_in_words(feeling),
            refusals,
            retold,
            dropped_out,
        }
    };
    TableCtx {
        complementary: has_complementary(rows, totals),
        rows: r
            .by_touchpoint
            .iter()
            .zip(rows.iter().cloned())
            .zip(feelings)
            .map(|((t, c), f)| row(md(&t.name), *f, c))
            .collect(),
        total: row("All services".to_owned(), *mean, totals.clone()),
    }
}

/// The counted journeys' tables, as published.
pub(super) fn counted_ctx(a: &Assessment, r: &JourneyReport, s: Suppression) -> CountedCtx {
    let counts = journey_counts(r, s);
    let by_cohort = cohort_rows(a, r, &counts.by_cohort);
    CountedCtx {
        count: by_cohort.total.journeys.clone(),
        count_shown: by_cohort.total.journeys != crate::render::disclosure::NOT_SHOWN,
        touchpoints: touchpoint_rows(r, &counts),
        by_cohort,
    }
}

fn cohort_rows(
    a: &Assessment,
    r: &JourneyReport,
    (rows, total): &(Vec<[String; 4]>, [String; 4]),
) -> TableCtx<CohortJourneysCtx> {
    let names = r.by_cohort.keys().map(|c| {
        md(&a
            .cohorts
            .iter()
            .find(|k| &k.id == c)
            .map_or(c.clone(), |k| k.name.clone()))
    });
    let row = |cohort: String, [journeys, retold, refusals, dropped_out]: [String; 4]| {
        CohortJourneysCtx {
            cohort,
            journeys,
            retold,
            refusals,
            dropped_out,
        }
    };
    TableCtx {
        complementary: has_complementary(rows, total),
        rows: names
            .zip(rows.iter().cloned())
            .map(|(name, counts)| row(name, counts))
            .collect(),
        total: row("All journeys".to_owned(), total.clone()),
    }
}

pub(super) fn journeys_ctx(
    a: &Assessment,
    r: &JourneyReport,
    informal_routes: &[&Gap],
    counts: &JourneyCounts,
    counted: Option<CountedCtx>,
) -> JourneysCtx {
    // Looked up by id, not searched for: a scan of every journey for each
    // one was quadratic (10,000 journeys, 50 million comparisons).
    let told = journeys_told(r);
    let published: Vec<JourneyCtx> = a
        .journeys
        .iter()
        .filter(|j| told.contains_key(j.id.as_str()))
        .map(|j| {
            let m = told[j.id.as_str()];
            JourneyCtx {
                id: md(&j.id),
                persona: md(&j.persona),
                cohorts: j
                    .cohorts
                    .iter()
                    .map(|c| {
                        md(&a
                            .cohorts
                            .iter()
                            .find(|x| &x.id == c)
                            .map_or(c.clone(), |x| x.name.clone()))
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                steps: m.steps,
                services: m.services_touched,
                retold: m.retold,
                refusals: m.refusals,
                days_to_support: m.days_to_support.map_or("not supported".into(), |d| {
                    crate::gaps::plural(d.max(0) as usize, "day", "days")
                }),
                ended: m.ended.label().to_owned(),
                quotes: j
                    .steps
                    .iter()
                    .filter_map(|x| x.note.as_deref())
                    .map(md)
                    .collect(),
                figures: crate::journeys::svg::journey_figure_names(j),
            }
        })
        .collect();
    let by_cohort = cohort_rows(a, r, &counts.by_cohort);
    let barriers = r
        .barriers_by_touchpoint
        .iter()
        .map(|(t, list)| {
            let (name, _) = crate::journeys::touchpoint(a, t);
            let unique: BTreeSet<String> = list.iter().map(|b| md(b)).collect();
            BarriersCtx {
                at: md(&name),
                barriers: unique.into_iter().collect(),
            }
        })
        .collect();
    JourneysCtx {
        count: number(r.journeys.len() as f64),
        sampled: published.len() < r.journeys.len(),
        published,
        by_cohort,
        barriers,
        informal_routes: informal_routes.iter().map(|g| gap_ctx(a, g)).collect(),
        counted,
    }
}
