//! A chart's canvas as PNG bytes: drawn on a white RGB buffer, encoded as a palette
//! (indexed) PNG when at most 256 colours stand for every pixel, else as RGB.

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use super::*;

/// Draws on a white `width` x `height` canvas with `draw` and returns the PNG bytes.
pub(super) fn render_png(
    width: u32,
    height: u32,
    draw: impl FnOnce(&Area) -> Result<()>,
) -> Result<Vec<u8>> {
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
pub(super) fn encode_png(
    rgb: &[u8],
    width: u32,
    height: u32,
) -> Result<Vec<u8>, png::EncodingError> {
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
pub(super) const NEAR: [u8; 4] = [0, 2, 4, 8];

/// A palette of at most 256 colours for the image, and each pixel's index into it; `None`
/// when even the largest tolerance needs more.
///
/// The image's colours are taken most frequent first (ties by colour, so the same image always
/// gives the same palette): each joins the palette unless a colour already in it is within the
/// tolerance, and then stands for it.
pub(super) fn palette_of(rgb: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
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
pub(super) type Palette = (Vec<[u8; 3]>, rustc_hash::FxHashMap<[u8; 3], u8>);

pub(super) fn palette_within(colours: &[([u8; 3], u64)], near: u8) -> Option<Palette> {
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
