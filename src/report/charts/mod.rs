//! Charts as PNG bytes, one file per chart ([`top_terms`], [`keyness`], [`theme_shift`],
//! [`theme_trend`]), each a pure function from plain data to bytes: the same input always gives
//! byte-identical output, and nothing touches the disk.
//!
//! This file owns what the charts share: the input data types, the Okabe–Ito palette, sizes,
//! the bundled DejaVu Sans font, text measuring and drawing, PNG encoding, and the title, legend,
//! axis labels, footnote and "no data" message.
//!
//! The font is embedded (`include_bytes!`) and registered with plotters' ab_glyph support, so
//! nothing depends on fonts installed on the machine. Text is drawn here from the glyph
//! outlines rather than by plotters, whose ab_glyph drawing ignores side bearings (uneven
//! letter spacing) and places anchored text loosely; plotters draws the bars, lines and grids.

pub(crate) mod keyness;
pub(crate) mod theme_shift;
pub(crate) mod theme_terms;
pub(crate) mod theme_trend;
pub(crate) mod top_terms;

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use anyhow::{anyhow, Result};
use plotters::coord::ranged1d::{BoldPoints, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The most frequent terms of one period.
#[derive(Debug, Clone)]
pub(crate) struct PeriodTopTerms {
    pub period: String,
    /// Sorted, most frequent first (up to 20).
    pub terms: Vec<TermValue>,
}

/// A word and its rate per 10,000 words.
#[derive(Debug, Clone)]
pub(crate) struct TermValue {
    pub word: String,
    pub value: f64,
}

/// A key term: its Log Ratio (bar length), G² (rank) and whether its adjusted p < 0.05.
#[derive(Debug, Clone)]
pub struct KeyTerm {
    pub word: String,
    pub log_ratio: f64,
    pub g2: f64,
    pub significant: bool,
    /// Rates per 10,000 words in A and B, and the Benjamini–Hochberg adjusted p-value
    /// (`significant` is `p_adjusted < ALPHA`): keyness.csv's row, for the findings.
    pub per_10k_a: f64,
    pub per_10k_b: f64,
    pub p_adjusted: f64,
}

/// One theme's rates in the two compared periods, and the verdict (measure's typed row).
pub(crate) use crate::measure::themes::ShiftLine as ThemeShiftRow;

/// The words behind one theme's change: each word's change in rate (per 10,000 words, B
/// minus A), largest change first.
#[derive(Debug, Clone)]
pub(crate) struct ThemeWords {
    pub theme: String,
    pub words: Vec<TermValue>,
}

/// One theme's rate in every period, in the order of the periods.
#[derive(Debug, Clone)]
pub(crate) struct ThemeSeries {
    pub theme: String,
    pub per_10k: Vec<f64>,
    /// The theme's course as steps, in time order (empty when none was drawn).
    pub steps: Vec<Step>,
}

/// A stretch of a theme's course on the chart: its first and last periods (indices into the
/// chart's periods), its rate, and the turn into it (`Some(true)` rose, `Some(false)` fell).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub first: usize,
    pub last: usize,
    pub per_10k: f64,
    pub rose: Option<bool>,
}

/// The Okabe–Ito colours, distinguishable with the common colour-vision deficiencies (named
/// as in Okabe & Ito's paper; kept in a module so they do not clash with plotters' colours).
pub(crate) mod palette {
    use plotters::style::RGBColor;

    pub(crate) const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    pub(crate) const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    pub(crate) const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    pub(crate) const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    pub(crate) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    pub(crate) const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    pub(crate) const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    pub(crate) const BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);
}

/// The earlier period (A) in every two-period chart.
pub(crate) const COLOUR_A: RGBColor = palette::VERMILLION;
/// The later period (B) in every two-period chart.
pub(crate) const COLOUR_B: RGBColor = palette::BLUE;
/// Period A's colour for text: vermillion darkened to a contrast of 5.2:1 on white (the
/// bar colour has 3.9:1, too faint for words).
pub(crate) const TEXT_A: RGBColor = RGBColor(0xB3, 0x4F, 0x00);
/// Colours for several series, in order (yellow last: it is faint on white).
pub(crate) const SERIES: [RGBColor; 8] = [
    palette::BLUE,
    palette::VERMILLION,
    palette::BLUISH_GREEN,
    palette::ORANGE,
    palette::REDDISH_PURPLE,
    palette::SKY_BLUE,
    palette::BLACK,
    palette::YELLOW,
];

/// Secondary text (subtitles, footnotes, "no data").
const GREY: RGBColor = RGBColor(0x4D, 0x4D, 0x4D);
/// Axis lines.
const AXIS: RGBColor = RGBColor(0x40, 0x40, 0x40);
/// Gridlines.
const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);

// Font sizes: pixels per em, as in CSS.
const TITLE: f32 = 28.0;
const HEADING: f32 = 21.0;
const LABEL: f32 = 17.0;
const TICK: f32 = 16.0;

/// The width every chart is designed for: report.html shows a chart at its own size up to
/// this width, so its text is the size set here (charts with many periods or themes grow
/// wider, or, where they are panels, wrap onto more rows).
pub(crate) const DESIGN_WIDTH: u32 = 960;

/// Gap between the canvas edge and anything drawn on it.
const PAD: i32 = 24;

/// The drawing area every chart draws on.
type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// A chart with numeric axes, as every chart here builds it.
type Chart<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Converts plotters' errors, which borrow the backend, into owned errors.
fn err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing the chart failed: {e:?}")
}

/// The bundled DejaVu Sans, regular and bold.
struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

/// The bundled fonts, loaded once. They are also registered with plotters as "sans-serif",
/// so any text plotters draws itself uses them rather than looking for system fonts.
fn fonts() -> Result<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let regular: &'static [u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
            let bold: &'static [u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
            plotters::style::register_font("sans-serif", FontStyle::Normal, regular).ok()?;
            plotters::style::register_font("sans-serif", FontStyle::Bold, bold).ok()?;
            Some(Fonts {
                regular: FontRef::try_from_slice(regular).ok()?,
                bold: FontRef::try_from_slice(bold).ok()?,
            })
        })
        .as_ref()
        .ok_or_else(|| anyhow!("the bundled DejaVu Sans font could not be loaded"))
}

/// How a piece of text looks.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// Pixels per em.
    size: f32,
    bold: bool,
    colour: RGBColor,
}

/// Text in the bundled font.
fn font(size: f32, bold: bool, colour: RGBColor) -> Style {
    Style { size, bold, colour }
}

/// Plain black text.
fn text(size: f32) -> Style {
    font(size, false, palette::BLACK)
}

/// Bold black text.
fn bold(size: f32) -> Style {
    font(size, true, palette::BLACK)
}

/// Text laid out on a baseline starting at x = 0: glyphs positioned with their advances and
/// kerning (plotters' own text drawing ignores side bearings, which spaces letters unevenly).
struct Line {
    glyphs: Vec<ab_glyph::Glyph>,
    width: f32,
    ascent: f32,
    descent: f32,
    font: &'static FontRef<'static>,
}

impl Line {
    fn new(s: &str, style: &Style) -> Result<Line> {
        let fonts = fonts()?;
        let font = if style.bold {
            &fonts.bold
        } else {
            &fonts.regular
        };
        let em = font.units_per_em().unwrap_or(2048.0);
        let scaled = font.as_scaled(PxScale::from(style.size * font.height_unscaled() / em));
        let mut glyphs = Vec::new();
        let mut x = 0.0;
        let mut previous = None;
        for c in s.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                x += scaled.kern(p, id);
            }
            glyphs.push(id.with_scale_and_position(scaled.scale(), point(x, 0.0)));
            x += scaled.h_advance(id);
            previous = Some(id);
        }
        Ok(Line {
            glyphs,
            width: x,
            ascent: scaled.ascent(),
            descent: scaled.descent(),
            font,
        })
    }

    /// Calls `pixel(dx, dy, coverage)` for every inked pixel, relative to the pen start on the
    /// baseline, with the glyphs shifted by the fraction `offset`.
    fn pixels(&self, offset: (f32, f32), mut pixel: impl FnMut(i32, i32, f32)) {
        for g in &self.glyphs {
            let mut g = g.clone();
            g.position = point(g.position.x + offset.0, g.position.y + offset.1);
            if let Some(outline) = self.font.outline_glyph(g) {
                let min = outline.px_bounds().min;
                outline.draw(|x, y, c| pixel(min.x as i32 + x as i32, min.y as i32 + y as i32, c));
            }
        }
    }
}

/// Width in pixels of `s` drawn in `style`.
fn text_width(s: &str, style: &Style) -> u32 {
    Line::new(s, style)
        .map(|l| l.width.ceil() as u32)
        .unwrap_or(0)
}

/// Width in pixels of the widest of `labels` in `style`.
fn widest<'a>(labels: impl IntoIterator<Item = &'a str>, style: &Style) -> u32 {
    labels
        .into_iter()
        .map(|l| text_width(l, style))
        .max()
        .unwrap_or(0)
}

/// `s`, shortened with an ellipsis if needed so it is at most `max` pixels wide in `style`.
fn fit(s: &str, style: &Style, max: u32) -> String {
    if text_width(s, style) <= max {
        return s.to_string();
    }
    // The longest prefix that fits with its ellipsis, by binary search (a label may be a
    // junk "word" of thousands of letters; no glyph is narrower than a pixel).
    let chars: Vec<char> = s.chars().take(max as usize + 1).collect();
    let shortened = |k: usize| chars[..k].iter().collect::<String>().trim_end().to_string() + "…";
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if text_width(&shortened(mid), style) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        "…".to_string()
    } else {
        shortened(lo)
    }
}

/// `s` broken at spaces into at most `lines` lines of at most `max` pixels each in `style`
/// (the last line shortened with an ellipsis if the text does not fit).
fn wrap(s: &str, style: &Style, max: u32, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut words = s.split_whitespace().peekable();
    while words.peek().is_some() {
        if out.len() + 1 == lines.max(1) {
            out.push(fit(&words.collect::<Vec<_>>().join(" "), style, max));
            break;
        }
        let mut line = words.next().unwrap_or_default().to_string();
        while let Some(next) = words.peek() {
            let longer = format!("{line} {next}");
            if text_width(&longer, style) > max {
                break;
            }
            line = longer;
            words.next();
        }
        out.push(fit(&line, style, max));
    }
    out
}

/// Draws `s` anchored at `(x, y)`: `Top` puts the top of the line (ascent) at `y`, `Center`
/// centres the letters on `y`, `Bottom` puts the bottom of the line (descent) at `y`.
fn put(area: &Area, s: &str, (x, y): (i32, i32), style: &Style, h: HPos, v: VPos) -> Result<()> {
    let line = Line::new(s, style)?;
    let left = match h {
        HPos::Left => x as f32,
        HPos::Center => x as f32 - line.width / 2.0,
        HPos::Right => x as f32 - line.width,
    };
    let baseline = match v {
        VPos::Top => y as f32 + line.ascent,
        VPos::Center => y as f32 + 0.34 * style.size,
        VPos::Bottom => y as f32 + line.descent,
    };
    let (x0, y0) = (left.floor(), baseline.round());
    draw_pixels(
        area,
        &line,
        (x0 as i32, y0 as i32),
        (left - x0, 0.0),
        style.colour,
        false,
    )
}

/// Draws `s` reading upwards (turned a quarter anticlockwise), centred on `(x, y)`.
fn put_upwards(area: &Area, s: &str, (x, y): (i32, i32), style: &Style) -> Result<()> {
    let line = Line::new(s, style)?;
    // Before turning: the centre of the letters is half the width along, 0.34 em above the baseline.
    let along = (line.width / 2.0).round() as i32;
    let up = (0.34 * style.size).round() as i32;
    draw_pixels(
        area,
        &line,
        (x - up, y + along),
        (0.0, 0.0),
        style.colour,
        true,
    )
}

fn draw_pixels(
    area: &Area,
    line: &Line,
    (x0, y0): (i32, i32),
    offset: (f32, f32),
    colour: RGBColor,
    upwards: bool,
) -> Result<()> {
    let mut result = Ok(());
    line.pixels(offset, |dx, dy, coverage| {
        // Turning a quarter anticlockwise takes "right" to "up" and "down" to "right".
        let (px, py) = if upwards {
            (x0 + dy, y0 - dx)
        } else {
            (x0 + dx, y0 + dy)
        };
        if result.is_ok() && coverage > 0.0 {
            result = area.draw_pixel((px, py), &colour.mix(coverage.min(1.0) as f64));
        }
    });
    result.map_err(err)
}

/// Draws on a white `width` x `height` canvas with `draw` and returns the PNG bytes.
fn render_png(width: u32, height: u32, draw: impl FnOnce(&Area) -> Result<()>) -> Result<Vec<u8>> {
    fonts()?;
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    encode_png(&rgb, width, height).map_err(|e| anyhow!("encoding the chart as PNG failed: {e}"))
}

/// An RGB image as PNG bytes: as a palette (indexed) PNG when at most 256 colours can stand
/// for all of its pixels with no channel off by more than [`NEAR`] levels (a chart's flat
/// colours exactly, a few shades of its anti-aliased edges merged: the same to the eye), in
/// a third of the bytes or less; else as RGB.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    match palette_of(rgb) {
        Some((palette, indices)) => {
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_palette(palette);
            encoder.write_header()?.write_image_data(&indices)?;
        }
        None => {
            encoder.set_color(png::ColorType::Rgb);
            encoder.write_header()?.write_image_data(rgb)?;
        }
    }
    Ok(png)
}

/// The tolerances tried in turn for a palette PNG, in levels of a colour channel (of 255):
/// exact first; 8 levels (3%) at most, only ever on shades of anti-aliased edges.
const NEAR: [u8; 4] = [0, 2, 4, 8];

/// A palette of at most 256 colours for the image, and each pixel's index into it; `None`
/// when even the largest tolerance needs more.
///
/// The image's colours are taken most frequent first (ties by colour, so the same image always
/// gives the same palette): each joins the palette unless a colour already in it is within the
/// tolerance, and then stands for it.
fn palette_of(rgb: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut frequency: rustc_hash::FxHashMap<[u8; 3], u64> = rustc_hash::FxHashMap::default();
    for px in rgb.chunks_exact(3) {
        *frequency.entry([px[0], px[1], px[2]]).or_default() += 1;
    }
    let mut colours: Vec<([u8; 3], u64)> = frequency.into_iter().collect();
    colours.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (palette, index) = NEAR
        .iter()
        .find_map(|&near| palette_within(&colours, near))?;
    let indices = rgb
        .chunks_exact(3)
        .map(|px| index[&[px[0], px[1], px[2]]])
        .collect();
    Some((palette.concat(), indices))
}

/// The palette of `colours` (most frequent first) when every colour is within `near` levels
/// of one of at most 256, and each colour's index into it.
type Palette = (Vec<[u8; 3]>, rustc_hash::FxHashMap<[u8; 3], u8>);

fn palette_within(colours: &[([u8; 3], u64)], near: u8) -> Option<Palette> {
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut index = rustc_hash::FxHashMap::default();
    let off = |a: &[u8; 3], b: &[u8; 3]| (0..3).map(|i| a[i].abs_diff(b[i])).max().unwrap_or(0);
    for (c, _) in colours {
        let close = palette
            .iter()
            .enumerate()
            .filter(|(_, p)| off(p, c) <= near)
            .min_by_key(|(_, p)| off(p, c));
        let i = match close {
            Some((i, _)) => i,
            None if palette.len() == 256 => return None,
            None => {
                palette.push(*c);
                palette.len() - 1
            }
        };
        index.insert(*c, i as u8);
    }
    Some((palette, index))
}

/// The title (and a grey subtitle under it) centred at the top; returns the y below them.
fn header(root: &Area, title: &str, subtitle: &str) -> Result<i32> {
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

/// Height of a line of text of this size (ascent to descent).
fn line_height(size: f32) -> i32 {
    (size * 1.17).ceil() as i32
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    /// A filled square (bars).
    Box(RGBColor),
    /// A square split in two colours (e.g. lighter versions of both bar colours).
    Pair(RGBColor, RGBColor),
    /// A short line through a marker (line series).
    Line(RGBColor, Marker),
}

const SWATCH: i32 = 18;
const LINE_SWATCH: i32 = 40;

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
enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    TriangleDown,
}

/// Marker shapes in the order series use them.
const MARKERS: [Marker; 5] = [
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
fn legend(root: &Area, y: i32, entries: &[(Swatch, String)]) -> Result<i32> {
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
const FOOTNOTE_SPACE: i32 = 40;

/// A grey footnote at the bottom left.
fn footnote(root: &Area, note: &str) -> Result<()> {
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
fn no_data(area: &Area, reason: &str) -> Result<()> {
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
const X_AXIS_SPACE: u32 = 78;

/// Draws the gridlines (at the ticks, one axis or both) and the axis lines; the text is left to
/// [`x_axis`] and [`y_axis`], which draw it in the bundled font.
fn mesh(chart: &mut Chart, x_ticks: usize, y_ticks: usize) -> Result<()> {
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
fn x_axis(root: &Area, chart: &Chart, ticks: usize, description: &str) -> Result<()> {
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
fn x_description(root: &Area, chart: &Chart, below: i32, description: &str) -> Result<()> {
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
fn y_axis(root: &Area, chart: &Chart, ticks: usize, description: &str) -> Result<()> {
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
fn y_axis_space(widest_tick: &str) -> u32 {
    text_width(widest_tick, &text(TICK)) + 10 + 14 + line_height(LABEL) as u32 + 12
}

/// Half the thickness of a horizontal bar, in rows, on a chart `rows` rows high: about two
/// thirds of a row, but never thicker than 26 pixels when there are few rows.
fn half_bar(chart: &Chart, rows: f64) -> f64 {
    let (_, y) = chart.plotting_area().get_pixel_range();
    let row = (y.end - y.start).max(1) as f64 / rows.max(1.0);
    0.34f64.min(13.0 / row)
}

/// A lighter version of a colour (two thirds of the way to white), for faint bars.
fn lighter(c: RGBColor) -> RGBColor {
    let mix = |x: u8| ((x as u16 + 2 * 255) / 3) as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// A finite value, or 0.
fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// The largest finite value, or 0 when there is none.
fn max_finite(values: impl IntoIterator<Item = f64>) -> f64 {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// A value as a label: one decimal, none from 1,000 up, `–` when missing.
fn number(x: f64) -> String {
    if !x.is_finite() {
        "–".to_string()
    } else if x.abs() >= 1000.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// An axis tick as a label: at most two decimals, trailing zeros dropped.
fn tick(x: &f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s.strip_prefix('-') {
        Some("0") => "0".to_string(),
        Some(rest) => format!("−{rest}"),
        None => s.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Width and height from a PNG header, after checking the signature.
    pub(crate) fn png_size(bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
        let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
        (be(16), be(20))
    }

    #[test]
    fn a_chart_of_few_colours_is_a_palette_png_of_the_same_pixels() {
        let decoded = |png: &[u8]| image::load_from_memory(png).unwrap().to_rgb8().into_raw();
        // Colours far apart (17 levels): 256 are indexed exactly; one more is RGB. Both
        // decode to the pixels given.
        let far = |n: usize| -> Vec<u8> {
            (0..n * 4)
                .flat_map(|i| match i % n {
                    256 => [8, 8, 200],
                    k => [(k % 16 * 17) as u8, (k / 16 * 17) as u8, 7],
                })
                .collect()
        };
        for (colours, indexed) in [(256usize, true), (257, false)] {
            let rgb = far(colours);
            let png = encode_png(&rgb, colours as u32, 4).unwrap();
            // The colour type byte of the IHDR chunk: 3 is indexed, 2 is RGB.
            assert_eq!(png[25] == 3, indexed, "{colours} colours");
            assert_eq!(decoded(&png), rgb);
        }
        // 256 colours far apart and shades a level or two off them: indexed, no channel
        // off by more than two levels.
        let mut rgb = far(256);
        rgb.extend((0..64).flat_map(|i: usize| [(i % 15 * 17 + 1) as u8, 2, 8]));
        let png = encode_png(&rgb, 256 + 16, 4).unwrap();
        assert_eq!(png[25], 3);
        let back = decoded(&png);
        assert!(rgb.iter().zip(&back).all(|(a, b)| a.abs_diff(*b) <= 2));
        // A real chart keeps its pixels and is indexed.
        let top = top_terms::render(
            &[PeriodTopTerms {
                period: "2003".into(),
                terms: vec![TermValue {
                    word: "NHS".into(),
                    value: 3.0,
                }],
            }],
            1,
        )
        .unwrap();
        assert_eq!(top[25], 3, "the chart has at most 256 colours");
    }

    #[test]
    fn the_bundled_fonts_have_every_symbol_the_charts_use() {
        let fonts = fonts().unwrap();
        for font in [&fonts.regular, &fonts.bold] {
            assert_eq!(
                font.glyph_id('中').0,
                0,
                "the check cannot tell a missing glyph"
            );
            for c in "→▲▼–−…²∞·".chars() {
                assert_ne!(font.glyph_id(c).0, 0, "{c} is missing from the font");
            }
        }
    }

    #[test]
    fn text_is_measured_and_shortened_to_fit() {
        let style = text(LABEL);
        let w = text_width("organisational", &style);
        assert!(w > 100 && w < 200, "{w}");
        assert_eq!(fit("organisational", &style, w), "organisational");
        let short = fit("organisational", &style, 80);
        assert!(short.ends_with('…') && text_width(&short, &style) <= 80);
    }

    #[test]
    fn long_text_wraps_onto_lines() {
        let style = text(LABEL);
        let max = text_width("targets and performance", &style);
        let lines = wrap("targets and performance management", &style, max, 2);
        assert_eq!(lines, ["targets and performance", "management"]);
        let lines = wrap(
            "a b c d e f g h i j k l m n o p q r s t u v w x y z",
            &style,
            40,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert_eq!(wrap("", &style, 40, 2), Vec::<String>::new());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(20.14), "20.1");
        assert_eq!(number(0.0), "0.0");
        assert_eq!(number(1234.5), "1234");
        assert_eq!(tick(&10.0), "10");
        assert_eq!(tick(&2.5), "2.5");
        assert_eq!(tick(&-0.0001), "0");
        assert_eq!(tick(&-1.5), "−1.5");
        assert_eq!(number(f64::NAN), "–");
        assert_eq!(max_finite([1.0, f64::INFINITY, f64::NAN, 3.0]), 3.0);
    }
}
