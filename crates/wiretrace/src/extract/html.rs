//! HTML pages. The main content comes from rs-trafilatura (chosen over dom_smoothie and
//! trafilatura on the numbers in `docs/benchmarks.md`); its lines then go through the same
//! debris rules as scraped text. Metadata is read here, field by field, from JSON-LD, then
//! meta and Open Graph tags, then `<time>` and the text, then the URL, each saying its source.

use std::sync::LazyLock;

use dom_query::Document;
use regex::Regex;
use serde_json::Value;

use super::patterns::{self, word_count};
use super::scraped::add_credit as add;
use super::{date, empty_article, Article, Reason, Removed};
use crate::text::{fold, squeeze_whitespace};

/// The metadata of a page, each value with where it came from.
#[derive(Debug, Default)]
struct PageMeta {
    title: Option<(String, String)>,
    published: Option<(String, String)>,
    modified: Option<(String, String)>,
    authors: Option<(Vec<String>, String)>,
    publisher: Option<(String, String)>,
    language: Option<(String, String)>,
    canonical: Option<(String, String)>,
}

/// Clean one HTML page. `url` is the page's address when known (declared, or from a WARC record).
pub fn clean(html: &str, url: Option<&str>) -> Article {
    let mut article = empty_article();
    let html = &*without_inert(html);
    // One parse serves the metadata and then dom_smoothie (which rewrites the tree as it reads).
    let doc = Document::from(html);
    let mut meta = read_meta(&doc, url);

    let page_url = url.filter(|u| u.starts_with("http"));
    let second = dom_smoothie::Readability::with_document(doc, page_url, None)
        .or_else(|_| dom_smoothie::Readability::new(html, None, None))
        .and_then(|mut r| r.parse())
        .ok();
    let second_text = second
        .as_ref()
        .map(|a| a.text_content.to_string())
        .unwrap_or_default();
    let theirs = word_count(&second_text);
    // rs-trafilatura's page-type classifier took over a quarter of the time per page (perf,
    // scrapinghub-aeb), and a news page is an article; it is asked for only when the article
    // reading misses or overruns what dom_smoothie found, where a forum or listing layout is
    // the likely cause.
    let mut main = read_main(
        html,
        url,
        Some(rs_trafilatura::page_type::PageType::Article),
    );
    let mut lines = main_lines(main.as_ref());
    let mut second_wins = second_is_the_article(body_words(&lines), lines.len(), theirs);
    if second_wins.is_some() {
        main = read_main(html, url, None);
        lines = main_lines(main.as_ref());
        second_wins = second_is_the_article(body_words(&lines), lines.len(), theirs);
    }
    let comments = main
        .as_ref()
        .and_then(|r| r.comments_text.clone())
        .unwrap_or_default();
    article.comments = comments
        .split("\n\n")
        .map(squeeze_whitespace)
        .filter(|c| !c.is_empty())
        .collect();
    let second_lines = || -> Vec<String> {
        second_text
            .lines()
            .map(squeeze_whitespace)
            .filter(|l| !l.is_empty())
            .collect()
    };
    let (lines, outside) = match second_wins {
        Some(from) => {
            article.fields_from.insert("body".into(), from.into());
            (second_lines(), Vec::new())
        }
        None => {
            let (kept, outside) = trim_to_agreement(lines, &second_text);
            if second_agrees_on_a_fragment(body_words(&kept), theirs) {
                article.fields_from.insert(
                    "body".into(),
                    "dom_smoothie (the extractors agreed on under half its words)".into(),
                );
                (second_lines(), kept.into_iter().chain(outside).collect())
            } else {
                (kept, outside)
            }
        }
    };
    article
        .removed
        .extend(outside.into_iter().map(|text| Removed {
            text,
            reason: Reason::Boilerplate,
        }));
    // The extractors' own date finders go after the page's declared dates and the URL.
    if meta.published.is_none() {
        let theirs = main
            .as_ref()
            .and_then(|r| r.metadata.date)
            .map(|d| {
                (
                    d.date_naive().to_string(),
                    "rs-trafilatura date finder".to_string(),
                )
            })
            .or_else(|| {
                second
                    .as_ref()
                    .and_then(|a| a.published_time.as_deref())
                    .and_then(date::parse_declared)
                    .map(|d| (d.to_string(), "Readability metadata".to_string()))
            });
        if theirs.is_some() {
            meta.published = theirs;
        }
    }

    let mut credits: Vec<String> = Vec::new();
    let title_key = meta.title.as_ref().map(|(t, _)| fold(t));
    let mut seen = std::collections::HashSet::new();
    // Several "N comments" lines are the counts of an index page's items, not one section.
    let comment_counts = lines
        .iter()
        .filter(|l| patterns::is_comment_count(l))
        .count();
    let comment_bylines = lines
        .iter()
        .filter(|l| patterns::is_comment_byline(l))
        .count();
    // Comment time stamps: three or more of one shape, and each but the last two has two later
    // ones like it.
    let mut stamp_again = vec![false; lines.len()];
    let mut later: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, line) in lines.iter().enumerate().rev() {
        if let Some(shape) = patterns::comment_stamp_shape(line) {
            let seen = later.entry(shape).or_default();
            stamp_again[i] = *seen >= 2;
            *seen += 1;
        }
    }
    // Per line, the longest line after it and the words after it.
    let (mut longest_after, mut words_after) = (vec![0; lines.len()], vec![0; lines.len()]);
    for i in (0..lines.len().saturating_sub(1)).rev() {
        let next = word_count(&lines[i + 1]);
        longest_after[i] = longest_after[i + 1].max(next);
        words_after[i] = words_after[i + 1] + next;
    }
    let mut body_words = 0;
    let mut longest_paragraph = 0;
    let mut in_related = false;
    let mut in_comments = false;
    let mut section_comments: Vec<String> = Vec::new();
    for (i, mut line) in lines.into_iter().enumerate() {
        // A run-on line (the page's text in a few long lines) holding a comment heading: the
        // body ends where it starts.
        if !in_comments && word_count(&line) > RUN_ON_WORDS {
            if let Some(at) = patterns::comment_heading_within(&line) {
                if body_words + word_count(&line[..at]) >= COMMENTS_AFTER_WORDS {
                    let rest = line.split_off(at);
                    in_comments = true;
                    section_comments.push(rest.clone());
                    article.removed.push(Removed {
                        text: rest,
                        reason: Reason::Comment,
                    });
                    line = line.trim_end().to_string();
                    if line.is_empty() {
                        continue;
                    }
                    body_words += word_count(&line);
                    article.body.push(line);
                    continue;
                }
            }
        }
        let key = fold(&line);
        // A comment section the extractor left in the text: its heading ("12 comments", not a
        // "Leave a comment" button), once the article has begun, ends the body; the lines
        // after it are comments.
        if in_comments {
            let reason = if patterns::is_comment_section(&line) || patterns::is_prompt(&line) {
                Reason::CommentSection
            } else {
                section_comments.push(line.clone());
                Reason::Comment
            };
            article.removed.push(Removed { text: line, reason });
            continue;
        }
        if body_words >= COMMENTS_AFTER_WORDS
            && (comment_bylines >= 2 && patterns::is_comment_byline(&line) || stamp_again[i])
        {
            in_comments = true;
            section_comments.push(line.clone());
            article.removed.push(Removed {
                text: line,
                reason: Reason::Comment,
            });
            continue;
        }
        // A list of other articles' headlines under its heading, at the end of the article:
        // the lines after it are all short, the article's paragraphs are not, and they are
        // fewer words than the article before it (a box inside the article, or hard-wrapped
        // text, goes on with more).
        if in_related
            || body_words >= COMMENTS_AFTER_WORDS
                && longest_after[i] <= RELATED_ITEM_WORDS
                && longest_paragraph > RELATED_ITEM_WORDS
                && words_after[i] < body_words
                && patterns::opens_related_list(&line)
        {
            in_related = true;
            article.removed.push(Removed {
                text: line,
                reason: Reason::Sidebar,
            });
            continue;
        }
        if patterns::is_comment_section(&line) {
            in_comments = body_words >= COMMENTS_AFTER_WORDS
                && patterns::opens_comment_section(&line)
                && comment_counts <= 1;
            article.removed.push(Removed {
                text: line,
                reason: Reason::CommentSection,
            });
            continue;
        }
        let reason = if i < 3 && title_key.as_deref() == Some(key.as_str()) {
            Some(Reason::Headline)
        } else if !seen.insert(key) && word_count(&line) >= 8 {
            Some(Reason::Duplicate)
        } else if i < 3 && take_credit(&line, &mut credits) {
            Some(Reason::CreditLine)
        } else if patterns::is_prompt(&line) {
            Some(Reason::Prompt)
        } else if patterns::is_tagged_teaser(&line) {
            Some(Reason::Sidebar)
        } else if word_count(&line) <= 12 && patterns::stamp(&line).is_some() {
            Some(Reason::DateStamp)
        } else {
            None
        };
        match reason {
            Some(reason) => article.removed.push(Removed { text: line, reason }),
            None => {
                body_words += word_count(&line);
                longest_paragraph = longest_paragraph.max(word_count(&line));
                article.body.push(line);
            }
        }
    }
    if article.comments.is_empty() {
        article.comments = section_comments;
    }
    // The credit and contact lines that close the report leave the body; their agencies are
    // credited below with the body's own last lines.
    let mut closing: Vec<String> = patterns::closing_credits(&article.body)
        .into_iter()
        .rev()
        .map(|i| article.body.remove(i))
        .collect();
    closing.reverse();
    if let Some(first) = article.body.first_mut() {
        if let Some(d) = super::scraped::split_dateline(first) {
            *first = d.rest;
            article.dateline = Some(d.place);
            article
                .fields_from
                .insert("dateline".into(), "body opening".into());
            if let Some(a) = d.agency.as_deref().and_then(patterns::agency) {
                add(&mut credits, a);
            }
        }
    }

    if meta.published.is_none() {
        // A date printed near the top of the article ("Published September 4, 2025").
        let stamps = article
            .removed
            .iter()
            .filter(|r| r.reason == Reason::DateStamp)
            .map(|r| r.text.as_str());
        let opening = article
            .body
            .iter()
            .take(2)
            .map(String::as_str)
            .filter(|l| word_count(l) <= 25);
        meta.published = stamps
            .chain(opening)
            .find_map(date::find_date)
            .map(|d| (d.date.to_string(), "date printed near the top".to_string()));
    }
    let mut take = |field: &str, value: Option<(String, String)>| {
        value.map(|(v, from)| {
            article.fields_from.insert(field.into(), from);
            v
        })
    };
    article.title = take("title", meta.title);
    article.published = take("published", meta.published);
    article.modified = take("modified", meta.modified);
    article.source = take("source", meta.publisher);
    article.language = take("language", meta.language);
    article.canonical_url = take("canonical_url", meta.canonical);
    if let Some((names, from)) = meta.authors {
        article.fields_from.insert("authors".into(), from);
        for n in names {
            // An agency named as author is a credit, not a person.
            match patterns::agency(&n) {
                Some(a) => add(&mut credits, a),
                None => article.authors.push(n),
            }
        }
        for n in &article.authors {
            add(&mut credits, n);
        }
    }
    // Agencies credited in the text's last lines ("Reporting by ...; editing by ...", "(AFP)").
    for line in article.body.iter().rev().take(3).chain(&closing) {
        for a in patterns::agencies_in(line) {
            if line.len() < 200 {
                add(&mut credits, a);
            }
        }
    }
    article
        .removed
        .extend(closing.into_iter().map(|text| Removed {
            text,
            reason: Reason::CreditLine,
        }));
    if !credits.is_empty() {
        article
            .fields_from
            .entry("credits".into())
            .or_insert_with(|| "byline, credit lines and dateline".into());
    }
    article.credits = credits;
    article
}

/// Body words a page must have shown before a comment-section heading ends its body; before
/// that, such a heading is a link near the headline ("Have your say") and only it is dropped.
const COMMENTS_AFTER_WORDS: usize = 40;

/// A line this long after a related-articles heading is article text, not a teaser.
const RELATED_ITEM_WORDS: usize = 40;

/// rs-trafilatura's reading of the page, comments included (they are kept apart, not dropped);
/// `page_type` set skips its page classifier.
fn read_main(
    html: &str,
    url: Option<&str>,
    page_type: Option<rs_trafilatura::page_type::PageType>,
) -> Option<rs_trafilatura::ExtractResult> {
    let options = rs_trafilatura::Options {
        url: url.map(str::to_string),
        include_comments: true,
        page_type,
        ..rs_trafilatura::Options::default()
    };
    rs_trafilatura::extract_with_options(html, &options).ok()
}

/// The main extractor's text as non-empty lines.
fn main_lines(main: Option<&rs_trafilatura::ExtractResult>) -> Vec<String> {
    main.map(|r| {
        r.content_text
            .lines()
            .map(squeeze_whitespace)
            .filter(|l| !l.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// Words in all of `lines`.
fn body_words(lines: &[String]) -> usize {
    lines.iter().map(|l| word_count(l)).sum()
}

/// A line this long is a page's text run together, not a paragraph.
const RUN_ON_WORDS: usize = 150;

/// Smallest share of the main extractor's words that the second one must find before its
/// opinion counts: below it, the second extractor has simply missed the article.
const AGREEMENT_MIN_SHARE: f64 = 0.2;
/// Share of a line's word triples the second extractor must also hold for the line to agree.
const AGREEMENT_LINE_SHARE: f64 = 0.5;

/// Keep the span of lines from the first to the last that a second, independent extractor
/// (dom_smoothie, a Readability port) also finds. rs-trafilatura keeps the article whole but
/// often runs on into sidebars, tag lists and link lists; Readability stops at the article's
/// container. Lines outside the agreed span are returned apart. On scrapinghub-aeb this
/// raised shingle F1 from 0.957 to 0.969 (docs/benchmarks.md).
fn trim_to_agreement(lines: Vec<String>, second: &str) -> (Vec<String>, Vec<String>) {
    let triples = |text: &str| -> Vec<u64> {
        let t = crate::text::tokenize(text);
        t.windows(3)
            .map(|w| w[0].hash.rotate_left(1) ^ w[1].hash.rotate_left(17) ^ w[2].hash)
            .collect()
    };
    let theirs: std::collections::HashSet<u64> = triples(second).into_iter().collect();
    let ours = body_words(&lines);
    if theirs.is_empty() || (word_count(second) as f64) < AGREEMENT_MIN_SHARE * ours as f64 {
        return (lines, Vec::new());
    }
    let agrees: Vec<bool> = lines
        .iter()
        .map(|l| {
            let t = triples(l);
            !t.is_empty()
                && t.iter().filter(|h| theirs.contains(h)).count() as f64
                    >= AGREEMENT_LINE_SHARE * t.len() as f64
        })
        .collect();
    let (Some(first), Some(last)) = (
        agrees.iter().position(|&a| a),
        agrees.iter().rposition(|&a| a),
    ) else {
        return (lines, Vec::new());
    };
    let mut outside = Vec::new();
    let mut kept = Vec::new();
    for (i, l) in lines.into_iter().enumerate() {
        if (first..=last).contains(&i) {
            kept.push(l);
        } else {
            outside.push(l);
        }
    }
    (kept, outside)
}

/// When the second extractor finds at least this many words and the main one under this share
/// of them, the main one has missed the article and the second one's text is the body. Chosen
/// on wcxb, l3s-gn1 and scrapinghub-aeb together (docs/benchmarks.md): the same results for
/// shares from 0.4 to 0.6.
const SECOND_MIN_WORDS: usize = 100;
const MAIN_MIN_SHARE: f64 = 0.5;
/// The main extractor has run over the page when it gives more than this many times the second
/// one's words in lines averaging more than `RUN_ON_LINE_WORDS` words (table layouts whose cells
/// come out as a few run-on lines). Without the line condition the rule cost wcxb 0.01; with it,
/// for averages from 40 to 100 words, wcxb moves by under 0.002 and l3s-gn1 gains 0.03 to 0.04.
const MAIN_MAX_RATIO: f64 = 2.0;
const RUN_ON_LINE_WORDS: f64 = 60.0;

/// Whether the second extractor's text is the article, given the main one's words and lines and
/// the second one's words; the answer says why, for `fields_from`.
fn second_is_the_article(ours: usize, our_lines: usize, theirs: usize) -> Option<&'static str> {
    let (ours, our_lines, theirs) = (ours as f64, our_lines as f64, theirs as f64);
    if theirs < SECOND_MIN_WORDS as f64 {
        None
    } else if ours < MAIN_MIN_SHARE * theirs {
        // The main extractor kept a fragment (a teaser, a caption) and missed the article.
        Some("dom_smoothie (rs-trafilatura found under half its words)")
    } else if ours > MAIN_MAX_RATIO * theirs && ours > RUN_ON_LINE_WORDS * our_lines {
        // It ran over the page: a layout of table cells read as a few run-on lines.
        Some("dom_smoothie (rs-trafilatura ran over the page in run-on lines)")
    } else {
        None
    }
}

/// Whether the span both extractors agree on is a fragment of the second one's article: the main
/// extractor read another block of the page (testimonials, a gallery), and the agreed span is
/// only where the two overlap. On wcxb this moved word F1 0.9488 → 0.9499 and l3s-gn1 body F1
/// 0.9047 → 0.9062, scrapinghub-aeb unchanged; with 0.7 in place of `MAIN_MIN_SHARE`,
/// scrapinghub-aeb fell to 0.9731 and l3s-gn1 comments kept out to 0.945.
fn second_agrees_on_a_fragment(agreed: usize, theirs: usize) -> bool {
    theirs >= SECOND_MIN_WORDS && (agreed as f64) < MAIN_MIN_SHARE * theirs as f64
}

/// A short credit line near the top ("By Jane Doe", "AFP"): its names are kept as credits.
fn take_credit(line: &str, credits: &mut Vec<String>) -> bool {
    if word_count(line) > 12 {
        return false;
    }
    match patterns::credit_line(line) {
        Some(names) => {
            for n in &names {
                add(credits, n);
            }
            true
        }
        None => false,
    }
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:[/._+-]|$)")
        .unwrap()
});

fn read_meta(doc: &Document, url: Option<&str>) -> PageMeta {
    let mut m = PageMeta::default();
    let ld = json_ld(doc);
    let tags = meta_tags(doc);
    let tag = |names: &[&str]| -> Option<(String, String)> {
        names.iter().find_map(|n| {
            tags.iter()
                .find(|(k, v)| k == n && !v.trim().is_empty())
                .map(|(k, v)| (squeeze_whitespace(v), format!("meta {k}")))
        })
    };
    let iso = |v: (String, String)| date::parse_declared(&v.0).map(|d| (d.to_string(), v.1));

    // Title.
    m.title = ld
        .as_ref()
        .and_then(|a| str_field(a, &["headline", "name"]))
        .map(|t| (t, "JSON-LD headline".to_string()))
        .or_else(|| tag(&["og:title", "twitter:title", "dc.title", "headline"]))
        .or_else(|| text_of(doc, "h1").map(|t| (t, "first <h1>".to_string())))
        .or_else(|| text_of(doc, "title").map(|t| (t, "<title>".to_string())));

    // Dates.
    let declared = |v: &(String, String)| date::parse_declared(&v.0).is_some();
    let url_date = url
        .and_then(|u| URL_DATE.captures(u))
        .and_then(|c| date::parse_declared(&format!("{}-{}-{}", &c[1], &c[2], &c[3])));
    m.published = ld
        .as_ref()
        .and_then(|a| str_field(a, &["datePublished", "dateCreated"]))
        .map(|d| (d, "JSON-LD datePublished".to_string()))
        .filter(declared)
        .or_else(|| {
            tag(&[
                "article:published_time",
                "og:published_time",
                "datepublished",
                "publishdate",
                "publish-date",
                "pubdate",
                "parsely-pub-date",
                "sailthru.date",
                "dc.date.issued",
                "dc.date",
                "dcterms.created",
                "date",
                "article.published",
                "cxenseparse:recs:publishtime",
            ])
            .filter(declared)
        })
        .or_else(|| {
            // Sites name their own tags ("w-published-date", "published").
            tags.iter()
                .filter(|(k, _)| k.contains("publish") && !k.contains("publisher"))
                .map(|(k, v)| (squeeze_whitespace(v), format!("meta {k}")))
                .find(declared)
        })
        .or_else(|| time_element(doc).filter(declared))
        .and_then(|(raw, from)| {
            let date = date::parse_declared(&raw)?;
            Some(match url_date {
                // A UTC timestamp a day after the date in the address is the evening of that
                // day where the publisher is ("2025-03-05T02:10Z" on "/2025/03/04/").
                Some(u) if is_utc(&raw) && date.pred_opt() == Some(u) => (
                    u.to_string(),
                    format!("URL (the {from} is a UTC time a day later)"),
                ),
                _ => (date.to_string(), from),
            })
        })
        .or_else(|| url_date.map(|d| (d.to_string(), "URL".into())));
    let printed = if m.published.is_none() {
        printed_dates(doc, m.title.as_ref().map(|(t, _)| t.as_str()))
    } else {
        PrintedDates::default()
    };
    if m.published.is_none() {
        m.published = printed.published;
    }
    m.modified = ld
        .as_ref()
        .and_then(|a| str_field(a, &["dateModified"]))
        .and_then(|d| iso((d, "JSON-LD dateModified".into())))
        .or_else(|| {
            tag(&[
                "article:modified_time",
                "og:updated_time",
                "datemodified",
                "last-modified",
            ])
            .and_then(iso)
        })
        .or(printed.modified);

    // People and publisher.
    m.authors = ld
        .as_ref()
        .and_then(|a| a.get("author"))
        .map(names_of)
        .filter(|n| !n.is_empty())
        .map(|n| (n, "JSON-LD author".to_string()))
        .or_else(|| {
            tag(&[
                "author",
                "article:author",
                "dc.creator",
                "parsely-author",
                "sailthru.author",
                "byl",
            ])
            .filter(|(v, _)| !v.starts_with("http"))
            .map(|(v, from)| (split_names(&v), from))
        })
        .or_else(|| {
            ["[rel=author]", "[itemprop=author]", ".byline", ".author"]
                .iter()
                .find_map(|sel| {
                    text_of(doc, sel)
                        .filter(|t| word_count(t) <= 8)
                        .map(|t| (split_names(&t), format!("element {sel}")))
                })
        })
        .filter(|(n, _)| !n.is_empty());
    m.publisher = ld
        .as_ref()
        .and_then(|a| a.get("publisher"))
        .map(names_of)
        .and_then(|n| n.into_iter().next())
        .map(|p| (p, "JSON-LD publisher".to_string()))
        .or_else(|| {
            tag(&[
                "og:site_name",
                "application-name",
                "publisher",
                "dc.publisher",
            ])
        });

    // Language and address.
    m.language = ld
        .as_ref()
        .and_then(|a| str_field(a, &["inLanguage"]))
        .map(|l| (l, "JSON-LD inLanguage".to_string()))
        .or_else(|| {
            doc.select("html")
                .attr("lang")
                .map(|l| l.to_string())
                .filter(|l| !l.trim().is_empty())
                .map(|l| (l, "<html lang>".into()))
        })
        .or_else(|| tag(&["og:locale", "content-language", "language", "dc.language"]))
        .map(|(l, from)| (l.trim().replace('_', "-"), from));
    m.canonical = doc
        .select("link[rel=canonical]")
        .attr("href")
        .map(|h| h.to_string())
        .filter(|h| h.starts_with("http"))
        .map(|h| (h, "link rel=canonical".to_string()))
        .or_else(|| tag(&["og:url"]));
    m
}

/// Every `<meta>` tag as (lowercased name, property or itemprop; content).
fn meta_tags(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for node in doc.select("meta").nodes() {
        let key = node
            .attr("property")
            .or_else(|| node.attr("name"))
            .or_else(|| node.attr("itemprop"))
            .or_else(|| node.attr("http-equiv"));
        let value = node.attr("content").or_else(|| node.attr("datetime"));
        if let (Some(k), Some(v)) = (key, value) {
            out.push((k.to_lowercase(), v.to_string()));
        }
    }
    out
}

fn text_of(doc: &Document, selector: &str) -> Option<String> {
    let sel = doc.select(selector);
    let node = sel.nodes().first()?;
    Some(squeeze_whitespace(&node.text())).filter(|t| !t.is_empty())
}

/// The publication date of a `<time>` element: one marked as published first, else the first.
fn time_element(doc: &Document) -> Option<(String, String)> {
    for (sel, from) in [
        ("time[pubdate]", "<time pubdate>"),
        ("[itemprop=datePublished]", "itemprop datePublished"),
        ("time[datetime]", "first <time>"),
    ] {
        for node in doc.select(sel).nodes() {
            let v = node
                .attr("datetime")
                .or_else(|| node.attr("content"))
                .map(|v| v.to_string())
                .unwrap_or_else(|| node.text().to_string());
            if !v.trim().is_empty() {
                return Some((v, from.to_string()));
            }
        }
    }
    None
}

/// Whether a declared timestamp is in UTC ("…T02:10:00Z", "…+00:00").
fn is_utc(value: &str) -> bool {
    let v = value.trim();
    v.contains('T') && (v.ends_with('Z') || v.ends_with("+00:00") || v.ends_with("+0000"))
}

/// Text nodes further than this from the headline are not its date line.
const DATE_AFTER_HEADLINE: usize = 40;
const DATE_BEFORE_HEADLINE: usize = 12;

/// Texts of up to this many words before a date may be its label; a sentence is not.
const LABEL_WORDS: usize = 4;

/// Dates printed on the page, for pages that declare none.
#[derive(Debug, Default, PartialEq)]
struct PrintedDates {
    published: Option<(String, String)>,
    modified: Option<(String, String)>,
}

static UPDATED_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:updated|modified|revised|reviewed|edited)\b").unwrap());
static PUBLISHED_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:published|posted)\b").unwrap());

/// A short text that holds a date, where it sits among the page's text nodes, and whether it
/// is labelled as an update ("Last updated on").
struct DateText {
    at: usize,
    date: chrono::NaiveDate,
    updated: bool,
    /// In an element named as a date, with a "Published" or "Posted" label.
    labelled_date_element: bool,
}

/// Whether an element's class or id names a date ("post-date", "c-meta__date", "published")
/// and not an update.
fn names_a_date(node: &dom_query::NodeRef) -> bool {
    let mut names = node
        .attr("class")
        .map(|c| c.to_lowercase())
        .unwrap_or_default();
    if let Some(id) = node.attr("id") {
        names.push(' ');
        names.push_str(&id.to_lowercase());
    }
    (names.contains("date") || names.contains("publish") || names.contains("posted"))
        && !names.contains("updat")
        && !names.contains("modif")
}

/// The dates printed beside the headline: the usual "December 4, 2025 · 5 min read" line under
/// the heading that carries the title (an `<h1>` before an `<h2>` or `<h3>`; else the first
/// `<h1>`), else one shortly before it (a kicker),
/// else the first labelled one ("Posted on …") in an element named as a date; lists of other
/// posts also print dates in such elements, so an unlabelled one far from the headline is not
/// taken. A date labelled "Updated" is the modification date, not the publication date.
fn printed_dates(doc: &Document, title: Option<&str>) -> PrintedDates {
    let title = title.map(fold);
    let mut first_headline = None;
    let mut title_headline = None;
    let mut dated: Vec<DateText> = Vec::new();
    // The two texts before each one when they are short enough to be a label ("Last updated",
    // "on"); `None` stands for a longer text, which ends the label.
    let mut previous: [Option<String>; 2] = [None, None];
    let mut at = 0usize;
    for node in doc.root().descendants_it() {
        if node.is_element() {
            let heading = node.node_name().and_then(|n| match &*n {
                "h1" => Some(0),
                "h2" | "h3" => Some(1),
                _ => None,
            });
            if let Some(level) = heading {
                if level == 0 {
                    first_headline.get_or_insert(at);
                }
                let h = fold(&squeeze_whitespace(&node.text()));
                let carries_title = !h.is_empty()
                    && title
                        .as_deref()
                        .is_some_and(|t| t.contains(&h) || h.contains(t));
                if carries_title && title_headline.is_none_or(|(l, _)| level < l) {
                    title_headline = Some((level, at));
                }
            }
            continue;
        }
        if !node.is_text() {
            continue;
        }
        let parent = node.parent();
        let inside_code = parent
            .as_ref()
            .and_then(|p| p.node_name())
            .is_some_and(|n| {
                matches!(
                    &*n,
                    "script" | "style" | "noscript" | "template" | "title" | "textarea" | "option"
                )
            });
        let text = node.text();
        if inside_code || text.trim().is_empty() {
            continue;
        }
        at += 1;
        if text.len() <= 120 && text.bytes().any(|b| b.is_ascii_digit()) && word_count(&text) <= 12
        {
            if let Some(found) = date::find_stamp_date(&text) {
                let mut label = text[..found.start].to_string();
                for p in previous.iter().rev() {
                    let Some(p) = p else { break };
                    label.insert_str(0, &format!("{p} "));
                }
                let in_date_element = parent
                    .iter()
                    .any(|p| names_a_date(p) || p.parent().is_some_and(|g| names_a_date(&g)));
                dated.push(DateText {
                    at,
                    date: found.date,
                    updated: UPDATED_LABEL.is_match(&label),
                    labelled_date_element: in_date_element
                        && (PUBLISHED_LABEL.is_match(&label) || UPDATED_LABEL.is_match(&label)),
                });
            }
        }
        previous = [
            previous[1].take(),
            (word_count(&text) <= LABEL_WORDS).then(|| text.to_string()),
        ];
    }
    let pick = |updated: bool| -> Option<(String, String)> {
        let of = |d: &DateText| d.updated == updated;
        // The nearest date line wins; one above the headline counts as three times as far, and
        // loses a tie, since the usual place is under it.
        let near = title_headline
            .map(|(_, at)| at)
            .or(first_headline)
            .and_then(|h| {
                dated
                    .iter()
                    .filter(|d| of(d))
                    .filter_map(|d| {
                        if d.at > h && d.at - h <= DATE_AFTER_HEADLINE {
                            Some((d.at - h, 0, d.date, "date printed under the headline"))
                        } else if d.at <= h && h - d.at < DATE_BEFORE_HEADLINE {
                            Some((
                                3 * (h - d.at + 1),
                                1,
                                d.date,
                                "date printed above the headline",
                            ))
                        } else {
                            None
                        }
                    })
                    .min_by_key(|&(distance, above, _, _)| (distance, above))
                    .map(|(_, _, date, from)| (date, from))
            });
        near.or_else(|| {
            dated
                .iter()
                .find(|d| of(d) && d.labelled_date_element)
                .map(|d| (d.date, "date printed in a date element"))
        })
        .map(|(d, from)| (d.to_string(), from.to_string()))
    };
    PrintedDates {
        published: pick(false),
        modified: pick(true),
    }
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BlogPosting",
    "OpinionNewsArticle",
    "Report",
    "LiveBlogPosting",
];

/// The page without its scripts (JSON-LD kept), style sheets and comments. They are over half
/// of a news page's bytes (55% on scrapinghub-aeb) and hold no text a reader sees, yet the page
/// is parsed three times (dom_smoothie once, rs-trafilatura twice, its second parse of its own
/// serialised copy), so each parse reads them again. A script or comment left open runs to the
/// end of the page, as a browser reads it, so it is kept.
fn without_inert(html: &str) -> std::borrow::Cow<'_, str> {
    fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
            .map(|i| from + i)
    }
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0; // bytes of `html` before this are in `out` or dropped
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'<') {
        let open = at + offset;
        let rest = &bytes[open..];
        let end = if rest.starts_with(b"<!--") {
            find_ci(bytes, open + 4, b"-->").map(|e| e + 3)
        } else {
            let name = [b"script".as_slice(), b"style"].into_iter().find(|name| {
                rest.len() > name.len() + 1
                    && rest[1..=name.len()].eq_ignore_ascii_case(name)
                    && matches!(
                        rest[name.len() + 1],
                        b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'
                    )
            });
            name.and_then(|name| {
                let tag_end = open + rest.iter().position(|&b| b == b'>')?;
                if find_ci(&bytes[..tag_end], open, b"ld+json").is_some() {
                    return None;
                }
                let mut close = b"</".to_vec();
                close.extend_from_slice(name);
                let closing = find_ci(bytes, tag_end + 1, &close)?;
                Some(closing + bytes[closing..].iter().position(|&b| b == b'>')? + 1)
            })
        };
        match end {
            Some(end) => {
                out.push_str(&html[copied..open]);
                copied = end;
                at = end;
            }
            None if rest.starts_with(b"<!--") => break,
            None => at = open + 1,
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    std::borrow::Cow::Owned(out)
}

/// The page's article object from its JSON-LD scripts (searching `@graph` and arrays).
fn json_ld(doc: &Document) -> Option<Value> {
    let mut objects = Vec::new();
    for node in doc.select(r#"script[type="application/ld+json"]"#).nodes() {
        let text = node.text();
        let text = text
            .trim()
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>")
            .trim()
            .trim_end_matches(';');
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            flatten(v, &mut objects, 0);
        }
    }
    let is = |o: &Value, types: &[&str]| match o.get("@type") {
        Some(Value::String(t)) => types.contains(&t.as_str()),
        Some(Value::Array(ts)) => ts
            .iter()
            .any(|t| t.as_str().is_some_and(|t| types.contains(&t))),
        _ => false,
    };
    let pos = objects
        .iter()
        .position(|o| is(o, ARTICLE_TYPES))
        .or_else(|| objects.iter().position(|o| is(o, &["WebPage"])))?;
    Some(objects.swap_remove(pos))
}

fn flatten(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(items) => items.into_iter().for_each(|i| flatten(i, out, depth + 1)),
        Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                flatten(graph, out, depth + 1);
            }
            out.push(Value::Object(map));
        }
        _ => {}
    }
}

fn str_field(o: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match o.get(*k)? {
        Value::String(s) if !s.trim().is_empty() => Some(squeeze_whitespace(&html_unescape(s))),
        Value::Array(a) => a
            .iter()
            .find_map(|v| v.as_str().map(|s| squeeze_whitespace(&html_unescape(s)))),
        _ => None,
    })
}

/// Names from a JSON-LD person/organisation value: a string, an object with `name`, or a list.
fn names_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => split_names(&html_unescape(s)),
        Value::Object(o) => o.get("name").map(names_of).unwrap_or_default(),
        Value::Array(a) => {
            let mut out = Vec::new();
            for n in a.iter().flat_map(names_of) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// "By Jane Doe and John Roe" → ["Jane Doe", "John Roe"].
fn split_names(s: &str) -> Vec<String> {
    static SEP: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\s*(?:,|;|\band\b|&|\|)\s*").unwrap());
    static BY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^\s*(?:written\s+)?by[:\s]+").unwrap());
    let s = BY.replace(s.trim(), "");
    SEP.split(&s)
        .map(squeeze_whitespace)
        .filter(|n| !n.is_empty() && word_count(n) <= 6 && !n.starts_with("http"))
        .collect()
}

fn html_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#039;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_styles_and_comments_leave_the_page_but_json_ld_and_text_stay() {
        let page = r#"<head><SCRIPT src="a.js"></script><style>p{color:red}</STYLE >
            <script type="application/ld+json">{"headline":"Kept"}</script>
            <script>var s = "<!-- not a comment --> </p>";</script></head>
            <body><!-- a comment with <script> in it --><p>The <styled>text</styled> stays.</p>
            <scripted>a custom element</scripted></body>"#;
        let out = without_inert(page);
        assert!(!out.contains("a.js") && !out.contains("color:red") && !out.contains("var s"));
        assert!(!out.contains("a comment"));
        assert!(out.contains(r#"{"headline":"Kept"}"#));
        assert!(out.contains("<p>The <styled>text</styled> stays.</p>"));
        assert!(out.contains("<scripted>a custom element</scripted>"));
    }

    #[test]
    fn a_script_or_comment_left_open_is_kept_to_the_end() {
        let open_script = "<p>Before</p><script>var a = 1; <p>After</p>";
        assert_eq!(without_inert(open_script), open_script);
        let open_comment = "<p>Before</p><!-- never closed <p>After</p>";
        assert_eq!(without_inert(open_comment), open_comment);
        let plain = "<p>Nothing to drop, \u{e9}t\u{e9}</p>";
        assert!(matches!(
            without_inert(plain),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    const PAGE: &str = r#"<!doctype html><html lang="en"><head>
        <title>Taliban keep ties | Example News</title>
        <meta property="og:site_name" content="Example News">
        <meta property="article:modified_time" content="2020-07-03T08:00:00Z">
        <link rel="canonical" href="https://news.example/2020/07/02/taliban-ties">
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Example"},
          {"@type":"NewsArticle","headline":"Taliban keep ties to Al Qaeda affiliate","datePublished":"2020-07-02T10:00:00+05:00",
           "author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Organization","name":"AFP"}]}]}</script>
        </head><body>
        <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
        <article><h1>Taliban keep ties to Al Qaeda affiliate</h1>
        <p>WASHINGTON: Al Qaeda's regional affiliate in Afghanistan maintains close ties to the Taliban and has an enduring interest in attacking US and foreign troops, the Pentagon said on Wednesday in a report to Congress.</p>
        <p>The assessment comes months after the Taliban signed a deal with Washington in which the insurgents agreed to stop Al Qaeda from using Afghanistan as a safe haven to plot attacks.</p>
        <p>AQIS routinely supports and works with low-level Taliban members in its efforts to undermine the Afghan government, the report said, adding that core members are focused mainly on survival.</p>
        </article>
        <aside><h3>Most read</h3><ul><li><a href="/a">Another story entirely</a></li><li><a href="/b">And one more</a></li></ul></aside>
        <footer>Copyright 2020 Example News. All rights reserved.</footer>
        </body></html>"#;

    #[test]
    fn body_and_metadata_with_their_sources() {
        let a = clean(PAGE, Some("https://news.example/2020/07/02/taliban-ties"));
        assert_eq!(
            a.title.as_deref(),
            Some("Taliban keep ties to Al Qaeda affiliate")
        );
        assert_eq!(a.fields_from["title"], "JSON-LD headline");
        assert_eq!(a.published.as_deref(), Some("2020-07-02"));
        assert_eq!(a.fields_from["published"], "JSON-LD datePublished");
        assert_eq!(a.modified.as_deref(), Some("2020-07-03"));
        assert_eq!(a.authors, vec!["Jane Doe"]);
        assert!(a.credits.contains(&"AFP".to_string()), "{:?}", a.credits);
        assert_eq!(a.source.as_deref(), Some("Example News"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(
            a.canonical_url.as_deref(),
            Some("https://news.example/2020/07/02/taliban-ties")
        );
        assert_eq!(a.dateline.as_deref(), Some("WASHINGTON"));
        assert!(
            a.body[0].starts_with("Al Qaeda's regional affiliate"),
            "{:?}",
            a.body
        );
        let body = a.body_text();
        assert!(body.contains("safe haven to plot attacks"));
        assert!(
            !body.contains("Most read")
                && !body.contains("Another story")
                && !body.contains("Home"),
            "{body}"
        );
        assert!(!body.contains("All rights reserved"), "{body}");
    }

    #[test]
    fn dates_fall_back_to_time_elements_and_the_url() {
        let page = r#"<html><body><article><time datetime="2019-03-04T10:00">March 4</time><p>Text.</p></article></body></html>"#;
        assert_eq!(
            read_meta(&Document::from(page), None).published.unwrap(),
            ("2019-03-04".into(), "first <time>".into())
        );
        let bare = "<html><body><p>Text.</p></body></html>";
        let m = read_meta(
            &Document::from(bare),
            Some("https://x.example/news/2018/11/09/story.html"),
        );
        assert_eq!(m.published.unwrap(), ("2018-11-09".into(), "URL".into()));
    }

    fn published(page: &str, url: Option<&str>) -> Option<(String, String)> {
        read_meta(&Document::from(page), url).published
    }

    #[test]
    fn a_utc_time_a_day_after_the_address_date_is_that_evening() {
        let page = r#"<html><head><meta property="article:published_time" content="2025-03-05T02:10:00+00:00"></head><body><p>Text.</p></body></html>"#;
        let on = |url| published(page, Some(url)).unwrap().0;
        assert_eq!(on("https://x.example/2025/03/04/story/"), "2025-03-04");
        assert_eq!(on("https://x.example/2025/03/05/story/"), "2025-03-05");
        assert_eq!(on("https://x.example/2025/03/01/story/"), "2025-03-05");
        let local = page.replace("+00:00", "-05:00");
        assert_eq!(
            published(&local, Some("https://x.example/2025/03/04/story/"))
                .unwrap()
                .0,
            "2025-03-05"
        );
        // Sites' own tag names, and a date in the address followed by '+'.
        let own = r#"<html><head><meta name="w-published-date" content="2024-06-01T08:00:00Z"></head></html>"#;
        assert_eq!(
            published(own, None).unwrap(),
            ("2024-06-01".into(), "meta w-published-date".into())
        );
        assert_eq!(
            published("<p>x</p>", Some("https://x.example/a/2023-02-03+title"))
                .unwrap()
                .0,
            "2023-02-03"
        );
    }

    #[test]
    fn a_printed_date_is_read_beside_the_headline() {
        let page = |head: &str, tail: &str| {
            format!(
                "<html><head><title>Rivers rise | Site</title></head><body>\
                 <nav><span class=date>January 2, 2020</span><a>News</a><a>Sport</a><a>Weather</a><a>Travel</a></nav>{head}\
                 <h1>Rivers rise</h1>{tail}<p>Body text of the story.</p>\
                 <aside><h3>More</h3><span class=post-date>May 5, 2021</span></aside></body></html>"
            )
        };
        // Under the headline, across elements, month first or day first.
        let p = page(
            "",
            "<div class=meta><span>By Ann Lee</span><span>March 3, 2024</span></div>",
        );
        assert_eq!(
            published(&p, None).unwrap(),
            (
                "2024-03-03".into(),
                "date printed under the headline".into()
            )
        );
        assert_eq!(
            published(&page("", "<p>23.07.2025</p>"), None).unwrap().0,
            "2025-07-23"
        );
        // A kicker above it, when nothing is under it.
        let p = page("<p>Posted 9 June 2022</p>", "");
        assert_eq!(
            published(&p, None).unwrap(),
            (
                "2022-06-09".into(),
                "date printed above the headline".into()
            )
        );
        // "Updated" dates are modifications; the published date is the other one.
        let p = page(
            "",
            "<p>Last updated</p><p>on</p><p>Feb 27, 2026</p><p>Published Jan 3, 2026</p>",
        );
        let m = read_meta(&Document::from(p.as_str()), None);
        assert_eq!(m.published.unwrap().0, "2026-01-03");
        assert_eq!(m.modified.unwrap().0, "2026-02-27");
        // A sentence mentioning an update is not a label.
        let p = page(
            "",
            "<p>This post was first written in 2017 and updated since then.</p><p>Published</p><p>March 3, 2024</p>",
        );
        assert_eq!(published(&p, None).unwrap().0, "2024-03-03");
    }

    #[test]
    fn far_from_the_headline_only_a_labelled_date_element_counts() {
        let filler: String = (0..60).map(|i| format!("<p>Paragraph {i}.</p>")).collect();
        let page = |date: &str| {
            format!(
                "<html><body><h1>Title</h1>{filler}<div class=date-line>{date}</div></body></html>"
            )
        };
        assert_eq!(
            published(&page("<span>Posted on April 13, 2023</span>"), None).unwrap(),
            ("2023-04-13".into(), "date printed in a date element".into())
        );
        assert_eq!(published(&page("<span>April 13, 2023</span>"), None), None);
        // No headline and no declared date: nothing is guessed.
        assert_eq!(
            published("<html><body><p>May 5, 2021</p></body></html>", None),
            None
        );
    }

    /// A numbered paragraph of a made-up flood report, long enough to be article text.
    fn river_paragraph(i: usize) -> String {
        format!(
            "<p>Paragraph {i} of the report says the river rose by two metres overnight and the \
             town council opened three shelters for families near the old bridge, while engineers \
             checked the embankments upstream and the police closed two roads to traffic until \
             the water level falls again.</p>"
        )
    }

    #[test]
    fn a_comment_section_left_in_the_text_ends_the_body() {
        let para = river_paragraph;
        let article: String = (0..4).map(para).collect();
        let page = |middle: &str, tail: &str| {
            format!(
                "<html><head><title>River rises</title></head><body><div><h1>River rises</h1>\
                 {article}{middle}{}{tail}</div></body></html>",
                para(9)
            )
        };
        let comments = "<p>2 comments so far...</p><p>Posted by: Sam, Leeds on</p>\
                        <p>The council should have acted sooner, in my view, and said so then.</p>\
                        <p>Posted by: Kim, York on</p><p>Shelters were full by midnight already.</p>";
        let a = clean(&page("", comments), None);
        let body = a.body_text();
        assert!(body.contains("Paragraph 9"), "{body}");
        assert!(!body.contains("acted sooner"), "{body}");
        assert!(
            a.comments.iter().any(|c| c.contains("acted sooner")),
            "{:?}",
            a.comments
        );
        assert!(a
            .removed
            .iter()
            .any(|r| r.reason == Reason::CommentSection && r.text.starts_with("2 comments")));
        // A "Leave a comment" button inside the article is only dropped.
        let a = clean(&page("<p>Leave a comment</p>", ""), None);
        assert!(a.body_text().contains("Paragraph 9"));
        assert!(a.comments.is_empty());
    }

    #[test]
    fn closing_credits_and_pitches_leave_the_body_and_keep_their_agency() {
        let article: String = (0..4).map(river_paragraph).collect();
        let page = format!(
            "<html><head><title>River rises</title></head><body><div><h1>River rises</h1>\
             {article}<p>Get the day's top headlines delivered to your inbox every morning by \
             subscribing to our newsletter.</p>{}\
             <p>Plane passengers quarantined after BUBONIC PLAGUE outbreak [NEWS]</p>{}\
             <p>(Reporting by Jane Doe for Reuters; Editing by John Roe)</p>\
             <p>Email Jane Doe at jane@example.com</p></div></body></html>",
            river_paragraph(7),
            river_paragraph(9)
        );
        let a = clean(&page, None);
        let body = a.body_text();
        assert!(body.contains("Paragraph 9"), "{body}");
        for gone in ["inbox", "PLAGUE", "Reporting by", "jane@example.com"] {
            assert!(!body.contains(gone), "{gone} left in {body}");
        }
        assert!(a.credits.iter().any(|c| c == "Reuters"), "{:?}", a.credits);
        assert!(a
            .removed
            .iter()
            .any(|r| r.reason == Reason::CreditLine && r.text.starts_with("(Reporting by")));
    }

    #[test]
    fn comments_known_by_their_repeated_time_stamps_end_the_body() {
        let para = river_paragraph;
        let article: String = (0..5).map(para).collect();
        let comment = |name: &str, minute: usize, text: &str| {
            format!("<p>BY</p><p>{name}</p><p>AT 01/08/08 05:{minute:02} PM</p><p>{text}</p>")
        };
        let comments = [
            comment(
                "RIVERFAN",
                30,
                "The council should have acted sooner, in my view.",
            ),
            comment("KIMY", 31, "Shelters were full by midnight already."),
            comment(
                "OLDBRIDGE",
                44,
                "My street was dry, so it was not that bad.",
            ),
        ]
        .concat();
        let page = format!(
            "<html><head><title>River rises</title></head><body><div><h1>River rises</h1>\
             <p>12:48 PM ON WED JAN 9 2008</p>{article}{comments}</div></body></html>"
        );
        let a = clean(&page, None);
        let body = a.body_text();
        assert!(body.contains("Paragraph 4"), "{body}");
        assert!(!body.contains("acted sooner"), "{body}");
        assert!(!body.contains("not that bad"), "{body}");
        // Two stamps of one shape are not yet a comment list (quoted messages, a story's
        // updates).
        let two = [
            comment(
                "RIVERFAN",
                30,
                "The council should have acted sooner, in my view.",
            ),
            comment("KIMY", 31, "Shelters were full by midnight already."),
        ]
        .concat();
        let page = page.replace(&comments, &two);
        assert!(clean(&page, None).body_text().contains("acted sooner"));
    }

    #[test]
    fn a_related_list_after_the_article_is_a_sidebar_and_a_box_inside_it_is_not() {
        let para = river_paragraph;
        let article: String = (0..4).map(para).collect();
        let related = "<p>Related Posts:</p><p>Council approves new flood barrier</p>\
                       <p>Bridge reopens after repairs</p>";
        let page = |body: &str| {
            format!(
                "<html><head><title>River rises</title></head><body><div><h1>River rises</h1>\
                 {body}</div></body></html>"
            )
        };
        let a = clean(&page(&format!("{article}{related}")), None);
        let body = a.body_text();
        assert!(body.contains("Paragraph 3"), "{body}");
        assert!(!body.contains("flood barrier"), "{body}");
        assert!(a
            .removed
            .iter()
            .any(|r| r.reason == Reason::Sidebar && r.text.contains("flood barrier")));
        // The same box with the article going on after it is left to the extractor.
        let a = clean(&page(&format!("{article}{related}{}", para(9))), None);
        assert!(a.body_text().contains("Paragraph 9"));
    }

    #[test]
    fn a_page_run_together_in_one_line_ends_at_its_comment_heading() {
        let sentence = "The premiers said the meeting offered a good chance to discuss their \
                        concerns with the prime minister, though nothing was announced. ";
        let text = format!(
            "{}Comments are now closed for this story McGuinty stop spending my money!",
            sentence.repeat(12)
        );
        let page = format!(
            "<html><head><title>Premiers meet</title></head><body><div><h1>Premiers meet</h1>\
             <p>{text}</p></div></body></html>"
        );
        let a = clean(&page, None);
        let body = a.body_text();
        assert!(body.contains("nothing was announced"), "{body}");
        assert!(!body.contains("stop spending"), "{body}");
        assert!(a.comments.iter().any(|c| c.contains("stop spending")));
    }

    #[test]
    fn the_second_extractor_wins_only_on_a_fragment_or_a_run_on_page() {
        let pick = |ours, lines, theirs| second_is_the_article(ours, lines, theirs).is_some();
        assert!(pick(40, 3, 400), "a fragment");
        assert!(!pick(250, 10, 400), "most of it");
        assert!(!pick(10, 1, 80), "too little to judge by");
        assert!(pick(2000, 4, 400), "five times as long in run-on lines");
        assert!(
            !pick(2000, 80, 400),
            "five times as long in paragraphs: a long article"
        );
        assert!(!pick(700, 2, 400), "under twice as long");
        // After trimming to agreement: a long reading of which the two share a sliver.
        assert!(second_agrees_on_a_fragment(74, 1386));
        assert!(!second_agrees_on_a_fragment(900, 1386));
        assert!(
            !second_agrees_on_a_fragment(10, 60),
            "too little to judge by"
        );
    }

    #[test]
    fn when_the_main_extractor_misses_the_article_the_second_one_gives_the_body() {
        // rs-trafilatura skips an <aside>; dom_smoothie reads it as the article.
        let paras: String = (0..8)
            .map(|i| {
                format!(
                    "<p>Paragraph {i} of the report says the river rose by two metres overnight \
                     and the town council opened three shelters near the old bridge.</p>"
                )
            })
            .collect();
        let page = format!(
            "<html><body><h1>River rises</h1><p>Short teaser.</p><aside>{paras}</aside></body></html>"
        );
        let a = clean(&page, None);
        assert!(a.body_text().contains("Paragraph 7"), "{:?}", a.body);
        assert!(a.fields_from["body"].starts_with("dom_smoothie"));
        // Where the main extractor finds the article, it gives the body.
        let page =
            format!("<html><body><h1>River rises</h1><article>{paras}</article></body></html>");
        let a = clean(&page, None);
        assert!(a.body_text().contains("Paragraph 7"));
        assert!(!a.fields_from.contains_key("body"));
    }

    #[test]
    fn names_split_and_lose_their_by() {
        assert_eq!(
            split_names("By Jane Doe and John Roe"),
            vec!["Jane Doe", "John Roe"]
        );
        assert_eq!(split_names("https://facebook.com/x"), Vec::<String>::new());
    }

    #[test]
    fn broken_and_empty_markup_do_not_panic() {
        for page in [
            "",
            "<html",
            "<<<>>>",
            "<p>unclosed <b>bold <i>text",
            &"<div>".repeat(5000),
        ] {
            let _ = clean(page, None);
        }
    }
}
