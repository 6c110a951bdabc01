//! What every pass needs before it reads a document: the tokeniser (stemmer and stopwords)
//! and the theme lexicon, built one way from [`Words`], the text they are made from (read
//! from the user's files on this machine, or sent with a share to a cluster's executor).

use std::path::PathBuf;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::lexicon::Lexicon;
use crate::tokenise::{stem, Stemmer, Stopwords, Tokeniser};

/// What the tokeniser and the lexicon are made from, as text: the language, whether words
/// are stemmed, the user's stopword file and lexicon file as read. A driver sends it to the
/// executors, so that every machine counts with the same words whatever files it can see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Words {
    language: String,
    stem: bool,
    /// The user's stopword file's text.
    stopwords: Option<String>,
    /// The lexicon file's path (for its messages) and text.
    lexicon: Option<(PathBuf, String)>,
}

impl Words {
    /// The flags' language and stemming, and the user's stopword and lexicon files, each
    /// read once (either may be a pipe, as `--themes <(...)` gives).
    pub(crate) fn read(config: &Config) -> Result<Words> {
        let lexicon = match &config.themes {
            Some(path) => Some((path.clone(), Lexicon::read(path)?)),
            None => None,
        };
        Ok(Words {
            lexicon,
            ..Words::without_lexicon(config)?
        })
    }

    /// [`Words::read`] without the lexicon file (`kwic` makes its lexicon from its pattern).
    fn without_lexicon(config: &Config) -> Result<Words> {
        let stopwords = config
            .stopwords
            .as_deref()
            .map(Stopwords::read)
            .transpose()?;
        Ok(Words {
            language: config.language.clone(),
            stem: config.stemmer.is_some(),
            stopwords,
            lexicon: None,
        })
    }

    /// The tokeniser: the language's stemmer (when stemming) and stopwords, and the user's.
    pub(crate) fn tokeniser(&self) -> Tokeniser {
        let mut stopwords = Stopwords::builtin(&self.language);
        if let Some(text) = &self.stopwords {
            stopwords.extend_from_text(text);
        }
        let algorithm = stem::algorithm(&self.language).filter(|_| self.stem);
        Tokeniser::new(Stemmer::new(algorithm), stopwords)
    }

    /// The tokeniser and the lexicon (an empty one when there is no lexicon file).
    pub(crate) fn setup(self) -> Result<Setup> {
        let tokeniser = self.tokeniser();
        let lexicon = match &self.lexicon {
            Some((path, text)) => Lexicon::parse(text, path, &tokeniser)?,
            None => Lexicon::default(),
        };
        Ok(Setup {
            tokeniser,
            lexicon,
            words: self,
        })
    }
}

/// The tokeniser and the lexicon of a run.
pub(crate) struct Setup {
    pub(crate) tokeniser: Tokeniser,
    /// The theme lexicon, when there is one (an empty one matches nothing).
    pub(crate) lexicon: Lexicon,
    /// What they were made from (run.json records the lexicon's hash; a cluster's driver
    /// sends it).
    pub(crate) words: Words,
}

impl Setup {
    /// Reads the user's files and builds the tokeniser and the lexicon.
    pub(crate) fn load(config: &Config) -> Result<Setup> {
        Words::read(config)?.setup()
    }

    /// The lexicon, when the run has one.
    pub(crate) fn lexicon(&self) -> Option<&Lexicon> {
        self.words.lexicon.as_ref().map(|_| &self.lexicon)
    }

    /// The lexicon file's text, when the run has one.
    pub(crate) fn lexicon_text(&self) -> Option<&str> {
        self.words.lexicon.as_ref().map(|(_, text)| text.as_str())
    }
}

/// The tokeniser the flags ask for (the user's stopword file read), for a pass that reads
/// no lexicon file (`kwic` makes its own from the pattern).
pub(crate) fn tokeniser(config: &Config) -> Result<Tokeniser> {
    Ok(Words::without_lexicon(config)?.tokeniser())
}
