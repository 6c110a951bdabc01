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
//!    find a change in the same direction at an adjusted p below [`crate::measure::ALPHA`]
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

use super::by_document::{self, RateSums};
use super::by_period::WideTable;
use super::key_lists::KeyLine;
use super::{stats, SmallPeriods};
use crate::count::{Counts, ThemeDoc};
use crate::lexicon::Lexicon;

mod cuts;
mod terms;

use cuts::{dispersion, prune, segment};
use terms::key_terms;

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
    labels: &crate::measure::Labels,
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
    (wide, labels, min_count): (&WideTable, &crate::measure::Labels, u64),
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

#[cfg(test)]
mod planted;
