//! `theme_shift.png`: each theme's rate per 10,000 words in period A and period B as a pair
//! of bars, with the verdict (▲ rose, ▼ fell, – not significant) and its p-value above
//! each pair and the theme's name under it.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::*;

const HEIGHT: u32 = 850;
/// Narrowest slot for one theme's pair of bars.
const MIN_SLOT: u32 = 160;
/// Widest line of a theme's name; longer names take two lines.
const MAX_NAME: u32 = 240;
/// Pixels above the taller bar for its value label and the two-line verdict.
const ABOVE_BARS: f64 = 96.0;
const Y_TICKS: usize = 8;

/// Renders the chart, themes in the order given.
pub(crate) fn render(period_a: &str, period_b: &str, rows: &[ThemeShiftRow]) -> Result<Vec<u8>> {
    let sizes = Sizes::new(rows);
    render_png(sizes.width, HEIGHT, |root| {
        let top = header(
            root,
            &format!("Theme shift: {period_a} → {period_b}"),
            "Each theme's rate per 10,000 words; rose or fell at adjusted p < 0.05 (G², Benjamini–Hochberg)",
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
        let (mut chart, y_max) = plot(root, &body, &sizes, rows.len())?;
        let slots = Slots::of(&chart, rows.len(), y_max);
        bars(&mut chart, &slots, rows)?;
        for (i, r) in rows.iter().enumerate() {
            let mid = i as f64 + 0.5;
            bar_values(root, &chart, &slots, mid, r)?;
            theme_name(root, &chart, &slots, mid, &r.theme)?;
            verdict_above(root, &chart, &slots, mid, r)?;
        }
        Ok(())
    })
}

/// The canvas and axis sizes, measured from the labels before anything is drawn.
struct Sizes {
    /// Pixels from the x axis down to the axis description, below the theme names.
    names_below: i32,
    /// Height of the area under the plot: theme names and the axis description.
    x_space: u32,
    /// The highest finite rate.
    max: f64,
    /// Width of the area left of the plot: tick labels and the axis description.
    y_space: u32,
    width: u32,
}

impl Sizes {
    /// Sizes that give every theme a slot wide enough for its name, verdict and p-value.
    fn new(rows: &[ThemeShiftRow]) -> Self {
        let names = bold(LABEL);
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
        let width =
            DESIGN_WIDTH.max(rows.len() as u32 * slot_width(rows) + y_space + 2 * PAD as u32 + 20);
        Sizes {
            names_below,
            x_space,
            max,
            y_space,
            width,
        }
    }
}

/// The pixels one theme needs: its widest label, at least MIN_SLOT, and a margin.
fn slot_width(rows: &[ThemeShiftRow]) -> u32 {
    let names = bold(LABEL);
    let verdicts = bold(TICK);
    rows.iter()
        .map(|r| {
            let (mark, _) = verdict(&r.change);
            let name = widest(
                wrap(&r.theme, &names, MAX_NAME, 2)
                    .iter()
                    .map(|l| l.as_str()),
                &names,
            );
            name.max(text_width(&mark, &verdicts))
                .max(text_width(&p_text(r.p_adjusted), &text(TICK)))
        })
        .max()
        .unwrap_or(0)
        .max(MIN_SLOT)
        + 30
}

/// The plot on `body` with its grid and axes, one unit of x per theme; gives it with the top
/// of its y axis.
fn plot<'a, 'b>(
    root: &Area,
    body: &'a Area<'b>,
    sizes: &Sizes,
    themes: usize,
) -> Result<(Chart<'a, 'b>, f64)> {
    let (_, body_height) = body.dim_in_pixel();
    // Leave ABOVE_BARS pixels over the tallest bar for its labels.
    let plot_height = (body_height as f64 - sizes.x_space as f64).max(ABOVE_BARS * 2.0);
    let y_max = if sizes.max > 0.0 {
        sizes.max * plot_height / (plot_height - ABOVE_BARS)
    } else {
        1.0
    };
    let mut chart = ChartBuilder::on(body)
        .x_label_area_size(sizes.x_space)
        .y_label_area_size(sizes.y_space)
        .build_cartesian_2d(0.0..themes as f64, 0.0..y_max)
        .map_err(err)?;
    mesh(&mut chart, 0, Y_TICKS)?;
    y_axis(root, &chart, Y_TICKS, "per 10,000 words")?;
    x_description(root, &chart, sizes.names_below, "Theme")?;
    Ok((chart, y_max))
}

/// Each theme has a slot one unit wide: bar A, bar B, with a margin either side.
struct Slots {
    /// A slot's width in pixels.
    unit: f64,
    /// A bar's width in units: under a third of the slot, at most 70 pixels.
    bar: f64,
    y_max: f64,
}

impl Slots {
    /// The slots of `themes` themes across the chart's plotting area.
    fn of(chart: &Chart, themes: usize, y_max: f64) -> Self {
        let (plot_x, _) = chart.plotting_area().get_pixel_range();
        let unit = (plot_x.end - plot_x.start) as f64 / themes as f64;
        let bar = (0.3f64).min(70.0 / unit);
        Slots { unit, bar, y_max }
    }

    /// A bar's height: a missing rate draws none, and none goes past the axis' top.
    fn height(&self, v: f64) -> f64 {
        finite(v).clamp(0.0, self.y_max)
    }
}

/// Draws each theme's pair of bars, A left of the slot's middle and B right of it.
fn bars(chart: &mut Chart, slots: &Slots, rows: &[ThemeShiftRow]) -> Result<()> {
    let bar = slots.bar;
    chart
        .draw_series(rows.iter().enumerate().flat_map(|(i, r)| {
            let mid = i as f64 + 0.5;
            [
                Rectangle::new(
                    [(mid - bar, 0.0), (mid, slots.height(r.per_10k_a))],
                    COLOUR_A.filled(),
                ),
                Rectangle::new(
                    [(mid, 0.0), (mid + bar, slots.height(r.per_10k_b))],
                    COLOUR_B.filled(),
                ),
            ]
        }))
        .map_err(err)?;
    Ok(())
}

/// Draws each bar's rate above it.
fn bar_values(
    root: &Area,
    chart: &Chart,
    slots: &Slots,
    mid: f64,
    r: &ThemeShiftRow,
) -> Result<()> {
    let values = text(TICK);
    for (v, centre) in [
        (r.per_10k_a, mid - slots.bar / 2.0),
        (r.per_10k_b, mid + slots.bar / 2.0),
    ] {
        let (x, y) = chart.backend_coord(&(centre, slots.height(v)));
        put(
            root,
            &number(v),
            (x, y - 4),
            &values,
            HPos::Center,
            VPos::Bottom,
        )?;
    }
    Ok(())
}

/// Draws the theme's name under its slot, on two lines when it is too wide for one.
fn theme_name(root: &Area, chart: &Chart, slots: &Slots, mid: f64, theme: &str) -> Result<()> {
    let name_style = bold(LABEL);
    let (x, y) = chart.backend_coord(&(mid, 0.0));
    let max_name = (slots.unit as u32).saturating_sub(16).min(MAX_NAME);
    for (k, line) in wrap(theme, &name_style, max_name, 2).iter().enumerate() {
        let y = y + 8 + k as i32 * line_height(LABEL);
        put(root, line, (x, y), &name_style, HPos::Center, VPos::Top)?;
    }
    Ok(())
}

/// Draws the verdict and, under it, the p-value over the taller bar, in the colour of the
/// period the theme moved towards.
fn verdict_above(
    root: &Area,
    chart: &Chart,
    slots: &Slots,
    mid: f64,
    r: &ThemeShiftRow,
) -> Result<()> {
    let (mark, colour) = verdict(&r.change);
    let tallest = slots.height(r.per_10k_a).max(slots.height(r.per_10k_b));
    let (x, y) = chart.backend_coord(&(mid, tallest));
    let line = line_height(TICK);
    let p_line = y - 4 - line - 10;
    put(
        root,
        &p_text(r.p_adjusted),
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
    )
}

/// The verdict as shown over a pair of bars, and its colour (the colour of the period the
/// theme moved towards).
fn verdict(change: &str) -> (String, RGBColor) {
    match change {
        "rose" => ("▲ rose".into(), COLOUR_B),
        "fell" => ("▼ fell".into(), TEXT_A),
        // Short, so four themes fit the design width; the table says `no significant change`.
        "no significant change" => ("– not significant".into(), GREY),
        other => (other.to_string(), GREY),
    }
}

/// An adjusted p-value as the tables and the report write it ([`crate::report::pvalue::short`]),
/// named: the chart and the report's table say it alike.
pub(crate) fn p_text(p: f64) -> String {
    if p.is_nan() {
        "p_adj not available".into()
    } else {
        format!("p_adj = {}", crate::report::pvalue::short(p))
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
            p_adjusted: p,
            log_ratio: 0.0,
            evidence: String::new(),
            docs_a: 0,
            docs_b: 0,
        })
        .collect()
    }

    #[test]
    fn renders_a_deterministic_png_of_at_least_the_design_width_by_800() {
        let png = render("2003", "2010", &rows()).unwrap();
        assert_eq!(png, render("2003", "2010", &rows()).unwrap());
        let (w, h) = png_size(&png);
        assert!(w >= DESIGN_WIDTH && h >= 800, "{w}x{h}");
    }

    #[test]
    fn grows_with_the_number_of_themes() {
        let many: Vec<_> = (0..12).flat_map(|_| rows()).collect();
        assert!(png_size(&render("2003", "2010", &many).unwrap()).0 > 2400);
    }

    #[test]
    fn survives_empty_input_and_odd_values() {
        assert_eq!(
            png_size(&render("a", "b", &[]).unwrap()),
            (DESIGN_WIDTH, HEIGHT)
        );
        let mut r = rows();
        r[0].per_10k_a = f64::NAN;
        r[0].p_adjusted = f64::NAN;
        r[1].per_10k_b = f64::INFINITY;
        r[2].change = "something else".into();
        render("a", "b", &r).unwrap();
        r.iter_mut()
            .for_each(|r| (r.per_10k_a, r.per_10k_b) = (0.0, f64::NAN));
        render("a", "b", &r).unwrap();
    }

    #[test]
    fn p_values_read_well() {
        assert_eq!(p_text(0.0004), "p_adj = 4.0e-4");
        assert_eq!(p_text(0.0412), "p_adj = 0.041");
        assert_eq!(p_text(f64::NAN), "p_adj not available");
    }
}
