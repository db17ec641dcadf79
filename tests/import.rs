//! `needsmap import`: the template, a workbook made from the example (the
//! same analysis after the round trip), ODS and CSV, and broken workbooks
//! whose every problem is reported at its cell with nothing written.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

mod common;
use common::run;

const EXAMPLE: &str = "assessments/northmoor.yaml";

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// A workbook with one sheet per (name, rows), every cell text or a
/// number.
fn workbook(path: &Path, sheets: &[(&str, Vec<Vec<&str>>)]) {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).expect("name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                match cell.parse::<f64>() {
                    Ok(n) => ws.write_number(r as u32, c as u16, n),
                    Err(_) => ws.write_string(r as u32, c as u16, *cell),
                }
                .expect("cell");
            }
        }
    }
    book.save(path).expect("save");
}

/// The example with its levels, cohorts, entry points and services
/// replaced by what an import of `dir`'s YAML gives, in a workspace.
fn example_with(imported: &Path, root: &Path) -> String {
    std::fs::create_dir_all(root.join("assessments/northmoor")).expect("dirs");
    std::fs::write(root.join("needsmap.toml"), "").expect("marker");
    let main = std::fs::read_to_string(EXAMPLE).expect("example");
    let start = main.find("\nlevels:").expect("levels");
    let end = main
        .find("\n# Files this assessment pulls in")
        .expect("include");
    std::fs::write(
        root.join("assessments/northmoor.yaml"),
        format!("{}\n{}", &main[..start], &main[end..]),
    )
    .expect("main");
    for entry in std::fs::read_dir("assessments/northmoor").expect("dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_owned();
        if name != "services.yaml" {
            std::fs::copy(&path, root.join("assessments/northmoor").join(name)).expect("copy");
        }
    }
    for entry in std::fs::read_dir(imported).expect("imported") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_owned();
        std::fs::copy(&path, root.join("assessments/northmoor").join(name)).expect("copy");
    }
    std::fs::create_dir_all(root.join("journeys/northmoor")).expect("journeys");
    for entry in std::fs::read_dir("journeys/northmoor").expect("journeys") {
        let path = entry.expect("entry").path();
        std::fs::copy(
            &path,
            root.join("journeys/northmoor")
                .join(path.file_name().unwrap()),
        )
        .expect("copy");
    }
    s(&root.join("assessments/northmoor.yaml"))
}

#[test]
fn the_example_round_trips_through_a_workbook_to_the_same_analysis() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("services.xlsx");
    let (code, _, err) = run(&["import", "--template", &s(&book), "--from", EXAMPLE]);
    assert_eq!(code, 0, "{err}");
    let yaml = dir.path().join("yaml");
    let (code, out, err) = run(&["import", &s(&book), "-o", &s(&yaml)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "imported 44 services, 16 cohorts, 7 levels, 11 entry points, 1 demand record"
        ),
        "{out}"
    );
    let text = std::fs::read_to_string(yaml.join("services.yaml")).expect("services.yaml");
    assert!(text.contains("  # Services!2:2\n  - id: marac\n"), "{text}");
    let copy = example_with(&yaml, &dir.path().join("ws"));
    let (code, _, err) = run(&["check", &copy]);
    assert_eq!(code, 0, "{err}");
    let (_, before, _) = run(&["gaps", EXAMPLE, "--format", "json"]);
    let (_, after, err) = run(&["gaps", &copy, "--format", "json"]);
    assert!(!after.is_empty(), "{err}");
    let strip = |json: &str| {
        // Where each item came from differs; what was found must not.
        let mut v: serde_json::Value = serde_json::from_str(json).expect("json");
        strip_origins(&mut v);
        v
    };
    assert_eq!(strip(&before), strip(&after));
}

fn strip_origins(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.retain(|k, _| !matches!(k.as_str(), "file" | "line" | "column" | "origin"));
            map.values_mut().for_each(strip_origins);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_origins),
        _ => {}
    }
}

#[test]
fn an_untouched_template_has_nothing_to_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("t.xlsx");
    let (code, _, err) = run(&["import", "--template", &s(&book)]);
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["import", &s(&book), "-o", &s(&out)]);
    assert_eq!(code, 1);
    assert!(err.contains("t.xlsx:Services: nothing to import"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_spreadsheet_in_peoples_words_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("providers.csv");
    std::fs::write(
        &csv,
        "Service name,Organisation,Sector,Type,Cohorts,Capacity a year,Capacity source,Min. age,Accredited,# our notes\n\
         Refuge North,Women's Aid North,Voluntary,Accommodation,women; children,\"1,200\",Contract 2025,16,\"Leading Lights; Safe, Lives\",ignore me\n\
         Outreach,Northmoor Outreach,voluntary,support,\"women, men\",,,,,\n",
    )
    .expect("csv");
    let out = dir.path().join("out");
    let (code, stdout, err) = run(&["import", &s(&csv), "-o", &s(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("imported 2 services"), "{stdout}");
    let text = std::fs::read_to_string(out.join("services.yaml")).expect("yaml");
    #[derive(serde::Deserialize)]
    struct F {
        services: Vec<needsmap::model::Service>,
    }
    let f: F = serde_saphyr::from_str(&text).expect(&text);
    let refuge = &f.services[0];
    assert_eq!(refuge.id, "refuge-north");
    assert_eq!(refuge.cohorts, ["women", "children"]);
    assert_eq!(
        refuge.capacity.as_ref().and_then(|c| c.per_year),
        Some(1200.0)
    );
    assert_eq!(refuge.accredited, ["Leading Lights", "Safe, Lives"]);
    assert_eq!(refuge.ages.and_then(|a| a.min), Some(16));
    // A blank figure is not recorded, never 0.
    assert!(f.services[1].capacity.is_none(), "{text}");
    assert!(!text.contains("ignore me"));
    // Semicolons, as a spreadsheet saves CSV where the comma is the
    // decimal mark, read as commas do.
    let semi = dir.path().join("semi.csv");
    std::fs::write(
        &semi,
        "Name;Provider;Sector;Kind\nOutreach;Women's Aid;voluntary;support\n",
    )
    .expect("csv");
    let (code, _, err) = run(&["import", &s(&semi), "-o", &s(&dir.path().join("semi"))]);
    assert_eq!(code, 0, "{err}");
    // Nothing is overwritten without --force.
    let (code, _, err) = run(&["import", &s(&csv), "-o", &s(&out)]);
    assert_ne!(code, 0);
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = run(&["import", &s(&csv), "-o", &s(&out), "--force"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn every_problem_is_reported_at_its_cell_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("broken.xlsx");
    workbook(
        &book,
        &[
            (
                "Services",
                vec![
                    vec![
                        "ID",
                        "Name",
                        "Sector",
                        "Kind",
                        "Levels",
                        "Capacity a year",
                        "Notes",
                        "",
                        "Min age",
                    ],
                    vec![
                        "idva",
                        "IDVA service",
                        "Voluntry",
                        "support",
                        "high-risc",
                        "about 200",
                        "x",
                        "",
                        "",
                    ],
                    vec![
                        "Bad Id",
                        "Refuge",
                        "voluntary",
                        "accommodation",
                        "high-risk",
                        "1,2,3",
                        "",
                        "orphan",
                        "130",
                    ],
                    vec![
                        "bell",
                        "Be\u{7}ll",
                        "voluntary",
                        "support",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ],
                ],
            ),
            (
                "Levels",
                vec![vec!["ID", "Name"], vec!["high-risk", "High risk"]],
            ),
            ("Cohorts", vec![]),
        ],
    );
    let out = dir.path().join("out");
    let (code, _, err) = run(&["import", &s(&book), "-o", &s(&out)]);
    assert_eq!(code, 1, "{err}");
    for expected in [
        "broken.xlsx:Services!1:1: no Provider column",
        "broken.xlsx:Services!G1: unknown column \"Notes\"",
        "broken.xlsx:Services!C2: \"Voluntry\" is not one of the allowed values",
        "did you mean `voluntary`?",
        "broken.xlsx:Services!E2: no level has the id `high-risc`",
        "did you mean `high-risk`?",
        "broken.xlsx:Services!F2: \"about 200\" is not a number",
        "blank is unknown, never 0",
        "broken.xlsx:Services!A3: \"Bad Id\" is not an id",
        "write it as `bad-id`",
        "broken.xlsx:Cohorts!A1: the sheet is empty",
        // A value with no header would be lost; "1,2,3" is not 123.
        "broken.xlsx:Services!H3: \"orphan\" is under no header",
        "broken.xlsx:Services!F3: \"1,2,3\" is not a number",
        "broken.xlsx:Services!3:3: an age over 120",
        "broken.xlsx:Services!B4: the cell holds U+0007 (a control character)",
        "nothing was written",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in\n{err}");
    }
    assert!(!out.exists(), "something was written");
}

/// Rows may name what the assessment they are for defines, when it is
/// given; without it, an id no sheet holds is refused at its cell.
#[test]
fn rows_may_name_the_assessments_own_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("extra.xlsx");
    workbook(
        &book,
        &[
            (
                "Services",
                vec![
                    vec!["Name", "Provider", "Sector", "Kind", "Cohorts", "Levels"],
                    vec![
                        "Deaf advocacy",
                        "SignHealth",
                        "voluntary",
                        "support",
                        "women; Deaf survivors",
                        "high-risk",
                    ],
                ],
            ),
            (
                "Cohorts",
                vec![
                    vec!["ID", "Name", "Role"],
                    vec!["deaf", "Deaf survivors", "victim"],
                ],
            ),
        ],
    );
    let (code, _, err) = run(&["import", &s(&book), "-o", &s(&dir.path().join("a"))]);
    assert_eq!(code, 1);
    assert!(
        err.contains("extra.xlsx:Services!E2: no cohort has the id `women`"),
        "{err}"
    );
    assert!(err.contains("pass --assessment A.yaml"), "{err}");
    let out = dir.path().join("b");
    let (code, _, err) = run(&["import", &s(&book), "-o", &s(&out), "--assessment", EXAMPLE]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(out.join("services.yaml")).expect("yaml");
    // The cohort's name is taken for its id.
    assert!(text.contains("cohorts: [women, deaf]"), "{text}");
}

#[test]
fn merged_cells_are_refused_where_they_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("merged.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Services").expect("name");
    for (c, h) in ["Name", "Provider", "Sector", "Kind"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    ws.write_string(1, 0, "Outreach").expect("cell");
    ws.write_string(2, 0, "Refuge").expect("cell");
    ws.merge_range(1, 1, 2, 1, "Women's Aid", &Format::new())
        .expect("merge");
    for r in 1..3 {
        ws.write_string(r, 2, "voluntary").expect("cell");
        ws.write_string(r, 3, "support").expect("cell");
    }
    wb.save(&book).expect("save");
    let (code, _, err) = run(&["import", &s(&book), "-o", &s(&dir.path().join("o"))]);
    assert_eq!(code, 1);
    assert!(
        err.contains("merged.xlsx:Services!B2:B3: merged cells"),
        "{err}"
    );
    assert!(err.contains("unmerge"), "{err}");
}

/// LibreOffice's own format reads as Excel's does.
#[test]
fn an_ods_workbook_imports_as_its_xlsx_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("services.xlsx");
    let (code, _, err) = run(&["import", "--template", &s(&book), "--from", EXAMPLE]);
    assert_eq!(code, 0, "{err}");
    common::libreoffice_convert(&[&book], "ods", dir.path(), dir.path());
    let (from_xlsx, from_ods) = (dir.path().join("x"), dir.path().join("o"));
    let (code, _, err) = run(&["import", &s(&book), "-o", &s(&from_xlsx)]);
    assert_eq!(code, 0, "{err}");
    let ods = dir.path().join("services.ods");
    let (code, _, err) = run(&["import", &s(&ods), "-o", &s(&from_ods)]);
    assert_eq!(code, 0, "{err}");
    for name in [
        "services.yaml",
        "cohorts.yaml",
        "levels.yaml",
        "entry-points.yaml",
    ] {
        let a = std::fs::read_to_string(from_xlsx.join(name)).expect("xlsx yaml");
        let b = std::fs::read_to_string(from_ods.join(name)).expect("ods yaml");
        assert_eq!(
            a.replace("services.xlsx", "W"),
            b.replace("services.ods", "W"),
            "{name}"
        );
    }
}

/// A cell far from the others (`XFD1048576`) is refused, not allocated
/// for: a whole-sheet read would make a cell of every one between.
#[test]
fn a_far_away_cell_is_refused_without_filling_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("far.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Services").expect("name");
    ws.write_string(0, 0, "Name").expect("cell");
    ws.write_string(1_048_575, 16_383, "x").expect("cell");
    wb.save(&book).expect("save");
    let (code, _, err) = run(&["import", &s(&book), "-o", &s(&dir.path().join("o"))]);
    assert_eq!(code, 1);
    assert!(err.contains("cell XFD1048576 is beyond"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
}

#[test]
fn old_excel_files_are_asked_for_as_xlsx() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("old.xls");
    std::fs::write(&book, b"\xd0\xcf\x11\xe0").expect("xls");
    let (code, _, err) = run(&["import", &s(&book), "-o", &s(&dir.path().join("o"))]);
    assert_eq!(code, 1);
    assert!(err.contains("save this .xls file as .xlsx"), "{err}");
}

const ORUK_SERVICE: &str = "tests/fixtures/oruk/service_full.json";
const ORUK_PAGE: &str = "tests/fixtures/oruk/service_list.json";

/// The profile's own example service, mapped through a mapping file, is
/// a service `check` accepts, with what ORUK cannot say left as TODOs.
#[test]
fn an_oruk_service_imports_with_its_judgements_left_to_the_analyst() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    let (code, _, err) = run(&["init", &s(&ws)]);
    assert_eq!(code, 0, "{err}");
    let mapping = dir.path().join("mapping.yaml");
    std::fs::write(
        &mapping,
        "defaults: { sector: voluntary, kind: support }\n\
         localities: { north: [ABC] }\n\
         terms: { name: { kind: therapeutic, support: [counselling-therapy], cohorts: [women, men] } }\n",
    )
    .expect("mapping");
    let out = ws.join("oruk");
    let (code, stdout, err) = run(&[
        "import",
        "--oruk",
        ORUK_SERVICE,
        "--mapping",
        &s(&mapping),
        "-o",
        &s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("imported 1 service"), "{stdout}");
    let text = std::fs::read_to_string(out.join("services.yaml")).expect("yaml");
    for expected in [
        "# ORUK service ac148810-d857-441c-9679-408f346de14b",
        "# TODO levels:",
        "# TODO accepts_from / refers_to:",
        "  - id: community-counselling\n",
        "    provider: Example Organization Inc.\n",
        "    kind: therapeutic\n",
        "    cohorts: [women, men]\n",
        "    localities: [north]\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    let main = ws.join("assessment.yaml");
    let mut a = std::fs::read_to_string(&main).expect("assessment");
    a.push_str("\ninclude: [oruk/services.yaml]\n");
    std::fs::write(&main, a).expect("assessment");
    let (code, _, err) = run(&["check", &s(&main)]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_saved_services_page_imports_each_of_its_services() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mapping = dir.path().join("mapping.yaml");
    std::fs::write(
        &mapping,
        "defaults: { sector: health, kind: therapeutic }\n",
    )
    .expect("m");
    let out = dir.path().join("o");
    let (code, stdout, err) = run(&[
        "import",
        "--oruk",
        ORUK_PAGE,
        "--mapping",
        &s(&mapping),
        "-o",
        &s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("imported 1 service"), "{stdout}");
    let text = std::fs::read_to_string(out.join("services.yaml")).expect("yaml");
    assert!(text.contains("(/contents/0)"), "{text}");
    assert!(
        text.contains("TODO localities: the feed names no place"),
        "{text}"
    );
}

/// A feed ORUK 3.0 does not allow is refused at the JSON path of the
/// fault; without a mapping, what ORUK cannot say is asked for.
#[test]
fn a_broken_or_unmapped_feed_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut feed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ORUK_PAGE).expect("page")).expect("json");
    feed["contents"][0]["status"] = "open".into();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, feed.to_string()).expect("write");
    let out = dir.path().join("o");
    let (code, _, err) = run(&["import", "--oruk", &s(&broken), "-o", &s(&out)]);
    assert_eq!(code, 1);
    assert!(err.contains("broken.json:/contents/0/status:"), "{err}");
    assert!(!out.exists());
    let (code, _, err) = run(&["import", "--oruk", ORUK_SERVICE, "-o", &s(&out)]);
    assert_eq!(code, 1);
    assert!(
        err.contains("ORUK does not say a service's sector, and the mapping gives none"),
        "{err}"
    );
    assert!(err.contains("defaults: { sector: ... }"), "{err}");
    assert!(!out.exists());
}
