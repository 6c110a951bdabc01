//! The findings of the themes' courses ([`crate::measure::course`]), in sentences that open
//! findings.md, report.html and the terminal summary when three or more periods are big
//! enough to compare: one per theme that turned (each turn with its period and the rates
//! either side, the peak, and the terms that came or went with each turn), then one naming
//! the themes that held steady, with their level. Every number is one theme_course.csv
//! holds.

use std::fmt::Write as _;

use super::findings::{and_list, rate};
use crate::measure::course::{Course, Stretch, Turn};
use crate::measure::key_lists::KeyLine;
use crate::measure::ALPHA;

/// Terms named with a turn.
const TERMS_NAMED: usize = 3;

/// The course sentences: one per theme with a turn, one for the themes without; none when
/// no course was drawn.
pub(crate) fn sentences(courses: &[Course]) -> Vec<String> {
    if courses.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = courses
        .iter()
        .filter(|c| c.turns().next().is_some())
        .map(turned)
        .collect();
    let steady: Vec<&Course> = courses
        .iter()
        .filter(|c| c.turns().next().is_none())
        .collect();
    let (first, last) = span(courses);
    if !out.is_empty() {
        out.push(format!(
            "Each turn above is borne out by both the word counts and the documents (adjusted \
             p below {ALPHA} in each test, allowing for the search for where it lies); \
             theme_course.csv has the tests."
        ));
    }
    if !steady.is_empty() {
        let names: Vec<&str> = steady.iter().map(|c| c.theme.as_str()).collect();
        let levels: Vec<String> = steady
            .iter()
            .map(|c| rate(c.stretches[0].per_10k))
            .collect();
        let which = if steady.len() == courses.len() && steady.len() > 1 {
            format!("any of the {} themes ({})", steady.len(), and_list(&names))
        } else {
            and_list(&names)
        };
        out.push(format!(
            "No turn in {which} from {first} to {last}: {} at {} per 10,000 words{}.",
            if steady.len() > 1 {
                "they held"
            } else {
                "it held"
            },
            and_list(&levels),
            if steady.len() > 1 {
                " respectively"
            } else {
                ""
            }
        ));
    }
    out
}

/// The first and last periods of the courses.
fn span(courses: &[Course]) -> (&str, &str) {
    let stretches = &courses[0].stretches;
    (&stretches[0].from, &stretches[stretches.len() - 1].to)
}

/// "commissioning rose in 2006 (from 12.1 to 48.7 per 10,000 words), peaked in 2010 (61.2)
/// and fell in 2013 (to 20.4). With the rise in 2006 came ...; with the fall in 2013 went
/// ...". Turns in a row the same way are told together: "rose in 1997, 1999 and 2002 (from
/// 2.3 to 13.0, 31.5 and 47.0 per 10,000 words)".
fn turned(c: &Course) -> String {
    let mut groups: Vec<Vec<(&Stretch, &Turn)>> = Vec::new();
    for (_, after, turn) in c.turns() {
        match groups.last_mut() {
            Some(g) if g[0].1.direction == turn.direction => g.push((after, turn)),
            _ => groups.push(vec![(after, turn)]),
        }
    }
    let mut events: Vec<(usize, String)> = Vec::new();
    for (k, group) in groups.iter().enumerate() {
        let periods: Vec<&str> = group.iter().map(|(s, _)| s.from.as_str()).collect();
        let rates: Vec<String> = group.iter().map(|(s, _)| rate(s.per_10k)).collect();
        let rates = if k == 0 {
            format!(
                "from {} to {} per 10,000 words",
                rate(group[0].1.per_10k_before),
                and_list(&rates)
            )
        } else {
            format!("to {}", and_list(&rates))
        };
        let direction = group[0].1.direction;
        events.push((
            group[0].0.start,
            format!("{direction} in {} ({rates})", and_list(&periods)),
        ));
    }
    if let Some((period, peak)) = &c.peak {
        // Placed among the turns by time: after the last one at or before it.
        let at = c
            .stretches
            .iter()
            .find(|s| s.from.as_str() <= period.as_str() && period.as_str() <= s.to.as_str())
            .map_or(0, |s| s.start);
        let place = events.iter().position(|e| e.0 > at).unwrap_or(events.len());
        events.insert(place, (at, format!("peaked in {period} ({})", rate(*peak))));
    }
    let clauses: Vec<&str> = events.iter().map(|e| e.1.as_str()).collect();
    let mut s = format!("{} {}.", c.theme, and_list(&clauses));
    let with: Vec<String> = groups.iter().filter_map(|g| came_or_went(g)).collect();
    if !with.is_empty() {
        let mut joined = with.join("; ");
        if let Some(first) = joined.get(..1) {
            joined = first.to_uppercase() + &joined[1..];
        }
        let _ = write!(s, " {joined}.");
    }
    s
}

/// "with the rise in 2006 came A, B and C" (the terms most key to the stretches after a
/// group of rises), or "with the fall from 2010 to 2014 went A and B" (those most key to the
/// stretches before a group of falls), strongest first; `None` when no term is.
fn came_or_went(group: &[(&Stretch, &Turn)]) -> Option<String> {
    let rose = group[0].1.direction == "rose";
    let (noun, verb) = if rose {
        ("rise", "came")
    } else {
        ("fall", "went")
    };
    let mut terms: Vec<&KeyLine> = group
        .iter()
        .flat_map(|(_, t)| if rose { &t.came } else { &t.went })
        .collect();
    terms.sort_by(|a, b| b.g2.abs().total_cmp(&a.g2.abs()).then(a.word.cmp(&b.word)));
    let mut words: Vec<&str> = Vec::new();
    for t in terms {
        if !words.contains(&t.word.as_str()) && words.len() < TERMS_NAMED {
            words.push(&t.word);
        }
    }
    let when = match group {
        [one] => format!("in {}", one.0.from),
        [first, .., last] => format!("from {} to {}", first.0.from, last.0.from),
        [] => return None,
    };
    (!words.is_empty()).then(|| format!("with the {noun} {when} {verb} {}", and_list(&words)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stretch(from: &str, to: &str, start: usize, per_10k: f64, turn: Option<Turn>) -> Stretch {
        Stretch {
            from: from.into(),
            to: to.into(),
            periods: 1,
            start,
            hits: 10,
            words: 1000,
            docs: 5,
            documents: 10,
            per_10k,
            turn,
        }
    }

    fn key(word: &str, g2: f64) -> KeyLine {
        KeyLine {
            term: word.to_lowercase(),
            word: word.into(),
            g2,
            log_ratio: 1.0,
            log_ratio_low: 0.5,
            log_ratio_high: 1.5,
            p_adjusted: 0.001,
            per_10k_a: 1.0,
            per_10k_b: 2.0,
            docs_a: 3,
            docs_b: 4,
            single_doc: false,
        }
    }

    fn turn(direction: &'static str, before: f64, came: Vec<KeyLine>, went: Vec<KeyLine>) -> Turn {
        Turn {
            direction,
            per_10k_before: before,
            log_ratio: 1.0,
            g2: if direction == "rose" { 50.0 } else { -50.0 },
            p_value: 1e-6,
            p_adjusted: 1e-5,
            p_doc: Some(1e-4),
            p_doc_adjusted: Some(1e-3),
            evidence: crate::measure::by_document::BOTH,
            came,
            went,
        }
    }

    fn commissioning() -> Course {
        Course {
            theme: "commissioning".into(),
            stretches: vec![
                stretch("2003", "2005", 0, 12.1, None),
                stretch(
                    "2006",
                    "2012",
                    3,
                    48.7,
                    Some(turn(
                        "rose",
                        12.1,
                        vec![
                            key("practice-based commissioning", 90.0),
                            key("PBC", 40.0),
                            key("clusters", 20.0),
                        ],
                        vec![],
                    )),
                ),
                stretch(
                    "2013",
                    "2016",
                    10,
                    20.4,
                    Some(turn("fell", 48.7, vec![], vec![key("PBC", -30.0)])),
                ),
            ],
            peak: Some(("2010".into(), 61.2)),
            dispersion: 2.0,
        }
    }

    #[test]
    fn a_course_reads_as_its_turns_its_peak_and_what_came_and_went() {
        let steady = Course {
            theme: "localism".into(),
            stretches: vec![stretch("2003", "2016", 0, 4.14, None)],
            peak: Some(("2007".into(), 5.0)),
            dispersion: 1.0,
        };
        let s = sentences(&[commissioning(), steady]);
        assert_eq!(
            s[0],
            "commissioning rose in 2006 (from 12.1 to 48.7 per 10,000 words), peaked in 2010 \
             (61.2) and fell in 2013 (to 20.4). With the rise in 2006 came practice-based \
             commissioning, PBC and clusters; with the fall in 2013 went PBC."
        );
        assert!(
            s[1].starts_with("Each turn above is borne out by both"),
            "{}",
            s[1]
        );
        assert_eq!(
            s[2],
            "No turn in localism from 2003 to 2016: it held at 4.1 per 10,000 words."
        );
        assert!(sentences(&[]).is_empty());
    }

    #[test]
    fn turns_the_same_way_in_a_row_are_told_together() {
        let mut c = commissioning();
        let third = stretch(
            "2014",
            "2016",
            11,
            60.0,
            Some(turn("rose", 48.7, vec![key("GP consortia", 95.0)], vec![])),
        );
        c.stretches[2] = third;
        c.peak = Some(("2015".into(), 70.0));
        let s = sentences(&[c]);
        assert_eq!(
            s[0],
            "commissioning rose in 2006 and 2014 (from 12.1 to 48.7 and 60.0 per 10,000 words) \
             and peaked in 2015 (70.0). With the rise from 2006 to 2014 came GP consortia, \
             practice-based commissioning and PBC."
        );
        // Every theme steady: named as all of them.
        let flat = |name: &str, r: f64| Course {
            theme: name.into(),
            stretches: vec![stretch("2003", "2016", 0, r, None)],
            peak: None,
            dispersion: 1.0,
        };
        let s = sentences(&[flat("a", 1.0), flat("b", 0.05)]);
        assert_eq!(
            s,
            [
                "No turn in any of the 2 themes (a and b) from 2003 to 2016: they held at 1.0 and \
              0.05 per 10,000 words respectively."
            ]
        );
    }
}
