//! `theme_trend.png`: each theme's rate per 10,000 words across the periods, one line with
//! markers per theme (colour and marker shape both tell the themes apart). Drawn when there are
//! more than two periods; a missing (NaN) value leaves a gap in the line. When the themes'
//! courses were drawn ([`crate::measure::course`]), each theme's stretches of steady rate are
//! bold steps over its per-period line (then drawn thin and pale), each turn marked by a
//! triangle pointing the way the rate went. The chart is as wide as the others whatever the
//! number of periods: past about fifteen, every second (or third...) period is labelled, from
//! the first; past [`MARKED`] periods the per-period points lose their markers, so that a
//! monthly series of years reads as a line, not a thicket.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::*;

const HEIGHT: u32 = 850;
/// Narrowest column for one period.
const MIN_COLUMN: u32 = 48;
/// Widest line of a period label; longer labels take two lines.
const MAX_PERIOD: u32 = 200;
const Y_TICKS: usize = 8;
/// Most periods whose points carry a marker.
const MARKED: usize = 40;

/// Renders the chart: `series[i].per_10k[j]` is theme i in `periods[j]`.
pub(crate) fn render(periods: &[String], series: &[ThemeSeries]) -> Result<Vec<u8>> {
    let labels = text(LABEL);
    let period_lines: Vec<Vec<String>> = periods
        .iter()
        .map(|p| wrap(p, &labels, MAX_PERIOD, 2))
        .collect();
    let column = period_lines
        .iter()
        .flat_map(|lines| lines.iter().map(|l| text_width(l, &labels)))
        .max()
        .unwrap_or(0)
        .max(MIN_COLUMN)
        + 16;
    let max = max_finite(series.iter().flat_map(|s| s.per_10k.iter().copied()));
    let y_max = if max > 0.0 { max * 1.08 } else { 1.0 };
    let y_space = y_axis_space(&tick(&y_max));
    // The design width whatever the number of periods (a page shows it whole at 960 px):
    // with more periods than labels fit, every `step`-th period is labelled.
    let width = DESIGN_WIDTH;
    let room = width.saturating_sub(y_space + 2 * PAD as u32 + 40).max(1);
    let step = (periods.len() as u32 * column).div_ceil(room).max(1) as usize;
    let label_lines = period_lines.iter().map(Vec::len).max().unwrap_or(1) as i32;
    let labels_below = 10 + label_lines * line_height(LABEL) + 12;
    let x_space = (labels_below + line_height(LABEL) + 8) as u32;

    render_png(width, HEIGHT, |root| {
        let stepped = series.iter().any(|s| !s.steps.is_empty());
        let subtitle = if stepped {
            "Per 10,000 words in each period (pale); each theme's course in bold, turns marked"
        } else {
            "How often each theme's terms occur in each period, per 10,000 words"
        };
        let top = header(root, "Theme trends", subtitle)?;
        if periods.is_empty()
            || series
                .iter()
                .all(|s| s.per_10k.iter().all(|v| !v.is_finite()))
        {
            return no_data(root, "There are no theme rates to show.");
        }
        let entries: Vec<(Swatch, String)> = series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    Swatch::Line(series_colour(i), MARKERS[i % MARKERS.len()]),
                    s.theme.clone(),
                )
            })
            .collect();
        let top = legend(root, top, &entries)?;
        let body = root.margin(top + 10, PAD, PAD, PAD + 20);
        let n = periods.len() as f64;
        let mut chart = ChartBuilder::on(&body)
            .x_label_area_size(x_space)
            .y_label_area_size(y_space)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..y_max)
            .map_err(err)?;
        mesh(&mut chart, 0, Y_TICKS)?;
        y_axis(root, &chart, Y_TICKS, "per 10,000 words")?;
        x_description(root, &chart, labels_below, "Period")?;
        for (j, lines) in period_lines.iter().enumerate().step_by(step) {
            let (x, y) = chart.backend_coord(&(j as f64, 0.0));
            for (k, line) in lines.iter().enumerate() {
                let y = y + 10 + k as i32 * line_height(LABEL);
                put(root, line, (x, y), &labels, HPos::Center, VPos::Top)?;
            }
        }

        for (i, s) in series.iter().enumerate() {
            draw_points(root, &mut chart, (i, s), periods.len(), y_max)?;
        }
        for (i, s) in series.iter().enumerate() {
            draw_steps(
                root,
                &mut chart,
                &s.steps,
                periods.len(),
                y_max,
                series_colour(i),
            )?;
        }
        Ok(())
    })
}

/// Series `i`'s rate in each period: a line joining the periods that have a value, with a
/// marker at each up to [`MARKED`] periods; pale and thinner under its course.
fn draw_points(
    root: &Area,
    chart: &mut Chart<'_, '_>,
    (i, s): (usize, &ThemeSeries),
    periods: usize,
    y_max: f64,
) -> Result<()> {
    let marked = periods <= MARKED;
    let full = series_colour(i);
    // Under a course the points are its evidence, drawn pale; alone they are the chart.
    let (colour, width) = match (s.steps.is_empty(), marked) {
        (true, true) => (full, 3),
        (true, false) => (full, 2),
        (false, true) => (pale(full), 2),
        (false, false) => (pale(full), 1),
    };
    let points: Vec<Option<(f64, f64)>> = s
        .per_10k
        .iter()
        .take(periods)
        .enumerate()
        .map(|(j, &v)| v.is_finite().then_some((j as f64, v.clamp(0.0, y_max))))
        .collect();
    // Lines join neighbouring periods that both have a value.
    for pair in points.windows(2) {
        if let [Some(a), Some(b)] = pair {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![*a, *b],
                    colour.stroke_width(width),
                )))
                .map_err(err)?;
        }
    }
    if marked {
        for p in points.iter().flatten() {
            MARKERS[i % MARKERS.len()].draw(root, chart.backend_coord(p), colour)?;
        }
    }
    Ok(())
}

/// A theme's course as a step line over the chart, and a triangle at each turn, pointing up
/// for a rise and down for a fall.
fn draw_steps(
    root: &Area,
    chart: &mut Chart<'_, '_>,
    steps: &[Step],
    periods: usize,
    y_max: f64,
    colour: RGBColor,
) -> Result<()> {
    let steps: Vec<&Step> = steps
        .iter()
        .filter(|s| s.first <= s.last && s.last < periods && s.per_10k.is_finite())
        .collect();
    let mut path: Vec<(f64, f64)> = Vec::new();
    for (k, s) in steps.iter().enumerate() {
        let y = s.per_10k.clamp(0.0, y_max);
        let start = path.last().map_or(s.first as f64 - 0.5, |p| p.0);
        let end = match steps.get(k + 1) {
            Some(next) => next.first as f64 - 0.5,
            None => s.last as f64 + 0.5,
        };
        path.push((start, y));
        path.push((end, y));
    }
    if path.is_empty() {
        return Ok(());
    }
    let halo = chart.draw_series(std::iter::once(PathElement::new(
        path.clone(),
        WHITE.stroke_width(8),
    )));
    halo.map_err(err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            path,
            colour.stroke_width(5),
        )))
        .map_err(err)?;
    for s in &steps {
        let Some(rose) = s.rose else { continue };
        let at = chart.backend_coord(&(s.first as f64 - 0.5, s.per_10k.clamp(0.0, y_max)));
        let marker = if rose {
            Marker::Triangle
        } else {
            Marker::TriangleDown
        };
        marker.draw(root, at, colour)?;
    }
    Ok(())
}

/// A colour mixed with white: the same hue, quieter.
fn pale(c: RGBColor) -> RGBColor {
    let mix = |v: u8| (v as u16 + 2 * 255).div_ceil(3) as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// The colour of series `i`.
fn series_colour(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::png_size;

    fn periods(n: usize) -> Vec<String> {
        (0..n).map(|i| (2003 + i).to_string()).collect()
    }

    fn series() -> Vec<ThemeSeries> {
        vec![
            ThemeSeries {
                theme: "centralism".into(),
                per_10k: vec![20.0, 15.0, 9.0, 5.0, 4.0, 3.0],
                steps: Vec::new(),
            },
            ThemeSeries {
                theme: "QIPP".into(),
                per_10k: vec![0.0, 0.0, 1.0, 4.0, f64::NAN, 9.0],
                steps: Vec::new(),
            },
        ]
    }

    #[test]
    fn renders_a_deterministic_png_of_the_design_width_by_800() {
        let png = render(&periods(6), &series()).unwrap();
        assert_eq!(png, render(&periods(6), &series()).unwrap());
        let (w, h) = png_size(&png);
        assert!(w >= DESIGN_WIDTH && h >= 800, "{w}x{h}");
    }

    #[test]
    fn survives_empty_short_and_odd_input() {
        assert_eq!(png_size(&render(&[], &[]).unwrap()), (DESIGN_WIDTH, HEIGHT));
        render(&periods(6), &[]).unwrap();
        render(&periods(3), &series()).unwrap();
        let odd = vec![
            ThemeSeries {
                theme: "short".into(),
                per_10k: vec![1.0],
                steps: vec![Step {
                    first: 0,
                    last: 9,
                    per_10k: 1.0,
                    rose: Some(true),
                }],
            },
            ThemeSeries {
                theme: "none".into(),
                per_10k: vec![],
                steps: Vec::new(),
            },
            ThemeSeries {
                theme: "inf".into(),
                per_10k: vec![f64::INFINITY, f64::NAN, -1.0],
                steps: Vec::new(),
            },
        ];
        render(&periods(3), &odd).unwrap();
        let many: Vec<ThemeSeries> = (0..20)
            .map(|i| ThemeSeries {
                theme: format!("theme number {i}"),
                per_10k: vec![i as f64; 4],
                steps: Vec::new(),
            })
            .collect();
        render(&periods(4), &many).unwrap();
        assert_eq!(
            png_size(&render(&periods(30), &series()).unwrap()).0,
            DESIGN_WIDTH
        );
        assert_eq!(
            png_size(&render(&periods(300), &series()).unwrap()).0,
            DESIGN_WIDTH
        );
    }
}
