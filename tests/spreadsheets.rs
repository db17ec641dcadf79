//! The CSV exports and the tracker workbook open in a spreadsheet as data:
//! no cell a user wrote runs as a formula (OWASP's CSV injection).

use std::io::Read;
use std::path::Path;

mod common;
use common::run;

const FIXTURE: &str = "tests/fixtures/formula-injection/assessment.yaml";

/// What a spreadsheet would take as the start of a formula.
fn starts_a_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Every cell of a CSV file.
fn cells(csv_text: &[u8]) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text);
    reader
        .records()
        .flat_map(|r| {
            r.expect("a CSV row")
                .iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn assert_no_formulas(name: &str, csv_text: &[u8]) {
    let formulas: Vec<String> = cells(csv_text)
        .into_iter()
        .filter(|c| starts_a_formula(c))
        .collect();
    assert!(formulas.is_empty(), "{name} holds formulas: {formulas:?}");
}

fn build(out: &Path) {
    let out_text = out.display().to_string();
    let (code, _, err) = run(&["build", FIXTURE, "-o", &out_text, "--no-pdf"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn gaps_as_csv_hold_no_formula() {
    let (code, out, err) = run(&["gaps", FIXTURE, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_no_formulas("gaps --format csv", out.as_bytes());
    assert!(
        cells(out.as_bytes())
            .iter()
            .any(|c| c.starts_with("'=HYPERLINK(\"http://evil.example\",\"x\") works at")),
        "the dead-end gap's evidence is kept, as text: {out}"
    );
}

#[test]
fn every_csv_a_build_writes_holds_no_formula() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    build(&out);
    let mut csvs = 0;
    for entry in std::fs::read_dir(&out).expect("output") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "csv") {
            csvs += 1;
            assert_no_formulas(
                &path.display().to_string(),
                &std::fs::read(&path).expect("csv"),
            );
        }
    }
    assert!(csvs >= 3, "gaps, coverage and action plan");
    let plan = cells(&std::fs::read(out.join("action-plan.csv")).expect("csv"));
    for kept in [
        "'=HYPERLINK(\"http://evil.example\",\"objective\")",
        "'+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM(A1:A9)",
    ] {
        assert!(plan.iter().any(|c| c == kept), "{kept} in {plan:?}");
    }
}

/// The XML of one part of a workbook.
fn workbook_part(xlsx: &Path, part: &str) -> String {
    let file = std::fs::File::open(xlsx).expect("xlsx");
    let mut zip = zip::ZipArchive::new(file).expect("an xlsx is a zip");
    let mut text = String::new();
    zip.by_name(part)
        .expect("part")
        .read_to_string(&mut text)
        .expect("UTF-8");
    text
}

#[test]
fn the_tracker_workbook_holds_strings_not_formulas() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    build(&out);
    let xlsx = out.join("action-plan.xlsx");
    let sheet = workbook_part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "{sheet}");
    // Strings as typed, without the CSV's `'`: a workbook cell knows it is text.
    let strings = workbook_part(&xlsx, "xl/sharedStrings.xml");
    assert!(
        strings.contains("<t>=HYPERLINK(\"http://evil.example\",\"objective\")</t>")
            || strings.contains(
                "<t>=HYPERLINK(&quot;http://evil.example&quot;,&quot;objective&quot;)</t>"
            ),
        "{strings}"
    );
}
