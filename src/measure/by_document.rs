//! Document-level significance: the tests that treat a period's documents, not its words, as
//! the sample. Words are bursty, so a term used 40 times in one document gets a large G² from
//! one document's evidence (Kilgarriff 2005; Lijffijt et al. 2016); these tests ask whether the
//! documents of the two periods differ.
//!
//! - [`welch`]: Welch's t-test on the per-document relative frequencies of the two periods,
//!   from the sums [`RateSums`] (documents without the term count as 0).
//! - [`Bootstrap`]: a bootstrap over documents, resampling each period's documents with
//!   replacement, for a 95% interval of a theme's Log Ratio ([`log_ratio_interval`]), with
//!   as many resamples as make the interval stable to two decimals ([`resamples_for`]).
//! - [`evidence`]: what the token-level and document-level tests say together, in words.
//!
//! Both need at least two documents in each period; with fewer they give `None`.

use std::collections::BTreeMap;

use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::stats;
use crate::count::ThemeDoc;

/// A term's (or theme's) per-document relative frequencies `r_i = v_i / n_i` in one period:
/// the number of documents, `Σ r_i` and `Σ r_i²` (documents without it add 0 to both).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct RateSums {
    pub(crate) docs: u64,
    pub(crate) sum: f64,
    pub(crate) sum_sq: f64,
}

impl RateSums {
    /// The sums of `r_i = hits_i / words_i` over `docs` (a document of no words counts 0).
    pub(crate) fn of(docs: impl IntoIterator<Item = (u64, u64)>) -> RateSums {
        let mut s = RateSums::default();
        for (hits, words) in docs {
            let r = if words == 0 {
                0.0
            } else {
                hits as f64 / words as f64
            };
            s.docs += 1;
            s.sum += r;
            s.sum_sq += r * r;
        }
        s
    }

    fn mean(&self) -> f64 {
        self.sum / self.docs as f64
    }

    /// The sample variance `(Σr² − (Σr)²/n) / (n − 1)`, never below 0.
    fn variance(&self) -> f64 {
        let n = self.docs as f64;
        ((self.sum_sq - self.sum * self.sum / n) / (n - 1.0)).max(0.0)
    }
}

/// The result of [`welch`]: `t` (positive = higher mean rate in B), its degrees of freedom
/// and the two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Welch {
    pub(crate) t: f64,
    pub(crate) df: f64,
    pub(crate) p: f64,
}

/// Welch's unequal-variances t-test of the mean per-document rate in B against A:
///
/// `t = (m_b − m_a) / √(s_a²/n_a + s_b²/n_b)`, with means `m`, sample variances `s²` and
/// document counts `n`; degrees of freedom by Welch–Satterthwaite,
/// `ν = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))`; two-sided
/// `p = 2·P(T_ν ≥ |t|)`. When both variances are 0 the means are certain: `p` is 1 when
/// they are equal, 0 when not. `None` when a period has fewer than two documents.
///
/// References: B. L. Welch (1947), "The generalization of 'Student's' problem when several
/// different population variances are involved", Biometrika 34(1/2); applied to per-document
/// word frequencies as in J. Lijffijt, T. Nevalainen, T. Säily, P. Papapetrou, K. Puolamäki
/// and H. Mannila (2016), "Significance testing of word frequencies in corpora", Digital
/// Scholarship in the Humanities 31(2).
pub(crate) fn welch(a: RateSums, b: RateSums) -> Option<Welch> {
    if a.docs < 2 || b.docs < 2 {
        return None;
    }
    let (na, nb) = (a.docs as f64, b.docs as f64);
    let (ua, ub) = (a.variance() / na, b.variance() / nb);
    let diff = b.mean() - a.mean();
    let se2 = ua + ub;
    if se2 <= 0.0 {
        let p = if diff == 0.0 { 1.0 } else { 0.0 };
        let t = if diff == 0.0 {
            0.0
        } else {
            diff.signum() * f64::INFINITY
        };
        return Some(Welch {
            t,
            df: na + nb - 2.0,
            p,
        });
    }
    let t = diff / se2.sqrt();
    let df = se2 * se2 / (ua * ua / (na - 1.0) + ub * ub / (nb - 1.0));
    let dist = StudentsT::new(0.0, 1.0, df).expect("positive degrees of freedom");
    let p = (2.0 * dist.sf(t.abs())).min(1.0);
    Some(Welch { t, df, p })
}

/// [`stats::benjamini_hochberg`] over the tests that could be made; the others stay `None`.
pub(crate) fn adjust(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let made: Vec<f64> = p.iter().flatten().copied().collect();
    let mut adjusted = stats::benjamini_hochberg(&made).into_iter();
    p.iter().map(|v| v.and_then(|_| adjusted.next())).collect()
}

/// Resamples every bootstrap starts with: enough to see how widely its Log Ratios spread.
pub(crate) const MIN_RESAMPLES: usize = 2_000;

/// The most resamples an interval uses.
pub(crate) const MAX_RESAMPLES: usize = 20_000;

/// The Monte Carlo error aimed at for each bound of an interval: two seeds then give the same
/// interval to two decimals.
const TARGET_ERROR: f64 = 0.004;

/// Resamples an interval needs when its first [`MIN_RESAMPLES`] Log Ratios spread by `sd`:
/// the Monte Carlo error of a 2.5% quantile is about `2.67·σ/√B` (its binomial standard
/// error `√(q(1−q)/B)` over the normal density there, `φ(1.96)/σ`), so
/// `B = (2.67·σ / 0.004)²`, at least [`MIN_RESAMPLES`] and at most [`MAX_RESAMPLES`] (reached
/// at `σ ≈ 0.21`). Since `σ` shrinks as a period's documents grow, large corpora need few
/// resamples, and the work (resamples times documents) stays small.
fn resamples_for(sd: f64) -> usize {
    let b = (2.67 * sd / TARGET_ERROR).powi(2).ceil();
    if b.is_nan() {
        return MIN_RESAMPLES;
    }
    (b as usize).clamp(MIN_RESAMPLES, MAX_RESAMPLES)
}

/// The bootstrap's fixed seed: the same corpus gives the same interval.
pub(crate) const SEED: u64 = 0x7e3e_5b1f_2016_0016;

/// One period's documents resampled with replacement: for each resample the words and each
/// theme's hits of the resampled documents, summed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resampled {
    themes: usize,
    /// Per resample: words, then each theme's hits.
    sums: Vec<u64>,
    /// The stream the resamples are drawn from (the seed and the period's label).
    stream: u64,
}

impl Resampled {
    /// Resamples `docs` (one period's documents, in a fixed order) `resamples` times, each
    /// from its own random stream seeded by `seed`, the period's `label` and the resample's
    /// number, so the result does not depend on the threads, nor resample `r` on how many
    /// are drawn. `None` under two documents.
    pub(crate) fn new(
        docs: &[ThemeDoc],
        themes: usize,
        label: &str,
        resamples: usize,
        seed: u64,
    ) -> Option<Resampled> {
        if docs.len() < 2 {
            return None;
        }
        let mut r = Resampled {
            themes,
            sums: Vec::new(),
            stream: seed ^ fnv1a(label.as_bytes()),
        };
        r.extend_to(docs, resamples);
        Some(r)
    }

    /// Draws resamples of `docs` (the documents it was made from) until there are
    /// `resamples`.
    fn extend_to(&mut self, docs: &[ThemeDoc], resamples: usize) {
        let (width, had) = (self.themes + 1, self.resamples());
        if resamples <= had {
            return;
        }
        self.sums.resize(resamples * width, 0);
        let (stream, n) = (self.stream, docs.len() as u128);
        let new = &mut self.sums[had * width..];
        new.par_chunks_mut(width).enumerate().for_each(|(i, out)| {
            let r = (had + i) as u64;
            let mut rng = SplitMix64(splitmix(stream ^ splitmix(r)));
            for _ in 0..docs.len() {
                // Lemire's multiply-shift: a uniform index, bias below n / 2^64.
                let doc = &docs[((rng.next() as u128 * n) >> 64) as usize];
                out[0] += doc.tokens;
                for &(t, h) in doc.hits.iter() {
                    out[1 + t as usize] += h;
                }
            }
        });
    }

    fn resamples(&self) -> usize {
        self.sums.len() / (self.themes + 1)
    }

    /// Resample `r`'s words and its hits of `theme`.
    fn get(&self, r: usize, theme: usize) -> (u64, u64) {
        let row = &self.sums[r * (self.themes + 1)..];
        (row[0], row[1 + theme])
    }
}

/// The Log Ratio of B against A on each of the first `resamples` pairs of resamples (A's
/// `r`th with B's `r`th; the periods are resampled independently).
fn resampled_log_ratios(a: &Resampled, b: &Resampled, theme: usize, resamples: usize) -> Vec<f64> {
    (0..resamples)
        .map(|r| {
            let ((na, ha), (nb, hb)) = (a.get(r, theme), b.get(r, theme));
            stats::log_ratio(ha, hb, na, nb)
        })
        .collect()
}

/// Resamples of every compared period, as many as the intervals of its comparisons need
/// ([`resamples_for`]): what [`Bootstrap::interval`] reads.
pub(crate) struct Bootstrap<'c> {
    periods: BTreeMap<&'c str, Option<Resampled>>,
}

impl<'c> Bootstrap<'c> {
    /// Resamples each period of `comparisons` (A, B) from `docs` (each period's documents):
    /// first [`MIN_RESAMPLES`], then more where an interval's Log Ratios spread widely.
    pub(crate) fn new(
        docs: &BTreeMap<&'c str, &[ThemeDoc]>,
        comparisons: &[(&'c str, &'c str)],
        themes: usize,
        seed: u64,
    ) -> Bootstrap<'c> {
        let mut periods: BTreeMap<&str, Option<Resampled>> = BTreeMap::new();
        for &(a, b) in comparisons {
            for p in [a, b] {
                periods.entry(p).or_insert_with(|| {
                    let rows = docs.get(p).copied().unwrap_or_default();
                    Resampled::new(rows, themes, p, MIN_RESAMPLES, seed)
                });
            }
        }
        let mut boot = Bootstrap { periods };
        let mut need: BTreeMap<&str, usize> = BTreeMap::new();
        for &(a, b) in comparisons {
            let most = (0..themes).filter_map(|t| boot.needed(a, b, t)).max();
            for p in [a, b] {
                let n = need.entry(p).or_default();
                *n = (*n).max(most.unwrap_or(0));
            }
        }
        for (p, n) in need {
            if let Some(Some(r)) = boot.periods.get_mut(p) {
                r.extend_to(docs.get(p).copied().unwrap_or_default(), n);
            }
        }
        boot
    }

    /// The resamples the interval of `theme` between `a` and `b` needs, judged on the first
    /// [`MIN_RESAMPLES`]; `None` when a period has fewer than two documents.
    fn needed(&self, a: &str, b: &str, theme: usize) -> Option<usize> {
        let (ra, rb) = (
            self.periods.get(a)?.as_ref()?,
            self.periods.get(b)?.as_ref()?,
        );
        let lr = resampled_log_ratios(ra, rb, theme, MIN_RESAMPLES);
        let mean = lr.iter().sum::<f64>() / lr.len() as f64;
        let var = lr.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (lr.len() - 1) as f64;
        Some(resamples_for(var.sqrt()))
    }

    /// [`log_ratio_interval`] of `theme` between `a` and `b`, on the resamples it needs.
    pub(crate) fn interval(&self, a: &str, b: &str, theme: usize) -> Option<(f64, f64)> {
        let n = self.needed(a, b, theme)?;
        let (ra, rb) = (self.periods[a].as_ref()?, self.periods[b].as_ref()?);
        Some(log_ratio_interval(ra, rb, theme, n))
    }
}

/// 95% percentile bootstrap interval of a theme's Log Ratio of B against A: the 2.5% and
/// 97.5% quantiles (linear interpolation between order statistics) of
/// [`stats::log_ratio`] computed on the first `resamples` pairs of resamples (A's `r`th with
/// B's `r`th; the periods are resampled independently). Reference: B. Efron (1979),
/// "Bootstrap methods: another look at the jackknife", Annals of Statistics 7(1); B. Efron and
/// R. J. Tibshirani (1993), An Introduction to the Bootstrap, ch. 13 (percentile interval).
pub(crate) fn log_ratio_interval(
    a: &Resampled,
    b: &Resampled,
    theme: usize,
    resamples: usize,
) -> (f64, f64) {
    let mut lr = resampled_log_ratios(a, b, theme, resamples);
    lr.sort_by(f64::total_cmp);
    (quantile(&lr, 0.025), quantile(&lr, 0.975))
}

/// The `q` quantile of sorted `x`, interpolating between order statistics (Hyndman and Fan
/// 1996, type 7).
fn quantile(x: &[f64], q: f64) -> f64 {
    let h = (x.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(x.len() - 1);
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

/// `evidence` when both tests find a change at 0.05, in the same direction.
pub(crate) const BOTH: &str = "documents and words";
/// When the token-level test finds a change and the document-level test does not: the
/// change rests on few documents (or on uneven use across them).
pub(crate) const WORDS_ONLY: &str = "words only (few documents)";
/// When only the document-level test finds a change.
pub(crate) const DOCUMENTS_ONLY: &str = "documents only";
/// When the two tests find changes in opposite directions.
pub(crate) const DISAGREE: &str = "tests disagree on direction";
/// When neither test finds a change.
pub(crate) const NEITHER: &str = "neither";
/// When the token-level test finds a change and a period has too few documents to test.
pub(crate) const WORDS_UNTESTED: &str = "words only (too few documents to test)";
/// When the token-level test finds no change and a period has too few documents to test.
pub(crate) const NEITHER_UNTESTED: &str = "neither (too few documents to test)";

/// What the token-level test (signed `g2`, its `p`) and the document-level test (`doc`) say
/// together, at significance level `alpha`.
pub(crate) fn evidence(g2: f64, p: f64, doc: Option<Welch>, alpha: f64) -> &'static str {
    let words = p < alpha && g2 != 0.0;
    let Some(doc) = doc else {
        return if words {
            WORDS_UNTESTED
        } else {
            NEITHER_UNTESTED
        };
    };
    let documents = doc.p < alpha && doc.t != 0.0;
    match (words, documents) {
        (true, true) if (g2 > 0.0) == (doc.t > 0.0) => BOTH,
        (true, true) => DISAGREE,
        (true, false) => WORDS_ONLY,
        (false, true) => DOCUMENTS_ONLY,
        (false, false) => NEITHER,
    }
}

/// Fowler–Noll–Vo 1a hash of a period label: part of its resamples' seed.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// SplitMix64's output function: a well-mixed 64-bit value of any input.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64 (G. L. Steele, D. Lea and C. H. Flood 2014, "Fast splittable pseudorandom
/// number generators", OOPSLA): small, fast and good enough to pick documents.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        let z = splitmix(self.0);
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64, tol: f64) -> bool {
        (x - y).abs() <= tol * y.abs().max(1e-300)
    }

    fn rates(r: &[f64]) -> RateSums {
        RateSums {
            docs: r.len() as u64,
            sum: r.iter().sum(),
            sum_sq: r.iter().map(|x| x * x).sum(),
        }
    }

    #[test]
    fn welch_t_and_p_match_scipy() {
        // scipy 1.17: from scipy import stats
        // stats.ttest_ind(b, a, equal_var=False) -> statistic, pvalue, df
        // a=[0.01,0.02,0.0,0.015,0.03]; b=[0.04,0.05,0.02,0.06]
        //   -> 2.7791013395195123, 0.03918707376285948, 4.971492873218305
        // a=[0]*9+[0.002]; b=[0.001,0.0012,0.0009,0.0011,0.001]
        //   -> 4.069813298136678, 0.0021998554181992497, 10.111898762390027
        let cases = [
            (
                vec![0.01, 0.02, 0.0, 0.015, 0.03],
                vec![0.04, 0.05, 0.02, 0.06],
                (2.7791013395195123, 0.03918707376285948, 4.971492873218305),
            ),
            (
                [vec![0.0; 9], vec![0.002]].concat(),
                vec![0.001, 0.0012, 0.0009, 0.0011, 0.001],
                (4.069813298136678, 0.0021998554181992497, 10.111898762390027),
            ),
        ];
        for (a, b, (t, p, df)) in cases {
            let w = welch(rates(&a), rates(&b)).unwrap();
            assert!(close(w.t, t, 1e-9), "{w:?}");
            assert!(close(w.df, df, 1e-9), "{w:?}");
            assert!(close(w.p, p, 1e-7), "{w:?}");
            let back = welch(rates(&b), rates(&a)).unwrap();
            assert!(close(back.t, -t, 1e-9) && close(back.p, p, 1e-7));
        }
    }

    #[test]
    fn welch_needs_two_documents_a_side_and_handles_no_variance() {
        assert_eq!(welch(rates(&[0.1]), rates(&[0.1, 0.2])), None);
        let same = welch(rates(&[0.0, 0.0]), rates(&[0.0, 0.0, 0.0])).unwrap();
        assert_eq!((same.t, same.p), (0.0, 1.0));
        let apart = welch(rates(&[0.0, 0.0]), rates(&[0.5, 0.5])).unwrap();
        assert_eq!((apart.t, apart.p), (f64::INFINITY, 0.0));
    }

    #[test]
    fn rate_sums_count_documents_of_no_words_as_zero() {
        let s = RateSums::of([(1, 4), (0, 0), (2, 4)]);
        assert_eq!(s.docs, 3);
        assert!(close(s.sum, 0.75, 1e-15) && close(s.sum_sq, 0.3125, 1e-15));
    }

    #[test]
    fn adjustment_skips_the_tests_not_made() {
        // Benjamini-Hochberg of [0.01, 0.04, 0.03] by hand: m = 3, sorted 0.01, 0.03, 0.04
        // -> 0.03, 0.04 (min of 0.045 and 0.04), 0.04.
        let adjusted = adjust(&[Some(0.01), None, Some(0.04), Some(0.03), None]);
        let want = [Some(0.03), None, Some(0.04), Some(0.04), None];
        for (got, want) in adjusted.iter().zip(want) {
            assert_eq!(got.is_some(), want.is_some());
            assert!(close(got.unwrap_or(0.0), want.unwrap_or(0.0), 1e-12));
        }
    }

    /// Ten documents a period: (hits, words).
    const A: [(u64, u64); 10] = [
        (3, 1000),
        (5, 1200),
        (2, 800),
        (8, 1500),
        (4, 1000),
        (6, 900),
        (1, 600),
        (7, 1100),
        (5, 1000),
        (4, 1000),
    ];
    const B: [(u64, u64); 10] = [
        (8, 1000),
        (12, 1300),
        (6, 700),
        (10, 1200),
        (9, 1000),
        (15, 1400),
        (7, 900),
        (11, 1000),
        (10, 1100),
        (9, 1000),
    ];

    fn docs(rows: &[(u64, u64)]) -> Vec<ThemeDoc> {
        rows.iter()
            .map(|&(h, n)| ThemeDoc {
                tokens: n,
                hits: vec![(0, h)].into(),
            })
            .collect()
    }

    fn interval(seed: u64) -> (f64, f64) {
        let (a, b) = (docs(&A), docs(&B));
        let rows = BTreeMap::from([("A", &a[..]), ("B", &b[..])]);
        let boot = Bootstrap::new(&rows, &[("A", "B")], 1, seed);
        boot.interval("A", "B", 0).unwrap()
    }

    #[test]
    fn bootstrap_interval_matches_an_independent_bootstrap_and_is_stable_to_two_decimals() {
        // numpy 2: rng = np.random.default_rng(1); R = 400000
        // ia, ib = rng.integers(0, 10, (R, 10)), rng.integers(0, 10, (R, 10))
        // lr = np.log2((hB[ib].sum(1) / nB[ib].sum(1)) / (hA[ia].sum(1) / nA[ia].sum(1)))
        // np.quantile(lr, [0.025, 0.975]) -> [0.77529371, 1.369991]; lr.std() -> 0.1517
        // (the Monte Carlo error of 400,000 resamples is under 0.001).
        let (lo, hi) = interval(SEED);
        assert!((lo - 0.77529371).abs() < 0.01, "{lo}");
        assert!((hi - 1.369991).abs() < 0.01, "{hi}");
        for seed in [1, 2, 3] {
            let (l, h) = interval(seed);
            assert!(
                (l - lo).abs() < 0.01 && (h - hi).abs() < 0.01,
                "{seed}: {l} {h}"
            );
        }
        assert_eq!(
            interval(SEED),
            (lo, hi),
            "a fixed seed gives a fixed interval"
        );
    }

    #[test]
    fn resamples_grow_with_the_spread_of_the_log_ratios() {
        // (2.67 * 0.15 / 0.004)^2 = 10,025.6 by hand.
        assert_eq!(resamples_for(0.15), 10_026);
        assert_eq!(resamples_for(0.01), MIN_RESAMPLES);
        assert_eq!(resamples_for(1.0), MAX_RESAMPLES);
        let (a, b) = (docs(&A), docs(&B));
        let rows = BTreeMap::from([("A", &a[..]), ("B", &b[..])]);
        let boot = Bootstrap::new(&rows, &[("A", "B")], 1, SEED);
        // The independent bootstrap's spread is 0.1517: about 11,500 resamples.
        let n = boot.needed("A", "B", 0).unwrap();
        assert!((10_000..13_000).contains(&n), "{n}");
        assert_eq!(boot.periods["A"].as_ref().unwrap().resamples(), n);
        let few = Bootstrap::new(&rows, &[("A", "A")], 1, SEED);
        assert_eq!(
            few.periods["A"].as_ref().unwrap().resamples(),
            MIN_RESAMPLES
        );
    }

    #[test]
    fn a_resample_does_not_depend_on_how_many_are_drawn() {
        let a = docs(&A);
        let mut grown = Resampled::new(&a, 1, "A", 100, SEED).unwrap();
        grown.extend_to(&a, 300);
        assert_eq!(grown, Resampled::new(&a, 1, "A", 300, SEED).unwrap());
    }

    #[test]
    fn bootstrap_needs_two_documents() {
        assert!(Resampled::new(&docs(&A[..1]), 1, "A", 10, SEED).is_none());
    }

    #[test]
    fn evidence_names_which_tests_find_a_change() {
        let doc = |t: f64, p: f64| Some(Welch { t, df: 9.0, p });
        assert_eq!(evidence(20.0, 0.0001, doc(3.0, 0.01), 0.05), BOTH);
        assert_eq!(evidence(20.0, 0.0001, doc(1.0, 0.3), 0.05), WORDS_ONLY);
        assert_eq!(evidence(1.0, 0.3, doc(3.0, 0.01), 0.05), DOCUMENTS_ONLY);
        assert_eq!(evidence(-20.0, 0.0001, doc(3.0, 0.01), 0.05), DISAGREE);
        assert_eq!(evidence(1.0, 0.3, doc(1.0, 0.3), 0.05), NEITHER);
        assert_eq!(evidence(20.0, 0.0001, None, 0.05), WORDS_UNTESTED);
        assert_eq!(evidence(1.0, 0.3, None, 0.05), NEITHER_UNTESTED);
    }
}
