//! Candidate search and copy detection through the engine: near-duplicates found through LSH
//! bands, partial copies through anchors, and articles written by another engine (another
//! process, as the server and the CLI are) found by the next batch.

use std::fs;
use std::path::Path;

use wiretrace::{Config, Engine};

/// A wire story of `n` distinct sentences, about `topic`.
fn wire(topic: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("The {topic} committee number {i} reported {} new findings on day {} of its inquiry into the matter.", i * 7 + 3, i + 1))
        .collect()
}

fn write_json(dir: &Path, name: &str, id: &str, paragraphs: &[String]) -> std::path::PathBuf {
    let p = dir.join(name);
    let text = paragraphs.join("\n\n");
    fs::write(&p, serde_json::json!({ "id": id, "published": "2021-03-04", "text": text }).to_string()).unwrap();
    p
}

fn copy_group(engine: &Engine, id: &str) -> i64 {
    let mut group = None;
    engine
        .store()
        .read()
        .each_article(|a| {
            if a.id == id {
                group = Some(a.copy_group);
            }
            Ok(())
        })
        .unwrap();
    group.unwrap_or_else(|| panic!("{id} not stored"))
}

#[test]
fn partial_copies_and_resends_join_the_original_and_strangers_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let story = wire("harbour", 12);
    let mut trimmed: Vec<String> = story[..5].to_vec();
    trimmed.insert(2, "Local readers will remember the harbour flooded twice in the last decade, residents said.".into());
    let files = [
        write_json(dir.path(), "1.json", "original", &story),
        write_json(dir.path(), "2.json", "unrelated", &(0..12).map(|i| format!("Rail fares rise by {i} percent next spring as the operator blames energy costs and staff shortages, station {i} says.")).collect::<Vec<_>>()),
        write_json(dir.path(), "3.json", "resend", &story),
        write_json(dir.path(), "4.json", "trimmed", &trimmed),
    ];
    let mut engine = Engine::open(&db, Config::default()).unwrap();
    let report = engine.trace(&files, &mut |_| {}).unwrap();
    assert!(report.summary.near_duplicate_candidates >= 1, "{:?}", report.summary);
    assert!(report.summary.index_bytes_per_article > 0.0);
    let g = copy_group(&engine, "original");
    assert_eq!(copy_group(&engine, "resend"), g);
    assert_eq!(copy_group(&engine, "trimmed"), g);
    assert_ne!(copy_group(&engine, "unrelated"), g);
}

#[test]
fn an_article_written_by_another_engine_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let story = wire("election", 10);
    let first = write_json(dir.path(), "a.json", "first", &wire("weather", 10));
    let second = write_json(dir.path(), "b.json", "second", &story);
    let third = write_json(dir.path(), "c.json", "third", &story[2..9]);
    let mut a = Engine::open(&db, Config::default()).unwrap();
    a.trace(&[first], &mut |_| {}).unwrap();
    // While `a` stays open with its index in memory, another engine stores the original.
    let mut b = Engine::open(&db, Config::default()).unwrap();
    b.trace(&[second], &mut |_| {}).unwrap();
    drop(b);
    a.trace(&[third], &mut |_| {}).unwrap();
    assert_eq!(copy_group(&a, "third"), copy_group(&a, "second"));
}

#[test]
fn a_reopened_store_reads_its_index_snapshot_and_still_finds_copies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let story = wire("harbour", 10);
    let original = write_json(dir.path(), "a.json", "original", &story);
    let copy = write_json(dir.path(), "b.json", "copy", &story[1..8]);
    let other = write_json(dir.path(), "c.json", "other", &story[2..9]);
    let mut a = Engine::open(&db, Config::default()).unwrap();
    let first = a.trace(&[original], &mut |_| {}).unwrap().summary;
    assert!(!first.index_from_snapshot, "a new store has no snapshot");
    assert!(first.index_snapshot_kept);
    drop(a);
    let mut b = Engine::open(&db, Config::default()).unwrap();
    let second = b.trace(&[copy], &mut |_| {}).unwrap().summary;
    assert!(second.index_from_snapshot, "{second:?}");
    assert_eq!(copy_group(&b, "copy"), copy_group(&b, "original"));
    // A snapshot made with other index settings is not used: the index is rebuilt.
    let mut config = Config::default();
    config.index.max_df += 1;
    let mut c = Engine::open(&db, config).unwrap();
    let third = c.trace(&[other], &mut |_| {}).unwrap().summary;
    assert!(!third.index_from_snapshot);
    assert_eq!(third.indexed_articles, 3);
    assert_eq!(copy_group(&c, "other"), copy_group(&c, "original"));
}
