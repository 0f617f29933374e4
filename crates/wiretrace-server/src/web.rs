//! The pages an analyst reads: the story list, a story (timeline, what each source copied and
//! added, two articles side by side with their shared passages highlighted and linked), an
//! article (clean text, metadata with where each field came from, removed debris on demand) and
//! search. Rendered on the server; a little JavaScript links passage pairs on hover and click.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use wiretrace::attribution::QuoteKind;
use wiretrace::engine::StoredView;
use wiretrace::story::{Story, StoryArticle};
use wiretrace::Alignment;

use crate::api::{one_page, story_id, ApiError, Params};
use crate::AppState;

/// A failed page, shown as a page.
pub(crate) struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = self.0.status.canonical_reason().unwrap_or("Error");
        let body = html! { h1 { (title) } p.error { (self.0.message) } p { a href="/" { "Back to the stories" } } };
        (self.0.status, page(title, "", body)).into_response()
    }
}

type PageResult = Result<Response, PageError>;

fn page(title: &str, query: &str, body: Markup) -> axum::response::Html<String> {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · wiretrace" }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "wiretrace" }
                    form.find action="/ui/search" method="get" role="search" {
                        input type="search" name="q" value=(query) placeholder="Search articles" aria-label="Search articles";
                    }
                }
                main { (body) }
            }
        }
    };
    axum::response::Html(markup.into_string())
}

fn percent(x: f64) -> String {
    format!("{:.0}%", (x * 100.0).clamp(0.0, 100.0))
}

fn or_dash(x: &Option<String>) -> &str {
    x.as_deref().unwrap_or("—")
}

/// `GET /`: the story list, newest first, with filters.
pub(crate) async fn story_list(State(state): State<AppState>, params: Params) -> PageResult {
    let filter = params.story_filter()?;
    let limit = params.int("limit", 50, 1..=500)?;
    let offset = params.int("offset", 0, 0..=i64::MAX)?;
    let f = filter.clone();
    let (stories, more) = one_page(
        state
            .read(move |e| Ok(e.stories_where(&f, limit + 1, offset)?))
            .await?,
        limit,
    );
    let keep = |extra: &str| {
        let mut q: Vec<String> = ["q", "source", "agency", "from", "to", "min_articles"]
            .iter()
            .filter_map(|k| params.text(k).map(|v| format!("{k}={}", encode(&v))))
            .collect();
        q.push(extra.to_string());
        format!("/?{}", q.join("&"))
    };
    let v = |k: &str| params.text(k).unwrap_or_default();
    let body = html! {
        h1 { "Stories" }
        form.filters method="get" action="/" {
            label { "Words " input type="search" name="q" value=(v("q")); }
            label { "Source " input type="text" name="source" value=(v("source")); }
            label { "Agency " input type="text" name="agency" value=(v("agency")) placeholder="AFP"; }
            label { "From " input type="date" name="from" value=(v("from")); }
            label { "To " input type="date" name="to" value=(v("to")); }
            button type="submit" { "Filter" }
        }
        @if stories.is_empty() {
            p.empty { "No stories match. Push articles with POST /articles or " code { "wiretrace trace" } "." }
        } @else {
            table.stories {
                thead { tr { th { "Headline" } th { "Sources" } th.num { "Articles" } th { "First seen" } th { "Agencies" } } }
                tbody {
                    @for s in &stories {
                        tr {
                            td data-label="Headline" { a href={ "/ui/stories/" (s.id) } { (s.title.as_deref().unwrap_or("(no headline)")) } }
                            td data-label="Sources" { (s.sources.join(", ")) }
                            td.num data-label="Articles" { (s.articles) }
                            td data-label="First seen" { (or_dash(&s.first_seen)) }
                            td data-label="Agencies" { (s.agencies.join(", ")) }
                        }
                    }
                }
            }
        }
        nav.pages {
            @if offset > 0 { a href=(keep(&format!("offset={}", (offset - limit).max(0)))) { "← Newer" } }
            @if more { a href=(keep(&format!("offset={}", offset + limit))) { "Older →" } }
        }
    };
    Ok(page("Stories", &v("q"), body).into_response())
}

/// Percent-encode a query value.
fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The two articles to show side by side: those asked for, else the origin and the article that
/// copied most from earlier ones.
fn pair_of(story: &Story, params: &Params) -> Option<(String, String)> {
    let ids: Vec<&str> = story.articles.iter().map(|a| a.id.as_str()).collect();
    let asked = |k: &str| params.text(k).filter(|id| ids.contains(&id.as_str()));
    let a = asked("a").unwrap_or_else(|| story.origin.clone());
    let b = asked("b").or_else(|| {
        story
            .articles
            .iter()
            .filter(|x| x.id != a)
            .max_by(|x, y| {
                x.copied_from_earlier_fraction
                    .total_cmp(&y.copied_from_earlier_fraction)
            })
            .map(|x| x.id.clone())
    })?;
    Some((a, b))
}

/// Articles listed on a story page's timeline.
const TIMELINE_SHOWN: usize = 300;

/// Shared passages listed on a story page (a story of hundreds of copies shares thousands).
const PASSAGES_SHOWN: usize = 100;

/// `GET /ui/stories/{id}`: one story.
pub(crate) async fn story_page(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    params: Params,
) -> PageResult {
    let id = story_id(&raw)?;
    let story = state
        .read(move |e| Ok(e.find_story(id, 0, PASSAGES_SHOWN)?))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no story {id} is stored")))?;
    let pair = match pair_of(&story, &params) {
        Some((a, b)) => {
            let found = state.read(move |e| Ok(e.compare_stored(&a, &b)?)).await?;
            found.ok()
        }
        None => None,
    };
    let title = story.title.clone().unwrap_or_else(|| format!("Story {id}"));
    let body = html! {
        h1 { (title) }
        p.meta {
            (story.articles_total) " articles"
            @if !story.sources.is_empty() { " · " (story.sources.join(", ")) }
            " · first seen " (or_dash(&story.first_seen))
            @if story.last_seen != story.first_seen { ", last " (or_dash(&story.last_seen)) }
            @if !story.agencies.is_empty() { " · wire: " strong { (story.agencies.join(", ")) } }
            " · " a href={ "/stories/" (id) } { "JSON" }
        }
        section #timeline {
            h2 { "Timeline" }
            p.legend {
                span.key.copied {} "copied from earlier articles "
                span.key.first {} "carried first, copied later "
                span.key.own {} "its own"
            }
            @if !story.complete {
                p.error { "This story holds " (story.articles_total) " articles, too many to trace: the first of them are listed without what each copied, and its shared passages are not shown." }
            }
            ol.timeline {
                @for a in story.articles.iter().take(TIMELINE_SHOWN) { (timeline_entry(id, a, &story)) }
            }
            @if story.articles.len() > TIMELINE_SHOWN {
                p.meta { "The first " (TIMELINE_SHOWN) " of " (story.articles_total) " articles." }
            }
        }
        @if let Some((x, y, al)) = &pair { (side_by_side(id, &story, x, y, al)) }
        (quotes(&story))
        @if !story.passages.is_empty() {
            section #passages {
                h2 { "Shared passages (" (story.passages_total) ")" }
                @if story.passages_total > story.passages.len() {
                    p.meta { "The first " (story.passages.len()) "; all of them: " a href={ "/stories/" (id) "?passage_limit=100000" } { "JSON" } }
                }
                ol.passages {
                    @for p in &story.passages {
                        li {
                            span.who { "first published by " strong { (p.first_published) } "; " (p.a) " ↔ " (p.b) ", " (p.matched_words) " words" }
                            q { (clip(&p.text, 320)) }
                        }
                    }
                }
            }
        }
        @if !story.events.is_empty() {
            details #events {
                summary { "Why each article joined (" (story.events.len()) ")" }
                ul { @for e in &story.events { li { code { (e.kind) } " " (e.article) ": " (event_reason(&e.detail)) } } }
            }
        }
    };
    Ok(page(&title, "", body).into_response())
}

fn event_reason(detail: &serde_json::Value) -> String {
    match detail.get("reason").and_then(|r| r.as_str()) {
        Some(r) => match detail.get("similarity") {
            Some(s) => format!(
                "{r} ({})",
                s.get("score")
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| s.to_string())
            ),
            None => r.to_string(),
        },
        None => detail.to_string(),
    }
}

fn clip(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let mut s: String = text.chars().take(chars).collect();
    s.push('…');
    s
}

fn timeline_entry(story: i64, a: &StoryArticle, s: &Story) -> Markup {
    let copied = a.copied_from_earlier_fraction.clamp(0.0, 1.0);
    let first = a.first_published_fraction.clamp(0.0, 1.0 - copied);
    let own = (1.0 - copied - first).max(0.0);
    let is_origin = a.id == s.origin;
    html! {
        li {
            div.entry {
                span.date { (or_dash(&a.published)) }
                span.source { (a.source.as_deref().unwrap_or("unknown source")) }
                a.title href={ "/ui/articles/" (encode(&a.id)) } { (a.title.as_deref().unwrap_or(&a.id)) }
                @if is_origin { span.badge { "origin" } }
                @if !a.credits.is_empty() { span.credits { (a.credits.join(", ")) } }
            }
            div.bar role="img" aria-label={ (percent(copied)) " copied, " (percent(first)) " carried first, " (percent(own)) " own" } {
                span.copied style={ "width:" (format!("{:.1}", copied * 100.0)) "%" } {}
                span.first style={ "width:" (format!("{:.1}", first * 100.0)) "%" } {}
                span.own style={ "width:" (format!("{:.1}", own * 100.0)) "%" } {}
            }
            div.figures {
                (percent(copied)) " copied"
                @if !a.copied_from.is_empty() {
                    " from "
                    @for (i, c) in a.copied_from.iter().enumerate() {
                        @if i > 0 { ", " }
                        (c.source.as_deref().unwrap_or(&c.id)) " (" (c.words) " words)"
                    }
                }
                " · " (a.added.iter().map(|x| x.words).sum::<usize>()) " words of its own"
                @if !is_origin {
                    " · " a href={ "/ui/stories/" (story) "?a=" (encode(&s.origin)) "&b=" (encode(&a.id)) "#compare" } { "compare with the origin" }
                }
            }
        }
    }
}

/// Two articles in columns: text they share highlighted and linked across, text the outlet
/// alone carries in the whole story marked as its own.
fn side_by_side(story: i64, s: &Story, x: &StoredView, y: &StoredView, al: &Alignment) -> Markup {
    let of = |id: &str| s.articles.iter().find(|a| a.id == id);
    let a_spans: Vec<(usize, usize)> = al.passages.iter().map(|p| (p.a_start, p.a_end)).collect();
    let b_spans: Vec<(usize, usize)> = al.passages.iter().map(|p| (p.b_start, p.b_end)).collect();
    let added = |id: &str| {
        of(id)
            .map(|a| a.added.iter().map(|t| (t.start, t.end)).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    html! {
        section #compare {
            h2 { "Side by side" }
            form.pick method="get" action={ "/ui/stories/" (story) "#compare" } {
                label { "Left " (article_select("a", s, &x.article.id)) }
                label { "Right " (article_select("b", s, &y.article.id)) }
                button type="submit" { "Compare" }
            }
            p.legend {
                mark.shared { "shared by both" } " "
                ins.added { "only this outlet carries it" } " · "
                (al.passages.len()) " shared passages; click one to find it on the other side"
            }
            div.columns {
                (column("a", "b", x, al.a_copied, &a_spans, &added(&x.article.id)))
                (column("b", "a", y, al.b_copied, &b_spans, &added(&y.article.id)))
            }
        }
    }
}

fn article_select(name: &str, s: &Story, chosen: &str) -> Markup {
    html! {
        select name=(name) {
            @for a in &s.articles {
                option value=(a.id) selected[a.id == chosen] {
                    (a.source.as_deref().unwrap_or("?")) " — " (clip(a.title.as_deref().unwrap_or(&a.id), 60))
                }
            }
        }
    }
}

fn column(
    side: &str,
    other: &str,
    v: &StoredView,
    copied: f64,
    shared: &[(usize, usize)],
    added: &[(usize, usize)],
) -> Markup {
    let a = &v.article;
    html! {
        article.col id={ "col-" (side) } data-side=(side) {
            h3 { (a.source.as_deref().unwrap_or("unknown source")) }
            p.coltitle { a href={ "/ui/articles/" (encode(&a.id)) } { (a.title.as_deref().unwrap_or(&a.id)) } }
            p.meta { (or_dash(&a.published)) " · " (v.words) " words · " (percent(copied)) " shared with the other" }
            (marked_body(&a.body, side, other, shared, added))
        }
    }
}

/// The body's paragraphs with shared passages (`shared[k]`, character offsets into the body
/// joined by blank lines) as linked marks and the outlet's own stretches as insertions.
fn marked_body(
    paragraphs: &[String],
    side: &str,
    other: &str,
    shared: &[(usize, usize)],
    added: &[(usize, usize)],
) -> Markup {
    const NONE: u32 = 0;
    const ADDED: u32 = 1;
    let total: usize = paragraphs.iter().map(|p| p.chars().count() + 2).sum();
    let mut label = vec![NONE; total];
    for &(s, e) in added {
        label[s.min(total)..e.min(total)].fill(ADDED);
    }
    for (k, &(s, e)) in shared.iter().enumerate() {
        label[s.min(total)..e.min(total)].fill(k as u32 + 2);
    }
    let mut seen = vec![false; shared.len()];
    let mut at = 0;
    html! {
        div.body {
            @for para in paragraphs {
                @let chars: Vec<char> = para.chars().collect();
                @let start = at;
                p {
                    @for (run_start, run_end, l) in runs(&label[start..start + chars.len()]) {
                        @let text: String = chars[run_start..run_end].iter().collect();
                        @if l == NONE {
                            (text)
                        } @else if l == ADDED {
                            ins.added { (text) }
                        } @else {
                            @let k = (l - 2) as usize;
                            @let first = !std::mem::replace(&mut seen[k], true);
                            mark.shared data-p=(k) id=[first.then(|| format!("{side}-p{k}"))] {
                                @if first { a.pl href={ "#" (other) "-p" (k) } title="the same passage on the other side" { (k + 1) } }
                                (text)
                            }
                        }
                    }
                }
                @let _ = { at += chars.len() + 2; };
            }
        }
    }
}

/// Runs of equal labels: (start, end, label).
fn runs(labels: &[u32]) -> Vec<(usize, usize, u32)> {
    let mut out: Vec<(usize, usize, u32)> = Vec::new();
    for (i, &l) in labels.iter().enumerate() {
        match out.last_mut() {
            Some(last) if last.2 == l => last.1 = i + 1,
            _ => out.push((i, i + 1, l)),
        }
    }
    out
}

fn quotes(s: &Story) -> Markup {
    let q = &s.attribution.quotes;
    html! {
        @if !q.is_empty() {
            section #quotes {
                h2 { "Who said what" }
                table.quotes {
                    thead { tr { th { "Speaker" } th { "Said" } th.num { "Articles" } } }
                    tbody {
                        @for x in q.iter().take(40) {
                            tr {
                                td data-label="Speaker" {
                                    (x.speaker.as_deref().unwrap_or("unattributed"))
                                    @if let Some(r) = &x.role { br; small { (r) } }
                                }
                                td data-label="Said" { q { (clip(&x.text, 280)) } @if x.kind == QuoteKind::Reported { " " small { "(reported)" } } }
                                td.num data-label="Articles" { (x.articles.len()) @if x.confirmed { " ✓" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /ui/articles/{id}`: one article.
pub(crate) async fn article_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> PageResult {
    let wanted = id.clone();
    let v = state
        .read(move |e| Ok(e.article(&wanted)?))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no article {id:?} is stored")))?;
    let a = &v.article;
    let from = |k: &str| a.fields_from.get(k).cloned().unwrap_or_default();
    let join = |v: &[String]| (!v.is_empty()).then(|| v.join(", "));
    let fields: Vec<(&str, Option<String>)> = vec![
        ("source", a.source.clone()),
        ("published", a.published.clone()),
        ("modified", a.modified.clone()),
        ("dateline", a.dateline.clone()),
        ("credits", join(&a.credits)),
        ("authors", join(&a.authors)),
        ("language", a.language.clone()),
        ("url", a.url.clone()),
        ("canonical_url", a.canonical_url.clone()),
        ("fetched", a.fetched.clone()),
        (
            "charset",
            a.fields_from
                .get("charset")
                .map(|_| a.decoded_from.clone().unwrap_or_else(|| "UTF-8".into())),
        ),
    ];
    let open = params.text("debris").is_some();
    let title = a.title.clone().unwrap_or_else(|| a.id.clone());
    let body = html! {
        p.crumbs { a href={ "/ui/stories/" (v.story) } { "← story " (v.story) } " · " a href={ "/articles/" (encode(&a.id)) } { "JSON" } }
        h1 { (title) }
        table.fields {
            thead { tr { th { "Field" } th { "Value" } th { "Where it came from" } } }
            tbody {
                tr { td { "id" } td { code { (a.id) } } td { } }
                @for (k, val) in &fields {
                    @if let Some(val) = val {
                        tr { td { (k) } td { (val) } td.from { (from(k)) } }
                    }
                }
                tr { td { "words" } td { (v.words) } td { } }
            }
        }
        div.body.plain { @for p in &a.body { p { (p) } } }
        @if !a.captions.is_empty() {
            h2 { "Captions" }
            ul { @for c in &a.captions { li { (c) } } }
        }
        @if !a.comments.is_empty() {
            details { summary { "Reader comments (" (a.comments.len()) ")" } ul { @for c in &a.comments { li { (c) } } } }
        }
        details #debris open[open] {
            summary { "Removed from the page (" (a.removed.len()) " lines)" }
            @if a.removed.is_empty() { p { "Nothing was removed." } }
            @else {
                table.debris {
                    thead { tr { th { "Why" } th { "Line" } } }
                    tbody { @for r in &a.removed { tr { td { code { (format!("{:?}", r.reason).to_lowercase()) } } td { (clip(&r.text, 400)) } } } }
                }
            }
        }
    };
    Ok(page(&title, "", body).into_response())
}

/// `GET /ui/search?q=`: articles matching words, best first.
pub(crate) async fn search_page(State(state): State<AppState>, params: Params) -> PageResult {
    let q = params.text("q").unwrap_or_default();
    let offset = params.int("offset", 0, 0..=i64::MAX)?;
    let limit = 20;
    let query = q.clone();
    let found = if q.is_empty() {
        Vec::new()
    } else {
        state
            .read(move |e| Ok(e.search(&query, limit + 1, offset)?))
            .await?
    };
    let (hits, more) = one_page(found, limit);
    let body = html! {
        h1 { "Search" }
        @if q.is_empty() { p { "Type words to find in headlines and bodies; \"quotes\" for a phrase, word* for a prefix." } }
        @else if hits.is_empty() { p.empty { "Nothing matches " q { (q) } "." } }
        ol.hits start=(offset + 1) {
            @for h in &hits {
                li {
                    a href={ "/ui/articles/" (encode(&h.id)) } { (h.title.as_deref().unwrap_or(&h.id)) }
                    span.meta { " " (h.source.as_deref().unwrap_or("")) " " (or_dash(&h.published)) " · " a href={ "/ui/stories/" (h.story) } { "story " (h.story) } }
                    p.snippet { (highlight(&h.snippet, &h.matches)) }
                }
            }
        }
        nav.pages {
            @if more { a href={ "/ui/search?q=" (encode(&q)) "&offset=" (offset + limit) } { "More →" } }
        }
    };
    Ok(page("Search", &q, body).into_response())
}

fn highlight(text: &str, matches: &[(usize, usize)]) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    html! {
        @for &(s, e) in matches {
            @if s >= at && e <= chars.len() {
                (chars[at..s].iter().collect::<String>())
                mark { (chars[s..e].iter().collect::<String>()) }
                @let _ = { at = e; };
            }
        }
        (chars[at.min(chars.len())..].iter().collect::<String>())
    }
}

/// `GET /assets/{name}`: the stylesheet and the script.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "app.css" => (include_str!("../assets/app.css"), "text/css; charset=utf-8"),
        "app.js" => (
            include_str!("../assets/app.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return ApiError::not_found(format!("no asset {name:?}")).into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        body,
    )
        .into_response()
}
