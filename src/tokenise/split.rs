//! Splitting normalised text into lower-cased words.
//!
//! A word is a run of letters, digits and combining marks. Everything else separates words:
//! spaces, punctuation, hyphens (`re-examined` is `re` + `examined`) and full stops (`up.He` is
//! `up` + `he`). Apostrophes (straight, curly or modifier) are one character, and stay inside a
//! word only in contractions (`don't`, `they're`, `o'clock`); a possessive `'s` is dropped
//! (`NHS's` -> `nhs`) and so is a trailing plural-possessive apostrophe (`PCTs’` -> `pcts`). A
//! token with no letter at all (a number, a phone number, a year) is not a word.

use unicode_normalization::char::is_combining_mark;

/// Word endings after an apostrophe that make a contraction or possessive, not a quotation
/// mark: `don't`, `it's`, `they're`, `we've`, `we'll`, `he'd`, `I'm`.
const CONTRACTION_ENDINGS: [&str; 7] = ["t", "s", "re", "ve", "ll", "d", "m"];

/// Single-letter prefixes that take an apostrophe in English names and phrases:
/// `o'clock`, `O'Brien`, `d'Arcy`, `l'Oréal`.
const APOSTROPHE_PREFIXES: [&str; 3] = ["o", "d", "l"];

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Calls `emit` with every word of `text`, lower-cased, in order. `text` should already have
/// been through [`super::normalise::normalise`].
pub fn split_words(text: &str, mut emit: impl FnMut(&str)) {
    let mut buf = String::with_capacity(32);
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) || is_apostrophe(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            split_run(&text[s..i], &mut buf, &mut emit);
        }
    }
    if let Some(s) = start {
        split_run(&text[s..], &mut buf, &mut emit);
    }
}

/// A run of word characters and apostrophes, e.g. `tables'where`, `PCTs’`, `don't`.
fn split_run(run: &str, buf: &mut String, emit: &mut impl FnMut(&str)) {
    if !run.contains(is_apostrophe) {
        emit_word(run, buf, emit);
        return;
    }
    let mut word = String::new();
    for (index, part) in run.split(is_apostrophe).enumerate() {
        let joins = !word.is_empty()
            && !part.is_empty()
            && (CONTRACTION_ENDINGS.contains(&lower(part).as_str())
                || (index == 1 && APOSTROPHE_PREFIXES.contains(&lower(&word).as_str())));
        if joins {
            word.push('\'');
        } else {
            emit_word(strip_possessive(&word), buf, emit);
            word.clear();
        }
        word.push_str(part);
    }
    emit_word(strip_possessive(&word), buf, emit);
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// `nhs's` -> `nhs`; `don't` and `it'd` are left alone.
fn strip_possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("'S"))
        .unwrap_or(word)
}

/// Lower-cases `word` into `buf` and emits it when it holds at least one letter.
fn emit_word(word: &str, buf: &mut String, emit: &mut impl FnMut(&str)) {
    if !word.chars().any(char::is_alphabetic) {
        return;
    }
    buf.clear();
    if word.is_ascii() {
        buf.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
    emit(buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        split_words(s, |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn missing_space_after_full_stop_splits() {
        assert_eq!(
            words("could be up.He said"),
            ["could", "be", "up", "he", "said"]
        );
    }

    #[test]
    fn quoted_phrase_run_into_next_word() {
        assert_eq!(
            words("about is 'top tables'where the"),
            ["about", "is", "top", "tables", "where", "the"]
        );
    }

    #[test]
    fn plural_possessive_curly_and_straight() {
        assert_eq!(words("PCTs’ talents"), ["pcts", "talents"]);
        assert_eq!(words("PCTs' talents"), ["pcts", "talents"]);
    }

    #[test]
    fn possessive_s_dropped() {
        assert_eq!(words("the NHS's plans"), ["the", "nhs", "plans"]);
        assert_eq!(
            words("the coalition’s plans"),
            ["the", "coalition", "plans"]
        );
    }

    #[test]
    fn contractions_stay_one_word_with_one_apostrophe() {
        assert_eq!(words("Don’t ditch"), ["don't", "ditch"]);
        assert_eq!(
            words("we're they’ve o'clock"),
            ["we're", "they've", "o'clock"]
        );
    }

    #[test]
    fn hyphenated_words_split() {
        assert_eq!(
            words("re-examined top-down"),
            ["re", "examined", "top", "down"]
        );
        assert_eq!(words("value-driven—really"), ["value", "driven", "really"]);
    }

    #[test]
    fn numbers_and_phones_are_not_words_but_alphanumerics_are() {
        assert_eq!(
            words("call 07772756674 on 18-19 November 2010, 3.5% python3 G8"),
            ["call", "on", "november", "python3", "g8"]
        );
    }

    #[test]
    fn unicode_letters_lowercased() {
        assert_eq!(
            words("Émile ÖFFENTLICH naïve"),
            ["émile", "öffentlich", "naïve"]
        );
    }

    #[test]
    fn leading_and_lone_apostrophes_are_quotes() {
        assert_eq!(
            words("'make history, or become history'"),
            ["make", "history", "or", "become", "history"]
        );
        assert_eq!(words("' ’ ''"), Vec::<String>::new());
    }
}
