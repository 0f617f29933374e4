//! Engine: runs the pipeline over a store. It reads inputs, cleans each article, finds the stored
//! articles it may share text with, aligns them, joins copy groups and stories, and writes each
//! article with everything derived from it in one transaction. The CLI and server call only this.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::align::{align, align_texts, AlignParams, AlignedText, Alignment};
use crate::extract::{extract, patterns, Article};
use crate::fingerprint::{anchors, FingerprintParams};
use crate::index::{candidates, IndexParams};
use crate::ingest::{discover, read_file, InputError, Problem, RawDoc, ReadLimits};
use crate::store::{NewArticle, Store, StoreError};
use crate::story::{profile, term_counts, Story, StoryArticle, StoryParams};
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
    Article { files_done: usize, articles: usize, bytes_done: u64 },
    /// An input or record was skipped.
    Skipped(&'a InputError),
}

/// Read and clean every article under `paths`, without a store. Bad inputs go to `on_skip`.
pub fn read_articles(paths: &[PathBuf], config: &Config, on_skip: &mut dyn FnMut(&InputError)) -> Vec<Article> {
    let found = discover(paths);
    found.errors.iter().for_each(&mut *on_skip);
    let mut out = Vec::new();
    for file in &found.files {
        read_file(file, config.read, &mut |r| match r.and_then(clean) {
            Ok(a) => out.push(a),
            Err(e) => on_skip(&e),
        });
    }
    out
}

/// Read the one article held by `path`.
pub fn read_one(path: &Path, config: &Config) -> Result<Article, Error> {
    let mut skipped = Vec::new();
    let mut articles = read_articles(&[path.to_path_buf()], config, &mut |e| skipped.push(e.clone()));
    match (articles.len(), skipped.len()) {
        (1, 0) => Ok(articles.pop().unwrap()),
        (0, 1) => Err(Error::Input(skipped.pop().unwrap())),
        (n, s) => Err(Error::NotOneArticle { path: path.display().to_string(), count: n + s }),
    }
}

/// The passages two articles share, and what each adds.
pub fn compare(a: &Article, b: &Article, params: AlignParams) -> Alignment {
    align_texts(&a.body_text(), &b.body_text(), params)
}

fn clean(raw: RawDoc) -> Result<Article, InputError> {
    let article = extract(&raw);
    if article.body.is_empty() {
        return Err(InputError { origin: raw.origin, problem: Problem::NoBody });
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
    pub aligned_pairs: usize,
    pub passages: usize,
    pub stories: usize,
    pub seconds: f64,
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
}

impl Engine {
    pub fn open(db: &Path, config: Config) -> Result<Engine, Error> {
        Ok(Engine { store: Store::open(db)?, config })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Ingest every article under `paths` in order, and report the stories they are in.
    pub fn trace(&mut self, paths: &[PathBuf], on: &mut dyn FnMut(Progress)) -> Result<TraceReport, Error> {
        let started = Instant::now();
        let found = discover(paths);
        let mut summary = TraceSummary {
            files: found.files.len(),
            ignored_files: found.ignored,
            bytes: found.files.iter().map(|f| f.bytes).sum(),
            ..Default::default()
        };
        on(Progress::Started { files: summary.files, bytes: summary.bytes });
        let mut skipped: Vec<InputError> = Vec::new();
        let mut skip = |e: InputError, on: &mut dyn FnMut(Progress), summary: &mut TraceSummary| {
            on(Progress::Skipped(&e));
            summary.skipped += 1;
            *summary.skipped_by_reason.entry(e.problem.label().to_string()).or_default() += 1;
            skipped.push(e);
        };
        for e in found.errors {
            skip(e, on, &mut summary);
        }
        let mut seqs = Vec::new();
        let mut bytes_done = 0;
        let mut batch = Batch::start(&mut self.store)?;
        let mut ingest_all = || -> Result<(), Error> {
            for (n, file) in found.files.iter().enumerate() {
                let mut docs = Vec::new();
                read_file(file, self.config.read, &mut |r| docs.push(r));
                for doc in docs {
                    match doc.and_then(clean) {
                        Err(e) => skip(e, on, &mut summary),
                        Ok(article) => {
                            summary.articles += 1;
                            match self.ingest(article, &mut summary)? {
                                Outcome::New(seq) => {
                                    summary.new += 1;
                                    seqs.push(seq)
                                }
                                Outcome::Unchanged(seq) => {
                                    summary.unchanged += 1;
                                    seqs.push(seq)
                                }
                            }
                            batch.tick(&mut self.store)?;
                            on(Progress::Article { files_done: n, articles: summary.articles, bytes_done });
                        }
                    }
                }
                bytes_done += file.bytes;
            }
            Ok(())
        };
        let ingested = ingest_all();
        // However the loop ended, keep every article written whole so far and leave no
        // transaction open (an Engine outlives one failed run).
        let closed = self.store.commit_batch();
        ingested?;
        closed?;
        let read = self.store.read();
        let mut story_ids = BTreeSet::new();
        for seq in seqs {
            story_ids.insert(read.article(seq)?.story);
        }
        let stories = story_ids.into_iter().map(|id| self.story(id)).collect::<Result<Vec<_>, _>>()?;
        summary.stories = stories.len();
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(TraceReport { stories, summary, skipped })
    }

    fn ingest(&mut self, mut article: Article, summary: &mut TraceSummary) -> Result<Outcome, Error> {
        let body = article.body_text();
        let hash = content_hash(&article, &body);
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
        let text = AlignedText::new(&body);
        let article_anchors = anchors(&text.tokens, cfg.fingerprint);
        let (cands, _) = candidates(&self.store, &article_anchors, cfg.index)?;
        summary.candidates += cands.len();
        let mut links = Vec::new();
        for c in cands {
            let other = read.body(c.article)?;
            let al = align(&AlignedText::new(&other), &text, cfg.align);
            if !al.passages.is_empty() {
                summary.aligned_pairs += 1;
                summary.passages += al.passages.len();
                links.push((c.article, al));
            }
        }
        let title = article.title.clone().unwrap_or_default();
        let counts = term_counts(&tokenize(&title), &title, &text.tokens, &body);
        let new = NewArticle { article: &article, content_hash: &hash, body: &body, words: text.tokens.len(), anchors: &article_anchors };
        let sp = cfg.story;
        let seq = self.store.write(|w| -> Result<i64, Error> {
            let r = w.read();
            let mut df = HashMap::with_capacity(counts.len());
            for &t in counts.keys() {
                df.insert(t, r.term_df(t)? + 1);
            }
            let docs = r.article_count()? as u64 + 1;
            let prof = profile(&counts, |t| df[&t], docs, sp.profile_terms);

            // Articles sharing enough text are one copy group, and one story.
            let mut groups = BTreeSet::new();
            let mut stories = BTreeSet::new();
            for (other, al) in &links {
                let matched: usize = al.passages.iter().map(|p| p.matched_words).sum();
                if matched >= sp.min_link_words {
                    let o = r.article(*other)?;
                    groups.insert(o.copy_group);
                    stories.insert(o.story);
                }
            }
            let target = match stories.first() {
                Some(&s) => s,
                None => {
                    let recent_after = r.last_seq()? - sp.recent_arrivals;
                    let near = r.stories_near(article.published.as_deref(), sp.window_days, recent_after)?;
                    let best = near
                        .iter()
                        .map(|s| (s.profile.cosine(&prof), s.id))
                        .filter(|(sim, _)| *sim >= sp.min_similarity)
                        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
                    match best {
                        Some((_, id)) => id,
                        None => w.new_story()?,
                    }
                }
            };
            let mut state = r.story_state(target)?;
            for &s in stories.iter().filter(|&&s| s != target) {
                let other = r.story_state(s)?;
                state.profile = state.profile.merged(state.members as f32, &other.profile, other.members as f32, sp.profile_terms);
                state.members += other.members;
            }
            let merged: Vec<i64> = stories.iter().copied().filter(|&s| s != target).collect();
            w.merge_stories(target, &merged)?;
            let seq = w.insert_article(&new, target)?;
            for (other, al) in &links {
                for p in &al.passages {
                    w.insert_passage(*other, seq, p)?;
                }
            }
            if let Some(&g) = groups.first() {
                let mut all: Vec<i64> = groups.iter().copied().collect();
                all.push(seq);
                w.merge_copy_groups(g, &all)?;
            }
            let profile = state.profile.merged(state.members as f32, &prof, 1.0, sp.profile_terms);
            w.update_story(target, state.members + 1, &profile, seq)?;
            w.add_terms(counts.keys().copied())?;
            Ok(seq)
        })?;
        Ok(Outcome::New(seq))
    }

    /// A stored story with its articles, earliest first.
    pub fn story(&self, id: i64) -> Result<Story, Error> {
        let r = self.store.read();
        let stored = r.story_articles(id)?;
        let (first_seen, last_seen) = r.story_dates(id)?;
        let mut agencies: Vec<String> = Vec::new();
        let mut articles = Vec::with_capacity(stored.len());
        for a in &stored {
            for c in &a.credits {
                if let Some(ag) = patterns::agency(c) {
                    if !agencies.iter().any(|x| x == ag) {
                        agencies.push(ag.to_string());
                    }
                }
            }
            articles.push(StoryArticle {
                id: a.id.clone(),
                title: a.title.clone(),
                source: a.source.clone(),
                published: a.published.clone(),
                copy_group: a.copy_group,
                copied_fraction: self.copied_fraction(a.seq, a.words)?,
                credits: a.credits.clone(),
            });
        }
        let origin = stored.first();
        Ok(Story {
            id,
            title: origin.and_then(|a| a.title.clone()),
            origin: origin.map(|a| a.id.clone()).unwrap_or_default(),
            agencies,
            first_seen,
            last_seen,
            articles,
        })
    }

    /// Share of an article's words inside passages it shares with any other stored article.
    fn copied_fraction(&self, seq: i64, words: i64) -> Result<f64, Error> {
        if words == 0 {
            return Ok(0.0);
        }
        let mut ranges: Vec<(i64, i64)> = self
            .store
            .read()
            .passages_of(seq)?
            .into_iter()
            .map(|p| if p.a == seq { p.a_tokens } else { p.b_tokens })
            .collect();
        ranges.sort_unstable();
        let (mut covered, mut reach) = (0i64, 0i64);
        for (s, e) in ranges {
            let s = s.max(reach);
            if e > s {
                covered += e - s;
                reach = e;
            }
        }
        Ok(((covered as f64 / words as f64) * 1000.0).round() / 1000.0)
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
        Ok(Batch { articles: 0, since: Instant::now() })
    }

    fn tick(&mut self, store: &mut Store) -> Result<(), Error> {
        self.articles += 1;
        if self.articles >= Self::MAX_ARTICLES || self.since.elapsed() >= Self::MAX_WAIT {
            store.commit_batch()?;
            *self = Batch::start(store)?;
        }
        Ok(())
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
