//! Properties of normalisation and alignment over generated texts.

use proptest::prelude::*;
use wiretrace::align::{align_texts, AlignParams};
use wiretrace::text::{fold, tokenize};

fn hashes(s: &str) -> Vec<u64> {
    tokenize(s).iter().map(|t| t.hash).collect()
}

fn messy_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9 ,.;:!?'\"\\-\n\u{2018}\u{2019}\u{201C}\u{201D}\u{2013}\u{2014}éèüñçÀÖ\u{00A0}]{0,200}").unwrap()
}

const VOCAB: &[&str] = &[
    "taliban",
    "pentagon",
    "report",
    "afghanistan",
    "troops",
    "ties",
    "deal",
    "peace",
    "insurgents",
    "attacks",
    "government",
    "forces",
    "regional",
    "affiliate",
    "security",
    "analysts",
    "officials",
    "minister",
    "talks",
    "prisoners",
    "release",
    "violence",
    "agreement",
    "washington",
    "kabul",
    "congress",
    "assessment",
    "training",
    "protection",
    "survival",
    "leadership",
    "members",
    "interest",
    "foreign",
    "western",
    "targets",
    "region",
    "operations",
    "support",
    "pressure",
    "coalition",
    "meetings",
    "planning",
    "havens",
    "evidence",
    "monitors",
    "negotiations",
    "commitment",
    "spirit",
    "cabinet",
    "president",
    "spokesman",
    "country",
    "battlefield",
    "weapons",
    "markets",
    "exporters",
    "profits",
    "currency",
    "inflation",
    "rates",
    "bank",
    "families",
    "winter",
];

fn sentence() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(VOCAB), 6..16).prop_map(|w| {
        let mut s = w.join(" ");
        s[..1].make_ascii_uppercase();
        s + "."
    })
}

fn article_text() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(
        proptest::collection::vec(sentence(), 1..4).prop_map(|s| s.join(" ")),
        2..8,
    )
}

/// Text full of quote marks, brackets, sentence ends, capitals and multi-byte characters.
fn quoted_text() -> impl Strategy<Value = Vec<String>> {
    let piece = prop_oneof![
        Just("\"".to_string()),
        Just("\u{201C}".to_string()),
        Just("\u{201D}".to_string()),
        Just("'".to_string()),
        Just(", he said. ".to_string()),
        Just(" said: ".to_string()),
        Just(" according to ".to_string()),
        Just("Gen. Kenneth McKenzie".to_string()),
        Just(" (AQIS) ".to_string()),
        Just("! ".to_string()),
        Just("? ".to_string()),
        Just("Wednesday (July 1)".to_string()),
        Just(" last month ".to_string()),
        Just("é€—".to_string()),
        Just("But, ".to_string()),
        Just("However, ".to_string()),
        Just("In a statement, ".to_string()),
        Just(" saying ".to_string()),
        "[a-zA-Z ,.]{0,12}",
    ];
    prop::collection::vec(
        prop::collection::vec(piece, 0..30).prop_map(|v| v.concat()),
        1..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fold_is_idempotent(s in messy_text()) {
        prop_assert_eq!(fold(&fold(&s)), fold(&s));
    }

    #[test]
    fn folding_does_not_change_tokens(s in messy_text()) {
        prop_assert_eq!(hashes(&fold(&s)), hashes(&s));
    }

    #[test]
    fn token_offsets_point_at_the_words(s in messy_text()) {
        let chars: Vec<char> = s.chars().collect();
        for t in tokenize(&s) {
            prop_assert!(t.start < t.end && t.end <= chars.len());
            let by_chars: String = chars[t.start..t.end].iter().collect();
            prop_assert_eq!(by_chars.as_str(), &s[t.byte_start..t.byte_end]);
        }
    }

    #[test]
    fn an_article_aligned_with_itself_covers_itself(paras in article_text()) {
        let text = paras.join("\n\n");
        let al = align_texts(&text, &text, AlignParams::default());
        if tokenize(&text).len() >= AlignParams::default().min_words {
            prop_assert_eq!(al.a_copied, 1.0);
            prop_assert_eq!(al.b_copied, 1.0);
            prop_assert!(al.only_in_a.is_empty());
        }
    }

    #[test]
    fn alignment_is_symmetric(paras in article_text(), edits in proptest::collection::vec((0usize..1000, 0usize..3), 0..12), cut in 0usize..8) {
        let a = paras.join("\n\n");
        // b: a copy with words dropped, replaced and paragraphs trimmed and reordered.
        let mut words: Vec<String> = paras.iter().skip(cut % paras.len()).cloned().chain(paras.iter().take(cut % paras.len()).cloned()).collect::<Vec<_>>().join("\n\n").split(' ').map(str::to_string).collect();
        for (at, kind) in edits {
            if words.is_empty() { break; }
            let i = at % words.len();
            match kind { 0 => { words.remove(i); } 1 => words[i] = "changed".into(), _ => words.insert(i, "inserted".into()) }
        }
        let b = words.join(" ");
        let ab = align_texts(&a, &b, AlignParams::default());
        let ba = align_texts(&b, &a, AlignParams::default());
        prop_assert_eq!(&ab, &ba.clone().swapped());
        for p in &ab.passages {
            let sa: String = a.chars().skip(p.a_start).take(p.a_end - p.a_start).collect();
            let sb: String = b.chars().skip(p.b_start).take(p.b_end - p.b_start).collect();
            prop_assert_eq!(&sa, &p.a_text);
            prop_assert_eq!(&sb, &p.b_text);
        }
    }

    /// Attribution never panics, and every quote's offsets point at its words in the body.
    #[test]
    fn attribution_offsets_point_at_the_quotes(paras in quoted_text()) {
        let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds/003_d225d385e17e94e7.txt");
        let mut article = wiretrace::engine::read_one(&seed, &wiretrace::Config::default()).unwrap();
        article.body = paras.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
        article.published = Some("2020-07-02".into());
        let body = article.body_text();
        let found = wiretrace::attribution::attribute(&article, None);
        for q in &found.quotes {
            let at: String = body.chars().skip(q.start).take(q.end - q.start).collect();
            prop_assert_eq!(hashes(&at), hashes(&q.text));
        }
        for d in &found.dates {
            let at: String = body.chars().skip(d.start).take(d.end - d.start).collect();
            prop_assert_eq!(&at, &d.text);
        }
    }
}
