//! The example build: all three documents in every default format, the
//! same with Word files (`--docx`), the same without PDFs, and the PDF step
//! alone (three Typst documents laid out side by side). Medians over N
//! runs, in one process.
//!
//!   cargo bench --bench build -- [RUNS]

use std::path::Path;
use std::time::Instant;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(15);
    let path = Path::new("assessments/northmoor.yaml");
    // Typst memoizes layout across compilations in one process; evict it so
    // every run does the work a fresh `needsmap build` does.
    let time = |f: &dyn Fn()| {
        comemo::evict(0);
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64()
    };
    let load = || {
        let loaded = needsmap::model::load(path);
        loaded.assessment.expect("the example loads")
    };
    let full = |pdf: bool, docx: bool| {
        let a = load();
        let options = needsmap::render::Options {
            pdf,
            docx,
            ..Default::default()
        };
        let files = needsmap::render::build(&a, path, options).expect("builds");
        assert!(files.len() > 20);
    };
    // The Typst sources, charts and logo the PDF step works from.
    let a = load();
    let files = needsmap::render::build(
        &a,
        path,
        needsmap::render::Options {
            pdf: false,
            ..Default::default()
        },
    )
    .expect("builds");
    let charts: Vec<(String, std::sync::Arc<[u8]>)> = files
        .iter()
        .filter(|f| f.path.starts_with("charts/") || f.path.starts_with("logo."))
        .map(|f| (f.path.clone(), std::sync::Arc::from(f.bytes.as_slice())))
        .collect();
    let sources: Vec<String> = files
        .iter()
        .filter(|f| f.path.ends_with(".typ"))
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .collect();
    let pdf_step = || {
        std::thread::scope(|s| {
            let handles: Vec<_> = sources
                .iter()
                .map(|src| {
                    let charts = &charts;
                    s.spawn(move || {
                        needsmap::render::pdf::compile_pdf(src.clone(), charts, "bench")
                            .expect("pdf")
                    })
                })
                .collect();
            for h in handles {
                h.join().expect("thread");
            }
        })
    };
    // How much of the PDF step is the charts: the same documents with every
    // chart replaced by an empty SVG.
    let blank: Vec<(String, std::sync::Arc<[u8]>)> = charts
        .iter()
        .map(|(p, _)| {
            (
                p.clone(),
                std::sync::Arc::from(
                    &b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"[..],
                ),
            )
        })
        .collect();
    let blank_step = || {
        for src in &sources {
            needsmap::render::pdf::compile_pdf(src.clone(), &blank, "bench").expect("pdf");
        }
    };
    let sequential_step = || {
        for src in &sources {
            needsmap::render::pdf::compile_pdf(src.clone(), &charts, "bench").expect("pdf");
        }
    };
    full(true, true); // warm up: fonts parsed once per process
    let with_pdf: Vec<f64> = (0..runs).map(|_| time(&|| full(true, false))).collect();
    let with_word: Vec<f64> = (0..runs).map(|_| time(&|| full(true, true))).collect();
    let without: Vec<f64> = (0..runs).map(|_| time(&|| full(false, false))).collect();
    let pdf_only: Vec<f64> = (0..runs).map(|_| time(&pdf_step)).collect();
    println!(
        "example build, all documents and formats: median {:.3} s over {runs} runs",
        median(with_pdf)
    );
    println!(
        "the same with Word files (--docx):        median {:.3} s",
        median(with_word)
    );
    println!(
        "the same without PDFs:                    median {:.3} s",
        median(without)
    );
    println!(
        "PDF step alone (3 documents in parallel):  median {:.3} s",
        median(pdf_only)
    );
    let sequential: Vec<f64> = (0..runs).map(|_| time(&sequential_step)).collect();
    let blank_only: Vec<f64> = (0..runs).map(|_| time(&blank_step)).collect();
    println!(
        "PDF step, one document after another:      median {:.3} s",
        median(sequential)
    );
    println!(
        "the same with every chart left blank:      median {:.3} s",
        median(blank_only)
    );
}
