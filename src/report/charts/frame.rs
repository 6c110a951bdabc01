//! What every chart draws around its data: the title and subtitle, the legend (swatches and
//! markers), the footnote, the "no data" message, gridlines, axes and their labels, and the
//! numbers on them.

use anyhow::Result;
use plotters::coord::ranged1d::{BoldPoints, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::*;

/// The title (and a grey subtitle under it) centred at the top; returns the y below them.
pub(super) fn header(root: &Area, title: &str, subtitle: &str) -> Result<i32> {
    let (w, _) = root.dim_in_pixel();
    let centre = w as i32 / 2;
    let max = w.saturating_sub(2 * PAD as u32);
    let style = bold(TITLE);
    put(
        root,
        &fit(title, &style, max),
        (centre, PAD - 6),
        &style,
        HPos::Center,
        VPos::Top,
    )?;
    let mut y = PAD - 6 + line_height(TITLE) + 4;
    if !subtitle.is_empty() {
        let style = font(LABEL, false, GREY);
        put(
            root,
            &fit(subtitle, &style, max),
            (centre, y),
            &style,
            HPos::Center,
            VPos::Top,
        )?;
        y += line_height(LABEL);
    }
    Ok(y + 14)
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    /// A filled square (bars).
    Box(RGBColor),
    /// A square split in two colours (e.g. lighter versions of both bar colours).
    Pair(RGBColor, RGBColor),
    /// A short line through a marker (line series).
    Line(RGBColor, Marker),
}

pub(super) const SWATCH: i32 = 18;
pub(super) const LINE_SWATCH: i32 = 40;

impl Swatch {
    fn width(&self) -> i32 {
        match self {
            Swatch::Line(..) => LINE_SWATCH,
            _ => SWATCH,
        }
    }

    fn draw(&self, root: &Area, (x, y): (i32, i32)) -> Result<()> {
        let half = SWATCH / 2;
        match *self {
            Swatch::Box(c) => root
                .draw(&Rectangle::new(
                    [(x, y - half), (x + SWATCH, y + half)],
                    c.filled(),
                ))
                .map_err(err),
            Swatch::Pair(a, b) => {
                root.draw(&Rectangle::new(
                    [(x, y - half), (x + half, y + half)],
                    a.filled(),
                ))
                .map_err(err)?;
                root.draw(&Rectangle::new(
                    [(x + half, y - half), (x + SWATCH, y + half)],
                    b.filled(),
                ))
                .map_err(err)
            }
            Swatch::Line(c, m) => {
                root.draw(&PathElement::new(
                    vec![(x, y), (x + LINE_SWATCH, y)],
                    c.stroke_width(3),
                ))
                .map_err(err)?;
                m.draw(root, (x + LINE_SWATCH / 2, y), c)
            }
        }
    }
}

/// Marker shapes for line series, so series differ by more than colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    TriangleDown,
}

/// Marker shapes in the order series use them.
pub(super) const MARKERS: [Marker; 5] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Diamond,
    Marker::TriangleDown,
];

impl Marker {
    /// Draws the marker centred on a pixel, with a white outline so it stands out on lines.
    pub(crate) fn draw(self, area: &Area, (x, y): (i32, i32), colour: RGBColor) -> Result<()> {
        const R: i32 = 7;
        let points: Vec<(i32, i32)> = match self {
            Marker::Circle => {
                area.draw(&Circle::new((x, y), R + 1, WHITE.filled()))
                    .map_err(err)?;
                return area
                    .draw(&Circle::new((x, y), R, colour.filled()))
                    .map_err(err);
            }
            Marker::Square => vec![
                (-R + 1, -R + 1),
                (R - 1, -R + 1),
                (R - 1, R - 1),
                (-R + 1, R - 1),
            ],
            Marker::Triangle => vec![(0, -R - 1), (R + 1, R - 1), (-R - 1, R - 1)],
            Marker::TriangleDown => vec![(0, R + 1), (R + 1, -R + 1), (-R - 1, -R + 1)],
            Marker::Diamond => vec![(0, -R - 1), (R + 1, 0), (0, R + 1), (-R - 1, 0)],
        };
        let at = |(dx, dy): (i32, i32)| (x + dx, y + dy);
        let mut outline: Vec<(i32, i32)> = points.iter().copied().map(at).collect();
        outline.push(outline[0]);
        area.draw(&PathElement::new(outline, WHITE.stroke_width(3)))
            .map_err(err)?;
        area.draw(&Polygon::new(
            points.into_iter().map(at).collect::<Vec<_>>(),
            colour.filled(),
        ))
        .map_err(err)
    }
}

/// Legend entries in centred rows (wrapping when they do not fit) from height `y`; returns
/// the y below the legend. Labels wider than the canvas are shortened.
pub(super) fn legend(root: &Area, y: i32, entries: &[(Swatch, String)]) -> Result<i32> {
    if entries.is_empty() {
        return Ok(y);
    }
    let style = text(LABEL);
    let (w, _) = root.dim_in_pixel();
    let max_row = w as i32 - 2 * PAD;
    const GAP: i32 = 8;
    const SPACING: i32 = 36;
    let items: Vec<(Swatch, String, i32)> = entries
        .iter()
        .map(|(s, l)| {
            let label = fit(l, &style, (max_row - s.width() - GAP).max(20) as u32);
            let width = s.width() + GAP + text_width(&label, &style) as i32;
            (*s, label, width)
        })
        .collect();
    let mut rows: Vec<Vec<&(Swatch, String, i32)>> = vec![vec![]];
    let mut used = 0;
    for item in &items {
        let row = rows.last_mut().expect("rows is never empty");
        if !row.is_empty() && used + SPACING + item.2 > max_row {
            rows.push(vec![item]);
            used = item.2;
        } else {
            used += if row.is_empty() { 0 } else { SPACING } + item.2;
            row.push(item);
        }
    }
    let line = line_height(LABEL) + 10;
    let mut cy = y + line / 2;
    for row in &rows {
        let total: i32 = row.iter().map(|i| i.2).sum::<i32>() + SPACING * (row.len() as i32 - 1);
        let mut x = (w as i32 - total) / 2;
        for (swatch, label, width) in row {
            swatch.draw(root, (x, cy))?;
            put(
                root,
                label,
                (x + swatch.width() + GAP, cy),
                &style,
                HPos::Left,
                VPos::Center,
            )?;
            x += width + SPACING;
        }
        cy += line;
    }
    Ok(y + line * rows.len() as i32 + 6)
}

/// Height a footnote needs at the bottom of the canvas.
pub(super) const FOOTNOTE_SPACE: i32 = 40;

/// A grey footnote at the bottom left.
pub(super) fn footnote(root: &Area, note: &str) -> Result<()> {
    let (w, h) = root.dim_in_pixel();
    let style = font(TICK, false, GREY);
    let note = fit(note, &style, w.saturating_sub(2 * PAD as u32));
    put(
        root,
        &note,
        (PAD, h as i32 - 12),
        &style,
        HPos::Left,
        VPos::Bottom,
    )
}

/// "No data" and a reason, centred on `area`, for an empty input.
pub(super) fn no_data(area: &Area, reason: &str) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let (cx, cy) = (w as i32 / 2, h as i32 / 2);
    put(
        area,
        "No data",
        (cx, cy - 8),
        &font(TITLE, true, GREY),
        HPos::Center,
        VPos::Bottom,
    )?;
    let style = font(LABEL, false, GREY);
    let reason = fit(reason, &style, w.saturating_sub(2 * PAD as u32));
    put(area, &reason, (cx, cy + 8), &style, HPos::Center, VPos::Top)
}

/// Room under a chart's x axis for tick labels and the axis description.
pub(super) const X_AXIS_SPACE: u32 = 78;

/// Draws the gridlines (at the ticks, one axis or both) and the axis lines; the text is left to
/// [`x_axis`] and [`y_axis`], which draw it in the bundled font.
pub(super) fn mesh(chart: &mut Chart, x_ticks: usize, y_ticks: usize) -> Result<()> {
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .set_all_tick_mark_size(0)
        .label_style(("sans-serif", 1).into_font().color(&TRANSPARENT))
        .x_labels(x_ticks)
        .y_labels(y_ticks);
    if x_ticks == 0 {
        mesh.disable_x_mesh();
    }
    if y_ticks == 0 {
        mesh.disable_y_mesh();
    }
    mesh.draw().map_err(err)
}

/// Tick labels under the x axis at the values the mesh put gridlines at, and the axis
/// description under them.
pub(super) fn x_axis(root: &Area, chart: &Chart, ticks: usize, description: &str) -> Result<()> {
    let style = text(TICK);
    let (_, plot_y) = chart.plotting_area().get_pixel_range();
    let y = plot_y.end + 8;
    if ticks > 0 {
        for v in chart.as_coord_spec().x_spec().key_points(BoldPoints(ticks)) {
            let (x, _) = chart.backend_coord(&(v, 0.0));
            put(root, &tick(&v), (x, y), &style, HPos::Center, VPos::Top)?;
        }
    }
    x_description(root, chart, 8 + line_height(TICK) + 12, description)
}

/// The x axis description, centred under the plot, `below` pixels under the x axis.
pub(super) fn x_description(
    root: &Area,
    chart: &Chart,
    below: i32,
    description: &str,
) -> Result<()> {
    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    let centre = (plot_x.start + plot_x.end) / 2;
    let desc = fit(
        description,
        &text(LABEL),
        (plot_x.end - plot_x.start).max(40) as u32,
    );
    put(
        root,
        &desc,
        (centre, plot_y.end + below),
        &text(LABEL),
        HPos::Center,
        VPos::Top,
    )
}

/// Tick labels left of the y axis and the description, reading upwards, left of them.
pub(super) fn y_axis(root: &Area, chart: &Chart, ticks: usize, description: &str) -> Result<()> {
    let style = text(TICK);
    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    let mut widest = 0;
    for v in chart.as_coord_spec().y_spec().key_points(BoldPoints(ticks)) {
        let (_, y) = chart.backend_coord(&(0.0, v));
        let label = tick(&v);
        widest = widest.max(text_width(&label, &style) as i32);
        put(
            root,
            &label,
            (plot_x.start - 10, y),
            &style,
            HPos::Right,
            VPos::Center,
        )?;
    }
    let x = plot_x.start - 10 - widest - 14 - line_height(LABEL) / 2;
    let desc = fit(
        description,
        &text(LABEL),
        (plot_y.end - plot_y.start).max(40) as u32,
    );
    put_upwards(
        root,
        &desc,
        (x, (plot_y.start + plot_y.end) / 2),
        &text(LABEL),
    )
}

/// Room left of a chart's y axis for tick labels as wide as `widest_tick` and the description.
pub(super) fn y_axis_space(widest_tick: &str) -> u32 {
    text_width(widest_tick, &text(TICK)) + 10 + 14 + line_height(LABEL) as u32 + 12
}

/// Half the thickness of a horizontal bar, in rows, on a chart `rows` rows high: about two
/// thirds of a row, but never thicker than 26 pixels when there are few rows.
pub(super) fn half_bar(chart: &Chart, rows: f64) -> f64 {
    let (_, y) = chart.plotting_area().get_pixel_range();
    let row = (y.end - y.start).max(1) as f64 / rows.max(1.0);
    0.34f64.min(13.0 / row)
}

/// A finite value, or 0.
pub(super) fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// The largest finite value, or 0 when there is none.
pub(super) fn max_finite(values: impl IntoIterator<Item = f64>) -> f64 {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// A value as a label: one decimal, none from 1,000 up, `–` when missing.
pub(super) fn number(x: f64) -> String {
    if !x.is_finite() {
        "–".to_string()
    } else if x.abs() >= 1000.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// An axis tick as a label: at most two decimals, trailing zeros dropped.
pub(super) fn tick(x: &f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s.strip_prefix('-') {
        Some("0") => "0".to_string(),
        Some(rest) => format!("−{rest}"),
        None => s.to_string(),
    }
}

/// Height of a bar panel's caption (top_terms.png's periods, theme_terms.png's themes).
pub(super) const PANEL_CAPTION: i32 = 44;

/// Where a bar panel's chart goes: the panel less its caption, with a margin on the right.
pub(super) fn panel_area<'b>(panel: &Area<'b>) -> Area<'b> {
    panel.margin(PANEL_CAPTION, 0, 0, 12)
}

/// A panel of horizontal bars on `area` ([`panel_area`] of `panel`): a chart over `x` and
/// `rows` rows with room for the word labels on its left and the values right of the bars
/// (`layout`), its caption centred over the bars, the gridlines and the x axis with `ticks`
/// ticks and `description`. What both bar-panel charts share; each draws its own bars.
pub(super) fn bar_panel<'a, 'b>(
    (root, panel, area): (&Area, &Area, &'a Area<'b>),
    caption: &str,
    x: std::ops::Range<f64>,
    (label_width, value_width, rows): (u32, u32, i32),
    (ticks, description): (usize, &str),
) -> Result<Chart<'a, 'b>> {
    let mut chart = ChartBuilder::on(area)
        .x_label_area_size(X_AXIS_SPACE as i32)
        .y_label_area_size(label_width)
        .margin_right(value_width)
        .build_cartesian_2d(x, 0.0..rows as f64)
        .map_err(err)?;
    let (plot_x, _) = chart.plotting_area().get_pixel_range();
    let (_, top) = panel.get_base_pixel();
    let style = bold(HEADING);
    let name = fit(caption, &style, (plot_x.end - plot_x.start) as u32);
    let centre = (plot_x.start + plot_x.end) / 2;
    put(
        root,
        &name,
        (centre, top + 4),
        &style,
        HPos::Center,
        VPos::Top,
    )?;
    mesh(&mut chart, ticks, 0)?;
    x_axis(root, &chart, ticks, description)?;
    Ok(chart)
}

/// A bar panel's message when it has no bars (`no terms`), centred at `x` and half the rows.
pub(super) fn no_bars(root: &Area, chart: &Chart, x: f64, rows: i32, text: &str) -> Result<()> {
    let (cx, _) = chart.backend_coord(&(x, 0.0));
    let (_, cy) = chart.backend_coord(&(0.0, rows as f64 / 2.0));
    let style = font(LABEL, false, GREY);
    put(root, text, (cx, cy), &style, HPos::Center, VPos::Center)
}
