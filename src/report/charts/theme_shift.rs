//! `theme_shift.png`: each theme's rate per 10,000 words in period A and period B as a pair
//! of bars, with the verdict (▲ rose, ▼ fell, – no significant change) and its p-value above
//! each pair and the theme's name under it.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::*;

const HEIGHT: u32 = 850;
/// Narrowest slot for one theme's pair of bars.
const MIN_SLOT: u32 = 200;
/// Widest line of a theme's name; longer names take two lines.
const MAX_NAME: u32 = 240;
/// Pixels above the taller bar for its value label and the two-line verdict.
const ABOVE_BARS: f64 = 96.0;
const Y_TICKS: usize = 8;

/// Renders the chart, themes in the order given.
pub fn render(period_a: &str, period_b: &str, rows: &[ThemeShiftRow]) -> Result<Vec<u8>> {
    let names = bold(LABEL);
    let verdicts = bold(TICK);
    let slot = rows
        .iter()
        .map(|r| {
            let (mark, _) = verdict(&r.change);
            let name = widest(
                wrap(&r.theme, &names, MAX_NAME, 2)
                    .iter()
                    .map(|l| l.as_str()),
                &names,
            );
            name.max(text_width(&mark, &verdicts))
                .max(text_width(&p_text(r.p_value), &text(TICK)))
        })
        .max()
        .unwrap_or(0)
        .max(MIN_SLOT)
        + 40;
    let name_lines = rows
        .iter()
        .map(|r| wrap(&r.theme, &names, MAX_NAME, 2).len())
        .max()
        .unwrap_or(1) as i32;
    // Theme names under the axis, then the axis description.
    let names_below = 8 + name_lines * line_height(LABEL) + 12;
    let x_space = (names_below + line_height(LABEL) + 8) as u32;
    let max = max_finite(rows.iter().flat_map(|r| [r.per_10k_a, r.per_10k_b]));
    let y_space = y_axis_space(&tick(&(max * 1.5)));
    let width = 1200.max(rows.len() as u32 * slot + y_space + 2 * PAD as u32 + 20);

    render_png(width, HEIGHT, |root| {
        let top = header(
            root,
            &format!("Theme shift: {period_a} → {period_b}"),
            "How often each theme's terms occur, per 10,000 words; change tested with log-likelihood (G²) at p < 0.05",
        )?;
        if rows.is_empty() {
            return no_data(root, "There are no themes to compare.");
        }
        let top = legend(
            root,
            top,
            &[
                (Swatch::Box(COLOUR_A), period_a.to_string()),
                (Swatch::Box(COLOUR_B), period_b.to_string()),
            ],
        )?;
        let body = root.margin(top + 10, PAD, PAD, PAD + 20);
        let (_, body_height) = body.dim_in_pixel();
        // Leave ABOVE_BARS pixels over the tallest bar for its labels.
        let plot_height = (body_height as f64 - x_space as f64).max(ABOVE_BARS * 2.0);
        let y_max = if max > 0.0 {
            max * plot_height / (plot_height - ABOVE_BARS)
        } else {
            1.0
        };
        let n = rows.len() as f64;
        let mut chart = ChartBuilder::on(&body)
            .x_label_area_size(x_space)
            .y_label_area_size(y_space)
            .build_cartesian_2d(0.0..n, 0.0..y_max)
            .map_err(err)?;
        mesh(&mut chart, 0, Y_TICKS)?;
        y_axis(root, &chart, Y_TICKS, "per 10,000 words")?;
        x_description(root, &chart, names_below, "Theme")?;

        // Each theme has a slot one unit wide: bar A, bar B, with a margin either side.
        let (plot_x, _) = chart.plotting_area().get_pixel_range();
        let unit = (plot_x.end - plot_x.start) as f64 / n;
        let bar = (0.3f64).min(70.0 / unit);
        let height = |v: f64| finite(v).clamp(0.0, y_max);
        chart
            .draw_series(rows.iter().enumerate().flat_map(|(i, r)| {
                let mid = i as f64 + 0.5;
                [
                    Rectangle::new(
                        [(mid - bar, 0.0), (mid, height(r.per_10k_a))],
                        COLOUR_A.filled(),
                    ),
                    Rectangle::new(
                        [(mid, 0.0), (mid + bar, height(r.per_10k_b))],
                        COLOUR_B.filled(),
                    ),
                ]
            }))
            .map_err(err)?;

        let values = text(TICK);
        let name_style = bold(LABEL);
        for (i, r) in rows.iter().enumerate() {
            let mid = i as f64 + 0.5;
            for (v, centre) in [
                (r.per_10k_a, mid - bar / 2.0),
                (r.per_10k_b, mid + bar / 2.0),
            ] {
                let (x, y) = chart.backend_coord(&(centre, height(v)));
                put(
                    root,
                    &number(v),
                    (x, y - 4),
                    &values,
                    HPos::Center,
                    VPos::Bottom,
                )?;
            }
            let (x, y) = chart.backend_coord(&(mid, 0.0));
            let max_name = (unit as u32).saturating_sub(16).min(MAX_NAME);
            for (k, line) in wrap(&r.theme, &name_style, max_name, 2).iter().enumerate() {
                let y = y + 8 + k as i32 * line_height(LABEL);
                put(root, line, (x, y), &name_style, HPos::Center, VPos::Top)?;
            }

            let (mark, colour) = verdict(&r.change);
            let tallest = height(r.per_10k_a).max(height(r.per_10k_b));
            let (x, y) = chart.backend_coord(&(mid, tallest));
            let line = line_height(TICK);
            let p_line = y - 4 - line - 10;
            put(
                root,
                &p_text(r.p_value),
                (x, p_line),
                &font(TICK, false, colour),
                HPos::Center,
                VPos::Bottom,
            )?;
            put(
                root,
                &mark,
                (x, p_line - line),
                &font(TICK, true, colour),
                HPos::Center,
                VPos::Bottom,
            )?;
        }
        Ok(())
    })
}

/// The verdict as shown over a pair of bars, and its colour (the colour of the period the
/// theme moved towards).
fn verdict(change: &str) -> (String, RGBColor) {
    match change {
        "rose" => ("▲ rose".into(), COLOUR_B),
        "fell" => ("▼ fell".into(), COLOUR_A),
        "no significant change" => ("– no significant change".into(), GREY),
        other => (other.to_string(), GREY),
    }
}

/// A p-value as people write it: `p < 0.001` when tiny.
fn p_text(p: f64) -> String {
    if !p.is_finite() {
        "p not available".into()
    } else if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::png_size;

    fn rows() -> Vec<ThemeShiftRow> {
        [
            ("centralism", 20.1, 3.2, "fell", 0.0001),
            ("localism", 12.0, 6.5, "no significant change", 0.21),
            ("commissioning", 4.0, 38.0, "rose", 0.0),
            ("QIPP", 0.0, 5.1, "rose", 0.003),
        ]
        .into_iter()
        .map(|(t, a, b, c, p)| ThemeShiftRow {
            theme: t.into(),
            per_10k_a: a,
            per_10k_b: b,
            change: c.into(),
            p_value: p,
        })
        .collect()
    }

    #[test]
    fn renders_a_deterministic_png_of_at_least_1200_by_800() {
        let png = render("2003", "2010", &rows()).unwrap();
        assert_eq!(png, render("2003", "2010", &rows()).unwrap());
        let (w, h) = png_size(&png);
        assert!(w >= 1200 && h >= 800, "{w}x{h}");
    }

    #[test]
    fn grows_with_the_number_of_themes() {
        let many: Vec<_> = (0..12).flat_map(|_| rows()).collect();
        assert!(png_size(&render("2003", "2010", &many).unwrap()).0 > 2400);
    }

    #[test]
    fn survives_empty_input_and_odd_values() {
        assert_eq!(png_size(&render("a", "b", &[]).unwrap()), (1200, HEIGHT));
        let mut r = rows();
        r[0].per_10k_a = f64::NAN;
        r[0].p_value = f64::NAN;
        r[1].per_10k_b = f64::INFINITY;
        r[2].change = "something else".into();
        render("a", "b", &r).unwrap();
        r.iter_mut()
            .for_each(|r| (r.per_10k_a, r.per_10k_b) = (0.0, f64::NAN));
        render("a", "b", &r).unwrap();
    }

    #[test]
    fn p_values_read_well() {
        assert_eq!(p_text(0.0004), "p < 0.001");
        assert_eq!(p_text(0.0412), "p = 0.041");
        assert_eq!(p_text(f64::NAN), "p not available");
    }
}
