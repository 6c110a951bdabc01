//! Planted courses, each over 20 seeds: generated documents whose theme rate follows a known
//! course (a step, a rise and a fall, a steady rate with chance noise, one bursty document, a
//! slow drift, 120 monthly periods); every planted turn must be found within one period and
//! in its direction, and no turn where none was planted.

use super::*;
use crate::count::{PeriodCounts, ThemeCount};

/// SplitMix64: a small, fixed random stream, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A Poisson draw of mean `lambda` (Knuth's method: `lambda` is small here).
    fn poisson(&mut self, lambda: f64) -> u64 {
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0, 1.0);
        loop {
            p *= self.uniform();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

/// A corpus of one theme: in period `t`, `docs` documents of 300 to 500 words whose hits are
/// Poisson at `rates[t]` per 10,000 words; `burst` adds that many hits to one document of
/// that period.
fn corpus(rates: &[f64], docs: usize, seed: u64, burst: Option<(usize, u64)>) -> Counts {
    let mut rng = Rng(seed);
    let mut counts = Counts::default();
    let months = rates.len() > 40;
    for (t, &rate) in rates.iter().enumerate() {
        let mut rows = Vec::new();
        for d in 0..docs {
            let words = 300 + rng.next() % 201;
            let mut hits = rng.poisson(rate * words as f64 / 10_000.0);
            if let Some((p, extra)) = burst {
                if p == t && d == 0 {
                    hits += extra;
                }
            }
            let hits = if hits > 0 {
                vec![(0u32, hits)]
            } else {
                Vec::new()
            };
            rows.push(ThemeDoc {
                tokens: words,
                hits: hits.into_boxed_slice(),
            });
        }
        rows.sort();
        let hits: u64 = rows.iter().flat_map(|r| r.hits.iter()).map(|h| h.1).sum();
        let with = rows.iter().filter(|r| !r.hits.is_empty()).count() as u64;
        let c = PeriodCounts {
            docs: docs as u64,
            tokens: rows.iter().map(|r| r.tokens).sum(),
            themes: vec![ThemeCount {
                hits,
                docs: with,
                ..Default::default()
            }],
            min_doc_tokens: rows.iter().map(|r| r.tokens).min(),
            theme_docs: rows,
            ..Default::default()
        };
        let label = if months {
            format!("{}-{:02}", 2000 + t / 12, t % 12 + 1)
        } else {
            (2000 + t).to_string()
        };
        counts.periods.insert(label, c);
    }
    counts
}

fn lexicon() -> Lexicon {
    let toml = "[[theme]]\nname = \"t\"\npatterns = [\"x\"]\n";
    Lexicon::parse(
        toml,
        std::path::Path::new("t"),
        &crate::lexicon::tests::english(),
    )
    .unwrap()
}

/// The turns of the one theme's course: (index of the first period after the turn, rose).
fn turns_of(counts: &Counts) -> Vec<(usize, bool)> {
    turns_at(counts, PENALTY)
}

/// [`turns_of`] with a penalty of `penalty` ln T per cut.
fn turns_at(counts: &Counts, penalty: f64) -> Vec<(usize, bool)> {
    let sizes: Vec<(&str, u64)> = counts
        .periods
        .iter()
        .map(|(p, c)| (p.as_str(), c.tokens))
        .collect();
    let small = SmallPeriods::of(&sizes);
    let wide = WideTable::new(counts, 5);
    let labels = crate::measure::Labels::default();
    let courses = tuned(counts, &lexicon(), &small, (&wide, &labels, 5), penalty);
    assert_eq!(courses.len(), 1);
    courses[0]
        .turns()
        .map(|(_, after, t)| (after.start, t.direction == "rose"))
        .collect()
}

/// `rates` with `from..` set to `to`.
fn step(n: usize, at: usize, before: f64, after: f64) -> Vec<f64> {
    (0..n)
        .map(|t| if t < at { before } else { after })
        .collect()
}

const SEEDS: u64 = 20;

/// Documents a month in the monthly corpus: ten years of news at about 250 articles a year.
const MONTH_DOCS: usize = 30;

#[test]
fn a_step_up_is_found_within_one_period_and_rising() {
    for seed in 0..SEEDS {
        let turns = turns_of(&corpus(&step(20, 8, 10.0, 30.0), 25, seed, None));
        assert_eq!(turns.len(), 1, "seed {seed}: {turns:?}");
        let (at, rose) = turns[0];
        assert!(rose && at.abs_diff(8) <= 1, "seed {seed}: {turns:?}");
    }
}

#[test]
fn a_rise_and_a_fall_are_two_turns_each_in_its_place() {
    let rates: Vec<f64> = (0..20)
        .map(|t| if (6..14).contains(&t) { 25.0 } else { 6.0 })
        .collect();
    for seed in 0..SEEDS {
        let turns = turns_of(&corpus(&rates, 25, 100 + seed, None));
        assert_eq!(turns.len(), 2, "seed {seed}: {turns:?}");
        assert!(
            turns[0].1 && turns[0].0.abs_diff(6) <= 1,
            "seed {seed}: {turns:?}"
        );
        assert!(
            !turns[1].1 && turns[1].0.abs_diff(14) <= 1,
            "seed {seed}: {turns:?}"
        );
    }
}

#[test]
fn a_steady_rate_with_chance_noise_makes_no_turn() {
    for seed in 0..SEEDS {
        let turns = turns_of(&corpus(&[15.0; 20], 25, 200 + seed, None));
        assert!(turns.is_empty(), "seed {seed}: {turns:?}");
    }
}

#[test]
fn one_document_repeating_the_theme_500_times_makes_no_turn() {
    for seed in 0..SEEDS {
        let counts = corpus(&[15.0; 20], 25, 300 + seed, Some((10, 500)));
        let turns = turns_of(&counts);
        assert!(turns.is_empty(), "seed {seed}: {turns:?}");
    }
}

#[test]
fn a_slow_drift_turns_only_its_own_way() {
    let rates: Vec<f64> = (0..20).map(|t| 5.0 + t as f64).collect();
    for seed in 0..SEEDS {
        let turns = turns_of(&corpus(&rates, 25, 400 + seed, None));
        assert!(
            turns.iter().all(|t| t.1),
            "seed {seed}: a turn against the drift {turns:?}"
        );
        assert!(turns.len() <= 4, "seed {seed}: {turns:?}");
    }
}

#[test]
fn monthly_periods_over_ten_years_find_the_step() {
    for seed in 0..SEEDS {
        let counts = corpus(&step(120, 60, 8.0, 24.0), MONTH_DOCS, 500 + seed, None);
        let turns = turns_of(&counts);
        assert_eq!(turns.len(), 1, "seed {seed}: {turns:?}");
        assert!(
            turns[0].1 && turns[0].0.abs_diff(60) <= 1,
            "seed {seed}: {turns:?}"
        );
    }
}

#[test]
fn two_periods_make_no_course() {
    let counts = corpus(&[5.0, 50.0], 25, 1, None);
    let sizes: Vec<(&str, u64)> = counts
        .periods
        .iter()
        .map(|(p, c)| (p.as_str(), c.tokens))
        .collect();
    let wide = WideTable::new(&counts, 5);
    let small = SmallPeriods::of(&sizes);
    assert!(courses(&counts, &lexicon(), &small, &wide, &Default::default(), 5).is_empty());
}

/// How often each method's choices find turns where none was planted, and miss planted
/// ones, over many seeds: `cargo test --release -- --ignored calibrate --nocapture`.
#[test]
#[ignore]
fn calibrate() {
    let seeds: u64 = std::env::var("SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let drift: Vec<f64> = (0..20).map(|t| 5.0 + t as f64).collect();
    let steady = [15.0; 20];
    let monthly = step(120, 60, 8.0, 24.0);
    let step = step(20, 8, 10.0, 30.0);
    for penalty in [3.0, 4.0, PENALTY] {
        let turns = |c: &Counts| turns_at(c, penalty);
        let mut false_steady = 0;
        let mut false_burst = 0;
        let mut against_drift = 0;
        let mut step_wrong = 0;
        let mut monthly_wrong = 0;
        for seed in 0..seeds {
            false_steady += !turns(&corpus(&steady, 25, 10_000 + seed, None)).is_empty() as u32;
            false_burst +=
                !turns(&corpus(&steady, 25, 20_000 + seed, Some((10, 500)))).is_empty() as u32;
            against_drift += turns(&corpus(&drift, 25, 30_000 + seed, None))
                .iter()
                .any(|t| !t.1) as u32;
            let t = turns(&corpus(&step, 25, 40_000 + seed, None));
            let wrong = !(t.len() == 1 && t[0].1 && t[0].0.abs_diff(8) <= 1);
            if wrong && step_wrong < 4 {
                println!("  step seed {seed}: {t:?}");
            }
            step_wrong += wrong as u32;
            let t = turns(&corpus(&monthly, MONTH_DOCS, 50_000 + seed, None));
            let wrong = !(t.len() == 1 && t[0].1 && t[0].0.abs_diff(60) <= 1);
            if wrong && monthly_wrong < 4 {
                println!("  monthly seed {seed}: {t:?}");
            }
            monthly_wrong += wrong as u32;
        }
        println!(
            "penalty {penalty} ln T: of {seeds}: steady {false_steady}, burst {false_burst}, against drift \
             {against_drift}, step wrong {step_wrong}, monthly wrong {monthly_wrong}"
        );
    }
}
