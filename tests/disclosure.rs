//! The attacker's side of disclosure control. Build publicly, then from
//! only what the public files show (Markdown, SVG, CSV, JSON) try to
//! recover every count they hide: from the journeys published one by one,
//! from totals, from means beside hidden counts, and from differences
//! between years. Each attempt must fail, and what is published journey
//! by journey must not be pretended hidden.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod common;
use common::run;

const EXAMPLE: &str = "assessments/northmoor.yaml";
const FIXTURE: &str = "tests/fixtures/valid/disclosure";
const SMALL: &str = "fewer than 5";
const BELOW: i64 = 5;

fn public_build(assessment: &str, out: &Path) {
    let out = out.display().to_string();
    let (code, _, err) = run(&["build", assessment, "-o", &out, "--no-pdf"]);
    assert_eq!(code, 0, "{err}");
}

/// A Markdown table, with the heading it sits under.
struct Table {
    heading: String,
    header: Vec<String>,
    /// Body rows, the totals row last; cells without bold or escapes.
    rows: Vec<Vec<String>>,
}

fn unescape(cell: &str) -> String {
    let mut out = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split(" | ")
        .map(|c| unescape(c.trim().trim_matches('*')))
        .collect()
}

fn tables(md: &str) -> Vec<Table> {
    let lines: Vec<&str> = md.lines().collect();
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with('#') {
            heading = lines[i].trim_start_matches('#').trim().to_owned();
        }
        let is_table = lines[i].starts_with('|')
            && lines
                .get(i + 1)
                .is_some_and(|l| l.starts_with("|-") || l.starts_with("|:"));
        if !is_table {
            i += 1;
            continue;
        }
        let header = cells(lines[i]);
        let rows: Vec<Vec<String>> = lines[i + 2..]
            .iter()
            .take_while(|l| l.starts_with('|'))
            .map(|l| cells(l))
            .collect();
        i += 2 + rows.len();
        out.push(Table {
            heading: heading.clone(),
            header,
            rows,
        });
    }
    out
}

/// How a count reads in a public document.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Count {
    Exact(i64),
    Small,
    NotShown,
}

fn count(cell: &str) -> Count {
    match cell {
        SMALL => Count::Small,
        "not shown" => Count::NotShown,
        n => Count::Exact(
            n.replace(',', "")
                .parse()
                .unwrap_or_else(|_| panic!("not a count: {n:?}")),
        ),
    }
}

/// A mean feeling as the documents write it.
fn feeling(mean: f64) -> String {
    if mean.abs() < 0.05 {
        "0.0".into()
    } else {
        format!("{mean:+.1}")
    }
}

/// Whether `n` visits with whole feelings from -3 to 3 can have the mean
/// a document shows (a mean not shown allows any number).
fn mean_allows(shown: &str, n: i64) -> bool {
    if shown == "not shown" {
        return true;
    }
    (-3 * n..=3 * n).any(|sum| feeling(sum as f64 / n as f64) == shown)
}

/// How the cells of a column relate to its total.
#[derive(Clone, Copy)]
enum Relation {
    /// Each unit in exactly one row (visits by service).
    Sum,
    /// A unit in one row or more (journeys in several cohorts): the cells
    /// add up to at least the total, and none is more than it.
    AtLeast,
}

/// Every value each hidden cell could take, given what the column shows:
/// its total, a ceiling from its row (`caps`) and what else is known of
/// each cell (`allows`, e.g. the mean beside a count of visits).
fn possible_values(
    column: &[Count],
    total: Count,
    caps: &[Option<i64>],
    allows: &dyn Fn(usize, i64) -> bool,
    relation: Relation,
) -> BTreeMap<usize, BTreeSet<i64>> {
    let shown: i64 = column
        .iter()
        .map(|c| if let Count::Exact(n) = c { *n } else { 0 })
        .sum();
    let total = match total {
        Count::Exact(t) => Some(t),
        _ => None,
    };
    let limit = total.unwrap_or(0).max(shown) + 200;
    let domains: BTreeMap<usize, Vec<i64>> = column
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let range = match c {
                Count::Exact(_) => return None,
                Count::Small => 1..=BELOW - 1,
                Count::NotShown => BELOW..=limit,
            };
            let cap = caps.get(i).copied().flatten().unwrap_or(limit);
            let cap = match relation {
                Relation::AtLeast => cap.min(total.unwrap_or(limit)),
                Relation::Sum => cap,
            };
            Some((i, range.filter(|&v| v <= cap && allows(i, v)).collect()))
        })
        .collect();
    let Some(total) = total else {
        return domains
            .into_iter()
            .map(|(i, d)| (i, d.into_iter().collect()))
            .collect();
    };
    let rest = total - shown;
    domains
        .keys()
        .map(|&k| {
            let others: Vec<&Vec<i64>> = domains
                .iter()
                .filter(|(i, _)| **i != k)
                .map(|(_, d)| d)
                .collect();
            let fits: BTreeSet<i64> = match relation {
                Relation::Sum => {
                    // Sums the other hidden cells can reach, up to `rest`.
                    let mut reach = vec![false; rest.max(0) as usize + 1];
                    reach[0] = true;
                    for d in &others {
                        let mut next = vec![false; reach.len()];
                        for (s, _) in reach.iter().enumerate().filter(|(_, r)| **r) {
                            for &v in d.iter() {
                                if let Some(slot) = next.get_mut(s + v as usize) {
                                    *slot = true;
                                }
                            }
                        }
                        reach = next;
                    }
                    domains[&k]
                        .iter()
                        .copied()
                        .filter(|&v| v <= rest && reach[(rest - v) as usize])
                        .collect()
                }
                Relation::AtLeast => {
                    let most: i64 = others.iter().filter_map(|d| d.last()).sum();
                    domains[&k]
                        .iter()
                        .copied()
                        .filter(|&v| v + most >= rest)
                        .collect()
                }
            };
            (k, fits)
        })
        .collect()
}

/// Try every column of every table of counts in a public needs assessment:
/// no "fewer than 5" may be narrowed below 1 to 4.
fn assert_no_small_count_can_be_narrowed(md: &str) {
    let every_small: BTreeSet<i64> = (1..BELOW).collect();
    let mut tried = 0;
    for t in tables(md) {
        let (relation, ceiling) = match t.header[..2] {
            [ref a, ref b] if a == "Service" && b == "Visits" => (Relation::Sum, 1),
            [ref a, ref b] if a == "Cohort" && b == "Journeys" => (Relation::AtLeast, 1),
            _ => continue,
        };
        tried += 1;
        let (total_row, body) = t.rows.split_last().expect("a totals row");
        let mean_column = t.header.iter().position(|h| h.starts_with("Mean feeling"));
        for k in 1..t.header.len() {
            if Some(k) == mean_column {
                continue;
            }
            let column: Vec<Count> = body.iter().map(|r| count(&r[k])).collect();
            // Refusals, retellings and drop-outs at a service are at most
            // its visits; a cohort's drop-outs at most its journeys.
            let caps: Vec<Option<i64>> = body
                .iter()
                .map(|r| match count(&r[ceiling]) {
                    Count::Exact(n) if k != ceiling => Some(n),
                    _ => None,
                })
                .collect();
            let allows = |i: usize, v: i64| match mean_column {
                Some(m) if k == ceiling => mean_allows(&body[i][m], v),
                _ => true,
            };
            let possible = possible_values(&column, count(&total_row[k]), &caps, &allows, relation);
            for (i, values) in possible {
                if column[i] == Count::Small {
                    assert_eq!(
                        values, every_small,
                        "under {:?}, {} of {:?} shows {SMALL:?} but can only be {values:?}: {:?}",
                        t.heading, t.header[k], body[i][0], body[i]
                    );
                }
            }
        }
    }
    assert!(tried >= 2, "the journey tables were found");
}

/// What a published journey shows of itself: where each step was and how
/// it felt (its map's text alternative), its cohorts, retellings and
/// refusals (its section).
struct Published {
    steps: Vec<(String, i64)>,
    cohorts: String,
    retold: i64,
    refusals: i64,
}

fn published_journeys(md: &str, out: &Path) -> Vec<Published> {
    let lines: Vec<&str> = md.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix("### Journey ") else {
            continue;
        };
        let id = rest.split(':').next().expect("id");
        let summary = lines[i + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .expect("a summary line");
        let number_before = |marker: &str| -> i64 {
            let before = &summary[..summary.find(marker).expect(marker)];
            let word = before.split_whitespace().last().expect("a number");
            word.parse()
                .unwrap_or_else(|_| panic!("{word:?} in {summary}"))
        };
        let svg = std::fs::read_to_string(out.join(format!("charts/journey-{id}.svg")))
            .expect("a map for each published journey");
        let doc = roxmltree::Document::parse(&svg).expect("svg");
        let desc = doc
            .descendants()
            .find(|n| n.has_tag_name("desc"))
            .and_then(|n| n.text())
            .expect("desc");
        let by_step = desc
            .split("Feeling by step: ")
            .nth(1)
            .expect("feelings")
            .trim_end_matches('.');
        let steps = by_step
            .split("; ")
            .map(|s| {
                let place = &s[s.find(" at ").expect("at") + 4..s.rfind(' ').expect("feeling")];
                let feeling = s[s.rfind(' ').expect("feeling") + 1..].parse().expect("n");
                (place.to_owned(), feeling)
            })
            .collect();
        found.push(Published {
            steps,
            cohorts: summary[..summary.find(". ").expect("cohorts")].to_owned(),
            // "retold 1 time;", "retold 3 times;"
            retold: number_before(if summary.contains(" times;") {
                " times;"
            } else {
                " time;"
            }),
            refusals: number_before(" refusal"),
        });
    }
    found
}

/// The tables that add up the published journeys show exactly what those
/// journeys add up to: a count hidden there is hidden from no one who
/// reads the journeys below it.
fn assert_journey_tables_add_up_the_published_journeys(md: &str, out: &Path) {
    let journeys = published_journeys(md, out);
    assert!(!journeys.is_empty());
    let all = tables(md);
    let find = |first: &str| {
        all.iter()
            .find(|t| t.heading == "Survivor journeys" && t.header[0] == first)
            .unwrap_or_else(|| panic!("no {first} table of the published journeys"))
    };
    let by_service = find("Service");
    for row in &by_service.rows[..by_service.rows.len() - 1] {
        let feelings: Vec<i64> = journeys
            .iter()
            .flat_map(|j| &j.steps)
            .filter(|(place, _)| *place == row[0])
            .map(|(_, f)| *f)
            .collect();
        let mean = feelings.iter().sum::<i64>() as f64 / feelings.len() as f64;
        assert_eq!(
            (row[1].as_str(), row[2].as_str()),
            (feelings.len().to_string().as_str(), feeling(mean).as_str()),
            "{}: the published journeys show {} visits",
            row[0],
            feelings.len()
        );
    }
    let by_cohort = find("Cohort");
    for row in &by_cohort.rows[..by_cohort.rows.len() - 1] {
        let members: Vec<&Published> = journeys
            .iter()
            .filter(|j| j.cohorts.contains(row[0].as_str()))
            .collect();
        let add = |f: fn(&Published) -> i64| members.iter().map(|j| f(j)).sum::<i64>().to_string();
        assert_eq!(
            [&row[1], &row[2], &row[3]],
            [
                &members.len().to_string(),
                &add(|j| j.retold),
                &add(|j| j.refusals)
            ],
            "{}: journeys, retellings and refusals the published journeys show",
            row[0]
        );
    }
}

#[test]
fn the_example_hides_no_count_its_journeys_give_away_and_every_count_it_hides_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    public_build(EXAMPLE, &out);
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("md");
    assert_journey_tables_add_up_the_published_journeys(&md, &out);
    assert_no_small_count_can_be_narrowed(&md);
    // The example has a journey counted but not published: its counts are
    // there, hidden, and nothing else of it is.
    assert!(md.contains("### Journeys counted but not published"));
    assert!(md.contains(SMALL));
    // A source withheld is not listed among the sources as "withheld".
    assert!(
        !md.contains("\n- withheld\n"),
        "sources list a withheld one"
    );
}

#[test]
fn a_mean_beside_a_hidden_count_does_not_give_it_away() {
    // +0.8 over "fewer than 5" visits with whole feelings can only be
    // 3 out of 4 visits: a mean to one decimal narrows its count.
    assert!(mean_allows("+0.8", 4));
    assert!((1..4).all(|n| !mean_allows("+0.8", n)));
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    public_build(&format!("{FIXTURE}/assessment.yaml"), &out);
    let md = std::fs::read_to_string(out.join("needs-assessment.md")).expect("md");
    let counted = tables(&md)
        .into_iter()
        .find(|t| t.heading == "Journeys counted but not published" && t.header[0] == "Service")
        .expect("the counted journeys' table");
    let outreach = counted
        .rows
        .iter()
        .find(|r| r[0] == "Outreach")
        .expect("outreach");
    assert_eq!(outreach[1], SMALL);
    assert_eq!(outreach[2], "not shown", "its mean goes with its count");
    assert_no_small_count_can_be_narrowed(&md);
}

/// A copy of the disclosure fixture in a workspace of its own, the
/// assessment edited by `edit`.
fn fixture_copy(edit: &dyn Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let ws = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(ws.path().join("journeys")).expect("mkdir");
    for e in std::fs::read_dir(format!("{FIXTURE}/journeys")).expect("journeys") {
        let p = e.expect("entry").path();
        let name = p.file_name().expect("name").to_owned();
        std::fs::copy(&p, ws.path().join("journeys").join(name)).expect("copy");
    }
    std::fs::write(ws.path().join("needsmap.toml"), "").expect("write");
    let text = std::fs::read_to_string(format!("{FIXTURE}/assessment.yaml")).expect("read");
    let file = ws.path().join("assessment.yaml");
    std::fs::write(&file, edit(text)).expect("write");
    (ws, file)
}

/// Every file of a build, by its path inside the output folder.
fn contents(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(out).expect("inside").to_path_buf();
                found.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    found
}

/// Build two assessments that differ only in what a public build hides;
/// every public file must be the same byte for byte, so nothing in them
/// can tell the two apart.
fn assert_public_files_cannot_tell_apart(
    a: &dyn Fn(String) -> String,
    b: &dyn Fn(String) -> String,
) {
    let build = |edit: &dyn Fn(String) -> String| {
        let (ws, file) = fixture_copy(edit);
        let out = ws.path().join("out");
        public_build(&file.display().to_string(), &out);
        (ws, contents(&out))
    };
    let ((_wa, fa), (_wb, fb)) = (build(a), build(b));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &fa {
        assert!(
            bytes == &fb[path],
            "{} tells the two apart:\n{}",
            path.display(),
            first_difference(bytes, &fb[path])
        );
    }
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let line = a.lines().zip(b.lines()).find(|(x, y)| x != y).map_or_else(
        || "(lengths differ)".to_owned(),
        |(x, y)| format!("{x}\n{y}"),
    );
    line.chars().take(2000).collect()
}

/// An indicator counting people, whose first year is below the threshold,
/// and a cohort's share of it.
fn with_indicator(first_year: u32, men_share: f64) -> impl Fn(String) -> String {
    move |text: String| {
        let indicator = format!(
            "indicators:\n  - id: refuge-declined-men\n    name: Men turned away by refuges\n    unit: count\n    values: {{ 2023: {first_year}, 2024: 9, 2025: 12 }}\n    cohort_shares: {{ men: {men_share} }}\n    source: Test figures\n    better: lower\n    target: {{ value: 2, year: 2029 }}\n"
        );
        text.replace("findings:\n", &format!("{indicator}findings:\n"))
    }
}

#[test]
fn an_indicator_count_cannot_be_recovered_from_its_trend_its_chart_or_a_cohort_share() {
    // 3 or 2 people in 2023 against 12 in 2025: "up 300%" or "up 500%"
    // would give it away, and so would its height in the chart. The
    // men's share of 12 (0.3 or 0.25) is 3.6 or 3: fewer than 5 either
    // way, and the share beside the 12 would give it away.
    assert_public_files_cannot_tell_apart(&with_indicator(3, 0.3), &with_indicator(2, 0.25));
}

#[test]
fn nothing_but_its_counts_comes_from_a_journey_counted_but_not_published() {
    // The fixture's journeys are all counted but not published. Change
    // everything they hold beyond what is counted: persona, source, notes,
    // barriers and days.
    let (ws_a, file_a) = fixture_copy(&|t| t);
    let (ws_b, file_b) = fixture_copy(&|t| t);
    let rewrite = |ws: &Path, persona: &str, note: &str, day: &str| {
        for e in std::fs::read_dir(ws.join("journeys")).expect("journeys") {
            let p = e.expect("entry").path();
            let text = std::fs::read_to_string(&p).expect("read");
            assert!(text.contains("consent: count"), "{}", p.display());
            let text = text
                .replace("persona: Survivor", &format!("persona: {persona}"))
                .replace(
                    "source: Test interview",
                    &format!("source: {persona} interview"),
                )
                .replace("day: 3,", &format!("day: {day},"))
                .replace(
                    "outcome: supported }",
                    &format!("outcome: supported, note: {note}, barrier: {note} }}"),
                );
            std::fs::write(&p, text).expect("write");
        }
    };
    rewrite(ws_a.path(), "Kim in Northtown", "SECRET NOTE A", "3");
    rewrite(ws_b.path(), "Pat in Southtown", "SECRET NOTE B", "9");
    let out_a = ws_a.path().join("out");
    let out_b = ws_b.path().join("out");
    public_build(&file_a.display().to_string(), &out_a);
    public_build(&file_b.display().to_string(), &out_b);
    let (a, b) = (contents(&out_a), contents(&out_b));
    for (path, bytes) in &a {
        let text = String::from_utf8_lossy(bytes);
        for secret in ["Kim", "Northtown", "SECRET", "j0", "j10", "counted-"] {
            assert!(
                !text.contains(secret),
                "{} shows {secret:?}",
                path.display()
            );
        }
        assert!(
            bytes == &b[path],
            "{} tells the two apart:\n{}",
            path.display(),
            first_difference(bytes, &b[path])
        );
    }
}

#[test]
fn journey_maps_written_by_the_journeys_command_are_public_by_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let maps = dir.path().join("maps");
    let maps_text = maps.display().to_string();
    let (code, stdout, err) = run(&["journeys", EXAMPLE, "--svg", &maps_text]);
    assert_eq!(code, 0, "{err}");
    let (_, json, _) = run(&["journeys", EXAMPLE, "--format", "json"]);
    let written = contents(&maps);
    assert!(written.contains_key(Path::new("j01.svg")));
    // consent: internal (j05) and consent: count (j13) journeys have no map,
    // and no step note marked internal or withheld source shows anywhere.
    for name in ["j05.svg", "j13.svg"] {
        assert!(!written.contains_key(Path::new(name)), "{name} written");
    }
    let printed = [("stdout", stdout.as_bytes()), ("json", json.as_bytes())];
    for (path, bytes) in written
        .iter()
        .map(|(p, b)| (p.display().to_string(), b.as_slice()))
        .chain(printed.iter().map(|(p, b)| (p.to_string(), *b)))
    {
        let text = String::from_utf8_lossy(bytes);
        for canary in [
            "Amara, 20s",
            "Gemma, 20s",
            "j05",
            "j13",
            "R. Patel",
            "she did not know she had been referred",
            "not told about the MARAC referral",
        ] {
            assert!(!text.contains(canary), "{path} shows {canary:?}");
        }
    }
    // The averaged map is the one the public needs assessment shows.
    let out = dir.path().join("out");
    public_build(EXAMPLE, &out);
    // The build splits it into figures a page can hold: together their
    // rows are the command's.
    let desc = |svg: &str| -> String {
        let start = svg.find("<desc id=").expect("desc");
        let start = start + svg[start..].find('>').expect("desc tag") + 1;
        svg[start..start + svg[start..].find("</desc>").expect("desc end")].to_owned()
    };
    let mut figures = vec![out.join("charts/touchpoints.svg")];
    figures.extend(
        (2..)
            .map(|k| out.join(format!("charts/touchpoints-{k}.svg")))
            .take_while(|p| p.is_file()),
    );
    assert!(
        figures.len() > 1,
        "the example has more touchpoints than a page holds"
    );
    let built: Vec<String> = figures
        .iter()
        .map(|p| desc(&std::fs::read_to_string(p).expect("chart")))
        .collect();
    assert_eq!(
        built.join("; "),
        desc(&String::from_utf8_lossy(
            &written[Path::new("touchpoints.svg")]
        )),
    );
    // --internal writes everything, as build --internal does.
    let all = dir.path().join("all");
    let all_text = all.display().to_string();
    let (code, _, err) = run(&["journeys", EXAMPLE, "--internal", "--svg", &all_text]);
    assert_eq!(code, 0, "{err}");
    let everything = contents(&all);
    assert!(everything.contains_key(Path::new("j05.svg")));
    assert!(everything.contains_key(Path::new("j13.svg")));
    let j05 = String::from_utf8_lossy(&everything[Path::new("j05.svg")]).into_owned();
    assert!(j05.contains("Amara, 20s"));
}

#[test]
fn a_template_cannot_read_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, file) = fixture_copy(&|t| t);
    std::fs::create_dir_all(ws.path().join("templates")).expect("mkdir");
    std::fs::write(
        ws.path().join("templates/needs-assessment.md"),
        "# Leak\n\nHome: {{ get_env(name=\"HOME\") }}\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "build",
        &file.display().to_string(),
        "-o",
        &out.display().to_string(),
        "--no-pdf",
    ]);
    assert_eq!(code, 1, "a template reading the environment must fail");
    assert!(
        err.contains("needs-assessment.md") && err.contains("environment"),
        "a clear error naming the template: {err}"
    );
    assert!(!out.exists(), "nothing written");
}
