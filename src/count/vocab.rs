//! A counter's vocabulary: each distinct word it has seen, interned once with what the
//! counting needs of it (its stem, whether it is a stopword, the theme patterns that can
//! start at it), each distinct stem with its count in the document being counted, and each
//! written form of the words (`NHS`, `Trusts`: see [`super::forms`]) with its count.

use rustc_hash::FxHashMap;

use super::short_ids::ShortIds;
use crate::lexicon::{Matcher, PatternRef};
use crate::tokenise::Tokeniser;

/// What a counter knows about a word it has seen, worked out once.
pub(super) struct Word {
    pub(super) text: Box<str>,
    /// Index into [`Vocab::stems`].
    pub(super) stem: u32,
    pub(super) stopword: bool,
    /// Theme patterns that can start at this word.
    pub(super) starts: Box<[PatternRef]>,
    /// The last document (by the counter's document number) that contained the word.
    pub(super) seen_in: u32,
    /// Occurrences written in lower case in counted (dated) documents, when the word is not
    /// a stopword.
    pub(super) count: u64,
}

/// A word as the text writes it with capitals: `NHS`, `Trusts`.
pub(super) struct Form {
    pub(super) text: Box<str>,
    /// Occurrences in counted (dated) documents, when the word is not a stopword.
    pub(super) count: u64,
}

/// A written form's id: a word's id for the word written in lower case (most tokens: the
/// form costs nothing more than the word), this bit and an index into [`Vocab::forms`] for
/// a form with capitals.
pub(super) const CAPITALS: u32 = 1 << 31;

/// The text of written form `f` ([`CAPITALS`]): a word's, or a form's with capitals.
pub(super) fn form_text<'a>(words: &'a [impl Text], forms: &'a [impl Text], f: u32) -> &'a str {
    if f & CAPITALS == 0 {
        words[f as usize].text()
    } else {
        forms[(f ^ CAPITALS) as usize].text()
    }
}

/// What holds a word's or form's text: the counter's own, or a tally's (text, count).
pub(super) trait Text {
    fn text(&self) -> &str;
}

impl Text for Word {
    fn text(&self) -> &str {
        &self.text
    }
}

impl Text for Form {
    fn text(&self) -> &str {
        &self.text
    }
}

impl Text for (Box<str>, u64) {
    fn text(&self) -> &str {
        &self.0
    }
}

/// A word of at most 16 bytes as one integer: its bytes, then zeros. Words hold no NUL
/// (the tokeniser splits at it), so two words pack alike only when they are equal, and a
/// word packs to 0 only when empty: empty, it is not packed ([`ShortIds`] keeps 0 for its
/// empty slots).
fn pack(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut key = [0u8; 16];
    key[..b.len()].copy_from_slice(b);
    Some(u128::from_le_bytes(key))
}

/// The hash [`Vocab::stem_ids`] keeps a stem by.
fn stem_hash(stem: &str) -> u64 {
    use std::hash::BuildHasher as _;
    rustc_hash::FxBuildHasher.hash_one(stem)
}

/// The apostrophes the tokeniser reads as one (see [`crate::tokenise::split`]).
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// Words and stems by id, in order of first sight.
#[derive(Default)]
pub(super) struct Vocab {
    /// Word ids of words up to 16 bytes long, keyed by their bytes packed into an integer
    /// ([`pack`]): most tokens, looked up without a string comparison, in about one cache
    /// miss on a large vocabulary.
    short_ids: ShortIds,
    /// Word ids of longer words.
    ids: FxHashMap<Box<str>, u32>,
    pub(super) words: Vec<Word>,
    /// Stem ids, keyed by the stem's text in [`Vocab::stems`] (hashed with [`stem_hash`]):
    /// a slot is an id, and no stem's text is held twice.
    stem_ids: hashbrown::HashTable<u32>,
    pub(super) stems: Vec<Box<str>>,
    /// Written forms with capitals, by index (see [`CAPITALS`]).
    pub(super) forms: Vec<Form>,
    /// Ids of the forms with capitals.
    form_ids: FxHashMap<Box<str>, u32>,
    /// Per stem: the last document that contained it and its count there.
    pub(super) stem_docs: Vec<(u32, u64)>,
    /// Stems seen in the current document.
    pub(super) touched: Vec<u32>,
    /// Bytes the texts above take, each rounded up to the allocator's 16 (for [`Vocab::bytes`]).
    text_bytes: usize,
}

/// Bytes an allocation of `len` bytes of text takes: rounded up to 16.
fn text_alloc(len: usize) -> usize {
    len.div_ceil(16) * 16
}

impl Vocab {
    /// About the bytes the vocabulary holds: its tables by their capacities (the slots of a
    /// hash table with a control byte each) and its texts. A counter's words and its phrases'
    /// table share its part of `--memory` ([`super::tally::CountOptions::phrase_table`]).
    pub(super) fn bytes(&self) -> usize {
        use std::mem::size_of;
        let table = |slots: usize, slot: usize| slots * (slot + 1);
        self.words.capacity() * size_of::<Word>()
            + self.stems.capacity() * size_of::<Box<str>>()
            + self.stem_docs.capacity() * size_of::<(u32, u64)>()
            + self.forms.capacity() * size_of::<Form>()
            + table(self.stem_ids.capacity(), size_of::<u32>())
            + table(self.ids.capacity(), size_of::<(Box<str>, u32)>())
            + table(self.form_ids.capacity(), size_of::<(Box<str>, u32)>())
            + self.short_ids.bytes()
            + self.text_bytes
    }

    /// The id of `w`, interned with its stem, stopword flag and pattern starts when new.
    pub(super) fn intern(&mut self, w: &str, tokeniser: &Tokeniser, matcher: &Matcher) -> u32 {
        let short = pack(w);
        let known = match short {
            Some(key) => self.short_ids.get(key),
            None => self.ids.get(w).copied(),
        };
        if let Some(id) = known {
            return id;
        }
        let stem = tokeniser.stem(w);
        let stem_id = self.stem_id(&stem);
        self.text_bytes += text_alloc(w.len()) * if short.is_some() { 1 } else { 2 };
        let id = self.words.len() as u32;
        self.words.push(Word {
            text: Box::from(w),
            stem: stem_id,
            stopword: tokeniser.is_stopword(w),
            starts: matcher.starts(w, &stem).into_boxed_slice(),
            seen_in: 0,
            count: 0,
        });
        match short {
            Some(key) => self.short_ids.insert(key, id),
            None => {
                self.ids.insert(Box::from(w), id);
            }
        }
        id
    }

    /// The id of `stem`, made when new.
    fn stem_id(&mut self, stem: &str) -> u32 {
        let hash = stem_hash(stem);
        let stems = &mut self.stems;
        if let Some(&id) = self.stem_ids.find(hash, |&i| *stems[i as usize] == *stem) {
            return id;
        }
        let id = stems.len() as u32;
        stems.push(Box::from(stem));
        self.text_bytes += text_alloc(stem.len());
        self.stem_docs.push((0, 0));
        self.stem_ids
            .insert_unique(hash, id, |&i| stem_hash(&stems[i as usize]));
        id
    }

    /// The written form of word `id` (whose text is `word`, as the tokeniser handed it over)
    /// where the text has `written` (the word's span): most words are written as they are
    /// counted, found with one comparison (with the token in hand, not the word's text
    /// elsewhere in memory); a form with capitals is interned once. A possessive `'s` is left
    /// off (`NHS's` is `NHS`), and a form that does not lower-case to the word (a curly
    /// apostrophe) is the word itself.
    pub(super) fn form(&mut self, id: u32, word: &str, written: &str) -> u32 {
        debug_assert_eq!(&*self.words[id as usize].text, word);
        if written.as_bytes() == word.as_bytes() {
            return id;
        }
        // A form written this way before (most are: `The` at every sentence's start): a
        // form's text is its own normal form, so the text as written is the key, and no
        // string is built.
        if let Some(&f) = self.form_ids.get(written) {
            return f;
        }
        let mut form: String = written
            .chars()
            .map(|c| if is_apostrophe(c) { '\'' } else { c })
            .collect();
        if super::forms::lower(&form) != word {
            match form.strip_suffix("'s").or_else(|| form.strip_suffix("'S")) {
                Some(stripped) if super::forms::lower(stripped) == word => {
                    form.truncate(stripped.len());
                }
                _ => return id,
            }
        }
        // One id per written text: a form that comes out as the word itself (`powerpc's`
        // without its `'s`, a curly apostrophe made straight) is the word's own id, so that a
        // phrase's forms are told apart by text, not by how each was reached.
        if form.as_bytes() == word.as_bytes() {
            return id;
        }
        if let Some(&f) = self.form_ids.get(form.as_str()) {
            return f;
        }
        let f = CAPITALS | self.forms.len() as u32;
        self.text_bytes += 2 * text_alloc(form.len());
        self.forms.push(Form {
            text: Box::from(form.as_str()),
            count: 0,
        });
        self.form_ids.insert(form.into_boxed_str(), f);
        f
    }

    /// Takes note of document `doc`'s tokens: returns its distinct words, and whether any
    /// can start a theme pattern; in a `dated` document, also each stem's count within it,
    /// kept beside the stem until the document ends (no hash update per token).
    pub(super) fn note(
        &mut self,
        doc: u32,
        tokens: &[u32],
        forms: &[u32],
        dated: bool,
    ) -> (u64, bool) {
        let mut types = 0;
        let mut candidates = false;
        let (words, stem_docs, touched) = (&mut self.words, &mut self.stem_docs, &mut self.touched);
        for (&t, &f) in tokens.iter().zip(forms) {
            let word = &mut words[t as usize];
            if word.seen_in != doc {
                word.seen_in = doc;
                types += 1;
            }
            candidates |= !word.starts.is_empty();
            if dated && !word.stopword {
                if f & CAPITALS == 0 {
                    word.count += 1;
                } else {
                    self.forms[(f ^ CAPITALS) as usize].count += 1;
                }
                let stem = &mut stem_docs[word.stem as usize];
                if stem.0 != doc {
                    *stem = (doc, 0);
                    touched.push(word.stem);
                }
                stem.1 += 1;
            }
        }
        (types, candidates)
    }
}
