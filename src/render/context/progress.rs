//! Progress since the previous edition, for the action plan and
//! `needsmap progress`.

use super::*;

/// Progress since the previous edition, for the templates: every string
/// escaped, every figure formatted.
#[derive(Serialize)]
pub(crate) struct ProgressCtx {
    pub title: String,
    pub previous_title: String,
    pub previous_period: String,
    /// The Markdown heading mark of its sections (`##` in a report of its
    /// own, `###` inside the action plan).
    pub level: String,
    pub closed: Vec<ProgressGapCtx>,
    pub opened: Vec<ProgressGapCtx>,
    pub still_open: usize,
    pub severity_changed: Vec<ProgressGapCtx>,
    pub high_now: usize,
    pub high_then: usize,
    pub services_then: usize,
    pub services_now: usize,
    pub refuge_then: String,
    pub refuge_now: String,
    pub refuge_benchmark: Option<String>,
    /// Actions whose status moved, were added or were dropped.
    pub actions: Vec<ProgressActionCtx>,
    pub completed: usize,
    pub new: usize,
    pub dropped: usize,
    pub changed: usize,
    pub indicators: Vec<ProgressIndicatorCtx>,
}

#[derive(Serialize)]
pub(crate) struct ProgressGapCtx {
    pub id: String,
    pub then: String,
    pub now: String,
    pub addressed_by: String,
    pub evidence: String,
}

#[derive(Serialize)]
pub(crate) struct ProgressActionCtx {
    pub id: String,
    pub action: String,
    pub lead: String,
    pub due: String,
    pub then: String,
    pub now: String,
    pub moved: String,
}

#[derive(Serialize)]
pub(crate) struct ProgressIndicatorCtx {
    pub name: String,
    pub then: String,
    pub now: String,
    pub direction: String,
    pub target: String,
}

/// `p` for the templates; `level` is the heading mark of its sections.
pub(crate) fn progress_ctx(p: &crate::progress::Progress, level: &str) -> ProgressCtx {
    use crate::progress::{ActionMove, Direction, GapLine};
    fn or_dash(s: Option<String>) -> String {
        s.unwrap_or_else(|| "–".to_owned())
    }
    let gap = |g: &GapLine| ProgressGapCtx {
        id: md(&g.id),
        then: or_dash(g.severity.before.map(|s| words(&s))),
        now: or_dash(g.severity.after.map(|s| words(&s))),
        addressed_by: if g.addressed_by.is_empty() {
            "–".to_owned()
        } else {
            g.addressed_by
                .iter()
                .map(|x| md(x))
                .collect::<Vec<_>>()
                .join(", ")
        },
        evidence: md(&g.evidence),
    };
    let moved = |m: ActionMove| p.actions.iter().filter(|a| a.moved == m).count();
    let value = |unit: Unit, c: Option<(i32, f64)>, withheld: bool| match withheld {
        true => format!("fewer than {}", p.suppress_below.unwrap_or_default()),
        false => or_dash(c.map(|(y, v)| format!("{} ({y})", indicator_value(unit, v)))),
    };
    ProgressCtx {
        title: md(&p.after.title),
        previous_title: md(&p.before.title),
        previous_period: p.before.period.clone(),
        level: level.to_owned(),
        closed: p.gaps.closed.iter().map(gap).collect(),
        opened: p.gaps.opened.iter().map(gap).collect(),
        still_open: p.gaps.still_open.len(),
        severity_changed: p
            .gaps
            .still_open
            .iter()
            .filter(|g| g.severity.before != g.severity.after)
            .map(gap)
            .collect(),
        high_now: p.after.high_gaps,
        high_then: p.before.high_gaps,
        services_then: p.before.services,
        services_now: p.after.services,
        refuge_then: or_dash(p.refuge_family_places.before.map(|n| number(n as f64))),
        refuge_now: or_dash(p.refuge_family_places.after.map(|n| number(n as f64))),
        refuge_benchmark: p.refuge_benchmark.map(number),
        actions: p
            .actions
            .iter()
            .filter(|a| a.moved != ActionMove::Unchanged)
            .map(|a| ProgressActionCtx {
                id: md(&a.id),
                action: md(&a.action),
                lead: md(&a.lead),
                due: a.due.clone(),
                then: or_dash(a.status.before.map(|s| s.label().to_owned())),
                now: or_dash(a.status.after.map(|s| s.label().to_owned())),
                moved: words(&a.moved),
            })
            .collect(),
        completed: moved(ActionMove::Completed),
        new: moved(ActionMove::New),
        dropped: moved(ActionMove::Dropped),
        changed: moved(ActionMove::Changed),
        indicators: p
            .indicators
            .iter()
            .map(|i| ProgressIndicatorCtx {
                name: md(&i.name),
                then: value(i.unit, i.latest.before, i.withheld.before),
                now: value(i.unit, i.latest.after, i.withheld.after),
                direction: match i.direction {
                    Direction::New => "new indicator".to_owned(),
                    Direction::Dropped => "no longer reported".to_owned(),
                    Direction::Withheld => "not shown (small numbers)".to_owned(),
                    d => words(&d),
                },
                target: match (i.target, i.target_met) {
                    (None, _) => "not set".to_owned(),
                    (Some(t), met) => format!(
                        "{} by {}{}",
                        indicator_value(i.unit, t.value),
                        t.year,
                        match met {
                            Some(true) => ": met",
                            Some(false) => ": not yet met",
                            None => "",
                        }
                    ),
                },
            })
            .collect(),
    }
}
