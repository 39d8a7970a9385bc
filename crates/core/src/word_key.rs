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

/// A run of ASCII letters: where it ends, and whether it has a lowercase letter
/// and a capital.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LetterRun {
    pub(crate) end: usize,
    pub(crate) lowercase: bool,
    pub(crate) capital: bool,
}

/// The run of ASCII letters from `start`, read no further than `end`; eight bytes
/// at a time, since most words end within the first eight, with no branch per
/// letter. The word scans of `entities` and `events` both read words this way.
#[inline(always)]
pub(crate) fn ascii_letters(bytes: &[u8], start: usize, end: usize) -> LetterRun {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut at = start;
    let (mut lowercase, mut capital) = (false, false);
    while at + 8 <= end {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(&bytes[at..at + 8]);
        let word = u64::from_le_bytes(chunk);
        // ASCII letters with `| 0x20` are `a` to `z`: per byte, the high bit is set
        // when the low seven bits are at least `a` and not past `z`, and the byte is
        // ASCII. No carry crosses bytes (0x7f + 0x1f < 0x100).
        let folded = (word | (ONES * 0x20)) & !HIGH;
        let at_least_a = folded + ONES * 0x1f;
        let past_z = folded + ONES * 0x05;
        let letters = at_least_a & !past_z & !word & HIGH;
        // A lowercase letter has bit 0x20 set; shifted by two, it lands on the high bit.
        let lower = letters & (word << 2);
        let upper = letters & !(word << 2);
        let others = !letters & HIGH;
        if others != 0 {
            let length = others.trailing_zeros() / 8;
            let within = (1u64 << (length * 8)) - 1;
            return LetterRun {
                end: at + length as usize,
                lowercase: lowercase || lower & within != 0,
                capital: capital || upper & within != 0,
            };
        }
        lowercase |= lower != 0;
        capital |= upper != 0;
        at += 8;
    }
    while at < end && bytes[at].is_ascii_alphabetic() {
        // ASCII capitals sort before lowercase letters.
        capital |= bytes[at] < b'a';
        lowercase |= bytes[at] >= b'a';
        at += 1;
    }
    LetterRun { end: at, lowercase, capital }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_runs_end_at_the_first_non_letter_and_say_their_cases() {
        let run = |text: &str| ascii_letters(text.as_bytes(), 0, text.len());
        let found = |end, lowercase, capital| LetterRun { end, lowercase, capital };
        assert_eq!(run("Netflix's"), found(7, true, true));
        assert_eq!(run("FTC said"), found(3, false, true));
        assert_eq!(run("abcdefghijklmnopQ"), found(17, true, true));
        assert_eq!(run("ABCDEFGHIJ"), found(10, false, true));
        assert_eq!(run("café"), found(3, true, false));
        assert_eq!(run("1a"), found(0, false, false));
        assert_eq!(run("[`{@Zz"), found(0, false, false));
        // Not past `end`.
        assert_eq!(ascii_letters(b"abcdefghijkl", 0, 9), found(9, true, false));
    }
}
