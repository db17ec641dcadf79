//! What a public output may show, and disclosure control for what it only
//! counts.
//!
//! [`View`] decides, once for every command that writes for readers, what
//! an output draws on: a public one the assessment's public view (only
//! journeys with consent to publish, nothing marked internal) and, apart
//! from it, the journeys consented for counting only, stripped to what is
//! counted; an internal one everything.
//!
//! What is published journey by journey is not pretended hidden: each
//! published journey is shown in full, so the tables adding them up give
//! exact counts (a reader could add them up from the journeys anyway).
//! What is only counted (journeys with `consent: count`, indicators that
//! count people) must never be recoverable from totals, means or
//! differences. A public document must not let a reader single out a
//! survivor, so for those counts:
//! - *primary suppression*: a count from 1 to N-1 is shown as "fewer than
//!   N" (0 is shown: it describes nobody);
//! - *secondary suppression*: in a table column whose total is published,
//!   the hidden cells must not be recoverable by subtracting the shown cells
//!   from the total. So a column never has exactly one hidden cell, and its
//!   hidden cells add up to at least N; the smallest other counts are hidden
//!   until both hold ("not shown"), or the total itself when no count is
//!   left to hide.
//!
//! - *means*: a mean is shown only beside a count that is shown. Feelings
//!   are whole numbers from -3 to 3, so a mean to one decimal narrows the
//!   count it was taken over: +0.8 from fewer than 5 visits can only be 4
//!   visits adding up to 3.
//! - *differences*: a change between two values (an indicator's trend in
//!   percent) is not shown when either is hidden, and a hidden value is
//!   not drawn at its height.
//!
//! The rule is stated for readers in the needs assessment's method appendix.

use crate::gaps::number;
use crate::model::{Assessment, Journey, Unit};

/// How a count hidden to protect a small one is shown.
pub(crate) const NOT_SHOWN: &str = "not shown";

/// The threshold below which counts are hidden; 0 or 1 hides nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Suppression {
    pub below: u32,
}

/// How one count of a column is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell {
    Shown(usize),
    /// Below the threshold.
    Small,
    /// Hidden so that a small count cannot be worked out from the total.
    Complementary,
}

/// A column of counts with its total, as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub cells: Vec<Cell>,
    pub total: Cell,
}

impl Suppression {
    /// Nothing hidden: for what is published journey by journey, and for
    /// internal builds.
    pub(crate) const NONE: Suppression = Suppression { below: 0 };

    /// Whether a count of `n` is too small to publish.
    pub(crate) fn is_small(&self, n: usize) -> bool {
        n > 0 && (n as u64) < u64::from(self.below)
    }

    /// Whether an indicator's value is a count of people too small to
    /// publish (a fraction such as an average counts too).
    pub(crate) fn hides_value(&self, unit: Unit, v: f64) -> bool {
        unit == Unit::Count && v > 0.0 && v < f64::from(self.below)
    }

    fn single(&self, n: usize) -> Cell {
        if self.is_small(n) {
            Cell::Small
        } else {
            Cell::Shown(n)
        }
    }

    /// The words for a published cell.
    pub(crate) fn show(&self, cell: Cell) -> String {
        match cell {
            Cell::Shown(n) => number(n as f64),
            Cell::Small => format!("fewer than {}", self.below),
            Cell::Complementary => NOT_SHOWN.to_owned(),
        }
    }

    /// Primary and secondary suppression of one column whose `total` is
    /// published beside it. The total need not be the sum of the cells (a
    /// journey can count in several cohorts); the rule treats it as one all
    /// the same, which can only hide more.
    pub(crate) fn column(&self, counts: &[usize], total: usize) -> Column {
        self.column_capped(counts, &[], total)
    }

    /// [`Suppression::column`] where the reader knows a ceiling for some
    /// cells from elsewhere in their row (refusals at a service are at most
    /// its visits, which are shown): `caps[i]`, when given, bounds cell `i`.
    /// A hidden count with a low ceiling cannot soak up the difference, so
    /// it protects less.
    pub(crate) fn column_capped(
        &self,
        counts: &[usize],
        caps: &[Option<usize>],
        total: usize,
    ) -> Column {
        let mut cells: Vec<Cell> = counts.iter().map(|&n| self.single(n)).collect();
        let total_cell = self.single(total);
        if total_cell == Cell::Small {
            // Every count in the column is small too: nothing to subtract.
            return Column {
                cells,
                total: total_cell,
            };
        }
        while !self.total_tells_nothing(&cells, counts, caps, total) {
            let shown = |i: &usize| matches!(cells[*i], Cell::Shown(n) if n > 0);
            let mut candidates: Vec<usize> = (0..counts.len()).filter(shown).collect();
            // Hide as little as possible: the smallest count that is enough
            // on its own, else the largest and look again.
            candidates.sort_by_key(|&i| (counts[i], i));
            let enough = candidates.iter().copied().find(|&i| {
                let mut trial = cells.clone();
                trial[i] = Cell::Complementary;
                self.total_tells_nothing(&trial, counts, caps, total)
            });
            match enough.or(candidates.last().copied()) {
                Some(i) => cells[i] = Cell::Complementary,
                None => {
                    return Column {
                        cells,
                        total: Cell::Complementary,
                    };
                }
            }
        }
        Column {
            cells,
            total: total_cell,
        }
    }

    /// Whether a reader who subtracts the shown counts from the total learns
    /// nothing more about any small count than "fewer than N": each could
    /// still be anything from 1 to N-1, given that the other hidden counts
    /// are small (1 to N-1) or not shown (N or more, since a small one would
    /// say so). Small counts are interchangeable here, so one test covers all.
    ///
    /// What the total tells depends on how the cells relate to it: their
    /// sum when each unit is counted in exactly one row; at least the total
    /// when a unit can be counted in several rows (a journey in two
    /// cohorts); at most the total when some units are in no row. The reader
    /// is assumed to know which holds.
    fn total_tells_nothing(
        &self,
        cells: &[Cell],
        counts: &[usize],
        caps: &[Option<usize>],
        total: usize,
    ) -> bool {
        let b = self.below as i64;
        let smalls = cells.iter().filter(|c| **c == Cell::Small).count() as i64;
        if smalls == 0 {
            return true;
        }
        let complementary = cells.iter().filter(|c| **c == Cell::Complementary).count() as i64;
        let shown: i64 = cells
            .iter()
            .filter_map(|c| match c {
                Cell::Shown(n) => Some(*n as i64),
                _ => None,
            })
            .sum();
        // What the hidden counts add up to (exactly, at least or at most).
        let rest = total as i64 - shown;
        let sum: usize = counts.iter().sum();
        // If the hidden counts add up to at most `rest`: the most one small
        // count can be is what is left once every other is at its least.
        let upper_ok = sum > total || rest - (smalls - 1) - complementary * b >= b - 1;
        // If they add up to at least `rest`: the least it can be is what is
        // left once the others are at their most. A count not shown can be
        // any amount up to its ceiling; without one it can take up
        // everything.
        let ceilings: Option<i64> = cells
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == Cell::Complementary)
            .map(|(i, _)| caps.get(i).copied().flatten().map(|c| c as i64))
            .sum();
        let lower_ok = sum < total
            || match ceilings {
                None => true,
                Some(most_hidden) => rest - (smalls - 1) * (b - 1) - most_hidden <= 1,
            };
        upper_ok && lower_ok
    }

    /// Two columns in different tables that publish the same total (all
    /// refusals, by service and by cohort): `exact`, whose cells add up to
    /// it, and `overlapping`, whose cells can count a unit twice (so each
    /// is at most the total). A total hidden in one must be hidden in the
    /// other; and since every shown count of the overlapping column would
    /// still bound the hidden total from below, those are hidden too. With
    /// its total hidden, the exact column needs no cell hidden beyond its
    /// small counts.
    pub(crate) fn linked(
        &self,
        exact: (&[usize], &[Option<usize>], usize),
        overlapping: (&[usize], &[Option<usize>], usize),
    ) -> (Column, Column) {
        let ca = self.column_capped(exact.0, exact.1, exact.2);
        let cb = self.column_capped(overlapping.0, overlapping.1, overlapping.2);
        if ca.total == Cell::Complementary || cb.total == Cell::Complementary {
            (self.without_total(exact.0), Self::all_hidden(overlapping.0))
        } else {
            (ca, cb)
        }
    }

    fn without_total(&self, counts: &[usize]) -> Column {
        Column {
            cells: counts.iter().map(|&n| self.single(n)).collect(),
            total: Cell::Complementary,
        }
    }

    /// Only the zeros shown.
    fn all_hidden(counts: &[usize]) -> Column {
        Column {
            cells: counts
                .iter()
                .map(|&n| match n {
                    0 => Cell::Shown(0),
                    _ => Cell::Complementary,
                })
                .collect(),
            total: Cell::Complementary,
        }
    }

    /// Columns as the rows of a table, in words: `columns[k]` fills column k.
    pub(crate) fn rows_in_words<const N: usize>(
        &self,
        columns: &[Column; N],
    ) -> (Vec<[String; N]>, [String; N]) {
        let height = columns.first().map_or(0, |c| c.cells.len());
        let rows = (0..height)
            .map(|r| std::array::from_fn(|k| self.show(columns[k].cells[r])))
            .collect();
        (rows, std::array::from_fn(|k| self.show(columns[k].total)))
    }
}

/// What an output may draw on.
pub(crate) struct View {
    /// The assessment as the output may show it: in a public view only
    /// journeys with consent to publish, and nothing marked internal.
    pub assessment: Assessment,
    /// Journeys a public view may count but not show, stripped of all but
    /// what is counted ([`Assessment::counted_only`]); none in an internal
    /// view, whose assessment holds every journey.
    pub counted: Vec<Journey>,
    /// How counts from `counted` and indicator counts are published.
    pub suppression: Suppression,
    public: bool,
}

impl View {
    /// The public view unless `internal`, hiding counts below
    /// `suppress_below` there.
    pub(crate) fn of(full: &Assessment, internal: bool, suppress_below: u32) -> View {
        if internal {
            View {
                assessment: full.clone(),
                counted: Vec::new(),
                suppression: Suppression::NONE,
                public: false,
            }
        } else {
            View {
                assessment: full.public_view(),
                counted: full.counted_only(),
                suppression: Suppression {
                    below: suppress_below,
                },
                public: true,
            }
        }
    }

    pub(crate) fn is_public(&self) -> bool {
        self.public
    }

    /// What the journeys counted but not published add up to, if there are
    /// any: the counts only. Their touchpoints are in name order (the order
    /// of first visit would trace one journey's path), and the routes they
    /// took are dropped (a route is a journey's own).
    pub(crate) fn counted_report(
        &self,
        g: &crate::graph::PathwayGraph,
    ) -> Option<crate::journeys::JourneyReport> {
        if self.counted.is_empty() {
            return None;
        }
        let journeys: Vec<&Journey> = self.counted.iter().collect();
        let mut r = crate::journeys::report_of(g, &journeys);
        r.by_touchpoint.sort_by(|x, y| x.name.cmp(&y.name));
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::*;

    const FIVE: Suppression = Suppression { below: 5 };

    #[test]
    fn single_counts() {
        let count = |s: Suppression, n| s.show(s.single(n));
        assert_eq!(count(FIVE, 3), "fewer than 5");
        assert_eq!(count(FIVE, 5), "5");
        assert_eq!(count(FIVE, 0), "0");
        assert_eq!(count(Suppression { below: 0 }, 1), "1");
    }

    #[test]
    fn a_lone_small_count_takes_another_with_it() {
        // 3 + 7 = 10 hidden: the 3 could be 1 to 4 (7 or more not shown).
        let c = FIVE.column(&[12, 3, 0, 7, 9], 31);
        assert_eq!(
            c.cells,
            [Shown(12), Small, Shown(0), Complementary, Shown(9)]
        );
        assert_eq!(c.total, Shown(31));
        // 1 + 5 = 6 would give the 1 away (the 5 is at least 5): hide 9.
        let c = FIVE.column(&[1, 5, 9, 20], 35);
        assert_eq!(c.cells, [Small, Shown(5), Complementary, Shown(20)]);
    }

    #[test]
    fn small_counts_must_not_give_each_other_away() {
        // 1 + 1 = 2 would tell the reader both are 1; 4 + 4 = 8 both are 4.
        let c = FIVE.column(&[1, 1, 20, 8], 30);
        assert_eq!(c.cells, [Small, Small, Shown(20), Complementary]);
        let c = FIVE.column(&[4, 4, 20, 8], 36);
        assert_eq!(c.cells, [Small, Small, Shown(20), Complementary]);
        // 2 + 3 = 5: either could be 1 to 4.
        let c = FIVE.column(&[2, 3, 20], 25);
        assert_eq!(c.cells, [Small, Small, Shown(20)]);
    }

    #[test]
    fn nothing_left_to_hide_hides_the_total() {
        // 4 + 4 = 8 tells both are 4, and nothing else can be hidden.
        let c = FIVE.column(&[4, 0, 4], 8);
        assert_eq!(c.cells, [Small, Shown(0), Small]);
        assert_eq!(c.total, Complementary);
    }

    #[test]
    fn overlapping_rows_bound_hidden_counts_from_below_only() {
        // Journeys in two cohorts: 3 + 4 is more than the 5 journeys, and a
        // reader learns only that the two add up to at least 5.
        let c = FIVE.column(&[3, 4], 5);
        assert_eq!((c.cells, c.total), (vec![Small, Small], Shown(5)));
        // At least 6 from two counts below 5 means each is at least 2.
        let c = FIVE.column(&[4, 4, 0], 6);
        assert_eq!(c.total, Complementary);
        // Units in no row: the total only caps the hidden counts.
        let c = FIVE.column(&[3, 0, 9], 20);
        assert_eq!(c.cells, [Small, Shown(0), Shown(9)]);
    }

    #[test]
    fn a_total_hidden_in_one_table_is_hidden_in_the_other() {
        // By service, 4 + 4 = 8 gives both away, so 8 is hidden. By cohort
        // (one journey in both cohorts) 3 + 6 is safe against 8, but the 6
        // would tell the reader the hidden total is at least 6, and so each
        // 4 at least 2: every count there is hidden.
        let none: &[Option<usize>] = &[None, None];
        let (by_service, by_cohort) = FIVE.linked((&[4, 4], none, 8), (&[3, 6, 0], &[], 8));
        assert_eq!(by_service.total, Complementary);
        assert_eq!(by_service.cells, [Small, Small]);
        assert_eq!(by_cohort.total, Complementary);
        assert_eq!(by_cohort.cells, [Complementary, Complementary, Shown(0)]);
        let (x, y) = FIVE.linked((&[3, 9], &[], 12), (&[12], &[], 12));
        assert_eq!((x.total, y.total), (Shown(12), Shown(12)));
    }

    #[test]
    fn a_hidden_count_capped_by_its_row_cannot_protect() {
        // Refusals 4, 5, 20 (total 29) at services with 20, 5 and 30
        // visits: hiding the 5 would not do, since it can be no more than
        // its 5 visits, so 29 - 20 - 5 gives the 4 away. Hide the 20
        // (up to 30) instead.
        let caps = [Some(20), Some(5), Some(30)];
        let c = FIVE.column_capped(&[4, 5, 20], &caps, 29);
        assert_eq!(c.cells, [Small, Shown(5), Complementary]);
        assert_eq!(c.total, Shown(29));
    }

    #[test]
    fn a_small_total_protects_its_cells() {
        let c = FIVE.column(&[3, 1], 4);
        assert_eq!((c.cells, c.total), (vec![Small, Small], Small));
    }

    #[test]
    fn columns_without_small_counts_are_untouched() {
        let c = FIVE.column(&[0, 5, 9], 14);
        assert_eq!(c.cells, [Shown(0), Shown(5), Shown(9)]);
        assert_eq!(Suppression { below: 0 }.column(&[1], 1).cells, [Shown(1)]);
    }

    /// How a column's cells relate to its total.
    #[derive(Clone, Copy, Debug)]
    enum Relation {
        Exact,
        AtLeast,
        AtMost,
    }

    /// Every value a hidden small cell could take, found by trying every
    /// assignment of the hidden cells that fits what is published.
    fn possible_values(
        col: &Column,
        caps: &[Option<usize>],
        total: usize,
        cell: usize,
        relation: Relation,
    ) -> Vec<usize> {
        let b = 5;
        let hidden: Vec<usize> = (0..col.cells.len())
            .filter(|&i| !matches!(col.cells[i], Shown(_)))
            .collect();
        let shown: usize = col
            .cells
            .iter()
            .map(|c| if let Shown(n) = c { *n } else { 0 })
            .sum();
        let rest = total as i64 - shown as i64;
        // Values above the total never matter beyond "large enough".
        let cap = total + b;
        let ranges: Vec<Vec<usize>> = hidden
            .iter()
            .map(|&i| match col.cells[i] {
                Small => (1..b).collect(),
                _ => (b..=caps[i].unwrap_or(cap).min(cap)).collect(),
            })
            .collect();
        let at = hidden.iter().position(|&i| i == cell).expect("hidden");
        let mut found = std::collections::BTreeSet::new();
        let mut pick = vec![0usize; hidden.len()];
        loop {
            let values: Vec<usize> = pick.iter().zip(&ranges).map(|(&p, r)| r[p]).collect();
            let sum = values.iter().sum::<usize>() as i64;
            let fits = match relation {
                Relation::Exact => sum == rest,
                Relation::AtLeast => sum >= rest,
                Relation::AtMost => sum <= rest,
            };
            if fits {
                found.insert(values[at]);
            }
            // Next assignment, odometer style.
            let mut k = 0;
            loop {
                if k == pick.len() {
                    return found.into_iter().collect();
                }
                pick[k] += 1;
                if pick[k] < ranges[k].len() {
                    break;
                }
                pick[k] = 0;
                k += 1;
            }
        }
    }

    #[test]
    fn the_total_tells_a_reader_nothing_more_than_fewer_than_five() {
        // Every column of four counts from 0 to 9, with its sum as total,
        // with a smaller total (rows overlap) and a larger one (units in no
        // row); and with no ceilings, ceilings equal to the counts (visits
        // as many as refusals) and a little above them.
        let mut counts = [0usize; 4];
        for code in 0..10usize.pow(4) {
            let mut x = code;
            for c in &mut counts {
                *c = x % 10;
                x /= 10;
            }
            let sum: usize = counts.iter().sum();
            let largest = *counts.iter().max().expect("four");
            let totals = [
                (sum, Relation::Exact),
                (sum.saturating_sub(3).max(largest), Relation::AtLeast),
                (sum + 3, Relation::AtMost),
            ];
            for (total, relation) in totals {
                for headroom in [None, Some(0), Some(2)] {
                    let caps: Vec<Option<usize>> =
                        counts.iter().map(|&n| headroom.map(|h| n + h)).collect();
                    let col = FIVE.column_capped(&counts, &caps, total);
                    if col.total != Shown(total) {
                        continue;
                    }
                    for i in 0..4 {
                        match col.cells[i] {
                            Small => assert_eq!(
                                possible_values(&col, &caps, total, i, relation),
                                [1, 2, 3, 4],
                                "{counts:?} total {total} caps {caps:?} -> {col:?}"
                            ),
                            Shown(n) => assert_eq!(n, counts[i]),
                            Complementary => assert!(counts[i] >= 5),
                        }
                    }
                }
            }
        }
    }
}
