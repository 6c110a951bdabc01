//! Term frequencies per period: the long table (`term_frequencies.csv`, one row per period and
//! term) and the wide one (`terms_by_period.csv`, one row per term, columns per period).

use polars::prelude::*;
use rustc_hash::FxHashMap;

use super::stats;
use crate::count::{Counts, PeriodCounts, TermCount};

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
/// then count (descending), then term. Built straight from the counts, column by column: the
/// corpus's longest table (a row per term and period) is made once, not joined into shape.
pub fn term_frequencies(
    counts: &Counts,
    labels: &FxHashMap<String, String>,
) -> PolarsResult<DataFrame> {
    let mut rows: Vec<(&str, &str, &TermCount, u64, Option<u64>)> = Vec::new();
    for (p, c) in &counts.periods {
        for (t, tc) in &c.terms {
            rows.push((p.as_str(), t, tc, c.tokens, c.min_doc_tokens));
        }
    }
    // Period, then count (descending), then term: every row has its own (period, term).
    use rayon::prelude::*;
    rows.par_sort_unstable_by(|a, b| {
        (a.0, std::cmp::Reverse(a.2.count), a.1).cmp(&(b.0, std::cmp::Reverse(b.2.count), b.1))
    });
    let dp: Vec<Option<(f64, f64)>> = rows
        .iter()
        .map(|&(_, _, tc, tokens, min)| {
            tc.spread
                .and_then(|s| stats::gries_dp(tc.count, tokens, s, min.unwrap_or(0)))
        })
        .collect();
    df!(
        "period" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "term" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "word" => rows.iter().map(|r| labels.get(r.1).map(String::as_str)).collect::<Vec<_>>(),
        "count" => rows.iter().map(|r| r.2.count).collect::<Vec<_>>(),
        "per_10k" => rows.iter().map(|r| stats::per_10k(r.2.count, r.3)).collect::<Vec<_>>(),
        "docs" => rows.iter().map(|r| r.2.docs).collect::<Vec<_>>(),
        "dp" => dp.iter().map(|d| d.map(|d| d.0)).collect::<Vec<_>>(),
        "dp_norm" => dp.iter().map(|d| d.map(|d| d.1)).collect::<Vec<_>>(),
    )
}

/// The first `n` rows of each period of the long table ([`term_frequencies`]), which is
/// sorted by period and count: each period's most frequent terms.
pub fn top_per_period(long: &DataFrame, n: usize) -> PolarsResult<DataFrame> {
    let periods = long.column("period")?.str()?;
    let mut keep: Vec<IdxSize> = Vec::new();
    let (mut last, mut taken) = (None, 0);
    for (i, p) in periods.iter().enumerate() {
        if p != last {
            (last, taken) = (p, 0);
        }
        if taken < n {
            keep.push(i as IdxSize);
            taken += 1;
        }
    }
    long.take(&IdxCa::from_vec("rows".into(), keep))
}

/// Wide table: term, word, total, then `count_P` and `per_10k_P` for each period P in time
/// order (0 where the term is absent); sorted by total (descending), term.
pub fn terms_by_period(
    counts: &Counts,
    labels: &FxHashMap<String, String>,
) -> PolarsResult<DataFrame> {
    let periods: Vec<&PeriodCounts> = counts.periods.values().collect();
    // Each term once, with its count in each period.
    let mut row_of: FxHashMap<&str, usize> = FxHashMap::default();
    let mut terms: Vec<&str> = Vec::new();
    let mut cells: Vec<Vec<u64>> = vec![Vec::new(); periods.len()];
    for (i, c) in periods.iter().enumerate() {
        for (t, tc) in &c.terms {
            let row = *row_of.entry(t).or_insert_with(|| {
                terms.push(t);
                for column in cells.iter_mut() {
                    column.push(0);
                }
                terms.len() - 1
            });
            cells[i][row] = tc.count;
        }
    }
    drop(row_of);
    let totals: Vec<u64> = (0..terms.len())
        .map(|r| cells.iter().map(|c| c[r]).sum())
        .collect();
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_unstable_by(|&a, &b| totals[b].cmp(&totals[a]).then(terms[a].cmp(terms[b])));
    let mut columns = vec![
        Column::new(
            "term".into(),
            order.iter().map(|&r| terms[r]).collect::<Vec<_>>(),
        ),
        Column::new(
            "word".into(),
            order
                .iter()
                .map(|&r| labels.get(terms[r]).map(String::as_str))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "total".into(),
            order.iter().map(|&r| totals[r]).collect::<Vec<_>>(),
        ),
    ];
    for ((label, c), counts) in counts.periods.iter().zip(&cells) {
        columns.push(Column::new(
            format!("count_{label}").into(),
            order.iter().map(|&r| counts[r]).collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            format!("per_10k_{label}").into(),
            order
                .iter()
                .map(|&r| {
                    if counts[r] == 0 {
                        0.0
                    } else {
                        stats::per_10k(counts[r], c.tokens)
                    }
                })
                .collect::<Vec<_>>(),
        ));
    }
    DataFrame::new_infer_height(columns)
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
                    std::sync::Arc::<str>::from(t),
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
        let df = terms_by_period(&corpus(), &labels()).unwrap();
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
