//! The course of each theme across every period (`theme_course.csv`): its periods cut into
//! stretches of steady rate, the turns between them that both the words and the documents
//! bear out, its peak, and the terms that came and went with each turn.
//!
//! 1. **Stretches.** A theme's hits `h_t` in the `n_t` words of each period big enough to
//!    compare ([`super::SmallPeriods`]) are cut where the rate changes, the number of cuts
//!    chosen by the data: the cut that minimises `Σ C(stretch) + β·(stretches − 1)`, found
//!    exactly by optimal partitioning (Jackson et al. 2005) with PELT's pruning (Killick,
//!    Fearnhead and Eckley 2012). `C` is the Poisson deviance of a stretch of `H` hits in `N`
//!    words at its own rate, `2H(1 − ln(H/N))` (the terms that do not depend on the cut
//!    dropped), divided by the theme's dispersion `φ` ([`dispersion`]): a quasi-Poisson
//!    likelihood (McCullagh and Nelder 1989, §4.5), so that hits bunched in a few documents
//!    (a theme repeated 500 times in one document) weigh as the few documents they are. The
//!    penalty is `β = 5 ln T` for `T` periods ([`PENALTY`]: more than Schwarz's `2 ln T`, as
//!    a cut's place is searched for, not given).
//! 2. **Turns.** Each cut is tested as the project tests any change: Dunning's G² of the
//!    stretch before against the stretch after ([`stats::signed_log_likelihood`]) and
//!    Welch's t-test of the documents' rates either side ([`by_document::welch`]). Both
//!    p-values are multiplied by the number of places the cut could have been made between
//!    the two stretches (Bonferroni: the cut was sought, not given), then adjusted by
//!    Benjamini–Hochberg over every cut of every theme. A cut is a turn when both tests
//!    find a change in the same direction at an adjusted p below [`ALPHA`]
//!    ([`by_document::evidence`]); otherwise the weakest cut (the largest of its two
//!    adjusted p-values) is removed, its stretches joined, and the rest tested again, until
//!    every cut left is a turn.
//! 3. **What came with a turn.** The terms most key to the stretch after it against the
//!    stretch before (`came`) and the other way (`went`): G², Log Ratio and
//!    Benjamini–Hochberg over the terms seen at least `min_count` times in the two, as in
//!    keyness.csv, keeping those significant and in two documents or more, strongest first,
//!    a term mostly inside a longer listed phrase giving way to it ([`super::fragments`]).
//!
//! References: B. Jackson et al. (2005), "An algorithm for optimal partitioning of data on an
//! interval", IEEE Signal Processing Letters 12(2); R. Killick, P. Fearnhead and I. A. Eckley
//! (2012), "Optimal detection of changepoints with a linear computational cost", JASA
//! 107(500); G. Schwarz (1978), "Estimating the dimension of a model", Annals of Statistics
//! 6(2); N. R. Zhang and D. O. Siegmund (2007), "A modified Bayes information criterion with
//! applications to the analysis of comparative genomic hybridization data", Biometrics 63(1);
//! P. McCullagh and J. A. Nelder (1989), Generalized Linear Models, 2nd ed.; V. Kulkarni
//! et al. (2015), "Statistically significant detection of linguistic change", WWW '15.

use polars::prelude::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::by_document::{self, RateSums, Welch};
use super::by_period::WideTable;
use super::key_lists::KeyLine;
use super::{fragments, stats, SmallPeriods, ALPHA};
use crate::count::{Counts, ThemeDoc};
use crate::lexicon::Lexicon;

/// Fewest periods big enough to compare for a course to be drawn.
pub(crate) const MIN_PERIODS: usize = 3;

/// Terms listed each way with a turn.
pub(crate) const TURN_TERMS: usize = 5;

/// One theme's course.
#[derive(Debug, Clone)]
pub(crate) struct Course {
    pub(crate) theme: String,
    /// In time order; the first has no turn.
    pub(crate) stretches: Vec<Stretch>,
    /// The period of the highest rate (the earliest of equals) and that rate; `None` when the
    /// theme has no hits.
    pub(crate) peak: Option<(String, f64)>,
    /// The theme's dispersion `φ` ([`dispersion`]).
    pub(crate) dispersion: f64,
}

/// A stretch of periods at a steady rate.
#[derive(Debug, Clone)]
pub(crate) struct Stretch {
    /// Its first and last periods (of those big enough to compare).
    pub(crate) from: String,
    pub(crate) to: String,
    /// Its periods, and its index of the first in the course's periods.
    pub(crate) periods: usize,
    pub(crate) start: usize,
    pub(crate) hits: u64,
    pub(crate) words: u64,
    /// Documents with a hit of the theme, and all documents.
    pub(crate) docs: u64,
    pub(crate) documents: u64,
    pub(crate) per_10k: f64,
    /// The turn into this stretch from the one before.
    pub(crate) turn: Option<Turn>,
}

/// A turn between two stretches, significant by both tests.
#[derive(Debug, Clone)]
pub(crate) struct Turn {
    /// `rose` or `fell`.
    pub(crate) direction: &'static str,
    /// The rate of the stretch before.
    pub(crate) per_10k_before: f64,
    pub(crate) log_ratio: f64,
    pub(crate) g2: f64,
    pub(crate) p_value: f64,
    /// The p-value for the place searched, adjusted over every turn (see the module).
    pub(crate) p_adjusted: f64,
    pub(crate) p_doc: Option<f64>,
    pub(crate) p_doc_adjusted: Option<f64>,
    pub(crate) evidence: &'static str,
    /// Terms key to the stretch after (`came`) and before (`went`), strongest first.
    pub(crate) came: Vec<KeyLine>,
    pub(crate) went: Vec<KeyLine>,
}

impl Course {
    /// The turns, in time order, with the stretches either side.
    pub(crate) fn turns(&self) -> impl Iterator<Item = (&Stretch, &Stretch, &Turn)> {
        self.stretches
            .windows(2)
            .filter_map(|w| w[1].turn.as_ref().map(|t| (&w[0], &w[1], t)))
    }
}

/// theme_course.csv: one row per theme and stretch, in lexicon then time order: theme, from,
/// to, periods, per_10k, hits, words, docs (with a hit), documents; for a stretch after a
/// turn the turn into it: turn (`rose`, `fell`), per_10k_before, log_ratio, g2, p_value,
/// p_adjusted, p_doc, p_doc_adjusted, evidence, came and went (the key terms' labels, `; `
/// between them); then the theme's peak, peak_per_10k and dispersion (`φ`), on each of its
/// rows.
pub(crate) fn course_table(courses: &[Course]) -> PolarsResult<DataFrame> {
    let rows: Vec<(&Course, &Stretch)> = courses
        .iter()
        .flat_map(|c| c.stretches.iter().map(move |s| (c, s)))
        .collect();
    let text = |f: for<'r> fn(&'r Course, &'r Stretch) -> &'r str| -> Vec<&str> {
        rows.iter().map(|(c, s)| f(c, s)).collect()
    };
    let count = |f: fn(&Stretch) -> u64| -> Vec<u64> { rows.iter().map(|r| f(r.1)).collect() };
    let turn = |f: fn(&Turn) -> Option<f64>| -> Vec<Option<f64>> {
        rows.iter().map(|r| r.1.turn.as_ref().and_then(f)).collect()
    };
    let terms = |f: fn(&Turn) -> &[KeyLine]| -> Vec<Option<String>> {
        rows.iter()
            .map(|r| {
                r.1.turn.as_ref().map(|t| {
                    f(t).iter()
                        .map(|k| k.word.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                })
            })
            .collect()
    };
    df!(
        "theme" => text(|c, _| &c.theme),
        "from" => text(|_, s| &s.from),
        "to" => text(|_, s| &s.to),
        "periods" => count(|s| s.periods as u64),
        "per_10k" => rows.iter().map(|r| r.1.per_10k).collect::<Vec<f64>>(),
        "hits" => count(|s| s.hits),
        "words" => count(|s| s.words),
        "docs" => count(|s| s.docs),
        "documents" => count(|s| s.documents),
        "turn" => rows.iter().map(|r| r.1.turn.as_ref().map(|t| t.direction)).collect::<Vec<_>>(),
        "per_10k_before" => turn(|t| Some(t.per_10k_before)),
        "log_ratio" => turn(|t| Some(t.log_ratio)),
        "g2" => turn(|t| Some(t.g2)),
        "p_value" => turn(|t| Some(t.p_value)),
        "p_adjusted" => turn(|t| Some(t.p_adjusted)),
        "p_doc" => turn(|t| t.p_doc),
        "p_doc_adjusted" => turn(|t| t.p_doc_adjusted),
        "evidence" => rows.iter().map(|r| r.1.turn.as_ref().map(|t| t.evidence)).collect::<Vec<_>>(),
        "came" => terms(|t| &t.came),
        "went" => terms(|t| &t.went),
        "peak" => rows.iter().map(|r| r.0.peak.as_ref().map(|p| p.0.as_str())).collect::<Vec<_>>(),
        "peak_per_10k" => rows.iter().map(|r| r.0.peak.as_ref().map(|p| p.1)).collect::<Vec<_>>(),
        "dispersion" => rows.iter().map(|r| r.0.dispersion).collect::<Vec<f64>>(),
    )
}

/// A theme's series over the periods big enough to compare.
struct Series<'c> {
    hits: Vec<u64>,
    words: Vec<u64>,
    docs_with: Vec<u64>,
    documents: Vec<u64>,
    rows: Vec<&'c [ThemeDoc]>,
    theme: usize,
}

impl<'c> Series<'c> {
    /// Theme `theme`'s series over the periods of `counts` numbered `kept`.
    fn of(counts: &'c Counts, kept: &[usize], theme: usize) -> Series<'c> {
        let mut s = Series {
            hits: Vec::new(),
            words: Vec::new(),
            docs_with: Vec::new(),
            documents: Vec::new(),
            rows: Vec::new(),
            theme,
        };
        let periods = counts.periods.values().enumerate();
        for (_, c) in periods.filter(|(i, _)| kept.contains(i)) {
            let t = c.themes.get(theme);
            s.hits.push(t.map_or(0, |t| t.hits));
            s.docs_with.push(t.map_or(0, |t| t.docs));
            s.words.push(c.tokens);
            s.documents.push(c.docs);
            s.rows.push(&c.theme_docs);
        }
        s
    }

    fn sum(v: &[u64], r: std::ops::Range<usize>) -> u64 {
        v[r].iter().sum()
    }

    /// The stretches between `cuts`, without their turns; `label` names a period.
    fn stretches(&self, cuts: &[usize], label: &impl Fn(usize) -> String) -> Vec<Stretch> {
        let mut bounds = vec![0];
        bounds.extend(cuts);
        bounds.push(self.hits.len());
        bounds
            .windows(2)
            .map(|w| {
                let r = w[0]..w[1];
                let hits = Series::sum(&self.hits, r.clone());
                let words = Series::sum(&self.words, r.clone());
                Stretch {
                    from: label(w[0]),
                    to: label(w[1] - 1),
                    periods: r.len(),
                    start: w[0],
                    hits,
                    words,
                    docs: Series::sum(&self.docs_with, r.clone()),
                    documents: Series::sum(&self.documents, r),
                    per_10k: stats::per_10k(hits, words),
                    turn: None,
                }
            })
            .collect()
    }

    /// The period of the highest rate (the earliest of equals) and the rate; `None` without
    /// hits.
    fn peak(&self) -> Option<(usize, f64)> {
        (0..self.hits.len())
            .map(|i| (i, stats::per_10k(self.hits[i], self.words[i])))
            .fold(None, |best: Option<(usize, f64)>, (i, r)| match best {
                Some((_, b)) if b >= r => best,
                _ => Some((i, r)),
            })
            .filter(|&(_, r)| r > 0.0)
    }

    /// The per-document rates of periods `r` for the Welch test.
    fn rates(&self, r: std::ops::Range<usize>) -> RateSums {
        let theme = self.theme as u32;
        RateSums::of(self.rows[r].iter().flat_map(|rows| rows.iter()).map(|d| {
            let hits = d
                .hits
                .binary_search_by_key(&theme, |h| h.0)
                .map_or(0, |k| d.hits[k].1);
            (hits, d.tokens)
        }))
    }
}

/// Each theme's course over the periods of `counts` big enough to compare (`small`), when
/// at least [`MIN_PERIODS`] are; empty otherwise. Key terms come from `wide` (the terms'
/// counts per period), labelled by `labels`; terms seen fewer than `min_count` times in a
/// turn's two stretches are not tested.
pub(crate) fn courses(
    counts: &Counts,
    lexicon: &Lexicon,
    small: &SmallPeriods,
    wide: &WideTable,
    labels: &FxHashMap<String, String>,
    min_count: u64,
) -> Vec<Course> {
    tuned(counts, lexicon, small, (wide, labels, min_count), PENALTY)
}

/// How readily a cut is made: the penalty per cut is this times `ln T`.
///
/// Schwarz's criterion would be 2: a rate and a place per cut. But a place found by searching
/// every period costs more than a parameter given. On generated series of 20 periods with
/// chance (Poisson) noise (the `calibrate` test, 3,000 series each), a steady rate was cut
/// in 3.3% of series at 2, 2.4% at 3 (the leading term of Zhang and Siegmund's modified
/// criterion), 0.5% at 4 and 0.1% at 5; a step to three times the rate was found alone and
/// within a period in 99.7% of series at 5, and a step in 120 monthly periods in 99.9%.
pub(crate) const PENALTY: f64 = 5.0;

pub(crate) fn tuned(
    counts: &Counts,
    lexicon: &Lexicon,
    small: &SmallPeriods,
    (wide, labels, min_count): (&WideTable, &FxHashMap<String, String>, u64),
    penalty: f64,
) -> Vec<Course> {
    let all: Vec<&str> = counts.periods.keys().map(String::as_str).collect();
    let kept: Vec<usize> = (0..all.len())
        .filter(|&i| !small.is_small(all[i]))
        .collect();
    if kept.len() < MIN_PERIODS {
        return Vec::new();
    }
    let series: Vec<Series> = (0..lexicon.themes.len())
        .map(|theme| Series::of(counts, &kept, theme))
        .collect();
    let beta = penalty * (kept.len() as f64).ln();
    let dispersions: Vec<f64> = series.iter().map(dispersion).collect();
    let mut cuts: Vec<Vec<usize>> = series
        .par_iter()
        .zip(&dispersions)
        .map(|(s, &phi)| segment(&s.hits, &s.words, phi, beta))
        .collect();
    let tests = prune(&series, &mut cuts);
    let label = |i: usize| all[kept[i]].to_string();
    series
        .iter()
        .zip(&cuts)
        .enumerate()
        .map(|(k, (s, cuts))| {
            let mut stretches = s.stretches(cuts, &label);
            for (j, cut) in cuts.iter().enumerate() {
                let test = tests[&(k, *cut)];
                let (before, after) = (&stretches[j], &stretches[j + 1]);
                let ranges = (
                    kept[before.start]..kept[before.start + before.periods - 1] + 1,
                    kept[after.start]..kept[after.start + after.periods - 1] + 1,
                );
                let (came, went) = key_terms(wide, labels, &kept, ranges, min_count);
                stretches[j + 1].turn = Some(Turn {
                    direction: if test.g2 > 0.0 { "rose" } else { "fell" },
                    per_10k_before: before.per_10k,
                    log_ratio: stats::log_ratio(before.hits, after.hits, before.words, after.words),
                    g2: test.g2,
                    p_value: test.p,
                    p_adjusted: test.p_adjusted,
                    p_doc: test.welch.map(|w| w.p),
                    p_doc_adjusted: test.p_doc_adjusted,
                    evidence: by_document::BOTH,
                    came,
                    went,
                });
            }
            let peak = s.peak().map(|(i, r)| (label(i), r));
            Course {
                theme: lexicon.themes[k].name.clone(),
                stretches,
                peak,
                dispersion: dispersions[k],
            }
        })
        .collect()
}

/// A theme's dispersion `φ`: Pearson's χ² of its documents' hits about their period's rate,
/// `Σ (h_d − r_t·n_d)² / (r_t·n_d)` over documents of `n_d > 0` words in periods of rate
/// `r_t > 0`, divided by its degrees of freedom (documents less periods); never below 1 (no
/// more even than chance), and 1 when there are too few documents to say.
fn dispersion(s: &Series) -> f64 {
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
fn deviance(h: u64, n: u64) -> f64 {
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
fn segment(hits: &[u64], words: &[u64], phi: f64, beta: f64) -> Vec<usize> {
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
struct CutTest {
    g2: f64,
    p: f64,
    welch: Option<Welch>,
    p_adjusted: f64,
    p_doc_adjusted: Option<f64>,
    evidence: &'static str,
}

/// Tests every cut of every theme (`cuts`, per theme), removing the weakest that is not a
/// turn until all are; returns the tests of the cuts left, by (theme, cut).
fn prune(series: &[Series], cuts: &mut [Vec<usize>]) -> FxHashMap<(usize, usize), CutTest> {
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

/// A term's row in the wide table, and its (count, documents) before and after a turn.
type Sides = (usize, (u64, u64), (u64, u64));

/// The terms most key to periods `ranges.1` against `ranges.0` (indices into all periods;
/// `kept` the periods big enough to compare, the only ones counted), each way.
fn key_terms(
    wide: &WideTable,
    labels: &FxHashMap<String, String>,
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
    let frequent = (wide.terms()).partition_point(|t| t.1 >= min_count.max(1));
    let rows: Vec<Sides> = (0..frequent)
        .into_par_iter()
        .filter_map(|r| {
            let (mut a, mut b) = ((0, 0), (0, 0));
            for c in wide.row(r).iter().filter(|c| counted(c.period)) {
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
    labels: &'a FxHashMap<String, String>,
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
        labels: &'a FxHashMap<String, String>,
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
        self.wide.terms()[self.rows[i].0].0
    }

    /// Tested term `i` as a key term of the turn.
    fn line(&self, i: usize) -> KeyLine {
        let ((_, a, b), (na, nb)) = (self.rows[i], self.words);
        let term = self.term(i);
        let (low, high) = stats::log_ratio_ci(a.0, b.0, na, nb);
        KeyLine {
            term: term.to_string(),
            word: (self.labels.get(term).cloned()).unwrap_or_else(|| term.to_string()),
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

#[cfg(test)]
#[path = "course_tests.rs"]
mod planted;

#[cfg(test)]
mod tests {
    use super::*;

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
