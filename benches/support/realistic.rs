//! A realistic synthetic corpus for benchmarks: many short dated documents over a vocabulary
//! that keeps growing with the text, as real corpora do.
//!
//! Document lengths are log-normal (a median near 100 words and a tail to a few thousand, as
//! in news briefs, press releases and changelog entries). Most words come from a head of
//! common English and invented words under a Zipf law; a share comes from an open-ended tail
//! (names, identifiers, numbers glued to letters, typos of common words, accented foreign
//! words, acronyms, rare words) drawn by a Zipf-Mandelbrot law over unbounded ranks, so that
//! distinct words grow with tokens as Heaps' law says (types ≈ K·N^β with β near one over the
//! tail's exponent) and about half of them occur once. A rank's word is made from a hash of
//! the seed and the rank: the tail takes no memory, and a rank is the same word in every
//! document.
//!
//! A document as a file starts with its `Published: DD/MM/YYYY` line, then a title line and
//! the body, so that themeshift and the bare counting sketch (`../shared/bench/sol`, which
//! reads the first line only) read the same folder. The same seed always gives the same bytes,
//! and a smaller corpus is the start of a larger one: document `i` does not depend on the size
//! asked for.

#![allow(dead_code)]

use super::corpus::{Doc, Rng, THEMED};

/// Common English words (stopwords included, as in real text), most frequent first, then the
/// vocabulary of technical news, press releases and release notes.
const ENGLISH: &str = "the of and to a in is for that on with as it this by be are was at from \
    or an we you can will not has have all which more also new our their its if but now when \
    these they than other been into up out so about after only one two some any each may should \
    use used using over such no more most first can time year years data support release users \
    version system new service services security update company said based including available \
    performance network software team customers platform open source code project model cloud \
    market product products management development research report today announced global \
    million percent across solution solutions application applications file files server \
    servers issue issues fixed fix bug bugs feature features change changes added removed \
    improved default option options configuration build test tests error errors memory speed \
    device devices hardware access policy government health energy financial business industry \
    customer partner partners launch growth quarter revenue program programs information \
    technology digital online internet mobile web page pages user account accounts team teams \
    support request requests response time times day days week weeks month months process \
    processes result results value values number numbers level levels high low large small \
    first last next previous current latest early late public private local national world \
    international community communities people work working works need needs make makes made \
    provide provides provided help helps include includes included allow allows allowed \
    create creates created run runs running start started stop stopped read write written \
    load loading save saved set sets setting settings show shows shown find found call calls \
    return returns value key keys list lists table tables field fields type types class \
    function functions method methods module modules package packages library libraries \
    interface interfaces tool tools command commands line lines output input format formats \
    text message messages event events log logs status state link links path paths window \
    windows screen display image images video audio storage disk database query queries index \
    cache thread threads task tasks job jobs queue system systems cluster node nodes instance \
    instances region regions cost costs price prices sales growth share shares investment \
    investors board chief executive officer director president minister council agency \
    committee members staff employees workers students school university hospital patients \
    care health safety risk risks quality review plan plans strategy goal goals impact \
    economy economic energy climate water power market markets city country countries state \
    states area areas center centre group groups company companies organisation organization";

/// Syllables of the head's invented words (technical and domain terms users never saw).
const SYLLABLES: &[&str] = &[
    "ba", "ko", "ri", "tem", "sol", "ar", "phe", "lun", "dra", "ve", "qui", "nor", "sta", "mel",
    "ex", "bri", "tal", "go", "pan", "zo", "cen", "al", "rel", "to", "mu", "fen", "ul", "dis",
    "tri", "on", "ka", "ly", "ser", "vi", "co", "nex", "pro", "gra",
];

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br",
    "cr", "dr", "fl", "gr", "pl", "pr", "st", "tr", "ch", "sh", "th", "sk", "qu",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "y", "ai", "ea", "ou", "ie"];
const CODAS: &[&str] = &[
    "", "", "", "n", "r", "s", "l", "m", "t", "nd", "st", "x", "rk", "ng",
];
/// Vowels and consonants of the invented foreign words: accented, as in French, German,
/// Spanish or the Nordic languages.
const ACCENTED: &[&str] = &[
    "é", "è", "ê", "á", "à", "í", "ó", "ö", "ü", "ä", "å", "ø", "ú", "â", "ô", "ï",
];
const FOREIGN_ONSETS: &[&str] = &[
    "ñ", "ç", "b", "d", "f", "g", "l", "m", "n", "r", "s", "t", "v",
];
const NAME_ENDINGS: &[&str] = &[
    "son", "sen", "berg", "ström", "ova", "ez", "ini", "ard", "well", "ton", "ley", "ski", "ic",
];
const FILE_EXTENSIONS: &[&str] = &[
    "rs", "py", "toml", "json", "yaml", "md", "txt", "log", "csv",
];
const TLDS: &[&str] = &["com", "org", "io", "net", "dev", "eu"];

/// Settings of one realistic corpus.
pub struct Spec {
    pub seed: u64,
    pub first_year: i32,
    pub last_year: i32,
    /// Words per document: log-normal with this median and this spread of the logarithm,
    /// held within `min_words..=max_words`.
    pub median_words: f64,
    pub sigma: f64,
    pub min_words: usize,
    pub max_words: usize,
    /// Invented words in the head beside [`ENGLISH`].
    pub head_words: usize,
    /// Shares of the word slots taken by the open tail and by plain numbers.
    pub tail_share: f64,
    pub number_share: f64,
    /// The tail's Zipf-Mandelbrot law: P(rank r) ∝ (r + shift)^-exponent.
    pub tail_exponent: f64,
    pub tail_shift: f64,
    /// Share of documents written as a changelog (one short line per item).
    pub changelog_share: f64,
    /// Themes that arrive, hold and fade ([`arc`]) instead of moving in a straight line from
    /// the first year's rate to the last's; the time is then the month, not the year.
    pub courses: bool,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            seed: 2003,
            first_year: 2015,
            last_year: 2024,
            median_words: 100.0,
            sigma: 1.45,
            min_words: 10,
            max_words: 6000,
            head_words: 20_000,
            tail_share: 0.07,
            number_share: 0.03,
            tail_exponent: 1.75,
            tail_shift: 10_000.0,
            changelog_share: 0.15,
            courses: false,
        }
    }
}

/// A document as a text file: the `Published:` line first, then the title, a blank line and
/// the body.
pub fn to_text(doc: &Doc) -> String {
    format!("Published: {}\n{}\n\n{}\n", doc.date, doc.title, doc.body)
}

/// Document `index`'s file name in the flat folder: names sort in the order written.
pub fn file_name(index: usize) -> String {
    format!("doc{index:08}.txt")
}

/// Generates documents one at a time, so a corpus of any size streams to disk.
pub struct Generator {
    rng: Rng,
    spec: Spec,
    head: Vec<String>,
    cumulative: Vec<f64>,
    /// How many words at the start of `head` are English.
    english: usize,
    /// Indexes into `head` of the English words typos are made from (four letters or more).
    typo_bases: Vec<usize>,
}

impl Generator {
    pub fn new(spec: Spec) -> Self {
        let mut rng = Rng::new(spec.seed ^ 0x5EA1_15E5);
        let mut head: Vec<String> = Vec::new();
        for w in ENGLISH.split_whitespace() {
            if !head.iter().any(|h| h == w) {
                head.push(w.to_string());
            }
        }
        let english = head.len();
        while head.len() < english + spec.head_words {
            let n = 2 + rng.below(3);
            head.push((0..n).map(|_| pick(&mut rng, SYLLABLES)).collect());
        }
        // Zipf's law with exponent 1 over the head.
        let mut total = 0.0;
        let mut cumulative: Vec<f64> = (0..head.len())
            .map(|r| {
                total += 1.0 / (r + 1) as f64;
                total
            })
            .collect();
        cumulative.iter_mut().for_each(|c| *c /= total);
        let typo_bases = (0..english).filter(|&i| head[i].len() >= 4).collect();
        Generator {
            rng,
            spec,
            head,
            cumulative,
            english,
            typo_bases,
        }
    }

    /// The next document: a year drawn uniformly, a log-normal length, a title, and a body of
    /// paragraphs or (for some documents) changelog lines.
    pub fn document(&mut self) -> Doc {
        let span = (self.spec.last_year - self.spec.first_year + 1) as usize;
        let offset = self.rng.below(span);
        let year = self.spec.first_year + offset as i32;
        let progress = if span > 1 {
            offset as f64 / (span - 1) as f64
        } else {
            0.0
        };
        let month = 1 + self.rng.below(12);
        let day = 1 + self.rng.below(28);
        let progress = if self.spec.courses {
            (offset * 12 + month - 1) as f64 / (span * 12 - 1).max(1) as f64
        } else {
            progress
        };
        let date = format!("{day:02}/{month:02}/{year}");
        let target = self.length();
        let changelog = self.rng.unit() < self.spec.changelog_share;
        let mut title = String::new();
        for k in 0..3 + self.rng.below(7) {
            if k > 0 {
                title.push(' ');
            }
            let start = title.len();
            self.word(&mut title, progress);
            capitalise(&mut title, start);
        }
        let mut body = String::with_capacity(target * 8);
        let mut written = 0;
        while written < target {
            if changelog {
                body.push_str("- ");
                let words = (3 + self.rng.below(12)).min(target - written);
                written += self.sentence(&mut body, words, progress, false);
                body.push('\n');
            } else {
                for _ in 0..1 + self.rng.below(5) {
                    if written == target {
                        break;
                    }
                    if !body.is_empty() && !body.ends_with('\n') {
                        body.push(' ');
                    }
                    let words = (5 + self.rng.below(20)).min(target - written);
                    written += self.sentence(&mut body, words, progress, true);
                }
                body.push_str("\n\n");
            }
        }
        body.truncate(body.trim_end().len());
        Doc {
            year,
            date,
            title,
            body,
        }
    }

    /// Words in the next document: log-normal (Box-Muller), held within the spec's bounds.
    fn length(&mut self) -> usize {
        let (u1, u2) = (1.0 - self.rng.unit(), self.rng.unit());
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let words = (self.spec.median_words * (self.spec.sigma * z).exp()).round() as usize;
        words.clamp(self.spec.min_words, self.spec.max_words)
    }

    /// One sentence of `words` word slots into `out`, capitalised, with a comma now and then;
    /// `stop` ends it with a full stop (or a question mark). Returns the slots written.
    fn sentence(&mut self, out: &mut String, words: usize, progress: f64, stop: bool) -> usize {
        for k in 0..words {
            if k > 0 {
                if self.rng.unit() < 0.06 {
                    out.push(',');
                }
                out.push(' ');
            }
            let start = out.len();
            self.word(out, progress);
            if k == 0 {
                capitalise(out, start);
            }
        }
        if stop {
            out.push(if self.rng.unit() < 0.03 { '?' } else { '.' });
        }
        words
    }

    /// One word slot: a theme phrase at its year's rate, a number, a tail word or a head word.
    fn word(&mut self, out: &mut String, progress: f64) {
        let r = self.rng.unit() * 1000.0;
        let mut acc = 0.0;
        for (k, &(phrase, from, to)) in THEMED.iter().enumerate() {
            acc += if self.spec.courses {
                arc(k, progress) * 1.5 * from.max(to)
            } else {
                from + (to - from) * progress
            };
            if r < acc {
                out.push_str(phrase);
                return;
            }
        }
        let u = self.rng.unit();
        if u < self.spec.number_share {
            self.number(out);
        } else if u < self.spec.number_share + self.spec.tail_share {
            // Zipf-Mandelbrot ranks by inversion of a Lomax (Pareto II) law.
            let v = 1.0 - self.rng.unit();
            let tail = v.powf(-1.0 / (self.spec.tail_exponent - 1.0)) - 1.0;
            tail_word(self, (self.spec.tail_shift * tail) as u64, out);
        } else {
            let u = self.rng.unit();
            let i = self.cumulative.partition_point(|&c| c < u);
            out.push_str(&self.head[i.min(self.head.len() - 1)]);
        }
    }

    /// A number as written in technical news: a count, a year, a decimal, a version, a
    /// percentage or a thousands-separated figure.
    fn number(&mut self, out: &mut String) {
        use std::fmt::Write;
        let rng = &mut self.rng;
        let _ = match rng.below(6) {
            0 => write!(out, "{}", 1 + rng.below(100)),
            1 => write!(out, "{}", 1990 + rng.below(36)),
            2 => write!(out, "{}.{}", rng.below(20), rng.below(10)),
            3 => write!(out, "{}.{}.{}", rng.below(10), rng.below(30), rng.below(20)),
            4 => write!(out, "{}%", 1 + rng.below(100)),
            _ => write!(out, "{},{:03}", 1 + rng.below(999), rng.below(1000)),
        };
    }
}

/// The course of theme phrase `k` over the corpus's time (`progress`, 0 to 1) as a share of
/// its highest rate: a trapezoid that rises over a twentieth of the time, holds, and falls as
/// fast, at its own place (phrase 0 early, the last ones late; each holds a fifth to a third of
/// the time), with 3% of its rate before and after, as a theme is mentioned before it takes off.
pub fn arc(k: usize, progress: f64) -> f64 {
    let n = THEMED.len() as f64;
    let start = 0.05 + 0.7 * k as f64 / n;
    let hold = 0.2 + 0.13 * ((k * 7) % 5) as f64 / 4.0;
    let ramp = 0.05;
    let up = ((progress - start) / ramp).clamp(0.0, 1.0);
    let down = ((start + ramp + hold + ramp - progress) / ramp).clamp(0.0, 1.0);
    0.03 + 0.97 * up.min(down)
}

/// The tail's word of `rank`, the same for a given seed and rank: made from a generator seeded
/// by both, so the tail needs no table. Its kind (rare word, name, numbers glued to letters,
/// identifier, typo, foreign word, acronym) also comes from the hash.
fn tail_word(g: &Generator, rank: u64, out: &mut String) {
    let mut rng = Rng::new(g.spec.seed ^ rank.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let kind = rng.next_u64() % 100;
    match kind {
        0..=27 => syllables(&mut rng, out, 2, 3, false),
        28..=47 => name(&mut rng, out),
        48..=61 => glued(&mut rng, out),
        62..=71 => identifier(g, &mut rng, out),
        72..=83 => typo(g, &mut rng, out),
        84..=93 => {
            let start = out.len();
            syllables(&mut rng, out, 2, 3, true);
            if rng.unit() < 0.3 {
                capitalise(out, start);
            }
        }
        _ => {
            for _ in 0..2 + rng.below(4) {
                out.push((b'A' + rng.below(26) as u8) as char);
            }
            if rng.unit() < 0.25 {
                out.push((b'1' + rng.below(9) as u8) as char);
            }
        }
    }
}

/// Between `least` and `least + more - 1` syllables of onset, vowel and coda; with `accents`,
/// from the foreign sets, at least one vowel accented.
fn syllables(rng: &mut Rng, out: &mut String, least: usize, more: usize, accents: bool) {
    let n = least + rng.below(more);
    let accented = if accents { rng.below(n) } else { usize::MAX };
    for k in 0..n {
        if accents && rng.unit() < 0.4 {
            out.push_str(pick(rng, FOREIGN_ONSETS));
        } else {
            out.push_str(pick(rng, ONSETS));
        }
        if k == accented || (accents && rng.unit() < 0.3) {
            out.push_str(pick(rng, ACCENTED));
        } else {
            out.push_str(pick(rng, VOWELS));
        }
        out.push_str(pick(rng, CODAS));
    }
}

/// A person's, product's or place's name: capitalised, sometimes with a common ending or an
/// `O'` in front.
fn name(rng: &mut Rng, out: &mut String) {
    if rng.unit() < 0.03 {
        out.push_str("O'");
    }
    let start = out.len();
    syllables(rng, out, 1, 3, false);
    if rng.unit() < 0.4 {
        out.push_str(pick(rng, NAME_ENDINGS));
    }
    capitalise(out, start);
}

/// Letters and digits in one word: `v2`, `covid19`, `3x`, `64bit`, `e2e`, `k8s`, `H264`.
fn glued(rng: &mut Rng, out: &mut String) {
    // Between `least` and `least + more - 1` letters, or digits.
    let letters = |rng: &mut Rng, out: &mut String, least: usize, more: usize| {
        for _ in 0..least + rng.below(more) {
            out.push((b'a' + rng.below(26) as u8) as char);
        }
    };
    let digits = |rng: &mut Rng, out: &mut String, least: usize, more: usize| {
        for _ in 0..least + rng.below(more) {
            out.push((b'0' + rng.below(10) as u8) as char);
        }
    };
    let start = out.len();
    match rng.below(4) {
        0 => {
            letters(rng, out, 1, 2);
            digits(rng, out, 1, 3);
        }
        1 => {
            out.push_str(pick(rng, ONSETS));
            out.push_str(pick(rng, VOWELS));
            out.push_str(pick(rng, CODAS));
            digits(rng, out, 1, 2);
        }
        2 => {
            digits(rng, out, 1, 3);
            letters(rng, out, 1, 3);
        }
        _ => {
            letters(rng, out, 1, 1);
            digits(rng, out, 1, 2);
            letters(rng, out, 1, 2);
        }
    }
    if rng.unit() < 0.2 {
        out[start..].make_ascii_uppercase();
    }
}

/// An identifier as it appears in technical text: `camelCase`, `snake_case`, a file name, a
/// `kebab-name` or a web address, made of common and invented pieces.
fn identifier(g: &Generator, rng: &mut Rng, out: &mut String) {
    let piece = |rng: &mut Rng, out: &mut String| {
        if rng.unit() < 0.7 {
            out.push_str(&g.head[rng.below(g.english)]);
        } else {
            syllables(rng, out, 1, 2, false);
        }
    };
    let parts = 2 + rng.below(2);
    match rng.below(10) {
        0..=3 => {
            for k in 0..parts {
                let start = out.len();
                piece(rng, out);
                if k > 0 {
                    capitalise(out, start);
                }
            }
        }
        4..=6 => {
            for k in 0..parts {
                if k > 0 {
                    out.push('_');
                }
                piece(rng, out);
            }
        }
        7 => {
            piece(rng, out);
            out.push('.');
            out.push_str(pick(rng, FILE_EXTENSIONS));
        }
        8 => {
            piece(rng, out);
            out.push('-');
            piece(rng, out);
        }
        _ => {
            out.push_str("https://");
            piece(rng, out);
            out.push('.');
            out.push_str(pick(rng, TLDS));
            out.push('/');
            piece(rng, out);
        }
    }
}

/// A common English word with one slip: a letter dropped, doubled, swapped with the next, or
/// replaced.
fn typo(g: &Generator, rng: &mut Rng, out: &mut String) {
    let mut w: Vec<u8> = g.head[g.typo_bases[rng.below(g.typo_bases.len())]]
        .as_bytes()
        .to_vec();
    let at = rng.below(w.len() - 1);
    match rng.below(4) {
        0 => {
            w.remove(at);
        }
        1 => w.insert(at, w[at]),
        2 => w.swap(at, at + 1),
        _ => w[at] = b'a' + rng.below(26) as u8,
    }
    out.push_str(std::str::from_utf8(&w).expect("ASCII English word"));
}

fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from[rng.below(from.len())]
}

/// Upper-cases the first character of `s[start..]`.
fn capitalise(s: &mut String, start: usize) {
    if let Some(first) = s[start..].chars().next() {
        if first.is_lowercase() {
            let upper: String = first.to_uppercase().collect();
            s.replace_range(start..start + first.len_utf8(), &upper);
        }
    }
}
