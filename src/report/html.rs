//! `report.html`: one self-contained page a reader can open from the output folder, with no
//! network and no script: the run in numbers, the theme shift table, the key terms each way
//! with a few concordance lines each (the sentences behind the numbers), every chart embedded
//! as a data URI, warnings, and links to every file written. Deterministic: the same run gives
//! the same bytes.

use std::fmt::Write as _;

use anyhow::Result;
use base64::Engine as _;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use polars::prelude::DataFrame;

use super::summary::Summary;
use super::{floats, strings};
use crate::count::KwicLine;
use crate::measure::{Comparison, ALPHA};

/// Key terms listed each way.
pub const REPORT_TERMS: usize = 12;

/// A key term's row in the report, with its concordance lines.
#[derive(Debug, Clone)]
pub struct KeyRow {
    /// The stem (or stems of a phrase), as in keyness.csv.
    pub term: String,
    pub word: String,
    pub g2: f64,
    pub log_ratio: f64,
    pub log_ratio_low: f64,
    pub log_ratio_high: f64,
    pub p_adjusted: f64,
    /// Documents containing it in the period it is key for.
    pub docs: u64,
    pub single_doc: bool,
    pub lines: Vec<KwicLine>,
}

/// The most key terms each way for `cmp` from keyness.csv's table: (toward B, toward A),
/// strongest first, without concordance lines yet.
pub fn key_rows(keyness: &DataFrame, cmp: &Comparison) -> Result<(Vec<KeyRow>, Vec<KeyRow>)> {
    let df = super::figures::rows_of(keyness, cmp)?;
    let (term, word) = (strings(&df, "term")?, strings(&df, "word")?);
    let (g2, lr, low, high, padj) = (
        floats(&df, "g2")?,
        floats(&df, "log_ratio")?,
        floats(&df, "log_ratio_low")?,
        floats(&df, "log_ratio_high")?,
        floats(&df, "p_adjusted")?,
    );
    let (docs_a, docs_b) = (floats(&df, "docs_a")?, floats(&df, "docs_b")?);
    let single = df
        .column("single_doc")?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect::<Vec<bool>>();
    let row = |i: usize| KeyRow {
        term: term[i].clone(),
        word: word[i].clone(),
        g2: g2[i],
        log_ratio: lr[i],
        log_ratio_low: low[i],
        log_ratio_high: high[i],
        p_adjusted: padj[i],
        docs: if g2[i] > 0.0 { docs_b[i] } else { docs_a[i] } as u64,
        single_doc: single[i],
        lines: Vec::new(),
    };
    // keyness.csv is sorted by signed G²: B's terms first, A's last.
    let toward_b = (0..df.height())
        .filter(|&i| g2[i] > 0.0)
        .take(REPORT_TERMS)
        .map(row)
        .collect();
    let toward_a = (0..df.height())
        .rev()
        .filter(|&i| g2[i] < 0.0)
        .take(REPORT_TERMS)
        .map(row)
        .collect();
    Ok((toward_b, toward_a))
}

/// Everything on the page.
pub struct Page<'a> {
    pub summary: &'a Summary,
    pub input: &'a str,
    /// Key terms toward B and toward A, with their concordance lines.
    pub key_b: &'a [KeyRow],
    pub key_a: &'a [KeyRow],
    /// (file name, PNG bytes) of every chart.
    pub charts: &'a [(&'static str, Vec<u8>)],
    /// Every file the run writes, relative to the output folder.
    pub files: &'a [String],
}

const STYLE: &str = "
body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#4d4d4d;margin-top:0}
table{border-collapse:collapse;margin:.8em 0}th,td{padding:.3em .7em;text-align:right;border-bottom:1px solid #e3e3e3}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}
.rose{color:#0072B2;font-weight:bold}.fell{color:#D55E00;font-weight:bold}.flat{color:#4d4d4d}
img{max-width:100%;height:auto;border:1px solid #eee;margin:.6em 0}
.cols{display:flex;gap:2em;flex-wrap:wrap}.cols>div{flex:1 1 480px;min-width:0}
.term{margin:1em 0 .3em}.term b{font-size:1.1em}.stat{color:#4d4d4d;font-size:.9em}
.kwic{font-size:.88em;margin:.15em 0 .15em 1em;color:#333}.kwic mark{background:#fff2b3;padding:0 .15em}
.kwic .doc{color:#777;font-size:.85em}.warn{color:#8a4b00}
footer{margin-top:3em;color:#777;font-size:.85em}
";

/// The page's HTML: its sections in reading order.
pub fn render(page: &Page) -> Result<String> {
    let s = page.summary;
    let mut h = String::new();
    head(&mut h, s, page.input)?;
    periods(&mut h, s)?;
    themes(&mut h, s, page.charts)?;
    if let Some(c) = &s.main {
        key_terms(&mut h, c, page)?;
    }
    h.push_str("<h2>Most frequent terms</h2>\n");
    image(&mut h, page.charts, "top_terms.png")?;
    warnings(&mut h, s)?;
    files_and_footer(&mut h, page.files)?;
    Ok(h)
}

/// The document head, title, the run in one sentence, and the notes a reader must see first.
fn head(h: &mut String, s: &Summary, input: &str) -> Result<()> {
    let title = match &s.main {
        Some(c) => format!("How the language moved, {} to {}", c.a, c.b),
        None => "What the documents say, by period".to_string(),
    };
    let words: u64 = s.periods.iter().map(|p| p.2).sum();
    write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>themeshift: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{}</h1>\n<p class=\"sub\">{} documents ({} undated), {} words in {} period(s), \
         read from <code>{}</code>; {} file(s) skipped.</p>\n",
        esc(&title),
        esc(&title),
        s.documents,
        s.undated.len(),
        words,
        s.periods.len(),
        esc(input),
        s.skipped.len()
    )?;
    if let Some(reason) = &s.no_comparison {
        writeln!(
            h,
            "<p class=\"warn\">No comparison was made: {}.</p>",
            esc(reason)
        )?;
    }
    for line in s.small_period_lines() {
        writeln!(h, "<p class=\"warn\">Note: {}.</p>", esc(&line))?;
    }
    Ok(())
}

/// The periods table: documents and words in each.
fn periods(h: &mut String, s: &Summary) -> Result<()> {
    h.push_str(
        "<h2>Periods</h2>\n<table><tr><th>period</th><th>documents</th><th>words</th></tr>\n",
    );
    for (p, docs, tokens) in &s.periods {
        writeln!(
            h,
            "<tr><td>{}</td><td>{docs}</td><td>{tokens}</td></tr>",
            esc(p)
        )?;
    }
    h.push_str("</table>\n");
    Ok(())
}

/// The theme shift table and the theme charts; only the trend chart when there is no
/// comparison or no theme to shift.
fn themes(h: &mut String, s: &Summary, charts: &[(&'static str, Vec<u8>)]) -> Result<()> {
    let Some(c) = s.main.as_ref().filter(|_| !s.theme_shift.is_empty()) else {
        return image(h, charts, "theme_trend.png");
    };
    write!(
        h,
        "<h2>Themes</h2>\n<p>Each theme's rate per 10,000 words in {a} and {b}. \
         <em>rose</em> and <em>fell</em> mean p &lt; {ALPHA} (log-likelihood G², 1 df); \
         the Log Ratio is log2 of the rate in {b} over the rate in {a}.</p>\n\
         <table><tr><th>theme</th><th>{a}</th><th>{b}</th><th>Log Ratio</th><th>p</th><th>change</th></tr>\n",
        a = esc(&c.a),
        b = esc(&c.b)
    )?;
    for t in &s.theme_shift {
        let class = match t.change.as_str() {
            "rose" => "rose",
            "fell" => "fell",
            _ => "flat",
        };
        writeln!(
            h,
            "<tr><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{:+.2}</td><td>{}</td><td class=\"{class}\">{}</td></tr>",
            esc(&t.theme),
            t.per_10k_a,
            t.per_10k_b,
            t.log_ratio,
            super::pvalue::short(t.p_value),
            esc(&t.change)
        )?;
    }
    h.push_str("</table>\n");
    for chart in ["theme_shift.png", "theme_terms.png", "theme_trend.png"] {
        image(h, charts, chart)?;
    }
    Ok(())
}

/// The key terms of the main comparison, each way side by side, and the keyness chart.
fn key_terms(h: &mut String, c: &Comparison, page: &Page) -> Result<()> {
    write!(
        h,
        "<h2>Key terms</h2>\n<p>The terms most characteristic of each period by log-likelihood, \
         with the Log Ratio and its 95% interval, the Benjamini-Hochberg adjusted p-value, \
         and the documents they occur in; under each, the first sentences it comes from in \
         the period it is key to (up to three, in reading order).</p>\n<div class=\"cols\">\n"
    )?;
    for (period, rows) in [(&c.b, page.key_b), (&c.a, page.key_a)] {
        write!(h, "<div>\n<h3>More frequent in {}</h3>\n", esc(period))?;
        if rows.is_empty() {
            h.push_str("<p class=\"flat\">None.</p>\n");
        }
        for r in rows {
            key_term(h, r)?;
        }
        h.push_str("</div>\n");
    }
    h.push_str("</div>\n");
    image(h, page.charts, "keyness.png")
}

/// One key term: its statistics on a line, then its concordance lines.
fn key_term(h: &mut String, r: &KeyRow) -> Result<()> {
    writeln!(
        h,
        "<p class=\"term\"><b>{}</b> <span class=\"stat\">G² {:.1} · Log Ratio {:+.2} [{:+.2}, {:+.2}] · p<sub>adj</sub> {} · {} document(s){}</span></p>",
        esc(&r.word),
        r.g2.abs(),
        r.log_ratio,
        r.log_ratio_low,
        r.log_ratio_high,
        super::pvalue::short(r.p_adjusted),
        r.docs,
        if r.single_doc { " · <span class=\"warn\">all from one document</span>" } else { "" }
    )?;
    for l in &r.lines {
        writeln!(
            h,
            "<p class=\"kwic\">…{} <mark>{}</mark> {}… <span class=\"doc\">{}</span></p>",
            esc(&l.left),
            esc(&l.matched),
            esc(&l.right),
            esc(&l.doc)
        )?;
    }
    Ok(())
}

/// The warnings and the first skipped files, when there are any; the rest are in run.json,
/// so a run that skips thousands of files still gives a page one can read.
fn warnings(h: &mut String, s: &Summary) -> Result<()> {
    if s.warnings.is_empty() && s.skipped.is_empty() {
        return Ok(());
    }
    h.push_str("<h2>Warnings and skipped files</h2>\n<ul>\n");
    for w in &s.warnings {
        writeln!(h, "<li class=\"warn\">{}</li>", esc(w))?;
    }
    for k in s.skipped.iter().take(50) {
        writeln!(h, "<li>{}: {}</li>", esc(&k.path), esc(&k.reason))?;
    }
    if s.skipped.len() > 50 {
        writeln!(
            h,
            "<li>and {} more (see run.json)</li>",
            s.skipped.len() - 50
        )?;
    }
    h.push_str("</ul>\n");
    Ok(())
}

/// Links to every file written, the footer and the page's end.
fn files_and_footer(h: &mut String, files: &[String]) -> Result<()> {
    h.push_str("<h2>Files</h2>\n<ul>\n");
    for f in files {
        writeln!(h, "<li><a href=\"{}\">{}</a></li>", attr(f), esc(f))?;
    }
    write!(
        h,
        "</ul>\n<footer>Made by {} {}; the command line and settings are in run.json. Every \
         number above is in the CSV files; README.md explains each column and statistic.\
         </footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
    )?;
    Ok(())
}

/// An embedded chart, when the run drew it.
fn image(h: &mut String, charts: &[(&'static str, Vec<u8>)], name: &str) -> Result<()> {
    if let Some((_, png)) = charts.iter().find(|(n, _)| *n == name) {
        writeln!(
            h,
            "<p><img alt=\"{name}\" src=\"data:image/png;base64,{}\"></p>",
            base64::engine::general_purpose::STANDARD.encode(png)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summary::ShiftLine;

    #[test]
    fn text_from_documents_is_escaped_and_charts_embedded() {
        let summary = Summary {
            documents: 2,
            periods: vec![("2003".into(), 1, 100), ("2010".into(), 1, 120)],
            main: Some(Comparison {
                a: "2003".into(),
                b: "2010".into(),
            }),
            theme_shift: vec![ShiftLine {
                theme: "<script>".into(),
                per_10k_a: 1.0,
                per_10k_b: 2.0,
                log_ratio: 1.0,
                p_value: 0.01,
                change: "rose".into(),
            }],
            ..Summary::default()
        };
        let row = KeyRow {
            term: "qipp".into(),
            word: "qipp".into(),
            g2: 7.0,
            log_ratio: 2.0,
            log_ratio_low: 0.5,
            log_ratio_high: 3.5,
            p_adjusted: 0.02,
            docs: 1,
            single_doc: false,
            lines: vec![KwicLine {
                doc: "b.txt".into(),
                period: "2010".into(),
                theme: 0,
                pattern: 0,
                start: 3,
                left: "a & b".into(),
                matched: "QIPP".into(),
                right: "<i>".into(),
                key: 0,
            }],
        };
        let charts = vec![("keyness.png", vec![1u8, 2, 3])];
        let files = vec!["keyness.csv".to_string()];
        let html = render(&Page {
            summary: &summary,
            input: "in",
            key_b: &[row],
            key_a: &[],
            charts: &charts,
            files: &files,
        })
        .unwrap();
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
        assert!(html.contains("a &amp; b <mark>QIPP</mark> &lt;i&gt;"));
        assert!(html.contains("src=\"data:image/png;base64,AQID\""));
        assert!(html.contains("<a href=\"keyness.csv\">"));
        assert!(html.contains("class=\"rose\">rose<"));
    }

    #[test]
    fn a_comparison_with_a_period_of_very_few_words_says_so() {
        let cmp = Comparison {
            a: "2003".into(),
            b: "2099".into(),
        };
        let summary = Summary {
            documents: 3,
            periods: vec![
                ("2003".into(), 1, 472),
                ("2010".into(), 1, 452),
                ("2099".into(), 1, 5),
            ],
            main: Some(cmp.clone()),
            comparisons: vec![cmp],
            small_periods: crate::measure::SmallPeriods {
                rule: "fewer than 100 words".into(),
                periods: vec![crate::measure::SmallPeriod {
                    period: "2099".into(),
                    word_tokens: 5,
                }],
                left_out: vec!["2099".into()],
            },
            ..Summary::default()
        };
        let html = render(&Page {
            summary: &summary,
            input: "in",
            key_b: &[],
            key_a: &[],
            charts: &[],
            files: &[],
        })
        .unwrap();
        assert!(
            html.contains("left out of the comparisons made by default")
                && html.contains("2099 (5 words)"),
            "{html}"
        );
        assert!(html.contains("involve a period of very few words"));
        assert!(
            html.contains("2003 -&gt; 2099 (2099 has 5 words)"),
            "{html}"
        );
        let text = summary.render();
        assert!(text.contains("2003 -> 2099 (2099 has 5 words)"), "{text}");
    }
}
