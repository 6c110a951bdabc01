//! Finding theme patterns in a document's token stream in one pass.
//!
//! Patterns are indexed by their first element (a hash map from stem to the patterns that
//! start with it, plus the short list of patterns that start with a prefix), so each token
//! costs one look-up however many patterns the lexicon holds; only the candidates that start
//! at a token are checked further. Within one theme, overlapping matches count once, the
//! longest first (then the earliest); a token may count for two different themes.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::{Element, Lexicon};

/// One counted match: `len` tokens from `start`, for theme number `theme`, by pattern
/// number `pattern` of that theme (the first in lexicon order when several match the same
/// tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub theme: usize,
    pub start: usize,
    pub len: usize,
    pub pattern: usize,
}

/// A pattern of the lexicon: theme number and pattern number within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternRef {
    pub theme: usize,
    pub pattern: usize,
}

/// A lexicon indexed for matching.
pub struct Matcher<'a> {
    lexicon: &'a Lexicon,
    by_first_stem: FxHashMap<&'a str, Vec<PatternRef>>,
    by_first_prefix: Vec<(&'a str, PatternRef)>,
}

impl<'a> Matcher<'a> {
    /// Indexes `lexicon`.
    pub fn new(lexicon: &'a Lexicon) -> Self {
        let mut by_first_stem: FxHashMap<&str, Vec<PatternRef>> = FxHashMap::default();
        let mut by_first_prefix = Vec::new();
        for (theme, t) in lexicon.themes.iter().enumerate() {
            for (pattern, p) in t.patterns.iter().enumerate() {
                let r = PatternRef { theme, pattern };
                match &p.elements[0] {
                    Element::Stem(s) => by_first_stem.entry(s.as_str()).or_default().push(r),
                    Element::Prefix(s) => by_first_prefix.push((s.as_str(), r)),
                }
            }
        }
        Matcher {
            lexicon,
            by_first_stem,
            by_first_prefix,
        }
    }

    /// True when there is nothing to match.
    pub fn is_empty(&self) -> bool {
        self.lexicon.themes.is_empty()
    }

    /// Number of themes.
    pub fn theme_count(&self) -> usize {
        self.lexicon.themes.len()
    }

    /// The patterns that can start at a word with this written form and stem. Worked out
    /// once per distinct word (see [`Matcher::find_by`]).
    pub fn starts(&self, surface: &str, stem: &str) -> Vec<PatternRef> {
        let mut c = self.by_first_stem.get(stem).cloned().unwrap_or_default();
        c.extend(
            self.by_first_prefix
                .iter()
                .filter(|(p, _)| surface.starts_with(p))
                .map(|&(_, r)| r),
        );
        c
    }

    /// The counted hits in a document, sorted by theme then position. The document is given
    /// as `tokens` (ids into the per-document word list) with each id's `surface` word and
    /// `stem`.
    pub fn find(&self, tokens: &[u32], surface: &[&str], stem: &[&str]) -> Vec<Hit> {
        if self.is_empty() {
            return Vec::new();
        }
        let starts: Vec<Vec<PatternRef>> = (0..surface.len())
            .map(|id| self.starts(surface[id], stem[id]))
            .collect();
        self.find_by(
            tokens,
            |t| starts[t as usize].as_slice(),
            |t| surface[t as usize],
            |t| stem[t as usize],
        )
    }

    /// [`Matcher::find`] over any word ids: `starts`, `surface` and `stem` give each id's
    /// candidate patterns (from [`Matcher::starts`]), written form and stem. Each token costs
    /// one look-up of its candidates; only candidates are checked further.
    pub fn find_by<'s>(
        &self,
        tokens: &[u32],
        starts: impl Fn(u32) -> &'s [PatternRef],
        surface: impl Fn(u32) -> &'s str,
        stem: impl Fn(u32) -> &'s str,
    ) -> Vec<Hit> {
        let mut found = Vec::new();
        for (i, &id) in tokens.iter().enumerate() {
            for r in starts(id) {
                let elements = &self.lexicon.themes[r.theme].patterns[r.pattern].elements;
                let fits = i + elements.len() <= tokens.len()
                    && elements
                        .iter()
                        .zip(&tokens[i..])
                        .skip(1)
                        .all(|(e, &t)| match e {
                            Element::Stem(s) => stem(t) == s,
                            Element::Prefix(p) => surface(t).starts_with(p.as_str()),
                        });
                if fits {
                    found.push(Hit {
                        theme: r.theme,
                        start: i,
                        len: elements.len(),
                        pattern: r.pattern,
                    });
                }
            }
        }
        if found.is_empty() {
            return found;
        }
        resolve_overlaps(found)
    }
}

/// Keeps, per theme, the longest matches first (then the earliest), dropping any that overlap
/// one already kept; returns them sorted by theme and position.
fn resolve_overlaps(mut found: Vec<Hit>) -> Vec<Hit> {
    found.sort_by_key(|h| (h.theme, std::cmp::Reverse(h.len), h.start, h.pattern));
    // Two patterns of one theme on the same tokens ("efficiency", "efficient") count once.
    found.dedup_by_key(|h| (h.theme, h.start, h.len));
    let mut kept = Vec::with_capacity(found.len());
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new(); // start -> end, for one theme
    let mut theme = usize::MAX;
    for h in found {
        if h.theme != theme {
            theme = h.theme;
            taken.clear();
        }
        let end = h.start + h.len;
        let overlaps_before = taken
            .range(..end)
            .next_back()
            .is_some_and(|(_, &e)| e > h.start);
        if !overlaps_before {
            taken.insert(h.start, end);
            kept.push(h);
        }
    }
    kept.sort();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::tests::english;
    use std::path::Path;

    /// Tokenises `text` the way the counter does and returns each hit as (theme, matched words).
    fn hits(lexicon: &str, text: &str) -> Vec<(usize, String)> {
        let t = english();
        let lex = Lexicon::parse(lexicon, Path::new("t.toml"), &t).unwrap();
        let mut words: Vec<String> = Vec::new();
        t.words(text, |w| words.push(w.to_string()));
        let stems: Vec<String> = words.iter().map(|w| t.stem(w).into_owned()).collect();
        let surface: Vec<&str> = words.iter().map(String::as_str).collect();
        let stem: Vec<&str> = stems.iter().map(String::as_str).collect();
        let tokens: Vec<u32> = (0..words.len() as u32).collect();
        Matcher::new(&lex)
            .find(&tokens, &surface, &stem)
            .into_iter()
            .map(|h| (h.theme, words[h.start..h.start + h.len].join(" ")))
            .collect()
    }

    const LEX: &str = r#"
[[theme]]
name = "centralism"
patterns = ["top table", "the centre", "centralis*", "strategic health authority", "health"]
[[theme]]
name = "localism"
patterns = ["local health economy", "local"]
"#;

    #[test]
    fn stems_match_plural_and_hyphenated_forms() {
        let h = hits(LEX, "'top tables'where; top-table; the top table");
        assert_eq!(
            h,
            [
                (0, "top tables".into()),
                (0, "top table".into()),
                (0, "top table".into())
            ]
        );
    }

    #[test]
    fn prefix_matches_surface_forms() {
        let h = hits(LEX, "centralised and centralisation but not central");
        assert_eq!(h, [(0, "centralised".into()), (0, "centralisation".into())]);
    }

    #[test]
    fn longest_first_within_theme_and_tokens_shared_across_themes() {
        let h = hits(
            LEX,
            "strategic health authorities and local health economies",
        );
        assert_eq!(
            h,
            [
                (0, "strategic health authorities".into()),
                (0, "health".into()),
                (1, "local health economies".into()),
            ]
        );
    }

    #[test]
    fn overlapping_matches_resolve_to_longest_then_earliest() {
        let found = vec![
            Hit {
                theme: 0,
                start: 0,
                len: 2,
                pattern: 0,
            },
            Hit {
                theme: 0,
                start: 1,
                len: 2,
                pattern: 0,
            },
            Hit {
                theme: 0,
                start: 1,
                len: 3,
                pattern: 0,
            },
            Hit {
                theme: 0,
                start: 4,
                len: 1,
                pattern: 0,
            },
        ];
        assert_eq!(
            resolve_overlaps(found),
            [
                Hit {
                    theme: 0,
                    start: 1,
                    len: 3,
                    pattern: 0,
                },
                Hit {
                    theme: 0,
                    start: 4,
                    len: 1,
                    pattern: 0,
                }
            ]
        );
    }
}
