//! Fingerprint: the anchors of a text. Word n-gram hashes are winnowed (the smallest hash of each
//! window is kept), so any run of `ngram + window - 1` shared words yields a shared anchor while
//! only about 2/(window+1) of the n-grams are stored.

use crate::text::Token;

/// Anchor parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FingerprintParams {
    /// Words per n-gram.
    pub ngram: usize,
    /// Winnowing window, in n-grams.
    pub window: usize,
}

impl Default for FingerprintParams {
    fn default() -> Self {
        FingerprintParams { ngram: 5, window: 4 }
    }
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
    let hashes = ngram_hashes(tokens, params.ngram);
    let w = params.window.max(1);
    if hashes.is_empty() {
        return Vec::new();
    }
    let mut picked: Vec<usize> = Vec::new();
    if hashes.len() <= w {
        let (i, _) = hashes.iter().enumerate().min_by_key(|(i, h)| (**h, std::cmp::Reverse(*i))).unwrap();
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
    let mut seen = std::collections::HashSet::with_capacity(picked.len());
    picked.into_iter().map(|i| hashes[i]).filter(|h| seen.insert(*h)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn shared_run_gives_shared_anchor() {
        let p = FingerprintParams::default();
        let shared = "the insurgents agreed to stop al qaeda from using afghanistan";
        let a = anchors(&tokenize(&format!("one two three four five six {shared} seven eight")), p);
        let b = anchors(&tokenize(&format!("alpha beta gamma {shared} delta epsilon zeta eta theta")), p);
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
    fn short_texts() {
        let p = FingerprintParams::default();
        assert!(anchors(&tokenize("too short"), p).is_empty());
        assert_eq!(anchors(&tokenize("exactly five words here now"), p).len(), 1);
    }
}
