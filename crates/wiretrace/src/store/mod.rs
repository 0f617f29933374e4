//! Store: the embedded SQLite file holding articles, anchors, passages, copy groups and stories.
//! Each article is written in one transaction with everything derived from it, so a killed process
//! leaves either the whole article or none of it. The schema is versioned and migrated on open.

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::extract::Article;
use crate::index::{AnchorIndex, ArticleKey};
use crate::story::Profile;

/// Store errors (all from SQLite, with what was being done).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    #[error("{path} is a wiretrace store of schema version {found}, newer than this build knows ({known}); upgrade wiretrace")]
    TooNew { path: String, found: i64, known: i64 },
    #[error("store error: {0}")]
    Sql(#[from] rusqlite::Error),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Schema migrations; the store's `user_version` is the number applied.
const MIGRATIONS: &[&str] = &[r#"
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
"#];

/// The embedded store.
pub struct Store {
    conn: Connection,
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

/// A story's state as kept for clustering.
#[derive(Debug, Clone)]
pub struct StoryState {
    pub id: i64,
    pub members: i64,
    pub profile: Profile,
}

/// A passage as stored: the article pair and token ranges (a is the earlier arrival).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredPassage {
    pub a: i64,
    pub b: i64,
    pub a_tokens: (i64, i64),
    pub b_tokens: (i64, i64),
}

impl Store {
    /// Open (creating if needed) the store at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let shown = path.display().to_string();
        let open_err = |source| StoreError::Open { path: shown.clone(), source };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_err)?;
        // Anchor lookups touch pages all over the index; SQLite's 2 MB default cache made every
        // article re-read them from the kernel (measured with bench/trace_bench.py).
        conn.pragma_update(None, "cache_size", -131_072).map_err(open_err)?;
        conn.pragma_update(None, "mmap_size", 1i64 << 30).map_err(open_err)?;
        let mut store = Store { conn };
        store.migrate(&shown)?;
        Ok(store)
    }

    fn migrate(&mut self, shown: &str) -> Result<()> {
        let version: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|source| {
            StoreError::Open { path: shown.to_string(), source }
        })?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew { path: shown.to_string(), found: version, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
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
        self.conn.execute_batch("SAVEPOINT article").map_err(StoreError::from)?;
        match f(&Writer(&self.conn)) {
            Ok(out) => {
                self.conn.execute_batch("RELEASE article").map_err(StoreError::from)?;
                Ok(out)
            }
            Err(e) => {
                self.conn.execute_batch("ROLLBACK TO article; RELEASE article").map_err(StoreError::from)?;
                Err(e)
            }
        }
    }

    /// Start a batch: writes until [`Store::commit_batch`] land together. Committing per batch
    /// rather than per article saves rewriting the same index pages; a process killed mid-batch
    /// loses only that batch, never part of an article.
    pub fn begin_batch(&mut self) -> Result<()> {
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }

    /// Commit the batch; if that fails, roll it back, so no transaction is ever left open.
    pub fn commit_batch(&mut self) -> Result<()> {
        if let Err(e) = self.conn.execute_batch("COMMIT") {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(e.into());
        }
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
        Ok(self.0.prepare_cached("SELECT body FROM articles WHERE seq = ?1")?.query_row([seq], |r| r.get(0))?)
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
        let json: String =
            self.0.prepare_cached("SELECT article FROM articles WHERE seq = ?1")?.query_row([seq], |r| r.get(0))?;
        serde_json::from_str(&json).map_err(|e| {
            StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
        })
    }

    pub fn story_articles(&self, story: i64) -> Result<Vec<StoredArticle>> {
        let mut st = self.0.prepare_cached(
            "SELECT seq, id, title, source, published, credits, words, copy_group, story FROM articles
             WHERE story = ?1 ORDER BY published IS NULL, published, seq",
        )?;
        let rows = st.query_map([story], row_article)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn passages_of(&self, seq: i64) -> Result<Vec<StoredPassage>> {
        let mut st = self.0.prepare_cached(
            "SELECT a, b, a_tok_start, a_tok_end, b_tok_start, b_tok_end FROM passages WHERE a = ?1 OR b = ?1",
        )?;
        let rows = st.query_map([seq], |r| {
            Ok(StoredPassage { a: r.get(0)?, b: r.get(1)?, a_tokens: (r.get(2)?, r.get(3)?), b_tokens: (r.get(4)?, r.get(5)?) })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn story_dates(&self, story: i64) -> Result<(Option<String>, Option<String>)> {
        Ok(self
            .0
            .prepare_cached("SELECT first_seen, last_seen FROM stories WHERE id = ?1")?
            .query_row([story], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    /// Stories an article may join: for a dated article, those whose dates come within
    /// `window_days` of it; for an undated one, those touched by arrivals after `recent_after`.
    pub fn stories_near(&self, date: Option<&str>, window_days: i64, recent_after: i64) -> Result<Vec<StoryState>> {
        let mut st = self.0.prepare_cached(
            "SELECT id, members, profile FROM stories
             WHERE (?1 IS NULL AND last_seq > ?3)
                OR (?1 IS NOT NULL AND first_seen IS NOT NULL
                    AND first_seen <= date(?1, '+' || ?2 || ' days') AND last_seen >= date(?1, '-' || ?2 || ' days'))",
        )?;
        let rows = st.query_map(params![date, window_days, recent_after], |r| {
            let blob: Vec<u8> = r.get(2)?;
            Ok(StoryState { id: r.get(0)?, members: r.get(1)?, profile: Profile::from_bytes(&blob) })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn story_state(&self, id: i64) -> Result<StoryState> {
        Ok(self.0.prepare_cached("SELECT id, members, profile FROM stories WHERE id = ?1")?.query_row([id], |r| {
            let blob: Vec<u8> = r.get(2)?;
            Ok(StoryState { id: r.get(0)?, members: r.get(1)?, profile: Profile::from_bytes(&blob) })
        })?)
    }

    pub fn term_df(&self, term: u64) -> Result<u64> {
        Ok(self
            .0
            .prepare_cached("SELECT df FROM terms WHERE hash = ?1")?
            .query_row([h(term)], |r| r.get::<_, i64>(0))
            .optional()?
            .unwrap_or(0) as u64)
    }

    pub fn article_count(&self) -> Result<i64> {
        Ok(self.0.prepare_cached("SELECT count(*) FROM articles")?.query_row([], |r| r.get(0))?)
    }

    pub fn last_seq(&self) -> Result<i64> {
        Ok(self.0.prepare_cached("SELECT coalesce(max(seq), 0) FROM articles")?.query_row([], |r| r.get(0))?)
    }

    pub fn postings(&self, anchor: u64, limit: usize) -> Result<Vec<ArticleKey>> {
        let mut st = self.0.prepare_cached("SELECT seq FROM anchors WHERE hash = ?1 LIMIT ?2")?;
        let rows = st.query_map(params![h(anchor), limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
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

impl AnchorIndex for Store {
    type Error = StoreError;
    fn postings(&self, anchor: u64, limit: usize) -> Result<Vec<ArticleKey>> {
        self.read().postings(anchor, limit)
    }
}

/// Writes inside one transaction (see [`Store::write`]).
pub struct Writer<'c>(&'c Connection);

/// A new article to store, with what the pipeline derived from it.
pub struct NewArticle<'a> {
    pub article: &'a Article,
    pub content_hash: &'a str,
    pub body: &'a str,
    pub words: usize,
    pub anchors: &'a [u64],
}

impl Writer<'_> {
    pub fn read(&self) -> Reader<'_> {
        Reader(self.0)
    }

    /// Insert an article in its own copy group and the given story; returns its arrival number.
    pub fn insert_article(&self, new: &NewArticle, story: i64) -> Result<i64> {
        let a = new.article;
        let seq = self.read().last_seq()? + 1;
        self.0.prepare_cached(
            "INSERT INTO articles (seq, id, content_hash, title, source, url, published, dateline, credits, body, words, article, copy_group, story)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?1, ?13)",
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
        ])?;
        let mut st = self.0.prepare_cached("INSERT OR IGNORE INTO anchors (hash, seq) VALUES (?1, ?2)")?;
        for &anchor in new.anchors {
            st.execute(params![h(anchor), seq])?;
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

    /// Put every article of groups `from` into group `into`.
    pub fn merge_copy_groups(&self, into: i64, from: &[i64]) -> Result<()> {
        let mut st = self.0.prepare_cached("UPDATE articles SET copy_group = ?1 WHERE copy_group = ?2")?;
        for &g in from {
            if g != into {
                st.execute(params![into, g])?;
            }
        }
        Ok(())
    }

    pub fn new_story(&self) -> Result<i64> {
        self.0.execute("INSERT INTO stories (last_seq, members, profile) VALUES (0, 0, x'')", [])?;
        Ok(self.0.last_insert_rowid())
    }

    /// Move every article of stories `from` into story `into`, and drop the emptied stories.
    pub fn merge_stories(&self, into: i64, from: &[i64]) -> Result<()> {
        for &s in from {
            if s != into {
                self.0.prepare_cached("UPDATE articles SET story = ?1 WHERE story = ?2")?.execute(params![into, s])?;
                self.0.prepare_cached("DELETE FROM stories WHERE id = ?1")?.execute([s])?;
            }
        }
        Ok(())
    }

    /// Record a story's state after articles joined it; its dates follow from its articles.
    pub fn update_story(&self, id: i64, members: i64, profile: &Profile, seq: i64) -> Result<()> {
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

    /// Count one more document holding each of `terms`.
    pub fn add_terms(&self, terms: impl Iterator<Item = u64>) -> Result<()> {
        let mut st = self
            .0
            .prepare_cached("INSERT INTO terms (hash, df) VALUES (?1, 1) ON CONFLICT (hash) DO UPDATE SET df = df + 1")?;
        for t in terms {
            st.execute([h(t)])?;
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
        let v: i64 = s.conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
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

    #[test]
    fn a_failed_write_leaves_nothing_and_a_good_one_lands() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("w.db")).unwrap();
        let count = |s: &Store| -> i64 { s.conn.query_row("SELECT count(*) FROM stories", [], |r| r.get(0)).unwrap() };
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
        assert_eq!(count(&s), 2, "a failed write inside a batch is undone alone");
    }

    #[test]
    fn not_a_database_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        std::fs::write(&p, b"this is not sqlite, just some bytes that fill the header and more bytes").unwrap();
        let e = Store::open(&p).err().unwrap();
        assert!(e.to_string().contains("cannot open the store"), "{e}");
    }
}
