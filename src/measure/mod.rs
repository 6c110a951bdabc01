//! Measures: counts become polars DataFrames, one file per table family
//! ([`documents`], [`frequency`], [`keyness`], [`themes`]), with the statistics in [`stats`]
//! and the document-level tests in [`by_document`].
//!
//! Comparisons are period B (later) against period A (earlier): the user's `--compare A,B`
//! or the earliest against the latest period big enough to compare ([`SmallPeriods`]), then
//! every adjacent pair of such periods not already covered.

pub(crate) mod by_document;
pub(crate) mod by_period;
pub(crate) mod course;
pub(crate) mod documents;
pub(crate) mod fragments;
pub(crate) mod frequency;
pub(crate) mod key_lists;
pub(crate) mod keyness;
pub(crate) mod kwic;
pub(crate) mod stats;
pub(crate) mod themes;
pub(crate) mod trends;

use polars::prelude::*;

use rustc_hash::FxHashMap;

use crate::count::Counts;
use crate::error::InputError;
use crate::tokenise::Tokeniser;

/// Significance level for the `change` column and the charts.
pub(crate) const ALPHA: f64 = 0.05;

/// Period B compared against period A.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Comparison {
    pub(crate) a: String,
    pub(crate) b: String,
}

/// A period is too small to be chosen for a comparison by default when it holds fewer than
/// this many words...
pub(crate) const MIN_PERIOD_WORDS: u64 = 100;

/// ...or fewer than the median period's words divided by this: a tenth.
pub(crate) const MEDIAN_SHARE_DIVISOR: u64 = 10;

/// One period too small to compare by default.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct SmallPeriod {
    pub(crate) period: String,
    pub(crate) word_tokens: u64,
}

/// The periods too small to compare by default, and whether the default comparisons left
/// them out (run.json's `small_periods`).
///
/// The rule: a period is small when it holds fewer than [`MIN_PERIOD_WORDS`] words, or fewer
/// than a tenth ([`MEDIAN_SHARE_DIVISOR`]) of the words of the median period (the middle
/// period by words; with an even number of periods, the mean of the two middle ones). A
/// document mistyped as 2099 makes a period of a few words, where one occurrence of a word
/// is "significant" against thousands of words and a Log Ratio is a guess; a tenth of the
/// median keeps a thin but real year of a corpus (a quiet year among busy ones) and leaves
/// out a stray document. The median, not the mean or the largest period, so one huge period
/// does not make every other one small.
///
/// Small periods are left out of the default main comparison and of the adjacent pairs
/// (pairs are then formed between the periods that remain, in time order), unless fewer than
/// two periods remain, when every period is compared as before. They stay in every
/// per-period table and in the trend tests, where each period weighs by its words.
/// `--compare` compares whatever the user asks, small or not.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct SmallPeriods {
    /// The rule with this corpus's numbers, in words.
    pub(crate) rule: String,
    pub(crate) periods: Vec<SmallPeriod>,
    /// The small periods left out of the comparisons made by default: the main one (unless
    /// `--compare` chose it) and the adjacent pairs. None when fewer than two periods are
    /// big enough.
    pub(crate) left_out: Vec<String>,
}

impl SmallPeriods {
    /// The small periods among `sizes` (label, words), in time order.
    pub(crate) fn of(sizes: &[(&str, u64)]) -> SmallPeriods {
        let mut words: Vec<u64> = sizes.iter().map(|s| s.1).collect();
        words.sort_unstable();
        // Twice the median, in integers: the middle value twice, or the two middle ones.
        let twice_median = match words.len() {
            0 => 0,
            n if n % 2 == 1 => 2 * words[n / 2],
            n => words[n / 2 - 1] + words[n / 2],
        };
        let small = |w: u64| w < MIN_PERIOD_WORDS || 2 * MEDIAN_SHARE_DIVISOR * w < twice_median;
        SmallPeriods {
            rule: format!(
                "fewer than {MIN_PERIOD_WORDS} words, or fewer than a tenth of the median \
                 period's {} words",
                // Shown as the median itself, rounded down for an even number of periods.
                twice_median / 2
            ),
            periods: sizes
                .iter()
                .filter(|s| small(s.1))
                .map(|&(p, w)| SmallPeriod {
                    period: p.to_string(),
                    word_tokens: w,
                })
                .collect(),
            left_out: Vec::new(),
        }
    }

    pub(crate) fn is_small(&self, period: &str) -> bool {
        self.periods.iter().any(|s| s.period == period)
    }

    /// The periods of `sizes` that default comparisons are made between: the big enough
    /// ones, or all when fewer than two are.
    fn comparable<'p>(&self, sizes: &[(&'p str, u64)]) -> Vec<&'p str> {
        let big: Vec<&str> = sizes
            .iter()
            .map(|s| s.0)
            .filter(|p| !self.is_small(p))
            .collect();
        if big.len() >= 2 {
            big
        } else {
            sizes.iter().map(|s| s.0).collect()
        }
    }

    /// `(period, words)` of each small period `cmp` involves.
    pub(crate) fn in_comparison<'s>(&'s self, cmp: &Comparison) -> Vec<&'s SmallPeriod> {
        self.periods
            .iter()
            .filter(|s| s.period == cmp.a || s.period == cmp.b)
            .collect()
    }
}

/// The comparisons to make, main one first, and the small periods ([`SmallPeriods`]).
/// Fewer than two periods is an error explaining why.
pub(crate) fn comparisons(
    counts: &Counts,
    chosen: Option<&(String, String)>,
) -> Result<(Vec<Comparison>, SmallPeriods), InputError> {
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
    let sizes: Vec<(&str, u64)> = counts
        .periods
        .iter()
        .map(|(p, c)| (p.as_str(), c.tokens))
        .collect();
    let mut small = SmallPeriods::of(&sizes);
    let comparable = small.comparable(&sizes);
    let main = main_comparison(&sizes, chosen).expect("two periods at least");
    small.left_out = sizes
        .iter()
        .map(|s| s.0.to_string())
        .filter(|p| !comparable.contains(&p.as_str()))
        .collect();
    let mut all = vec![main];
    for pair in comparable.windows(2) {
        let c = Comparison {
            a: pair[0].to_string(),
            b: pair[1].to_string(),
        };
        if !all.contains(&c) {
            all.push(c);
        }
    }
    Ok((all, small))
}

/// The main comparison among periods of `sizes` (label, words; in time order): the user's
/// `--compare A,B`, else the earliest against the latest period big enough to compare
/// ([`SmallPeriods`]; all periods when fewer than two are); `None` with fewer than two
/// periods and no choice.
pub(crate) fn main_comparison(
    sizes: &[(&str, u64)],
    chosen: Option<&(String, String)>,
) -> Option<Comparison> {
    if let Some((a, b)) = chosen {
        return Some(Comparison {
            a: a.clone(),
            b: b.clone(),
        });
    }
    let comparable = SmallPeriods::of(sizes).comparable(sizes);
    match comparable.as_slice() {
        [first, .., last] => Some(Comparison {
            a: first.to_string(),
            b: last.to_string(),
        }),
        _ => None,
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

/// The label of each term: a stem's most frequent word in the whole corpus, written in its
/// most frequent case (`commiss` -> `commissioning`, `nhs` -> `NHS`), and a phrase's own most
/// frequent written form (`clinic commiss` -> `clinical commissioning`), never its words'
/// labels put together. Ties go to the alphabetically first form
/// ([`crate::count::most_frequent`]).
pub(crate) fn labels(counts: &Counts, tokeniser: &Tokeniser) -> Labels {
    use rayon::prelude::*;
    // Stemmed in parallel: each written form once (the counters' stems are by their own ids).
    let mut stemmed: Vec<(String, &str, u64)> = counts
        .words
        .par_iter()
        .map(|(w, c)| {
            let stem = tokeniser.stem(&crate::count::lower(w)).into_owned();
            (stem, w.as_str(), *c)
        })
        .collect();
    stemmed.par_sort_unstable();
    let stems: Vec<(&str, &str)> = stemmed
        .chunk_by(|a, b| a.0 == b.0)
        .filter_map(|group| {
            let label = crate::count::most_frequent(group.iter().map(|(_, w, c)| (*w, *c)))?;
            Some((group[0].0.as_str(), label))
        })
        .collect();
    // Both in text order: the stems' labels are taken in one pass over the terms.
    let table = counts.term_table();
    let mut stems = stems.into_iter().peekable();
    let label = |(id, term): (usize, &str)| -> &str {
        if term.contains(' ') {
            let phrase = (counts.phrase_labels.of(&table, id as u32, term))
                .or_else(|| counts.phrase_forms.get(term)?.label());
            return phrase.unwrap_or("");
        }
        while stems.next_if(|(s, _)| *s < term).is_some() {}
        match stems.peek() {
            Some(&(s, label)) if s == term => label,
            _ => "",
        }
    };
    Labels::new(table.clone(), table.iter().enumerate().map(label))
}

/// Each term's label, by id in the counts' table of terms.
pub(crate) type Labels = crate::count::Labels;

/// A text column's cells as owned strings (missing cells become empty strings).
pub(crate) fn strings(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// A numeric column as f64 (missing cells become NaN).
pub(crate) fn floats(df: &DataFrame, name: &str) -> PolarsResult<Vec<f64>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// The rows of a table with `period_a` and `period_b` columns (keyness, theme_shift) that
/// belong to comparison `cmp`, in order.
pub(crate) fn rows_of(df: &DataFrame, cmp: &Comparison) -> PolarsResult<DataFrame> {
    let a = df.column("period_a")?.str()?.equal(cmp.a.as_str());
    let b = df.column("period_b")?.str()?.equal(cmp.b.as_str());
    df.filter(&(a & b))
}

/// A text column's cells, missing ones as empty: what the measures' tests read back.
#[cfg(test)]
pub(crate) fn texts(df: &DataFrame, name: &str) -> Vec<String> {
    strings(df, name).expect("a text column")
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

/// A table as measure hands it over to be written: blocks of rows in order, each a frame of
/// the table's columns. The longest tables (documents, term frequencies, keyness over every
/// comparison) are made a block at a time while they are written, never held whole.
pub(crate) type Blocks<'a> = Box<dyn Iterator<Item = PolarsResult<DataFrame>> + 'a>;

/// The blocks `make` makes of `items`, in order, as many made at a time (in parallel) as
/// there are threads.
pub(crate) fn in_parallel<'a, T: Send + Sync + 'a>(
    items: Vec<T>,
    make: impl Fn(&T) -> PolarsResult<DataFrame> + Send + Sync + 'a,
) -> Blocks<'a> {
    use rayon::prelude::*;
    let threads = rayon::current_num_threads().max(1);
    let mut groups: Vec<Vec<T>> = Vec::new();
    for item in items {
        match groups.last_mut() {
            Some(group) if group.len() < threads => group.push(item),
            _ => groups.push(vec![item]),
        }
    }
    Box::new(
        groups
            .into_iter()
            .flat_map(move |group| group.par_iter().map(&make).collect::<Vec<_>>()),
    )
}

/// Terms per period in the top-terms list (top_terms.png).
pub(crate) const TOP_TERMS: usize = 20;

/// Rows in a block of a long table: a few of the CSV writer's chunks for each thread, so
/// writing one block keeps every thread busy.
pub(crate) fn block_rows() -> usize {
    32_768 * rayon::current_num_threads().max(1)
}

/// A whole table as blocks: itself.
fn whole(df: &DataFrame) -> Blocks<'_> {
    Box::new(std::iter::once(Ok(df.clone())))
}

/// Every table a run writes, by file name ([`Tables::names`], [`Tables::blocks`]). The long
/// ones (documents.csv, term_frequencies.csv, and keyness.csv) are made as they are written,
/// from the counts.
pub(crate) struct Tables<'a> {
    docs: &'a [crate::corpus::DocRecord],
    counts: &'a Counts,
    labels: &'a Labels,
    comparisons: &'a [Comparison],
    min_count: u64,
    /// term_frequencies.csv's order: the table itself is made a block at a time.
    long: frequency::LongTable<'a>,
    /// The first rows of each period in term_frequencies.csv, three times the chart's list:
    /// for top_terms.png.
    pub(crate) top_terms: DataFrame,
    /// terms_by_period.csv, made a block at a time.
    pub(crate) terms_by_period: by_period::WideTable<'a>,
    /// The two ends of the main (first) comparison's keyness table, the candidates for its
    /// lists of key terms ([`Tables::main_key_lists`]), for each size of list asked for when
    /// the tables were built; empty without a comparison. The tables themselves, the main
    /// comparison's too, are made when keyness.csv is written, one at a time: kept whole, the
    /// main one would be held beside each of the others.
    main_ends: Vec<(usize, DataFrame)>,
    /// Present when there is a lexicon.
    pub(crate) themes: Option<DataFrame>,
    /// Present when there is a lexicon and a comparison.
    pub(crate) theme_shift: Option<DataFrame>,
    /// Present when there is a lexicon.
    pub(crate) theme_terms: Option<DataFrame>,
    /// The main comparison's rows of theme_shift.csv as typed values (empty without a
    /// lexicon or a comparison).
    pub(crate) main_shift: Vec<themes::ShiftLine>,
    /// Each theme's course, when three periods or more are big enough to compare.
    pub(crate) courses: Vec<course::Course>,
    pub(crate) theme_course: Option<DataFrame>,
    /// Present when there is a lexicon.
    pub(crate) kwic: Option<DataFrame>,
    /// Present when there is a lexicon.
    pub(crate) theme_trends: Option<DataFrame>,
}

impl<'a> Tables<'a> {
    /// Builds every table but the long ones, which are made as they are written, and the
    /// main comparison's candidates for lists of key terms of each size in `key_lists`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn build(
        docs: &'a [crate::corpus::DocRecord],
        counts: &'a Counts,
        labels: &'a Labels,
        lexicon: Option<(&crate::lexicon::Lexicon, &FxHashMap<String, String>)>,
        comparisons: &'a [Comparison],
        small: &SmallPeriods,
        min_count: u64,
        key_lists: &[usize],
    ) -> PolarsResult<Tables<'a>> {
        // The theme words' stems ([`themes::word_keys`]) go with the lexicon.
        let (lexicon, theme_keys) = match lexicon {
            Some((l, k)) => (Some(l), Some(k)),
            None => (None, None),
        };
        let long = frequency::LongTable::new(counts);
        // Candidates enough for the chart's list once fragments give way (see `fragments`).
        let top_terms = with_n(long.top_per_period(labels, 3 * TOP_TERMS)?)?;
        let terms_by_period = by_period::WideTable::new(counts, min_count);
        let tables = Tables {
            docs,
            counts,
            labels,
            comparisons,
            min_count,
            long,
            top_terms,
            terms_by_period,
            courses: Vec::new(),
            theme_course: None,
            main_ends: Vec::new(),
            themes: lexicon
                .map(|l| themes::themes_table(counts, l))
                .transpose()?,
            theme_shift: lexicon
                .filter(|_| !comparisons.is_empty())
                .map(|l| themes::theme_shift(counts, l, comparisons))
                .transpose()?,
            theme_terms: lexicon
                .zip(theme_keys)
                .map(|(l, keys)| themes::theme_terms(counts, l, keys))
                .transpose()?,
            kwic: lexicon
                .map(|l| kwic::kwic_table(&counts.kwic, docs, l))
                .transpose()?,
            theme_trends: lexicon
                .map(|l| trends::theme_trends(counts, l))
                .transpose()?,
            main_shift: Vec::new(),
        };
        tables
            .with_main_ends(key_lists)?
            .with_main_shift()?
            .with_courses(lexicon, small)
    }

    /// Sets [`Tables::main_ends`] for lists of key terms of each size in `key_lists`, from
    /// the main comparison's table, let go once they are taken: the tables are made again,
    /// one at a time, as keyness.csv is written.
    fn with_main_ends(mut self, key_lists: &[usize]) -> PolarsResult<Tables<'a>> {
        if let Some(main) = self.comparisons.first() {
            let table = self.key_table(main);
            self.main_ends = (key_lists.iter())
                .map(|&n| Ok((n, table.ends(self.labels, 3 * n)?)))
                .collect::<PolarsResult<_>>()?;
        }
        Ok(self)
    }

    /// Comparison `cmp`'s keyness table, worked out on every thread.
    fn key_table(&self, cmp: &'a Comparison) -> keyness::KeyTable<'a> {
        let prior = keyness::Prior::new(&self.terms_by_period);
        keyness::KeyTable::new(self.counts, cmp, self.min_count, &prior)
    }

    fn with_courses(
        mut self,
        lexicon: Option<&crate::lexicon::Lexicon>,
        small: &SmallPeriods,
    ) -> PolarsResult<Tables<'a>> {
        if let Some(lexicon) = lexicon {
            let (wide, labels) = (&self.terms_by_period, self.labels);
            self.courses =
                course::courses(self.counts, lexicon, small, wide, labels, self.min_count);
            if !self.courses.is_empty() {
                self.theme_course = Some(course::course_table(&self.courses)?);
            }
        }
        Ok(self)
    }

    /// Sets [`Tables::main_shift`] from theme_shift's table.
    fn with_main_shift(mut self) -> PolarsResult<Tables<'a>> {
        if let (Some(shift), Some(main)) = (&self.theme_shift, self.comparisons.first()) {
            self.main_shift = themes::shift_lines(shift, main)?;
        }
        Ok(self)
    }

    /// The tables made whole, by file name, in the order they are listed.
    fn wholes(&self) -> Vec<(&'static str, &DataFrame)> {
        let mut files = Vec::new();
        let optional = [
            ("themes.csv", &self.themes),
            ("theme_shift.csv", &self.theme_shift),
            ("theme_terms.csv", &self.theme_terms),
            ("theme_trends.csv", &self.theme_trends),
            ("theme_course.csv", &self.theme_course),
            ("kwic.csv", &self.kwic),
        ];
        files.extend(
            optional
                .into_iter()
                .filter_map(|(n, t)| t.as_ref().map(|t| (n, t))),
        );
        files
    }

    /// The main comparison's key terms, up to `n` each way ([`key_lists::key_lists`]);
    /// empty lists without a comparison.
    pub(crate) fn main_key_lists(&self, n: usize) -> PolarsResult<key_lists::KeyLists> {
        let Some(main) = self.comparisons.first() else {
            return Ok(key_lists::KeyLists::default());
        };
        // The candidates are at the two ends of the table, sorted by signed G²: kept for the
        // sizes asked for when the tables were built, else worked out again.
        match self.main_ends.iter().find(|(size, _)| *size == n) {
            Some((_, ends)) => key_lists::key_lists(ends, main, n),
            None => {
                let table = self.key_table(main);
                key_lists::key_lists(&table.ends(self.labels, 3 * n)?, main, n)
            }
        }
    }

    /// Whether there is a comparison, and so keyness.csv and key terms.
    pub(crate) fn has_keyness(&self) -> bool {
        !self.comparisons.is_empty()
    }

    /// The comparisons made, the main one first.
    pub(crate) fn comparisons(&self) -> &'a [Comparison] {
        self.comparisons
    }

    /// The counts the tables are made from.
    pub(crate) fn counts(&self) -> &'a Counts {
        self.counts
    }

    /// The file name of every table present, in a fixed order.
    pub(crate) fn names(&self) -> Vec<&'static str> {
        let mut names = vec![
            "documents.csv",
            "term_frequencies.csv",
            "terms_by_period.csv",
        ];
        if self.has_keyness() {
            names.push("keyness.csv");
        }
        names.extend(self.wholes().iter().map(|(n, _)| *n));
        names
    }

    /// The table `name` (one of [`Tables::names`]) as blocks of rows.
    pub(crate) fn blocks(&self, name: &str) -> Blocks<'_> {
        match name {
            "documents.csv" => documents::documents_blocks(self.docs),
            "term_frequencies.csv" => self.long.blocks(self.labels),
            "terms_by_period.csv" => self.terms_by_period.blocks(self.labels),
            "keyness.csv" => self.keyness_blocks(),
            _ => match self.wholes().into_iter().find(|(n, _)| *n == name) {
                Some((_, df)) => whole(df),
                None => Box::new(std::iter::empty()),
            },
        }
    }

    /// keyness.csv: each comparison's table, the main one first, one at a time (each worked
    /// out on every thread) and made a block of rows at a time: a comparison's table is its
    /// terms of both periods, so two at once would be held while one is written.
    fn keyness_blocks(&self) -> Blocks<'_> {
        Box::new(
            (self.comparisons.iter()).flat_map(move |c| key_blocks(self.key_table(c), self.labels)),
        )
    }
}

/// A comparison's keyness table, a block of rows at a time, made as it is written.
fn key_blocks<'t>(table: keyness::KeyTable<'t>, labels: &'t Labels) -> Blocks<'t> {
    let ranges = block_ranges(table.len(), block_rows());
    Box::new(
        ranges
            .into_iter()
            .map(move |range| with_n(table.rows(labels, range)?)),
    )
}

/// The rows of a table of `len` rows in blocks of `block`; one empty block for an empty
/// table, so that its columns are still written.
pub(crate) fn block_ranges(len: usize, block: usize) -> Vec<std::ops::Range<usize>> {
    (0..len.max(1))
        .step_by(block)
        .map(|start| start..(start + block).min(len))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::PeriodCounts;

    fn counts(periods: &[&str]) -> Counts {
        sized(&periods.iter().map(|p| (*p, 1000)).collect::<Vec<_>>())
    }

    /// Periods of these sizes (label, words).
    fn sized(periods: &[(&str, u64)]) -> Counts {
        Counts {
            periods: periods
                .iter()
                .map(|&(p, tokens)| {
                    let c = PeriodCounts {
                        tokens,
                        ..Default::default()
                    };
                    (p.to_string(), c)
                })
                .collect(),
            ..Default::default()
        }
    }

    fn pairs(c: &[Comparison]) -> Vec<String> {
        c.iter().map(|c| format!("{}-{}", c.a, c.b)).collect()
    }

    #[test]
    fn default_is_earliest_against_latest_then_adjacent_pairs() {
        let (c, small) = comparisons(&counts(&["2001", "2003", "2010"]), None).unwrap();
        assert_eq!(pairs(&c), ["2001-2010", "2001-2003", "2003-2010"]);
        assert!(small.periods.is_empty() && small.left_out.is_empty());
        let (c, _) = comparisons(&counts(&["2003", "2010"]), None).unwrap();
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn a_stray_small_period_is_left_out_of_the_default_comparisons() {
        // The seed corpus and one document mistyped as 2099 (five words).
        let corpus = sized(&[("2003", 472), ("2010", 452), ("2099", 5)]);
        let (c, small) = comparisons(&corpus, None).unwrap();
        assert_eq!(pairs(&c), ["2003-2010"]);
        assert_eq!(small.left_out, ["2099"]);
        assert_eq!(
            small.periods,
            [SmallPeriod {
                period: "2099".into(),
                word_tokens: 5
            }]
        );
        assert!(
            small.rule.contains("median period's 452 words"),
            "{}",
            small.rule
        );
        // In the middle: adjacent pairs are made between the periods that remain.
        let corpus = sized(&[("2001", 5000), ("2002", 40), ("2003", 6000), ("2004", 7000)]);
        let (c, small) = comparisons(&corpus, None).unwrap();
        assert_eq!(pairs(&c), ["2001-2004", "2001-2003", "2003-2004"]);
        assert_eq!(small.left_out, ["2002"]);
        // --compare compares what it is asked.
        let chosen = ("2003".to_string(), "2099".to_string());
        let (c, small) = comparisons(
            &sized(&[("2003", 472), ("2010", 452), ("2099", 5)]),
            Some(&chosen),
        )
        .unwrap();
        assert_eq!(pairs(&c), ["2003-2099", "2003-2010"]);
        assert_eq!(
            small.left_out,
            ["2099"],
            "still left out of the adjacent pairs"
        );
        assert_eq!(small.in_comparison(&c[0])[0].period, "2099");
    }

    #[test]
    fn a_tenth_of_the_median_and_a_hundred_words_are_the_bounds() {
        let small = |sizes: &[(&str, u64)]| -> Vec<String> {
            SmallPeriods::of(sizes)
                .periods
                .into_iter()
                .map(|s| s.period)
                .collect()
        };
        // Median 1000: 100 is a tenth (kept), 99 is not.
        assert!(small(&[("a", 100), ("b", 1000), ("c", 5000)]).is_empty());
        assert_eq!(small(&[("a", 99), ("b", 1000), ("c", 5000)]), ["a"]);
        // Even number of periods: the median is the mean of the middle two, (200 + 1800) / 2.
        assert_eq!(
            small(&[("a", 99), ("b", 200), ("c", 1800), ("d", 9000)]),
            ["a"]
        );
        assert_eq!(
            small(&[("a", 120), ("b", 200), ("c", 2400), ("d", 9000)]),
            ["a"]
        );
        // Under a hundred words is small whatever the median.
        assert_eq!(small(&[("a", 60), ("b", 90)]), ["a", "b"]);
    }

    #[test]
    fn when_fewer_than_two_periods_are_big_enough_every_period_is_compared() {
        let (c, small) = comparisons(&sized(&[("2003", 60), ("2010", 80)]), None).unwrap();
        assert_eq!(pairs(&c), ["2003-2010"]);
        assert!(small.left_out.is_empty());
        assert_eq!(small.periods.len(), 2);
        let (c, small) =
            comparisons(&sized(&[("2003", 9000), ("2005", 50), ("2010", 60)]), None).unwrap();
        assert_eq!(pairs(&c), ["2003-2010", "2003-2005", "2005-2010"]);
        assert!(small.left_out.is_empty());
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
