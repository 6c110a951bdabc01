//! What came and went with a turn: the terms most key to the stretch after it against the
//! stretch before, and the other way, by G² and Benjamini–Hochberg over the terms seen at
//! least `min_count` times in the two, as keyness.csv tests them.

use rayon::prelude::*;

use super::TURN_TERMS;
use crate::measure::by_period::WideTable;
use crate::measure::key_lists::KeyLine;
use crate::measure::{fragments, stats, ALPHA};

/// A term's row in the wide table, and its (count, documents) before and after a turn.
type Sides = (usize, (u64, u64), (u64, u64));

/// The terms most key to periods `ranges.1` against `ranges.0` (indices into all periods;
/// `kept` the periods big enough to compare, the only ones counted), each way.
pub(super) fn key_terms(
    wide: &WideTable,
    labels: &crate::measure::Labels,
    kept: &[usize],
    ranges: (std::ops::Range<usize>, std::ops::Range<usize>),
    min_count: u64,
) -> (Vec<KeyLine>, Vec<KeyLine>) {
    let mut is_kept = vec![false; wide.periods().len()];
    for &k in kept {
        is_kept[k] = true;
    }
    let counted = |p: u32| is_kept[p as usize];
    let (ra, rb) = ranges;
    let words = |r: &std::ops::Range<usize>| -> u64 {
        wide.periods()[r.clone()]
            .iter()
            .enumerate()
            .filter(|(i, _)| counted((r.start + i) as u32))
            .map(|(_, p)| p.1)
            .sum()
    };
    // (row, count, docs) each side, for the terms tested. Rows are by total, most frequent
    // first: a term seen fewer than min_count times in all is seen fewer in any two
    // stretches, so the rest need no look.
    let frequent = wide.rows_seen(min_count.max(1));
    let rows: Vec<Sides> = (0..frequent)
        .into_par_iter()
        .filter_map(|r| {
            let (mut a, mut b) = ((0, 0), (0, 0));
            for c in wide.row(r).filter(|c| counted(c.period)) {
                let p = c.period as usize;
                if ra.contains(&p) {
                    a = (a.0 + c.count, a.1 + c.docs as u64);
                } else if rb.contains(&p) {
                    b = (b.0 + c.count, b.1 + c.docs as u64);
                }
            }
            (a.0 + b.0 >= min_count.max(1)).then_some((r, a, b))
        })
        .collect();
    let tested = Tested::new(wide, labels, rows, (words(&ra), words(&rb)));
    (tested.list(true), tested.list(false))
}

/// The terms tested for a turn, with their statistics.
struct Tested<'a> {
    wide: &'a WideTable<'a>,
    labels: &'a crate::measure::Labels,
    rows: Vec<Sides>,
    /// Words before and after the turn.
    words: (u64, u64),
    g2: Vec<f64>,
    /// Benjamini–Hochberg over the terms tested.
    adjusted: Vec<f64>,
}

impl<'a> Tested<'a> {
    fn new(
        wide: &'a WideTable<'a>,
        labels: &'a crate::measure::Labels,
        rows: Vec<Sides>,
        (na, nb): (u64, u64),
    ) -> Tested<'a> {
        let g2: Vec<f64> = (rows.par_iter())
            .map(|(_, a, b)| stats::signed_log_likelihood(a.0, b.0, na, nb))
            .collect();
        let p: Vec<f64> = g2.par_iter().map(|&g| stats::p_value(g)).collect();
        let adjusted = stats::benjamini_hochberg(&p);
        Tested {
            wide,
            labels,
            rows,
            words: (na, nb),
            g2,
            adjusted,
        }
    }

    fn term(&self, i: usize) -> &'a str {
        self.wide.term(self.rows[i].0).0
    }

    /// Tested term `i` as a key term of the turn.
    fn line(&self, i: usize) -> KeyLine {
        let ((_, a, b), (na, nb)) = (self.rows[i], self.words);
        let term = self.term(i);
        let (low, high) = stats::log_ratio_ci(a.0, b.0, na, nb);
        KeyLine {
            term: term.to_string(),
            word: self
                .labels
                .get(term)
                .map_or_else(|| term.to_string(), |l| l.to_string()),
            g2: self.g2[i],
            log_ratio: stats::log_ratio(a.0, b.0, na, nb),
            log_ratio_low: low,
            log_ratio_high: high,
            p_adjusted: self.adjusted[i],
            per_10k_a: stats::per_10k(a.0, na),
            per_10k_b: stats::per_10k(b.0, nb),
            docs_a: a.1,
            docs_b: b.1,
            single_doc: false,
        }
    }

    /// The significant terms key to the stretch after the turn (`toward_b`) or before it, in
    /// two documents or more of it, strongest first, fragments giving way to their phrases.
    fn list(&self, toward_b: bool) -> Vec<KeyLine> {
        let (g2, adjusted, rows) = (&self.g2, &self.adjusted, &self.rows);
        let side = |i: usize| if toward_b { rows[i].2 } else { rows[i].1 };
        let mut order: Vec<usize> = (0..rows.len())
            .filter(|&i| adjusted[i] < ALPHA && (g2[i] > 0.0) == toward_b && g2[i] != 0.0)
            .filter(|&i| side(i).1 >= 2)
            .collect();
        order.sort_by(|&i, &j| {
            (g2[j].abs().total_cmp(&g2[i].abs())).then(self.term(i).cmp(self.term(j)))
        });
        order.truncate(3 * TURN_TERMS);
        let listed: Vec<(&str, u64)> = order.iter().map(|&i| (self.term(i), side(i).0)).collect();
        order
            .iter()
            .zip(fragments::kept(&listed))
            .filter(|(_, k)| *k)
            .map(|(&i, _)| self.line(i))
            .take(TURN_TERMS)
            .collect()
    }
}
