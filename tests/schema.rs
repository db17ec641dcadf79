//! `needsmap schema` describes the files needsmap reads: the example and the
//! fixtures validate against it, and a broken file does not.

use serde_json::Value;

mod common;
use common::run;

fn schema(which: &str) -> jsonschema::Validator {
    let (code, out, err) = run(&["schema", which]);
    assert_eq!(code, 0, "{err}");
    let schema: Value = serde_json::from_str(&out).expect("schema is JSON");
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "draft 2020-12"
    );
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn yaml_as_json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_saphyr::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn files(pattern: &str) -> Vec<String> {
    let mut found: Vec<String> = glob::glob(pattern)
        .expect("pattern")
        .map(|p| p.expect("path").display().to_string())
        .collect();
    found.sort();
    assert!(!found.is_empty(), "{pattern} matched nothing");
    found
}

#[test]
fn example_and_fixtures_validate_against_the_schema() {
    let assessment = schema("assessment");
    for path in [
        "assessments/northmoor.yaml",
        "tests/fixtures/valid/minimal/assessment.yaml",
    ] {
        let errs = errors(&assessment, &yaml_as_json(path));
        assert!(errs.is_empty(), "{path}: {errs:#?}");
    }
    let include = schema("include");
    for path in files("assessments/northmoor/*.yaml") {
        let errs = errors(&include, &yaml_as_json(&path));
        assert!(errs.is_empty(), "{path}: {errs:#?}");
    }
    let journey = schema("journey");
    for path in files("journeys/northmoor/*.yaml")
        .into_iter()
        .chain(files("tests/fixtures/valid/*/journeys/*.yaml"))
    {
        let errs = errors(&journey, &yaml_as_json(&path));
        assert!(errs.is_empty(), "{path}: {errs:#?}");
    }
}

#[test]
fn the_scaffold_from_init_validates_too() {
    let assessment = schema("assessment");
    let errs = errors(&assessment, &yaml_as_json("templates/init/assessment.yaml"));
    assert!(errs.is_empty(), "{errs:#?}");
    let journey = schema("journey");
    let errs = errors(&journey, &yaml_as_json("templates/init/journey.yaml"));
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn the_schema_rejects_what_check_rejects() {
    let assessment = schema("assessment");
    for fixture in [
        "unknown-field",
        "unknown-enum-value",
        "wrong-type",
        "unknown-schema",
        "bad-date",
    ] {
        let path = format!("tests/fixtures/invalid/{fixture}/assessment.yaml");
        assert!(
            !errors(&assessment, &yaml_as_json(&path)).is_empty(),
            "{fixture} should not validate"
        );
    }
    // An included file may not carry `assessment:`.
    let include = schema("include");
    let doc = yaml_as_json("tests/fixtures/invalid/assessment-in-include/extra.yaml");
    assert!(!errors(&include, &doc).is_empty());
}
