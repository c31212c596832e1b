//! The literal prefilter: every occurrence of every rule trigger, ASCII
//! case-insensitively, in one pass.
//!
//! A hashed bitset of the first three (lower-cased) bytes of the triggers is
//! checked at each position (a bigram bitset for two-byte triggers); only
//! where a trigger can start are the few triggers of that bigram compared.
//! A handful of instructions per byte, and unlike a leftmost search it
//! reports overlapping triggers (`sk` and `sk_live_` at the same place)
//! without bookkeeping.

/// Lower-case ASCII, other bytes unchanged.
const LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).to_ascii_lowercase();
        i += 1;
    }
    t
};

const TRI_BITS: u32 = 17;
const TRI_WORDS: usize = 1 << (TRI_BITS - 6);

#[inline(always)]
fn tri_hash(t: u32) -> usize {
    (t.wrapping_mul(0x9E37_79B1) >> (32 - TRI_BITS)) as usize
}

/// A compiled set of triggers.
pub struct Triggers {
    patterns: Vec<Vec<u8>>,
    /// Bit `hash(b0 b1 b2)` set when a trigger starts with those bytes.
    trigrams: Box<[u64; TRI_WORDS]>,
    /// Bit `b0 << 8 | b1` set when a two-byte trigger is b0 b1.
    short: Box<[u64; 1024]>,
    /// Pattern ids by bigram: `bucket_of[bigram]` is 1 + the bucket index.
    bucket_of: Box<[u16]>,
    buckets: Vec<Vec<usize>>,
}

impl Triggers {
    /// Triggers of at least two bytes (lower-cased here).
    pub fn new(patterns: &[String]) -> Result<Self, String> {
        let patterns: Vec<Vec<u8>> = patterns.iter().map(|p| p.as_bytes().to_ascii_lowercase()).collect();
        let mut trigrams = Box::new([0u64; TRI_WORDS]);
        let mut short = Box::new([0u64; 1024]);
        let mut bucket_of = vec![0u16; 1 << 16].into_boxed_slice();
        let mut buckets: Vec<Vec<usize>> = Vec::new();
        for (id, p) in patterns.iter().enumerate() {
            if p.len() < 2 {
                return Err(format!("trigger {:?} is shorter than two bytes", String::from_utf8_lossy(p)));
            }
            let k = (p[0] as usize) << 8 | p[1] as usize;
            if p.len() == 2 {
                short[k >> 6] |= 1 << (k & 63);
            } else {
                let h = tri_hash((k as u32) << 8 | p[2] as u32);
                trigrams[h >> 6] |= 1 << (h & 63);
            }
            if bucket_of[k] == 0 {
                buckets.push(Vec::new());
                bucket_of[k] = u16::try_from(buckets.len()).map_err(|_| "too many trigger bigrams".to_string())?;
            }
            buckets[bucket_of[k] as usize - 1].push(id);
        }
        Ok(Triggers { patterns, trigrams, short, bucket_of, buckets })
    }

    /// Call `f(pattern, start, end)` for every occurrence, by start.
    #[inline]
    pub fn for_each(&self, text: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let tri: &[u64; TRI_WORDS] = &self.trigrams;
        let short: &[u64; 1024] = &self.short;
        let n = text.len();
        if n < 2 {
            return;
        }
        // `t` holds the lower-cased bytes i, i+1, i+2 (the last one 0 past the end).
        let mut t = (LOWER[text[0] as usize] as u32) << 8 | LOWER[text[1] as usize] as u32;
        for i in 0..n - 1 {
            let next = text.get(i + 2).map_or(0, |b| LOWER[*b as usize] as u32);
            t = (t << 8 | next) & 0x00FF_FFFF;
            let k = (t >> 8) as usize;
            let h = tri_hash(t);
            if tri[(h >> 6) & (TRI_WORDS - 1)] & (1 << (h & 63)) != 0 || short[(k >> 6) & 1023] & (1 << (k & 63)) != 0 {
                self.verify(text, i, k as u16, &mut f);
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn verify(&self, text: &[u8], i: usize, k: u16, f: &mut impl FnMut(usize, usize, usize)) {
        let b = self.bucket_of[k as usize] as usize;
        let Some(ids) = b.checked_sub(1).map(|b| &self.buckets[b]) else {
            return;
        };
        let rest = &text[i + 2..];
        for &id in ids {
            let p = &self.patterns[id];
            let tail = &p[2..];
            if rest.len() >= tail.len() && tail.iter().zip(rest).all(|(a, b)| *a == LOWER[*b as usize]) {
                f(id, i, i + p.len());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_occurrence_case_insensitively() {
        let t = Triggers::new(&["sk".into(), "sk_live_".into(), "key".into(), "-----begin".into()]).unwrap();
        let mut got = Vec::new();
        t.for_each(b"ask SK_LIVE_x monkey -----BEGIN k", |p, s, e| got.push((p, s, e)));
        assert_eq!(got, [(0, 1, 3), (0, 4, 6), (1, 4, 12), (2, 17, 20), (3, 21, 31)]);
        let mut none = Vec::new();
        t.for_each(b"s", |p, s, e| none.push((p, s, e)));
        assert!(none.is_empty());
    }
}
