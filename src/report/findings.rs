//! The findings: what changed between the main comparison's periods, in plain sentences a
//! reader can paste into a report. They open the terminal summary and report.html, and are
//! written alone as findings.md. Each number is one that theme_shift.csv or keyness.csv
//! holds (a rate to one decimal, a Log Ratio to two, an adjusted p as [`pvalue::short`]
//! writes it), and each verdict follows their rule: `rose` and `fell` mean an adjusted p
//! below [`ALPHA`]; a change the documents do not bear out carries the caveat that
//! theme_shift.csv's `evidence` gives it.

use std::fmt::Write as _;

use super::charts::KeyLine;
use super::pvalue;
use super::summary::{ShiftLine, Summary};
use crate::measure::by_document::{DISAGREE, DOCUMENTS_ONLY, WORDS_ONLY, WORDS_UNTESTED};
use crate::measure::{Comparison, ALPHA};

/// Key terms named each way.
pub(crate) const KEY_TERMS_NAMED: usize = 3;

/// A rate per 10,000 words as the findings write it: one decimal, two below 0.1 so that a
/// rare term's rate is not written 0.0 when it is not zero.
pub(crate) fn rate(r: f64) -> String {
    if r > 0.0 && r < 0.1 {
        format!("{r:.2}")
    } else {
        format!("{r:.1}")
    }
}

/// The findings of `s`, one sentence (or two, with a caveat) per item: each theme with a
/// significant change, the themes without one, and the strongest key terms each way; or why
/// there is nothing to compare.
pub(crate) fn sentences(s: &Summary) -> Vec<String> {
    let Some(cmp) = &s.main else {
        let why = s.no_comparison.as_deref().unwrap_or("only one period");
        return vec![format!("No comparison was made: {why}.")];
    };
    // Over many periods, each theme's whole course comes first: the main comparison's two
    // periods may be before a theme arrived and after it faded.
    let mut course = super::course_findings::sentences(&s.courses);
    let docs = |period: &str| {
        (s.periods.iter())
            .find(|p| p.0 == period)
            .map_or(0, |p| p.1)
    };
    let mut out: Vec<String> = (s.theme_shift.iter())
        .filter(|l| l.change == "rose" || l.change == "fell")
        .map(|l| changed(l, cmp, (docs(&cmp.a), docs(&cmp.b))))
        .collect();
    let unchanged: Vec<&ShiftLine> = (s.theme_shift.iter())
        .filter(|l| l.change != "rose" && l.change != "fell")
        .collect();
    if !unchanged.is_empty() {
        out.push(steady(&unchanged, cmp, s.theme_shift.len()));
    }
    if s.lexicon.is_none() {
        out.push(
            "No theme was measured: the run had no lexicon (a themes.toml in the input \
             folder, or --themes FILE)."
                .to_string(),
        );
    }
    out.push(key_terms(s, cmp));
    course.extend(out);
    course
}

/// The sentence for a theme whose rate rose or fell: both rates, the periods, the adjusted
/// p, the documents it occurs in each period (`docs`: the periods' documents), and the
/// caveat its evidence calls for.
fn changed(l: &ShiftLine, cmp: &Comparison, docs: (u64, u64)) -> String {
    let mut s = format!(
        "Mentions of {} {} from {} to {} per 10,000 words between {} and {} (Log Ratio \
         {:+.2}, adjusted p = {}); the theme occurs in {} of {} documents of {} and {} of {} \
         of {}.",
        l.theme,
        l.change,
        rate(l.per_10k_a),
        rate(l.per_10k_b),
        cmp.a,
        cmp.b,
        l.log_ratio,
        pvalue::short(l.p_adjusted),
        l.docs_a,
        docs.0,
        cmp.a,
        l.docs_b,
        docs.1,
        cmp.b,
    );
    let caveat = match l.evidence.as_str() {
        e if e == WORDS_ONLY => "Caveat: the change rests on few documents; each document's \
                                 own rate does not show it (the document-level test finds no \
                                 change)."
            .to_string(),
        e if e == WORDS_UNTESTED => format!(
            "Caveat: {} has {} document(s) and {} {}, too few to test each document's own \
             rate, so this rests on word counts alone and may be one document's language \
             rather than the period's.",
            cmp.a, docs.0, cmp.b, docs.1
        ),
        e if e == DISAGREE => {
            "Caveat: each document's own rate points the other way (the document-level test)."
                .to_string()
        }
        _ => String::new(),
    };
    if !caveat.is_empty() {
        s.push(' ');
        s.push_str(&caveat);
    }
    s
}

/// The sentence for the themes with no significant change (`of` themes in all).
fn steady(lines: &[&ShiftLine], cmp: &Comparison, of: usize) -> String {
    let names: Vec<&str> = lines.iter().map(|l| l.theme.as_str()).collect();
    let which = if lines.len() == of && of > 1 {
        format!("any of the {of} themes ({})", and_list(&names))
    } else {
        and_list(&names)
    };
    let mut s = format!(
        "No significant change in {which} between {} and {} (adjusted p of {} or more{}).",
        cmp.a,
        cmp.b,
        ALPHA,
        if lines.len() > 1 { " for each" } else { "" }
    );
    let by_documents: Vec<&str> = (lines.iter())
        .filter(|l| l.evidence == DOCUMENTS_ONLY)
        .map(|l| l.theme.as_str())
        .collect();
    if !by_documents.is_empty() {
        let _ = write!(
            s,
            " The document-level test alone finds a change in {}.",
            and_list(&by_documents)
        );
    }
    s
}

/// The sentence naming the strongest key terms each way, with their rates, and how many of
/// them are significant.
fn key_terms(s: &Summary, cmp: &Comparison) -> String {
    let named = |terms: &[KeyLine]| -> String {
        let items: Vec<String> = (terms.iter().take(KEY_TERMS_NAMED))
            .map(|t| {
                format!(
                    "{} ({} to {})",
                    t.word,
                    rate(t.per_10k_a),
                    rate(t.per_10k_b)
                )
            })
            .collect();
        if items.is_empty() {
            "none".to_string()
        } else {
            and_list(&items)
        }
    };
    let mut out = format!(
        "The terms most characteristic of {} against {} are {}; of {}, {} (rates per 10,000 \
         words, {} to {}).",
        cmp.b,
        cmp.a,
        named(&s.key_b),
        cmp.a,
        named(&s.key_a),
        cmp.a,
        cmp.b
    );
    let shown: Vec<&KeyLine> = (s.key_b.iter().take(KEY_TERMS_NAMED))
        .chain(s.key_a.iter().take(KEY_TERMS_NAMED))
        .collect();
    let significant = shown.iter().filter(|t| t.p_adjusted < ALPHA).count();
    if shown.is_empty() {
    } else if significant == 0 {
        let _ = write!(
            out,
            " None of them is significant once the number of terms tested is allowed for \
             (adjusted p of {ALPHA} or more): read them as leads to check, not as results."
        );
    } else if significant == shown.len() {
        let _ = write!(out, " Each is significant (adjusted p below {ALPHA}).");
    } else {
        let _ = write!(
            out,
            " {significant} of these {} are significant (adjusted p below {ALPHA}).",
            shown.len()
        );
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// findings.md: a title, where the numbers come from, the sentences as a list, and what the
/// terms mean. Names from the documents are escaped so that Markdown shows them as written.
pub(crate) fn markdown(s: &Summary, sentences: &[String]) -> String {
    let mut md = String::new();
    let title = match &s.main {
        Some(c) => format!("Findings: {} to {}", c.a, c.b),
        None => "Findings".to_string(),
    };
    let words: u64 = s.periods.iter().map(|p| p.2).sum();
    let _ = writeln!(md, "# {}\n", super::markdown::escape(&title));
    let _ = writeln!(
        md,
        "{} documents, {} words in {} period(s). The numbers are those of {}theme_shift.csv \
         and keyness.csv, beside this file; README.md says how each is computed.\n",
        super::summary::grouped(s.documents as u64),
        super::summary::grouped(words),
        s.periods.len(),
        if s.courses.is_empty() {
            ""
        } else {
            "theme_course.csv, "
        }
    );
    for sentence in sentences {
        let _ = writeln!(md, "- {}", super::markdown::escape(sentence));
    }
    let _ = writeln!(
        md,
        "\nRates are per 10,000 words of each period. \"Adjusted p\" is the p-value of the \
         log-likelihood test (G², 1 degree of freedom) adjusted by Benjamini–Hochberg for the \
         number of themes, or of terms, tested; a change is called significant below {ALPHA}. \
         The Log Ratio is log2 of the later rate over the earlier (+1: twice as frequent)."
    );
    md
}

/// `text` broken into lines of at most `width` characters (a word longer than that on its
/// own line), each after `indent`, the first after `first`.
pub(crate) fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::from(first);
    let mut line = first.chars().count();
    let mut fresh = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = word.chars().count();
        if !fresh && line + 1 + len > width {
            out.push('\n');
            out.push_str(indent);
            line = indent.chars().count();
            fresh = true;
        }
        if !fresh {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
        fresh = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(theme: &str, change: &str, evidence: &str) -> ShiftLine {
        ShiftLine {
            theme: theme.into(),
            per_10k_a: 12.345,
            per_10k_b: 0.04,
            log_ratio: -8.2,
            p_adjusted: 1.23e-5,
            change: change.into(),
            evidence: evidence.into(),
            docs_a: 14,
            docs_b: 1,
        }
    }

    fn summary() -> Summary {
        Summary {
            documents: 60,
            periods: vec![("2008".into(), 20, 9000), ("2021".into(), 40, 15000)],
            main: Some(Comparison {
                a: "2008".into(),
                b: "2021".into(),
            }),
            lexicon: Some("themes.toml".into()),
            theme_shift: vec![
                line("systemd", "fell", WORDS_ONLY),
                line("init", "no significant change", DOCUMENTS_ONLY),
                line("sysv", "no significant change", "neither"),
            ],
            ..Summary::default()
        }
    }

    #[test]
    fn a_significant_change_is_one_sentence_with_its_numbers_and_caveat() {
        let s = sentences(&summary());
        assert_eq!(
            s[0],
            "Mentions of systemd fell from 12.3 to 0.04 per 10,000 words between 2008 and 2021 \
             (Log Ratio -8.20, adjusted p = 1.2e-5); the theme occurs in 14 of 20 documents of \
             2008 and 1 of 40 of 2021. Caveat: the change rests on few \
             documents; each document's own rate does not show it (the document-level test \
             finds no change)."
        );
        assert_eq!(
            s[1],
            "No significant change in init and sysv between 2008 and 2021 (adjusted p of 0.05 \
             or more for each). The document-level test alone finds a change in init."
        );
        assert_eq!(
            s[2],
            "The terms most characteristic of 2021 against 2008 are none; of 2008, none (rates \
             per 10,000 words, 2008 to 2021)."
        );
    }

    #[test]
    fn key_terms_are_named_with_their_rates_and_significance() {
        let term = |word: &str, p: f64| KeyLine {
            per_10k_a: 0.0,
            per_10k_b: 110.6195,
            ..KeyLine::example(word, 10.0, 1.0, p)
        };
        let mut s = summary();
        s.theme_shift.clear();
        s.lexicon = None;
        s.key_b = vec![term("clinical commissioning", 0.01), term("QIPP", 0.2)];
        s.key_a = vec![term("SHAs", 0.3)];
        let got = sentences(&s);
        assert_eq!(
            got[0],
            "No theme was measured: the run had no lexicon (a themes.toml in the input folder, \
             or --themes FILE)."
        );
        assert_eq!(
            got[1],
            "The terms most characteristic of 2021 against 2008 are clinical commissioning (0.0 \
             to 110.6) and QIPP (0.0 to 110.6); of 2008, SHAs (0.0 to 110.6) (rates per 10,000 \
             words, 2008 to 2021). 1 of these 3 are significant (adjusted p below 0.05)."
        );
        s.key_a[0].p_adjusted = 0.01;
        s.key_b[1].p_adjusted = 0.01;
        assert!(sentences(&s)[1].ends_with(" Each is significant (adjusted p below 0.05)."));
    }

    #[test]
    fn one_period_says_why_and_markdown_escapes_names() {
        let s = Summary {
            no_comparison: Some("only one period (2010)".into()),
            ..Summary::default()
        };
        assert_eq!(
            sentences(&s),
            ["No comparison was made: only one period (2010)."]
        );
        let md = markdown(&s, &["a *b* [c](d) <e>".to_string()]);
        assert!(md.contains("- a \\*b\\* [c\\](d) \\<e>\n"), "{md}");
    }

    #[test]
    fn wrap_keeps_lines_within_the_width() {
        let text = "one two three four five six seven eight nine ten";
        let w = wrap(text, 14, "- ", "  ");
        assert_eq!(
            w,
            "- one two\n  three four\n  five six\n  seven eight\n  nine ten"
        );
        assert!(w.lines().all(|l| l.chars().count() <= 14));
    }
}
