//! The documented column layout of an import workbook: its sheets, their
//! columns, the field each column fills and the kind of value it holds.
//! The template (`import --template`), the reader and its messages all
//! come from these lists, so they cannot disagree.

use schemars::JsonSchema;

use crate::model::{AccommodationType, CohortKind, FundingPer, Role, Sector, ServiceKind};

/// What a cell holds, and so how it is read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// Any text.
    Text,
    /// One id (a lower-case slug), or blank to derive it from the name.
    Id,
    /// A reference to one id of another sheet (Funding's service).
    Ref(Sheet),
    /// Several ids of another sheet, separated by `;`, `,` or new lines.
    Refs(Option<Sheet>),
    /// One of a fixed list of values.
    Enum(fn() -> Vec<String>),
    /// Several of a fixed list, separated as [`Kind::Refs`].
    Enums(fn() -> Vec<String>),
    /// Several slugs of an open list (support types), separated as
    /// [`Kind::Refs`]; "Counselling / therapy" reads as
    /// `counselling-therapy`.
    Words,
    /// Several free texts (accreditations), separated by `;` or new lines.
    Texts,
    /// A whole number, 0 or more.
    Whole,
    /// A number, 0 or more (money, rates).
    Number,
    /// A share between 0 and 1.
    Share,
    /// A date (a spreadsheet date, or text `YYYY-MM-DD`).
    Date,
    /// yes or no.
    YesNo,
}

impl Kind {
    /// What the cell should hold, for messages and header notes.
    pub(crate) fn expected(self) -> String {
        match self {
            Kind::Text => "text".into(),
            Kind::Id => "an id: lower-case letters, digits and single hyphens".into(),
            Kind::Ref(sheet) => format!("the id of a row of the {} sheet", sheet.name()),
            Kind::Refs(Some(sheet)) => {
                format!("ids from the {} sheet, separated by ; or ,", sheet.name())
            }
            Kind::Refs(None) => "ids, separated by ; or ,".into(),
            Kind::Enum(values) => format!("one of: {}", values().join(", ")),
            Kind::Enums(values) => {
                format!(
                    "one or more of: {}, separated by ; or ,",
                    values().join(", ")
                )
            }
            Kind::Words => "values separated by ; or ,".into(),
            Kind::Texts => "texts separated by ; or new lines".into(),
            Kind::Whole => "a whole number, 0 or more".into(),
            Kind::Number => "a number, 0 or more".into(),
            Kind::Share => "a share between 0 and 1 (or a percentage such as 12%)".into(),
            Kind::Date => "a date (YYYY-MM-DD)".into(),
            Kind::YesNo => "yes or no".into(),
        }
    }

    /// The values of a single-choice column, for the template's
    /// drop-down lists.
    pub(crate) fn choices(self) -> Option<Vec<String>> {
        match self {
            Kind::Enum(values) => Some(values()),
            Kind::YesNo => Some(vec!["yes".into(), "no".into()]),
            _ => None,
        }
    }
}

/// One column: its header, the field it fills (a dotted path in the
/// YAML), its kind, and the header's note in the template.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub header: &'static str,
    /// Other headers people use for it ("Organisation" for Provider).
    pub aliases: &'static [&'static str],
    pub path: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub note: &'static str,
}

const fn col(header: &'static str, path: &'static str, kind: Kind, note: &'static str) -> Column {
    Column {
        header,
        aliases: &[],
        path,
        kind,
        required: false,
        note,
    }
}

const fn required(mut c: Column) -> Column {
    c.required = true;
    c
}

const fn alias(mut c: Column, aliases: &'static [&'static str]) -> Column {
    c.aliases = aliases;
    c
}

/// The sheets an import workbook may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Sheet {
    Levels,
    Cohorts,
    EntryPoints,
    Services,
    /// Funding streams, one a row, of the Services sheet's services.
    Funding,
    /// What services record of demand in a year (`service_data`).
    ServiceData,
}

impl Sheet {
    pub(crate) const ALL: [Sheet; 6] = [
        Sheet::Services,
        Sheet::Funding,
        Sheet::ServiceData,
        Sheet::Cohorts,
        Sheet::Levels,
        Sheet::EntryPoints,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Sheet::Levels => "Levels",
            Sheet::Cohorts => "Cohorts",
            Sheet::EntryPoints => "Entry points",
            Sheet::Services => "Services",
            Sheet::Funding => "Funding",
            Sheet::ServiceData => "Service data",
        }
    }

    /// The YAML list the sheet's rows become (`services:`).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Sheet::Levels => "levels",
            Sheet::Cohorts => "cohorts",
            Sheet::EntryPoints => "entry_points",
            Sheet::Services | Sheet::Funding => "services",
            Sheet::ServiceData => "service_data",
        }
    }

    /// What one row is, for messages.
    pub(crate) fn row_noun(self) -> &'static str {
        match self {
            Sheet::Levels => "level",
            Sheet::Cohorts => "cohort",
            Sheet::EntryPoints => "entry point",
            Sheet::Services => "service",
            Sheet::Funding => "funding stream",
            Sheet::ServiceData => "demand record",
        }
    }

    pub(crate) fn columns(self) -> &'static [Column] {
        match self {
            Sheet::Levels => LEVELS,
            Sheet::Cohorts => COHORTS,
            Sheet::EntryPoints => ENTRY_POINTS,
            Sheet::Services => SERVICES,
            Sheet::Funding => FUNDING,
            Sheet::ServiceData => SERVICE_DATA,
        }
    }

    /// The sheet a sheet (or CSV file) name means: "Services",
    /// "services", "Entry Points", "entry-points.csv".
    pub(crate) fn named(name: &str) -> Option<Sheet> {
        let key = normalise(name);
        Sheet::ALL.into_iter().find(|s| {
            let own = normalise(s.name());
            key == own || key == format!("{own}s") || format!("{key}s") == own
        })
    }
}

/// A header or sheet name without case, spaces or punctuation, so that
/// "Min. age", "min age" and "MIN_AGE" are one.
pub(crate) fn normalise(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The values a field's enum accepts, from its JSON Schema: the same
/// names the YAML takes, from the one place they are declared.
fn values<T: JsonSchema>() -> Vec<String> {
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default();
    let mut out = Vec::new();
    if let Some(list) = schema.get("enum").and_then(|v| v.as_array()) {
        out.extend(list.iter().filter_map(|v| v.as_str().map(str::to_owned)));
    }
    for key in ["oneOf", "anyOf"] {
        for option in schema
            .get(key)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(c) = option.get("const").and_then(|v| v.as_str()) {
                out.push(c.to_owned());
            }
            for v in option
                .get("enum")
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                out.extend(v.as_str().map(str::to_owned));
            }
        }
    }
    out
}

pub(crate) fn sectors() -> Vec<String> {
    values::<Sector>()
}
pub(crate) fn service_kinds() -> Vec<String> {
    values::<ServiceKind>()
}
pub(crate) fn roles() -> Vec<String> {
    values::<Role>()
}
pub(crate) fn cohort_kinds() -> Vec<String> {
    values::<CohortKind>()
}
pub(crate) fn accommodation_types() -> Vec<String> {
    values::<AccommodationType>()
}
pub(crate) fn funding_per() -> Vec<String> {
    values::<FundingPer>()
}

const SERVICES: &[Column] = &[
    col(
        "ID",
        "id",
        Kind::Id,
        "The service's id, used by other rows and files. Blank: made from the name.",
    ),
    required(alias(
        col("Name", "name", Kind::Text, "The service's name."),
        &["Service", "Service name"],
    )),
    required(alias(
        col(
            "Provider",
            "provider",
            Kind::Text,
            "The organisation that runs it.",
        ),
        &["Organisation", "Organization", "Provider organisation"],
    )),
    col(
        "Description",
        "description",
        Kind::Text,
        "What it does, in a sentence or two.",
    ),
    required(col(
        "Sector",
        "sector",
        Kind::Enum(sectors),
        "The sector it belongs to.",
    )),
    required(alias(
        col(
            "Kind",
            "kind",
            Kind::Enum(service_kinds),
            "What sort of service it is.",
        ),
        &["Type", "Service type"],
    )),
    col(
        "Support",
        "support",
        Kind::Words,
        "Part 4 support types it gives: advocacy, prevention-advice, specialist-protected-characteristics, childrens-support, housing-related-support, counselling-therapy (or your own).",
    ),
    col(
        "Levels",
        "levels",
        Kind::Refs(Some(Sheet::Levels)),
        "The levels of need it works at. Blank: not recorded (a data gap).",
    ),
    alias(
        col(
            "Cohorts",
            "cohorts",
            Kind::Refs(Some(Sheet::Cohorts)),
            "Who it serves; with Open to, the cohorts it gives specialist provision to.",
        ),
        &["Serves", "Who it serves"],
    ),
    col(
        "Open to",
        "open_to.roles",
        Kind::Enums(roles),
        "Open eligibility: the roles of everyone it takes (victim, child...).",
    ),
    col(
        "Open to from age",
        "open_to.ages.min",
        Kind::Whole,
        "With Open to: the youngest age it takes.",
    ),
    col(
        "Open to to age",
        "open_to.ages.max",
        Kind::Whole,
        "With Open to: the oldest age it takes.",
    ),
    col(
        "Excludes",
        "excludes",
        Kind::Refs(Some(Sheet::Cohorts)),
        "Cohorts it cannot take (usually needs).",
    ),
    alias(
        col(
            "Min age",
            "ages.min",
            Kind::Whole,
            "The youngest age it works with.",
        ),
        &["Minimum age"],
    ),
    alias(
        col(
            "Max age",
            "ages.max",
            Kind::Whole,
            "The oldest age it works with.",
        ),
        &["Maximum age"],
    ),
    col(
        "Localities",
        "localities",
        Kind::Refs(None),
        "The localities it serves (the assessment's ids). Blank: the whole area.",
    ),
    col(
        "Capacity a year",
        "capacity.per_year",
        Kind::Number,
        "Cases, households or places a year. Blank: not recorded, never 0.",
    ),
    col(
        "Caseload",
        "capacity.caseload",
        Kind::Number,
        "Open cases at any one time.",
    ),
    col(
        "Capacity source",
        "capacity.source",
        Kind::Text,
        "Where the capacity figures come from.",
    ),
    col(
        "Accommodation type",
        "accommodation.type",
        Kind::Enum(accommodation_types),
        "Only for kind accommodation: the Part 4 type.",
    ),
    col(
        "Units",
        "accommodation.units",
        Kind::Whole,
        "Units or family places. Blank: not recorded.",
    ),
    col(
        "Bedspaces",
        "accommodation.bedspaces",
        Kind::Whole,
        "Bedspaces. Blank: not recorded.",
    ),
    col(
        "Accredited",
        "accredited",
        Kind::Texts,
        "Accreditations (Leading Lights, Respect...).",
    ),
    col(
        "By and for",
        "by_and_for",
        Kind::Text,
        "The community a by-and-for service is run by and for.",
    ),
    col(
        "Accepts from",
        "accepts_from",
        Kind::Refs(None),
        "Entry points and services it takes referrals from (ids).",
    ),
    col(
        "Refers to",
        "refers_to",
        Kind::Refs(None),
        "Entry points and services it refers on to (ids).",
    ),
    col(
        "Internal notes",
        "internal_notes",
        Kind::Text,
        "For the partnership only: never in a public build.",
    ),
];

const FUNDING: &[Column] = &[
    required(col(
        "Service",
        "service",
        Kind::Ref(Sheet::Services),
        "The id of the service (Services sheet) this stream funds.",
    )),
    required(alias(
        col(
            "Source",
            "source",
            Kind::Text,
            "Who funds it, and from which budget.",
        ),
        &["Funder"],
    )),
    col(
        "Amount",
        "amount",
        Kind::Number,
        "Pounds. Blank: not recorded.",
    ),
    required(col(
        "Per",
        "per",
        Kind::Enum(funding_per),
        "year: the amount is a year's; total: over the years or dates given.",
    )),
    col(
        "Years",
        "years",
        Kind::Number,
        "With per total: the years the total covers.",
    ),
    col("Starts", "starts", Kind::Date, "When the funding starts."),
    col("Ends", "ends", Kind::Date, "When the funding ends."),
];

const SERVICE_DATA: &[Column] = &[
    col(
        "Services",
        "services",
        Kind::Refs(Some(Sheet::Services)),
        "The services the figures are for, together (or give Accommodation type instead).",
    ),
    col(
        "Accommodation type",
        "accommodation",
        Kind::Enum(accommodation_types),
        "Instead of Services: every service of this safe accommodation type.",
    ),
    required(col(
        "Year",
        "year",
        Kind::Whole,
        "The year the figures cover: 2025 for 2025-26.",
    )),
    required(col(
        "Source",
        "source",
        Kind::Text,
        "Where the figures come from (a provider's return, a contract report).",
    )),
    col(
        "Cohorts",
        "cohorts",
        Kind::Refs(Some(Sheet::Cohorts)),
        "The figures are about these cohorts only. Blank: everyone the services serve.",
    ),
    col(
        "Units",
        "units",
        Kind::Whole,
        "Units or family places across them. Blank: not recorded.",
    ),
    col(
        "Bedspaces",
        "bedspaces",
        Kind::Whole,
        "Bedspaces across them. Blank: not recorded.",
    ),
    col(
        "Referrals",
        "referrals",
        Kind::Number,
        "Referrals received in the year.",
    ),
    col(
        "Supported",
        "supported",
        Kind::Number,
        "People or households supported.",
    ),
    col(
        "From outside the area",
        "from_outside_area",
        Kind::Number,
        "Of those supported, how many came from outside the area.",
    ),
    col(
        "Not supported",
        "not_supported",
        Kind::Number,
        "Referred but not supported, for any reason.",
    ),
    col(
        "Not supported: no space",
        "not_supported_reasons.no_capacity",
        Kind::Number,
        "Of those not supported: no space (lack of capacity).",
    ),
    col(
        "Not supported: needs not met",
        "not_supported_reasons.needs_not_met",
        Kind::Number,
        "Of those not supported: the service could not meet their needs.",
    ),
    col(
        "Not supported: eligibility",
        "not_supported_reasons.eligibility",
        Kind::Number,
        "Of those not supported: not eligible.",
    ),
    col(
        "Not supported: risk",
        "not_supported_reasons.risk",
        Kind::Number,
        "Of those not supported: risk to them or others.",
    ),
    col(
        "Not supported: declined",
        "not_supported_reasons.declined",
        Kind::Number,
        "Of those not supported: they declined the offer.",
    ),
    col(
        "Not supported: other",
        "not_supported_reasons.other",
        Kind::Number,
        "Of those not supported: any other reason.",
    ),
    col(
        "Average stay (days)",
        "average_stay_days",
        Kind::Number,
        "The average length of stay, in days.",
    ),
    col(
        "Average wait (days)",
        "average_wait_days",
        Kind::Number,
        "The average wait from referral, in days.",
    ),
];

const COHORTS: &[Column] = &[
    required(col(
        "ID",
        "id",
        Kind::Id,
        "The cohort's id, used in the Services sheet.",
    )),
    required(col("Name", "name", Kind::Text, "The cohort's name.")),
    required(col(
        "Role",
        "role",
        Kind::Enum(roles),
        "victim, perpetrator, child or family.",
    )),
    col(
        "Kind",
        "kind",
        Kind::Enum(cohort_kinds),
        "group (a person belongs to it) or need (a co-occurring need). Blank: group.",
    ),
    col("Description", "description", Kind::Text, "Who is in it."),
    col(
        "Population group",
        "population",
        Kind::Text,
        "A population group of the assessment, for demand estimates.",
    ),
    col(
        "Prevalence",
        "prevalence",
        Kind::Share,
        "The annual rate applied to that population group.",
    ),
    col(
        "Prevalence source",
        "prevalence_source",
        Kind::Text,
        "Required with a prevalence.",
    ),
    col(
        "Min age",
        "ages.min",
        Kind::Whole,
        "The youngest age in the cohort.",
    ),
    col(
        "Max age",
        "ages.max",
        Kind::Whole,
        "The oldest age in the cohort.",
    ),
    col(
        "Demand a year",
        "demand.per_year",
        Kind::Number,
        "An analyst's estimate of people a year, where no prevalence applies.",
    ),
    col(
        "Demand source",
        "demand.source",
        Kind::Text,
        "Required with a demand estimate.",
    ),
    col(
        "Priority",
        "priority",
        Kind::YesNo,
        "yes: always reported, even when covered.",
    ),
    col(
        "Levels",
        "levels",
        Kind::Refs(Some(Sheet::Levels)),
        "Levels at which it needs provision. Blank: every level.",
    ),
    col(
        "Specialist levels",
        "specialist_levels",
        Kind::Refs(Some(Sheet::Levels)),
        "Levels at which it needs specialist or by-and-for provision.",
    ),
];

const LEVELS: &[Column] = &[
    required(col(
        "ID",
        "id",
        Kind::Id,
        "The level's id. List levels lowest need first.",
    )),
    required(col("Name", "name", Kind::Text, "The level's name.")),
    col(
        "Short name",
        "short_name",
        Kind::Text,
        "The level as a noun phrase mid-sentence (\"safe accommodation\").",
    ),
    col(
        "Description",
        "description",
        Kind::Text,
        "What need it describes.",
    ),
    col(
        "High need",
        "high_need",
        Kind::YesNo,
        "yes: a high-need level (high risk, MARAC, crisis).",
    ),
    col(
        "Step down",
        "step_down",
        Kind::YesNo,
        "yes: a step-down stage (recovery, move-on).",
    ),
    col(
        "Roles",
        "roles",
        Kind::Enums(roles),
        "The roles that need provision here. Blank: the default.",
    ),
    col(
        "Share of need",
        "share_of_need.share",
        Kind::Share,
        "The share of a cohort's victims who need this level.",
    ),
    col(
        "Share source",
        "share_of_need.source",
        Kind::Text,
        "Required with a share of need.",
    ),
];

const ENTRY_POINTS: &[Column] = &[
    required(col("ID", "id", Kind::Id, "The entry point's id.")),
    required(col("Name", "name", Kind::Text, "The entry point's name.")),
    required(col(
        "Sector",
        "sector",
        Kind::Enum(sectors),
        "The sector it belongs to.",
    )),
    col("Description", "description", Kind::Text, "What it is."),
    col(
        "Localities",
        "localities",
        Kind::Refs(None),
        "The localities it is in or covers. Blank: the whole area.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_come_from_the_model() {
        assert_eq!(funding_per(), ["year", "total"]);
        assert!(sectors().contains(&"police-justice".to_owned()));
        assert!(
            sectors().contains(&"community".to_owned()),
            "{:?}",
            sectors()
        );
        assert_eq!(accommodation_types().len(), 7);
    }

    #[test]
    fn sheet_names_are_matched_loosely() {
        assert_eq!(Sheet::named("entry-points"), Some(Sheet::EntryPoints));
        assert_eq!(Sheet::named("Entry Point"), Some(Sheet::EntryPoints));
        assert_eq!(Sheet::named("SERVICES"), Some(Sheet::Services));
        assert_eq!(Sheet::named("Read me"), None);
    }

    #[test]
    fn headers_are_unique_within_a_sheet() {
        for sheet in Sheet::ALL {
            let mut seen = std::collections::BTreeSet::new();
            for c in sheet.columns() {
                for h in std::iter::once(&c.header).chain(c.aliases) {
                    assert!(seen.insert(normalise(h)), "{}: {h}", sheet.name());
                }
            }
        }
    }
}
