//! Align: the passages two texts share, with character offsets into both. Seeds are shared word
//! 4-grams; seeds are chained along near-diagonals (tolerating reworded, dropped and inserted
//! words), each chain is extended by a small local alignment and snapped to sentence edges.
//! Several chains give several passages, so reordered paragraphs are found too.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::fingerprint::ngram_hashes;
use crate::text::{sentences, tokenize, Sentence, Token};

/// Alignment parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignParams {
    /// Words per seed.
    pub seed: usize,
    /// Longest run of unmatched words (on either side) a passage may bridge.
    pub max_gap: usize,
    /// Words one side has in a gap with (nearly) nothing facing them on the other side that end
    /// a passage: a paragraph one outlet inserted into the wire, or a sentence it cut, is not
    /// shared text. 0 bridges every gap up to `max_gap`.
    pub max_insert: usize,
    /// Fewest matched words for a passage.
    pub min_words: usize,
    /// How far (in words) a passage end is extended by local alignment.
    pub extend: usize,
    /// A passage end this close (in words) to a sentence edge is moved to it.
    pub snap: usize,
    /// Seeds occurring more often than this in the other text are ignored.
    pub max_seed_repeats: usize,
    /// A passage scoring below `template_score` whose differing words are at least this share
    /// numbers is taken as one template filled twice, and dropped.
    pub template_score: f64,
    pub template_numbers: f64,
}

impl Default for AlignParams {
    fn default() -> Self {
        AlignParams {
            seed: 4,
            max_gap: 40,
            max_insert: 12,
            min_words: 10,
            extend: 24,
            snap: 4,
            max_seed_repeats: 16,
            template_score: 0.9,
            template_numbers: 0.5,
        }
    }
}

/// A text prepared for alignment: its tokens and sentences.
#[derive(Debug, Clone)]
pub struct AlignedText {
    pub text: String,
    pub tokens: Vec<Token>,
    sentences: Vec<Sentence>,
    /// For each token, the index of its sentence.
    sentence_of: Vec<usize>,
    /// For each sentence, its first and one-past-last token.
    sentence_tokens: Vec<Range<usize>>,
    /// The hash of each word n-gram of the default seed length with its position, sorted: a
    /// text stays in the engine's cache and is aligned with many others, so its seeds are hashed
    /// and sorted once.
    sorted_grams: Vec<(u64, u32)>,
}

impl AlignedText {
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let tokens = tokenize(&text);
        let sentences = sentences(&text);
        let mut sentence_of = Vec::with_capacity(tokens.len());
        let mut sentence_tokens = vec![0..0; sentences.len()];
        let mut s = 0;
        for (t, tok) in tokens.iter().enumerate() {
            while s + 1 < sentences.len() && tok.start >= sentences[s].end {
                s += 1;
            }
            sentence_of.push(s);
            if sentence_tokens[s].is_empty() {
                sentence_tokens[s] = t..t + 1;
            } else {
                sentence_tokens[s].end = t + 1;
            }
        }
        let sorted_grams =
            sorted_with_positions(&ngram_hashes(&tokens, AlignParams::default().seed));
        AlignedText {
            text,
            tokens,
            sentences,
            sentence_of,
            sentence_tokens,
            sorted_grams,
        }
    }

    /// The hashes of the text's seeds of `k` words, sorted, with their positions.
    fn seed_grams(&self, k: usize) -> std::borrow::Cow<'_, [(u64, u32)]> {
        if k == AlignParams::default().seed {
            return self.sorted_grams.as_slice().into();
        }
        sorted_with_positions(&ngram_hashes(&self.tokens, k)).into()
    }

    fn hashes(&self, r: Range<usize>) -> Vec<u64> {
        self.tokens[r].iter().map(|t| t.hash).collect()
    }

    /// Character start of token `t`, taken back to its sentence's start (opening quote marks
    /// included) when `t` opens the sentence.
    fn char_start(&self, t: usize) -> (usize, usize) {
        let s = self.sentence_of[t];
        if self.sentence_tokens[s].start == t {
            (self.sentences[s].start, self.sentences[s].byte_start)
        } else {
            (self.tokens[t].start, self.tokens[t].byte_start)
        }
    }

    /// Character end of token `t`, taken on to its sentence's end (closing punctuation and quote
    /// marks included) when `t` closes the sentence.
    fn char_end(&self, t: usize) -> (usize, usize) {
        let s = self.sentence_of[t];
        if self.sentence_tokens[s].end == t + 1 {
            (self.sentences[s].end, self.sentences[s].byte_end)
        } else {
            (self.tokens[t].end, self.tokens[t].byte_end)
        }
    }

    /// The span of tokens `r` in characters, with its text.
    fn span(&self, r: Range<usize>) -> Span {
        let (start, bs) = self.char_start(r.start);
        let (end, be) = self.char_end(r.end - 1);
        Span {
            start,
            end,
            text: self.text[bs..be].to_string(),
        }
    }

    fn is_number(&self, t: usize) -> bool {
        let tok = &self.tokens[t];
        self.text[tok.byte_start..tok.byte_end]
            .bytes()
            .all(|b| b.is_ascii_digit())
    }

    fn paragraph_break_after(&self, t: usize) -> bool {
        let gap = &self.text[self.tokens[t].byte_end..self.tokens[t + 1].byte_start];
        gap.matches('\n').count() >= 2
    }
}

/// A passage two texts share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub a_start: usize,
    pub a_end: usize,
    pub b_start: usize,
    pub b_end: usize,
    pub a_text: String,
    pub b_text: String,
    /// Share of the passage's words that align (2 × matched / (words in a + words in b)).
    pub score: f64,
    /// Words that align exactly.
    pub matched_words: usize,
    /// Token ranges, for coverage.
    #[serde(skip)]
    pub a_tokens: Range<usize>,
    #[serde(skip)]
    pub b_tokens: Range<usize>,
}

/// A stretch of one text, by character offsets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Everything two texts share, and what each has that the other lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    pub passages: Vec<Passage>,
    /// Share of a's words inside shared passages.
    pub a_copied: f64,
    pub b_copied: f64,
    pub only_in_a: Vec<Span>,
    pub only_in_b: Vec<Span>,
}

impl Alignment {
    /// The same alignment seen from the other side.
    pub fn swapped(self) -> Alignment {
        let mut passages: Vec<Passage> = self
            .passages
            .into_iter()
            .map(|p| Passage {
                a_start: p.b_start,
                a_end: p.b_end,
                b_start: p.a_start,
                b_end: p.a_end,
                a_text: p.b_text,
                b_text: p.a_text,
                score: p.score,
                matched_words: p.matched_words,
                a_tokens: p.b_tokens,
                b_tokens: p.a_tokens,
            })
            .collect();
        passages.sort_by_key(|p| (p.a_start, p.b_start));
        Alignment {
            passages,
            a_copied: self.b_copied,
            b_copied: self.a_copied,
            only_in_a: self.only_in_b,
            only_in_b: self.only_in_a,
        }
    }
}

/// The matched words of `passages` that lie within `a_ranges` (character ranges of side a),
/// counting a passage in proportion to how much of its side-a text the ranges cover.
pub fn matched_words_within(passages: &[Passage], a_ranges: &[(usize, usize)]) -> usize {
    let words: f64 = passages
        .iter()
        .filter(|p| p.a_end > p.a_start)
        .map(|p| {
            let covered = p.a_covered_by(a_ranges);
            p.matched_words as f64
                * (covered.min(p.a_end - p.a_start) as f64 / (p.a_end - p.a_start) as f64)
        })
        .sum();
    words.round() as usize
}

impl Passage {
    /// How many characters of side a `a_ranges` cover (ranges that overlap count twice).
    pub fn a_covered_by(&self, a_ranges: &[(usize, usize)]) -> usize {
        a_ranges
            .iter()
            .map(|&(s, e)| e.min(self.a_end).saturating_sub(s.max(self.a_start)))
            .sum()
    }
}

/// Where the parts of passages that lie within `ranges` on one side fall on the other side, and
/// the matched words there. Each span is `(this side, other side, matched words)`; a part is
/// mapped in proportion along its passage (alignment gaps make this approximate, which is all
/// group membership needs). The ranges returned are sorted and merged.
pub fn mapped_within(
    spans: impl IntoIterator<Item = ((usize, usize), (usize, usize), usize)>,
    ranges: &[(usize, usize)],
) -> (Vec<(usize, usize)>, usize) {
    let mut out = Vec::new();
    let mut words = 0.0;
    for ((s, e), (os, oe), matched) in spans {
        if e <= s {
            continue;
        }
        let scale = (oe.saturating_sub(os)) as f64 / (e - s) as f64;
        for &(rs, re) in ranges {
            let (from, to) = (rs.max(s), re.min(e));
            if from >= to {
                continue;
            }
            let start = os + ((from - s) as f64 * scale).floor() as usize;
            let end = os + ((to - s) as f64 * scale).ceil() as usize;
            out.push((start, end.min(oe)));
            words += matched as f64 * (to - from) as f64 / (e - s) as f64;
        }
    }
    out.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    for (s, e) in out {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    (merged, words.round() as usize)
}

/// Align two texts.
pub fn align_texts(a: &str, b: &str, params: AlignParams) -> Alignment {
    align(&AlignedText::new(a), &AlignedText::new(b), params)
}

/// Align two prepared texts. The result does not depend on the order of the arguments:
/// `align(a, b)` is `align(b, a).swapped()`.
pub fn align(a: &AlignedText, b: &AlignedText, params: AlignParams) -> Alignment {
    // Greedy chaining breaks ties by position, which could differ with the sides exchanged, so
    // the pair is always solved in one canonical order.
    if (b.text.len(), b.text.as_str()) < (a.text.len(), a.text.as_str()) {
        return align_ordered(b, a, params).swapped();
    }
    align_ordered(a, b, params)
}

/// Part of an aligned region, between insertions (see `AlignParams::max_insert`).
#[derive(Default)]
struct Piece {
    a: Range<usize>,
    b: Range<usize>,
    matched: usize,
    unmatched: usize,
    numeric: usize,
}

fn align_ordered(a: &AlignedText, b: &AlignedText, p: AlignParams) -> Alignment {
    let regions = chain_seeds(a, b, p);
    let regions = extend_and_snap(a, b, regions, p);
    let mut passages = Vec::new();
    for (ra, rb) in regions {
        let (ha, hb) = (a.hashes(ra.clone()), b.hashes(rb.clone()));
        let diff = similar::capture_diff_slices(similar::Algorithm::Myers, &ha, &hb);
        // The region's pieces between insertions, each as its first and last matched token on
        // both sides, its matched words, and its unmatched words (and how many are numbers).
        // The region's own ends (snapped to sentence edges) are kept; pieces end inside it where
        // matched words do.
        let mut pieces: Vec<Piece> = Vec::new();
        let mut open = Some(Piece {
            a: ra.start..ra.start,
            b: rb.start..rb.start,
            ..Piece::default()
        });
        for op in &diff {
            let (_, old, new) = op.as_tag_tuple();
            if let similar::DiffOp::Equal { len, .. } = op {
                let piece = open.get_or_insert(Piece {
                    a: ra.start + old.start..ra.start + old.start,
                    b: rb.start + new.start..rb.start + new.start,
                    ..Piece::default()
                });
                piece.a.end = ra.start + old.end;
                piece.b.end = rb.start + new.end;
                piece.matched += len;
                continue;
            }
            let (longer, shorter) = (old.len().max(new.len()), old.len().min(new.len()));
            if p.max_insert > 0 && longer >= p.max_insert && shorter * 4 <= longer {
                pieces.extend(open.take());
                continue;
            }
            if let Some(piece) = open.as_mut() {
                for t in old.map(|i| ra.start + i) {
                    piece.unmatched += 1;
                    piece.numeric += a.is_number(t) as usize;
                }
                for t in new.map(|j| rb.start + j) {
                    piece.unmatched += 1;
                    piece.numeric += b.is_number(t) as usize;
                }
            }
        }
        if let Some(mut last) = open {
            (last.a.end, last.b.end) = (ra.end, rb.end);
            pieces.push(last);
        }
        for piece in pieces {
            let Piece {
                a: ra,
                b: rb,
                matched,
                unmatched,
                numeric,
            } = piece;
            if matched < p.min_words {
                continue;
            }
            let score = 2.0 * matched as f64 / (ra.len() + rb.len()) as f64;
            // Two fillings of one template (weekly tables, crop forecasts: the same words around
            // different figures) are not a copy of each other.
            if score < p.template_score && numeric as f64 >= p.template_numbers * unmatched as f64 {
                continue;
            }
            let sa = a.span(ra.clone());
            let sb = b.span(rb.clone());
            passages.push(Passage {
                a_start: sa.start,
                a_end: sa.end,
                b_start: sb.start,
                b_end: sb.end,
                a_text: sa.text,
                b_text: sb.text,
                score: round3(score),
                matched_words: matched,
                a_tokens: ra,
                b_tokens: rb,
            });
        }
    }
    passages.sort_by_key(|p| (p.a_start, p.b_start));
    let (a_copied, only_in_a) = coverage(a, passages.iter().map(|p| p.a_tokens.clone()));
    let (b_copied, only_in_b) = coverage(b, passages.iter().map(|p| p.b_tokens.clone()));
    Alignment {
        passages,
        a_copied,
        b_copied,
        only_in_a,
        only_in_b,
    }
}

/// `grams` with their positions, sorted (by hash, then position), for finding seeds by binary
/// search.
fn sorted_with_positions(grams: &[u64]) -> Vec<(u64, u32)> {
    let mut sorted: Vec<(u64, u32)> = grams
        .iter()
        .enumerate()
        .map(|(j, &h)| (h, j as u32))
        .collect();
    sorted.sort_unstable();
    sorted
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Chains of seeds, best first, each as token ranges in a and b; no two overlap on either side.
fn chain_seeds(
    a: &AlignedText,
    b: &AlignedText,
    p: AlignParams,
) -> Vec<(Range<usize>, Range<usize>)> {
    let k = p.seed;
    let (sorted_a, sorted_b) = (a.seed_grams(k), b.seed_grams(k));
    // Both sides' seeds sorted by hash, walked together: a seed is a pair of equal hashes.
    let mut seeds: Vec<(usize, usize)> = Vec::new();
    let (mut x, mut y) = (0, 0);
    while x < sorted_a.len() && y < sorted_b.len() {
        let h = sorted_a[x].0;
        match h.cmp(&sorted_b[y].0) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => {
                // Runs of one hash are short (a repeated phrase), so they are walked.
                let run = |sorted: &[(u64, u32)], from: usize| {
                    from + sorted[from..].iter().take_while(|&&(g, _)| g == h).count()
                };
                let (x_end, y_end) = (run(&sorted_a, x), run(&sorted_b, y));
                if y_end - y <= p.max_seed_repeats {
                    for &(_, i) in &sorted_a[x..x_end] {
                        seeds.extend(
                            sorted_b[y..y_end]
                                .iter()
                                .map(|&(_, j)| (i as usize, j as usize)),
                        );
                    }
                }
                (x, y) = (x_end, y_end);
            }
        }
    }
    seeds.sort_unstable();
    let reach = p.max_gap + k;
    // Seeds per row (position in a) and column (position in b), and the last seed of each row:
    // a seed whose row and column hold no other seed continues the seed just before it on its
    // diagonal, when there is one, at least as well as any other chain would (see below).
    let mut in_row = vec![0u32; a.tokens.len()];
    let mut in_column = vec![0u32; b.tokens.len()];
    let mut row_last = vec![usize::MAX; a.tokens.len()];
    // Scores in quarter words, so the chaining runs on integers; the seeds themselves, not their
    // indexes, so the inner loop reads one array.
    let mut alive = seeds;
    let mut regions = Vec::new();
    let mut score: Vec<i64> = Vec::new();
    let mut prev = Vec::new();
    while !alive.is_empty() {
        score.clear();
        prev.clear();
        in_row.fill(0);
        in_column.fill(0);
        for &(i, j) in &alive {
            in_row[i] += 1;
            in_column[j] += 1;
        }
        for x in 0..alive.len() {
            let (si, sj) = alive[x];
            row_last[si] = x;
            // The seed one word back on the diagonal, alone in its row and column: every other
            // predecessor of this seed is also one of that seed's, and reaches this one through
            // it with at least the score it would have directly (one more word gained, never a
            // skipped word more), so the search below would pick it; it is taken at once, which
            // makes the long exact runs of a copy cost one step a seed.
            if si > 0 && sj > 0 && in_row[si - 1] == 1 && in_column[sj - 1] == 1 {
                let y = row_last[si - 1];
                if y != usize::MAX && alive[y] == (si - 1, sj - 1) {
                    score.push(score[y] + 4);
                    prev.push(y);
                    continue;
                }
            }
            let (mut best, mut from) = (4 * k as i64, usize::MAX);
            for y in (0..x).rev() {
                let (pi, pj) = alive[y];
                if si - pi > reach {
                    break;
                }
                if pi >= si || pj >= sj || sj - pj > reach {
                    continue;
                }
                let (di, dj) = (si - pi, sj - pj);
                let gain = di.min(dj).min(k) as i64;
                let indel = di.abs_diff(dj) as i64;
                let skipped = di.min(dj).saturating_sub(k) as i64;
                let s = score[y] + 4 * gain - 2 * indel - skipped;
                if s > best {
                    best = s;
                    from = y;
                }
            }
            score.push(best);
            prev.push(from);
        }
        let (mut x, &top) = score
            .iter()
            .enumerate()
            .max_by(|(i, s), (j, t)| s.cmp(t).then(j.cmp(i)))
            .unwrap();
        if top < 4 * p.min_words as i64 {
            break;
        }
        let (ei, ej) = alive[x];
        while prev[x] != usize::MAX {
            x = prev[x];
        }
        let (bi, bj) = alive[x];
        let (ra, rb) = (bi..ei + k, bj..ej + k);
        alive.retain(|&(i, j)| {
            let overlaps_a = i < ra.end && i + k > ra.start;
            let overlaps_b = j < rb.end && j + k > rb.start;
            !(overlaps_a || overlaps_b)
        });
        regions.push((ra, rb));
    }
    regions
}

/// Extend each region's ends by local alignment, then move ends that fall just short of a
/// sentence edge onto it; regions never grow into each other.
fn extend_and_snap(
    a: &AlignedText,
    b: &AlignedText,
    mut regions: Vec<(Range<usize>, Range<usize>)>,
    p: AlignParams,
) -> Vec<(Range<usize>, Range<usize>)> {
    let bounds = |regions: &[(Range<usize>, Range<usize>)], idx: usize| {
        let (ra, rb) = &regions[idx];
        let mut lim = (0, a.tokens.len(), 0, b.tokens.len());
        for (o, (oa, ob)) in regions.iter().enumerate() {
            if o == idx {
                continue;
            }
            if oa.end <= ra.start {
                lim.0 = lim.0.max(oa.end);
            }
            if oa.start >= ra.end {
                lim.1 = lim.1.min(oa.start);
            }
            if ob.end <= rb.start {
                lim.2 = lim.2.max(ob.end);
            }
            if ob.start >= rb.end {
                lim.3 = lim.3.min(ob.start);
            }
        }
        lim
    };
    for idx in 0..regions.len() {
        let (a_lo, a_hi, b_lo, b_hi) = bounds(&regions, idx);
        let (mut ra, mut rb) = regions[idx].clone();
        let fa: Vec<u64> = a.tokens[ra.end..a_hi]
            .iter()
            .take(p.extend)
            .map(|t| t.hash)
            .collect();
        let fb: Vec<u64> = b.tokens[rb.end..b_hi]
            .iter()
            .take(p.extend)
            .map(|t| t.hash)
            .collect();
        let (x, y) = extend(&fa, &fb);
        ra.end += x;
        rb.end += y;
        let ba: Vec<u64> = a.tokens[a_lo..ra.start]
            .iter()
            .rev()
            .take(p.extend)
            .map(|t| t.hash)
            .collect();
        let bb: Vec<u64> = b.tokens[b_lo..rb.start]
            .iter()
            .rev()
            .take(p.extend)
            .map(|t| t.hash)
            .collect();
        let (x, y) = extend(&ba, &bb);
        ra.start -= x;
        rb.start -= y;
        regions[idx] = (
            snap(a, ra, a_lo, a_hi, p.snap),
            snap(b, rb, b_lo, b_hi, p.snap),
        );
    }
    regions
}

/// How far an end can be pushed: the best-scoring prefix alignment of the two continuations
/// (match +1, mismatch or gap −1), or nothing if no extension scores above zero.
fn extend(a: &[u64], b: &[u64]) -> (usize, usize) {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return (0, 0);
    }
    let mut row: Vec<i32> = (0..=m as i32).map(|y| -y).collect();
    let mut best = (0i32, 0usize, 0usize);
    for x in 1..=n {
        let mut diag = row[0];
        row[0] = -(x as i32);
        for y in 1..=m {
            let up = row[y];
            let v = (diag + if a[x - 1] == b[y - 1] { 1 } else { -1 })
                .max(up - 1)
                .max(row[y - 1] - 1);
            diag = up;
            row[y] = v;
            if v > best.0 {
                best = (v, x, y);
            }
        }
    }
    (best.1, best.2)
}

fn snap(t: &AlignedText, mut r: Range<usize>, lo: usize, hi: usize, within: usize) -> Range<usize> {
    let first = t.sentence_tokens[t.sentence_of[r.start]].start;
    if r.start - first <= within && first >= lo {
        r.start = first;
    }
    let last = t.sentence_tokens[t.sentence_of[r.end - 1]].end;
    if last - r.end <= within && last <= hi {
        r.end = last;
    }
    r
}

/// Share of tokens covered, and the uncovered stretches split at paragraph breaks.
fn coverage(t: &AlignedText, covered: impl Iterator<Item = Range<usize>>) -> (f64, Vec<Span>) {
    let n = t.tokens.len();
    if n == 0 {
        return (0.0, Vec::new());
    }
    let mut mark = vec![false; n];
    for r in covered {
        mark[r].iter_mut().for_each(|m| *m = true);
    }
    let copied = mark.iter().filter(|m| **m).count();
    let mut spans = Vec::new();
    let mut start = None;
    for i in 0..=n {
        let open = i < n && !mark[i];
        match (start, open) {
            (None, true) => start = Some(i),
            (Some(s), _) if !open || t.paragraph_break_after(i - 1) => {
                spans.push(t.span(s..i));
                start = open.then_some(i);
            }
            _ => {}
        }
    }
    (round3(copied as f64 / n as f64), spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_words_within_counts_the_share_of_each_passage_inside_the_ranges() {
        let passage = |a_start, a_end, matched_words| Passage {
            a_start,
            a_end,
            b_start: 0,
            b_end: 0,
            a_text: String::new(),
            b_text: String::new(),
            score: 1.0,
            matched_words,
            a_tokens: 0..0,
            b_tokens: 0..0,
        };
        let passages = [
            passage(0, 100, 20),
            passage(200, 300, 40),
            passage(400, 400, 5),
        ];
        assert_eq!(matched_words_within(&passages, &[]), 0);
        assert_eq!(matched_words_within(&passages, &[(0, 1000)]), 60);
        // Half of the first, a quarter of the second (two ranges), none of the empty one.
        assert_eq!(
            matched_words_within(&passages, &[(50, 150), (200, 210), (285, 400)]),
            10 + 10
        );
    }

    #[test]
    fn mapped_within_carries_the_covered_parts_to_the_other_side() {
        // Two passages: 0..100 ↔ 1000..1200 (the other side twice as long), 200..300 ↔ 50..150.
        let spans = [((0, 100), (1000, 1200), 20), ((200, 300), (50, 150), 40)];
        assert_eq!(mapped_within(spans, &[]), (vec![], 0));
        assert_eq!(
            mapped_within(spans, &[(0, 1000)]),
            (vec![(50, 150), (1000, 1200)], 60)
        );
        // The second half of the first passage; a quarter of the second, in two ranges that
        // meet on the other side once mapped.
        assert_eq!(
            mapped_within(spans, &[(50, 150), (200, 215), (215, 225)]),
            (vec![(50, 75), (1100, 1200)], 10 + 10)
        );
    }

    #[test]
    fn one_template_filled_with_other_figures_is_not_a_copy() {
        let a = "Named-A 788.0 869.7 50.7 48.4 Unnamed-B 76.0 94.0 nil nil E.O.A-C 2.7 6.1 nil nil O.O.P-D nil nil nil nil Gr Total 866.7 969.8 50.7 48.4 prev wk";
        let b = "Named-A 576.6 620.6 164.7 164.7 Unnamed-B 29.6 16.0 nil nil E.O.A.-C 0.9 0.9 nil nil O.O.P.-D nil nil nil nil Gr Total 607.1 637.5 164.7 164.7 prev wk";
        assert!(align_texts(a, b, AlignParams::default())
            .passages
            .is_empty());
        // An updated figure in copied text is still a copy.
        let c = "Twelve people were killed and 40 injured when the bridge over the river collapsed on Monday, police said.";
        let d = "Twelve people were killed and 43 injured when the bridge over the river collapsed on Monday, police said.";
        assert_eq!(align_texts(c, d, AlignParams::default()).passages.len(), 1);
    }

    const WIRE: &str = "Al-Qaeda's regional affiliate in Afghanistan maintains close ties to the Taliban and has an \"enduring interest\" in attacking US and foreign troops, the Pentagon said Wednesday (July 1).\n\nUnder a peace deal the Taliban signed with the United States in February, the insurgents agreed to stop al-Qaeda from using Afghanistan as a safe haven to plot attacks.";
    const EDIT: &str = "Local officials were not available for comment on Thursday.\n\nAl Qaeda’s regional affiliate in Afghanistan maintains close ties to the Taliban and has an “enduring interest” in attacking US and foreign troops, the Pentagon said on Wednesday.\n\nUnder a deal the Taliban signed with the United States in February, the insurgents agreed to stop Al Qaeda from using Afghanistan as a safe haven to plot attacks.";

    #[test]
    fn edited_wire_copy_aligns_as_one_passage_at_sentence_edges() {
        let al = align_texts(WIRE, EDIT, AlignParams::default());
        assert_eq!(al.passages.len(), 1, "{al:#?}");
        let p = &al.passages[0];
        assert!(p.a_text.starts_with("Al-Qaeda's regional"));
        assert!(p.a_text.ends_with("plot attacks."));
        assert!(p.b_text.starts_with("Al Qaeda’s regional"));
        assert!(p.b_text.ends_with("plot attacks."));
        assert_eq!(al.a_copied, 1.0);
        assert_eq!(al.only_in_b.len(), 1);
        assert_eq!(
            al.only_in_b[0].text,
            "Local officials were not available for comment on Thursday."
        );
        let chars: Vec<char> = EDIT.chars().collect();
        let slice: String = chars[p.b_start..p.b_end].iter().collect();
        assert_eq!(slice, p.b_text);
    }

    #[test]
    fn reordered_paragraphs_give_two_passages() {
        let one = "The central bank raised its main interest rate by half a point on Tuesday to fight inflation that has reached a forty year high.";
        let two = "Opposition leaders called the decision reckless and said it would push millions of families deeper into debt this winter.";
        let a = format!("{one}\n\n{two}");
        let b = format!("{two}\n\n{one}");
        let al = align_texts(&a, &b, AlignParams::default());
        assert_eq!(al.passages.len(), 2);
        assert_eq!(al.a_copied, 1.0);
        assert_eq!(al.b_copied, 1.0);
    }

    #[test]
    fn a_paragraph_one_outlet_inserted_into_the_wire_splits_the_passage() {
        let local = "Our reporter in the harbour town spoke to three fishermen who said the storm had cost them a week of work and most of their nets.";
        let a = WIRE.to_string();
        let (first, second) = a.split_once("\n\n").unwrap();
        let b = format!("{first}\n\n{local}\n\n{second}");
        let al = align_texts(&a, &b, AlignParams::default());
        assert_eq!(al.passages.len(), 2, "{al:#?}");
        assert!(al.passages.iter().all(|p| !p.b_text.contains("fishermen")));
        assert_eq!(al.only_in_b.len(), 1);
        assert_eq!(al.only_in_b[0].text, local);
        // Bridged as one passage when inserts may be bridged.
        let bridged = AlignParams {
            max_insert: 0,
            ..AlignParams::default()
        };
        assert_eq!(align_texts(&a, &b, bridged).passages.len(), 1);
        // A sentence too short to be an insertion of its own is bridged.
        let short = format!("{first}\n\nMore follows.\n\n{second}");
        assert_eq!(
            align_texts(&a, &short, AlignParams::default())
                .passages
                .len(),
            1
        );
    }

    #[test]
    fn unrelated_texts_share_nothing() {
        let al = align_texts(WIRE, "Markets rallied in Tokyo after exporters reported strong quarterly profits and the yen weakened against the dollar.", AlignParams::default());
        assert!(al.passages.is_empty());
        assert_eq!(al.a_copied, 0.0);
        assert_eq!(al.only_in_a.len(), 2);
    }

    #[test]
    fn extension_reaches_past_a_reworded_word() {
        assert_eq!(extend(&[1, 2, 3, 4], &[1, 9, 3, 4]), (4, 4));
        assert_eq!(extend(&[7, 8], &[5, 6]), (0, 0));
        assert_eq!(extend(&[7, 1, 2], &[1, 2]), (3, 2));
    }
}
