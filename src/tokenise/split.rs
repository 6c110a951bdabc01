//! Splitting normalised text into lower-cased words.
//!
//! A word is a run of letters, digits and combining marks. Everything else separates words:
//! spaces, punctuation, hyphens (`re-examined` is `re` + `examined`) and full stops (`up.He` is
//! `up` + `he`). A word joined to the one before by a hyphen alone says so
//! ([`Span::after_hyphen`]), so a lexicon pattern written `top-down` can ask for the hyphen. Apostrophes (straight, curly or modifier) are one character, and stay inside a
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
    /// Byte range of the word (with any apostrophe suffix) in the split text, as `u32` to keep
    /// the per-word buffers small (a 20 MB text of short words holds 7 million spans); the
    /// texts split are at most 4 GiB (see [`split_spans`]). Read it with [`Span::range`].
    start: u32,
    end: u32,
    /// True when punctuation that ends a phrase (`. ! ? ; : ,`, a bracket or quote mark, a
    /// blank line) comes between this word and the one before. Phrases (n-grams) do not
    /// cross such a break.
    pub(crate) after_break: bool,
    /// True when a single hyphen (`-`, `‐` or `‑`), and nothing else, joins this word to the
    /// word before it (`top-down`; not `top - down`, `top--down`, or `2010-plan` after a
    /// number, which is no word).
    pub after_hyphen: bool,
}

impl Span {
    fn new(start: usize, end: usize, after_break: bool, after_hyphen: bool) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
            after_break,
            after_hyphen,
        }
    }

    /// Byte range of the word in the split text.
    pub(crate) fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Calls `emit` with every word of `text`, lower-cased, in order. `text` should already have
/// been through [`super::normalise::normalise`].
pub(crate) fn split_words(text: &str, mut emit: impl FnMut(&str)) {
    split_spans(text, |w, _| emit(w));
}

/// [`split_words`], with each word's [`Span`].
///
/// One pass over the bytes: ASCII bytes are classed by a table, so the common case (a run of
/// ASCII letters and digits) is found, checked for a letter and lower-cased without decoding
/// a character; a word with no capital is handed out as a slice of `text`, not copied. Runs
/// holding an apostrophe or a non-ASCII character go through `split_run`, the general rule.
/// `tests::split_spans_by_chars` is the same rule read a character at a time, and a
/// property test holds the two to the same output.
///
/// Panics for a text over 4 GiB (spans hold `u32` offsets): the texts split are a document
/// read whole (under [`crate::ingest::stream::STREAM_ABOVE`]), a part of a streamed file, or
/// a table's cell (Arrow's strings are under 2 GiB).
pub(crate) fn split_spans(text: &str, mut emit: impl FnMut(&str, Span)) {
    assert!(u32::try_from(text.len()).is_ok(), "text over 4 GiB");
    let bytes = text.as_bytes();
    let mut buf = String::with_capacity(32);
    // The run being read: where it starts and what it holds so far.
    let mut start: Option<usize> = None;
    let mut seen = 0u8;
    let mut gap = Gap::default();
    let mut finish = |s: usize, e: usize, seen: u8, gap: Gap| -> bool {
        let (after_break, after_hyphen) = (gap.is_break(), gap.is_hyphen());
        if seen & (APOSTROPHE | OTHER) == 0 {
            if seen & LETTER == 0 {
                return false;
            }
            let span = Span::new(s, e, after_break, after_hyphen);
            let run = &text[s..e];
            if seen & UPPER == 0 {
                emit(run, span);
            } else {
                buf.clear();
                buf.extend(run.bytes().map(|b| b.to_ascii_lowercase() as char));
                emit(&buf, span);
            }
            true
        } else {
            split_run(text, s, e, (after_break, after_hyphen), &mut buf, &mut emit)
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (class, len, c) = if b < 0x80 {
            (CLASS[b as usize], 1, b as char)
        } else {
            let c = text[i..].chars().next().expect("i is on a char boundary");
            let class = if is_word_char(c) || is_apostrophe(c) {
                OTHER
            } else if matches!(c, '“' | '”' | '…') {
                BREAK
            } else if is_hyphen(c) {
                HYPHEN
            } else {
                0
            };
            (class, c.len_utf8(), c)
        };
        if class & (LETTER | DIGIT | APOSTROPHE | OTHER) != 0 {
            if start.is_none() {
                start = Some(i);
                seen = 0;
            }
            seen |= class;
        } else {
            if let Some(s) = start.take() {
                gap = Gap::after(finish(s, i, seen, gap));
            }
            gap.broke |= class & BREAK != 0;
            if b == b'\n' {
                gap.newlines += 1;
                gap.line_start = true;
            } else if gap.line_start && !c.is_whitespace() {
                gap.broke |= LIST_MARKERS.contains(&c);
                gap.line_start = false;
            }
            gap.chars += 1;
            gap.hyphen = class & HYPHEN != 0;
        }
        i += len;
    }
    if let Some(s) = start {
        finish(s, text.len(), seen, gap);
    }
}

/// What lies between the last run of word characters and the next.
#[derive(Debug, Clone, Copy)]
struct Gap {
    /// No run has ended yet: the first word always follows a break.
    first: bool,
    /// The last run gave a word (a number gives none).
    word_before: bool,
    /// A phrase break seen; newlines seen.
    broke: bool,
    newlines: u32,
    /// Only white space since the last newline: a list marker here is a phrase break.
    line_start: bool,
    /// Characters seen, and whether the last was a hyphen.
    chars: u32,
    hyphen: bool,
}

impl Default for Gap {
    fn default() -> Gap {
        Gap {
            first: true,
            word_before: false,
            broke: false,
            newlines: 0,
            line_start: false,
            chars: 0,
            hyphen: false,
        }
    }
}

impl Gap {
    /// The gap after a run, which gave a word or not.
    fn after(word_before: bool) -> Gap {
        Gap {
            first: false,
            word_before,
            ..Gap::default()
        }
    }

    /// The next word starts a phrase ([`Span::after_break`]).
    fn is_break(&self) -> bool {
        self.first || self.broke || self.newlines >= 2
    }

    /// The next word is joined to the word before by one hyphen ([`Span::after_hyphen`]).
    fn is_hyphen(&self) -> bool {
        self.word_before && self.chars == 1 && self.hyphen
    }
}

/// Characters that mark a list item when they open a line (after any white space): the
/// item's first word starts a phrase, so `* Fix the build` then `* New upstream release` on
/// the next line give no `build new`. A numbered item (`1.`, `2)`) ends with a break already.
const LIST_MARKERS: [char; 9] = ['*', '-', '+', '•', '◦', '▪', '‣', '–', '—'];

/// Byte classes of ASCII characters for [`split_spans`].
const LETTER: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 4;
const APOSTROPHE: u8 = 8;
/// A non-ASCII word character or apostrophe: the run takes the general path.
const OTHER: u8 = 16;
/// Punctuation that ends a phrase (see [`Span::after_break`]).
const BREAK: u8 = 32;
/// A hyphen (see [`Span::after_hyphen`]).
const HYPHEN: u8 = 64;

static CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() {
            LETTER
        } else if c.is_ascii_uppercase() {
            LETTER | UPPER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c == b'\'' {
            APOSTROPHE
        } else if matches!(
            c,
            b'.' | b'!' | b'?' | b';' | b':' | b',' | b'(' | b')' | b'[' | b']' | b'"'
        ) {
            BREAK
        } else if c == b'-' {
            HYPHEN
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The run `text[from..to]` of word characters and apostrophes, e.g. `tables'where`,
/// `PCTs’`, `don't`. `(after_break, after_hyphen)` say what came before the run: they hold for
/// its first word (the hyphen only when that word starts the run). Says whether it gave a word.
fn split_run(
    text: &str,
    from: usize,
    to: usize,
    (after_break, after_hyphen): (bool, bool),
    buf: &mut String,
    emit: &mut impl FnMut(&str, Span),
) -> bool {
    let run = &text[from..to];
    let mut before = Some((after_break, after_hyphen));
    let mut out = |word: &str, start: usize, end: usize| {
        let (after_break, after_hyphen) = before.unwrap_or((false, false));
        let span = Span::new(
            from + start,
            from + end,
            after_break,
            after_hyphen && start == 0,
        );
        if emit_word(word, buf, &mut |w| emit(w, span)) {
            before = None;
        }
    };
    if !run.contains(is_apostrophe) {
        out(run, 0, run.len());
        return before.is_none();
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
    before.is_none()
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
    use proptest::prelude::*;

    /// The splitting rule read a character at a time: what [`split_spans`] must equal.
    pub(super) fn split_spans_by_chars(text: &str, mut emit: impl FnMut(&str, Span)) {
        let mut buf = String::with_capacity(32);
        let mut start = None;
        let mut last_end = 0;
        let mut word_before = false;
        let mut run = |s: usize, e: usize, last_end: usize, word_before: bool| {
            let between = &text[last_end..s];
            let after_break = last_end == 0 || is_break(between);
            let mut chars = between.chars();
            let after_hyphen =
                word_before && chars.next().is_some_and(is_hyphen) && chars.next().is_none();
            split_run(text, s, e, (after_break, after_hyphen), &mut buf, &mut emit)
        };
        for (i, c) in text.char_indices() {
            if is_word_char(c) || is_apostrophe(c) {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                word_before = run(s, i, last_end, word_before);
                last_end = i;
            }
        }
        if let Some(s) = start {
            run(s, text.len(), last_end, word_before);
        }
    }

    /// True when the text between two words ends a phrase.
    fn is_break(between: &str) -> bool {
        between.contains([
            '.', '!', '?', ';', ':', ',', '(', ')', '[', ']', '"', '“', '”', '…',
        ]) || between.matches('\n').count() >= 2
            || between
                .split('\n')
                .skip(1)
                .any(|line| line.trim_start().starts_with(LIST_MARKERS))
    }

    type Words = Vec<(String, Span)>;

    fn both(text: &str) -> (Words, Words) {
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        split_spans(text, |w, s| fast.push((w.to_string(), s)));
        split_spans_by_chars(text, |w, s| slow.push((w.to_string(), s)));
        (fast, slow)
    }

    #[test]
    fn the_byte_scan_equals_the_character_rule_on_hard_cases() {
        for text in [
            "",
            "a",
            "  Hello, World!\n\nNew para",
            "word, 2010 next",
            "Don’t PCTs’ it's O'Brien d'Arcy ''x'' 'quoted'",
            "naïve Émile ÖFFENTLICH “quoted” said… then",
            "a\u{0301}b c\u{0301}",
            "x\n \ny\nz",
            "ÉCOLE’s and NHS's",
            "tab\tsep;semi:colon(paren)[br]\"q\"",
            "* Fix the build\n* New upstream release\n  - nested item\n\t• bullet\nplain line",
            "a\n-b c\n - d e\n2010 -\nf-g\n—h",
        ] {
            let (fast, slow) = both(text);
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_byte_scan_equals_the_character_rule(parts in prop::collection::vec(
            prop_oneof![
                "[A-Za-z0-9]{1,8}",
                "[ .,;:!?\n\t'\"()\\[\\]-]{1,3}",
                Just("-".to_string()), Just("\u{2010}".to_string()),
                Just("’".to_string()), Just("‘".to_string()), Just("ʼ".to_string()),
                Just("“".to_string()), Just("”".to_string()), Just("…".to_string()),
                Just("É".to_string()), Just("ß".to_string()), Just("\u{0301}".to_string()),
                Just("\u{00A0}".to_string()), Just("٣".to_string()), Just("İ".to_string()),
                Just("\n* ".to_string()), Just("*".to_string()), Just("•".to_string()),
                Just("\n  – ".to_string()),
                any::<char>().prop_map(|c| c.to_string()),
            ],
            0..40,
        )) {
            let text = parts.concat();
            let (fast, slow) = both(&text);
            prop_assert_eq!(fast, slow);
        }
    }

    fn words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        split_words(s, |w| out.push(w.to_string()));
        out
    }

    fn spans(s: &str) -> Vec<(String, &str, bool)> {
        let mut out = Vec::new();
        split_spans(s, |w, sp| {
            out.push((w.to_string(), &s[sp.range()], sp.after_break))
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
    fn a_list_item_starts_a_phrase() {
        let breaks = |text| -> Vec<(String, bool)> {
            spans(text).into_iter().map(|(w, _, b)| (w, b)).collect()
        };
        let got = breaks("* Fix the build\n* New upstream release\n  • third item\nsame line");
        let starts: Vec<&str> = got
            .iter()
            .filter(|(_, b)| *b)
            .map(|(w, _)| w.as_str())
            .collect();
        assert_eq!(starts, ["fix", "new", "third"], "{got:?}");
        // A hyphen or star inside a line is no marker; nor is one after a word on its line.
        let got = breaks("top-down work\nthe 5 * 3 rule -\nnext");
        assert!(got.iter().skip(1).all(|(_, b)| !b), "{got:?}");
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

    fn hyphens(s: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        split_spans(s, |w, sp| out.push((w.to_string(), sp.after_hyphen)));
        out
    }

    #[test]
    fn a_word_joined_by_one_hyphen_says_so_and_no_other_does() {
        let got = hyphens("top-down, top down, top - down, top--down 2010-plan x\u{2011}y re-'x'");
        let joined: Vec<&str> = got
            .iter()
            .filter(|(_, h)| *h)
            .map(|(w, _)| w.as_str())
            .collect();
        assert_eq!(joined, ["down", "y"]);
        assert_eq!(hyphens("-top")[0], ("top".to_string(), false));
        assert_eq!(
            hyphens("NHS's-led PCTs’-led"),
            [
                ("nhs".to_string(), false),
                ("led".to_string(), true),
                ("pcts".to_string(), false),
                ("led".to_string(), true)
            ]
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
