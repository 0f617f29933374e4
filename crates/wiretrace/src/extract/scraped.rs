//! Cleaning scraped page text. A page is read as zones: the header (headline, credit lines,
//! stamps, captions), the body, and the trailing debris (end stamps, sidebars of other headlines,
//! comment sections). Lines are classified by generic patterns and by repetition, never by outlet.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::patterns::{self, word_count};
use super::{empty_article, Article, Reason, Removed};
use crate::text::{fold, squeeze_whitespace};

/// How far (in days) a date may be from the article's own date before a dated line is taken
/// for a sidebar item rather than part of the article.
const SIDEBAR_DAYS: i64 = 7;

struct Block {
    text: String,
    key: String,
    blank_before: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Body,
    Removed(Reason),
}

pub fn clean(page: &str) -> Article {
    let blocks = blocks(page);
    let mut article = empty_article();
    if blocks.is_empty() {
        return article;
    }
    let mut class = vec![Class::Body; blocks.len()];
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut published: Option<(NaiveDate, String)> = None;
    let mut credits: Vec<String> = Vec::new();

    // A page opening with a full sentence (a long one, unless it is the only line) has no
    // headline: that line is the article's first paragraph.
    if !opens_the_body(&blocks[0].text, blocks.len() == 1) {
        article.title = Some(blocks[0].text.clone());
        article
            .fields_from
            .insert("title".into(), "first line".into());
        class[0] = Class::Removed(Reason::Headline);
    }
    seen.insert(&blocks[0].key, 0);
    let repeats = {
        let mut n: HashMap<&str, usize> = HashMap::new();
        for b in &blocks {
            *n.entry(&b.key).or_default() += 1;
        }
        n
    };

    // Header zone: everything before the first line that reads as the article itself.
    let mut i = 1;
    while i < blocks.len() {
        let b = &blocks[i];
        let c = if seen.contains_key(b.key.as_str()) {
            Class::Removed(Reason::Duplicate)
        } else if let Some(s) = patterns::stamp(&b.text) {
            if let (Some(d), None) = (s.date, &published) {
                published = Some((d, format!("date stamp (line {})", i + 1)));
            }
            Class::Removed(Reason::DateStamp)
        } else if take_caption(&b.text, &mut article.captions, &mut credits) {
            Class::Removed(Reason::Caption)
        } else if let Some(names) = patterns::credit_line(&b.text) {
            for n in &names {
                add_credit(&mut credits, n);
            }
            if article.source.is_none() && !b.text.to_lowercase().starts_with("by ") {
                if let Some(outlet) = names.iter().find(|n| patterns::agency(n).is_none()) {
                    article.source = Some(outlet.clone());
                    article
                        .fields_from
                        .insert("source".into(), format!("credit line (line {})", i + 1));
                }
            }
            Class::Removed(Reason::CreditLine)
        } else if repeats[b.key.as_str()] > 1 && word_count(&b.text) >= 4 {
            // A line printed twice above the article is a caption shown twice.
            article.captions.push(b.text.clone());
            Class::Removed(Reason::Caption)
        } else if patterns::is_prompt(&b.text) {
            Class::Removed(Reason::Prompt)
        } else if patterns::date_only(&b.text).is_some() {
            Class::Removed(Reason::DateStamp)
        } else {
            break;
        };
        class[i] = c;
        seen.entry(&b.key).or_insert(i);
        i += 1;
    }
    let body_start = i;

    // Body zone, up to the first line that closes the article or opens the debris after it.
    let mut trailing_from = blocks.len();
    let mut comments_from = None;
    while i < blocks.len() {
        let b = &blocks[i];
        if patterns::is_comment_section(&b.text) {
            trailing_from = i;
            comments_from = Some(i);
            break;
        }
        if let Some(s) = patterns::stamp(&b.text) {
            class[i] = Class::Removed(Reason::EndStamp);
            if let (Some(d), None) = (s.date, &published) {
                published = Some((d, format!("end stamp (line {})", i + 1)));
            }
            if let (Some(o), None) = (s.outlet, &article.source) {
                article.source = Some(o);
                article
                    .fields_from
                    .insert("source".into(), format!("end stamp (line {})", i + 1));
            }
            trailing_from = i + 1;
            break;
        }
        if patterns::is_copyright(&b.text) {
            class[i] = Class::Removed(Reason::EndStamp);
            trailing_from = i + 1;
            break;
        }
        if let Some(d) = patterns::date_only(&b.text) {
            let near = published
                .as_ref()
                .is_some_and(|(p, _)| (d - *p).num_days().abs() <= SIDEBAR_DAYS);
            if near {
                class[i] = Class::Removed(Reason::DateStamp);
                i += 1;
                continue;
            }
            // A dated item after the article: the sidebar begins at the headline-like lines
            // that lead into it.
            let mut start = i;
            while start > body_start + 1 && headline_like(&blocks[start - 1].text) {
                start -= 1;
                class[start] = Class::Body; // reclassified below as part of the sidebar
            }
            trailing_from = start;
            break;
        }
        class[i] = if seen.contains_key(b.key.as_str()) {
            Class::Removed(Reason::Duplicate)
        } else if take_caption(&b.text, &mut article.captions, &mut credits) {
            Class::Removed(Reason::Caption)
        } else if patterns::is_prompt(&b.text) {
            Class::Removed(Reason::Prompt)
        } else {
            Class::Body
        };
        seen.entry(&b.key).or_insert(i);
        i += 1;
    }

    // Trailing zone: sidebar items until a comment section opens, then comments.
    let mut in_comments = false;
    let mut comment_blocks: Vec<usize> = Vec::new();
    for (j, b) in blocks.iter().enumerate().skip(trailing_from) {
        if class[j] != Class::Body {
            continue;
        }
        if Some(j) == comments_from || patterns::is_comment_section(&b.text) {
            in_comments = true;
            class[j] = Class::Removed(Reason::CommentSection);
        } else if in_comments {
            if patterns::is_prompt(&b.text) {
                class[j] = Class::Removed(Reason::CommentSection);
            } else {
                class[j] = Class::Removed(Reason::Comment);
                comment_blocks.push(j);
            }
        } else {
            class[j] = Class::Removed(Reason::Sidebar);
        }
    }
    article.comments = group_comments(&blocks, &comment_blocks);

    // The credit and contact lines that close the report ("Reporting by …", "… contributed to
    // this report") leave the body, as they do in HTML; their agencies are credits.
    let body_blocks: Vec<usize> = (0..blocks.len())
        .filter(|&j| class[j] == Class::Body)
        .collect();
    let body_texts: Vec<&str> = body_blocks
        .iter()
        .map(|&j| blocks[j].text.as_str())
        .collect();
    for i in patterns::closing_credits(&body_texts) {
        class[body_blocks[i]] = Class::Removed(Reason::CreditLine);
        for a in patterns::agencies_in(body_texts[i]) {
            add_credit(&mut credits, a);
        }
    }

    for (b, c) in blocks.iter().zip(&class) {
        match c {
            Class::Body => article.body.push(b.text.clone()),
            Class::Removed(reason) => article.removed.push(Removed {
                text: b.text.clone(),
                reason: *reason,
            }),
        }
    }

    if let Some(first) = article.body.first_mut() {
        if let Some(d) = split_dateline(first) {
            *first = d.rest;
            article.dateline = Some(d.place);
            article
                .fields_from
                .insert("dateline".into(), "body opening".into());
            if let Some(a) = d.agency.as_deref().and_then(patterns::agency) {
                add_credit(&mut credits, a);
            }
        }
    }
    if let Some((d, from)) = published {
        article.published = Some(d.to_string());
        article.fields_from.insert("published".into(), from);
    }
    if !credits.is_empty() {
        article.fields_from.insert(
            "credits".into(),
            "credit lines, captions and dateline".into(),
        );
    }
    article.credits = credits;
    article
}

pub(crate) fn add_credit(credits: &mut Vec<String>, name: &str) {
    if !credits.iter().any(|x| x == name) {
        credits.push(name.to_string());
    }
}

/// If `line` is a photo caption, keep its text and credit its agencies.
fn take_caption(line: &str, captions: &mut Vec<String>, credits: &mut Vec<String>) -> bool {
    let Some((text, credit)) = patterns::caption(line) else {
        return false;
    };
    captions.push(text);
    for a in patterns::agencies_in(&credit) {
        add_credit(credits, a);
    }
    true
}

fn blocks(page: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut blank = 0;
    for line in page.lines() {
        let text = squeeze_whitespace(line);
        if text.is_empty() {
            blank += 1;
            continue;
        }
        let key = fold(&text);
        out.push(Block {
            text,
            key,
            blank_before: blank,
        });
        blank = 0;
    }
    out
}

/// Short lines without closing punctuation: headlines, section names, sidebar items.
fn headline_like(line: &str) -> bool {
    word_count(line) <= 10 && !line.ends_with(['.', ':', ',', ';', '"', '\u{201D}'])
}

/// Whether a page's first line is the opening of its body rather than a headline: a long line
/// closed like a sentence; or, when it is the page's only line, one closed like a sentence or long.
fn opens_the_body(line: &str, only_line: bool) -> bool {
    let closed = line
        .trim_end_matches(['"', '\u{201D}', '\'', '\u{2019}'])
        .ends_with(['.', '!', '?', ':']);
    let long = word_count(line) >= 12;
    if only_line {
        closed || long
    } else {
        closed && long
    }
}

/// Comments are the blocks of the comment section; where the page separates comments with more
/// blank lines than it separates their paragraphs, paragraphs of one comment are joined.
fn group_comments(blocks: &[Block], idx: &[usize]) -> Vec<String> {
    let wide = idx
        .iter()
        .skip(1)
        .map(|&j| blocks[j].blank_before)
        .max()
        .unwrap_or(0);
    let narrow = idx
        .iter()
        .skip(1)
        .map(|&j| blocks[j].blank_before)
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = Vec::new();
    for (k, &j) in idx.iter().enumerate() {
        let joins = k > 0 && wide > narrow && blocks[j].blank_before < wide && idx[k - 1] + 1 == j;
        if joins {
            let last = out.last_mut().unwrap();
            last.push_str("\n\n");
            last.push_str(&blocks[j].text);
        } else {
            out.push(blocks[j].text.clone());
        }
    }
    out
}

pub(crate) struct Dateline {
    pub(crate) place: String,
    pub(crate) agency: Option<String>,
    pub(crate) rest: String,
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^(?P<place>[A-Z][A-Z'’.\-]+(?:\s[A-Z][A-Z'’.\-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+){0,2})?)
            (?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?
            \s*(?:\((?P<agency>[^()]{2,40})\))?
            \s*(?:--|—|–|-|:)\s+(?P<rest>\S.*)$",
    )
    .unwrap()
});

/// Split "WASHINGTON -- Text", "WASHINGTON: Text", "KABUL, Afghanistan (AFP) — Text".
pub(crate) fn split_dateline(paragraph: &str) -> Option<Dateline> {
    let c = DATELINE.captures(paragraph)?;
    let place = c["place"].trim().to_string();
    let letters = place.chars().filter(|c| c.is_alphabetic()).count();
    let first = place.split(',').next().unwrap_or("");
    if letters < 3 || first.chars().any(|c| c.is_lowercase()) {
        return None;
    }
    Some(Dateline {
        place,
        agency: c.name("agency").map(|m| m.as_str().to_string()),
        rest: c["rest"].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(a: &Article, reason: Reason) -> Vec<&str> {
        a.removed
            .iter()
            .filter(|r| r.reason == reason)
            .map(|r| r.text.as_str())
            .collect()
    }

    #[test]
    fn datelines() {
        let d = split_dateline("WASHINGTON -- Al-Qaeda's affiliate").unwrap();
        assert_eq!(
            (d.place.as_str(), d.rest.as_str()),
            ("WASHINGTON", "Al-Qaeda's affiliate")
        );
        assert_eq!(
            split_dateline("WASHINGTON: Al Qaeda").unwrap().place,
            "WASHINGTON"
        );
        let d = split_dateline("KABUL, Afghanistan (AFP) — The talks").unwrap();
        assert_eq!(
            (d.place.as_str(), d.agency.as_deref()),
            ("KABUL, Afghanistan", Some("AFP"))
        );
        assert!(split_dateline("US officials: the talks go on").is_none());
        assert!(split_dateline("The talks -- which began").is_none());
    }

    #[test]
    fn header_body_and_trailing_zones() {
        let page = "Big news today\n\nBy Jane Roe and Reuters\nPublished March 3, 2021\n\n\
            PARIS -- The first paragraph of the story is here and long enough to be a paragraph.\n\n\
            Second paragraph.\n\nShare this article\n\nThird paragraph ends the story.\n\n\
            Most read\nOther headline\n4 Jan, 2024\n\nAnother headline\n5 Jan, 2024\n";
        let a = clean(page);
        assert_eq!(a.title.as_deref(), Some("Big news today"));
        assert_eq!(a.credits, vec!["Jane Roe", "Reuters"]);
        assert_eq!(a.published.as_deref(), Some("2021-03-03"));
        assert_eq!(a.dateline.as_deref(), Some("PARIS"));
        assert_eq!(a.body.len(), 3);
        assert_eq!(a.body[2], "Third paragraph ends the story.");
        assert_eq!(removed(&a, Reason::Prompt), vec!["Share this article"]);
        assert!(removed(&a, Reason::Sidebar).contains(&"Another headline"));
        assert!(removed(&a, Reason::Sidebar).contains(&"Other headline"));
        assert!(!a.body.iter().any(|p| p.contains("headline")));
    }

    #[test]
    fn closing_credit_lines_leave_the_body_and_credit_their_agency() {
        let page = "Flood barrier approved\n\nThe council approved the flood barrier on Monday after a long debate.\n\n\
            Work starts in May and should end before the winter storms.\n\n\
            (Reporting by Jane Roe for Reuters; Editing by John Doe)\n";
        let a = clean(page);
        assert!(!a.body_text().contains("Reporting by"), "{:?}", a.body);
        assert!(a.body_text().contains("winter storms"));
        assert!(a.credits.iter().any(|c| c == "Reuters"), "{:?}", a.credits);
        assert!(a
            .removed
            .iter()
            .any(|r| r.reason == Reason::CreditLine && r.text.starts_with("(Reporting by")));
    }

    #[test]
    fn comments_grouped_by_wider_gaps() {
        let page = "Title line\n\nBody paragraph one is here.\n\n2 Comments\n\nFirst comment, para one.\n\nPara two.\n\n\nSecond comment.\n";
        let a = clean(page);
        assert_eq!(a.body, vec!["Body paragraph one is here."]);
        assert_eq!(
            a.comments,
            vec!["First comment, para one.\n\nPara two.", "Second comment."]
        );
    }

    #[test]
    fn empty_and_title_only_pages() {
        assert!(clean("").body.is_empty());
        let a = clean("Only a headline\n");
        assert_eq!(a.title.as_deref(), Some("Only a headline"));
        assert!(a.body.is_empty());
        let a = clean("The parliament election is over.\n");
        assert_eq!(a.title, None, "a single sentence is the body");
        assert_eq!(a.body, ["The parliament election is over."]);
        let a = clean("Tara Reid has entered a rehab program, the American Pie star's rep confirmed on Friday.\n\nShe checked in on Tuesday.\n");
        assert_eq!(
            a.title, None,
            "a page opening with a full sentence has no headline"
        );
        assert_eq!(a.body.len(), 2);
    }
}
