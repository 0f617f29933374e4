//! The pages as HTML over a real socket: the story list with its filters, the story page with
//! its timeline bars and columns, the article page with field sources and removed debris, search,
//! page errors, and text from articles always escaped.

mod common;

use common::Server;
use serde_json::json;

#[test]
fn the_pages_an_analyst_reads() {
    let s = Server::start();
    let [dawn, _] = s.post_seeds();
    let story = dawn["articles"][0]["story"].as_i64().unwrap();

    let (status, list) = s.get_text("/");
    assert_eq!(status, 200);
    assert!(list.contains("Taliban maintain ties to Al Qaeda affiliate, says Pentagon"));
    assert!(list.contains(&format!("href=\"/ui/stories/{story}\"")));
    assert!(
        list.contains("Dawn, Salaam Times") && list.contains("AFP"),
        "sources and agencies"
    );
    assert!(list.contains("name=\"viewport\""), "fit for a phone");
    let (_, none) = s.get_text("/?agency=Reuters");
    assert!(none.contains("No stories match"));

    let (status, page) = s.get_text(&format!("/ui/stories/{story}"));
    assert_eq!(status, 200);
    assert!(page.contains("class=\"bar\"") && page.contains("copied from Dawn"));
    assert!(page.contains("id=\"col-a\"") && page.contains("id=\"col-b\""));
    assert!(page.contains("<mark class=\"shared\""));
    assert!(page.contains("Who said what") && page.contains("Gen. Kenneth McKenzie"));
    assert!(page.contains("first published by <strong>dawn</strong>"));

    let (status, article) = s.get_text("/ui/articles/salaam?debris=1");
    assert_eq!(status, 200);
    assert!(article.contains("Where it came from") && article.contains("declared"));
    assert!(
        article.contains("<details id=\"debris\" open"),
        "debris shown when asked for"
    );
    assert!(article.contains("<code>comment</code>") || article.contains("<code>caption</code>"));
    let (_, closed) = s.get_text("/ui/articles/salaam");
    assert!(
        closed.contains("<details id=\"debris\">"),
        "and folded away otherwise"
    );

    let (status, found) = s.get_text("/ui/search?q=inmates");
    assert_eq!(status, 200);
    assert!(found.contains("<mark>inmates</mark>") && found.contains("/ui/articles/salaam"));

    let (status, missing) = s.get_text("/ui/stories/999");
    assert_eq!(status, 404);
    assert!(missing.contains("<!DOCTYPE html>") && missing.contains("no story 999"));
    assert_eq!(s.get_text("/assets/app.css").0, 200);
    assert_eq!(s.get_text("/assets/nope.js").0, 404);
}

#[test]
fn text_from_articles_is_escaped() {
    let s = Server::start();
    let evil = json!({"id": "x<y", "title": "<script>alert(1)</script> headline", "source": "A&B <i>",
                      "text": "Body with <b>tags</b> & \"quotes\" that must stay text."});
    let (status, v) = s.post("/articles", "application/json", evil.to_string().as_bytes());
    assert_eq!(status, 201, "{v}");
    let story = v["articles"][0]["story"].as_i64().unwrap();
    for path in [
        "/".to_string(),
        format!("/ui/stories/{story}"),
        "/ui/articles/x%3Cy".to_string(),
        "/ui/search?q=tags".to_string(),
    ] {
        let (status, html) = s.get_text(&path);
        assert_eq!(status, 200, "{path}");
        assert!(
            !html.contains("<script>alert"),
            "{path} lets markup through"
        );
        assert!(
            !html.contains("<b>tags</b>") && !html.contains("<i>"),
            "{path}"
        );
    }
}
