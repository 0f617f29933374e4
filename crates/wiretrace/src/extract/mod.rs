//! Extract: turn a raw document into an [`Article`]: headline, dateline, date, credits, body
//! paragraphs, captions and comments, with every line taken out of the body recorded with its
//! reason and every field saying where it came from.

pub mod date;
mod html;
pub mod language;
pub mod patterns;
mod scraped;
pub mod template;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ingest::{Content, Origin, RawDoc};

/// A cleaned news article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// The outlet that published it.
    pub source: Option<String>,
    /// The place line that opens the body ("WASHINGTON").
    pub dateline: Option<String>,
    /// ISO date (YYYY-MM-DD).
    pub published: Option<String>,
    /// Who the article credits: agencies (canonical names) and bylines.
    pub credits: Vec<String>,
    /// The people in the byline (HTML metadata); they are also in `credits`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// ISO date of the last modification the page declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Language tag the page declares ("en", "de-DE").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The page's canonical address, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_url: Option<String>,
    /// When a crawler fetched the page (from a WARC record), ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched: Option<String>,
    /// Body paragraphs. Offsets elsewhere index these joined with a blank line.
    pub body: Vec<String>,
    pub captions: Vec<String>,
    pub comments: Vec<String>,
    /// Every line taken out of the body, and why.
    pub removed: Vec<Removed>,
    /// For each extracted field, where its value came from.
    pub fields_from: BTreeMap<String, String>,
    pub origin: Origin,
    /// The legacy encoding the input was decoded from, when it was not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub decoded_from: Option<String>,
}

/// A line taken out of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    pub text: String,
    pub reason: Reason,
}

/// Why a line is not in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The headline (kept in `title`).
    Headline,
    /// A credit or byline line (kept in `credits`).
    CreditLine,
    /// A publication stamp (its date kept in `published`).
    DateStamp,
    /// A photo caption (kept in `captions`).
    Caption,
    /// A repeat of an earlier line.
    Duplicate,
    /// A comment-section heading, prompt or form.
    CommentSection,
    /// A reader comment (kept in `comments`).
    Comment,
    /// An unrelated sidebar: other headlines with their own dates.
    Sidebar,
    /// A share, follow, newsletter or "read more" prompt.
    Prompt,
    /// A line that marks the end of the article ("Published in …", copyright).
    EndStamp,
    /// Page furniture around the article (HTML): sidebars, tag and link lists.
    Boilerplate,
    /// A line the outlet's earlier pages also carried: its template, learnt from the corpus.
    Template,
}

impl Article {
    /// The cleaned body: paragraphs joined by a blank line. All offsets index this text.
    pub fn body_text(&self) -> String {
        self.body.join("\n\n")
    }
}

/// Clean one raw document.
pub fn extract(doc: &RawDoc) -> Article {
    let mut article = match &doc.content {
        Content::ScrapedText(text) => scraped::clean(text),
        Content::Html(page) => html::clean(page, doc.declared.url.as_deref()),
        Content::BodyText(text) => {
            let mut a = empty_article();
            a.body = text
                .lines()
                .map(crate::text::squeeze_whitespace)
                .filter(|l| !l.is_empty())
                .collect();
            a
        }
    };
    let d = &doc.declared;
    article.id = d.id.clone().unwrap_or_else(|| default_id(&doc.origin));
    article.origin = doc.origin.clone();
    article.decoded_from = doc.decoded_from.map(str::to_string);
    if let Some(from) = doc.charset_from {
        let name = doc.decoded_from.unwrap_or("UTF-8");
        article
            .fields_from
            .insert("charset".into(), format!("{name} ({from})"));
    }
    if let Some(f) = &doc.declared.fetched {
        article.fetched = Some(f.clone());
        article
            .fields_from
            .insert("fetched".into(), "WARC-Date".into());
    }
    if let Some(t) = &d.title {
        article.title = Some(crate::text::squeeze_whitespace(t));
        article
            .fields_from
            .insert("title".into(), "declared".into());
    }
    if let Some(u) = &d.url {
        article.url = Some(u.clone());
        let from = if doc.declared.fetched.is_some() {
            "WARC-Target-URI"
        } else {
            "declared"
        };
        article.fields_from.insert("url".into(), from.into());
    }
    if let Some(s) = &d.source {
        article.source = Some(s.clone());
        article
            .fields_from
            .insert("source".into(), "declared".into());
    }
    if article.language.is_none() {
        if let Some(guess) = language::detect(&article.body_text()) {
            article.fields_from.insert(
                "language".into(),
                format!(
                    "detected from the body (whatlang, confidence {:.2})",
                    guess.confidence
                ),
            );
            article.language = Some(guess.tag);
        }
    }
    if let Some(p) = &d.published {
        match date::parse_declared(p) {
            Some(date) => {
                article.published = Some(date.to_string());
                article
                    .fields_from
                    .insert("published".into(), "declared".into());
            }
            None => {
                article.fields_from.insert(
                    "published".into(),
                    format!("declared value {p:?} is not a date"),
                );
            }
        }
    }
    article
}

pub(crate) fn empty_article() -> Article {
    Article {
        id: String::new(),
        title: None,
        url: None,
        source: None,
        dateline: None,
        published: None,
        credits: Vec::new(),
        authors: Vec::new(),
        modified: None,
        language: None,
        canonical_url: None,
        fetched: None,
        body: Vec::new(),
        captions: Vec::new(),
        comments: Vec::new(),
        removed: Vec::new(),
        fields_from: BTreeMap::new(),
        origin: Origin::file(std::path::Path::new("")),
        decoded_from: None,
    }
}

/// The id of an article that declares none: the file name without extension, and the line
/// number for a record of a JSON Lines file.
pub fn default_id(origin: &Origin) -> String {
    let name = origin
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .split('.')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(&name)
        .to_string();
    match (origin.line, origin.record) {
        (Some(line), _) => format!("{stem}-{line}"),
        (None, Some(record)) => format!("{stem}-r{record}"),
        (None, None) => stem,
    }
}
