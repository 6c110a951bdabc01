//! Lists without fragments: in a short list of terms (the top terms of a period, the key
//! terms of a comparison), a term that occurs mostly inside a longer phrase of the same list
//! gives way to it, so that `strategic`, `strategic health` and `strategic health
//! authorities` take one place, not three. The tables keep every term.

/// A term gives way when more than this share of its occurrences (in the list's period) are
/// inside a longer listed phrase: that phrase's count is above this share of its own.
pub(crate) const INSIDE_SHARE: f64 = 0.8;

/// Whether `inner`'s words (stems separated by single spaces) run, in order and together,
/// inside `outer`'s, which has more of them.
fn inside(inner: &str, outer: &str) -> bool {
    let (i, o): (Vec<&str>, Vec<&str>) = (inner.split(' ').collect(), outer.split(' ').collect());
    i.len() < o.len() && o.windows(i.len()).any(|w| w == i.as_slice())
}

/// For each of `terms` (term as in the tables, count in the period the list is about): whether
/// it stays in the list. A term is left out when a longer term of the list holds it and
/// occurs more than [`INSIDE_SHARE`] times as often: nearly every occurrence of the shorter
/// is then one of the longer's (a phrase occurs within a longer phrase at most as often as
/// the longer one does).
pub(crate) fn kept(terms: &[(&str, u64)]) -> Vec<bool> {
    terms
        .iter()
        .map(|&(inner, n)| {
            !terms
                .iter()
                .any(|&(outer, m)| inside(inner, outer) && m as f64 > INSIDE_SHARE * n as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_mostly_inside_a_longer_listed_phrase_gives_way_to_it() {
        let list = [
            ("strateg", 10),
            ("strateg health", 9),
            ("strateg health author", 9),
            ("health", 40),
            ("author", 9),
            ("care", 12),
            ("primari care", 5),
        ];
        let keep = kept(&list);
        // strategic (9 of 10 inside), strategic health (9 of 9) and authorities give way;
        // health (9 of 40) and care (5 of 12) do not.
        assert_eq!(keep, [false, false, true, true, false, true, true]);
        // Exactly 80% inside is not more than 80%.
        assert_eq!(kept(&[("a", 10), ("a b", 8)]), [true, true]);
        // Words must run together and in order.
        assert_eq!(kept(&[("a c", 5), ("a b c", 5)]), [true, true]);
    }
}
