//! The statistics behind every comparison, each with its formula and reference.
//!
//! Notation: a term (or theme) occurs `a` times in period A of `na` word tokens and `b` times
//! in period B of `nb` word tokens; `n = na + nb`.

use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Frequency per 10,000 words: `count / tokens * 10000` (0 when `tokens` is 0).
pub(crate) fn per_10k(count: u64, tokens: u64) -> f64 {
    if tokens == 0 {
        0.0
    } else {
        count as f64 * 10_000.0 / tokens as f64
    }
}

/// DPnorm, Gries's DP scaled to 0–1: `DPnorm = DP / (1 − min_i s_i)`, with `s_i = n_i/T`
/// the share of the period's `T` word tokens in its smallest document (`min_doc_tokens`);
/// 0 when that document is the whole period. DP itself is `count::counts::gries_dp`,
/// worked out when the period is counted.
///
/// Reference: J. Lijffijt and S. Th. Gries (2012), "Correction to Stefan Th. Gries,
/// 'Dispersions and adjusted frequencies in corpora'", International Journal of Corpus
/// Linguistics 17(1).
pub(crate) fn dp_norm(dp: f64, tokens: u64, min_doc_tokens: u64) -> f64 {
    let smallest = min_doc_tokens as f64 / tokens as f64;
    if smallest < 1.0 {
        (dp / (1.0 - smallest)).min(1.0)
    } else {
        0.0
    }
}

/// Cochran–Armitage test for a linear trend in a rate across ordered periods: does the
/// share of tokens that are this term (or theme) rise or fall steadily from the first period
/// to the last? `rows[i] = (a_i, N_i)`: hits and word tokens of period `i`, scored `x_i = i`.
///
/// `p̄ = Σa_i/ΣN_i`, `x̄ = ΣN_i·x_i/ΣN_i`, `T = Σ a_i(x_i − x̄)`,
/// `Var(T) = p̄(1 − p̄) Σ N_i(x_i − x̄)²`, `z = T/√Var(T)` (positive = rising), two-sided
/// `p = erfc(|z|/√2)`. With two periods `z²` is Pearson's χ² of the 2x2 table. `None` when
/// the variance is 0 (no hits, or one period with tokens).
///
/// References: W. G. Cochran (1954), "Some methods for strengthening the common χ² tests",
/// Biometrics 10(4); P. Armitage (1955), "Tests for linear trends in proportions and
/// frequencies", Biometrics 11(3).
pub(crate) fn trend_test(rows: &[(u64, u64)]) -> Option<(f64, f64)> {
    let tokens: Vec<u64> = rows.iter().map(|r| r.1).collect();
    TrendBase::new(&tokens).test(rows.iter().map(|r| r.0).enumerate())
}

/// What [`trend_test`] needs of the periods' sizes alone (`ΣN_i`, `x̄`, `Σ N_i(x_i − x̄)²`),
/// worked out once for the many terms of one corpus; [`TrendBase::test`] then takes only a
/// term's periods with hits, so a term costs its hits, not the number of periods.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TrendBase {
    total: f64,
    x_bar: f64,
    spread: f64,
}

impl TrendBase {
    /// From the word tokens of each period, in order.
    pub(crate) fn new(tokens: &[u64]) -> TrendBase {
        let total: f64 = tokens.iter().map(|&n| n as f64).sum();
        let x_bar = tokens
            .iter()
            .enumerate()
            .map(|(i, &n)| n as f64 * i as f64)
            .sum::<f64>()
            / total;
        let spread: f64 = tokens
            .iter()
            .enumerate()
            .map(|(i, &n)| n as f64 * (i as f64 - x_bar).powi(2))
            .sum();
        TrendBase {
            total,
            x_bar,
            spread,
        }
    }

    /// [`trend_test`] of a term with `hits` (period index, hits) in ascending period order;
    /// periods left out have none. The same sums in the same order as over every period
    /// (a period without hits adds an exact zero), so the result is the same to the bit.
    pub(crate) fn test(
        &self,
        hits: impl Iterator<Item = (usize, u64)> + Clone,
    ) -> Option<(f64, f64)> {
        if self.total == 0.0 {
            return None;
        }
        let all: f64 = hits.clone().map(|(_, a)| a as f64).sum();
        let p = all / self.total;
        let t: f64 = hits.map(|(i, a)| a as f64 * (i as f64 - self.x_bar)).sum();
        let var = p * (1.0 - p) * self.spread;
        if var <= 0.0 || !var.is_finite() {
            return None;
        }
        let z = t / var.sqrt();
        let normal = statrs::distribution::Normal::new(0.0, 1.0).expect("standard normal");
        Some((z, 2.0 * (1.0 - normal.cdf(z.abs()))))
    }
}

/// Dunning's log-likelihood ratio G² on the full 2x2 contingency table
/// (occurrences and non-occurrences in A and B), natural log, no continuity correction:
///
/// `G² = 2 Σ O·ln(O/E)` over the cells `O = a, b, na−a, nb−b`, with expected values
/// `E = na(a+b)/n, nb(a+b)/n, na(n−a−b)/n, nb(n−a−b)/n` and `0·ln 0 = 0`.
///
/// Always ≥ 0. Reference: T. Dunning (1993), "Accurate methods for the statistics of surprise
/// and coincidence", Computational Linguistics 19(1); P. Rayson and R. Garside (2000),
/// "Comparing corpora using frequency profiling" (whose two-cell form drops the
/// non-occurrence cells and gives slightly smaller values).
pub(crate) fn log_likelihood(a: u64, b: u64, na: u64, nb: u64) -> f64 {
    let (a, b, na, nb) = (a as f64, b as f64, na as f64, nb as f64);
    let n = na + nb;
    if n == 0.0 {
        return 0.0;
    }
    let cell = |o: f64, e: f64| {
        if o > 0.0 && e > 0.0 {
            o * (o / e).ln()
        } else {
            0.0
        }
    };
    let g2 = 2.0
        * (cell(a, na * (a + b) / n)
            + cell(b, nb * (a + b) / n)
            + cell(na - a, na * (n - a - b) / n)
            + cell(nb - b, nb * (n - a - b) / n));
    g2.max(0.0)
}

/// G² with the sign of the change: positive when the term is relatively more frequent in B
/// (`b/nb > a/na`), negative when more frequent in A.
pub(crate) fn signed_log_likelihood(a: u64, b: u64, na: u64, nb: u64) -> f64 {
    let g2 = log_likelihood(a, b, na, nb);
    if (b as f64) * (na as f64) < (a as f64) * (nb as f64) {
        -g2
    } else {
        g2
    }
}

/// p-value of a G² statistic: the upper tail of the chi-square distribution with 1 degree of
/// freedom, `p = P(χ²₁ ≥ G²) = erfc(√(G²/2))`. Reference: S. S. Wilks (1938), "The
/// large-sample distribution of the likelihood ratio for testing composite hypotheses".
pub(crate) fn p_value(g2: f64) -> f64 {
    let chi2 = ChiSquared::new(1.0).expect("1 degree of freedom is valid");
    chi2.sf(g2.abs()).clamp(0.0, 1.0)
}

/// Hardie's Log Ratio: the binary log of the ratio of relative frequencies,
/// `log2((b/nb) / (a/na))`, with a zero count replaced by 0.5 so the ratio stays finite.
/// Each unit is a doubling. Reference: A. Hardie (2014), "Log Ratio: an informal
/// introduction", ESRC Centre for Corpus Approaches to Social Science (CASS).
///
/// The 0.5 may shrink the ratio, never reverse it. When one period is much smaller than the
/// other, half an occurrence in it can be a higher rate than the other period's real one
/// (2 of 472 words in A against 0 of 5 in B: `log2((0.5/5)/(2/472)) = +4.56`, while the rate
/// fell), so the value is held to the side of the observed rates, the side of the signed G²:
/// `max(LR, 0)` when `b/nb > a/na`, `min(LR, 0)` when `b/nb < a/na`, and 0 when the rates are
/// equal (both counts 0 included). A Log Ratio of 0 beside a non-zero G² says the data show
/// a direction but no size to trust. 0 when a period has no words.
pub(crate) fn log_ratio(a: u64, b: u64, na: u64, nb: u64) -> f64 {
    if na == 0 || nb == 0 {
        return 0.0;
    }
    let adj = |x: u64| if x == 0 { 0.5 } else { x as f64 };
    let adjusted = ((adj(b) / nb as f64) / (adj(a) / na as f64)).log2();
    // b/nb against a/na, compared exactly in integers.
    match (b as u128 * na as u128).cmp(&(a as u128 * nb as u128)) {
        std::cmp::Ordering::Greater => adjusted.max(0.0),
        std::cmp::Ordering::Less => adjusted.min(0.0),
        std::cmp::Ordering::Equal => 0.0,
    }
}

/// z for a two-sided 95% interval: the 0.975 quantile of the standard normal.
pub(crate) const Z_95: f64 = 1.959_963_984_540_054;

/// 95% confidence interval of [`log_ratio`], from the standard error of the log of a ratio
/// of two Poisson rates, `SE(ln RR) = √(1/a + 1/b)` (zero counts again 0.5), converted to
/// base 2: `log_ratio ± 1.96 · SE / ln 2`. An interval that includes 0 means the direction of
/// the difference is not settled. It is centred on [`log_ratio`] as held to the observed
/// side, so it never lies wholly on the side the rates contradict (2 of 472 against 0 of 5:
/// `0 ± 4.47`, not `[+0.09, +9.03]`). Reference: K. J. Rothman, S. Greenland and T. L. Lash
/// (2008), Modern Epidemiology, 3rd ed., ch. 14 (rate ratio intervals); applied to Log
/// Ratio as in Hardie (2014).
pub(crate) fn log_ratio_ci(a: u64, b: u64, na: u64, nb: u64) -> (f64, f64) {
    let lr = log_ratio(a, b, na, nb);
    let adj = |x: u64| if x == 0 { 0.5 } else { x as f64 };
    let se = (1.0 / adj(a) + 1.0 / adj(b)).sqrt() / std::f64::consts::LN_2;
    (lr - Z_95 * se, lr + Z_95 * se)
}

/// Benjamini-Hochberg adjusted p-values (false discovery rate) for `m` tests: with the
/// p-values sorted ascending, `p_adj(i) = min over j ≥ i of (m / j) · p(j)`, capped at 1,
/// returned in the input order. A term with `p_adj < 0.05` is key with a false discovery
/// rate of 5% across all terms tested. Reference: Y. Benjamini and Y. Hochberg (1995),
/// "Controlling the false discovery rate", JRSS B 57(1).
pub(crate) fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&x, &y| p[x].total_cmp(&p[y]).then(x.cmp(&y)));
    let mut adjusted = vec![0.0; m];
    let mut running = 1.0_f64;
    for rank in (1..=m).rev() {
        let i = order[rank - 1];
        running = running.min(p[i] * m as f64 / rank as f64);
        adjusted[i] = running.min(1.0);
    }
    adjusted
}

/// Log-odds ratio with an informative Dirichlet prior, and its z-score ("Fightin' Words"):
///
/// `δ = ln((b + α_w) / (nb + α₀ − b − α_w)) − ln((a + α_w) / (na + α₀ − a − α_w))`,
/// `σ² ≈ 1/(b + α_w) + 1/(a + α_w)`, `z = δ / σ`,
///
/// with prior counts `α_w` (here the term's count in the whole corpus, all periods) and `α₀`
/// their total (the whole corpus's words). The prior shrinks the estimates for rare terms,
/// so `z` ranks terms without the rare-word bias of raw log-odds. Positive = more typical of
/// B. Reference: B. L. Monroe, M. P. Colaresi and K. M. Quinn (2008), "Fightin' words:
/// lexical feature selection and evaluation for identifying the content of political
/// conflict", Political Analysis 16(4), eqs. 16-22.
pub(crate) fn log_odds_dirichlet(
    a: u64,
    b: u64,
    na: u64,
    nb: u64,
    prior: f64,
    prior_total: f64,
) -> (f64, f64) {
    let (a, b, na, nb) = (a as f64, b as f64, na as f64, nb as f64);
    let odds = |y: f64, n: f64| ((y + prior) / (n + prior_total - y - prior)).ln();
    let delta = odds(b, nb) - odds(a, na);
    let var = 1.0 / (b + prior) + 1.0 / (a + prior);
    (delta, delta / var.sqrt())
}

/// The word for a change: `rose`/`fell` when `p < alpha`, else `no significant change`.
pub(crate) fn change_word(signed_g2: f64, p: f64, alpha: f64) -> &'static str {
    if p >= alpha || signed_g2 == 0.0 {
        "no significant change"
    } else if signed_g2 > 0.0 {
        "rose"
    } else {
        "fell"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64) -> bool {
        (x - y).abs() < 1e-9 * y.abs().max(1.0)
    }

    /// a=10, b=30, na=nb=1000: E = 20, 20, 980, 980, so
    /// G² = 2[10 ln(10/20) + 30 ln(30/20) + 990 ln(990/980) + 970 ln(970/980)]
    ///    = 2[−6.931472 + 12.163953 + 10.050930 − 9.948942] = 10.669048.
    /// (The two-cell form would give 2[−6.931472 + 12.163953] = 10.464962.)
    /// The direct formula, `½ Σ |v_i/f − s_i|` over every part, for the test below.
    fn dp_direct(parts: &[(u64, u64)]) -> (f64, f64) {
        let t: u64 = parts.iter().map(|p| p.0).sum();
        let f: u64 = parts.iter().map(|p| p.1).sum();
        let dp = 0.5
            * parts
                .iter()
                .map(|&(n, v)| (v as f64 / f as f64 - n as f64 / t as f64).abs())
                .sum::<f64>();
        let min = parts.iter().map(|p| p.0).min().unwrap() as f64 / t as f64;
        (dp, dp / (1.0 - min))
    }

    /// DP from the sums over the documents that hold the term.
    fn dp_sums(parts: &[(u64, u64)]) -> (f64, f64) {
        let t: u64 = parts.iter().map(|p| p.0).sum();
        let f: u64 = parts.iter().map(|p| p.1).sum();
        let (mut with, mut excess) = (0u64, 0u128);
        for &(n, v) in parts.iter().filter(|p| p.1 > 0) {
            with += n;
            excess += (n as u128 * f as u128).saturating_sub(v as u128 * t as u128);
        }
        let min = parts.iter().map(|p| p.0).min().unwrap();
        let dp = crate::count::gries_dp(f, t, with, excess).unwrap();
        (dp, dp_norm(dp, t, min))
    }

    #[test]
    fn gries_dp_matches_hand_and_independent_values() {
        // By hand: five equal parts (s = 0.2 each), shares 0.1, 0.2, 0.3, 0.4, 0:
        // DP = ½ (0.1 + 0 + 0.1 + 0.2 + 0.2) = 0.3; DPnorm = 0.3 / (1 − 0.2) = 0.375.
        // The others were computed in Python with the direct formula.
        for (parts, dp, norm) in [
            (
                vec![(100, 1), (100, 2), (100, 3), (100, 4), (100, 0)],
                0.3,
                0.375,
            ),
            (
                vec![(50, 3), (120, 0), (30, 7), (300, 1), (500, 0)],
                0.829090909090909,
                0.8547328959700093,
            ),
            (vec![(10, 10), (990, 0)], 0.99, 1.0),
        ] {
            for (got_dp, got_norm) in [dp_sums(&parts), dp_direct(&parts)] {
                assert!((got_dp - dp).abs() < 1e-12, "{parts:?}: {got_dp}");
                assert!((got_norm - norm).abs() < 1e-12, "{parts:?}: {got_norm}");
            }
        }
        // Spread exactly like the text: 0.
        let (dp, _) = dp_sums(&[(100, 2), (50, 1), (150, 3)]);
        assert!(dp.abs() < 1e-12);
        assert_eq!(crate::count::gries_dp(0, 10, 0, 0), None);
        assert_eq!(crate::count::gries_dp(3, 0, 0, 0), None);
    }

    #[test]
    fn trend_test_matches_independent_values() {
        // Python, the formula written out a second time (math.erfc for p).
        let (z, p) = trend_test(&[(10, 1000), (15, 1200), (30, 1500), (40, 1400)]).unwrap();
        assert!((z - 3.6898116211669825).abs() < 1e-9, "{z}");
        assert!((p - 0.00022442017297538466).abs() < 1e-9, "{p}");
        let (z, p) = trend_test(&[(50, 2000), (40, 2000), (20, 2100)]).unwrap();
        assert!((z + 3.7332484145029956).abs() < 1e-9, "{z}");
        assert!((p - 0.00018902599707366617).abs() < 1e-9, "{p}");
        // Two periods: z² is Pearson's χ² of the 2x2 table (9.5845265293 for these counts).
        let (z, p) = trend_test(&[(10, 4720), (0, 4519)]).unwrap();
        assert!((z * z - 9.584526529307947).abs() < 1e-9, "{z}");
        assert!((p - 0.001962240337858851).abs() < 1e-9, "{p}");
        assert_eq!(trend_test(&[(0, 100), (0, 100)]), None);
        assert_eq!(trend_test(&[(5, 100), (0, 0)]), None);
    }

    #[test]
    fn g2_worked_by_hand() {
        assert!((log_likelihood(10, 30, 1000, 1000) - 10.669048).abs() < 1e-6);
    }

    /// Reference values from a second implementation (Python: math.log, math.erfc, math.log2).
    #[test]
    fn g2_p_and_log_ratio_against_second_implementation() {
        let cases = [
            (
                (10, 30, 1000, 1000),
                10.66904804969954,
                0.0010894317002244334,
                1.584962500721156,
            ),
            (
                (0, 12, 500, 800),
                11.721982749132918,
                0.0006176611082810759,
                3.9068905956085187,
            ),
            (
                (25, 5, 2000, 1000),
                4.2635527839590095,
                0.0389384039673897,
                -1.3219280948873624,
            ),
            ((7, 7, 1000, 1000), 0.0, 1.0, 0.0),
        ];
        for ((a, b, na, nb), g2, p, lr) in cases {
            assert!(close(log_likelihood(a, b, na, nb), g2), "g2 {a} {b}");
            assert!(close(p_value(g2), p), "p {a} {b}: {}", p_value(g2));
            assert!(close(log_ratio(a, b, na, nb), lr), "lr {a} {b}");
        }
    }

    #[test]
    fn sign_follows_relative_frequency() {
        assert!(signed_log_likelihood(25, 5, 2000, 1000) < 0.0);
        assert!(signed_log_likelihood(5, 25, 1000, 2000) > 0.0);
        assert_eq!(change_word(-4.26, 0.039, 0.05), "fell");
        assert_eq!(change_word(4.26, 0.039, 0.05), "rose");
        assert_eq!(change_word(4.26, 0.06, 0.05), "no significant change");
    }

    #[test]
    fn a_trend_from_the_periods_with_hits_is_the_trend_from_every_period_to_the_bit() {
        let rows = [
            (0, 900),
            (7, 1000),
            (0, 1100),
            (3, 800),
            (12, 1200),
            (0, 0),
            (5, 950),
        ];
        let tokens: Vec<u64> = rows.iter().map(|r| r.1).collect();
        let base = TrendBase::new(&tokens);
        let sparse = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.0 > 0)
            .map(|(i, r)| (i, r.0));
        let (z, p) = base.test(sparse).unwrap();
        let (z_all, p_all) = trend_test(&rows).unwrap();
        assert_eq!(
            (z.to_bits(), p.to_bits()),
            (z_all.to_bits(), p_all.to_bits())
        );
        assert_eq!(base.test(std::iter::empty()), None, "no hits: no variance");
    }

    #[test]
    fn per_10k_and_degenerate_inputs() {
        assert!(close(per_10k(3, 1500), 20.0));
        assert_eq!(per_10k(3, 0), 0.0);
        assert_eq!(log_likelihood(0, 0, 0, 0), 0.0);
        assert_eq!(log_ratio(1, 1, 0, 10), 0.0);
    }

    // Expected values below were computed independently in Python 3 (math module only):
    //   lr = log2(((b or .5)/nb)/((a or .5)/na)); se = sqrt(1/(a or .5)+1/(b or .5))/ln 2;
    //   ci = lr -/+ 1.959963984540054*se
    #[test]
    fn log_ratio_interval_matches_independent_values() {
        let close = |x: f64, y: f64| (x - y).abs() < 1e-9;
        let (lo, hi) = log_ratio_ci(1, 6, 472, 452);
        assert!(
            close(lo, -0.4067632290272267) && close(hi, 5.701616404362847),
            "{lo} {hi}"
        );
        let (lo, hi) = log_ratio_ci(0, 5, 472, 452);
        assert!(
            close(lo, -0.8096613596276216) && close(hi, 7.578445723295653),
            "{lo} {hi}"
        );
        let (lo, hi) = log_ratio_ci(40, 10, 100_000, 120_000);
        assert!(
            close(lo, -3.262752693102959) && close(hi, -1.263316118564629),
            "{lo} {hi}"
        );
    }

    // Python 3, the formula without the hold (as above):
    //   lr = log2(((b or .5)/nb)/((a or .5)/na)); w = 1.959963984540054*sqrt(1/(a or .5)+1/(b or .5))/log(2)
    //   (2, 0, 472, 5):   lr = +4.560714954474479 (rate fell: held to 0), w = 4.47087609736703
    //   (0, 0, 452, 5):   lr = +6.498250867527825 (rates equal: 0),        w = 5.655260641633817
    //   (3, 0, 10, 1000): lr = -9.228818690495881 (rate fell: kept),       w = 4.3192766608319175
    //   (0, 1, 1000, 1000): lr = +1.0 (rate rose: kept),                   w = 4.89759938067717
    #[test]
    fn log_ratio_is_held_to_the_side_of_the_observed_rates() {
        let close = |x: f64, y: f64| (x - y).abs() < 1e-9;
        for ((a, b, na, nb), lr, w) in [
            ((2, 0, 472, 5), 0.0, 4.47087609736703),
            ((0, 2, 5, 472), 0.0, 4.47087609736703),
            ((0, 0, 452, 5), 0.0, 5.655260641633817),
            ((3, 0, 10, 1000), -9.228818690495881, 4.3192766608319175),
            ((0, 1, 1000, 1000), 1.0, 4.89759938067717),
        ] {
            let got = log_ratio(a, b, na, nb);
            let (lo, hi) = log_ratio_ci(a, b, na, nb);
            assert!(close(got, lr), "{a} {b} {na} {nb}: {got}");
            assert!(
                close(lo, lr - w) && close(hi, lr + w),
                "{a} {b}: [{lo}, {hi}]"
            );
        }
        // Equal rates with counts: exactly 0, whatever the rounding of the division.
        assert_eq!(log_ratio(3, 9, 1000, 3000), 0.0);
    }

    proptest::proptest! {
        /// Whatever the counts and period sizes, the Log Ratio never points against the rates
        /// (nor against the signed G², which follows them), and its interval holds it and
        /// never lies wholly on the side the rates contradict.
        #[test]
        fn log_ratio_and_its_interval_never_contradict_the_rates(
            a in 0u64..60, b in 0u64..60, extra_a in 0u64..200_000, extra_b in 0u64..200_000,
        ) {
            let (na, nb) = (a + extra_a + 1, b + extra_b + 1);
            let lr = log_ratio(a, b, na, nb);
            let (lo, hi) = log_ratio_ci(a, b, na, nb);
            let (rate_a, rate_b) = (a as f64 / na as f64, b as f64 / nb as f64);
            let g2 = signed_log_likelihood(a, b, na, nb);
            if rate_b > rate_a {
                proptest::prop_assert!(lr >= 0.0 && hi > 0.0 && g2 >= 0.0, "{lr} [{lo}, {hi}] {g2}");
            } else if rate_b < rate_a {
                proptest::prop_assert!(lr <= 0.0 && lo < 0.0 && g2 <= 0.0, "{lr} [{lo}, {hi}] {g2}");
            } else {
                proptest::prop_assert!(lr == 0.0, "{lr}");
            }
            proptest::prop_assert!(lo <= lr && lr <= hi);
        }
    }

    // Python 3: step-up from the largest p, min(prev, p*m/rank).
    #[test]
    fn benjamini_hochberg_matches_independent_values() {
        let adj = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.2, 0.001]);
        let want = [0.025, 0.05, 0.05, 0.2, 0.005];
        for (x, y) in adj.iter().zip(want) {
            assert!((x - y).abs() < 1e-12, "{adj:?}");
        }
        assert!(benjamini_hochberg(&[]).is_empty());
        assert_eq!(benjamini_hochberg(&[0.9, 0.9]), [0.9, 0.9]);
    }

    // Python 3: d = ln((b+p)/(nb+a0-b-p)) - ln((a+p)/(na+a0-a-p)); z = d/sqrt(1/(b+p)+1/(a+p))
    #[test]
    fn log_odds_with_dirichlet_prior_matches_independent_values() {
        let close = |x: f64, y: f64| (x - y).abs() < 1e-9;
        let (d, z) = log_odds_dirichlet(1, 6, 472, 452, 7.0, 924.0);
        assert!(
            close(d, 0.503683525151918) && close(z, 1.1208945773669676),
            "{d} {z}"
        );
        let (d, z) = log_odds_dirichlet(40, 10, 100_000, 120_000, 50.0, 220_000.0);
        assert!(
            close(d, -0.46619453332179717) && close(z, -2.797167199930783),
            "{d} {z}"
        );
    }
}
