//! Keyness: which terms are characteristic of period B against period A (`keyness.csv`).
//! Every term seen at least `min_count` times in A and B together is tested; see
//! [`super::stats`] for G², its p-value and Log Ratio.

use polars::prelude::*;
use rustc_hash::FxHashMap;

use super::{labels_frame, order, stats, Comparison};
use crate::count::Counts;

/// One comparison's keyness table: period_a, period_b, term, word, count_a, count_b,
/// per_10k_a, per_10k_b, docs_a, docs_b, g2 (signed: positive = more frequent in B), p_value,
/// log_ratio; sorted by g2 (descending: most key for B first, most key for A last), then term.
pub fn keyness(
    counts: &Counts,
    labels: &FxHashMap<String, String>,
    cmp: &Comparison,
    min_count: u64,
) -> PolarsResult<DataFrame> {
    let side = |period: &str, suffix: &str| -> PolarsResult<LazyFrame> {
        let (terms, (count, docs)): (Vec<&str>, (Vec<u64>, Vec<u64>)) = counts.periods[period]
            .terms
            .iter()
            .map(|(t, c)| (t.as_str(), (c.count, c.docs)))
            .unzip();
        Ok(df!(
            "term" => terms,
            format!("count_{suffix}") => count,
            format!("docs_{suffix}") => docs,
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
            ["count_a", "count_b", "docs_a", "docs_b"].map(|c| col(c).fill_null(lit(0u64))),
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
    let a: Vec<u64> = df.column("count_a")?.u64()?.into_no_null_iter().collect();
    let b: Vec<u64> = df.column("count_b")?.u64()?.into_no_null_iter().collect();
    let (g2, (p, lr)): (Vec<f64>, (Vec<f64>, Vec<f64>)) = a
        .iter()
        .zip(&b)
        .map(|(&a, &b)| {
            let g2 = stats::signed_log_likelihood(a, b, na, nb);
            (g2, (stats::p_value(g2), stats::log_ratio(a, b, na, nb)))
        })
        .unzip();
    df.with_column(Column::new("g2".into(), g2))?;
    df.with_column(Column::new("p_value".into(), p))?;
    df.with_column(Column::new("log_ratio".into(), lr))?;
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
                "log_ratio",
            ]
            .map(col),
        )
        .sort(["g2", "term"], order(&[true, false]))
        .collect()
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
                c.terms.insert(t.into(), TermCount { count: n, docs: 1 });
            }
            counts.periods.insert(p.into(), c);
        }
        let labels = FxHashMap::default();
        let cmp = Comparison {
            a: "A".into(),
            b: "B".into(),
        };
        let df = keyness(&counts, &labels, &cmp, 2).unwrap();
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
