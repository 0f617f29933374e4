//! Store: the embedded SQLite file holding articles, their index keys, passages, copy groups and stories.
//! Each article is written in one transaction with everything derived from it, so a killed process
//! leaves either the whole article or none of it. The schema is versioned and migrated on open.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::extract::Article;
use crate::fingerprint::{keys, FingerprintParams, Keys};
use crate::story::{day_number, Profile, StoryEntry};
use crate::text::tokenize;

/// Store errors (all from SQLite, with what was being done).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("{path} is a wiretrace store of schema version {found}, newer than this build knows ({known}); upgrade wiretrace")]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("store error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Writing records read from the store failed (a closed pipe, a full disk).
    #[error("cannot write output: {0}")]
    Output(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A lookup of one row that may be missing: `Ok(None)` instead of an error.
pub trait OptionalRow<T> {
    fn optional_row(self) -> Result<Option<T>>;
}

impl<T> OptionalRow<T> for Result<T> {
    fn optional_row(self) -> Result<Option<T>> {
        match self {
            Ok(x) => Ok(Some(x)),
            Err(StoreError::Sql(rusqlite::Error::QueryReturnedNoRows)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A schema migration: SQL, or code for what SQL cannot compute.
enum Migration {
    Sql(&'static str),
    Code(fn(&rusqlite::Transaction) -> rusqlite::Result<()>),
}

/// Schema migrations; the store's `user_version` is the number applied.
const MIGRATIONS: &[Migration] = &[
    Migration::Sql(V1),
    Migration::Code(v2_article_keys),
    Migration::Code(v3_actor_terms_and_story_events),
    Migration::Sql(V4),
    Migration::Sql(V5),
    Migration::Sql(V6),
    Migration::Sql(V7),
    Migration::Sql(V8),
    Migration::Sql(V9),
    Migration::Sql(V10),
];

const V1: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title TEXT, source TEXT, url TEXT, published TEXT, dateline TEXT,
    credits TEXT NOT NULL,
    body TEXT NOT NULL,
    words INTEGER NOT NULL,
    article TEXT NOT NULL,
    copy_group INTEGER NOT NULL,
    story INTEGER NOT NULL,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX articles_copy_group ON articles (copy_group);
CREATE INDEX articles_story ON articles (story);
CREATE TABLE anchors (hash INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (hash, seq)) WITHOUT ROWID;
CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    a INTEGER NOT NULL, b INTEGER NOT NULL,
    a_start INTEGER NOT NULL, a_end INTEGER NOT NULL, b_start INTEGER NOT NULL, b_end INTEGER NOT NULL,
    a_tok_start INTEGER NOT NULL, a_tok_end INTEGER NOT NULL, b_tok_start INTEGER NOT NULL, b_tok_end INTEGER NOT NULL,
    score REAL NOT NULL, matched_words INTEGER NOT NULL
);
CREATE INDEX passages_a ON passages (a);
CREATE INDEX passages_b ON passages (b);
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    first_seen TEXT, last_seen TEXT,
    last_seq INTEGER NOT NULL,
    members INTEGER NOT NULL,
    profile BLOB NOT NULL
);
CREATE INDEX stories_last_seq ON stories (last_seq);
CREATE INDEX stories_seen ON stories (first_seen, last_seen);
CREATE TABLE terms (hash INTEGER PRIMARY KEY, df INTEGER NOT NULL);
"#;

/// Version 2 keeps each article's index keys (anchors and LSH bands) as one blob, read into the
/// in-memory index, in place of one row per (anchor, article): a fifth of the size, and appends
/// instead of inserts all over a B-tree.
fn v2_article_keys(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    tx.execute_batch("CREATE TABLE article_keys (seq INTEGER PRIMARY KEY, keys BLOB NOT NULL); DROP TABLE anchors;")?;
    let mut read = tx.prepare("SELECT seq, body FROM articles ORDER BY seq")?;
    let mut write = tx.prepare("INSERT INTO article_keys (seq, keys) VALUES (?1, ?2)")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let (seq, body): (i64, String) = (r.get(0)?, r.get(1)?);
        write.execute(params![
            seq,
            keys(&tokenize(&body), FingerprintParams::default()).to_bytes()
        ])?;
    }
    Ok(())
}

/// Version 3 gives actor names their own term ids (the top bit set, see `story::word_term`), so
/// stored word terms lose that bit; records why each article joined or started its story; and
/// keeps a snapshot of the candidate index, so a process opening the store need not rebuild it.
fn v3_actor_terms_and_story_events(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE story_events (
             id INTEGER PRIMARY KEY,
             story INTEGER NOT NULL,
             seq INTEGER NOT NULL,
             kind TEXT NOT NULL,
             detail TEXT NOT NULL
         );
         CREATE INDEX story_events_story ON story_events (story);
         CREATE INDEX stories_latest ON stories (last_seen, last_seq);
         CREATE TABLE index_snapshot (part INTEGER PRIMARY KEY, data BLOB NOT NULL);
         CREATE TABLE terms_v3 (hash INTEGER PRIMARY KEY, df INTEGER NOT NULL);
         INSERT INTO terms_v3 SELECT hash & 0x7FFFFFFFFFFFFFFF, sum(df) FROM terms GROUP BY 1;
         DROP TABLE terms;
         ALTER TABLE terms_v3 RENAME TO terms;",
    )?;
    let mut read = tx.prepare("SELECT id, profile FROM stories")?;
    let mut write = tx.prepare("UPDATE stories SET profile = ?2 WHERE id = ?1")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let (id, blob): (i64, Vec<u8>) = (r.get(0)?, r.get(1)?);
        let words = Profile(
            Profile::from_bytes(&blob)
                .0
                .into_iter()
                .map(|(t, x)| (crate::story::word_term(t), x))
                .collect(),
        );
        write.execute(params![id, words.to_bytes()])?;
    }
    Ok(())
}

/// The embedded store.
pub struct Store {
    conn: Connection,
    /// While a batch is open, the last article stored before it: the batch's articles are
    /// full-text indexed as it commits (see [`Store::index_text_after`]).
    batch_after: Option<i64>,
}

/// A stored article's summary row.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    pub seq: i64,
    pub id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub published: Option<String>,
    pub credits: Vec<String>,
    pub words: i64,
    pub copy_group: i64,
    pub story: i64,
}

/// What makes an article a member of its copy group. For one that joined the group: the
/// character ranges of its body shared with the article it joined through, and the words
/// matched there. For one that started it while carrying other groups' member text: its body
/// but that text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Membership {
    pub ranges: Vec<(usize, usize)>,
    pub words: usize,
    /// The article started its group (it is never moved to another; `words` is 0).
    pub started: bool,
    /// For an article that joined: the part of its member text a new article must share to join
    /// through it (its passages, whole, that overlap this part of the article it joined
    /// through), so a second wire that two copies of a wire both carry is not taken for the
    /// wire. For one that started its group: what the first article to join through it shared.
    /// `None`: all of it.
    pub confirmed: Option<Vec<(usize, usize)>>,
    /// For an article that joined: the article it joined through.
    pub through: Option<i64>,
}

/// A whole text as a list of ranges (`Membership::ranges` of a starter whose text is all its group's).
pub const ALL_TEXT: &[(usize, usize)] = &[(0, usize::MAX)];

/// Character ranges as little-endian u32 starts and ends (an article's `group_text`).
pub fn ranges_to_bytes(ranges: &[(usize, usize)]) -> Vec<u8> {
    let clamp = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    ranges
        .iter()
        .flat_map(|&(s, e)| [clamp(s), clamp(e)])
        .flat_map(u32::to_le_bytes)
        .collect()
}

/// What `ranges_to_bytes` wrote; `None` for bytes it did not write.
pub fn ranges_from_bytes(bytes: &[u8]) -> Option<Vec<(usize, usize)>> {
    if bytes.len() % 8 != 0 {
        return None;
    }
    let values: Vec<usize> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    Some(values.chunks_exact(2).map(|r| (r[0], r[1])).collect())
}

/// A stored article as a new article linking to it sees it (see [`Reader::link_target`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkTarget {
    pub id: String,
    pub story: i64,
    pub membership: Option<Membership>,
}

/// A story's state as kept for clustering.
#[derive(Debug, Clone)]
pub struct StoryState {
    pub id: i64,
    pub members: i64,
    pub profile: Profile,
}

/// A passage as stored: the article pair, token and character ranges (a is the earlier arrival).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredPassage {
    pub a: i64,
    pub b: i64,
    pub a_tokens: (i64, i64),
    pub b_tokens: (i64, i64),
    pub a_chars: (i64, i64),
    pub b_chars: (i64, i64),
    pub matched_words: i64,
}

/// An article of a story, as a split reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryMember {
    pub seq: i64,
    pub id: String,
    pub title: Option<String>,
    pub body: String,
    pub published: Option<String>,
    pub copy_group: i64,
}

/// One entry of a story's record: what an article did to it, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub article: String,
    pub kind: String,
    pub detail: serde_json::Value,
}

/// Version 4 indexes headlines and bodies for full-text search (FTS5, over the articles table's
/// own rows, so the text is stored once).
const V4: &str = r#"
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
"#;

/// Version 5 keeps each article's quotes and actors (found as it is stored; see
/// [`crate::attribution::Sayings`]); articles stored before have them found when read.
/// It also indexes each story's timeline, so the start of a story of tens of thousands of
/// articles is read without sorting them all.
const V5: &str = "CREATE TABLE article_sayings (seq INTEGER PRIMARY KEY, data BLOB NOT NULL);
                  CREATE INDEX articles_timeline ON articles (story, published IS NULL, published, seq);";

/// Version 6 records, for each article that joined a copy group, the article it joined through
/// (`copied_from`): the passages of that pair are the text that makes it a member, and only a
/// later article sharing that text may join the group through it. NULL: the article started its
/// group, so all of its text counts.
const V6: &str = "ALTER TABLE articles ADD COLUMN copied_from INTEGER;";

/// Version 7 keeps the outlet templates learnt so far (`extract::template`): each site's lines
/// seen on two pages or more, with their page counts, and the pages already learnt from.
const V7: &str = "CREATE TABLE template_lines (
                      site TEXT NOT NULL, line INTEGER NOT NULL, pages INTEGER NOT NULL,
                      PRIMARY KEY (site, line)) WITHOUT ROWID;
                  CREATE TABLE template_pages (page INTEGER PRIMARY KEY);";

/// Version 8 indexes passages by pair: a new article reads the passages it shares with each
/// article it links to (`Reader::link_target`), and by its later article alone a copy of a wire
/// with many copies holds dozens of other pairs' rows (4% of a trace in perf).
const V8: &str = "CREATE INDEX passages_pair ON passages (b, a);
                  DROP INDEX passages_b;";

/// Version 9 keeps what of each article's member text is its group's (`ranges_to_bytes`):
/// for an article that started its group while carrying other groups' member text (a second wire
/// merged into it), its body but that text; for one that joined, its confirmed text
/// (`Membership::confirmed`). NULL: all of it (or an article stored before version 9).
const V9: &str = "ALTER TABLE articles ADD COLUMN group_text BLOB;";

/// Version 10 keeps, for an article that started its copy group, the part of its group text the
/// first article to join through it shared (`ranges_to_bytes`; `Writer::confirm_starter`). A
/// founder that merged two wires before either was stored would otherwise take in the copies of
/// both. NULL: no article has joined through it yet (or it was stored before version 10).
const V10: &str = "ALTER TABLE articles ADD COLUMN confirmed BLOB;";

/// Which stories a story list shows. Every field left empty lets all through.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    /// Only stories of at least this many articles.
    pub min_articles: i64,
    /// Only stories seen on or after this ISO date (their last date).
    pub from: Option<String>,
    /// Only stories seen on or before this ISO date (their first date).
    pub to: Option<String>,
    /// Only stories with an article from this outlet (any case).
    pub source: Option<String>,
    /// Only stories with an article crediting this agency (canonical name, any case).
    pub agency: Option<String>,
    /// Only stories with an article matching this full-text query (see [`fts_query`]).
    pub query: Option<String>,
}

/// How much a store holds (articles and passages are never deleted, so the largest ids count them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StoreCounts {
    pub articles: i64,
    pub stories: i64,
    pub passages: i64,
}

/// An article found by full-text search.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchHit {
    pub id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub published: Option<String>,
    pub story: i64,
    /// Words around the matches, from the body.
    pub snippet: String,
    /// Character ranges of the matched words in `snippet`.
    pub matches: Vec<(usize, usize)>,
}

/// Marks FTS5 puts around matched words in a snippet (private-use characters, never in text).
const MATCH_OPEN: char = '\u{E000}';
const MATCH_CLOSE: char = '\u{E001}';

/// Turn what a person types into an FTS5 query: every word must occur, `"…"` is a phrase, a
/// trailing `*` matches a prefix and `OR` between words is kept. Punctuation that FTS5 would read
/// as syntax is quoted away, so no input is a syntax error. `None` when nothing is left to find.
pub fn fts_query(text: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let quote = |w: &str| format!("\"{}\"", w.replace('"', "\"\""));
    for (i, chunk) in text.split('"').enumerate() {
        if i % 2 == 1 {
            // Inside quotes: a phrase.
            if chunk.chars().any(char::is_alphanumeric) {
                parts.push(quote(chunk));
            }
            continue;
        }
        for word in chunk.split_whitespace() {
            if word == "OR" {
                if parts.last().is_some_and(|p| p != "OR") {
                    parts.push("OR".into());
                }
                continue;
            }
            let prefix = word.ends_with('*');
            let core = word.trim_matches(|c: char| !c.is_alphanumeric());
            if core.is_empty() {
                continue;
            }
            parts.push(if prefix {
                format!("{}*", quote(core))
            } else {
                quote(core)
            });
        }
    }
    while parts.last().is_some_and(|p| p == "OR") {
        parts.pop();
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A line of the story list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StorySummary {
    pub id: i64,
    /// The headline of its earliest article.
    pub title: Option<String>,
    pub articles: i64,
    /// The outlets of its articles (of its first 1,000 in a larger story).
    pub sources: Vec<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// News agencies its articles credit (canonical names; of its first 1,000 in a larger story).
    #[serde(default)]
    pub agencies: Vec<String>,
}

impl Store {
    /// Open (creating if needed) the store at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let shown = path.display().to_string();
        let open_err = |source| StoreError::Open {
            path: shown.clone(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        // Turning a new file to WAL takes a lock SQLite does not wait for: another process (a
        // server and the CLI) opening it at the same moment gets "busy" at once, so retry.
        let mut tries = 0;
        while let Err(e) = conn.pragma_update(None, "journal_mode", "WAL") {
            let busy = matches!(&e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy);
            tries += 1;
            if !busy || tries > 200 {
                return Err(open_err(e));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        // Anchor lookups touch pages all over the index; SQLite's 2 MB default cache made every
        // article re-read them from the kernel (measured with bench/trace_bench.py).
        conn.pragma_update(None, "cache_size", -131_072)
            .map_err(open_err)?;
        conn.pragma_update(None, "mmap_size", 1i64 << 30)
            .map_err(open_err)?;
        // Each article's savepoint journals the pages it touches; in a temporary file that cost
        // a write system call per page (13% of a trace run, measured with perf).
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(open_err)?;
        // Copying the log into the database every 4 MB (SQLite's default) rewrote the same
        // index pages again and again during a large ingest; 64 MB lets one copy serve many
        // batches (with term counts written in key order, 5% of a 30,000-article trace).
        conn.pragma_update(None, "wal_autocheckpoint", 16_384)
            .map_err(open_err)?;
        let mut store = Store {
            conn,
            batch_after: None,
        };
        store.migrate(&shown)?;
        Ok(store)
    }

    fn migrate(&mut self, shown: &str) -> Result<()> {
        let known = MIGRATIONS.len() as i64;
        loop {
            // The version is read inside the write lock: two processes opening a new store at
            // once must not both apply the same step.
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let version: i64 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(|source| StoreError::Open {
                    path: shown.to_string(),
                    source,
                })?;
            if version > known {
                return Err(StoreError::TooNew {
                    path: shown.to_string(),
                    found: version,
                    known,
                });
            }
            if version == known {
                tx.commit()?;
                return Ok(());
            }
            match &MIGRATIONS[version as usize] {
                Migration::Sql(sql) => tx.execute_batch(sql)?,
                Migration::Code(f) => f(&tx)?,
            }
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
    }

    pub fn read(&self) -> Reader<'_> {
        Reader(&self.conn)
    }

    /// Run `f` as one atomic write: if it returns `Ok`, all of its writes are kept; if it fails,
    /// none are. Inside a batch the writes land when the batch commits; outside one, at once.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Writer) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn
            .execute_batch("SAVEPOINT article")
            .map_err(StoreError::from)?;
        let unbatched_after = match self.batch_after {
            Some(_) => None,
            None => Some(self.read().last_seq()),
        };
        let written = f(&Writer(&self.conn)).and_then(|out| match unbatched_after {
            Some(after) => {
                self.index_text_after(after?)?;
                Ok(out)
            }
            None => Ok(out),
        });
        match written {
            Ok(out) => {
                self.conn
                    .execute_batch("RELEASE article")
                    .map_err(StoreError::from)?;
                Ok(out)
            }
            Err(e) => {
                self.conn
                    .execute_batch("ROLLBACK TO article; RELEASE article")
                    .map_err(StoreError::from)?;
                Err(e)
            }
        }
    }

    /// Keep `snapshot` (an [`crate::index::Index`] as bytes, holding every article up to arrival
    /// `upto`) in place of the one kept before, in parts (SQLite caps a value at 1 GB).
    pub fn save_index_snapshot(&mut self, upto: i64, snapshot: &[u8]) -> Result<()> {
        const PART: usize = 64 << 20;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM index_snapshot", [])?;
        for (i, part) in snapshot.chunks(PART).enumerate() {
            tx.execute(
                "INSERT INTO index_snapshot (part, data) VALUES (?1, ?2)",
                params![i as i64, part],
            )?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('index_snapshot_upto', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [upto.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Start a batch: writes until [`Store::commit_batch`] land together. Committing per batch
    /// rather than per article saves rewriting the same index pages; a process killed mid-batch
    /// loses only that batch, never part of an article.
    pub fn begin_batch(&mut self) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match self.read().last_seq() {
            Ok(last) => {
                self.batch_after = Some(last);
                Ok(())
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Commit the batch; if that fails, roll it back, so no transaction is ever left open.
    pub fn commit_batch(&mut self) -> Result<()> {
        let indexed = match self.batch_after.take() {
            Some(after) => self.index_text_after(after),
            None => Ok(()),
        };
        if let Err(e) = indexed.and_then(|()| Ok(self.conn.execute_batch("COMMIT")?)) {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(e);
        }
        Ok(())
    }

    /// Full-text index the headlines and bodies of the articles stored after `after`. This is
    /// done once a batch, not as each article is stored: FTS5 writes its pending terms to disk at
    /// every savepoint, so indexing per article wrote (and then merged) one index segment per
    /// article, 13% of a trace run's time in perf.
    fn index_text_after(&self, after: i64) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO articles_fts (rowid, title, body)
                 SELECT seq, title, body FROM articles WHERE seq > ?1 ORDER BY seq",
            )?
            .execute([after])?;
        Ok(())
    }
}

/// Reads, on the store or inside a write.
#[derive(Clone, Copy)]
pub struct Reader<'c>(&'c Connection);

fn h(x: u64) -> i64 {
    x as i64
}

impl Reader<'_> {
    /// The arrival number and content hash of the article stored under `id`.
    pub fn find(&self, id: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .0
            .prepare_cached("SELECT seq, content_hash FROM articles WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    pub fn body(&self, seq: i64) -> Result<String> {
        Ok(self
            .0
            .prepare_cached("SELECT body FROM articles WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))?)
    }

    pub fn article(&self, seq: i64) -> Result<StoredArticle> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT seq, id, title, source, published, credits, words, copy_group, story FROM articles WHERE seq = ?1",
            )?
            .query_row([seq], row_article)?)
    }

    /// The full extracted article stored under arrival number `seq`.
    pub fn full_article(&self, seq: i64) -> Result<Article> {
        let json: String = self
            .0
            .prepare_cached("SELECT article FROM articles WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))?;
        serde_json::from_str(&json).map_err(|e| {
            StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                Box::new(e),
            ))
        })
    }

    pub fn story_articles(&self, story: i64) -> Result<Vec<StoredArticle>> {
        self.story_articles_upto(story, i64::MAX)
    }

    /// The first `limit` articles of `story` in timeline order.
    pub fn story_articles_upto(&self, story: i64, limit: i64) -> Result<Vec<StoredArticle>> {
        let mut st = self.0.prepare_cached(
            "SELECT seq, id, title, source, published, credits, words, copy_group, story FROM articles
             WHERE story = ?1 ORDER BY published IS NULL, published, seq LIMIT ?2",
        )?;
        let rows = st.query_map(params![story, limit], row_article)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The articles `story` holds, as its row counts them.
    pub fn story_members_count(&self, story: i64) -> Result<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT members FROM stories WHERE id = ?1")?
            .query_row([story], |r| r.get(0))?)
    }

    /// The outlets and the credits of the first `limit` articles of `story` (in timeline
    /// order), each once.
    pub fn story_sources_and_credits(
        &self,
        story: i64,
        limit: i64,
    ) -> Result<(Vec<String>, Vec<String>)> {
        let mut sources = self.0.prepare_cached(
            "SELECT DISTINCT source FROM (SELECT source FROM articles WHERE story = ?1
                                          ORDER BY published IS NULL, published, seq LIMIT ?2)
             WHERE source IS NOT NULL ORDER BY source",
        )?;
        let sources = sources
            .query_map(params![story, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut credits = self.0.prepare_cached(
            "SELECT DISTINCT c.value FROM (SELECT credits FROM articles WHERE story = ?1
                                           ORDER BY published IS NULL, published, seq LIMIT ?2) a,
                                          json_each(a.credits) c ORDER BY 1",
        )?;
        let credits = credits
            .query_map(params![story, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((sources, credits))
    }

    pub fn passages_of(&self, seq: i64) -> Result<Vec<StoredPassage>> {
        let mut st = self.0.prepare_cached(
            "SELECT a, b, a_tok_start, a_tok_end, b_tok_start, b_tok_end, a_start, a_end, b_start, b_end, matched_words
             FROM passages WHERE a = ?1 OR b = ?1",
        )?;
        let rows = st.query_map([seq], row_passage)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every passage between two articles of `story`.
    pub fn story_passages(&self, story: i64) -> Result<Vec<StoredPassage>> {
        let mut st = self.0.prepare_cached(
            "SELECT p.a, p.b, p.a_tok_start, p.a_tok_end, p.b_tok_start, p.b_tok_end, p.a_start, p.a_end, p.b_start, p.b_end,
                    p.matched_words, p.id
             FROM articles y JOIN passages p ON p.b = y.seq JOIN articles x ON x.seq = p.a
             WHERE y.story = ?1 AND x.story = ?1",
        )?;
        // Driven by the later article of each pair (a story's first articles are the `a` of
        // most of its passages), and sorted here: SQLite would sort them in a temporary B-tree.
        let mut rows = st
            .query_map([story], |r| Ok((r.get::<_, i64>(11)?, row_passage(r)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.sort_unstable_by_key(|&(id, _)| id);
        Ok(rows.into_iter().map(|(_, p)| p).collect())
    }

    /// The record of `story`: why each article joined it, and the merges, in arrival order.
    pub fn story_events(&self, story: i64) -> Result<Vec<StoredEvent>> {
        let mut st = self.0.prepare_cached(
            "SELECT e.seq, a.id, e.kind, e.detail FROM story_events e JOIN articles a ON a.seq = e.seq
             WHERE e.story = ?1 ORDER BY e.id",
        )?;
        let rows = st.query_map([story], |r| {
            let detail: String = r.get(3)?;
            Ok(StoredEvent {
                seq: r.get(0)?,
                article: r.get(1)?,
                kind: r.get(2)?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stories, the latest touched first (by last date seen, then latest arrival), with at least
    /// `min_articles` articles; `limit` of them after skipping `offset`.
    pub fn story_list(
        &self,
        min_articles: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StorySummary>> {
        self.stories_where(
            &StoryFilter {
                min_articles,
                ..Default::default()
            },
            limit,
            offset,
        )
    }

    /// [`Reader::story_list`] through a filter.
    pub fn stories_where(
        &self,
        filter: &StoryFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StorySummary>> {
        let query = filter.query.as_deref().map(fts_query);
        if query == Some(None) {
            return Ok(Vec::new());
        }
        let mut st = self.0.prepare_cached(
            "SELECT s.id, s.first_seen, s.last_seen, s.members FROM stories s
             WHERE s.members >= ?1
               AND (?2 IS NULL OR s.last_seen >= ?2)
               AND (?3 IS NULL OR s.first_seen <= ?3)
               AND (?4 IS NULL OR EXISTS (SELECT 1 FROM articles a WHERE a.story = s.id AND a.source = ?4 COLLATE NOCASE))
               AND (?5 IS NULL OR EXISTS (SELECT 1 FROM articles a, json_each(a.credits) c
                                          WHERE a.story = s.id AND c.value = ?5 COLLATE NOCASE))
               AND (?6 IS NULL OR s.id IN (SELECT a.story FROM articles_fts f JOIN articles a ON a.seq = f.rowid
                                           WHERE articles_fts MATCH ?6))
             ORDER BY s.last_seen IS NULL, s.last_seen DESC, s.last_seq DESC LIMIT ?7 OFFSET ?8",
        )?;
        let f = filter;
        let rows = st.query_map(
            params![
                f.min_articles,
                f.from,
                f.to,
                f.source,
                f.agency,
                query.flatten(),
                limit,
                offset
            ],
            |r| {
                Ok(StorySummary {
                    id: r.get(0)?,
                    title: None,
                    articles: r.get(3)?,
                    sources: Vec::new(),
                    first_seen: r.get(1)?,
                    last_seen: r.get(2)?,
                    agencies: Vec::new(),
                })
            },
        )?;
        let mut out: Vec<StorySummary> = rows.collect::<rusqlite::Result<_>>()?;
        let mut title = self.0.prepare_cached(
            "SELECT title FROM articles WHERE story = ?1 ORDER BY published IS NULL, published, seq LIMIT 1",
        )?;
        for s in &mut out {
            s.title = title.query_row([s.id], |r| r.get(0)).optional()?.flatten();
            // A line of the list reads the outlets and credits of a story's first thousand
            // articles only: a story of tens of thousands would make every page slow.
            let (sources, credits) = self.story_sources_and_credits(s.id, 1000)?;
            s.sources = sources;
            for c in credits {
                if let Some(agency) = crate::extract::patterns::agency(&c) {
                    if !s.agencies.iter().any(|a| a == agency) {
                        s.agencies.push(agency.to_string());
                    }
                }
            }
        }
        Ok(out)
    }

    /// Articles matching a full-text query (see [`fts_query`]), best first; `limit` after `offset`.
    pub fn search(&self, text: &str, limit: i64, offset: i64) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(text) else {
            return Ok(Vec::new());
        };
        let mut st = self.0.prepare_cached(
            "SELECT a.id, a.title, a.source, a.published, a.story,
                    snippet(articles_fts, 1, char(57344), char(57345), '…', 24)
             FROM articles_fts f JOIN articles a ON a.seq = f.rowid
             WHERE articles_fts MATCH ?1 ORDER BY f.rank LIMIT ?2 OFFSET ?3",
        )?;
        let rows = st.query_map(params![query, limit, offset], |r| {
            let marked: String = r.get(5)?;
            let (snippet, matches) = unmark(&marked);
            Ok(SearchHit {
                id: r.get(0)?,
                title: r.get(1)?,
                source: r.get(2)?,
                published: r.get(3)?,
                story: r.get(4)?,
                snippet,
                matches,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The kept quotes and actors of the articles of `story`, by arrival number.
    pub fn story_sayings(&self, story: i64) -> Result<HashMap<i64, Vec<u8>>> {
        let mut st = self.0.prepare_cached(
            "SELECT s.seq, s.data FROM article_sayings s JOIN articles a ON a.seq = s.seq WHERE a.story = ?1",
        )?;
        let rows = st.query_map([story], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The number of copy groups among the articles of `story`.
    pub fn story_copy_groups(&self, story: i64) -> Result<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT count(DISTINCT copy_group) FROM articles WHERE story = ?1")?
            .query_row([story], |r| r.get(0))?)
    }

    /// The articles of `story` with what re-weighing them needs, in arrival order.
    pub fn story_members(&self, story: i64) -> Result<Vec<StoryMember>> {
        let mut st = self.0.prepare_cached(
            "SELECT seq, id, title, body, published, copy_group FROM articles WHERE story = ?1 ORDER BY seq",
        )?;
        let rows = st.query_map([story], |r| {
            Ok(StoryMember {
                seq: r.get(0)?,
                id: r.get(1)?,
                title: r.get(2)?,
                body: r.get(3)?,
                published: r.get(4)?,
                copy_group: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The kept snapshot of the candidate index and the latest arrival it holds, if any.
    pub fn index_snapshot(&self) -> Result<Option<(i64, Vec<u8>)>> {
        let upto: Option<String> = self
            .0
            .prepare_cached("SELECT value FROM meta WHERE key = 'index_snapshot_upto'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        let Some(upto) = upto.and_then(|u| u.parse::<i64>().ok()) else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        let mut st = self
            .0
            .prepare_cached("SELECT data FROM index_snapshot ORDER BY part")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            bytes.extend_from_slice(r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?);
        }
        Ok(Some((upto, bytes)))
    }

    /// The number of stories held.
    pub fn story_count(&self) -> Result<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT count(*) FROM stories")?
            .query_row([], |r| r.get(0))?)
    }

    /// The arrival number of the article stored under `id`.
    pub fn seq_of(&self, id: &str) -> Result<Option<i64>> {
        Ok(self.find(id)?.map(|(seq, _)| seq))
    }

    pub fn story_dates(&self, story: i64) -> Result<(Option<String>, Option<String>)> {
        Ok(self
            .0
            .prepare_cached("SELECT first_seen, last_seen FROM stories WHERE id = ?1")?
            .query_row([story], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    /// Stories touched by an article that arrived after `after`, with what the clusterer keeps.
    pub fn stories_after(&self, after: i64) -> Result<Vec<(i64, StoryEntry)>> {
        let mut st = self.0.prepare_cached(
            "SELECT id, members, profile, first_seen, last_seen, last_seq FROM stories WHERE last_seq > ?1 ORDER BY last_seq",
        )?;
        let rows = st.query_map([after], |r| {
            let blob: Vec<u8> = r.get(2)?;
            let first: Option<String> = r.get(3)?;
            let last: Option<String> = r.get(4)?;
            Ok((
                r.get(0)?,
                StoryEntry {
                    members: r.get(1)?,
                    profile: Profile::from_bytes(&blob),
                    first_day: first.as_deref().and_then(day_number),
                    last_day: last.as_deref().and_then(day_number),
                    last_seq: r.get(5)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every term's document frequency.
    pub fn term_dfs(&self) -> Result<HashMap<u64, u32>> {
        let mut st = self.0.prepare("SELECT hash, df FROM terms")?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u32))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The outlet templates learnt so far, as [`SiteTemplates::from_stored`] takes them.
    ///
    /// [`SiteTemplates::from_stored`]: crate::extract::template::SiteTemplates::from_stored
    pub fn templates(&self) -> Result<crate::extract::template::SiteTemplates> {
        let mut st = self
            .0
            .prepare("SELECT site, line, pages FROM template_lines")?;
        let lines = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, i64>(2)? as u32,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut st = self.0.prepare("SELECT page FROM template_pages")?;
        let pages = st
            .query_map([], |r| Ok(r.get::<_, i64>(0)? as u64))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(crate::extract::template::SiteTemplates::from_stored(
            lines, pages,
        ))
    }

    pub fn story_state(&self, id: i64) -> Result<StoryState> {
        Ok(self
            .0
            .prepare_cached("SELECT id, members, profile FROM stories WHERE id = ?1")?
            .query_row([id], |r| {
                let blob: Vec<u8> = r.get(2)?;
                Ok(StoryState {
                    id: r.get(0)?,
                    members: r.get(1)?,
                    profile: Profile::from_bytes(&blob),
                })
            })?)
    }

    /// How much the store holds.
    pub fn counts(&self) -> Result<StoreCounts> {
        Ok(StoreCounts {
            articles: self.last_seq()?,
            stories: self.story_count()?,
            passages: self
                .0
                .prepare_cached("SELECT coalesce(max(id), 0) FROM passages")?
                .query_row([], |r| r.get(0))?,
        })
    }

    pub fn article_count(&self) -> Result<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT count(*) FROM articles")?
            .query_row([], |r| r.get(0))?)
    }

    /// What a new article linking to `seq` needs of it: its id, story, and the text that makes
    /// it a member of its copy group: its passages with the article it joined through, with their
    /// confirmed part; for an article that started its group, its group text (`None`: all of
    /// it).
    pub fn link_target(&self, seq: i64) -> Result<LinkTarget> {
        type Row = (String, i64, Option<i64>, Option<Vec<u8>>, Option<Vec<u8>>);
        let (id, story, from, group_text, confirmed): Row = self
            .0
            .prepare_cached(
                "SELECT id, story, copied_from, group_text, confirmed FROM articles WHERE seq = ?1",
            )?
            .query_row([seq], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        let group_text = group_text.as_deref().and_then(ranges_from_bytes);
        let confirmed = confirmed.as_deref().and_then(ranges_from_bytes);
        let membership = match from {
            None if group_text.is_none() && confirmed.is_none() => None,
            None => Some(Membership {
                ranges: group_text.unwrap_or_else(|| ALL_TEXT.to_vec()),
                started: true,
                confirmed,
                ..Membership::default()
            }),
            Some(from) => {
                // A pair's passages are kept under its later arrival (b); the article it joined
                // through is usually earlier, but one it moved to (`Writer::move_to_group`) is later.
                let (a, b) = (seq.min(from), seq.max(from));
                let mut st = self.0.prepare_cached(
                    "SELECT a_start, a_end, b_start, b_end, matched_words FROM passages WHERE b = ?1 AND a = ?2",
                )?;
                let mut m = Membership::default();
                let mut rows = st.query([b, a])?;
                while let Some(r) = rows.next()? {
                    let (start, end) = if seq == b {
                        (r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)
                    } else {
                        (r.get(0)?, r.get(1)?)
                    };
                    m.ranges.push((start.max(0) as usize, end.max(0) as usize));
                    m.words += r.get::<_, i64>(4)?.max(0) as usize;
                }
                m.confirmed = group_text;
                m.through = Some(from);
                Some(m)
            }
        };
        Ok(LinkTarget {
            id,
            story,
            membership,
        })
    }

    /// The story article `seq` is in now (stories merge and split, so this is read each time).
    pub fn story_of_article(&self, seq: i64) -> Result<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT story FROM articles WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))?)
    }

    pub fn last_seq(&self) -> Result<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM articles")?
            .query_row([], |r| r.get(0))?)
    }

    /// Call `f` with the index keys of every article stored after `after`, in arrival order.
    pub fn each_keys_after(&self, after: i64, mut f: impl FnMut(i64, Keys)) -> Result<()> {
        let mut st = self
            .0
            .prepare_cached("SELECT seq, keys FROM article_keys WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = st.query([after])?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let blob: Vec<u8> = r.get(1)?;
            let keys = Keys::from_bytes(&blob).ok_or_else(|| {
                StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(
                    1,
                    rusqlite::types::Type::Blob,
                    format!("index keys of article {seq} are damaged").into(),
                ))
            })?;
            f(seq, keys);
        }
        Ok(())
    }

    /// Every passage, in storage order, with both articles' ids.
    pub fn each_passage(&self, f: impl FnMut(ExportedPassage) -> Result<()>) -> Result<()> {
        self.each_row(
            "SELECT x.id, y.id, p.a_start, p.a_end, p.b_start, p.b_end, p.score, p.matched_words
             FROM passages p JOIN articles x ON x.seq = p.a JOIN articles y ON y.seq = p.b ORDER BY p.id",
            |r| {
                Ok(ExportedPassage {
                    a: r.get(0)?,
                    b: r.get(1)?,
                    a_start: r.get(2)?,
                    a_end: r.get(3)?,
                    b_start: r.get(4)?,
                    b_end: r.get(5)?,
                    score: r.get(6)?,
                    matched_words: r.get(7)?,
                })
            },
            f,
        )
    }

    /// Every article in arrival order, with its cleaned body.
    pub fn each_article(&self, f: impl FnMut(ExportedArticle) -> Result<()>) -> Result<()> {
        self.each_row(
            "SELECT id, title, source, url, published, dateline, credits, words, copy_group, story, body
             FROM articles ORDER BY seq",
            |r| {
                let credits: String = r.get(6)?;
                Ok(ExportedArticle {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    source: r.get(2)?,
                    url: r.get(3)?,
                    published: r.get(4)?,
                    dateline: r.get(5)?,
                    credits: serde_json::from_str(&credits).unwrap_or_default(),
                    words: r.get(7)?,
                    copy_group: r.get(8)?,
                    story: r.get(9)?,
                    body: r.get(10)?,
                })
            },
            f,
        )
    }

    /// Stream the rows of `sql` through `map` to `f`, without holding them all.
    fn each_row<T>(
        &self,
        sql: &str,
        map: impl Fn(&rusqlite::Row) -> rusqlite::Result<T>,
        mut f: impl FnMut(T) -> Result<()>,
    ) -> Result<()> {
        let mut st = self.0.prepare(sql)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            f(map(r)?)?;
        }
        Ok(())
    }
}

/// A snippet without its match marks, and the character ranges the marks enclosed.
fn unmark(marked: &str) -> (String, Vec<(usize, usize)>) {
    let mut text = String::with_capacity(marked.len());
    let mut matches = Vec::new();
    let (mut chars, mut open) = (0, None);
    for c in marked.chars() {
        match c {
            MATCH_OPEN => open = Some(chars),
            MATCH_CLOSE => matches.extend(open.take().map(|s| (s, chars))),
            _ => {
                text.push(c);
                chars += 1;
            }
        }
    }
    (text, matches)
}

/// A passage as exported: the two articles by id (a arrived first) and character offsets.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExportedPassage {
    pub a: String,
    pub b: String,
    pub a_start: i64,
    pub a_end: i64,
    pub b_start: i64,
    pub b_end: i64,
    pub score: f64,
    pub matched_words: i64,
}

/// An article as exported: metadata, groups and the cleaned body that passage offsets index.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExportedArticle {
    pub id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub dateline: Option<String>,
    pub credits: Vec<String>,
    pub words: i64,
    pub copy_group: i64,
    pub story: i64,
    pub body: String,
}

fn row_passage(r: &rusqlite::Row) -> rusqlite::Result<StoredPassage> {
    Ok(StoredPassage {
        a: r.get(0)?,
        b: r.get(1)?,
        a_tokens: (r.get(2)?, r.get(3)?),
        b_tokens: (r.get(4)?, r.get(5)?),
        a_chars: (r.get(6)?, r.get(7)?),
        b_chars: (r.get(8)?, r.get(9)?),
        matched_words: r.get(10)?,
    })
}

fn row_article(r: &rusqlite::Row) -> rusqlite::Result<StoredArticle> {
    let credits: String = r.get(5)?;
    Ok(StoredArticle {
        seq: r.get(0)?,
        id: r.get(1)?,
        title: r.get(2)?,
        source: r.get(3)?,
        published: r.get(4)?,
        credits: serde_json::from_str(&credits).unwrap_or_default(),
        words: r.get(6)?,
        copy_group: r.get(7)?,
        story: r.get(8)?,
    })
}

/// Writes inside one transaction (see [`Store::write`]).
pub struct Writer<'c>(&'c Connection);

/// A new article to store, with what the pipeline derived from it.
pub struct NewArticle<'a> {
    pub article: &'a Article,
    pub content_hash: &'a str,
    pub body: &'a str,
    pub words: usize,
    pub keys: &'a Keys,
    /// Its quotes and actors as [`crate::attribution::Sayings::to_bytes`] wrote them.
    pub sayings: Option<&'a [u8]>,
}

impl Writer<'_> {
    pub fn read(&self) -> Reader<'_> {
        Reader(self.0)
    }

    /// Insert an article in the copy group of the article it was copied from (a new group of its
    /// own when `None`) and in the given story, with the ranges of its text that are its group's
    /// (see version 9; `None`: all of it); returns its arrival number.
    pub fn insert_article(
        &self,
        new: &NewArticle,
        copied_from: Option<i64>,
        group_text: Option<&[(usize, usize)]>,
        story: i64,
    ) -> Result<i64> {
        let a = new.article;
        let seq = self.read().last_seq()? + 1;
        self.0.prepare_cached(
            "INSERT INTO articles (seq, id, content_hash, title, source, url, published, dateline, credits, body, words, article, copy_group, story, copied_from, group_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                     coalesce((SELECT copy_group FROM articles WHERE seq = ?14), ?1), ?13, ?14, ?15)",
        )?
        .execute(params![
            seq,
            a.id,
            new.content_hash,
            a.title,
            a.source,
            a.url,
            a.published,
            a.dateline,
            serde_json::to_string(&a.credits).unwrap(),
            new.body,
            new.words as i64,
            serde_json::to_string(a).unwrap(),
            story,
            copied_from,
            group_text.map(ranges_to_bytes),
        ])?;
        self.0
            .prepare_cached("INSERT INTO article_keys (seq, keys) VALUES (?1, ?2)")?
            .execute(params![seq, new.keys.to_bytes()])?;
        if let Some(sayings) = new.sayings {
            self.0
                .prepare_cached("INSERT INTO article_sayings (seq, data) VALUES (?1, ?2)")?
                .execute(params![seq, sayings])?;
        }
        Ok(seq)
    }

    pub fn insert_passage(&self, a: i64, b: i64, p: &crate::align::Passage) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO passages (a, b, a_start, a_end, b_start, b_end, a_tok_start, a_tok_end, b_tok_start, b_tok_end, score, matched_words)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                a,
                b,
                p.a_start as i64,
                p.a_end as i64,
                p.b_start as i64,
                p.b_end as i64,
                p.a_tokens.start as i64,
                p.a_tokens.end as i64,
                p.b_tokens.start as i64,
                p.b_tokens.end as i64,
                p.score,
                p.matched_words as i64
            ])?;
        Ok(())
    }

    /// Record what of starter `seq`'s group text the first article to join through it shares
    /// (version 10); later calls leave it as it is.
    pub fn confirm_starter(&self, seq: i64, ranges: &[(usize, usize)]) -> Result<()> {
        self.0
            .prepare_cached(
                "UPDATE articles SET confirmed = ?2 WHERE seq = ?1 AND copied_from IS NULL AND confirmed IS NULL",
            )?
            .execute(params![seq, ranges_to_bytes(ranges)])?;
        Ok(())
    }

    /// Put article `seq` in the copy group of article `through`, as a member through it. The
    /// starter it joined through before, if any, forgets what its joiners confirmed (version
    /// 10): that may have been `seq`, whose text now reads as another wire's; the next article
    /// to join through it confirms again. Returns that article.
    pub fn move_to_group(&self, seq: i64, through: i64) -> Result<Option<i64>> {
        let before: Option<i64> = self
            .0
            .prepare_cached("SELECT copied_from FROM articles WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))?;
        if let Some(before) = before {
            self.0
                .prepare_cached("UPDATE articles SET confirmed = NULL WHERE seq = ?1")?
                .execute([before])?;
        }
        self.0
            .prepare_cached(
                "UPDATE articles SET copied_from = ?2, group_text = NULL, confirmed = NULL, copy_group = (SELECT copy_group FROM articles WHERE seq = ?2) WHERE seq = ?1",
            )?
            .execute([seq, through])?;
        Ok(before)
    }

    pub fn new_story(&self) -> Result<i64> {
        self.0.execute(
            "INSERT INTO stories (last_seq, members, profile) VALUES (0, 0, x'')",
            [],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    /// Move every article of stories `from` into story `into`, and drop the emptied stories.
    pub fn merge_stories(&self, into: i64, from: &[i64]) -> Result<()> {
        for &s in from {
            if s != into {
                self.0
                    .prepare_cached(
                        "UPDATE stories SET
                            first_seen = (SELECT min(first_seen) FROM stories WHERE id IN (?1, ?2)),
                            last_seen = (SELECT max(last_seen) FROM stories WHERE id IN (?1, ?2))
                         WHERE id = ?1",
                    )?
                    .execute(params![into, s])?;
                self.0
                    .prepare_cached("UPDATE articles SET story = ?1 WHERE story = ?2")?
                    .execute(params![into, s])?;
                self.0
                    .prepare_cached("UPDATE story_events SET story = ?1 WHERE story = ?2")?
                    .execute(params![into, s])?;
                self.0
                    .prepare_cached("DELETE FROM stories WHERE id = ?1")?
                    .execute([s])?;
            }
        }
        Ok(())
    }

    /// Record a story's state after an article (published on `published`, if known) joined it.
    /// Dates widen in place: recomputing them from the story's articles made every arrival cost
    /// as much as the story is long (measured on 100,000 articles).
    pub fn update_story(
        &self,
        id: i64,
        members: i64,
        profile: &Profile,
        seq: i64,
        published: Option<&str>,
    ) -> Result<()> {
        self.0
            .prepare_cached(
                "UPDATE stories SET members = ?2, profile = ?3, last_seq = ?4,
                    first_seen = CASE WHEN ?5 IS NOT NULL AND (first_seen IS NULL OR ?5 < first_seen) THEN ?5 ELSE first_seen END,
                    last_seen = CASE WHEN ?5 IS NOT NULL AND (last_seen IS NULL OR ?5 > last_seen) THEN ?5 ELSE last_seen END
                 WHERE id = ?1",
            )?
            .execute(params![id, members, profile.to_bytes(), seq, published])?;
        Ok(())
    }

    /// Move articles `seqs` into story `to`, and set both stories' state from their members.
    pub fn move_articles(&self, seqs: &[i64], to: i64) -> Result<()> {
        let mut st = self
            .0
            .prepare_cached("UPDATE articles SET story = ?1 WHERE seq = ?2")?;
        for &seq in seqs {
            st.execute(params![to, seq])?;
        }
        Ok(())
    }

    /// Set a story's state outright (after a split): its dates from its articles, and touched by
    /// arrival `seq` (so other processes read the new state).
    pub fn reset_story(&self, id: i64, members: i64, profile: &Profile, seq: i64) -> Result<()> {
        self.0
            .prepare_cached(
                "UPDATE stories SET members = ?2, profile = ?3, last_seq = ?4,
                    first_seen = (SELECT min(published) FROM articles WHERE story = ?1),
                    last_seen = (SELECT max(published) FROM articles WHERE story = ?1)
                 WHERE id = ?1",
            )?
            .execute(params![id, members, profile.to_bytes(), seq])?;
        Ok(())
    }

    /// Record what article `seq` did to `story` (`kind`: started, joined, merged) and why.
    pub fn add_story_event(
        &self,
        story: i64,
        seq: i64,
        kind: &str,
        detail: &serde_json::Value,
    ) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO story_events (story, seq, kind, detail) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![story, seq, kind, detail.to_string()])?;
        Ok(())
    }

    /// Add what pages taught about their sites' templates.
    pub fn add_template_learnt(&self, learnt: &crate::extract::template::Learnt) -> Result<()> {
        let mut st = self
            .0
            .prepare_cached("INSERT OR IGNORE INTO template_pages (page) VALUES (?1)")?;
        for &p in &learnt.pages {
            st.execute([h(p)])?;
        }
        let mut st = self.0.prepare_cached(
            "INSERT INTO template_lines (site, line, pages) VALUES (?1, ?2, ?3)
             ON CONFLICT (site, line) DO UPDATE SET pages = pages + excluded.pages",
        )?;
        for (site, line, add) in &learnt.lines {
            st.execute(params![site, h(*line), add])?;
        }
        Ok(())
    }

    /// Add document counts to terms.
    pub fn add_term_counts(&self, counts: &HashMap<u64, u32>) -> Result<()> {
        let mut st = self.0.prepare_cached(
            "INSERT INTO terms (hash, df) VALUES (?1, ?2) ON CONFLICT (hash) DO UPDATE SET df = df + excluded.df",
        )?;
        // In key order: a batch's few thousand terms then walk the table's pages once instead
        // of landing on them at random.
        let mut sorted: Vec<(i64, u32)> = counts.iter().map(|(&t, &n)| (h(t), n)).collect();
        sorted.sort_unstable();
        for (t, n) in sorted {
            st.execute(params![t, n])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        {
            let s = Store::open(&p).unwrap();
            assert_eq!(s.read().article_count().unwrap(), 0);
        }
        let s = Store::open(&p).unwrap();
        let v: i64 = s
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
    }

    #[test]
    fn group_text_reads_back_as_written() {
        let ranges = vec![(0, 120), (380, usize::MAX)];
        assert_eq!(
            ranges_from_bytes(&ranges_to_bytes(&ranges)),
            Some(vec![(0, 120), (380, u32::MAX as usize)])
        );
        assert_eq!(
            ranges_from_bytes(&ranges_to_bytes(&[(10, 20)])),
            Some(vec![(10, 20)])
        );
        assert_eq!(ranges_from_bytes(&[1, 2, 3]), None);
        assert_eq!(ranges_from_bytes(&[0; 12]), None);
    }

    #[test]
    fn a_version_1_store_gets_its_index_keys_from_the_stored_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        {
            let c = Connection::open(&p).unwrap();
            c.execute_batch(V1).unwrap();
            c.execute_batch(
                "INSERT INTO articles (seq, id, content_hash, credits, body, words, article, copy_group, story)
                 VALUES (1, 'x', 'h', '[]', 'one two three four five six seven eight nine ten eleven', 11, '{}', 1, 1);
                 INSERT INTO anchors VALUES (42, 1);",
            )
            .unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
        }
        let s = Store::open(&p).unwrap();
        let mut got = Vec::new();
        s.read()
            .each_keys_after(0, |seq, k| got.push((seq, k)))
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 1);
        assert!(!got[0].1.anchors.is_empty() && !got[0].1.bands.is_empty());
        let anchors_left: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'anchors'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(anchors_left, 0);
        let hits = s.read().search("seven", 10, 0).unwrap();
        assert_eq!(
            hits.len(),
            1,
            "version 4 indexes the articles already stored"
        );
        assert_eq!(
            (hits[0].id.as_str(), hits[0].matches.as_slice()),
            ("x", &[(28, 33)][..])
        );
        assert_eq!(&hits[0].snippet[28..33], "seven");
    }

    #[test]
    fn typed_queries_become_fts5_queries_that_cannot_be_syntax_errors() {
        assert_eq!(
            fts_query("al-qaeda taliban").unwrap(),
            r#""al-qaeda" "taliban""#
        );
        assert_eq!(
            fts_query(r#""peace deal" Taliban*"#).unwrap(),
            r#""peace deal" "Taliban"*"#
        );
        assert_eq!(
            fts_query("AFP OR Reuters OR").unwrap(),
            r#""AFP" OR "Reuters""#
        );
        assert_eq!(
            fts_query(r#"say "hi"#).unwrap(),
            r#""say" "hi""#,
            "an unclosed quote is a phrase to the end"
        );
        assert_eq!(fts_query("  (  ) : ^ "), None);
        assert_eq!(fts_query("NEAR( AND"), Some(r#""NEAR" "AND""#.into()));
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        {
            let c = Connection::open(&p).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        let e = Store::open(&p).err().unwrap();
        assert!(e.to_string().contains("newer than this build"), "{e}");
    }

    /// An article read from `text` (its first line the headline), as the engine would clean it.
    fn article(name: &str, text: &str) -> crate::extract::Article {
        let mut out = None;
        crate::ingest::read_bytes(
            Path::new(name),
            crate::ingest::Format::Text,
            text.as_bytes(),
            crate::ingest::ReadLimits::default(),
            &mut |doc| out = Some(crate::extract::extract(&doc.unwrap())),
        );
        out.unwrap()
    }

    fn store_article(w: &Writer, article: &crate::extract::Article) -> Result<i64> {
        let body = article.body.join("\n\n");
        let new = NewArticle {
            article,
            content_hash: &article.id,
            body: &body,
            words: 1,
            keys: &Keys::default(),
            sayings: None,
        };
        let story = w.new_story()?;
        w.insert_article(&new, None, None, story)
    }

    #[test]
    fn articles_are_searchable_once_their_batch_commits_and_a_failed_one_never_is() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("w.db")).unwrap();
        let words = |body: &str| format!("Headline\n\n{body} and some more words to read.\n");
        let alone = article("alone.txt", &words("Walruses gathered on the ice"));
        s.write(|w| store_article(w, &alone)).unwrap();
        assert_eq!(
            s.read().search("walruses", 10, 0).unwrap().len(),
            1,
            "an article stored outside a batch is searchable at once"
        );
        s.begin_batch().unwrap();
        for (name, body) in [
            ("a.txt", "Pelicans flew over"),
            ("b.txt", "Otters swam past"),
        ] {
            let a = article(name, &words(body));
            s.write(|w| store_article(w, &a)).unwrap();
        }
        let failed = article("c.txt", &words("Flamingos stood still"));
        let _ = s.write(|w| -> Result<()> {
            store_article(w, &failed)?;
            Err(StoreError::Sql(rusqlite::Error::QueryReturnedNoRows))
        });
        let last = article("d.txt", &words("Herons waited patiently"));
        s.write(|w| store_article(w, &last)).unwrap();
        s.commit_batch().unwrap();
        let ids = |q: &str| -> Vec<String> {
            s.read()
                .search(q, 10, 0)
                .unwrap()
                .into_iter()
                .map(|h| h.id)
                .collect()
        };
        assert_eq!(ids("pelicans"), [article("a.txt", "x").id]);
        assert_eq!(ids("otters").len(), 1);
        assert_eq!(ids("herons").len(), 1);
        assert!(ids("flamingos").is_empty(), "a write undone is not indexed");
        assert_eq!(ids("headline").len(), 4);
        s.conn
            .execute_batch("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
            .expect("the full-text index agrees with the articles");
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_a_good_one_lands() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("w.db")).unwrap();
        let count = |s: &Store| -> i64 {
            s.conn
                .query_row("SELECT count(*) FROM stories", [], |r| r.get(0))
                .unwrap()
        };
        let failed = s.write(|w| -> Result<()> {
            w.new_story()?;
            Err(StoreError::Sql(rusqlite::Error::QueryReturnedNoRows))
        });
        assert!(failed.is_err());
        assert_eq!(count(&s), 0);
        s.write(|w| -> Result<i64> { w.new_story() }).unwrap();
        assert_eq!(count(&s), 1);
        s.begin_batch().unwrap();
        s.write(|w| -> Result<i64> { w.new_story() }).unwrap();
        let _ = s.write(|w| -> Result<()> {
            w.new_story()?;
            Err(StoreError::Sql(rusqlite::Error::QueryReturnedNoRows))
        });
        s.commit_batch().unwrap();
        assert_eq!(
            count(&s),
            2,
            "a failed write inside a batch is undone alone"
        );
    }

    #[test]
    fn not_a_database_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        std::fs::write(
            &p,
            b"this is not sqlite, just some bytes that fill the header and more bytes",
        )
        .unwrap();
        let e = Store::open(&p).err().unwrap();
        assert!(e.to_string().contains("cannot open the store"), "{e}");
    }
}
