//! needsmap: domestic abuse needs assessment, gap analysis and strategy
//! documents for local authorities in England and Wales.
//!
//! The pipeline, one module a stage:
//! - [`import`]: spreadsheets (and other data analysts hold) to that YAML;
//! - [`model`]: the input types and their loading from YAML, with origins;
//! - [`check`]: validation and diagnostics (file:line:col, hints);
//! - [`graph`]: the referral pathway graph (petgraph) and its exports;
//! - [`gaps`]: gap analysis over the graph;
//! - [`journeys`]: survivor journeys and case event logs as evidence;
//! - [`progress`]: what changed between two editions (the annual review);
//! - [`render`]: the documents (tera → Markdown → HTML, Typst → PDF) and exports;
//! - [`output`]: writing output folders, replacing only needsmap's own;
//! - [`serve`]: a live preview while editing (rebuild on save, reload the page);
//! - [`text`]: numbers and counts as reports write them (every stage's leaf);
//! - [`cli`]: the `needsmap` command.

// A `pub` item nobody outside the crate can reach is `pub(crate)`, so the
// compiler reports internal code that nothing uses as dead.
#![warn(unreachable_pub)]

pub mod check;
pub mod cli;
pub mod gaps;
pub mod graph;
pub(crate) mod import;
pub mod journeys;
pub mod model;
pub(crate) mod output;
pub mod progress;
pub mod render;
pub(crate) mod serve;
pub(crate) mod text;
