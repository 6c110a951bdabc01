//! A phrase's label whatever the threads: generated corpora in which one phrase is written in
//! several forms (capitals, possessives with a straight or curly apostrophe, inflected words
//! with the same stems), with forms, counts, document sizes and reading order all varying,
//! counted by one, two and three counters; each must give the label README's rule names
//! (the phrase's forms with fewest capitals, at most [`KEPT`], then the most frequent form
//! once case is set aside, in its most frequent case), worked out here on its own.

use proptest::prelude::*;

use super::forms::{FormKey, KEPT};
use super::*;
use crate::lexicon::{tests::english, Lexicon};

/// Ways each word of the phrase `fix powerpc` is written: the same stems (`fix`, `powerpc`).
const FIRST: [&str; 5] = ["fix", "Fix", "FIX", "fixed", "Fixes"];
const SECOND: [&str; 4] = ["powerpc", "PowerPC", "POWERPC", "Powerpc"];
const POSSESSIVE: [&str; 3] = ["", "'s", "\u{2019}s"];
/// Words around the phrase: none is a stopword or shares a stem with it.
const FILLER: [&str; 6] = ["kernel", "build", "release", "patch", "driver", "module"];

/// The label README's rule gives a phrase written `forms` (as the texts write them, each
/// with its count).
fn expected_label(forms: &[(String, u64)]) -> String {
    // A possessive is left off the form (`powerpc's` is written `powerpc`).
    let mut written: Vec<(String, u64)> = Vec::new();
    for (f, c) in forms {
        let f = f.replace('\u{2019}', "'");
        let f = f.strip_suffix("'s").unwrap_or(&f).to_string();
        match written.iter_mut().find(|w| w.0 == f) {
            Some(w) => w.1 += c,
            None => written.push((f, *c)),
        }
    }
    // The kept forms: fewest capitals first, in the fixed order README names.
    written.sort_by_key(|(f, _)| (FormKey::of_text(f), f.clone()));
    written.truncate(KEPT);
    // The most frequent form once case is set aside (ties: alphabetically first)...
    let lower = |f: &str| f.to_lowercase();
    let mut totals: Vec<(String, u64)> = Vec::new();
    for (f, c) in &written {
        match totals.iter_mut().find(|t| t.0 == lower(f)) {
            Some(t) => t.1 += c,
            None => totals.push((lower(f), *c)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let group = &totals[0].0;
    // ...in its most frequent case (ties: fewest capitals, then bytes).
    let capitals = |f: &str| f.chars().filter(|c| c.is_uppercase()).count();
    let mut cases: Vec<&(String, u64)> = written.iter().filter(|w| lower(&w.0) == *group).collect();
    cases.sort_by(|a, b| {
        (b.1.cmp(&a.1))
            .then(capitals(&a.0).cmp(&capitals(&b.0)))
            .then(a.0.cmp(&b.0))
    });
    cases[0].0.clone()
}

/// The label of `fix powerpc` when `docs` are counted by `counters` counters, document `i`
/// by counter `assign[i] % counters`.
fn counted_label(docs: &[String], counters: usize, assign: &[usize]) -> String {
    let t = english();
    let empty = Lexicon::default();
    let m = Matcher::new(&empty);
    let mut all: Vec<Counter> = (0..counters)
        .map(|_| Counter::new(&t, &m, CountOptions::default()))
        .collect();
    for (i, d) in docs.iter().enumerate() {
        let counter = &mut all[assign[i] % counters];
        counter.set_document(i as u64, i as u64);
        counter.add(&format!("d{i}"), Some("p"), d);
    }
    let options = CombineOptions {
        prune_below: None,
        first_docs_in: &[],
        places: &FxHashMap::default(),
    };
    let (counts, _) = combine(all.into_iter().map(Counter::finish).collect(), &options).unwrap();
    let counts = counts.finish().unwrap();
    // A phrase's label is its kept forms' (what measure's labels take for a phrase).
    let forms = &counts.phrase_forms["fix powerpc"];
    forms.label().expect("a form").to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_phrase_is_labelled_by_readmes_rule_on_any_number_of_counters(
        uses in prop::collection::vec((0..FIRST.len(), 0..SECOND.len(), 0..POSSESSIVE.len(), 0usize..40, 0usize..3), 1..40),
        order in any::<u64>(),
    ) {
        let mut forms: Vec<(String, u64)> = Vec::new();
        let mut docs: Vec<String> = Vec::new();
        for (k, &(a, b, s, filler, lead)) in uses.iter().enumerate() {
            let form = format!("{} {}{}", FIRST[a], SECOND[b], POSSESSIVE[s]);
            match forms.iter_mut().find(|f| f.0 == form) {
                Some(f) => f.1 += 1,
                None => forms.push((form.clone(), 1)),
            }
            // Documents of different sizes: the phrase after some words and a full stop.
            let words: Vec<&str> = (0..filler).map(|i| FILLER[(i + k) % FILLER.len()]).collect();
            let before = if lead == 0 { String::new() } else { format!("{}. ", words.join(" ")) };
            docs.push(format!("{before}{form} again. {}", FILLER[k % FILLER.len()]));
        }
        let expected = expected_label(&forms);
        let assign: Vec<usize> = (0..docs.len())
            .map(|i| (order.rotate_left(i as u32 % 64) as usize) ^ i)
            .collect();
        for counters in 1..=3 {
            prop_assert_eq!(counted_label(&docs, counters, &assign), expected.clone(), "{} counters, forms {:?}", counters, forms);
        }
    }
}
