//! `keyness.png`: diverging bars of the key terms each way. Terms more frequent in B point
//! right (top group), terms more frequent in A point left (bottom group); bar length is the
//! Log Ratio, each group is in the order given (strongest by G² first), and lighter bars are
//! not significant. Each word sits on the empty side of the zero line, by its bar.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::*;

const WIDTH: u32 = DESIGN_WIDTH;
/// Height of one bar's row.
const ROW: i32 = 30;
/// Rows of space between the two groups.
const GAP: f64 = 1.0;

/// Renders the chart; `toward_a` and `toward_b` strongest first (at most 15 each are drawn
/// as they come; more make the chart taller).
pub(crate) fn render(
    period_a: &str,
    period_b: &str,
    toward_a: &[KeyLine],
    toward_b: &[KeyLine],
) -> Result<Vec<u8>> {
    let layout = Layout::new(toward_a, toward_b);
    render_png(WIDTH, layout.height(), |root| {
        let top = header(
            root,
            &format!("Key terms: {period_b} against {period_a}"),
            &format!(
                "By log-likelihood (G²); bar: Log Ratio (+1 = twice as frequent in {period_b}; −1 in {period_a})"
            ),
        )?;
        if layout.terms.is_empty() {
            return no_data(root, "No term is more frequent in either period.");
        }
        let top = legend_and_footnote(root, top, &layout, period_a, period_b)?;
        let body = root.margin(top + 10, FOOTNOTE_SPACE + 10, PAD, PAD);
        let mut chart = plot(root, &body, &layout, period_a, period_b)?;
        bars(&mut chart, &layout)?;
        labels(root, &chart, &layout)
    })
}

/// The bars from the top down and the scale they are drawn to.
struct Layout<'t> {
    /// (term, more frequent in B?) from the top down.
    terms: Vec<(&'t KeyLine, bool)>,
    /// Rows of space between the groups: none when only one group has terms.
    gap: f64,
    /// Rows on the y axis, the gap included.
    rows: f64,
    /// The bars span ±extent: the largest finite Log Ratio, so an infinite one reaches the edge.
    extent: f64,
}

impl<'t> Layout<'t> {
    /// B's terms above A's, each group in the order given.
    fn new(toward_a: &'t [KeyLine], toward_b: &'t [KeyLine]) -> Self {
        let terms: Vec<(&KeyLine, bool)> = toward_b
            .iter()
            .map(|t| (t, true))
            .chain(toward_a.iter().map(|t| (t, false)))
            .collect();
        let gap = if toward_a.is_empty() || toward_b.is_empty() {
            0.0
        } else {
            GAP
        };
        let rows = terms.len() as f64 + gap;
        let extent = terms
            .iter()
            .map(|(t, _)| t.log_ratio.abs())
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let extent = if extent > 0.0 { extent } else { 1.0 };
        Layout {
            terms,
            gap,
            rows,
            extent,
        }
    }

    /// The canvas height: at least 800 pixels, taller when the rows need it.
    fn height(&self) -> u32 {
        let top = 190;
        800.max(
            (top + (self.rows.ceil() as i32).max(1) * ROW
                + X_AXIS_SPACE as i32
                + FOOTNOTE_SPACE
                + 30) as u32,
        )
    }

    /// The foot of row `i` from the top; B's terms first, then the gap, then A's.
    fn y(&self, i: usize, in_b: bool) -> f64 {
        self.rows - 1.0 - i as f64 - if in_b { 0.0 } else { self.gap }
    }

    /// A bar's length: its Log Ratio held within the axis, nothing when it is undefined.
    fn length(&self, v: f64) -> f64 {
        if v.is_nan() {
            0.0
        } else {
            v.clamp(-self.extent, self.extent)
        }
    }
}

/// Draws the legend (with the lighter pair only when some bar is not significant) and the
/// footnote on infinite Log Ratios when there is one; gives the y below the legend.
fn legend_and_footnote(
    root: &Area,
    top: i32,
    layout: &Layout,
    period_a: &str,
    period_b: &str,
) -> Result<i32> {
    let mut entries = vec![
        (
            Swatch::Box(COLOUR_B),
            format!("more frequent in {period_b}"),
        ),
        (
            Swatch::Box(COLOUR_A),
            format!("more frequent in {period_a}"),
        ),
    ];
    if layout.terms.iter().any(|(t, _)| !t.significant()) {
        entries.push((
            Swatch::Pair(lighter(COLOUR_B), lighter(COLOUR_A)),
            "not significant (adjusted p ≥ 0.05)".into(),
        ));
    }
    let top = legend(root, top, &entries)?;
    if layout.terms.iter().any(|(t, _)| t.log_ratio.is_infinite()) {
        footnote(
            root,
            "±∞: the term does not occur in one of the periods; its bar is drawn to the edge.",
        )?;
    }
    Ok(top)
}

/// The plot on `body` with its grid and x axis, leaving room either side for the values
/// printed beyond the bars' ends.
fn plot<'a, 'b>(
    root: &Area,
    body: &'a Area<'b>,
    layout: &Layout,
    period_a: &str,
    period_b: &str,
) -> Result<Chart<'a, 'b>> {
    let values = text(TICK);
    let room = layout
        .terms
        .iter()
        .map(|(t, _)| text_width(&signed(t.log_ratio), &values))
        .max()
        .unwrap_or(0)
        + 16;
    let extent = layout.extent;
    let mut chart = ChartBuilder::on(body)
        .x_label_area_size(X_AXIS_SPACE)
        .margin_left(room)
        .margin_right(room)
        .build_cartesian_2d(-extent..extent, 0.0..layout.rows)
        .map_err(err)?;
    mesh(&mut chart, 9, 0)?;
    x_axis(
        root,
        &chart,
        9,
        &format!("Log Ratio (log₂ of relative frequency {period_b} / {period_a})"),
    )?;
    Ok(chart)
}

/// Draws the bars, lighter when not significant, then the zero line over their roots.
fn bars(chart: &mut Chart, layout: &Layout) -> Result<()> {
    let half = half_bar(chart, layout.rows);
    chart
        .draw_series(layout.terms.iter().enumerate().map(|(i, (t, in_b))| {
            let base = if *in_b { COLOUR_B } else { COLOUR_A };
            let colour = if t.significant() { base } else { lighter(base) };
            let y = layout.y(i, *in_b);
            Rectangle::new(
                [
                    (0.0, y + 0.5 - half),
                    (layout.length(t.log_ratio), y + 0.5 + half),
                ],
                colour.filled(),
            )
        }))
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, layout.rows)],
            palette::BLACK.stroke_width(2),
        )))
        .map_err(err)?;
    Ok(())
}

/// Draws each term's word beside the zero line and its Log Ratio past the bar's end.
fn labels(root: &Area, chart: &Chart, layout: &Layout) -> Result<()> {
    let (words, values) = (text(LABEL), text(TICK));
    let (plot_x, _) = chart.plotting_area().get_pixel_range();
    let max_word = ((plot_x.end - plot_x.start) / 2 - 20).max(40) as u32;
    for (i, (t, in_b)) in layout.terms.iter().enumerate() {
        let y = layout.y(i, *in_b) + 0.5;
        let v = layout.length(t.log_ratio);
        // The word goes on the side of the zero line the bar does not use.
        let right_bar = v > 0.0 || (v == 0.0 && *in_b);
        let (zx, zy) = chart.backend_coord(&(0.0, y));
        let word = fit(&t.word, &words, max_word);
        let (wx, wh) = if right_bar {
            (zx - 10, HPos::Right)
        } else {
            (zx + 10, HPos::Left)
        };
        put(root, &word, (wx, zy), &words, wh, VPos::Center)?;
        let (ex, ey) = chart.backend_coord(&(v, y));
        let (vx, vh) = if right_bar {
            (ex + 6, HPos::Left)
        } else {
            (ex - 6, HPos::Right)
        };
        put(
            root,
            &signed(t.log_ratio),
            (vx, ey),
            &values,
            vh,
            VPos::Center,
        )?;
    }
    Ok(())
}

/// A Log Ratio with its sign (a true minus sign), `∞` when a term is absent from one period.
fn signed(v: f64) -> String {
    if v.is_nan() {
        "–".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+∞" } else { "−∞" }.into()
    } else if v < 0.0 {
        format!("−{:.2}", -v)
    } else {
        format!("+{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::tests::png_size;

    fn terms(sign: f64, n: usize) -> Vec<KeyLine> {
        (0..n)
            .map(|i| {
                KeyLine::example(
                    &format!("commissioning{i}"),
                    sign * (200.0 - i as f64),
                    sign * (4.0 - i as f64 * 0.2),
                    if i < 10 { 0.01 } else { 0.5 },
                )
            })
            .collect()
    }

    #[test]
    fn renders_a_deterministic_png_of_the_design_width_by_at_least_800() {
        let png = render("2003", "2010", &terms(-1.0, 15), &terms(1.0, 15)).unwrap();
        assert_eq!(
            png,
            render("2003", "2010", &terms(-1.0, 15), &terms(1.0, 15)).unwrap()
        );
        let (w, h) = png_size(&png);
        assert!(w == DESIGN_WIDTH && h >= 800, "{w}x{h}");
    }

    #[test]
    fn survives_empty_one_sided_and_odd_values() {
        assert_eq!(
            png_size(&render("a", "b", &[], &[]).unwrap()),
            (DESIGN_WIDTH, 800)
        );
        render("a", "b", &terms(-1.0, 3), &[]).unwrap();
        let mut t = terms(1.0, 4);
        t[0].log_ratio = f64::INFINITY;
        t[1].log_ratio = f64::NAN;
        t[2].log_ratio = -1.0;
        render("a", "b", &[], &t).unwrap();
        t.iter_mut().for_each(|t| t.log_ratio = f64::NAN);
        render("a", "b", &t, &t).unwrap();
    }

    #[test]
    fn signs_read_well() {
        assert_eq!(signed(1.234), "+1.23");
        assert_eq!(signed(-0.5), "−0.50");
        assert_eq!(signed(f64::NEG_INFINITY), "−∞");
    }
}
