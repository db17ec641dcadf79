//! Progress between two editions of an assessment, last year's and this
//! year's: the gaps closed, opened and still open, how each action moved,
//! where each indicator went, and refuge places against the benchmark. It
//! is what a partnership board reviews each year, and what the authority
//! reports to the Secretary of State (Domestic Abuse Act 2021, s.59).
//!
//! Gaps are matched by their stable ids, actions and indicators by theirs.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::gaps::{Analysis, Gap, GapKind, GapSeverity, analyse};
use crate::model::{Assessment, Better, Indicator, Status, Target, Unit};

#[derive(Debug, Serialize)]
pub struct Progress {
    pub before: Edition,
    pub after: Edition,
    pub gaps: GapChanges,
    pub actions: Vec<ActionChange>,
    pub indicators: Vec<IndicatorChange>,
    pub refuge_family_places: Change<i64>,
    /// The Council of Europe benchmark in the later edition, if it has the
    /// population to work it out.
    pub refuge_benchmark: Option<f64>,
    /// In a public report, the disclosure threshold small counts were
    /// withheld under.
    pub suppress_below: Option<u32>,
}

/// One edition's headline.
#[derive(Debug, Serialize)]
pub struct Edition {
    pub title: String,
    pub period: String,
    pub services: usize,
    pub gaps: usize,
    pub high_gaps: usize,
}

#[derive(Debug, Serialize)]
pub struct GapChanges {
    /// Found last time, not now.
    pub closed: Vec<GapLine>,
    /// Found now, not last time.
    pub opened: Vec<GapLine>,
    /// Found both times.
    pub still_open: Vec<GapLine>,
}

#[derive(Debug, Serialize)]
pub struct GapLine {
    pub id: String,
    pub kind: GapKind,
    pub severity: Change<GapSeverity>,
    /// The later evidence, or the earlier for a closed gap.
    pub evidence: String,
    /// Actions that name this gap: of the earlier plan for a closed gap,
    /// of the later one otherwise.
    pub addressed_by: Vec<String>,
}

/// A value then and now; either may be missing.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Change<T> {
    pub before: Option<T>,
    pub after: Option<T>,
}

#[derive(Debug, Serialize)]
pub struct ActionChange {
    pub id: String,
    pub action: String,
    pub lead: String,
    pub due: String,
    pub status: Change<Status>,
    pub moved: ActionMove,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionMove {
    /// Done now, not before.
    Completed,
    /// Not in the earlier plan.
    New,
    /// In the earlier plan (and not done), not in the later one.
    Dropped,
    /// Another status than last time.
    Changed,
    Unchanged,
}

#[derive(Debug, Serialize)]
pub struct IndicatorChange {
    pub id: String,
    pub name: String,
    pub unit: Unit,
    /// The latest (year, value) in each edition.
    pub latest: Change<(i32, f64)>,
    pub target: Option<Target>,
    pub direction: Direction,
    pub target_met: Option<bool>,
    /// A count below the disclosure threshold, left out of a public report
    /// (the value is then absent from `latest`): then, now.
    pub withheld: Withheld,
}

/// Which of an indicator's two latest values were withheld.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Withheld {
    pub before: bool,
    pub after: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Improving,
    Worsening,
    /// Moved, with no `better:` to say which way is good.
    Up,
    Down,
    /// Within 2% of last time.
    Stable,
    /// Only in the later edition.
    New,
    /// Only in the earlier edition.
    Dropped,
    /// A value is withheld (a small count in a public report).
    Withheld,
}

/// [`compare`] as a public document may show it, when `public` gives the
/// disclosure threshold: both editions without what they mark internal (an
/// internal journey's refusal, say); last year's journeys only where this
/// edition still has them with consent to publish (consent can be
/// withdrawn); and counts below the threshold withheld. `None` compares
/// everything.
pub fn compare_as(before: &Assessment, after: &Assessment, public: Option<u32>) -> Progress {
    match public {
        None => compare(before, after),
        Some(below) => {
            let shown = after.public_view();
            compare_shown(before, &shown, &analyse(&shown), Some(below))
        }
    }
}

/// [`compare_as`] for a build that has already analysed what it shows of
/// the later edition (`shown`: its public view, or all of it for an
/// internal build, when `public` is `None`): that analysis is reused, not
/// made again.
pub fn compare_shown(
    before: &Assessment,
    shown: &Assessment,
    now: &Analysis,
    public: Option<u32>,
) -> Progress {
    let Some(below) = public else {
        return compare_analysed(before, shown, &analyse(before), now);
    };
    let mut before = before.public_view();
    before
        .journeys
        .retain(|j| shown.journeys.iter().any(|k| k.id == j.id));
    let mut progress = compare_analysed(&before, shown, &analyse(&before), now);
    progress.withhold_small_counts(below);
    progress
}

impl Progress {
    /// Take count indicators from 1 to `below - 1` out of the report: they
    /// can identify people.
    pub fn withhold_small_counts(&mut self, below: u32) {
        self.suppress_below = Some(below);
        let small = |v: f64| v > 0.0 && v < f64::from(below);
        for i in self.indicators.iter_mut().filter(|i| i.unit == Unit::Count) {
            for (value, withheld) in [
                (&mut i.latest.before, &mut i.withheld.before),
                (&mut i.latest.after, &mut i.withheld.after),
            ] {
                if value.is_some_and(|(_, v)| small(v)) {
                    *value = None;
                    *withheld = true;
                }
            }
            if i.withheld.before || i.withheld.after {
                i.direction = Direction::Withheld;
                i.target_met = None;
            }
        }
    }
}

/// Compare the earlier edition `before` with the later `after`.
pub fn compare(before: &Assessment, after: &Assessment) -> Progress {
    compare_analysed(before, after, &analyse(before), &analyse(after))
}

fn compare_analysed(
    before: &Assessment,
    after: &Assessment,
    then: &Analysis,
    now: &Analysis,
) -> Progress {
    Progress {
        before: edition(before, then),
        after: edition(after, now),
        gaps: gap_changes(before, after, &then.gaps, &now.gaps),
        actions: action_changes(before, after),
        indicators: indicator_changes(before, after),
        refuge_family_places: Change {
            before: then.safe_accommodation.refuge_family_places.known(),
            after: now.safe_accommodation.refuge_family_places.known(),
        },
        refuge_benchmark: now.safe_accommodation.benchmark_places,
        suppress_below: None,
    }
}

fn edition(a: &Assessment, analysis: &Analysis) -> Edition {
    Edition {
        title: a.info.title.clone(),
        period: format!("{} to {}", a.info.period.start, a.info.period.end),
        services: a.services.len(),
        gaps: analysis.gaps.len(),
        high_gaps: analysis
            .gaps
            .iter()
            .filter(|g| g.severity == GapSeverity::High)
            .count(),
    }
}

fn gap_changes(before: &Assessment, after: &Assessment, then: &[Gap], now: &[Gap]) -> GapChanges {
    let then_by_id: BTreeMap<&str, &Gap> = then.iter().map(|g| (g.id.as_str(), g)).collect();
    let now_ids: BTreeSet<&str> = now.iter().map(|g| g.id.as_str()).collect();
    // A closed gap was addressed by last year's plan; an open one is by
    // this year's.
    let line = |g: &Gap, severity: Change<GapSeverity>| {
        let plan = if severity.after.is_some() {
            after
        } else {
            before
        };
        GapLine {
            id: g.id.clone(),
            kind: g.kind,
            severity,
            evidence: g.evidence.clone(),
            addressed_by: plan
                .actions
                .iter()
                .filter(|act| act.addresses.iter().any(|x| x == &g.id))
                .map(|act| act.id.clone())
                .collect(),
        }
    };
    let mut changes = GapChanges {
        closed: then
            .iter()
            .filter(|g| !now_ids.contains(g.id.as_str()))
            .map(|g| {
                line(
                    g,
                    Change {
                        before: Some(g.severity),
                        after: None,
                    },
                )
            })
            .collect(),
        opened: Vec::new(),
        still_open: Vec::new(),
    };
    for g in now {
        let severity = Change {
            before: then_by_id.get(g.id.as_str()).map(|t| t.severity),
            after: Some(g.severity),
        };
        match severity.before {
            Some(_) => changes.still_open.push(line(g, severity)),
            None => changes.opened.push(line(g, severity)),
        }
    }
    // Most severe first, then by id, so the order does not depend on input.
    let key = |l: &GapLine| {
        let s = l.severity.after.or(l.severity.before);
        (std::cmp::Reverse(s.map(severity_rank)), l.id.clone())
    };
    for list in [
        &mut changes.closed,
        &mut changes.opened,
        &mut changes.still_open,
    ] {
        list.sort_by_key(key);
    }
    changes
}

fn severity_rank(s: GapSeverity) -> u8 {
    match s {
        GapSeverity::High => 2,
        GapSeverity::Medium => 1,
        GapSeverity::Low => 0,
    }
}

fn action_changes(before: &Assessment, after: &Assessment) -> Vec<ActionChange> {
    let then: BTreeMap<&str, Status> = before
        .actions
        .iter()
        .map(|a| (a.id.as_str(), a.status))
        .collect();
    let now_ids: BTreeSet<&str> = after.actions.iter().map(|a| a.id.as_str()).collect();
    let change = |a: &crate::model::Action, status: Change<Status>| ActionChange {
        id: a.id.clone(),
        action: a.action.clone(),
        lead: a.lead.clone(),
        due: a.due.to_string(),
        status,
        moved: moved(status),
    };
    // This year's plan in its order, then what left it.
    let current = after.actions.iter().map(|a| {
        let before = then.get(a.id.as_str()).copied();
        change(
            a,
            Change {
                before,
                after: Some(a.status),
            },
        )
    });
    let gone = before
        .actions
        .iter()
        .filter(|a| !now_ids.contains(a.id.as_str()))
        .map(|a| {
            change(
                a,
                Change {
                    before: Some(a.status),
                    after: None,
                },
            )
        });
    current.chain(gone).collect()
}

fn moved(status: Change<Status>) -> ActionMove {
    match (status.before, status.after) {
        (None, _) => ActionMove::New,
        // A finished action that leaves the plan was not dropped.
        (Some(Status::Done), None) => ActionMove::Unchanged,
        (Some(_), None) => ActionMove::Dropped,
        (Some(b), Some(Status::Done)) if b != Status::Done => ActionMove::Completed,
        (Some(b), Some(a)) if b != a => ActionMove::Changed,
        _ => ActionMove::Unchanged,
    }
}

fn indicator_changes(before: &Assessment, after: &Assessment) -> Vec<IndicatorChange> {
    let latest = |i: &Indicator| i.values.iter().next_back().map(|(y, v)| (*y, *v));
    let mut ids: Vec<&str> = after.indicators.iter().map(|i| i.id.as_str()).collect();
    ids.extend(
        before
            .indicators
            .iter()
            .map(|i| i.id.as_str())
            .filter(|id| !after.indicators.iter().any(|i| i.id == *id)),
    );
    ids.into_iter()
        .map(|id| {
            let now = after.indicators.iter().find(|i| i.id == id);
            let then = before.indicators.iter().find(|i| i.id == id);
            let indicator = now.or(then).expect("listed from one of the two");
            // A value in another unit is not comparable: a new series.
            let then = then.filter(|t| t.unit == indicator.unit);
            let change = Change {
                before: then.and_then(latest),
                after: now.and_then(latest),
            };
            let direction = match (then, now) {
                (None, _) => Direction::New,
                (_, None) => Direction::Dropped,
                _ => direction(change, indicator.better),
            };
            let target = now.and_then(|i| i.target);
            IndicatorChange {
                id: id.to_owned(),
                name: indicator.name.clone(),
                unit: indicator.unit,
                latest: change,
                target,
                direction,
                target_met: target
                    .zip(change.after)
                    .and_then(|(t, (_, v))| met(t.value, v, indicator.better)),
                withheld: Withheld::default(),
            }
        })
        .collect()
}

/// Which way an indicator in both editions went; `Stable` when either has
/// no value to compare.
fn direction(change: Change<(i32, f64)>, better: Option<Better>) -> Direction {
    let (Some((_, b)), Some((_, a))) = (change.before, change.after) else {
        return Direction::Stable;
    };
    movement(b, a, better).1
}

/// How a value moved from `then` to `now`, the one rule for an
/// indicator's trend in a document and between editions: its change
/// relative to `then` (`None` from zero, where a share of nothing means
/// nothing), and which way it went. Within 2% is stable.
pub(crate) fn movement(then: f64, now: f64, better: Option<Better>) -> (Option<f64>, Direction) {
    let relative = if then != 0.0 {
        (now - then) / then.abs()
    } else {
        now - then
    };
    let direction = if relative.abs() < 0.02 {
        Direction::Stable
    } else {
        match (relative > 0.0, better) {
            (true, Some(Better::Higher)) | (false, Some(Better::Lower)) => Direction::Improving,
            (true, Some(Better::Lower)) | (false, Some(Better::Higher)) => Direction::Worsening,
            (true, None) => Direction::Up,
            (false, None) => Direction::Down,
        }
    };
    ((then != 0.0).then_some(relative), direction)
}

/// Whether `value` meets `target`: at or above it when higher is better, at
/// or below when lower is; unknown without `better:`.
fn met(target: f64, value: f64, better: Option<Better>) -> Option<bool> {
    match better? {
        Better::Higher => Some(value >= target),
        Better::Lower => Some(value <= target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_move_as_a_board_would_say() {
        let c = |b, a| {
            moved(Change {
                before: b,
                after: a,
            })
        };
        assert_eq!(c(None, Some(Status::OnTrack)), ActionMove::New);
        assert_eq!(
            c(Some(Status::OnTrack), Some(Status::Done)),
            ActionMove::Completed
        );
        assert_eq!(c(Some(Status::OnTrack), None), ActionMove::Dropped);
        assert_eq!(c(Some(Status::Done), None), ActionMove::Unchanged);
        assert_eq!(
            c(Some(Status::OnTrack), Some(Status::AtRisk)),
            ActionMove::Changed
        );
        assert_eq!(
            c(Some(Status::Done), Some(Status::Done)),
            ActionMove::Unchanged
        );
    }

    #[test]
    fn indicator_direction_follows_better() {
        let ch = |b: f64, a: f64| Change {
            before: Some((2025, b)),
            after: Some((2026, a)),
        };
        assert_eq!(
            direction(ch(100.0, 120.0), Some(Better::Higher)),
            Direction::Improving
        );
        assert_eq!(
            direction(ch(100.0, 120.0), Some(Better::Lower)),
            Direction::Worsening
        );
        assert_eq!(
            direction(ch(100.0, 101.0), Some(Better::Lower)),
            Direction::Stable
        );
        assert_eq!(direction(ch(100.0, 80.0), None), Direction::Down);
        assert_eq!(
            direction(
                Change {
                    before: None,
                    after: Some((2026, 1.0))
                },
                None
            ),
            Direction::Stable
        );
        assert_eq!(met(50.0, 60.0, Some(Better::Higher)), Some(true));
        assert_eq!(met(50.0, 60.0, Some(Better::Lower)), Some(false));
        assert_eq!(met(50.0, 60.0, None), None);
    }
}
