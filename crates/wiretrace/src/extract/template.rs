//! Outlet templates learnt from the corpus: a body line that earlier pages of the same site also
//! carried (an "Opinion / Editorial" box, a footer, a standing promo) is the site's furniture,
//! not the article. Works on any cleaned article, HTML or plain text, in arrival order; what is
//! learnt is handed out as [`Learnt`] for the store, so a later run or a server goes on from it.

use std::collections::{HashMap, HashSet};

use super::patterns::word_count;
use super::{Article, Reason, Removed};
use crate::text::{fold, word_hash};

/// Earlier pages of a site that must carry a line before it counts as the site's template.
pub const MIN_PAGES: u32 = 3;
/// Longer lines are never taken for furniture: a long paragraph repeated on one site is a
/// story republished, which the reuse stage must see.
const MAX_WORDS: usize = 40;
/// Lines this long are weighed when telling a page republished from a new one.
const PARAGRAPH_WORDS: usize = 15;
/// Distinct lines remembered per site, so memory stays bounded on any corpus.
const MAX_LINES_PER_SITE: usize = 200_000;

/// Line counts per site, learnt as articles arrive.
#[derive(Debug, Default)]
pub struct SiteTemplates {
    sites: HashMap<String, HashMap<u64, u32>>,
    /// The pages learnt from, so a page read again (a re-run, a re-sent upload) counts once.
    pages: HashSet<u64>,
    learnt: Learnt,
}

/// What one or more pages taught, for the store: the pages, and the lines now seen on two
/// pages or more with the pages to add to their stored count. Lines seen once are not kept,
/// which keeps the store's share small; after a restart such a line starts again from zero.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Learnt {
    pub pages: Vec<u64>,
    /// (site, line hash, pages to add).
    pub lines: Vec<(String, u64, u32)>,
}

impl Learnt {
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty() && self.lines.is_empty()
    }
}

impl SiteTemplates {
    pub fn new() -> SiteTemplates {
        SiteTemplates::default()
    }

    /// Templates as a store kept them: line counts per site and the pages learnt from.
    pub fn from_stored(lines: Vec<(String, u64, u32)>, pages: Vec<u64>) -> SiteTemplates {
        let mut t = SiteTemplates::new();
        for (site, line, n) in lines {
            t.sites.entry(site).or_default().insert(line, n);
        }
        t.pages = pages.into_iter().collect();
        t
    }

    /// What was learnt since the last call.
    pub fn take_learnt(&mut self) -> Learnt {
        std::mem::take(&mut self.learnt)
    }

    /// The site an article belongs to: its address's host, else its declared or found source.
    pub fn site_of(article: &Article) -> Option<String> {
        let host = |u: &str| {
            let rest = u.split_once("://").map_or(u, |(_, r)| r);
            let host = rest
                .split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .to_lowercase();
            let host = host
                .rsplit_once('@')
                .map_or(host.as_str(), |(_, h)| h)
                .to_string();
            Some(host.trim_start_matches("www.").to_string()).filter(|h| h.contains('.'))
        };
        article
            .canonical_url
            .as_deref()
            .and_then(host)
            .or_else(|| article.url.as_deref().and_then(host))
            .or_else(|| {
                article
                    .source
                    .as_ref()
                    .map(|s| fold(s))
                    .filter(|s| !s.is_empty())
            })
    }

    /// Take out of `article` the lines its site's earlier pages carried, then learn its lines.
    /// Returns how many lines were taken out.
    pub fn apply(&mut self, article: &mut Article) -> usize {
        let Some(site) = Self::site_of(article) else {
            return 0;
        };
        let page = Self::page_key(&site, article);
        let counts = self.sites.entry(site.clone()).or_default();
        let words: Vec<usize> = article.body.iter().map(|l| word_count(l)).collect();
        let keys: Vec<Option<u64>> = article
            .body
            .iter()
            .zip(&words)
            .map(|(l, &w)| (w <= MAX_WORDS).then(|| word_hash(&fold(l))))
            .collect();
        let template =
            |k: &Option<u64>| k.is_some_and(|k| counts.get(&k).is_some_and(|&n| n >= MIN_PAGES));
        let n_template = keys.iter().filter(|k| template(k)).count();
        // A page that is nothing but the template says nothing about the template; keep it.
        let removed = if n_template > 0 && n_template < article.body.len() {
            let body = std::mem::take(&mut article.body);
            for (line, k) in body.into_iter().zip(&keys) {
                if template(k) {
                    article.removed.push(Removed {
                        text: line,
                        reason: Reason::Template,
                    });
                } else {
                    article.body.push(line);
                }
            }
            n_template
        } else {
            0
        };
        if !self.pages.insert(page) {
            return removed;
        }
        self.learnt.pages.push(page);
        // A page a quarter of whose paragraphs the site has printed before is a story republished,
        // updated or cut down (a wire's later versions), not a new page around the same
        // furniture: counting it would make the story's own paragraphs the site's template after
        // three versions.
        // Only paragraph-length lines are weighed, since furniture (menus, promos) is short and
        // can outweigh a brief's text.
        let (mut known, mut paragraphs) = (0, 0);
        for (k, &w) in keys.iter().zip(&words) {
            if w >= PARAGRAPH_WORDS {
                paragraphs += w;
                known += w * k.is_some_and(|k| counts.contains_key(&k)) as usize;
            }
        }
        if 4 * known > paragraphs {
            return removed;
        }
        let mut seen = HashSet::new();
        for k in keys.into_iter().flatten() {
            if seen.insert(k) && (counts.len() < MAX_LINES_PER_SITE || counts.contains_key(&k)) {
                let n = counts.entry(k).or_default();
                *n += 1;
                // The store keeps lines from their second page on, with both pages counted.
                if *n >= 2 {
                    let add = if *n == 2 { 2 } else { 1 };
                    self.learnt.lines.push((site.clone(), k, add));
                }
            }
        }
        removed
    }

    /// Which page an article is, for counting each page once: its address (or id) and body.
    fn page_key(site: &str, article: &Article) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for part in [site, article.url.as_deref().unwrap_or(""), &article.id]
            .into_iter()
            .chain(article.body.iter().map(String::as_str))
        {
            h.update(part.as_bytes());
            h.update(b"\n");
        }
        h.digest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::empty_article;

    fn page(url: &str, lines: &[&str]) -> Article {
        let mut a = empty_article();
        a.url = Some(url.to_string());
        a.body = lines.iter().map(|s| s.to_string()).collect();
        a
    }

    #[test]
    fn lines_repeated_across_a_sites_pages_are_its_template() {
        let mut t = SiteTemplates::new();
        let promo = "Opinion / Editorial: New CEC? Capacity issues on the railway";
        for i in 0..MIN_PAGES {
            let mut a = page(
                &format!("https://www.dawn.example/news/{i}"),
                &[&format!("Story {i} says something new."), promo],
            );
            assert_eq!(t.apply(&mut a), 0, "not yet learnt at page {i}");
        }
        let mut a = page(
            "https://dawn.example/news/9",
            &["A fresh report on the Taliban.", promo],
        );
        assert_eq!(t.apply(&mut a), 1);
        assert_eq!(a.body, vec!["A fresh report on the Taliban."]);
        assert_eq!(a.removed[0].reason, Reason::Template);
        // Another site has its own template.
        let mut other = page("https://salaam.example/x", &["Something.", promo]);
        assert_eq!(t.apply(&mut other), 0);
    }

    #[test]
    fn a_page_read_again_counts_once_and_what_is_learnt_can_be_stored() {
        let promo = "Subscribe to our weekly briefing";
        let story = |i: u32| {
            page(
                &format!("https://x.example/{i}"),
                &[&format!("Story {i} says something new."), promo],
            )
        };
        let mut t = SiteTemplates::new();
        t.apply(&mut story(0));
        t.apply(&mut story(0));
        t.apply(&mut story(1));
        let learnt = t.take_learnt();
        assert_eq!(learnt.pages.len(), 2, "page 0 read twice is one page");
        assert_eq!(learnt.lines.len(), 1, "only the promo is on two pages");
        assert_eq!(learnt.lines[0].2, 2);
        assert!(t.take_learnt().is_empty());
        // A store holding that goes on from it: the third page makes the promo a template.
        let lines = learnt.lines.clone();
        let mut again = SiteTemplates::from_stored(lines, learnt.pages.clone());
        again.apply(&mut story(0));
        assert!(
            again.take_learnt().is_empty(),
            "a stored page is not learnt again"
        );
        again.apply(&mut story(2));
        let mut a = story(3);
        assert_eq!(again.apply(&mut a), 1);
        assert_eq!(a.body, vec!["Story 3 says something new."]);
    }

    #[test]
    fn long_paragraphs_and_whole_pages_are_kept() {
        let mut t = SiteTemplates::new();
        for i in 0..5 {
            let mut a = page(
                &format!("https://x.example/a{i}"),
                &[&format!("Story {i} says something new."), "Short line"],
            );
            t.apply(&mut a);
        }
        for i in 0..5 {
            let mut a = page(&format!("https://x.example/t{i}"), &["Short line"]);
            t.apply(&mut a);
            assert_eq!(a.body.len(), 1, "a page that is all template is kept whole");
        }
        let long = "word ".repeat(MAX_WORDS + 1);
        for i in 0..5 {
            let mut a = page(&format!("https://x.example/b{i}"), &[&long, "Short line"]);
            t.apply(&mut a);
            assert_eq!(
                a.body,
                vec![long.clone()],
                "a long paragraph is never template"
            );
        }
        assert_eq!(
            SiteTemplates::site_of(&page("http://user@www.Example.com:80/p", &[])).as_deref(),
            Some("example.com:80")
        );
    }

    #[test]
    fn a_story_the_site_publishes_again_is_not_its_template() {
        let mut t = SiteTemplates::new();
        let footer = "Follow us on social media";
        let wire = [
            "Officials said on Tuesday that the old river bridge would reopen to cars next month after repairs.",
            "The work was delayed by the spring flooding, a spokesman for the city council told reporters.",
            "Traffic has been diverted through the narrow streets of the old town since the end of March.",
        ];
        // The site's own stories around its footer, and the same wire story sent five times.
        for i in 0..4 {
            let mut a = page(
                &format!("https://x.example/own{i}"),
                &[
                    &format!("Local story {i} about the harbour festival and its music."),
                    footer,
                ],
            );
            t.apply(&mut a);
        }
        for i in 0..5 {
            let update = format!("Update {i}: the council will meet again.");
            let mut lines: Vec<&str> = wire.to_vec();
            lines.push(&update);
            lines.push(footer);
            let mut a = page(&format!("https://x.example/wire{i}"), &lines);
            t.apply(&mut a);
            let mut want: Vec<String> = wire.iter().map(|s| s.to_string()).collect();
            want.push(update.clone());
            assert_eq!(
                a.body, want,
                "version {i} keeps the story, loses the footer"
            );
        }
    }
}
