//! Text on the charts: the bundled DejaVu Sans (embedded with `include_bytes!` and registered
//! with plotters, so nothing depends on the machine's fonts), its sizes, measuring, fitting and
//! wrapping, and drawing from the glyph outlines (plotters' own ab_glyph drawing ignores side
//! bearings and places anchored text loosely).

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use anyhow::{anyhow, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::*;

// Font sizes: pixels per em, as in CSS.
pub(super) const TITLE: f32 = 28.0;
pub(super) const HEADING: f32 = 21.0;
pub(super) const LABEL: f32 = 17.0;
pub(super) const TICK: f32 = 16.0;

/// The bundled DejaVu Sans, regular and bold.
pub(super) struct Fonts {
    pub(super) regular: FontRef<'static>,
    pub(super) bold: FontRef<'static>,
}

/// The bundled fonts, loaded once. They are also registered with plotters as "sans-serif",
/// so any text plotters draws itself uses them rather than looking for system fonts.
pub(super) fn fonts() -> Result<&'static Fonts> {
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
pub(super) struct Style {
    /// Pixels per em.
    size: f32,
    bold: bool,
    colour: RGBColor,
}

/// Text in the bundled font.
pub(super) fn font(size: f32, bold: bool, colour: RGBColor) -> Style {
    Style { size, bold, colour }
}

/// Plain black text.
pub(super) fn text(size: f32) -> Style {
    font(size, false, palette::BLACK)
}

/// Bold black text.
pub(super) fn bold(size: f32) -> Style {
    font(size, true, palette::BLACK)
}

/// Text laid out on a baseline starting at x = 0: glyphs positioned with their advances and
/// kerning (plotters' own text drawing ignores side bearings, which spaces letters unevenly).
pub(super) struct Line {
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
pub(super) fn text_width(s: &str, style: &Style) -> u32 {
    Line::new(s, style)
        .map(|l| l.width.ceil() as u32)
        .unwrap_or(0)
}

/// Width in pixels of the widest of `labels` in `style`.
pub(super) fn widest<'a>(labels: impl IntoIterator<Item = &'a str>, style: &Style) -> u32 {
    labels
        .into_iter()
        .map(|l| text_width(l, style))
        .max()
        .unwrap_or(0)
}

/// `s`, shortened with an ellipsis if needed so it is at most `max` pixels wide in `style`.
pub(super) fn fit(s: &str, style: &Style, max: u32) -> String {
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
pub(super) fn wrap(s: &str, style: &Style, max: u32, lines: usize) -> Vec<String> {
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
pub(super) fn put(
    area: &Area,
    s: &str,
    (x, y): (i32, i32),
    style: &Style,
    h: HPos,
    v: VPos,
) -> Result<()> {
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
pub(super) fn put_upwards(area: &Area, s: &str, (x, y): (i32, i32), style: &Style) -> Result<()> {
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

pub(super) fn draw_pixels(
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

/// Height of a line of text of this size (ascent to descent).
pub(super) fn line_height(size: f32) -> i32 {
    (size * 1.17).ceil() as i32
}
