//! What every pass needs before it reads a document: the tokeniser (stemmer and stopwords)
//! and the theme lexicon, read once.

use anyhow::Result;

use crate::config::Config;
use crate::lexicon::Lexicon;
use crate::tokenise::{Stemmer, Stopwords, Tokeniser};

/// The tokeniser and the lexicon of a run.
pub(crate) struct Setup {
    pub(crate) tokeniser: Tokeniser,
    /// The theme lexicon, when there is one (an empty one matches nothing).
    pub(crate) lexicon: Lexicon,
    /// The lexicon file's text, read once: it may be a pipe (`--themes <(...)`), and run.json
    /// records its hash.
    pub(crate) lexicon_text: Option<String>,
}

impl Setup {
    /// Builds the tokeniser and reads the lexicon, if any.
    pub(crate) fn load(config: &Config) -> Result<Setup> {
        let tokeniser = tokeniser(config)?;
        let lexicon_text = config.themes.as_deref().map(Lexicon::read).transpose()?;
        let lexicon = match (&config.themes, &lexicon_text) {
            (Some(path), Some(text)) => Lexicon::parse(text, path, &tokeniser)?,
            _ => Lexicon::default(),
        };
        Ok(Setup {
            tokeniser,
            lexicon,
            lexicon_text,
        })
    }

    /// The lexicon, when the run has one.
    pub(crate) fn lexicon(&self) -> Option<&Lexicon> {
        self.lexicon_text.as_ref().map(|_| &self.lexicon)
    }
}

/// The tokeniser the flags ask for: the language's stemmer and stopwords, and the user's.
pub(crate) fn tokeniser(config: &Config) -> Result<Tokeniser> {
    let mut stopwords = Stopwords::builtin(&config.language);
    if let Some(path) = &config.stopwords {
        stopwords.extend_from_file(path)?;
    }
    Ok(Tokeniser::new(Stemmer::new(config.stemmer), stopwords))
}
