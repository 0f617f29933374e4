//! Story: what makes articles one story, decided as each article arrives. Copy groups (articles
//! linked by shared passages) always share a story; other articles join the story scoring highest
//! on term similarity (TF-IDF of headline and body), actor similarity (the names it mentions) and
//! time (a Gaussian decay over days apart), if that score clears a threshold tuned on ECB+. Stories
//! merge when an article is close to two, and split when their articles read as two events.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::text::{word_hash, HashKeyMap, Token};

/// Story parameters. The defaults of `min_score`, `actor_weight`, `merge_score` and `split_score`
/// were tuned on the first 20 topics of ECB+ (`bench/story_eval.py --tune`); the time scale was
/// not (too few of its documents carry a date to tell 3 days from 30), and the window is three
/// scales.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryParams {
    /// A dated article more than this many days outside a dated story's first and last dates
    /// never joins it by similarity.
    pub window_days: i64,
    /// Scale of the time decay: an article this many days outside a story's dates has its
    /// similarity multiplied by exp(-1/2).
    pub time_scale_days: f32,
    /// Score needed to join a story.
    pub min_score: f32,
    /// Share of the score given by actors (the rest by terms).
    pub actor_weight: f32,
    /// An article scoring at least this with two stories merges them.
    pub merge_score: f32,
    /// A story whose articles fall into two groups this close (or less) is split in two.
    pub split_score: f32,
    /// Word terms kept in a profile.
    pub profile_terms: usize,
    /// Actor names kept in a profile.
    pub profile_actors: usize,
    /// Matched words a pair must share to join one copy group.
    pub min_link_words: usize,
    /// Undated articles are compared with the stories touched by this many latest arrivals.
    pub recent_arrivals: i64,
}

impl Default for StoryParams {
    fn default() -> Self {
        StoryParams {
            window_days: 9,
            time_scale_days: 3.0,
            min_score: 0.25,
            actor_weight: 0.5,
            merge_score: 0.4,
            split_score: 0.45,
            profile_terms: 128,
            profile_actors: 64,
            min_link_words: 20,
            recent_arrivals: 1000,
        }
    }
}

/// Term ids: word terms have the top bit clear and actor names have it set, so one profile holds
/// both kinds (words first, as profiles are sorted by id) and each kind is weighted on its own.
const ACTOR_BIT: u64 = 1 << 63;

/// The term id of a normalised word.
pub fn word_term(hash: u64) -> u64 {
    hash & !ACTOR_BIT
}

/// The term id of an actor name (folded).
pub fn actor_term(folded: &str) -> u64 {
    word_hash(folded) | ACTOR_BIT
}

pub fn is_actor(term: u64) -> bool {
    term & ACTOR_BIT != 0
}

/// Weighted terms of an article or story: word terms and actor terms, each part L2-normalised
/// on its own, sorted by term id (so comparing two is a merge of two short sorted lists).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile(pub Vec<(u64, f32)>);

/// How close an article is to a story, by part (each rounded to four decimals).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Similarity {
    /// Cosine of the word-term parts.
    pub terms: f64,
    /// Cosine of the actor parts.
    pub actors: f64,
    /// Days outside the story's dates (0 inside them); `None` when either side is undated.
    pub days_apart: Option<i32>,
    /// The combined score the threshold applies to.
    pub score: f64,
}

impl Similarity {
    /// `with_actors`: whether both sides name any actor (if not, terms alone decide).
    fn combine(
        terms: f32,
        actors: f32,
        with_actors: bool,
        days_apart: Option<i32>,
        p: &StoryParams,
    ) -> Similarity {
        let w = if with_actors { p.actor_weight } else { 0.0 };
        let decay = days_apart.map_or(1.0, |d| {
            (-0.5 * (d as f32 / p.time_scale_days).powi(2)).exp()
        });
        let score = decay * ((1.0 - w) * terms + w * actors);
        Similarity {
            terms: rounded(terms as f64),
            actors: rounded(actors as f64),
            days_apart,
            score: rounded(score as f64),
        }
    }

    /// Whether this clears `threshold`.
    pub fn clears(&self, threshold: f32) -> bool {
        self.score >= rounded(threshold as f64)
    }
}

/// A score or setting as shown and compared: four decimals (an `f32` printed as `f64` would
/// show binary noise).
pub fn rounded(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

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

/// Capitalised words that do not name actors: titles and calendar words.
static NOT_NAMES: LazyLock<HashSet<u64>> = LazyLock::new(|| {
    "mr mrs ms dr prof gen sen rep sir st monday tuesday wednesday thursday friday saturday sunday \
     january february march april june july august september october november december today \
     yesterday tomorrow"
        .split_whitespace()
        .map(word_hash)
        .collect()
});

/// Lower-case words that may sit inside a name ("Bank of England", "Osama bin Laden").
static NAME_LINKS: LazyLock<HashSet<u64>> = LazyLock::new(|| {
    "of de da del della di du van von der den bin ibn al el la le"
        .split_whitespace()
        .map(word_hash)
        .collect()
});

/// The names an article mentions (people, organisations, places), folded: runs of capitalised
/// words, and each capitalised word of a run on its own (so "Lohan" meets "Lindsay Lohan"). A
/// capitalised word opening a sentence counts only if the text also capitalises it elsewhere.
pub fn actors(text: &str, tokens: &[Token]) -> Vec<String> {
    let word = |t: &Token| &text[t.byte_start..t.byte_end];
    let capitalised = |t: &Token| word(t).chars().next().is_some_and(char::is_uppercase);
    let opens_sentence = |t: &Token| {
        let before = text[..t.byte_start]
            .trim_end_matches(|c: char| c.is_whitespace() || "\"'\u{201C}\u{2018}(".contains(c));
        before.is_empty() || before.ends_with(['.', '!', '?', ':', '\n'])
    };
    // Only whitespace (or a hyphen, apostrophe or initial's full stop) between two name words.
    let joined = |a: &Token, b: &Token| {
        let gap = &text[a.byte_end..b.byte_start];
        gap.chars().count() <= 2
            && gap
                .chars()
                .all(|c| c.is_whitespace() || "-'.\u{2019}".contains(c))
    };
    let mid_sentence: HashSet<u64> = tokens
        .iter()
        .filter(|t| capitalised(t) && !opens_sentence(t))
        .map(|t| t.hash)
        .collect();
    let is_name_word = |t: &Token| {
        capitalised(t)
            && !STOPWORDS.contains(&t.hash)
            && !NOT_NAMES.contains(&t.hash)
            && !word(t).chars().all(|c| c.is_numeric())
            && (!opens_sentence(t) || mid_sentence.contains(&t.hash))
    };
    let mut out = Vec::new();
    let mut run: Vec<&Token> = Vec::new();
    let flush = |run: &mut Vec<&Token>, out: &mut Vec<String>| {
        while run.last().is_some_and(|t| !capitalised(t)) {
            run.pop();
        }
        let names: Vec<String> = run
            .iter()
            .filter(|t| capitalised(t))
            .map(|t| word(t).to_lowercase())
            .collect();
        if names.len() > 1 {
            out.push(
                run.iter()
                    .map(|t| word(t).to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        out.extend(names);
        run.clear();
    };
    for t in tokens {
        let continues = run.last().is_some_and(|last| joined(last, t));
        if is_name_word(t) && (continues || run.is_empty()) {
            run.push(t);
        } else if continues && NAME_LINKS.contains(&t.hash) {
            run.push(t);
        } else {
            flush(&mut run, &mut out);
            if is_name_word(t) {
                run.push(t);
            }
        }
    }
    flush(&mut run, &mut out);
    // Years mentioned say when, as names say who and where: two earthquakes of one kind are
    // told apart by them.
    out.extend(
        tokens
            .iter()
            .map(word)
            .filter(|w| is_year(w))
            .map(|y| format!("year {y}")),
    );
    // Figures (ages, tolls, scores, magnitudes) tell two events of one kind apart too.
    out.extend(
        tokens
            .iter()
            .map(word)
            .filter(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_digit()) && !is_year(w))
            .map(|n| format!("figure {n}")),
    );
    out.iter().map(|n| crate::text::fold(n)).collect()
}

fn is_year(word: &str) -> bool {
    word.len() == 4
        && (word.starts_with("19") || word.starts_with("20"))
        && word.bytes().all(|b| b.is_ascii_digit())
}

/// Term counts of an article: headline words count twice; stopwords, numbers and words of fewer
/// than three letters are left out. Actor names of the body are counted too, as actor terms.
pub fn term_counts(
    title: &[Token],
    title_text: &str,
    body: &[Token],
    body_text: &str,
) -> HashMap<u64, u32> {
    let mut counts = HashMap::new();
    let mut add = |toks: &[Token], text: &str, weight: u32| {
        for t in toks {
            let word = &text[t.byte_start..t.byte_end];
            if t.end - t.start < 3
                || word.chars().all(|c| c.is_numeric())
                || STOPWORDS.contains(&t.hash)
            {
                continue;
            }
            *counts.entry(word_term(t.hash)).or_insert(0) += weight;
        }
    };
    add(title, title_text, 2);
    // The lead (first two paragraphs) says what happened; it counts twice.
    let lead_end = body_text
        .match_indices("\n\n")
        .nth(1)
        .map_or(body_text.len(), |(i, _)| i);
    let lead = body.partition_point(|t| t.byte_end <= lead_end);
    add(&body[..lead], body_text, 2);
    add(&body[lead..], body_text, 1);
    for name in actors(body_text, body) {
        *counts.entry(actor_term(&name)).or_insert(0) += 1;
    }
    counts
}

/// TF-IDF profile from term counts; `df` gives each term's document frequency among `docs`.
/// Keeps the `keep` heaviest word terms and `keep_actors` heaviest actors.
pub fn profile(
    counts: &HashMap<u64, u32>,
    df: impl Fn(u64) -> u64,
    docs: u64,
    keep: usize,
    keep_actors: usize,
) -> Profile {
    let w: Vec<(u64, f32)> = counts
        .iter()
        .map(|(&t, &c)| {
            let idf = ((docs as f32 + 1.0) / (df(t) as f32 + 1.0)).ln() + 1.0;
            (t, (1.0 + (c as f32).ln()) * idf)
        })
        .collect();
    from_weights(w, keep, keep_actors)
}

/// Keep the heaviest terms of each kind, normalise each kind, sort by term.
fn from_weights(w: Vec<(u64, f32)>, keep: usize, keep_actors: usize) -> Profile {
    let (mut actors, mut words): (Vec<_>, Vec<_>) = w.into_iter().partition(|(t, _)| is_actor(*t));
    let mut out = Vec::with_capacity(keep + keep_actors);
    for (part, n) in [(&mut words, keep), (&mut actors, keep_actors)] {
        part.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        part.truncate(n);
        let norm = part.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            part.iter_mut().for_each(|(_, x)| *x /= norm);
        }
        out.append(part);
    }
    out.sort_unstable_by_key(|(t, _)| *t);
    Profile(out)
}

impl Profile {
    /// Whether any actor term is held (they sort last).
    pub fn has_actors(&self) -> bool {
        self.0.last().is_some_and(|(t, _)| is_actor(*t))
    }

    /// Cosines of the word parts and of the actor parts.
    pub fn cosines(&self, other: &Profile) -> (f32, f32) {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut words, mut actors) = (0, 0, 0.0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let x = a[i].1 * b[j].1;
                    if is_actor(a[i].0) {
                        actors += x;
                    } else {
                        words += x;
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        (words, actors)
    }

    /// How close this profile is to `other`, `days_apart` apart, under `params`.
    pub fn similarity(
        &self,
        other: &Profile,
        days_apart: Option<i32>,
        params: &StoryParams,
    ) -> Similarity {
        let (terms, actors) = self.cosines(other);
        let with_actors = self.has_actors() && other.has_actors();
        Similarity::combine(terms, actors, with_actors, days_apart, params)
    }

    /// The profile of this story (of `n` members) joined with `other` (of `m` members).
    pub fn merged(
        &self,
        n: f32,
        other: &Profile,
        m: f32,
        keep: usize,
        keep_actors: usize,
    ) -> Profile {
        let mut acc: HashMap<u64, f32> = self.0.iter().map(|(t, x)| (*t, x * n)).collect();
        for (t, x) in &other.0 {
            *acc.entry(*t).or_default() += x * m;
        }
        from_weights(acc.into_iter().collect(), keep, keep_actors)
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
                .map(|c| {
                    (
                        u64::from_le_bytes(c[..8].try_into().unwrap()),
                        f32::from_le_bytes(c[8..].try_into().unwrap()),
                    )
                })
                .collect(),
        )
    }
}

/// The mean of `profiles` (those at `members`), re-weighted and truncated like any profile.
pub fn centroid(profiles: &[Profile], members: &[usize], params: &StoryParams) -> Profile {
    let mut acc: HashMap<u64, f32> = HashMap::new();
    for &i in members {
        for (t, x) in &profiles[i].0 {
            *acc.entry(*t).or_default() += x;
        }
    }
    from_weights(
        acc.into_iter().collect(),
        params.profile_terms,
        params.profile_actors,
    )
}

/// Whether a story of `members` articles is due a check for a split: every 4 articles up to 64,
/// then at 128, 256, ... (a check reads every article, so checks must thin out as stories grow).
pub fn split_due(members: i64) -> bool {
    (members >= 4 && members <= 64 && members % 4 == 0)
        || (members > 64 && members.count_ones() == 1)
}

/// Whether a story reads as two: its articles (their `profiles`, and `groups`, the copy group of
/// each, which are never separated) are split in two by 2-means from its two most different
/// articles; if each part holds two articles or more and the parts' centroids score at most
/// `split_score`, returns the part without the first article and that similarity.
pub fn two_way_split(
    profiles: &[Profile],
    groups: &[i64],
    params: &StoryParams,
) -> Option<(Vec<usize>, Similarity)> {
    let n = profiles.len();
    if n < 4 {
        return None;
    }
    let all: Vec<usize> = (0..n).collect();
    let sim = |a: &Profile, b: &Profile| a.similarity(b, None, params).score;
    let whole = centroid(profiles, &all, params);
    // Seeds: the article least like the story, and the article least like that one.
    let farthest = |from: &Profile| {
        (0..n)
            .min_by(|&i, &j| {
                sim(&profiles[i], from)
                    .total_cmp(&sim(&profiles[j], from))
                    .then(i.cmp(&j))
            })
            .unwrap()
    };
    let a = farthest(&whole);
    let b = farthest(&profiles[a]);
    if a == b {
        return None;
    }
    let (mut ca, mut cb) = (profiles[a].clone(), profiles[b].clone());
    let mut side = vec![false; n];
    for _ in 0..10 {
        let mut next: Vec<bool> = profiles.iter().map(|p| sim(p, &cb) > sim(p, &ca)).collect();
        // A copy group goes whole to the side most of it chose.
        let mut votes: HashMap<i64, i32> = HashMap::new();
        for (g, &s) in groups.iter().zip(&next) {
            *votes.entry(*g).or_default() += if s { 1 } else { -1 };
        }
        for (g, s) in groups.iter().zip(next.iter_mut()) {
            *s = votes[g] > 0;
        }
        if next == side {
            break;
        }
        side = next;
        let (pa, pb): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| !side[i]);
        if pa.is_empty() || pb.is_empty() {
            return None;
        }
        ca = centroid(profiles, &pa, params);
        cb = centroid(profiles, &pb, params);
    }
    let (pa, pb): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| side[i] == side[0]);
    if pa.len() < 2 || pb.len() < 2 {
        return None;
    }
    let between =
        centroid(profiles, &pa, params).similarity(&centroid(profiles, &pb, params), None, params);
    (between.score <= params.split_score as f64).then_some((pb, between))
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
    postings: HashKeyMap<u64, Vec<u32>>,
    /// The latest article arrival whose story state has been read in.
    pub upto: i64,
}

/// A story is found through its heaviest terms only (its signature): an article close enough to
/// join it shares some of them, and posting every term made each lookup walk the long lists of
/// common words (measured with `cargo bench --bench story_index`).
const SIGNATURE_WORDS: usize = 16;
const SIGNATURE_ACTORS: usize = 8;

fn signature(profile: &Profile) -> Vec<u64> {
    let (mut actors, mut words): (Vec<(u64, f32)>, Vec<(u64, f32)>) =
        profile.0.iter().partition(|(t, _)| is_actor(*t));
    let mut out = Vec::with_capacity(SIGNATURE_WORDS + SIGNATURE_ACTORS);
    for (part, n) in [
        (&mut words, SIGNATURE_WORDS),
        (&mut actors, SIGNATURE_ACTORS),
    ] {
        part.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.extend(part.iter().take(n).map(|(t, _)| *t));
    }
    out
}

/// Terms held by more stories than this stop being followed: they no longer tell stories apart.
const MAX_STORIES_PER_TERM: usize = 5_000;
/// Stories whose exact similarity is computed, the most promising first.
const STORIES_COMPARED: usize = 32;

impl StoryIndex {
    /// Record a story's state (new, or changed by an article joining).
    pub fn put(&mut self, id: i64, entry: StoryEntry) {
        let known = self.stories.get(&id).map(|e| signature(&e.profile));
        for t in signature(&entry.profile) {
            if known.as_ref().is_some_and(|k| k.contains(&t)) {
                continue;
            }
            let list = self.postings.entry(t).or_default();
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

    /// The stories `profile` (of an article published on `day`) may join, best first, at most
    /// two, each scoring at least `params.min_score`. A dated article is compared with dated
    /// stories at most `window_days` outside their dates; otherwise only stories touched after
    /// arrival `recent_after` are eligible.
    pub fn nearest(
        &self,
        profile: &Profile,
        day: Option<i32>,
        recent_after: i64,
        params: &StoryParams,
    ) -> Vec<(Similarity, i64)> {
        let days_apart = |e: &StoryEntry| match (day, e.first_day, e.last_day) {
            (Some(d), Some(f), Some(l)) => Some((f - d).max(d - l).max(0)),
            _ => None,
        };
        let eligible = |e: &StoryEntry| match days_apart(e) {
            Some(apart) => apart as i64 <= params.window_days,
            None => e.last_seq > recent_after,
        };
        let w = params.actor_weight;
        // Candidates are the stories sharing a term, with an upper bound of their score (terms
        // + w * actors bounds both the weighted sum and terms alone; a story's weights are at
        // most 1 per term). Terms are taken heaviest first; once the rest of the profile could
        // not lift a story to the threshold by itself (Cauchy-Schwarz: the rest's norm is
        // below it), lighter terms, which are the common ones with long lists, are skipped.
        let mut terms: Vec<(u64, f32)> = profile
            .0
            .iter()
            .map(|&(t, x)| (t, if is_actor(t) { x * w } else { x }))
            .collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut rest_sq: Vec<f32> = vec![0.0; terms.len() + 1];
        for i in (0..terms.len()).rev() {
            rest_sq[i] = rest_sq[i + 1] + terms[i].1 * terms[i].1;
        }
        let mut bound: HashKeyMap<u32, f32> = HashKeyMap::default();
        let mut slack = 0.0;
        for (i, (t, x)) in terms.iter().enumerate() {
            // The words and actors parts are each normalised, so their norms add at most.
            let rest = rest_sq[i].sqrt() * std::f32::consts::SQRT_2;
            if rest < params.min_score {
                slack = rest;
                break;
            }
            for &s in self.postings.get(t).map(Vec::as_slice).unwrap_or(&[]) {
                *bound.entry(s).or_default() += x;
            }
        }
        let bound = bound.into_iter().map(|(s, b)| (s, b + slack));
        let mut ranked: Vec<(f32, i64)> = bound
            .into_iter()
            .filter(|(_, b)| *b >= params.min_score)
            .map(|(s, b)| (b, s as i64))
            .filter(|(_, s)| self.stories.get(s).is_some_and(eligible))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut found: Vec<(Similarity, i64)> = ranked
            .into_iter()
            .take(STORIES_COMPARED)
            .map(|(_, s)| {
                let e = &self.stories[&s];
                (e.profile.similarity(profile, days_apart(e), params), s)
            })
            .filter(|(sim, _)| sim.clears(params.min_score))
            .collect();
        found.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then(a.1.cmp(&b.1)));
        found.truncate(2);
        found
    }
}

/// Document frequencies of terms, for TF-IDF weights: read from the store once, counted in
/// memory, and written back with each batch.
#[derive(Debug, Default)]
pub struct TermStats {
    df: HashKeyMap<u64, u32>,
    /// Counts not yet written to the store.
    pending: HashKeyMap<u64, u32>,
    /// Documents counted.
    pub docs: u64,
}

impl TermStats {
    pub fn new(df: HashMap<u64, u32>, docs: u64) -> TermStats {
        TermStats {
            df: df.into_iter().collect(),
            pending: HashKeyMap::default(),
            docs,
        }
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
        std::mem::take(&mut self.pending).into_iter().collect()
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
    /// Its articles in timeline order: by publication date, then arrival; undated ones last.
    pub articles: Vec<StoryArticle>,
    /// The outlets of its articles, as far as known.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Every passage shared by two of its articles, with the article that published it first.
    #[serde(default)]
    pub passages: Vec<StoryPassage>,
    /// How many passages the story shares in all (`passages` may hold a page of them).
    #[serde(default)]
    pub passages_total: usize,
    /// Why each article joined or started it, and the merges, in arrival order.
    #[serde(default)]
    pub events: Vec<StoryEvent>,
    /// Who said what across its articles: one entry per distinct quote with every article that
    /// carries it, its actors ranked by how many articles name them, its event dates.
    #[serde(default, flatten)]
    pub attribution: crate::attribution::StoryAttribution,
    /// False for a story of more than [`crate::engine::MAX_TRACED_ARTICLES`] articles: it is
    /// listed (the start of its timeline, sources, agencies, `passages_total`) but not traced
    /// (no provenance, passages, events or attribution).
    #[serde(default = "yes")]
    pub complete: bool,
    /// How many articles it holds (`articles` lists them all unless `complete` is false).
    #[serde(default)]
    pub articles_total: usize,
}

fn yes() -> bool {
    true
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
    /// Share of its words found in passages shared with the story's other articles (articles
    /// sharing 20 words or more are always in one story).
    pub copied_fraction: f64,
    pub credits: Vec<String>,
    /// Share of its words shared with articles before it in the timeline: what it copied.
    #[serde(default)]
    pub copied_from_earlier_fraction: f64,
    /// The earlier articles it shares passages with, most words first.
    #[serde(default)]
    pub copied_from: Vec<CopiedFrom>,
    /// Share of its words it was the first to carry and later articles share.
    #[serde(default)]
    pub first_published_fraction: f64,
    /// Its own text: stretches of eight words or more that no other article of the story carries.
    #[serde(default)]
    pub added: Vec<Stretch>,
}

/// An earlier article and how many words were copied from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopiedFrom {
    pub id: String,
    pub source: Option<String>,
    pub words: i64,
}

/// A stretch of an article's cleaned body, by character offsets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stretch {
    pub start: usize,
    pub end: usize,
    pub words: usize,
    pub text: String,
}

/// A passage shared by two articles of a story (`a` the earlier in the timeline), with character
/// offsets into each body, and the article of the story that carried this text first: `a`, or
/// an article `a` itself copied it from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryPassage {
    pub a: String,
    pub b: String,
    pub a_start: i64,
    pub a_end: i64,
    pub b_start: i64,
    pub b_end: i64,
    pub matched_words: i64,
    pub first_published: String,
    /// The passage as `a` has it.
    pub text: String,
}

/// What an article did to a story, and why (`detail`: the similarity that made it join, the
/// articles it shares passages with, or the stories merged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryEvent {
    pub article: String,
    pub kind: String,
    pub detail: serde_json::Value,
}

/// A line of the story list.
pub use crate::store::StorySummary;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn prof(title: &str, body: &str) -> Profile {
        let c = term_counts(&tokenize(title), title, &tokenize(body), body);
        profile(&c, |_| 1, 10, 64, 32)
    }

    const A: (&str, &str) = (
        "Pentagon says Taliban keep al-Qaeda ties",
        "The Pentagon report says the Taliban maintain ties with al-Qaeda in Afghanistan.",
    );
    const B: (&str, &str) = (
        "Taliban still tied to al-Qaeda: Pentagon",
        "Afghanistan's Taliban keep close ties to al-Qaeda, a Pentagon report found.",
    );
    const C: (&str, &str) = (
        "Stocks rally in Tokyo",
        "Exporters led gains as the yen weakened against the dollar on Tuesday.",
    );

    #[test]
    fn similar_reports_are_closer_than_unrelated_ones() {
        let (a, b, c) = (prof(A.0, A.1), prof(B.0, B.1), prof(C.0, C.1));
        let p = StoryParams::default();
        let ab = a.similarity(&b, Some(0), &p);
        assert!(ab.terms > 0.35 && ab.actors > 0.35, "{ab:?}");
        assert!(a.similarity(&c, Some(0), &p).score < 0.05);
        let aa = a.similarity(&a, None, &p);
        assert!((aa.terms - 1.0).abs() < 1e-5 && (aa.actors - 1.0).abs() < 1e-5);
        let later = a.similarity(&b, Some(3), &p);
        assert!(
            (later.score / ab.score - (-0.5f64).exp()).abs() < 1e-3,
            "decays with days apart"
        );
    }

    #[test]
    fn actors_are_capitalised_runs_and_their_words() {
        let text = "Perennial party girl Tara Reid checked into Promises Treatment Center, her rep told People. \
                    Reid launched a line on Monday. The Bank of England said. After that, nothing.";
        let names = actors(text, &tokenize(text));
        for n in [
            "tara reid",
            "tara",
            "reid",
            "promises treatment center",
            "bank of england",
            "england",
            "people",
        ] {
            assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
        }
        for n in ["perennial", "monday", "the", "after", "of"] {
            assert!(!names.iter().any(|x| x == n), "{n} not in {names:?}");
        }
    }

    #[test]
    fn the_index_finds_the_nearest_story_in_its_window_only() {
        let (a, b, c) = (prof(A.0, A.1), prof(B.0, B.1), prof(C.0, C.1));
        let mut idx = StoryIndex::default();
        let day = day_number("2020-07-01");
        let p = StoryParams::default();
        idx.put(
            1,
            StoryEntry {
                members: 1,
                profile: a,
                first_day: day,
                last_day: day,
                last_seq: 1,
            },
        );
        idx.put(
            2,
            StoryEntry {
                members: 1,
                profile: c,
                first_day: day,
                last_day: day,
                last_seq: 2,
            },
        );
        let best = |day: Option<i32>, recent_after: i64, idx: &StoryIndex| {
            idx.nearest(&b, day, recent_after, &p).first().map(|x| x.1)
        };
        assert_eq!(best(day, 0, &idx), Some(1));
        assert_eq!(
            best(day.map(|d| d + 10), 0, &idx),
            None,
            "out of the window"
        );
        assert_eq!(
            best(None, 1, &idx),
            None,
            "undated: only stories touched recently"
        );
        assert_eq!(best(None, 0, &idx), Some(1));
        idx.remove(1);
        assert_eq!(best(day, 0, &idx), None);
    }

    #[test]
    fn a_story_of_two_events_splits_and_copy_groups_stay_whole() {
        let p = StoryParams::default();
        let reid = [
            "Tara Reid checked into Promises Treatment Center in Malibu, publicist Jack Ketsoyan said.",
            "Actress Tara Reid entered Promises rehab in Malibu, according to Jack Ketsoyan.",
            "Jack Ketsoyan confirmed Tara Reid is at Promises Treatment Center in Malibu.",
        ];
        let lohan = [
            "Lindsay Lohan checked into the Betty Ford Center in Rancho Mirage, lawyer Shawn Holley said.",
            "Shawn Holley said Lindsay Lohan is at Betty Ford in Rancho Mirage.",
            "Lindsay Lohan entered Betty Ford Center at Rancho Mirage, Shawn Holley confirmed.",
        ];
        let texts: Vec<&str> = reid
            .iter()
            .zip(&lohan)
            .flat_map(|(a, b)| [*a, *b])
            .collect();
        let profiles: Vec<Profile> = texts
            .iter()
            .map(|t| prof("Star checks into rehab", t))
            .collect();
        let groups: Vec<i64> = (0..6).collect();
        let (moved, between) = two_way_split(&profiles, &groups, &p).expect("two events");
        assert_eq!(
            moved,
            [1, 3, 5],
            "the Lohan reports leave; the first article's side stays"
        );
        assert!(between.score <= p.split_score as f64);
        // A copy group joining one Reid report to one Lohan report is never cut in two.
        let glued = [0, 1, 2, 3, 4, 0];
        let split = two_way_split(&profiles, &glued, &p);
        assert!(
            split
                .as_ref()
                .is_none_or(|(m, _)| m.contains(&5) == m.contains(&0)),
            "{split:?}"
        );
        // One event does not split.
        let one: Vec<Profile> = reid
            .iter()
            .chain(&reid)
            .map(|t| prof("Tara Reid in rehab", t))
            .collect();
        assert_eq!(two_way_split(&one, &groups, &p), None);
        assert!(
            split_due(4)
                && split_due(8)
                && split_due(12)
                && !split_due(13)
                && split_due(128)
                && !split_due(96)
        );
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
        let m = a.merged(1.0, &a, 1.0, 64, 32);
        let (words, actors) = m.cosines(&a);
        assert!((words - 1.0).abs() < 1e-5 && (actors - 1.0).abs() < 1e-5);
    }
}
