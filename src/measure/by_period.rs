//! The wide table of term frequencies, `terms_by_period.csv`: one row per term with its total,
//! its count and rate in each period, and its trend across the periods (Cochran–Armitage,
//! [`stats::TrendBase`], as [`super::trends`] tests themes). Made a block of rows at a time
//! ([`WideTable::blocks`]) from each term's periods with a count, so memory grows with the
//! corpus's (term, period) counts, not with terms times periods: 335 monthly periods of a
//! long vocabulary would otherwise fill gigabytes with zeros.

use polars::prelude::*;

use super::{stats, trends, Blocks};
use crate::count::{Counts, Entries, TermTable};

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

/// A row's cells as [`Merged`] writes them: each the step from the period before (from 0 for
/// the first), its documents and its count, as variable-length integers (three bytes a cell
/// for most, where the cells themselves take sixteen; at a gigabyte with phrases there are
/// 17 million).
#[derive(Debug, Clone)]
pub(crate) struct Cells<'b> {
    bytes: &'b [u8],
    at: usize,
    period: u32,
}

impl Iterator for Cells<'_> {
    type Item = Cell;

    fn next(&mut self) -> Option<Cell> {
        if self.at == self.bytes.len() {
            return None;
        }
        let get = |at: &mut usize| crate::count::get_varint(self.bytes, at);
        let mut at = self.at;
        self.period += get(&mut at) as u32;
        let docs = get(&mut at).min(u32::MAX as u64) as u32;
        let count = get(&mut at);
        self.at = at;
        Some(Cell {
            period: self.period,
            docs,
            count,
        })
    }
}

/// terms_by_period.csv, in row order (total, descending, then term), ready to be made a
/// block at a time.
pub(crate) struct WideTable<'a> {
    /// Each period's label and word tokens, in time order.
    periods: Vec<(&'a str, u64)>,
    /// The periods' table of terms, when they share one, and every term in text order: its
    /// id in the table (when they share one, else its text), and its total.
    table: Option<&'a TermTable>,
    ids: Vec<u32>,
    texts: Vec<&'a str>,
    totals: Vec<u64>,
    /// The term at text place `i` has its counts in `cells[starts[i]..starts[i + 1]]`, in
    /// period order ([`Cells`]).
    starts: Vec<usize>,
    cells: Vec<u8>,
    /// The text places in row order.
    order: Vec<u32>,
    /// The periods' word tokens as the trend test takes them.
    base: stats::TrendBase,
    /// The adjusted p-values of the trends of the first rows, those of the terms tested (seen
    /// at least `min_count` times: rows are by total, so they come first; `None` where the
    /// test cannot be made); the rest have none. A trend's z and p are worked out again as
    /// its row is written: kept, they would take 24 more bytes a term.
    p_adjusted: Vec<Option<f64>>,
}

/// Terms in text order with their totals, and their cells: a piece of [`WideTable`].
#[derive(Default)]
struct Merged<'a> {
    /// Each term's id in the periods' table of terms, when they share one; else its text.
    ids: Vec<u32>,
    texts: Vec<&'a str>,
    totals: Vec<u64>,
    /// Bytes of cells per term.
    widths: Vec<u32>,
    cells: Vec<u8>,
}

/// One period's terms, by id in its table.
type List<'a> = (&'a TermTable, Entries<'a>);

impl<'a> Merged<'a> {
    /// The terms of `periods` (each in text order, `periods[i]` the `i`th period) in text
    /// order, each with its cells, by a merge of the periods' lists by `key` (of a period's
    /// place and a term's id: the id itself when the periods share one table, else the text).
    fn of<K: Ord + Copy>(
        periods: &[List<'a>],
        key: impl Fn(usize, u32) -> K,
        shared: bool,
    ) -> Merged<'a> {
        use std::cmp::Reverse;
        let mut merged = Merged::default();
        let mut lists: Vec<Entries> = periods.iter().map(|l| l.1).collect();
        let mut heap: std::collections::BinaryHeap<Reverse<(K, u32)>> = (lists.iter())
            .enumerate()
            .filter_map(|(p, terms)| Some(Reverse((key(p, terms.peek_id()?), p as u32))))
            .collect();
        let mut last: Option<K> = None;
        let mut period = 0;
        while let Some(mut top) = heap.peek_mut() {
            let Reverse((k, p)) = *top;
            let p_us = p as usize;
            let (id, count, docs) = lists[p_us].next_sums().expect("peeked");
            if last != Some(k) {
                last = Some(k);
                // Terms on one table are named by id alone.
                match shared {
                    true => merged.ids.push(id),
                    false => merged.texts.push(periods[p_us].0.text(id)),
                }
                merged.totals.push(0);
                merged.widths.push(0);
                period = 0;
            }
            *merged.totals.last_mut().expect("pushed") += count;
            let before = merged.cells.len();
            crate::count::put_varint(&mut merged.cells, (p - period) as u64);
            crate::count::put_varint(&mut merged.cells, docs);
            crate::count::put_varint(&mut merged.cells, count);
            period = p;
            *merged.widths.last_mut().expect("pushed") += (merged.cells.len() - before) as u32;
            match lists[p_us].peek_id() {
                Some(id) => *top = Reverse((key(p_us, id), p)),
                None => {
                    std::collections::binary_heap::PeekMut::pop(top);
                }
            }
        }
        merged
    }

    /// The terms of `periods`, merged in pieces by text on every thread.
    fn par_of(periods: &[List<'a>]) -> Merged<'a> {
        let shared = (periods.windows(2)).all(|w| crate::count::same_table(w[0].0, w[1].0));
        if shared {
            Merged::pieces(periods, |_, id| id, true)
        } else {
            Merged::pieces(periods, |p, id| periods[p].0.text(id), false)
        }
    }

    fn pieces<K: Ord + Copy + Send + Sync>(
        periods: &[List<'a>],
        key: impl Fn(usize, u32) -> K + Sync + Send,
        shared: bool,
    ) -> Merged<'a> {
        use rayon::prelude::*;
        // Cut the key space where the longest list has evenly spaced terms.
        let (longest, list) = (periods.iter().enumerate())
            .max_by_key(|(_, t)| t.1.len())
            .map(|(p, t)| (p, t.1))
            .unzip();
        let pieces = (rayon::current_num_threads() * 4)
            .min(list.map_or(0, |l| l.len()))
            .max(1);
        let cuts: Vec<K> = (1..pieces)
            .filter_map(|k| Some(key(longest?, list?.id_near((k, pieces))?)))
            .collect();
        let key = &key;
        let slices = |k: usize| -> Vec<List<'a>> {
            (periods.iter().enumerate())
                .map(|(p, &(table, terms))| {
                    let from = match cuts.get(k.wrapping_sub(1)) {
                        Some(cut) => terms.split(|id| key(p, id) < *cut).1,
                        None => terms,
                    };
                    let upto = match cuts.get(k) {
                        Some(cut) => from.split(|id| key(p, id) < *cut).0,
                        None => from,
                    };
                    (table, upto)
                })
                .collect()
        };
        let parts: Vec<Merged> = (0..pieces)
            .into_par_iter()
            .map(|k| Merged::of(&slices(k), key, shared))
            .collect();
        let mut whole = Merged::default();
        whole
            .cells
            .reserve_exact(parts.iter().map(|p| p.cells.len()).sum());
        for part in parts {
            whole.texts.extend(part.texts);
            whole.ids.extend(part.ids);
            whole.totals.extend(part.totals);
            whole.widths.extend(part.widths);
            whole.cells.extend(part.cells);
        }
        whole
    }
}

impl<'a> WideTable<'a> {
    /// The table of `counts`, terms seen at least `min_count` times tested for a trend (the
    /// p-values adjusted over those terms).
    pub(crate) fn new(counts: &'a Counts, min_count: u64) -> WideTable<'a> {
        use rayon::prelude::*;
        let periods: Vec<(&str, u64)> = counts
            .periods
            .iter()
            .map(|(p, c)| (p.as_str(), c.tokens))
            .collect();
        let lists: Vec<List> = (counts.periods.values())
            .map(|c| (&**c.terms.table(), c.terms.entries()))
            .collect();
        let Merged {
            texts,
            ids,
            totals,
            widths,
            cells,
        } = Merged::par_of(&lists);
        let mut starts = Vec::with_capacity(widths.len() + 1);
        starts.push(0);
        for w in widths {
            starts.push(starts.last().expect("pushed") + w as usize);
        }
        // By total, descending, then by text (the places are in text order).
        let mut order: Vec<u32> = (0..totals.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| {
            totals[b as usize].cmp(&totals[a as usize]).then(a.cmp(&b))
        });
        let tokens: Vec<u64> = periods.iter().map(|p| p.1).collect();
        let mut table = WideTable {
            periods,
            table: lists.first().map(|l| l.0).filter(|_| texts.is_empty()),
            texts,
            ids,
            totals,
            starts,
            cells,
            order,
            base: stats::TrendBase::new(&tokens),
            p_adjusted: Vec::new(),
        };
        table.p_adjusted = table.adjusted(min_count);
        table
    }

    /// The adjusted p-values of the trends of the rows of terms seen at least `min_count`
    /// times (the first rows), adjusted together; `None` where the test cannot be made.
    fn adjusted(&self, min_count: u64) -> Vec<Option<f64>> {
        use rayon::prelude::*;
        let tested = self.rows_seen(min_count);
        let p_values: Vec<Option<f64>> = (0..tested)
            .into_par_iter()
            .map(|r| self.test(r).map(|t| t.1))
            .collect();
        let made: Vec<f64> = p_values.iter().flatten().copied().collect();
        let mut adjusted = stats::benjamini_hochberg(&made).into_iter();
        (p_values.into_iter())
            .map(|p| p.and_then(|_| adjusted.next()))
            .collect()
    }

    /// Row `r`'s trend test, z and p ([`stats::TrendBase::test`]).
    fn test(&self, r: usize) -> Option<(f64, f64)> {
        (self.base).test(self.row(r).map(|c| (c.period as usize, c.count)))
    }

    /// Row `r`'s trend: `None` when its term was not tested.
    fn trend(&self, r: usize) -> Option<Trend> {
        let &p_adjusted = self.p_adjusted.get(r)?;
        Some(Trend {
            test: self.test(r),
            p_adjusted,
        })
    }

    /// The rows whose terms were seen at least `n` times in all: the first ones.
    pub(crate) fn rows_seen(&self, n: u64) -> usize {
        self.order
            .partition_point(|&i| self.totals[i as usize] >= n)
    }

    /// Row `r`'s counts, in period order (periods without the term left out).
    pub(crate) fn row(&self, r: usize) -> Cells<'_> {
        let i = self.order[r] as usize;
        Cells {
            bytes: &self.cells[self.starts[i]..self.starts[i + 1]],
            at: 0,
            period: 0,
        }
    }

    /// Row `r`'s term and its total.
    pub(crate) fn term(&self, r: usize) -> (&'a str, u64) {
        let i = self.order[r] as usize;
        (self.text(i), self.totals[i])
    }

    /// The text of the term at text place `i`.
    fn text(&self, i: usize) -> &'a str {
        match self.table {
            Some(table) => table.text(self.ids[i]),
            None => self.texts[i],
        }
    }

    /// Each period's label and word tokens, in time order.
    pub(crate) fn periods(&self) -> &[(&'a str, u64)] {
        &self.periods
    }

    /// `term`'s total in all periods (0 when it was not seen).
    #[cfg(test)]
    pub(crate) fn total_of(&self, term: &str) -> u64 {
        self.totals_of_sorted([term])[0]
    }

    /// The totals of `terms` in all periods (0 for a term not seen), the terms in text
    /// order: each is looked for from where the one before it was found, a step of 1, 2,
    /// 4... terms at a time and then by halves, so a list costs a few compares a term where
    /// a search of the whole table for each would cost some twenty.
    pub(crate) fn totals_of_sorted<'t>(
        &self,
        terms: impl IntoIterator<Item = &'t str>,
    ) -> Vec<u64> {
        let n = self.totals.len();
        let mut at = 0;
        terms
            .into_iter()
            .map(|term| {
                // Places before `at` are before `term`; find the first place not before it.
                let (mut hi, mut step) = (at, 1);
                while hi < n && self.text(hi) < term {
                    at = hi + 1;
                    hi += step;
                    step *= 2;
                }
                // Then by halves between `at` and `hi`.
                at = crate::count::partition_point(at..hi.min(n), |i| self.text(i) < term);
                match at < n && self.text(at) == term {
                    true => self.totals[at],
                    false => 0,
                }
            })
            .collect()
    }

    /// Rows in the table.
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }

    /// Rows per block: fewer when periods are many.
    fn block_rows(&self) -> usize {
        let width = 2 * self.periods.len() + 8;
        (BLOCK_CELLS / width).clamp(256, super::block_rows())
    }

    /// The table a block of rows at a time (at least one block, so an empty table still has
    /// its columns).
    pub(crate) fn blocks(&'a self, labels: &'a crate::measure::Labels) -> Blocks<'a> {
        let ranges = super::block_ranges(self.len(), self.block_rows());
        Box::new(
            ranges
                .into_iter()
                .map(move |range| self.rows(labels, range)),
        )
    }

    /// Rows `range`: term, n, word, total, then count_P and per_10k_P for each period P,
    /// then trend_z, trend_p_value, trend_p_adjusted and trend (empty for a term not tested).
    pub(crate) fn rows(
        &self,
        labels: &crate::measure::Labels,
        range: std::ops::Range<usize>,
    ) -> PolarsResult<DataFrame> {
        let terms: Vec<(&str, u64)> = range.clone().map(|r| self.term(r)).collect();
        let words: Vec<Option<&str>> = (range.clone())
            .map(|r| {
                let i = self.order[r] as usize;
                match self.table {
                    Some(table) => labels.of(table, self.ids[i], table.text(self.ids[i])),
                    None => labels.get(self.texts[i]),
                }
            })
            .collect();
        let mut columns = vec![
            Column::new("term".into(), terms.iter().map(|t| t.0).collect::<Vec<_>>()),
            Column::new(
                "n".into(),
                terms
                    .iter()
                    .map(|t| t.0.split(' ').count() as u32)
                    .collect::<Vec<_>>(),
            ),
            Column::new("word".into(), words),
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
        let trends: Vec<Option<Trend>> = range.map(|r| self.trend(r)).collect();
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
                    spread: crate::count::MaybeSpread::NONE,
                };
                c.terms.insert(std::sync::Arc::<str>::from(t), count);
            }
            counts.periods.insert(p.into(), c);
        }
        counts
    }

    fn labels() -> crate::measure::Labels {
        crate::measure::Labels::default()
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

    /// Many terms in many periods, each period holding a different share of them: the
    /// merge of the periods' lists, in pieces on several threads, gives each term the cells
    /// and the total a plain count by term gives, and rows by total, then term, whatever
    /// the threads.
    #[test]
    fn the_merge_of_many_periods_gives_each_term_its_cells_on_any_threads() {
        let mut counts = Counts::default();
        let mut expected: std::collections::BTreeMap<String, Vec<(u32, u64)>> = Default::default();
        for p in 0..7u32 {
            let mut c = PeriodCounts {
                docs: 1,
                tokens: 100_000,
                ..Default::default()
            };
            for t in 0..3_000u32 {
                // Term t is in period p for about half the pairs, with a count of its own.
                let mixed = t.wrapping_mul(2_654_435_761).wrapping_add(p * 40_503);
                if mixed % 7 < 3 + p % 3 {
                    continue;
                }
                let term = format!("t{:x}", t.wrapping_mul(97) % 3_001);
                let n = 1 + (mixed % 13) as u64;
                expected.entry(term.clone()).or_default().push((p, n));
                c.terms.insert(
                    std::sync::Arc::<str>::from(term),
                    TermCount {
                        count: n,
                        docs: 1,
                        max_doc: n,
                        spread: crate::count::MaybeSpread::NONE,
                    },
                );
            }
            counts.periods.insert(format!("p{p}"), c);
        }
        let mut rows: Vec<(&String, u64)> = expected
            .iter()
            .map(|(t, cells)| (t, cells.iter().map(|c| c.1).sum()))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for threads in [1, 2, 5] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let table = pool.install(|| WideTable::new(&counts, 5));
            assert_eq!(table.len(), rows.len(), "{threads} threads");
            for (r, (term, total)) in rows.iter().enumerate() {
                assert_eq!(table.term(r), (term.as_str(), *total), "row {r}");
                let cells: Vec<(u32, u64)> = table.row(r).map(|c| (c.period, c.count)).collect();
                assert_eq!(&cells, &expected[*term], "{term}");
                assert_eq!(table.total_of(term), *total);
            }
            assert_eq!(table.total_of("absent"), 0);
            // Any list of terms in text order, seen or not, gapped or not.
            let mut asked: Vec<String> = expected.keys().step_by(3).cloned().collect();
            asked.extend(["a", "t", "t0x", "zzz"].map(String::from));
            asked.extend(expected.keys().skip(1).step_by(97).map(|t| format!("{t}!")));
            asked.sort();
            let want: Vec<u64> = asked.iter().map(|t| table.total_of(t)).collect();
            assert!(want.iter().any(|&n| n > 0) && want.contains(&0));
            let got = table.totals_of_sorted(asked.iter().map(|t| t.as_str()));
            assert_eq!(got, want, "{threads} threads");
            assert!(table.totals_of_sorted([]).is_empty());
            assert_eq!(table.rows_seen(5), rows.partition_point(|r| r.1 >= 5));
        }
    }
}
