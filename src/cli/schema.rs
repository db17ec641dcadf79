//! `needsmap schema`: JSON Schema (draft 2020-12) of the input files.

use std::io::Write;

use clap::ValueEnum;
use schemars::Schema;

use super::{CliError, CliResult, EXIT_OK};
use crate::model::{AssessmentFile, JourneyFile};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// The main assessment file.
    Assessment,
    /// A file named by `include:`.
    Include,
    /// A journey file.
    Journey,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Which file's schema to print.
    #[arg(value_enum, default_value_t = Which::Assessment)]
    pub which: Which,
}

/// The schema of one kind of input file.
pub(crate) fn schema(which: Which) -> Schema {
    match which {
        Which::Assessment => {
            let mut schema = schemars::schema_for!(AssessmentFile);
            // One Rust type reads both main and included files; only the
            // main file must say what it is and which area it covers.
            schema.insert(
                "required".into(),
                serde_json::json!(["schema", "assessment"]),
            );
            schema.insert("title".into(), "needsmap assessment (needsmap/v1)".into());
            if let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
                props.insert(
                    "schema".into(),
                    serde_json::json!({"const": crate::model::SCHEMA_TAG}),
                );
            }
            schema
        }
        Which::Include => {
            let mut schema = schemars::schema_for!(AssessmentFile);
            schema.insert(
                "title".into(),
                "needsmap included file (needsmap/v1)".into(),
            );
            if let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
                props.remove("assessment");
                props.insert(
                    "schema".into(),
                    serde_json::json!({"const": crate::model::SCHEMA_TAG}),
                );
            }
            schema
        }
        Which::Journey => schemars::schema_for!(JourneyFile),
    }
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> CliResult {
    let json = serde_json::to_string_pretty(&schema(args.which))
        .map_err(|e| CliError::Failed(e.to_string()))?;
    writeln!(out, "{json}")?;
    Ok(EXIT_OK)
}
