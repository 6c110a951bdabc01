//! The charts' input data: plain values made from the tables by [`crate::report::figures`],
//! which know nothing of DataFrames.

/// The most frequent terms of one period.
#[derive(Debug, Clone)]
pub(crate) struct PeriodTopTerms {
    pub(crate) period: String,
    /// Sorted, most frequent first (up to 20).
    pub(crate) terms: Vec<TermValue>,
}

/// A word and its rate per 10,000 words.
#[derive(Debug, Clone)]
pub(crate) struct TermValue {
    pub(crate) word: String,
    pub(crate) value: f64,
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
    pub(crate) theme: String,
    pub(crate) words: Vec<TermValue>,
}

/// One theme's rate in every period, in the order of the periods.
#[derive(Debug, Clone)]
pub(crate) struct ThemeSeries {
    pub(crate) theme: String,
    pub(crate) per_10k: Vec<f64>,
    /// The theme's course as steps, in time order (empty when none was drawn).
    pub(crate) steps: Vec<Step>,
}

/// A stretch of a theme's course on the chart: its first and last periods (indices into the
/// chart's periods), its rate, and the turn into it (`Some(true)` rose, `Some(false)` fell).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) per_10k: f64,
    pub(crate) rose: Option<bool>,
}
