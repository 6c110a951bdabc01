//! The charts' input data: plain values made from the tables by [`crate::report::figures`],
//! which know nothing of DataFrames.

/// The most frequent terms of one period.
#[derive(Debug, Clone)]
pub(crate) struct PeriodTopTerms {
    pub period: String,
    /// Sorted, most frequent first (up to 20).
    pub terms: Vec<TermValue>,
}

/// A word and its rate per 10,000 words.
#[derive(Debug, Clone)]
pub(crate) struct TermValue {
    pub word: String,
    pub value: f64,
}

/// A key term: its Log Ratio (bar length), G² (rank) and whether its adjusted p < 0.05.
#[derive(Debug, Clone)]
pub struct KeyTerm {
    pub word: String,
    pub log_ratio: f64,
    pub g2: f64,
    pub significant: bool,
    /// Rates per 10,000 words in A and B, and the Benjamini–Hochberg adjusted p-value
    /// (`significant` is `p_adjusted < ALPHA`): keyness.csv's row, for the findings.
    pub per_10k_a: f64,
    pub per_10k_b: f64,
    pub p_adjusted: f64,
}

/// One theme's rates in the two compared periods, and the verdict (measure's typed row).
pub(crate) use crate::measure::themes::ShiftLine as ThemeShiftRow;

/// The words behind one theme's change: each word's change in rate (per 10,000 words, B
/// minus A), largest change first.
#[derive(Debug, Clone)]
pub(crate) struct ThemeWords {
    pub theme: String,
    pub words: Vec<TermValue>,
}

/// One theme's rate in every period, in the order of the periods.
#[derive(Debug, Clone)]
pub(crate) struct ThemeSeries {
    pub theme: String,
    pub per_10k: Vec<f64>,
    /// The theme's course as steps, in time order (empty when none was drawn).
    pub steps: Vec<Step>,
}

/// A stretch of a theme's course on the chart: its first and last periods (indices into the
/// chart's periods), its rate, and the turn into it (`Some(true)` rose, `Some(false)` fell).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub first: usize,
    pub last: usize,
    pub per_10k: f64,
    pub rose: Option<bool>,
}
