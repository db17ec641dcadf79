//! Calendar dates as analysts write them: `2026-04-01` for a day, and
//! `2027-03` or `2027-03-31` for an action's due date.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad =
            || format!("expected a date written YYYY-MM-DD (e.g. 2026-04-01), found `{text}`");
        if text.len() != 10 {
            return Err(bad());
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| bad())
    }

    pub fn year(&self) -> i32 {
        self.0.year()
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(&self, later: Date) -> i64 {
        (later.0 - self.0).num_days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(de)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
            "description": "A calendar day, YYYY-MM-DD."
        })
    }
}

/// When an action is due: a month (`2027-03`) or a day (`2027-03-31`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Due {
    pub year: i32,
    pub month: u32,
    pub day: Option<u32>,
}

impl Due {
    pub fn parse(text: &str) -> Result<Due, String> {
        if let Ok(date) = Date::parse(text) {
            return Ok(Due {
                year: date.0.year(),
                month: date.0.month(),
                day: Some(date.0.day()),
            });
        }
        let bad = || {
            format!("expected a month YYYY-MM or a day YYYY-MM-DD (e.g. 2027-03), found `{text}`")
        };
        if text.len() != 7 {
            return Err(bad());
        }
        NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
            .map(|d| Due {
                year: d.year(),
                month: d.month(),
                day: None,
            })
            .map_err(|_| bad())
    }

    /// The last day the action can be done by.
    pub fn last_day(&self) -> Date {
        if let Some(day) = self.day
            && let Some(d) = NaiveDate::from_ymd_opt(self.year, self.month, day)
        {
            return Date(d);
        }
        let (y, m) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        let first_of_next = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MAX);
        Date(first_of_next.pred_opt().unwrap_or(first_of_next))
    }
}

impl fmt::Display for Due {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.day {
            Some(day) => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, day),
            None => write!(f, "{:04}-{:02}", self.year, self.month),
        }
    }
}

impl Serialize for Due {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(de)?;
        Due::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Due {
    fn schema_name() -> Cow<'static, str> {
        "Due".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$",
            "description": "A month YYYY-MM or a day YYYY-MM-DD."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_only_as_iso_days() {
        assert_eq!(Date::parse("2026-04-01").unwrap().to_string(), "2026-04-01");
        assert!(Date::parse("2026-4-1").is_err());
        assert!(Date::parse("2026-02-30").is_err());
        assert!(Date::parse("01/04/2026").is_err());
    }

    #[test]
    fn due_takes_a_month_or_a_day() {
        let month = Due::parse("2027-03").unwrap();
        assert_eq!(month.to_string(), "2027-03");
        assert_eq!(month.last_day().to_string(), "2027-03-31");
        assert_eq!(
            Due::parse("2028-02").unwrap().last_day().to_string(),
            "2028-02-29"
        );
        assert_eq!(
            Due::parse("2027-12").unwrap().last_day().to_string(),
            "2027-12-31"
        );
        assert_eq!(
            Due::parse("2027-03-15").unwrap().last_day().to_string(),
            "2027-03-15"
        );
        assert!(Due::parse("2027-13").is_err());
        assert!(Due::parse("March 2027").is_err());
    }
}
