//! The gap kinds: one module each, and one registry entry each.
//!
//! A kind is its module's [`Rule`]: the id gaps and findings use, what it
//! finds, how its severity is decided, the recommendation theme it falls
//! under, and the finder. Everything else about kinds comes from here: the
//! [`GapKind`] enum and its names (JSON, `--kind`, `shows:`, `addresses`),
//! the order gaps of equal severity are listed in, `check`'s list of kinds,
//! `needsmap gaps --rules`, the README table (a test holds it to this) and
//! the needs assessment's method appendix.
//!
//! To add a kind: write `kinds/NAME.rs` with `pub(super) const RULE: Rule`,
//! add one line to the `kinds!` list below, and a `fixtures/gaps/KIND/`
//! trigger and clear pair.

use serde::Serialize;

use super::Gap;
use super::context::Context;
use super::unknowns::DataGap;
use crate::model::FindingTheme;

/// One gap kind, as the rest of needsmap sees it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// The kind's name: the first part of its gaps' ids (`no-provision`).
    pub id: &'static str,
    /// What a gap of this kind is, in one sentence for the README and the
    /// method appendix.
    pub finds: &'static str,
    /// How its severity is decided.
    pub severity: &'static str,
    /// The recommendation theme its gaps fall under in the documents
    /// (unless a gap's own recommendation is about safe accommodation).
    pub theme: FindingTheme,
    /// Pushes the gaps (and data gaps) it finds. Finders run in registry
    /// order, so a later one may build on an earlier one's gaps.
    #[serde(skip)]
    pub find: fn(&Context, &mut Found),
}

/// What the finders have found so far.
#[derive(Debug, Default)]
pub struct Found {
    pub gaps: Vec<Gap>,
    pub unknowns: Vec<DataGap>,
}

/// Declares the kinds: the modules, the enum and the registry, from one list.
macro_rules! kinds {
    ($($variant:ident => $module:ident),+ $(,)?) => {
        $(mod $module;)+

        /// A kind of gap. Its order is the order gaps of equal severity
        /// and corroboration are listed in.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum GapKind {
            $($variant),+
        }

        impl GapKind {
            /// Every kind, in registry order.
            pub const ALL: &[GapKind] = &[$(GapKind::$variant),+];

            /// The kind's registry entry.
            pub fn rule(self) -> &'static Rule {
                match self {
                    $(GapKind::$variant => &$module::RULE),+
                }
            }
        }
    };
}

kinds! {
    NoProvision => no_provision,
    NoSpecialist => no_specialist,
    Exclusion => exclusion,
    Unreachable => unreachable,
    SinglePointOfFailure => single_point_of_failure,
    DeadEnd => dead_end,
    Capacity => capacity,
    FundingCliff => funding_cliff,
    Locality => locality,
    UnmappedPathway => unmapped_pathway,
}

impl GapKind {
    /// The kind's name (`no-provision`).
    pub fn as_str(self) -> &'static str {
        self.rule().id
    }

    /// The kind as the documents name it: `no provision`.
    pub fn label(self) -> String {
        self.as_str().replace('-', " ")
    }

    /// The kind a gap id, a finding's `shows:` or `--kind` names.
    pub fn named(name: &str) -> Option<GapKind> {
        GapKind::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// Every kind's name, in registry order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        GapKind::ALL.iter().map(|k| k.as_str())
    }
}

impl Serialize for GapKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl clap::ValueEnum for GapKind {
    fn value_variants<'a>() -> &'a [Self] {
        GapKind::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()).help(self.rule().finds))
    }
}

/// Apply every rule, in registry order.
pub(super) fn find_all(ctx: &Context) -> Found {
    let mut found = Found::default();
    for kind in GapKind::ALL {
        (kind.rule().find)(ctx, &mut found);
    }
    found
}

/// The registry as a Markdown table (kind, what it finds, severity): the
/// README's table of gap kinds and `needsmap gaps --rules --format markdown`.
pub fn markdown_table() -> String {
    let mut out = String::from("| kind | what it finds | severity |\n| --- | --- | --- |\n");
    for kind in GapKind::ALL {
        let r = kind.rule();
        out.push_str(&format!("| `{}` | {} | {} |\n", r.id, r.finds, r.severity));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gaps::GapSeverity;

    #[test]
    fn every_kind_has_a_distinct_kebab_case_name() {
        let names: Vec<&str> = GapKind::names().collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for n in names {
            assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{n}");
            assert_eq!(GapKind::named(n).map(GapKind::as_str), Some(n));
        }
    }

    #[test]
    fn severity_rules_name_the_severities_they_decide() {
        for kind in GapKind::ALL {
            let r = kind.rule();
            assert!(
                [GapSeverity::High, GapSeverity::Medium, GapSeverity::Low]
                    .iter()
                    .any(|s| r.severity.contains(s.as_str())),
                "{}: {}",
                r.id,
                r.severity
            );
            assert!(r.finds.len() > 20, "{}", r.id);
        }
    }
}
