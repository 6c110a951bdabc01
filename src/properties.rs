//! Property tests: the tokeniser, the date reader, the lexicon parser and the CSV writer never
//! panic on any input, and the counting invariants hold (tokens counted = single-word term
//! counts plus stopwords; theme hits never exceed tokens; per_10k agrees with the counts).

use std::path::Path;

use crate::count::count_document;
use crate::ingest::date::{self, DateOrder};
use crate::lexicon::{Lexicon, Matcher};
use crate::measure::stats;
use crate::report::csv::to_csv;
use crate::tokenise::{stem, Stemmer, Stopwords, Tokeniser};
use polars::prelude::*;
use proptest::prelude::*;

fn english() -> Tokeniser {
    Tokeniser::new(
        Stemmer::new(stem::algorithm("english")),
        Stopwords::builtin("english"),
    )
}

const LEXICON: &str = include_str!("../input/themes.toml");

/// Text that looks like news copy, with the characters that make tokenising hard.
fn texty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[A-Za-z]{1,12}",
            Just("PCTs’".to_string()),
            Just("don't".to_string()),
            Just("up.He".to_string()),
            Just("top-tables".to_string()),
            Just("www.nhs.uk".to_string()),
            Just("a@b.org".to_string()),
            Just("\u{00AD}\u{200B}\u{FB01}".to_string()),
            Just("07772 756674".to_string()),
            "[ .,;:!?\n\r\t'\"()-]{1,3}",
            any::<String>(),
        ],
        0..60,
    )
    .prop_map(|parts| parts.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn counting_invariants_hold(text in texty()) {
        let t = english();
        let lexicon = Lexicon::parse(LEXICON, Path::new("themes.toml"), &t).unwrap();
        let matcher = Matcher::new(&lexicon);
        let mut words = Vec::new();
        t.words(&text, |w| words.push(w.to_string()));
        let (counts, size) = count_document(&text, &t, &matcher);
        prop_assert_eq!(size.tokens as usize, words.len());
        prop_assert_eq!(counts.tokens, size.tokens);
        let stop = words.iter().filter(|w| t.is_stopword(w)).count() as u64;
        let single: u64 = counts
            .terms
            .iter()
            .filter(|(term, _)| !term.contains(' '))
            .map(|(_, c)| c.count)
            .sum();
        prop_assert_eq!(single + stop, size.tokens);
        for theme in &counts.themes {
            prop_assert!(theme.hits <= size.tokens);
            prop_assert!(theme.docs <= 1);
        }
        for w in &words {
            prop_assert!(w.chars().any(char::is_alphabetic), "{w:?} has no letter");
            prop_assert_eq!(w.to_lowercase(), w.clone());
        }
    }

    #[test]
    fn date_reader_never_panics_and_dates_are_in_range(s in any::<String>(), line in "[A-Za-z0-9 /,:-]{0,40}") {
        for order in [DateOrder::DayFirst, DateOrder::MonthFirst] {
            for d in [
                date::find_date(&s, order),
                date::find_date(&line, order),
                date::parse_date_cell(&line, order),
                date::scan_header(&s, order).date.map(|(d, _)| d),
                date::date_from_file_name(&line),
            ]
            .into_iter()
            .flatten()
            {
                let year = chrono::Datelike::year(&d);
                prop_assert!((1800..=2100).contains(&year), "{d}");
            }
        }
    }

    #[test]
    fn lexicon_parser_never_panics(s in any::<String>(), patterns in prop::collection::vec(any::<String>(), 0..5)) {
        let t = english();
        let _ = Lexicon::parse(&s, Path::new("x.toml"), &t);
        let toml = format!(
            "[[theme]]\nname = \"t\"\npatterns = [{}]\n",
            patterns.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ")
        );
        if let Ok(lexicon) = Lexicon::parse(&toml, Path::new("x.toml"), &t) {
            let matcher = Matcher::new(&lexicon);
            let _ = count_document("a b c the centre", &t, &matcher);
        }
    }

    #[test]
    fn csv_cells_round_trip_and_formulas_are_neutralised(cells in prop::collection::vec(any::<String>(), 1..20), x in 0.0f64..1e9) {
        let df = df!(
            "text" => cells.clone(),
            "per_10k" => vec![x; cells.len()],
        ).unwrap();
        let bytes = to_csv(&df).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        prop_assert_eq!(rows.len(), cells.len());
        for (row, cell) in rows.iter().zip(&cells) {
            let want = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{cell}")
            } else {
                cell.clone()
            };
            prop_assert_eq!(&row[0], want.as_str());
            prop_assert!(!row[1].contains(['e', 'E']), "no scientific notation: {}", &row[1]);
            let back: f64 = row[1].parse().unwrap();
            prop_assert!((back - x).abs() <= 0.00005 * x.max(1.0));
        }
    }

    #[test]
    fn per_10k_agrees_with_counts(count in 0u64..1_000_000, tokens in 1u64..100_000_000) {
        let r = stats::per_10k(count, tokens);
        prop_assert!((r * tokens as f64 / 10_000.0 - count as f64).abs() < 1e-6 * (count as f64).max(1.0));
        let g2 = stats::log_likelihood(count.min(tokens), 0, tokens, tokens);
        prop_assert!(g2 >= 0.0 && g2.is_finite());
        let p = stats::p_value(g2);
        prop_assert!((0.0..=1.0).contains(&p));
    }
}
