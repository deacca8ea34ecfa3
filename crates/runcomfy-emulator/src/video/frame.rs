//! The still picture of a video: a [`Frame`] in YUV 4:2:0, made from a seeded
//! pattern or from an RGB image, and the deterministic generator the pattern
//! draws its colours from.

use std::fmt;

use crate::video::spec::MAX_DIMENSION;

/// One picture in YUV 4:2:0 (BT.601, limited range) at the spec's size.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    width: u32,
    height: u32,
    /// `width × height` luma samples, row-major.
    y: Vec<u8>,
    /// `ceil(width/2) × ceil(height/2)` Cb samples, row-major.
    cb: Vec<u8>,
    /// `ceil(width/2) × ceil(height/2)` Cr samples, row-major.
    cr: Vec<u8>,
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frame")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl Frame {
    /// A deterministic picture derived from `seed`: a four-corner colour
    /// gradient crossed by three slanted bands whose colours and positions
    /// come from the seed. Sizes above [`MAX_DIMENSION`] are clamped to it.
    pub fn pattern(width: u32, height: u32, seed: u64) -> Frame {
        let width = width.min(MAX_DIMENSION);
        let height = height.min(MAX_DIMENSION);
        Frame::from_fn(width, height, pattern_rgb(width, height, seed))
    }

    /// Scales an RGB image (8-bit, row-major, 3 bytes per pixel, no padding)
    /// to `target_width × target_height` with nearest-neighbour sampling and
    /// converts it to YUV 4:2:0 (BT.601, limited range).
    ///
    /// Returns `None` if `rgb.len() != src_width × src_height × 3`, if any
    /// size is 0, or if a target size exceeds [`MAX_DIMENSION`].
    pub fn from_rgb(
        target_width: u32,
        target_height: u32,
        src_width: u32,
        src_height: u32,
        rgb: &[u8],
    ) -> Option<Frame> {
        if target_width == 0
            || target_height == 0
            || src_width == 0
            || src_height == 0
            || target_width > MAX_DIMENSION
            || target_height > MAX_DIMENSION
        {
            return None;
        }
        let src_w = usize::try_from(src_width).ok()?;
        let src_h = usize::try_from(src_height).ok()?;
        let expected = src_w.checked_mul(src_h)?.checked_mul(3)?;
        if rgb.len() != expected {
            return None;
        }
        // Nearest neighbour: sample the source pixel under each target pixel's centre.
        let map = |t: u32, target: u32, src: u32| -> usize {
            let s = (2 * u64::from(t) + 1) * u64::from(src) / (2 * u64::from(target));
            usize::try_from(s.min(u64::from(src) - 1)).unwrap_or(0)
        };
        let columns: Vec<usize> = (0..target_width)
            .map(|x| map(x, target_width, src_width))
            .collect();
        let rows: Vec<usize> = (0..target_height)
            .map(|y| map(y, target_height, src_height))
            .collect();
        Some(Frame::from_fn(target_width, target_height, |x, y| {
            let sx = columns.get(x as usize).copied().unwrap_or(0);
            let sy = rows.get(y as usize).copied().unwrap_or(0);
            let at = (sy * src_w + sx) * 3;
            match rgb.get(at..at + 3) {
                Some(&[r, g, b]) => [r, g, b],
                _ => [0, 0, 0],
            }
        }))
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The Y, Cb and Cr planes, row-major without padding: Y is
    /// `width × height`, Cb and Cr are `ceil(width/2) × ceil(height/2)`
    /// (the layout of raw `yuv420p`).
    pub fn planes(&self) -> [&[u8]; 3] {
        [&self.y, &self.cb, &self.cr]
    }

    /// Builds a frame from an RGB pixel function. Sizes must be at most
    /// [`MAX_DIMENSION`] (callers clamp), so no arithmetic here overflows.
    fn from_fn(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Frame {
        let w = width as usize;
        let h = height as usize;
        let mut y = Vec::with_capacity(w * h);
        for py in 0..height {
            for px in 0..width {
                y.push(rgb_to_ycbcr(pixel(px, py)).0);
            }
        }
        let chroma_w = width.div_ceil(2);
        let chroma_h = height.div_ceil(2);
        let chroma_len = chroma_w as usize * chroma_h as usize;
        let mut cb = Vec::with_capacity(chroma_len);
        let mut cr = Vec::with_capacity(chroma_len);
        let last_x = width.saturating_sub(1);
        let last_y = height.saturating_sub(1);
        for cy in 0..chroma_h {
            for cx in 0..chroma_w {
                let (x0, y0) = (2 * cx, 2 * cy);
                let (x1, y1) = ((x0 + 1).min(last_x), (y0 + 1).min(last_y));
                let mut sum = [0u32; 3];
                for [r, g, b] in [pixel(x0, y0), pixel(x1, y0), pixel(x0, y1), pixel(x1, y1)] {
                    sum[0] += u32::from(r);
                    sum[1] += u32::from(g);
                    sum[2] += u32::from(b);
                }
                let avg = sum.map(|s| ((s + 2) / 4).min(255) as u8);
                let (_, u, v) = rgb_to_ycbcr(avg);
                cb.push(u);
                cr.push(v);
            }
        }
        Frame {
            width,
            height,
            y,
            cb,
            cr,
        }
    }
}

/// The RGB colour at each pixel of the pattern of [`Frame::pattern`], at
/// any size: image outputs draw the same picture.
pub(crate) fn pattern_rgb(width: u32, height: u32, seed: u64) -> impl Fn(u32, u32) -> [u8; 3] {
    let mut rng = SplitMix64(seed);
    let corners = [rng.colour(), rng.colour(), rng.colour(), rng.colour()];
    let bands: [Band; 3] = [rng.band(), rng.band(), rng.band()];
    let max_x = i64::from(width.saturating_sub(1).max(1));
    let max_y = i64::from(height.saturating_sub(1).max(1));
    move |x, y| {
        // Position in 1/1024ths of the picture, 0..=1024.
        let fx = i64::from(x) * 1024 / max_x;
        let fy = i64::from(y) * 1024 / max_y;
        let [c00, c10, c01, c11] = corners;
        let top = lerp(c00, c10, fx);
        let bottom = lerp(c01, c11, fx);
        let mut colour = lerp(top, bottom, fy);
        for band in &bands {
            let distance = fx - band.centre - band.slant * (fy - 512) / 1024;
            if distance.abs() < band.half_width {
                colour = band.colour;
            }
        }
        colour
    }
}

/// SplitMix64: a tiny, well-mixed, deterministic generator.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (`bound > 0`).
    fn below(&mut self, bound: u64) -> i64 {
        (self.next() % bound.max(1)) as i64
    }

    fn colour(&mut self) -> [u8; 3] {
        let v = self.next().to_le_bytes();
        [v[0], v[1], v[2]]
    }

    fn band(&mut self) -> Band {
        Band {
            centre: self.below(1025),
            slant: self.below(1025) - 512,
            half_width: 20 + self.below(60),
            colour: self.colour(),
        }
    }
}

/// A slanted stripe of the pattern, in 1/1024ths of the picture.
struct Band {
    centre: i64,
    slant: i64,
    half_width: i64,
    colour: [u8; 3],
}

/// Linear blend of `a` towards `b`, `t` in 0..=1024.
fn lerp(a: [u8; 3], b: [u8; 3], t: i64) -> [u8; 3] {
    let t = t.clamp(0, 1024);
    let mix = |a: u8, b: u8| ((i64::from(a) * (1024 - t) + i64::from(b) * t + 512) / 1024) as u8;
    [mix(a[0], b[0]), mix(a[1], b[1]), mix(a[2], b[2])]
}

/// BT.601 limited-range RGB → Y'CbCr. Results are never 0, so `I_PCM`
/// samples cannot contain zero bytes.
fn rgb_to_ycbcr([r, g, b]: [u8; 3]) -> (u8, u8, u8) {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    let y = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
    let cb = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
    let cr = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    (
        y.clamp(16, 235) as u8,
        cb.clamp(16, 240) as u8,
        cr.clamp(16, 240) as u8,
    )
}
