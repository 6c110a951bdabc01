//! The terminal summary: documents per period, words, the top key terms each way, the theme
//! shifts as a small table, what was skipped and why, and the files written; and
//! [`printable`], which everything printed on a terminal goes through.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::charts::KeyLine;
use crate::ingest::walk::Skipped;
use crate::measure::{Comparison, SmallPeriods};

/// Skipped files and undated documents named on the terminal; the rest are counted.
const LISTED: usize = 20;

/// What a run found and wrote; returned by [`crate::analyse`] and printed by the binary
/// ([`Summary::render`]).
#[derive(Debug, Default)]
pub struct Summary {
    /// Documents read.
    pub(crate) documents: usize,
    /// The documents with no date, by name.
    pub(crate) undated: Vec<String>,
    /// Files passed over, with the reason.
    pub(crate) skipped: Vec<Skipped>,
    /// What was odd about the documents, one line each (report.html and run.json).
    pub(crate) warnings: Vec<String>,
    /// The warnings as the terminal shows them (a long list cut to its first items).
    pub(crate) terminal_warnings: Vec<String>,
    /// Warnings the terminal shows as notes: about the lexicon, expected of one written for a
    /// larger corpus.
    pub(crate) terminal_notes: Vec<String>,
    /// What the run did differently from the flags' defaults, and why (not a warning: the
    /// results are sound).
    pub(crate) notes: Vec<String>,
    /// (period, documents, word tokens)
    pub(crate) periods: Vec<(String, u64, u64)>,
    /// The main comparison, when there is one.
    pub(crate) main: Option<Comparison>,
    /// Every comparison made, the main one first.
    pub(crate) comparisons: Vec<Comparison>,
    /// Periods too small to compare by default.
    pub(crate) small_periods: SmallPeriods,
    /// Why no comparison was made, when none was.
    pub(crate) no_comparison: Option<String>,
    /// The terms most key for B, strongest first.
    pub(crate) key_b: Vec<KeyLine>,
    /// The terms most key for A, strongest first.
    pub(crate) key_a: Vec<KeyLine>,
    /// The main comparison's theme shifts.
    pub(crate) theme_shift: Vec<ShiftLine>,
    /// Each theme's course over every period, when three or more are big enough to compare.
    pub(crate) courses: Vec<crate::measure::course::Course>,
    /// The findings in sentences ([`super::findings::sentences`]), once the rest is set.
    pub(crate) findings: Vec<String>,
    /// The theme lexicon read, when there was one.
    pub(crate) lexicon: Option<PathBuf>,
    /// The output folder.
    pub(crate) output: PathBuf,
    /// The files written, relative to the output folder.
    pub(crate) files: Vec<String>,
    /// Seconds spent in each stage, in run order.
    pub(crate) seconds: Vec<(&'static str, f64)>,
    /// Peak resident memory of the run (MB), where the system tells it.
    pub(crate) peak_memory_mb: Option<f64>,
    /// Bytes of the documents read: text files whole, the text cells of table rows.
    pub(crate) input_bytes: u64,
}

pub(crate) use crate::measure::themes::ShiftLine;

/// The width the terminal summary's long lines are wrapped to.
const WIDTH: usize = 100;

/// Appends a paragraph: a blank line, then `text` after `lead`, on one line (a note or a
/// warning is one line, for whoever searches the output for it).
fn say(s: &mut String, lead: &str, text: &str) {
    let _ = writeln!(s, "\n{lead}{text}");
}

/// Periods listed one a line, in the terminal and report.html; more are told in brief.
pub(crate) const PERIODS_LISTED: usize = 12;

impl Summary {
    /// What the summary and report.html say about small periods (`SmallPeriods`): which
    /// were left out of the default comparisons, and a caution for each comparison made that
    /// involves one (the main comparison first).
    pub(crate) fn small_period_lines(&self) -> Vec<String> {
        let small = &self.small_periods;
        let words = |p: &str| {
            small
                .periods
                .iter()
                .find(|s| s.period == p)
                .map_or(0, |s| s.word_tokens)
        };
        let mut lines = Vec::new();
        if !small.left_out.is_empty() {
            let named: Vec<String> = small
                .left_out
                .iter()
                .map(|p| format!("{p} ({} words)", words(p)))
                .collect();
            lines.push(format!(
                "{} period(s) too small to compare ({}) left out of the comparisons made by \
                 default (earliest against latest, and adjacent pairs): {}; --compare A,B \
                 compares any two periods",
                small.left_out.len(),
                small.rule,
                list(&named)
            ));
        }
        let involved: Vec<String> = self
            .comparisons
            .iter()
            .filter_map(|c| {
                let tiny = small.in_comparison(c);
                (!tiny.is_empty()).then(|| {
                    let named: Vec<String> = tiny
                        .iter()
                        .map(|s| format!("{} has {} words", s.period, s.word_tokens))
                        .collect();
                    format!("{} -> {} ({})", c.a, c.b, named.join(", "))
                })
            })
            .collect();
        if !involved.is_empty() {
            lines.push(format!(
                "{} comparison(s) involve a period of very few words ({}), so their key terms \
                 and theme shifts rest on a handful of occurrences; read them with care: {}",
                involved.len(),
                small.rule,
                list(&involved)
            ));
        }
        lines
    }

    /// Why the document-level tests could not be made, when a compared period has fewer
    /// than two documents (what the summary and report.html say; the columns are empty).
    pub(crate) fn doc_test_lines(&self) -> Vec<String> {
        let mut short: Vec<&(String, u64, u64)> = self
            .periods
            .iter()
            .filter(|(p, docs, _)| {
                *docs < 2 && self.comparisons.iter().any(|c| &c.a == p || &c.b == p)
            })
            .collect();
        short.sort();
        if short.is_empty() {
            return Vec::new();
        }
        let named: Vec<String> = short
            .iter()
            .map(|(p, docs, _)| {
                let s = if *docs == 1 { "" } else { "s" };
                format!("{p} ({docs} document{s})")
            })
            .collect();
        vec![format!(
            "only the token-level test (G2) is possible in comparisons with {}: the \
             document-level tests (Welch's t-test on each document's rate, the bootstrap over \
             documents) need at least two documents in each period, so p_doc, p_doc_adjusted \
             and the bootstrap interval (log_ratio_doc_low, log_ratio_doc_high) are empty there",
            list(&named)
        )]
    }
}

/// Number of key terms shown each way.
const KEY_TERMS_SHOWN: usize = 10;

impl Summary {
    /// The summary as text for the terminal.
    pub fn render(&self) -> String {
        let mut s = String::new();
        self.write_counts(&mut s);
        self.write_cautions(&mut s);
        if let Some(cmp) = &self.main {
            self.write_key_terms(&mut s, cmp);
            self.write_theme_shift(&mut s, cmp);
        }
        if self.lexicon.is_none() {
            let _ = writeln!(
                s,
                "\nNo theme lexicon: put a themes.toml in the input folder or pass --themes FILE."
            );
        }
        self.write_skipped(&mut s);
        self.write_undated(&mut s);
        for n in self.notes.iter().chain(&self.terminal_notes) {
            say(&mut s, "Note: ", &format!("{}.", printable(n)));
        }
        for w in &self.terminal_warnings {
            say(&mut s, "Warning: ", &printable(w));
        }
        self.write_files(&mut s);
        self.write_timing(&mut s);
        s
    }

    /// The documents and words read, and the table of periods.
    fn write_counts(&self, s: &mut String) {
        let dated: u64 = self.periods.iter().map(|p| p.1).sum();
        let words: u64 = self.periods.iter().map(|p| p.2).sum();
        let _ = writeln!(
            s,
            "Read {} document(s): {} dated, {} words in dated documents.",
            grouped(self.documents as u64),
            grouped(dated),
            grouped(words)
        );
        self.write_findings(s);
        if self.periods.len() > PERIODS_LISTED {
            let _ = writeln!(s, "\n{}.", printable(&self.periods_in_brief()));
        } else if !self.periods.is_empty() {
            let _ = writeln!(s, "\n  {:<10} {:>9} {:>11}", "period", "documents", "words");
            for (p, d, w) in &self.periods {
                let (d, w) = (grouped(*d), grouped(*w));
                let _ = writeln!(s, "  {:<10} {d:>9} {w:>11}", printable(p));
            }
        }
    }

    /// The findings, as a list wrapped to the terminal's usual width.
    fn write_findings(&self, s: &mut String) {
        if self.findings.is_empty() {
            return;
        }
        let title = match &self.main {
            Some(c) => format!("Findings, {} -> {} (also in findings.md):", c.a, c.b),
            None => "Findings:".to_string(),
        };
        let _ = writeln!(s, "\n{}", printable(&title));
        for f in &self.findings {
            let _ = writeln!(
                s,
                "{}",
                super::findings::wrap(&printable(f), WIDTH, "- ", "  ")
            );
        }
    }

    /// The periods in one sentence, for a corpus of more than [`PERIODS_LISTED`]: how many,
    /// the first and last, and the range of their documents and words.
    pub(crate) fn periods_in_brief(&self) -> String {
        let (Some(first), Some(last)) = (self.periods.first(), self.periods.last()) else {
            return "No period".to_string();
        };
        let range = |f: fn(&(String, u64, u64)) -> u64| {
            let v = self.periods.iter().map(f);
            (v.clone().min().unwrap_or(0), v.max().unwrap_or(0))
        };
        let span = |(low, high): (u64, u64)| {
            if low == high {
                low.to_string()
            } else {
                format!("{low} to {high}")
            }
        };
        format!(
            "{} periods, {} to {}: {} documents and {} words each",
            self.periods.len(),
            first.0,
            last.0,
            span(range(|p| p.1)),
            span(range(|p| p.2))
        )
    }

    /// Why no comparison was made, and the notes on small periods.
    fn write_cautions(&self, s: &mut String) {
        if let Some(reason) = &self.no_comparison {
            say(s, "No comparison: ", &format!("{}.", printable(reason)));
        }
        for line in self.small_period_lines() {
            say(s, "Note: ", &format!("{}.", printable(&line)));
        }
        for line in self.doc_test_lines() {
            say(s, "Note: ", &format!("{}.", printable(&line)));
        }
    }

    /// The main comparison's first key terms each way, with their Log Ratios.
    fn write_key_terms(&self, s: &mut String, cmp: &Comparison) {
        for (label, terms) in [(&cmp.b, &self.key_b), (&cmp.a, &self.key_a)] {
            let shown: Vec<String> = terms
                .iter()
                .take(KEY_TERMS_SHOWN)
                .map(|t| format!("{} ({:+.1})", printable(&t.word), t.log_ratio))
                .collect();
            let list = if shown.is_empty() {
                "none".to_string()
            } else {
                shown.join(", ")
            };
            let _ = writeln!(
                s,
                "\nKey terms of {} (against {}; Log Ratio in brackets):\n{}",
                printable(label),
                printable(if label == &cmp.b { &cmp.a } else { &cmp.b }),
                super::findings::wrap(&list, WIDTH, "  ", "  ")
            );
        }
    }

    /// The main comparison's theme shifts as a table, when there are themes.
    fn write_theme_shift(&self, s: &mut String, cmp: &Comparison) {
        if self.theme_shift.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            "\nTheme shift {} -> {} (per 10,000 words):\n  {:<16} {:>9} {:>9} {:>9} {:>9}  change; evidence",
            printable(&cmp.a),
            printable(&cmp.b),
            "theme",
            printable(&cmp.a),
            printable(&cmp.b),
            "log ratio",
            "p adj"
        );
        for l in &self.theme_shift {
            let _ = writeln!(
                s,
                "  {:<16} {:>9.2} {:>9.2} {:>+9.2} {:>9}  {}; {}",
                printable(&l.theme),
                l.per_10k_a,
                l.per_10k_b,
                l.log_ratio,
                super::pvalue::short(l.p_adjusted),
                l.change,
                l.evidence
            );
        }
    }

    /// The skipped files with their reasons; past LISTED only counted, as run.json has them all.
    fn write_skipped(&self, s: &mut String) {
        if self.skipped.is_empty() {
            return;
        }
        let _ = writeln!(s, "\nSkipped {} file(s):", self.skipped.len());
        for k in self.skipped.iter().take(LISTED) {
            let _ = writeln!(s, "  {}: {}", printable(&k.path), printable(&k.reason));
        }
        if self.skipped.len() > LISTED {
            let _ = writeln!(
                s,
                "  ... and {} more, all listed in run.json",
                self.skipped.len() - LISTED
            );
        }
    }

    /// The documents with no usable date; past LISTED only counted, as documents.csv has them all.
    fn write_undated(&self, s: &mut String) {
        if self.undated.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            "\nNo usable date found for {} document(s) (a date that does not exist is named in the warnings); they are listed in documents.csv with an empty period and left out of every comparison:",
            self.undated.len()
        );
        for d in self.undated.iter().take(LISTED) {
            let _ = writeln!(s, "  {}", printable(d));
        }
        if self.undated.len() > LISTED {
            let _ = writeln!(
                s,
                "  ... and {} more, all in documents.csv",
                self.undated.len() - LISTED
            );
        }
    }

    /// The files written and where.
    fn write_files(&self, s: &mut String) {
        if self.files.is_empty() {
            return;
        }
        // report.html and findings.md first: where a reader starts.
        let first = ["report.html", "findings.md"];
        let files: Vec<String> = (first.iter())
            .filter(|f| self.files.iter().any(|g| g == *f))
            .map(|f| f.to_string())
            .chain(
                (self.files.iter())
                    .filter(|f| !first.contains(&f.as_str()))
                    .map(|f| printable(f).into_owned()),
            )
            .collect();
        let _ = writeln!(
            s,
            "\nWrote {} file(s) to {}:",
            self.files.len(),
            printable(&self.output.display().to_string())
        );
        let _ = writeln!(
            s,
            "{}",
            super::findings::wrap(&files.join(", "), WIDTH, "  ", "  ")
        );
    }

    /// The time taken, the throughput, the peak memory and the seconds of each stage, when
    /// the run was timed.
    fn write_timing(&self, s: &mut String) {
        let total: f64 = self.seconds.iter().map(|(_, t)| t).sum();
        if total > 0.0 {
            let stages: Vec<String> = self
                .seconds
                .iter()
                .map(|(stage, t)| format!("{stage} {t:.2}"))
                .collect();
            let memory = self
                .peak_memory_mb
                .map(|m| format!(", peak memory {m:.0} MB"))
                .unwrap_or_default();
            // A rate says how fast text is read only when reading is most of the time: below
            // RATE_FROM bytes the fixed costs (tables, charts, writing) are, and the rate of
            // two small files (`0.0 MB/s`) says nothing.
            let rate = (self.input_bytes >= RATE_FROM)
                .then(|| format!("{:.1} MB/s", self.input_bytes as f64 / 1e6 / total));
            let how = match (rate, memory) {
                (Some(r), m) => format!(" ({r}{m})"),
                (None, m) if !m.is_empty() => format!(" ({})", &m[2..]),
                _ => String::new(),
            };
            let took = format!(
                "{total:.2} s for {} of text{how}; seconds per stage: {}",
                size(self.input_bytes),
                stages.join(", ")
            );
            say(s, "Took ", &took);
        }
    }
}

/// Input size from which the summary gives a reading rate: 10 MB.
const RATE_FROM: u64 = 10_000_000;

/// `s` with its control characters (C0, DEL and C1, line breaks and tabs included) written
/// out as `\x1b` or `\u{9b}`, so that a file name or a document's text printed on a
/// terminal cannot move the cursor, recolour the screen, retitle the window or start a line
/// of its own. Everything printed from a file name, a document or an error goes through it;
/// CSV written with `--csv` is data and does not.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        let n = c as u32;
        let _ = match c {
            _ if !c.is_control() => {
                out.push(c);
                Ok(())
            }
            _ if n < 0x80 => write!(out, "\\x{n:02x}"),
            _ => write!(out, "\\u{{{n:x}}}"),
        };
    }
    Cow::Owned(out)
}

/// `bytes` in kB, MB or GB (decimal), one decimal place.
fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b < 1e6 {
        format!("{:.1} kB", b / 1e3)
    } else if b < 1e9 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.2} GB", b / 1e9)
    }
}

/// A count as a reader writes it, its thousands separated by commas: `1,069,835`.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// At most five items, then how many more.
pub(crate) fn list(items: &[String]) -> String {
    let mut s = items.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > 5 {
        s.push_str(&format!("; and {} more", items.len() - 5));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (924, "924"),
            (1_069_835, "1,069,835"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ];
        for (n, want) in cases {
            assert_eq!(grouped(n), want);
        }
    }

    #[test]
    fn control_characters_are_written_out_and_the_rest_left_alone() {
        assert!(matches!(printable("café 2003.txt"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\u{1b}[31mred\u{7}\n\t\u{7f}\u{9b}2J\u{85}"),
            "a\\x1b[31mred\\x07\\x0a\\x09\\x7f\\u{9b}2J\\u{85}"
        );
    }

    #[test]
    fn a_summary_prints_no_control_character_from_a_name() {
        let summary = Summary {
            documents: 1,
            undated: vec!["evil\u{1b}]0;owned\u{7}.txt".into()],
            skipped: vec![Skipped {
                path: "bad\u{1b}[2J.pdf".into(),
                reason: "not a document".into(),
            }],
            terminal_warnings: vec!["1 file(s) ...: x\u{9b}31m.txt (3)".into()],
            terminal_notes: vec!["1 lexicon pattern(s) ...: 'x\u{1b}' (t)".into()],
            files: vec!["documents.csv".into()],
            output: PathBuf::from("out\u{1b}"),
            ..Summary::default()
        };
        let text = summary.render();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("evil\\x1b]0;owned\\x07.txt"), "{text}");
        assert!(text.contains("bad\\x1b[2J.pdf: not a document"), "{text}");
    }

    #[test]
    fn more_than_twelve_periods_are_told_in_one_line() {
        let periods = |n: u64| -> Vec<(String, u64, u64)> {
            (0..n)
                .map(|i| ((1990 + i).to_string(), 10 + i % 2, 1000 + i))
                .collect()
        };
        let many = Summary {
            periods: periods(13),
            ..Summary::default()
        };
        let text = many.render();
        assert!(
            text.contains(
                "\n13 periods, 1990 to 2002: 10 to 11 documents and 1000 to 1012 words each.\n"
            ),
            "{text}"
        );
        assert!(!text.contains("  1995 "), "{text}");
        let html = super::super::html::render(&super::super::html::Page::bare(&many)).unwrap();
        assert!(
            html.contains("<details><summary>13 periods, 1990 to 2002"),
            "{html}"
        );
        let few = Summary {
            periods: periods(12),
            ..Summary::default()
        };
        assert!(few.render().contains("  2001 "));
    }

    #[test]
    fn a_reading_rate_is_given_only_for_inputs_large_enough_to_mean_one() {
        let took = |bytes: u64, memory: Option<f64>| {
            let s = Summary {
                seconds: vec![("read", 0.5), ("write", 0.5)],
                input_bytes: bytes,
                peak_memory_mb: memory,
                ..Summary::default()
            };
            let mut out = String::new();
            s.write_timing(&mut out);
            out
        };
        let seeds = took(7_900, Some(30.0));
        assert!(
            seeds.contains("1.00 s for 7.9 kB of text (peak memory 30 MB);"),
            "{seeds}"
        );
        assert!(!seeds.contains("MB/s"), "{seeds}");
        assert!(!took(7_900, None).contains('('));
        let large = took(200_000_000, Some(300.0));
        assert!(
            large.contains("(200.0 MB/s, peak memory 300 MB)"),
            "{large}"
        );
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(12_345), "12.3 kB");
        assert_eq!(size(103_023_405), "103.0 MB");
        assert_eq!(size(1_030_576_196), "1.03 GB");
    }
}
