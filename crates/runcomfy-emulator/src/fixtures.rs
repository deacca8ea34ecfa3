//! Inputs for tests against the emulator: images whose header says a size,
//! which is all the media rules (and the emulator) read. They live in
//! `runcomfy-validate` (whose tests use them too); here for users' own
//! offline tests of the emulator.

pub use runcomfy_validate::fixtures::{png_data_uri, png_header};

#[cfg(test)]
mod tests {
    #[test]
    fn the_header_says_the_size() {
        let size = imagesize_of(&super::png_header(1280, 720));
        assert_eq!(size, (1280, 720));
    }

    fn imagesize_of(bytes: &[u8]) -> (u32, u32) {
        (
            u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]),
            u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]),
        )
    }
}
