//! HTML pages: the visible text only. Markup, scripts, styles and comments are dropped,
//! character references (`&amp;`, `&#8217;`) are decoded by the WHATWG tokenizer
//! (html5gum), block elements end a line, the `<title>` is the title, and the publication
//! date comes from a `<meta>` tag (`article:published_time`, `date`, `dc.date`, ...) or the
//! first `<time datetime>`.

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// What a page holds for us.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Page {
    pub(crate) text: String,
    pub(crate) title: Option<String>,
    /// The raw date attribute, for the date reader.
    pub(crate) date: Option<String>,
}

/// Elements whose content is not visible text.
const HIDDEN: [&str; 8] = [
    "script", "style", "noscript", "template", "head", "svg", "iframe", "object",
];

/// Elements that start a new line of text.
const BLOCKS: [&str; 24] = [
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "hr",
    "figcaption",
];

/// `<meta name|property=...>` values that carry a publication date, most specific first.
const DATE_META: [&str; 7] = [
    "article:published_time",
    "datepublished",
    "pubdate",
    "publish-date",
    "dc.date",
    "dcterms.date",
    "date",
];

/// Extracts the visible text, title and date of an HTML page.
pub(crate) fn extract(html: &str) -> Page {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut page = Page::default();
    let mut hidden_depth = 0usize;
    let mut in_title = false;
    let mut title = String::new();
    let mut meta_date: Option<(usize, String)> = None;
    let mut time_date: Option<String> = None;
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                let attr = |a: &str| {
                    tag.attributes
                        .get(a.as_bytes())
                        .map(|v| String::from_utf8_lossy(&v.value).trim().to_string())
                };
                match name.as_str() {
                    "title" => in_title = true,
                    "meta" => {
                        let key = attr("property")
                            .or_else(|| attr("name"))
                            .or_else(|| attr("itemprop"))
                            .map(|k| k.to_ascii_lowercase());
                        let rank = key.and_then(|k| DATE_META.iter().position(|m| *m == k));
                        if let (Some(rank), Some(content)) = (rank, attr("content")) {
                            if meta_date.as_ref().is_none_or(|(r, _)| rank < *r) {
                                meta_date = Some((rank, content));
                            }
                        }
                    }
                    "time" if time_date.is_none() => time_date = attr("datetime"),
                    _ => {}
                }
                if HIDDEN.contains(&name.as_str()) && !tag.self_closing {
                    hidden_depth += 1;
                }
                if BLOCKS.contains(&name.as_str()) {
                    page.text.push('\n');
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if name == "title" {
                    in_title = false;
                }
                if HIDDEN.contains(&name.as_str()) {
                    hidden_depth = hidden_depth.saturating_sub(1);
                }
                if BLOCKS.contains(&name.as_str()) {
                    page.text.push('\n');
                }
            }
            Token::String(s) => {
                let s = String::from_utf8_lossy(&s.value);
                if in_title {
                    title.push_str(&s);
                } else if hidden_depth == 0 {
                    page.text.push_str(&s);
                }
            }
            _ => {}
        }
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    page.title = (!title.is_empty()).then_some(title);
    page.date = meta_date.map(|(_, d)| d).or(time_date);
    page
}

/// True when a file name says HTML (`.html`, `.htm`, or one of those compressed).
pub(crate) fn is_html(name: &str) -> bool {
    let mut buf = [0u8; 8];
    let inner = super::compressed::inner_name(name.as_bytes());
    matches!(super::walk::extension_of(inner, &mut buf), "html" | "htm")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_title_entities_and_meta_date() {
        let page = extract(
            "<!doctype html><html><head><title> PCTs &amp; the\n centre </title>\
             <meta property=\"article:published_time\" content=\"2010-07-22T09:00:00Z\">\
             <style>p { color: red }</style><script>var top = \"tables\"; if (a<b) {}</script>\
             </head><body><h1>Don&#8217;t ditch</h1><p>clinical<br>commissioning &lt;now&gt;</p>\
             <!-- a comment --><noscript>enable js</noscript><p>QIPP</p></body></html>",
        );
        assert_eq!(page.title.as_deref(), Some("PCTs & the centre"));
        assert_eq!(page.date.as_deref(), Some("2010-07-22T09:00:00Z"));
        let words: Vec<&str> = page.text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "Don\u{2019}t",
                "ditch",
                "clinical",
                "commissioning",
                "<now>",
                "QIPP"
            ]
        );
    }

    #[test]
    fn time_element_when_no_meta_and_no_title() {
        let page = extract("<p>On <time datetime=\"2003-10-16\">16 October</time> we met</p>");
        assert_eq!(page.date.as_deref(), Some("2003-10-16"));
        assert_eq!(page.title, None);
        assert!(page.text.contains("16 October"));
    }
}
