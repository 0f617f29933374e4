//! Index: find the stored articles a new one may share text with, by counting shared anchors,
//! without comparing against every stored article. Anchors held by too many articles
//! (boilerplate) are skipped, which keeps both the work and the candidate list small.

use std::collections::HashMap;

/// The key of a stored article (its arrival number in the store).
pub type ArticleKey = i64;

/// Anything that can list the articles holding an anchor.
pub trait AnchorIndex {
    type Error;
    /// Articles holding `anchor`, at most `limit` of them; a full list means the anchor is common.
    fn postings(&self, anchor: u64, limit: usize) -> Result<Vec<ArticleKey>, Self::Error>;
}

/// Candidate search parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexParams {
    /// Anchors held by more than this many articles are ignored (document-frequency limit).
    pub max_df: usize,
    /// Shared anchors needed to become a candidate.
    pub min_shared: usize,
    /// At most this many candidates, most shared anchors first.
    pub max_candidates: usize,
}

impl Default for IndexParams {
    fn default() -> Self {
        IndexParams { max_df: 1000, min_shared: 3, max_candidates: 50 }
    }
}

/// A stored article that shares anchors with the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub article: ArticleKey,
    pub shared: usize,
}

/// What a candidate search did, for reporting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchStats {
    pub anchors: usize,
    pub common_anchors_skipped: usize,
}

/// The stored articles sharing at least `min_shared` anchors with `anchors`, best first.
pub fn candidates<I: AnchorIndex>(
    index: &I,
    anchors: &[u64],
    params: IndexParams,
) -> Result<(Vec<Candidate>, SearchStats), I::Error> {
    let mut counts: HashMap<ArticleKey, usize> = HashMap::new();
    let mut stats = SearchStats { anchors: anchors.len(), common_anchors_skipped: 0 };
    for &a in anchors {
        let list = index.postings(a, params.max_df + 1)?;
        if list.len() > params.max_df {
            stats.common_anchors_skipped += 1;
            continue;
        }
        for k in list {
            *counts.entry(k).or_default() += 1;
        }
    }
    let mut out: Vec<Candidate> = counts
        .into_iter()
        .filter(|(_, n)| *n >= params.min_shared)
        .map(|(article, shared)| Candidate { article, shared })
        .collect();
    out.sort_by(|x, y| y.shared.cmp(&x.shared).then(x.article.cmp(&y.article)));
    out.truncate(params.max_candidates);
    Ok((out, stats))
}

/// An index held in memory (for comparing files without a store, and for tests).
#[derive(Debug, Default, Clone)]
pub struct MemoryIndex {
    postings: HashMap<u64, Vec<ArticleKey>>,
}

impl MemoryIndex {
    pub fn insert(&mut self, article: ArticleKey, anchors: &[u64]) {
        for &a in anchors {
            let list = self.postings.entry(a).or_default();
            if list.last() != Some(&article) {
                list.push(article);
            }
        }
    }
}

impl AnchorIndex for MemoryIndex {
    type Error = std::convert::Infallible;
    fn postings(&self, anchor: u64, limit: usize) -> Result<Vec<ArticleKey>, Self::Error> {
        Ok(self.postings.get(&anchor).map(|l| l.iter().take(limit).copied().collect()).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_shared_anchors_and_skips_common_ones() {
        let mut idx = MemoryIndex::default();
        idx.insert(1, &[10, 11, 12, 13, 99]);
        idx.insert(2, &[10, 50, 99]);
        idx.insert(3, &[99]);
        let params = IndexParams { max_df: 2, min_shared: 2, max_candidates: 10 };
        let (c, stats) = candidates(&idx, &[10, 11, 12, 99], params).unwrap();
        assert_eq!(c, vec![Candidate { article: 1, shared: 3 }]);
        assert_eq!(stats.common_anchors_skipped, 1);
    }
}
