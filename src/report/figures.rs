//! From tables to the data each chart draws: the glue between [`crate::measure::Tables`] and
//! the chart renderers in [`super::charts`], which know nothing of DataFrames.

use anyhow::Result;
use polars::prelude::*;

use super::charts::{self, KeyLine, PeriodTopTerms, Step, TermValue, ThemeSeries, ThemeWords};
use super::{floats, strings};
use crate::measure::course::Course;
use crate::measure::{fragments, Comparison, Tables};

/// Terms per period in `top_terms.png`.
pub(crate) use crate::measure::TOP_TERMS;
/// Key terms each way in `keyness.png`.
pub(crate) const KEY_TERMS: usize = 15;
/// Words per theme in `theme_terms.png`.
pub(crate) const THEME_WORDS: usize = 8;

/// Every chart for these tables, as (file name, PNG bytes).
pub(crate) fn render_all(
    tables: &Tables,
    periods: &[String],
    main: Option<&Comparison>,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    use rayon::prelude::*;
    type Chart<'a> = Box<dyn Fn() -> Result<Option<Vec<u8>>> + Send + Sync + 'a>;
    // Each chart drawn on its own thread (drawing is most of this stage, and the charts
    // share nothing); the list keeps its order.
    let charts: Vec<(&'static str, Chart)> = vec![
        (
            "top_terms.png",
            Box::new(|| {
                let shown = shown_periods(periods, main, &tables.courses);
                Ok(Some(charts::top_terms::render(
                    &top_terms(tables, &shown)?,
                    periods.len(),
                )?))
            }),
        ),
        (
            "keyness.png",
            Box::new(|| {
                let (Some(cmp), true) = (main, tables.has_keyness()) else {
                    return Ok(None);
                };
                let (toward_a, toward_b) = key_terms(tables)?;
                Ok(Some(charts::keyness::render(
                    &cmp.a, &cmp.b, &toward_a, &toward_b,
                )?))
            }),
        ),
        (
            "theme_shift.png",
            Box::new(|| {
                let (Some(cmp), Some(_)) = (main, &tables.theme_shift) else {
                    return Ok(None);
                };
                let rows = &tables.main_shift;
                Ok(Some(charts::theme_shift::render(&cmp.a, &cmp.b, rows)?))
            }),
        ),
        (
            "theme_terms.png",
            Box::new(|| {
                let (Some(cmp), Some(themes), Some(words)) =
                    (main, &tables.themes, &tables.theme_terms)
                else {
                    return Ok(None);
                };
                let words = theme_words(themes, words, cmp)?;
                Ok(Some(charts::theme_terms::render(&cmp.a, &cmp.b, &words)?))
            }),
        ),
        (
            "theme_trend.png",
            Box::new(|| {
                let (true, Some(themes)) = (periods.len() > 2, &tables.themes) else {
                    return Ok(None);
                };
                Ok(Some(charts::theme_trend::render(
                    periods,
                    &trend(themes, periods, &tables.courses)?,
                )?))
            }),
        ),
    ];
    let drawn = charts
        .par_iter()
        .map(|(name, draw)| Ok(draw()?.map(|png| (*name, png))))
        .collect::<Result<Vec<_>>>()?;
    Ok(drawn.into_iter().flatten().collect())
}

/// Most periods `top_terms.png` shows: four rows of two panels, about 3,300 pixels tall.
pub(crate) const SHOWN_PERIODS: usize = 8;

/// The periods `top_terms.png` shows, in time order: every period up to [`SHOWN_PERIODS`];
/// past that, as many as fit of, first, the main comparison's two periods, then the first
/// period after each theme's turn (the strongest turns first, by G²), each theme's peak, and
/// the first and last periods. The rest are in terms_by_period.csv and tables.xlsx.
pub(crate) fn shown_periods(
    periods: &[String],
    main: Option<&Comparison>,
    courses: &[Course],
) -> Vec<String> {
    if periods.len() <= SHOWN_PERIODS {
        return periods.to_vec();
    }
    let mut wanted: Vec<&str> = Vec::new();
    if let Some(m) = main {
        wanted.extend([m.a.as_str(), m.b.as_str()]);
    }
    let mut turns: Vec<(f64, &str)> = courses
        .iter()
        .flat_map(|c| {
            c.turns()
                .map(|(_, after, t)| (t.g2.abs(), after.from.as_str()))
        })
        .collect();
    turns.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    wanted.extend(turns.iter().map(|t| t.1));
    wanted.extend(
        courses
            .iter()
            .filter_map(|c| c.peak.as_ref().map(|p| p.0.as_str())),
    );
    wanted.extend([periods[0].as_str(), periods[periods.len() - 1].as_str()]);
    let mut shown: Vec<usize> = Vec::new();
    for w in wanted {
        if let Some(i) = periods.iter().position(|p| p == w) {
            if !shown.contains(&i) && shown.len() < SHOWN_PERIODS {
                shown.push(i);
            }
        }
    }
    shown.sort_unstable();
    shown.into_iter().map(|i| periods[i].clone()).collect()
}

/// The most frequent terms of each period (the long table is sorted by count within period).
fn top_terms(tables: &Tables, periods: &[String]) -> Result<Vec<PeriodTopTerms>> {
    let df = &tables.top_terms;
    let (period, term, word, rate, count) = (
        strings(df, "period")?,
        strings(df, "term")?,
        strings(df, "word")?,
        floats(df, "per_10k")?,
        floats(df, "count")?,
    );
    Ok(periods
        .iter()
        .map(|p| {
            let rows: Vec<usize> = (0..period.len()).filter(|&i| &period[i] == p).collect();
            let listed: Vec<(&str, u64)> = rows
                .iter()
                .map(|&i| (term[i].as_str(), count[i] as u64))
                .collect();
            let kept = fragments::kept(&listed);
            PeriodTopTerms {
                period: p.clone(),
                terms: rows
                    .iter()
                    .zip(kept)
                    .filter(|(_, k)| *k)
                    .take(TOP_TERMS)
                    .map(|(&i, _)| TermValue {
                        word: word[i].clone(),
                        value: rate[i],
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Most key terms of the main comparison each way: (toward A, toward B), strongest first.
pub(crate) fn key_terms(tables: &Tables) -> Result<(Vec<KeyLine>, Vec<KeyLine>)> {
    let lists = tables.main_key_lists(KEY_TERMS)?;
    Ok((lists.toward_a, lists.toward_b))
}

/// For each theme (lexicon order), the matched words whose rate changed most from A to B.
fn theme_words(themes: &DataFrame, words: &DataFrame, cmp: &Comparison) -> Result<Vec<ThemeWords>> {
    let (theme, period, tokens) = (
        strings(themes, "theme")?,
        strings(themes, "period")?,
        themes
            .column("tokens")?
            .u64()?
            .into_no_null_iter()
            .collect::<Vec<u64>>(),
    );
    let size = |p: &str| period.iter().position(|x| x == p).map_or(0, |i| tokens[i]);
    let (na, nb) = (size(&cmp.a), size(&cmp.b));
    let (w_theme, w_period, w_word) = (
        strings(words, "theme")?,
        strings(words, "period")?,
        strings(words, "word")?,
    );
    let w_count: Vec<u64> = words.column("count")?.u64()?.into_no_null_iter().collect();
    let mut order: Vec<String> = Vec::new();
    for t in &theme {
        if !order.contains(t) {
            order.push(t.clone());
        }
    }
    Ok(order
        .into_iter()
        .map(|t| {
            let mut counts: std::collections::BTreeMap<&str, (u64, u64)> = Default::default();
            for i in (0..w_theme.len()).filter(|&i| w_theme[i] == t) {
                let e = counts.entry(w_word[i].as_str()).or_default();
                if w_period[i] == cmp.a {
                    e.0 += w_count[i];
                } else if w_period[i] == cmp.b {
                    e.1 += w_count[i];
                }
            }
            let mut changes: Vec<TermValue> = counts
                .into_iter()
                .filter(|(_, (a, b))| a + b > 0)
                .map(|(w, (a, b))| TermValue {
                    word: w.to_string(),
                    value: crate::measure::stats::per_10k(b, nb)
                        - crate::measure::stats::per_10k(a, na),
                })
                .collect();
            changes.sort_by(|x, y| {
                y.value
                    .abs()
                    .total_cmp(&x.value.abs())
                    .then(x.word.cmp(&y.word))
            });
            changes.truncate(THEME_WORDS);
            ThemeWords {
                theme: t,
                words: changes,
            }
        })
        .collect())
}

/// Each theme's rate in every period (themes.csv is ordered by theme, then period), and its
/// course as steps when one was drawn.
fn trend(themes: &DataFrame, periods: &[String], courses: &[Course]) -> Result<Vec<ThemeSeries>> {
    let (theme, rate) = (strings(themes, "theme")?, floats(themes, "per_10k")?);
    let at = |label: &str| periods.iter().position(|p| p == label);
    Ok(theme
        .chunks(periods.len())
        .zip(rate.chunks(periods.len()))
        .map(|(t, r)| {
            let course = courses.iter().find(|c| c.theme == t[0]);
            let steps = course.map_or_else(Vec::new, |c| {
                (c.stretches.iter())
                    .filter_map(|s| {
                        Some(Step {
                            first: at(&s.from)?,
                            last: at(&s.to)?,
                            per_10k: s.per_10k,
                            rose: s.turn.as_ref().map(|t| t.direction == "rose"),
                        })
                    })
                    .collect()
            });
            ThemeSeries {
                theme: t[0].clone(),
                per_10k: r.to_vec(),
                steps,
            }
        })
        .collect())
}
