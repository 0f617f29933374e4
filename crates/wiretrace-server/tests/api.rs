//! The HTTP API over a real socket: pushing the seeds in and reading their story back, paging and
//! filters, search, compare, health and metrics, the OpenAPI description, every kind of bad
//! request, and the CLI's engine writing the same store while the server serves it.

mod common;

use common::{seed, Server};
use serde_json::{json, Value};

#[test]
fn the_seeds_pushed_in_come_back_as_one_story_with_provenance() {
    let s = Server::start();
    let [dawn, salaam] = s.post_seeds();
    assert_eq!(dawn["articles"][0]["id"], "dawn");
    assert_eq!(dawn["new"], 1);
    let story = dawn["articles"][0]["story"].as_i64().unwrap();
    assert_eq!(
        salaam["articles"][0]["story"].as_i64(),
        Some(story),
        "the second copy joins the first's story"
    );

    // The same article again is acknowledged as unchanged (200, not 201).
    let (status, again) = s.post(
        "/articles?id=dawn&source=Dawn",
        "text/plain",
        seed(common::SEEDS[0].0).as_bytes(),
    );
    assert_eq!((status, again["unchanged"].as_i64()), (200, Some(1)));

    let (status, v) = s.get(&format!("/stories/{story}"));
    assert_eq!(status, 200);
    assert_eq!(v["origin"], "dawn");
    assert_eq!(v["agencies"], json!(["AFP"]));
    assert_eq!(v["articles"].as_array().unwrap().len(), 2);
    assert!(!v["passages"].as_array().unwrap().is_empty());
    assert!(v["passages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["first_published"] == "dawn"));
    let salaam_entry = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "salaam")
        .unwrap();
    assert_eq!(salaam_entry["copied_from"][0]["id"], "dawn");
    assert!(
        !v["quotes"].as_array().unwrap().is_empty(),
        "who said what travels with the story"
    );

    let (status, a) = s.get("/articles/salaam");
    assert_eq!(status, 200);
    assert_eq!(
        (a["id"].as_str(), a["story"].as_i64(), a["source"].as_str()),
        (Some("salaam"), Some(story), Some("Salaam Times"))
    );
    assert!(a["removed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["reason"] == "comment" || r["reason"] == "caption"));
    assert_eq!(a["fields_from"]["source"], "declared");
    assert!(a["body"].as_array().unwrap().len() > 5);

    let (status, c) = s.get("/compare?a=dawn&b=salaam");
    assert_eq!(status, 200);
    assert_eq!(
        (c["a"]["id"].as_str(), c["b"]["source"].as_str()),
        (Some("dawn"), Some("Salaam Times"))
    );
    assert!(c["alignment"]["a_copied"].as_f64().unwrap() > 0.5);
}

#[test]
fn lists_page_and_filter_and_search_finds_words() {
    let s = Server::start();
    s.post_seeds();
    let other = json!([
        {"id": "rain-1", "source": "Gazette", "published": "2021-03-04", "title": "Rain floods the valley",
         "text": "Heavy rain flooded the valley on Tuesday, closing roads and schools.\nFarmers counted the damage."},
        {"id": "budget-1", "source": "Courier", "published": "2021-05-06", "title": "Council passes budget",
         "text": "The city council passed its budget after a long night of debate over libraries and parks."}
    ]);
    let (status, v) = s.post(
        "/articles",
        "application/json",
        other.to_string().as_bytes(),
    );
    assert_eq!((status, v["new"].as_i64()), (201, Some(2)), "{v}");

    let (_, all) = s.get("/stories");
    let titles: Vec<&str> = all["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 3);
    assert_eq!(titles[0], "Council passes budget", "newest first");
    let (_, page1) = s.get("/stories?limit=2");
    assert_eq!(
        (
            page1["stories"].as_array().unwrap().len(),
            page1["next_offset"].as_i64()
        ),
        (2, Some(2))
    );
    let (_, page2) = s.get("/stories?limit=2&offset=2");
    assert_eq!(
        (
            page2["stories"].as_array().unwrap().len(),
            &page2["next_offset"]
        ),
        (1, &Value::Null)
    );

    let count = |q: &str| {
        s.get(&format!("/stories?{q}")).1["stories"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count("agency=AFP"), 1);
    assert_eq!(count("source=courier"), 1);
    assert_eq!(count("from=2021-04-01"), 1);
    assert_eq!(count("to=2020-12-31"), 1);
    assert_eq!(count("q=flooded"), 1);
    assert_eq!(count("q=%22peace%20deal%22&agency=afp"), 1);
    assert_eq!(count("min_articles=2"), 1);

    let (status, found) = s.get("/search?q=Taliban%20inmates");
    assert_eq!(status, 200);
    let hits = found["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["id"], "salaam");
    assert!(!hits[0]["matches"].as_array().unwrap().is_empty());
    let (_, prefix) = s.get("/search?q=librar*");
    assert_eq!(prefix["hits"][0]["id"], "budget-1");
}

#[test]
fn bad_requests_get_a_4xx_that_says_what_is_wrong() {
    let s = Server::start_with(|c| {
        c.max_body_bytes = 64 * 1024;
        c.max_batch_articles = 3;
    });
    let expect = |(status, v): (u16, Value), want: u16, says: &str| {
        assert_eq!(status, want, "{v}");
        assert_eq!(v["status"].as_u64(), Some(want as u64), "{v}");
        let e = v["error"].as_str().unwrap();
        assert!(e.contains(says), "{e:?} should say {says:?}");
    };
    expect(
        s.post("/articles", "application/octet-stream", b"x"),
        415,
        "Content-Type",
    );
    expect(s.post("/articles", "text/plain", b"   \n"), 400, "empty");
    // An oversized body is refused from its declared length, before it is sent.
    let head = refused_head(&s.base, 100 * 1024);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(
        head.contains("larger than the 65536 bytes accepted"),
        "{head}"
    );
    expect(
        s.post("/articles", "application/json", b"{\"id\": 1"),
        422,
        "JSON",
    );
    expect(
        s.post(
            "/articles",
            "application/json",
            b"{\"id\": \"x\", \"text\": \"\"}",
        ),
        422,
        "no text",
    );
    let four: Vec<Value> = (0..4)
        .map(|i| json!({"id": format!("n{i}"), "text": format!("Article number {i} says little.")}))
        .collect();
    expect(
        s.post(
            "/articles",
            "application/json",
            Value::Array(four).to_string().as_bytes(),
        ),
        413,
        "at most 3",
    );
    let two = json!([{"text": "One short article."}, {"text": "Another short article."}]);
    expect(
        s.post(
            "/articles?id=same",
            "application/json",
            two.to_string().as_bytes(),
        ),
        400,
        "several",
    );
    expect(s.get("/articles/none"), 404, "no article");
    expect(s.get("/stories/12345"), 404, "no story");
    expect(s.get("/stories/abc"), 400, "whole number");
    expect(s.get("/stories?limit=0"), 400, "limit");
    expect(s.get("/stories?limit=ten"), 400, "limit");
    expect(s.get("/stories?from=July"), 400, "YYYY-MM-DD");
    expect(s.get("/search"), 400, "query");
    expect(s.get("/compare?a=x"), 400, "two");
    expect(s.get("/compare?a=x&b=y"), 404, "x");
    expect(s.get("/nothing/here"), 404, "/openapi.json");
    expect(s.get("/stories?offset=%FF"), 400, "offset");

    // A batch with a bad record stores the rest and names the bad one in its place.
    let mixed = json!([{"id": "ok-1", "text": "A fine article about the harbour."}, {"id": "bad", "text": 7}]);
    let (status, v) = s.post(
        "/articles",
        "application/json",
        mixed.to_string().as_bytes(),
    );
    assert_eq!(status, 201);
    assert_eq!(
        (v["new"].as_i64(), v["skipped"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(v["articles"][1]["status"], "skipped");
    assert!(
        v["articles"][1]["message"]
            .as_str()
            .unwrap()
            .contains("record 2"),
        "{v}"
    );
}

/// Send only the headers of a POST declaring `length` bytes and read what comes back.
fn refused_head(base: &str, length: usize) -> String {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    write!(c, "POST /articles HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: {length}\r\n\r\n").unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = c.read(&mut buf) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        if String::from_utf8_lossy(&got).contains("\"status\":413}") {
            break;
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

#[test]
fn health_metrics_and_the_openapi_description() {
    let s = Server::start();
    s.post_seeds();
    let (status, h) = s.get("/healthz");
    assert_eq!(
        (status, h["status"].as_str(), h["articles"].as_i64()),
        (200, Some("ok"), Some(2))
    );
    s.get("/stories/1");
    let (status, metrics) = s.get_text("/metrics");
    assert_eq!(status, 200);
    for line in [
        "wiretrace_store_articles 2",
        "wiretrace_ingested_articles_total{status=\"new\"} 2",
        "wiretrace_http_requests_total{method=\"GET\",route=\"/stories/{id}\",status=\"200\"} 1",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{line:?} missing from\n{metrics}"
        );
    }
    assert!(metrics.contains("wiretrace_http_request_duration_seconds_bucket"));

    let (status, spec) = s.get("/openapi.json");
    assert_eq!(status, 200);
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().unwrap();
    let documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    for p in [
        "/articles",
        "/articles/{id}",
        "/stories",
        "/stories/{id}",
        "/compare",
        "/search",
        "/healthz",
        "/metrics",
        "/openapi.json",
    ] {
        assert!(documented.contains(&p), "{p} is not documented");
    }
    // Every documented operation answers something other than "no such route", and every
    // schema it names exists.
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    for (path, ops) in paths {
        let concrete = path.replace("{id}", "1");
        let is_post = ops.get("post").is_some();
        let (status, body) = if is_post {
            let (status, v) = s.post(&concrete, "text/plain", b"");
            (status, v.to_string())
        } else {
            s.get_text(&concrete)
        };
        assert!(
            !(status == 404 && body.contains("no route")),
            "{path} is documented but not served"
        );
        for r in ops.to_string().split("#/components/schemas/").skip(1) {
            let name: String = r.chars().take_while(|c| c.is_alphanumeric()).collect();
            assert!(
                schemas.contains_key(&name),
                "{path} names a missing schema {name}"
            );
        }
    }
}

#[test]
fn the_cli_engine_writing_the_same_store_meanwhile_loses_nothing() {
    let s = Server::start();
    let db = s.db.clone();
    // Another writer (what `wiretrace trace` does) on its own connection, while the server ingests.
    let other = std::thread::spawn(move || {
        let mut engine = wiretrace::Engine::open(&db, wiretrace::Config::default()).unwrap();
        for i in 0..40 {
            let doc = format!("{{\"id\": \"cli-{i}\", \"text\": \"The ferry number {i} left the harbour at dawn carrying {i} passengers and mail.\"}}");
            let mut docs = Vec::new();
            wiretrace::ingest::read_bytes(
                std::path::Path::new("cli"),
                wiretrace::ingest::Format::Json,
                doc.as_bytes(),
                Default::default(),
                &mut |d| docs.push(d),
            );
            engine.ingest_docs(docs).unwrap();
        }
    });
    for i in 0..40 {
        let body = json!({"id": format!("api-{i}"), "text": format!("Rain number {i} fell on the plains and the rivers rose by {i} centimetres overnight.")});
        let (status, v) = s.post("/articles", "application/json", body.to_string().as_bytes());
        assert_eq!(status, 201, "{v}");
    }
    other.join().unwrap();
    let (_, h) = s.get("/healthz");
    assert_eq!(h["articles"].as_i64(), Some(80));
    for id in ["cli-0", "cli-39", "api-0", "api-39"] {
        assert_eq!(s.get(&format!("/articles/{id}")).0, 200, "{id}");
    }
    // The server's writer sees what the other wrote: its next articles still get distinct seqs.
    let (status, _) = s.post(
        "/articles?id=late",
        "text/plain",
        b"Late news\nA late article arrives after both writers.",
    );
    assert_eq!(status, 201);
    assert_eq!(s.get("/healthz").1["articles"].as_i64(), Some(81));
}
