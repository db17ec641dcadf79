//! The modules depend one way. Today, from the bottom: `text`, `model`,
//! `graph`, `journeys` (its metrics walk the graph), `gaps` (which quotes
//! journeys), then `check` (which knows the gap kinds) and `progress`,
//! `render`, and over them `import`, `output`, `serve` and the CLI. No
//! top-level module may reach, through any chain of `crate::` paths, back
//! to itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every top-level module's `crate::other` references, outside tests.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![Path::new("src").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src reads") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix("src").expect("under src");
            let first = relative.iter().next().expect("a name");
            let module = first.to_string_lossy().trim_end_matches(".rs").to_owned();
            if module == "lib" || module == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source reads");
            // Tests may reach anywhere.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let uses = deps.entry(module.clone()).or_default();
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    uses.insert(name);
                }
            }
        }
    }
    deps
}

/// A chain of modules from `from` back to `from`, if there is one.
fn cycle_through(from: &str, deps: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![vec![from.to_owned()]];
    while let Some(chain) = stack.pop() {
        let last = chain.last().expect("not empty");
        for next in deps.get(last).into_iter().flatten() {
            if next == from {
                let mut cycle = chain.clone();
                cycle.push(next.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = chain.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_top_level_module_depends_on_itself() {
    let deps = dependencies();
    assert!(deps.contains_key("model") && deps.contains_key("render"));
    let cycles: Vec<String> = deps
        .keys()
        .filter_map(|m| cycle_through(m, &deps))
        .map(|c| c.join(" → "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let deps: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, to)| (m.to_owned(), to.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        cycle_through("a", &deps).map(|c| c.join(" ")),
        Some("a b c a".to_owned())
    );
    assert_eq!(cycle_through("d", &deps), None);
}
