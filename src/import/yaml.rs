//! The imported items as commented YAML includes, one file a list
//! (`services.yaml`, `cohorts.yaml`...), each item under a comment naming
//! the row it came from. Written by serde-saphyr from the model's own
//! types, so what is written is what `check` reads back.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::Value as Json;

use super::layout::Sheet;
use super::read::Imported;

/// One file to write: its name inside the output folder and its text.
pub(crate) struct YamlFile {
    pub name: &'static str,
    pub text: String,
}

/// Items of one list with the row each came from, as JSON.
type Items<'a> = Vec<(&'a str, Json)>;

/// The files an import writes, for the lists it read.
pub(crate) fn files(imported: &Imported, source: &str) -> Result<Vec<YamlFile>, String> {
    let mut out = Vec::new();
    let lists: [(&'static str, Sheet, Items); 5] = [
        ("levels.yaml", Sheet::Levels, values(&imported.levels)?),
        ("cohorts.yaml", Sheet::Cohorts, values(&imported.cohorts)?),
        (
            "entry-points.yaml",
            Sheet::EntryPoints,
            values(&imported.entry_points)?,
        ),
        (
            "services.yaml",
            Sheet::Services,
            values(&imported.services)?,
        ),
        (
            "service-data.yaml",
            Sheet::ServiceData,
            values(&imported.service_data)?,
        ),
    ];
    let header = format!(
        "Imported by `needsmap import` from {source}.\n\
         Include this file from the assessment (`include: [this file]`), then run\n\
         `needsmap check`. Each entry names the row it came from; edit here or\n\
         in the workbook and import again (with --force)."
    );
    for (name, sheet, items) in lists {
        if items.is_empty() {
            continue;
        }
        out.push(YamlFile {
            name,
            text: file_text(sheet, &items, &header)?,
        });
    }
    Ok(out)
}

/// A services file from another source (an ORUK feed): each service under
/// its own comment lines, the file under `header`.
pub(crate) fn services_file(
    services: &[(String, crate::model::Service)],
    header: &str,
) -> Result<YamlFile, String> {
    Ok(YamlFile {
        name: "services.yaml",
        text: file_text(Sheet::Services, &values(services)?, header)?,
    })
}

fn values<T: Serialize>(items: &[(String, T)]) -> Result<Items<'_>, String> {
    items
        .iter()
        .map(|(place, item)| {
            let mut json = serde_json::to_value(item).map_err(|e| e.to_string())?;
            prune(&mut json);
            Ok((place.as_str(), json))
        })
        .collect()
}

/// Leave out what reads back as its default anyway: empty lists, empty
/// objects, `null` and `false`, so the file holds only what the row said;
/// and write whole numbers as such (`480`, not `480.0`).
fn prune(json: &mut Json) {
    if let Some(f) = json.as_f64()
        && json.is_f64()
        && f.fract() == 0.0
        && f.abs() < 9e15
    {
        *json = Json::from(f as i64);
    }
    if let Json::Array(items) = json {
        items.iter_mut().for_each(prune);
    }
    if let Json::Object(map) = json {
        for v in map.values_mut() {
            prune(v);
        }
        map.retain(|_, v| match v {
            Json::Null | Json::Bool(false) => false,
            Json::Array(a) => !a.is_empty(),
            Json::Object(o) => !o.is_empty(),
            _ => true,
        });
    }
}

/// A JSON value in the order the sheet's columns give its fields (the
/// model's own order), lists of plain values in flow style.
struct Ordered<'a> {
    value: &'a Json,
    sheet: Sheet,
    /// The dotted path of `value` within an item ("" for the item).
    path: String,
}

impl Ordered<'_> {
    /// The field names at this path, in column order.
    fn order(&self) -> Vec<&'static str> {
        let (sheet, path) = match self.path.strip_prefix("funding") {
            Some(rest) if self.sheet == Sheet::Services => {
                (Sheet::Funding, rest.trim_start_matches('.'))
            }
            _ => (self.sheet, self.path.as_str()),
        };
        let mut keys = Vec::new();
        for c in sheet.columns() {
            let rest = if path.is_empty() {
                Some(c.path)
            } else {
                c.path.strip_prefix(path).and_then(|r| r.strip_prefix('.'))
            };
            if let Some(key) = rest.and_then(|r| r.split('.').next())
                && !keys.contains(&key)
            {
                keys.push(key);
            }
        }
        keys
    }

    fn child<'b>(&self, value: &'b Json, key: &str) -> Ordered<'b> {
        Ordered {
            value,
            sheet: self.sheet,
            path: if self.path.is_empty() {
                key.to_owned()
            } else {
                format!("{}.{key}", self.path)
            },
        }
    }
}

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Json::Object(map) => {
                let order = self.order();
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
                let mut m = s.serialize_map(Some(keys.len()))?;
                for k in keys {
                    m.serialize_entry(k, &self.child(&map[k], k))?;
                }
                m.end()
            }
            Json::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                serde_saphyr::FlowSeq(items).serialize(s)
            }
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    // A list's items sit at the list's own path.
                    seq.serialize_element(&Ordered {
                        value: item,
                        sheet: self.sheet,
                        path: self.path.clone(),
                    })?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}

/// Text safe inside a `#` comment: every character a YAML reader could
/// take for a line break (a lone CR, NEL, U+2028, U+2029) and every
/// character no document may hold becomes a space, so text from a feed
/// can never end the comment and become YAML.
fn comment(line: &str) -> String {
    line.chars()
        .map(|c| {
            if matches!(c, '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
                || crate::model::printable::is_forbidden(c)
            {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The file: `header` and each item's note as comments, the items as the
/// list the sheet's key names.
fn file_text(sheet: Sheet, items: &[(&str, Json)], header: &str) -> Result<String, String> {
    let mut text = String::new();
    for line in header.lines() {
        text.push_str(&format!("# {}\n", comment(line)).replace("# \n", "#\n"));
    }
    text.push_str(sheet.key());
    text.push_str(":\n");
    for (note, item) in items {
        let ordered = Ordered {
            value: item,
            sheet,
            path: String::new(),
        };
        let yaml = serde_saphyr::to_string(&[ordered]).map_err(|e| e.to_string())?;
        for line in note.lines() {
            text.push_str(&format!("  # {}\n", comment(line)));
        }
        for line in yaml.lines() {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_cannot_break_out_into_yaml() {
        let items = vec![(
            "id a\rinjected: 1\u{85}- x\u{2028}y\u{2029}z\u{7}",
            serde_json::json!({"id": "a"}),
        )];
        let text = file_text(Sheet::Services, &items, "h\rservices: []").expect("yaml");
        assert_eq!(text.lines().count(), 4, "{text:?}");
        for c in ['\r', '\u{85}', '\u{2028}', '\u{2029}', '\u{7}'] {
            assert!(!text.contains(c), "{text:?}");
        }
    }

    #[test]
    fn defaults_are_left_out() {
        let mut v = serde_json::json!({
            "id": "a", "levels": [], "priority": false, "ages": {"min": null},
            "name": "A: \"quoted\" #not a comment", "kind": "group"
        });
        prune(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"id": "a", "name": "A: \"quoted\" #not a comment", "kind": "group"})
        );
    }

    #[test]
    fn text_that_looks_like_yaml_stays_text() {
        let items = vec![(
            "Services!2:2",
            serde_json::json!({"id": "a", "name": "yes", "provider": "- [x]: #1 \n'q' \"d\"", "n": 12}),
        )];
        let text = file_text(Sheet::Services, &items, "w.xlsx").expect("yaml");
        #[derive(serde::Deserialize)]
        struct F {
            services: Vec<serde_json::Value>,
        }
        let back: F = serde_saphyr::from_str(&text).expect(&text);
        assert_eq!(back.services[0], items[0].1, "{text}");
    }
}
