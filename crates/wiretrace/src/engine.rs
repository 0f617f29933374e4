//! Engine: runs the pipeline over a store. It reads inputs, cleans each article, finds the stored
//! articles it may share text with, aligns them, joins copy groups and stories, and writes each
//! article with everything derived from it in one transaction. The CLI and server call only this.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::align::{
    align, align_texts, mapped_within, matched_words_within, AlignParams, AlignedText, Alignment,
};
use crate::attribution;
use crate::extract::template::{Learnt, SiteTemplates};
use crate::extract::{extract, patterns, Article};
use crate::fingerprint::{keys, FingerprintParams};
use crate::index::{Index, IndexParams};
use crate::ingest::{discover, read_file, InputError, Problem, RawDoc, ReadLimits};
use crate::store::{LinkTarget, Membership, OptionalRow, StoryState, ALL_TEXT};
use crate::store::{NewArticle, SearchHit, Store, StoreCounts, StoreError, StoryFilter};
use crate::story::{
    centroid, day_number, profile, rounded, split_due, term_counts, two_way_split, CopiedFrom,
    Profile, Similarity, Story, StoryArticle, StoryEntry, StoryEvent, StoryIndex, StoryParams,
    StoryPassage, StorySummary, Stretch, TermStats,
};
use crate::text::tokenize;

/// Every tunable of the pipeline, with defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct Config {
    pub read: ReadLimits,
    pub fingerprint: FingerprintParams,
    pub index: IndexParams,
    pub align: AlignParams,
    pub story: StoryParams,
}

/// Errors that stop a run (bad inputs do not: they are reported and skipped).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Input(InputError),
    #[error("{path}: holds {count} articles; give a file holding exactly one")]
    NotOneArticle { path: String, count: usize },
}

/// What a run reports as it goes.
#[derive(Debug)]
pub enum Progress<'a> {
    /// Inputs found: files and their total size.
    Started { files: usize, bytes: u64 },
    /// One more article stored or recognised as already stored.
    Article {
        files_done: usize,
        articles: usize,
        bytes_done: u64,
    },
    /// An input or record was skipped.
    Skipped(&'a InputError),
}

/// Read and clean every article under `paths`, without a store. Bad inputs go to `on_skip`.
pub fn read_articles(
    paths: &[PathBuf],
    config: &Config,
    on_skip: &mut dyn FnMut(&InputError),
) -> Vec<Article> {
    let found = discover(paths);
    found.errors.iter().for_each(&mut *on_skip);
    let mut out = Vec::new();
    let mut templates = SiteTemplates::new();
    for file in &found.files {
        read_file(
            file,
            config.read,
            &mut |r| match r.and_then(|raw| clean(raw, &mut templates)) {
                Ok(a) => out.push(a),
                Err(e) => on_skip(&e),
            },
        );
    }
    out
}

/// Read the one article held by `path`.
pub fn read_one(path: &Path, config: &Config) -> Result<Article, Error> {
    let mut skipped = Vec::new();
    let mut articles = read_articles(&[path.to_path_buf()], config, &mut |e| {
        skipped.push(e.clone())
    });
    match (articles.len(), skipped.len()) {
        (1, 0) => Ok(articles.pop().unwrap()),
        (0, 1) => Err(Error::Input(skipped.pop().unwrap())),
        (n, s) => Err(Error::NotOneArticle {
            path: path.display().to_string(),
            count: n + s,
        }),
    }
}

/// The passages two articles share, and what each adds.
pub fn compare(a: &Article, b: &Article, params: AlignParams) -> Alignment {
    align_texts(&a.body_text(), &b.body_text(), params)
}

/// How close two articles are as parts of one story, by the measure the clusterer uses. With
/// `terms` (a store's document frequencies) words are TF-IDF weighted; without, by counts alone.
pub fn story_similarity(
    a: &Article,
    b: &Article,
    terms: Option<&TermStats>,
    params: &StoryParams,
) -> Similarity {
    let prof = |x: &Article| {
        let counts = article_counts(x.title.as_deref(), &x.body_text());
        match terms {
            Some(t) => profile(
                &counts,
                |term| t.df(term) + 1,
                t.docs + 1,
                params.profile_terms,
                params.profile_actors,
            ),
            None => profile(
                &counts,
                |_| 1,
                1,
                params.profile_terms,
                params.profile_actors,
            ),
        }
    };
    let days = |x: &Article| x.published.as_deref().and_then(day_number);
    let apart = days(a).zip(days(b)).map(|(x, y)| (x - y).abs());
    prof(a).similarity(&prof(b), apart, params)
}

/// An article ready to store: cleaned, with its body text, its quotes and actors, its tokens
/// and sentences, and its story terms: all the work that needs no store, so that it runs beside
/// the storing (on another thread or core) and the one thread that writes does less.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub article: Article,
    pub body: String,
    /// [`attribution::Sayings`] as bytes for the store.
    pub sayings: Vec<u8>,
    /// The body prepared for alignment.
    pub text: AlignedText,
    /// Story term counts of headline and body ([`crate::story::term_counts`]).
    pub terms: HashMap<u64, u32>,
    /// What cleaning it taught about its outlet's template, stored with it.
    pub learnt: Learnt,
    /// Headline and body as read, before the outlet's template lines were taken out: a page
    /// read again is the same page however much more of its site's template is known by then.
    pub content_hash: String,
}

/// Clean a raw document (learning its outlet's template) and find its quotes and actors.
pub fn prepare(raw: RawDoc, templates: &mut SiteTemplates) -> Result<Prepared, InputError> {
    prepare_with(raw, |article| {
        templates.apply(article);
        templates.take_learnt()
    })
}

/// Extract, hash the text as read, take the outlet's template out with `apply_template` (which
/// returns what the page taught), then prepare what is left.
fn prepare_with(
    raw: RawDoc,
    apply_template: impl FnOnce(&mut Article) -> Learnt,
) -> Result<Prepared, InputError> {
    let mut article = extract(&raw);
    let content_hash = content_hash(&article, &article.body_text());
    let learnt = apply_template(&mut article);
    Ok(Prepared {
        learnt,
        content_hash,
        ..prepared(with_body(article, raw)?)
    })
}

/// [`prepare`] for an article already cleaned.
pub fn prepared(article: Article) -> Prepared {
    let body = article.body_text();
    let sayings = attribution::sayings(&article).to_bytes();
    let text = AlignedText::new(body.as_str());
    let title = article.title.clone().unwrap_or_default();
    let terms = term_counts(&tokenize(&title), &title, &text.tokens, &body);
    Prepared {
        content_hash: content_hash(&article, &body),
        article,
        body,
        sayings,
        text,
        terms,
        learnt: Learnt::default(),
    }
}

/// [`prepare`] with templates shared by several threads: the lock is held only to apply them.
pub fn prepare_shared(
    raw: RawDoc,
    templates: &std::sync::Mutex<SiteTemplates>,
) -> Result<Prepared, InputError> {
    prepare_with(raw, |article| match templates.lock() {
        Ok(mut t) => {
            t.apply(article);
            t.take_learnt()
        }
        Err(_) => Learnt::default(),
    })
}

fn clean(raw: RawDoc, templates: &mut SiteTemplates) -> Result<Article, InputError> {
    let mut article = extract(&raw);
    templates.apply(&mut article);
    with_body(article, raw)
}

/// An article with nothing left after cleaning is an input error.
fn with_body(article: Article, raw: RawDoc) -> Result<Article, InputError> {
    if article.body.is_empty() {
        return Err(InputError {
            origin: raw.origin,
            problem: Problem::NoBody,
        });
    }
    Ok(article)
}

/// Counts of one `trace` run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TraceSummary {
    pub files: usize,
    pub ignored_files: usize,
    pub bytes: u64,
    pub articles: usize,
    pub new: usize,
    pub unchanged: usize,
    /// Articles stored under a new id because their id was taken by different text.
    pub renamed: usize,
    pub skipped: usize,
    pub skipped_by_reason: BTreeMap<String, usize>,
    pub candidates: usize,
    /// Candidates found through a shared LSH band (likely whole near-duplicates).
    pub near_duplicate_candidates: usize,
    /// Candidates not aligned because better ones already carry everything they share
    /// (`IndexParams::max_cover`).
    pub covered_candidates_skipped: usize,
    pub aligned_pairs: usize,
    pub passages: usize,
    pub stories: usize,
    pub seconds: f64,
    /// Articles in the in-memory candidate index at the end of the run, and its memory.
    pub indexed_articles: usize,
    pub index_bytes: usize,
    pub index_bytes_per_article: f64,
    /// Whether the index was read from the store's snapshot instead of rebuilt, and whether
    /// this run kept a new snapshot (after the index grew by a tenth).
    pub index_from_snapshot: bool,
    pub index_snapshot_kept: bool,
    /// Where the time went.
    pub stage_seconds: StageSeconds,
}

/// Seconds spent in each stage of a `trace` run. Reading and cleaning run on a second thread;
/// `waiting_for_input` is the time the ingesting thread waited for them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageSeconds {
    pub waiting_for_input: f64,
    pub fingerprint: f64,
    pub candidates: f64,
    pub align: f64,
    /// Finding the story an article joins by similarity (part of `store`).
    pub story: f64,
    pub store: f64,
    pub report: f64,
}

impl StageSeconds {
    fn round(&mut self) {
        for x in [
            &mut self.waiting_for_input,
            &mut self.fingerprint,
            &mut self.candidates,
            &mut self.align,
            &mut self.story,
            &mut self.store,
            &mut self.report,
        ] {
            *x = (*x * 1000.0).round() / 1000.0;
        }
    }
}

/// The result of a `trace` run.
#[derive(Debug, Clone, Serialize)]
pub struct TraceReport {
    pub stories: Vec<Story>,
    pub summary: TraceSummary,
    pub skipped: Vec<InputError>,
}

enum Outcome {
    New(i64),
    Unchanged(i64),
}

/// The pipeline over one store.
pub struct Engine {
    store: Store,
    config: Config,
    memory: Memory,
    /// Recently stored or aligned texts, prepared for alignment: a wire story is a candidate
    /// for each of its copies, and preparing it again each time was a tenth of a run.
    texts: lru::LruCache<i64, Arc<AlignedText>>,
    /// Outlet templates as the store has learnt them, taken on by each run and upload.
    templates: SiteTemplates,
}

/// What became of one document given to [`Engine::ingest_docs`].
#[derive(Debug, Clone, Serialize)]
pub struct Ingested {
    /// The id it is stored under (its declared id, or one derived from it when that id was
    /// taken by different text); `None` when it was skipped.
    pub id: Option<String>,
    /// `new`, `unchanged` (the same id and text were stored before) or `skipped`.
    pub status: IngestStatus,
    /// The story it is in now.
    pub story: Option<i64>,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<InputError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IngestStatus {
    New,
    Unchanged,
    Skipped,
}

/// A stored article as read back: the cleaned article and where the pipeline put it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredView {
    /// Arrival number in the store.
    pub seq: i64,
    pub story: i64,
    pub copy_group: i64,
    pub words: i64,
    #[serde(flatten)]
    pub article: Article,
}

/// What a `trace` run reports besides its summary.
#[derive(Debug, Clone, Copy)]
pub struct TraceOptions {
    /// Build the full stories touched by the run (large for big runs).
    pub stories: bool,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions { stories: true }
    }
}

/// What the reading thread hands to the ingesting one.
enum Fed {
    Article {
        prepared: Prepared,
        file: usize,
        into_file: u64,
    },
    Skipped(InputError),
    FileDone {
        bytes: u64,
    },
}

/// What the engine keeps in memory beside the store: the candidate index, the stories'
/// profiles and the terms' document frequencies. Each is built from the store when first
/// needed and caught up at the start of each batch, so articles written by another process
/// are found too.
struct Memory {
    index: Option<Index>,
    upto: i64,
    /// Articles in the index when its snapshot was last read or kept.
    snapshot_len: usize,
    /// Whether this run's index came from the snapshot.
    from_snapshot: bool,
    params: IndexParams,
    stories: Option<StoryIndex>,
    terms: Option<TermStats>,
    /// Stored articles as new articles linking to them saw them (`Reader::link_target`).
    links_seen: lru::LruCache<i64, Arc<LinkTarget>>,
}

impl Memory {
    fn new(params: IndexParams) -> Memory {
        Memory {
            index: None,
            upto: 0,
            snapshot_len: 0,
            from_snapshot: false,
            params,
            stories: None,
            terms: None,
            links_seen: lru::LruCache::new(std::num::NonZeroUsize::new(65_536).unwrap()),
        }
    }

    fn catch_up(&mut self, store: &Store) -> Result<(), Error> {
        let read = store.read();
        if self.index.is_none() {
            // Start from the kept snapshot when there is a usable one: rebuilding from every
            // stored article's keys takes about a minute at a million articles.
            if let Some((upto, bytes)) = read.index_snapshot()? {
                let stored_upto = read.last_seq()?;
                if let Some(index) =
                    Index::from_bytes(&bytes, self.params).filter(|_| upto <= stored_upto)
                {
                    self.snapshot_len = index.len();
                    self.from_snapshot = true;
                    self.index = Some(index);
                    self.upto = upto;
                }
            }
        }
        let index = self.index.get_or_insert_with(|| Index::new(self.params));
        let mut upto = self.upto;
        read.each_keys_after(upto, |seq, keys| {
            index.insert(seq, &keys);
            upto = seq;
        })?;
        if upto != self.upto {
            // Another process stored articles, and may have moved earlier ones between groups.
            self.links_seen.clear();
        }
        self.upto = upto;
        let stories = self.stories.get_or_insert_with(StoryIndex::default);
        for (id, entry) in read.stories_after(stories.upto)? {
            stories.put(id, entry);
        }
        if self.terms.is_none() {
            self.terms = Some(TermStats::new(
                read.term_dfs()?,
                read.article_count()? as u64,
            ));
        }
        Ok(())
    }

    /// Write the batch's term counts and commit it; on failure forget everything held, since
    /// it may describe articles the store does not have.
    fn commit(&mut self, store: &mut Store) -> Result<(), Error> {
        let pending = self
            .terms
            .as_mut()
            .map(TermStats::take_pending)
            .unwrap_or_default();
        let flushed = store.write(|w| w.add_term_counts(&pending));
        let committed = flushed.and_then(|()| store.commit_batch());
        if let Err(e) = committed {
            let _ = store.commit_batch();
            self.reset();
            return Err(e.into());
        }
        Ok(())
    }

    /// Keep a snapshot of the index once it has grown by a tenth since the last one. A snapshot
    /// is a cache: failing to keep one loses nothing, so it is reported, not raised.
    fn keep_snapshot(&mut self, store: &mut Store) -> bool {
        let Some(index) = &self.index else {
            return false;
        };
        let grown = index.len().saturating_sub(self.snapshot_len);
        if grown == 0 || grown * 10 < index.len() {
            return false;
        }
        let kept = store
            .save_index_snapshot(self.upto, &index.to_bytes())
            .is_ok();
        if kept {
            self.snapshot_len = index.len();
        }
        kept
    }

    fn reset(&mut self) {
        *self = Memory::new(self.params);
    }
}

impl Engine {
    pub fn open(db: &Path, config: Config) -> Result<Engine, Error> {
        let texts = lru::LruCache::new(std::num::NonZeroUsize::new(4096).unwrap());
        let store = Store::open(db)?;
        let templates = store.read().templates()?;
        Ok(Engine {
            store,
            config,
            memory: Memory::new(config.index),
            texts,
            templates,
        })
    }

    /// The outlet templates learnt so far, for cleaning documents elsewhere (a server's
    /// request threads, with [`prepare_shared`]); what they learn comes back in each
    /// [`Prepared`]. The engine keeps none of them after this.
    pub fn take_templates(&mut self) -> SiteTemplates {
        std::mem::take(&mut self.templates)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Ingest every article under `paths` in order, and report the stories they are in.
    pub fn trace(
        &mut self,
        paths: &[PathBuf],
        on: &mut dyn FnMut(Progress),
    ) -> Result<TraceReport, Error> {
        self.trace_with(paths, TraceOptions::default(), on)
    }

    /// [`Engine::trace`] with options.
    pub fn trace_with(
        &mut self,
        paths: &[PathBuf],
        options: TraceOptions,
        on: &mut dyn FnMut(Progress),
    ) -> Result<TraceReport, Error> {
        let started = Instant::now();
        let found = discover(paths);
        let mut summary = TraceSummary {
            files: found.files.len(),
            ignored_files: found.ignored,
            bytes: found.files.iter().map(|f| f.bytes).sum(),
            ..Default::default()
        };
        on(Progress::Started {
            files: summary.files,
            bytes: summary.bytes,
        });
        let mut skipped: Vec<InputError> = Vec::new();
        let mut skip = |e: InputError, on: &mut dyn FnMut(Progress), summary: &mut TraceSummary| {
            on(Progress::Skipped(&e));
            summary.skipped += 1;
            *summary
                .skipped_by_reason
                .entry(e.problem.label().to_string())
                .or_default() += 1;
            skipped.push(e);
        };
        for e in found.errors {
            skip(e, on, &mut summary);
        }
        let mut seqs = Vec::new();
        let mut batch = Batch::start(&mut self.store)?;
        if let Err(e) = self.memory.catch_up(&self.store) {
            let _ = self.store.commit_batch();
            return Err(e);
        }
        let files = &found.files;
        let limits = self.config.read;
        let stop = std::sync::atomic::AtomicBool::new(false);
        // Templates are learnt in arrival order, going on from what the store learnt before.
        let templates = std::sync::Mutex::new(std::mem::take(&mut self.templates));
        // Reading and cleaning run on their own thread, a bounded queue ahead of matching and
        // storing, so a second core is used and memory stays flat however large the input.
        let ingested = std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Fed>(256);
            let stop = &stop;
            let templates = &templates;
            // Named, so profiles tell reading from storing; failing to start it panics as
            // `scope.spawn` would.
            let reader = std::thread::Builder::new().name("wiretrace-read".into());
            reader
                .spawn_scoped(scope, move || {
                    let mut templates = templates.lock().unwrap_or_else(|e| e.into_inner());
                    let templates = &mut *templates;
                    for (n, file) in files.iter().enumerate() {
                        let mut into_file = 0u64;
                        read_file(file, limits, &mut |r| {
                            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                                return;
                            }
                            let fed = match r.and_then(|raw| prepare(raw, templates)) {
                                Ok(prepared) => {
                                    into_file =
                                        (into_file + prepared.body.len() as u64).min(file.bytes);
                                    Fed::Article {
                                        prepared,
                                        file: n,
                                        into_file,
                                    }
                                }
                                Err(e) => Fed::Skipped(e),
                            };
                            if tx.send(fed).is_err() {
                                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                            }
                        });
                        if tx.send(Fed::FileDone { bytes: file.bytes }).is_err() {
                            return;
                        }
                    }
                })
                .expect("failed to spawn thread");
            let mut bytes_done = 0;
            let result = (|| -> Result<(), Error> {
                loop {
                    let waited = Instant::now();
                    let Ok(fed) = rx.recv() else { return Ok(()) };
                    summary.stage_seconds.waiting_for_input += waited.elapsed().as_secs_f64();
                    match fed {
                        Fed::Skipped(e) => skip(e, on, &mut summary),
                        Fed::FileDone { bytes } => bytes_done += bytes,
                        Fed::Article {
                            prepared,
                            file,
                            into_file,
                        } => {
                            summary.articles += 1;
                            match self.ingest(prepared, &mut summary)? {
                                Outcome::New(seq) => {
                                    summary.new += 1;
                                    seqs.push(seq)
                                }
                                Outcome::Unchanged(seq) => {
                                    summary.unchanged += 1;
                                    seqs.push(seq)
                                }
                            }
                            let t = Instant::now();
                            batch.tick(&mut self.store, &mut self.memory)?;
                            summary.stage_seconds.store += t.elapsed().as_secs_f64();
                            let bytes_done = bytes_done + into_file;
                            on(Progress::Article {
                                files_done: file,
                                articles: summary.articles,
                                bytes_done,
                            });
                        }
                    }
                }
            })();
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            drop(rx);
            result
        });
        self.templates = templates.into_inner().unwrap_or_else(|e| e.into_inner());
        // However the loop ended, keep every article written whole so far and leave no
        // transaction open (an Engine outlives one failed run).
        let closed = self.close_batch(ingested.is_ok());
        ingested?;
        closed?;
        summary.index_snapshot_kept = self.memory.keep_snapshot(&mut self.store);
        summary.index_from_snapshot = self.memory.from_snapshot;
        let t = Instant::now();
        let read = self.store.read();
        let mut story_ids = BTreeSet::new();
        for seq in seqs {
            story_ids.insert(read.story_of_article(seq)?);
        }
        summary.stories = story_ids.len();
        let stories = if options.stories {
            story_ids
                .into_iter()
                .map(|id| self.story(id))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            Vec::new()
        };
        summary.stage_seconds.report = t.elapsed().as_secs_f64();
        if let Some(index) = &self.memory.index {
            summary.indexed_articles = index.len();
            summary.index_bytes = index.memory_bytes();
            summary.index_bytes_per_article =
                (index.memory_bytes() as f64 / index.len().max(1) as f64).round();
        }
        summary.stage_seconds.round();
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(TraceReport {
            stories,
            summary,
            skipped,
        })
    }

    fn ingest(&mut self, prepared: Prepared, summary: &mut TraceSummary) -> Result<Outcome, Error> {
        let Prepared {
            mut article,
            body,
            sayings,
            text,
            terms: counts,
            learnt,
            content_hash: hash,
        } = prepared;
        if !learnt.is_empty() {
            self.store.write(|w| w.add_template_learnt(&learnt))?;
        }
        let read = self.store.read();
        match read.find(&article.id)? {
            Some((seq, h)) if h == hash => return Ok(Outcome::Unchanged(seq)),
            Some(_) => {
                // The id is taken by different text: keep both, deterministically.
                article.id = format!("{}~{}", article.id, &hash[..8]);
                if let Some((seq, _)) = read.find(&article.id)? {
                    return Ok(Outcome::Unchanged(seq));
                }
                summary.renamed += 1;
            }
            None => {}
        }
        let cfg = self.config;
        let t = Instant::now();
        let article_keys = keys(&text.tokens, cfg.fingerprint);
        summary.stage_seconds.fingerprint += t.elapsed().as_secs_f64();
        let t = Instant::now();
        if self.memory.index.is_none() {
            self.memory.catch_up(&self.store)?;
        }
        let (cands, search) = self
            .memory
            .index
            .as_ref()
            .expect("caught up")
            .candidates(&article_keys);
        summary.candidates += cands.len();
        summary.covered_candidates_skipped += search.covered_skipped;
        summary.near_duplicate_candidates += cands.iter().filter(|c| c.bands > 0).count();
        summary.stage_seconds.candidates += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut others = Vec::with_capacity(cands.len());
        for c in cands {
            let other = match self.texts.get(&c.article) {
                Some(other) => other.clone(),
                None => {
                    let other = Arc::new(AlignedText::new(read.body(c.article)?));
                    self.texts.put(c.article, other.clone());
                    other
                }
            };
            others.push((c.article, other));
        }
        let mut links = Vec::new();
        for (other, al) in align_all(&others, &text, cfg.align) {
            if !al.passages.is_empty() {
                summary.aligned_pairs += 1;
                summary.passages += al.passages.len();
                links.push((other, al));
            }
        }
        summary.stage_seconds.align += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let new = NewArticle {
            article: &article,
            content_hash: &hash,
            body: &body,
            words: text.tokens.len(),
            keys: &article_keys,
            sayings: Some(&sayings),
        };
        let sp = cfg.story;
        let terms = self.memory.terms.as_mut().expect("caught up");
        let docs = terms.docs + 1;
        let prof = profile(
            &counts,
            |t| terms.df(t) + 1,
            docs,
            sp.profile_terms,
            sp.profile_actors,
        );
        let day = article.published.as_deref().and_then(day_number);
        let story_index = self.memory.stories.as_mut().expect("caught up");
        let links_seen = &mut self.memory.links_seen;
        let story_seconds = &mut summary.stage_seconds.story;
        let figures = rounded(figures_share(&body, &text.tokens));
        let table = figures > MAX_FIGURES_SHARE;
        let seq = self.store.write(|w| -> Result<i64, Error> {
            let r = w.read();
            // An article joins the copy group and story of the stored article whose member text
            // (see `Reader::link_target`) it shares most of: the wire it carries. A second wire
            // merged into it, or one merged into the other, is linked (its passages are kept) but
            // not joined, since joining every pair that shares a paragraph chains a large store
            // into a few giant groups.
            let mut best: Option<(usize, usize, i64)> = None;
            let mut adopted = Vec::new();
            // The articles those joined through.
            let mut adopted_through = Vec::new();
            let mut copied_from = Vec::new();
            // The links carrying member text of their articles' groups, with that text.
            let mut carriers: Vec<(usize, Option<Membership>)> = Vec::new();
            // Links to starters carrying their group text but not what their first joiner confirmed.
            let mut unconfirmed: Vec<(usize, Option<Membership>)> = Vec::new();
            for (i, (other, al)) in links.iter().enumerate() {
                let matched: usize = al.passages.iter().map(|p| p.matched_words).sum();
                if matched < sp.min_link_words {
                    continue;
                }
                // A wire's early copies are linked to by each later copy: what does not change
                // (id, group text) is kept; the story is read each time.
                let o = match links_seen.get(other) {
                    Some(seen) => LinkTarget {
                        story: r.story_of_article(*other)?,
                        ..LinkTarget::clone(seen)
                    },
                    None => {
                        let o = r.link_target(*other)?;
                        links_seen.put(*other, Arc::new(o.clone()));
                        o
                    }
                };
                let mut confirmed = None;
                let carried = match &o.membership {
                    Some(m) => {
                        let carried = matched_words_within(&al.passages, &m.ranges);
                        confirmed = m.confirmed.as_ref().map(|c| matched_words_within(&al.passages, c));
                        // Sharing more of `other`'s other text than `other` shares with its group
                        // marks `other` as a copy of this article's wire stored before it, which a
                        // second wire put in that wire's group.
                        let outside = matched.saturating_sub(carried);
                        if !m.started && outside >= sp.min_link_words && outside > m.words {
                            adopted.push((outside, i, m.ranges.clone()));
                            adopted_through.extend(m.through);
                        }
                        carried
                    }
                    None => matched,
                };
                if carried >= sp.min_link_words && confirmed.is_none_or(|c| c >= sp.min_link_words) {
                    if best.is_none_or(|(words, _, _)| carried > words) {
                        best = Some((carried, i, o.story));
                    }
                    carriers.push((i, o.membership));
                } else if carried >= sp.min_link_words && o.membership.as_ref().is_some_and(|m| m.started) {
                    unconfirmed.push((i, o.membership));
                }
                copied_from.push(serde_json::json!({"article": o.id, "story": o.story, "words": matched, "member_words": carried}));
            }
            // This article carries a wire whose earlier copies all sit in other wires' groups: it
            // starts the wire's group and takes them in.
            let adopting = adopted.iter().map(|&(words, _, _)| words).max();
            if adopting.is_some_and(|words| best.is_none_or(|(carried, _, _)| words > carried)) {
                best = None;
                // A starter confirmed by an article this one takes in was confirmed by another
                // wire (see `Writer::move_to_group`): what it carries of the starter is the
                // starter's group's text again.
                carriers.extend(unconfirmed.into_iter().filter(|(i, _)| adopted_through.contains(&links[*i].0)));
            } else {
                adopted.clear();
            }
            // What of its text is its group's: joining, what it shares with the confirmed text of
            // the article it joins through; starting a group, all but other groups' text.
            let group_text = match best {
                Some((_, i, _)) => joined_group_text(&links[i].1, &carriers, i),
                None => started_group_text(&links, &carriers, &adopted),
            };
            let mut stories = BTreeSet::new();
            let recent_after = r.last_seq()? - sp.recent_arrivals;
            let (target, decision) = match best {
                Some((_, _, story)) => {
                    // The links that say most; a wire's copies link to dozens of each other, and
                    // every passage is in the story anyway.
                    let links_total = copied_from.len();
                    copied_from.sort_by_key(|l| std::cmp::Reverse(l["member_words"].as_u64().unwrap_or(0)));
                    copied_from.truncate(MAX_EVENT_LINKS);
                    let detail = serde_json::json!({"reason": "shares passages", "with": copied_from, "links_total": links_total});
                    (Some(story), detail)
                }
                None if table => (None, serde_json::json!({"reason": TABLE_REASON, "figures_share": figures})),
                None => {
                    let t = Instant::now();
                    let found = story_index.nearest(&prof, day, recent_after, &sp);
                    *story_seconds += t.elapsed().as_secs_f64();
                    match found.first() {
                        Some(&(sim, id)) => {
                            // Close to two stories at once: the evidence says they are one.
                            if let Some(&(_, other)) = found.get(1).filter(|(s, _)| s.clears(sp.merge_score)) {
                                stories.insert(id);
                                stories.insert(other);
                            }
                            (Some(id), serde_json::json!({"reason": "similar", "similarity": sim}))
                        }
                        None => (None, serde_json::json!({"reason": "no story scored at least the threshold", "threshold": rounded(sp.min_score as f64)})),
                    }
                }
            };
            // Another process may have merged the story away since it was read.
            let state = match target {
                Some(t) => r.story_state(t).optional_row()?,
                None => None,
            };
            let started = state.is_none();
            let mut state = match state {
                Some(state) => state,
                None => StoryState { id: w.new_story()?, members: 0, profile: Profile::default() },
            };
            let target = state.id;
            let mut merged = Vec::new();
            for &s in stories.iter().filter(|&&s| s != target) {
                if let Some(other) = r.story_state(s).optional_row()? {
                    state.profile = state.profile.merged(
                        state.members as f32,
                        &other.profile,
                        other.members as f32,
                        sp.profile_terms,
                        sp.profile_actors,
                    );
                    state.members += other.members;
                    merged.push(s);
                }
            }
            w.merge_stories(target, &merged)?;
            let seq = w.insert_article(&new, best.map(|(_, i, _)| links[i].0), group_text.as_deref(), target)?;
            for (other, al) in &links {
                for p in &al.passages {
                    w.insert_passage(*other, seq, p)?;
                }
            }
            for &(_, i, _) in &adopted {
                if let Some(before) = w.move_to_group(links[i].0, seq)? {
                    links_seen.pop(&before);
                }
                links_seen.pop(&links[i].0);
            }
            // The first article to join through a group's starter says which of the starter's
            // text is the wire: a founder that merged two wires keeps the one copied first.
            if let Some((_, i, _)) = best {
                let member = carriers.iter().find(|(j, _)| *j == i).and_then(|(_, m)| m.as_ref());
                if member.is_none_or(|m| m.started && m.confirmed.is_none()) {
                    w.confirm_starter(links[i].0, &starter_confirmed(&links[i].1, member))?;
                    links_seen.pop(&links[i].0);
                }
            }
            w.add_story_event(target, seq, if started { "started" } else { "joined" }, &decision)?;
            if !merged.is_empty() {
                let why = if decision["reason"] == "similar" {
                    format!("the article scored at least {} with each", rounded(sp.merge_score as f64))
                } else {
                    "the article shares passages with articles of each".to_string()
                };
                w.add_story_event(target, seq, "merged", &serde_json::json!({"stories": merged, "reason": why}))?;
            }
            let profile = state.profile.merged(state.members as f32, &prof, 1.0, sp.profile_terms, sp.profile_actors);
            let members = state.members + 1;
            w.update_story(target, members, &profile, seq, article.published.as_deref())?;
            let mut days: Vec<i32> = day.into_iter().collect();
            for s in merged.iter().chain([&target]) {
                if let Some(e) = story_index.get(*s) {
                    days.extend(e.first_day.into_iter().chain(e.last_day));
                }
            }
            for &m in &merged {
                story_index.remove(m);
            }
            let entry = StoryEntry {
                members,
                profile,
                first_day: days.iter().copied().min(),
                last_day: days.iter().copied().max(),
                last_seq: seq,
            };
            story_index.put(target, entry);
            if sp.split_score > 0.0 && split_due(members) {
                let t = Instant::now();
                split(w, story_index, terms, &sp, target, seq)?;
                *story_seconds += t.elapsed().as_secs_f64();
            }
            Ok(seq)
        })?;
        terms.add_document(counts.keys().copied());
        if let Some(index) = &mut self.memory.index {
            index.insert(seq, &article_keys);
            self.memory.upto = seq;
        }
        self.texts.put(seq, Arc::new(text));
        summary.stage_seconds.store += t.elapsed().as_secs_f64();
        Ok(Outcome::New(seq))
    }

    /// Clean and store documents already read (an upload), as one batch: when this returns `Ok`
    /// every stored article is committed, so it may be acknowledged. Documents that cannot be
    /// read or cleaned are reported in their place and skipped. On `Err` nothing of the batch
    /// may be counted on (part of it may be stored; giving it again is harmless).
    pub fn ingest_docs(
        &mut self,
        docs: Vec<Result<RawDoc, InputError>>,
    ) -> Result<Vec<Ingested>, Error> {
        let templates = &mut self.templates;
        let prepared = docs
            .into_iter()
            .map(|d| d.and_then(|raw| prepare(raw, templates)))
            .collect();
        self.ingest_prepared(prepared)
    }

    /// [`Engine::ingest_docs`] for documents already [`prepare`]d (on other threads: a server
    /// prepares each request's articles on its own thread and stores them on one).
    pub fn ingest_prepared(
        &mut self,
        docs: Vec<Result<Prepared, InputError>>,
    ) -> Result<Vec<Ingested>, Error> {
        let mut summary = TraceSummary::default();
        let mut seqs: Vec<Result<(i64, IngestStatus), InputError>> = Vec::with_capacity(docs.len());
        Batch::start(&mut self.store)?;
        let ingested = (|| -> Result<(), Error> {
            self.memory.catch_up(&self.store)?;
            for doc in docs {
                match doc {
                    Err(e) => seqs.push(Err(e)),
                    Ok(prepared) => {
                        seqs.push(Ok(match self.ingest(prepared, &mut summary)? {
                            Outcome::New(seq) => (seq, IngestStatus::New),
                            Outcome::Unchanged(seq) => (seq, IngestStatus::Unchanged),
                        }));
                    }
                }
            }
            Ok(())
        })();
        let closed = self.close_batch(ingested.is_ok());
        ingested?;
        closed?;
        self.memory.keep_snapshot(&mut self.store);
        let r = self.store.read();
        seqs.into_iter()
            .map(|x| match x {
                Ok((seq, status)) => {
                    let a = r.article(seq)?;
                    Ok(Ingested {
                        id: Some(a.id),
                        status,
                        story: Some(a.story),
                        error: None,
                    })
                }
                Err(e) => Ok(Ingested {
                    id: None,
                    status: IngestStatus::Skipped,
                    story: None,
                    error: Some(e),
                }),
            })
            .collect()
    }

    /// Commit the open batch however ingesting ended; after a failure (of the ingest or the
    /// commit) forget what memory holds, since it may describe articles the store lacks.
    fn close_batch(&mut self, ingested_ok: bool) -> Result<(), Error> {
        let closed = self.memory.commit(&mut self.store);
        if !ingested_ok || closed.is_err() {
            self.memory.reset();
            self.texts.clear();
            // What was learnt from articles the store lacks is forgotten with them.
            if let Ok(t) = self.store.read().templates() {
                self.templates = t;
            }
        }
        closed
    }

    /// The stored story `id` with a page of its passages, or `None` when there is none (see
    /// [`Engine::story_with`]).
    pub fn find_story(&self, id: i64, offset: usize, limit: usize) -> Result<Option<Story>, Error> {
        if self.store.read().story_dates(id).optional_row()?.is_none() {
            return Ok(None);
        }
        self.story_with(id, offset, limit).map(Some)
    }

    /// The stored article `id`, if there is one.
    pub fn article(&self, id: &str) -> Result<Option<StoredView>, Error> {
        let r = self.store.read();
        let Some(seq) = r.seq_of(id)? else {
            return Ok(None);
        };
        let a = r.article(seq)?;
        Ok(Some(StoredView {
            seq,
            story: a.story,
            copy_group: a.copy_group,
            words: a.words,
            article: r.full_article(seq)?,
        }))
    }

    /// The passages two stored articles share, and what each adds; `None` names a missing id.
    pub fn compare_stored(
        &self,
        a: &str,
        b: &str,
    ) -> Result<Result<(StoredView, StoredView, Alignment), String>, Error> {
        let Some(x) = self.article(a)? else {
            return Ok(Err(a.to_string()));
        };
        let Some(y) = self.article(b)? else {
            return Ok(Err(b.to_string()));
        };
        let alignment = compare(&x.article, &y.article, self.config.align);
        Ok(Ok((x, y, alignment)))
    }

    /// Stories through a filter, latest first (see [`crate::store::Reader::stories_where`]).
    pub fn stories_where(
        &self,
        filter: &StoryFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StorySummary>, Error> {
        Ok(self.store.read().stories_where(filter, limit, offset)?)
    }

    /// Stored articles matching a full-text query, best first (see [`crate::store::fts_query`]).
    pub fn search(&self, query: &str, limit: i64, offset: i64) -> Result<Vec<SearchHit>, Error> {
        Ok(self.store.read().search(query, limit, offset)?)
    }

    /// Counts for monitoring: articles, stories, passages.
    pub fn counts(&self) -> Result<StoreCounts, Error> {
        Ok(self.store.read().counts()?)
    }

    /// A stored story: its articles in timeline order, with what each copied, from whom, and
    /// what it added; every shared passage with the article that published it first; and the
    /// record of why each article joined.
    pub fn story(&self, id: i64) -> Result<Story, Error> {
        self.story_with(id, 0, usize::MAX)
    }

    /// [`Engine::story`] with only `limit` of its shared passages after the first `offset` (a
    /// story of hundreds of copies shares tens of thousands); `passages_total` counts them all.
    pub fn story_with(&self, id: i64, offset: usize, limit: usize) -> Result<Story, Error> {
        let r = self.store.read();
        let (first_seen, last_seen) = r.story_dates(id)?;
        let members = r.story_members_count(id)?;
        if members > MAX_TRACED_ARTICLES as i64 {
            let (sources, credits) = r.story_sources_and_credits(id, MAX_TRACED_ARTICLES as i64)?;
            let listed = r.story_articles_upto(id, MAX_TRACED_ARTICLES as i64)?;
            return Ok(untraced_story(
                id,
                listed,
                members as usize,
                (first_seen, last_seen),
                sources,
                credits,
            ));
        }
        let stored = r.story_articles(id)?;
        let mut agencies: Vec<String> = Vec::new();
        let mut sources: Vec<String> = Vec::new();
        for a in &stored {
            for ag in a.credits.iter().filter_map(|c| patterns::agency(c)) {
                if !agencies.iter().any(|x| x == ag) {
                    agencies.push(ag.to_string());
                }
            }
            if let Some(s) = &a.source {
                if !sources.contains(s) {
                    sources.push(s.clone());
                }
            }
        }
        let passages = r.story_passages(id)?;
        let provenance = Provenance::trace(&stored, &passages);
        let mut articles = Vec::with_capacity(stored.len());
        let mut bodies = Vec::with_capacity(stored.len());
        // Copies without a date of their own count relative dates from the story's first.
        let story_anchor = first_seen
            .as_deref()
            .and_then(crate::extract::date::parse_declared);
        let mut attributions = Vec::with_capacity(stored.len());
        let mut kept = r.story_sayings(id)?;
        for (i, a) in stored.iter().enumerate() {
            // One read serves the attribution and the body (stored as the article's body text).
            let full = r.full_article(a.seq)?;
            let anchor = attribution::anchor_of(&full).or(story_anchor);
            // Quotes and actors kept when the article was stored; found now for older stores.
            let sayings = kept
                .remove(&a.seq)
                .and_then(|b| attribution::Sayings::from_bytes(&b));
            let sayings = sayings.unwrap_or_else(|| attribution::sayings(&full));
            attributions.push((
                a.id.clone(),
                attribution::attribute_from(&full, sayings, anchor),
            ));
            let body = full.body_text();
            let tokens = tokenize(&body);
            let words = a.words.max(1) as f64;
            let fraction = |n: usize| ((n as f64 / words) * 1000.0).round() / 1000.0;
            let p = &provenance.articles[i];
            articles.push(StoryArticle {
                id: a.id.clone(),
                title: a.title.clone(),
                source: a.source.clone(),
                published: a.published.clone(),
                copy_group: a.copy_group,
                copied_fraction: fraction(p.shared.covered()),
                credits: a.credits.clone(),
                copied_from_earlier_fraction: fraction(p.from_earlier.covered()),
                copied_from: p
                    .copied_from
                    .iter()
                    .map(|&(j, words)| CopiedFrom {
                        id: stored[j].id.clone(),
                        source: stored[j].source.clone(),
                        words,
                    })
                    .collect(),
                first_published_fraction: fraction(
                    p.shared.covered().saturating_sub(p.from_earlier.covered()),
                ),
                added: p
                    .shared
                    .gaps(tokens.len(), 8)
                    .map(|(s, e)| stretch(&body, &tokens, s, e))
                    .collect(),
            });
            bodies.push(body);
        }
        // Character offsets to byte offsets, per body, built once rather than per passage.
        let char_starts: Vec<Vec<usize>> = bodies
            .iter()
            .map(|b| b.char_indices().map(|(i, _)| i).chain([b.len()]).collect())
            .collect();
        let slice = |i: usize, (s, e): (i64, i64)| -> String {
            let starts = &char_starts[i];
            let at = |c: i64| starts[(c.max(0) as usize).min(starts.len() - 1)];
            bodies[i][at(s)..at(e.max(s))].to_string()
        };
        let passages_total = passages.len();
        let story_passages = passages
            .iter()
            .zip(&provenance.first_published)
            .skip(offset)
            .take(limit)
            .filter_map(|(p, &first)| {
                let (ia, ib) = (provenance.position(p.a)?, provenance.position(p.b)?);
                // `a` is the earlier in the timeline.
                let ((a, ac), (b, bc)) = if ia <= ib {
                    ((ia, p.a_chars), (ib, p.b_chars))
                } else {
                    ((ib, p.b_chars), (ia, p.a_chars))
                };
                Some(StoryPassage {
                    a: stored[a].id.clone(),
                    b: stored[b].id.clone(),
                    a_start: ac.0,
                    a_end: ac.1,
                    b_start: bc.0,
                    b_end: bc.1,
                    matched_words: p.matched_words,
                    first_published: stored[first].id.clone(),
                    text: slice(a, ac),
                })
            })
            .collect();
        let events = r
            .story_events(id)?
            .into_iter()
            .map(|e| StoryEvent {
                article: e.article,
                kind: e.kind,
                detail: e.detail,
            })
            .collect();
        let origin = stored.first();
        Ok(Story {
            id,
            title: origin.and_then(|a| a.title.clone()),
            origin: origin.map(|a| a.id.clone()).unwrap_or_default(),
            agencies,
            first_seen,
            last_seen,
            articles,
            sources,
            passages: story_passages,
            passages_total,
            events,
            attribution: attribution::merge(&attributions),
            complete: true,
            articles_total: stored.len(),
        })
    }

    /// The story list, latest first (see [`crate::store::Reader::story_list`]).
    pub fn stories(
        &self,
        min_articles: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StorySummary>, Error> {
        Ok(self.store.read().story_list(min_articles, limit, offset)?)
    }

    /// The store's document frequencies, for [`story_similarity`].
    pub fn term_stats(&self) -> Result<TermStats, Error> {
        let r = self.store.read();
        Ok(TermStats::new(r.term_dfs()?, r.article_count()? as u64))
    }

    /// The id of the story holding the stored article `id`.
    pub fn story_of(&self, id: &str) -> Result<Option<i64>, Error> {
        let r = self.store.read();
        match r.seq_of(id)? {
            Some(seq) => Ok(Some(r.story_of_article(seq)?)),
            None => Ok(None),
        }
    }
}

/// Split story `id` in two if its articles read as two stories (checked as article `seq` joins),
/// and record why on both.
fn split(
    w: &crate::store::Writer,
    index: &mut StoryIndex,
    terms: &TermStats,
    sp: &StoryParams,
    id: i64,
    seq: i64,
) -> Result<(), Error> {
    let r = w.read();
    // Copy groups are never cut, so a story of one copy group cannot split.
    if r.story_copy_groups(id)? < 2 {
        return Ok(());
    }
    let members = r.story_members(id)?;
    let profiles: Vec<Profile> = members
        .iter()
        .map(|m| {
            let counts = article_counts(m.title.as_deref(), &m.body);
            profile(
                &counts,
                |t| terms.df(t) + 1,
                terms.docs + 1,
                sp.profile_terms,
                sp.profile_actors,
            )
        })
        .collect();
    let groups: Vec<i64> = members.iter().map(|m| m.copy_group).collect();
    let Some((moved, between)) = two_way_split(&profiles, &groups, sp) else {
        return Ok(());
    };
    let new = w.new_story()?;
    let moved_seqs: Vec<i64> = moved.iter().map(|&i| members[i].seq).collect();
    w.move_articles(&moved_seqs, new)?;
    let stay: Vec<usize> = (0..members.len()).filter(|i| !moved.contains(i)).collect();
    let ids =
        |part: &[usize]| -> Vec<&str> { part.iter().map(|&i| members[i].id.as_str()).collect() };
    let reason = format!(
        "its articles fell into two groups scoring {} together, at most {}",
        between.score,
        rounded(sp.split_score as f64)
    );
    for (story, part, other) in [(id, &stay, new), (new, &moved, id)] {
        let centre = centroid(&profiles, part, sp);
        w.reset_story(story, part.len() as i64, &centre, seq)?;
        let days: Vec<i32> = part
            .iter()
            .filter_map(|&i| members[i].published.as_deref().and_then(day_number))
            .collect();
        let entry = StoryEntry {
            members: part.len() as i64,
            profile: centre,
            first_day: days.iter().copied().min(),
            last_day: days.iter().copied().max(),
            last_seq: seq,
        };
        index.put(story, entry);
        let detail = serde_json::json!({"other": other, "articles": ids(part), "similarity": between, "reason": reason});
        w.add_story_event(story, seq, "split", &detail)?;
    }
    Ok(())
}

/// Term counts of an article's headline and body, as the story stage counts them.
fn article_counts(title: Option<&str>, body: &str) -> HashMap<u64, u32> {
    let title = title.unwrap_or_default();
    term_counts(&tokenize(title), title, &tokenize(body), body)
}

/// Articles whose words are more than this share figures are tables (results, prices, weather),
/// not narrative: they share their template with every table of their kind, so they join stories
/// only through shared passages. (Reuters' earnings tables chained into one story of 1,878.)
const MAX_FIGURES_SHARE: f64 = 0.3;
const TABLE_REASON: &str = "a table of figures joins a story only through shared passages";

/// The links a join event lists (`links_total` counts them all).
const MAX_EVENT_LINKS: usize = 16;

/// The group text of a new article starting its copy group: its text but what
/// it shares with the member text of other groups' articles (`carriers`: links, with their
/// articles' member text, `None` for all of it), a second wire merged into it, and not with the
/// other text of the articles it takes in (`adopted`: links, with their member text; the rest is
/// its wire). `None`: all of its text.
fn started_group_text(
    links: &[(i64, Alignment)],
    carriers: &[(usize, Option<Membership>)],
    adopted: &[(usize, usize, Vec<(usize, usize)>)],
) -> Option<Vec<(usize, usize)>> {
    let spans = |i: usize| {
        links[i]
            .1
            .passages
            .iter()
            .map(|p| ((p.a_start, p.a_end), (p.b_start, p.b_end), p.matched_words))
    };
    let own = adopted
        .iter()
        .flat_map(|(_, i, member)| {
            mapped_within(spans(*i), &subtract(ALL_TEXT.to_vec(), member.clone())).0
        })
        .collect();
    let foreign = carriers
        .iter()
        .flat_map(|(i, m)| mapped_within(spans(*i), m.as_ref().map_or(ALL_TEXT, |m| &m.ranges)).0)
        .collect();
    let foreign = subtract(foreign, own);
    if foreign.is_empty() {
        return None;
    }
    Some(subtract(ALL_TEXT.to_vec(), foreign))
}

/// What of a new article's member text, joining its group through `links[i]`, confirms it as the
/// group's (`Membership::confirmed`): its passages with that article, whole, that overlap that
/// article's confirmed member text. `None`: all of it.
fn joined_group_text(
    al: &Alignment,
    carriers: &[(usize, Option<Membership>)],
    i: usize,
) -> Option<Vec<(usize, usize)>> {
    let member = carriers.iter().find(|(j, _)| *j == i)?.1.as_ref()?;
    let confirmed = member.confirmed.as_ref().unwrap_or(&member.ranges);
    Some(
        al.passages
            .iter()
            .filter(|p| 4 * p.a_covered_by(confirmed) >= p.a_end - p.a_start)
            .map(|p| (p.b_start, p.b_end))
            .collect(),
    )
}

/// What of a starter's group text (`member`; `None`: all of its text) the first article to join
/// through it confirms: the starter's side of their passages, whole, that overlap that text.
fn starter_confirmed(al: &Alignment, member: Option<&Membership>) -> Vec<(usize, usize)> {
    let text = member.map_or(ALL_TEXT, |m| &m.ranges);
    al.passages
        .iter()
        .filter(|p| 4 * p.a_covered_by(text) >= p.a_end - p.a_start)
        .map(|p| (p.a_start, p.a_end))
        .collect()
}

/// The parts of `ranges` outside every range of `minus`, sorted and merged.
fn subtract(
    mut ranges: Vec<(usize, usize)>,
    mut minus: Vec<(usize, usize)>,
) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    minus.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (mut s, e) in ranges {
        for &(ms, me) in &minus {
            if me <= s || ms >= e {
                continue;
            }
            if ms > s {
                out.push((s, ms));
            }
            s = s.max(me);
            if s >= e {
                break;
            }
        }
        if s < e {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
    }
    out
}

/// Align `text` with each of `others`, on two threads when there are enough pairs to pay for the
/// second and a core to run it (the writing thread is the one bottleneck of ingest; alignment is
/// most of its work). On 2 cores the reading thread keeps the second one busy, and a helper made
/// runs slower: 30,000 generated articles took 36.6 s with it and 32.3 s without.
fn align_all(
    others: &[(i64, Arc<AlignedText>)],
    text: &AlignedText,
    params: AlignParams,
) -> Vec<(i64, Alignment)> {
    let one = |(seq, other): &(i64, Arc<AlignedText>)| (*seq, align(other, text, params));
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if others.len() < 4 || cores < 4 {
        return others.iter().map(one).collect();
    }
    let (first, second) = others.split_at(others.len() / 2);
    std::thread::scope(|scope| {
        let helper = scope.spawn(|| second.iter().map(one).collect::<Vec<_>>());
        let mut done: Vec<_> = first.iter().map(one).collect();
        done.extend(
            helper
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        );
        done
    })
}

/// Share of an article's words that are figures.
fn figures_share(body: &str, tokens: &[crate::text::Token]) -> f64 {
    let figures = tokens
        .iter()
        .filter(|t| {
            body[t.byte_start..t.byte_end]
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .count();
    figures as f64 / tokens.len().max(1) as f64
}

/// A stretch of `body` from token `s` to token `e` (exclusive).
fn stretch(body: &str, tokens: &[crate::text::Token], s: usize, e: usize) -> Stretch {
    let (from, to) = (tokens[s], tokens[e - 1]);
    Stretch {
        start: from.start,
        end: to.end,
        words: e - s,
        text: body[from.byte_start..to.byte_end].to_string(),
    }
}

/// Who published what first within a story, from its pairwise passages and its timeline.
struct Provenance {
    /// Timeline position of each article, by arrival number.
    positions: HashMap<i64, usize>,
    /// Per article, in timeline order.
    articles: Vec<ArticleProvenance>,
    /// Per passage, the timeline position of the article that carried it first.
    first_published: Vec<usize>,
}

/// A passage seen from its later article: the earlier article (timeline position), the later's
/// token range, the earlier's, and the passage's index.
type FromLaterSide = (usize, (i64, i64), (i64, i64), usize);

#[derive(Default)]
struct ArticleProvenance {
    /// Token ranges shared with earlier articles, and with any article of the story.
    from_earlier: Ranges,
    shared: Ranges,
    /// Earlier articles (timeline positions) and matched words shared with each, most first.
    copied_from: Vec<(usize, i64)>,
    /// Token ranges with the timeline position of the article that published them first.
    origins: Vec<((i64, i64), usize)>,
}

impl Provenance {
    fn trace(
        timeline: &[crate::store::StoredArticle],
        passages: &[crate::store::StoredPassage],
    ) -> Provenance {
        let positions: HashMap<i64, usize> = timeline
            .iter()
            .enumerate()
            .map(|(i, a)| (a.seq, i))
            .collect();
        let mut articles: Vec<ArticleProvenance> = timeline
            .iter()
            .map(|_| ArticleProvenance::default())
            .collect();
        let mut by_later: Vec<Vec<FromLaterSide>> = vec![Vec::new(); timeline.len()];
        for (k, p) in passages.iter().enumerate() {
            let (Some(&ia), Some(&ib)) = (positions.get(&p.a), positions.get(&p.b)) else {
                continue;
            };
            articles[ia].shared.add(p.a_tokens);
            articles[ib].shared.add(p.b_tokens);
            let (later, earlier, later_range, earlier_range) = if ia < ib {
                (ib, ia, p.b_tokens, p.a_tokens)
            } else {
                (ia, ib, p.a_tokens, p.b_tokens)
            };
            by_later[later].push((earlier, later_range, earlier_range, k));
        }
        let mut first_published = vec![0; passages.len()];
        // In timeline order, so an earlier article's origins are known before a later one asks.
        for i in 0..timeline.len() {
            let mut from: HashMap<usize, i64> = HashMap::new();
            for &(j, range, earlier_range, k) in &by_later[i] {
                let origin = articles[j].origin_of(earlier_range).unwrap_or(j);
                first_published[k] = origin;
                articles[i].from_earlier.add(range);
                articles[i].origins.push((range, origin));
                *from.entry(j).or_default() += passages[k].matched_words;
            }
            let mut from: Vec<(usize, i64)> = from.into_iter().collect();
            from.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            articles[i].copied_from = from;
        }
        Provenance {
            positions,
            articles,
            first_published,
        }
    }

    fn position(&self, seq: i64) -> Option<usize> {
        self.positions.get(&seq).copied()
    }
}

impl ArticleProvenance {
    /// The first publisher of most of `range`, if this article copied it.
    fn origin_of(&self, range: (i64, i64)) -> Option<usize> {
        let len = (range.1 - range.0).max(1);
        self.origins
            .iter()
            .map(|&((s, e), o)| ((e.min(range.1) - s.max(range.0)).max(0), o))
            .filter(|&(overlap, _)| overlap * 2 >= len)
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, o)| o)
    }
}

/// A set of token ranges: how much they cover and what they leave out.
#[derive(Default)]
struct Ranges(Vec<(i64, i64)>);

impl Ranges {
    fn add(&mut self, r: (i64, i64)) {
        self.0.push(r);
    }

    /// The ranges sorted and merged.
    fn merged(&self) -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = self
            .0
            .iter()
            .map(|&(s, e)| (s.max(0) as usize, e.max(0) as usize))
            .collect();
        v.sort_unstable();
        let mut out: Vec<(usize, usize)> = Vec::new();
        for (s, e) in v {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ if e > s => out.push((s, e)),
                _ => {}
            }
        }
        out
    }

    fn covered(&self) -> usize {
        self.merged().iter().map(|(s, e)| e - s).sum()
    }

    /// The stretches of `0..len` outside every range, of at least `min` tokens.
    fn gaps(&self, len: usize, min: usize) -> impl Iterator<Item = (usize, usize)> {
        let mut out = Vec::new();
        let mut at = 0;
        for (s, e) in self.merged().into_iter().chain([(len, len)]) {
            let s = s.min(len);
            if s >= at + min {
                out.push((at, s));
            }
            at = at.max(e.min(len));
        }
        out.into_iter()
    }
}

/// Commits every so many articles or so much time, whichever comes first.
struct Batch {
    articles: usize,
    since: Instant,
}

impl Batch {
    const MAX_ARTICLES: usize = 256;
    const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

    fn start(store: &mut Store) -> Result<Batch, Error> {
        store.begin_batch()?;
        Ok(Batch {
            articles: 0,
            since: Instant::now(),
        })
    }

    fn tick(&mut self, store: &mut Store, memory: &mut Memory) -> Result<(), Error> {
        self.articles += 1;
        if self.articles >= Self::MAX_ARTICLES || self.since.elapsed() >= Self::MAX_WAIT {
            memory.commit(store)?;
            *self = Batch::start(store)?;
            // Another process may have written between the batches.
            memory.catch_up(store)?;
        }
        Ok(())
    }
}

/// A story of more articles than this is listed, not traced: tracing provenance over every pair
/// of its copies (millions of passages) would take minutes and gigabytes for one read.
pub const MAX_TRACED_ARTICLES: usize = 500;

/// A story too large to trace: the start of its timeline (its first [`MAX_TRACED_ARTICLES`]
/// articles; `articles_total` counts all) with each article's own fields, the outlets and
/// agencies of those, and `complete: false`: no provenance, passages (not counted either) or attribution.
fn untraced_story(
    id: i64,
    listed: Vec<crate::store::StoredArticle>,
    articles_total: usize,
    (first_seen, last_seen): (Option<String>, Option<String>),
    sources: Vec<String>,
    credits: Vec<String>,
) -> Story {
    let mut agencies: Vec<String> = Vec::new();
    for ag in credits.iter().filter_map(|c| patterns::agency(c)) {
        if !agencies.iter().any(|x| x == ag) {
            agencies.push(ag.to_string());
        }
    }
    let origin = listed.first().map(|a| (a.id.clone(), a.title.clone()));
    let articles = listed
        .into_iter()
        .map(|a| StoryArticle {
            id: a.id,
            title: a.title,
            source: a.source,
            published: a.published,
            copy_group: a.copy_group,
            copied_fraction: 0.0,
            credits: a.credits,
            copied_from_earlier_fraction: 0.0,
            copied_from: Vec::new(),
            first_published_fraction: 0.0,
            added: Vec::new(),
        })
        .collect();
    Story {
        id,
        title: origin.as_ref().and_then(|o| o.1.clone()),
        origin: origin.map(|o| o.0).unwrap_or_default(),
        agencies,
        first_seen,
        last_seen,
        articles,
        sources,
        passages: Vec::new(),
        passages_total: 0,
        events: Vec::new(),
        attribution: Default::default(),
        complete: false,
        articles_total,
    }
}

/// Content identity of an article: its headline and body.
fn content_hash(article: &Article, body: &str) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(article.title.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n\x00\n");
    h.update(body.as_bytes());
    format!("{:032x}", h.digest128())
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{StoredArticle, StoredPassage};

    fn stored(seq: i64) -> StoredArticle {
        StoredArticle {
            seq,
            id: format!("a{seq}"),
            title: None,
            source: None,
            published: None,
            credits: Vec::new(),
            words: 100,
            copy_group: 1,
            story: 1,
        }
    }

    fn passage(a: i64, b: i64, a_tokens: (i64, i64), b_tokens: (i64, i64)) -> StoredPassage {
        let n = a_tokens.1 - a_tokens.0;
        StoredPassage {
            a,
            b,
            a_tokens,
            b_tokens,
            a_chars: (0, 0),
            b_chars: (0, 0),
            matched_words: n,
        }
    }

    #[test]
    fn a_passage_passed_along_names_its_first_publisher() {
        // Timeline 1, 2, 3: 2 copies 1's words 0..40 to its 10..50; 3 copies 2's 10..50 (so,
        // through 2, text 1 published) and 2's own 60..80.
        let timeline = [stored(1), stored(2), stored(3)];
        let passages = [
            passage(1, 2, (0, 40), (10, 50)),
            passage(2, 3, (10, 50), (0, 40)),
            passage(2, 3, (60, 80), (50, 70)),
        ];
        let p = Provenance::trace(&timeline, &passages);
        assert_eq!(p.first_published, [0, 0, 1]);
        assert_eq!(p.articles[0].from_earlier.covered(), 0);
        assert_eq!(p.articles[2].from_earlier.covered(), 60);
        assert_eq!(p.articles[2].copied_from, [(1, 60)]);
        assert_eq!(p.articles[1].shared.covered(), 60);
        assert_eq!(
            p.articles[1].shared.gaps(100, 8).collect::<Vec<_>>(),
            [(0, 10), (50, 60), (80, 100)]
        );
        assert_eq!(
            p.articles[1].shared.gaps(100, 11).collect::<Vec<_>>(),
            [(80, 100)],
            "short gaps are not additions"
        );
    }
}
