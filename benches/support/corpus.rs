//! A deterministic synthetic corpus for benchmarks: dated news-like documents with a
//! Zipf-distributed vocabulary and theme phrases whose rates shift over the years.
//!
//! Shared by `benches/pipeline.rs` and `examples/gen_corpus.rs` (included with `#[path]`), so
//! the benchmark and the whole-run timings read the same kind of text. The same seed always
//! gives the same bytes.

#![allow(dead_code)]

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, well-mixed, seedable generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }
}

/// Common English words, most frequent first (stopwords included, as in real text).
const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "for",
    "it",
    "on",
    "was",
    "with",
    "he",
    "as",
    "be",
    "by",
    "at",
    "have",
    "are",
    "this",
    "not",
    "but",
    "from",
    "they",
    "his",
    "she",
    "or",
    "which",
    "an",
    "we",
    "their",
    "been",
    "has",
    "will",
    "would",
    "more",
    "there",
    "all",
    "said",
    "one",
    "new",
    "health",
    "care",
    "services",
    "patients",
    "local",
    "government",
    "year",
    "people",
    "public",
    "trust",
    "hospital",
    "staff",
    "money",
    "plans",
    "report",
    "minister",
    "council",
    "community",
    "primary",
    "national",
    "doctors",
    "nurses",
    "budget",
    "waiting",
    "times",
    "quality",
    "review",
    "board",
    "chief",
    "executive",
    "policy",
    "change",
    "system",
    "reform",
    "support",
    "work",
    "managers",
    "clinicians",
    "practice",
    "practices",
    "general",
    "figures",
    "data",
    "access",
    "cuts",
    "funding",
    "pressure",
    "winter",
    "beds",
];

/// Theme phrases and how their rate moves: (phrase, rate per 1,000 words in the first year,
/// rate in the last year). Rates are interpolated linearly across the years.
pub const THEMED: &[(&str, f64, f64)] = &[
    ("the centre", 1.2, 0.2),
    ("top-down targets", 0.8, 0.1),
    ("strategic health authority", 0.9, 0.05),
    ("national targets", 1.0, 0.3),
    ("local population", 0.4, 0.9),
    ("localism", 0.1, 0.6),
    ("clinical commissioning", 0.05, 1.5),
    ("commissioners", 0.2, 1.0),
    ("GP consortia", 0.0, 0.8),
    ("QIPP", 0.0, 0.7),
    ("efficiency savings", 0.2, 0.9),
];

const SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "ten", "sul", "or", "pha", "lin", "dre", "vo", "qua", "ner", "sti", "mon",
    "el", "bra", "tor", "gi", "pen", "zu", "cal", "an", "res", "ti", "mo", "fer", "ul", "dis",
];

/// Settings of one synthetic corpus.
pub struct Spec {
    pub seed: u64,
    pub first_year: i32,
    pub last_year: i32,
    /// Distinct invented words beyond [`COMMON`].
    pub vocabulary: usize,
    /// Words per document: uniform in this range.
    pub words: (usize, usize),
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            seed: 2003,
            first_year: 2000,
            last_year: 2019,
            vocabulary: 40_000,
            words: (200, 600),
        }
    }
}

/// One generated document.
pub struct Doc {
    pub year: i32,
    pub date: String,
    pub title: String,
    pub body: String,
}

impl Doc {
    /// As a text file: title, a `Published:` line, blank line, body.
    pub fn to_text(&self) -> String {
        format!(
            "{}\nPublished: {}\n\n{}\n",
            self.title, self.date, self.body
        )
    }
}

/// Generates documents one at a time, so a corpus of any size streams to disk.
pub struct Generator {
    rng: Rng,
    spec: Spec,
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Generator {
    pub fn new(spec: Spec) -> Self {
        let mut rng = Rng::new(spec.seed);
        let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
        while words.len() < COMMON.len() + spec.vocabulary {
            let n = 2 + rng.below(3);
            let w: String = (0..n)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect();
            words.push(w);
        }
        // Zipf's law with exponent 1.07, the usual fit for English running text.
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|r| {
                total += 1.0 / ((r + 1) as f64).powf(1.07);
                total
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|c| c / total)
            .collect();
        Generator {
            rng,
            spec,
            words,
            cumulative,
        }
    }

    fn word(&mut self) -> &str {
        let u = self.rng.unit();
        let i = self.cumulative.partition_point(|&c| c < u);
        &self.words[i.min(self.words.len() - 1)]
    }

    /// The next document; years cycle so every year gets documents from the start.
    pub fn document(&mut self, index: usize) -> Doc {
        let span = (self.spec.last_year - self.spec.first_year + 1) as usize;
        let year = self.spec.first_year + (index % span) as i32;
        let progress = if span > 1 {
            (year - self.spec.first_year) as f64 / (span - 1) as f64
        } else {
            0.0
        };
        let month = 1 + self.rng.below(12);
        let day = 1 + self.rng.below(28);
        let date = format!("{day:02}/{month:02}/{year}");
        let (lo, hi) = self.spec.words;
        let target = lo + self.rng.below(hi - lo + 1);
        let mut body = String::with_capacity(target * 7);
        let mut written = 0;
        let mut sentence_left = 0;
        while written < target {
            let capital = sentence_left == 0;
            if capital {
                if written > 0 {
                    body.push_str(". ");
                }
                sentence_left = 8 + self.rng.below(18);
            } else {
                body.push(' ');
            }
            let r = self.rng.unit() * 1000.0;
            let mut acc = 0.0;
            let mut themed = None;
            for &(phrase, from, to) in THEMED {
                acc += from + (to - from) * progress;
                if r < acc {
                    themed = Some(phrase);
                    break;
                }
            }
            let start = body.len();
            match themed {
                Some(p) => body.push_str(p),
                None => {
                    let w = self.word().to_string();
                    body.push_str(&w);
                }
            }
            if capital {
                let first = body[start..].chars().next().unwrap();
                let upper: String = first.to_uppercase().collect();
                body.replace_range(start..start + first.len_utf8(), &upper);
            }
            written += 1;
            sentence_left -= 1;
        }
        body.push('.');
        let first = COMMON[40 + self.rng.below(COMMON.len() - 40)];
        let middle = self.word().to_string();
        let last = COMMON[40 + self.rng.below(COMMON.len() - 40)];
        let title = format!("{first} {middle} {last}");
        Doc {
            year,
            date,
            title,
            body,
        }
    }
}
