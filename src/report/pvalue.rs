//! How p-values are written, wherever one is shown (the CSVs, tables.xlsx, report.html, the
//! charts and the terminal summary), by one rule: a plain decimal from 0.001 up, scientific
//! notation below (`3.1e-12`), so a small p-value is never `0`: fixed decimals turned
//! p = 3e-12 into `0.000000`, which reads as "p = 0" and cannot be ranked. The CSVs hold
//! the value in full (the shortest decimal that reads back as the same double); people
//! reading the report and the summary get two significant digits in the same notation.

/// Below this a p-value is written in scientific notation.
const SCIENTIFIC_BELOW: f64 = 0.001;

/// Whether a column holds p-values: `p` is one of the words of its name (`p_value`,
/// `p_adjusted`, `trend_p_value`, `trend_p_adjusted`, and any such column added later).
pub(crate) fn is_p_column(name: &str) -> bool {
    name.split('_').any(|word| word == "p")
}

/// The p-value as written: one that underflowed to 0 (a G² above about 1,400 has a p-value
/// below the smallest double) is raised to the smallest normal double, 2.2e-308, an upper
/// bound, so that no finite statistic shows p = 0. Missing (NaN) stays missing.
pub(crate) fn floor(p: f64) -> f64 {
    if (0.0..f64::MIN_POSITIVE).contains(&p) {
        f64::MIN_POSITIVE
    } else {
        p
    }
}

/// Appends `p` in full by the rule: `0.04998765432101234`, `1.0`, `3.1e-12`, every form a
/// number to spreadsheets and CSV readers; `NaN` and `inf` as the other float cells write
/// them.
pub(crate) fn write_full(out: &mut Vec<u8>, p: f64) {
    use std::io::Write;
    let p = floor(p);
    if !p.is_finite() {
        let _ = write!(out, "{p}");
    } else if p.abs() >= SCIENTIFIC_BELOW {
        let start = out.len();
        // Display never uses an exponent and gives the shortest digits that read back as p.
        let _ = write!(out, "{p}");
        if !out[start..].contains(&b'.') {
            out.extend_from_slice(b".0");
        }
    } else {
        let _ = write!(out, "{p:e}");
    }
}

/// `p` in full by the rule, as a string.
#[cfg(test)]
pub(crate) fn full(p: f64) -> String {
    let mut out = Vec::new();
    write_full(&mut out, p);
    String::from_utf8(out).unwrap_or_default()
}

/// `p` to two significant digits by the rule, for people: `0.042`, `0.50`, `1.0`,
/// `3.1e-12`; `n/a` when there is none (NaN).
pub(crate) fn short(p: f64) -> String {
    let p = floor(p);
    if p.is_nan() {
        "n/a".into()
    } else if p.is_infinite() || p.abs() >= SCIENTIFIC_BELOW {
        let decimals = (1.0 - p.abs().log10().floor()).clamp(1.0, 4.0) as usize;
        format!("{p:.decimals$}")
    } else {
        format!("{p:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_p_values_are_written_in_scientific_notation_and_never_as_zero() {
        assert_eq!(full(3.1e-12), "3.1e-12");
        assert_eq!(full(0.0004), "4e-4");
        assert_eq!(full(0.0), "2.2250738585072014e-308");
        assert_eq!(full(5e-324), "2.2250738585072014e-308");
        assert_eq!(full(0.04999), "0.04999");
        assert_eq!(full(0.001), "0.001");
        assert_eq!(full(1.0), "1.0");
        assert_eq!(full(f64::NAN), "NaN");
        assert_eq!(short(3.14e-12), "3.1e-12");
        assert_eq!(short(0.0), "2.2e-308");
        assert_eq!(short(0.04212), "0.042");
        assert_eq!(short(0.5), "0.50");
        assert_eq!(short(1.0), "1.0");
        assert_eq!(short(0.00123), "0.0012");
        assert_eq!(short(f64::NAN), "n/a");
    }

    #[test]
    fn p_columns_are_named_by_the_word_p() {
        for name in [
            "p_value",
            "p_adjusted",
            "trend_p_value",
            "trend_p_adjusted",
            "p",
        ] {
            assert!(is_p_column(name), "{name}");
        }
        for name in ["per_10k", "top_doc_share", "log_ratio_p5", "dp", "period"] {
            assert!(!is_p_column(name), "{name}");
        }
    }

    proptest! {
        #[test]
        fn a_p_value_written_in_full_reads_back_as_itself(p in 0.0f64..=1.0) {
            let text = full(p);
            prop_assert_eq!(text.parse::<f64>().unwrap(), floor(p));
            prop_assert!(text.parse::<f64>().unwrap() > 0.0);
        }
    }
}
