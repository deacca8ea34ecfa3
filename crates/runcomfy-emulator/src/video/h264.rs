//! The H.264 Constrained Baseline stream of a video: the macroblock
//! geometry and level, the SPS and PPS, the `I_PCM` IDR picture and the
//! all-skip P pictures.

use crate::video::bits::{BitWriter, nal_unit};
use crate::video::frame::Frame;
use crate::video::spec::VideoSpec;

const NAL_NON_IDR: u8 = 0x41; // nal_ref_idc 2, type 1 (non-IDR slice)
const NAL_IDR: u8 = 0x65; // nal_ref_idc 3, type 5 (IDR slice)
const NAL_SPS: u8 = 0x67; // nal_ref_idc 3, type 7
const NAL_PPS: u8 = 0x68; // nal_ref_idc 3, type 8
/// `profile_idc` of the stream (Baseline), also written in the MP4 `avcC`.
pub(crate) const PROFILE_BASELINE: u8 = 66;
/// constraint_set0_flag and constraint_set1_flag: Constrained Baseline.
pub(crate) const CONSTRAINT_FLAGS: u8 = 0xC0;
const LOG2_MAX_FRAME_NUM: u32 = 4;
const MAX_FRAME_NUM: u32 = 1 << LOG2_MAX_FRAME_NUM;
const MB_TYPE_I_PCM: u32 = 25;

/// A coded video: its parameter sets and one NAL unit per picture.
pub(crate) struct Stream {
    /// `level_idc` of the stream, also written in the MP4 `avcC`.
    pub(crate) level_idc: u8,
    /// The sequence parameter set, as a NAL unit.
    pub(crate) sps: Vec<u8>,
    /// The picture parameter set, as a NAL unit.
    pub(crate) pps: Vec<u8>,
    idr: Vec<u8>,
    /// Only 2^LOG2_MAX_FRAME_NUM distinct skip pictures exist; each is built once.
    skips: Vec<Vec<u8>>,
    frames: u32,
}

impl Stream {
    /// Codes `spec.frame_count()` pictures of `frame`: the IDR picture, then
    /// skip pictures. `spec` must be valid and `frame` of its size.
    pub(crate) fn encode(spec: &VideoSpec, frame: &Frame) -> Self {
        let geometry = Geometry::new(spec);
        Self {
            level_idc: geometry.level_idc,
            sps: nal_unit(NAL_SPS, &sps_rbsp(spec, &geometry)),
            pps: nal_unit(NAL_PPS, &pps_rbsp()),
            idr: nal_unit(NAL_IDR, &idr_rbsp(frame, &geometry)),
            skips: (0..MAX_FRAME_NUM)
                .map(|frame_num| nal_unit(NAL_NON_IDR, &skip_rbsp(frame_num, &geometry)))
                .collect(),
            frames: spec.frame_count(),
        }
    }

    /// The NAL unit of each picture, in decoding order.
    pub(crate) fn pictures(&self) -> impl Iterator<Item = &[u8]> {
        let skips = (1..self.frames).map(|index| {
            self.skips
                .get((index % MAX_FRAME_NUM) as usize)
                .map_or(&[][..], Vec::as_slice)
        });
        std::iter::once(self.idr.as_slice()).chain(skips)
    }
}

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
    // (level_idc, MaxFS, MaxMBPS), a row per major level as Table A-1 groups them.
    #[rustfmt::skip]
    const LEVELS: [[(u8, u64, u64); 3]; 4] = [
        [(30, 1_620, 40_500), (31, 3_600, 108_000), (32, 5_120, 216_000)],
        [(40, 8_192, 245_760), (41, 8_192, 245_760), (42, 8_704, 522_240)],
        [(50, 22_080, 589_824), (51, 36_864, 983_040), (52, 36_864, 2_073_600)],
        [(60, 139_264, 4_177_920), (61, 139_264, 8_355_840), (62, 139_264, 16_711_680)],
    ];
    let frame_mbs = u64::from(mbs_wide) * u64::from(mbs_high);
    let widest = u64::from(mbs_wide.max(mbs_high));
    LEVELS
        .iter()
        .flatten()
        .find(|&&(_, max_fs, max_mbps)| {
            frame_mbs <= max_fs
                && widest * widest <= 8 * max_fs
                && frame_mbs * u64::from(fps) <= max_mbps
        })
        .map_or(62, |&(level, _, _)| level)
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
            chroma_width: frame.width().div_ceil(2) as usize,
            chroma_height: frame.height().div_ceil(2) as usize,
        }
    }

    /// The 256 luma, 64 Cb and 64 Cr samples of a macroblock, raster order.
    fn macroblock(&self, mb_x: u32, mb_y: u32, out: &mut [u8; 384]) {
        let (luma, chroma) = out.split_at_mut(256);
        let (cb, cr) = chroma.split_at_mut(64);
        let (x0, y0) = (mb_x as usize * 16, mb_y as usize * 16);
        let (w, h) = (self.frame.width() as usize, self.frame.height() as usize);
        let [y_plane, cb_plane, cr_plane] = self.frame.planes();
        copy_block(y_plane, w, h, x0, y0, 16, luma);
        let (cw, ch) = (self.chroma_width, self.chroma_height);
        copy_block(cb_plane, cw, ch, x0 / 2, y0 / 2, 8, cb);
        copy_block(cr_plane, cw, ch, x0 / 2, y0 / 2, 8, cr);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(pick_level(20, 12, 24), 30);
        assert_eq!(pick_level(80, 45, 30), 31);
        assert_eq!(pick_level(120, 68, 30), 40);
        assert_eq!(pick_level(256, 1, 1), 40); // sqrt(8 × MaxFS) ≥ 256
        assert_eq!(pick_level(256, 256, 60), 60);
    }
}
