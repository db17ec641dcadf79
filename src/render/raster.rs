//! Charts as PNG, for the Word documents: Word reads SVG only in recent
//! versions, and LibreOffice and older Word not at all. resvg draws the
//! same SVG the HTML and the PDF show, with the fonts Typst embeds, so the
//! picture is the same on every machine and every build.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// A chart drawn as PNG.
#[derive(Debug, Clone)]
pub(crate) struct Png {
    pub bytes: Vec<u8>,
    /// The chart's own size, in CSS pixels (1/96 inch): the size to show
    /// it at before it is scaled to the page. The bitmap has more pixels,
    /// sharp when printed ([`SCALE`], [`PRINT_DPI`]).
    pub width: f32,
    pub height: f32,
}

/// Pixels of the bitmap per CSS pixel of the chart: about 190 dpi at the
/// chart's own size, and charts are mostly shown a little smaller.
const SCALE: f32 = 2.0;

/// The largest bitmap drawn, in pixels (about 4,000 × 4,000): a chart
/// larger than this is drawn at a smaller scale rather than filling memory.
const MAX_PIXELS: f32 = 16_000_000.0;

/// The embedded fonts, loaded once per process. Charts ask for
/// Helvetica, Arial or sans-serif, none of which is embedded: they are
/// drawn, as Typst draws them in the PDF, in Libertinus Serif.
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut fonts = usvg::fontdb::Database::new();
        for data in typst_assets::fonts() {
            fonts.load_font_data(data.to_vec());
        }
        fonts.set_sans_serif_family("Libertinus Serif");
        fonts.set_serif_family("Libertinus Serif");
        usvg::Options {
            fontdb: Arc::new(fonts),
            // Charts never name a file; nothing outside the SVG is read.
            resources_dir: None,
            ..usvg::Options::default()
        }
    })
}

/// Draw an SVG as PNG, at [`SCALE`] pixels per CSS pixel (a logo).
pub(crate) fn png(svg: &str) -> Result<Png, String> {
    draw(&parse(svg)?, SCALE)
}

/// Pixels per inch of a chart as a Word document prints it: sharp on
/// paper and on screen, at about half the pixels (and half the time) of
/// [`SCALE`] for a chart printed across a portrait page.
const PRINT_DPI: f64 = 150.0;

/// Draw an SVG as PNG for printing `printed_width(width, height)` points
/// wide (given its size in CSS pixels), at [`PRINT_DPI`].
pub(crate) fn png_printed(
    svg: &str,
    printed_width: impl FnOnce(f32, f32) -> f64,
) -> Result<Png, String> {
    let tree = parse(svg)?;
    let size = tree.size();
    let points = printed_width(size.width(), size.height());
    let scale = (points / 72.0 * PRINT_DPI / f64::from(size.width())) as f32;
    draw(&tree, scale.clamp(0.25, SCALE))
}

fn parse(svg: &str) -> Result<usvg::Tree, String> {
    usvg::Tree::from_str(svg, options()).map_err(|e| format!("chart SVG: {e}"))
}

fn draw(tree: &usvg::Tree, scale: f32) -> Result<Png, String> {
    let size = tree.size();
    let (width, height) = (size.width(), size.height());
    let scale = scale.min((MAX_PIXELS / (width * height)).sqrt());
    let (w, h) = (
        (width * scale).ceil() as u32,
        (height * scale).ceil() as u32,
    );
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).ok_or_else(|| format!("chart of {w} × {h} pixels"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let bytes = encode(&pixmap).map_err(|e| format!("chart PNG: {e}"))?;
    Ok(Png {
        bytes,
        width,
        height,
    })
}

/// The bitmap as an 8-bit RGB PNG. Drawn on white, every pixel is opaque,
/// so tiny-skia's premultiplied RGBA is plain RGB and no alpha is kept;
/// the png crate's fast deflate (fdeflate) takes a fifth of the time of
/// tiny-skia's own encoder for files a little larger.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let data = pixmap.data();
    let mut rgb = Vec::with_capacity(data.len() / 4 * 3);
    for p in data.chunks_exact(4) {
        rgb.extend_from_slice(&p[..3]);
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(out)
}

/// A PNG file as it is, with its size from its header.
pub(crate) fn from_png(bytes: &[u8]) -> Result<Png, String> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) || bytes.get(12..16) != Some(b"IHDR") {
        return Err("no PNG header".into());
    }
    let number = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    match (number(16), number(20)) {
        (Some(w), Some(h)) if w > 0 && h > 0 => Ok(Png {
            bytes: bytes.to_vec(),
            width: w as f32,
            height: h as f32,
        }),
        _ => Err("the PNG header gives no size".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_text_and_keeps_the_size() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" font-family="Helvetica, Arial, sans-serif"><text x="4" y="24" font-size="14">Refuge</text></svg>"#;
        let png = png(svg).unwrap();
        assert_eq!((png.width, png.height), (120.0, 40.0));
        assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        // The text was drawn: a blank chart would compress to far less.
        let blank =
            super::png(r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"></svg>"#)
                .unwrap();
        assert!(
            png.bytes.len() > blank.bytes.len() + 200,
            "{} vs {}",
            png.bytes.len(),
            blank.bytes.len()
        );
        // The same chart, the same bytes.
        assert_eq!(png.bytes, super::png(svg).unwrap().bytes);
    }

    #[test]
    fn a_huge_chart_is_drawn_smaller_not_refused() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"></svg>"#;
        let png = png(svg).unwrap();
        assert_eq!(png.width, 20000.0);
        assert!(png.bytes.len() < 5_000_000);
    }

    #[test]
    fn a_png_is_read_for_its_size_only() {
        let drawn = png(r#"<svg xmlns="http://www.w3.org/2000/svg" width="30" height="10"></svg>"#)
            .unwrap();
        let read = from_png(&drawn.bytes).unwrap();
        assert_eq!((read.width, read.height), (60.0, 20.0));
        assert!(from_png(b"GIF89a").is_err());
        assert!(from_png(&drawn.bytes[..18]).is_err());
    }

    #[test]
    fn a_printed_chart_has_150_pixels_an_inch() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"></svg>"#;
        // Printed 4 inches wide: 600 pixels.
        let png = png_printed(svg, |w, h| {
            assert_eq!((w, h), (600.0, 300.0));
            288.0
        })
        .unwrap();
        assert_eq!(from_png(&png.bytes).unwrap().width, 600.0);
        assert_eq!((png.width, png.height), (600.0, 300.0));
    }

    #[test]
    fn bad_svg_is_an_error() {
        assert!(png("<svg").is_err());
    }
}
