//! Each document as a Word file (`.docx`), from the same Markdown as the
//! HTML and the PDF, for the people who finish such documents in Word.
//!
//! The WordprocessingML is written here rather than through `docx-rs`:
//! its 0.4 releases give pictures no alt text (`wp:docPr` has a fixed name
//! and no `descr`), have no repeating table header rows (`w:tblHeader`),
//! panic on an image they cannot decode and number pictures from a
//! process-wide counter, and all four matter to a published document. The
//! parts are few and small: the body (`body`), styles Word knows by name
//! (so the navigation pane and a contents field work), numbering for
//! lists and headings, one header and footer with page numbers, and the
//! package's properties. The zip is written by the `zip` crate with fixed
//! dates, so the same input gives the same bytes.

mod body;
mod parts;

use std::collections::BTreeMap;
use std::io::Write;

use crate::render::markdown::{LANDSCAPE, PORTRAIT};
use crate::render::raster::Png;

/// What the cover and the running header and footer say, as the PDF's.
pub(crate) struct Cover<'a> {
    pub title: &'a str,
    /// The document's kind ("Action plan"), in the running header.
    pub short_title: &'a str,
    pub area: &'a str,
    /// The area's short name, in the footer.
    pub area_short: &'a str,
    /// The Markdown's subtitle line, as plain text.
    pub subtitle: &'a str,
    pub partnership: Option<&'a str>,
    pub period: &'a str,
    pub version: Option<&'a str>,
    /// `YYYY-MM-DD`, when published; also the file's dates.
    pub published: Option<&'a str>,
    pub logo: Option<&'a Png>,
    pub logo_alt: &'a str,
    /// `#1d4f91`: headings and the cover's rule.
    pub colour: &'a str,
    /// An internal build: the cover and every page say so.
    pub internal: bool,
}

/// The `w:num` of bulleted lists, of the heading numbering, and of the
/// first numbered list (each numbered list has its own, to start at its
/// own number).
const BULLET_NUM: u64 = 1;
const HEADING_NUM: u64 = 2;
const FIRST_LIST_NUM: u64 = 3;

/// A page's orientation, and what fits on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Page {
    #[default]
    Portrait,
    Landscape,
}

/// A4 in twentieths of a point, and the PDF's margins (2.2 cm at the
/// sides, 2.4 cm top and bottom).
const A4_SHORT: u32 = 11_906;
const A4_LONG: u32 = 16_838;
const MARGIN_SIDE: u32 = 1_247;
const MARGIN_END: u32 = 1_361;
/// English Metric Units per point, for pictures.
const EMU_PER_PT: f64 = 12_700.0;

impl Page {
    fn size(self) -> (u32, u32) {
        match self {
            Page::Portrait => (A4_SHORT, A4_LONG),
            Page::Landscape => (A4_LONG, A4_SHORT),
        }
    }

    /// The text's width, in points.
    fn text_width(self) -> f64 {
        f64::from(self.size().0 - 2 * MARGIN_SIDE) / 20.0
    }

    /// A picture's size in EMU: the page's width, as in the PDF, unless
    /// that would make it taller than the page leaves room for with its
    /// caption.
    fn fit(self, (width, height): (f32, f32)) -> (u64, u64) {
        let w = self.printed_width((width, height));
        let h = if width > 0.0 {
            w * f64::from(height) / f64::from(width)
        } else {
            0.0
        };
        (
            (w * EMU_PER_PT).round() as u64,
            (h * EMU_PER_PT).round() as u64,
        )
    }

    /// The width in points a picture of `width` × `height` CSS pixels
    /// prints at: the page's width, unless that makes it too tall.
    fn printed_width(self, (width, height): (f32, f32)) -> f64 {
        let room = f64::from(self.size().1 - 2 * MARGIN_END) / 20.0 - 60.0;
        let (w, h) = (f64::from(width) * 0.75, f64::from(height) * 0.75);
        if w <= 0.0 || h <= 0.0 {
            return 0.0;
        }
        w * (self.text_width() / w).min(room / h)
    }
}

/// The properties of a section ending on `page`. The first section holds
/// the cover, so its first page has no header or footer; later sections
/// keep the first's header and footer (Word carries them on).
fn section_properties(page: Page, first: bool) -> String {
    let (w, h) = page.size();
    let orient = match page {
        Page::Portrait => "",
        Page::Landscape => " w:orient=\"landscape\"",
    };
    let refs = if first {
        "<w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>"
    } else {
        ""
    };
    let title_page = if first { "<w:titlePg/>" } else { "" };
    format!(
        "<w:sectPr>{refs}<w:type w:val=\"nextPage\"/><w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/><w:pgMar w:top=\"{MARGIN_END}\" w:right=\"{MARGIN_SIDE}\" w:bottom=\"{MARGIN_END}\" w:left=\"{MARGIN_SIDE}\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/>{title_page}</w:sectPr>"
    )
}

/// An inline picture with its alt text (`descr`), `cx` × `cy` EMU.
fn drawing(rel: &str, id: usize, file: &str, alt: &str, (cx, cy): (u64, u64)) -> String {
    let alt = esc(alt);
    format!(
        "<w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:docPr id=\"{id}\" name=\"Picture {id}\" descr=\"{alt}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"{file}\" descr=\"{alt}\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"{rel}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
    )
}

/// Text for XML content or an attribute: the charts' escape, which also
/// drops what XML cannot hold (and `check` refuses), so Word can open it.
use crate::text::xml_escape as esc;

/// One document as a `.docx`: the cover, the contents, the body (the
/// Markdown without its title and subtitle, headings one level up), with
/// the charts it shows (SVG, by name) drawn as PNG for the size they
/// print at.
pub(crate) fn document(
    cover: &Cover<'_>,
    body_markdown: &str,
    charts: &BTreeMap<String, String>,
) -> Result<Vec<u8>, String> {
    let logo_pictures = usize::from(cover.logo.is_some());
    let body = body::convert(body_markdown, charts, 1 + logo_pictures)?;
    let document = parts::document_xml(cover, &body);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), parts::content_types().into()),
        ("_rels/.rels".into(), parts::package_rels().into()),
        ("docProps/core.xml".into(), parts::core(cover).into()),
        ("docProps/app.xml".into(), parts::app().into()),
        ("word/document.xml".into(), document.into()),
        (
            "word/_rels/document.xml.rels".into(),
            parts::document_rels(&body, cover.logo.is_some()).into(),
        ),
        ("word/styles.xml".into(), parts::styles(cover.colour).into()),
        (
            "word/numbering.xml".into(),
            parts::numbering(&body.numbered_lists).into(),
        ),
        ("word/settings.xml".into(), parts::settings().into()),
        ("word/header1.xml".into(), parts::header(cover).into()),
        ("word/footer1.xml".into(), parts::footer(cover).into()),
    ];
    if let Some(logo) = cover.logo {
        files.push(("word/media/logo.png".into(), logo.bytes.clone()));
    }
    for m in body.media {
        files.push((format!("word/media/{}", m.name), m.bytes));
    }
    zip(files)
}

/// The package: every part in a fixed order with a fixed date, so a
/// rebuild is byte for byte the same.
fn zip(files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, String> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        // PNGs are compressed already.
        let method = if name.ends_with(".png") {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        out.start_file(name.as_str(), options)
            .map_err(|e| format!("{name}: {e}"))?;
        out.write_all(&bytes).map_err(|e| format!("{name}: {e}"))?;
    }
    out.finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| format!("docx: {e}"))
}

#[cfg(test)]
mod tests;
