//! Charts as PNG bytes, one file per chart ([`top_terms`], [`keyness`], [`theme_shift`],
//! [`theme_terms`], [`theme_trend`]), each a pure function from plain data ([`data`]) to bytes:
//! the same input always gives byte-identical output, and nothing touches the disk.
//!
//! What the charts share is in parts of its own: [`colours`] (the Okabe–Ito palette), [`text`](mod@text)
//! (the bundled font, measuring and drawing text), [`frame`] (title, legend, axes, footnote,
//! "no data") and [`canvas`] (the canvas and its PNG encoding); this file holds the design width and
//! the drawing types they all use. plotters draws the bars, lines and grids.

pub(crate) mod keyness;
pub(crate) mod theme_shift;
pub(crate) mod theme_terms;
pub(crate) mod theme_trend;
pub(crate) mod top_terms;

mod canvas;
mod colours;
mod data;
mod frame;
mod text;

use canvas::*;
pub(crate) use colours::*;
pub(crate) use data::*;
use frame::*;
use text::*;

use anyhow::anyhow;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

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

/// Panels of bars side by side: how many to a row, and the width their word labels get.
/// Panels are counted as if no label were wider than `max_label`; then, the columns set, the
/// labels take what room a panel has beyond `fixed` (its plot's least width, its values,
/// its padding), up to the widest label (`widest`), so that a long phrase is cut only when
/// the panels leave it no room. At least one column, at most `max_columns` and `panels`.
fn panel_layout(
    (widest, max_label): (u32, u32),
    fixed: u32,
    panels: usize,
    max_columns: usize,
) -> (usize, u32) {
    let usable = DESIGN_WIDTH - 2 * PAD as u32;
    let short = widest.min(max_label);
    let fit = (usable / (short + fixed).max(1)).clamp(1, max_columns as u32);
    let columns = panels.clamp(1, fit as usize);
    let room = (usable / columns as u32).saturating_sub(fixed);
    (columns, widest.min(room.max(short)))
}

/// Converts plotters' errors, which borrow the backend, into owned errors.
fn err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing the chart failed: {e:?}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ab_glyph::Font;

    #[test]
    fn a_label_is_cut_only_when_its_panel_leaves_it_no_room() {
        // Two panels of the design width (912 px inside the padding): a 230 px label, past
        // the 204 px cap, keeps its width, as a panel has 456 - 200 px beside its plot.
        assert_eq!(panel_layout((230, 204), 200, 2, 6), (2, 230));
        // Three panels: 304 - 90 = 214 px of room, more than the cap, less than the label.
        assert_eq!(panel_layout((230, 204), 90, 3, 6), (3, 214));
        // One panel, a label of a thousand pixels: the room beside the plot, no more.
        assert_eq!(panel_layout((1000, 204), 200, 1, 6), (1, 912 - 200));
        // Short labels are not widened.
        assert_eq!(panel_layout((90, 204), 200, 2, 6), (2, 90));
        // As many columns as fit, at most the panels and the most allowed.
        assert_eq!(panel_layout((90, 204), 200, 8, 6).0, 3);
        assert_eq!(panel_layout((20, 204), 10, 8, 6).0, 6);
        assert_eq!(panel_layout((20, 204), 10, 0, 6).0, 1);
    }

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
