//! Trends across every period, not just the compared pair: a Cochran–Armitage test
//! ([`stats::trend_test`]) for each term (in `terms_by_period.csv`, [`super::by_period`]) and each theme
//! (`theme_trends.csv`), with Benjamini–Hochberg adjusted p-values and a plain word.

use polars::prelude::*;

use super::{stats, ALPHA};
use crate::count::Counts;
use crate::lexicon::Lexicon;

/// "rising", "falling", or "no clear trend" when the adjusted p-value is not below
/// [`ALPHA`]; empty when there was nothing to test.
pub(crate) fn trend_word(z: Option<f64>, p_adjusted: Option<f64>) -> &'static str {
    match (z, p_adjusted) {
        (Some(z), Some(p)) if p < ALPHA && z > 0.0 => "rising",
        (Some(z), Some(p)) if p < ALPHA && z < 0.0 => "falling",
        (Some(_), Some(_)) => "no clear trend",
        _ => "",
    }
}

/// The trend columns for a list of (hits, tokens) rows per item: trend_z, trend_p_value,
/// trend_p_adjusted (Benjamini–Hochberg over the items tested), trend.
fn trend_columns(items: &[Vec<(u64, u64)>]) -> Vec<Column> {
    let tests: Vec<Option<(f64, f64)>> = items.iter().map(|r| stats::trend_test(r)).collect();
    let tested: Vec<f64> = tests.iter().flatten().map(|t| t.1).collect();
    let mut adjusted = stats::benjamini_hochberg(&tested).into_iter();
    let adjusted: Vec<Option<f64>> = tests
        .iter()
        .map(|t| t.and_then(|_| adjusted.next()))
        .collect();
    let z: Vec<Option<f64>> = tests.iter().map(|t| t.map(|t| t.0)).collect();
    let words: Vec<&str> = z
        .iter()
        .zip(&adjusted)
        .map(|(&z, &p)| trend_word(z, p))
        .collect();
    vec![
        Column::new("trend_z".into(), &z),
        Column::new(
            "trend_p_value".into(),
            tests.iter().map(|t| t.map(|t| t.1)).collect::<Vec<_>>(),
        ),
        Column::new("trend_p_adjusted".into(), adjusted),
        Column::new("trend".into(), words),
    ]
}

/// theme, hits (all periods), per_10k_P for each period P in time order, then the trend
/// columns; themes in lexicon order.
pub(crate) fn theme_trends(counts: &Counts, lexicon: &Lexicon) -> PolarsResult<DataFrame> {
    let rows: Vec<Vec<(u64, u64)>> = (0..lexicon.themes.len())
        .map(|i| {
            counts
                .periods
                .values()
                .map(|c| (c.themes.get(i).map_or(0, |t| t.hits), c.tokens))
                .collect()
        })
        .collect();
    let names: Vec<&str> = lexicon.themes.iter().map(|t| t.name.as_str()).collect();
    let mut columns = vec![
        Column::new("theme".into(), names),
        Column::new(
            "hits".into(),
            rows.iter()
                .map(|r| r.iter().map(|x| x.0).sum::<u64>())
                .collect::<Vec<u64>>(),
        ),
    ];
    for (j, p) in counts.periods.keys().enumerate() {
        columns.push(Column::new(
            format!("per_10k_{p}").into(),
            rows.iter()
                .map(|r| stats::per_10k(r[j].0, r[j].1))
                .collect::<Vec<f64>>(),
        ));
    }
    columns.extend(trend_columns(&rows));
    DataFrame::new_infer_height(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{PeriodCounts, TermCount, ThemeCount};

    fn corpus() -> Counts {
        let mut counts = Counts::default();
        // "rise" climbs 2, 10, 30 per 1000 tokens; "flat" stays at 10; "rare" occurs once.
        for (p, rise, flat, rare) in [("2001", 2, 10, 0), ("2002", 10, 10, 1), ("2003", 30, 10, 0)]
        {
            let mut c = PeriodCounts {
                docs: 1,
                tokens: 1000,
                ..Default::default()
            };
            for (t, n) in [("rise", rise), ("flat", flat), ("rare", rare)] {
                if n > 0 {
                    c.terms.insert(
                        std::sync::Arc::<str>::from(t),
                        TermCount {
                            count: n,
                            docs: 1,
                            max_doc: n,
                            spread: crate::count::MaybeSpread::NONE,
                        },
                    );
                }
            }
            c.themes = vec![ThemeCount {
                hits: 40 - rise,
                docs: 1,
                ..Default::default()
            }];
            counts.periods.insert(p.into(), c);
        }
        counts
    }

    #[test]
    fn theme_trend_table_has_a_rate_per_period() {
        let lexicon = Lexicon::parse(
            "[[theme]]\nname = \"t\"\npatterns = [\"x\"]\n",
            std::path::Path::new("t"),
            &crate::lexicon::tests::english(),
        )
        .unwrap();
        let df = theme_trends(&corpus(), &lexicon).unwrap();
        let names: Vec<&str> = df.get_column_names().iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "theme",
                "hits",
                "per_10k_2001",
                "per_10k_2002",
                "per_10k_2003",
                "trend_z",
                "trend_p_value",
                "trend_p_adjusted",
                "trend"
            ]
        );
        assert_eq!(df.column("hits").unwrap().u64().unwrap().get(0), Some(78));
        let trend = df.column("trend").unwrap().str().unwrap().get(0);
        assert_eq!(trend, Some("falling"));
    }
}
