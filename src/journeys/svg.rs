//! Journey maps as SVG, in the manner of journey-mapping studies: stages
//! left to right in time, a lane per touchpoint, the feeling curve above,
//! retold-story markers, and numbered notes and barriers below.
//!
//! Accessible and printable: every chart has `<title>` and `<desc>`, meaning
//! is carried by shape and text as well as colour, and the palette keeps
//! its contrast in grey.

use std::fmt::Write;

use super::{TouchpointSummary, touchpoint};
use crate::model::{Assessment, Journey, StepOutcome};
use crate::text::{plural, xml_escape as escape};

/// Outcome → (label, fill). Fills are dark or light enough to tell apart
/// in grey; the label is always drawn beside the marker.
fn outcome_style(o: StepOutcome) -> (&'static str, &'static str) {
    let fill = match o {
        StepOutcome::Supported => "#1b7837",
        StepOutcome::Referred => "#2166ac",
        StepOutcome::Signposted => "#92c5de",
        StepOutcome::Refused => "#b2182b",
        StepOutcome::Waited => "#f4a582",
        StepOutcome::DroppedOut => "#404040",
    };
    (o.label(), fill)
}

/// A marker whose shape also says the outcome.
fn marker(out: &mut String, o: StepOutcome, x: f64, y: f64) {
    let (label, fill) = outcome_style(o);
    let stroke = "stroke=\"#000\" stroke-width=\"1.2\"";
    let shape = match o {
        StepOutcome::Supported => {
            format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"9\" fill=\"{fill}\" {stroke}/>")
        }
        StepOutcome::Referred => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"16\" height=\"16\" fill=\"{fill}\" {stroke}/>",
            x - 8.0,
            y - 8.0
        ),
        StepOutcome::Signposted => format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"8\" fill=\"{fill}\" {stroke} stroke-dasharray=\"3 2\"/>"
        ),
        StepOutcome::Refused => format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{fill}\" {stroke}/>",
            x,
            y - 10.0,
            x + 10.0,
            y + 8.0,
            x - 10.0,
            y + 8.0
        ),
        StepOutcome::Waited => format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{fill}\" {stroke}/>",
            x,
            y - 10.0,
            x + 10.0,
            y,
            x,
            y + 10.0,
            x - 10.0,
            y
        ),
        StepOutcome::DroppedOut => format!(
            "<path d=\"M{:.1},{:.1} L{:.1},{:.1} M{:.1},{:.1} L{:.1},{:.1}\" stroke=\"{fill}\" stroke-width=\"4\"/>",
            x - 8.0,
            y - 8.0,
            x + 8.0,
            y + 8.0,
            x - 8.0,
            y + 8.0,
            x + 8.0,
            y - 8.0
        ),
    };
    let _ = write!(out, "<g><title>{label}</title>{shape}</g>");
}

/// A feeling with its sign: `+1`, `-2`, and `0` (not `+0`).
fn signed(value: f64, decimals: usize) -> String {
    if value.abs() < 0.05 {
        if decimals == 0 {
            "0".into()
        } else {
            format!("{:.*}", decimals, 0.0)
        }
    } else {
        format!("{:+.*}", decimals, value)
    }
}

/// At most `max` wrapped lines, the last ending in "…" if text was cut.
pub(crate) fn wrap_lines(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines = wrap(text, width);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

/// Wrap text to lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

const FONT: &str = "font-family=\"Helvetica, Arial, sans-serif\"";

/// The start of every figure: its size, the title and description a
/// screen reader announces, the font and a white ground.
pub(crate) fn open(id: &str, width: f64, height: f64, title: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-labelledby=\"t-{id} d-{id}\" {FONT}>\n<title id=\"t-{id}\">{}</title>\n<desc id=\"d-{id}\">{}</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n",
        escape(title),
        escape(desc),
        id = escape(id)
    )
}

/// The size a figure was drawn at, read back from the `viewBox` that
/// [`open`] writes: the PDF sizes each chart by it.
pub(crate) fn size(svg: &str) -> Option<(f64, f64)> {
    let head = &svg[..svg.find('>')?];
    let view_box = head.split("viewBox=\"").nth(1)?.split('"').next()?;
    let mut numbers = view_box.split(' ').map(str::parse::<f64>);
    match (
        numbers.next(),
        numbers.next(),
        numbers.next(),
        numbers.next(),
    ) {
        (Some(Ok(_)), Some(Ok(_)), Some(Ok(w)), Some(Ok(h))) if w > 0.0 && h > 0.0 => Some((w, h)),
        _ => None,
    }
}

/// One journey's map.
pub(crate) fn journey_map(a: &Assessment, j: &Journey) -> String {
    journey_map_with(a, j, true, 0..j.steps.len())
}

/// The most steps one figure of a journey holds: at 92 points a column
/// after the 230-point lane names, a landscape page (717 points of text)
/// then sets its 11-point labels at 7 pt or more (nine steps: 1,098
/// points wide, so 0.65 of size; ten would be 0.60, 6.6 pt). A longer
/// journey is drawn in parts.
pub(crate) const FIGURE_STEPS: usize = 9;

/// The steps of each figure of a journey: parts of equal length, none
/// over [`FIGURE_STEPS`].
fn figure_parts(steps: usize) -> Vec<std::ops::Range<usize>> {
    let parts = steps.div_ceil(FIGURE_STEPS).max(1);
    let per = steps.div_ceil(parts).max(1);
    (0..parts)
        .map(|p| p * per..((p + 1) * per).min(steps))
        .collect()
}

/// The names of a journey's figures, as documents refer to them:
/// `journey-ID`, then `journey-ID--2`, `journey-ID--3` for the parts of a
/// long journey.
pub(crate) fn journey_figure_names(j: &Journey) -> Vec<String> {
    (0..figure_parts(j.steps.len()).len())
        .map(|k| match k {
            0 => format!("journey-{}", j.id),
            k => format!("journey-{}--{}", j.id, k + 1),
        })
        .collect()
}

/// A journey map as a document's figures, by name: without the numbered
/// notes under it, which the document lists beside it in its own text, so
/// each map stays short enough for a landscape page at a readable size.
pub(crate) fn journey_figures(a: &Assessment, j: &Journey) -> Vec<(String, String)> {
    journey_figure_names(j)
        .into_iter()
        .zip(figure_parts(j.steps.len()))
        .map(|(name, steps)| (name, journey_map_with(a, j, false, steps)))
        .collect()
}

fn journey_map_with(
    a: &Assessment,
    j: &Journey,
    with_notes: bool,
    shown: std::ops::Range<usize>,
) -> String {
    let steps = &j.steps[shown.clone()];
    let notes = if with_notes {
        step_notes(a, steps)
    } else {
        Vec::new()
    };
    let map = MapLayout::new(steps, &notes);
    let (id, title) = map_title(j, &shown);
    let mut out = open(
        &id,
        map.width,
        map.height,
        &title,
        &map_description(a, j, steps),
    );
    draw_heading(&mut out, j, &title);
    draw_feelings(&mut out, &map, steps);
    draw_lanes(&mut out, &map, a, steps, shown.start);
    draw_steps(&mut out, &map, steps, &notes);
    draw_notes(&mut out, &map);
    out.push_str("</svg>\n");
    out
}

/// Where everything on a journey map goes: a band for how each step felt,
/// then a lane per touchpoint, then the numbered notes.
struct MapLayout<'s> {
    /// The touchpoints in the order the journey first reaches them.
    lanes: Vec<&'s str>,
    left: f64,
    col: f64,
    width: f64,
    height: f64,
    feel_top: f64,
    feel_h: f64,
    lane_top: f64,
    lane_h: f64,
    notes_top: f64,
    /// Each note wrapped to the map's width.
    note_lines: Vec<Vec<String>>,
}

impl<'s> MapLayout<'s> {
    fn new(steps: &'s [crate::model::Step], notes: &[(usize, String)]) -> MapLayout<'s> {
        let mut lanes: Vec<&str> = Vec::new();
        for s in steps {
            if !lanes.contains(&s.at.as_str()) {
                lanes.push(s.at.as_str());
            }
        }
        // Columns as narrow as a step's two-line heading: a landscape page
        // then holds nine steps with every label at 7 pt or more.
        let (left, col) = (230.0, 92.0);
        let width = (left + col * steps.len().max(1) as f64 + 40.0).max(720.0);
        let (feel_top, feel_h) = (70.0, 96.0);
        let (lane_top, lane_h) = (feel_top + feel_h + 50.0, 42.0);
        let note_lines: Vec<Vec<String>> = notes
            .iter()
            .map(|(_, t)| wrap(t, ((width - 40.0) / 6.0) as usize))
            .collect();
        let notes_top = lane_top + lane_h * lanes.len() as f64 + 60.0;
        let height = if notes.is_empty() {
            notes_top - 20.0
        } else {
            notes_top
                + 24.0
                + note_lines
                    .iter()
                    .map(|l| l.len() as f64 * 16.0 + 4.0)
                    .sum::<f64>()
                + 20.0
        };
        MapLayout {
            lanes,
            left,
            col,
            width,
            height,
            feel_top,
            feel_h,
            lane_top,
            lane_h,
            notes_top,
            note_lines,
        }
    }

    fn x_of(&self, i: usize) -> f64 {
        self.left + self.col * (i as f64 + 0.5)
    }

    fn y_feel(&self, f: i64) -> f64 {
        self.feel_top + self.feel_h / 2.0 - (f as f64) * (self.feel_h / 6.0)
    }

    fn lane_y(&self, at: &str) -> f64 {
        let lane = self.lanes.iter().position(|l| *l == at).unwrap_or(0);
        self.lane_top + self.lane_h * (lane as f64 + 0.5)
    }
}

/// Each step's barrier and note, numbered in the order they are listed.
fn step_notes(a: &Assessment, steps: &[crate::model::Step]) -> Vec<(usize, String)> {
    steps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            let (name, _) = touchpoint(a, &s.at);
            let mut v = Vec::new();
            if let Some(b) = &s.barrier {
                v.push((i, format!("Day {}, {name}: barrier: {b}", s.day)));
            }
            if let Some(n) = &s.note {
                v.push((i, format!("Day {}, {name}: {n}", s.day)));
            }
            v
        })
        .collect()
}

/// The map's id (unique on a page that shows every part) and title.
fn map_title(j: &Journey, shown: &std::ops::Range<usize>) -> (String, String) {
    let first = shown.start;
    let title = if shown.len() < j.steps.len() {
        format!(
            "Journey {}: {} (steps {}–{} of {})",
            j.id,
            j.persona,
            first + 1,
            shown.end,
            j.steps.len()
        )
    } else {
        format!("Journey {}: {}", j.id, j.persona)
    };
    let id = if first == 0 {
        j.id.clone()
    } else {
        format!("{}-from-{}", j.id, first + 1)
    };
    (id, title)
}

/// What a screen reader says of the map: the journey's counts and each
/// step's feeling.
fn map_description(a: &Assessment, j: &Journey, steps: &[crate::model::Step]) -> String {
    let m = super::metrics(j);
    format!(
        "{} over {} through {}; story retold {}; {}; ended {}. Feeling by step: {}.",
        plural(m.steps, "step", "steps"),
        plural(m.days_recorded.max(0) as usize, "day", "days"),
        plural(m.services_touched, "service", "services"),
        plural(m.retold, "time", "times"),
        plural(m.refusals, "refusal", "refusals"),
        outcome_style(m.ended).0,
        steps
            .iter()
            .map(|s| format!(
                "day {} at {} {}",
                s.day,
                touchpoint(a, &s.at).0,
                signed(s.feeling as f64, 0)
            ))
            .collect::<Vec<_>>()
            .join("; ")
    )
}

/// The title and the line of counts under it.
fn draw_heading(out: &mut String, j: &Journey, title: &str) {
    let m = super::metrics(j);
    let _ = writeln!(
        out,
        "<text x=\"20\" y=\"30\" font-size=\"18\" font-weight=\"bold\">{}</text>",
        escape(title)
    );
    let _ = writeln!(
        out,
        "<text x=\"20\" y=\"50\" font-size=\"12\">{} · cohorts: {} · source: {}</text>",
        escape(&format!(
            "{}, {}, retold {}×, {} refused",
            plural(m.steps, "step", "steps"),
            plural(m.days_recorded.max(0) as usize, "day", "days"),
            m.retold,
            m.refusals
        )),
        escape(&j.cohorts.join(", ")),
        escape(&j.source)
    );
}

/// The feeling band: a labelled scale and the line through each step's
/// feeling.
fn draw_feelings(out: &mut String, map: &MapLayout, steps: &[crate::model::Step]) {
    let _ = writeln!(
        out,
        "<text x=\"20\" y=\"{:.1}\" font-size=\"12\" font-weight=\"bold\">How it felt</text>",
        map.feel_top + 4.0
    );
    for f in [-3i64, 0, 3] {
        let y = map.y_feel(f);
        let label = match f {
            3 => "+3 very good",
            0 => "0",
            _ => "-3 very bad",
        };
        let _ = writeln!(
            out,
            "<line x1=\"{}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#bbb\" stroke-dasharray=\"{}\"/>",
            map.left,
            map.width - 20.0,
            if f == 0 { "0" } else { "4 3" }
        );
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{label}</text>",
            map.left - 8.0,
            y + 4.0
        );
    }
    let points: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{:.1},{:.1}", map.x_of(i), map.y_feel(s.feeling)))
        .collect();
    let _ = writeln!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>",
        points.join(" ")
    );
    for (i, s) in steps.iter().enumerate() {
        let (x, y) = (map.x_of(i), map.y_feel(s.feeling));
        let _ = writeln!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#000\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            y - 8.0,
            signed(s.feeling as f64, 0)
        );
    }
}

/// The stage headings (step number and day) and a lane per touchpoint.
fn draw_lanes(
    out: &mut String,
    map: &MapLayout,
    a: &Assessment,
    steps: &[crate::model::Step],
    first: usize,
) {
    for (i, s) in steps.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text font-size=\"11\" text-anchor=\"middle\" font-weight=\"bold\"><tspan x=\"{x:.1}\" y=\"{:.1}\">Step {}</tspan><tspan x=\"{x:.1}\" y=\"{:.1}\">day {}</tspan></text>",
            map.lane_top - 26.0,
            first + i + 1,
            map.lane_top - 12.0,
            s.day,
            x = map.x_of(i),
        );
    }
    for (k, lane) in map.lanes.iter().enumerate() {
        let y = map.lane_top + map.lane_h * k as f64;
        let (name, sector) = touchpoint(a, lane);
        if k % 2 == 0 {
            let _ = writeln!(
                out,
                "<rect x=\"10\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{}\" fill=\"#f2f2f2\"/>",
                map.width - 20.0,
                map.lane_h
            );
        }
        row_label(out, &name, 30, sector, y + 14.0, y + map.lane_h - 3.0);
    }
}

/// The path between steps, then each step's marker with its outcome and
/// the numbers of its notes.
fn draw_steps(
    out: &mut String,
    map: &MapLayout,
    steps: &[crate::model::Step],
    notes: &[(usize, String)],
) {
    let path: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{:.1},{:.1}", map.x_of(i), map.lane_y(&s.at)))
        .collect();
    let _ = writeln!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#666\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>",
        path.join(" ")
    );
    for (i, s) in steps.iter().enumerate() {
        let (x, y) = (map.x_of(i), map.lane_y(&s.at));
        marker(out, s.outcome, x, y);
        // The outcome, with the numbers of the step's notes after it: one
        // label under the marker, so nothing crowds it.
        let refs: Vec<String> = notes
            .iter()
            .enumerate()
            .filter(|(_, (step, _))| *step == i)
            .map(|(k, _)| (k + 1).to_string())
            .collect();
        let refs = if refs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", refs.join(","))
        };
        let _ = writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}{refs}</text>",
            y + 20.0,
            outcome_style(s.outcome).0
        );
        if s.retold {
            let _ = writeln!(
                out,
                "<g><title>story retold</title><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"bold\">↻ retold</text></g>",
                x + 12.0,
                y - 6.0
            );
        }
    }
}

/// The numbered notes and barriers under the lanes.
fn draw_notes(out: &mut String, map: &MapLayout) {
    if map.note_lines.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<text x=\"20\" y=\"{:.1}\" font-size=\"12\" font-weight=\"bold\">What they said and what got in the way</text>",
        map.notes_top
    );
    let mut y = map.notes_top + 20.0;
    for (k, lines) in map.note_lines.iter().enumerate() {
        for (n, line) in lines.iter().enumerate() {
            let prefix = if n == 0 {
                format!("[{}] ", k + 1)
            } else {
                "     ".to_owned()
            };
            let _ = writeln!(
                out,
                "<text x=\"20\" y=\"{y:.1}\" font-size=\"11\">{}</text>",
                escape(&format!("{prefix}{line}"))
            );
            y += 16.0;
        }
        y += 4.0;
    }
}

/// A row's label at the left: the touchpoint's name wrapped to two lines of
/// `width` characters from `name_y`, and its sector below at `sector_y`.
fn row_label(
    out: &mut String,
    name: &str,
    width: usize,
    sector: Option<crate::model::Sector>,
    name_y: f64,
    sector_y: f64,
) {
    for (n, line) in wrap_lines(name, width, 2).iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"20\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            name_y + 13.0 * n as f64,
            escape(line)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"20\" y=\"{sector_y:.1}\" font-size=\"11\" fill=\"#444\">{}</text>",
        sector.map_or("", |s| s.label())
    );
}

/// The averaged map: for each touchpoint, the mean feeling of every visit,
/// with counts of visits, refusals, retellings and drop-outs as published
/// (`counts`, one row a touchpoint, after any disclosure control), and the
/// mean as published (`feelings`: `None` where it is hidden, and no bar is
/// drawn, since its length would give it away).
pub(crate) fn touchpoint_map(
    id: &str,
    touchpoints: &[TouchpointSummary],
    counts: &[[String; 4]],
    feelings: &[Option<f64>],
) -> String {
    let row_h = 44.0;
    // As narrow as its labels allow, so a portrait page prints it at 7 pt
    // or more.
    let (left, bar_w) = (250.0, 240.0);
    // The counts start clear of the label of a bar at +3.
    let counts_x = left + bar_w + 48.0;
    let width = counts_x + 200.0;
    let top = 80.0;
    let height = top + row_h * touchpoints.len() as f64 + 40.0;
    let zero = left + bar_w / 2.0;
    let mean = |f: &Option<f64>| f.map_or_else(|| "not shown".to_owned(), |f| signed(f, 1));
    let desc = touchpoints
        .iter()
        .zip(counts)
        .zip(feelings)
        .map(|((t, [visits, refusals, retold, dropped_out]), f)| {
            format!(
                "{}: mean feeling {} over {visits} visits, {refusals} refused, {retold} retold, {dropped_out} dropped out",
                t.name,
                mean(f),
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let title = "How survivors felt at each service: mean of every journey";
    let mut out = open(id, width, height, title, &desc);
    let _ = writeln!(
        out,
        "<defs><pattern id=\"worse\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#b2182b\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#fff\" stroke-width=\"2\"/></pattern></defs>"
    );
    let _ = writeln!(
        out,
        "<text x=\"20\" y=\"30\" font-size=\"18\" font-weight=\"bold\">How survivors felt at each service</text>"
    );
    let _ = writeln!(
        out,
        "<text x=\"20\" y=\"50\" font-size=\"12\">Mean feeling (-3 very bad to +3 very good) over every visit in the journeys; n = visits.</text>"
    );
    for (f, label) in [(-3.0, "-3"), (0.0, "0"), (3.0, "+3")] {
        let x = zero + f * bar_w / 6.0;
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"{}\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>",
            top - 10.0,
            height - 30.0,
            if f == 0.0 { "0" } else { "3 3" },
            top - 14.0
        );
    }
    let _ = writeln!(
        out,
        "<text font-size=\"11\" font-weight=\"bold\"><tspan x=\"{x:.1}\" y=\"{:.1}\">visits · refused ·</tspan><tspan x=\"{x:.1}\" y=\"{:.1}\">retold · dropped out</tspan></text>",
        top - 28.0,
        top - 14.0,
        x = counts_x,
    );
    for (k, ((t, [visits, refusals, retold, dropped_out]), feeling)) in
        touchpoints.iter().zip(counts).zip(feelings).enumerate()
    {
        let y = top + row_h * k as f64;
        if k % 2 == 0 {
            let _ = writeln!(
                out,
                "<rect x=\"10\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{row_h}\" fill=\"#f2f2f2\"/>",
                width - 20.0
            );
        }
        row_label(&mut out, &t.name, 34, t.sector, y + 15.0, y + 40.0);
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">n={visits} · {refusals} · {retold} · {dropped_out}</text>",
            counts_x,
            y + 21.0,
        );
        let Some(feeling) = feeling else {
            let _ = writeln!(
                out,
                "<text x=\"{zero:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">mean not shown</text>",
                y + 21.0
            );
            continue;
        };
        let len = feeling * bar_w / 6.0;
        let (x, w, fill) = if len < 0.0 {
            (zero + len, -len, "url(#worse)")
        } else {
            (zero, len, "#1b7837")
        };
        let _ = writeln!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"16\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"0.8\"/>",
            y + 8.0,
            w.max(1.0)
        );
        let anchor_x = if len < 0.0 { x - 4.0 } else { x + w + 4.0 };
        let anchor = if len < 0.0 { "end" } else { "start" };
        let _ = writeln!(
            out,
            "<text x=\"{anchor_x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"{anchor}\">{}</text>",
            y + 21.0,
            signed(*feeling, 1)
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_the_size_it_opened_with() {
        let svg = format!("{}</svg>", open("x", 822.0, 466.0, "T", "D"));
        assert_eq!(size(&svg), Some((822.0, 466.0)));
        assert_eq!(size("<svg width=\"10\">"), None);
        assert_eq!(size("<svg viewBox=\"0 0 0 10\">"), None);
        assert_eq!(size("no svg"), None);
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
    }

    #[test]
    fn drops_what_xml_cannot_hold() {
        assert_eq!(
            escape("a\u{1}b\u{FFFE}c\u{FFFF}\u{1b}[0m\r\n\td"),
            "abc[0m\n\td"
        );
    }

    #[test]
    fn a_long_journey_is_drawn_in_even_parts_of_at_most_nine_steps() {
        assert_eq!(figure_parts(9), vec![0..9]);
        assert_eq!(figure_parts(10), vec![0..5, 5..10]);
        assert_eq!(figure_parts(23), vec![0..8, 8..16, 16..23]);
        assert_eq!(figure_parts(0), vec![0..0]);
        for n in 1..60 {
            let parts = figure_parts(n);
            assert!(
                parts
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= FIGURE_STEPS),
                "{n}"
            );
            assert_eq!(parts.iter().map(|p| p.len()).sum::<usize>(), n);
        }
    }

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
    }
}
