//! What a server needs from the library: documents read from memory (an upload) ingested as one
//! committed batch with each one's outcome, stored articles read back, stories filtered by date,
//! source, agency and words, and full-text search.

use std::path::Path;

use wiretrace::engine::IngestStatus;
use wiretrace::ingest::{read_bytes, Format, InputError, RawDoc, ReadLimits};
use wiretrace::store::StoryFilter;
use wiretrace::{Config, Engine};

fn seed(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/seeds")
            .join(name),
    )
    .unwrap()
}

fn docs(format: Format, bytes: &[u8]) -> Vec<Result<RawDoc, InputError>> {
    let mut out = Vec::new();
    read_bytes(
        Path::new("upload"),
        format,
        bytes,
        ReadLimits::default(),
        &mut |d| out.push(d),
    );
    out
}

/// The two seeds as one JSON array, with a third element that is not an article.
fn seed_batch() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!([
        {"id": "dawn", "source": "Dawn", "published": "2020-07-02", "title": "Taliban maintain ties to Al Qaeda affiliate, says Pentagon",
         "text": seed("003_d225d385e17e94e7.txt")},
        {"id": "salaam", "source": "Salaam Times", "text": seed("000_c7b4fa4417f7b5a8.txt")},
        {"id": "broken", "text": 42}
    ]))
    .unwrap()
}

/// The two seeds as scraped page text (cleaned of their debris), declared as a server would.
fn seed_pages() -> Vec<Result<RawDoc, InputError>> {
    let mut out = Vec::new();
    for (name, id, source) in [
        ("003_d225d385e17e94e7.txt", "dawn", "Dawn"),
        ("000_c7b4fa4417f7b5a8.txt", "salaam", "Salaam Times"),
    ] {
        let mut doc = docs(Format::Text, seed(name).as_bytes()).pop().unwrap();
        if let Ok(d) = &mut doc {
            d.declared.id = Some(id.into());
            d.declared.source = Some(source.into());
        }
        out.push(doc);
    }
    out.extend(docs(Format::Json, br#"{"id": "broken", "text": 42}"#));
    out
}

#[test]
fn a_json_array_is_one_record_per_element_and_a_bad_one_is_reported_in_its_place() {
    let got = docs(Format::Json, &seed_batch());
    assert_eq!(got.len(), 3);
    assert!(got[0].is_ok() && got[1].is_ok());
    let e = got[2].as_ref().unwrap_err();
    assert_eq!(e.origin.record, Some(3));
    assert!(e.to_string().starts_with("upload record 3:"), "{e}");
    // The same bytes gzipped read the same; an empty array is an error, not silence.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &seed_batch()).unwrap();
    assert_eq!(docs(Format::Json, &gz.finish().unwrap()).len(), 3);
    assert!(docs(Format::Json, b"[]")[0].is_err());
    let lines = b"{\"id\": \"a\", \"text\": \"One line.\"}\n\n{\"id\": \"b\", \"text\": \"Two.\"}\nnot json\n";
    let got = docs(Format::JsonLines, lines);
    assert_eq!(got.iter().filter(|d| d.is_ok()).count(), 2);
    assert_eq!(got[2].as_ref().unwrap_err().origin.line, Some(4));
    let big = vec![b'x'; 2048];
    let mut small = Vec::new();
    read_bytes(
        Path::new("upload"),
        Format::Text,
        &big,
        ReadLimits { max_bytes: 1024 },
        &mut |d| small.push(d),
    );
    assert!(
        small[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("over the"),
        "{:?}",
        small[0]
    );
}

#[test]
fn an_uploaded_batch_is_stored_whole_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = Engine::open(&dir.path().join("w.db"), Config::default()).unwrap();
    let results = engine.ingest_docs(seed_pages()).unwrap();
    let status: Vec<IngestStatus> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        status,
        [IngestStatus::New, IngestStatus::New, IngestStatus::Skipped]
    );
    assert_eq!(
        results[0].story, results[1].story,
        "the two copies of the wire story are one story"
    );
    assert!(results[2].error.is_some() && results[2].id.is_none());
    // Giving the batch again changes nothing.
    let again = engine.ingest_docs(seed_pages()).unwrap();
    assert_eq!(again[0].status, IngestStatus::Unchanged);
    assert_eq!(again[0].id.as_deref(), Some("dawn"));

    // Another connection (another process, or a server's reader) sees the committed batch.
    let reader = Engine::open(&dir.path().join("w.db"), Config::default()).unwrap();
    let counts = reader.counts().unwrap();
    assert_eq!((counts.articles, counts.stories), (2, 1));
    assert!(counts.passages >= 1);
    let view = reader.article("salaam").unwrap().unwrap();
    assert_eq!(view.story, results[1].story.unwrap());
    assert!(
        !view.article.removed.is_empty(),
        "the scraped page's debris is kept, set apart"
    );
    assert!(reader.article("nope").unwrap().is_none());
    let (a, b, alignment) = reader.compare_stored("dawn", "salaam").unwrap().unwrap();
    assert_eq!(
        (a.article.id.as_str(), b.article.id.as_str()),
        ("dawn", "salaam")
    );
    assert!(!alignment.passages.is_empty());
    assert_eq!(
        reader.compare_stored("dawn", "nope").unwrap().unwrap_err(),
        "nope"
    );
    let story = reader
        .find_story(view.story, 0, usize::MAX)
        .unwrap()
        .unwrap();
    assert_eq!(story.articles.len(), 2);
    assert!(reader.find_story(999, 0, 10).unwrap().is_none());
    let paged = reader.find_story(view.story, 1, 1).unwrap().unwrap();
    assert_eq!(
        (paged.passages.len(), paged.passages_total),
        (story.passages_total.min(2) - 1, story.passages_total)
    );
    assert_eq!(paged.passages.first(), story.passages.get(1));
}

#[test]
fn stories_filter_by_date_source_agency_and_words_and_articles_are_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = Engine::open(&dir.path().join("w.db"), Config::default()).unwrap();
    engine.ingest_docs(seed_pages()).unwrap();
    let other = br#"{"id": "rain", "source": "Gazette", "published": "2021-03-04", "title": "Rain floods the valley",
        "text": "Heavy rain flooded the valley on Tuesday, closing roads and schools.\nFarmers counted the damage to orchards."}"#;
    engine.ingest_docs(docs(Format::Json, other)).unwrap();
    let list = |f: StoryFilter| -> Vec<usize> {
        engine
            .stories_where(&f, 10, 0)
            .unwrap()
            .iter()
            .map(|s| s.articles as usize)
            .collect()
    };
    assert_eq!(list(StoryFilter::default()), [1, 2], "newest first");
    let all = engine
        .stories_where(&StoryFilter::default(), 10, 0)
        .unwrap();
    assert_eq!(all[1].agencies, ["AFP"]);
    assert_eq!(all[1].sources, ["Dawn", "Salaam Times"]);
    assert_eq!(
        list(StoryFilter {
            source: Some("salaam times".into()),
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(
        list(StoryFilter {
            agency: Some("afp".into()),
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(
        list(StoryFilter {
            query: Some("orchards".into()),
            ..Default::default()
        }),
        [1]
    );
    assert_eq!(
        list(StoryFilter {
            query: Some("\"al-qaeda\" pentagon".into()),
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(
        list(StoryFilter {
            from: Some("2021-01-01".into()),
            ..Default::default()
        }),
        [1]
    );
    assert_eq!(
        list(StoryFilter {
            to: Some("2020-12-31".into()),
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(
        list(StoryFilter {
            min_articles: 2,
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(
        list(StoryFilter {
            query: Some("(".into()),
            ..Default::default()
        }),
        Vec::<usize>::new()
    );

    let hits = engine.search("taliban inmates", 10, 0).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
        ["salaam"]
    );
    let h = &hits[0];
    let marked: Vec<String> = h
        .matches
        .iter()
        .map(|&(s, e)| h.snippet.chars().skip(s).take(e - s).collect())
        .collect();
    assert!(
        marked
            .iter()
            .all(|m| ["taliban", "inmates"].contains(&m.to_lowercase().as_str())),
        "{marked:?}"
    );
    assert_eq!(
        engine.search("flood*", 10, 0).unwrap()[0].id,
        "rain",
        "a prefix query"
    );
    assert!(engine.search("\"", 10, 0).unwrap().is_empty());
}

#[test]
fn a_story_too_large_to_trace_is_listed_with_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = Engine::open(&dir.path().join("w.db"), Config::default()).unwrap();
    let wire = "The central bank raised its main interest rate by half a point on Thursday, the largest \
                increase in two decades, saying that prices were rising faster than at any time since \
                the currency was introduced and that further increases would follow in the coming months.";
    let n = wiretrace::engine::MAX_TRACED_ARTICLES + 5;
    let copies: Vec<serde_json::Value> = (0..n)
        .map(|i| serde_json::json!({"id": format!("copy-{i:04}"), "source": format!("Outlet {}", i % 7),
                                    "published": "2022-07-21", "text": format!("{wire}\nLocal reaction number {i} came from the mayor of town {i}.")}))
        .collect();
    let results = engine
        .ingest_docs(docs(
            Format::Json,
            serde_json::to_vec(&copies).unwrap().as_slice(),
        ))
        .unwrap();
    let story = results[0].story.unwrap();
    assert!(
        results.iter().all(|r| r.story == Some(story)),
        "every copy joins one story"
    );
    let s = engine.find_story(story, 0, 10).unwrap().unwrap();
    assert!(!s.complete);
    assert_eq!(
        (s.articles.len(), s.articles_total),
        (wiretrace::engine::MAX_TRACED_ARTICLES, n)
    );
    assert_eq!(s.sources.len(), 7);
    assert!(s.passages.is_empty() && s.attribution.quotes.is_empty());
    let listed = engine
        .stories_where(&StoryFilter::default(), 10, 0)
        .unwrap();
    assert_eq!(listed[0].articles, n as i64);
}
