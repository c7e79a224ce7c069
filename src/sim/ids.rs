//! Deterministic ids and pseudo-random numbers.
//!
//! Every id the simulator hands out and every "random" outcome it draws comes from a hash of
//! the workspace seed and a key naming the thing (run sequence, case, sample, number), so the
//! same seed and the same sequence of requests always give the same answers.

/// Length of a Hamming id: `c` followed by 24 base-36 characters, like a cuid.
pub const ID_LEN: usize = 25;

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Mixes a 64-bit value (splitmix64's finaliser); good avalanche, no state.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hashes a seed and a sequence of key parts into 64 bits.
pub fn hash(seed: u64, parts: &[&str]) -> u64 {
    let mut h = mix(seed);
    for part in parts {
        for byte in part.as_bytes() {
            h = mix(h ^ u64::from(*byte));
        }
        // A separator keeps ["ab", "c"] and ["a", "bc"] apart.
        h = mix(h ^ 0xff);
    }
    h
}

/// A uniform number in `[0, 1)` derived from the seed and the key.
pub fn unit(seed: u64, parts: &[&str]) -> f64 {
    // The top 53 bits fill an f64 mantissa exactly.
    (hash(seed, parts) >> 11) as f64 / (1u64 << 53) as f64
}

/// A 25-character lowercase cuid-like id derived from the seed and the key.
pub fn derive(seed: u64, parts: &[&str]) -> String {
    let mut id = String::with_capacity(ID_LEN);
    id.push('c');
    let first = hash(seed, parts);
    // 36^12 < 2^64, so each 64-bit hash yields 12 independent base-36 digits.
    for mut state in [first, mix(first ^ 0x5bd1_e995)] {
        for _ in 0..12 {
            id.push(char::from(ALPHABET[(state % 36) as usize]));
            state /= 36;
        }
    }
    id
}

/// Whether a string has the shape of a Hamming id (used to look a seeded tag up by id).
pub fn looks_like_id(s: &str) -> bool {
    s.len() == ID_LEN
        && s.starts_with('c')
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_cuid_shaped_and_deterministic() {
        let a = derive(7, &["run", "1"]);
        assert_eq!(a.len(), ID_LEN);
        assert!(looks_like_id(&a), "{a}");
        assert_eq!(a, derive(7, &["run", "1"]));
        assert_ne!(a, derive(7, &["run", "2"]));
        assert_ne!(a, derive(8, &["run", "1"]));
    }

    #[test]
    fn key_parts_are_separated() {
        assert_ne!(hash(1, &["ab", "c"]), hash(1, &["a", "bc"]));
    }

    #[test]
    fn unit_stays_in_range() {
        for i in 0..1000 {
            let u = unit(3, &["x", &i.to_string()]);
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn looks_like_id_rejects_names() {
        assert!(looks_like_id("cmc220l4i00zsgn0gvqkvpvxh"));
        assert!(!looks_like_id("smoke-test"));
        assert!(!looks_like_id("Cmc220l4i00zsgn0gvqkvpvxh"));
    }
}
