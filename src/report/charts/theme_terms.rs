//! `theme_terms.png`: why each theme moved. One panel per theme (up to three to a row); in
//! each, the matched words whose rate changed most between the compared periods, as bars
//! from zero: right (period B's colour) when the word is more frequent in B, left (A's
//! colour) when it is more frequent in A. All panels share one x scale.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::*;

/// Panels in one row before the next row starts.
const MAX_COLUMNS: usize = 3;
/// Height of one bar's row.
const ROW: i32 = 30;
/// Widest word label before it is shortened.
const MAX_WORD: u32 = 200;
/// Width of a panel's plotting area.
const PLOT: u32 = 240;
/// Height of a panel's caption (the theme and its change).
const CAPTION: i32 = 44;
const X_AXIS: i32 = X_AXIS_SPACE as i32;
/// Rows a panel has room for even when its theme matched fewer words.
const MIN_ROWS: usize = 2;

/// Renders the chart for the comparison of `period_b` against `period_a`.
pub(crate) fn render(period_a: &str, period_b: &str, themes: &[ThemeWords]) -> Result<Vec<u8>> {
    let words = text(LABEL);
    let values = text(TICK);
    let widest_label = widest(
        themes
            .iter()
            .flat_map(|t| t.words.iter().map(|w| w.word.as_str())),
        &words,
    ) + 14;
    let value_width = themes
        .iter()
        .flat_map(|t| t.words.iter())
        .map(|w| text_width(&signed(w.value), &values))
        .max()
        .unwrap_or(0)
        + 16;
    // As many panels to a row as fit the design width (at least one).
    let fixed = PLOT + value_width + 2 * PAD as u32;
    let widths = (widest_label, MAX_WORD + 14);
    let (columns, label_width) = panel_layout(widths, fixed, themes.len(), MAX_COLUMNS);
    let panel_width = label_width + fixed;
    // Each row of panels as tall as its longest list of words: a bar is as thick in every
    // panel, and a theme that matched two words takes the room of two.
    let rows: Vec<i32> = themes
        .chunks(columns)
        .map(|row| {
            row.iter()
                .map(|t| t.words.len())
                .max()
                .unwrap_or(0)
                .max(MIN_ROWS) as i32
        })
        .collect();
    let panel_height = |rows: i32| CAPTION + rows * ROW + X_AXIS + 24;
    let grid_height: i32 = rows.iter().map(|&r| panel_height(r)).sum();
    let top = 150;
    let width = DESIGN_WIDTH.max(columns as u32 * panel_width + 2 * PAD as u32);
    let height = 600.max((top + grid_height + PAD) as u32);

    render_png(width, height, |root| {
        let top = header(
            root,
            &format!("What moved each theme, {period_a} to {period_b}"),
            &format!(
                "Each matched word's rate in {period_b} minus its rate in {period_a}, per 10,000 words: the words that changed most"
            ),
        )?;
        let top = legend(
            root,
            top,
            &[
                (
                    Swatch::Box(COLOUR_B),
                    format!("more frequent in {period_b}"),
                ),
                (
                    Swatch::Box(COLOUR_A),
                    format!("more frequent in {period_a}"),
                ),
            ],
        )?;
        if themes.iter().all(|t| t.words.is_empty()) {
            return no_data(root, "No theme matched any word in the compared periods.");
        }
        let max = max_finite(
            themes
                .iter()
                .flat_map(|t| t.words.iter().map(|w| w.value.abs())),
        );
        let x_max = if max > 0.0 { max } else { 1.0 };
        let body = root.margin(top + 8, PAD, PAD, PAD);
        // Panels keep their own height; a canvas taller than they need is left blank below.
        let mut rest = body;
        for (row, &n) in themes.chunks(columns).zip(&rows) {
            let (line, below) = rest.split_vertically(panel_height(n));
            for (panel, theme) in line.split_evenly((1, columns)).iter().zip(row) {
                draw_panel(root, panel, theme, x_max, (label_width, value_width, n))?;
            }
            rest = below;
        }
        Ok(())
    })
}

/// A change with its sign: `+12.3`, `−4.0`.
fn signed(x: f64) -> String {
    match number(x) {
        s if x > 0.0 => format!("+{s}"),
        s => s.replacen('-', "−", 1),
    }
}

fn draw_panel(
    root: &Area,
    panel: &Area,
    theme: &ThemeWords,
    x_max: f64,
    (label_width, value_width, rows): (u32, u32, i32),
) -> Result<()> {
    let area = panel_area(panel);
    let layout = (label_width, value_width, rows);
    let ticks = (5, "change per 10,000 words");
    let places = (root, panel, &area);
    let mut chart = bar_panel(places, &theme.theme, -x_max..x_max, layout, ticks)?;
    // The zero line, darker than the grid.
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, rows as f64)],
            AXIS.stroke_width(1),
        )))
        .map_err(err)?;
    if theme.words.is_empty() {
        return no_bars(root, &chart, 0.0, rows, "no hits");
    }
    let row = |i: usize| rows as f64 - 1.0 - i as f64;
    let bar = |v: f64| finite(v).clamp(-x_max, x_max);
    let half = half_bar(&chart, rows as f64);
    chart
        .draw_series(
            theme
                .words
                .iter()
                .take(rows as usize)
                .enumerate()
                .map(|(i, w)| {
                    let colour = if w.value >= 0.0 { COLOUR_B } else { COLOUR_A };
                    Rectangle::new(
                        [
                            (0.0, row(i) + 0.5 - half),
                            (bar(w.value), row(i) + 0.5 + half),
                        ],
                        colour.filled(),
                    )
                }),
        )
        .map_err(err)?;
    let words = text(LABEL);
    let values = text(TICK);
    for (i, w) in theme.words.iter().take(rows as usize).enumerate() {
        let (x, y) = chart.backend_coord(&(-x_max, row(i) + 0.5));
        let word = fit(&w.word, &words, label_width - 14);
        put(root, &word, (x - 10, y), &words, HPos::Right, VPos::Center)?;
        // Values in a column right of the plot, so they never cover a bar or a word.
        let (x, _) = chart.backend_coord(&(x_max, 0.0));
        put(
            root,
            &signed(w.value),
            (x + 8, y),
            &values,
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::png_size;

    fn theme(name: &str, n: usize) -> ThemeWords {
        ThemeWords {
            theme: name.into(),
            words: (0..n)
                .map(|i| TermValue {
                    word: format!("commissioning{i}"),
                    value: if i % 2 == 0 { 50.0 } else { -20.0 } / (i + 1) as f64,
                })
                .collect(),
        }
    }

    #[test]
    fn renders_a_deterministic_png_that_grows_with_the_themes() {
        let two = [theme("centralism", 8), theme("localism", 3)];
        let png = render("2003", "2010", &two).unwrap();
        assert_eq!(png, render("2003", "2010", &two).unwrap());
        let (w, h) = png_size(&png);
        assert!(w >= DESIGN_WIDTH && h >= 600, "{w}x{h}");
        let seven: Vec<_> = (0..7).map(|i| theme(&format!("t{i}"), 8)).collect();
        let (_, h7) = png_size(&render("2003", "2010", &seven).unwrap());
        assert!(h7 > h, "{h7} <= {h}");
        // Each row of panels is as tall as its words need: fewer words, a shorter chart.
        let short = [theme("centralism", 8), theme("localism", 3), theme("q", 2)];
        let long = [theme("centralism", 8), theme("localism", 3), theme("q", 8)];
        let (_, hs) = png_size(&render("2003", "2010", &short).unwrap());
        let (_, hl) = png_size(&render("2003", "2010", &long).unwrap());
        assert!(hs < hl, "{hs} >= {hl}");
    }

    #[test]
    fn survives_empty_input_and_odd_values() {
        render("a", "b", &[]).unwrap();
        render("a", "b", &[theme("x", 0), theme("y", 2)]).unwrap();
        let mut t = theme("x", 3);
        t.words[0].value = f64::NAN;
        t.words[1].value = f64::NEG_INFINITY;
        render("a", "b", &[t]).unwrap();
    }
}
