//! Term frequencies per period: the long table (`term_frequencies.csv`, one row per period and
//! term) and the wide one (`terms_by_period.csv`, one row per term, columns per period).

use polars::prelude::*;
use rustc_hash::FxHashMap;

use super::{labels_frame, order, stats};
use crate::count::Counts;

/// Period sizes: `period`, `tokens` (word tokens, stopwords included).
pub fn period_sizes(counts: &Counts) -> PolarsResult<DataFrame> {
    let (periods, tokens): (Vec<&str>, Vec<u64>) = counts
        .periods
        .iter()
        .map(|(p, c)| (p.as_str(), c.tokens))
        .unzip();
    df!("period" => periods, "tokens" => tokens)
}

/// Long table: period, term, word, count, per_10k, docs, dp, dp_norm (Gries's DP and DPnorm,
/// [`stats::gries_dp`]; empty when the counts carry no dispersion sums); sorted by period,
/// then count (descending), then term.
pub fn term_frequencies(
    counts: &Counts,
    labels: &FxHashMap<String, String>,
) -> PolarsResult<DataFrame> {
    let mut period = Vec::new();
    let mut term = Vec::new();
    let mut count = Vec::new();
    let mut docs = Vec::new();
    let (mut dp, mut dp_norm) = (Vec::new(), Vec::new());
    for (p, c) in &counts.periods {
        for (t, tc) in &c.terms {
            period.push(p.as_str());
            term.push(t.as_str());
            count.push(tc.count);
            docs.push(tc.docs);
            let d = tc.spread.and_then(|s| {
                stats::gries_dp(tc.count, c.tokens, s, c.min_doc_tokens.unwrap_or(0))
            });
            dp.push(d.map(|d| d.0));
            dp_norm.push(d.map(|d| d.1));
        }
    }
    df!(
        "period" => period,
        "term" => term,
        "count" => count,
        "docs" => docs,
        "dp" => dp,
        "dp_norm" => dp_norm
    )?
    .lazy()
    .join(
        period_sizes(counts)?.lazy(),
        [col("period")],
        [col("period")],
        JoinArgs::new(JoinType::Left),
    )
    .join(
        labels_frame(labels)?.lazy(),
        [col("term")],
        [col("term")],
        JoinArgs::new(JoinType::Left),
    )
    .with_column(stats::per_10k_expr("count", "tokens").alias("per_10k"))
    .select([
        col("period"),
        col("term"),
        col("word"),
        col("count"),
        col("per_10k"),
        col("docs"),
        col("dp"),
        col("dp_norm"),
    ])
    .sort(["period", "count", "term"], order(&[false, true, false]))
    .collect()
}

/// Wide table from the long one: term, word, total, then `count_P` and `per_10k_P` for each
/// period P in time order (0 where the term is absent); sorted by total (descending), term.
pub fn terms_by_period(long: &DataFrame, periods: &[String]) -> PolarsResult<DataFrame> {
    let mut wide = long
        .clone()
        .lazy()
        .group_by([col("term"), col("word")])
        .agg([col("count").sum().alias("total")]);
    let mut columns = vec![col("term"), col("word"), col("total")];
    for p in periods {
        let (count, rate) = (format!("count_{p}"), format!("per_10k_{p}"));
        let one = long
            .clone()
            .lazy()
            .filter(col("period").eq(lit(p.as_str())))
            .select([
                col("term"),
                col("count").alias(count.as_str()),
                col("per_10k").alias(rate.as_str()),
            ]);
        wide = wide.join(
            one,
            [col("term")],
            [col("term")],
            JoinArgs::new(JoinType::Left),
        );
        columns.push(col(count.as_str()).fill_null(lit(0u64)));
        columns.push(col(rate.as_str()).fill_null(lit(0.0)));
    }
    wide.select(columns)
        .sort(["total", "term"], order(&[true, false]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{PeriodCounts, TermCount};

    fn corpus() -> Counts {
        let mut counts = Counts::default();
        for (p, tokens, terms) in [
            ("2003", 1000, vec![("centr", 8, 2), ("pct", 5, 1)]),
            ("2010", 500, vec![("commiss", 10, 2), ("pct", 5, 2)]),
        ] {
            let mut c = PeriodCounts {
                docs: 2,
                tokens,
                ..Default::default()
            };
            for (t, n, d) in terms {
                c.terms.insert(
                    t.into(),
                    TermCount {
                        count: n,
                        docs: d,
                        ..Default::default()
                    },
                );
            }
            counts.periods.insert(p.into(), c);
        }
        counts
    }

    fn labels() -> FxHashMap<String, String> {
        [
            ("centr", "centre"),
            ("pct", "pcts"),
            ("commiss", "commissioning"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    }

    #[test]
    fn long_table_rates_and_order() {
        let df = term_frequencies(&corpus(), &labels()).unwrap();
        let terms: Vec<_> = df
            .column("term")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect();
        assert_eq!(terms, ["centr", "pct", "commiss", "pct"]);
        let rate: Vec<_> = df
            .column("per_10k")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(rate, [80.0, 50.0, 200.0, 100.0]);
        let words: Vec<_> = df
            .column("word")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect();
        assert_eq!(words, ["centre", "pcts", "commissioning", "pcts"]);
    }

    #[test]
    fn wide_table_fills_absent_periods_with_zero() {
        let long = term_frequencies(&corpus(), &labels()).unwrap();
        let df = terms_by_period(&long, &["2003".into(), "2010".into()]).unwrap();
        let names: Vec<_> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "term",
                "word",
                "total",
                "count_2003",
                "per_10k_2003",
                "count_2010",
                "per_10k_2010"
            ]
        );
        let terms: Vec<_> = df
            .column("term")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect();
        assert_eq!(terms, ["commiss", "pct", "centr"]);
        let c2003: Vec<_> = df
            .column("count_2003")
            .unwrap()
            .u64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(c2003, [0, 5, 8]);
    }
}
