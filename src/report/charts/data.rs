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

/// A key term (measure's typed row of keyness.csv): bar length its Log Ratio, rank its G²,
/// full colour when significant.
pub(crate) use crate::measure::key_lists::KeyLine;

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
