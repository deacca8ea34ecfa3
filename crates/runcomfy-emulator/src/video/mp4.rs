//! The ISO BMFF (MP4) container of a video: `ftyp`, then `moov` (with the
//! `avc1` sample entry), then one `mdat` chunk holding every picture.

use crate::video::h264::{CONSTRAINT_FLAGS, PROFILE_BASELINE, Stream};
use crate::video::spec::{VideoError, VideoSpec};

const UNITY_MATRIX: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];
/// Movie timescale (mvhd/tkhd): milliseconds.
const MOVIE_TIMESCALE: u32 = 1000;
/// Media ticks per frame; the media timescale is `fps × TICKS_PER_FRAME`
/// (12 288 at 24 fps, as ffmpeg writes), so durations are exact.
const TICKS_PER_FRAME: u32 = 512;

/// The MP4 file of `stream`: `ftyp`, `moov`, then `mdat` with one sample per
/// picture, `moov` first so that a partial download is already identifiable.
pub(crate) fn write(spec: &VideoSpec, stream: &Stream) -> Result<Vec<u8>, VideoError> {
    // mdat payload: 4-byte length-prefixed NAL units, one sample per frame.
    let payload_len = stream.pictures().map(|nal| 4 + nal.len()).sum();
    let mut payload = Vec::with_capacity(payload_len);
    let mut sample_sizes: Vec<u32> = Vec::with_capacity(spec.frame_count() as usize);
    for nal in stream.pictures() {
        push_sample(&mut payload, &mut sample_sizes, nal)?;
    }

    let mut out = Vec::with_capacity(payload.len() + 1024 + sample_sizes.len() * 4);
    write_ftyp(&mut out);
    let stco_entry = write_moov(&mut out, spec, stream, &sample_sizes);
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
fn write_moov(out: &mut Vec<u8>, spec: &VideoSpec, stream: &Stream, sample_sizes: &[u32]) -> usize {
    let mut stco_entry = 0;
    mp4_box(out, b"moov", |out| {
        write_mvhd(out, spec);
        mp4_box(out, b"trak", |out| {
            write_tkhd(out, spec);
            mp4_box(out, b"mdia", |out| {
                write_mdhd_and_hdlr(out, spec);
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
                    stco_entry = write_stbl(out, spec, stream, sample_sizes);
                });
            });
        });
    });
    stco_entry
}

fn write_mvhd(out: &mut Vec<u8>, spec: &VideoSpec) {
    full_box(out, b"mvhd", 0, 0, |out| {
        put_u32(out, 0); // creation_time
        put_u32(out, 0); // modification_time
        put_u32(out, MOVIE_TIMESCALE);
        put_u32(out, spec.duration_secs * MOVIE_TIMESCALE);
        put_u32(out, 0x0001_0000); // rate 1.0
        put_u16(out, 0x0100); // volume 1.0
        out.extend_from_slice(&[0; 10]); // reserved
        UNITY_MATRIX.iter().for_each(|&v| put_u32(out, v));
        out.extend_from_slice(&[0; 24]); // pre_defined
        put_u32(out, 2); // next_track_ID
    });
}

fn write_tkhd(out: &mut Vec<u8>, spec: &VideoSpec) {
    full_box(out, b"tkhd", 0, 0x3, |out| {
        // flags: track_enabled | track_in_movie
        put_u32(out, 0); // creation_time
        put_u32(out, 0); // modification_time
        put_u32(out, 1); // track_ID
        put_u32(out, 0); // reserved
        put_u32(out, spec.duration_secs * MOVIE_TIMESCALE);
        out.extend_from_slice(&[0; 8]); // reserved
        put_u16(out, 0); // layer
        put_u16(out, 0); // alternate_group
        put_u16(out, 0); // volume (video)
        put_u16(out, 0); // reserved
        UNITY_MATRIX.iter().for_each(|&v| put_u32(out, v));
        put_u32(out, spec.width << 16); // width, 16.16
        put_u32(out, spec.height << 16); // height, 16.16
    });
}

fn write_mdhd_and_hdlr(out: &mut Vec<u8>, spec: &VideoSpec) {
    full_box(out, b"mdhd", 0, 0, |out| {
        put_u32(out, 0); // creation_time
        put_u32(out, 0); // modification_time
        put_u32(out, spec.fps * TICKS_PER_FRAME); // timescale
        put_u32(out, spec.frame_count() * TICKS_PER_FRAME); // duration
        put_u16(out, 0x55C4); // language "und"
        put_u16(out, 0); // pre_defined
    });
    full_box(out, b"hdlr", 0, 0, |out| {
        put_u32(out, 0); // pre_defined
        out.extend_from_slice(b"vide");
        out.extend_from_slice(&[0; 12]); // reserved
        out.extend_from_slice(b"VideoHandler\0");
    });
}

/// Writes `stbl`; returns the position in `out` of the single `stco` entry.
fn write_stbl(out: &mut Vec<u8>, spec: &VideoSpec, stream: &Stream, sample_sizes: &[u32]) -> usize {
    let mut stco_entry = 0;
    let sample_count = u32::try_from(sample_sizes.len()).unwrap_or(u32::MAX);
    mp4_box(out, b"stbl", |out| {
        full_box(out, b"stsd", 0, 0, |out| {
            put_u32(out, 1); // entry_count
            write_avc1(out, spec, stream);
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
    stco_entry
}

fn write_avc1(out: &mut Vec<u8>, spec: &VideoSpec, stream: &Stream) {
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
            out.push(stream.level_idc);
            out.push(0xFC | 3); // lengthSizeMinusOne = 3
            out.push(0xE0 | 1); // one SPS
            put_u16(out, u16::try_from(stream.sps.len()).unwrap_or(u16::MAX));
            out.extend_from_slice(&stream.sps);
            out.push(1); // one PPS
            put_u16(out, u16::try_from(stream.pps.len()).unwrap_or(u16::MAX));
            out.extend_from_slice(&stream.pps);
        });
    });
}
