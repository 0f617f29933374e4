//! Outlet templates persist in the store: what one run learnt about a site's furniture, the
//! next run (or a server) goes on from, and a page read again counts once.

use std::path::Path;

use wiretrace::extract::Reason;
use wiretrace::{Config, Engine};

const PROMO: &str = "Subscribe to our weekly briefing for more";

fn write_page(dir: &Path, i: usize) -> std::path::PathBuf {
    let text = format!(
        "Report {i} says the council met on day {i} to discuss the new bridge and its cost.\n\n\
         {PROMO}\n\nThe mayor said on day {i} that work would start within the year."
    );
    let path = dir.join(format!("page{i}.json"));
    let json = serde_json::json!({"id": format!("p{i}"), "url": format!("https://news.example/a/{i}"), "text": text});
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

fn trace(db: &Path, paths: &[std::path::PathBuf]) {
    let mut engine = Engine::open(db, Config::default()).unwrap();
    engine.trace(paths, &mut |_| {}).unwrap();
}

fn promo_removed(db: &Path, id: &str) -> bool {
    let engine = Engine::open(db, Config::default()).unwrap();
    let read = engine.store().read();
    let seq = read.seq_of(id).unwrap().unwrap();
    let article = read.full_article(seq).unwrap();
    let removed = article
        .removed
        .iter()
        .any(|r| r.reason == Reason::Template && r.text == PROMO);
    assert_eq!(removed, !article.body.iter().any(|l| l == PROMO));
    removed
}

#[test]
fn a_template_learnt_in_one_run_is_removed_in_the_next_and_rereading_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let pages: Vec<_> = (0..4).map(|i| write_page(dir.path(), i)).collect();
    // Two pages carry the promo; the same two again in a second run count once.
    trace(&db, &pages[..2]);
    trace(&db, &pages[..2]);
    // The third page in a new run: two earlier pages are not yet a template.
    trace(&db, &pages[2..3]);
    assert!(!promo_removed(&db, "p2"));
    // The fourth, in yet another run: three earlier pages carried it, so it is the site's.
    trace(&db, &pages[3..4]);
    assert!(promo_removed(&db, "p3"));
    // All four again: each is the page already stored, though the template is known now.
    let mut engine = Engine::open(&db, Config::default()).unwrap();
    let report = engine.trace(&pages, &mut |_| {}).unwrap();
    assert_eq!((report.summary.new, report.summary.unchanged), (0, 4));
    assert!(!promo_removed(&db, "p0"));
}

/// What a server does: uploads are prepared on request threads with templates taken from the
/// engine, and stored by the engine; a server started later on the store goes on from them.
#[test]
fn templates_learnt_from_uploads_are_there_for_the_next_server() {
    use wiretrace::engine::prepare_shared;
    use wiretrace::ingest::{read_bytes, Format, ReadLimits};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let upload = |engine: &mut Engine, templates: &std::sync::Mutex<_>, from: usize, to: usize| {
        let pages = tempfile::tempdir().unwrap();
        let mut prepared = Vec::new();
        for i in from..to {
            let path = write_page(pages.path(), i);
            let bytes = std::fs::read(&path).unwrap();
            read_bytes(
                &path,
                Format::Json,
                &bytes,
                ReadLimits::default(),
                &mut |d| prepared.push(d.and_then(|raw| prepare_shared(raw, templates))),
            );
        }
        engine.ingest_prepared(prepared).unwrap();
    };
    {
        let mut engine = Engine::open(&db, Config::default()).unwrap();
        let templates = std::sync::Mutex::new(engine.take_templates());
        upload(&mut engine, &templates, 0, 3);
    }
    let mut engine = Engine::open(&db, Config::default()).unwrap();
    let templates = std::sync::Mutex::new(engine.take_templates());
    upload(&mut engine, &templates, 3, 4);
    drop(engine);
    assert!(!promo_removed(&db, "p2"));
    assert!(promo_removed(&db, "p3"));
}
