//! Twilio-format SIDs (`CF`, `CA`, `WT`, `PA`… + 32 lowercase hex digits) from a seedable,
//! deterministic generator.

/// SplitMix64 over a seed. Each SID takes two outputs; the first comes from a distinct state of
/// the counter and SplitMix64's finaliser is a bijection, so no two SIDs of one generator share
/// their first 16 hex digits: they are unique, whatever the prefix.
#[derive(Clone, Debug)]
pub(crate) struct SidGen {
    state: u64,
}

impl SidGen {
    /// A generator; the same seed yields the same SIDs in the same order.
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next SID with this two-letter prefix.
    pub(crate) fn next(&mut self, prefix: &str) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        format!("{prefix}{hi:016x}{lo:016x}")
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Whether `s` has the shape of a SID with this prefix.
pub(crate) fn is_sid(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|hex| {
        hex.len() == 32
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn sids_are_twilio_shaped_unique_and_reproducible() {
        let mut a = SidGen::new(7);
        let mut b = SidGen::new(7);
        let mut seen = HashSet::new();
        for _ in 0..1000 {
            let sid = a.next("CA");
            assert!(is_sid(&sid, "CA"), "{sid}");
            assert_eq!(sid, b.next("CA"));
            assert!(seen.insert(sid));
        }
        assert_ne!(SidGen::new(8).next("CF"), SidGen::new(7).next("CF"));
    }
}
