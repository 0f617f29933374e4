//! Text normalisation shared by every stage: one folding for snippet matching, one tokenizer
//! for fingerprints and alignment, one sentence splitter. Offsets are character offsets into the
//! text given, so every stage can point back into the cleaned body.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64;

/// A word of a text: the hash of its normalised form and where it stands.
///
/// Normalisation is NFKD, combining marks dropped, lower case; every non-alphanumeric character
/// separates words. So "Al-Qaeda's" and "Al Qaeda’s" give the same words (al, qaeda, s), and so
/// do curly and straight quotes, dashes of any style and accented or plain letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub hash: u64,
    /// Character offsets into the text.
    pub start: usize,
    pub end: usize,
    /// Byte offsets into the text, for slicing without a second pass.
    pub byte_start: usize,
    pub byte_end: usize,
}

/// A sentence as character and byte ranges, trimmed of surrounding whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
}

/// The hash of one normalised word (also used as a term id by the story stage).
pub fn word_hash(normalised: &str) -> u64 {
    xxh3_64(normalised.as_bytes())
}

/// A map whose keys are already well-mixed hashes (word hashes, term ids, index keys): they
/// are used as they are instead of being hashed again.
pub type HashKeyMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// The hasher of [`HashKeyMap`].
#[derive(Default)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        // hashbrown takes its control bits from the top: spread a 32-bit key over all 64.
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = n as u64;
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Split `text` into normalised word tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 6);
    let mut word = String::new();
    let mut start = (0usize, 0usize);
    let mut last_end = (0usize, 0usize);
    let mut in_word = false;
    for (char_idx, (byte_idx, c)) in text.char_indices().enumerate() {
        let next = (char_idx + 1, byte_idx + c.len_utf8());
        let mut word_char = false;
        let mut mark_only = true;
        let mut separator = false;
        if c.is_ascii() {
            mark_only = false;
            if c.is_ascii_alphanumeric() {
                word_char = true;
                if !in_word {
                    start = (char_idx, byte_idx);
                    in_word = true;
                }
                word.push(c.to_ascii_lowercase());
            } else {
                separator = true;
            }
        } else {
            decompose_compatible(c, |d| {
                if is_combining_mark(d) {
                    return;
                }
                mark_only = false;
                if d.is_alphanumeric() {
                    word_char = true;
                    if !in_word {
                        start = (char_idx, byte_idx);
                        in_word = true;
                    }
                    word.extend(d.to_lowercase());
                } else {
                    separator = true;
                }
            });
        }
        if word_char {
            last_end = next;
        }
        // A combining mark continues the word it follows; anything else that is not a letter or
        // digit ends it (a compatibility decomposition such as "½" can do both).
        if (separator || (!word_char && !mark_only)) && in_word {
            push_token(&mut tokens, &mut word, start, last_end);
            in_word = false;
        } else if mark_only && in_word {
            last_end = next;
        }
    }
    if in_word {
        push_token(&mut tokens, &mut word, start, last_end);
    }
    tokens
}

fn push_token(
    tokens: &mut Vec<Token>,
    word: &mut String,
    start: (usize, usize),
    end: (usize, usize),
) {
    tokens.push(Token {
        hash: word_hash(word),
        start: start.0,
        end: end.0,
        byte_start: start.1,
        byte_end: end.1,
    });
    word.clear();
}

/// Fold a text for comparing snippets: NFKC, curly quotes and dash styles to ASCII, whitespace
/// runs to one space, lower case, trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => {
                '\''
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => c,
        };
        if c.is_whitespace() || c == '\u{200B}' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Collapse whitespace runs (including no-break and zero-width spaces) to one space and trim.
pub fn squeeze_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for part in text.split(|c: char| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}') {
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "gov", "sen",
    "rep", "rev", "st", "jr", "sr", "no", "vs", "inc", "corp", "co", "ltd", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n", "u.k", "e.g",
    "i.e", "pres", "sgt", "cmdr", "supt", "mt", "ft", "est",
];

/// Split `text` into sentences (Unicode sentence boundaries, with common abbreviations and
/// initials not taken as ends).
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    for (b, s) in text.split_sentence_bound_indices() {
        let end = b + s.len();
        if let Some(last) = pieces.last_mut() {
            if continues_sentence(&text[last.0..last.1]) {
                last.1 = end;
                continue;
            }
        }
        pieces.push((b, end));
    }
    let mut out = Vec::with_capacity(pieces.len());
    let mut char_pos = 0usize;
    let mut byte_pos = 0usize;
    for (b0, b1) in pieces {
        let piece = &text[b0..b1];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if trimmed.is_empty() {
            continue;
        }
        let bs = b0 + lead;
        let be = bs + trimmed.len();
        char_pos += text[byte_pos..bs].chars().count();
        let cs = char_pos;
        let ce = cs + trimmed.chars().count();
        char_pos = ce;
        byte_pos = be;
        out.push(Sentence {
            start: cs,
            end: ce,
            byte_start: bs,
            byte_end: be,
        });
    }
    out
}

/// Whether a word (without its full stop, any case) is an abbreviation that a full stop does not end
/// a sentence after ("Gen", "U.S", "Jan").
pub fn is_abbreviation(word: &str) -> bool {
    let lw = word.to_lowercase();
    ABBREVIATIONS.contains(&lw.as_str())
}

/// The number of a month written in full or abbreviated ("March", "mar.", "Sept"); any other
/// word, "mayor" or "decided" included, is none.
pub fn month_number(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    let i = NAMES
        .iter()
        .position(|m| *m == w || m[..3] == w || w == "sept" && *m == "september")?;
    Some(i as u32 + 1)
}

fn continues_sentence(piece: &str) -> bool {
    let t = piece.trim_end();
    if t.contains('\n') && t.ends_with('\n') {
        return false;
    }
    let Some(stem) = t.strip_suffix('.') else {
        return false;
    };
    let last_word = stem
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .next()
        .unwrap_or("");
    if last_word.chars().count() == 1 && last_word.chars().all(|c| c.is_uppercase()) {
        return true; // an initial: "John F. Kennedy"
    }
    is_abbreviation(last_word)
}

/// Character count of a string (offsets everywhere are in characters).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text)
            .iter()
            .map(|t| text[t.byte_start..t.byte_end].to_string())
            .collect()
    }

    #[test]
    fn hyphen_space_and_quote_variants_give_the_same_tokens() {
        let a: Vec<u64> = tokenize("Al-Qaeda's regional affiliate")
            .iter()
            .map(|t| t.hash)
            .collect();
        let b: Vec<u64> = tokenize("Al Qaeda\u{2019}s  regional AFFILIATE")
            .iter()
            .map(|t| t.hash)
            .collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 5);
    }

    #[test]
    fn accents_and_compatibility_forms_fold() {
        let a: Vec<u64> = tokenize("café ﬁnal").iter().map(|t| t.hash).collect();
        let b: Vec<u64> = tokenize("Cafe final").iter().map(|t| t.hash).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn offsets_are_characters_and_bytes() {
        let text = "“core” Al Qaeda";
        let toks = tokenize(text);
        assert_eq!(words(text), vec!["core", "Al", "Qaeda"]);
        assert_eq!((toks[0].start, toks[0].end), (1, 5));
        let chars: Vec<char> = text.chars().collect();
        let s: String = chars[toks[2].start..toks[2].end].iter().collect();
        assert_eq!(s, "Qaeda");
    }

    #[test]
    fn fold_matches_expected_json_rules() {
        assert_eq!(
            fold("  Al Qaeda\u{2019}s  “enduring\ninterest” — here "),
            "al qaeda's \"enduring interest\" - here"
        );
    }

    #[test]
    fn sentences_keep_abbreviations_and_initials() {
        let text = "Gen. Kenneth McKenzie said so. The U.S. agreed.\n\n\"Quote here,\" he added. John F. Kennedy spoke.";
        let s: Vec<&str> = sentences(text)
            .iter()
            .map(|s| &text[s.byte_start..s.byte_end])
            .collect();
        assert_eq!(
            s,
            vec![
                "Gen. Kenneth McKenzie said so.",
                "The U.S. agreed.",
                "\"Quote here,\" he added.",
                "John F. Kennedy spoke."
            ]
        );
    }

    #[test]
    fn sentence_char_offsets_match_bytes() {
        let text = "Naïve café. Über alles!\n\nZweite.";
        for s in sentences(text) {
            let by_chars: String = text.chars().skip(s.start).take(s.end - s.start).collect();
            assert_eq!(by_chars, &text[s.byte_start..s.byte_end]);
        }
    }
}
