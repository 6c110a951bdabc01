//! `kwic.csv`: the concordance of theme hits, so every theme count can be traced to the
//! sentences behind it. One row per hit (or per sampled hit when a theme has more than
//! `--kwic-max` in a period): the document, the theme and pattern, and the words each side.

use polars::prelude::*;
use rustc_hash::FxHashMap;

use crate::corpus::DocRecord;
use crate::count::KwicLine;
use crate::lexicon::Lexicon;

/// Columns: doc_id, path, period, theme, pattern, left, match, right. Rows come in the order
/// of [`crate::count::Counts::kwic_sample`]: theme (lexicon order), period, document, position.
pub(crate) fn kwic_table(
    lines: &[KwicLine],
    docs: &[DocRecord],
    lexicon: &Lexicon,
) -> PolarsResult<DataFrame> {
    let doc_ids: FxHashMap<&str, u32> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (&*d.name, i as u32 + 1))
        .collect();
    let mut order: Vec<&KwicLine> = lines.iter().collect();
    let id = |l: &KwicLine| doc_ids.get(l.doc.as_str()).copied().unwrap_or(0);
    order.sort_by_key(|l| (l.theme, l.period.as_str(), id(l), l.start));
    let lines = order;
    let theme = |l: &&KwicLine| lexicon.themes[l.theme].name.as_str();
    let pattern = |l: &&KwicLine| lexicon.themes[l.theme].patterns[l.pattern].text.as_str();
    df!(
        "doc_id" => lines.iter().map(|l| id(l)).collect::<Vec<u32>>(),
        "path" => lines.iter().map(|l| l.doc.as_str()).collect::<Vec<_>>(),
        "period" => lines.iter().map(|l| l.period.as_str()).collect::<Vec<_>>(),
        "theme" => lines.iter().map(theme).collect::<Vec<_>>(),
        "pattern" => lines.iter().map(pattern).collect::<Vec<_>>(),
        "left" => lines.iter().map(|l| l.left.as_str()).collect::<Vec<_>>(),
        "match" => lines.iter().map(|l| l.matched.as_str()).collect::<Vec<_>>(),
        "right" => lines.iter().map(|l| l.right.as_str()).collect::<Vec<_>>(),
    )
}
