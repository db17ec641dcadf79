//! `needsmap build` at scale: the example with 1,000 and 10,000 survivor
//! journeys, and with one 10 MB finding. Each build runs in a fresh process
//! (as a user runs it), which reports its wall time and peak memory (VmHWM).
//!
//!   cargo bench --bench scale                       # every case, with and without PDFs
//!   cargo bench --bench scale -- --journeys 1000 --finding-mb 0 --pdf no
//!   cargo bench --bench scale -- generate DIR --journeys 10000   # inputs only, for
//!   cargo bench --bench scale -- generate DIR --finding-mb 10    # /usr/bin/time or a profiler
//!
//! Options: `--journeys N,M,…` (default 1000,10000), `--finding-mb N`
//! (default 10; 0 skips it), `--pdf yes|no|both` (default both).

use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "../tests/common/scale.rs"]
mod scale;

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// The value after `--name`, if given.
fn option<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).map(String::as_str)
}

/// In the child: one `needsmap build`, then "exit seconds KiB" on stdout
/// and needsmap's own messages on stderr.
fn child(assessment: &str, out: &str, pdf: bool) {
    let mut argv = vec!["needsmap", "build", assessment, "-o", out];
    if !pdf {
        argv.push("--no-pdf");
    }
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let t = Instant::now();
    let code = needsmap::cli::run(argv, &mut stdout, &mut stderr);
    let seconds = t.elapsed().as_secs_f64();
    eprint!("{}", String::from_utf8_lossy(&stderr));
    println!("{code} {seconds:.2} {}", peak_kib());
}

/// One build in a fresh process: (exit code, seconds, peak MiB).
fn measure(assessment: &Path, out: &Path, pdf: bool) -> (i32, f64, u64) {
    let exe = std::env::current_exe().expect("exe");
    let output = std::process::Command::new(exe)
        .arg("--child")
        .arg(assessment)
        .arg(out)
        .arg(if pdf { "pdf" } else { "no-pdf" })
        .output()
        .expect("child runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stderr.trim().is_empty() {
        eprintln!("{}", stderr.trim_end());
    }
    let report = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = report.split_whitespace().collect();
    match fields[..] {
        [code, seconds, kib] => (
            code.parse().unwrap_or(-1),
            seconds.parse().unwrap_or(f64::NAN),
            kib.parse::<u64>().unwrap_or(0) >> 10,
        ),
        // The child died (out of memory, say) before it could report.
        _ => (output.status.code().unwrap_or(-1), f64::NAN, 0),
    }
}

fn report(case: &str, assessment: &Path, work: &Path, pdfs: &[bool]) {
    for &pdf in pdfs {
        let out = work.join("out");
        let (code, seconds, mib) = measure(assessment, &out, pdf);
        let kind = if pdf { "with PDFs" } else { "--no-pdf " };
        println!("{case:<28} {kind}  exit {code}  {seconds:>7.2} s  peak {mib:>5} MiB");
        let _ = std::fs::remove_dir_all(&out);
    }
}

fn generate(args: &[String]) {
    let dir = PathBuf::from(args.get(2).expect("generate DIR"));
    let path = if let Some(n) = option(args, "--journeys") {
        scale::example_with_journeys(&dir, n.parse().expect("--journeys N"))
    } else {
        let mb: usize = option(args, "--finding-mb")
            .expect("--journeys N or --finding-mb N")
            .parse()
            .expect("--finding-mb N");
        scale::example_with_long_finding(&dir, mb << 20)
    };
    println!("{}", path.display());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1], &args[i + 2], args[i + 3] == "pdf");
        return;
    }
    if args.get(1).is_some_and(|a| a == "generate") {
        generate(&args);
        return;
    }
    let journeys: Vec<usize> = option(&args, "--journeys")
        .unwrap_or("1000,10000")
        .split(',')
        .map(|n| n.parse().expect("--journeys N,M"))
        .collect();
    let finding_mb: usize = option(&args, "--finding-mb")
        .unwrap_or("10")
        .parse()
        .expect("--finding-mb N");
    let pdfs: &[bool] = match option(&args, "--pdf").unwrap_or("both") {
        "yes" => &[true],
        "no" => &[false],
        _ => &[false, true],
    };
    // Cargo names a scratch folder in the target directory when it builds
    // the bench (at compile time, not in the run's environment).
    let tmp = option_env!("CARGO_TARGET_TMPDIR")
        .map_or_else(std::env::temp_dir, PathBuf::from)
        .join("scale");
    for n in journeys {
        let work = tmp.join(format!("journeys-{n}"));
        let _ = std::fs::remove_dir_all(&work);
        let path = scale::example_with_journeys(&work, n);
        report(&format!("{n} journeys"), &path, &work, pdfs);
        let _ = std::fs::remove_dir_all(&work);
    }
    if finding_mb > 0 {
        let work = tmp.join("long-finding");
        let _ = std::fs::remove_dir_all(&work);
        let path = scale::example_with_long_finding(&work, finding_mb << 20);
        report(&format!("one {finding_mb} MB finding"), &path, &work, pdfs);
        let _ = std::fs::remove_dir_all(&work);
    }
}
