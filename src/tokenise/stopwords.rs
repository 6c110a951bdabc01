//! Stopwords: function words left out of the term tables (but kept in the token stream that
//! corpus sizes and theme phrases are counted on).
//!
//! The built-in lists are NLTK's (a superset of the Snowball lists), shipped by the
//! `stop-words` crate. Single letters are treated as stopwords too: they come from initials and
//! abbreviations split at full stops (`e.g.` -> `e`, `g`) and carry no theme.

use std::path::Path;

use rustc_hash::FxHashSet;

use crate::error::InputError;

/// A set of lower-cased stopwords.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stopwords {
    words: FxHashSet<String>,
}

impl Stopwords {
    /// The built-in list for an NLTK language name (`english`, `french`, ...), or an empty list
    /// when there is none.
    pub(crate) fn builtin(language: &str) -> Self {
        let mut words = FxHashSet::default();
        if let Some(list) = stop_words::lookup(iso_code(language)) {
            words.extend(list.iter().map(|w| w.replace('\u{2019}', "'")));
        }
        Stopwords { words }
    }

    /// The text of the stopword file at `path` (a pipe too), at most
    /// [`crate::whole::WHOLE_FILE_LIMIT`] bytes of it.
    pub(crate) fn read(path: &Path) -> Result<String, InputError> {
        let unreadable = |reason: String| InputError::StopwordsUnreadable {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = crate::whole::read_whole(path).map_err(|e| unreadable(e.to_string()))?;
        String::from_utf8(bytes)
            .map_err(|_| unreadable("it is not UTF-8 text; save it as UTF-8".to_string()))
    }

    /// Adds the words of a stopword file's `text` (one word a line, or several separated by
    /// spaces or commas; blank lines and lines starting with `#` are ignored); returns how
    /// many were new.
    pub(crate) fn extend_from_text(&mut self, text: &str) -> usize {
        let before = self.words.len();
        for line in text.lines().map(str::trim) {
            if line.starts_with('#') {
                continue;
            }
            self.words.extend(
                line.split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|w| !w.is_empty())
                    .map(|w| w.to_lowercase().replace('\u{2019}', "'")),
            );
        }
        self.words.len() - before
    }

    /// True for a listed word or a single character.
    pub(crate) fn contains(&self, word: &str) -> bool {
        let mut chars = word.chars();
        chars.next().is_some() && chars.next().is_none() || self.words.contains(word)
    }
}

/// ISO 639-1 code of a Snowball/NLTK language name.
fn iso_code(language: &str) -> &str {
    match language {
        "arabic" => "ar",
        "danish" => "da",
        "dutch" => "nl",
        "english" => "en",
        "finnish" => "fi",
        "french" => "fr",
        "german" => "de",
        "greek" => "el",
        "hungarian" => "hu",
        "italian" => "it",
        "norwegian" => "no",
        "portuguese" => "pt",
        "romanian" => "ro",
        "russian" => "ru",
        "spanish" => "es",
        "swedish" => "sv",
        "tamil" => "ta",
        "turkish" => "tr",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_list_has_function_words_and_contractions() {
        let s = Stopwords::builtin("english");
        for w in ["the", "and", "of", "don't", "they're", "a"] {
            assert!(s.contains(w), "{w}");
        }
        for w in ["commissioning", "centralism", "nhs"] {
            assert!(!s.contains(w), "{w}");
        }
    }

    #[test]
    fn single_letters_are_stopwords() {
        let s = Stopwords::default();
        assert!(s.contains("g") && s.contains("é"));
        assert!(!s.contains("g8") && !s.contains(""));
    }

    #[test]
    fn user_file_adds_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stop.txt");
        std::fs::write(&path, "# mine\nNHS, alliance\n\npct\n").unwrap();
        let mut s = Stopwords::builtin("english");
        assert_eq!(s.extend_from_text(&Stopwords::read(&path).unwrap()), 3);
        assert!(s.contains("nhs") && s.contains("alliance") && s.contains("pct"));
    }
}
