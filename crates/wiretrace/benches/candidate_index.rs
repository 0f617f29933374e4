//! An incremental match against many stored articles: `cargo bench -p wiretrace --bench
//! candidate_index [-- ARTICLES]` (default 1,000,000) fills the in-memory candidate index and
//! times `Index::candidates` for new articles, printing one JSON object. Keys are synthetic, shaped
//! like real ones: 160 anchors an article (a 400-word article winnowed), a tenth of them common
//! phrases drawn from a Zipf distribution, and 8 LSH bands. Half the queries are edited copies of
//! a stored article (30% of its anchors dropped, 20% new ones, 2 of 8 bands kept), half are new.
//! Timing the search only: aligning the candidates found is timed by `trace` itself. Also times
//! the index snapshot a store keeps (to bytes, and back), which a process opening the store reads
//! instead of rebuilding the index (reading its parts from SQLite comes on top).

mod common;

use std::time::Instant;

use common::{summary, Rng, Zipf};
use wiretrace::fingerprint::Keys;
use wiretrace::index::{Index, IndexParams};

const ANCHORS: usize = 160;

fn article(rng: &mut Rng, phrases: &Zipf) -> Keys {
    let anchors = (0..ANCHORS)
        .map(|_| {
            if rng.next() % 10 == 0 {
                phrases.draw(rng) as u64 * 0x9E37_79B9_7F4A_7C15
            } else {
                rng.next()
            }
        })
        .collect();
    Keys {
        anchors,
        bands: (0..8).map(|_| rng.next()).collect(),
    }
}

fn main() {
    let articles: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let phrases = Zipf::new(100_000);
    let mut rng = Rng(0xC0FFEE);
    let mut index = Index::new(IndexParams::default());
    let mut sample: Vec<(usize, Keys)> = Vec::new();
    let t = Instant::now();
    for seq in 1..=articles {
        let keys = article(&mut rng, &phrases);
        index.insert(seq as i64, &keys);
        if seq % (articles / 1000).max(1) == 0 {
            sample.push((seq, keys));
        }
    }
    let build = t.elapsed().as_secs_f64();
    // What a process opening the store does instead of rebuilding: read the kept snapshot.
    let t = Instant::now();
    let snapshot = index.to_bytes();
    let write = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let index = Index::from_bytes(&snapshot, IndexParams::default()).expect("reads back");
    let read = t.elapsed().as_secs_f64();
    let snapshot_mb = snapshot.len() as f64 / 1e6;
    drop(snapshot);
    let (mut times, mut found_source, mut copies) = (Vec::new(), 0, 0);
    for q in 0..2_000 {
        let (query, source) = if q % 2 == 0 {
            let (seq, base) = &sample[(rng.next() % sample.len() as u64) as usize];
            let mut anchors: Vec<u64> = base
                .anchors
                .iter()
                .copied()
                .filter(|_| rng.next() % 10 >= 3)
                .collect();
            anchors.extend((0..ANCHORS / 5).map(|_| rng.next()));
            let bands = base
                .bands
                .iter()
                .enumerate()
                .map(|(i, &b)| if i < 2 { b } else { rng.next() })
                .collect();
            (Keys { anchors, bands }, Some(*seq as i64))
        } else {
            (article(&mut rng, &phrases), None)
        };
        let t = Instant::now();
        let (cands, _) = index.candidates(&query);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        if let Some(s) = source {
            copies += 1;
            found_source += usize::from(cands.iter().any(|c| c.article == s));
        }
    }
    let out = serde_json::json!({
        "stored_articles": index.len(),
        "index_bytes_per_article": (index.memory_bytes() as f64 / index.len() as f64).round(),
        "build_seconds": (build * 100.0).round() / 100.0,
        "build_articles_per_second": (articles as f64 / build).round(),
        "snapshot_mb": snapshot_mb.round(),
        "snapshot_to_bytes_seconds": (write * 100.0).round() / 100.0,
        "snapshot_from_bytes_seconds": (read * 100.0).round() / 100.0,
        "copies_whose_source_was_found": format!("{found_source} of {copies}"),
        "candidate_search_ms": summary(times),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
