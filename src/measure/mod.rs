//! Measures: counts become polars DataFrames, one file per table family
//! ([`documents`], [`frequency`], [`keyness`], [`themes`]), with the statistics in [`stats`].
//!
//! Comparisons are period B (later) against period A (earlier): the user's `--compare A,B`
//! or the earliest against the latest, then every adjacent pair not already covered.

pub mod documents;
pub mod frequency;
pub mod keyness;
pub mod kwic;
pub mod stats;
pub mod themes;
pub mod trends;

use polars::prelude::*;
use rustc_hash::FxHashMap;

use crate::count::Counts;
use crate::error::InputError;
use crate::tokenise::Tokeniser;

/// Significance level for the `change` column and the charts.
pub const ALPHA: f64 = 0.05;

/// Period B compared against period A.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
}

/// The comparisons to make, main one first; `Ok(vec![])` never happens: fewer than two
/// periods is an error explaining why.
pub fn comparisons(
    counts: &Counts,
    chosen: Option<&(String, String)>,
) -> Result<Vec<Comparison>, InputError> {
    let periods: Vec<&String> = counts.periods.keys().collect();
    if let Some((a, b)) = chosen {
        for p in [a, b] {
            if !counts.periods.contains_key(p) {
                return Err(InputError::UnknownPeriod {
                    period: p.clone(),
                    available: list_or_none(&periods),
                });
            }
        }
    }
    if periods.len() < 2 {
        return Err(InputError::NoComparison(format!(
            "keyness and theme shift need dated documents from at least two periods, and this corpus has {} ({})",
            periods.len(),
            list_or_none(&periods)
        )));
    }
    let labels: Vec<&str> = periods.iter().map(|p| p.as_str()).collect();
    let main = main_comparison(&labels, chosen).expect("two periods at least");
    let mut all = vec![main];
    for pair in periods.windows(2) {
        let c = Comparison {
            a: pair[0].clone(),
            b: pair[1].clone(),
        };
        if !all.contains(&c) {
            all.push(c);
        }
    }
    Ok(all)
}

/// The main comparison among periods labelled `periods` (in time order): the user's
/// `--compare A,B`, else the earliest against the latest; `None` with fewer than two periods
/// and no choice.
pub fn main_comparison(periods: &[&str], chosen: Option<&(String, String)>) -> Option<Comparison> {
    match chosen {
        Some((a, b)) => Some(Comparison {
            a: a.clone(),
            b: b.clone(),
        }),
        None if periods.len() >= 2 => Some(Comparison {
            a: periods[0].to_string(),
            b: periods[periods.len() - 1].to_string(),
        }),
        None => None,
    }
}

fn list_or_none(periods: &[&String]) -> String {
    if periods.is_empty() {
        "none".to_string()
    } else {
        periods
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The label of each stem: its most frequent surface word in the whole corpus (ties go to the
/// alphabetically first word), so `commiss` is shown as `commissioning`.
pub fn labels(counts: &Counts, tokeniser: &Tokeniser) -> FxHashMap<String, String> {
    use rayon::prelude::*;
    // Stemmed in parallel: each worker's stem cache knows these words from counting.
    let stemmed: Vec<(String, &str, u64)> = counts
        .words
        .par_iter()
        .map(|(w, c)| (tokeniser.stem(w).into_owned(), w.as_str(), *c))
        .collect();
    let mut best: FxHashMap<String, (u64, &str)> = FxHashMap::default();
    for (stem, w, c) in stemmed {
        let e = best.entry(stem).or_insert((c, w));
        if c > e.0 || c == e.0 && w < e.1 {
            *e = (c, w);
        }
    }
    let mut labels: FxHashMap<String, String> = best
        .into_iter()
        .map(|(stem, (_, w))| (stem, w.to_string()))
        .collect();
    // A phrase is labelled word by word: `clinic commiss` -> `clinical commissioning`.
    let phrases: Vec<String> = counts
        .periods
        .values()
        .flat_map(|p| p.terms.keys())
        .filter(|t| t.contains(' ') && !labels.contains_key(*t))
        .map(str::to_string)
        .collect();
    for phrase in phrases {
        let label = phrase
            .split(' ')
            .map(|s| labels.get(s).map_or(s, String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        labels.insert(phrase, label);
    }
    labels
}

/// Adds `n`, the number of words in each term (1 for a word, 2 for a two-word phrase...),
/// right after the `term` column.
pub(crate) fn with_n(mut df: DataFrame) -> PolarsResult<DataFrame> {
    let n: Vec<u32> = df
        .column("term")?
        .str()?
        .iter()
        .map(|t| t.map_or(1, |t| t.split(' ').count() as u32))
        .collect();
    let at = df.get_column_index("term").map_or(0, |i| i + 1);
    df.insert_column(at, Column::new("n".into(), n))?;
    Ok(df)
}

/// Sort options: one flag per column, `true` for descending.
pub(crate) fn order(descending: &[bool]) -> SortMultipleOptions {
    SortMultipleOptions::default()
        .with_order_descending_multi(descending.iter().copied())
        .with_maintain_order(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::PeriodCounts;

    fn counts(periods: &[&str]) -> Counts {
        Counts {
            periods: periods
                .iter()
                .map(|p| (p.to_string(), PeriodCounts::default()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn default_is_earliest_against_latest_then_adjacent_pairs() {
        let c = comparisons(&counts(&["2001", "2003", "2010"]), None).unwrap();
        let pairs: Vec<_> = c.iter().map(|c| format!("{}-{}", c.a, c.b)).collect();
        assert_eq!(pairs, ["2001-2010", "2001-2003", "2003-2010"]);
        let c = comparisons(&counts(&["2003", "2010"]), None).unwrap();
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn chosen_periods_must_exist_and_two_are_needed() {
        let e = comparisons(
            &counts(&["2003", "2010"]),
            Some(&("2003".into(), "2011".into())),
        );
        assert!(e.unwrap_err().to_string().contains("no period '2011'"));
        let e = comparisons(&counts(&["2003"]), None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("at least two periods") && e.contains("has 1 (2003)"),
            "{e}"
        );
    }
}

/// Every table a run writes, keyed by file name in [`Tables::csv_files`], but documents.csv,
/// which is written straight from the document records ([`documents::write_documents`]), and
/// term_frequencies.csv ([`frequency::term_frequencies`]), written as soon as it is built.
#[derive(Debug, Default)]
pub struct Tables {
    /// The first rows of each period in term_frequencies.csv (which is written as soon as it
    /// is built: at a row per term and period it is the largest table): for top_terms.png.
    /// Empty from [`Tables::build`]; the caller sets it.
    pub top_terms: DataFrame,
    pub terms_by_period: DataFrame,
    /// The main (first) comparison's key terms, present when there is a comparison; the
    /// other comparisons' rows are added when keyness.csv is written ([`write_keyness`]).
    pub keyness: Option<DataFrame>,
    /// Present when there is a lexicon.
    pub themes: Option<DataFrame>,
    /// Present when there is a lexicon and a comparison.
    pub theme_shift: Option<DataFrame>,
    /// Present when there is a lexicon.
    pub theme_terms: Option<DataFrame>,
    /// Present when there is a lexicon.
    pub kwic: Option<DataFrame>,
    /// Present when there is a lexicon.
    pub theme_trends: Option<DataFrame>,
}

/// Writes keyness.csv: `main` (the first comparison's table, from [`Tables::build`]), then
/// each other comparison's table, built and written one at a time.
pub fn write_keyness(
    main: &DataFrame,
    counts: &Counts,
    labels: &FxHashMap<String, String>,
    comparisons: &[Comparison],
    min_count: u64,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    use rayon::prelude::*;
    crate::report::csv::write_csv(main, out, true)?;
    let prior = keyness::Prior::new(counts);
    // As many comparisons at a time as there are threads, written in order.
    let others: Vec<&Comparison> = comparisons.iter().skip(1).collect();
    for group in others.chunks(rayon::current_num_threads().max(1)) {
        let tables: Vec<DataFrame> = group
            .par_iter()
            .map(|c| with_n(keyness::keyness(counts, labels, c, min_count, &prior)?))
            .collect::<PolarsResult<_>>()?;
        for df in tables {
            crate::report::csv::write_csv(&df, out, false)?;
        }
    }
    Ok(())
}

impl Tables {
    /// Builds every table.
    pub fn build(
        docs: &[documents::DocRecord],
        counts: &Counts,
        labels: &FxHashMap<String, String>,
        lexicon: Option<&crate::lexicon::Lexicon>,
        comparisons: &[Comparison],
        min_count: u64,
    ) -> PolarsResult<Tables> {
        // The main comparison only: the others are built one at a time as keyness.csv is
        // written ([`write_keyness`]), so they are never all in memory together.
        let keyness = comparisons
            .first()
            .map(|c| keyness::keyness(counts, labels, c, min_count, &keyness::Prior::new(counts)))
            .transpose()?
            .map(with_n)
            .transpose()?;
        Ok(Tables {
            terms_by_period: with_n(frequency::terms_by_period(counts, labels)?)?
                .lazy()
                .join(
                    trends::term_trends(counts, min_count)?.lazy(),
                    [col("term")],
                    [col("term")],
                    JoinArgs::new(JoinType::Left),
                )
                .sort(["total", "term"], order(&[true, false]))
                .collect()?,
            top_terms: DataFrame::default(),
            keyness,
            themes: lexicon
                .map(|l| themes::themes_table(counts, l))
                .transpose()?,
            theme_shift: lexicon
                .filter(|_| !comparisons.is_empty())
                .map(|l| themes::theme_shift(counts, l, comparisons))
                .transpose()?,
            theme_terms: lexicon
                .map(|l| themes::theme_terms(counts, l))
                .transpose()?,
            kwic: lexicon
                .map(|l| kwic::kwic_table(&counts.kwic, docs, l))
                .transpose()?,
            theme_trends: lexicon
                .map(|l| trends::theme_trends(counts, l))
                .transpose()?,
        })
    }

    /// (file name, table) for every table present, in the order they are written.
    pub fn csv_files(&self) -> Vec<(&'static str, &DataFrame)> {
        let mut files = vec![("terms_by_period.csv", &self.terms_by_period)];
        let optional = [
            ("keyness.csv", &self.keyness),
            ("themes.csv", &self.themes),
            ("theme_shift.csv", &self.theme_shift),
            ("theme_terms.csv", &self.theme_terms),
            ("theme_trends.csv", &self.theme_trends),
            ("kwic.csv", &self.kwic),
        ];
        files.extend(
            optional
                .into_iter()
                .filter_map(|(n, t)| t.as_ref().map(|t| (n, t))),
        );
        files
    }
}
