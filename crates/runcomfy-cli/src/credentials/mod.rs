//! Where a command's token comes from: `RUNCOMFY_API_TOKEN`, then
//! `RUNCOMFY_TOKEN`, then the token file of the provider's own CLI
//! (`token_file`), chosen in `source`. The file is only ever read.

pub(crate) mod source;
pub(crate) mod token_file;
