//! `top_terms.png`: the most frequent terms of each period, one horizontal bar panel per
//! period, as many side by side as fit the design width (two, most often) and further periods
//! on rows below, largest at the top. All panels share one x scale, so equal bars mean equal
//! rates. Past eight periods it shows a selection ([`crate::report::figures::shown_periods`]) and
//! says so in its subtitle.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::*;

/// Panels in one row before the next row starts.
const MAX_COLUMNS: usize = 6;
/// Height of one bar's row.
const ROW: i32 = 32;
/// Widest word label before it is shortened.
const MAX_WORD: u32 = 190;
/// Narrowest plotting area of a panel.
const MIN_PLOT: u32 = 130;
/// Height of a panel's caption (the period).
const CAPTION: i32 = 44;
/// Height below the bars for tick labels and the axis description.
const X_AXIS: i32 = X_AXIS_SPACE as i32;
const BAR_COLOUR: RGBColor = palette::BLUISH_GREEN;

/// Renders the chart: one panel per period, each period's terms in the order given; `of`
/// periods in all (more than shown: the subtitle says which are shown and where the rest are).
pub(crate) fn render(periods: &[PeriodTopTerms], of: usize) -> Result<Vec<u8>> {
    let words = text(LABEL);
    let values = text(TICK);
    let label_width =
        |p: &PeriodTopTerms| widest(p.terms.iter().map(|t| t.word.as_str()), &words) + 14;
    let value_width = |p: &PeriodTopTerms| {
        p.terms
            .iter()
            .map(|t| text_width(&number(t.value), &values))
            .max()
            .unwrap_or(0)
            + 16
    };
    // Every panel is laid out alike (the widest labels and values of any), so that their
    // plotting areas are as wide and equal rates draw equal bars from panel to panel.
    let widest_label = periods.iter().map(label_width).max().unwrap_or(0);
    let value_width = periods.iter().map(value_width).max().unwrap_or(0);
    let fixed = value_width + MIN_PLOT + 2 * PAD as u32;
    let widths = (widest_label, MAX_WORD + 14);
    let (columns, label_width) = panel_layout(widths, fixed, periods.len(), MAX_COLUMNS);
    let panel_width = label_width + fixed;
    let grid_rows = periods.len().div_ceil(columns).max(1);
    let rows = periods
        .iter()
        .map(|p| p.terms.len())
        .max()
        .unwrap_or(0)
        .max(1) as i32;
    let panel_height = CAPTION + rows * ROW + X_AXIS + 24;
    let top = 110;
    let width = DESIGN_WIDTH.max(columns as u32 * panel_width + 2 * PAD as u32);
    let height = 800.max((top + grid_rows as i32 * panel_height + PAD) as u32);

    render_png(width, height, |root| {
        let subtitle = if of > periods.len() {
            format!(
                "{} of {of} periods (compared, turns, peaks, first, last); all in \
                 terms_by_period.csv",
                periods.len()
            )
        } else {
            "The most frequent terms of each period, per 10,000 words of that period's text"
                .to_string()
        };
        let top = header(root, "Top terms by period", &subtitle)?;
        if periods.iter().all(|p| p.terms.is_empty()) {
            return no_data(root, "There are no terms to show.");
        }
        let max = max_finite(periods.iter().flat_map(|p| p.terms.iter().map(|t| t.value)));
        let x_max = if max > 0.0 { max } else { 1.0 };
        let body = root.margin(top, PAD, PAD, PAD);
        let panels = body.split_evenly((grid_rows, columns));
        for (panel, period) in panels.iter().zip(periods) {
            let layout = (label_width, value_width, rows);
            draw_panel(root, panel, period, x_max, layout)?;
        }
        Ok(())
    })
}

/// One period's panel: caption, bars, word labels on the left and values at the bar ends.
fn draw_panel(
    root: &Area,
    panel: &Area,
    period: &PeriodTopTerms,
    x_max: f64,
    (label_width, value_width, rows): (u32, u32, i32),
) -> Result<()> {
    let area = panel_area(panel);
    let layout = (label_width, value_width, rows);
    let ticks = (6, "per 10,000 words");
    let places = (root, panel, &area);
    let mut chart = bar_panel(places, &period.period, 0.0..x_max, layout, ticks)?;
    if period.terms.is_empty() {
        return no_bars(root, &chart, x_max / 2.0, rows, "no terms");
    }

    // Row i (0 = most frequent) sits at the top.
    let row = |i: usize| rows as f64 - 1.0 - i as f64;
    let bar = |v: f64| finite(v).clamp(0.0, x_max);
    let half = half_bar(&chart, rows as f64);
    chart
        .draw_series(
            period
                .terms
                .iter()
                .take(rows as usize)
                .enumerate()
                .map(|(i, t)| {
                    Rectangle::new(
                        [
                            (0.0, row(i) + 0.5 - half),
                            (bar(t.value), row(i) + 0.5 + half),
                        ],
                        BAR_COLOUR.filled(),
                    )
                }),
        )
        .map_err(err)?;
    let words = text(LABEL);
    let values = text(TICK);
    for (i, t) in period.terms.iter().take(rows as usize).enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, row(i) + 0.5));
        let word = fit(&t.word, &words, label_width - 14);
        put(root, &word, (x - 10, y), &words, HPos::Right, VPos::Center)?;
        let (x, y) = chart.backend_coord(&(bar(t.value), row(i) + 0.5));
        put(
            root,
            &number(t.value),
            (x + 6, y),
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

    fn period(name: &str, n: usize) -> PeriodTopTerms {
        PeriodTopTerms {
            period: name.into(),
            terms: (0..n)
                .map(|i| TermValue {
                    word: format!("organisational{i}"),
                    value: 100.0 / (i + 1) as f64,
                })
                .collect(),
        }
    }

    #[test]
    fn renders_a_deterministic_png_of_the_design_width_by_at_least_800() {
        let data = [period("2003", 20), period("2010", 20)];
        let png = render(&data, data.len()).unwrap();
        assert_eq!(png, render(&data, data.len()).unwrap());
        let (w, h) = png_size(&png);
        assert!(w == DESIGN_WIDTH && h >= 800, "{w}x{h}");
    }

    #[test]
    fn more_periods_wrap_onto_rows_of_panels_at_the_design_width() {
        let two = png_size(&render(&[period("a", 20), period("b", 20)], 2).unwrap());
        let ten: Vec<_> = (0..10).map(|i| period(&format!("20{i:02}"), 20)).collect();
        let ten = png_size(&render(&ten, 30).unwrap());
        assert_eq!(ten.0, DESIGN_WIDTH, "as wide as two periods' chart");
        assert!(
            ten.1 > 3 * two.1,
            "five rows of two panels: {two:?} {ten:?}"
        );
    }

    #[test]
    fn survives_empty_input_and_odd_values() {
        assert_eq!(png_size(&render(&[], 0).unwrap()), (DESIGN_WIDTH, 800));
        render(&[period("2003", 0), period("2010", 0)], 2).unwrap();
        render(&[period("2003", 0), period("2010", 3)], 2).unwrap();
        let mut p = period("2003", 4);
        p.terms[0].value = f64::NAN;
        p.terms[1].value = f64::INFINITY;
        p.terms[2].value = -3.0;
        render(&[p.clone()], 1).unwrap();
        p.terms.iter_mut().for_each(|t| t.value = f64::NAN);
        render(&[p], 1).unwrap();
    }
}
