//! The bit-level writing of H.264 syntax: a most-significant-bit-first
//! writer with Exp-Golomb codes, and NAL units with emulation prevention.

/// Writes bits MSB-first.
pub(crate) struct BitWriter {
    bytes: Vec<u8>,
    current: u8,
    filled: u32,
}

impl BitWriter {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(capacity),
            current: 0,
            filled: 0,
        }
    }

    pub(crate) fn bit(&mut self, bit: bool) {
        self.current = (self.current << 1) | u8::from(bit);
        self.filled += 1;
        if self.filled == 8 {
            self.bytes.push(self.current);
            self.current = 0;
            self.filled = 0;
        }
    }

    /// `u(n)`, `count` ≤ 64.
    pub(crate) fn bits(&mut self, value: u64, count: u32) {
        for shift in (0..count.min(64)).rev() {
            self.bit((value >> shift) & 1 == 1);
        }
    }

    pub(crate) fn flag(&mut self, bit: bool) {
        self.bit(bit);
    }

    /// `ue(v)`: Exp-Golomb.
    pub(crate) fn ue(&mut self, value: u32) {
        let code = u64::from(value) + 1;
        let len = 64 - code.leading_zeros();
        self.bits(0, len - 1);
        self.bits(code, len);
    }

    /// `se(v)`: signed Exp-Golomb.
    pub(crate) fn se(&mut self, value: i32) {
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
    pub(crate) fn align_with_zeros(&mut self) {
        while !self.byte_aligned() {
            self.bit(false);
        }
    }

    /// Whole bytes; fast path when byte-aligned.
    pub(crate) fn bytes(&mut self, data: &[u8]) {
        if self.byte_aligned() {
            self.bytes.extend_from_slice(data);
        } else {
            for &byte in data {
                self.bits(u64::from(byte), 8);
            }
        }
    }

    /// `rbsp_trailing_bits()` and the finished RBSP.
    pub(crate) fn finish_rbsp(mut self) -> Vec<u8> {
        self.bit(true);
        self.align_with_zeros();
        self.bytes
    }
}

/// A NAL unit: header byte, then the RBSP with emulation prevention bytes.
pub(crate) fn nal_unit(header: u8, rbsp: &[u8]) -> Vec<u8> {
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
}
