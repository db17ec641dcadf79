//! The input model (`needsmap/v1`): the types an analyst writes in YAML, and
//! their loading from files (`load`), with the YAML tree that lets every
//! diagnostic point at a line and column (`yaml`, `source`), and the
//! diagnostics themselves (`diagnostic`), which loading and `check` report.
//!
//! Field names are the public contract of `docs/model.md` (made exact in `docs/model-v1-spec.md`); every
//! struct denies unknown fields so a typo is an error, never a silently
//! dropped value. Each list item carries an [`Origin`] (skipped by serde)
//! saying which file and YAML path it came from.

mod codes;
mod date;
pub use codes::{Code, markdown_table as diagnostic_codes_table};
pub(crate) mod diagnostic;
pub mod load;
mod locate;
pub(crate) mod printable;
pub(crate) mod source;
pub(crate) mod strings;
pub(crate) mod suggest;
pub(crate) mod walk;
pub(crate) mod yaml;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use date::{Date, Due};
pub use load::{LoadOptions, Loaded, load, load_text, load_with};
pub use source::{FileId, Origin, Seg, SourceMap};

/// The YAML spelling (kebab-case) of a model enum value: `local-authority`.
pub fn kebab<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The schema tag every assessment must carry.
pub const SCHEMA_TAG: &str = "needsmap/v1";

/// One assessment file as written: the main file, or a file it includes.
///
/// The main file must carry `schema` and `assessment`; an included file may
/// hold any of the lists (and its own `include:`/`journeys:`, relative to it).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "needsmap assessment file (needsmap/v1)")]
pub struct AssessmentFile {
    /// Always `needsmap/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<AssessmentInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<Population>,
    /// Files holding more of the lists below, relative to this file (globs allowed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Journey files, relative to this file: one glob or a list of globs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journeys: Option<OneOrMany>,
    /// Levels of need, lowest need first: the order judges step-up and step-down.
    #[serde(default)]
    pub levels: Vec<Level>,
    #[serde(default)]
    pub cohorts: Vec<Cohort>,
    #[serde(default)]
    pub entry_points: Vec<EntryPoint>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub pathways: Vec<Pathway>,
    #[serde(default)]
    pub indicators: Vec<IndicatorEntry>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub actions: Vec<Action>,
    /// What services record of demand, per year (referrals, turn-aways...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_data: Vec<ServiceData>,
}

/// A string or a list of strings (`journeys:` takes either).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        }
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a path pattern or a list of path patterns")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut all = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    all.push(s);
                }
                Ok(OneOrMany::Many(all))
            }
        }
        de.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Authority {
    /// County, unitary or metropolitan council; in London, the GLA. Holds the Part 4 duty.
    Tier1,
    /// District council or London borough.
    Tier2,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInfo {
    pub title: String,
    pub area: String,
    /// The area as sentences and page footers name it ("Devon" for
    /// "Devon County Council"); default `area`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    pub authority: Authority,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership: Option<String>,
    pub period: Period,
    /// Wards or neighbourhoods, as slugs; services and journeys may name them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub localities: Vec<String>,
    /// A two-tier county's district councils (or a partnership's members);
    /// each id is also a locality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<District>,
    /// Publication date; documents carry no date unless this is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// The edition or status the cover shows: "1.0", "Consultation draft".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The partnership's colour for headings and rules (`#1d4f91`): six
    /// hex digits, dark enough for text on white.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// In public documents, counts from journeys or case data below this
    /// are hidden (default 5; `needsmap build --suppress-below` overrides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppress_below: Option<u32>,
}

impl AssessmentInfo {
    /// The area's name in a sentence or a footer.
    pub fn short_area(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.area)
    }

    /// Every locality a service, entry point or journey may name: the
    /// listed localities, then the districts.
    pub fn all_localities(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.localities.iter().map(String::as_str).collect();
        for d in &self.districts {
            if !all.contains(&d.id.as_str()) {
                all.push(&d.id);
            }
        }
        all
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct District {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub year: i32,
    pub source: String,
    /// Everyone in the area: the base of the Council of Europe benchmark
    /// (one refuge family place per 10,000 people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// Named population counts, e.g. `women_16_plus: 121000`.
    pub groups: BTreeMap<String, i64>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub id: String,
    pub name: String,
    /// The level as a noun phrase mid-sentence ("safe accommodation").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A high-need level (high risk, MARAC, crisis): gaps here are severe.
    /// When no level says so, the highest need level is taken.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub high_need: bool,
    /// A step-down stage (recovery, move-on) listed after the crisis level:
    /// not a higher need, and a service there may end a pathway.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub step_down: bool,
    /// The roles that need provision at this level (default: every role,
    /// but perpetrators not at safe accommodation or step-down levels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// The share of a cohort's estimated victims who need this level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_of_need: Option<ShareOfNeed>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// The share of a cohort's estimated victims who need a level.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareOfNeed {
    /// 0..1.
    pub share: f64,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Victim,
    Perpetrator,
    Child,
    Family,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CohortKind {
    /// A person belongs to the group (women, men, older people...).
    #[default]
    Group,
    /// A co-occurring need that intersects groups (substance misuse...).
    Need,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ages {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
}

/// Demand estimated by the analyst where no prevalence rate applies.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    pub per_year: f64,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cohort {
    pub id: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub kind: CohortKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A population group, for demand estimates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    /// Annual rate (0..1) applied to the population group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevalence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevalence_source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<Ages>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<Demand>,
    /// Always reported, even when covered.
    #[serde(default)]
    pub priority: bool,
    /// Levels at which this cohort needs provision (default: every level);
    /// gap analysis looks for provision only there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    /// Levels at which the cohort needs specialist or by-and-for
    /// provision, not only general services open to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub specialist_levels: Vec<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Sector {
    Health,
    LocalAuthority,
    PoliceJustice,
    Housing,
    Voluntary,
    Education,
    /// Community settings and self-referral.
    Community,
}

impl Sector {
    /// The sector in words, as documents name it.
    pub fn label(self) -> &'static str {
        match self {
            Sector::Health => "health",
            Sector::LocalAuthority => "local authority",
            Sector::PoliceJustice => "police and criminal justice",
            Sector::Housing => "housing",
            Sector::Voluntary => "voluntary sector",
            Sector::Education => "education",
            Sector::Community => "community",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryPoint {
    pub id: String,
    pub name: String,
    pub sector: Sector,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Localities it is in or covers; omitted means the whole area.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub localities: Vec<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceKind {
    Support,
    Accommodation,
    PerpetratorProgramme,
    MultiAgency,
    Helpline,
    Therapeutic,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// Cases, households or places a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_year: Option<f64>,
    /// Open cases at any one time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caseload: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The Part 4 relevant safe accommodation types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AccommodationType {
    Refuge,
    SpecialistRefuge,
    Dispersed,
    Sanctuary,
    SecondStage,
    MoveOn,
    Other,
}

impl AccommodationType {
    /// Every type, in the order the documents list them.
    pub const ALL: [AccommodationType; 7] = [
        AccommodationType::Refuge,
        AccommodationType::SpecialistRefuge,
        AccommodationType::Dispersed,
        AccommodationType::Sanctuary,
        AccommodationType::SecondStage,
        AccommodationType::MoveOn,
        AccommodationType::Other,
    ];

    /// The relevant accommodation type of the regulations (SI 2021/991,
    /// reg. 2), which the annual return reports by. Move-on is not one of
    /// them: MHCLG's "second stage accommodation" is for victims "moving
    /// on from other forms of relevant accommodation".
    pub fn legal_type(self) -> &'static str {
        match self {
            AccommodationType::Refuge => "Refuge accommodation",
            AccommodationType::SpecialistRefuge => "Specialist safe accommodation",
            AccommodationType::Dispersed => "Dispersed accommodation",
            AccommodationType::Sanctuary => "Sanctuary scheme",
            AccommodationType::SecondStage | AccommodationType::MoveOn => {
                "Second stage accommodation"
            }
            AccommodationType::Other => "Other domestic abuse emergency accommodation",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accommodation {
    #[serde(rename = "type")]
    pub kind: AccommodationType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bedspaces: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FundingPer {
    Year,
    Total,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    pub source: String,
    /// Pounds sterling; omitted when the source gives dates but no amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    pub per: FundingPer,
    /// With `per: total`: the number of years the total covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub sector: Sector,
    pub kind: ServiceKind,
    /// Part 4 support types (advocacy, prevention-advice,
    /// specialist-protected-characteristics, childrens-support,
    /// housing-related-support, counselling-therapy) or other slugs.
    #[serde(default)]
    pub support: Vec<String>,
    /// Levels it works at; omitted when the source does not say.
    #[serde(default)]
    pub levels: Vec<String>,
    /// Who it serves; with `open_to`, the cohorts it gives specialist
    /// provision to.
    #[serde(default)]
    pub cohorts: Vec<String>,
    /// Open eligibility: every group cohort of these roles and ages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_to: Option<OpenTo>,
    /// Cohorts (usually needs) the service cannot take.
    #[serde(default)]
    pub excludes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<Ages>,
    /// Localities served; omitted means the whole area.
    #[serde(default)]
    pub localities: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accommodation: Option<Accommodation>,
    #[serde(default)]
    pub funding: Vec<Funding>,
    #[serde(default)]
    pub accredited: Vec<String>,
    /// Community a "by and for" service is run by and for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_and_for: Option<String>,
    /// Notes for the partnership only (contract concerns, staffing): never
    /// in a public build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_notes: Option<String>,
    #[serde(default)]
    pub accepts_from: Vec<String>,
    #[serde(default)]
    pub refers_to: Vec<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// "Open to all victims aged 16+, any gender".
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenTo {
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<Ages>,
}

/// Why a referral was not supported (the kinds of reason MHCLG publishes
/// from the Part 4 annual returns).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotSupportedReasons {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_capacity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_not_met: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declined: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<f64>,
}

impl NotSupportedReasons {
    /// (field name, words, value) for every reason.
    pub fn each(&self) -> [(&'static str, &'static str, Option<f64>); 6] {
        [
            ("no_capacity", "no space", self.no_capacity),
            (
                "needs_not_met",
                "needs could not be met",
                self.needs_not_met,
            ),
            ("eligibility", "eligibility or exclusion", self.eligibility),
            ("risk", "risk", self.risk),
            ("declined", "declined", self.declined),
            ("other", "other reasons", self.other),
        ]
    }
}

/// What services record of demand and supply in a year: for one service,
/// several together, or every service of one accommodation type.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceData {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accommodation: Option<AccommodationType>,
    pub year: i32,
    pub source: String,
    /// The figures are about these cohorts only (default: everyone served).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cohorts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bedspaces: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrals: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_outside_area: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_supported: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_supported_reasons: Option<NotSupportedReasons>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_stay_days: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_wait_days: Option<f64>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pathway {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    #[serde(default)]
    pub cohorts: Vec<String>,
    #[serde(default)]
    pub levels: Vec<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    Count,
    Percent,
    RatePer1000,
    Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Better {
    Higher,
    Lower,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub value: f64,
    pub year: i32,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub unit: Unit,
    /// Year → value.
    pub values: BTreeMap<i32, f64>,
    /// Share (0..1) of the values that concerns a cohort.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cohort_shares: BTreeMap<String, f64>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub better: Option<Better>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// Indicator rows kept in a CSV file (`id,name,unit,year,value,source`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CsvIndicators {
    pub csv: String,
}

/// An entry of `indicators:`: an indicator, or a CSV file of them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum IndicatorEntry {
    Inline(Box<Indicator>),
    Csv(CsvIndicators),
}

impl<'de> Deserialize<'de> for IndicatorEntry {
    /// Untagged enums lose serde's error messages, so tell the two shapes
    /// apart by a leading `csv` key and let each report its own errors.
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = IndicatorEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an indicator, or `csv: path` to a CSV file of indicators")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<IndicatorEntry, A::Error> {
                let Some(first) = map.next_key::<String>()? else {
                    return Indicator::deserialize(serde::de::value::MapAccessDeserializer::new(
                        map,
                    ))
                    .map(|i| IndicatorEntry::Inline(Box::new(i)));
                };
                if first == "csv" {
                    let csv = map.next_value::<String>()?;
                    if let Some(extra) = map.next_key::<String>()? {
                        return Err(serde::de::Error::custom(format!(
                            "a `csv:` entry holds only the path, found `{extra}` beside it"
                        )));
                    }
                    return Ok(IndicatorEntry::Csv(CsvIndicators { csv }));
                }
                let rest = yaml::PrependKey::new(first, map);
                Indicator::deserialize(serde::de::value::MapAccessDeserializer::new(rest))
                    .map(|i| IndicatorEntry::Inline(Box::new(i)))
            }
        }
        de.deserialize_map(V)
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum FindingTheme {
    Identification,
    Referral,
    Retention,
    Partnership,
    Accommodation,
    Workforce,
    Data,
}

impl FindingTheme {
    /// The theme as the documents name it.
    pub fn label(self) -> &'static str {
        match self {
            FindingTheme::Identification => "Identification and challenge",
            FindingTheme::Referral => "Referral",
            FindingTheme::Retention => "Retention and ongoing duty of care",
            FindingTheme::Partnership => "Partnership working",
            FindingTheme::Accommodation => "Safe accommodation",
            FindingTheme::Workforce => "Workforce",
            FindingTheme::Data => "Data",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub theme: FindingTheme,
    pub text: String,
    pub source: String,
    #[serde(default)]
    pub cohorts: Vec<String>,
    #[serde(default)]
    pub services: Vec<String>,
    /// Gap ids this finding corroborates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<String>,
    /// The kind of gap this finding shows (consultation evidence of unmet
    /// need), for its cohorts, services and levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shows: Option<String>,
    /// Levels of need the finding is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    /// For the partnership only: never in a public build.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ActionTheme {
    Governance,
    EarlyHelp,
    Workforce,
    Commissioning,
    Data,
    Awareness,
    SafeAccommodation,
}

impl ActionTheme {
    /// The theme as the action plan and its exports name it.
    pub fn label(self) -> &'static str {
        match self {
            ActionTheme::Governance => "Governance",
            ActionTheme::EarlyHelp => "Early help and prevention",
            ActionTheme::Workforce => "Workforce development",
            ActionTheme::Commissioning => "Commissioning",
            ActionTheme::Data => "Performance data and collection",
            ActionTheme::Awareness => "Awareness raising and communication",
            ActionTheme::SafeAccommodation => "Safe accommodation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    NotStarted,
    OnTrack,
    AtRisk,
    OffTrack,
    Done,
    /// The source gives no status (the default).
    #[default]
    NotRecorded,
}

impl Status {
    /// The status as every output names it: `On track`.
    pub fn label(self) -> &'static str {
        self.rag().0
    }

    /// The status and its red-amber-green colour in the action plan.
    pub fn rag(self) -> (&'static str, &'static str) {
        match self {
            Status::NotStarted => ("Not started", "grey"),
            Status::OnTrack => ("On track", "green"),
            Status::AtRisk => ("At risk", "amber"),
            Status::OffTrack => ("Off track", "red"),
            Status::Done => ("Done", "blue"),
            Status::NotRecorded => ("Not recorded", "grey"),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    pub theme: ActionTheme,
    pub objective: String,
    pub outcome: String,
    pub action: String,
    pub lead: String,
    pub due: Due,
    /// `not-recorded` when omitted: the source does not say.
    #[serde(default)]
    pub status: Status,
    /// Gap, cohort, finding or service ids this action answers.
    #[serde(default)]
    pub addresses: Vec<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Consent {
    /// May appear in public documents, journey by journey.
    Publish,
    /// May be counted in a public document's tables, with small counts
    /// hidden, but never shown on its own: no section, map, persona, note,
    /// barrier, source or route of it is published. For accounts given
    /// (or case files reviewed) on the understanding that they are only
    /// added up.
    Count,
    /// Never reaches a public build.
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StepOutcome {
    Referred,
    Signposted,
    Supported,
    Refused,
    Waited,
    DroppedOut,
}

impl StepOutcome {
    /// The outcome in words, as every output names it.
    pub fn label(self) -> &'static str {
        match self {
            StepOutcome::Referred => "referred",
            StepOutcome::Signposted => "signposted",
            StepOutcome::Supported => "supported",
            StepOutcome::Refused => "refused",
            StepOutcome::Waited => "waited",
            StepOutcome::DroppedOut => "dropped out",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// An entry point or service id.
    pub at: String,
    /// Days since first contact.
    pub day: i64,
    /// -3 (very bad) .. +3 (very good).
    pub feeling: i64,
    /// Had to tell the story again.
    #[serde(default)]
    pub retold: bool,
    pub outcome: StepOutcome,
    /// Where the person was referred or signposted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barrier: Option<String>,
    /// This step's note and barrier are for the partnership only: never in
    /// a public build.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "needsmap survivor journey (needsmap/v1)")]
pub struct Journey {
    pub id: String,
    /// Pseudonymised.
    pub persona: String,
    pub cohorts: Vec<String>,
    pub consent: Consent,
    pub source: String,
    /// The source names someone (an interviewer, a case file): keep it out
    /// of public builds.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub source_internal: bool,
    #[serde(default)]
    pub localities: Vec<String>,
    pub steps: Vec<Step>,
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// A journey file holds one journey or a list of them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(title = "needsmap journey file (needsmap/v1)")]
pub enum JourneyFile {
    One(Box<Journey>),
    Many(Vec<Journey>),
}

impl JourneyFile {
    pub fn into_vec(self) -> Vec<Journey> {
        match self {
            JourneyFile::One(one) => vec![*one],
            JourneyFile::Many(many) => many,
        }
    }
}

impl<'de> Deserialize<'de> for JourneyFile {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = JourneyFile;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a journey (a mapping with `id`, `steps`...) or a list of journeys")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<JourneyFile, A::Error> {
                Journey::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|j| JourneyFile::One(Box::new(j)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<JourneyFile, A::Error> {
                Vec::<Journey>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(JourneyFile::Many)
            }
        }
        de.deserialize_any(V)
    }
}

impl Assessment {
    /// What may be published: journeys without consent to publish are
    /// gone, and every field marked internal is removed or withheld. A
    /// public build renders only this, so no template or chart can leak.
    pub fn public_view(&self) -> Assessment {
        let mut a = self.clone();
        a.journeys.retain(|j| j.consent == Consent::Publish);
        for j in &mut a.journeys {
            if j.source_internal {
                j.source = "withheld".into();
            }
            for step in j.steps.iter_mut().filter(|s| s.internal) {
                step.note = None;
                step.barrier = None;
            }
        }
        a.findings.retain(|f| !f.internal);
        for s in &mut a.services {
            s.internal_notes = None;
        }
        a
    }

    /// The journeys a public build may count but not show (`consent:
    /// count`), each stripped to what is counted: cohorts and, at each
    /// step, where, when, how it felt, whether the story was retold and
    /// what happened. Persona, source, localities, notes and barriers are
    /// gone, and the id is replaced, so nothing ties a count to a file.
    pub fn counted_only(&self) -> Vec<Journey> {
        self.journeys
            .iter()
            .filter(|j| j.consent == Consent::Count)
            .enumerate()
            .map(|(k, j)| Journey {
                id: format!("counted-{}", k + 1),
                persona: String::new(),
                cohorts: j.cohorts.clone(),
                consent: Consent::Count,
                source: "withheld".into(),
                source_internal: true,
                localities: Vec::new(),
                steps: j
                    .steps
                    .iter()
                    .map(|s| Step {
                        note: None,
                        barrier: None,
                        internal: true,
                        ..s.clone()
                    })
                    .collect(),
                origin: Origin::default(),
            })
            .collect()
    }
}

/// The whole assessment once every file is loaded and merged.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub schema: String,
    pub info: AssessmentInfo,
    pub population: Option<Population>,
    pub levels: Vec<Level>,
    pub cohorts: Vec<Cohort>,
    pub entry_points: Vec<EntryPoint>,
    pub services: Vec<Service>,
    pub pathways: Vec<Pathway>,
    pub indicators: Vec<Indicator>,
    pub findings: Vec<Finding>,
    pub actions: Vec<Action>,
    pub service_data: Vec<ServiceData>,
    pub journeys: Vec<Journey>,
    /// Where `schema:` and `assessment:` were written.
    pub origin: Origin,
}
