//! The JSON API (described in `assets/openapi.json`, served at `/openapi.json`). Every failure is
//! a 4xx or 5xx with `{"error": "...", "status": N}` saying what is wrong.

use std::collections::HashMap;
use std::path::Path;

use axum::body::Body;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use wiretrace::engine::{prepare_shared, IngestStatus, Ingested, Prepared};
use wiretrace::ingest::{content_id, read_bytes, Format, InputError, RawDoc};
use wiretrace::store::StoryFilter;

use crate::AppState;

/// A failed request: its status and what went wrong, sent as JSON.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<wiretrace::Error> for ApiError {
    fn from(e: wiretrace::Error) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"error": self.message, "status": self.status.as_u16()})),
        )
            .into_response()
    }
}

/// Query parameters, with malformed ones answered as JSON errors.
pub(crate) struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<HashMap<String, String>>::from_request_parts(parts, state).await {
            Ok(Query(map)) => Ok(Params(map)),
            Err(e) => Err(ApiError::bad_request(format!(
                "bad query string: {}",
                e.body_text()
            ))),
        }
    }
}

impl Params {
    /// A non-empty text parameter.
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        self.0
            .get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// A whole number in `range`, or `default` when absent.
    pub(crate) fn int(
        &self,
        name: &str,
        default: i64,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<i64, ApiError> {
        let Some(v) = self.text(name) else {
            return Ok(default);
        };
        match v.parse::<i64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(format!(
                "{name} must be a whole number from {} to {}, not {v:?}",
                range.start(),
                range.end()
            ))),
        }
    }

    /// An ISO date (YYYY-MM-DD).
    pub(crate) fn date(&self, name: &str) -> Result<Option<String>, ApiError> {
        let Some(v) = self.text(name) else {
            return Ok(None);
        };
        let b = v.as_bytes();
        let ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if ok {
            Ok(Some(v))
        } else {
            Err(ApiError::bad_request(format!(
                "{name} must be a date written YYYY-MM-DD, not {v:?}"
            )))
        }
    }

    /// The story filter a list request names.
    pub(crate) fn story_filter(&self) -> Result<StoryFilter, ApiError> {
        Ok(StoryFilter {
            min_articles: self.int("min_articles", 1, 1..=1_000_000)?,
            from: self.date("from")?,
            to: self.date("to")?,
            source: self.text("source"),
            agency: self.text("agency"),
            query: self.text("q"),
        })
    }
}

/// A page of at most `limit` items from a read of `limit + 1`: the extra one says whether more
/// follow.
pub(crate) fn one_page<T>(mut items: Vec<T>, limit: i64) -> (Vec<T>, bool) {
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    (items, more)
}

/// A story id from the path.
pub(crate) fn story_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .map_err(|_| ApiError::bad_request(format!("a story id is a whole number, not {raw:?}")))
}

/// The input format a request's content type names.
fn format_of(headers: &HeaderMap) -> Result<Format, ApiError> {
    const KNOWN: &str = "text/plain (scraped page text), text/html (a web page), application/json (an article \
                         object or an array of them), application/x-ndjson (JSON Lines) or application/warc";
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("say what the body is with Content-Type: {KNOWN}"),
        ));
    };
    let mime = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    Ok(match mime.as_str() {
        "text/plain" => Format::Text,
        "text/html" | "application/xhtml+xml" => Format::Html,
        "application/json" => Format::Json,
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/x-jsonlines"
        | "application/jsonlines" => Format::JsonLines,
        "application/warc" => Format::Warc,
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("cannot read Content-Type {other:?}; send {KNOWN}"),
            ))
        }
    })
}

/// Read a request body, refusing more than `limit` bytes without reading them all.
async fn body_bytes(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<axum::body::Bytes, ApiError> {
    let too_large = |n: Option<u64>| {
        let size = n.map(|n| format!(" ({n} bytes)")).unwrap_or_default();
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than the {limit} bytes accepted{size}"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(declared));
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        // http-body-util's limit error is not re-exported by axum; its type name shows in Debug.
        if format!("{e:?}").contains("LengthLimitError") {
            too_large(None)
        } else {
            ApiError::bad_request(format!("cannot read the body: {e}"))
        }
    })
}

/// `POST /articles`: store one article or a batch; answer with each one's id and story once
/// they are committed.
pub(crate) async fn post_articles(
    State(state): State<AppState>,
    params: Params,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let format = format_of(&headers)?;
    let bytes = body_bytes(&headers, body, state.config.max_body_bytes).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("the body is empty: send an article"));
    }
    let limits = state.config.engine.read;
    let max_batch = state.config.max_batch_articles;
    let templates = state.templates.clone();
    let id_param = params.text("id");
    // Decoding, cleaning and finding quotes run off the async threads and beside the writer.
    let docs = tokio::task::spawn_blocking(move || {
        let mut docs: Vec<Result<RawDoc, InputError>> = Vec::new();
        let mut too_many = false;
        read_bytes(Path::new("upload"), format, &bytes, limits, &mut |d| {
            if docs.len() < max_batch {
                docs.push(d)
            } else {
                too_many = true
            }
        });
        if too_many {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("a request may carry at most {max_batch} articles; split the batch"),
            ));
        }
        if docs.len() > 1 && id_param.is_some() {
            return Err(ApiError::bad_request(
                "id names one article; this body holds several (give each its own id)",
            ));
        }
        let prepared: Vec<Result<Prepared, InputError>> = docs
            .into_iter()
            .map(|doc| {
                doc.and_then(|mut doc| {
                    declare(&mut doc, &params);
                    prepare_shared(doc, &templates)
                })
            })
            .collect();
        Ok(prepared)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let results = state
        .writer
        .ingest(docs)
        .await
        .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e))?;
    let count = |s: IngestStatus| results.iter().filter(|r| r.status == s).count();
    let (new, unchanged, skipped) = (
        count(IngestStatus::New),
        count(IngestStatus::Unchanged),
        count(IngestStatus::Skipped),
    );
    let articles: Vec<Value> = results.iter().map(ingested_json).collect();
    let mut out =
        json!({"articles": articles, "new": new, "unchanged": unchanged, "skipped": skipped});
    if new + unchanged == 0 {
        let first = results
            .iter()
            .find_map(|r| r.error.as_ref())
            .map(|e| e.to_string())
            .unwrap_or_default();
        out["error"] = json!(format!("no article could be stored: {first}"));
        out["status"] = json!(422);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(out)).into_response());
    }
    let status = if new > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(out)).into_response())
}

/// Fill what a document leaves undeclared from the query string; give it an id from its content
/// when it has none.
fn declare(doc: &mut RawDoc, params: &Params) {
    let d = &mut doc.declared;
    let from_query = |slot: &mut Option<String>, name: &str| {
        if slot.is_none() {
            *slot = params.text(name);
        }
    };
    from_query(&mut d.id, "id");
    from_query(&mut d.source, "source");
    from_query(&mut d.url, "url");
    from_query(&mut d.published, "published");
    from_query(&mut d.title, "title");
    if d.id.is_none() {
        d.id = Some(content_id(&doc.content));
    }
}

fn ingested_json(r: &Ingested) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    if let Some(e) = &r.error {
        v["message"] = json!(e.to_string());
    }
    v
}

/// `GET /articles/{id}`: the cleaned article with its metadata, where each field came from, and
/// every line removed as debris with the reason.
pub(crate) async fn get_article(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    let id2 = id.clone();
    let found = state.read(move |e| Ok(e.article(&id2)?)).await?;
    match found {
        Some(a) => Ok(Json(a).into_response()),
        None => Err(ApiError::not_found(format!("no article {id:?} is stored"))),
    }
}

/// `GET /stories`: the story list, latest first, filtered and paged.
pub(crate) async fn list_stories(
    State(state): State<AppState>,
    params: Params,
) -> Result<Response, ApiError> {
    let filter = params.story_filter()?;
    let limit = params.int("limit", 50, 1..=500)?;
    let offset = params.int("offset", 0, 0..=i64::MAX)?;
    let (stories, more) = one_page(
        state
            .read(move |e| Ok(e.stories_where(&filter, limit + 1, offset)?))
            .await?,
        limit,
    );
    let next = more.then_some(offset + limit);
    Ok(
        Json(json!({"stories": stories, "limit": limit, "offset": offset, "next_offset": next}))
            .into_response(),
    )
}

/// `GET /stories/{id}`: timeline, provenance, shared passages (a page of them), who said what.
pub(crate) async fn get_story(
    State(state): State<AppState>,
    axum::extract::Path(raw): axum::extract::Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let id = story_id(&raw)?;
    let limit = params.int("passage_limit", 200, 0..=100_000)? as usize;
    let offset = params.int("passage_offset", 0, 0..=i64::MAX)? as usize;
    match state
        .read(move |e| Ok(e.find_story(id, offset, limit)?))
        .await?
    {
        Some(story) => Ok(Json(story).into_response()),
        None => Err(ApiError::not_found(format!("no story {id} is stored"))),
    }
}

/// `GET /compare?a=&b=`: the passages two stored articles share and what each adds.
pub(crate) async fn compare(
    State(state): State<AppState>,
    params: Params,
) -> Result<Response, ApiError> {
    let (Some(a), Some(b)) = (params.text("a"), params.text("b")) else {
        return Err(ApiError::bad_request(
            "give two stored article ids: /compare?a=ID&b=ID",
        ));
    };
    let found = state.read(move |e| Ok(e.compare_stored(&a, &b)?)).await?;
    let (x, y, alignment) = found
        .map_err(|missing| ApiError::not_found(format!("no article {missing:?} is stored")))?;
    let brief = |v: &wiretrace::engine::StoredView| {
        json!({"id": v.article.id, "title": v.article.title, "source": v.article.source,
               "published": v.article.published, "story": v.story, "words": v.words})
    };
    Ok(Json(json!({"a": brief(&x), "b": brief(&y), "alignment": alignment})).into_response())
}

/// `GET /search?q=`: full-text search over stored headlines and bodies.
pub(crate) async fn search(
    State(state): State<AppState>,
    params: Params,
) -> Result<Response, ApiError> {
    let Some(q) = params.text("q") else {
        return Err(ApiError::bad_request("give a query: /search?q=words"));
    };
    let limit = params.int("limit", 20, 1..=200)?;
    let offset = params.int("offset", 0, 0..=i64::MAX)?;
    let query = q.clone();
    let (hits, more) = one_page(
        state
            .read(move |e| Ok(e.search(&query, limit + 1, offset)?))
            .await?,
        limit,
    );
    let next = more.then_some(offset + limit);
    Ok(Json(
        json!({"query": q, "hits": hits, "limit": limit, "offset": offset, "next_offset": next}),
    )
    .into_response())
}

/// `GET /healthz`: the store answers.
pub(crate) async fn healthz(State(state): State<AppState>) -> Result<Response, ApiError> {
    let counts = state.read(|e| Ok(e.counts()?)).await?;
    Ok(
        Json(json!({"status": "ok", "articles": counts.articles, "stories": counts.stories}))
            .into_response(),
    )
}

/// `GET /openapi.json`: the API's description.
pub(crate) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../assets/openapi.json"),
    )
        .into_response()
}

pub(crate) async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "no route {method} {}; the API is described at /openapi.json",
        uri.path()
    ))
}
