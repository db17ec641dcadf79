//! Case event logs → observed pathways: the directly-follows graph, start
//! and end activities, variants and case throughput times, computed the way
//! PM4Py does (`pm4py.discover_dfg`, `pm4py.get_variants`): events ordered by
//! time within each case, ties kept in file order.
//!
//! The file is streamed: each row is reduced to three numbers (case, time,
//! activity) with case and activity names interned once, so a million-event
//! log takes tens of megabytes, not a copy of every row.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use crate::model::suggest::did_you_mean;

/// Which columns hold what, and what to do with rows that cannot be read.
#[derive(Debug, Clone)]
pub struct Columns {
    pub case: String,
    pub activity: String,
    pub time: String,
}

impl Default for Columns {
    /// The XES names PM4Py and most exports use.
    fn default() -> Self {
        Columns {
            case: "case:concept:name".into(),
            activity: "concept:name".into(),
            time: "time:timestamp".into(),
        }
    }
}

/// A problem reading the log, with the line it is on.
#[derive(Debug, Clone, PartialEq)]
pub struct EventError {
    pub line: Option<u64>,
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message)?,
            None => f.write_str(&self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for EventError {}

/// One event, reduced to numbers. `time` is microseconds since the Unix
/// epoch, UTC.
#[derive(Debug, Clone, Copy)]
struct Event {
    case: u32,
    time: i64,
    activity: u32,
}

/// Interns names so each distinct case or activity is stored once: the
/// index and the list share one allocation per name, so a log whose every
/// activity is distinct costs one copy of its names, not two.
#[derive(Default)]
struct Names {
    index: HashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Names {
    fn intern(&mut self, bytes: &[u8]) -> u32 {
        // A name that is not UTF-8 is shown with replacement characters;
        // two that differ only in their broken bytes read the same, so they
        // count as one.
        let name = String::from_utf8_lossy(bytes);
        if let Some(&i) = self.index.get(name.as_ref()) {
            return i;
        }
        let i = self.names.len() as u32;
        let name: Arc<str> = Arc::from(name);
        self.index.insert(name.clone(), i);
        self.names.push(name);
        i
    }

    /// The names in the order they were first seen, the index let go.
    fn into_names(self) -> Vec<Arc<str>> {
        self.names
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DfgEdge {
    pub from: Arc<str>,
    pub to: Arc<str>,
    pub count: u64,
}

/// Activity names are shared, not copied, across variants: a log of
/// 20,000 distinct cases has as many variants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub activities: Vec<Arc<str>>,
    pub count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Throughput {
    pub median: f64,
    pub p90: f64,
}

/// What a log shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub cases: usize,
    pub events: usize,
    /// Directly-follows counts, most frequent first.
    pub dfg: Vec<DfgEdge>,
    pub start: BTreeMap<Arc<str>, u64>,
    pub end: BTreeMap<Arc<str>, u64>,
    /// Activity sequences with the number of cases that follow each, most
    /// frequent first.
    pub variants: Vec<Variant>,
    /// Days from a case's first event to its last.
    pub throughput_days: Throughput,
    /// Rows skipped with `--skip-bad-rows`.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped_rows: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Read a log and summarise it. With `skip_bad_rows`, rows that cannot be
/// read are counted and left out; otherwise the first one is an error.
pub fn summarise(
    input: impl Read,
    columns: &Columns,
    skip_bad_rows: bool,
) -> Result<Summary, EventError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .byte_headers()
        .map_err(|e| EventError {
            line: Some(1),
            message: format!("cannot read the header row: {e}"),
            hint: None,
        })?
        .clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    if names.iter().all(String::is_empty) {
        return Err(EventError {
            line: None,
            message: "the log is empty: there is no header row naming the columns".into(),
            hint: Some(format!(
                "the first row names the columns, for example `{},{},{}`",
                columns.case, columns.activity, columns.time
            )),
        });
    }
    let find = |wanted: &str, flag: &str| {
        names
            .iter()
            .position(|n| n == wanted)
            .ok_or_else(|| EventError {
                line: Some(1),
                message: format!("no column `{wanted}` in the header"),
                hint: Some(
                    did_you_mean(wanted, names.iter().map(String::as_str))
                        .map(|d| format!("{d} (choose it with {flag})"))
                        .unwrap_or_else(|| {
                            format!(
                                "the columns are {}; choose one with {flag}",
                                names.join(", ")
                            )
                        }),
                ),
            })
    };
    let (case_col, activity_col, time_col) = (
        find(&columns.case, "--case")?,
        find(&columns.activity, "--activity")?,
        find(&columns.time, "--time")?,
    );

    let mut cases = Names::default();
    let mut activities = Names::default();
    let mut events: Vec<Event> = Vec::new();
    let mut skipped = 0u64;
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) if skip_bad_rows => {
                skipped += 1;
                let _ = e;
                continue;
            }
            Err(e) => {
                return Err(EventError {
                    line: Some(line),
                    message: format!("cannot read the row: {e}"),
                    hint: None,
                });
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let parsed = (|| {
            let case = record
                .get(case_col)
                .filter(|c| !c.is_empty())
                .ok_or("the case id is missing")?;
            let activity = record
                .get(activity_col)
                .filter(|a| !a.is_empty())
                .ok_or("the activity is missing")?;
            let time = record.get(time_col).ok_or("the timestamp is missing")?;
            let time = parse_timestamp(time).ok_or("the timestamp is not a date and time")?;
            Ok::<_, &str>((case, activity, time))
        })();
        match parsed {
            Ok((case, activity, time)) => events.push(Event {
                case: cases.intern(case),
                time,
                activity: activities.intern(activity),
            }),
            Err(_) if skip_bad_rows => skipped += 1,
            Err(problem) => {
                let shown = record
                    .get(time_col)
                    .map(String::from_utf8_lossy)
                    .unwrap_or_default();
                return Err(EventError {
                    line: Some(line),
                    message: format!("{problem} (time: `{shown}`)"),
                    hint: Some(
                        "timestamps look like 2011-10-11 13:45:40.276+02:00 or 2011-10-11T13:45:40Z; use --skip-bad-rows to leave bad rows out"
                            .into(),
                    ),
                });
            }
        }
    }
    Ok(summarise_events(
        events,
        cases.into_names().len(),
        &activities.into_names(),
        skipped,
    ))
}

fn summarise_events(
    mut events: Vec<Event>,
    case_count: usize,
    activities: &[Arc<str>],
    skipped: u64,
) -> Summary {
    // Stable: events at the same time keep their file order.
    events.sort_by_key(|e| (e.case, e.time));
    let mut dfg: HashMap<(u32, u32), u64> = HashMap::default();
    let mut start = vec![0u64; activities.len()];
    let mut end = vec![0u64; activities.len()];
    let mut variants: HashMap<Vec<u32>, u64> = HashMap::default();
    let mut durations: Vec<f64> = Vec::with_capacity(case_count);
    let mut trace: Vec<u32> = Vec::new();
    for case in events.chunk_by(|a, b| a.case == b.case) {
        let (first, last) = (case[0], case[case.len() - 1]);
        start[first.activity as usize] += 1;
        end[last.activity as usize] += 1;
        for pair in case.windows(2) {
            *dfg.entry((pair[0].activity, pair[1].activity)).or_default() += 1;
        }
        trace.clear();
        trace.extend(case.iter().map(|e| e.activity));
        match variants.get_mut(trace.as_slice()) {
            Some(count) => *count += 1,
            None => {
                variants.insert(trace.clone(), 1);
            }
        }
        durations.push((last.time - first.time) as f64 / 86_400_000_000.0);
    }
    let name = |a: u32| activities[a as usize].clone();
    let mut dfg: Vec<DfgEdge> = dfg
        .into_iter()
        .map(|((f, t), count)| DfgEdge {
            from: name(f),
            to: name(t),
            count,
        })
        .collect();
    dfg.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    let mut variants: Vec<Variant> = variants
        .into_iter()
        .map(|(trace, count)| Variant {
            activities: trace.into_iter().map(name).collect(),
            count,
        })
        .collect();
    variants.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.activities.cmp(&b.activities))
    });
    let counts = |v: Vec<u64>| -> BTreeMap<Arc<str>, u64> {
        v.into_iter()
            .enumerate()
            .filter(|(_, c)| *c > 0)
            .map(|(a, c)| (name(a as u32), c))
            .collect()
    };
    durations.sort_by(f64::total_cmp);
    Summary {
        cases: durations.len(),
        events: events.len(),
        dfg,
        start: counts(start),
        end: counts(end),
        variants,
        throughput_days: Throughput {
            median: quantile(&durations, 0.5),
            p90: quantile(&durations, 0.9),
        },
        skipped_rows: skipped,
    }
}

/// Linear interpolation between closest ranks (numpy's default), on
/// sorted values; 0 for none.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = pos.ceil() as usize;
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// Parse `YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][Z|±HH[:MM]]` to
/// microseconds since the epoch, UTC. A time without an offset is taken as
/// UTC. Hand-written because it runs once per event.
pub fn parse_timestamp(bytes: &[u8]) -> Option<i64> {
    let s = trim(bytes);
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    if s.len() < 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut micros = days_from_civil(year, month, day) * 86_400_000_000;
    let mut i = 10;
    if i < s.len() && (s[i] == b' ' || s[i] == b'T') {
        let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
        if s.get(i + 3) != Some(&b':') || h > 23 || m > 59 {
            return None;
        }
        i += 6;
        let mut sec = 0;
        if s.get(i) == Some(&b':') {
            sec = num(i + 1, 2)?;
            if sec > 60 {
                return None;
            }
            i += 3;
        }
        let mut frac = 0i64;
        if s.get(i) == Some(&b'.') || s.get(i) == Some(&b',') {
            i += 1;
            let mut digits = 0;
            while let Some(&c) = s.get(i).filter(|c| c.is_ascii_digit()) {
                if digits < 6 {
                    frac = frac * 10 + i64::from(c - b'0');
                    digits += 1;
                }
                i += 1;
            }
            if digits == 0 {
                return None;
            }
            frac *= 10i64.pow(6 - digits);
        }
        micros += ((h * 60 + m) * 60 + sec) * 1_000_000 + frac;
    }
    match s.get(i) {
        None => Some(micros),
        Some(b'Z') if i + 1 == s.len() => Some(micros),
        Some(&sign @ (b'+' | b'-')) => {
            let oh = num(i + 1, 2)?;
            let om = match s.len() - (i + 3) {
                0 => 0,
                3 if s[i + 3] == b':' => num(i + 4, 2)?,
                2 => num(i + 3, 2)?,
                _ => return None,
            };
            let offset = (oh * 60 + om) * 60_000_000;
            Some(if sign == b'+' {
                micros - offset
            } else {
                micros + offset
            })
        }
        _ => None,
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_with_offsets_become_utc_instants() {
        let t = |s: &str| parse_timestamp(s.as_bytes());
        assert_eq!(t("1970-01-01 00:00:00"), Some(0));
        assert_eq!(t("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(t("1970-01-01 00:00:00Z"), Some(0));
        assert_eq!(t("1970-01-02"), Some(86_400_000_000));
        assert_eq!(
            t("2011-10-11 13:45:40.276000+02:00"),
            t("2011-10-11 11:45:40.276Z")
        );
        assert_eq!(t("2000-03-01 00:00:00-0130"), t("2000-03-01 01:30:00"));
        assert_eq!(
            t("2024-02-29 12:00"),
            Some(days_from_civil(2024, 2, 29) * 86_400_000_000 + 12 * 3_600_000_000)
        );
        for bad in [
            "",
            "2023-02-29",
            "2011-13-01 00:00",
            "2011-10-11 25:00",
            "yesterday",
            "2011-10-11 13:45:40+2",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_from_civil_matches_chrono() {
        use chrono::NaiveDate;
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for (y, m, d) in [
            (1899, 12, 31),
            (1970, 1, 1),
            (2000, 2, 29),
            (2026, 11, 23),
            (2100, 3, 1),
        ] {
            let expected = (NaiveDate::from_ymd_opt(y, m, d).unwrap() - epoch).num_days();
            assert_eq!(
                days_from_civil(i64::from(y), i64::from(m), i64::from(d)),
                expected
            );
        }
    }

    #[test]
    fn ties_keep_file_order_and_cases_sort_by_time() {
        let log = "case,act,time\n1,b,2020-01-01 10:00\n1,a,2020-01-01 09:00\n1,c,2020-01-01 10:00\n2,a,2020-01-02 00:00\n2,c,2020-01-03 00:00\n";
        let cols = Columns {
            case: "case".into(),
            activity: "act".into(),
            time: "time".into(),
        };
        let s = summarise(log.as_bytes(), &cols, false).unwrap();
        assert_eq!((s.cases, s.events), (2, 5));
        assert_eq!(
            s.variants[0]
                .activities
                .iter()
                .map(|a| &a[..])
                .collect::<Vec<_>>(),
            ["a", "b", "c"],
            "b then c: same time, file order"
        );
        assert_eq!(s.start.get("a"), Some(&2));
        assert_eq!(s.end.get("c"), Some(&2));
        let ac = s
            .dfg
            .iter()
            .find(|e| &e.from[..] == "a" && &e.to[..] == "c")
            .map(|e| e.count);
        assert_eq!(ac, Some(1));
        assert_eq!(s.throughput_days.median, (1.0 / 24.0 + 1.0) / 2.0);
    }

    #[test]
    fn bad_rows_are_errors_with_lines_or_skipped() {
        let log = "case,act,time\n1,a,2020-01-01\n1,b,not a time\n";
        let cols = Columns {
            case: "case".into(),
            activity: "act".into(),
            time: "time".into(),
        };
        let err = summarise(log.as_bytes(), &cols, false).unwrap_err();
        assert_eq!(err.line, Some(3));
        let s = summarise(log.as_bytes(), &cols, true).unwrap();
        assert_eq!((s.events, s.skipped_rows), (1, 1));
    }

    #[test]
    fn a_missing_column_names_the_near_miss() {
        let err = summarise(
            "case,activity,time\n".as_bytes(),
            &Columns {
                case: "case".into(),
                activity: "activty".into(),
                time: "time".into(),
            },
            false,
        )
        .unwrap_err();
        assert!(err.hint.unwrap().contains("did you mean `activity`?"));
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert!((quantile(&[1.0, 2.0, 3.0, 4.0], 0.9) - 3.7).abs() < 1e-12);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
