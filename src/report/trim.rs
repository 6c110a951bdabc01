//! Which rows tables.xlsx keeps of the long tables. The workbook is for people reading key
//! terms and themes; programs read the CSVs, which keep every row. For a corpus of a few
//! thousand documents over thirty years the whole tables made a workbook of 87 MB that a
//! spreadsheet took most of a minute to open, nearly all of it keyness rows of adjacent
//! periods that nothing distinguishes and term rows of terms seen a handful of times. So:
//!
//! - keyness: every term of the main comparison, and of the other comparisons the terms
//!   significant at an adjusted p below [`ALPHA`];
//! - term_frequencies and terms_by_period: the [`FREQUENT_TERMS`] terms most frequent in the
//!   whole corpus (fewer past 32 periods, [`for_periods`]), every term significant in a keyness row (of any comparison) and every
//!   word a theme_terms row names (the main comparison's other terms are in the keyness
//!   sheet with their rates; keeping all of them too made the term sheets four times longer
//!   on a generated 10 MB corpus of thirty years);
//! - every other table whole.
//!
//! The workbook's first sheet, `about`, says what each sheet holds and what it left out.

use polars::prelude::*;
use rustc_hash::FxHashSet;

use crate::measure::{Comparison, Tables, ALPHA};

/// The most frequent terms the term sheets keep, besides those the other sheets name.
pub(crate) const FREQUENT_TERMS: usize = 5_000;

/// The tables whose sheets keep only the terms of [`Trim::terms`].
const TERM_TABLES: [&str; 2] = ["term_frequencies.csv", "terms_by_period.csv"];

/// The rules for one run's tables.
pub(crate) struct Trim {
    /// The main comparison, whose keyness rows are all kept.
    main: Option<Comparison>,
    /// The most frequent terms, which the term sheets keep (with those significant in a
    /// keyness row: [`Trim::rows`] names them as the keyness sheet is written, and the term
    /// sheets, written after it, are given them).
    terms: FxHashSet<String>,
    /// Labels (`word`) of theme_terms' rows, kept in the term sheets too.
    words: FxHashSet<String>,
    /// How many most frequent terms were kept (fewer when the corpus has fewer).
    frequent: usize,
}

/// Periods up to which the term sheets keep [`FREQUENT_TERMS`] terms.
pub(crate) const FULL_PERIODS: usize = 32;

/// The most frequent terms the term sheets keep over `periods` periods: `frequent` up to
/// [`FULL_PERIODS`], and past that as many as hold the same cells (a term takes a row per
/// period in term_frequencies and two columns per period in terms_by_period), at least 100:
/// 5,000 over 32 years, 417 over 383 months, so the workbook stays the size it is for 32.
pub(crate) fn for_periods(frequent: usize, periods: usize) -> usize {
    if periods <= FULL_PERIODS {
        frequent
    } else {
        (frequent * FULL_PERIODS / periods).max(100)
    }
}

impl Trim {
    /// The rules for `tables`: the most frequent terms from terms_by_period's `total`, the
    /// theme words from theme_terms.
    pub(crate) fn new(tables: &Tables, frequent: usize) -> PolarsResult<Trim> {
        let frequent = for_periods(frequent, tables.terms_by_period.periods().len());
        let wide = &tables.terms_by_period;
        let terms: FxHashSet<String> = (0..frequent.min(wide.len()))
            .map(|r| wide.term(r).0.to_string())
            .collect();
        let words = match &tables.theme_terms {
            Some(t) => t
                .column("word")?
                .str()?
                .iter()
                .flatten()
                .map(String::from)
                .collect(),
            None => FxHashSet::default(),
        };
        let frequent = terms.len();
        Ok(Trim {
            main: tables.comparisons().first().cloned(),
            terms,
            words,
            frequent,
        })
    }

    /// Whether `file`'s sheet must be written after the others (it keeps the terms they
    /// name).
    pub(crate) fn is_term_table(file: &str) -> bool {
        TERM_TABLES.contains(&file)
    }

    /// The rows of `df`, a block of `file`, that its sheet keeps (`None` when all), and, for
    /// a block of keyness, the terms it names significant; a term sheet keeps the terms
    /// `significant` names besides its own.
    pub(crate) fn rows(
        &self,
        file: &str,
        df: &DataFrame,
        significant_terms: &FxHashSet<String>,
    ) -> PolarsResult<(Option<DataFrame>, Vec<String>)> {
        let mut named = Vec::new();
        let keep: BooleanChunked = if file == "keyness.csv" {
            let (a, b) = (df.column("period_a")?.str()?, df.column("period_b")?.str()?);
            let p = df.column("p_adjusted")?.cast(&DataType::Float64)?;
            let main = self.main.as_ref();
            let significant: Vec<bool> = (p.f64()?.iter())
                .map(|p| p.is_some_and(|p| p < ALPHA))
                .collect();
            let keep: BooleanChunked = (a.iter().zip(b.iter()).zip(&significant))
                .map(|((a, b), &significant)| {
                    let is_main = main.is_some_and(|m| Some(&*m.a) == a && Some(&*m.b) == b);
                    Some(is_main || significant)
                })
                .collect();
            let term = df.column("term")?.str()?;
            for (t, &significant) in term.iter().zip(&significant) {
                if let (Some(t), true) = (t, significant) {
                    named.push(t.to_string());
                }
            }
            keep
        } else if Self::is_term_table(file) {
            let (term, word) = (df.column("term")?.str()?, df.column("word")?.str()?);
            let kept = |t: &str| self.terms.contains(t) || significant_terms.contains(t);
            term.iter()
                .zip(word.iter())
                .map(|(t, w)| {
                    Some(t.is_some_and(kept) || w.is_some_and(|w| self.words.contains(w)))
                })
                .collect()
        } else {
            return Ok((None, named));
        };
        Ok((Some(df.filter(&keep)?), named))
    }

    /// What the sheet of `file` holds, for the `about` sheet.
    pub(crate) fn what(&self, file: &str) -> String {
        if file == "keyness.csv" {
            match &self.main {
                Some(m) => format!(
                    "every term of the main comparison ({} -> {}); of the other comparisons, \
                     the terms significant at adjusted p < {ALPHA}",
                    m.a, m.b
                ),
                None => "every row".to_string(),
            }
        } else if Self::is_term_table(file) {
            format!(
                "the {} terms most frequent in the whole corpus, every term significant in a \
                 keyness row (adjusted p < {ALPHA}) and every word of theme_terms",
                self.frequent
            )
        } else {
            "every row".to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_32_periods_the_term_sheets_keep_as_many_cells_as_for_32() {
        assert_eq!(for_periods(5_000, 2), 5_000);
        assert_eq!(for_periods(5_000, 32), 5_000);
        // 5,000 × 32 / 383 = 417.7: the cells of 32 periods' 5,000 rows.
        assert_eq!(for_periods(5_000, 383), 417);
        assert_eq!(for_periods(5_000, 10_000), 100);
    }
}
