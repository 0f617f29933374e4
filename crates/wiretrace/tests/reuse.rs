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
    fs::write(
        &p,
        serde_json::json!({ "id": id, "published": "2021-03-04", "text": text }).to_string(),
    )
    .unwrap();
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

/// A fresh store in `dir` that has traced `articles` (id, paragraphs), in that order.
fn traced(dir: &Path, articles: &[(&str, Vec<String>)]) -> Engine {
    let files: Vec<_> = articles
        .iter()
        .enumerate()
        .map(|(n, (id, paragraphs))| write_json(dir, &format!("{}.json", n + 1), id, paragraphs))
        .collect();
    let mut engine = Engine::open(&dir.join("w.db"), Config::default()).unwrap();
    engine.trace(&files, &mut |_| {}).unwrap();
    engine
}

/// `paragraphs` as an outlet edited them: `from` replaced by `to`.
fn edited(paragraphs: &[String], from: &str, to: &str) -> Vec<String> {
    paragraphs.iter().map(|p| p.replace(from, to)).collect()
}

/// `paragraphs` with a line of the outlet's own after them.
fn with_own_line(paragraphs: &[String], line: &str) -> Vec<String> {
    let mut out = paragraphs.to_vec();
    out.push(line.to_string());
    out
}

#[test]
fn partial_copies_and_resends_join_the_original_and_strangers_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let story = wire("harbour", 12);
    let mut trimmed: Vec<String> = story[..5].to_vec();
    trimmed.insert(
        2,
        "Local readers will remember the harbour flooded twice in the last decade, residents said."
            .into(),
    );
    let files = [
        write_json(dir.path(), "1.json", "original", &story),
        write_json(dir.path(), "2.json", "unrelated", &(0..12).map(|i| format!("Rail fares rise by {i} percent next spring as the operator blames energy costs and staff shortages, station {i} says.")).collect::<Vec<_>>()),
        write_json(dir.path(), "3.json", "resend", &story),
        write_json(dir.path(), "4.json", "trimmed", &trimmed),
    ];
    let mut engine = Engine::open(&db, Config::default()).unwrap();
    let report = engine.trace(&files, &mut |_| {}).unwrap();
    assert!(
        report.summary.near_duplicate_candidates >= 1,
        "{:?}",
        report.summary
    );
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

/// A second wire, worded unlike [`wire`], so the two share no passage.
fn other_wire(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("Voters in district {i} queued for {} hours at polling stations while officials counted ballots by hand, the returning officer for area {} said.", i + 2, i * 3 + 1))
        .collect()
}

/// Eight paragraphs of wire A with three of wire B set in the middle, as an outlet's round-up.
fn merged(a: &[String], b: &[String]) -> Vec<String> {
    let mut text = a[..4].to_vec();
    text.extend_from_slice(&b[..3]);
    text.extend_from_slice(&a[4..8]);
    text
}

#[test]
fn a_copy_merging_two_wires_joins_the_one_it_carries_most_of_and_keeps_the_two_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (wire("harbour", 12), other_wire(10));
    let files = [
        write_json(dir.path(), "1.json", "a", &a),
        write_json(dir.path(), "2.json", "b", &b),
        write_json(dir.path(), "3.json", "merged", &merged(&a, &b)),
        // Shares B's first paragraphs with the merged copy too, but B's text is not what makes the
        // merged copy a member of its group.
        write_json(dir.path(), "4.json", "b-copy", &b[..6]),
        write_json(dir.path(), "5.json", "a-copy", &a[2..10]),
    ];
    let mut engine = Engine::open(&dir.path().join("w.db"), Config::default()).unwrap();
    engine.trace(&files, &mut |_| {}).unwrap();
    let (ga, gb) = (copy_group(&engine, "a"), copy_group(&engine, "b"));
    assert_ne!(
        ga, gb,
        "a second wire inside one copy does not join the two groups"
    );
    assert_eq!(copy_group(&engine, "merged"), ga);
    assert_eq!(copy_group(&engine, "b-copy"), gb);
    assert_eq!(copy_group(&engine, "a-copy"), ga);
    // The merged copy's passage with B is still stored and exported.
    let mut with_b = 0;
    engine
        .store()
        .read()
        .each_passage(|p| {
            with_b += usize::from(p.a == "b" && p.b == "merged");
            Ok(())
        })
        .unwrap();
    assert_eq!(with_b, 1);
}

#[test]
fn a_merged_copy_stored_before_its_main_wire_moves_to_it_when_the_wire_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (wire("harbour", 12), other_wire(10));
    let mut engine = Engine::open(&dir.path().join("w.db"), Config::default()).unwrap();
    let first = [
        write_json(dir.path(), "1.json", "b", &b),
        write_json(dir.path(), "2.json", "merged", &merged(&a, &b)),
    ];
    engine.trace(&first, &mut |_| {}).unwrap();
    // Only B is there to copy from, so the round-up first joins B's group...
    assert_eq!(copy_group(&engine, "merged"), copy_group(&engine, "b"));
    let later = [
        write_json(dir.path(), "3.json", "a", &a),
        write_json(dir.path(), "4.json", "a-copy", &a[1..9]),
        write_json(dir.path(), "5.json", "b-copy", &b[..6]),
    ];
    engine.trace(&later, &mut |_| {}).unwrap();
    // ...and moves to A's when A arrives, sharing more of it than of B.
    let (ga, gb) = (copy_group(&engine, "a"), copy_group(&engine, "b"));
    assert_ne!(ga, gb);
    assert_eq!(copy_group(&engine, "merged"), ga);
    assert_eq!(copy_group(&engine, "a-copy"), ga);
    assert_eq!(copy_group(&engine, "b-copy"), gb);
}

#[test]
fn a_copy_of_the_second_wire_in_a_moved_round_up_joins_that_wire() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (wire("harbour", 12), other_wire(10));
    // The round-up's outlet edited B's paragraphs a little; a later copy takes them from it.
    let edited_b = edited(&b[..3], "queued for", "waited for");
    let round_up = [&a[..4], &edited_b[..], &a[4..8]].concat();
    let b_copy = with_own_line(
        &edited_b,
        "Our correspondent in the capital adds that turnout looked lower than in the last election.",
    );
    let engine = traced(
        dir.path(),
        &[
            ("b", b.clone()),
            // Only B is stored yet, so the round-up joins B's group...
            ("round-up", round_up),
            // ...and moves to A's when A arrives, which links to it first.
            ("a", a.clone()),
            ("b-copy", b_copy),
        ],
    );
    let (ga, gb) = (copy_group(&engine, "a"), copy_group(&engine, "b"));
    assert_ne!(ga, gb);
    assert_eq!(copy_group(&engine, "round-up"), ga);
    // The copy shares most words with the round-up, but B's text is no longer what makes the
    // round-up a member of its group: the copy joins B (seen as the round-up is now, not as it
    // was when A linked to it).
    assert_eq!(copy_group(&engine, "b-copy"), gb);
}

#[test]
fn a_copy_of_the_wire_a_group_starter_carried_joins_that_wire_not_the_starter() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (wire("harbour", 8), other_wire(8));
    // The round-up carries A's last paragraphs and all of B; only A is stored when it comes.
    let round_up = [&a[5..8], &b[..]].concat();
    // B's own outlet ran A's first paragraphs, edited a little; a later copy takes them from it.
    let edited_a = edited(&a[..3], "reported", "announced");
    let b_with_a = [&b[..], &edited_a[..]].concat();
    let a_copy = with_own_line(
        &edited_a,
        "Our correspondent at the harbour adds that the inquiry may sit again next spring.",
    );
    let engine = traced(
        dir.path(),
        &[
            ("a", a.clone()),
            // Joins A's group: A is the only wire stored that it carries.
            ("round-up", round_up),
            // Shares more of the round-up's other text (B) than the round-up shares with A: it
            // starts B's group and takes the round-up in. What it carries of A is not B's text.
            ("b", b_with_a),
            ("a-copy", a_copy),
        ],
    );
    let (ga, gb) = (copy_group(&engine, "a"), copy_group(&engine, "b"));
    assert_ne!(ga, gb);
    assert_eq!(copy_group(&engine, "round-up"), gb);
    // The copy shares most words with B's starter (the same edits), but only A's text.
    assert_eq!(copy_group(&engine, "a-copy"), ga);
}

#[test]
fn a_second_wire_two_copies_of_a_wire_carry_does_not_become_that_wires_text() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (wire("harbour", 8), other_wire(4));
    // Two outlets' copies of A, one with B's first paragraphs after it, one before: the second
    // takes A's text from the first (the same edits), so it joins through it, and the two share
    // B's paragraphs too.
    let edited_a = edited(&a, "reported", "announced");
    let first = [&edited_a[..], &b[..3]].concat();
    let second = [&b[..3], &edited_a[..]].concat();
    let b_copy = with_own_line(
        &b[..3],
        "Our correspondent in the capital adds that turnout looked lower than in the last election.",
    );
    let engine = traced(
        dir.path(),
        &[
            ("a", a.clone()),
            ("first", first),
            ("second", second),
            // The first copy of B stored: it shares B's text with both copies of A.
            ("b-copy", b_copy),
        ],
    );
    let ga = copy_group(&engine, "a");
    assert_eq!(copy_group(&engine, "first"), ga);
    assert_eq!(copy_group(&engine, "second"), ga);
    assert_ne!(copy_group(&engine, "b-copy"), ga);
}

#[test]
fn a_founder_that_merged_two_wires_keeps_the_wire_copied_first() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (wire("harbour", 6), other_wire(6));
    // The first article stored carries both wires; no copy of either is stored before it.
    let founder = [&a[..], &b[..]].concat();
    let engine = traced(
        dir.path(),
        &[
            ("founder", founder),
            // The first copy to join through the founder says which of its text is the wire.
            (
                "a-copy",
                with_own_line(
                    &a,
                    "Our harbour correspondent adds that repairs begin in May.",
                ),
            ),
            (
                "b-copy",
                with_own_line(
                    &b,
                    "Our correspondent in the capital adds that queues were long.",
                ),
            ),
            ("b-copy-2", edited(&b, "said", "told reporters")),
        ],
    );
    let gf = copy_group(&engine, "founder");
    assert_eq!(copy_group(&engine, "a-copy"), gf);
    let gb = copy_group(&engine, "b-copy");
    assert_ne!(gb, gf);
    assert_eq!(copy_group(&engine, "b-copy-2"), gb);
}
