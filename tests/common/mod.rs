//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

pub mod fragments;

/// Run `needsmap ARGS…` in process: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("needsmap").chain(args.iter().copied());
    let code = needsmap::cli::run(argv, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("stdout is UTF-8"),
        String::from_utf8(err).expect("stderr is UTF-8"),
    )
}

/// Have LibreOffice convert `files` to format `to` (`pdf`, `csv`, `ods`)
/// in `outdir`, with a profile of its own in `scratch` (so tests running
/// at once do not share one); panics with LibreOffice's stderr on failure.
pub fn libreoffice_convert(
    files: &[&std::path::Path],
    to: &str,
    outdir: &std::path::Path,
    scratch: &std::path::Path,
) {
    let out = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            scratch.display()
        ))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(outdir)
        .args(files)
        .current_dir(scratch)
        .output()
        .expect("LibreOffice (soffice) must be installed: bash .ci/test installs it");
    assert!(
        out.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
