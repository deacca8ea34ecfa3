//! What a job outputs and the files of outputs other than videos (which
//! `video/` writes): `asked` reads what an input asks of its output (with
//! its schema's defaults, whatever the fields are called), `plan` decides
//! the job's files ([`Render`]), `image_size` sizes an image from an
//! aspect ratio and a resolution, `still` writes images (PNG, JPEG or
//! WebP) and `wav` audio.
//!
//! Imports go one way: `plan` reads `asked`, `image_size`, `still` and
//! `wav`; `asked` and `still` read `image_size`; `image_size` and `wav`
//! import nothing here.

mod asked;
mod image_size;
mod plan;
mod still;
mod wav;

pub(crate) use asked::asked;
pub(crate) use plan::{Picture, Render};
#[cfg(test)]
pub(crate) use still::StillFormat;
pub(crate) use still::{StillError, render_still};
pub(crate) use wav::{WavError, render_wav};
