//! The concordance of `themeshift kwic` as text for a terminal: one line per hit, the match
//! in a column of its own with its left context right-aligned before it, so the eye can run
//! down the matches.

use anyhow::Result;
use polars::prelude::DataFrame;

use super::strings;

/// Longest context shown each side, in characters; longer context is cut away from the match
/// with `…`.
const CONTEXT: usize = 60;

/// The text of a kwic table (columns period, path, left, match, right), one line per row,
/// under a header. `window` is the words of context each side, for sizing the columns.
pub(crate) fn kwic_text(table: &DataFrame, window: usize) -> Result<String> {
    // Cells from file names and text, made safe to print before they are measured.
    let printable = |name: &str| -> Result<Vec<String>> {
        Ok(strings(table, name)?
            .into_iter()
            .map(|s| super::summary::printable(&s).into_owned())
            .collect())
    };
    let (period, path, left, matched, right) = (
        printable("period")?,
        printable("path")?,
        printable("left")?,
        printable("match")?,
        printable("right")?,
    );
    let width = |v: &[String], cap: usize| {
        v.iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
            .min(cap)
    };
    let cap = CONTEXT.min(window.max(1) * 10);
    let (wp, wd, wl) = (
        width(&period, 12).max(6),
        width(&path, 32).max(8),
        width(&left, cap),
    );
    let mut out = String::new();
    out.push_str(&format!(
        "{:<wp$}  {:<wd$}  {:>wl$}  match\n",
        "period", "document", "left"
    ));
    for i in 0..table.height() {
        out.push_str(&format!(
            "{:<wp$}  {:<wd$}  {:>wl$}  {}  {}\n",
            period[i],
            keep_start(&path[i], 32),
            keep_end(&left[i], cap),
            matched[i],
            keep_start(&right[i], cap)
        ));
    }
    Ok(out)
}

/// The last `max` characters of `s`, with `…` in front when cut.
fn keep_end(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n - max + 1).collect();
    format!("…{tail}")
}

/// The first `max` characters of `s`, with `…` after when cut.
fn keep_start(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max - 1).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn matches_line_up_in_one_column() {
        let table = df!(
            "period" => ["2003", "2010"],
            "path" => ["a.txt", "b.txt"],
            "left" => ["the role of", "and"],
            "match" => ["clinical commissioning", "commissioning"],
            "right" => ["groups", ""],
        )
        .unwrap();
        let text = kwic_text(&table, 8).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        let at = |l: &str, m: &str| l.find(m).unwrap();
        assert_eq!(at(lines[1], "clinical"), at(lines[2], "commissioning"));
        assert!(
            lines[1].ends_with("clinical commissioning  groups"),
            "{}",
            lines[1]
        );
        assert_eq!(keep_end("abcdef", 4), "…def");
        assert_eq!(keep_start("abcdef", 4), "abc…");
    }
}
