//! `report.html`: one self-contained page a reader can open from the output folder, with no
//! network and no script: the run in numbers, the theme shift table, the key terms each way
//! with a few concordance lines each (the sentences behind the numbers), every chart embedded
//! as a data URI, warnings, and links to every file written. Deterministic: the same run gives
//! the same bytes.

use std::fmt::Write as _;

use anyhow::Result;
use base64::Engine as _;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};

use super::summary::{Summary, PERIODS_LISTED};
use crate::count::KwicLine;
use crate::measure::key_lists::KeyLine;
use crate::measure::{Comparison, ALPHA};

/// Key terms listed each way.
pub(crate) const REPORT_TERMS: usize = 12;

/// A key term on the page: measure's row (read through [`KeyRow::key`], or directly, as the
/// row derefs to it) and the concordance lines the report's pass found for it.
#[derive(Debug, Clone)]
pub(crate) struct KeyRow {
    pub(crate) key: KeyLine,
    pub(crate) lines: Vec<KwicLine>,
}

impl std::ops::Deref for KeyRow {
    type Target = KeyLine;

    fn deref(&self) -> &KeyLine {
        &self.key
    }
}

/// The main comparison's most key terms each way: (toward B, toward A), strongest first,
/// without concordance lines yet.
pub(crate) fn key_rows(tables: &crate::measure::Tables) -> Result<(Vec<KeyRow>, Vec<KeyRow>)> {
    let lists = tables.main_key_lists(REPORT_TERMS)?;
    let row = |key: KeyLine| KeyRow {
        key,
        lines: Vec::new(),
    };
    Ok((
        lists.toward_b.into_iter().map(row).collect(),
        lists.toward_a.into_iter().map(row).collect(),
    ))
}

/// Everything on the page.
pub(crate) struct Page<'a> {
    pub(crate) summary: &'a Summary,
    pub(crate) input: &'a str,
    /// Key terms toward B and toward A, with their concordance lines.
    pub(crate) key_b: &'a [KeyRow],
    pub(crate) key_a: &'a [KeyRow],
    /// (file name, PNG bytes) of every chart.
    pub(crate) charts: &'a [(&'static str, Vec<u8>)],
    /// Every file the run writes, relative to the output folder.
    pub(crate) files: &'a [String],
}

impl<'a> Page<'a> {
    /// A page with the summary alone: no key terms, charts or files (for tests).
    #[cfg(test)]
    pub(crate) fn bare(summary: &'a Summary) -> Page<'a> {
        Page {
            summary,
            input: "in",
            key_b: &[],
            key_a: &[],
            charts: &[],
            files: &[],
        }
    }
}

/// Text colours all have a contrast of at least 4.5:1 on their background (WCAG AA). On a
/// narrow screen a table scrolls inside its own box with its first column held in view, and a
/// chart keeps most of its size (its text stays readable) and scrolls sideways.
const STYLE: &str = "
body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#4d4d4d;margin-top:0}
.scroll{overflow-x:auto;max-width:100%}.shift td:nth-child(2){text-align:left}
table{border-collapse:collapse;margin:.8em 0}th,td{padding:.3em .7em;text-align:right;border-bottom:1px solid #e3e3e3}
th:first-child,td:first-child{text-align:left;position:sticky;left:0;background:#fff}th{background:#f4f4f4}
th:first-child{background:#f4f4f4}
.rose{color:#0072B2;font-weight:bold}.fell{color:#B34F00;font-weight:bold}.flat{color:#4d4d4d}
figure{margin:.8em 0}figcaption{color:#4d4d4d;font-size:.9em}
.chart{overflow-x:auto;max-width:100%}.chart img{display:block;max-width:100%;height:auto;border:1px solid #eee}
.cols{display:flex;gap:2em;flex-wrap:wrap}.cols>div{flex:1 1 480px;min-width:0}
.term{margin:1em 0 .3em}.term b{font-size:1.1em}.stat{color:#4d4d4d;font-size:.9em}
.kwic{font-size:.88em;margin:.15em 0 .15em 1em;color:#333}.kwic mark{background:#fff2b3;padding:0 .15em}
.kwic .doc{color:#595959;font-size:.85em}.warn{color:#8a4b00}
footer{margin-top:3em;color:#595959;font-size:.85em}
@media (max-width:600px){body{padding:0 .5em}th,td{padding:.25em .4em}}
";

/// The page's HTML: its sections in reading order.
pub(crate) fn render(page: &Page) -> Result<String> {
    let s = page.summary;
    let mut h = String::new();
    head(&mut h, s, page.input)?;
    findings(&mut h, s)?;
    periods(&mut h, s)?;
    themes(&mut h, s, page.charts)?;
    if let Some(c) = &s.main {
        key_terms(&mut h, c, page)?;
    }
    h.push_str(
        "<h2>Most frequent terms</h2>\n<p>Each period's most frequent terms. A term that \
         occurs mostly inside a longer phrase of the list (more than 80% of its occurrences) \
         gives way to that phrase; term_frequencies.csv keeps every term.</p>\n",
    );
    image(&mut h, page.charts, "top_terms.png", s)?;
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
        super::summary::grouped(s.documents as u64),
        s.undated.len(),
        super::summary::grouped(words),
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
    for line in s.doc_test_lines() {
        writeln!(h, "<p class=\"warn\">Note: {}.</p>", esc(&line))?;
    }
    Ok(())
}

/// The findings, the first thing the page says ([`crate::report::findings`]).
fn findings(h: &mut String, s: &Summary) -> Result<()> {
    if s.findings.is_empty() {
        return Ok(());
    }
    h.push_str("<h2>Findings</h2>\n<ul class=\"findings\">\n");
    for f in &s.findings {
        writeln!(h, "<li>{}</li>", esc(f))?;
    }
    h.push_str(
        "</ul>\n<p class=\"stat\">Rates per 10,000 words; adjusted p: Benjamini–Hochberg over \
         the themes or terms tested. The same sentences are in findings.md.</p>\n",
    );
    Ok(())
}

/// The periods table: documents and words in each; folded away behind a one-line summary
/// when there are more than [`PERIODS_LISTED`].
fn periods(h: &mut String, s: &Summary) -> Result<()> {
    h.push_str("<h2>Periods</h2>\n");
    let folded = s.periods.len() > PERIODS_LISTED;
    if folded {
        writeln!(
            h,
            "<details><summary>{}: show the table</summary>",
            esc(&s.periods_in_brief())
        )?;
    }
    h.push_str(
        "<div class=\"scroll\"><table><tr><th scope=\"col\">period</th>\
         <th scope=\"col\">documents</th><th scope=\"col\">words</th></tr>\n",
    );
    for (p, docs, tokens) in &s.periods {
        writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{docs}</td><td>{tokens}</td></tr>",
            esc(p)
        )?;
    }
    h.push_str("</table></div>\n");
    if folded {
        h.push_str("</details>\n");
    }
    Ok(())
}

/// The theme shift table and the theme charts; only the trend chart when there is no
/// comparison or no theme to shift.
fn themes(h: &mut String, s: &Summary, charts: &[(&'static str, Vec<u8>)]) -> Result<()> {
    let Some(c) = s.main.as_ref().filter(|_| !s.theme_shift.is_empty()) else {
        return image(h, charts, "theme_trend.png", s);
    };
    write!(
        h,
        "<h2>Themes</h2>\n<p>Each theme's rate per 10,000 words in {a} and {b}. \
         <em>rose</em> and <em>fell</em> mean an adjusted p &lt; {ALPHA} (log-likelihood G², \
         1 df; p adjusted by Benjamini–Hochberg over the themes): the one rule of the tables, \
         the charts and this page. The Log Ratio is log2 of the rate in {b} over the rate in \
         {a}. <em>How broad</em> says whether the change is also seen across the documents of \
         each period (Welch's t-test on each document's rate, by the same rule), or rests on a \
         few documents that use the theme's words heavily.</p>\n\
         <div class=\"scroll\"><table class=\"shift\"><tr><th scope=\"col\">theme</th>\
         <th scope=\"col\">change</th><th scope=\"col\">{a}</th><th scope=\"col\">{b}</th>\
         <th scope=\"col\">Log Ratio</th><th scope=\"col\">p adj</th>\
         <th scope=\"col\">how broad</th></tr>\n",
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
            "<tr><th scope=\"row\">{}</th><td class=\"{class}\">{}</td><td>{:.1}</td><td>{:.1}</td><td>{:+.2}</td><td>{}</td><td>{}</td></tr>",
            esc(&t.theme),
            esc(&t.change),
            t.per_10k_a,
            t.per_10k_b,
            t.log_ratio,
            p_cell(t.p_adjusted),
            esc(evidence_in_words(&t.evidence))
        )?;
    }
    h.push_str("</table></div>\n");
    for chart in ["theme_shift.png", "theme_terms.png", "theme_trend.png"] {
        image(h, charts, chart, s)?;
    }
    Ok(())
}

/// theme_shift.csv's `evidence`, said for a reader who has not met the tests.
fn evidence_in_words(evidence: &str) -> &str {
    use crate::measure::by_document as doc;
    match evidence {
        doc::BOTH => "seen across many documents, not only in the word counts",
        doc::WORDS_ONLY => {
            "rests on a few documents: the word counts differ, but most documents do not"
        }
        doc::DOCUMENTS_ONLY => "seen across documents, though the word counts alone do not show it",
        doc::DISAGREE => {
            "the word counts and the documents point opposite ways: treat with caution"
        }
        doc::NEITHER => "no clear change",
        doc::WORDS_UNTESTED => "in the word counts; too few documents to check whether it is broad",
        doc::NEITHER_UNTESTED => "no clear change; too few documents to check across them",
        other => other,
    }
}

/// The key terms of the main comparison, each way side by side, and the keyness chart.
fn key_terms(h: &mut String, c: &Comparison, page: &Page) -> Result<()> {
    write!(
        h,
        "<h2>Key terms</h2>\n<p>The terms most characteristic of each period by log-likelihood, \
         with the Log Ratio and its 95% interval, the Benjamini-Hochberg adjusted p-value \
         (below {ALPHA}: significant, as the chart's full-colour bars), and the documents they \
         occur in; under each, the first sentences it comes from in the period it is key to \
         (up to three, in reading order). A term that occurs mostly inside a longer phrase \
         of the list gives way to it.</p>\n<div class=\"cols\">\n"
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
    image(h, page.charts, "keyness.png", page.summary)
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
        esc(&p_cell(r.p_adjusted)),
        r.docs(),
        if r.single_doc { " · <span class=\"warn\">all from one document</span>" } else { "" }
    )?;
    for l in &r.lines {
        // The text's own spacing: no space is put before `, the` or inside `top-down`.
        let gap = |spaced: bool| if spaced { " " } else { "" };
        writeln!(
            h,
            "<p class=\"kwic\">…{}{}<mark>{}</mark>{}{}… <span class=\"doc\">{}</span></p>",
            esc(&l.left),
            gap(l.spaced.0),
            esc(&l.matched),
            gap(l.spaced.1),
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

/// The least share of its own size a chart is shown at, in quarters: on a narrow screen it
/// keeps three quarters of its size (its text 12 px or more) and scrolls sideways, rather
/// than shrinking to unreadable text.
const CHART_MIN_QUARTERS: u32 = 3;

/// An embedded chart, when the run drew it: shown at its own size up to the page's width,
/// linked to its PNG file in the output folder (full size), with a text alternative that says
/// what it shows.
fn image(
    h: &mut String,
    charts: &[(&'static str, Vec<u8>)],
    name: &str,
    s: &Summary,
) -> Result<()> {
    let Some((_, png)) = charts.iter().find(|(n, _)| *n == name) else {
        return Ok(());
    };
    let (w, ht) = png_size(png);
    let alt = alt_text(name, s);
    writeln!(
        h,
        "<figure><div class=\"chart\"><a href=\"charts/{name}\"><img alt=\"{}\" width=\"{w}\" \
         height=\"{ht}\" style=\"min-width:{}px\" src=\"data:image/png;base64,{}\"></a></div>\
         <figcaption><a href=\"charts/{name}\">Open the chart at full size</a></figcaption></figure>",
        attr(&alt),
        w * CHART_MIN_QUARTERS / 4,
        base64::engine::general_purpose::STANDARD.encode(png),
    )?;
    Ok(())
}

/// Width and height of a PNG, from its header.
fn png_size(png: &[u8]) -> (u32, u32) {
    let at = |i: usize| {
        png.get(i..i + 4)
            .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    (at(16), at(20))
}

/// What chart `name` shows, in a sentence or two, for readers who cannot see it.
fn alt_text(name: &str, s: &Summary) -> String {
    let periods: Vec<&str> = s.periods.iter().map(|p| p.0.as_str()).collect();
    let (a, b) = s
        .main
        .as_ref()
        .map_or(("A", "B"), |c| (c.a.as_str(), c.b.as_str()));
    match name {
        "top_terms.png" => format!(
            "Bar charts, one per period ({}), of each period's most frequent terms per 10,000 \
             words; the numbers are in term_frequencies.csv.",
            periods.join(", ")
        ),
        "keyness.png" => format!(
            "Bar chart of the key terms of {b} against {a}: each term's Log Ratio, terms more \
             frequent in {b} to the right, in {a} to the left, lighter where the adjusted p is \
             0.05 or more; the numbers are in keyness.csv."
        ),
        "theme_shift.png" => {
            let verdicts: Vec<String> = s
                .theme_shift
                .iter()
                .map(|t| format!("{} {}", t.theme, t.change))
                .collect();
            format!(
                "Paired bars of each theme's rate per 10,000 words in {a} and {b}: {}; the \
                 numbers are in theme_shift.csv.",
                verdicts.join(", ")
            )
        }
        "theme_terms.png" => format!(
            "Bar charts, one per theme, of the matched words whose rate changed most from {a} \
             to {b}; the numbers are in theme_terms.csv."
        ),
        "theme_trend.png" => format!(
            "Line chart of each theme's rate per 10,000 words in every period ({}); the \
             numbers are in themes.csv.",
            periods.join(", ")
        ),
        other => other.to_string(),
    }
}

/// An adjusted p-value in a table cell, as the charts and tables write it
/// ([`crate::report::pvalue::short`]).
fn p_cell(p: f64) -> String {
    crate::report::pvalue::short(p)
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
            comparisons: vec![Comparison {
                a: "2003".into(),
                b: "2010".into(),
            }],
            theme_shift: vec![ShiftLine {
                evidence: crate::measure::by_document::WORDS_ONLY.into(),
                theme: "<script>".into(),
                per_10k_a: 1.0,
                per_10k_b: 2.0,
                log_ratio: 1.0,
                p_adjusted: 0.01,
                change: "rose".into(),
                docs_a: 1,
                docs_b: 3,
            }],
            ..Summary::default()
        };
        let row = KeyRow {
            key: KeyLine {
                docs_b: 1,
                log_ratio_low: 0.5,
                log_ratio_high: 3.5,
                ..KeyLine::example("qipp", 7.0, 2.0, 0.02)
            },
            lines: vec![KwicLine {
                doc: "b.txt".into(),
                period: "2010".into(),
                theme: 0,
                pattern: 0,
                start: 3,
                left: "a & b".into(),
                matched: "QIPP".into(),
                right: "<i>".into(),
                spaced: (true, true),
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
        // Linked to its file, described in words, not named.
        assert!(html.contains("<a href=\"charts/keyness.png\"><img alt=\"Bar chart of the key terms of 2010 against 2003"));
        // Both periods have one document.
        assert!(
            html.contains(
                "only the token-level test (G2) is possible in comparisons with 2003 (1 document)"
            ),
            "{html}"
        );
        assert!(html.contains("<th scope=\"col\">change</th>"));
        assert!(html.contains("<th scope=\"row\">&lt;script&gt;</th><td class=\"rose\">rose</td>"));
        assert!(html.contains("<a href=\"keyness.csv\">"));
        assert!(html.contains("class=\"rose\">rose<"));
        assert!(
            html.contains("<td>rests on a few documents: the word counts differ"),
            "the evidence in words: {html}"
        );
    }

    #[test]
    fn a_comparison_of_single_documents_says_only_the_token_level_test_is_possible() {
        let cmp = Comparison {
            a: "2003".into(),
            b: "2010".into(),
        };
        let summary = Summary {
            documents: 4,
            periods: vec![("2003".into(), 1, 472), ("2010".into(), 3, 452)],
            main: Some(cmp.clone()),
            comparisons: vec![cmp],
            ..Summary::default()
        };
        let page = Page::bare(&summary);
        let html = render(&page).unwrap();
        let said =
            "only the token-level test (G2) is possible in comparisons with 2003 (1 document):";
        assert!(html.contains(said), "{html}");
        assert!(summary.render().contains(said));
        let two = Summary {
            periods: vec![("2003".into(), 2, 472), ("2010".into(), 3, 452)],
            ..summary
        };
        assert!(two.doc_test_lines().is_empty());
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
        let html = render(&Page::bare(&summary)).unwrap();
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
