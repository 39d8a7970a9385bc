//! A short word as two integers, for the word tables of `entities` and `events`:
//! a lookup compares two integers rather than hashing and comparing bytes.

/// A word of fewer than `MAX_BYTES` bytes: its bytes, padded with zeros, and its
/// length in the last byte.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct WordKey(u64, u64);

impl WordKey {
    /// Words this long or longer have no key (a table keeps them otherwise).
    pub(crate) const MAX_BYTES: usize = 16;
    /// No word: every key has a length.
    pub(crate) const EMPTY: WordKey = WordKey(0, 0);
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;

    /// `word` must be shorter than `MAX_BYTES`.
    pub(crate) fn of(word: &[u8]) -> WordKey {
        let length = word.len().min(Self::MAX_BYTES - 1);
        let (low, high) = word[..length].split_at(length.min(8));
        WordKey(load(low), load(high) | (length as u64) << 56)
    }

    /// Whether the word is ASCII.
    pub(crate) fn is_ascii(self) -> bool {
        // The length, in the last byte, is below 0x80.
        (self.0 | self.1) & Self::HIGH == 0
    }

    /// The key of the word lowercased, for an ASCII word: each capital gains the
    /// bit 0x20, eight letters at a time.
    pub(crate) fn ascii_lowercase(self) -> WordKey {
        let lower = |half: u64| {
            // Per byte, the high bit is set when the low seven bits are at least `A`
            // and not past `Z`, and the byte is ASCII (the length byte is below `A`).
            let seven = half & !Self::HIGH;
            let capitals =
                (seven + Self::ONES * (0x80 - 0x41)) & !(seven + Self::ONES * (0x80 - 0x5b)) & !half;
            half | ((capitals & Self::HIGH) >> 2)
        };
        WordKey(lower(self.0), lower(self.1))
    }

    /// A hash of the key whose high bits are well mixed: tables take their slot
    /// (and tag) from them.
    pub(crate) fn hash(self) -> u64 {
        (self.0 ^ self.1.rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

/// Up to eight bytes as an integer, in a few loads rather than a loop: two that
/// overlap for four bytes or more, three single bytes for fewer.
fn load(bytes: &[u8]) -> u64 {
    let length = bytes.len();
    if length >= 4 {
        let four =
            |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default()));
        four(0) | four(length - 4) << ((length - 4) * 8)
    } else if length > 0 {
        let byte = |at: usize| u64::from(bytes[at]) << (at * 8);
        byte(0) | byte(length / 2) | byte(length - 1)
    } else {
        0
    }
}
