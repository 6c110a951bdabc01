//! The charts' colours: the Okabe–Ito palette, the two periods' colours, the series' colours
//! and the greys of text, axes and gridlines.

use plotters::style::RGBColor;

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
pub(super) const GREY: RGBColor = RGBColor(0x4D, 0x4D, 0x4D);
/// Axis lines.
pub(super) const AXIS: RGBColor = RGBColor(0x40, 0x40, 0x40);
/// Gridlines.
pub(super) const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);

/// A lighter version of a colour (two thirds of the way to white), for faint bars.
pub(super) fn lighter(c: RGBColor) -> RGBColor {
    let mix = |x: u8| ((x as u16 + 2 * 255) / 3) as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}
