//! Attribution: who said what, about whom, and when. From a cleaned article it finds the quotes
//! with their speakers ([`quote`]), the actors it names ([`actor`]) and the dates it mentions,
//! made absolute ([`when`]); across the copies of a story it merges them into one entry per
//! quote and per actor ([`merge`]). Rules, word lists and ISO country names only: nothing is
//! downloaded at run time.

pub mod actor;
mod names;
pub mod quote;
pub mod when;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use actor::{Actor, ActorKind};
pub use quote::{Pattern, Quote, QuoteKind};
pub use when::{EventDate, Granularity};

use crate::extract::Article;

/// What an article says about who said what and when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    pub quotes: Vec<Quote>,
    pub actors: Vec<Actor>,
    pub dates: Vec<EventDate>,
}

/// The date relative mentions are counted from: the publication date, else the crawl date.
pub fn anchor_of(article: &Article) -> Option<NaiveDate> {
    article
        .published
        .as_deref()
        .or(article.fetched.as_deref())
        .and_then(crate::extract::date::parse_declared)
}

/// Attribute one article; `anchor` overrides the article's own dates (a story lends its
/// earliest date to a copy that carries none).
pub fn attribute(article: &Article, anchor: Option<NaiveDate>) -> Attribution {
    attribute_from(article, sayings(article), anchor)
}

/// The part of an article's attribution that no date changes: its quotes and actors. The
/// pipeline finds them once, as the article is stored, so reading a story of hundreds of copies
/// need not find them again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sayings {
    pub quotes: Vec<Quote>,
    pub actors: Vec<Actor>,
}

impl Sayings {
    /// Compact bytes for the store: JSON, deflated (a third of its size).
    pub fn to_bytes(&self) -> Vec<u8> {
        // One write: each write into the encoder initialises its 32 KB buffer, and serde_json
        // writes token by token (that zeroing was 7% of a whole `trace`).
        let json = serde_json::to_vec(self).unwrap_or_default();
        let mut z = flate2::write::DeflateEncoder::new(
            Vec::with_capacity(json.len() / 2),
            flate2::Compression::fast(),
        );
        let _ = std::io::Write::write_all(&mut z, &json);
        z.finish().unwrap_or_default()
    }

    /// `None` for bytes that are not what [`Sayings::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Option<Sayings> {
        // Inflated whole first: serde_json reading from a stream goes byte by byte.
        let mut json = Vec::with_capacity(bytes.len() * 4);
        std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(bytes), &mut json)
            .ok()?;
        serde_json::from_slice(&json).ok()
    }
}

/// An article's quotes and actors.
pub fn sayings(article: &Article) -> Sayings {
    // The rules read arbitrary text; should one of them fail on an article, the article is
    // still stored, without sayings, and the run goes on (the panic message names the failure).
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let quotes = quote::find(&article.body);
        let actors = actor::find(&article.body_text(), article.dateline.as_deref(), &quotes);
        Sayings { quotes, actors }
    }))
    .unwrap_or_default()
}

/// The attribution of an article whose quotes and actors are known: only its dates are found,
/// counted from `anchor` or else the article's own date.
pub fn attribute_from(
    article: &Article,
    sayings: Sayings,
    anchor: Option<NaiveDate>,
) -> Attribution {
    let dates = when::find(&article.body_text(), anchor.or_else(|| anchor_of(article)));
    Attribution {
        quotes: sayings.quotes,
        actors: sayings.actors,
        dates,
    }
}

/// An article printed with what attribution found in it.
#[derive(Debug, Serialize)]
pub struct AttributedArticle<'a> {
    #[serde(flatten)]
    pub article: &'a Article,
    #[serde(flatten)]
    pub attribution: Attribution,
}

/// One distinct quote of a story, with every article that carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryQuote {
    /// The words as the earliest article prints them.
    pub text: String,
    pub kind: QuoteKind,
    /// The speaker most copies give, resolved.
    pub speaker: Option<String>,
    pub role: Option<String>,
    /// The article that printed it first.
    pub earliest: String,
    /// Every article that prints it, in timeline order.
    pub articles: Vec<String>,
    /// Whether two or more copies found it with the same speaker: the copies confirm the rule.
    pub confirmed: bool,
}

/// One actor of a story, ranked by how much of the story involves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryActor {
    pub name: String,
    pub kind: ActorKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Articles naming it, mentions over all articles, quotes it speaks.
    pub articles: usize,
    pub mentions: usize,
    pub quotes: usize,
    /// Share of the story's articles that name it.
    pub share: f64,
}

/// One event date of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryDate {
    pub value: String,
    pub granularity: Granularity,
    /// The words of its first mention.
    pub text: String,
    pub articles: usize,
}

/// A story's attribution merged over its articles (given in timeline order with their ids).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryAttribution {
    pub quotes: Vec<StoryQuote>,
    pub actors: Vec<StoryActor>,
    pub dates: Vec<StoryDate>,
    /// For each rule, how many of its quotes the copies confirmed, of how many found in more
    /// than one article: how far each pattern can be trusted on this corpus.
    pub patterns: BTreeMap<String, PatternTally>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternTally {
    pub confirmed: usize,
    pub seen_in_copies: usize,
}

/// Words of a text as comparison keys.
/// A quote's words as keys: in order, and sorted without repeats (for lookups).
struct WordKeys {
    all: Vec<u64>,
    sorted: Vec<u64>,
}

fn word_keys(text: &str) -> WordKeys {
    let all: Vec<u64> = crate::text::tokenize(text).iter().map(|t| t.hash).collect();
    let mut sorted = all.clone();
    sorted.sort_unstable();
    sorted.dedup();
    WordKeys { all, sorted }
}

/// Whether two quotes are one: most of the shorter one's words are in the longer, and the
/// shorter is at least a third of the longer. A story merge compares every quote with every
/// distinct one before it, so this neither allocates nor hashes.
fn same_quote(a: &WordKeys, b: &WordKeys) -> bool {
    let (short, long) = if a.all.len() <= b.all.len() {
        (a, b)
    } else {
        (b, a)
    };
    if short.all.is_empty() || short.all.len() * 3 < long.all.len() {
        return false;
    }
    let shared = short
        .all
        .iter()
        .filter(|w| long.sorted.binary_search(w).is_ok())
        .count();
    shared * 10 >= short.all.len() * 7
}

/// Merge the attribution of a story's articles, given as (article id, attribution) in timeline
/// order.
pub fn merge(articles: &[(String, Attribution)]) -> StoryAttribution {
    struct Entry {
        quote: StoryQuote,
        keys: WordKeys,
        speakers: HashMap<String, usize>,
        pattern: Pattern,
        agree: bool,
    }
    let mut entries: Vec<Entry> = Vec::new();
    for (id, att) in articles {
        for q in &att.quotes {
            let keys = word_keys(&q.text);
            let sk = q.speaker_resolved.as_deref().map(actor::speaker_key);
            match entries
                .iter_mut()
                .find(|e| e.quote.kind == q.kind && same_quote(&e.keys, &keys))
            {
                Some(e) => {
                    if !e.quote.articles.contains(id) {
                        e.quote.articles.push(id.clone());
                        if let Some(sk) = &sk {
                            if e.speakers.contains_key(sk) {
                                e.agree = true;
                            }
                            *e.speakers.entry(sk.clone()).or_default() += 1;
                        }
                    }
                }
                None => {
                    let mut speakers = HashMap::new();
                    if let Some(sk) = &sk {
                        speakers.insert(sk.clone(), 1);
                    }
                    entries.push(Entry {
                        quote: StoryQuote {
                            text: q.text.clone(),
                            kind: q.kind,
                            speaker: q.speaker_resolved.clone(),
                            role: q.role.clone(),
                            earliest: id.clone(),
                            articles: vec![id.clone()],
                            confirmed: false,
                        },
                        keys,
                        speakers,
                        pattern: q.pattern,
                        agree: false,
                    });
                }
            }
        }
    }
    let mut patterns: BTreeMap<String, PatternTally> = BTreeMap::new();
    let quotes = entries
        .into_iter()
        .map(|mut e| {
            let name = serde_json::to_value(e.pattern)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let tally = patterns.entry(name).or_default();
            if e.quote.articles.len() > 1 {
                tally.seen_in_copies += 1;
                tally.confirmed += usize::from(e.agree);
            }
            e.quote.confirmed = e.agree;
            e.quote
        })
        .collect();
    // Actors: one entry per key, joined across articles by spelling.
    let mut actors: Vec<(String, StoryActor)> = Vec::new();
    // Every name and alias key seen, to its entry: most copies name an actor exactly as others
    // do, and only the rest need the spelling comparison over every entry.
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (_, att) in articles {
        for a in &att.actors {
            let k = actor::name_key(&a.name);
            let all_keys: Vec<String> = std::iter::once(k.clone())
                .chain(a.aliases.iter().map(|x| actor::name_key(x)))
                .collect();
            let found = all_keys
                .iter()
                .find_map(|k| by_key.get(k).copied())
                .or_else(|| {
                    actors
                        .iter()
                        .position(|(ek, _)| all_keys.iter().any(|k| actor::same_spelling(k, ek)))
                });
            match found.map(|i| (i, &mut actors[i].1)) {
                Some((i, e)) => {
                    e.articles += 1;
                    e.mentions += a.mentions;
                    e.quotes += a.quotes;
                    for x in a.aliases.iter().chain(std::iter::once(&a.name)) {
                        if *x != e.name && !e.aliases.contains(x) {
                            e.aliases.push(x.clone());
                            by_key.entry(actor::name_key(x)).or_insert(i);
                        }
                    }
                    for r in &a.roles {
                        if !e.roles.contains(r) {
                            e.roles.push(r.clone());
                        }
                    }
                }
                None => {
                    for key in &all_keys {
                        by_key.entry(key.clone()).or_insert(actors.len());
                    }
                    actors.push((
                        k,
                        StoryActor {
                            name: a.name.clone(),
                            kind: a.kind,
                            aliases: a.aliases.clone(),
                            roles: a.roles.clone(),
                            articles: 1,
                            mentions: a.mentions,
                            quotes: a.quotes,
                            share: 0.0,
                        },
                    ));
                }
            }
        }
    }
    let n = articles.len().max(1) as f64;
    let mut actors: Vec<StoryActor> = actors
        .into_iter()
        .map(|(_, mut a)| {
            a.share = crate::story::rounded(a.articles as f64 / n);
            a
        })
        .collect();
    actors.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then(b.mentions.cmp(&a.mentions))
            .then(b.quotes.cmp(&a.quotes))
            .then_with(|| a.name.cmp(&b.name))
    });
    // Dates: by value, counted over articles.
    let mut dates: Vec<StoryDate> = Vec::new();
    for (_, att) in articles {
        let mut seen = std::collections::HashSet::new();
        for d in &att.dates {
            let Some(v) = &d.value else { continue };
            if !seen.insert(v.clone()) {
                continue;
            }
            match dates.iter_mut().find(|x| &x.value == v) {
                Some(x) => x.articles += 1,
                None => dates.push(StoryDate {
                    value: v.clone(),
                    granularity: d.granularity,
                    text: d.text.clone(),
                    articles: 1,
                }),
            }
        }
    }
    dates.sort_by(|a, b| a.value.cmp(&b.value));
    StoryAttribution {
        quotes,
        actors,
        dates,
        patterns,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn kept_sayings_read_back_whole_and_garbage_reads_as_none() {
        let mut a = crate::extract::empty_article();
        a.body = vec![
            "\"We will not leave,\" said Gen. Kenneth McKenzie, who heads US Central Command."
                .into(),
        ];
        let s = super::sayings(&a);
        assert_eq!(s.quotes.len(), 1);
        assert_eq!(super::Sayings::from_bytes(&s.to_bytes()), Some(s.clone()));
        assert_eq!(super::Sayings::from_bytes(b"not deflate"), None);
        assert_eq!(
            super::attribute_from(&a, s, None),
            super::attribute(&a, None)
        );
    }

    use super::*;

    #[test]
    fn copies_merge_into_one_quote_with_its_earliest_article() {
        let q = |text: &str, speaker: &str| Quote {
            text: text.into(),
            kind: QuoteKind::Direct,
            start: 0,
            end: 0,
            speaker: Some(speaker.into()),
            speaker_resolved: Some(speaker.into()),
            role: None,
            cue: Some("said".into()),
            pattern: Pattern::QuoteThenSpeaker,
        };
        let a = Attribution {
            quotes: vec![q(
                "What we need to see is what they're going to do against al-Qaeda",
                "Gen. Kenneth McKenzie",
            )],
            ..Default::default()
        };
        let b = Attribution {
            quotes: vec![q(
                "What we need to see is what they are going to do against Al Qaeda",
                "Kenneth McKenzie",
            )],
            ..Default::default()
        };
        let merged = merge(&[("dawn".into(), a), ("salaam".into(), b)]);
        assert_eq!(merged.quotes.len(), 1);
        assert_eq!(merged.quotes[0].earliest, "dawn");
        assert_eq!(merged.quotes[0].articles, ["dawn", "salaam"]);
        assert!(merged.quotes[0].confirmed);
        assert_eq!(
            merged.patterns["quote_then_speaker"],
            PatternTally {
                confirmed: 1,
                seen_in_copies: 1
            }
        );
    }
}
