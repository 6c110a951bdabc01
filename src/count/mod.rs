//! Counting: documents become [`Counts`], in parallel. This module's one contract with the
//! rest of the program is [`Counts`] (`counts.rs`): what measuring reads, mergeable so that
//! any engine, or any split of the work, gives the same tables.
//!
//! - `counter.rs`: the per-thread [`Counter`], which keeps for the whole run its vocabulary
//!   (`vocab.rs`: each distinct word interned once with its stem, stopword flag and theme
//!   pattern starts), its phrases (`phrases.rs`), its concordance lines (`kwic.rs`) and each
//!   document's terms in a per-period log (`log.rs`), and finishes with a [`Tally`].
//! - `resolve.rs`: the counters' tallies become one [`Counts`] (integer sums only, so the
//!   totals do not depend on the number of threads), and [`FirstDocs`], the report's need.
//! - `dispersion.rs`: the per-document rows Gries's DP is worked out from, once every part
//!   is in ([`Counts::finish`]).
//!
//! Only counts are kept, never text: memory grows with the vocabulary, not with the corpus.

mod combine;
mod counter;
mod counts;
mod dispersion;
mod first_docs;
mod forms;
mod kwic;
mod log;
#[cfg(any(feature = "cluster", test))]
mod parts;
mod phrases;
mod runs;
mod short_ids;
mod tally;
mod terms;
mod vocab;

// `themeshift::internals` re-exports the counter, its options and `Counts` for the benchmarks.
pub(crate) use combine::{combine, CombineOptions};
pub(crate) use counter::Counter;
#[cfg(test)]
pub(crate) use counts::gries_dp;
pub(crate) use counts::Counts;
pub(crate) use counts::PeriodCounts;
pub(crate) use counts::{MaybeSpread, TermCount, ThemeCount, ThemeDoc};
pub(crate) use first_docs::FirstDocs;
pub(crate) use forms::{lower, most_frequent};
pub(crate) use kwic::KwicLine;
pub(crate) use kwic::{kwic_lines, sample as kwic_sample, Watch};
pub(crate) use log::{get_varint, put_varint};
#[cfg(any(feature = "cluster", test))]
pub(crate) use parts::{assemble, FormsPart, PeriodMerge, PeriodPart};
pub(crate) use phrases::{MAX_N, PHRASE_BYTES};
pub(crate) use tally::{CountOptions, DocSize, Tally};
pub(crate) use terms::{partition_point, same as same_table, Entries, Labels, Place, TermTable};

use rustc_hash::FxHashMap;

use crate::lexicon::Matcher;
use crate::tokenise::Tokeniser;

/// Tokenises and counts one document on its own, matching themes on the way. A
/// `Counter` does the same for many documents at a fraction of the cost per document.
pub(crate) fn count_document(
    text: &str,
    tokeniser: &Tokeniser,
    matcher: &Matcher,
) -> (PeriodCounts, DocSize) {
    let mut counter = Counter::new(tokeniser, matcher, CountOptions::default());
    let size = counter.add("doc", Some(""), text);
    let options = CombineOptions {
        prune_below: None,
        first_docs_in: &[],
        places: &FxHashMap::default(),
    };
    let counts = combine(vec![counter.finish()], &options)
        .and_then(|(counts, _)| counts.finish())
        .expect("a log this small stays in memory")
        .periods
        .remove("")
        .unwrap_or_default();
    (counts, size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{tests::english, Lexicon};
    use std::path::Path;

    /// A lexicon of one theme, `c`, of these patterns (TOML strings).
    fn lexicon(t: &Tokeniser, patterns: &str) -> Lexicon {
        let toml = format!("[[theme]]\nname = \"c\"\npatterns = [{patterns}]\n");
        Lexicon::parse(&toml, Path::new("t"), t).unwrap()
    }

    fn count(text: &str) -> PeriodCounts {
        let t = english();
        let lex = lexicon(&t, "\"commissioning\", \"commissioner\"");
        count_document(text, &t, &Matcher::new(&lex)).0
    }

    /// The counts of `tallies`, phrases seen fewer than `min_count` times left out, and the
    /// first documents of the periods `firsts`.
    fn resolved_with(
        tallies: Vec<Tally>,
        min_count: u64,
        firsts: &[String],
    ) -> (Counts, FirstDocs) {
        let options = CombineOptions {
            prune_below: Some(min_count),
            first_docs_in: firsts,
            places: &FxHashMap::default(),
        };
        let (counts, first) = combine(tallies, &options).unwrap();
        (counts.finish().unwrap(), first)
    }

    fn resolved(tally: Tally) -> Counts {
        resolved_with(vec![tally], 0, &[]).0
    }

    #[test]
    fn a_document_added_in_parts_counts_as_one() {
        let t = english();
        let lex = lexicon(&t, "\"clinical commissioning\", \"commissioner\"");
        let m = Matcher::new(&lex);
        let parts = [
            "Clinical commissioning came. The commissioners met.\n",
            "Clinical commissioning again, and again clinical commissioning.\n",
            "Nothing here. Commissioners wrote.",
        ];
        let mut whole = Counter::new(&t, &m, CountOptions::default());
        let size = whole.add("d", Some("p"), &parts.concat());
        let whole = resolved(whole.finish());
        let mut split = Counter::new(&t, &m, CountOptions::default());
        let mut sizes = split.add("d", Some("p"), parts[0]);
        for part in &parts[1..] {
            let s = split.add_more("d", Some("p"), part);
            sizes.tokens += s.tokens;
            sizes.types += s.types;
        }
        // A second document afterwards is a new document again.
        split.add("e", Some("p"), "Commissioners.");
        let mut split = resolved(split.finish());
        let p = &split.periods["p"];
        assert_eq!((p.docs, p.themes[0].hits, p.themes[0].docs), (2, 6, 2));
        assert_eq!(p.terms.get("commission").unwrap().docs, 2);
        assert_eq!(p.terms.get("clinic commiss").unwrap().max_doc, 3);
        assert_eq!((sizes.tokens, sizes.types), (size.tokens, size.types));
        // Without the second document, everything matches the whole-text count.
        let mut again = Counter::new(&t, &m, CountOptions::default());
        again.add("d", Some("p"), parts[0]);
        for part in &parts[1..] {
            again.add_more("d", Some("p"), part);
        }
        let again = resolved(again.finish());
        // (Concordance context stops at a part's edge, so only the counts are compared.)
        assert_eq!(again.periods, whole.periods);
        split.kwic.retain(|l| l.doc == "d");
        let starts: Vec<usize> = split.kwic.iter().map(|l| l.start).collect();
        let expected: Vec<usize> = whole.kwic.iter().map(|l| l.start).collect();
        assert_eq!(starts, expected);
    }

    /// Every line a counter found in one document of `text`, sampled `max` per theme and
    /// period; and how many lines it had built before sampling. With `ordered`, keys follow
    /// reading order, as in the report's pass.
    fn lines_of(text: &str, max: usize, ordered: bool) -> (Vec<KwicLine>, usize) {
        let t = english();
        let lex = lexicon(&t, "\"commissioning\"");
        let m = Matcher::new(&lex);
        let options = CountOptions {
            kwic_max: max,
            ..CountOptions::default()
        };
        let mut counter = Counter::new(&t, &m, options);
        if ordered {
            counter.set_order(7);
        }
        counter.set_document(7, 99);
        counter.add("d", Some("p"), text);
        let built = counter.kwic.lines.len();
        (kwic_lines(vec![counter.finish()], max), built)
    }

    #[test]
    fn a_document_repeating_a_theme_word_builds_only_the_lines_the_sample_can_keep() {
        let text = "Commissioning and commissioning. ".repeat(50_000);
        for ordered in [false, true] {
            let (all, built_all) = lines_of(&text, 0, ordered);
            assert_eq!(built_all, 100_000);
            let (sample, built) = lines_of(&text, 3, ordered);
            // Hashed keys: about 3 (1 + ln(100000 / 3)), some 34, lines are built; keys in
            // reading order: the first three only.
            assert!(built < 100, "{built} lines built");
            if ordered {
                assert_eq!(built, 3);
            }
            // The same three lines as sampling every line.
            let mut reference = all;
            kwic_sample(&mut reference, 3);
            assert_eq!(sample, reference);
        }
    }

    #[test]
    fn a_concordance_line_holds_a_bounded_context_whatever_lies_between_the_words() {
        // Numbers are not words: a megabyte of them lies between the words either side.
        let numbers = " 12345".repeat(200_000);
        let text = format!("The start{numbers} commissioning{numbers} the end.");
        let (lines, _) = lines_of(&text, 0, false);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        let cap = 8 * kwic::CONTEXT_BYTES_PER_WORD;
        assert!(
            line.left.len() <= cap + 3 && line.left.starts_with('…'),
            "{}",
            line.left
        );
        assert!(
            line.right.len() <= cap + 3 && line.right.ends_with('…'),
            "{}",
            line.right
        );
        assert_eq!(line.matched, "commissioning");
        // A short context is whole, unmarked.
        let (lines, _) = lines_of("The start 12 commissioning 34 the end.", 0, false);
        assert_eq!(
            (lines[0].left.as_str(), lines[0].right.as_str()),
            ("The start 12", "34 the end")
        );
    }

    #[test]
    fn a_concordance_line_keeps_the_spacing_of_the_text() {
        let (lines, _) = lines_of(
            "Clinical commissioning, the plan. Re-commissioning again.",
            0,
            false,
        );
        let shown: Vec<_> = lines
            .iter()
            .map(|l| {
                (
                    l.left.as_str(),
                    l.matched.as_str(),
                    l.spaced,
                    l.right.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shown[0],
            (
                "Clinical",
                "commissioning",
                (true, false),
                ", the plan. Re-commissioning again"
            )
        );
        assert_eq!(shown[1].2, (false, true), "{shown:?}");
    }

    /// The counts of `docs` (id, period, text), counted by one counter with no themes.
    fn counted(docs: &[(&str, &str, &str)]) -> Counts {
        let t = english();
        let empty = Lexicon::default();
        let m = Matcher::new(&empty);
        let mut counter = Counter::new(&t, &m, CountOptions::default());
        for &(id, period, text) in docs {
            counter.add(id, Some(period), text);
        }
        resolved(counter.finish())
    }

    #[test]
    fn the_distinct_terms_are_those_the_periods_hold() {
        let counts = counted(&[
            ("a", "p1", "The trusts and the boards. The boards met."),
            (
                "b",
                "p2",
                "The boards of the trusts, and a board of health.",
            ),
        ]);
        let held: std::collections::BTreeSet<&str> = (counts.periods.values())
            .flat_map(|p| p.terms.iter().map(|(t, _)| t))
            .collect();
        assert!(held.contains("health") && !held.contains("the"), "{held:?}");
        assert_eq!(counts.distinct_terms(), held.len());
        // The table holds the stopwords the counter met too: not terms.
        assert!(counts.term_table().len() > held.len());
    }

    #[test]
    fn a_word_is_labelled_in_its_most_frequent_case_and_a_phrase_by_its_own_form() {
        let text = "NHS trusts. The NHS's trusts. Every trust, nhs. Every trust. Every trusts";
        let counts = counted(&[("d", "p", text)]);
        assert_eq!(counts.words["NHS"], 2);
        assert_eq!(counts.words["nhs"], 1);
        let labels = crate::measure::labels(&counts, &english());
        assert_eq!(&labels["nhs"], "NHS");
        // trusts 3 times, trust twice: the word's label is `trusts`, yet the phrase
        // `everi trust` is written `Every trust` more often than `Every trusts`.
        assert_eq!(&labels["trust"], "trusts");
        assert_eq!(&labels["everi trust"], "Every trust");
        assert_eq!(&labels["nhs trust"], "NHS trusts");
    }

    /// The fault of ../shared/repro/label-threads: `powerpc's` without its `'s` was kept as a
    /// form of its own that read `powerpc`, beside the word `powerpc` itself, so one counter
    /// held `Fix powerpc` twice among a phrase's four kept forms and let `Fix PowerPC`, the
    /// most frequent, go; two counters, each with one of them, kept it.
    #[test]
    fn a_possessive_is_the_same_form_as_the_word_so_the_label_does_not_depend_on_counters() {
        let t = english();
        let empty = Lexicon::default();
        let m = Matcher::new(&empty);
        let docs = [
            "Fix PowerPC build.",
            "Fix powerpc's build.",
            "Fix PowerPC again.",
            "fix PowerPC too.",
            "Fix powerpc here.",
            "fixed powerpc there.",
            "Fix PowerPC now.",
        ];
        let tallies_of = |threads: usize| -> Vec<Tally> {
            let mut counters: Vec<Counter> = (0..threads)
                .map(|_| Counter::new(&t, &m, CountOptions::default()))
                .collect();
            for (i, d) in docs.iter().enumerate() {
                let counter = &mut counters[i % threads];
                counter.set_document(i as u64, i as u64);
                counter.add(&format!("d{i}"), Some("p"), d);
            }
            counters.into_iter().map(Counter::finish).collect()
        };
        let label_with = |threads: usize| {
            // The forms, as a part of a corpus keeps them; the label, as the whole corpus's
            // counts decide it.
            let part = CombineOptions {
                prune_below: None,
                first_docs_in: &[],
                places: &FxHashMap::default(),
            };
            let (part, _) = combine(tallies_of(threads), &part).unwrap();
            let forms: Vec<(String, u64)> = part.phrase_forms["fix powerpc"]
                .iter()
                .map(|(f, c)| (f.to_string(), c))
                .collect();
            let counts = resolved_with(tallies_of(threads), 0, &[]).0;
            (
                crate::measure::labels(&counts, &t)["fix powerpc"].to_string(),
                forms,
            )
        };
        let (one, forms) = label_with(1);
        assert_eq!(one, "Fix PowerPC", "{forms:?}");
        assert!(forms.contains(&("Fix powerpc".to_string(), 2)), "{forms:?}");
        for threads in [2, 3, 4] {
            assert_eq!(label_with(threads).0, "Fix PowerPC", "{threads} counters");
        }
    }

    #[test]
    fn tokens_include_stopwords_terms_do_not() {
        let c = count("The commissioning of the commissioners: clinical commissioning.");
        assert_eq!(c.tokens, 7);
        // Snowball gives "commissioning" and "commissioners" different stems.
        let commiss = c.terms.get("commiss").unwrap();
        assert_eq!((commiss.count, commiss.docs, commiss.max_doc), (2, 1, 2));
        let commission = c.terms.get("commission").unwrap();
        assert_eq!(
            (commission.count, commission.docs, commission.max_doc),
            (1, 1, 1)
        );
        assert_eq!(c.terms.get("clinic").unwrap().count, 1);
        assert!(!c.terms.contains_key("the"));
        assert_eq!(c.themes[0].hits, 3);
        assert_eq!(c.themes[0].by_word()["commissioning"], 2);
        assert_eq!(c.themes[0].by_word()["commissioners"], 1);
        // Each through its own pattern: "commissioning", then "commissioner" (stem "commission").
        assert_eq!(c.themes[0].words[0]["commissioning"], 2);
        assert_eq!(c.themes[0].words[1]["commissioners"], 1);
    }

    #[test]
    fn phrases_do_not_cross_punctuation_or_end_in_stopwords_and_rare_ones_are_pruned() {
        let text =
            "Clinical commissioning, of the clinical commissioning groups. Care of the trusts";
        let c = count(text);
        let cc = c.terms.get("clinic commiss").unwrap();
        assert_eq!((cc.count, cc.docs, cc.max_doc), (2, 1, 2));
        assert_eq!(c.terms.get("commiss group").unwrap().count, 1);
        assert!(
            !c.terms.contains_key("commiss clinic"),
            "comma breaks the phrase"
        );
        assert!(
            !c.terms.contains_key("group care"),
            "full stop breaks the phrase"
        );
        assert!(
            !c.terms.contains_key("care of"),
            "no phrase ends in a stopword"
        );
        let t = english();
        let empty = Lexicon::default();
        let m = Matcher::new(&empty);
        let mut counter = Counter::new(&t, &m, CountOptions::default());
        counter.add("d", Some("p"), text);
        let counts = resolved_with(vec![counter.finish()], 2, &[]).0;
        let terms = &counts.periods["p"].terms;
        assert!(terms.contains_key("clinic commiss") && !terms.contains_key("commiss group"));
        assert!(terms.contains_key("group"), "single words are kept");
    }

    /// Documents of two periods, counted by `threads` counters taking them in turn.
    fn split_between(threads: usize, order: &[usize]) -> (Counts, FirstDocs) {
        split_with(threads, order, 0)
    }

    /// [`split_between`], each counter writing its phrases out as a run every `table` phrases.
    fn split_with(threads: usize, order: &[usize], table: usize) -> (Counts, FirstDocs) {
        let docs = [
            "commissioning clinical. Clinical commissioning groups",
            "clinical care and clinical care",
            "care commissioning trusts, the trusts",
            "Commissioners met clinical commissioning leads",
            "trusts",
        ];
        let t = english();
        let lex = lexicon(&t, "\"commissioning\", \"commissioner\"");
        let m = Matcher::new(&lex);
        let options = CountOptions {
            phrase_table: table,
            max_n: 3,
            ..CountOptions::default()
        };
        let mut counters: Vec<Counter> = (0..threads)
            .map(|_| Counter::new(&t, &m, options))
            .collect();
        for (k, &i) in order.iter().enumerate() {
            let counter = &mut counters[k % threads];
            counter.set_document(i as u64, i as u64);
            counter.add(&format!("d{i}"), Some(["p0", "p1"][i % 2]), docs[i]);
        }
        let (mut counts, first) = resolved_with(
            counters.into_iter().map(Counter::finish).collect(),
            2,
            &["p0".to_string()],
        );
        counts.kwic_sample(200);
        (counts, first)
    }

    #[test]
    fn counts_do_not_depend_on_how_documents_are_split_between_counters() {
        let whole = split_between(1, &[0, 1, 2, 3, 4]);
        assert_eq!(whole, split_between(2, &[0, 1, 2, 3, 4]));
        assert_eq!(whole, split_between(3, &[4, 2, 0, 3, 1]));
        assert_eq!(whole, split_between(2, &[3, 1, 4, 0, 2]));
        let (one, one_first) = whole;
        let p0 = &one.periods["p0"];
        assert_eq!(p0.docs, 3);
        let commiss = p0.terms.get("commiss").unwrap();
        assert_eq!((commiss.count, commiss.docs, commiss.max_doc), (3, 2, 2));
        assert_eq!(p0.themes[0].docs, 2);
        // The phrase is seen twice in all, once in each period: kept at min_count 2.
        assert_eq!(
            one.periods["p1"].terms.get("clinic commiss").unwrap().count,
            1
        );
        assert_eq!(p0.terms.get("clinic commiss").unwrap().count, 1);
        assert!(!p0.terms.contains_key("commiss group"), "seen once: pruned");
        // Every term carries its dispersion sums.
        assert!(p0.terms.values().all(|c| c.spread.get().is_some()));
        // The first documents of each term, in reading order, for the period asked about.
        let firsts = one_first.get("p0").unwrap();
        assert_eq!(firsts.get("commiss"), Some(&[0u64, 2][..]));
        assert_eq!(firsts.get("trust"), Some(&[2u64, 4][..]));
        assert!(one_first.get("p1").is_none());
    }

    /// Phrases written out as runs every one or two phrases, on one to three counters, give
    /// the counts (every term, its documents, DP, labels' forms, concordance lines) of
    /// phrases kept in memory.
    #[test]
    fn phrases_written_out_as_runs_give_the_same_counts() {
        let whole = split_between(1, &[0, 1, 2, 3, 4]);
        for table in [1, 2, 5] {
            assert_eq!(whole, split_with(1, &[0, 1, 2, 3, 4], table), "{table}");
            assert_eq!(whole, split_with(2, &[3, 1, 4, 0, 2], table), "{table}");
            assert_eq!(whole, split_with(3, &[4, 2, 0, 3, 1], table), "{table}");
        }
        // Phrases seen twice across runs are kept (min_count 2), once only they are not.
        assert_eq!(
            whole.0.periods["p0"]
                .terms
                .get("clinic commiss")
                .unwrap()
                .count,
            1
        );
    }

    #[test]
    fn parts_counted_alone_and_merged_give_the_counts_of_the_whole() {
        let docs = [
            "commissioning clinical. Clinical commissioning groups",
            "clinical care and clinical care",
            "care commissioning trusts, the trusts",
            "Commissioners met clinical commissioning leads",
            "trusts and clinical commissioning",
            "Clinical care groups met the commissioners",
        ];
        let t = english();
        let lex = lexicon(&t, "\"commissioning\", \"commissioner\"");
        let m = Matcher::new(&lex);
        let watched = ["p0".to_string(), "p1".to_string()];
        // Each part counted and resolved on its own (no phrase left out: a phrase rare in a
        // part may not be rare in all).
        let count = |part: &[usize]| {
            let mut counter = Counter::new(&t, &m, CountOptions::default());
            for &i in part {
                counter.set_document(i as u64, i as u64);
                counter.add(&format!("d{i}"), Some(["p0", "p1"][i % 2]), docs[i]);
            }
            let options = CombineOptions {
                prune_below: None,
                first_docs_in: &watched,
                places: &FxHashMap::default(),
            };
            combine(vec![counter.finish()], &options).unwrap()
        };
        let finished = |(mut counts, first): (Counts, FirstDocs)| {
            counts.prune_phrases(2);
            let mut counts = counts.finish().unwrap();
            counts.kwic_sample(200);
            (counts, first)
        };
        let whole = finished(count(&[0, 1, 2, 3, 4, 5]));
        let merge = |parts: Vec<(Counts, FirstDocs)>| {
            parts
                .into_iter()
                .reduce(|(c, f), (c2, f2)| (c.merge(c2), f.merge(f2)))
                .unwrap()
        };
        let two = finished(merge(vec![count(&[0, 3, 4]), count(&[1, 2, 5])]));
        let three = finished(merge(vec![count(&[5]), count(&[0, 2]), count(&[4, 1, 3])]));
        // In another grouping and order.
        let (a, b, c) = (count(&[5]), count(&[0, 2]), count(&[4, 1, 3]));
        let regrouped = finished(merge(vec![merge(vec![c, a]), b]));
        assert_eq!(two, whole);
        assert_eq!(three, whole);
        assert_eq!(regrouped, whole);
        // Dispersion was worked out after merging, from the totals of the whole.
        let commiss = whole.0.periods["p0"].terms.get("commiss").unwrap();
        assert_eq!(
            three.0.periods["p0"].terms.get("commiss").unwrap().spread,
            commiss.spread
        );
        assert!(commiss.spread.get().is_some());
    }
}

#[cfg(test)]
#[path = "label_tests.rs"]
mod label_tests;
