//! Every diagnostic's code, one place: what it means, for
//! `docs/diagnostics.md` and for anyone matching on `--format json`.

use serde::Serialize;

macro_rules! codes {
    ($($(#[doc = $doc:literal])+ $variant:ident = $name:literal,)*) => {
        /// A diagnostic's stable name (`unknown-reference`), as
        /// `error[unknown-reference]` prints it and JSON carries it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[doc = $doc])+ $variant,)*
        }

        impl Code {
            /// Every code, in the order `docs/diagnostics.md` lists them.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The code as printed: `unknown-reference`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// What the code means, in a sentence.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => concat!($($doc),+).trim_ascii_start(),)*
                }
            }
        }
    };
}

codes! {
    /// A text holds a control character or Unicode noncharacter that no document can carry.
    BadCharacter = "bad-character",
    /// A colour is not `#` and six hex digits dark enough to read on white (contrast 4.5:1 or more).
    BadColour = "bad-colour",
    /// An id is not a lower-case slug (`women`, `idva-service`).
    BadId = "bad-id",
    /// A path or path pattern (`include:`, `journeys:`, `csv:`) is not valid.
    BadPath = "bad-path",
    /// A period or funding term ends on or before the day it starts.
    BadPeriod = "bad-period",
    /// A service both serves and excludes the same cohort.
    Contradiction = "contradiction",
    /// The same figures are given for a group of services and again for one of them.
    CountedTwice = "counted-twice",
    /// A CSV file's header is not the one its kind of file takes.
    CsvHeader = "csv-header",
    /// A CSV row cannot be read, or rows for one indicator disagree on its name, unit or source.
    CsvRow = "csv-row",
    /// Two items of one kind share an id, or an indicator has two values for one year.
    DuplicateId = "duplicate-id",
    /// `population` is given in more than one file.
    DuplicatePopulation = "duplicate-population",
    /// A file the assessment names is empty.
    EmptyFile = "empty-file",
    /// A file is over the size limit needsmap reads.
    FileTooLarge = "file-too-large",
    /// A value has the right type but is not allowed (a date that does not exist, say).
    InvalidValue = "invalid-value",
    /// A service's kind and what it records disagree (accommodation on a service that is not `accommodation`, or the reverse) (a warning).
    KindMismatch = "kind-mismatch",
    /// A field that belongs in the main assessment file is in an included one.
    MisplacedField = "misplaced-field",
    /// A survivor journey names no cohort.
    MissingCohorts = "missing-cohorts",
    /// A required field is missing.
    MissingField = "missing-field",
    /// A file or pattern the assessment names matches nothing.
    MissingFile = "missing-file",
    /// The assessment defines no levels of need.
    MissingLevels = "missing-levels",
    /// A figure (a prevalence rate, a share of need) has no source.
    MissingSource = "missing-source",
    /// A survivor journey has no steps.
    MissingSteps = "missing-steps",
    /// An indicator has no values.
    MissingValues = "missing-values",
    /// A cohort has no prevalence or demand estimate, so its need cannot be sized (a warning).
    NoEstimate = "no-estimate",
    /// A file is not UTF-8 text.
    NotUtf8 = "not-utf8",
    /// A number is outside what it can be (a negative capacity, a prevalence above 1, a feeling outside -3 to +3).
    OutOfRange = "out-of-range",
    /// An action is due outside the assessment period (a warning).
    OutsidePeriod = "outside-period",
    /// A path is absolute or leads outside the assessment's workspace (pass `--allow-outside` to allow it).
    OutsideWorkspace = "outside-workspace",
    /// A path pattern matches too many files or folders, or goes too deep.
    PatternTooBroad = "pattern-too-broad",
    /// The reasons people were not supported add up to more than the number not supported (a warning).
    ReasonsExceedTotal = "reasons-exceed-total",
    /// A service refers to itself, or a pathway leads back to where it starts.
    SelfReferralLoop = "self-referral-loop",
    /// A journey's steps are not in order of day.
    StepOrder = "step-order",
    /// A text is longer than a document can hold in one place.
    TextTooLong = "text-too-long",
    /// A YAML file is too large or too deeply nested to read safely.
    TooLarge = "too-large",
    /// A value names something needsmap does not know (`shows:` a gap kind that does not exist).
    UnknownEnumValue = "unknown-enum-value",
    /// A field needsmap does not know: a typo, or a field of another kind of item.
    UnknownField = "unknown-field",
    /// A finding or action names a gap the analysis does not find (a warning).
    UnknownGap = "unknown-gap",
    /// An id that names nothing of its kind (a service, cohort, level, entry point or locality).
    UnknownReference = "unknown-reference",
    /// The `schema:` line names a version of the model needsmap does not read.
    UnknownSchema = "unknown-schema",
    /// A value is not one of those its field takes.
    UnknownValue = "unknown-value",
    /// No entry point or service refers to a service, so no referral route leads to it (a warning).
    UnreferredService = "unreferred-service",
    /// `suppress_below` is so low that public documents would show very small counts from journeys (a warning).
    WeakSuppression = "weak-suppression",
    /// A value has the wrong type (text where a number belongs, a list where a map belongs).
    WrongType = "wrong-type",
    /// The file is not valid YAML.
    YamlSyntax = "yaml-syntax",
    /// `years` is given for a funding stream that is `per: year`, where it has no effect (a warning).
    YearsIgnored = "years-ignored",
}

/// The table of `docs/diagnostics.md`: every code and what it means.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | what it means |\n| --- | --- |\n");
    for code in Code::ALL {
        out.push_str(&format!("| `{}` | {} |\n", code.as_str(), code.meaning()));
    }
    out
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

// Printed in the order of their names, as when codes were strings.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
