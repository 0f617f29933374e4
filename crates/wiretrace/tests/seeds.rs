//! The two seed articles against `fixtures/expected.json`: extraction, shared passages, what is
//! unique to each, one story with one copy group, and who said what (quotes with their speakers,
//! actors, event dates) in each article and across the story.

use std::path::{Path, PathBuf};

use serde_json::Value;
use wiretrace::attribution::{attribute, ActorKind};
use wiretrace::engine::{compare, read_one};
use wiretrace::text::fold;
use wiretrace::{Article, Config, Engine};

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds")
}

fn expected() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/expected.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn article(name: &str) -> Article {
    read_one(&seeds_dir().join(name), &Config::default()).unwrap()
}

fn names(e: &Value) -> Vec<String> {
    let mut n: Vec<String> = e["articles"].as_object().unwrap().keys().cloned().collect();
    n.sort();
    n
}

fn s(v: &Value) -> String {
    fold(v.as_str().unwrap())
}

#[test]
fn extraction_matches_every_expected_field() {
    let e = expected();
    for name in names(&e) {
        let want = &e["articles"][&name];
        let a = article(&name);
        let body = fold(&a.body_text());
        assert_eq!(
            fold(a.title.as_deref().unwrap()),
            s(&want["title"]),
            "{name}: title"
        );
        assert_eq!(
            a.dateline.as_deref().map(fold),
            Some(s(&want["dateline"])),
            "{name}: dateline"
        );
        if let Some(p) = want.get("published") {
            assert_eq!(a.published.as_deref(), p.as_str(), "{name}: published");
        }
        let credits: Vec<String> = want["credits"].as_array().unwrap().iter().map(s).collect();
        assert_eq!(
            a.credits.iter().map(|c| fold(c)).collect::<Vec<_>>(),
            credits,
            "{name}: credits"
        );
        assert!(
            fold(&a.body[0]).starts_with(&s(&want["body_first"])),
            "{name}: first paragraph {:?}",
            a.body[0]
        );
        assert!(
            fold(a.body.last().unwrap()).contains(&s(&want["body_last"])),
            "{name}: last paragraph {:?}",
            a.body.last()
        );
        for inc in want["body_must_include"].as_array().unwrap() {
            assert!(body.contains(&s(inc)), "{name}: body lacks {inc}");
        }
        for exc in want["body_must_exclude"].as_array().unwrap() {
            assert!(!body.contains(&s(exc)), "{name}: body keeps {exc}");
        }
        assert!(
            a.captions
                .iter()
                .any(|c| fold(c).contains(&s(&want["caption"]))),
            "{name}: captions {:?}",
            a.captions
        );
        assert_eq!(
            a.comments.len() as u64,
            want["comments_count"].as_u64().unwrap(),
            "{name}: comments"
        );
        // Nothing is lost: every line left out of the body is listed with its reason.
        for r in &a.removed {
            assert!(
                !body.contains(&fold(&r.text)) || r.text.len() < 20,
                "{name}: removed line still in body: {}",
                r.text
            );
        }
    }
}

fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn compare_finds_all_gold_passages_and_unique_text() {
    let e = expected();
    let n = names(&e);
    let (a, b) = (article(&n[0]), article(&n[1]));
    let al = compare(&a, &b, Config::default().align);
    for p in &al.passages {
        assert_eq!(char_slice(&a.body_text(), p.a_start, p.a_end), p.a_text);
        assert_eq!(char_slice(&b.body_text(), p.b_start, p.b_end), p.b_text);
    }
    for gold in e["shared_passages"].as_array().unwrap() {
        let found = al.passages.iter().any(|p| {
            fold(&p.a_text).contains(&s(&gold["a"])) && fold(&p.b_text).contains(&s(&gold["b"]))
        });
        assert!(found, "gold passage not found: {gold}");
    }
    for (name, spans, passages) in [
        (
            &n[0],
            &al.only_in_a,
            al.passages
                .iter()
                .map(|p| fold(&p.a_text))
                .collect::<Vec<_>>(),
        ),
        (
            &n[1],
            &al.only_in_b,
            al.passages
                .iter()
                .map(|p| fold(&p.b_text))
                .collect::<Vec<_>>(),
        ),
    ] {
        for snippet in e["only_in"][name].as_array().unwrap() {
            assert!(
                spans.iter().any(|sp| fold(&sp.text).contains(&s(snippet))),
                "{name}: {snippet} not reported as unique"
            );
            assert!(
                !passages.iter().any(|p| p.contains(&s(snippet))),
                "{name}: {snippet} inside a shared passage"
            );
        }
    }
}

#[test]
fn trace_puts_both_seeds_in_one_story_with_one_copy_group() {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = Engine::open(&dir.path().join("w.db"), Config::default()).unwrap();
    let report = engine.trace(&[seeds_dir()], &mut |_| {}).unwrap();
    assert_eq!(report.summary.new, 2);
    assert_eq!(report.stories.len(), 1, "{:#?}", report.stories);
    let story = &report.stories[0];
    assert_eq!(story.articles.len(), 2);
    assert_eq!(story.articles[0].copy_group, story.articles[1].copy_group);
    assert_eq!(story.agencies, vec!["AFP"]);
    assert_eq!(
        story.origin, "003_d225d385e17e94e7",
        "the dated Dawn copy is the earliest known"
    );
    assert!(story.articles.iter().all(|a| a.copied_fraction > 0.25));
}

#[test]
fn story_provenance_says_who_published_what_first_and_what_each_added() {
    let e = expected();
    let dir = tempfile::tempdir().unwrap();
    let mut engine = Engine::open(&dir.path().join("w.db"), Config::default()).unwrap();
    let report = engine.trace(&[seeds_dir()], &mut |_| {}).unwrap();
    let story = engine.story(report.stories[0].id).unwrap();
    let (dawn, salaam) = ("003_d225d385e17e94e7", "000_c7b4fa4417f7b5a8");
    let ids: Vec<&str> = story.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [dawn, salaam], "timeline: the dated Dawn copy first");
    assert_eq!(story.sources, ["Dawn", "Salaam Times"]);
    // Every shared passage was first published by Dawn, the earliest carrier.
    assert!(!story.passages.is_empty());
    for p in &story.passages {
        assert_eq!(
            (p.a.as_str(), p.b.as_str(), p.first_published.as_str()),
            (dawn, salaam, dawn)
        );
    }
    let passages: Vec<String> = story.passages.iter().map(|p| fold(&p.text)).collect();
    for gold in e["shared_passages"].as_array().unwrap() {
        assert!(
            passages.iter().any(|p| p.contains(&s(&gold["b"]))),
            "{} in a passage",
            gold["b"]
        );
    }
    // What each copied, from whom, and what each added that the other lacks.
    let (d, st) = (&story.articles[0], &story.articles[1]);
    assert_eq!(d.copied_from_earlier_fraction, 0.0);
    assert!(
        d.first_published_fraction > 0.5,
        "{}",
        d.first_published_fraction
    );
    assert_eq!(st.copied_from.len(), 1);
    assert_eq!(st.copied_from[0].id, dawn);
    assert!(st.copied_from_earlier_fraction > 0.25);
    for (article, name) in [(d, dawn), (st, salaam)] {
        let added: Vec<String> = article.added.iter().map(|x| fold(&x.text)).collect();
        for snippet in e["only_in"][format!("{name}.txt")].as_array().unwrap() {
            assert!(
                added.iter().any(|x| x.contains(&s(snippet))),
                "{name} added {snippet}: {added:?}"
            );
        }
        for gold in e["shared_passages"].as_array().unwrap() {
            let shared = fold(gold["a"].as_str().unwrap());
            assert!(
                !added.iter().any(|x| x.contains(&shared)),
                "{name}: shared text is not added"
            );
        }
    }
    // Why each article is there.
    let kinds: Vec<(&str, &str)> = story
        .events
        .iter()
        .map(|e| (e.article.as_str(), e.kind.as_str()))
        .collect();
    assert_eq!(kinds, [(salaam, "started"), (dawn, "joined")]);
    assert_eq!(story.events[1].detail["reason"], "shares passages");
    assert_eq!(story.events[1].detail["links_total"], 1);
    assert_eq!(story.events[1].detail["with"][0]["article"], salaam);
}

#[test]
fn every_expected_quote_is_found_with_its_speaker() {
    let e = expected();
    for name in names(&e) {
        let Some(quotes) = e["articles"][&name]["quotes"].as_array() else {
            continue;
        };
        let a = article(&name);
        let found = attribute(&a, None).quotes;
        for want in quotes {
            let start = s(&want["text_start"]);
            let q = found
                .iter()
                .find(|q| fold(&q.text).starts_with(&start))
                .unwrap_or_else(|| panic!("{name}: no quote {start:?} in {found:#?}"));
            let speaker = q.speaker_resolved.as_deref().unwrap_or("");
            assert!(
                speaker.contains(want["speaker"].as_str().unwrap()),
                "{start}: speaker {speaker:?}"
            );
        }
    }
    // "McKenzie" is resolved to the fullest mention, with the role the article gives.
    let a = article("000_c7b4fa4417f7b5a8.txt");
    let found = attribute(&a, None).quotes;
    let mckenzie = found
        .iter()
        .find(|q| q.speaker.as_deref() == Some("McKenzie"))
        .unwrap();
    assert_eq!(
        mckenzie.speaker_resolved.as_deref(),
        Some("Gen. Kenneth McKenzie")
    );
    let mujahid = found
        .iter()
        .find(|q| q.speaker_resolved.as_deref() == Some("Zabiullah Mujahid"))
        .unwrap();
    assert_eq!(
        (mujahid.role.as_deref(), mujahid.cue.as_deref()),
        (Some("Taliban spokesman"), Some("told"))
    );
}

#[test]
fn actors_merge_variants_and_dates_resolve_from_the_publication_date() {
    let dawn = attribute(&article("003_d225d385e17e94e7.txt"), None);
    let aqis = dawn.actors.iter().find(|a| a.name == "AQIS").expect("AQIS");
    assert!(
        aqis.aliases
            .iter()
            .any(|x| x == "Al Qaeda in the Indian Subcontinent"),
        "{aqis:?}"
    );
    assert_eq!(aqis.kind, ActorKind::Organisation);
    let dates: Vec<(&str, &str)> = dawn
        .dates
        .iter()
        .filter_map(|d| Some((d.text.as_str(), d.value.as_deref()?)))
        .collect();
    assert!(dates.contains(&("Wednesday", "2020-07-01")), "{dates:?}");
    // The undated Salaam Times copy reads "Wednesday (July 1)": with the story's date it is 2020-07-01.
    let salaam = attribute(
        &article("000_c7b4fa4417f7b5a8.txt"),
        chrono::NaiveDate::from_ymd_opt(2020, 7, 2),
    );
    let dates: Vec<(&str, &str)> = salaam
        .dates
        .iter()
        .filter_map(|d| Some((d.text.as_str(), d.value.as_deref()?)))
        .collect();
    for want in [
        ("Wednesday (July 1)", "2020-07-01"),
        ("February 29", "2020-02-29"),
        ("next year", "2021"),
    ] {
        assert!(dates.contains(&want), "{want:?} in {dates:?}");
    }
    let kenneth = salaam
        .actors
        .iter()
        .find(|a| a.name == "Kenneth McKenzie")
        .expect("McKenzie");
    assert_eq!(
        (kenneth.kind, kenneth.roles.as_slice()),
        (ActorKind::Person, ["Gen.".to_string()].as_slice())
    );
}

#[test]
fn a_story_has_one_entry_per_quote_with_its_earliest_article() {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = Engine::open(&dir.path().join("w.db"), Config::default()).unwrap();
    let report = engine.trace(&[seeds_dir()], &mut |_| {}).unwrap();
    let story = engine.story(report.stories[0].id).unwrap();
    let who = &story.attribution;
    // The Pentagon's "AQIS routinely supports ..." is in both copies: one entry, first in Dawn.
    let aqis = who
        .quotes
        .iter()
        .find(|q| fold(&q.text).starts_with("aqis routinely supports"))
        .expect("shared quote");
    assert_eq!(
        aqis.articles,
        ["003_d225d385e17e94e7", "000_c7b4fa4417f7b5a8"]
    );
    assert_eq!(aqis.earliest, "003_d225d385e17e94e7");
    // Quotes only Salaam Times carries name it alone.
    let mujahid = who
        .quotes
        .iter()
        .find(|q| q.speaker.as_deref() == Some("Zabiullah Mujahid"))
        .unwrap();
    assert_eq!(mujahid.articles, ["000_c7b4fa4417f7b5a8"]);
    // Actors named by both copies rank first.
    assert!(
        who.actors
            .iter()
            .take(6)
            .any(|a| a.name == "Taliban" && a.articles == 2),
        "{:?}",
        &who.actors[..6]
    );
    assert!(
        who.dates
            .iter()
            .any(|d| d.value == "2020-07-01" && d.articles == 2),
        "{:?}",
        who.dates
    );
}
