//! Finding theme patterns in a document's token stream in one pass.
//!
//! Patterns are indexed by their first element (hash maps from stem and from written form to
//! the patterns that start with it, plus the short list of patterns that start with a
//! prefix), so each token costs one look-up however many patterns the lexicon holds; only the
//! candidates that start at a token are checked further. A theme's excluded patterns are
//! found the same way, and a candidate lying inside an excluded occurrence is dropped before
//! overlaps are settled. Within one theme, overlapping matches count once, the longest first
//! (then the earliest); a token may count for two different themes. The overlaps are settled
//! as the tokens go by ([`super::overlaps`]), in memory that grows with the lexicon, not with the
//! hits: a document repeating a pattern's word millions of times holds none of its hits at
//! once.

use rustc_hash::FxHashMap;

use super::overlaps::Overlaps;
use super::{Element, Lexicon, Pattern};

/// One counted match: `len` tokens from `start`, for theme number `theme`, by pattern
/// number `pattern` of that theme (the first in lexicon order when several match the same
/// tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub(crate) theme: usize,
    pub(crate) start: usize,
    pub(crate) len: usize,
    pub(crate) pattern: usize,
}

/// What the matcher finds as it reads: a counted hit, or an occurrence of a theme's excluded
/// pattern number `exclusion` (which hid any of the theme's matches inside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    Hit(Hit),
    Excluded { theme: usize, exclusion: usize },
}

/// A pattern or excluded pattern of the lexicon that can start at a word (an index into the
/// matcher's list of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PatternRef(u32);

/// A pattern as the matcher holds it: its theme, its number in the theme's patterns (or
/// exclusions) and whether it is an exclusion.
struct Entry<'a> {
    theme: usize,
    number: usize,
    exclusion: bool,
    pattern: &'a Pattern,
}

/// A lexicon indexed for matching.
pub struct Matcher<'a> {
    lexicon: &'a Lexicon,
    /// Every theme's exclusions, then every theme's patterns: a [`PatternRef`] indexes this,
    /// so a word's candidates, kept in order, put the exclusions first.
    entries: Vec<Entry<'a>>,
    by_first_stem: FxHashMap<&'a str, Vec<PatternRef>>,
    by_first_word: FxHashMap<&'a str, Vec<PatternRef>>,
    by_first_prefix: Vec<(&'a str, PatternRef)>,
    /// The patterns' lengths in words, longest first, each once.
    lengths: Vec<usize>,
    /// Some theme has exclusions.
    excludes: bool,
}

impl<'a> Matcher<'a> {
    /// Indexes `lexicon`.
    pub fn new(lexicon: &'a Lexicon) -> Self {
        let themes = || lexicon.themes.iter().enumerate();
        let entry = |theme, number, exclusion, pattern| Entry {
            theme,
            number,
            exclusion,
            pattern,
        };
        let mut entries: Vec<Entry> = themes()
            .flat_map(|(i, t)| {
                t.exclude
                    .iter()
                    .enumerate()
                    .map(move |(n, p)| entry(i, n, true, p))
            })
            .collect();
        entries.extend(themes().flat_map(|(i, t)| {
            t.patterns
                .iter()
                .enumerate()
                .map(move |(n, p)| entry(i, n, false, p))
        }));
        let mut by_first_stem: FxHashMap<&str, Vec<PatternRef>> = FxHashMap::default();
        let mut by_first_word: FxHashMap<&str, Vec<PatternRef>> = FxHashMap::default();
        let mut by_first_prefix = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let r = PatternRef(i as u32);
            match &e.pattern.elements[0] {
                Element::Stem(s) => by_first_stem.entry(s.as_str()).or_default().push(r),
                Element::Exact(w) => by_first_word.entry(w.as_str()).or_default().push(r),
                Element::Prefix(s) => by_first_prefix.push((s.as_str(), r)),
            }
        }
        let mut lengths: Vec<usize> = entries
            .iter()
            .filter(|e| !e.exclusion)
            .map(|e| e.pattern.elements.len())
            .collect();
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        lengths.dedup();
        Matcher {
            lexicon,
            excludes: entries.iter().any(|e| e.exclusion),
            entries,
            by_first_stem,
            by_first_word,
            by_first_prefix,
            lengths,
        }
    }

    /// True when there is nothing to match.
    pub(crate) fn is_empty(&self) -> bool {
        self.lexicon.themes.is_empty()
    }

    /// Number of themes.
    pub(crate) fn theme_count(&self) -> usize {
        self.lexicon.themes.len()
    }

    /// The lexicon matched.
    pub(crate) fn lexicon(&self) -> &'a Lexicon {
        self.lexicon
    }

    /// The patterns (and excluded patterns) that can start at a word with this written form
    /// and stem, exclusions first. Worked out once per distinct word (see
    /// [`Matcher::for_each_hit`]).
    pub(crate) fn starts(&self, surface: &str, stem: &str) -> Vec<PatternRef> {
        let mut c = self.by_first_stem.get(stem).cloned().unwrap_or_default();
        c.extend(self.by_first_word.get(surface).into_iter().flatten());
        c.extend(
            self.by_first_prefix
                .iter()
                .filter(|(p, _)| surface.starts_with(p))
                .map(|&(_, r)| r),
        );
        c.sort_unstable();
        c
    }

    /// The counted hits in a document, sorted by theme then position. The document is given
    /// as `tokens` (ids into the per-document word list) with each id's `surface` word and
    /// `stem`, and for each token whether a hyphen joins it to the one before.
    pub fn find(
        &self,
        tokens: &[u32],
        surface: &[&str],
        stem: &[&str],
        after_hyphen: &[bool],
    ) -> Vec<Hit> {
        if self.is_empty() {
            return Vec::new();
        }
        let starts: Vec<Vec<PatternRef>> = (0..surface.len())
            .map(|id| self.starts(surface[id], stem[id]))
            .collect();
        let mut found = Vec::new();
        self.for_each_hit(
            tokens,
            |t| starts[t as usize].as_slice(),
            |t| surface[t as usize],
            |t| stem[t as usize],
            |i| after_hyphen[i],
            |f| {
                if let Found::Hit(h) = f {
                    found.push(h)
                }
            },
        );
        found.sort();
        found
    }

    /// Calls `emit` with each counted hit and each excluded occurrence in a document, in no
    /// set order, holding no more than a few tokens' worth of candidates at a time. The
    /// document is `tokens` (word ids); `starts`, `surface` and `stem` give each id's
    /// candidate patterns (from [`Matcher::starts`]), written form and stem, and
    /// `after_hyphen` says of a token (by its place) whether a hyphen joins it to the one
    /// before. Each token costs one look-up of its candidates; only candidates are checked
    /// further.
    pub(crate) fn for_each_hit<'s>(
        &self,
        tokens: &[u32],
        starts: impl Fn(u32) -> &'s [PatternRef],
        surface: impl Fn(u32) -> &'s str,
        stem: impl Fn(u32) -> &'s str,
        after_hyphen: impl Fn(usize) -> bool,
        mut emit: impl FnMut(Found),
    ) {
        if self.is_empty() {
            return;
        }
        let mut overlaps = Overlaps::new(&self.lengths, self.theme_count());
        // Per theme, the furthest end of its excluded occurrences begun so far: as they all
        // begin at or before the token being read, a candidate starting here lies inside one
        // of them exactly when it ends by then.
        let mut excluded_until = vec![0; if self.excludes { self.theme_count() } else { 0 }];
        for (i, &id) in tokens.iter().enumerate() {
            for r in starts(id) {
                let e = &self.entries[r.0 as usize];
                let (elements, len) = (&e.pattern.elements, e.pattern.elements.len());
                let fits = i + len <= tokens.len()
                    && elements
                        .iter()
                        .zip(&e.pattern.hyphenated)
                        .zip(&tokens[i..])
                        .enumerate()
                        .skip(1)
                        .all(|(k, ((element, &hyphen), &t))| {
                            (!hyphen || after_hyphen(i + k))
                                && match element {
                                    Element::Stem(s) => stem(t) == s,
                                    Element::Prefix(p) => surface(t).starts_with(p.as_str()),
                                    Element::Exact(w) => surface(t) == w,
                                }
                        });
                if !fits {
                    continue;
                }
                if e.exclusion {
                    let until = &mut excluded_until[e.theme];
                    *until = (*until).max(i + len);
                    emit(Found::Excluded {
                        theme: e.theme,
                        exclusion: e.number,
                    });
                } else if !(self.excludes && i + len <= excluded_until[e.theme]) {
                    overlaps.candidate(Hit {
                        theme: e.theme,
                        start: i,
                        len,
                        pattern: e.number,
                    });
                }
            }
            overlaps.step(i, &mut |h| emit(Found::Hit(h)));
        }
        overlaps.finish(tokens.len(), &mut |h| emit(Found::Hit(h)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::overlaps::resolve_overlaps;
    use crate::lexicon::tests::english;
    use crate::lexicon::Theme;
    use std::path::Path;

    /// Tokenises `text` the way the counter does and returns each hit as (theme, matched words).
    fn hits(lexicon: &str, text: &str) -> Vec<(usize, String)> {
        let t = english();
        let lex = Lexicon::parse(lexicon, Path::new("t.toml"), &t).unwrap();
        let (mut words, mut hyphens): (Vec<String>, Vec<bool>) = (Vec::new(), Vec::new());
        t.split(&t.normalise(text), |w, span| {
            words.push(w.to_string());
            hyphens.push(span.after_hyphen);
        });
        let stems: Vec<String> = words.iter().map(|w| t.stem(w).into_owned()).collect();
        let surface: Vec<&str> = words.iter().map(String::as_str).collect();
        let stem: Vec<&str> = stems.iter().map(String::as_str).collect();
        let tokens: Vec<u32> = (0..words.len() as u32).collect();
        Matcher::new(&lex)
            .find(&tokens, &surface, &stem, &hyphens)
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
    fn a_pattern_written_with_a_hyphen_matches_only_the_hyphenated_form() {
        let lex = r#"
[[theme]]
name = "h"
patterns = ["top-down", "self care", "x-compat"]
"#;
        let h = hits(
            lex,
            "top-down; top down. Self-care, self care; x compatibility, x-compatible",
        );
        assert_eq!(
            h,
            [
                (0, "top down".into()),
                (0, "self care".into()),
                (0, "self care".into()),
                (0, "x compatible".into())
            ]
        );
    }

    #[test]
    fn an_exact_form_matches_that_word_only_and_combines_with_others() {
        let lex = r#"
[[theme]]
name = "e"
patterns = ["=compat", "=nhs trust*", "=PCTs"]
"#;
        let h = hits(
            lex,
            "Compat, compatibility; NHS trusts and NHS's trustees; PCTs’ and the PCT",
        );
        assert_eq!(
            h,
            [
                (0, "compat".into()),
                (0, "nhs trusts".into()),
                (0, "nhs trustees".into()),
                (0, "pcts".into())
            ]
        );
    }

    #[test]
    fn a_match_inside_an_excluded_occurrence_does_not_count_for_its_theme_only() {
        let lex = r#"
[[theme]]
name = "commissioning"
patterns = ["commission", "commissioner*"]
exclude = ["healthcare commission", "audit commission"]
[[theme]]
name = "bodies"
patterns = ["commission"]
"#;
        let h = hits(
            lex,
            "The Healthcare Commission and the Audit Commission asked commissioners; \
             the commission of care; audit commissioners",
        );
        assert_eq!(
            h,
            [
                (0, "commissioners".into()),
                (0, "commission".into()),
                (0, "commissioners".into()),
                (1, "commission".into()),
                (1, "commission".into()),
                (1, "commission".into()),
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

    /// A pattern drawn for the property test: (word, exact, hyphen before) per element, over
    /// the words "a", "b", "c" (each its own stem; an exact element asks for "a" written "a").
    fn drawn(elements: &[(u8, bool, bool)]) -> Pattern {
        let word = |w: u8| ["a", "b", "c"][w as usize % 3].to_string();
        Pattern {
            text: String::new(),
            elements: elements
                .iter()
                .map(|&(w, exact, _)| {
                    if exact {
                        Element::Exact(word(w))
                    } else {
                        Element::Stem(word(w))
                    }
                })
                .collect(),
            hyphenated: elements
                .iter()
                .enumerate()
                .map(|(i, &(_, _, h))| i > 0 && h)
                .collect(),
        }
    }

    /// Every hit by the definition: each pattern tried at each place, candidates inside an
    /// excluded occurrence of their theme dropped, then overlaps resolved.
    fn by_definition(lexicon: &Lexicon, words: &[&str], hyphens: &[bool]) -> Vec<Hit> {
        let fits = |p: &Pattern, at: usize| {
            at + p.elements.len() <= words.len()
                && p.elements.iter().enumerate().all(|(k, e)| {
                    (!p.hyphenated[k] || hyphens[at + k])
                        && match e {
                            Element::Stem(w) | Element::Exact(w) => words[at + k] == w,
                            Element::Prefix(w) => words[at + k].starts_with(w.as_str()),
                        }
                })
        };
        let mut found = Vec::new();
        for (theme, t) in lexicon.themes.iter().enumerate() {
            let excluded: Vec<(usize, usize)> = (0..words.len())
                .flat_map(|at| {
                    t.exclude
                        .iter()
                        .filter(move |p| fits(p, at))
                        .map(move |p| (at, at + p.elements.len()))
                })
                .collect();
            for (pattern, p) in t.patterns.iter().enumerate() {
                for start in (0..words.len()).filter(|&at| fits(p, at)) {
                    let len = p.elements.len();
                    if !excluded
                        .iter()
                        .any(|&(s, e)| s <= start && start + len <= e)
                    {
                        found.push(Hit {
                            theme,
                            start,
                            len,
                            pattern,
                        });
                    }
                }
            }
        }
        resolve_overlaps(found)
    }

    proptest::proptest! {
        #[test]
        fn hyphens_exact_forms_and_exclusions_match_as_defined(
            themes in proptest::collection::vec((
                proptest::collection::vec(
                    proptest::collection::vec((0u8..3, proptest::bool::ANY, proptest::bool::ANY), 1..4),
                    1..4,
                ),
                proptest::collection::vec(
                    proptest::collection::vec((0u8..3, proptest::bool::ANY, proptest::bool::ANY), 1..5),
                    0..3,
                ),
            ), 1..3),
            text in proptest::collection::vec((0u8..3, proptest::bool::ANY), 0..40),
        ) {
            let lexicon = Lexicon {
                themes: themes
                    .iter()
                    .map(|(patterns, exclude)| Theme {
                        name: String::new(),
                        patterns: patterns.iter().map(|p| drawn(p)).collect(),
                        exclude: exclude.iter().map(|p| drawn(p)).collect(),
                    })
                    .collect(),
            };
            let vocabulary = ["a", "b", "c"];
            let words: Vec<&str> = text.iter().map(|&(w, _)| vocabulary[w as usize]).collect();
            let hyphens: Vec<bool> = text.iter().enumerate().map(|(i, &(_, h))| i > 0 && h).collect();
            let tokens: Vec<u32> = text.iter().map(|&(w, _)| w as u32).collect();
            let found = Matcher::new(&lexicon).find(&tokens, &vocabulary, &vocabulary, &hyphens);
            proptest::prop_assert_eq!(found, by_definition(&lexicon, &words, &hyphens));
        }
    }

    #[test]
    fn a_document_of_one_repeated_phrase_keeps_every_other_place() {
        // "qq qq" over a thousand "qq": the greedy chain from the left, however long.
        let lex = r#"
[[theme]]
name = "q"
patterns = ["qq qq", "qq"]
"#;
        let text = "qq ".repeat(1001);
        let h = hits(lex, &text);
        assert_eq!(h.len(), 501);
        assert!(h[..500].iter().all(|(_, w)| w == "qq qq"));
        assert_eq!(h[500].1, "qq");
    }
}
