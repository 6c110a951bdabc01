//! Term frequencies per period: the long table (`term_frequencies.csv`, one row per period and
//! term); the wide one (`terms_by_period.csv`) is [`super::by_period`].

use polars::prelude::*;

use super::stats;
use crate::count::{Counts, PeriodCounts, Place, TermCount};

#[cfg(test)]
/// Long table: period, term, word, count, per_10k, docs, dp, dp_norm (Gries's DP and DPnorm,
/// [`stats::gries_dp`]; empty when the counts carry no dispersion sums); sorted by period,
/// then count (descending), then term. The whole table at once; [`LongTable`] gives it in
/// blocks of rows.
pub(crate) fn term_frequencies(
    counts: &Counts,
    labels: &crate::measure::Labels,
) -> PolarsResult<DataFrame> {
    let long = LongTable::new(counts);
    long.rows(labels, 0..long.len())
}

/// The long table's order, a row per term and period: each period (in order) with its terms'
/// places in [`PeriodCounts::terms`] by count (descending), then term. The table itself is
/// made from it a block of rows at a time ([`LongTable::rows`]): the corpus's longest table
/// is never held whole, and is made once, not joined into shape.
pub(crate) struct LongTable<'a> {
    /// Period label, its counts, its terms' places in row order.
    periods: Vec<(&'a str, &'a PeriodCounts, Vec<Place>)>,
    len: usize,
}

impl<'a> LongTable<'a> {
    pub(crate) fn new(counts: &'a Counts) -> LongTable<'a> {
        use rayon::prelude::*;
        let periods: Vec<(&str, &PeriodCounts, Vec<Place>)> = counts
            .periods
            .par_iter()
            .map(|(p, c)| {
                let mut order: Vec<Place> = c.terms.places().collect();
                // Ids are in term order: the id breaks ties by term.
                order.sort_unstable_by_key(|&i| {
                    let (count, id) = c.terms.count_at(i);
                    (std::cmp::Reverse(count), id)
                });
                (p.as_str(), c, order)
            })
            .collect();
        let len = periods.iter().map(|(_, _, o)| o.len()).sum();
        LongTable { periods, len }
    }

    /// Rows in the table.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The rows `range` of the table.
    pub(crate) fn rows(
        &self,
        labels: &crate::measure::Labels,
        range: std::ops::Range<usize>,
    ) -> PolarsResult<DataFrame> {
        let mut skip = range.start;
        let mut want = range.len();
        let mut picked = Vec::with_capacity(want);
        for &(p, c, ref order) in &self.periods {
            if want == 0 {
                break;
            }
            if skip >= order.len() {
                skip -= order.len();
                continue;
            }
            let take = (order.len() - skip).min(want);
            picked.extend(order[skip..skip + take].iter().map(|&i| (p, c, i)));
            (skip, want) = (0, want - take);
        }
        self.frame(labels, &picked)
    }

    /// term_frequencies.csv (with `n`, [`super::with_n`]) a block of rows at a time, each
    /// as many rows as the CSV writer formats at once. At least one block, so an empty table
    /// still has columns.
    pub(crate) fn blocks(&'a self, labels: &'a crate::measure::Labels) -> super::Blocks<'a> {
        let ranges = super::block_ranges(self.len, super::block_rows());
        Box::new((ranges.into_iter()).map(move |range| super::with_n(self.rows(labels, range)?)))
    }

    /// The first `n` rows of each period: each period's most frequent terms.
    pub(crate) fn top_per_period(
        &self,
        labels: &crate::measure::Labels,
        n: usize,
    ) -> PolarsResult<DataFrame> {
        let picked: Vec<(&str, &PeriodCounts, u32)> = self
            .periods
            .iter()
            .flat_map(|&(p, c, ref order)| order.iter().take(n).map(move |&i| (p, c, i)))
            .collect();
        self.frame(labels, &picked)
    }

    fn frame(
        &self,
        labels: &crate::measure::Labels,
        picked: &[(&str, &PeriodCounts, u32)],
    ) -> PolarsResult<DataFrame> {
        let rows: Vec<(&str, &str, TermCount, &PeriodCounts, Option<&str>)> = picked
            .iter()
            .map(|&(p, c, i)| {
                let (id, tc) = c.terms.at(i);
                (
                    p,
                    c.terms.table().text(id),
                    tc,
                    c,
                    labels.of_term(&c.terms, i),
                )
            })
            .collect();
        let dp: Vec<Option<(f64, f64)>> = rows
            .iter()
            .map(|&(_, _, ref tc, c, _)| {
                let dp = tc.spread.get()?.dp()?;
                Some((
                    dp,
                    stats::dp_norm(dp, c.tokens, c.min_doc_tokens.unwrap_or(0)),
                ))
            })
            .collect();
        df!(
            "period" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            "term" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            "word" => rows.iter().map(|r| r.4).collect::<Vec<_>>(),
            "count" => rows.iter().map(|r| r.2.count).collect::<Vec<_>>(),
            "per_10k" => rows.iter().map(|r| stats::per_10k(r.2.count, r.3.tokens)).collect::<Vec<_>>(),
            "docs" => rows.iter().map(|r| r.2.docs).collect::<Vec<_>>(),
            "dp" => dp.iter().map(|d| d.map(|d| d.0)).collect::<Vec<_>>(),
            "dp_norm" => dp.iter().map(|d| d.map(|d| d.1)).collect::<Vec<_>>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{PeriodCounts, TermCount};

    fn corpus() -> Counts {
        let mut counts = Counts::default();
        for (p, tokens, terms) in [
            ("2003", 1000, vec![("centr", 8, 2), ("pct", 5, 1)]),
            ("2010", 500, vec![("commiss", 10, 2), ("pct", 5, 2)]),
        ] {
            let mut c = PeriodCounts {
                docs: 2,
                tokens,
                ..Default::default()
            };
            for (t, n, d) in terms {
                c.terms.insert(
                    std::sync::Arc::<str>::from(t),
                    TermCount {
                        count: n,
                        docs: d,
                        ..Default::default()
                    },
                );
            }
            counts.periods.insert(p.into(), c);
        }
        counts
    }

    fn labels() -> crate::measure::Labels {
        [
            ("centr", "centre"),
            ("pct", "pcts"),
            ("commiss", "commissioning"),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn long_table_rates_and_order() {
        let df = term_frequencies(&corpus(), &labels()).unwrap();
        let terms = crate::measure::texts(&df, "term");
        assert_eq!(terms, ["centr", "pct", "commiss", "pct"]);
        let rate: Vec<_> = df
            .column("per_10k")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(rate, [80.0, 50.0, 200.0, 100.0]);
        let words = crate::measure::texts(&df, "word");
        assert_eq!(words, ["centre", "pcts", "commissioning", "pcts"]);
    }

    /// The rows of a frame as CSV text, to compare frames cell by cell.
    fn text(df: &DataFrame) -> String {
        String::from_utf8(crate::report::csv::to_csv(df).unwrap()).unwrap()
    }

    #[test]
    fn long_table_in_blocks_is_the_whole_table() {
        let mut counts = corpus();
        // Ties on count are broken by term; a third period with more terms than a block.
        let c =
            PeriodCounts::of_one_document(100, &[("b", 3), ("a", 3), ("d", 9), ("c", 1), ("e", 3)]);
        counts.periods.insert("2020".into(), c);
        let long = LongTable::new(&counts);
        assert_eq!(long.len(), 9);
        let whole = long.rows(&labels(), 0..9).unwrap();
        let terms = crate::report::strings(&whole, "term").unwrap();
        assert_eq!(
            terms,
            ["centr", "pct", "commiss", "pct", "d", "a", "b", "e", "c"]
        );
        let lines = text(&whole);
        for block in 1..=9 {
            let mut joined = text(&long.rows(&labels(), 0..block.min(9)).unwrap());
            let mut start = block;
            while start < 9 {
                let part = text(&long.rows(&labels(), start..(start + block).min(9)).unwrap());
                joined.push_str(part.split_once('\n').unwrap().1);
                start += block;
            }
            assert_eq!(joined, lines, "blocks of {block}");
        }
        let labels = labels();
        let mut written = Vec::new();
        crate::report::csv::write_table(long.blocks(&labels), &mut written).unwrap();
        assert_eq!(
            String::from_utf8(written).unwrap(),
            text(&super::super::with_n(whole).unwrap())
        );
        let top = long.top_per_period(&labels, 2).unwrap();
        let top = crate::report::strings(&top, "term").unwrap();
        assert_eq!(top, ["centr", "pct", "commiss", "pct", "d", "a"]);
        assert!(LongTable::new(&Counts::default()).is_empty());
    }
}
