//! The charts in the PDF: Typst sets their words itself.
//!
//! Typst reads the text in an SVG through usvg, which parses the font and
//! builds a shaper for it again for every `<text>` element. On the example
//! that was a third of the needs assessment's compile: 1,580 labels in 44
//! charts. So the PDF draws each chart in two layers: the drawing without
//! its words (`charts/pdf/NAME.svg`), and over it the words as Typst text,
//! at the same places, sizes and weights, in the document's font (the font
//! Typst gave the SVG's words before: none of the SVG's families is among
//! its fonts). Typst shapes each distinct word once.
//!
//! The words are artifacts in the PDF's structure: the figure's alternative
//! text (and the data tables beside every chart) say what the chart shows,
//! as they did when the words were inside the picture.
//!
//! Only what needsmap's charts write is moved: a `<text>` with `x`/`y` or a
//! `translate(x,y) rotate(a)` transform, `<tspan>`s with their own `x` and
//! `y`, `font-size`, `font-weight="bold"`, `text-anchor` and a hex `fill`,
//! inside `<svg>` and plain `<g>`s. Anything else stays in the drawing for
//! usvg to set, so an unfamiliar chart is slower, never wrong.

use super::markdown::typst_string;

/// A chart as the PDF draws it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PdfChart {
    /// The SVG without the words Typst sets.
    pub drawing: String,
    pub labels: Vec<Label>,
}

/// One line of words, placed in the SVG's own units.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Label {
    pub x: f64,
    /// The baseline.
    pub y: f64,
    pub size: f64,
    pub bold: bool,
    pub anchor: Anchor,
    /// `#rgb` or `#rrggbb`; black when absent.
    pub fill: Option<String>,
    /// Degrees clockwise about (x, y).
    pub rotate: f64,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn typst(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "center",
            Anchor::End => "end",
        }
    }
}

/// Where a chart's drawing for the PDF is written, beside the chart.
pub(crate) fn drawing_path(name: &str) -> String {
    format!("charts/pdf/{name}.svg")
}

/// Split a chart into its drawing and the labels Typst sets. `None` when
/// the SVG does not parse; a chart with no label Typst can set comes back
/// whole as its drawing.
pub(crate) fn split(svg: &str) -> Option<PdfChart> {
    let doc = roxmltree::Document::parse(svg).ok()?;
    let mut labels = Vec::new();
    let mut cut: Vec<std::ops::Range<usize>> = Vec::new();
    if !plain_root(doc.root_element()) || doc.descendants().any(|n| n.has_tag_name("style")) {
        // Styles this module does not read could reach the words.
        return Some(PdfChart {
            drawing: svg.to_owned(),
            labels,
        });
    }
    for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
        if let Some(mut found) = text_labels(node) {
            labels.append(&mut found);
            cut.push(node.range());
        }
    }
    let mut drawing = String::with_capacity(svg.len());
    let mut at = 0;
    for range in cut {
        drawing.push_str(&svg[at..range.start]);
        at = range.end;
    }
    drawing.push_str(&svg[at..]);
    Some(PdfChart { drawing, labels })
}

/// The attributes [`crate::journeys::svg::open`] writes on a
/// chart's `<svg>`: none of them reaches the words but the font, which
/// Typst does not have (see the module's notes).
const ROOT_ATTRIBUTES: &[&str] = &[
    "viewBox",
    "width",
    "height",
    "role",
    "aria-labelledby",
    "font-family",
];

/// Is this the `<svg>` that `open` writes: its own attributes only, and
/// its drawing at the origin?
fn plain_root(root: roxmltree::Node) -> bool {
    root.has_tag_name("svg")
        && root
            .attributes()
            .all(|a| a.namespace().is_none() && ROOT_ATTRIBUTES.contains(&a.name()))
        && root
            .attribute("viewBox")
            .is_some_and(|v| v.starts_with("0 0 "))
}

/// The labels of one `<text>`, or `None` when it uses anything this
/// module does not set the way an SVG renderer would.
fn text_labels(text: roxmltree::Node) -> Option<Vec<Label>> {
    let root = text.document().root_element();
    let plain_ancestors = text
        .ancestors()
        .skip(1)
        .filter(|n| n.is_element())
        .all(|n| n == root || (n.has_tag_name("g") && n.attributes().len() == 0));
    if !plain_ancestors {
        return None;
    }
    let style = Style::of(text, None)?;
    let children: Vec<_> = text
        .children()
        .filter(|c| !(c.is_text() && c.text().is_some_and(|t| t.trim().is_empty())))
        .collect();
    if children.iter().all(|c| c.is_text()) {
        let (x, y, rotate) = position(text)?;
        let words = words(text)?;
        return Some(vec![style.label(x, y, rotate, words)]);
    }
    if text.attribute("transform").is_some() {
        return None;
    }
    children
        .iter()
        .map(|span| {
            if !span.has_tag_name("tspan") || span.children().any(|c| !c.is_text()) {
                return None;
            }
            let style = Style::of(*span, Some(&style))?;
            let x = number(span.attribute("x")?)?;
            let y = number(span.attribute("y")?)?;
            Some(style.label(x, y, 0.0, words(*span)?))
        })
        .collect()
}

/// What a `<text>` or `<tspan>` says, its spaces collapsed as an SVG
/// renderer does by default: line breaks and tabs become spaces, runs of
/// spaces one, and the ends are trimmed. Other spaces (a no-break space)
/// are the words' own and stay.
fn words(node: roxmltree::Node) -> Option<String> {
    let text: String = node.children().filter_map(|c| c.text()).collect();
    let words = text
        .split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!words.is_empty()).then_some(words)
}

/// The attributes a label takes, with what a `<tspan>` inherits.
#[derive(Clone)]
struct Style {
    size: f64,
    bold: bool,
    anchor: Anchor,
    fill: Option<String>,
}

/// The attributes this module knows; any other on a `<text>` or
/// `<tspan>` leaves it to usvg.
const KNOWN: &[&str] = &[
    "x",
    "y",
    "transform",
    "font-size",
    "font-weight",
    "text-anchor",
    "fill",
];

impl Style {
    fn of(node: roxmltree::Node, parent: Option<&Style>) -> Option<Style> {
        if node.attributes().any(|a| !KNOWN.contains(&a.name())) {
            return None;
        }
        let size = match (node.attribute("font-size"), parent) {
            (Some(size), _) => number(size).filter(|s| *s > 0.0)?,
            (None, Some(p)) => p.size,
            (None, None) => return None,
        };
        let bold = match node.attribute("font-weight") {
            Some("bold") => true,
            Some("normal") => false,
            Some(_) => return None,
            None => parent.is_some_and(|p| p.bold),
        };
        let anchor = match node.attribute("text-anchor") {
            Some("start") => Anchor::Start,
            Some("middle") => Anchor::Middle,
            Some("end") => Anchor::End,
            Some(_) => return None,
            None => parent.map_or(Anchor::Start, |p| p.anchor),
        };
        let fill = match node.attribute("fill") {
            Some(hex) if is_hex_colour(hex) => Some(hex.to_owned()),
            Some(_) => return None,
            None => parent.and_then(|p| p.fill.clone()),
        };
        Some(Style {
            size,
            bold,
            anchor,
            fill,
        })
    }

    fn label(&self, x: f64, y: f64, rotate: f64, text: String) -> Label {
        Label {
            x,
            y,
            size: self.size,
            bold: self.bold,
            anchor: self.anchor,
            fill: self.fill.clone(),
            rotate,
            text,
        }
    }
}

fn is_hex_colour(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Where a `<text>` starts: `x`/`y`, or a `translate(x,y) rotate(a)`.
fn position(text: roxmltree::Node) -> Option<(f64, f64, f64)> {
    let Some(transform) = text.attribute("transform") else {
        return Some((
            number(text.attribute("x")?)?,
            number(text.attribute("y")?)?,
            0.0,
        ));
    };
    if text.attribute("x").is_some() || text.attribute("y").is_some() {
        return None;
    }
    let rest = transform.trim().strip_prefix("translate(")?;
    let (xy, rest) = rest.split_once(')')?;
    let (x, y) = xy.split_once(',')?;
    let angle = rest.trim().strip_prefix("rotate(")?.strip_suffix(')')?;
    Some((number(x)?, number(y)?, number(angle)?))
}

/// The Typst that draws a chart: `needsmap-chart` (see [`DEFINITION`])
/// with the drawing's path and size, the width to draw it at (Typst, in
/// terms of the page body's `size`), and the labels.
pub(crate) fn typst_call(
    chart: &PdfChart,
    drawing_path: &str,
    alt: &str,
    (width, height): (f64, f64),
    drawn_width: &str,
) -> String {
    let mut out = format!(
        "layout(size => needsmap-chart({}, {}, {width}, {height}, {drawn_width}, (",
        typst_string(drawing_path),
        typst_string(alt),
    );
    for l in &chart.labels {
        out.push_str(&format!(
            "({}, {}, {}, {}, {}, {}, {}, {}),",
            l.x,
            l.y,
            l.size,
            l.bold,
            l.anchor.typst(),
            l.fill
                .as_deref()
                .map_or("none".to_owned(), |f| format!("rgb({})", typst_string(f))),
            l.rotate,
            typst_string(&l.text),
        ));
    }
    out.push_str(")))");
    out
}

/// The Typst function [`typst_call`] calls, written once at the top of a
/// document's body. The chart is laid out in its own units as points and
/// clipped to them, as an SVG clips to its viewBox, then scaled to the
/// width asked for. A label's frame has its top and bottom at the
/// baseline, so placing it at `y` puts the baseline there, as SVG does.
/// Each label is aligned in a wide block that starts, is centred or ends
/// at `x`, so it never wraps; a turned label is turned about that point.
/// Left to right whatever the document's direction, as the SVG is drawn.
/// (One block a label: wrapping every label in a turnable box as well
/// made the needs assessment's compile 12% slower.)
pub(crate) const DEFINITION: &str = r#"// A chart: its drawing, with its words set by Typst over it (needsmap
// draws the words itself; Typst would set each one inside the SVG far
// more slowly). Each label: x, y (baseline), size, bold, anchor, fill,
// rotation in degrees, text; in the drawing's units.
#let needsmap-chart(path, alt, w, h, width, labels) = {
  let unit = 1pt
  let wide = 2000pt
  let chart = box(width: w * unit, height: h * unit, clip: true, {
    place(image(path, alt: alt, width: w * unit, height: h * unit))
    pdf.artifact({
      set text(dir: ltr)
      set par(first-line-indent: 0pt, justify: false, hanging-indent: 0pt)
      for (x, y, size, bold, anchor, fill, rotation, words) in labels {
        let label = text(size: size * unit, weight: if bold { "bold" } else { "regular" }, fill: if fill == none { black } else { fill }, top-edge: "baseline", bottom-edge: "baseline", words)
        if rotation != 0 {
          let (shift, side) = if anchor == start { (0pt, left) } else if anchor == center { (wide / 2, center) } else { (wide, right) }
          place(top + left, dx: x * unit, dy: y * unit, rotate(rotation * 1deg, origin: top + left, reflow: false, box(width: 0pt, place(top + left, dx: -shift, block(width: wide, align(side, label))))))
        } else if anchor == start {
          place(top + left, dx: x * unit, dy: y * unit, block(width: wide, label))
        } else if anchor == center {
          place(top + left, dx: x * unit - wide / 2, dy: y * unit, block(width: wide, align(center, label)))
        } else {
          place(top + left, dx: x * unit - wide, dy: y * unit, block(width: wide, align(right, label)))
        }
      }
    })
  })
  scale(width / (w * unit) * 100%, origin: top + left, reflow: true, chart)
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 50\" width=\"100\" height=\"50\" font-family=\"Helvetica\"><title>T</title>";

    #[test]
    fn moves_the_words_and_keeps_the_drawing() {
        let svg = format!(
            "{HEAD}<rect width=\"10\" height=\"10\"/><text x=\"5\" y=\"20\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">A &amp; B</text><line x1=\"0\"/></svg>"
        );
        let chart = split(&svg).expect("parses");
        assert_eq!(
            chart.drawing,
            format!("{HEAD}<rect width=\"10\" height=\"10\"/><line x1=\"0\"/></svg>")
        );
        assert_eq!(
            chart.labels,
            vec![Label {
                x: 5.0,
                y: 20.0,
                size: 11.0,
                bold: false,
                anchor: Anchor::Middle,
                fill: Some("#444".into()),
                rotate: 0.0,
                text: "A & B".into(),
            }]
        );
    }

    #[test]
    fn tspans_inherit_and_rotations_are_kept() {
        let svg = format!(
            "{HEAD}<text font-size=\"11\" font-weight=\"bold\" text-anchor=\"end\"><tspan x=\"1\" y=\"2\">one</tspan><tspan x=\"1\" y=\"14\">two</tspan></text><text transform=\"translate(3.5,4) rotate(-35)\" font-size=\"10\">tilted</text></svg>"
        );
        let chart = split(&svg).expect("parses");
        assert_eq!(chart.drawing, format!("{HEAD}</svg>"));
        let summary: Vec<_> = chart
            .labels
            .iter()
            .map(|l| (l.x, l.y, l.bold, l.anchor, l.rotate, l.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (1.0, 2.0, true, Anchor::End, 0.0, "one"),
                (1.0, 14.0, true, Anchor::End, 0.0, "two"),
                (3.5, 4.0, false, Anchor::Start, -35.0, "tilted"),
            ]
        );
    }

    #[test]
    fn what_it_cannot_set_stays_in_the_drawing() {
        let kept = [
            "<text x=\"1\" y=\"2\" font-size=\"11\" font-style=\"italic\">styled</text>",
            "<text x=\"1\" y=\"2\">no size</text>",
            "<text x=\"1\" y=\"2\" font-size=\"11\" fill=\"red\">named colour</text>",
            "<text x=\"1\" y=\"2\" font-size=\"11\" font-weight=\"600\">weight</text>",
            "<g transform=\"scale(2)\"><text x=\"1\" y=\"2\" font-size=\"11\">moved group</text></g>",
            "<text font-size=\"11\"><tspan dx=\"3\">relative</tspan></text>",
            "<text x=\"1\" y=\"2\" font-size=\"11\">a <tspan>nested</tspan> run</text>",
            "<text transform=\"scale(2)\" font-size=\"11\">scaled</text>",
        ];
        for text in kept {
            let svg = format!("{HEAD}{text}</svg>");
            let chart = split(&svg).expect("parses");
            assert_eq!(chart.drawing, svg, "{text}");
            assert!(chart.labels.is_empty(), "{text}");
        }
        assert_eq!(split("<svg><text></svg>"), None);
    }

    #[test]
    fn a_chart_with_styles_it_cannot_read_is_left_whole() {
        let text = "<text x=\"1\" y=\"2\" font-size=\"11\">words</text>";
        for svg in [
            format!(
                "{}{text}</svg>",
                HEAD.replace("<svg ", "<svg fill=\"red\" ")
            ),
            format!("{}{text}</svg>", HEAD.replace("0 0 100 50", "10 0 100 50")),
            format!(
                "{}{text}</svg>",
                HEAD.replace("<svg ", "<svg xml:space=\"preserve\" ")
            ),
            format!("{HEAD}<style>text {{ fill: red }}</style>{text}</svg>"),
            format!("{HEAD}<svg x=\"5\">{text}</svg></svg>"),
            format!("{HEAD}<text x=\"1\" y=\"2\" font-size=\"-11\">mirrored</text></svg>"),
        ] {
            let chart = split(&svg).expect("parses");
            assert_eq!(chart.drawing, svg);
            assert!(chart.labels.is_empty(), "{svg}");
        }
    }

    #[test]
    fn spaces_collapse_as_in_svg_but_no_break_spaces_stay() {
        let svg = format!(
            "{HEAD}<text x=\"1\" y=\"2\" font-size=\"11\">\n  two\t words \u{a0}indented\u{a0}</text></svg>"
        );
        let chart = split(&svg).expect("parses");
        assert_eq!(chart.labels[0].text, "two words \u{a0}indented\u{a0}");
    }

    #[test]
    fn every_label_of_the_example_is_set_by_typst() {
        // The charts needsmap draws use only what this module moves: none
        // of their words is left to usvg.
        let path = std::path::Path::new("assessments/northmoor.yaml");
        let a = crate::model::load(path).assessment.expect("example loads");
        let options = crate::render::Options {
            pdf: false,
            ..crate::render::Options::default()
        };
        let files = crate::render::build(&a, path, options).expect("builds");
        let drawings: Vec<_> = files
            .iter()
            .filter(|f| f.path.starts_with("charts/pdf/"))
            .collect();
        assert!(drawings.len() > 40, "{}", drawings.len());
        for drawing in drawings {
            let text = std::str::from_utf8(&drawing.bytes).expect("utf-8");
            assert!(!text.contains("<text"), "{}: {text}", drawing.path);
        }
    }
}
