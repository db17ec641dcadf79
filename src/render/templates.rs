//! The built-in templates, compiled into the binary, and the partnership's
//! overrides: a file of the same name in a `templates/` folder next to the
//! assessment replaces the built-in one (as Zola and mdBook themes do).
//! A document's template lists its sections, each a template of its own
//! (`needs-assessment/gaps.md`), so one section can be replaced alone.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::render::raster::Png;

/// The built-in templates, by name, with their text.
macro_rules! built_in {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// (file name, built-in text). A document is its template (`action-plan.md`)
/// and the sections it includes (`action-plan/cover.md`…), each of which an
/// override can replace alone. Included templates come before the ones
/// that include them.
pub(crate) const BUILT_IN: &[(&str, &str)] = built_in![
    "progress.md",
    "needs-assessment/cover.md",
    "needs-assessment/summary.md",
    "needs-assessment/area-profile.md",
    "needs-assessment/prevalence.md",
    "needs-assessment/demand.md",
    "needs-assessment/indicators.md",
    "needs-assessment/levels.md",
    "needs-assessment/pathways.md",
    "needs-assessment/providers.md",
    "needs-assessment/coverage.md",
    "needs-assessment/gaps.md",
    "needs-assessment/unknowns.md",
    "needs-assessment/journeys.md",
    "needs-assessment/findings.md",
    "needs-assessment/recommendations.md",
    "needs-assessment/outcomes.md",
    "needs-assessment/routes.md",
    "needs-assessment/sources-and-method.md",
    "needs-assessment.md",
    "safe-accommodation-strategy/cover.md",
    "safe-accommodation-strategy/purpose.md",
    "safe-accommodation-strategy/need.md",
    "safe-accommodation-strategy/provision.md",
    "safe-accommodation-strategy/exclusion.md",
    "safe-accommodation-strategy/gaps.md",
    "safe-accommodation-strategy/priorities.md",
    "safe-accommodation-strategy/monitoring.md",
    "safe-accommodation-strategy/sources.md",
    "safe-accommodation-strategy.md",
    "action-plan/cover.md",
    "action-plan/progress.md",
    "action-plan/agreed-actions.md",
    "action-plan/proposed-actions.md",
    "action-plan/unaddressed-gaps.md",
    "action-plan/perpetrator-balance.md",
    "action-plan.md",
    "document.html",
    "document.typ",
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
    let mut written = Vec::new();
    for (path, text) in targets {
        let folder = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
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
