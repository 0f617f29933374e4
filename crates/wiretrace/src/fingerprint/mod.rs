//! Fingerprint: the keys a text is indexed under. Anchors are winnowed word n-gram hashes (the
//! smallest hash of each window is kept), so any run of `ngram + window - 1` shared words yields a
//! shared anchor while only about 2/(window+1) of the n-grams are kept. Bands are MinHash LSH
//! bands over the same n-grams, so whole near-duplicates meet in a bucket even when every anchor
//! they share is too common to count.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use crate::text::{KeyHasher, Token};

/// Fingerprint parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FingerprintParams {
    /// Words per n-gram.
    pub ngram: usize,
    /// Winnowing window, in n-grams.
    pub window: usize,
    /// MinHash LSH bands, and rows (hash functions) per band. A pair with n-gram Jaccard `j`
    /// meets in some band with probability `1 - (1 - j^rows)^bands`: with 8 × 4, about 0.5 at
    /// j = 0.5 and above 0.98 at j = 0.8.
    pub bands: usize,
    pub rows: usize,
}

impl Default for FingerprintParams {
    fn default() -> Self {
        FingerprintParams {
            ngram: 5,
            window: 4,
            bands: 8,
            rows: 4,
        }
    }
}

/// The keys of one text: its anchors and its LSH bands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    pub anchors: Vec<u64>,
    pub bands: Vec<u64>,
}

impl Keys {
    /// Little-endian bytes, anchors then bands, for storing.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + 8 * (self.anchors.len() + self.bands.len()));
        out.extend_from_slice(&(self.bands.len() as u32).to_le_bytes());
        for x in self.bands.iter().chain(&self.anchors) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    }

    /// The inverse of [`Keys::to_bytes`]; `None` for bytes it did not write.
    pub fn from_bytes(bytes: &[u8]) -> Option<Keys> {
        let n_bands = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let rest = &bytes[4..];
        if rest.len() % 8 != 0 || rest.len() / 8 < n_bands {
            return None;
        }
        let mut all = rest
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()));
        let bands = all.by_ref().take(n_bands).collect();
        Some(Keys {
            bands,
            anchors: all.collect(),
        })
    }
}

/// Anchors and LSH bands of a token sequence.
pub fn keys(tokens: &[Token], params: FingerprintParams) -> Keys {
    let hashes = ngram_hashes(tokens, params.ngram);
    Keys {
        anchors: winnow(&hashes, params.window),
        bands: lsh_bands(&hashes, params.bands, params.rows),
    }
}

/// MinHash signature of the set `hashes` (one value per hash function), cut into `bands` band
/// keys. Empty input gives no bands.
pub fn lsh_bands(hashes: &[u64], bands: usize, rows: usize) -> Vec<u64> {
    if hashes.is_empty() || bands == 0 || rows == 0 {
        return Vec::new();
    }
    let perms = bands * rows;
    let seeds: Vec<u64> = (0..perms)
        .map(|i| SEEDS[i % SEEDS.len()].wrapping_mul(i as u64 + 1))
        .collect();
    let mut sig = vec![u64::MAX; perms];
    min_hashes(hashes, &seeds, &mut sig);
    sig.chunks(rows)
        .enumerate()
        .map(|(b, chunk)| {
            let mut h = mix(b as u64 + 0x5EED);
            for &v in chunk {
                h = mix(h ^ v);
            }
            h
        })
        .collect()
}

const SEEDS: [u64; 4] = [
    0x243F_6A88_85A3_08D3,
    0x1319_8A2E_0370_7344,
    0xA409_3822_299F_31D0,
    0x082E_FA98_EC4E_6C89,
];

/// A fixed 64-bit mixer (the splitmix64 finaliser): stable across runs, since keys are stored.
/// The MinHash signature: for each seed, the least mixed hash. Half of fingerprinting's time;
/// on processors with 512-bit vectors (and their 64-bit multiplies) the same code runs 8
/// seeds at once, with the same result.
fn min_hashes(hashes: &[u64], seeds: &[u64], sig: &mut [u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
        {
            // SAFETY: the processor was just found to have the features the function needs.
            return unsafe { min_hashes_avx512(hashes, seeds, sig) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above.
            return unsafe { min_hashes_avx2(hashes, seeds, sig) };
        }
    }
    min_hashes_portable(hashes, seeds, sig)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn min_hashes_avx512(hashes: &[u64], seeds: &[u64], sig: &mut [u64]) {
    min_hashes_portable(hashes, seeds, sig)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn min_hashes_avx2(hashes: &[u64], seeds: &[u64], sig: &mut [u64]) {
    min_hashes_portable(hashes, seeds, sig)
}

#[inline(always)]
fn min_hashes_portable(hashes: &[u64], seeds: &[u64], sig: &mut [u64]) {
    for &h in hashes {
        for (m, &seed) in sig.iter_mut().zip(seeds) {
            *m = (*m).min(mix(h ^ seed));
        }
    }
}

#[inline(always)]
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The hash of the `n` words starting at each position.
pub fn ngram_hashes(tokens: &[Token], n: usize) -> Vec<u64> {
    if n == 0 || tokens.len() < n {
        return Vec::new();
    }
    tokens
        .windows(n)
        .map(|w| {
            // A fixed, order-sensitive mix: stable across runs and machines (hashes are stored).
            let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
            for t in w {
                h = (h ^ t.hash).wrapping_mul(0x0100_0000_01B3).rotate_left(29);
            }
            h ^ (h >> 31)
        })
        .collect()
}

/// Winnowed anchors of a token sequence, without repeats, in order of first appearance.
pub fn anchors(tokens: &[Token], params: FingerprintParams) -> Vec<u64> {
    winnow(&ngram_hashes(tokens, params.ngram), params.window)
}

fn winnow(hashes: &[u64], window: usize) -> Vec<u64> {
    let w = window.max(1);
    if hashes.is_empty() {
        return Vec::new();
    }
    let mut picked: Vec<usize> = Vec::new();
    if hashes.len() <= w {
        let (i, _) = hashes
            .iter()
            .enumerate()
            .min_by_key(|(i, h)| (**h, std::cmp::Reverse(*i)))
            .unwrap();
        picked.push(i);
    } else {
        for start in 0..=hashes.len() - w {
            // Rightmost minimum, so a window that slides keeps the same pick (robust winnowing).
            let (i, _) = hashes[start..start + w]
                .iter()
                .enumerate()
                .min_by_key(|(i, h)| (**h, std::cmp::Reverse(*i)))
                .unwrap();
            let i = start + i;
            if picked.last() != Some(&i) {
                picked.push(i);
            }
        }
    }
    let mut seen: HashSet<u64, BuildHasherDefault<KeyHasher>> =
        HashSet::with_capacity_and_hasher(picked.len(), Default::default());
    picked
        .into_iter()
        .map(|i| hashes[i])
        .filter(|h| seen.insert(*h))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn every_min_hash_path_gives_the_same_signature() {
        let mut x = 0x1234_5678_9ABC_DEF0u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let hashes: Vec<u64> = (0..1000).map(|_| next()).collect();
        let seeds: Vec<u64> = (0..32).map(|_| next()).collect();
        let mut want = vec![u64::MAX; 32];
        min_hashes_portable(&hashes, &seeds, &mut want);
        let mut got = vec![u64::MAX; 32];
        min_hashes(&hashes, &seeds, &mut got);
        assert_eq!(got, want);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            let mut got = vec![u64::MAX; 32];
            // SAFETY: the feature was just detected.
            unsafe { min_hashes_avx2(&hashes, &seeds, &mut got) };
            assert_eq!(got, want);
        }
    }

    /// Keys are stored, so the same text must give the same keys in every version.
    #[test]
    fn keys_are_stable_across_versions() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../examples/seeds/003_d225d385e17e94e7.txt"),
        )
        .unwrap();
        let k = keys(&tokenize(&text), FingerprintParams::default());
        let fold = k
            .anchors
            .iter()
            .fold(0u64, |acc, &a| acc.rotate_left(7) ^ a);
        assert_eq!(k.anchors.len(), 165);
        assert_eq!(fold, 0xe46e0a8733f03a93);
        assert_eq!(
            k.bands,
            [
                0xcdc9ebcd2beec666,
                0xee782bccf7136d50,
                0x87453b9c67d629e4,
                0x168ef43fa0be471c,
                0x4e289d74c58bbaf2,
                0x3e9a762f321ee878,
                0x47e0679ba8f728ef,
                0xe5892624b3736810
            ]
        );
    }

    #[test]
    fn shared_run_gives_shared_anchor() {
        let p = FingerprintParams::default();
        let shared = "the insurgents agreed to stop al qaeda from using afghanistan";
        let a = anchors(
            &tokenize(&format!("one two three four five six {shared} seven eight")),
            p,
        );
        let b = anchors(
            &tokenize(&format!(
                "alpha beta gamma {shared} delta epsilon zeta eta theta"
            )),
            p,
        );
        assert!(a.iter().any(|h| b.contains(h)));
    }

    #[test]
    fn anchors_are_a_fraction_of_ngrams() {
        let text: String = (0..400).map(|i| format!("w{} ", i * 7919 % 1000)).collect();
        let toks = tokenize(&text);
        let a = anchors(&toks, FingerprintParams::default());
        assert!(a.len() < toks.len() / 2, "{}", a.len());
        assert!(a.len() > toks.len() / 5, "{}", a.len());
    }

    #[test]
    fn near_duplicates_share_a_band_and_strangers_do_not() {
        let p = FingerprintParams::default();
        let base: String = (0..300).map(|i| format!("w{} ", i * 7919 % 1009)).collect();
        let edited = base
            .replacen("w0 ", "changed ", 1)
            .replacen("w1 ", "also ", 1);
        let other: String = (0..300).map(|i| format!("v{} ", i * 31 % 1013)).collect();
        let k = |t: &str| keys(&tokenize(t), p);
        let (a, b, c) = (k(&base), k(&edited), k(&other));
        assert_eq!(a.bands.len(), p.bands);
        assert!(a.bands.iter().zip(&b.bands).any(|(x, y)| x == y));
        assert!(a.bands.iter().all(|x| !c.bands.contains(x)));
    }

    #[test]
    fn keys_round_trip_through_bytes() {
        let k = keys(
            &tokenize("one two three four five six seven eight nine ten"),
            FingerprintParams::default(),
        );
        assert_eq!(Keys::from_bytes(&k.to_bytes()), Some(k));
        assert_eq!(Keys::from_bytes(&[1, 0, 0, 0, 9]), None);
        assert_eq!(Keys::from_bytes(&[]), None);
    }

    #[test]
    fn short_texts() {
        let p = FingerprintParams::default();
        assert!(anchors(&tokenize("too short"), p).is_empty());
        assert_eq!(
            anchors(&tokenize("exactly five words here now"), p).len(),
            1
        );
    }
}
