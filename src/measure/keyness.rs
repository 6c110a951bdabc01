//! Keyness: which terms are characteristic of period B against period A (`keyness.csv`).
//! Every term seen at least `min_count` times in A and B together is tested; see
//! [`super::stats`] for G², its p-value and Log Ratio.

use polars::prelude::*;
use rustc_hash::FxHashMap;

use super::{labels_frame, order, stats, Comparison};
use crate::count::Counts;

/// One comparison's keyness table: period_a, period_b, term, word, count_a, count_b,
/// per_10k_a, per_10k_b, docs_a, docs_b, g2 (signed: positive = more frequent in B), p_value,
/// p_adjusted (Benjamini-Hochberg over the terms of this comparison), log_ratio,
/// log_ratio_low, log_ratio_high (95% interval), log_odds and log_odds_z (Dirichlet prior
/// from the whole corpus), top_doc_share (share of the favoured period's occurrences that
/// its top document supplies) and single_doc (all of them from one document while the
/// period has several); sorted by g2 (descending: most key for B first, most key for A
/// last), then term.
pub fn keyness(
    counts: &Counts,
    labels: &FxHashMap<String, String>,
    cmp: &Comparison,
    min_count: u64,
    prior: &Prior,
) -> PolarsResult<DataFrame> {
    let prior_total = prior.total as f64;
    let side = |period: &str, suffix: &str| -> PolarsResult<LazyFrame> {
        let (terms, (count, docs)): (Vec<&str>, (Vec<u64>, Vec<u64>)) = counts.periods[period]
            .terms
            .iter()
            .map(|(t, c)| (t, (c.count, c.docs)))
            .unzip();
        let max_doc: Vec<u64> = counts.periods[period]
            .terms
            .values()
            .map(|c| c.max_doc)
            .collect();
        Ok(df!(
            "term" => terms,
            format!("count_{suffix}") => count,
            format!("docs_{suffix}") => docs,
            format!("max_doc_{suffix}") => max_doc,
        )?
        .lazy())
    };
    let (na, nb) = (counts.periods[&cmp.a].tokens, counts.periods[&cmp.b].tokens);
    let mut df = side(&cmp.a, "a")?
        .join(
            side(&cmp.b, "b")?,
            [col("term")],
            [col("term")],
            JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
        )
        .with_columns(
            [
                "count_a",
                "count_b",
                "docs_a",
                "docs_b",
                "max_doc_a",
                "max_doc_b",
            ]
            .map(|c| col(c).fill_null(lit(0u64))),
        )
        .filter((col("count_a") + col("count_b")).gt_eq(lit(min_count)))
        .join(
            labels_frame(labels)?.lazy(),
            [col("term")],
            [col("term")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            lit(cmp.a.as_str()).alias("period_a"),
            lit(cmp.b.as_str()).alias("period_b"),
            lit(na).alias("tokens_a"),
            lit(nb).alias("tokens_b"),
        ])
        .with_columns([
            stats::per_10k_expr("count_a", "tokens_a").alias("per_10k_a"),
            stats::per_10k_expr("count_b", "tokens_b").alias("per_10k_b"),
        ])
        .collect()?;
    let ints = |name: &str| -> PolarsResult<Vec<u64>> {
        Ok(df.column(name)?.u64()?.into_no_null_iter().collect())
    };
    let (a, b) = (ints("count_a")?, ints("count_b")?);
    let (docs_a, docs_b) = (ints("docs_a")?, ints("docs_b")?);
    let (max_a, max_b) = (ints("max_doc_a")?, ints("max_doc_b")?);
    let terms: Vec<String> = super::super::report::strings(&df, "term").unwrap_or_default();
    let (period_docs_a, period_docs_b) = (counts.periods[&cmp.a].docs, counts.periods[&cmp.b].docs);
    let n = a.len();
    let mut cols: [Vec<f64>; 8] = Default::default();
    let mut single = Vec::with_capacity(n);
    for i in 0..n {
        let g2 = stats::signed_log_likelihood(a[i], b[i], na, nb);
        let (lo, hi) = stats::log_ratio_ci(a[i], b[i], na, nb);
        let prior = prior.counts.get(terms[i].as_str()).copied().unwrap_or(0) as f64;
        let (delta, z) = stats::log_odds_dirichlet(a[i], b[i], na, nb, prior, prior_total);
        let (count, top, docs, period_docs) = if g2 >= 0.0 {
            (b[i], max_b[i], docs_b[i], period_docs_b)
        } else {
            (a[i], max_a[i], docs_a[i], period_docs_a)
        };
        let share = if count == 0 {
            0.0
        } else {
            top as f64 / count as f64
        };
        single.push(docs == 1 && period_docs > 1);
        for (c, v) in cols.iter_mut().zip([
            g2,
            stats::p_value(g2),
            stats::log_ratio(a[i], b[i], na, nb),
            lo,
            hi,
            delta,
            z,
            share,
        ]) {
            c.push(v);
        }
    }
    let p_adjusted = stats::benjamini_hochberg(&cols[1]);
    let [g2, p, lr, lo, hi, delta, z, share] = cols;
    for (name, values) in [
        ("g2", g2),
        ("p_value", p),
        ("p_adjusted", p_adjusted),
        ("log_ratio", lr),
        ("log_ratio_low", lo),
        ("log_ratio_high", hi),
        ("log_odds", delta),
        ("log_odds_z", z),
        ("top_doc_share", share),
    ] {
        df.with_column(Column::new(name.into(), values))?;
    }
    df.with_column(Column::new("single_doc".into(), single))?;
    df.lazy()
        .select(
            [
                "period_a",
                "period_b",
                "term",
                "word",
                "count_a",
                "count_b",
                "per_10k_a",
                "per_10k_b",
                "docs_a",
                "docs_b",
                "g2",
                "p_value",
                "p_adjusted",
                "log_ratio",
                "log_ratio_low",
                "log_ratio_high",
                "log_odds",
                "log_odds_z",
                "top_doc_share",
                "single_doc",
            ]
            .map(col),
        )
        .sort(["g2", "term"], order(&[true, false]))
        .collect()
}

/// The whole corpus's counts: the informative prior of [`stats::log_odds_dirichlet`].
pub struct Prior<'a> {
    pub counts: FxHashMap<&'a str, u64>,
    /// Word tokens of the whole corpus.
    pub total: u64,
}

impl<'a> Prior<'a> {
    pub fn new(counts: &'a Counts) -> Self {
        let mut totals: FxHashMap<&str, u64> = FxHashMap::default();
        for p in counts.periods.values() {
            for (t, c) in &p.terms {
                *totals.entry(t).or_default() += c.count;
            }
        }
        Prior {
            counts: totals,
            total: counts.periods.values().map(|p| p.tokens).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{PeriodCounts, TermCount};

    #[test]
    fn table_matches_statistics_and_filters_rare_terms() {
        let mut counts = Counts::default();
        for (p, terms) in [
            ("A", vec![("x", 10), ("y", 25), ("rare", 1)]),
            ("B", vec![("x", 30), ("y", 25), ("new", 12)]),
        ] {
            let mut c = PeriodCounts {
                docs: 1,
                tokens: 1000,
                ..Default::default()
            };
            for (t, n) in terms {
                c.terms.insert(
                    std::sync::Arc::<str>::from(t),
                    TermCount {
                        count: n,
                        docs: 1,
                        ..Default::default()
                    },
                );
            }
            counts.periods.insert(p.into(), c);
        }
        let labels = FxHashMap::default();
        let cmp = Comparison {
            a: "A".into(),
            b: "B".into(),
        };
        let df = keyness(&counts, &labels, &cmp, 2, &Prior::new(&counts)).unwrap();
        let terms: Vec<_> = df
            .column("term")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect();
        assert_eq!(
            terms,
            ["new", "x", "y"],
            "sorted by signed G2, 'rare' (1) filtered out"
        );
        let g2: Vec<_> = df
            .column("g2")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert!((g2[1] - 10.66904804969954).abs() < 1e-9);
        assert_eq!(g2[2], 0.0);
        let a: Vec<_> = df
            .column("count_a")
            .unwrap()
            .u64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(a, [0, 10, 25]);
        let lr: Vec<_> = df
            .column("log_ratio")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert!((lr[0] - (12.0f64 / 0.5).log2()).abs() < 1e-12);
    }
}
