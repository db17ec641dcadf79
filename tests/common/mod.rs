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
