//! Real images for tests that decode them: a PNG split into two colours,
//! whose halves tell whether a picture kept its orientation and colours.

use std::io::Cursor;

/// A PNG of `width` × `height` whose left half is `left` and right half
/// `right` (RGB).
pub fn halves_png(width: u32, height: u32, left: [u8; 3], right: [u8; 3]) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, _| {
        image::Rgb(if x < width / 2 { left } else { right })
    });
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("encodes");
    bytes
}
