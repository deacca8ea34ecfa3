//! The media rules end to end, through [`Validator::validate_media`] and
//! [`Validator::warnings`]: each rule on images, videos (real MP4s made by
//! `ffmpeg`) and audio, from `data:` URIs, local files and HTTP servers on
//! 127.0.0.1; arrays judged item by item; references of the wrong kind;
//! unknown rules and unvalidated inputs as warnings. One test binary, so
//! that the suite links once.
//!
//! [`Validator::validate_media`]: runcomfy_validate::Validator::validate_media
//! [`Validator::warnings`]: runcomfy_validate::Validator::warnings

#[path = "../support/loopback.rs"]
#[allow(dead_code)]
mod loopback;
#[path = "../support/models.rs"]
#[allow(dead_code)]
mod models;
mod schema;
#[path = "../support/servers.rs"]
mod servers;
mod videos;

mod arrays;
mod audio;
mod images;
mod kinds;
mod video_rules;
mod warnings;
