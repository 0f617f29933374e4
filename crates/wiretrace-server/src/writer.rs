//! The one thread that writes the store. Requests clean their documents and find their quotes
//! on their own threads, then queue them here; the thread takes
//! every request waiting (up to a batch's worth), ingests them as one committed batch and only
//! then answers each, so an acknowledged article is always on disk, and many small requests
//! share one commit.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;
use wiretrace::engine::{Ingested, Prepared};
use wiretrace::extract::template::SiteTemplates;
use wiretrace::ingest::InputError;
use wiretrace::Engine;

use crate::metrics::Metrics;
use crate::ServerConfig;

/// Articles ingested together before a commit; bounds how long one request waits behind others.
const BATCH_ARTICLES: usize = 512;

type Reply = oneshot::Sender<Result<Vec<Ingested>, String>>;

struct Job {
    docs: Vec<Result<Prepared, InputError>>,
    reply: Reply,
}

/// A handle on the writer thread.
#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::SyncSender<Job>,
    done: Arc<std::sync::Mutex<Option<std::thread::JoinHandle<()>>>>,
}

impl Writer {
    /// Open the store on a new thread (its migrations run there) and start taking jobs. The
    /// outlet templates the store has learnt are put in `templates`, for the threads that
    /// prepare uploads, and put there again when a batch fails (what it taught is not stored).
    pub(crate) fn start(
        config: Arc<ServerConfig>,
        metrics: Arc<Metrics>,
        templates: Arc<Mutex<SiteTemplates>>,
    ) -> Result<Writer, wiretrace::Error> {
        let (queue, jobs) = mpsc::sync_channel::<Job>(1024);
        let (opened_tx, opened) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("wiretrace-writer".into())
            .spawn(move || {
                let mut engine = match Engine::open(&config.db, config.engine) {
                    Ok(mut e) => {
                        *lock(&templates) = e.take_templates();
                        let _ = opened_tx.send(Ok(()));
                        e
                    }
                    Err(e) => {
                        let _ = opened_tx.send(Err(e));
                        return;
                    }
                };
                run(&mut engine, jobs, &metrics, &templates);
            })
            .expect("spawn the writer thread");
        match opened.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => panic!("the writer thread ended before opening the store"),
        }
        Ok(Writer {
            queue,
            done: Arc::new(std::sync::Mutex::new(Some(thread))),
        })
    }

    /// Queue documents and wait until they are committed.
    pub(crate) async fn ingest(
        &self,
        docs: Vec<Result<Prepared, InputError>>,
    ) -> Result<Vec<Ingested>, String> {
        let (reply, answer) = oneshot::channel();
        let queue = self.queue.clone();
        // The queue is bounded: a full one makes requests wait here (off the async threads).
        tokio::task::spawn_blocking(move || queue.send(Job { docs, reply }))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|_| "the store writer has stopped".to_string())?;
        answer
            .await
            .map_err(|_| "the store writer stopped before answering".to_string())?
    }

    /// Let the thread finish what is queued, then end it.
    pub(crate) async fn stop(self) {
        let Writer { queue, done } = self;
        drop(queue);
        let handle = done.lock().ok().and_then(|mut h| h.take());
        if let Some(h) = handle {
            let _ = tokio::task::spawn_blocking(move || h.join()).await;
        }
    }
}

/// The templates, even if a thread panicked while holding them (they stay usable counts).
fn lock(templates: &Mutex<SiteTemplates>) -> std::sync::MutexGuard<'_, SiteTemplates> {
    templates.lock().unwrap_or_else(|e| e.into_inner())
}

fn run(
    engine: &mut Engine,
    jobs: mpsc::Receiver<Job>,
    metrics: &Metrics,
    templates: &Mutex<SiteTemplates>,
) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        let mut articles = batch[0].docs.len();
        while articles < BATCH_ARTICLES {
            match jobs.try_recv() {
                Ok(job) => {
                    articles += job.docs.len();
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        let sizes: Vec<usize> = batch.iter().map(|j| j.docs.len()).collect();
        let (docs, replies): (Vec<_>, Vec<_>) =
            batch.into_iter().map(|j| (j.docs, j.reply)).unzip();
        let started = std::time::Instant::now();
        match engine.ingest_prepared(docs.into_iter().flatten().collect()) {
            Ok(all) => {
                metrics.ingested(&all, started.elapsed().as_secs_f64());
                let mut all = all.into_iter();
                for (reply, n) in replies.into_iter().zip(sizes) {
                    let _ = reply.send(Ok(all.by_ref().take(n).collect()));
                }
            }
            Err(e) => {
                if let Ok(stored) = engine.store().read().templates() {
                    *lock(templates) = stored;
                }
                let message = format!("the batch could not be stored: {e}");
                for reply in replies {
                    let _ = reply.send(Err(message.clone()));
                }
            }
        }
    }
}
