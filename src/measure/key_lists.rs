//! The main comparison's key terms as typed values ([`KeyLine`]), listed each way strongest
//! first: what the summary, the findings, report.html and keyness.png show, read from the
//! keyness table once, here, instead of by column name in each of them.

use polars::prelude::*;

use super::{fragments, Comparison};

/// One term's keyness row for a comparison, as keyness.csv has it.
#[derive(Debug, Clone)]
pub(crate) struct KeyLine {
    /// The stem (or stems of a phrase).
    pub(crate) term: String,
    /// Its label.
    pub(crate) word: String,
    /// Signed G²: above 0 key for B, below for A.
    pub(crate) g2: f64,
    pub(crate) log_ratio: f64,
    pub(crate) log_ratio_low: f64,
    pub(crate) log_ratio_high: f64,
    /// Benjamini–Hochberg adjusted p-value.
    pub(crate) p_adjusted: f64,
    pub(crate) per_10k_a: f64,
    pub(crate) per_10k_b: f64,
    pub(crate) docs_a: u64,
    pub(crate) docs_b: u64,
    pub(crate) single_doc: bool,
}

impl KeyLine {
    /// Documents holding the term in the period it is key for (B when `g2` > 0, else A).
    pub(crate) fn docs(&self) -> u64 {
        if self.g2 > 0.0 {
            self.docs_b
        } else {
            self.docs_a
        }
    }

    /// Whether the change is significant: adjusted p below [`super::ALPHA`].
    pub(crate) fn significant(&self) -> bool {
        self.p_adjusted < super::ALPHA
    }
}

#[cfg(test)]
impl KeyLine {
    /// A key term for tests of what shows key terms: `word` (its own stem), G², Log Ratio
    /// (its interval ±1), adjusted p, rates 1.0 and 2.0, documents 3 and 4.
    pub(crate) fn example(word: &str, g2: f64, log_ratio: f64, p_adjusted: f64) -> KeyLine {
        KeyLine {
            term: word.to_lowercase(),
            word: word.to_string(),
            g2,
            log_ratio,
            log_ratio_low: log_ratio - 1.0,
            log_ratio_high: log_ratio + 1.0,
            p_adjusted,
            per_10k_a: 1.0,
            per_10k_b: 2.0,
            docs_a: 3,
            docs_b: 4,
            single_doc: false,
        }
    }
}

/// The key terms of a comparison each way, strongest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyLists {
    pub(crate) toward_b: Vec<KeyLine>,
    pub(crate) toward_a: Vec<KeyLine>,
}

/// The rows of `keyness` (sorted by signed G²) for `cmp`, listed each way, strongest first, up
/// to `n` each, a term mostly inside a longer listed phrase giving way to it
/// ([`fragments::kept`], counted in the period the term is key to).
pub(crate) fn key_lists(keyness: &DataFrame, cmp: &Comparison, n: usize) -> PolarsResult<KeyLists> {
    let df = super::rows_of(keyness, cmp)?;
    let text = |name: &str| super::strings(&df, name);
    let number = |name: &str| super::floats(&df, name);
    let (term, word) = (text("term")?, text("word")?);
    let (g2, lr) = (number("g2")?, number("log_ratio")?);
    let (low, high, p) = (
        number("log_ratio_low")?,
        number("log_ratio_high")?,
        number("p_adjusted")?,
    );
    let (rate_a, rate_b) = (number("per_10k_a")?, number("per_10k_b")?);
    let (count_a, count_b) = (number("count_a")?, number("count_b")?);
    let (docs_a, docs_b) = (number("docs_a")?, number("docs_b")?);
    let single: Vec<bool> = (df.column("single_doc")?.bool()?.iter())
        .map(|v| v.unwrap_or(false))
        .collect();
    let list = |rows: Vec<usize>, count: &[f64]| -> Vec<KeyLine> {
        let listed: Vec<(&str, u64)> = rows
            .iter()
            .map(|&i| (term[i].as_str(), count[i] as u64))
            .collect();
        rows.iter()
            .zip(fragments::kept(&listed))
            .filter(|(_, k)| *k)
            .map(|(&i, _)| i)
            .take(n)
            .map(|i| KeyLine {
                term: term[i].clone(),
                word: word[i].clone(),
                g2: g2[i],
                log_ratio: lr[i],
                log_ratio_low: low[i],
                log_ratio_high: high[i],
                p_adjusted: p[i],
                per_10k_a: rate_a[i],
                per_10k_b: rate_b[i],
                docs_a: docs_a[i] as u64,
                docs_b: docs_b[i] as u64,
                single_doc: single[i],
            })
            .collect()
    };
    // Candidates enough for `n` once fragments give way.
    let b: Vec<usize> = (0..df.height())
        .filter(|&i| g2[i] > 0.0)
        .take(3 * n)
        .collect();
    let a: Vec<usize> = (0..df.height())
        .rev()
        .filter(|&i| g2[i] < 0.0)
        .take(3 * n)
        .collect();
    Ok(KeyLists {
        toward_b: list(b, &count_b),
        toward_a: list(a, &count_a),
    })
}
