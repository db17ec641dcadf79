//! Charts as SVG, made by needsmap: the coverage heat map, the levels of
//! need with the provision at each, indicator trends, and refuge places
//! against the benchmark. Every chart has a `<title>` and `<desc>` (its text
//! alternative; the documents also give each a data table), writes its
//! numbers as text, and keeps its meaning in grey print.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::gaps::{Analysis, number};
use crate::graph::PathwayGraph;
use crate::journeys::JourneyReport;
use crate::journeys::svg::{open, wrap_lines};
use crate::model::{Assessment, Indicator};
use crate::render::disclosure::{Cell, Suppression};
use crate::text::xml_escape as escape;

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars()
            .take(max - 1)
            .collect::<String>()
            .trim_end()
            .to_owned()
            + "…"
    }
}

/// Lines of text as `<tspan>`s, `step` apart, from the baseline `y`.
fn tspans(x: f64, y: f64, step: f64, lines: &[String]) -> String {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "<tspan x=\"{x:.1}\" y=\"{:.1}\">{}</tspan>",
                y + step * i as f64,
                escape(l)
            )
        })
        .collect()
}

/// Cohorts down, levels across; each cell the number of services that will
/// take the cohort there. Empty cells are hatched and say "none".
pub(crate) fn coverage(a: &Assessment, analysis: &Analysis) -> String {
    // Cohort names in up to two lines of 34 characters; rows are tall
    // enough for two. Narrow columns keep seven levels on a portrait page
    // at 7 pt or more.
    let (left, top, cw, rh) = (230.0, 130.0, 66.0, 30.0);
    let width = left + cw * a.levels.len() as f64 + 20.0;
    let height = top + rh * a.cohorts.len() as f64 + 30.0;
    let mut desc = Vec::new();
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<defs><pattern id=\"cov-none\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fde0dd\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b2182b\" stroke-width=\"1.5\"/></pattern></defs>"
    );
    for (l, level) in a.levels.iter().enumerate() {
        let x = left + cw * (l as f64 + 0.5);
        let _ = writeln!(
            body,
            "<text transform=\"translate({x:.1},{:.1}) rotate(-35)\" font-size=\"11\">{}</text>",
            top - 8.0,
            escape(&truncate(
                level.short_name.as_deref().unwrap_or(&level.name),
                26
            ))
        );
    }
    for (c, cohort) in a.cohorts.iter().enumerate() {
        let y = top + rh * c as f64;
        let weight = if cohort.priority {
            " font-weight=\"bold\""
        } else {
            ""
        };
        let lines = wrap_lines(&cohort.name, 34, 2);
        let baseline = if lines.len() == 1 { y + 19.0 } else { y + 13.0 };
        let _ = writeln!(
            body,
            "<text font-size=\"11\"{weight}>{}</text>",
            tspans(10.0, baseline, 12.0, &lines)
        );
        let row = analysis.coverage.cells.get(&cohort.id);
        let mut cells = Vec::new();
        for (l, level) in a.levels.iter().enumerate() {
            let n = row.and_then(|r| r.get(&level.id)).map_or(0, Vec::len);
            let needed = analysis
                .coverage
                .needed
                .get(&cohort.id)
                .is_some_and(|n| n.contains(&level.id));
            let x = left + cw * l as f64;
            let (fill, label) = match (n, needed) {
                (_, false) => ("#ffffff", "n/a".to_owned()),
                (0, true) => ("url(#cov-none)", "none".to_owned()),
                (1, true) => ("#d1e5f0", "1".to_owned()),
                (2..=3, true) => ("#92c5de", n.to_string()),
                (_, true) => ("#4393c3", n.to_string()),
            };
            let text_fill = if n > 3 && needed { "#fff" } else { "#000" };
            let _ = writeln!(
                body,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cw}\" height=\"{rh}\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{text_fill}\"{}>{label}</text>",
                x + cw / 2.0,
                y + 19.0,
                if label == "none" {
                    " font-weight=\"bold\""
                } else {
                    ""
                }
            );
            cells.push(format!("{}: {label}", level.name));
        }
        desc.push(format!("{}: {}", cohort.name, cells.join(", ")));
    }
    let mut out = open(
        "coverage",
        width,
        height,
        "Coverage: services open to each cohort at each level of need",
        &format!(
            "Number of services that will take each cohort at each level; none means a gap, n/a a level the cohort does not need. {}",
            desc.join(". ")
        ),
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

/// Levels of need from lowest to highest, each a bar as long as the
/// number of services working there, labelled with the count.
pub(crate) fn levels(g: &PathwayGraph) -> String {
    let a = g.a;
    let counts: Vec<usize> = (0..a.levels.len())
        .map(|l| (0..a.services.len()).filter(|&s| g.at_level(s, l)).count())
        .collect();
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let (left, top, rh, bar) = (260.0, 50.0, 34.0, 420.0);
    let height = top + rh * a.levels.len() as f64 + 20.0;
    let desc = a
        .levels
        .iter()
        .zip(&counts)
        .map(|(l, n)| format!("{}: {n} services", l.name))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = open(
        "levels",
        left + bar + 120.0,
        height,
        "Levels of need and the services at each",
        &desc,
    );
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"30\" font-size=\"12\">Lowest need at the top; high-need levels marked ▲; step-down stages ↓.</text>"
    );
    for (l, level) in a.levels.iter().enumerate() {
        let y = top + rh * l as f64;
        let mark = if level.high_need {
            " ▲"
        } else if level.step_down {
            " ↓"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<text x=\"10\" y=\"{:.1}\" font-size=\"12\">{}{mark}</text>",
            y + 20.0,
            escape(&truncate(&level.name, 34))
        );
        let w = bar * counts[l] as f64 / max;
        let fill = if level.high_need {
            "#2166ac"
        } else if level.step_down {
            "#92c5de"
        } else {
            "#4393c3"
        };
        let _ = writeln!(
            out,
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"{:.1}\" height=\"22\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"0.6\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{} services</text>",
            y + 5.0,
            w.max(1.0),
            left + w.max(1.0) + 6.0,
            y + 21.0,
            counts[l]
        );
    }
    out.push_str("</svg>\n");
    out
}

/// One indicator's values by year, with the target if set. A count of
/// people a public document hides is drawn on a band below the
/// threshold, not at its height, and the scale is set by what is shown,
/// so nothing in the chart depends on the hidden value.
pub(crate) fn indicator(i: &Indicator, s: Suppression) -> String {
    let hidden = |v: f64| s.hides_value(i.unit, v);
    let small = s.show(Cell::Small);
    let label = |v: f64| if hidden(v) { small.clone() } else { fmt(v) };
    let (left, top, w, h) = (70.0, 40.0, 420.0, 160.0);
    let values: Vec<(i32, f64)> = i.values.iter().map(|(y, v)| (*y, *v)).collect();
    let target = i.target.map(|t| t.value);
    let band = values
        .iter()
        .any(|(_, v)| hidden(*v))
        .then_some(f64::from(s.below));
    let highest = values
        .iter()
        .map(|(_, v)| *v)
        .filter(|v| !hidden(*v))
        .chain(target)
        .chain(band)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    // Round ticks with headroom above the highest value for its label, so
    // no value label sits level with a tick label.
    let (step, ticks) = nice_ticks(highest * 1.12);
    let max = step * ticks as f64;
    let n = values.len().max(1);
    // Each year at the middle of its own band: the first and last labels
    // stay clear of the axis labels and the target's.
    let x_of = |k: usize| left + w * (k as f64 + 0.5) / n as f64;
    // Label every `every`-th value (and the last) when labels would touch:
    // the table under the chart gives them all.
    let widest = values
        .iter()
        .map(|(_, v)| label(*v).chars().count())
        .max()
        .unwrap_or(1) as f64
        * CHAR_WIDTH_11PX
        + 6.0;
    let every = (widest / (w / n as f64)).ceil().max(1.0) as usize;
    let every_year = ((4.0 * CHAR_WIDTH_11PX + 6.0) / (w / n as f64))
        .ceil()
        .max(1.0) as usize;
    let y_of = |v: f64| top + h - h * v / max;
    // Where a value is drawn: a hidden one mid-band, whatever it is.
    let y_drawn = |v: f64| {
        y_of(if hidden(v) {
            f64::from(s.below) / 2.0
        } else {
            v
        })
    };
    let desc = format!(
        "{} by year: {}{}. Source: {}.",
        i.name,
        values
            .iter()
            .map(|(y, v)| format!("{y}: {}", label(*v)))
            .collect::<Vec<_>>()
            .join(", "),
        target
            .map(|t| format!("; target {}", fmt(t)))
            .unwrap_or_default(),
        i.source
    );
    let id = format!("ind-{}", i.id);
    let mut out = open(&id, left + w + 60.0, top + h + 50.0, &i.name, &desc);
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"22\" font-size=\"13\" font-weight=\"bold\">{}</text>",
        escape(&truncate(&i.name, 70))
    );
    // The band a hidden value lies in; its marker's label says so.
    if let Some(b) = band {
        let _ = writeln!(
            out,
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"{w}\" height=\"{:.1}\" fill=\"#eee\"/>",
            y_of(b),
            y_of(0.0) - y_of(b),
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#000\"/>",
        left + w,
        top + h,
        top + h
    );
    for k in 0..=ticks {
        let v = step * k as f64;
        let y = y_of(v);
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{}</text>",
            left + w,
            left - 6.0,
            y + 4.0,
            tick_label(v, step)
        );
    }
    if let Some(t) = target {
        let y = y_of(t);
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#000\" stroke-dasharray=\"6 4\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">target {}</text>",
            left + w,
            left + w + 4.0,
            y + 4.0,
            fmt(t)
        );
    }
    // The line joins shown values only: a segment to a hidden one would
    // slope by its value.
    for run in values
        .iter()
        .enumerate()
        .collect::<Vec<_>>()
        .split(|(_, (_, v))| hidden(*v))
        .filter(|run| !run.is_empty())
    {
        let points: Vec<String> = run
            .iter()
            .map(|(k, (_, v))| format!("{:.1},{:.1}", x_of(*k), y_of(*v)))
            .collect();
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#2166ac\" stroke-width=\"2.5\"/>",
            points.join(" ")
        );
    }
    for (k, (y, v)) in values.iter().enumerate() {
        let fill = if hidden(*v) { "#fff" } else { "#2166ac" };
        let _ = writeln!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{fill}\" stroke=\"#2166ac\"/>",
            x_of(k),
            y_drawn(*v),
        );
        // The last always; the others every `every`, unless too near it.
        let shown = |every: usize| k + 1 == n || (k % every == 0 && n - 1 - k >= every);
        if shown(every) {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
                x_of(k),
                y_drawn(*v) - 9.0,
                escape(&label(*v)),
            );
        }
        if shown(every_year) {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{y}</text>",
                x_of(k),
                top + h + 18.0
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// The mean width of a digit or letter of an 11px label, in px: enough to
/// tell when two labels would touch.
const CHAR_WIDTH_11PX: f64 = 6.2;

/// Round tick steps (1, 2, 2.5 or 5 times a power of ten) covering
/// `0..=top` in 3 to 5 steps: (step, number of steps).
fn nice_ticks(top: f64) -> (f64, usize) {
    let raw = top.max(1e-9) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    (step, (top / step).ceil().max(1.0) as usize)
}

/// A tick's value with as many decimals as its step needs: 0.25, 0.5…
fn tick_label(v: f64, step: f64) -> String {
    if step >= 1.0 {
        fmt(v)
    } else {
        // One decimal more than the step's first digit needs, then the
        // trailing zeros dropped: 0.25 → "0.25", 0.5 → "0.5", 1.0 → "1".
        let decimals = ((-step.log10()).ceil().max(0.0) as usize + 1).min(6);
        let text = format!("{v:.decimals$}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn fmt(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 || v.abs() >= 100.0 {
        number(v)
    } else {
        format!("{v:.1}")
    }
}

/// Refuge family places against the Council of Europe benchmark, and the
/// units of every accommodation type.
pub(crate) fn accommodation(analysis: &Analysis) -> String {
    let acc = &analysis.safe_accommodation;
    // A figure no service records is left out, not drawn as zero; a
    // partly recorded one says "at least".
    let bar = |label: String, t: &crate::gaps::Tally| {
        t.known().map(|sum| {
            let label = if t.complete() {
                label
            } else {
                format!("{label}, at least")
            };
            (label, sum as f64, false)
        })
    };
    let mut rows: Vec<(String, f64, bool)> = acc
        .by_type
        .iter()
        .filter_map(|(t, line)| bar(format!("{} (units)", t.replace('-', " ")), &line.units))
        .collect();
    rows.extend(bar(
        "Refuge family places".into(),
        &acc.refuge_family_places,
    ));
    if let Some(b) = acc.benchmark_places {
        rows.push(("Council of Europe benchmark".into(), b, true));
    }
    let max = rows.iter().map(|r| r.1).fold(1.0_f64, f64::max);
    let (left, top, rh, bar) = (240.0, 40.0, 30.0, 380.0);
    let desc = rows
        .iter()
        .map(|(l, v, _)| format!("{l}: {}", fmt(*v)))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = open(
        "accommodation",
        left + bar + 80.0,
        top + rh * rows.len() as f64 + 20.0,
        "Safe accommodation units by type, and refuge places against the benchmark",
        &desc,
    );
    for (k, (label, v, benchmark)) in rows.iter().enumerate() {
        let y = top + rh * k as f64;
        let w = bar * v / max;
        let style = if *benchmark {
            "fill=\"#fff\" stroke=\"#000\" stroke-dasharray=\"4 3\""
        } else {
            "fill=\"#4393c3\" stroke=\"#000\" stroke-width=\"0.6\""
        };
        let _ = writeln!(
            out,
            "<text x=\"10\" y=\"{:.1}\" font-size=\"12\">{}</text><rect x=\"{left}\" y=\"{:.1}\" width=\"{:.1}\" height=\"20\" {style}/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            y + 15.0,
            escape(label),
            y + 1.0,
            w.max(1.0),
            left + w.max(1.0) + 6.0,
            y + 16.0,
            fmt(*v)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// Every chart the templates may place, by name: journey maps for the
/// journeys `mapped` accepts (those the needs assessment tells one by
/// one), the averaged map of all `journeys`, and indicators with their
/// counts published as `s` says.
pub(crate) fn all(
    analysed: &crate::render::Analysed,
    mapped: &dyn Fn(&crate::model::Journey) -> bool,
    s: Suppression,
) -> BTreeMap<String, String> {
    let crate::render::Analysed {
        g,
        analysis,
        journeys,
        counts,
        ..
    } = analysed;
    let a = g.a;
    let mut charts = BTreeMap::new();
    charts.insert("coverage".into(), coverage(a, analysis));
    charts.insert("levels".into(), levels(g));
    charts.insert("pathways".into(), pathways(g));
    for l in 0..a.levels.len() {
        charts.extend(pathway_level(g, l));
    }
    charts.insert("accommodation".into(), accommodation(analysis));
    charts.extend(touchpoint_parts(journeys, counts));
    for i in &a.indicators {
        charts.insert(format!("indicator-{}", i.id), indicator(i, s));
    }
    for j in a.journeys.iter().filter(|j| mapped(j)) {
        charts.extend(crate::journeys::svg::journey_figures(a, j));
    }
    charts
}

/// The averaged journey map of the journeys shown one by one, with the
/// counts their tables publish: `build` and `journeys --svg` draw the same.
pub(crate) fn touchpoints(journeys: &JourneyReport) -> String {
    let counts = crate::render::context::published_counts(journeys);
    crate::journeys::svg::touchpoint_map(
        "touchpoints",
        &journeys.by_touchpoint,
        &counts.by_touchpoint.0,
        &counts.feelings.0,
    )
}

/// Touchpoints drawn in one figure of a document: a page holds this many
/// rows with their labels at a readable size; more go on to a next figure.
pub(crate) const TOUCHPOINTS_PER_FIGURE: usize = 20;

/// The names of the touchpoint figures for `n` touchpoints: `touchpoints`,
/// then `touchpoints-2`, `touchpoints-3`…
pub(crate) fn touchpoint_figures(n: usize) -> Vec<String> {
    (0..n.div_ceil(TOUCHPOINTS_PER_FIGURE).max(1))
        .map(|k| {
            if k == 0 {
                "touchpoints".to_owned()
            } else {
                format!("touchpoints-{}", k + 1)
            }
        })
        .collect()
}

/// The touchpoint chart split into figures a page can hold.
fn touchpoint_parts(
    journeys: &JourneyReport,
    counts: &crate::render::context::JourneyCounts,
) -> Vec<(String, String)> {
    let per = TOUCHPOINTS_PER_FIGURE;
    touchpoint_figures(journeys.by_touchpoint.len())
        .into_iter()
        .enumerate()
        .map(|(k, name)| {
            let rows = k * per..((k + 1) * per).min(journeys.by_touchpoint.len());
            let svg = crate::journeys::svg::touchpoint_map(
                &name,
                &journeys.by_touchpoint[rows.clone()],
                &counts.by_touchpoint.0[rows.clone()],
                &counts.feelings.0[rows],
            );
            (name, svg)
        })
        .collect()
}

/// Boxes a column of a pathway figure holds: with 34 px boxes and 10 px
/// between them, a figure of three columns at full page width keeps its
/// 11 px names at about 8 pt and fits a page.
const PATHWAY_ROWS: usize = 18;

/// One figure of the referral routes around a level of need: where people
/// come from into some of the level's services (left), those services
/// (middle, bold) and where they refer on to (right).
struct PathwayPart {
    left: Vec<petgraph::graph::NodeIndex>,
    middle: Vec<petgraph::graph::NodeIndex>,
    right: Vec<petgraph::graph::NodeIndex>,
    /// (from, to, open to some cohorts only), between the columns.
    routes: Vec<(petgraph::graph::NodeIndex, petgraph::graph::NodeIndex, bool)>,
    /// Routes between two services of the level, listed in the appendix.
    within: usize,
}

/// The level's services split into parts of at most [`PATHWAY_ROWS`] boxes
/// a column, each with the routes into and out of them.
fn pathway_parts(g: &PathwayGraph, l: usize) -> Vec<PathwayPart> {
    use crate::graph::NodeRef;
    use petgraph::visit::EdgeRef;
    use std::collections::BTreeSet;
    let at_level =
        |n: petgraph::graph::NodeIndex| g.service_of(n).is_some_and(|s| g.at_level(s, l));
    let services: Vec<petgraph::graph::NodeIndex> =
        g.graph.node_indices().filter(|&n| at_level(n)).collect();
    let mut parts: Vec<PathwayPart> = Vec::new();
    let (mut left, mut right, mut middle) = (BTreeSet::new(), BTreeSet::new(), Vec::new());
    let mut flush = |left: &mut BTreeSet<_>, middle: &mut Vec<_>, right: &mut BTreeSet<_>| {
        if middle.is_empty() {
            return;
        }
        let mid: Vec<petgraph::graph::NodeIndex> = std::mem::take(middle);
        let mut routes = Vec::new();
        let mut within = 0;
        for e in g.graph.edge_references() {
            let (s, t) = (e.source(), e.target());
            if g.graph[s] == NodeRef::Root || s == t {
                continue;
            }
            let open = e.weight().cohorts.is_some();
            match (mid.contains(&s), mid.contains(&t)) {
                _ if at_level(s) && at_level(t) && (mid.contains(&s) || mid.contains(&t)) => {
                    within += 1
                }
                (false, true) if !at_level(s) => routes.push((s, t, open)),
                (true, false) if !at_level(t) => routes.push((s, t, open)),
                _ => {}
            }
        }
        parts.push(PathwayPart {
            left: std::mem::take(left).into_iter().collect(),
            middle: mid,
            right: std::mem::take(right).into_iter().collect(),
            routes,
            within,
        });
    };
    for &n in &services {
        let into: BTreeSet<_> = g
            .graph
            .edges_directed(n, petgraph::Direction::Incoming)
            .map(|e| e.source())
            .filter(|&s| g.graph[s] != NodeRef::Root && !at_level(s))
            .collect();
        let out: BTreeSet<_> = g
            .graph
            .edges(n)
            .map(|e| e.target())
            .filter(|&t| !at_level(t))
            .collect();
        let fits = middle.len() < PATHWAY_ROWS
            && left.union(&into).count() <= PATHWAY_ROWS
            && right.union(&out).count() <= PATHWAY_ROWS;
        if !fits {
            flush(&mut left, &mut middle, &mut right);
        }
        left.extend(into);
        right.extend(out);
        middle.push(n);
    }
    flush(&mut left, &mut middle, &mut right);
    parts
}

/// The names of the pathway figures of a level: `pathways-LEVEL`, then
/// `pathways-LEVEL--2`…
pub(crate) fn pathway_figures(g: &PathwayGraph, l: usize) -> Vec<String> {
    let id = &g.a.levels[l].id;
    (0..pathway_parts(g, l).len())
        .map(|k| {
            if k == 0 {
                format!("pathways-{id}")
            } else {
                // `--` cannot occur in a slug, so part 2 of `tier` is
                // never level `tier-2`'s figure.
                format!("pathways-{id}--{}", k + 1)
            }
        })
        .collect()
}

/// The referral routes around one level of need, a figure per part, laid
/// out in layers (Sugiyama's method, through `rust-sugiyama`: the order
/// of the boxes in each column keeps crossings few). One level a figure,
/// three columns, keeps every name readable on a page, which the whole
/// system in one picture cannot be.
fn pathway_level(g: &PathwayGraph, l: usize) -> Vec<(String, String)> {
    let parts = pathway_parts(g, l);
    let names = pathway_figures(g, l);
    parts
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(k, (part, name))| {
            (
                name.clone(),
                pathway_figure(g, l, name, Some(part), (k + 1, parts.len())),
            )
        })
        .collect()
}

/// Each column's boxes in the order a layered layout gives them.
fn column_order(part: &PathwayPart) -> [Vec<petgraph::graph::NodeIndex>; 3] {
    use petgraph::stable_graph::StableDiGraph;
    // One layout node per box, so a service both referring in and
    // referred to is drawn in both side columns.
    let mut sub: StableDiGraph<(usize, petgraph::graph::NodeIndex), ()> = StableDiGraph::new();
    let mut index = std::collections::HashMap::new();
    for (c, column) in [&part.left, &part.middle, &part.right].iter().enumerate() {
        for &n in column.iter() {
            index.insert((c, n), sub.add_node((c, n)));
        }
    }
    for &(s, t, _) in &part.routes {
        let (from, to) = if part.middle.contains(&t) {
            ((0, s), (1, t))
        } else {
            ((1, s), (2, t))
        };
        if let (Some(&a), Some(&b)) = (index.get(&from), index.get(&to)) {
            sub.add_edge(a, b, ());
        }
    }
    let config = rust_sugiyama::configure::Config::default();
    // Components keyed by their first node, not by the order the layout
    // returns them in: the same bytes every build.
    let mut keyed: Vec<(
        usize,
        petgraph::graph::NodeIndex,
        f64,
        petgraph::graph::NodeIndex,
    )> = Vec::new();
    for (coords, _, _) in rust_sugiyama::from_graph(&sub, &|_, _| (1.0, 1.0), &config) {
        let first = coords
            .iter()
            .map(|(id, _)| sub[*id].1)
            .min()
            .unwrap_or_default();
        for (id, (x, _)) in coords {
            let (c, n) = sub[id];
            keyed.push((c, first, x, n));
        }
    }
    keyed.sort_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then(a.2.total_cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    let mut columns: [Vec<petgraph::graph::NodeIndex>; 3] = Default::default();
    for (c, _, _, n) in keyed {
        columns[c].push(n);
    }
    columns
}

fn pathway_figure(
    g: &PathwayGraph,
    l: usize,
    id: &str,
    part: Option<&PathwayPart>,
    (k, of): (usize, usize),
) -> String {
    use crate::graph::NodeRef;
    let level = &g.a.levels[l];
    let (box_w, box_h, gap, row_gap, top) = (180.0, 34.0, 60.0, 10.0, 58.0);
    let columns = part.map(column_order).unwrap_or_default();
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0).max(1) as f64;
    let width = 3.0 * box_w + 2.0 * gap + 20.0;
    let height = top + rows * (box_h + row_gap) + 10.0;
    // Columns centred on the tallest; drawn in column order, so two
    // builds write the same bytes.
    let mut place = std::collections::BTreeMap::new();
    for (c, column) in columns.iter().enumerate() {
        let offset = (rows - column.len() as f64) * (box_h + row_gap) / 2.0;
        for (r, &n) in column.iter().enumerate() {
            let x = 10.0 + c as f64 * (box_w + gap);
            place.insert((c, n), (x, top + offset + r as f64 * (box_h + row_gap)));
        }
    }
    let title = if of > 1 {
        format!("Referral routes at {} ({k} of {of})", level.name)
    } else {
        format!("Referral routes at {}", level.name)
    };
    let within = part.map_or(0, |p| p.within);
    let desc = format!(
        "{}: {} services at this level, {} referring in, {} referred on to, {} routes{}. Every route is listed in the appendix.",
        title,
        columns[1].len(),
        columns[0].len(),
        columns[2].len(),
        part.map_or(0, |p| p.routes.len()),
        if within > 0 {
            format!("; {within} more between services at this level are not drawn")
        } else {
            String::new()
        }
    );
    let mut out = open(id, width, height, &title, &desc);
    let _ = writeln!(
        out,
        "<defs><marker id=\"arrow-{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/></marker></defs>"
    );
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        escape(&truncate(&title, 80))
    );
    let mut key = "Refers in · at this level (bold) · refers on to. Rounded boxes are entry points; dashed routes are open to some cohorts only.".to_owned();
    if within > 0 {
        key = format!("{key} {within} routes between services at this level: see the appendix.");
    }
    for (i, line) in wrap_lines(&key, 110, 2).iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"10\" y=\"{:.1}\" font-size=\"10\">{}</text>",
            38.0 + 12.0 * i as f64,
            escape(line)
        );
    }
    if let Some(part) = part {
        for &(s, t, some) in &part.routes {
            let (from, to) = if part.middle.contains(&t) {
                ((0, s), (1, t))
            } else {
                ((1, s), (2, t))
            };
            let (Some(&(sx, sy)), Some(&(tx, ty))) = (place.get(&from), place.get(&to)) else {
                continue;
            };
            let (x1, y1, x2, y2) = (sx + box_w, sy + box_h / 2.0, tx, ty + box_h / 2.0);
            let bend = (x2 - x1) / 2.0;
            let dash = if some {
                " stroke-dasharray=\"5 3\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<path d=\"M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}\" fill=\"none\" stroke=\"#666\" stroke-width=\"1\"{dash} marker-end=\"url(#arrow-{id})\"/>",
                x1 + bend,
                x2 - bend
            );
        }
    }
    for ((c, n), &(x, y)) in &place {
        let entry = matches!(g.graph[*n], NodeRef::Entry(_));
        let (fill, rx, stroke) = match (entry, *c == 1) {
            (true, _) => ("#e8eef7", 14.0, 1.0),
            (false, true) => ("#ffffff", 3.0, 2.2),
            (false, false) => ("#f4f4f4", 3.0, 0.8),
        };
        let lines = wrap_lines(g.node_name(*n), 28, 2);
        let baseline = if lines.len() == 1 { y + 21.0 } else { y + 14.0 };
        let _ = writeln!(
            out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{box_w}\" height=\"{box_h}\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"{stroke}\"/><text font-size=\"11\"{}>{}</text>",
            if *c == 1 { " font-weight=\"bold\"" } else { "" },
            tspans(x + 6.0, baseline, 13.0, &lines)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The pathway graph: entry points in the first column, then each service
/// in the column of its lowest level of need; referral routes as curves.
/// Routes limited to some cohorts are dashed.
pub(crate) fn pathways(g: &PathwayGraph) -> String {
    use crate::graph::NodeRef;
    use petgraph::visit::EdgeRef;
    let a = g.a;
    let columns = a.levels.len() + 1;
    let mut column_of = vec![0usize; g.graph.node_count()];
    let mut stacks: Vec<Vec<petgraph::graph::NodeIndex>> = vec![Vec::new(); columns];
    for n in g.graph.node_indices() {
        let col = match g.graph[n] {
            NodeRef::Root => continue,
            NodeRef::Entry(_) => 0,
            NodeRef::Service(s) => 1 + g.service_levels[s].first().copied().unwrap_or(0),
        };
        column_of[n.index()] = col;
        stacks[col].push(n);
    }
    let (cw, nh, gap, top) = (190.0, 30.0, 8.0, 70.0);
    let rows = stacks.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let width = cw * columns as f64 + 20.0;
    let height = top + rows * (nh + gap) + 30.0;
    let mut pos = vec![(0.0, 0.0); g.graph.node_count()];
    for (c, stack) in stacks.iter().enumerate() {
        for (k, n) in stack.iter().enumerate() {
            pos[n.index()] = (10.0 + cw * c as f64, top + (nh + gap) * k as f64);
        }
    }
    let edges: Vec<_> = g
        .graph
        .edge_references()
        .filter(|e| g.graph[e.source()] != NodeRef::Root)
        .collect();
    let desc = format!(
        "{} entry points and {} services in columns by their lowest level of need, joined by {} referral routes. The routes are listed in the table that follows.",
        a.entry_points.len(),
        a.services.len(),
        edges.len()
    );
    let mut out = open(
        "pathways",
        width,
        height,
        "Referral pathways between entry points and services",
        &desc,
    );
    let _ = writeln!(
        out,
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>"
    );
    let headings =
        std::iter::once("Entry points".to_owned()).chain(a.levels.iter().map(|l| l.name.clone()));
    for (c, h) in headings.enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"40\" font-size=\"12\" font-weight=\"bold\">{}</text>",
            10.0 + cw * c as f64,
            escape(&truncate(&h, 26))
        );
    }
    for e in &edges {
        let (sx, sy) = pos[e.source().index()];
        let (tx, ty) = pos[e.target().index()];
        let (x1, y1) = (sx + cw - 20.0, sy + nh / 2.0);
        let (x2, y2) = (tx, ty + nh / 2.0);
        let bend = ((x2 - x1).abs() / 2.0).max(40.0);
        let dash = if e.weight().cohorts.is_some() {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<path d=\"M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}\" fill=\"none\" stroke=\"#888\" stroke-width=\"0.8\"{dash} marker-end=\"url(#arrow)\"/>",
            x1 + bend,
            x2 - bend
        );
    }
    for n in g
        .graph
        .node_indices()
        .filter(|&n| g.graph[n] != NodeRef::Root)
    {
        let (x, y) = pos[n.index()];
        let entry = matches!(g.graph[n], NodeRef::Entry(_));
        let (fill, rx) = if entry {
            ("#e8eef7", 14.0)
        } else {
            ("#ffffff", 3.0)
        };
        let _ = writeln!(
            out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{nh}\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"0.8\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>",
            cw - 20.0,
            x + 6.0,
            y + 19.0,
            escape(&truncate(g.node_name(n), 30))
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(4500.0), (1000.0, 5));
        assert_eq!(nice_ticks(389.0 * 1.12), (100.0, 5));
        assert_eq!(nice_ticks(9.0), (2.0, 5));
        assert_eq!(nice_ticks(11.0), (2.5, 5));
        assert_eq!(tick_label(0.75, 0.25), "0.75");
        assert_eq!(tick_label(0.5, 0.5), "0.5");
        assert_eq!(tick_label(2000.0, 1000.0), "2,000");
        let (step, n) = nice_ticks(1.0);
        assert!(step * n as f64 >= 1.0 && n <= 5);
    }

    #[test]
    fn long_labels_wrap_between_words() {
        assert_eq!(
            wrap_lines("Survivors with no recourse to public funds", 20, 2),
            ["Survivors with no", "recourse to public…"]
        );
        assert_eq!(wrap_lines("Women", 20, 2), ["Women"]);
    }
}
