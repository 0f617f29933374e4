//! Index: find the stored articles a new one may share text with, without comparing it with every
//! stored article. Postings of anchors and LSH bands are held in memory in a compact map; the
//! store keeps each article's keys and a snapshot of this index (`to_bytes`), read back when a
//! process opens it. Anchors held by too many articles (boilerplate) stop counting, which keeps
//! both memory and candidate lists small.

use crate::text::HashKeyMap;

use crate::fingerprint::Keys;

/// The key of a stored article (its arrival number in the store).
pub type ArticleKey = i64;

/// Candidate search parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexParams {
    /// Anchors held by more than this many articles are ignored (document-frequency limit).
    pub max_df: usize,
    /// Shared anchors needed to become a candidate.
    pub min_shared: usize,
    /// At most this many candidates: near-duplicates first, then most shared anchors.
    pub max_candidates: usize,
    /// At most this many members of one LSH bucket are kept (the latest arrivals), so a story
    /// re-sent thousands of times still finds recent copies of itself.
    pub max_bucket: usize,
    /// A candidate is dropped when fewer than `min_shared` of the anchors it shares with the
    /// query are not yet shared by this many better-ranked candidates: the hundredth copy of a
    /// wire then aligns with a few dozen earlier copies, not with all of them, while a copy
    /// that also carries a second wire still finds that wire. 0 keeps every candidate.
    pub max_cover: usize,
}

impl Default for IndexParams {
    fn default() -> Self {
        IndexParams {
            max_df: 1000,
            min_shared: 3,
            max_candidates: 50,
            max_bucket: 16,
            max_cover: 24,
        }
    }
}

/// A stored article that may share text with the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub article: ArticleKey,
    /// Anchors shared with the query.
    pub shared: usize,
    /// LSH bands shared with the query: more than zero means a likely whole near-duplicate.
    pub bands: usize,
}

/// What a candidate search did, for reporting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchStats {
    pub anchors: usize,
    pub common_anchors_skipped: usize,
    /// Candidates dropped because better ones already cover what they share (`max_cover`).
    pub covered_skipped: usize,
}

/// Posting lists keyed by 32 bits of a 64-bit key. Truncation only merges the lists of unrelated
/// keys now and then, which adds a stray count the `min_shared` threshold absorbs, and halves the
/// memory of the map that holds most of the index.
#[derive(Debug, Default, Clone)]
struct Postings {
    /// Key → one article, or (high bit set) the index of a list in `lists`.
    heads: HashKeyMap<u32, u32>,
    lists: Vec<Vec<u32>>,
    /// Articles held over all lists, for the memory report.
    listed: usize,
}

const LIST: u32 = 1 << 31;
/// A list that grew past its limit, with its members dropped.
const COMMON: u32 = u32::MAX;

impl Postings {
    /// Add `article` under `key`; with `cap` set, a list longer than `cap` becomes common (`keep_latest`
    /// false) or keeps only its latest `cap` members (`keep_latest` true).
    fn insert(&mut self, key: u64, article: u32, cap: usize, keep_latest: bool) {
        let k = key as u32;
        match self.heads.get(&k).copied() {
            None => {
                self.heads.insert(k, article);
            }
            Some(COMMON) => {}
            Some(v) if v & LIST == 0 => {
                if v != article {
                    self.lists.push(vec![v, article]);
                    self.listed += 2;
                    self.heads.insert(k, LIST | (self.lists.len() as u32 - 1));
                }
            }
            Some(v) => {
                let idx = (v & !LIST) as usize;
                let list = &mut self.lists[idx];
                if list.last() == Some(&article) {
                    return;
                }
                list.push(article);
                self.listed += 1;
                if list.len() > cap {
                    if keep_latest {
                        list.remove(0);
                        self.listed -= 1;
                    } else {
                        self.listed -= list.len();
                        *list = Vec::new();
                        self.heads.insert(k, COMMON);
                    }
                }
            }
        }
    }

    /// The articles under `key`; `None` when the key is common.
    fn get(&self, key: u64) -> Option<&[u32]> {
        match self.heads.get(&(key as u32)) {
            None => Some(&[]),
            Some(&COMMON) => None,
            Some(v) if v & LIST == 0 => Some(std::slice::from_ref(v)),
            Some(v) => Some(&self.lists[(v & !LIST) as usize]),
        }
    }

    fn write_to(&self, out: &mut Vec<u8>) {
        put(out, self.heads.len() as u32);
        for (&k, &v) in &self.heads {
            put(out, k);
            put(out, v);
        }
        put(out, self.lists.len() as u32);
        for list in &self.lists {
            put(out, list.len() as u32);
            list.iter().for_each(|&a| put(out, a));
        }
    }

    fn read_from(r: &mut Words) -> Option<Postings> {
        let n = r.next()? as usize;
        let mut heads = HashKeyMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            heads.insert(r.next()?, r.next()?);
        }
        let n = r.next()? as usize;
        let mut lists = Vec::with_capacity(n);
        let mut listed = 0;
        for _ in 0..n {
            let len = r.next()? as usize;
            lists.push(r.take(len)?);
            listed += len;
        }
        Some(Postings {
            heads,
            lists,
            listed,
        })
    }

    fn bytes(&self) -> usize {
        // hashbrown: one control byte per bucket, buckets at most 8/7 of entries.
        self.heads.capacity() * (8 + 1) + self.lists.capacity() * 24 + self.listed * 4
    }
}

/// The first bytes of an index snapshot (and its format version).
const SNAPSHOT_MAGIC: &[u8] = b"WTIX\x01\x00\x00\x00";

fn put(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

/// Little-endian `u32`s read one by one.
struct Words<'a>(&'a [u8]);

impl Words<'_> {
    fn next(&mut self) -> Option<u32> {
        let (head, rest) = self.0.split_first_chunk::<4>()?;
        self.0 = rest;
        Some(u32::from_le_bytes(*head))
    }

    fn take(&mut self, n: usize) -> Option<Vec<u32>> {
        let bytes = self.0.get(..n.checked_mul(4)?)?;
        self.0 = &self.0[n * 4..];
        Some(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
                .collect(),
        )
    }
}

/// The in-memory candidate index over every stored article.
#[derive(Debug, Default, Clone)]
pub struct Index {
    anchors: Postings,
    bands: Postings,
    articles: usize,
    params: IndexParams,
}

impl Index {
    pub fn new(params: IndexParams) -> Index {
        Index {
            params,
            ..Default::default()
        }
    }

    /// Add a stored article. Articles must be added in arrival order.
    pub fn insert(&mut self, article: ArticleKey, keys: &Keys) {
        let a = article as u32;
        for &k in &keys.anchors {
            self.anchors.insert(k, a, self.params.max_df, false);
        }
        for &k in &keys.bands {
            self.bands.insert(k, a, self.params.max_bucket, true);
        }
        self.articles += 1;
    }

    /// Articles indexed.
    pub fn len(&self) -> usize {
        self.articles
    }

    pub fn is_empty(&self) -> bool {
        self.articles == 0
    }

    /// The index as bytes, to be kept beside the store and read back by [`Index::from_bytes`]
    /// instead of being rebuilt from every stored article's keys.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.memory_bytes());
        out.extend_from_slice(SNAPSHOT_MAGIC);
        let p = self.params;
        for x in [
            p.max_df,
            p.min_shared,
            p.max_candidates,
            p.max_bucket,
            self.articles,
        ] {
            put(&mut out, x as u32);
        }
        self.anchors.write_to(&mut out);
        self.bands.write_to(&mut out);
        out
    }

    /// An index from [`Index::to_bytes`]; `None` if the bytes are not one, or were made with other
    /// parameters than `params` (then the index must be rebuilt).
    pub fn from_bytes(bytes: &[u8], params: IndexParams) -> Option<Index> {
        let mut r = Words(bytes.strip_prefix(SNAPSHOT_MAGIC)?);
        let made_with = [r.next()?, r.next()?, r.next()?, r.next()?];
        let expected = [
            params.max_df,
            params.min_shared,
            params.max_candidates,
            params.max_bucket,
        ]
        .map(|x| x as u32);
        if made_with != expected {
            return None;
        }
        let articles = r.next()? as usize;
        let anchors = Postings::read_from(&mut r)?;
        let bands = Postings::read_from(&mut r)?;
        r.0.is_empty().then_some(Index {
            anchors,
            bands,
            articles,
            params,
        })
    }

    /// Approximate heap memory held, in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.anchors.bytes() + self.bands.bytes()
    }

    /// The stored articles sharing an LSH band or at least `min_shared` anchors with `keys`, best first.
    pub fn candidates(&self, keys: &Keys) -> (Vec<Candidate>, SearchStats) {
        let p = self.params;
        let mut found: HashKeyMap<u32, (usize, usize)> = HashKeyMap::default();
        let mut stats = SearchStats {
            anchors: keys.anchors.len(),
            ..SearchStats::default()
        };
        for &k in &keys.anchors {
            match self.anchors.get(k) {
                None => stats.common_anchors_skipped += 1,
                Some(list) => {
                    for &a in list {
                        found.entry(a).or_default().0 += 1;
                    }
                }
            }
        }
        for &k in &keys.bands {
            for &a in self.bands.get(k).unwrap_or(&[]) {
                found.entry(a).or_default().1 += 1;
            }
        }
        let mut out: Vec<Candidate> = found
            .into_iter()
            .filter(|(_, (shared, bands))| *bands > 0 || *shared >= p.min_shared)
            .map(|(a, (shared, bands))| Candidate {
                article: a as ArticleKey,
                shared,
                bands,
            })
            .collect();
        out.sort_by(|x, y| {
            (y.bands > 0)
                .cmp(&(x.bands > 0))
                .then(y.shared.cmp(&x.shared))
                .then(y.article.cmp(&x.article))
        });
        out.truncate(p.max_candidates);
        if p.max_cover > 0 && out.len() > p.max_cover {
            let before = out.len();
            out = self.uncovered(keys, out);
            stats.covered_skipped = before - out.len();
        }
        (out, stats)
    }

    /// `ranked` without the candidates that share fewer than `min_shared` anchors with the query
    /// not yet shared by `max_cover` candidates ranked before them; one found through LSH bands
    /// alone (too short for anchors) is kept while fewer than `max_cover` such are.
    fn uncovered(&self, keys: &Keys, ranked: Vec<Candidate>) -> Vec<Candidate> {
        let p = self.params;
        // Which of the query's anchors each candidate shares, as bits.
        let words = keys.anchors.len().div_ceil(64).max(1);
        let rank: HashKeyMap<u32, usize> = ranked
            .iter()
            .enumerate()
            .map(|(n, c)| (c.article as u32, n))
            .collect();
        let mut bits = vec![0u64; ranked.len() * words];
        for (i, &k) in keys.anchors.iter().enumerate() {
            for a in self.anchors.get(k).unwrap_or(&[]) {
                if let Some(&n) = rank.get(a) {
                    bits[n * words + i / 64] |= 1 << (i % 64);
                }
            }
        }
        let mut cover = vec![0usize; keys.anchors.len()];
        let mut by_bands_alone = 0;
        let mut kept = Vec::with_capacity(ranked.len());
        for (n, c) in ranked.into_iter().enumerate() {
            let shared = &bits[n * words..(n + 1) * words];
            let anchors = || {
                shared.iter().enumerate().flat_map(|(w, &b)| {
                    (0..64)
                        .filter(move |x| b >> x & 1 == 1)
                        .map(move |x| w * 64 + x)
                })
            };
            let total = anchors().count();
            let fresh = anchors().filter(|&i| cover[i] < p.max_cover).count();
            let keep = if total < p.min_shared {
                by_bands_alone < p.max_cover && {
                    by_bands_alone += 1;
                    true
                }
            } else {
                fresh >= p.min_shared
            };
            if keep {
                anchors().for_each(|i| cover[i] += 1);
                kept.push(c);
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_read_back_from_bytes_finds_the_same_candidates() {
        let mut idx = Index::new(IndexParams {
            max_df: 2,
            ..IndexParams::default()
        });
        let docs: Vec<Keys> = (0..20u64)
            .map(|i| Keys {
                anchors: (0..30)
                    .map(|j| (i / 4) * 1000 + j)
                    .chain([7, 8, 9])
                    .collect(),
                bands: vec![i % 3],
            })
            .collect();
        for (i, k) in docs.iter().enumerate() {
            idx.insert(i as i64 + 1, k);
        }
        let bytes = idx.to_bytes();
        let back = Index::from_bytes(&bytes, idx.params).expect("reads back");
        assert_eq!(back.len(), idx.len());
        assert_eq!(back.memory_bytes() > 0, idx.memory_bytes() > 0);
        for k in &docs {
            assert_eq!(back.candidates(k), idx.candidates(k));
        }
        assert!(
            Index::from_bytes(&bytes, IndexParams::default()).is_none(),
            "other parameters: rebuild"
        );
        assert!(
            Index::from_bytes(&bytes[..bytes.len() - 1], idx.params).is_none(),
            "truncated"
        );
        assert!(Index::from_bytes(b"not an index", idx.params).is_none());
    }

    fn keys(anchors: &[u64]) -> Keys {
        Keys {
            anchors: anchors.to_vec(),
            bands: Vec::new(),
        }
    }

    #[test]
    fn counts_shared_anchors_and_skips_common_ones() {
        let mut idx = Index::new(IndexParams {
            max_df: 2,
            min_shared: 2,
            max_candidates: 10,
            max_bucket: 4,
            max_cover: 0,
        });
        idx.insert(1, &keys(&[10, 11, 12, 13, 99]));
        idx.insert(2, &keys(&[10, 50, 99]));
        idx.insert(3, &keys(&[99]));
        let (c, stats) = idx.candidates(&keys(&[10, 11, 12, 99]));
        assert_eq!(
            c,
            vec![Candidate {
                article: 1,
                shared: 3,
                bands: 0
            }]
        );
        assert_eq!(stats.common_anchors_skipped, 1);
    }

    #[test]
    fn a_shared_band_makes_a_candidate_and_ranks_first() {
        let mut idx = Index::new(IndexParams {
            max_df: 10,
            min_shared: 2,
            max_candidates: 10,
            max_bucket: 2,
            max_cover: 0,
        });
        idx.insert(
            1,
            &Keys {
                anchors: vec![1, 2, 3],
                bands: vec![],
            },
        );
        idx.insert(
            2,
            &Keys {
                anchors: vec![],
                bands: vec![77],
            },
        );
        let (c, _) = idx.candidates(&Keys {
            anchors: vec![1, 2, 3],
            bands: vec![77],
        });
        assert_eq!(c.iter().map(|c| c.article).collect::<Vec<_>>(), vec![2, 1]);
        // A full bucket keeps its latest members.
        idx.insert(
            3,
            &Keys {
                anchors: vec![],
                bands: vec![77],
            },
        );
        idx.insert(
            4,
            &Keys {
                anchors: vec![],
                bands: vec![77],
            },
        );
        let (c, _) = idx.candidates(&Keys {
            anchors: vec![],
            bands: vec![77],
        });
        assert_eq!(c.iter().map(|c| c.article).collect::<Vec<_>>(), vec![4, 3]);
    }

    #[test]
    fn candidates_that_add_nothing_past_max_cover_are_dropped() {
        let mut idx = Index::new(IndexParams {
            max_df: 100,
            min_shared: 3,
            max_candidates: 50,
            max_bucket: 16,
            max_cover: 4,
        });
        let wire: Vec<u64> = (0..20).collect();
        // Ten copies of a wire, then one that also carries a second wire's paragraph.
        for a in 1..=10 {
            idx.insert(a, &keys(&wire));
        }
        let merged: Vec<u64> = wire.iter().copied().chain(100..110).collect();
        idx.insert(11, &keys(&merged));
        let (c, stats) = idx.candidates(&keys(&merged));
        let found: Vec<i64> = c.iter().map(|c| c.article).collect();
        // The merged copy shares most; then four copies of the wire carry all the rest.
        assert_eq!(found, vec![11, 10, 9, 8]);
        assert_eq!(stats.covered_skipped, 7);
        // A query carrying the second wire alone still finds what carries it.
        let (c, _) = idx.candidates(&keys(&(100..110).collect::<Vec<_>>()));
        assert_eq!(c.iter().map(|c| c.article).collect::<Vec<_>>(), vec![11]);
        // A new text sharing words with the copies beyond their common part is kept.
        idx.insert(
            12,
            &keys(&wire.iter().copied().chain(200..205).collect::<Vec<_>>()),
        );
        let query: Vec<u64> = wire
            .iter()
            .copied()
            .chain(100..110)
            .chain(200..205)
            .collect();
        let (c, _) = idx.candidates(&keys(&query));
        let found: Vec<i64> = c.iter().map(|c| c.article).collect();
        assert!(found.contains(&12) && found.contains(&11), "{found:?}");
        assert!(found.len() <= 6, "{found:?}");
    }

    #[test]
    fn memory_grows_with_articles() {
        let mut idx = Index::new(IndexParams::default());
        let before = idx.memory_bytes();
        for a in 0..1000u64 {
            idx.insert(
                a as i64,
                &keys(&(0..50).map(|i| a * 1000 + i).collect::<Vec<_>>()),
            );
        }
        assert_eq!(idx.len(), 1000);
        assert!(idx.memory_bytes() > before + 1000 * 50 * 4);
    }
}
