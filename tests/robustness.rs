//! No input, however broken, makes needsmap panic: mutate valid files at
//! random (bytes deleted, YAML punctuation and invalid UTF-8 inserted, lines
//! duplicated and swapped) and run the whole check on each.

use std::path::Path;

use proptest::prelude::*;

mod common;

const ASSESSMENT: &str = include_str!("fixtures/valid/minimal/assessment.yaml");
const JOURNEY: &str = include_str!("fixtures/valid/minimal/journeys/j01.yaml");

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
}

fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(common::fragments::HOSTILE).prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 1..8),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), fragment()).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
    ]
}

fn apply(text: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.to_vec();
    for m in mutations {
        match m {
            Mutation::Delete { at, len } => {
                let at = at % (bytes.len() + 1);
                let end = (at + len).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Insert { at, bytes: new } => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, new.iter().copied());
            }
            Mutation::DuplicateLine { line } | Mutation::SwapLines { a: line, .. }
                if bytes.is_empty() =>
            {
                let _ = line;
            }
            Mutation::DuplicateLine { line } => {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
                let i = line % lines.len();
                lines.insert(i, lines[i].clone());
                bytes = lines.join(&b'\n');
            }
            Mutation::SwapLines { a, b } => {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
                let n = lines.len();
                lines.swap(a % n, b % n);
                bytes = lines.join(&b'\n');
            }
        }
    }
    bytes
}

/// Load, check and render everything; a panic anywhere fails the test.
fn check_dir(dir: &Path) {
    let path = dir.join("assessment.yaml").display().to_string();
    let (code, _, _) = common::run(&["check", &path]);
    assert!(code <= 1);
    let (code, out, _) = common::run(&["check", "--format", "json", &path]);
    assert!(code <= 1);
    serde_json::from_str::<serde_json::Value>(&out).expect("JSON even for broken input");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_assessments_never_panic(
        main in prop::collection::vec(mutation(), 1..6),
        journey in prop::collection::vec(mutation(), 0..4),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("assessment.yaml"), apply(ASSESSMENT.as_bytes(), &main)).expect("write");
        std::fs::create_dir(dir.path().join("journeys")).expect("mkdir");
        std::fs::write(dir.path().join("journeys/j01.yaml"), apply(JOURNEY.as_bytes(), &journey)).expect("write");
        check_dir(dir.path());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("assessment.yaml"), format!("schema: needsmap/v1\n{text}")).expect("write");
        check_dir(dir.path());
    }
}

#[test]
fn mutations_do_change_the_input() {
    // Guard against a harness that silently tests the valid file only.
    let changed = apply(
        ASSESSMENT.as_bytes(),
        &[Mutation::Insert {
            at: 0,
            bytes: b"[".to_vec(),
        }],
    );
    assert_ne!(changed, ASSESSMENT.as_bytes());
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("assessment.yaml"), changed).expect("write");
    let path = dir.path().join("assessment.yaml").display().to_string();
    let (code, _, _) = common::run(&["check", &path]);
    assert_eq!(code, 1, "a broken file must fail the check");
}
