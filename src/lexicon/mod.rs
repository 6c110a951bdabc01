//! The theme lexicon: a TOML file with one `[[theme]]` table per theme (`name`, `description`,
//! `patterns`, and optionally `exclude`), compiled against the tokeniser so a pattern is
//! matched the way text is read.
//!
//! Pattern language: one or more words. A word matches a token with the same stem (so
//! `top table` matches "top tables" and "top-tables"); a word ending in `*` matches any token
//! whose surface word starts with the prefix (`centralis*` matches "centralised",
//! "centralisation"); a word starting with `=` matches that written form only, whatever its
//! case (`=compat` matches "compat" and not "compatibility"). Several words match consecutive
//! tokens, stopwords included. Words written joined by a hyphen (`top-down`) match only words
//! joined so in the text; words written apart match either way. A theme's `exclude` patterns
//! hide the theme's matches that lie inside an occurrence of one of them.

pub(crate) mod matcher;
mod overlaps;

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::InputError;
use crate::tokenise::Tokeniser;

// `themeshift::internals` re-exports the matcher for the benchmarks.
pub use matcher::Matcher;
pub(crate) use matcher::{Found, Hit, PatternRef};

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Element {
    /// Matches a token with this stem.
    Stem(String),
    /// Matches a token whose (lower-cased) surface word starts with this.
    Prefix(String),
    /// Matches a token whose (lower-cased) surface word is this.
    Exact(String),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    /// As written in the lexicon.
    pub(crate) text: String,
    /// What each consecutive token must match.
    pub(crate) elements: Vec<Element>,
    /// Per element: true when its token must be joined to the one before by a hyphen (the
    /// pattern was written `top-down`). Never true for the first.
    pub(crate) hyphenated: Vec<bool>,
}

impl Pattern {
    /// A pattern of these elements, with no hyphen asked for.
    pub(crate) fn new(text: String, elements: Vec<Element>) -> Pattern {
        let hyphenated = vec![false; elements.len()];
        Pattern {
            text,
            elements,
            hyphenated,
        }
    }
}

/// A compiled theme.
#[derive(Debug, Clone)]
pub(crate) struct Theme {
    pub(crate) name: String,
    pub(crate) patterns: Vec<Pattern>,
    /// A match of the theme lying inside an occurrence of one of these does not count.
    pub(crate) exclude: Vec<Pattern>,
}

/// All themes, in lexicon order.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// The themes, in the file's order.
    pub(crate) themes: Vec<Theme>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    #[serde(default)]
    theme: Vec<ThemeSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeSpec {
    name: Spanned<String>,
    /// For whoever reads themes.toml: accepted, and shown in no output.
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    patterns: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

impl Lexicon {
    /// The text of the lexicon at `path`, read once (it may be a pipe, as `--themes <(...)`
    /// gives) and at most [`crate::whole::WHOLE_FILE_LIMIT`] bytes of it, with an error
    /// that says why it cannot be read.
    pub(crate) fn read(path: &Path) -> Result<String, InputError> {
        let unreadable = |reason: String| InputError::LexiconUnreadable {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = crate::whole::read_whole(path).map_err(|e| unreadable(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            unreadable(format!(
                "it is not UTF-8 text (line {line} has a byte that is not); save it as UTF-8"
            ))
        })
    }

    /// Compiles lexicon `text`; `path` only names it in errors.
    pub fn parse(text: &str, path: &Path, tokeniser: &Tokeniser) -> Result<Lexicon, InputError> {
        let error_at = |offset: usize, message: String| {
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            InputError::Lexicon {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let spec: FileSpec = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            error_at(offset, e.message().trim().to_string())
        })?;
        if spec.theme.is_empty() {
            return Err(error_at(0, "no [[theme]] tables found".to_string()));
        }
        let mut themes: Vec<Theme> = Vec::new();
        for t in spec.theme {
            let name = t.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(error_at(t.name.span().start, "theme name is empty".into()));
            }
            if themes.iter().any(|x| x.name == name) {
                return Err(error_at(
                    t.name.span().start,
                    format!("theme '{name}' is defined twice"),
                ));
            }
            if t.patterns.get_ref().is_empty() {
                return Err(error_at(
                    t.patterns.span().start,
                    format!("theme '{name}' has no patterns"),
                ));
            }
            let compile_all = |list: Vec<Spanned<String>>| {
                list.into_iter()
                    .map(|p| {
                        let (elements, hyphenated) =
                            compile(p.get_ref(), tokeniser).map_err(|m| {
                                error_at(p.span().start, format!("theme '{name}': {m}"))
                            })?;
                        Ok(Pattern {
                            text: p.into_inner(),
                            elements,
                            hyphenated,
                        })
                    })
                    .collect::<Result<Vec<Pattern>, InputError>>()
            };
            let patterns = compile_all(t.patterns.into_inner())?;
            let exclude = compile_all(t.exclude)?;
            themes.push(Theme {
                name,
                patterns,
                exclude,
            });
        }
        Ok(Lexicon { themes })
    }
}

impl Lexicon {
    /// A lexicon of one theme holding one pattern, named after it (for `themeshift kwic`).
    pub(crate) fn from_pattern(
        pattern: &str,
        tokeniser: &Tokeniser,
    ) -> Result<Lexicon, InputError> {
        let text = pattern.trim().to_string();
        let (elements, hyphenated) = compile(&text, tokeniser).map_err(InputError::Pattern)?;
        Ok(Lexicon {
            themes: vec![Theme {
                name: text.clone(),
                patterns: vec![Pattern {
                    text,
                    elements,
                    hyphenated,
                }],
                exclude: Vec::new(),
            }],
        })
    }
}

/// Compiles one pattern string into elements, with the same tokeniser as the documents, and
/// whether each must follow a hyphen (as in [`Pattern::hyphenated`]).
fn compile(pattern: &str, tokeniser: &Tokeniser) -> Result<(Vec<Element>, Vec<bool>), String> {
    let (mut elements, mut hyphenated) = (Vec::new(), Vec::new());
    for piece in pattern.split_whitespace() {
        let (body, exact) = match piece.strip_prefix('=') {
            Some(body) => (body, true),
            None => (piece, false),
        };
        let (body, prefix) = match body.strip_suffix('*') {
            Some(body) => (body, true),
            None => (body, false),
        };
        if exact && prefix {
            return Err(format!(
                "pattern '{pattern}': '{piece}' is both an exact form (=) and a prefix (*); \
                 a prefix already matches written forms, so leave out one of them"
            ));
        }
        let mut words: Vec<(String, bool)> = Vec::new();
        tokeniser.split(&tokeniser.normalise(body), |w, span| {
            words.push((w.to_string(), span.after_hyphen))
        });
        if words.is_empty() && (prefix || exact) {
            let (what, mark) = if prefix {
                ("before the *", "*")
            } else {
                ("after the =", "=")
            };
            return Err(format!(
                "pattern '{pattern}': '{piece}' has no letters {what} (the {mark} belongs to a word)"
            ));
        }
        let last = words.len().saturating_sub(1);
        for (i, (w, after_hyphen)) in words.into_iter().enumerate() {
            elements.push(if prefix && i == last {
                Element::Prefix(w)
            } else if exact {
                Element::Exact(w)
            } else {
                Element::Stem(tokeniser.stem(&w).into_owned())
            });
            // A piece starts after a space: only its own words can be joined by a hyphen.
            hyphenated.push(i > 0 && after_hyphen);
        }
    }
    if elements.is_empty() {
        return Err(format!("pattern '{pattern}' has no words"));
    }
    Ok((elements, hyphenated))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tokenise::{stem, Stemmer, Stopwords};

    pub(crate) fn english() -> Tokeniser {
        Tokeniser::new(
            Stemmer::new(stem::algorithm("english")),
            Stopwords::builtin("english"),
        )
    }

    fn parse(text: &str) -> Result<Lexicon, InputError> {
        Lexicon::parse(text, Path::new("themes.toml"), &english())
    }

    #[test]
    fn compiles_stems_prefixes_and_hyphens() {
        let lex = parse(
            "[[theme]]\nname = \"c\"\ndescription = \"d\"\npatterns = [\"top-tables\", \"centralis*\", \"the centre\"]\n",
        )
        .unwrap();
        let p = &lex.themes[0].patterns;
        assert_eq!(
            p[0].elements,
            [Element::Stem("top".into()), Element::Stem("tabl".into())]
        );
        assert_eq!(p[1].elements, [Element::Prefix("centralis".into())]);
        assert_eq!(
            p[2].elements,
            [Element::Stem("the".into()), Element::Stem("centr".into())]
        );
        assert_eq!(p[0].hyphenated, [false, true]);
        assert_eq!(p[2].hyphenated, [false, false]);
    }

    #[test]
    fn compiles_exact_forms_and_exclusions() {
        let lex = parse(
            "[[theme]]\nname = \"c\"\npatterns = [\"=NHS trust*\", \"=x-compat\"]\nexclude = [\"audit commission\"]\n",
        )
        .unwrap();
        let t = &lex.themes[0];
        assert_eq!(
            t.patterns[0].elements,
            [
                Element::Exact("nhs".into()),
                Element::Prefix("trust".into())
            ]
        );
        assert_eq!(
            t.patterns[1].elements,
            [Element::Exact("x".into()), Element::Exact("compat".into())]
        );
        assert_eq!(t.patterns[1].hyphenated, [false, true]);
        assert_eq!(t.exclude[0].text, "audit commission");
        assert_eq!(
            t.exclude[0].elements,
            [
                Element::Stem("audit".into()),
                Element::Stem("commiss".into())
            ]
        );
    }

    #[test]
    fn an_exact_prefix_or_an_empty_exact_form_is_refused_where_it_is_written() {
        let e = parse("[[theme]]\nname = \"c\"\npatterns = [\"ok\", \"=centralis*\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("themes.toml:3:19:") && e.contains("both an exact form"),
            "{e}"
        );
        let e = parse("[[theme]]\nname = \"c\"\npatterns = [\"ok\"]\nexclude = [\"x =\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("themes.toml:4:") && e.contains("'=' has no letters after the ="),
            "{e}"
        );
    }

    #[test]
    fn a_lexicon_that_cannot_be_read_says_why() {
        let tmp = tempfile::tempdir().unwrap();
        let latin1 = tmp.path().join("latin1.toml");
        std::fs::write(&latin1, b"[[theme]]\nname = \"caf\xe9\"\n").unwrap();
        let e = Lexicon::read(&latin1).unwrap_err().to_string();
        assert!(
            e.contains("latin1.toml cannot be read: it is not UTF-8 text (line 2 "),
            "{e}"
        );
        let e = Lexicon::read(&tmp.path().join("gone.toml")).unwrap_err();
        assert!(e.to_string().contains("it does not exist"), "{e}");
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = parse("[[theme]]\nname = \"c\"\npatterns = [\"a\",\n  oops]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("themes.toml:4:3:"), "{e}");
    }

    #[test]
    fn semantic_errors_are_located() {
        let e = parse("[[theme]]\nname = \"c\"\npatterns = [\"ok\", \"2010\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("themes.toml:3:19:") && e.contains("'2010' has no words"),
            "{e}"
        );
        let e = parse(
            "[[theme]]\nname = \"c\"\npatterns = []\n[[theme]]\nname = \"c\"\npatterns = [\"x\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("has no patterns"), "{e}");
        let e = parse("[[theme]]\nname = \"c\"\npatterns = [\"x\"]\ncolour = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("colour"), "{e}");
        assert!(parse("").unwrap_err().to_string().contains("no [[theme]]"));
    }
}
