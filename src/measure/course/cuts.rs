//! Where a theme's course is cut, and which cuts are turns: the theme's dispersion, the
//! Poisson deviance of a stretch, the best cut by optimal partitioning with PELT's pruning,
//! and the tests that keep a cut only when the words and the documents both bear it out
//! (the method and its references: the parent module).

use rustc_hash::FxHashMap;

use super::Series;
use crate::measure::by_document::{self, Welch};
use crate::measure::{stats, ALPHA};

/// A theme's dispersion `φ`: Pearson's χ² of its documents' hits about their period's rate,
/// `Σ (h_d − r_t·n_d)² / (r_t·n_d)` over documents of `n_d > 0` words in periods of rate
/// `r_t > 0`, divided by its degrees of freedom (documents less periods); never below 1 (no
/// more even than chance), and 1 when there are too few documents to say.
pub(super) fn dispersion(s: &Series) -> f64 {
    let theme = s.theme as u32;
    let (mut chi2, mut docs, mut periods) = (0.0, 0u64, 0u64);
    for (t, rows) in s.rows.iter().enumerate() {
        if s.hits[t] == 0 || s.words[t] == 0 {
            continue;
        }
        periods += 1;
        let rate = s.hits[t] as f64 / s.words[t] as f64;
        for d in rows.iter().filter(|d| d.tokens > 0) {
            let h = d
                .hits
                .binary_search_by_key(&theme, |h| h.0)
                .map_or(0, |k| d.hits[k].1) as f64;
            let expected = rate * d.tokens as f64;
            chi2 += (h - expected).powi(2) / expected;
            docs += 1;
        }
    }
    if docs > periods {
        (chi2 / (docs - periods) as f64).max(1.0)
    } else {
        1.0
    }
}

/// The Poisson deviance of `h` hits in `n` words at their own rate, less what does not
/// depend on the cut: `2h(1 − ln(h/n))`, 0 without hits.
pub(super) fn deviance(h: u64, n: u64) -> f64 {
    if h == 0 || n == 0 {
        return 0.0;
    }
    let h = h as f64;
    2.0 * h * (1.0 - (h / n as f64).ln())
}

/// The places (indices of the first period of each stretch after the first) that minimise
/// the stretches' deviances over `phi` plus `beta` per cut: optimal partitioning with PELT's
/// pruning (a place is dropped once it can no longer begin the last stretch of a best cut).
/// Ties go to the earlier place.
pub(super) fn segment(hits: &[u64], words: &[u64], phi: f64, beta: f64) -> Vec<usize> {
    let t = hits.len();
    let (mut h, mut n) = (vec![0u64; t + 1], vec![0u64; t + 1]);
    for i in 0..t {
        h[i + 1] = h[i] + hits[i];
        n[i + 1] = n[i] + words[i];
    }
    let cost = |s: usize, e: usize| deviance(h[e] - h[s], n[e] - n[s]) / phi;
    let mut best = vec![0.0; t + 1];
    let mut last = vec![0usize; t + 1];
    best[0] = -beta;
    let mut candidates = vec![0usize];
    for e in 1..=t {
        let (s, f) = candidates
            .iter()
            .map(|&s| (s, best[s] + cost(s, e) + beta))
            .fold(
                (usize::MAX, f64::INFINITY),
                |b, c| if c.1 < b.1 { c } else { b },
            );
        best[e] = f;
        last[e] = s;
        candidates.retain(|&s| best[s] + cost(s, e) <= f);
        candidates.push(e);
    }
    let mut cuts = Vec::new();
    let mut e = t;
    while last[e] > 0 {
        cuts.push(last[e]);
        e = last[e];
    }
    cuts.reverse();
    cuts
}

/// A cut's tests: signed G², its p, the Welch test, and both p-values adjusted.
#[derive(Debug, Clone, Copy)]
pub(super) struct CutTest {
    pub(super) g2: f64,
    pub(super) p: f64,
    pub(super) welch: Option<Welch>,
    pub(super) p_adjusted: f64,
    pub(super) p_doc_adjusted: Option<f64>,
    evidence: &'static str,
}

/// Tests every cut of every theme (`cuts`, per theme), removing the weakest that is not a
/// turn until all are; returns the tests of the cuts left, by (theme, cut).
pub(super) fn prune(
    series: &[Series],
    cuts: &mut [Vec<usize>],
) -> FxHashMap<(usize, usize), CutTest> {
    loop {
        let mut places: Vec<(usize, usize)> = Vec::new();
        let mut raw: Vec<(f64, f64, Option<Welch>, usize)> = Vec::new();
        for (k, (s, cuts)) in series.iter().zip(cuts.iter()).enumerate() {
            let mut bounds = vec![0];
            bounds.extend(cuts.iter().copied());
            bounds.push(s.hits.len());
            for w in bounds.windows(3) {
                let (a, b) = (w[0]..w[1], w[1]..w[2]);
                let (ha, hb) = (
                    Series::sum(&s.hits, a.clone()),
                    Series::sum(&s.hits, b.clone()),
                );
                let (na, nb) = (
                    Series::sum(&s.words, a.clone()),
                    Series::sum(&s.words, b.clone()),
                );
                let g2 = stats::signed_log_likelihood(ha, hb, na, nb);
                let welch = by_document::welch(s.rates(a), s.rates(b));
                places.push((k, w[1]));
                // The places the cut could have been made between the two stretches.
                raw.push((g2, stats::p_value(g2), welch, w[2] - w[0] - 1));
            }
        }
        let searched = |p: f64, m: usize| (p * m as f64).min(1.0);
        let word_p: Vec<f64> = raw.iter().map(|r| searched(r.1, r.3)).collect();
        let doc_p: Vec<Option<f64>> = raw
            .iter()
            .map(|r| r.2.map(|w| searched(w.p, r.3)))
            .collect();
        let word_adj = stats::benjamini_hochberg(&word_p);
        let doc_adj = by_document::adjust(&doc_p);
        let tests: Vec<CutTest> = (0..raw.len())
            .map(|i| {
                let (g2, p, welch, _) = raw[i];
                let doc = welch.zip(doc_adj[i]).map(|(w, p)| Welch { p, ..w });
                CutTest {
                    g2,
                    p,
                    welch,
                    p_adjusted: word_adj[i],
                    p_doc_adjusted: doc_adj[i],
                    evidence: by_document::evidence(g2, word_adj[i], doc, ALPHA),
                }
            })
            .collect();
        let weakest = (0..tests.len())
            .filter(|&i| tests[i].evidence != by_document::BOTH)
            .map(|i| {
                (
                    i,
                    tests[i]
                        .p_adjusted
                        .max(tests[i].p_doc_adjusted.unwrap_or(1.0)),
                )
            })
            .fold(None, |b: Option<(usize, f64)>, c| match b {
                Some(b) if b.1 >= c.1 => Some(b),
                _ => Some(c),
            });
        match weakest {
            None => return places.into_iter().zip(tests).collect(),
            Some((i, _)) => {
                let (k, cut) = places[i];
                cuts[k].retain(|&c| c != cut);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::ThemeDoc;

    #[test]
    fn a_step_is_one_cut_in_its_place_and_a_flat_series_none() {
        let words = vec![100_000; 10];
        let mut hits = vec![50; 10];
        assert!(segment(&hits, &words, 1.0, 2.0 * 10f64.ln()).is_empty());
        for h in &mut hits[6..] {
            *h = 200;
        }
        assert_eq!(segment(&hits, &words, 1.0, 2.0 * 10f64.ln()), [6]);
        // A rise and a fall.
        let hits = [10, 12, 9, 80, 85, 78, 82, 11, 10, 12];
        assert_eq!(segment(&hits, &words, 1.0, 2.0 * 10f64.ln()), [3, 7]);
    }

    #[test]
    fn dispersion_weighs_hits_bunched_in_one_document() {
        // Pearson's χ² worked out by hand: period rate 50/10000 = 0.005; documents of 2000
        // words expect 10 hits each; hits 46, 1, 1, 1, 1 give (36² + 4·9²)/10 = 162.0 over
        // 5 − 1 = 4 degrees of freedom: φ = 40.5.
        let row = |h: u64| ThemeDoc {
            tokens: 2000,
            hits: vec![(0, h)].into_boxed_slice(),
        };
        let rows = vec![row(46), row(1), row(1), row(1), row(1)];
        let s = Series {
            hits: vec![50],
            words: vec![10_000],
            docs_with: vec![5],
            documents: vec![5],
            rows: vec![&rows],
            theme: 0,
        };
        assert!((dispersion(&s) - 40.5).abs() < 1e-12);
        // Hits as even as chance allows: never below 1.
        let even = vec![row(10); 5];
        let s = Series {
            rows: vec![&even],
            ..s
        };
        assert_eq!(dispersion(&s), 1.0);
    }

    #[test]
    fn the_deviance_is_the_poisson_likelihood_less_what_the_cut_does_not_change() {
        // −2 log L of two periods at one rate against each at its own: hits 10 and 30 in 1000
        // words each. Apart: 2·10(1 − ln 0.01) + 2·30(1 − ln 0.03); together: 2·40(1 − ln
        // 0.02). The difference is the Poisson likelihood-ratio statistic,
        // 2(10 ln(10/20) + 30 ln(30/20)) = 10.464962875291 (Python: math.log).
        let apart = deviance(10, 1000) + deviance(30, 1000);
        let together = deviance(40, 2000);
        assert!(
            (together - apart - 10.464962875291).abs() < 1e-9,
            "{}",
            together - apart
        );
    }
}
