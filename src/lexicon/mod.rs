//! The theme lexicon: a TOML file with one `[[theme]]` table per theme (`name`, `description`,
//! `patterns`), compiled against the tokeniser so a pattern is matched the way text is read.
//!
//! Pattern language: one or more words. A word matches a token with the same stem (so
//! `top table` matches "top tables" and "top-tables"); a word ending in `*` matches any token
//! whose surface word starts with the prefix (`centralis*` matches "centralised",
//! "centralisation"). Several words match consecutive tokens, stopwords included.

pub mod matcher;

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::InputError;
use crate::tokenise::Tokeniser;

pub use matcher::{Hit, Matcher, PatternRef};

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// Matches a token with this stem.
    Stem(String),
    /// Matches a token whose (lower-cased) surface word starts with this.
    Prefix(String),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// As written in the lexicon.
    pub text: String,
    /// What each consecutive token must match.
    pub elements: Vec<Element>,
}

/// A compiled theme.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub description: String,
    pub patterns: Vec<Pattern>,
}

/// All themes, in lexicon order.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// The themes, in the file's order.
    pub themes: Vec<Theme>,
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
    #[serde(default)]
    description: String,
    patterns: Spanned<Vec<Spanned<String>>>,
}

impl Lexicon {
    /// Reads and compiles the lexicon at `path`.
    pub fn load(path: &Path, tokeniser: &Tokeniser) -> Result<Lexicon, InputError> {
        Lexicon::parse(&Lexicon::read(path)?, path, tokeniser)
    }

    /// The text of the lexicon at `path`, read once (it may be a pipe, as `--themes <(...)`
    /// gives), with an error that says why it cannot be read.
    pub fn read(path: &Path) -> Result<String, InputError> {
        let unreadable = |reason: String| InputError::LexiconUnreadable {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| {
            unreadable(match e.kind() {
                std::io::ErrorKind::PermissionDenied => "permission denied".into(),
                std::io::ErrorKind::NotFound => "it does not exist".into(),
                _ => e.to_string(),
            })
        })?;
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
            let mut patterns = Vec::new();
            for p in t.patterns.into_inner() {
                let elements = compile(p.get_ref(), tokeniser)
                    .map_err(|m| error_at(p.span().start, format!("theme '{name}': {m}")))?;
                patterns.push(Pattern {
                    text: p.into_inner(),
                    elements,
                });
            }
            themes.push(Theme {
                name,
                description: t.description.trim().to_string(),
                patterns,
            });
        }
        Ok(Lexicon { themes })
    }
}

impl Lexicon {
    /// A lexicon of one theme holding one pattern, named after it (for `themeshift kwic`).
    pub fn from_pattern(pattern: &str, tokeniser: &Tokeniser) -> Result<Lexicon, InputError> {
        let text = pattern.trim().to_string();
        let elements = compile(&text, tokeniser).map_err(InputError::Pattern)?;
        Ok(Lexicon {
            themes: vec![Theme {
                name: text.clone(),
                description: String::new(),
                patterns: vec![Pattern { text, elements }],
            }],
        })
    }
}

/// Compiles one pattern string into elements, with the same tokeniser as the documents.
fn compile(pattern: &str, tokeniser: &Tokeniser) -> Result<Vec<Element>, String> {
    let mut elements = Vec::new();
    for piece in pattern.split_whitespace() {
        let (body, prefix) = match piece.strip_suffix('*') {
            Some(body) => (body, true),
            None => (piece, false),
        };
        let mut words = Vec::new();
        tokeniser.words(body, |w| words.push(w.to_string()));
        if prefix && words.is_empty() {
            return Err(format!(
                "pattern '{pattern}': '{piece}' has no letters before the *"
            ));
        }
        let last = words.len().saturating_sub(1);
        for (i, w) in words.into_iter().enumerate() {
            elements.push(if prefix && i == last {
                Element::Prefix(w)
            } else {
                Element::Stem(tokeniser.stem(&w).into_owned())
            });
        }
    }
    if elements.is_empty() {
        return Err(format!("pattern '{pattern}' has no words"));
    }
    Ok(elements)
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
