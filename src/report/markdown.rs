//! Text from the documents (theme names, labels, period names) put into findings.md so that it
//! reads the same rendered and as plain text: a character is escaped only where CommonMark
//! (with GitHub's strikethrough) would read it as markup, so `vcs_legacy`, `C++` and
//! `A & E` stay as written while `*key*`, `[a](b)` and `<b>` are shown, not obeyed.
//!
//! The rules are those of the CommonMark specification, version 0.31.2
//! (<https://spec.commonmark.org/0.31.2/>): emphasis only from delimiter runs that can open or
//! close (§6.2, left- and right-flanking runs; `_` not inside a word), links only where a `]`
//! is followed by `(`, `[` or `:` (§6.3), raw HTML and autolinks only from `<` before a letter,
//! `/`, `!` or `?` (§6.5, §6.6), entities only from `&` before a name or number and `;` (§2.5),
//! code spans only where a second backtick could close one (§6.1), and block markers only at
//! the start of the line (§4, §5).

/// `text`, one line of inline content, with what CommonMark would read as markup escaped by a
/// backslash and nothing else.
pub(crate) fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let backticks = chars.iter().filter(|&&c| c == '`').count();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '*' | '_' | '~') {
            // A delimiter run: escaped whole when it could open or close emphasis.
            let end = i + chars[i..].iter().take_while(|&&d| d == c).count();
            let active = i == 0 && c != '~' || run_is_active(&chars, i, end, c);
            for _ in i..end {
                if active {
                    out.push('\\');
                }
                out.push(c);
            }
            i = end;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let escaped = match c {
            '\\' => next.is_none_or(|n| n.is_ascii_punctuation()),
            '`' => backticks > 1,
            ']' => matches!(next, Some('(' | '[' | ':')),
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '&' => is_entity(&chars[i + 1..]),
            _ if i == 0 => starts_block(&chars),
            '.' | ')' => {
                i > 0 && i <= 9 && chars[..i].iter().all(char::is_ascii_digit) && {
                    next.is_none_or(|n| n == ' ' || n == '\t')
                }
            }
            _ => false,
        };
        if escaped {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Whether the run of `c` at `chars[start..end]` can open or close emphasis (or, for `~`,
/// strikethrough), by CommonMark's flanking rules.
fn run_is_active(chars: &[char], start: usize, end: usize, c: char) -> bool {
    let before = start.checked_sub(1).map(|k| chars[k]);
    let after = chars.get(end).copied();
    let space = |x: Option<char>| x.is_none_or(char::is_whitespace);
    let punct = |x: Option<char>| x.is_some_and(is_punctuation);
    let left = !space(after) && (!punct(after) || space(before) || punct(before));
    let right = !space(before) && (!punct(before) || space(after) || punct(after));
    if c == '_' {
        // `_` inside a word neither opens nor closes.
        (left && (!right || punct(before))) || (right && (!left || punct(after)))
    } else {
        left || right
    }
}

/// Unicode punctuation as CommonMark counts it: ASCII punctuation and the general categories
/// P and S (approximated by the characters that are neither alphanumeric, whitespace nor
/// control).
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace()
}

/// Whether `rest` (after an `&`) reads as an entity or numeric character reference.
fn is_entity(rest: &[char]) -> bool {
    let body: Vec<char> = rest
        .iter()
        .copied()
        .take_while(|&c| c != ';')
        .take(33)
        .collect();
    let closed = rest.get(body.len()) == Some(&';');
    let name = !body.is_empty()
        && (body[0].is_ascii_alphabetic() || body[0] == '#')
        && body[1..].iter().all(char::is_ascii_alphanumeric);
    closed && name
}

/// Whether the line opens with a block marker: a heading (`#`), a quote (`>`), a list item
/// (`-`, `+` before a space), a thematic break or setext line (`-`, `=`), or a code fence.
fn starts_block(chars: &[char]) -> bool {
    let next = chars.get(1).copied();
    match chars[0] {
        '>' => true,
        '#' => {
            chars.iter().take_while(|&&c| c == '#').count() <= 6 && {
                let k = chars.iter().take_while(|&&c| c == '#').count();
                chars.get(k).is_none_or(|c| c.is_whitespace())
            }
        }
        '-' | '+' => next.is_none_or(|n| n.is_whitespace() || n == chars[0]),
        '=' => chars.iter().all(|&c| c == '=' || c == ' '),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text a CommonMark reader shows for `markdown` (one list item), with its
    /// strikethrough and every other markup as the markers it would print.
    fn rendered(markdown: &str) -> String {
        use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
        let mut out = String::new();
        for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
            match event {
                Event::Text(t) => out.push_str(&t),
                Event::Code(t) => out.push_str(&format!("<code {t}>")),
                Event::Html(t) | Event::InlineHtml(t) => out.push_str(&format!("<html {t}>")),
                Event::SoftBreak | Event::HardBreak => out.push_str("<break>"),
                Event::Start(Tag::Item | Tag::List(_) | Tag::Paragraph) => {}
                Event::End(TagEnd::Item | TagEnd::List(_) | TagEnd::Paragraph) => {}
                Event::Start(tag) => out.push_str(&format!("<{tag:?}>")),
                Event::End(tag) => out.push_str(&format!("</{tag:?}>")),
                other => out.push_str(&format!("<{other:?}>")),
            }
        }
        out
    }

    fn shown(text: &str) -> String {
        rendered(&format!("- {}\n", escape(text)))
    }

    #[test]
    fn only_what_would_be_markup_is_escaped() {
        for plain in [
            "vcs_legacy",
            "snake_case_name and more_words",
            "C++ and C#",
            "A & E",
            "2 * 3 = 6",
            "price: 5 < 6 > 4",
            "[draft]",
            "100% | 50%",
            "it's ~ 5",
        ] {
            assert_eq!(escape(plain), plain, "nothing to escape in {plain:?}");
            assert_eq!(shown(plain), plain);
        }
        for (markup, expected) in [
            ("a *b* c", "a \\*b\\* c"),
            ("**bold**", "\\*\\*bold\\*\\*"),
            ("_lead", "\\_lead"),
            ("[c](d)", "[c\\](d)"),
            ("<em>", "\\<em>"),
            ("&amp;", "\\&amp;"),
            ("`code`", "\\`code\\`"),
            ("# not a heading", "\\# not a heading"),
            ("- not an item", "\\- not an item"),
            ("1. not an item", "1\\. not an item"),
            ("> not a quote", "\\> not a quote"),
            ("~~struck~~", "\\~\\~struck\\~\\~"),
        ] {
            assert_eq!(escape(markup), expected);
            assert_eq!(shown(markup), markup);
        }
    }

    proptest! {
        /// Whatever the text, a CommonMark reader shows it as written.
        #[test]
        fn any_text_renders_as_written(
            text in "[a-z _*~`\\[\\]()<>&;#!:.1\\\\+=|-]{1,24}"
        ) {
            let text = text.trim().to_string();
            prop_assume!(!text.is_empty());
            prop_assert_eq!(shown(&text), text.clone(), "escaped as {:?}", escape(&text));
        }
    }
}
