//! The built-in templates, compiled into the binary, and the partnership's
//! overrides: a file of the same name in a `templates/` folder next to the
//! assessment replaces the built-in one (as Zola and mdBook themes do).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::render::raster::Png;

/// (file name, built-in text).
pub(crate) const BUILT_IN: &[(&str, &str)] = &[
    // Included by the action plan and by `needsmap progress`: first, so
    // it is known when they are added.
    ("progress.md", include_str!("../../templates/progress.md")),
    (
        "needs-assessment.md",
        include_str!("../../templates/needs-assessment.md"),
    ),
    (
        "safe-accommodation-strategy.md",
        include_str!("../../templates/safe-accommodation-strategy.md"),
    ),
    (
        "action-plan.md",
        include_str!("../../templates/action-plan.md"),
    ),
    (
        "document.html",
        include_str!("../../templates/document.html"),
    ),
    ("document.typ", include_str!("../../templates/document.typ")),
];

/// Where a template came from, for messages.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub name: &'static str,
    pub text: String,
    pub overridden_by: Option<PathBuf>,
}

/// The folder whose files override the built-ins for this assessment.
pub(crate) fn override_dir(assessment: &Path) -> PathBuf {
    assessment
        .parent()
        .unwrap_or(Path::new("."))
        .join("templates")
}

/// Every template, each from the override folder when a file is there.
/// An override must lie inside the assessment's workspace (no symlink out
/// of it) unless `allow_outside`.
pub(crate) fn load(assessment: &Path, allow_outside: bool) -> Result<Vec<Template>, String> {
    let dir = override_dir(assessment);
    let workspace = if allow_outside {
        None
    } else {
        crate::model::load::workspace_of(assessment)
    };
    BUILT_IN
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            if path.is_file() {
                if let Some(ws) = &workspace
                    && !crate::model::load::is_inside(&path, ws)
                {
                    return Err(format!(
                        "template {} leads outside the assessment's workspace ({}); pass --allow-outside to use it",
                        path.display(),
                        ws.display()
                    ));
                }
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read template {}: {e}", path.display()))?;
                Ok(Template {
                    name,
                    text,
                    overridden_by: Some(path),
                })
            } else {
                Ok(Template {
                    name,
                    text: (*text).to_owned(),
                    overridden_by: None,
                })
            }
        })
        .collect()
}

/// Copy the built-ins to `dir` to start an override from. Existing files
/// are kept unless `force`: then nothing at all is written.
pub(crate) fn export(dir: &Path, force: bool) -> Result<Vec<PathBuf>, String> {
    let targets: Vec<(PathBuf, &str)> = BUILT_IN
        .iter()
        .map(|(name, text)| (dir.join(name), *text))
        .collect();
    if !force && let Some((existing, _)) = targets.iter().find(|(path, _)| path.exists()) {
        return Err(format!(
            "{} already exists; nothing was written (use --force to overwrite)",
            existing.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (path, text) in targets {
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// The partnership's logo, from the override folder: `logo.svg` or
/// `logo.png` there goes on each document's cover and at the top of its
/// web page.
pub(crate) struct Logo {
    /// Its path in the output folder (`logo.svg`).
    pub path: String,
    pub bytes: Vec<u8>,
    /// The logo as PNG, for the Word documents.
    pub picture: Png,
}

/// A logo checked for what its name says it is, as PNG: an SVG is drawn
/// (so one that cannot be read is an error here, not a broken cover), a
/// PNG must have a PNG header with its size.
fn logo_picture(name: &str, bytes: &[u8]) -> Result<Png, String> {
    if name.ends_with(".svg") {
        let svg = std::str::from_utf8(bytes)
            .map_err(|_| "the logo is not an SVG file (it is not text): save it as SVG or PNG")?;
        crate::render::raster::png(svg).map_err(|e| {
            format!("the logo cannot be read as SVG ({e}): save it again as SVG or PNG")
        })
    } else {
        crate::render::raster::from_png(bytes)
            .map_err(|e| format!("the logo is not a PNG file ({e}): save it again as PNG or SVG"))
    }
}

/// A logo larger than this is refused: a cover needs no more, and a
/// mistaken photograph would bloat every document.
const MAX_LOGO_BYTES: u64 = 2 * 1024 * 1024;

/// The logo in the override folder, if there is one. Like a template, it
/// must lie inside the assessment's workspace unless `allow_outside`.
pub(crate) fn logo(assessment: &Path, allow_outside: bool) -> Result<Option<Logo>, String> {
    let dir = override_dir(assessment);
    for name in ["logo.svg", "logo.png"] {
        let path = dir.join(name);
        if !path.is_file() {
            continue;
        }
        if !allow_outside && let Some(workspace) = crate::model::load::workspace_of(assessment) {
            let real = path
                .canonicalize()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if !real.starts_with(&workspace) {
                return Err(format!(
                    "{}: the logo is outside the assessment's workspace ({}); move it in, or pass --allow-outside",
                    path.display(),
                    workspace.display()
                ));
            }
        }
        let size = std::fs::metadata(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
        if size > MAX_LOGO_BYTES {
            return Err(format!(
                "{}: the logo is {} bytes; a cover needs at most {} (2 MB): save it smaller",
                path.display(),
                size,
                MAX_LOGO_BYTES
            ));
        }
        // Read no more than the limit, whatever the file grew to since.
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_LOGO_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if bytes.len() as u64 > MAX_LOGO_BYTES {
            return Err(format!(
                "{}: the logo grew past {MAX_LOGO_BYTES} bytes (2 MB) while being read",
                path.display()
            ));
        }
        let picture = logo_picture(name, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(Some(Logo {
            path: name.to_owned(),
            bytes,
            picture,
        }));
    }
    Ok(None)
}
