//! Text clean-up before words are split: Unicode NFKC normalisation, removal of invisible
//! characters, and masking of things that look like words but are not (URLs, e-mail addresses).
//!
//! Numbers and phone numbers need no masking here: the splitter drops any token without a letter.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// URLs, `www.` addresses, e-mail addresses and bare domain names.
///
/// The bare-domain branch is case-sensitive (lower case only) so that a missing space between
/// sentences, as in `up.He` or `time.One`, is not mistaken for a domain.
static NOT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
        r"|(?i:\b(?:https?|ftp)://\S+)",
        r"|(?i:\bwww\.\S+)",
        r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|int|mil|info|biz|io|co|uk|eu|us|ca|au|de|fr|nz|ie|nhs)\b(?:/\S*)?",
    ))
    .expect("URL pattern is valid")
});

/// Characters that change how a word is stored but not how it reads: soft hyphen, zero-width
/// joiners, word joiner and byte-order mark. They are deleted, so `co\u{AD}operate` is `cooperate`.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Normalise `text` for splitting: NFKC (so ligatures like `ﬁ` become `fi` and full-width
/// letters become ASCII), invisible characters removed, zero-width spaces made real spaces,
/// and URLs and e-mail addresses replaced by a space.
pub(crate) fn normalise(text: &str) -> Cow<'_, str> {
    let text: Cow<'_, str> = if text.is_ascii()
        || (is_nfkc_quick(text.chars()) == IsNormalized::Yes
            && !text.contains(|c| is_invisible(c) || c == '\u{200B}'))
    {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.nfkc()
                .filter(|&c| !is_invisible(c))
                .map(|c| if c == '\u{200B}' { ' ' } else { c })
                .collect(),
        )
    };
    mask_not_words(text)
}

/// Replaces URLs and e-mail addresses by a space. Every match of [`NOT_WORDS`] lies inside
/// one whitespace-free chunk holding `@`, `/` or a `.` followed by a letter or digit, so only
/// such chunks go through the regex: most text is never scanned by it. The chunks are found
/// from those bytes (a vectorised search), not by walking every character. A chunk starts
/// after whitespace, so the pattern's word boundaries read the same as in the whole text.
fn mask_not_words(text: Cow<'_, str>) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    for (start, chunk) in address_chunks(&text) {
        if let Cow::Owned(masked) = NOT_WORDS.replace_all(chunk, " ") {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..start]);
            o.push_str(&masked);
            copied = start + chunk.len();
        }
    }
    match out {
        None => text,
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
    }
}

/// The whitespace-free chunks of `text` holding `@`, `/` or a `.` before an ASCII letter or
/// digit, with their byte offsets, in order, each once.
fn address_chunks(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut done = 0;
    memchr::memchr3_iter(b'@', b'/', b'.', bytes).filter_map(move |at| {
        if at < done
            || bytes[at] == b'.' && !bytes.get(at + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            return None;
        }
        let start = text[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = text[at..]
            .char_indices()
            .find(|&(_, c)| c.is_whitespace())
            .map_or(text.len(), |(i, _)| at + i);
        done = end;
        Some((start, &text[start..end]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_seed_url_email_and_keeps_sentences() {
        let s = "For more information visit www.nhsalliance2010.org.uk\n\
                 please email pressoffice@nhsalliance.org or call 07772756674.";
        let n = normalise(s);
        assert!(!n.contains("www"), "{n}");
        assert!(!n.contains("nhsalliance"), "{n}");
        assert!(n.contains("visit") && n.contains("please email") && n.contains("call"));
    }

    #[test]
    fn masks_scheme_urls_and_bare_domains_but_not_joined_sentences() {
        let n = normalise("See https://example.com/a?b=c and gov.uk/guidance. It was up.He said");
        assert!(!n.contains("example") && !n.contains("gov") && !n.contains("guidance"));
        assert!(n.contains("up.He"), "{n}");
    }

    #[test]
    fn nfkc_ligatures_and_invisibles() {
        assert_eq!(normalise("e\u{FB03}cient"), "efficient");
        assert_eq!(normalise("co\u{00AD}operate"), "cooperate");
        assert_eq!(normalise("a\u{200B}b"), "a b");
        assert_eq!(normalise("ＱＩＰＰ"), "QIPP");
        assert_eq!(
            normalise("Don’t ditch PCTs’ talents"),
            "Don’t ditch PCTs’ talents"
        );
    }

    /// Whitespace-free chunks that could hold an address, found the slow way.
    fn chunks_by_chars(text: &str) -> Vec<(usize, &str)> {
        text.split(char::is_whitespace)
            .filter(|c| !c.is_empty())
            .map(|c| (c.as_ptr() as usize - text.as_ptr() as usize, c))
            .filter(|(_, c)| {
                let b = c.as_bytes();
                b.iter().enumerate().any(|(i, &x)| {
                    x == b'@'
                        || x == b'/'
                        || (x == b'.' && b.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric()))
                })
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn address_chunks_are_the_chunks_that_might_hold_one(parts in proptest::collection::vec(
            proptest::prop_oneof![
                "[a-z0-9]{1,5}",
                "[ ./@\n\t,]{1,3}",
                proptest::prelude::Just("\u{00A0}".to_string()),
                proptest::prelude::Just("\u{2003}".to_string()),
                proptest::prelude::Just("é".to_string()),
            ],
            0..30,
        )) {
            let text = parts.concat();
            let fast: Vec<(usize, &str)> = address_chunks(&text).collect();
            proptest::prop_assert_eq!(fast, chunks_by_chars(&text));
        }
    }

    #[test]
    fn masking_by_chunk_equals_masking_the_whole_text() {
        let samples = [
            "mail a.b+c@nhs.uk now, or see http://x.org/a b.  Then www.gov.uk\tand foo.com.",
            "up.He said time.One \u{00A0}nhs.uk\u{2003}x@y.org end",
            "no addresses here at all",
            "trailing gov.uk",
        ];
        for s in samples {
            let nfkc: String = s.nfkc().collect();
            assert_eq!(normalise(s), NOT_WORDS.replace_all(&nfkc, " "), "{s}");
        }
    }
}
