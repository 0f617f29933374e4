//! Alignment throughput: `cargo bench -p wiretrace --bench align [-- ARTICLES.jsonl]` finds each
//! article's candidates among the articles before it, as `trace` does (keys, then the candidate
//! index), and times aligning every candidate pair on one core. Prints one JSON object: pairs,
//! microseconds a pair, and the pairs that shared a passage. Without a file it aligns the seeds;
//! `python3 bench/reuse_gen.py` writes an `articles.jsonl` of wire copy to use.

mod common;

use std::hash::{Hash, Hasher};
use std::time::Instant;

use wiretrace::align::{align, AlignParams, AlignedText};
use wiretrace::fingerprint::{keys, FingerprintParams};
use wiretrace::index::{Index, IndexParams};
use wiretrace::text::tokenize;

use common::texts;

/// Pairs aligned at most, so a large file still runs in seconds.
const MAX_PAIRS: usize = 50_000;

fn main() {
    let texts = texts(2);
    let mut index = Index::new(IndexParams::default());
    let mut pairs = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let k = keys(&tokenize(text), FingerprintParams::default());
        pairs.extend(
            index
                .candidates(&k)
                .0
                .iter()
                .map(|c| (c.article as usize, i)),
        );
        index.insert(i as i64, &k);
        if pairs.len() >= MAX_PAIRS {
            break;
        }
    }
    pairs.truncate(MAX_PAIRS);
    let prepared: Vec<AlignedText> = texts.iter().map(AlignedText::new).collect();
    let params = AlignParams::default();
    let run = || {
        pairs
            .iter()
            .filter(|&&(a, b)| {
                !align(&prepared[a], &prepared[b], params)
                    .passages
                    .is_empty()
            })
            .count()
    };
    // Every passage's offsets and score, hashed: a change meant only to be faster must leave
    // this as it was.
    let mut digest = std::hash::DefaultHasher::new();
    let mut shared = 0;
    for &(a, b) in &pairs {
        let al = align(&prepared[a], &prepared[b], params);
        shared += !al.passages.is_empty() as usize;
        for p in &al.passages {
            (
                p.a_start,
                p.a_end,
                p.b_start,
                p.b_end,
                p.matched_words,
                p.score.to_bits(),
            )
                .hash(&mut digest);
        }
    }
    let seconds = (0..3)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(run());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min);
    let out = serde_json::json!({
        "pairs": pairs.len(),
        "pairs_sharing_a_passage": shared,
        "passages_digest": format!("{:016x}", digest.finish()),
        "microseconds_a_pair": (seconds / pairs.len().max(1) as f64 * 1e7).round() / 10.0,
        "pairs_per_s": (pairs.len() as f64 / seconds).round(),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
