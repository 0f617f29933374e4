//! Reads `path<TAB>url` lines on stdin and prints, for every page and every extractor asked for
//! (`wiretrace`, `rs-trafilatura`, `dom_smoothie`), one JSON line with the text, the metadata the
//! extractor gives, and the milliseconds it took, decoding included. One thread, pages in order.

use std::io::{BufRead, Read, Write};
use std::time::Instant;

use serde_json::{json, Value};

fn read_page(path: &str) -> std::io::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if path.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

fn wiretrace(bytes: &[u8], url: Option<&str>) -> Value {
    use wiretrace::ingest::{decode_html, Content, Declared, Origin, RawDoc};
    let page = match decode_html(bytes, None) {
        Ok(p) => p,
        Err(e) => return json!({"error": e.to_string()}),
    };
    let doc = RawDoc {
        origin: Origin::file(std::path::Path::new("page.html")),
        declared: Declared { url: url.map(str::to_string), ..Declared::default() },
        content: Content::Html(page.html),
        decoded_from: page.decoded_from,
        charset_from: Some(page.charset_from),
        bytes: bytes.len(),
    };
    let a = wiretrace::extract::extract(&doc);
    json!({
        "text": a.body_text(), "title": a.title, "author": a.authors.join(", "),
        "date": a.published, "comments": a.comments.join("\n\n"),
        "date_source": a.fields_from.get("published"), "modified": a.modified,
    })
}

fn rs_trafilatura(bytes: &[u8]) -> Value {
    match rs_trafilatura::extract_bytes(bytes) {
        Ok(r) => json!({
            "text": r.content_text, "title": r.metadata.title, "author": r.metadata.author,
            "date": r.metadata.date.map(|d| d.date_naive().to_string()), "page_type": r.metadata.page_type,
        }),
        Err(e) => json!({"error": e.to_string()}),
    }
}

fn dom_smoothie(bytes: &[u8], url: Option<&str>) -> Value {
    let html = String::from_utf8_lossy(bytes).into_owned();
    // dom_smoothie refuses relative or odd URLs; it reads the page without one then.
    let url = url.filter(|u| u.starts_with("http"));
    let r = dom_smoothie::Readability::new(html.clone(), url, None)
        .or_else(|_| dom_smoothie::Readability::new(html, None, None))
        .and_then(|mut r| r.parse());
    match r {
        Ok(a) => json!({
            "text": a.text_content.to_string(), "title": a.title, "author": a.byline,
            "date": a.published_time,
        }),
        Err(e) => json!({"error": e.to_string()}),
    }
}

fn main() {
    let which: Vec<String> = std::env::args().skip(1).collect();
    let which = if which.is_empty() { vec!["wiretrace".into(), "rs-trafilatura".into(), "dom_smoothie".into()] } else { which };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin");
        let mut parts = line.splitn(2, '\t');
        let path = parts.next().unwrap_or_default().to_string();
        let url = parts.next().filter(|u| !u.is_empty());
        let bytes = match read_page(&path) {
            Ok(b) => b,
            Err(e) => {
                writeln!(out, "{}", json!({"path": path, "error": e.to_string()})).unwrap();
                continue;
            }
        };
        for name in &which {
            let start = Instant::now();
            let mut v = match name.as_str() {
                "wiretrace" => wiretrace(&bytes, url),
                "rs-trafilatura" => rs_trafilatura(&bytes),
                "dom_smoothie" => dom_smoothie(&bytes, url),
                other => panic!("unknown extractor {other}"),
            };
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            v["path"] = json!(path);
            v["extractor"] = json!(name);
            v["ms"] = json!(ms);
            writeln!(out, "{v}").unwrap();
        }
    }
}
