//! Story: what makes articles one story. Copy groups (articles linked by shared passages) always
//! share a story; other articles join the story whose term profile (TF-IDF of headline and body)
//! is closest, if close enough and within a time window. This first version is deliberately
//! simple; its thresholds are not yet tuned on labelled data.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::text::{word_hash, Token};

/// Story parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryParams {
    /// Articles this many days apart (or less) may join one story by similarity.
    pub window_days: i64,
    /// Cosine similarity of term profiles needed to join a story.
    pub min_similarity: f32,
    /// Terms kept in a profile.
    pub profile_terms: usize,
    /// Matched words a pair must share to join one copy group.
    pub min_link_words: usize,
    /// Undated articles are compared with the stories touched by this many latest arrivals.
    pub recent_arrivals: i64,
}

impl Default for StoryParams {
    fn default() -> Self {
        StoryParams { window_days: 3, min_similarity: 0.35, profile_terms: 64, min_link_words: 20, recent_arrivals: 1000 }
    }
}

/// Weighted terms of an article or story, L2-normalised, sorted by term (so that comparing two
/// is a merge of two short sorted lists).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile(pub Vec<(u64, f32)>);

static STOPWORDS: LazyLock<HashSet<u64>> = LazyLock::new(|| {
    "the of and to a in that is was for on it with as he she his her by at from be have has had are \
     were this but not or they their them its an which who will would said says say also been more \
     after than about over into can could there when what out up one two new all if no so we our you \
     your i me my us do did does just other some these those only any most such then now while where \
     how very may might should because during before between against under many much each both"
        .split_whitespace()
        .map(word_hash)
        .collect()
});

/// Term counts of an article: headline words count twice; stopwords, numbers and words of fewer
/// than three letters are left out.
pub fn term_counts(title: &[Token], title_text: &str, body: &[Token], body_text: &str) -> HashMap<u64, u32> {
    let mut counts = HashMap::new();
    let mut add = |toks: &[Token], text: &str, weight: u32| {
        for t in toks {
            let word = &text[t.byte_start..t.byte_end];
            if t.end - t.start < 3 || word.chars().all(|c| c.is_numeric()) || STOPWORDS.contains(&t.hash) {
                continue;
            }
            *counts.entry(t.hash).or_insert(0) += weight;
        }
    };
    add(title, title_text, 2);
    add(body, body_text, 1);
    counts
}

/// TF-IDF profile from term counts; `df` gives each term's document frequency among `docs`.
pub fn profile(counts: &HashMap<u64, u32>, df: impl Fn(u64) -> u64, docs: u64, keep: usize) -> Profile {
    let mut w: Vec<(u64, f32)> = counts
        .iter()
        .map(|(&t, &c)| {
            let idf = ((docs as f32 + 1.0) / (df(t) as f32 + 1.0)).ln() + 1.0;
            (t, (1.0 + (c as f32).ln()) * idf)
        })
        .collect();
    w.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    w.truncate(keep);
    normalise(w)
}

fn normalise(mut w: Vec<(u64, f32)>) -> Profile {
    let norm = w.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        w.iter_mut().for_each(|(_, x)| *x /= norm);
    }
    w.sort_unstable_by_key(|(t, _)| *t);
    Profile(w)
}

impl Profile {
    pub fn cosine(&self, other: &Profile) -> f32 {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// The profile of this story (of `n` members) joined with `other` (of `m` members).
    pub fn merged(&self, n: f32, other: &Profile, m: f32, keep: usize) -> Profile {
        let mut acc: HashMap<u64, f32> = self.0.iter().map(|(t, x)| (*t, x * n)).collect();
        for (t, x) in &other.0 {
            *acc.entry(*t).or_default() += x * m;
        }
        let mut w: Vec<(u64, f32)> = acc.into_iter().collect();
        w.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        w.truncate(keep);
        normalise(w)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() * 12);
        for (t, x) in &self.0 {
            out.extend_from_slice(&t.to_le_bytes());
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    }

    pub fn from_bytes(b: &[u8]) -> Profile {
        Profile(
            b.chunks_exact(12)
                .map(|c| (u64::from_le_bytes(c[..8].try_into().unwrap()), f32::from_le_bytes(c[8..].try_into().unwrap())))
                .collect(),
        )
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the form every stored date has).
pub fn day_number(date: &str) -> Option<i32> {
    let d = chrono::NaiveDate::parse_from_str(date.get(..10)?, "%Y-%m-%d").ok()?;
    Some((d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?).num_days() as i32)
}

/// A story as the clusterer sees it: its profile, size, dates and latest arrival.
#[derive(Debug, Clone)]
pub struct StoryEntry {
    pub members: i64,
    pub profile: Profile,
    pub first_day: Option<i32>,
    pub last_day: Option<i32>,
    pub last_seq: i64,
}

/// Every story's entry, and postings from profile terms to stories, held in memory so that
/// finding the stories an article may join costs a few posting lists, not a scan of all stories.
/// The store's `stories` table stays the record; this is rebuilt from it.
#[derive(Debug, Default)]
pub struct StoryIndex {
    stories: HashMap<i64, StoryEntry>,
    postings: HashMap<u64, Vec<u32>>,
    /// The latest article arrival whose story state has been read in.
    pub upto: i64,
}

/// Terms held by more stories than this stop being followed: they no longer tell stories apart.
const MAX_STORIES_PER_TERM: usize = 20_000;
/// Stories whose exact similarity is computed, the most promising first.
const STORIES_COMPARED: usize = 32;

impl StoryIndex {
    /// Record a story's state (new, or changed by an article joining).
    pub fn put(&mut self, id: i64, entry: StoryEntry) {
        let known = self.stories.get(&id).map(|e| &e.profile);
        for (t, _) in &entry.profile.0 {
            if known.is_some_and(|p| p.0.binary_search_by_key(t, |x| x.0).is_ok()) {
                continue;
            }
            let list = self.postings.entry(*t).or_default();
            if list.len() < MAX_STORIES_PER_TERM {
                list.push(id as u32);
            }
        }
        self.upto = self.upto.max(entry.last_seq);
        self.stories.insert(id, entry);
    }

    /// Forget a story (merged into another).
    pub fn remove(&mut self, id: i64) {
        self.stories.remove(&id);
    }

    pub fn get(&self, id: i64) -> Option<&StoryEntry> {
        self.stories.get(&id)
    }

    pub fn len(&self) -> usize {
        self.stories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    /// The closest story to `profile` with a similarity of at least `min`: among stories within
    /// `window` days of `day` for a dated article, or touched after arrival `recent_after` for
    /// an undated one.
    pub fn nearest(&self, profile: &Profile, day: Option<i32>, window: i32, recent_after: i64, min: f32) -> Option<(f32, i64)> {
        let eligible = |e: &StoryEntry| match day {
            Some(d) => matches!((e.first_day, e.last_day), (Some(f), Some(l)) if f <= d + window && l >= d - window),
            None => e.last_seq > recent_after,
        };
        let mut bound: HashMap<u32, f32> = HashMap::new();
        for (t, w) in &profile.0 {
            for &s in self.postings.get(t).map(Vec::as_slice).unwrap_or(&[]) {
                *bound.entry(s).or_default() += w;
            }
        }
        let mut ranked: Vec<(f32, i64)> = bound
            .into_iter()
            .filter(|(_, b)| *b >= min)
            .map(|(s, b)| (b, s as i64))
            .filter(|(_, s)| self.stories.get(s).is_some_and(eligible))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked
            .into_iter()
            .take(STORIES_COMPARED)
            .map(|(_, s)| (self.stories[&s].profile.cosine(profile), s))
            .filter(|(sim, _)| *sim >= min)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
    }
}

/// Document frequencies of terms, for TF-IDF weights: read from the store once, counted in
/// memory, and written back with each batch.
#[derive(Debug, Default)]
pub struct TermStats {
    df: HashMap<u64, u32>,
    /// Counts not yet written to the store.
    pending: HashMap<u64, u32>,
    /// Documents counted.
    pub docs: u64,
}

impl TermStats {
    pub fn new(df: HashMap<u64, u32>, docs: u64) -> TermStats {
        TermStats { df, pending: HashMap::new(), docs }
    }

    pub fn df(&self, term: u64) -> u64 {
        self.df.get(&term).copied().unwrap_or(0) as u64
    }

    /// Count one more document holding each of `terms`.
    pub fn add_document(&mut self, terms: impl Iterator<Item = u64>) {
        for t in terms {
            *self.df.entry(t).or_default() += 1;
            *self.pending.entry(t).or_default() += 1;
        }
        self.docs += 1;
    }

    /// The counts added since the last call.
    pub fn take_pending(&mut self) -> HashMap<u64, u32> {
        std::mem::take(&mut self.pending)
    }
}

/// A story as shown to users.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: i64,
    /// The headline of its earliest article.
    pub title: Option<String>,
    /// The id of its earliest article (by publication date, then arrival).
    pub origin: String,
    /// News agencies credited by any of its articles.
    pub agencies: Vec<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub articles: Vec<StoryArticle>,
}

/// One article of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryArticle {
    pub id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub published: Option<String>,
    /// Articles sharing a copy group share copied text (directly or through others).
    pub copy_group: i64,
    /// Share of its words found in passages shared with other stored articles.
    pub copied_fraction: f64,
    pub credits: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn prof(title: &str, body: &str) -> Profile {
        let c = term_counts(&tokenize(title), title, &tokenize(body), body);
        profile(&c, |_| 1, 10, 64)
    }

    #[test]
    fn similar_reports_are_closer_than_unrelated_ones() {
        let a = prof("Pentagon says Taliban keep al-Qaeda ties", "The Pentagon report says the Taliban maintain ties with al-Qaeda in Afghanistan.");
        let b = prof("Taliban still tied to al-Qaeda: Pentagon", "Afghanistan's Taliban keep close ties to al-Qaeda, a Pentagon report found.");
        let c = prof("Stocks rally in Tokyo", "Exporters led gains as the yen weakened against the dollar on Tuesday.");
        assert!(a.cosine(&b) > 0.35, "{}", a.cosine(&b));
        assert!(a.cosine(&c) < 0.05);
        assert!((a.cosine(&a) - 1.0).abs() < 1e-5);
    }

    #[test]
    fn the_index_finds_the_nearest_story_in_its_window_only() {
        let a = prof("Pentagon says Taliban keep al-Qaeda ties", "The Pentagon report says the Taliban maintain ties with al-Qaeda in Afghanistan.");
        let b = prof("Taliban still tied to al-Qaeda: Pentagon", "Afghanistan's Taliban keep close ties to al-Qaeda, a Pentagon report found.");
        let c = prof("Stocks rally in Tokyo", "Exporters led gains as the yen weakened against the dollar on Tuesday.");
        let mut idx = StoryIndex::default();
        let day = day_number("2020-07-01");
        idx.put(1, StoryEntry { members: 1, profile: a, first_day: day, last_day: day, last_seq: 1 });
        idx.put(2, StoryEntry { members: 1, profile: c, first_day: day, last_day: day, last_seq: 2 });
        assert_eq!(idx.nearest(&b, day, 3, 0, 0.35).map(|x| x.1), Some(1));
        assert_eq!(idx.nearest(&b, day.map(|d| d + 10), 3, 0, 0.35), None, "out of the window");
        assert_eq!(idx.nearest(&b, None, 3, 1, 0.35), None, "undated: only stories touched recently");
        idx.remove(1);
        assert_eq!(idx.nearest(&b, day, 3, 0, 0.35), None);
    }

    #[test]
    fn day_numbers() {
        assert_eq!(day_number("1970-01-02"), Some(1));
        assert_eq!(day_number("2020-07-01T10:00:00Z"), day_number("2020-07-01"));
        assert_eq!(day_number("July 1"), None);
    }

    #[test]
    fn profiles_round_trip_and_merge() {
        let a = prof("Pentagon report", "Taliban ties persist says Pentagon");
        assert_eq!(Profile::from_bytes(&a.to_bytes()), a);
        let m = a.merged(1.0, &a, 1.0, 64);
        assert!((m.cosine(&a) - 1.0).abs() < 1e-5);
    }
}
