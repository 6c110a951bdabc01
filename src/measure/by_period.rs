//! The wide table of term frequencies, `terms_by_period.csv`: one row per term with its total,
//! its count and rate in each period, and its trend across the periods (Cochran–Armitage,
//! [`stats::TrendBase`], as [`super::trends`] tests themes). Made a block of rows at a time
//! ([`WideTable::blocks`]) from each term's periods with a count, so memory grows with the
//! corpus's (term, period) counts, not with terms times periods: 335 monthly periods of a
//! long vocabulary would otherwise fill gigabytes with zeros.

use polars::prelude::*;
use rustc_hash::FxHashMap;

use super::{stats, trends, Blocks};
use crate::count::Counts;

/// The cells of a block, at most: a block of a table with many periods has fewer rows.
const BLOCK_CELLS: usize = 1 << 21;

/// A term's trend across the periods, when it was tested (seen at least `min_count` times).
#[derive(Debug, Clone, Copy)]
struct Trend {
    /// z and p of [`stats::trend_test`]; `None` when the test cannot be made.
    test: Option<(f64, f64)>,
    /// Benjamini–Hochberg over the terms tested.
    p_adjusted: Option<f64>,
}

/// A term's count in one period, and the documents of the period that hold it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cell {
    /// The period's index, in time order.
    pub(crate) period: u32,
    pub(crate) docs: u32,
    pub(crate) count: u64,
}

/// terms_by_period.csv, in row order (total, descending, then term), ready to be made a
/// block at a time.
pub(crate) struct WideTable<'a> {
    /// Each period's label and word tokens, in time order.
    periods: Vec<(&'a str, u64)>,
    /// The terms in row order, with their totals.
    terms: Vec<(&'a str, u64)>,
    /// Row `r`'s counts are `cells[starts[r]..starts[r + 1]]`, in period order.
    starts: Vec<usize>,
    cells: Vec<Cell>,
    /// Per row: its trend, `None` when the term was not tested.
    trends: Vec<Option<Trend>>,
}

impl<'a> WideTable<'a> {
    /// The table of `counts`, terms seen at least `min_count` times tested for a trend (the
    /// p-values adjusted over those terms).
    pub(crate) fn new(counts: &'a Counts, min_count: u64) -> WideTable<'a> {
        let periods: Vec<(&str, u64)> = counts
            .periods
            .iter()
            .map(|(p, c)| (p.as_str(), c.tokens))
            .collect();
        // Each term once, in order of first sight, with its (period, count) cells.
        let mut row_of: FxHashMap<&str, u32> = FxHashMap::default();
        let mut seen: Vec<&str> = Vec::new();
        let mut entries: Vec<(u32, Cell)> = Vec::new();
        for (i, c) in counts.periods.values().enumerate() {
            for (t, tc) in &c.terms {
                let row = *row_of.entry(t).or_insert_with(|| {
                    seen.push(t);
                    seen.len() as u32 - 1
                });
                let cell = Cell {
                    period: i as u32,
                    docs: tc.docs.min(u32::MAX as u64) as u32,
                    count: tc.count,
                };
                entries.push((row, cell));
            }
        }
        drop(row_of);
        let mut totals = vec![0u64; seen.len()];
        for (row, cell) in &entries {
            totals[*row as usize] += cell.count;
        }
        let mut order: Vec<u32> = (0..seen.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            totals[b].cmp(&totals[a]).then(seen[a].cmp(seen[b]))
        });
        let mut place = vec![0u32; seen.len()];
        for (r, &row) in order.iter().enumerate() {
            place[row as usize] = r as u32;
        }
        // Cells grouped by row (a counting sort; within a row, periods stay in order).
        let mut starts = vec![0usize; seen.len() + 1];
        for (row, _) in &entries {
            starts[place[*row as usize] as usize + 1] += 1;
        }
        for r in 0..seen.len() {
            starts[r + 1] += starts[r];
        }
        let mut next = starts.clone();
        let mut cells = vec![Cell::default(); entries.len()];
        for (row, cell) in entries {
            let r = place[row as usize] as usize;
            cells[next[r]] = cell;
            next[r] += 1;
        }
        let terms: Vec<(&str, u64)> = order
            .iter()
            .map(|&row| (seen[row as usize], totals[row as usize]))
            .collect();
        let mut table = WideTable {
            periods,
            terms,
            starts,
            cells,
            trends: Vec::new(),
        };
        table.trends = table.trends(min_count);
        table
    }

    /// Each row's trend: terms seen at least `min_count` times are tested, and their
    /// p-values adjusted together.
    fn trends(&self, min_count: u64) -> Vec<Option<Trend>> {
        use rayon::prelude::*;
        let tokens: Vec<u64> = self.periods.iter().map(|p| p.1).collect();
        let base = stats::TrendBase::new(&tokens);
        let tests: Vec<Option<Option<(f64, f64)>>> = (0..self.terms.len())
            .into_par_iter()
            .map(|r| {
                let hits = self.row(r).iter().map(|c| (c.period as usize, c.count));
                (self.terms[r].1 >= min_count).then(|| base.test(hits))
            })
            .collect();
        let made: Vec<f64> = tests.iter().flatten().flatten().map(|t| t.1).collect();
        let mut adjusted = stats::benjamini_hochberg(&made).into_iter();
        tests
            .into_iter()
            .map(|t| {
                t.map(|test| Trend {
                    test,
                    p_adjusted: test.and_then(|_| adjusted.next()),
                })
            })
            .collect()
    }

    /// Row `r`'s counts, in period order (periods without the term left out).
    pub(crate) fn row(&self, r: usize) -> &[Cell] {
        &self.cells[self.starts[r]..self.starts[r + 1]]
    }

    /// Each period's label and word tokens, in time order.
    pub(crate) fn periods(&self) -> &[(&'a str, u64)] {
        &self.periods
    }

    /// Rows in the table.
    pub(crate) fn len(&self) -> usize {
        self.terms.len()
    }

    /// The terms in row order (most frequent first) with their totals.
    pub(crate) fn terms(&self) -> &[(&'a str, u64)] {
        &self.terms
    }

    /// Rows per block: fewer when periods are many.
    fn block_rows(&self) -> usize {
        let width = 2 * self.periods.len() + 8;
        (BLOCK_CELLS / width).clamp(256, super::block_rows())
    }

    /// The table a block of rows at a time (at least one block, so an empty table still has
    /// its columns).
    pub(crate) fn blocks(&'a self, labels: &'a crate::measure::Labels) -> Blocks<'a> {
        let block = self.block_rows();
        let starts: Vec<usize> = (0..self.len().max(1)).step_by(block).collect();
        Box::new(
            starts
                .into_iter()
                .map(move |start| self.rows(labels, start..(start + block).min(self.len()))),
        )
    }

    /// Rows `range`: term, n, word, total, then count_P and per_10k_P for each period P,
    /// then trend_z, trend_p_value, trend_p_adjusted and trend (empty for a term not tested).
    pub(crate) fn rows(
        &self,
        labels: &crate::measure::Labels,
        range: std::ops::Range<usize>,
    ) -> PolarsResult<DataFrame> {
        let terms = &self.terms[range.clone()];
        let mut columns = vec![
            Column::new("term".into(), terms.iter().map(|t| t.0).collect::<Vec<_>>()),
            Column::new(
                "n".into(),
                terms
                    .iter()
                    .map(|t| t.0.split(' ').count() as u32)
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "word".into(),
                terms
                    .iter()
                    .map(|t| labels.get(t.0).map(|l| &**l))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "total".into(),
                terms.iter().map(|t| t.1).collect::<Vec<_>>(),
            ),
        ];
        let mut dense = vec![vec![0u64; range.len()]; self.periods.len()];
        for (k, r) in range.clone().enumerate() {
            for c in self.row(r) {
                dense[c.period as usize][k] = c.count;
            }
        }
        for (&(label, tokens), counts) in self.periods.iter().zip(dense) {
            let rates: Vec<f64> = counts
                .iter()
                .map(|&n| {
                    if n == 0 {
                        0.0
                    } else {
                        stats::per_10k(n, tokens)
                    }
                })
                .collect();
            columns.push(Column::new(format!("count_{label}").into(), counts));
            columns.push(Column::new(format!("per_10k_{label}").into(), rates));
        }
        let trends = &self.trends[range];
        let test = |f: fn((f64, f64)) -> f64| -> Vec<Option<f64>> {
            trends
                .iter()
                .map(|t| t.and_then(|t| t.test).map(f))
                .collect()
        };
        columns.push(Column::new("trend_z".into(), test(|t| t.0)));
        columns.push(Column::new("trend_p_value".into(), test(|t| t.1)));
        columns.push(Column::new(
            "trend_p_adjusted".into(),
            trends
                .iter()
                .map(|t| t.and_then(|t| t.p_adjusted))
                .collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            "trend".into(),
            trends
                .iter()
                .map(|t| t.map(|t| trends::trend_word(t.test.map(|t| t.0), t.p_adjusted)))
                .collect::<Vec<_>>(),
        ));
        DataFrame::new_infer_height(columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{PeriodCounts, TermCount};

    /// "rise" climbs 2, 10, 30 per 1000 tokens; "flat" stays at 10; "rare" occurs once; "gap"
    /// is absent from the middle period.
    fn corpus() -> Counts {
        let mut counts = Counts::default();
        for (p, terms) in [
            ("2001", [("rise", 2), ("flat", 10), ("rare", 0), ("gap", 4)]),
            (
                "2002",
                [("rise", 10), ("flat", 10), ("rare", 1), ("gap", 0)],
            ),
            (
                "2003",
                [("rise", 30), ("flat", 10), ("rare", 0), ("gap", 5)],
            ),
        ] {
            let mut c = PeriodCounts {
                docs: 1,
                tokens: 1000,
                ..Default::default()
            };
            for (t, n) in terms.into_iter().filter(|t| t.1 > 0) {
                let count = TermCount {
                    count: n,
                    docs: 1,
                    max_doc: n,
                    spread: None,
                };
                c.terms.insert(std::sync::Arc::<str>::from(t), count);
            }
            counts.periods.insert(p.into(), c);
        }
        counts
    }

    fn labels() -> crate::measure::Labels {
        FxHashMap::default()
    }

    #[test]
    fn rows_by_total_with_zeros_where_absent_and_trends_of_tested_terms() {
        let counts = corpus();
        let table = WideTable::new(&counts, 2);
        let df = table.rows(&labels(), 0..table.len()).unwrap();
        let names: Vec<&str> = df.get_column_names().iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "term",
                "n",
                "word",
                "total",
                "count_2001",
                "per_10k_2001",
                "count_2002",
                "per_10k_2002",
                "count_2003",
                "per_10k_2003",
                "trend_z",
                "trend_p_value",
                "trend_p_adjusted",
                "trend"
            ]
        );
        assert_eq!(
            super::super::texts(&df, "term"),
            ["rise", "flat", "gap", "rare"]
        );
        let c2002: Vec<u64> = (df.column("count_2002").unwrap().u64().unwrap())
            .into_no_null_iter()
            .collect();
        assert_eq!(c2002, [10, 10, 0, 1]);
        let trend: Vec<Option<&str>> = df.column("trend").unwrap().str().unwrap().iter().collect();
        // `rare` (1 < 2) is not tested: no trend at all, not "no clear trend".
        assert_eq!(
            trend,
            [
                Some("rising"),
                Some("no clear trend"),
                Some("no clear trend"),
                None
            ]
        );
        let z = df.column("trend_z").unwrap().f64().unwrap();
        let (expected, _) = stats::trend_test(&[(2, 1000), (10, 1000), (30, 1000)]).unwrap();
        assert_eq!(z.get(0), Some(expected));
        let (gap, _) = stats::trend_test(&[(4, 1000), (0, 1000), (5, 1000)]).unwrap();
        assert_eq!(z.get(2), Some(gap));
        // Three terms tested: "rise", "flat", "gap"; their p-values adjusted together.
        let p: Vec<f64> = (0..3)
            .map(|r| {
                df.column("trend_p_value")
                    .unwrap()
                    .f64()
                    .unwrap()
                    .get(r)
                    .unwrap()
            })
            .collect();
        let adjusted = stats::benjamini_hochberg(&p);
        let got: Vec<f64> = (0..3)
            .map(|r| {
                (df.column("trend_p_adjusted").unwrap().f64().unwrap())
                    .get(r)
                    .unwrap()
            })
            .collect();
        assert_eq!(got, adjusted);
    }

    #[test]
    fn blocks_of_any_size_make_the_whole_table() {
        let counts = corpus();
        let table = WideTable::new(&counts, 2);
        let whole = table.rows(&labels(), 0..table.len()).unwrap();
        for size in [1, 2, 3, 5] {
            let mut parts = table.rows(&labels(), 0..size.min(4)).unwrap();
            let mut start = size.min(4);
            while start < 4 {
                let end = (start + size).min(4);
                parts
                    .vstack_mut(&table.rows(&labels(), start..end).unwrap())
                    .unwrap();
                start = end;
            }
            assert!(parts.equals_missing(&whole), "blocks of {size}");
        }
        let empty = Counts::default();
        let none = WideTable::new(&empty, 2);
        let blocks: Vec<DataFrame> = none.blocks(&labels()).map(Result::unwrap).collect();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].height(), 0);
    }
}
