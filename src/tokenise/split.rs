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

/// Where a word is in the text it was split from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte range of the word (with any apostrophe suffix) in the split text.
    pub start: usize,
    pub end: usize,
    /// True when punctuation that ends a phrase (`. ! ? ; : ,`, a bracket or quote mark, a
    /// blank line) comes between this word and the one before. Phrases (n-grams) do not
    /// cross such a break.
    pub after_break: bool,
}

/// Calls `emit` with every word of `text`, lower-cased, in order. `text` should already have
/// been through [`super::normalise::normalise`].
pub fn split_words(text: &str, mut emit: impl FnMut(&str)) {
    split_spans(text, |w, _| emit(w));
}

/// [`split_words`], with each word's [`Span`].
pub fn split_spans(text: &str, mut emit: impl FnMut(&str, Span)) {
    let mut buf = String::with_capacity(32);
    let mut start = None;
    let mut last_end = 0;
    for (i, c) in text.char_indices() {
        if is_word_char(c) || is_apostrophe(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            let after_break = last_end == 0 || is_break(&text[last_end..s]);
            split_run(text, s, i, after_break, &mut buf, &mut emit);
            last_end = i;
        }
    }
    if let Some(s) = start {
        let after_break = last_end == 0 || is_break(&text[last_end..s]);
        split_run(text, s, text.len(), after_break, &mut buf, &mut emit);
    }
}

/// True when the text between two words ends a phrase.
fn is_break(between: &str) -> bool {
    between.contains([
        '.', '!', '?', ';', ':', ',', '(', ')', '[', ']', '"', '“', '”', '…',
    ]) || between.matches('\n').count() >= 2
}

/// The run `text[from..to]` of word characters and apostrophes, e.g. `tables'where`,
/// `PCTs’`, `don't`.
fn split_run(
    text: &str,
    from: usize,
    to: usize,
    after_break: bool,
    buf: &mut String,
    emit: &mut impl FnMut(&str, Span),
) {
    let run = &text[from..to];
    let mut after_break = after_break;
    let mut out = |word: &str, start: usize, end: usize| {
        let span = Span {
            start: from + start,
            end: from + end,
            after_break,
        };
        if emit_word(word, buf, &mut |w| emit(w, span)) {
            after_break = false;
        }
    };
    if !run.contains(is_apostrophe) {
        out(run, 0, run.len());
        return;
    }
    let offset = |part: &str| part.as_ptr() as usize - run.as_ptr() as usize;
    let mut word = String::new();
    let (mut word_start, mut word_end) = (0, 0);
    for (index, part) in run.split(is_apostrophe).enumerate() {
        let joins = !word.is_empty()
            && !part.is_empty()
            && (CONTRACTION_ENDINGS.contains(&lower(part).as_str())
                || (index == 1 && APOSTROPHE_PREFIXES.contains(&lower(&word).as_str())));
        if joins {
            word.push('\'');
        } else {
            out(strip_possessive(&word), word_start, word_end);
            word.clear();
            word_start = offset(part);
        }
        word.push_str(part);
        word_end = offset(part) + part.len();
    }
    out(strip_possessive(&word), word_start, word_end);
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

/// Lower-cases `word` into `buf` and emits it when it holds at least one letter; says
/// whether it did.
fn emit_word(word: &str, buf: &mut String, emit: &mut impl FnMut(&str)) -> bool {
    if !word.chars().any(char::is_alphabetic) {
        return false;
    }
    buf.clear();
    if word.is_ascii() {
        buf.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
    emit(buf);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        split_words(s, |w| out.push(w.to_string()));
        out
    }

    fn spans(s: &str) -> Vec<(String, &str, bool)> {
        let mut out = Vec::new();
        split_spans(s, |w, sp| {
            out.push((w.to_string(), &s[sp.start..sp.end], sp.after_break))
        });
        out
    }

    #[test]
    fn spans_point_into_the_text_and_mark_phrase_breaks() {
        let got = spans("Primary care, said Dr. Dixon: PCTs’ top-tables\n\nDon’t 2010 go");
        let want = [
            ("primary", "Primary", true),
            ("care", "care", false),
            ("said", "said", true),
            ("dr", "Dr", false),
            ("dixon", "Dixon", true),
            ("pcts", "PCTs", true),
            ("top", "top", false),
            ("tables", "tables", false),
            ("don't", "Don’t", true),
            ("go", "go", false),
        ];
        let got: Vec<(&str, &str, bool)> =
            got.iter().map(|(w, t, b)| (w.as_str(), *t, *b)).collect();
        assert_eq!(got, want);
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
