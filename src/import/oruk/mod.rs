//! `import --oruk`: services from an Open Referral UK 3.0 feed (a council's
//! service directory) as needsmap services. The feed is checked against
//! the published ORUK 3.0 JSON Schema (vendored in `schema/`, CC BY-SA
//! 4.0); what maps is mapped (name, provider, description, ages, places
//! through the mapping file's localities, taxonomy terms through its
//! terms); what needs the analyst's judgement (levels of need,
//! exclusions, referral routes) is left as TODO comments in the YAML,
//! never guessed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value as Json;

use super::read::Problem;
use super::yaml::{self, YamlFile};
use crate::check::slugify;
use crate::model::{Accommodation, AccommodationType, Ages, Sector, Service, ServiceKind};

/// The largest feed read.
pub(crate) const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// ORUK 3.0: a service with everything nested (`GET /services/{id}`).
const SERVICE_SCHEMA: &str = include_str!("schema/compiled/service.json");
/// ORUK 3.0: a service as a `/services` page lists it (one-to-one fields
/// and its organization only).
const LIST_ITEM_SCHEMA: &str = include_str!("schema/compiled/service_list.json");

/// What the analyst says the feed's words mean here: read from the
/// mapping file (`--mapping`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mapping {
    /// Used when no term of a service says otherwise.
    #[serde(default)]
    pub defaults: Meaning,
    /// Locality id: the postcode districts (`NM1`), postcodes, location
    /// or service area names that are in it.
    #[serde(default)]
    pub localities: BTreeMap<String, Vec<String>>,
    /// A taxonomy term (its name, term or `term_uri`), and what a service
    /// carrying it is.
    #[serde(default)]
    pub terms: BTreeMap<String, Meaning>,
}

/// What a term (or the defaults) says of a service.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meaning {
    pub sector: Option<Sector>,
    pub kind: Option<ServiceKind>,
    #[serde(default)]
    pub support: Vec<String>,
    #[serde(default)]
    pub cohorts: Vec<String>,
    pub accommodation: Option<AccommodationType>,
}

/// The services a feed gives, with the note each is written under, and
/// the feed's services that were not imported (not active), by name.
pub(crate) struct Feed {
    pub services: Vec<(String, Service)>,
    pub skipped: Vec<String>,
    /// Said when a saved page is one of several.
    pub pages: Option<String>,
    pub file: YamlFile,
}

/// Read a feed file: one service, a JSON array of services, or a saved
/// `/services` page (`{"contents": [...]}`).
pub(crate) fn import(path: &Path, mapping: &Mapping) -> Result<Feed, Vec<Problem>> {
    let at = |place: &str, message: String| Problem {
        place: place.to_owned(),
        message,
        expected: None,
        hint: None,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| vec![at("", format!("cannot read it: {e}"))])?
        .len();
    if size > MAX_BYTES {
        return Err(vec![at(
            "",
            format!(
                "it is {} MB; the most an import reads is {} MB",
                size / 1_000_000,
                MAX_BYTES / 1_000_000
            ),
        )]);
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| vec![at("", format!("cannot read it: {e}"))])?;
    let json: Json = serde_json::from_str(&text).map_err(|e| {
        vec![Problem {
            place: format!("{}:{}", e.line(), e.column()),
            message: format!("not JSON: {e}"),
            expected: Some("an ORUK 3.0 service, a JSON array of them, or a /services page".into()),
            hint: None,
        }]
    })?;
    let (items, pointer, schema) = match &json {
        Json::Object(o) if o.contains_key("contents") => match &o["contents"] {
            Json::Array(a) => (a.iter().collect::<Vec<_>>(), "/contents", LIST_ITEM_SCHEMA),
            _ => {
                return Err(vec![at(
                    "/contents",
                    "a page's contents must be a list of services".into(),
                )]);
            }
        },
        Json::Object(_) => (vec![&json], "", SERVICE_SCHEMA),
        Json::Array(a) => (a.iter().collect(), "", SERVICE_SCHEMA),
        _ => {
            return Err(vec![at("", "not an ORUK feed".into())]);
        }
    };
    let validator = validator(schema).map_err(|e| vec![at("", e)])?;
    let mut problems = Vec::new();
    let single = items.len() == 1 && pointer.is_empty() && json.is_object();
    let place = |i: usize| {
        if single {
            String::new()
        } else {
            format!("{pointer}/{i}")
        }
    };
    for (i, item) in items.iter().enumerate() {
        for e in validator.iter_errors(item) {
            problems.push(Problem {
                place: format!("{}{}", place(i), e.instance_path()),
                message: e.to_string(),
                expected: Some("what the ORUK 3.0 schema allows there".into()),
                hint: Some("the feed does not follow ORUK 3.0 (src/import/oruk/schema/)".into()),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut services = Vec::new();
    let mut skipped = Vec::new();
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let status = item["status"].as_str().unwrap_or("");
        let name = item["name"].as_str().unwrap_or("").trim().to_owned();
        if !matches!(status, "active" | "temporarily closed") {
            skipped.push(format!("{name} ({status})"));
            continue;
        }
        match service(item, mapping, &place(i), &mut taken) {
            Ok(s) => services.push(s),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut header = format!(
        "Imported by `needsmap import --oruk` from {source}, an Open Referral UK 3.0 feed.\n\
         Include this file from the assessment, then run `needsmap check`.\n\
         ORUK does not record what needsmap's analysis rests on: each service's\n\
         levels of need, its exclusions and its referral routes. Each TODO below\n\
         is for the analyst; until it is answered, the analysis reports it as\n\
         not recorded (a data gap), never as a gap in provision."
    );
    if !skipped.is_empty() {
        header.push_str(&format!(
            "\nNot imported, not active in the feed: {}.",
            skipped.join("; ")
        ));
    }
    if let Some(pages) = pages_left(&json) {
        header.push_str(&format!("\n{pages}"));
    }
    let file = yaml::services_file(&services, &header).map_err(|e| vec![at("", e)])?;
    Ok(Feed {
        services,
        skipped,
        pages: pages_left(&json),
        file,
    })
}

/// "Page 1 of 10: ..." when a saved page is one of several.
pub(crate) fn pages_left(json: &Json) -> Option<String> {
    let total = json["total_pages"].as_u64()?;
    let page = json["page_number"].as_u64().unwrap_or(1);
    (total > 1).then(|| {
        format!(
            "This is page {page} of {total} of the directory's /services: import the others too (save each page) for all of its {} services.",
            json["total_items"].as_u64().map_or_else(|| "listed".to_owned(), |n| n.to_string())
        )
    })
}

fn validator(schema: &str) -> Result<jsonschema::Validator, String> {
    let schema: Json = serde_json::from_str(schema).map_err(|e| e.to_string())?;
    jsonschema::validator_for(&schema).map_err(|e| e.to_string())
}

/// One feed service as a needsmap service, with its note (where it came
/// from and the TODOs).
fn service(
    item: &Json,
    mapping: &Mapping,
    place: &str,
    taken: &mut BTreeMap<String, usize>,
) -> Result<(String, Service), Vec<Problem>> {
    let name = item["name"].as_str().unwrap_or("").trim().to_owned();
    let provider = item["organization"]["name"]
        .as_str()
        .map(str::trim)
        .unwrap_or("");
    let mut problems = Vec::new();
    if provider.is_empty() {
        problems.push(Problem {
            place: format!("{place}/organization"),
            message: format!("{name}: no organization name"),
            expected: Some("the organization that runs the service (its provider)".into()),
            hint: Some("export the feed with each service's organization".into()),
        });
    }
    let terms = terms(item);
    let (meaning, unmapped) = meaning(&terms, mapping);
    let sector = meaning.sector.or(mapping.defaults.sector);
    let kind = meaning.kind.or(mapping.defaults.kind);
    for (field, missing) in [("sector", sector.is_none()), ("kind", kind.is_none())] {
        if missing {
            problems.push(Problem {
                place: place.to_owned(),
                message: format!("{name}: ORUK does not say a service's {field}, and the mapping gives none"),
                expected: Some(format!("a {field} for it in the mapping file: from one of its terms, or defaults.{field}")),
                hint: Some(format!(
                    "in the mapping file (--mapping): defaults: {{ {field}: ... }}{}",
                    if terms.is_empty() { String::new() } else { format!(", or terms: {{ {:?}: {{ {field}: ... }} }}", terms[0]) }
                )),
            });
        }
    }
    let (Some(sector), Some(kind)) = (sector, kind) else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let base = slugify(&name);
    if base.is_empty() {
        return Err(vec![Problem {
            place: format!("{place}/name"),
            message: format!("no id can be made from the name {name:?}"),
            expected: Some("a name with letters or digits".into()),
            hint: Some("correct the name in the directory, or write this service by hand".into()),
        }]);
    }
    if let Some(problem) = age_problem(item, place) {
        return Err(vec![problem]);
    }
    let n = taken.entry(base.clone()).or_default();
    *n += 1;
    let id = if *n == 1 { base } else { format!("{base}-{n}") };
    let (localities, unplaced) = localities(item, mapping);
    let ages = ages(item);
    let accommodation = if kind == ServiceKind::Accommodation {
        meaning
            .accommodation
            .or(mapping.defaults.accommodation)
            .map(|kind| Accommodation {
                kind,
                units: None,
                bedspaces: None,
            })
    } else {
        None
    };
    let service = Service {
        id: id.clone(),
        name: name.clone(),
        provider: provider.to_owned(),
        description: item["description"]
            .as_str()
            .map(plain)
            .filter(|d| !d.is_empty()),
        sector,
        kind,
        support: union(&meaning.support, &mapping.defaults.support),
        levels: Vec::new(),
        cohorts: union(&meaning.cohorts, &mapping.defaults.cohorts),
        open_to: None,
        excludes: Vec::new(),
        ages,
        localities,
        capacity: None,
        accommodation,
        funding: Vec::new(),
        accredited: item["accreditations"]
            .as_str()
            .map(plain)
            .filter(|a| !a.is_empty())
            .into_iter()
            .collect(),
        by_and_for: None,
        internal_notes: None,
        accepts_from: Vec::new(),
        refers_to: Vec::new(),
        origin: Default::default(),
    };
    let mut note = vec![format!(
        "ORUK service {} ({}){}",
        item["id"].as_str().unwrap_or("without an id"),
        if place.is_empty() { "the feed" } else { place },
        if item["status"] == "temporarily closed" {
            ", temporarily closed"
        } else {
            ""
        }
    )];
    note.push("TODO levels: which levels of need it works at (not in ORUK)".into());
    if service.cohorts.is_empty() {
        note.push("TODO cohorts: who it serves (no term of it is mapped to cohorts)".into());
    }
    note.push("TODO excludes: who it cannot take (ORUK records ages only)".into());
    note.push("TODO accepts_from / refers_to: its referral routes (not in ORUK)".into());
    if !unmapped.is_empty() {
        note.push(format!(
            "TODO terms not in the mapping: {}",
            unmapped.join("; ")
        ));
    }
    if service.localities.is_empty() && !unplaced.is_empty() {
        note.push(format!(
            "TODO localities: no place of it is in the mapping's localities ({}); left out means the whole area",
            unplaced.join("; ")
        ));
    } else if service.localities.is_empty() {
        note.push("TODO localities: the feed names no place; left out means the whole area".into());
    } else if !unplaced.is_empty() {
        note.push(format!(
            "places not in the mapping's localities: {}",
            unplaced.join("; ")
        ));
    }
    if kind == ServiceKind::Accommodation {
        note.push("TODO accommodation: units and bedspaces are not in ORUK (not recorded)".into());
    }
    Ok((note.join("\n"), service))
}

/// Every taxonomy term a service carries: its name, term and URI.
fn terms(item: &Json) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in item["attributes"].as_array().into_iter().flatten() {
        let term = &attribute["taxonomy_term"];
        for key in ["name", "term", "term_uri"] {
            if let Some(t) = term[key].as_str().map(str::trim)
                && !t.is_empty()
                && !out.iter().any(|o: &String| o == t)
            {
                out.push(t.to_owned());
            }
        }
    }
    out
}

/// What the mapped terms say together (the first to give a sector or
/// kind wins), and the terms the mapping does not know.
fn meaning(terms: &[String], mapping: &Mapping) -> (Meaning, Vec<String>) {
    let mut out = Meaning::default();
    let mut unmapped = Vec::new();
    let lookup: BTreeMap<String, &Meaning> = mapping
        .terms
        .iter()
        .map(|(k, v)| (k.trim().to_lowercase(), v))
        .collect();
    for t in terms {
        let Some(m) = lookup.get(&t.to_lowercase()) else {
            unmapped.push(t.clone());
            continue;
        };
        out.sector = out.sector.or(m.sector);
        out.kind = out.kind.or(m.kind);
        out.accommodation = out.accommodation.or(m.accommodation);
        out.support = union(&out.support, &m.support);
        out.cohorts = union(&out.cohorts, &m.cohorts);
    }
    (out, unmapped)
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    for x in b {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// The service's places (postcodes, location names, service areas) as
/// the mapping's localities, and the places it has no locality for.
fn localities(item: &Json, mapping: &Mapping) -> (Vec<String>, Vec<String>) {
    let mut places = Vec::new();
    for sal in item["service_at_locations"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let location = &sal["location"];
        for address in location["addresses"].as_array().into_iter().flatten() {
            if let Some(p) = address["postal_code"].as_str() {
                places.push(p.trim().to_uppercase());
            }
        }
        if let Some(n) = location["name"].as_str() {
            // The location's own name, as the directory gives it.
            places.push(n.trim().to_owned());
        }
    }
    for area in item["service_areas"].as_array().into_iter().flatten() {
        for key in ["name", "service_area"] {
            if let Some(n) = area[key].as_str() {
                places.push(n.trim().to_owned());
            }
        }
    }
    places.retain(|p| !p.is_empty());
    places.dedup();
    // A service area's name is often a sentence: quote its start.
    let short = |p: String| -> String {
        if p.chars().count() > 60 {
            format!("{}...", p.chars().take(57).collect::<String>().trim_end())
        } else {
            p
        }
    };
    let mut found: Vec<String> = Vec::new();
    let mut unplaced = Vec::new();
    for place in places {
        let hit = mapping
            .localities
            .iter()
            .find(|(_, names)| names.iter().any(|n| matches_place(&place, n)));
        match hit {
            Some((id, _)) if !found.contains(id) => found.push(id.clone()),
            Some(_) => {}
            None => unplaced.push(short(place)),
        }
    }
    (found, unplaced)
}

/// A place matches a mapping entry when they are the same name, or the
/// postcode is in that district (`NM1 4AB` in `NM1`, not in `NM14`).
fn matches_place(place: &str, entry: &str) -> bool {
    let entry = entry.trim();
    if place.eq_ignore_ascii_case(entry) {
        return true;
    }
    let district = place.split_whitespace().next().unwrap_or("");
    place.contains(' ') && district.eq_ignore_ascii_case(entry)
}

/// Ages a person can be: the schema allows any number.
fn age_problem(item: &Json, place: &str) -> Option<Problem> {
    for key in ["minimum_age", "maximum_age"] {
        if let Some(age) = item[key].as_f64()
            && !(0.0..=120.0).contains(&age)
        {
            return Some(Problem {
                place: format!("{place}/{key}"),
                message: format!("an age of {age}"),
                expected: Some("an age from 0 to 120".into()),
                hint: Some(
                    "correct it in the directory; leave it out when there is no limit".into(),
                ),
            });
        }
    }
    match (item["minimum_age"].as_f64(), item["maximum_age"].as_f64()) {
        (Some(a), Some(b)) if a > b => Some(Problem {
            place: format!("{place}/minimum_age"),
            message: format!("the minimum age ({a}) is above the maximum ({b})"),
            expected: Some("the minimum age no higher than the maximum".into()),
            hint: None,
        }),
        _ => None,
    }
}

fn ages(item: &Json) -> Option<Ages> {
    let age = |key: &str| item[key].as_f64().map(|a| a.floor() as i64);
    let ages = Ages {
        min: age("minimum_age"),
        max: item["maximum_age"].as_f64().map(|a| a.ceil() as i64),
    };
    (ages.min.is_some() || ages.max.is_some()).then_some(ages)
}

/// A description as plain text: feeds often hold HTML.
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&amp;", "&")
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Read the mapping file.
pub(crate) fn mapping(path: &Path) -> Result<Mapping, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    serde_saphyr::from_str(&text).map_err(|e| {
        e.to_string()
            .replace("<input>", &path.display().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_match_their_district_only() {
        assert!(matches_place("NM1 4AB", "NM1"));
        assert!(!matches_place("NM14 4AB", "NM1"));
        assert!(matches_place("Northmoor North", "northmoor north"));
        assert!(!matches_place("NM1", "NM"));
    }

    #[test]
    fn descriptions_lose_their_markup() {
        assert_eq!(
            plain("<p>Help &amp; advice</p><br/>for  all"),
            "Help & advice for all"
        );
    }
}
