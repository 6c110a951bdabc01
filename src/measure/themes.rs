//! Theme measures: hits per period (`themes.csv`), the change between compared periods
//! (`theme_shift.csv`) and the words that made each theme's hits, with the pattern that
//! matched them (`theme_terms.csv`).
//! Themes keep lexicon order in every table.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::by_document::{self, Bootstrap, RateSums, Welch};
use super::{order, stats, Comparison, ALPHA};
use crate::count::{Counts, ThemeCount, ThemeDoc};
use crate::lexicon::Lexicon;
use crate::tokenise::Tokeniser;
use rustc_hash::FxHashMap;

fn theme_count<'a>(counts: &'a Counts, period: &str, theme: usize) -> Option<&'a ThemeCount> {
    counts.periods.get(period)?.themes.get(theme)
}

/// theme, period, hits, tokens, per_10k, docs: one row per theme and period.
pub(crate) fn themes_table(counts: &Counts, lexicon: &Lexicon) -> PolarsResult<DataFrame> {
    let (mut theme, mut period, mut hits, mut tokens, mut docs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, t) in lexicon.themes.iter().enumerate() {
        for (p, c) in &counts.periods {
            let tc = theme_count(counts, p, i);
            theme.push(t.name.as_str());
            period.push(p.as_str());
            hits.push(tc.map_or(0, |c| c.hits));
            tokens.push(c.tokens);
            docs.push(tc.map_or(0, |c| c.docs));
        }
    }
    let per_10k: Vec<f64> = hits
        .iter()
        .zip(&tokens)
        .map(|(&h, &n)| stats::per_10k(h, n))
        .collect();
    df!("theme" => theme, "period" => period, "hits" => hits, "tokens" => tokens, "per_10k" => per_10k, "docs" => docs)
}

/// theme, period_a, period_b, hits_a, hits_b, per_10k_a, per_10k_b, g2, p_value, log_ratio,
/// change, docs_a, docs_b, log_ratio_low, log_ratio_high (95% interval,
/// [`stats::log_ratio_ci`]), p_adjusted (Benjamini–Hochberg over the themes of the
/// comparison), then the document-level columns ([`by_document`]; empty when a period has
/// fewer than two documents): p_doc (Welch's t-test on per-document rates), p_doc_adjusted
/// (Benjamini–Hochberg over the same themes), log_ratio_doc_low and log_ratio_doc_high (95%
/// bootstrap interval over documents; the main comparison's rows only, the first of
/// `comparisons`) and evidence ([`by_document::evidence`]): one row per
/// theme and comparison (comparisons in the given order).
pub(crate) fn theme_shift(
    counts: &Counts,
    lexicon: &Lexicon,
    comparisons: &[Comparison],
) -> PolarsResult<DataFrame> {
    let mut rows: Vec<ShiftRow> = Vec::new();
    let themes = lexicon.themes.len();
    // The bootstrap's work is documents times resamples for each period it resamples: run for
    // every adjacent pair it was most of the measure stage, so it serves the main comparison
    // (the first), the one the summary and report.html present.
    let docs: BTreeMap<&str, &[ThemeDoc]> = counts
        .periods
        .iter()
        .map(|(p, c)| (p.as_str(), &c.theme_docs[..]))
        .collect();
    let pairs: Vec<(&str, &str)> = comparisons
        .iter()
        .take(1)
        .map(|c| (c.a.as_str(), c.b.as_str()))
        .collect();
    let boot = Bootstrap::new(&docs, &pairs, themes, by_document::SEED);
    for (k, cmp) in comparisons.iter().enumerate() {
        let mut welches = Vec::with_capacity(themes);
        let (na, nb) = (counts.periods[&cmp.a].tokens, counts.periods[&cmp.b].tokens);
        for (i, t) in lexicon.themes.iter().enumerate() {
            let side = |p: &str| theme_count(counts, p, i).map_or((0, 0), |c| (c.hits, c.docs));
            let ((a, docs_a), (b, docs_b)) = (side(&cmp.a), side(&cmp.b));
            let g2 = stats::signed_log_likelihood(a, b, na, nb);
            let p = stats::p_value(g2);
            let welch = by_document::welch(
                theme_rates(&counts.periods[&cmp.a].theme_docs, i),
                theme_rates(&counts.periods[&cmp.b].theme_docs, i),
            );
            let doc_ci = welch
                .filter(|_| k == 0)
                .and_then(|_| boot.interval(&cmp.a, &cmp.b, i));
            rows.push(ShiftRow {
                theme: &t.name,
                cmp,
                hits: (a, b),
                rate: (stats::per_10k(a, na), stats::per_10k(b, nb)),
                g2,
                p,
                log_ratio: stats::log_ratio(a, b, na, nb),
                ci: stats::log_ratio_ci(a, b, na, nb),
                p_adjusted: 0.0,
                change: "",
                docs: (docs_a, docs_b),
                p_doc: welch.map(|w| w.p),
                p_doc_adjusted: None,
                doc_ci,
                evidence: "",
            });
            welches.push(welch);
        }
        let first = rows.len() - lexicon.themes.len();
        let p: Vec<f64> = rows[first..].iter().map(|r| r.p).collect();
        for (r, adjusted) in rows[first..].iter_mut().zip(stats::benjamini_hochberg(&p)) {
            r.p_adjusted = adjusted;
            // One rule for every verdict: the adjusted p-value, as the trends and the charts.
            r.change = stats::change_word(r.g2, adjusted, ALPHA);
        }
        let p_doc: Vec<Option<f64>> = rows[first..].iter().map(|r| r.p_doc).collect();
        let adjusted = by_document::adjust(&p_doc);
        for ((r, adjusted), welch) in rows[first..].iter_mut().zip(adjusted).zip(welches) {
            r.p_doc_adjusted = adjusted;
            // The same rule for the evidence: both tests' adjusted p-values.
            let doc = welch.zip(adjusted).map(|(w, p)| Welch { p, ..w });
            r.evidence = by_document::evidence(r.g2, r.p_adjusted, doc, ALPHA);
        }
    }
    shift_table(&rows)
}

/// A theme's per-document rates over a period's rows.
fn theme_rates(docs: &[ThemeDoc], theme: usize) -> RateSums {
    RateSums::of(docs.iter().map(|d| {
        let hits = d
            .hits
            .binary_search_by_key(&(theme as u32), |h| h.0)
            .map_or(0, |k| d.hits[k].1);
        (hits, d.tokens)
    }))
}

/// theme_shift.csv's table from its rows.
fn shift_table(rows: &[ShiftRow]) -> PolarsResult<DataFrame> {
    let maybe = |f: fn(&ShiftRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let pick = |f: fn(&ShiftRow) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
    let count = |f: fn(&ShiftRow) -> u64| rows.iter().map(f).collect::<Vec<u64>>();
    let text = |f: for<'r> fn(&'r ShiftRow) -> &'r str| rows.iter().map(f).collect::<Vec<&str>>();
    df!(
        "theme" => text(|r| r.theme),
        "period_a" => text(|r| &r.cmp.a),
        "period_b" => text(|r| &r.cmp.b),
        "hits_a" => count(|r| r.hits.0),
        "hits_b" => count(|r| r.hits.1),
        "per_10k_a" => pick(|r| r.rate.0),
        "per_10k_b" => pick(|r| r.rate.1),
        "g2" => pick(|r| r.g2),
        "p_value" => pick(|r| r.p),
        "log_ratio" => pick(|r| r.log_ratio),
        "change" => text(|r| r.change),
        "docs_a" => count(|r| r.docs.0),
        "docs_b" => count(|r| r.docs.1),
        "log_ratio_low" => pick(|r| r.ci.0),
        "log_ratio_high" => pick(|r| r.ci.1),
        "p_adjusted" => pick(|r| r.p_adjusted),
        "p_doc" => maybe(|r| r.p_doc),
        "p_doc_adjusted" => maybe(|r| r.p_doc_adjusted),
        "log_ratio_doc_low" => maybe(|r| r.doc_ci.map(|c| c.0)),
        "log_ratio_doc_high" => maybe(|r| r.doc_ci.map(|c| c.1)),
        "evidence" => text(|r| r.evidence),
    )
}

struct ShiftRow<'a> {
    theme: &'a str,
    cmp: &'a Comparison,
    hits: (u64, u64),
    rate: (f64, f64),
    g2: f64,
    p: f64,
    log_ratio: f64,
    ci: (f64, f64),
    p_adjusted: f64,
    change: &'static str,
    docs: (u64, u64),
    p_doc: Option<f64>,
    p_doc_adjusted: Option<f64>,
    doc_ci: Option<(f64, f64)>,
    evidence: &'static str,
}

/// One theme's change in the main comparison, as theme_shift.csv's row has it: the typed
/// value the summary, the findings, report.html and theme_shift.png are all made from.
#[derive(Debug, Clone)]
pub(crate) struct ShiftLine {
    pub(crate) theme: String,
    pub(crate) per_10k_a: f64,
    pub(crate) per_10k_b: f64,
    pub(crate) log_ratio: f64,
    /// Benjamini–Hochberg adjusted p-value: the one `change` follows.
    pub(crate) p_adjusted: f64,
    /// `rose`, `fell` or `no significant change`.
    pub(crate) change: String,
    /// Which tests find the change: theme_shift.csv's `evidence`.
    pub(crate) evidence: String,
    /// Documents with a hit of the theme in A and in B.
    pub(crate) docs_a: u64,
    pub(crate) docs_b: u64,
}

/// The rows of `shift` (theme_shift.csv's table) for comparison `cmp`, in order.
pub(crate) fn shift_lines(shift: &DataFrame, cmp: &Comparison) -> PolarsResult<Vec<ShiftLine>> {
    let df = super::rows_of(shift, cmp)?;
    let text = |name: &str| super::strings(&df, name);
    let number = |name: &str| super::floats(&df, name);
    let (theme, change, evidence) = (text("theme")?, text("change")?, text("evidence")?);
    let (a, b) = (number("per_10k_a")?, number("per_10k_b")?);
    let (lr, p) = (number("log_ratio")?, number("p_adjusted")?);
    let (docs_a, docs_b) = (number("docs_a")?, number("docs_b")?);
    Ok((0..df.height())
        .map(|i| ShiftLine {
            theme: theme[i].clone(),
            per_10k_a: a[i],
            per_10k_b: b[i],
            log_ratio: lr[i],
            p_adjusted: p[i],
            change: change[i].clone(),
            evidence: evidence[i].clone(),
            docs_a: docs_a[i] as u64,
            docs_b: docs_b[i] as u64,
        })
        .collect())
}

/// theme, period, word, count, pattern: the matched words behind each theme's hits and the
/// lexicon pattern (as written) that matched them, by theme (lexicon order), period, count
/// (descending), word, pattern (lexicon order). The words are counted as written; the forms
/// of one term (`SHAs` and `shas`, `local health economy` and `local health economies`: the
/// same stems, `keys` from [`word_keys`]) make one row, labelled with the form written most
/// often across the corpus ([`crate::count::most_frequent`]), so a term is one row, named
/// alike in every period, and its forms do not point opposite ways.
pub(crate) fn theme_terms(
    counts: &Counts,
    lexicon: &Lexicon,
    keys: &FxHashMap<String, String>,
) -> PolarsResult<DataFrame> {
    let (mut order_col, mut theme, mut period, mut word, mut count) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut pattern, mut pattern_order) = (Vec::new(), Vec::new());
    let labels = written_labels(counts, keys);
    for (i, t) in lexicon.themes.iter().enumerate() {
        for p in counts.periods.keys() {
            let Some(c) = theme_count(counts, p, i) else {
                continue;
            };
            for (k, words) in c.words.iter().enumerate() {
                let mut by_word: std::collections::BTreeMap<&str, u64> = Default::default();
                for (w, n) in words {
                    *by_word.entry(labels[w.as_str()]).or_default() += n;
                }
                for (w, n) in by_word {
                    order_col.push(i as u32);
                    theme.push(t.name.as_str());
                    period.push(p.as_str());
                    word.push(w);
                    count.push(n);
                    pattern.push(t.patterns.get(k).map_or("", |p| p.text.as_str()));
                    pattern_order.push(k as u32);
                }
            }
        }
    }
    df!(
        "order" => order_col,
        "theme" => theme,
        "period" => period,
        "word" => word,
        "count" => count,
        "pattern" => pattern,
        "pattern_order" => pattern_order,
    )?
    .sort(
        ["order", "period", "count", "word", "pattern_order"],
        order(&[false, false, true, false, false]),
    )?
    .select(["theme", "period", "word", "count", "pattern"])
}

/// Each pattern and excluded pattern of `lexicon` that counted nothing in any period of
/// `counts`, by theme: the theme's name and its patterns, `'pattern'` (`exclude 'pattern'`
/// for an exclusion), in lexicon order; themes with none are left out. A pattern every match
/// of which another pattern of the theme took (a longer one, or an earlier one on the same
/// words) is among them: it adds nothing to the theme.
pub(crate) fn unmatched_patterns(counts: &Counts, lexicon: &Lexicon) -> Vec<(String, Vec<String>)> {
    let mut unmatched = Vec::new();
    for (i, t) in lexicon.themes.iter().enumerate() {
        let themes = || counts.periods.values().filter_map(|c| c.themes.get(i));
        let mut named = Vec::new();
        for (k, p) in t.patterns.iter().enumerate() {
            if !themes().any(|c| c.words.get(k).is_some_and(|w| !w.is_empty())) {
                named.push(format!("'{}'", p.text));
            }
        }
        for (k, p) in t.exclude.iter().enumerate() {
            if !themes().any(|c| c.excluded.get(k).is_some_and(|&n| n > 0)) {
                named.push(format!("exclude '{}'", p.text));
            }
        }
        if !named.is_empty() {
            unmatched.push((t.name.clone(), named));
        }
    }
    unmatched
}

/// Each matched text as written -> its stems, the words of it as the tokeniser splits them,
/// each stemmed, joined by spaces: the forms of one term share them.
pub(crate) fn word_keys(counts: &Counts, tokeniser: &Tokeniser) -> FxHashMap<String, String> {
    let mut keys = FxHashMap::default();
    for p in counts.periods.values() {
        for t in &p.themes {
            for w in t.words.iter().flat_map(|w| w.keys()) {
                if keys.contains_key(w.as_str()) {
                    continue;
                }
                let mut key = String::new();
                tokeniser.split(&tokeniser.normalise(w), |word, _| {
                    if !key.is_empty() {
                        key.push(' ');
                    }
                    key.push_str(&tokeniser.stem(word));
                });
                keys.insert(w.clone(), key);
            }
        }
    }
    keys
}

/// Each matched text as written -> the form of its term (its stems, `keys`; its lower-case
/// form when it has none there) written most often in all themes and periods.
fn written_labels<'a>(
    counts: &'a Counts,
    keys: &FxHashMap<String, String>,
) -> FxHashMap<&'a str, &'a str> {
    let mut by_lower: FxHashMap<String, Vec<(&str, u64)>> = Default::default();
    for p in counts.periods.values() {
        for t in &p.themes {
            for (w, &c) in t.words.iter().flatten() {
                let key = keys
                    .get(w.as_str())
                    .cloned()
                    .unwrap_or_else(|| crate::count::lower(w));
                by_lower.entry(key).or_default().push((w, c));
            }
        }
    }
    let mut labels = FxHashMap::default();
    for forms in by_lower.into_values() {
        let mut totals: FxHashMap<&str, u64> = Default::default();
        for &(w, c) in &forms {
            *totals.entry(w).or_default() += c;
        }
        let label = crate::count::most_frequent(totals.iter().map(|(w, c)| (*w, *c)))
            .expect("at least one form");
        for (w, _) in forms {
            labels.insert(w, label);
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::PeriodCounts;
    use crate::lexicon::{Element, Lexicon, Pattern, Theme};

    fn corpus() -> (Counts, Lexicon) {
        let theme = |name: &str| Theme {
            name: name.into(),
            patterns: ["centre", "top table"]
                .map(|p| Pattern::new(p.into(), vec![Element::Stem(p.into())]))
                .into(),
            exclude: vec![],
        };
        let lexicon = Lexicon {
            themes: vec![theme("zeta"), theme("alpha")],
        };
        let mut counts = Counts::default();
        for (p, hits) in [("2003", [(25, 2), (0, 0)]), ("2010", [(5, 1), (3, 1)])] {
            let mut c = PeriodCounts {
                docs: 2,
                tokens: if p == "2003" { 2000 } else { 1000 },
                ..Default::default()
            };
            for (h, d) in hits {
                let mut t = ThemeCount {
                    hits: h,
                    docs: d,
                    ..ThemeCount::new(2, 0)
                };
                if h > 0 {
                    t.words[0].insert("centre".into(), h - 1);
                    t.words[1].insert("top tables".into(), 1);
                }
                c.themes.push(t);
            }
            counts.periods.insert(p.into(), c);
        }
        (counts, lexicon)
    }

    #[test]
    fn shift_uses_the_same_statistics_as_keyness() {
        let (counts, lexicon) = corpus();
        let cmp = [Comparison {
            a: "2003".into(),
            b: "2010".into(),
        }];
        let df = theme_shift(&counts, &lexicon, &cmp).unwrap();
        let themes = crate::measure::texts(&df, "theme");
        assert_eq!(themes, ["zeta", "alpha"], "lexicon order");
        let g2: Vec<_> = df
            .column("g2")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert!((g2[0] + 4.2635527839590095).abs() < 1e-9, "{g2:?}");
        let change = crate::measure::texts(&df, "change");
        assert_eq!(change[0], "fell");
        let rate: Vec<_> = df
            .column("per_10k_a")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(rate[0], 125.0);
    }

    #[test]
    fn per_period_table_and_words() {
        let (counts, lexicon) = corpus();
        let df = themes_table(&counts, &lexicon).unwrap();
        assert_eq!(df.height(), 4);
        let rate: Vec<_> = df
            .column("per_10k")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(rate, [125.0, 50.0, 0.0, 30.0]);
        let words = theme_terms(&counts, &lexicon, &FxHashMap::default()).unwrap();
        let w = crate::measure::texts(&words, "word");
        assert_eq!(
            w,
            [
                "centre",
                "top tables",
                "centre",
                "top tables",
                "centre",
                "top tables"
            ]
        );
        let patterns = crate::measure::texts(&words, "pattern");
        assert_eq!(patterns[..2], ["centre", "top table"], "as written");
    }

    /// The forms of one term (the same stems) are one row, labelled with the form written
    /// most often, its count theirs together.
    #[test]
    fn the_forms_of_one_term_are_one_row() {
        let (mut counts, lexicon) = corpus();
        let tally = &mut counts.periods.get_mut("2010").unwrap().themes[0].words[1];
        tally.insert("top table".into(), 2);
        tally.insert("Top Tables".into(), 1);
        let tokeniser = crate::lexicon::tests::english();
        let keys = word_keys(&counts, &tokeniser);
        assert_eq!(keys["Top Tables"], "top tabl");
        assert_eq!(keys["top tables"], keys["top table"]);
        let words = theme_terms(&counts, &lexicon, &keys).unwrap();
        let w = crate::measure::texts(&words, "word");
        let (theme, period) = (
            crate::measure::texts(&words, "theme"),
            crate::measure::texts(&words, "period"),
        );
        let count = words.column("count").unwrap().u64().unwrap();
        let rows: Vec<(String, String, String, u64)> = (0..words.height())
            .map(|i| {
                let c = count.get(i).unwrap();
                (theme[i].clone(), period[i].clone(), w[i].clone(), c)
            })
            .filter(|r| r.0 == "zeta")
            .collect();
        // 2003: top tables 1; 2010: top tables 1, top table 2, Top Tables 1: "top table" in
        // all 2 against "top tables" 3 (case aside), so "top tables" labels the term.
        assert_eq!(
            rows,
            [
                ("zeta".into(), "2003".into(), "centre".into(), 24),
                ("zeta".into(), "2003".into(), "top tables".into(), 1),
                ("zeta".into(), "2010".into(), "centre".into(), 4),
                ("zeta".into(), "2010".into(), "top tables".into(), 4),
            ]
        );
    }

    #[test]
    fn a_pattern_that_counted_nothing_in_any_period_is_named() {
        let (mut counts, mut lexicon) = corpus();
        // "alpha" had no hits in 2003 and only "centre" and "top table" in 2010; give it a
        // third pattern and an exclusion, of which only the exclusion occurred.
        lexicon.themes[1].patterns.push(Pattern::new(
            "locl".into(),
            vec![Element::Stem("locl".into())],
        ));
        lexicon.themes[1]
            .exclude
            .push(Pattern::new("audit commission".into(), vec![]));
        lexicon.themes[0]
            .exclude
            .push(Pattern::new("healthcare commission".into(), vec![]));
        counts.periods.get_mut("2010").unwrap().themes[1].excluded = vec![2];
        assert_eq!(
            unmatched_patterns(&counts, &lexicon),
            [
                (
                    "zeta".to_string(),
                    vec!["exclude 'healthcare commission'".to_string()]
                ),
                ("alpha".to_string(), vec!["'locl'".to_string()])
            ]
        );
    }
}
