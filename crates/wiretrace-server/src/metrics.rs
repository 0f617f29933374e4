//! Prometheus metrics: requests and their latency by route, articles ingested by outcome, batch
//! commit time, and what the store holds (read when scraped).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use wiretrace::engine::{IngestStatus, Ingested};

use crate::api::ApiError;
use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    articles: Family<StatusLabels, Counter>,
    batch_seconds: Histogram,
    stored_articles: Gauge,
    stored_stories: Gauge,
    stored_passages: Gauge,
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("wiretrace");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route",
            latency.clone(),
        );
        let articles = Family::<StatusLabels, Counter>::default();
        registry.register(
            "ingested_articles",
            "Articles given to POST /articles, by outcome",
            articles.clone(),
        );
        let batch_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        registry.register(
            "ingest_batch_seconds",
            "Time to ingest and commit one batch",
            batch_seconds.clone(),
        );
        let stored_articles = Gauge::default();
        registry.register(
            "store_articles",
            "Articles in the store",
            stored_articles.clone(),
        );
        let stored_stories = Gauge::default();
        registry.register(
            "store_stories",
            "Stories in the store",
            stored_stories.clone(),
        );
        let stored_passages = Gauge::default();
        registry.register(
            "store_passages",
            "Shared passages in the store",
            stored_passages.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            articles,
            batch_seconds,
            stored_articles,
            stored_stories,
            stored_passages,
        }
    }

    pub(crate) fn ingested(&self, results: &[Ingested], seconds: f64) {
        self.batch_seconds.observe(seconds);
        for r in results {
            let status = match r.status {
                IngestStatus::New => "new",
                IngestStatus::Unchanged => "unchanged",
                IngestStatus::Skipped => "skipped",
            };
            self.articles
                .get_or_create(&StatusLabels {
                    status: status.into(),
                })
                .inc();
        }
    }
}

/// Count and time every request under its route pattern (not its path, which would make a
/// series per article).
pub(crate) async fn record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    let m = &state.metrics;
    m.latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// `GET /metrics`: the Prometheus text format.
pub(crate) async fn scrape(State(state): State<AppState>) -> Result<Response, ApiError> {
    let counts = state.read(|engine| Ok(engine.counts()?)).await?;
    let m: Arc<Metrics> = state.metrics.clone();
    m.stored_articles.set(counts.articles);
    m.stored_stories.set(counts.stories);
    m.stored_passages.set(counts.passages);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &m.registry)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
