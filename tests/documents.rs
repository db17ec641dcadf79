//! The documents' text, pinned: the Markdown each document is made from
//! (the HTML, the PDF and the Word file all follow it), on the example and
//! on a sparse assessment. A refactor must leave these unchanged; a
//! deliberate change of wording shows here as a diff to review and accept
//! (`cargo insta review`, or `INSTA_UPDATE=always`).

mod common;
use common::run;

const DOCUMENTS: [&str; 3] = [
    "needs-assessment",
    "safe-accommodation-strategy",
    "action-plan",
];

fn pin_documents(assessment: &str, name: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "build",
        assessment,
        "--no-pdf",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    for doc in DOCUMENTS {
        let text = std::fs::read_to_string(out.join(format!("{doc}.md"))).expect("markdown");
        insta::assert_snapshot!(format!("{name}-{doc}"), text);
    }
}

#[test]
fn the_example_reads_as_pinned() {
    pin_documents("assessments/northmoor.yaml", "northmoor");
}

/// An assessment with little evidence: what the documents say they cannot
/// judge is pinned too.
#[test]
fn a_sparse_assessment_reads_as_pinned() {
    pin_documents("tests/fixtures/valid/minimal/assessment.yaml", "minimal");
}
