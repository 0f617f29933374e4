//! Normalise and fingerprint throughput: `cargo bench -p wiretrace --bench fingerprint [--
//! ARTICLES.jsonl]` tokenizes (normalises) each article's text and computes its keys (winnowed
//! anchors and MinHash LSH bands), on one core, and prints one JSON object with MB/s of text for
//! each stage and both. Without a file it reads the seeds and the generated-looking text below,
//! repeated; `python3 bench/reuse_gen.py` writes an `articles.jsonl` of real wire text to use.

mod common;

use std::time::Instant;

use wiretrace::fingerprint::{keys, FingerprintParams};
use wiretrace::text::tokenize;

use common::texts;

fn main() {
    let texts = texts(5_000);
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let params = FingerprintParams::default();
    let mb = bytes as f64 / 1e6;
    // Warm up, then time each stage over all texts, best of three.
    let best = |f: &dyn Fn() -> usize| {
        f();
        (0..3)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    let tokens: Vec<_> = texts.iter().map(|t| tokenize(t)).collect();
    let normalise = best(&|| texts.iter().map(|t| tokenize(t).len()).sum());
    let fingerprint = best(&|| tokens.iter().map(|t| keys(t, params).anchors.len()).sum());
    let both = best(&|| {
        texts
            .iter()
            .map(|t| keys(&tokenize(t), params).anchors.len())
            .sum()
    });
    let rate = |s: f64| (mb / s * 10.0).round() / 10.0;
    let out = serde_json::json!({
        "articles": texts.len(),
        "mb": (mb * 100.0).round() / 100.0,
        "normalise_mb_per_s": rate(normalise),
        "fingerprint_mb_per_s": rate(fingerprint),
        "normalise_and_fingerprint_mb_per_s": rate(both),
        "articles_per_s": (texts.len() as f64 / both).round(),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
