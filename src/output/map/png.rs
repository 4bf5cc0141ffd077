//! `map.png`: the static map rendered by resvg (pure Rust) at twice the
//! SVG's size, for slides and documents that take no SVG.

use anyhow::{Context, Result};
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// The system fonts, loaded once per process (text is drawn with the
/// first of DejaVu Sans, Helvetica, Arial or any sans-serif face found).
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
        Arc::new(db)
    })
    .clone()
}

/// Render an SVG document to PNG bytes at `scale` × its size.
pub fn render_png(svg: &str, scale: f32) -> Result<Vec<u8>> {
    let opt = usvg::Options {
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).context("parsing the map's own SVG")?;
    let size = tree.size();
    let w = (size.width() * scale).ceil().max(1.0) as u32;
    let h = (size.height() * scale).ceil().max(1.0) as u32;
    let mut pixmap =
        tiny_skia::Pixmap::new(w, h).with_context(|| format!("a {w}×{h} image is too large"))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    encode_png(pixmap).context("encoding map.png")
}

/// The pixels as an 8-bit RGBA PNG, as tiny-skia's `Pixmap::encode_png`
/// writes them but without its copy of the whole image (28 MB for England's
/// map, at the time the write stage's memory peaks: here the pixmap is
/// demultiplied in place), and with the png crate's `Fast` compression
/// (fdeflate) instead of `Balanced`: on England's 2840×2440 map, 0.1 s
/// instead of 0.6 s, the longest step of the maps that the write stage
/// waits for, for a file 16 % larger (1.86 MB against 1.61 MB); the pixels
/// are the same.
fn encode_png(pixmap: tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let (w, h) = (pixmap.width(), pixmap.height());
    let rgba = pixmap.take_demultiplied();
    let mut data = Vec::new();
    let mut encoder = png::Encoder::new(&mut data, w, h);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgba)?;
    writer.finish()?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A red square on white: the pixel in the middle is red, a corner white.
    #[test]
    fn renders_pixels_where_drawn() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20" fill="#ffffff"/><rect x="5" y="5" width="10" height="10" fill="#ff0000"/></svg>"##;
        let png = render_png(svg, 1.0).unwrap();
        let img = tiny_skia::Pixmap::decode_png(&png).unwrap();
        let px = |x: u32, y: u32| img.pixel(x, y).unwrap();
        assert_eq!((px(10, 10).red(), px(10, 10).green()), (255, 0));
        assert_eq!((px(1, 1).red(), px(1, 1).green()), (255, 255));
    }
}
