//! `runcomfy gallery`: one self-contained HTML page of a batch's results.
//!
//! Made only from journals and the files they name, so it can be made again
//! at any time, also for a batch that was killed: `sources` finds the
//! journals and their inputs, `read` turns each line into a card (`card`,
//! its media in `files`, a video's poster in `poster`), `page` writes the HTML (every text through
//! `escape`), `write` replaces the page atomically; `command` is the
//! command, `live` the page `batch --gallery` keeps current.

mod args;
mod card;
mod command;
mod escape;
mod files;
mod live;
mod page;
mod poster;
mod read;
mod sources;
mod write;

pub(crate) use args::GalleryArgs;
pub(crate) use command::gallery;
pub(crate) use live::LivePage;
