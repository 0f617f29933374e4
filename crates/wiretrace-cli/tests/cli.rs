//! The `wiretrace` binary: JSON contracts of each command, the store across runs, and bad inputs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wiretrace"));
    c.env_remove("WIRETRACE_DB");
    c
}

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds")
}

const DAWN: &str = "003_d225d385e17e94e7.txt";
const SALAAM: &str = "000_c7b4fa4417f7b5a8.txt";

/// A store in a temporary folder holding the two seeds.
fn traced_seeds() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    assert!(bin()
        .args(["trace", "-q", "--db"])
        .arg(&db)
        .arg(seeds())
        .output()
        .unwrap()
        .status
        .success());
    (dir, db)
}

fn run(c: &mut Command) -> (Output, Value) {
    let out = c.output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, v)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn extract_json_has_every_field() {
    let (out, v) = run(bin()
        .args(["extract", "--format", "json"])
        .arg(seeds().join(DAWN)));
    assert!(out.status.success(), "{}", stderr(&out));
    for field in [
        "title",
        "dateline",
        "published",
        "credits",
        "body",
        "captions",
        "comments",
        "removed",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    assert_eq!(v["published"], "2020-07-02");
    assert_eq!(v["dateline"], "WASHINGTON");
    // Plain text declares no language; the body's is detected and says so.
    assert_eq!(v["language"], "en");
    assert!(v["fields_from"]["language"]
        .as_str()
        .unwrap()
        .starts_with("detected from the body"));
    let removed = v["removed"].as_array().unwrap();
    assert!(removed
        .iter()
        .all(|r| r["text"].is_string() && r["reason"].is_string()));
    assert!(removed
        .iter()
        .any(|r| r["reason"] == "sidebar" && r["text"] == "Capacity issues"));
    // Who said what: quotes with speakers and cues, actors, event dates.
    let quotes = v["quotes"].as_array().unwrap();
    assert!(quotes
        .iter()
        .all(|q| q["text"].is_string() && q["kind"].is_string() && q["start"].is_u64()));
    assert!(
        quotes
            .iter()
            .any(|q| q["speaker_resolved"] == "the Pentagon report" && q["cue"] == "said"),
        "{quotes:#?}"
    );
    assert!(v["actors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "AQIS" && a["kind"] == "organisation"));
    assert!(v["dates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["text"] == "Wednesday" && d["value"] == "2020-07-01"));
}

#[test]
fn extract_text_is_readable() {
    let out = bin()
        .arg("extract")
        .arg(seeds().join(SALAAM))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("dateline:  WASHINGTON"), "{text}");
    assert!(text.contains("comments:  3"));
    assert!(text.contains("Zabiullah Mujahid (Taliban spokesman Zabiullah Mujahid, Taliban spokesman; told): Our country"), "{text}");
}

#[test]
fn compare_json_offsets_index_the_cleaned_bodies() {
    let (out, v) = run(bin()
        .args(["compare", "--format", "json"])
        .arg(seeds().join(SALAAM))
        .arg(seeds().join(DAWN)));
    assert!(out.status.success(), "{}", stderr(&out));
    let body = |name: &str| -> String {
        let (_, a) = run(bin()
            .args(["extract", "--format", "json"])
            .arg(seeds().join(name)));
        a["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let (a, b) = (body(SALAAM), body(DAWN));
    let passages = v["passages"].as_array().unwrap();
    assert!(!passages.is_empty());
    for p in passages {
        let slice = |t: &str, s: &str, e: &str| -> String {
            let (s, e) = (
                p[s].as_u64().unwrap() as usize,
                p[e].as_u64().unwrap() as usize,
            );
            t.chars().skip(s).take(e - s).collect()
        };
        assert_eq!(slice(&a, "a_start", "a_end"), p["a_text"].as_str().unwrap());
        assert_eq!(slice(&b, "b_start", "b_end"), p["b_text"].as_str().unwrap());
        assert!(p["score"].as_f64().unwrap() > 0.5);
    }
    for field in ["a_copied", "b_copied", "only_in_a", "only_in_b"] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
}

#[test]
fn compare_refuses_a_file_with_many_articles() {
    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("many.jsonl");
    fs::write(
        &many,
        "{\"id\":\"1\",\"text\":\"One text here.\"}\n{\"id\":\"2\",\"text\":\"Two.\"}\n",
    )
    .unwrap();
    let out = bin()
        .arg("compare")
        .arg(&many)
        .arg(seeds().join(DAWN))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("holds 2 articles"),
        "{}",
        stderr(&out)
    );
}

/// The Dawn seed's wire paragraphs, as a JSON article from a third outlet.
fn third_copy(dir: &Path) -> PathBuf {
    let (_, dawn) = run(bin()
        .args(["extract", "--format", "json"])
        .arg(seeds().join(DAWN)));
    let paras: Vec<&str> = dawn["body"]
        .as_array()
        .unwrap()
        .iter()
        .take(4)
        .map(|p| p.as_str().unwrap())
        .collect();
    let article = serde_json::json!({
        "id": "third", "source": "Third Outlet", "published": "2020-07-02T09:00:00Z",
        "title": "Pentagon: Taliban keep ties with al-Qaeda affiliate", "text": paras.join("\n\n"),
    });
    let p = dir.join("third.jsonl");
    fs::write(&p, format!("{article}\n")).unwrap();
    p
}

#[test]
fn trace_adds_to_the_store_and_finds_copies_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let (out, first) = run(bin()
        .args(["trace", "--format", "json"])
        .arg(seeds())
        .env("WIRETRACE_DB", &db));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(db.exists(), "WIRETRACE_DB names the store");
    assert_eq!(first["summary"]["new"], 2);
    let story = &first["stories"][0];
    for field in ["id", "title", "origin", "agencies", "articles"] {
        assert!(story.get(field).is_some(), "story lacks {field}");
    }
    for field in [
        "id",
        "title",
        "source",
        "published",
        "copy_group",
        "copied_fraction",
    ] {
        assert!(
            story["articles"][0].get(field).is_some(),
            "article lacks {field}"
        );
    }
    assert!(
        stderr(&out).contains("2 articles (2 new"),
        "{}",
        stderr(&out)
    );

    let (_, again) = run(bin()
        .args(["trace", "--format", "json", "--db"])
        .arg(&db)
        .arg(seeds()));
    assert_eq!(again["summary"]["new"], 0);
    assert_eq!(again["summary"]["unchanged"], 2);
    assert_eq!(again["stories"], first["stories"]);

    let third = third_copy(dir.path());
    let (out, v) = run(bin()
        .args(["trace", "--format", "json", "--db"])
        .arg(&db)
        .arg(&third));
    assert!(out.status.success(), "{}", stderr(&out));
    let stories = v["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 1);
    assert_eq!(
        stories[0]["id"], story["id"],
        "the new copy joins the stored story"
    );
    let arts = stories[0]["articles"].as_array().unwrap();
    assert_eq!(arts.len(), 3);
    let groups: Vec<&Value> = arts.iter().map(|a| &a["copy_group"]).collect();
    assert!(
        groups.iter().all(|g| *g == groups[0]),
        "one copy group: {groups:?}"
    );
}

#[test]
fn bad_inputs_are_reported_by_name_and_the_rest_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    fs::copy(seeds().join(DAWN), inp.join("a_good.txt")).unwrap();
    fs::write(inp.join("b_binary.txt"), [0u8, 159, 146, 150, 0, 1, 2, 3]).unwrap();
    fs::write(inp.join("c_empty.txt"), "").unwrap();
    let mut latin1 = b"Caf\xe9 owners protest new rules\n\n".to_vec();
    latin1.extend_from_slice(b"PARIS -- Caf\xe9 owners in the capital protested on Monday against rules that would limit terrace hours, saying the r\xe8gles threaten their livelihoods after a difficult year.\n");
    fs::write(inp.join("d_latin1.txt"), latin1).unwrap();
    fs::write(inp.join("e_big.txt"), "word ".repeat(10_000_000)).unwrap(); // 50 MB
    fs::write(
        inp.join("f_lines.jsonl"),
        "{\"id\":\"ok1\",\"title\":\"Fine\",\"text\":\"A perfectly fine article body with enough words to count.\"}\n{\"id\": broken\n{\"id\":\"notext\"}\n",
    )
    .unwrap();
    fs::write(
        inp.join("g_page.html.gz"),
        b"\x1f\x8b\x08\x00 not really gzip",
    )
    .unwrap();
    fs::write(inp.join("h_title_only.txt"), "Just a headline\n").unwrap();
    let db = dir.path().join("w.db");
    let (out, v) = run(bin()
        .args(["trace", "--format", "json", "--db"])
        .arg(&db)
        .arg(&inp)
        .arg(dir.path().join("missing")));
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(3),
        "partial success has its own exit status: {err}"
    );
    assert!(err.contains("b_binary.txt: binary data"), "{err}");
    assert!(err.contains("c_empty.txt: empty input"), "{err}");
    assert!(
        err.contains("e_big.txt: 50.0 MB is over the 16.8 MB limit"),
        "{err}"
    );
    assert!(err.contains("f_lines.jsonl:2: invalid JSON"), "{err}");
    assert!(
        err.contains("f_lines.jsonl:3: article has no text"),
        "{err}"
    );
    assert!(
        err.contains("g_page.html.gz: cannot decompress gzip"),
        "{err}"
    );
    assert!(
        err.contains("h_title_only.txt: nothing left of the article after cleaning"),
        "{err}"
    );
    assert!(err.contains("missing: no such file or folder"), "{err}");
    let s = &v["summary"];
    assert_eq!(s["new"], 3, "{s}");
    assert_eq!(s["skipped"], 8, "{s}");
    assert_eq!(s["skipped_by_reason"]["bad JSON"], 1);
    let stored: Vec<String> = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|st| {
            st["articles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(
        stored.contains(&"d_latin1".to_string()),
        "legacy encodings are decoded: {stored:?}"
    );
    let (_, latin) = run(bin()
        .args(["extract", "--format", "json"])
        .arg(inp.join("d_latin1.txt")));
    assert_eq!(latin["title"], "Café owners protest new rules");
    assert_eq!(latin["decoded_from"], "windows-1252");
}

#[test]
fn a_killed_ingest_loses_nothing_and_a_rerun_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let mut lines = String::new();
    let n = 400;
    for i in 0..n {
        let text: String = (0..120)
            .map(|w| format!("w{}x{} ", (i * 31 + w * 7) % 997, w % 13))
            .collect();
        lines.push_str(&serde_json::json!({"id": format!("a{i}"), "title": format!("Article {i}"), "text": text}).to_string());
        lines.push('\n');
    }
    fs::write(&input, lines).unwrap();
    let db = dir.path().join("w.db");
    let mut child = bin()
        .args(["trace", "--quiet", "--db"])
        .arg(&db)
        .arg(&input)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let _ = child.kill(); // SIGKILL: no chance to clean up
    let _ = child.wait();
    let (out, v) = run(bin()
        .args(["trace", "--quiet", "--format", "json", "--db"])
        .arg(&db)
        .arg(&input));
    assert!(out.status.success(), "{}", stderr(&out));
    let s = &v["summary"];
    assert_eq!(s["articles"], n);
    assert_eq!(
        s["new"].as_u64().unwrap() + s["unchanged"].as_u64().unwrap(),
        n as u64
    );
    let total: usize = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| st["articles"].as_array().unwrap().len())
        .sum();
    assert_eq!(total, n, "every article stored exactly once");
}

#[test]
fn a_path_that_is_not_a_store_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("not.db");
    fs::write(
        &db,
        "plain text, not a database at all, long enough to fill a header of sqlite pages",
    )
    .unwrap();
    let out = bin()
        .args(["trace", "--db"])
        .arg(&db)
        .arg(seeds())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot open the store"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn export_writes_passages_and_articles_as_json_lines_or_one_array() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (out, _) = run(bin()
        .args([
            "trace",
            "--quiet",
            "--summary-only",
            "--format",
            "json",
            "--db",
        ])
        .arg(&db)
        .arg(seeds()));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = bin()
        .args(["export", "passages", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());
    for p in &lines {
        assert!(p["a_start"].as_i64().unwrap() < p["a_end"].as_i64().unwrap());
        assert_ne!(p["a"], p["b"]);
    }
    let (out, articles) = run(bin()
        .args(["export", "articles", "--format", "json", "--db"])
        .arg(&db));
    assert!(out.status.success(), "{}", stderr(&out));
    let articles = articles.as_array().unwrap();
    assert_eq!(articles.len(), 2);
    assert_eq!(articles[0]["copy_group"], articles[1]["copy_group"]);
    // Passage offsets index the exported bodies.
    let body = |id: &Value| {
        articles.iter().find(|a| &a["id"] == id).unwrap()["body"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let p = &lines[0];
    let a: String = body(&p["a"])
        .chars()
        .skip(p["a_start"].as_u64().unwrap() as usize)
        .take((p["a_end"].as_u64().unwrap() - p["a_start"].as_u64().unwrap()) as usize)
        .collect();
    assert!(a.split_whitespace().count() >= 10, "{a}");
    let missing = bin()
        .args(["export", "passages", "--db"])
        .arg(dir.path().join("none.db"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("no store at"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn trace_summary_only_reports_the_index_and_stage_times() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (out, v) = run(bin()
        .args([
            "trace",
            "--quiet",
            "--summary-only",
            "--format",
            "json",
            "--db",
        ])
        .arg(&db)
        .arg(seeds()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(v["stories"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["stories"], 1);
    assert_eq!(v["summary"]["indexed_articles"], 2);
    assert!(v["summary"]["index_bytes_per_article"].as_f64().unwrap() > 0.0);
    assert!(v["summary"]["stage_seconds"]["align"].is_number());
}

/// Short articles about two events: three on one, two on another.
fn two_events(dir: &Path) {
    let texts = [
        ("a1", "Tara Reid checks into rehab", "Actress Tara Reid checked herself into Promises Treatment Center in Malibu, her publicist Jack Ketsoyan told People magazine on Tuesday."),
        ("b1", "Magnitude 6.1 earthquake hits Peru", "A magnitude 6.1 earthquake struck southern Peru near Arequipa on Monday, the Peruvian geophysics institute said, damaging houses in Chivay."),
        ("a2", "Tara Reid enters Promises rehab", "Tara Reid has entered the Promises Treatment Center in Malibu, publicist Jack Ketsoyan confirmed to People."),
        ("b2", "Quake shakes southern Peru", "An earthquake of magnitude 6.1 shook Arequipa in southern Peru, damaging houses in Chivay, the geophysics institute reported."),
        ("a3", "Reid in rehab at Promises", "Tara Reid is being treated at Promises Treatment Center in Malibu, Jack Ketsoyan, her publicist, said."),
    ];
    for (i, (id, title, body)) in texts.iter().enumerate() {
        fs::write(
            dir.join(format!("{i}_{id}.json")),
            serde_json::json!({"id": id, "title": title, "text": body}).to_string(),
        )
        .unwrap();
    }
}

fn story_of_each(db: &Path) -> std::collections::BTreeMap<String, i64> {
    let out = bin()
        .args(["export", "articles", "--db"])
        .arg(db)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["story"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn stories_are_the_same_whether_ingested_at_once_in_two_runs_or_again() {
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all");
    fs::create_dir(&all).unwrap();
    two_events(&all);
    let once = dir.path().join("once.db");
    assert!(bin()
        .args(["trace", "-q", "--db"])
        .arg(&once)
        .arg(&all)
        .output()
        .unwrap()
        .status
        .success());
    let stories = story_of_each(&once);
    assert_eq!(stories["a1"], stories["a2"]);
    assert_eq!(stories["a1"], stories["a3"]);
    assert_eq!(stories["b1"], stories["b2"]);
    assert_ne!(stories["a1"], stories["b1"], "two events, two stories");
    // A restart resumes from the store: the same input in two runs gives the same stories.
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    fs::create_dir(&first).unwrap();
    fs::create_dir(&second).unwrap();
    for e in fs::read_dir(&all).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let to = if name.as_str() < "2" { &first } else { &second };
        fs::copy(e.path(), to.join(&name)).unwrap();
    }
    let twice = dir.path().join("twice.db");
    for part in [&first, &second] {
        assert!(bin()
            .args(["trace", "-q", "--db"])
            .arg(&twice)
            .arg(part)
            .output()
            .unwrap()
            .status
            .success());
    }
    assert_eq!(story_of_each(&twice), stories);
    // Feeding everything again changes nothing.
    assert!(bin()
        .args(["trace", "-q", "--db"])
        .arg(&twice)
        .arg(&all)
        .output()
        .unwrap()
        .status
        .success());
    assert_eq!(story_of_each(&twice), stories);
}

#[test]
fn stories_and_story_commands_list_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (out, _) = run(bin().args(["stories", "--db"]).arg(&db));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no store at"), "{}", stderr(&out));
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    two_events(&inp);
    fs::copy(seeds().join(DAWN), inp.join(DAWN)).unwrap();
    fs::copy(seeds().join(SALAAM), inp.join(SALAAM)).unwrap();
    assert!(bin()
        .args(["trace", "-q", "--db"])
        .arg(&db)
        .arg(&inp)
        .output()
        .unwrap()
        .status
        .success());

    let (out, v) = run(bin().args(["stories", "--format", "json", "--db"]).arg(&db));
    assert!(out.status.success(), "{}", stderr(&out));
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 3);
    for s in list {
        for field in [
            "id",
            "title",
            "articles",
            "sources",
            "first_seen",
            "last_seen",
        ] {
            assert!(s.get(field).is_some(), "missing {field} in {s}");
        }
    }
    let seeds_story = list
        .iter()
        .find(|s| s["sources"] == serde_json::json!(["Dawn", "Salaam Times"]))
        .unwrap();
    assert_eq!(seeds_story["articles"], 2);
    assert_eq!(seeds_story["first_seen"], "2020-07-02");
    let (_, v) = run(bin()
        .args(["stories", "--format", "json", "--min-articles", "3", "--db"])
        .arg(&db));
    assert_eq!(
        v.as_array().unwrap().len(),
        1,
        "only the three-article story"
    );
    let (_, v) = run(bin()
        .args([
            "stories", "--format", "json", "--limit", "1", "--offset", "1", "--db",
        ])
        .arg(&db));
    assert_eq!(v.as_array().unwrap().len(), 1);

    let (out, story) = run(bin()
        .args([
            "story",
            "--format",
            "json",
            "--article",
            "000_c7b4fa4417f7b5a8",
            "--db",
        ])
        .arg(&db));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(story["id"], seeds_story["id"]);
    for field in [
        "articles", "passages", "events", "agencies", "origin", "sources", "quotes", "actors",
        "dates", "patterns",
    ] {
        assert!(story.get(field).is_some(), "missing {field}");
    }
    let quote = story["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["speaker"] == "Zabiullah Mujahid")
        .expect("Mujahid's quote");
    assert_eq!(quote["articles"][0], "000_c7b4fa4417f7b5a8");
    let p = &story["passages"][0];
    assert_eq!(p["first_published"], "003_d225d385e17e94e7");
    assert!(p["text"].as_str().unwrap().len() > 50);
    let salaam = &story["articles"][1];
    assert_eq!(salaam["copied_from"][0]["id"], "003_d225d385e17e94e7");
    assert!(salaam["added"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["text"].as_str().unwrap().contains("Roadblocks to peace")));

    let (out, events) = run(bin()
        .args(["story", "--format", "json", "--article", "a2", "--db"])
        .arg(&db));
    assert!(out.status.success());
    let joined = &events["events"][1];
    assert_eq!(joined["kind"], "joined");
    assert_eq!(joined["detail"]["reason"], "similar");
    assert!(joined["detail"]["similarity"]["score"].as_f64().unwrap() >= 0.3);

    let out = bin()
        .args(["story", "--db"])
        .arg(&db)
        .arg(seeds_story["id"].to_string())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("first published by 003_d225d385e17e94e7"),
        "{text}"
    );
    let (out, _) = run(bin().args(["story", "999", "--db"]).arg(&db));
    assert!(stderr(&out).contains("no story 999"), "{}", stderr(&out));
    let (out, _) = run(bin().args(["story", "--article", "nope", "--db"]).arg(&db));
    assert!(
        stderr(&out).contains("no stored article \"nope\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn similarity_scores_a_pair_and_checks_its_settings() {
    let dir = tempfile::tempdir().unwrap();
    two_events(dir.path());
    let f = |name: &str| dir.path().join(name);
    let (out, v) = run(bin()
        .args(["similarity", "--format", "json"])
        .arg(f("0_a1.json"))
        .arg(f("2_a2.json")));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(v["same_story"], true, "{v}");
    assert!(v["terms"].as_f64().unwrap() > 0.0 && v["actors"].as_f64().unwrap() > 0.0);
    let (_, v) = run(bin()
        .args(["similarity", "--format", "json"])
        .arg(f("0_a1.json"))
        .arg(f("1_b1.json")));
    assert_eq!(v["same_story"], false, "{v}");
    let pairs = f("pairs.jsonl");
    let line = |a: &str, b: &str| serde_json::json!({"a": f(a), "b": f(b)}).to_string();
    fs::write(
        &pairs,
        format!(
            "{}\n{}\n",
            line("0_a1.json", "2_a2.json"),
            line("1_b1.json", "3_b2.json")
        ),
    )
    .unwrap();
    let out = bin()
        .args(["similarity", "--pairs"])
        .arg(&pairs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    let (out, _) = run(bin()
        .args(["similarity", "--story-threshold", "2"])
        .arg(f("0_a1.json"))
        .arg(f("2_a2.json")));
    assert!(
        stderr(&out).contains("--story-threshold must be between 0 and 1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn tables_of_figures_join_stories_only_through_shared_passages() {
    let dir = tempfile::tempdir().unwrap();
    let table = |company: &str, n: u32| {
        format!(
            "Shr {} cts vs {} cts. Net {},{}00 vs {},{}00. Revs {} mln vs {} mln. Avg shrs {} vs {}. Note: {company} year ended March {}.",
            n, n + 3, n * 7, n + 1, n * 5, n + 2, n * 11, n * 9, n * 13, n * 17, n % 28 + 1
        )
    };
    for (i, (company, n)) in [("Acme Corp", 12), ("Beta Industries", 47)]
        .iter()
        .enumerate()
    {
        let v = serde_json::json!({"id": format!("t{i}"), "title": format!("{company} 4th qtr net"), "text": table(company, *n)});
        fs::write(dir.path().join(format!("t{i}.json")), v.to_string()).unwrap();
    }
    let db = dir.path().join("w.db");
    assert!(bin()
        .args(["trace", "-q", "--db"])
        .arg(&db)
        .arg(dir.path())
        .output()
        .unwrap()
        .status
        .success());
    let stories = story_of_each(&db);
    assert_ne!(
        stories["t0"], stories["t1"],
        "one template filled twice is not one story"
    );
    let (_, story) = run(bin()
        .args(["story", "--format", "json", "--article", "t1", "--db"])
        .arg(&db));
    assert!(
        story["events"][0]["detail"]["reason"]
            .as_str()
            .unwrap()
            .contains("table of figures"),
        "{story}"
    );
}

#[test]
fn export_writes_csv_of_articles_passages_and_stories() {
    let (_dir, db) = traced_seeds();
    let export = |table: &str| {
        let out = bin()
            .args(["export", table, "--format", "csv", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let mut r = csv::Reader::from_reader(out.stdout.as_slice());
        let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect())
            .collect();
        (header, rows)
    };
    let (header, rows) = export("articles");
    assert_eq!(&header[..4], ["id", "title", "source", "url"]);
    assert_eq!(rows.len(), 2);
    let body = header.iter().position(|h| h == "body").unwrap();
    assert!(
        rows.iter().all(|r| r[body].contains("\n\n")),
        "bodies keep their paragraphs inside quoted cells"
    );
    let credits = header.iter().position(|h| h == "credits").unwrap();
    assert!(
        rows.iter().any(|r| r[credits] == "Salaam Times; AFP"),
        "lists are joined: {rows:?}"
    );
    let (header, rows) = export("passages");
    assert_eq!(
        header,
        [
            "a",
            "b",
            "a_start",
            "a_end",
            "b_start",
            "b_end",
            "score",
            "matched_words"
        ]
    );
    assert_eq!(rows.len(), 2);
    let (header, rows) = export("stories");
    assert_eq!(
        header,
        [
            "id",
            "title",
            "articles",
            "sources",
            "first_seen",
            "last_seen",
            "agencies"
        ]
    );
    assert_eq!(
        rows,
        [[
            "1",
            "Taliban maintain ties to Al Qaeda affiliate, says Pentagon",
            "2",
            "Dawn; Salaam Times",
            "2020-07-02",
            "2020-07-02",
            "AFP"
        ]]
    );
}

/// A seed article as a web page: headline, dated metadata, its lines as paragraphs, and the
/// navigation, sidebar and footer a real page carries.
fn seed_page(name: &str, published: Option<&str>) -> String {
    let text = fs::read_to_string(seeds().join(name)).unwrap();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let title = lines.next().unwrap();
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let meta = published
        .map(|d| format!(r#"<meta property="article:published_time" content="{d}T09:00:00Z">"#))
        .unwrap_or_default();
    let paras: String = lines.map(|l| format!("<p>{}</p>\n", esc(l))).collect();
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{t}</title>{meta}</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li></ul></nav>
<article><h1>{t}</h1>
{paras}</article>
<aside><h2>Most popular</h2><ul><li><a href="/1">Markets rally as rates hold</a></li><li><a href="/2">Storm season begins early</a></li></ul></aside>
<footer><p>Copyright 2020. All rights reserved.</p></footer></body></html>"#,
        t = esc(title)
    )
}

fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2020-07-03T08:00:00Z\r\nContent-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

#[test]
fn html_pages_and_warc_records_trace_into_one_story() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    fs::create_dir(&inp).unwrap();
    fs::write(inp.join("dawn.html"), seed_page(DAWN, Some("2020-07-02"))).unwrap();
    let page = seed_page(SALAAM, None);
    let mut warc = warc_record(
        "request",
        "https://salaam.example/taliban",
        b"GET /taliban HTTP/1.1\r\n\r\n",
    );
    warc.extend(warc_record(
        "response",
        "https://salaam.example/2020/07/03/taliban",
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{page}")
            .as_bytes(),
    ));
    warc.extend(warc_record(
        "response",
        "https://salaam.example/logo.png",
        b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
    ));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&warc).unwrap();
    fs::write(inp.join("crawl.warc.gz"), gz.finish().unwrap()).unwrap();

    let (out, page) = run(bin()
        .args(["extract", "--format", "json"])
        .arg(inp.join("dawn.html")));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        page["title"],
        "Taliban maintain ties to Al Qaeda affiliate, says Pentagon"
    );
    assert_eq!(page["published"], "2020-07-02");
    assert_eq!(
        page["fields_from"]["published"],
        "meta article:published_time"
    );
    assert_eq!(page["language"], "en");
    let body = page["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        body.contains("Afghan watchers have long questioned"),
        "{body}"
    );
    for debris in [
        "Most popular",
        "Markets rally",
        "All rights reserved",
        "Business",
    ] {
        assert!(!body.contains(debris), "{debris} in {body}");
    }

    let db = dir.path().join("w.db");
    let (out, v) = run(bin()
        .args(["trace", "--format", "json", "--db"])
        .arg(&db)
        .arg(&inp));
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(3),
        "the PNG record is reported: {err}"
    );
    assert!(
        err.contains("crawl.warc.gz record 3: not an HTML page (image/png)"),
        "{err}"
    );
    assert_eq!(v["summary"]["new"], 2, "{}", v["summary"]);
    let stories = v["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 1, "{stories:?}");
    assert_eq!(stories[0]["articles"].as_array().unwrap().len(), 2);
    let (_, exported) = run(bin()
        .args(["export", "articles", "--format", "json", "--db"])
        .arg(&db));
    let warc_article = exported
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "crawl-r2")
        .expect("WARC record id");
    assert_eq!(
        warc_article["url"],
        "https://salaam.example/2020/07/03/taliban"
    );
}

/// One HTTP/1.1 exchange on a plain socket: (status, body).
fn http(addr: &str, request: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.write_all(request.as_bytes()).unwrap();
    let mut got = String::new();
    c.read_to_string(&mut got).unwrap();
    let status = got
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (
        status,
        got.split("\r\n\r\n").nth(1).unwrap_or("").to_string(),
    )
}

#[test]
fn serve_listens_where_it_says_and_reads_the_store_the_cli_wrote() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (out, _) = run(bin()
        .args(["trace", "--quiet", "--format", "json", "--db"])
        .arg(&db)
        .arg(seeds()));
    assert!(out.status.success(), "{}", stderr(&out));
    let mut server = bin()
        .args(["serve", "--addr", "127.0.0.1:0", "--format", "json", "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let said: Value = serde_json::from_str(&first).unwrap();
    let addr = said["listening"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .to_string();
    let get = |path: &str| {
        http(
            &addr,
            &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        )
    };
    let (status, body) = get("/healthz");
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["articles"], 2);
    let (status, body) = get("/stories");
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["stories"][0]["articles"],
        2
    );
    server.kill().unwrap();
    server.wait().unwrap();

    // A taken address is a clear error.
    let blocker = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = blocker.local_addr().unwrap().to_string();
    let out = bin()
        .args(["serve", "--addr", &taken, "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!("cannot listen on {taken}")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn export_parquet_writes_a_file_or_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (out, _) = run(bin()
        .args(["trace", "--quiet", "--format", "json", "--db"])
        .arg(&db)
        .arg(seeds()));
    assert!(out.status.success());
    let file = dir.path().join("passages.parquet");
    let out = bin()
        .args(["export", "passages", "--format", "parquet", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        !out.status.success() && stderr(&out).contains("--output"),
        "{}",
        stderr(&out)
    );
    let out = bin()
        .args(["export", "passages", "--format", "parquet", "--output"])
        .arg(&file)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    if cfg!(feature = "parquet") {
        assert!(out.status.success(), "{}", stderr(&out));
        let bytes = fs::read(&file).unwrap();
        assert!(
            bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"),
            "a whole Parquet file"
        );
        assert!(!dir.path().join("passages.parquet.partial").exists());
        #[cfg(feature = "parquet")]
        {
            use parquet::file::reader::{FileReader, SerializedFileReader};
            let reader = SerializedFileReader::new(fs::File::open(&file).unwrap()).unwrap();
            let meta = reader.metadata().file_metadata();
            assert_eq!(meta.num_rows(), 2, "the seeds' two passages");
            let names: Vec<&str> = meta
                .schema_descr()
                .columns()
                .iter()
                .map(|c| c.name())
                .collect();
            assert_eq!(
                names,
                [
                    "a",
                    "b",
                    "a_start",
                    "a_end",
                    "b_start",
                    "b_end",
                    "score",
                    "matched_words"
                ]
            );
        }
    } else {
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("--features parquet"),
            "{}",
            stderr(&out)
        );
        assert!(!file.exists());
    }
}

/// Output piped into a reader that stops early (`| head`) ends the run quietly, as a success.
#[test]
fn a_reader_that_closes_stdout_early_is_not_an_error() {
    let (_dir, db) = traced_seeds();
    let seeds = seeds();
    let runs: [Vec<&std::ffi::OsStr>; 5] = [
        vec!["extract".as_ref(), seeds.as_os_str()],
        vec![
            "extract".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            seeds.as_os_str(),
        ],
        vec![
            "story".as_ref(),
            "1".as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
        ],
        vec!["stories".as_ref(), "--db".as_ref(), db.as_os_str()],
        vec![
            "export".as_ref(),
            "articles".as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
        ],
    ];
    for args in runs {
        let mut child = bin()
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before the first line is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
