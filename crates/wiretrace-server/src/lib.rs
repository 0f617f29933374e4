//! wiretrace over HTTP: a JSON API to push articles into a store and read stories back, and
//! server-rendered pages where an analyst reads a story and compares its copies side by side.
//! A thin shell over [`wiretrace::Engine`]: one writer thread owns the store's writes, and reads
//! run on blocking threads with a connection each, so the CLI may write the same store meanwhile.

mod api;
mod metrics;
mod web;
mod writer;

use std::cell::RefCell;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use wiretrace::{Config, Engine};

pub use api::ApiError;

/// Everything `serve` needs to know.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The store (created if missing).
    pub db: PathBuf,
    /// Pipeline settings for ingested articles.
    pub engine: Config,
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub max_body_bytes: usize,
    /// Most articles one request may carry; more get 413.
    pub max_batch_articles: usize,
}

impl ServerConfig {
    pub fn new(db: PathBuf) -> ServerConfig {
        ServerConfig {
            db,
            engine: Config::default(),
            max_body_bytes: 64 << 20,
            max_batch_articles: 10_000,
        }
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] wiretrace::Error),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// What every handler shares.
#[derive(Clone)]
struct AppState {
    config: Arc<ServerConfig>,
    writer: writer::Writer,
    metrics: Arc<metrics::Metrics>,
    /// Outlet templates learnt from the articles pushed in, shared by the requests preparing them.
    templates: Arc<std::sync::Mutex<wiretrace::extract::template::SiteTemplates>>,
}

impl AppState {
    /// Run `f` on a store connection of a blocking thread (one per thread, kept between calls:
    /// opening one costs more than most reads).
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        thread_local! {
            static READER: RefCell<Option<(PathBuf, Engine)>> = const { RefCell::new(None) };
        }
        let config = self.config.clone();
        tokio::task::spawn_blocking(move || {
            READER.with(|cell| {
                let mut slot = cell.borrow_mut();
                if slot.as_ref().is_none_or(|(db, _)| *db != config.db) {
                    *slot = Some((config.db.clone(), Engine::open(&config.db, config.engine)?));
                }
                f(&slot.as_ref().expect("opened").1)
            })
        })
        .await
        .map_err(|e| ApiError::internal(format!("a read failed: {e}")))?
    }
}

/// The routes: the JSON API, the pages and their assets.
fn router(state: AppState) -> Router {
    Router::new()
        .route("/articles", axum::routing::post(api::post_articles))
        .route("/articles/{id}", get(api::get_article))
        .route("/stories", get(api::list_stories))
        .route("/stories/{id}", get(api::get_story))
        .route("/compare", get(api::compare))
        .route("/search", get(api::search))
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(metrics::scrape))
        .route("/openapi.json", get(api::openapi))
        .route("/", get(web::story_list))
        .route("/ui/stories/{id}", get(web::story_page))
        .route("/ui/articles/{id}", get(web::article_page))
        .route("/ui/search", get(web::search_page))
        .route("/assets/{name}", get(web::asset))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .with_state(state)
}

/// Serve on `listener` until `shutdown` completes; queued ingests finish before it returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let config = Arc::new(config);
    let metrics = Arc::new(metrics::Metrics::new());
    let templates = Arc::new(std::sync::Mutex::new(
        wiretrace::extract::template::SiteTemplates::new(),
    ));
    let writer = writer::Writer::start(config.clone(), metrics.clone(), templates.clone())?;
    let state = AppState {
        config,
        writer: writer.clone(),
        metrics,
        templates,
    };
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    writer.stop().await;
    Ok(())
}

/// Bind `addr`, tell `on_listening` the address bound (the port may have been 0), and serve
/// until Ctrl-C or SIGTERM, on a runtime of its own: the entry point for a program without one.
pub fn run(
    addr: &str,
    config: ServerConfig,
    on_listening: impl FnOnce(std::net::SocketAddr),
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
        on_listening(listener.local_addr()?);
        serve(listener, config, shutdown_signal()).await
    })
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
