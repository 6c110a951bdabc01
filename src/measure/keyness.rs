//! Keyness: which terms are characteristic of period B against period A (`keyness.csv`).
//! Every term seen at least `min_count` times in A and B together is tested; see
//! [`super::stats`] for G², its p-value and Log Ratio.

use polars::prelude::*;

use super::by_document::{self, RateSums};
use super::by_period::WideTable;
use super::{stats, Comparison};
use crate::count::{Counts, PeriodCounts, TermCount, TermTable};

/// The whole of one comparison's table, for tests.
#[cfg(test)]
pub(crate) fn keyness(
    counts: &Counts,
    labels: &crate::measure::Labels,
    cmp: &Comparison,
    min_count: u64,
    prior: &Prior,
) -> PolarsResult<DataFrame> {
    let table = KeyTable::new(counts, cmp, min_count, prior);
    table.rows(labels, 0..table.len())
}

/// One comparison's keyness table, worked out and in row order, made into frames a block
/// of rows at a time ([`KeyTable::rows`]): the statistics of every row are needed before the
/// first is written (the adjusted p-values, the order), their frame is not. Its columns:
/// period_a, period_b, term, word, count_a, count_b, per_10k_a, per_10k_b, docs_a, docs_b,
/// g2 (signed: positive = more frequent in B), p_value, p_adjusted (Benjamini-Hochberg over
/// the terms of this comparison), log_ratio, log_ratio_low, log_ratio_high (95% interval),
/// log_odds and log_odds_z (Dirichlet prior from the whole corpus), top_doc_share (share of
/// the favoured period's occurrences that its top document supplies) and single_doc (all of
/// them from one document while the period has several), p_doc (Welch's t-test on the
/// terms' per-document rates, [`by_document::welch`]; empty when a period has fewer than two
/// documents) and p_doc_adjusted (Benjamini-Hochberg over the same terms as p_adjusted);
/// sorted by g2 (descending: most key for B first, most key for A last), then term.
pub(crate) struct KeyTable<'c> {
    cmp: &'c Comparison,
    /// The periods' word tokens, A and B.
    words: (u64, u64),
    /// The periods' table of terms, and each row's term's id in it (`u32::MAX` when the
    /// periods do not share one).
    table: &'c TermTable,
    rows: Vec<Row<'c>>,
    ids: Vec<u32>,
    /// [`statistics`]'s columns.
    cols: [Vec<f64>; 8],
    single: Vec<bool>,
    p_adjusted: Vec<f64>,
    p_doc: Vec<Option<f64>>,
    p_doc_adjusted: Vec<Option<f64>>,
    /// Rows in table order.
    order: Vec<usize>,
}

impl<'c> KeyTable<'c> {
    /// The terms of `cmp`'s periods seen at least `min_count` times in the two, tested.
    pub(crate) fn new(
        counts: &'c Counts,
        cmp: &'c Comparison,
        min_count: u64,
        prior: &Prior,
    ) -> KeyTable<'c> {
        let (pa, pb) = (&counts.periods[&cmp.a], &counts.periods[&cmp.b]);
        let (rows, ids) = tested_terms(pa, pb, min_count);
        let (cols, single) = statistics(&rows, pa, pb, prior);
        let p_adjusted = stats::benjamini_hochberg(&cols[1]);
        let p_doc = doc_p_values(&rows, pa, pb);
        let p_doc_adjusted = by_document::adjust(&p_doc);
        let order = key_order(&rows, &cols[0]);
        KeyTable {
            cmp,
            words: (pa.tokens, pb.tokens),
            table: pa.terms.table(),
            rows,
            ids,
            cols,
            single,
            p_adjusted,
            p_doc,
            p_doc_adjusted,
            order,
        }
    }

    /// Rows in the table.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The first `n` rows and the last `n` (the whole table when it has at most `2n`): the
    /// terms most key for B and for A.
    pub(crate) fn ends(
        &self,
        labels: &crate::measure::Labels,
        n: usize,
    ) -> PolarsResult<DataFrame> {
        let len = self.len();
        if len <= 2 * n {
            return self.rows(labels, 0..len);
        }
        let mut ends = self.rows(labels, 0..n)?;
        ends.vstack_mut(&self.rows(labels, len - n..len)?)?;
        Ok(ends)
    }

    /// Rows `range` of the table, in table order.
    pub(crate) fn rows(
        &self,
        labels: &crate::measure::Labels,
        range: std::ops::Range<usize>,
    ) -> PolarsResult<DataFrame> {
        let (cmp, rows, (na, nb)) = (self.cmp, &self.rows, self.words);
        let order = &self.order[range];
        let n = order.len();
        let terms: Vec<&str> = order.iter().map(|&i| rows[i].0).collect();
        let words: Vec<Option<&str>> = (order.iter())
            .map(|&i| labels.of(self.table, self.ids[i], rows[i].0))
            .collect();
        let ints = |f: &dyn Fn(usize) -> u64| -> Vec<u64> { order.iter().map(|&i| f(i)).collect() };
        let floats = |v: &[f64]| -> Vec<f64> { order.iter().map(|&i| v[i]).collect() };
        let [g2, p, lr, lo, hi, delta, z, share] = &self.cols;
        let (p_doc, p_doc_adjusted) = (&self.p_doc, &self.p_doc_adjusted);
        df!(
            "period_a" => vec![cmp.a.as_str(); n],
            "period_b" => vec![cmp.b.as_str(); n],
            "term" => terms,
            "word" => words,
            "count_a" => ints(&|i| rows[i].1.count),
            "count_b" => ints(&|i| rows[i].2.count),
            "per_10k_a" => order.iter().map(|&i| stats::per_10k(rows[i].1.count, na)).collect::<Vec<f64>>(),
            "per_10k_b" => order.iter().map(|&i| stats::per_10k(rows[i].2.count, nb)).collect::<Vec<f64>>(),
            "docs_a" => ints(&|i| rows[i].1.docs),
            "docs_b" => ints(&|i| rows[i].2.docs),
            "g2" => floats(g2),
            "p_value" => floats(p),
            "p_adjusted" => floats(&self.p_adjusted),
            "log_ratio" => floats(lr),
            "log_ratio_low" => floats(lo),
            "log_ratio_high" => floats(hi),
            "log_odds" => floats(delta),
            "log_odds_z" => floats(z),
            "top_doc_share" => floats(share),
            "single_doc" => order.iter().map(|&i| self.single[i]).collect::<Vec<bool>>(),
            "p_doc" => order.iter().map(|&i| p_doc[i]).collect::<Vec<Option<f64>>>(),
            "p_doc_adjusted" => order.iter().map(|&i| p_doc_adjusted[i]).collect::<Vec<Option<f64>>>(),
        )
    }
}

/// Each row's p-value by [`by_document::welch`]: `None` when a period has fewer than two
/// documents, or the counts carry no per-document sums.
fn doc_p_values(rows: &[Row], pa: &PeriodCounts, pb: &PeriodCounts) -> Vec<Option<f64>> {
    use rayon::prelude::*;
    rows.par_iter()
        .map(|&(_, ca, cb)| {
            let test = by_document::welch(rate_sums(&ca, pa)?, rate_sums(&cb, pb)?)?;
            Some(test.p)
        })
        .collect()
}

/// A term's per-document rates in `period`: all 0 when the term is absent.
fn rate_sums(c: &TermCount, period: &PeriodCounts) -> Option<RateSums> {
    let (sum, sum_sq) = match c.spread.get() {
        _ if c.count == 0 => (0.0, 0.0),
        Some(s) => (s.rate_sum, s.rate_sq_sum),
        None => return None,
    };
    Some(RateSums {
        docs: period.docs,
        sum,
        sum_sq,
    })
}

/// A term with its counts in A and in B.
type Row<'c> = (&'c str, TermCount, TermCount);

/// The counts of a term absent from a period.
const NONE: TermCount = TermCount {
    count: 0,
    docs: 0,
    max_doc: 0,
    spread: crate::count::MaybeSpread::NONE,
};

/// The terms of A and B together, each once, in term order, with `none` where a term is
/// absent from one side; those seen fewer than `min_count` times in both are left out. Beside
/// the rows, each term's id in the periods' table of terms (`u32::MAX` when they do not share
/// one).
fn tested_terms<'c>(
    pa: &'c PeriodCounts,
    pb: &'c PeriodCounts,
    min_count: u64,
) -> (Vec<Row<'c>>, Vec<u32>) {
    let (ta, tb) = (&**pa.terms.table(), &**pb.terms.table());
    let shared = crate::count::same_table(ta, tb);
    // Both lists are sorted (by id, so by text), so one merge pass pairs them.
    let (mut rows, mut ids): (Vec<Row>, Vec<u32>) = (Vec::new(), Vec::new());
    let (mut a, mut b) = (pa.terms.entries(), pb.terms.entries());
    loop {
        let order = match (a.peek_id(), b.peek_id()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if shared => x.cmp(&y),
            (Some(x), Some(y)) => ta.text(x).cmp(tb.text(y)),
        };
        let (id, row) = match order {
            std::cmp::Ordering::Less => {
                let (id, ca) = a.next().expect("peeked");
                (id, (ta.text(id), ca, NONE))
            }
            std::cmp::Ordering::Greater => {
                let (id, cb) = b.next().expect("peeked");
                (id, (tb.text(id), NONE, cb))
            }
            std::cmp::Ordering::Equal => {
                let ((id, ca), (_, cb)) = (a.next().expect("peeked"), b.next().expect("peeked"));
                (id, (ta.text(id), ca, cb))
            }
        };
        if row.1.count + row.2.count >= min_count {
            rows.push(row);
            ids.push(if shared { id } else { u32::MAX });
        }
    }
    (rows, ids)
}

/// Gives each row's statistics, as columns in row order (g2, p_value, log_ratio,
/// log_ratio_low, log_ratio_high, log_odds, log_odds_z, top_doc_share), and single_doc.
/// Worked out in parallel, a block of rows to a task, each row into its place: the numbers do
/// not depend on the threads, and no copy of the columns is made.
fn statistics(
    rows: &[Row],
    pa: &PeriodCounts,
    pb: &PeriodCounts,
    prior: &Prior,
) -> ([Vec<f64>; 8], Vec<bool>) {
    use rayon::prelude::*;
    const BLOCK: usize = 16_384;
    let n = rows.len();
    let mut cols: [Vec<f64>; 8] = std::array::from_fn(|_| vec![0.0; n]);
    let mut single = vec![false; n];
    // Per block of rows: its piece of each column.
    let mut pieces: Vec<Vec<&mut [f64]>> = (0..n.div_ceil(BLOCK)).map(|_| Vec::new()).collect();
    for col in cols.iter_mut() {
        for (piece, slice) in pieces.iter_mut().zip(col.chunks_mut(BLOCK)) {
            piece.push(slice);
        }
    }
    pieces
        .into_par_iter()
        .zip(single.par_chunks_mut(BLOCK))
        .zip(rows.par_chunks(BLOCK))
        .for_each(|((mut piece, single), rows)| {
            // Rows are in text order, as the prior's table is: their counts found in one pass.
            let priors = prior.counts(rows.iter().map(|r| r.0));
            for (j, (row, &count)) in rows.iter().zip(&priors).enumerate() {
                let (values, one) = row_statistics(row, pa, pb, (count, prior.total));
                for (col, v) in piece.iter_mut().zip(values) {
                    col[j] = v;
                }
                single[j] = one;
            }
        });
    (cols, single)
}

/// One row's statistics, in [`statistics`]'s column order, and whether one document holds all
/// of the term's occurrences in the period it is key for (while that period has several).
/// `prior` is the term's count in the whole corpus and the corpus's words.
fn row_statistics(
    &(_, ca, cb): &Row,
    pa: &PeriodCounts,
    pb: &PeriodCounts,
    (prior, prior_total): (u64, u64),
) -> ([f64; 8], bool) {
    let (na, nb) = (pa.tokens, pb.tokens);
    let (a, b) = (ca.count, cb.count);
    let g2 = stats::signed_log_likelihood(a, b, na, nb);
    let (lo, hi) = stats::log_ratio_ci(a, b, na, nb);
    let (delta, z) = stats::log_odds_dirichlet(a, b, na, nb, prior as f64, prior_total as f64);
    // Dispersion is judged in the period the term is key for.
    let (count, top, docs, period_docs) = if g2 >= 0.0 {
        (b, cb.max_doc, cb.docs, pb.docs)
    } else {
        (a, ca.max_doc, ca.docs, pa.docs)
    };
    let share = if count == 0 {
        0.0
    } else {
        top as f64 / count as f64
    };
    let values = [
        g2,
        stats::p_value(g2),
        stats::log_ratio(a, b, na, nb),
        lo,
        hi,
        delta,
        z,
        share,
    ];
    (values, docs == 1 && period_docs > 1)
}

/// Gives the rows' order in the table: most key for B first, most key for A last; ties by term.
fn key_order(rows: &[Row], g2: &[f64]) -> Vec<usize> {
    use rayon::prelude::*;
    // Rows are in term order ([`tested_terms`]), so a tie is broken by the rows' places, not
    // by comparing their texts (most rows of a long tail tie: seen once in A and once in B).
    debug_assert!(rows.windows(2).all(|w| w[0].0 < w[1].0));
    let mut order: Vec<usize> = (0..rows.len()).collect();
    // Places differ, so the order is total and the same however the sort is split.
    order.par_sort_unstable_by(|&i, &j| {
        g2[j]
            .partial_cmp(&g2[i])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(i.cmp(&j))
    });
    order
}

/// The whole corpus's counts: the informative prior of [`stats::log_odds_dirichlet`], read
/// from the totals of terms_by_period.csv's table (no second map of every term).
pub(crate) struct Prior<'a> {
    wide: &'a WideTable<'a>,
    /// Word tokens of the whole corpus.
    pub(crate) total: u64,
}

impl<'a> Prior<'a> {
    pub(crate) fn new(wide: &'a WideTable<'a>) -> Self {
        Prior {
            wide,
            total: wide.periods().iter().map(|p| p.1).sum(),
        }
    }

    /// The counts in the whole corpus of `terms`, which are in text order.
    fn counts<'t>(&self, terms: impl IntoIterator<Item = &'t str>) -> Vec<u64> {
        self.wide.totals_of_sorted(terms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::PeriodCounts;

    #[test]
    fn terms_that_tie_are_in_term_order_between_the_key_ones() {
        let mut counts = Counts::default();
        for (p, terms) in [
            (
                "A",
                vec![("b", 3), ("zeta", 12), ("a", 3), ("c", 3), ("m", 5)],
            ),
            ("B", vec![("c", 3), ("a", 3), ("b", 3), ("m", 5), ("y", 12)]),
        ] {
            let c = PeriodCounts::of_one_document(1000, &terms);
            counts.periods.insert(p.into(), c);
        }
        let cmp = Comparison {
            a: "A".into(),
            b: "B".into(),
        };
        let wide = WideTable::new(&counts, 2);
        let labels = crate::measure::Labels::default();
        let df = keyness(&counts, &labels, &cmp, 2, &Prior::new(&wide)).unwrap();
        // y key for B, zeta for A; a, b, c and m alike in both (G2 0) in term order.
        let terms = crate::measure::texts(&df, "term");
        assert_eq!(terms, ["y", "a", "b", "c", "m", "zeta"]);
    }

    #[test]
    fn table_matches_statistics_and_filters_rare_terms() {
        let mut counts = Counts::default();
        for (p, terms) in [
            ("A", vec![("x", 10), ("y", 25), ("rare", 1)]),
            ("B", vec![("x", 30), ("y", 25), ("new", 12)]),
        ] {
            let c = PeriodCounts::of_one_document(1000, &terms);
            counts.periods.insert(p.into(), c);
        }
        let labels = crate::measure::Labels::default();
        let cmp = Comparison {
            a: "A".into(),
            b: "B".into(),
        };
        let wide = WideTable::new(&counts, 2);
        let df = keyness(&counts, &labels, &cmp, 2, &Prior::new(&wide)).unwrap();
        let terms = crate::measure::texts(&df, "term");
        assert_eq!(
            terms,
            ["new", "x", "y"],
            "sorted by signed G2, 'rare' (1) filtered out"
        );
        let g2: Vec<_> = df
            .column("g2")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert!((g2[1] - 10.66904804969954).abs() < 1e-9);
        assert_eq!(g2[2], 0.0);
        let a: Vec<_> = df
            .column("count_a")
            .unwrap()
            .u64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(a, [0, 10, 25]);
        let lr: Vec<_> = df
            .column("log_ratio")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert!((lr[0] - (12.0f64 / 0.5).log2()).abs() < 1e-12);
    }
}
