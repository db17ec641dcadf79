//! The built-in templates, compiled into the binary, and the partnership's
//! overrides: a file of the same name in a `templates/` folder next to the
//! assessment replaces the built-in one (as Zola and mdBook themes do).

use std::path::{Path, PathBuf};

/// (file name, built-in text).
pub const BUILT_IN: &[(&str, &str)] = &[
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
pub struct Template {
    pub name: &'static str,
    pub text: String,
    pub overridden_by: Option<PathBuf>,
}

/// The folder whose files override the built-ins for this assessment.
pub fn override_dir(assessment: &Path) -> PathBuf {
    assessment
        .parent()
        .unwrap_or(Path::new("."))
        .join("templates")
}

/// Every template, each from the override folder when a file is there.
/// An override must lie inside the assessment's workspace (no symlink out
/// of it) unless `allow_outside`.
pub fn load(assessment: &Path, allow_outside: bool) -> Result<Vec<Template>, String> {
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
pub fn export(dir: &Path, force: bool) -> Result<Vec<PathBuf>, String> {
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
pub struct Logo {
    /// Its path in the output folder (`logo.svg`).
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A logo larger than this is refused: a cover needs no more, and a
/// mistaken photograph would bloat every document.
const MAX_LOGO_BYTES: u64 = 2 * 1024 * 1024;

/// The logo in the override folder, if there is one. Like a template, it
/// must lie inside the assessment's workspace unless `allow_outside`.
pub fn logo(assessment: &Path, allow_outside: bool) -> Result<Option<Logo>, String> {
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
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(Some(Logo {
            path: name.to_owned(),
            bytes,
        }));
    }
    Ok(None)
}
