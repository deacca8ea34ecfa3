//! Real, playable MP4 outputs without linking any codec library.
//!
//! Each finished emulator job serves a genuine H.264-in-MP4 file that
//! `ffprobe`/`ffmpeg` and ordinary players accept. Everything is written by
//! hand here:
//!
//! * an H.264 Constrained Baseline bitstream (4:2:0, 8-bit, CAVLC) in which
//!   the first picture is an IDR slice made only of `I_PCM` macroblocks (raw
//!   samples, so no transform or entropy coding of pixels is needed) and every
//!   later picture is a P slice that skips all macroblocks (a few bytes each);
//!   sizes that are not multiples of 16 are coded macroblock-aligned and
//!   cropped back with the SPS `frame_cropping` fields;
//! * an ISO BMFF (MP4) container with `moov` placed *before* `mdat`
//!   ("faststart"), so a partially downloaded file is already identifiable.
//!
//! The still picture comes from [`Frame::pattern`] (a colour gradient with a
//! few seed-coloured bands) or from [`Frame::from_rgb`] (e.g. a decoded start
//! image).
//!
//! Guarantees this module must keep:
//!
//! * it never panics: invalid input is reported through [`VideoError`];
//! * it is deterministic: the same spec and frame (hence the same seed) always
//!   give byte-identical output, because downloads are resumed with HTTP
//!   `Range` requests; no clocks, randomness or hash-map ordering are used;
//! * it performs no I/O: callers decide where the bytes go.

use std::fmt;

/// Default frame width in pixels used by [`VideoSpec::new`].
pub const DEFAULT_WIDTH: u32 = 320;
/// Default frame height in pixels used by [`VideoSpec::new`].
pub const DEFAULT_HEIGHT: u32 = 180;
/// Default frame rate used by [`VideoSpec::new`].
pub const DEFAULT_FPS: u32 = 24;
/// Smallest accepted frame width or height, in pixels.
pub const MIN_DIMENSION: u32 = 16;
/// Largest accepted frame width or height, in pixels.
pub const MAX_DIMENSION: u32 = 4096;
/// Largest accepted frame rate.
pub const MAX_FPS: u32 = 60;
/// Largest accepted duration, in seconds.
pub const MAX_DURATION_SECS: u32 = 600;

/// What to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoSpec {
    /// Displayed width in pixels: even, 16..=4096.
    pub width: u32,
    /// Displayed height in pixels: even, 16..=4096.
    pub height: u32,
    /// Exact duration in whole seconds: 1..=600.
    pub duration_secs: u32,
    /// Frames per second: 1..=60.
    pub fps: u32,
}

impl VideoSpec {
    /// A 320×180, 24 fps spec of the given duration.
    pub fn new(duration_secs: u32) -> Self {
        Self {
            width: DEFAULT_WIDTH,
            height: DEFAULT_HEIGHT,
            duration_secs,
            fps: DEFAULT_FPS,
        }
    }

    /// Checks the limits documented on each field.
    pub fn validate(&self) -> Result<(), VideoError> {
        for (name, value) in [("width", self.width), ("height", self.height)] {
            if !(MIN_DIMENSION..=MAX_DIMENSION).contains(&value) || value % 2 != 0 {
                return Err(VideoError::BadSpec(format!(
                    "{name} must be even and within {MIN_DIMENSION}..={MAX_DIMENSION}, got {value}"
                )));
            }
        }
        if !(1..=MAX_FPS).contains(&self.fps) {
            return Err(VideoError::BadSpec(format!(
                "fps must be within 1..={MAX_FPS}, got {}",
                self.fps
            )));
        }
        if !(1..=MAX_DURATION_SECS).contains(&self.duration_secs) {
            return Err(VideoError::BadSpec(format!(
                "duration_secs must be within 1..={MAX_DURATION_SECS}, got {}",
                self.duration_secs
            )));
        }
        Ok(())
    }

    /// Number of frames in the video (`duration_secs × fps`, saturating).
    pub fn frame_count(&self) -> u32 {
        self.duration_secs.saturating_mul(self.fps)
    }
}

/// Why a video could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VideoError {
    /// The [`VideoSpec`] is outside the supported limits.
    #[error("unsupported video spec: {0}")]
    BadSpec(String),
    /// The [`Frame`] does not have the spec's width and height.
    #[error(
        "frame is {frame_width}x{frame_height} but the spec asks for {spec_width}x{spec_height}"
    )]
    FrameSizeMismatch {
        /// Width requested by the spec.
        spec_width: u32,
        /// Height requested by the spec.
        spec_height: u32,
        /// Width of the frame given.
        frame_width: u32,
        /// Height of the frame given.
        frame_height: u32,
    },
    /// The file would exceed the 4 GiB limit of 32-bit MP4 offsets.
    #[error("the video would be too large for a 32-bit MP4")]
    TooLarge,
}

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
        let mut rng = SplitMix64(seed);
        let corners = [rng.colour(), rng.colour(), rng.colour(), rng.colour()];
        let bands: [Band; 3] = [rng.band(), rng.band(), rng.band()];
        let max_x = i64::from(width.saturating_sub(1).max(1));
        let max_y = i64::from(height.saturating_sub(1).max(1));
        Frame::from_fn(width, height, |x, y| {
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
        })
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

/// A complete MP4 file: `ftyp`, `moov`, then `mdat`, holding one H.264 video
/// stream of exactly `spec.duration_secs` seconds showing `frame`.
///
/// Never panics; returns [`VideoError::BadSpec`] for specs outside the limits
/// documented on [`VideoSpec`] and [`VideoError::FrameSizeMismatch`] if the
/// frame is not `spec.width × spec.height`.
pub fn render_mp4(spec: &VideoSpec, frame: &Frame) -> Result<Vec<u8>, VideoError> {
    spec.validate()?;
    if frame.width != spec.width || frame.height != spec.height {
        return Err(VideoError::FrameSizeMismatch {
            spec_width: spec.width,
            spec_height: spec.height,
            frame_width: frame.width,
            frame_height: frame.height,
        });
    }
    let geometry = Geometry::new(spec);
    let sps = nal_unit(NAL_SPS, &sps_rbsp(spec, &geometry));
    let pps = nal_unit(NAL_PPS, &pps_rbsp());

    // mdat payload: 4-byte length-prefixed NAL units, one sample per frame.
    let frames = spec.frame_count();
    let mut sample_sizes: Vec<u32> = Vec::with_capacity(frames as usize);
    let idr = nal_unit(NAL_IDR, &idr_rbsp(frame, &geometry));
    // Only 2^LOG2_MAX_FRAME_NUM distinct skip pictures exist; build each once.
    let skips: Vec<Vec<u8>> = (0..MAX_FRAME_NUM)
        .map(|frame_num| nal_unit(NAL_NON_IDR, &skip_rbsp(frame_num, &geometry)))
        .collect();
    let skip_len = skips.first().map_or(0, Vec::len);
    let payload_len = (4 + idr.len()) + (frames as usize - 1) * (4 + skip_len);
    let mut payload = Vec::with_capacity(payload_len);
    push_sample(&mut payload, &mut sample_sizes, &idr)?;
    for index in 1..frames {
        let nal = skips
            .get((index % MAX_FRAME_NUM) as usize)
            .map_or(&[][..], Vec::as_slice);
        push_sample(&mut payload, &mut sample_sizes, nal)?;
    }

    let mut out = Vec::with_capacity(payload.len() + 1024 + sample_sizes.len() * 4);
    write_ftyp(&mut out);
    let stco_entry = write_moov(&mut out, spec, &geometry, &sps, &pps, &sample_sizes);
    // mdat header (8 bytes), then the samples in one chunk.
    let mdat_size = u32::try_from(8 + payload.len()).map_err(|_| VideoError::TooLarge)?;
    let chunk_offset = u32::try_from(out.len() + 8).map_err(|_| VideoError::TooLarge)?;
    u32::try_from(out.len() + 8 + payload.len()).map_err(|_| VideoError::TooLarge)?;
    out.extend_from_slice(&mdat_size.to_be_bytes());
    out.extend_from_slice(b"mdat");
    out.extend_from_slice(&payload);
    if let Some(slot) = out.get_mut(stco_entry..stco_entry + 4) {
        slot.copy_from_slice(&chunk_offset.to_be_bytes());
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Picture content helpers.

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

// ---------------------------------------------------------------------------
// H.264 bitstream.

const NAL_NON_IDR: u8 = 0x41; // nal_ref_idc 2, type 1 (non-IDR slice)
const NAL_IDR: u8 = 0x65; // nal_ref_idc 3, type 5 (IDR slice)
const NAL_SPS: u8 = 0x67; // nal_ref_idc 3, type 7
const NAL_PPS: u8 = 0x68; // nal_ref_idc 3, type 8
const PROFILE_BASELINE: u8 = 66;
/// constraint_set0_flag and constraint_set1_flag: Constrained Baseline.
const CONSTRAINT_FLAGS: u8 = 0xC0;
const LOG2_MAX_FRAME_NUM: u32 = 4;
const MAX_FRAME_NUM: u32 = 1 << LOG2_MAX_FRAME_NUM;
const MB_TYPE_I_PCM: u32 = 25;

/// Macroblock layout of the coded picture.
struct Geometry {
    mbs_wide: u32,
    mbs_high: u32,
    crop_right: u32,
    crop_bottom: u32,
    level_idc: u8,
}

impl Geometry {
    /// `spec` must be valid.
    fn new(spec: &VideoSpec) -> Self {
        let mbs_wide = spec.width.div_ceil(16);
        let mbs_high = spec.height.div_ceil(16);
        // 4:2:0 frame coding: crop offsets count pairs of luma samples.
        let crop_right = (mbs_wide * 16 - spec.width) / 2;
        let crop_bottom = (mbs_high * 16 - spec.height) / 2;
        let level_idc = pick_level(mbs_wide, mbs_high, spec.fps);
        Self {
            mbs_wide,
            mbs_high,
            crop_right,
            crop_bottom,
            level_idc,
        }
    }

    fn total_mbs(&self) -> u32 {
        self.mbs_wide * self.mbs_high
    }
}

/// The smallest level (at least 3.0) whose frame-size and macroblock-rate
/// limits (H.264 Table A-1) admit the picture.
fn pick_level(mbs_wide: u32, mbs_high: u32, fps: u32) -> u8 {
    // (level_idc, MaxFS, MaxMBPS)
    const LEVELS: [(u8, u64, u64); 12] = [
        (30, 1_620, 40_500),
        (31, 3_600, 108_000),
        (32, 5_120, 216_000),
        (40, 8_192, 245_760),
        (41, 8_192, 245_760),
        (42, 8_704, 522_240),
        (50, 22_080, 589_824),
        (51, 36_864, 983_040),
        (52, 36_864, 2_073_600),
        (60, 139_264, 4_177_920),
        (61, 139_264, 8_355_840),
        (62, 139_264, 16_711_680),
    ];
    let frame_mbs = u64::from(mbs_wide) * u64::from(mbs_high);
    let widest = u64::from(mbs_wide.max(mbs_high));
    LEVELS
        .iter()
        .find(|&&(_, max_fs, max_mbps)| {
            frame_mbs <= max_fs
                && widest * widest <= 8 * max_fs
                && frame_mbs * u64::from(fps) <= max_mbps
        })
        .map_or(62, |&(level, _, _)| level)
}

/// Writes bits MSB-first.
struct BitWriter {
    bytes: Vec<u8>,
    current: u8,
    filled: u32,
}

impl BitWriter {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(capacity),
            current: 0,
            filled: 0,
        }
    }

    fn bit(&mut self, bit: bool) {
        self.current = (self.current << 1) | u8::from(bit);
        self.filled += 1;
        if self.filled == 8 {
            self.bytes.push(self.current);
            self.current = 0;
            self.filled = 0;
        }
    }

    /// `u(n)`, `count` ≤ 64.
    fn bits(&mut self, value: u64, count: u32) {
        for shift in (0..count.min(64)).rev() {
            self.bit((value >> shift) & 1 == 1);
        }
    }

    fn flag(&mut self, bit: bool) {
        self.bit(bit);
    }

    /// `ue(v)`: Exp-Golomb.
    fn ue(&mut self, value: u32) {
        let code = u64::from(value) + 1;
        let len = 64 - code.leading_zeros();
        self.bits(0, len - 1);
        self.bits(code, len);
    }

    /// `se(v)`: signed Exp-Golomb.
    fn se(&mut self, value: i32) {
        let mapped = if value > 0 {
            2 * i64::from(value) - 1
        } else {
            -2 * i64::from(value)
        };
        self.ue(u32::try_from(mapped).unwrap_or(u32::MAX));
    }

    fn byte_aligned(&self) -> bool {
        self.filled == 0
    }

    /// Zero bits up to the next byte boundary (e.g. `pcm_alignment_zero_bit`).
    fn align_with_zeros(&mut self) {
        while !self.byte_aligned() {
            self.bit(false);
        }
    }

    /// Whole bytes; fast path when byte-aligned.
    fn bytes(&mut self, data: &[u8]) {
        if self.byte_aligned() {
            self.bytes.extend_from_slice(data);
        } else {
            for &byte in data {
                self.bits(u64::from(byte), 8);
            }
        }
    }

    /// `rbsp_trailing_bits()` and the finished RBSP.
    fn finish_rbsp(mut self) -> Vec<u8> {
        self.bit(true);
        self.align_with_zeros();
        self.bytes
    }
}

/// A NAL unit: header byte, then the RBSP with emulation prevention bytes.
fn nal_unit(header: u8, rbsp: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rbsp.len() + rbsp.len() / 64 + 2);
    out.push(header);
    let mut zeros = 0usize;
    for &byte in rbsp {
        if zeros >= 2 && byte <= 3 {
            out.push(3);
            zeros = 0;
        }
        out.push(byte);
        zeros = if byte == 0 { zeros + 1 } else { 0 };
    }
    if zeros > 0 {
        // A NAL unit must not end in 0x00.
        out.push(3);
    }
    out
}

fn sps_rbsp(spec: &VideoSpec, geometry: &Geometry) -> Vec<u8> {
    let mut w = BitWriter::with_capacity(32);
    w.bits(u64::from(PROFILE_BASELINE), 8);
    w.bits(u64::from(CONSTRAINT_FLAGS), 8);
    w.bits(u64::from(geometry.level_idc), 8);
    w.ue(0); // seq_parameter_set_id
    w.ue(LOG2_MAX_FRAME_NUM - 4); // log2_max_frame_num_minus4
    w.ue(2); // pic_order_cnt_type: output order = decoding order
    w.ue(1); // max_num_ref_frames
    w.flag(false); // gaps_in_frame_num_value_allowed_flag
    w.ue(geometry.mbs_wide - 1); // pic_width_in_mbs_minus1
    w.ue(geometry.mbs_high - 1); // pic_height_in_map_units_minus1
    w.flag(true); // frame_mbs_only_flag
    w.flag(true); // direct_8x8_inference_flag
    let cropping = geometry.crop_right != 0 || geometry.crop_bottom != 0;
    w.flag(cropping); // frame_cropping_flag
    if cropping {
        w.ue(0); // frame_crop_left_offset
        w.ue(geometry.crop_right);
        w.ue(0); // frame_crop_top_offset
        w.ue(geometry.crop_bottom);
    }
    w.flag(true); // vui_parameters_present_flag
    w.flag(true); // aspect_ratio_info_present_flag
    w.bits(1, 8); // aspect_ratio_idc: 1:1 (square pixels)
    w.flag(false); // overscan_info_present_flag
    w.flag(true); // video_signal_type_present_flag
    w.bits(5, 3); // video_format: unspecified
    w.flag(false); // video_full_range_flag: limited range
    w.flag(true); // colour_description_present_flag
    w.bits(6, 8); // colour_primaries: SMPTE 170M
    w.bits(6, 8); // transfer_characteristics: SMPTE 170M
    w.bits(6, 8); // matrix_coefficients: BT.601
    w.flag(false); // chroma_loc_info_present_flag
    w.flag(true); // timing_info_present_flag
    w.bits(1, 32); // num_units_in_tick
    w.bits(2 * u64::from(spec.fps), 32); // time_scale (two ticks per frame)
    w.flag(true); // fixed_frame_rate_flag
    w.flag(false); // nal_hrd_parameters_present_flag
    w.flag(false); // vcl_hrd_parameters_present_flag
    w.flag(false); // pic_struct_present_flag
    w.flag(true); // bitstream_restriction_flag
    w.flag(true); // motion_vectors_over_pic_boundaries_flag
    w.ue(0); // max_bytes_per_pic_denom: no limit
    w.ue(0); // max_bits_per_mb_denom: no limit (I_PCM)
    w.ue(15); // log2_max_mv_length_horizontal
    w.ue(15); // log2_max_mv_length_vertical
    w.ue(0); // max_num_reorder_frames
    w.ue(1); // max_dec_frame_buffering
    w.finish_rbsp()
}

fn pps_rbsp() -> Vec<u8> {
    let mut w = BitWriter::with_capacity(8);
    w.ue(0); // pic_parameter_set_id
    w.ue(0); // seq_parameter_set_id
    w.flag(false); // entropy_coding_mode_flag: CAVLC
    w.flag(false); // bottom_field_pic_order_in_frame_present_flag
    w.ue(0); // num_slice_groups_minus1
    w.ue(0); // num_ref_idx_l0_default_active_minus1
    w.ue(0); // num_ref_idx_l1_default_active_minus1
    w.flag(false); // weighted_pred_flag
    w.bits(0, 2); // weighted_bipred_idc
    w.se(0); // pic_init_qp_minus26
    w.se(0); // pic_init_qs_minus26
    w.se(0); // chroma_qp_index_offset
    w.flag(true); // deblocking_filter_control_present_flag
    w.flag(false); // constrained_intra_pred_flag
    w.flag(false); // redundant_pic_cnt_present_flag
    w.finish_rbsp()
}

/// The IDR picture: one I slice of `I_PCM` macroblocks.
fn idr_rbsp(frame: &Frame, geometry: &Geometry) -> Vec<u8> {
    let mbs = geometry.total_mbs() as usize;
    let mut w = BitWriter::with_capacity(16 + mbs * (384 + 2));
    w.ue(0); // first_mb_in_slice
    w.ue(7); // slice_type: I (all slices of the picture)
    w.ue(0); // pic_parameter_set_id
    w.bits(0, LOG2_MAX_FRAME_NUM); // frame_num
    w.ue(0); // idr_pic_id
    w.flag(false); // no_output_of_prior_pics_flag
    w.flag(false); // long_term_reference_flag
    w.se(0); // slice_qp_delta
    w.ue(1); // disable_deblocking_filter_idc: off

    let planes = Planes::new(frame);
    let mut samples = [0u8; 384];
    for mb_y in 0..geometry.mbs_high {
        for mb_x in 0..geometry.mbs_wide {
            planes.macroblock(mb_x, mb_y, &mut samples);
            w.ue(MB_TYPE_I_PCM);
            w.align_with_zeros(); // pcm_alignment_zero_bit
            w.bytes(&samples);
        }
    }
    w.finish_rbsp()
}

/// A P picture in which every macroblock is skipped (a copy of the previous one).
fn skip_rbsp(frame_num: u32, geometry: &Geometry) -> Vec<u8> {
    let mut w = BitWriter::with_capacity(16);
    w.ue(0); // first_mb_in_slice
    w.ue(5); // slice_type: P (all slices of the picture)
    w.ue(0); // pic_parameter_set_id
    w.bits(u64::from(frame_num % MAX_FRAME_NUM), LOG2_MAX_FRAME_NUM); // frame_num
    w.flag(false); // num_ref_idx_active_override_flag
    w.flag(false); // ref_pic_list_modification_flag_l0
    w.flag(false); // adaptive_ref_pic_marking_mode_flag
    w.se(0); // slice_qp_delta
    w.ue(1); // disable_deblocking_filter_idc: off
    w.ue(geometry.total_mbs()); // mb_skip_run: the whole picture
    w.finish_rbsp()
}

/// Read access to a frame's planes with edge replication beyond its size.
struct Planes<'a> {
    frame: &'a Frame,
    chroma_width: usize,
    chroma_height: usize,
}

impl<'a> Planes<'a> {
    fn new(frame: &'a Frame) -> Self {
        Self {
            frame,
            chroma_width: frame.width.div_ceil(2) as usize,
            chroma_height: frame.height.div_ceil(2) as usize,
        }
    }

    /// The 256 luma, 64 Cb and 64 Cr samples of a macroblock, raster order.
    fn macroblock(&self, mb_x: u32, mb_y: u32, out: &mut [u8; 384]) {
        let (luma, chroma) = out.split_at_mut(256);
        let (cb, cr) = chroma.split_at_mut(64);
        let (x0, y0) = (mb_x as usize * 16, mb_y as usize * 16);
        let (w, h) = (self.frame.width as usize, self.frame.height as usize);
        copy_block(&self.frame.y, w, h, x0, y0, 16, luma);
        let (cw, ch) = (self.chroma_width, self.chroma_height);
        copy_block(&self.frame.cb, cw, ch, x0 / 2, y0 / 2, 8, cb);
        copy_block(&self.frame.cr, cw, ch, x0 / 2, y0 / 2, 8, cr);
    }
}

/// Copies a `size × size` block at (`x0`, `y0`) of a `width × height` plane,
/// replicating the last row/column past the edges.
fn copy_block(
    plane: &[u8],
    width: usize,
    height: usize,
    x0: usize,
    y0: usize,
    size: usize,
    out: &mut [u8],
) {
    let last_x = width.saturating_sub(1);
    let last_y = height.saturating_sub(1);
    for (dy, out_row) in out.chunks_exact_mut(size).enumerate() {
        let row_start = (y0 + dy).min(last_y) * width;
        let row = plane.get(row_start..row_start + width).unwrap_or(&[]);
        for (dx, sample) in out_row.iter_mut().enumerate() {
            *sample = row
                .get((x0 + dx).min(last_x))
                .copied()
                .unwrap_or(128)
                .max(1);
        }
    }
}

// ---------------------------------------------------------------------------
// MP4 (ISO BMFF) container.

fn push_sample(payload: &mut Vec<u8>, sizes: &mut Vec<u32>, nal: &[u8]) -> Result<(), VideoError> {
    let nal_len = u32::try_from(nal.len()).map_err(|_| VideoError::TooLarge)?;
    payload.extend_from_slice(&nal_len.to_be_bytes());
    payload.extend_from_slice(nal);
    sizes.push(nal_len.checked_add(4).ok_or(VideoError::TooLarge)?);
    Ok(())
}

fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_be_bytes());
}

/// A box: 32-bit size, type, then whatever `body` writes.
fn mp4_box(out: &mut Vec<u8>, kind: &[u8; 4], body: impl FnOnce(&mut Vec<u8>)) {
    let start = out.len();
    put_u32(out, 0);
    out.extend_from_slice(kind);
    body(out);
    let size = u32::try_from(out.len() - start).unwrap_or(u32::MAX);
    if let Some(slot) = out.get_mut(start..start + 4) {
        slot.copy_from_slice(&size.to_be_bytes());
    }
}

/// A full box: a box whose body starts with version and flags.
fn full_box(
    out: &mut Vec<u8>,
    kind: &[u8; 4],
    version: u8,
    flags: u32,
    body: impl FnOnce(&mut Vec<u8>),
) {
    mp4_box(out, kind, |out| {
        put_u32(out, (u32::from(version) << 24) | (flags & 0x00FF_FFFF));
        body(out);
    });
}

const UNITY_MATRIX: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];
/// Movie timescale (mvhd/tkhd): milliseconds.
const MOVIE_TIMESCALE: u32 = 1000;
/// Media ticks per frame; the media timescale is `fps × TICKS_PER_FRAME`
/// (12 288 at 24 fps, as ffmpeg writes), so durations are exact.
const TICKS_PER_FRAME: u32 = 512;

fn write_ftyp(out: &mut Vec<u8>) {
    mp4_box(out, b"ftyp", |out| {
        out.extend_from_slice(b"isom");
        put_u32(out, 0x200); // minor_version
        for brand in [b"isom", b"iso2", b"avc1", b"mp41"] {
            out.extend_from_slice(brand);
        }
    });
}

/// Writes `moov`; returns the position in `out` of the single `stco` entry,
/// to be patched once the `mdat` position is known.
fn write_moov(
    out: &mut Vec<u8>,
    spec: &VideoSpec,
    geometry: &Geometry,
    sps: &[u8],
    pps: &[u8],
    sample_sizes: &[u32],
) -> usize {
    let mut stco_entry = 0;
    let movie_duration = spec.duration_secs * MOVIE_TIMESCALE;
    let media_timescale = spec.fps * TICKS_PER_FRAME;
    let media_duration = spec.frame_count() * TICKS_PER_FRAME;
    let sample_count = u32::try_from(sample_sizes.len()).unwrap_or(u32::MAX);
    mp4_box(out, b"moov", |out| {
        full_box(out, b"mvhd", 0, 0, |out| {
            put_u32(out, 0); // creation_time
            put_u32(out, 0); // modification_time
            put_u32(out, MOVIE_TIMESCALE);
            put_u32(out, movie_duration);
            put_u32(out, 0x0001_0000); // rate 1.0
            put_u16(out, 0x0100); // volume 1.0
            out.extend_from_slice(&[0; 10]); // reserved
            UNITY_MATRIX.iter().for_each(|&v| put_u32(out, v));
            out.extend_from_slice(&[0; 24]); // pre_defined
            put_u32(out, 2); // next_track_ID
        });
        mp4_box(out, b"trak", |out| {
            full_box(out, b"tkhd", 0, 0x3, |out| {
                // flags: track_enabled | track_in_movie
                put_u32(out, 0); // creation_time
                put_u32(out, 0); // modification_time
                put_u32(out, 1); // track_ID
                put_u32(out, 0); // reserved
                put_u32(out, movie_duration);
                out.extend_from_slice(&[0; 8]); // reserved
                put_u16(out, 0); // layer
                put_u16(out, 0); // alternate_group
                put_u16(out, 0); // volume (video)
                put_u16(out, 0); // reserved
                UNITY_MATRIX.iter().for_each(|&v| put_u32(out, v));
                put_u32(out, spec.width << 16); // width, 16.16
                put_u32(out, spec.height << 16); // height, 16.16
            });
            mp4_box(out, b"mdia", |out| {
                full_box(out, b"mdhd", 0, 0, |out| {
                    put_u32(out, 0); // creation_time
                    put_u32(out, 0); // modification_time
                    put_u32(out, media_timescale);
                    put_u32(out, media_duration);
                    put_u16(out, 0x55C4); // language "und"
                    put_u16(out, 0); // pre_defined
                });
                full_box(out, b"hdlr", 0, 0, |out| {
                    put_u32(out, 0); // pre_defined
                    out.extend_from_slice(b"vide");
                    out.extend_from_slice(&[0; 12]); // reserved
                    out.extend_from_slice(b"VideoHandler\0");
                });
                mp4_box(out, b"minf", |out| {
                    full_box(out, b"vmhd", 0, 1, |out| {
                        out.extend_from_slice(&[0; 8]); // graphicsmode, opcolor
                    });
                    mp4_box(out, b"dinf", |out| {
                        full_box(out, b"dref", 0, 0, |out| {
                            put_u32(out, 1); // entry_count
                            full_box(out, b"url ", 0, 1, |_| {}); // media in this file
                        });
                    });
                    mp4_box(out, b"stbl", |out| {
                        full_box(out, b"stsd", 0, 0, |out| {
                            put_u32(out, 1); // entry_count
                            write_avc1(out, spec, geometry, sps, pps);
                        });
                        full_box(out, b"stts", 0, 0, |out| {
                            put_u32(out, 1); // entry_count
                            put_u32(out, sample_count);
                            put_u32(out, TICKS_PER_FRAME);
                        });
                        full_box(out, b"stss", 0, 0, |out| {
                            put_u32(out, 1); // entry_count
                            put_u32(out, 1); // only the IDR picture is a sync sample
                        });
                        full_box(out, b"stsc", 0, 0, |out| {
                            put_u32(out, 1); // entry_count
                            put_u32(out, 1); // first_chunk
                            put_u32(out, sample_count); // samples_per_chunk
                            put_u32(out, 1); // sample_description_index
                        });
                        full_box(out, b"stsz", 0, 0, |out| {
                            put_u32(out, 0); // sample_size: see table
                            put_u32(out, sample_count);
                            sample_sizes.iter().for_each(|&size| put_u32(out, size));
                        });
                        full_box(out, b"stco", 0, 0, |out| {
                            put_u32(out, 1); // entry_count
                            stco_entry = out.len();
                            put_u32(out, 0); // chunk_offset, patched later
                        });
                    });
                });
            });
        });
    });
    stco_entry
}

fn write_avc1(out: &mut Vec<u8>, spec: &VideoSpec, geometry: &Geometry, sps: &[u8], pps: &[u8]) {
    mp4_box(out, b"avc1", |out| {
        out.extend_from_slice(&[0; 6]); // reserved
        put_u16(out, 1); // data_reference_index
        out.extend_from_slice(&[0; 16]); // pre_defined, reserved, pre_defined[3]
        put_u16(out, u16::try_from(spec.width).unwrap_or(u16::MAX));
        put_u16(out, u16::try_from(spec.height).unwrap_or(u16::MAX));
        put_u32(out, 0x0048_0000); // horizresolution 72 dpi
        put_u32(out, 0x0048_0000); // vertresolution 72 dpi
        put_u32(out, 0); // reserved
        put_u16(out, 1); // frame_count
        let mut compressor = [0u8; 32];
        let name = b"runcomfy-emulator";
        compressor[0] = name.len() as u8;
        if let Some(slot) = compressor.get_mut(1..=name.len()) {
            slot.copy_from_slice(name);
        }
        out.extend_from_slice(&compressor);
        put_u16(out, 0x0018); // depth
        put_u16(out, 0xFFFF); // pre_defined = -1
        mp4_box(out, b"avcC", |out| {
            out.push(1); // configurationVersion
            out.push(PROFILE_BASELINE);
            out.push(CONSTRAINT_FLAGS); // profile_compatibility
            out.push(geometry.level_idc);
            out.push(0xFC | 3); // lengthSizeMinusOne = 3
            out.push(0xE0 | 1); // one SPS
            put_u16(out, u16::try_from(sps.len()).unwrap_or(u16::MAX));
            out.extend_from_slice(sps);
            out.push(1); // one PPS
            put_u16(out, u16::try_from(pps.len()).unwrap_or(u16::MAX));
            out.extend_from_slice(pps);
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits_of(write: impl FnOnce(&mut BitWriter)) -> String {
        let mut w = BitWriter::with_capacity(8);
        write(&mut w);
        let mut text: String = w.bytes.iter().map(|b| format!("{b:08b}")).collect();
        for shift in (0..w.filled).rev() {
            text.push(if (w.current >> shift) & 1 == 1 {
                '1'
            } else {
                '0'
            });
        }
        text
    }

    #[test]
    fn exp_golomb_codes() {
        assert_eq!(bits_of(|w| w.ue(0)), "1");
        assert_eq!(bits_of(|w| w.ue(1)), "010");
        assert_eq!(bits_of(|w| w.ue(2)), "011");
        assert_eq!(bits_of(|w| w.ue(25)), "000011010");
        assert_eq!(bits_of(|w| w.se(0)), "1");
        assert_eq!(bits_of(|w| w.se(1)), "010");
        assert_eq!(bits_of(|w| w.se(-1)), "011");
        assert_eq!(bits_of(|w| w.ue(u32::MAX)).len(), 65);
    }

    #[test]
    fn emulation_prevention() {
        assert_eq!(nal_unit(0x41, &[0, 0, 1, 5]), [0x41, 0, 0, 3, 1, 5]);
        assert_eq!(
            nal_unit(0x41, &[0, 0, 0, 0, 0]),
            [0x41, 0, 0, 3, 0, 0, 3, 0, 3]
        );
        assert_eq!(
            nal_unit(0x41, &[0, 0, 4, 0, 0, 3]),
            [0x41, 0, 0, 4, 0, 0, 3, 3]
        );
        assert_eq!(nal_unit(0x41, &[1, 0, 2, 0, 0]), [0x41, 1, 0, 2, 0, 0, 3]);
    }

    #[test]
    fn levels() {
        assert_eq!(pick_level(20, 12, 24), 30);
        assert_eq!(pick_level(80, 45, 30), 31);
        assert_eq!(pick_level(120, 68, 30), 40);
        assert_eq!(pick_level(256, 1, 1), 40); // sqrt(8 × MaxFS) ≥ 256
        assert_eq!(pick_level(256, 256, 60), 60);
    }
}
