//! Output formatting: JSON, and readable text for people.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use wiretrace::attribution::{Actor, AttributedArticle, EventDate, Quote};
use wiretrace::story::{Story, StorySummary};
use wiretrace::{Alignment, Article};

pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// How `export` writes records.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    /// One JSON object a line.
    Jsonl,
    /// One JSON array.
    Json,
    /// CSV with a header line: lists joined with "; ", nested values as JSON text.
    Csv,
}

/// Streams records to stdout, without holding them all.
pub struct RecordWriter {
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    format: RecordFormat,
    count: usize,
}

/// Where `export` streams records.
pub trait Records {
    /// Write one record; the error type fits the store's row callbacks.
    fn write<T: Serialize>(&mut self, record: &T) -> Result<(), wiretrace::store::StoreError>;
}

impl Records for RecordWriter {
    fn write<T: Serialize>(&mut self, record: &T) -> Result<(), wiretrace::store::StoreError> {
        self.write_io(record)
            .map_err(|e| wiretrace::store::StoreError::Output(e.to_string()))
    }
}

impl RecordWriter {
    pub fn new(format: RecordFormat) -> Self {
        RecordWriter {
            out: std::io::BufWriter::new(std::io::stdout().lock()),
            format,
            count: 0,
        }
    }

    fn write_io<T: Serialize>(&mut self, record: &T) -> std::io::Result<()> {
        match self.format {
            RecordFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, record)?;
                self.out.write_all(b"\n")?;
            }
            RecordFormat::Json => {
                self.out
                    .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, record)?;
            }
            RecordFormat::Csv => {
                let serde_json::Value::Object(fields) = serde_json::to_value(record)? else {
                    return Err(std::io::Error::other("a CSV record must be an object"));
                };
                let mut csv = csv::WriterBuilder::new().from_writer(&mut self.out);
                if self.count == 0 {
                    csv.write_record(fields.keys())?;
                }
                csv.write_record(fields.values().map(csv_cell))?;
                csv.flush()?;
            }
        }
        self.count += 1;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        if self.format == RecordFormat::Json {
            self.out
                .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}

fn csv_cell(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(|x| !x.is_array() && !x.is_object()) => {
            items.iter().map(csv_cell).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

fn or_dash(s: Option<&str>) -> &str {
    s.unwrap_or("-")
}

pub fn articles_text(articles: &[AttributedArticle]) {
    for (i, aa) in articles.iter().enumerate() {
        let a = aa.article;
        if i > 0 {
            println!("\n{}\n", "=".repeat(72));
        }
        println!("id:        {}", a.id);
        println!("title:     {}", or_dash(a.title.as_deref()));
        println!("source:    {}", or_dash(a.source.as_deref()));
        println!("dateline:  {}", or_dash(a.dateline.as_deref()));
        println!("published: {}", or_dash(a.published.as_deref()));
        println!(
            "credits:   {}",
            if a.credits.is_empty() {
                "-".into()
            } else {
                a.credits.join(", ")
            }
        );
        for c in &a.captions {
            println!("caption:   {c}");
        }
        println!("comments:  {}", a.comments.len());
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for r in &a.removed {
            *reasons
                .entry(
                    serde_json::to_value(r.reason)
                        .unwrap()
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                )
                .or_default() += 1;
        }
        let reasons: Vec<String> = reasons.iter().map(|(k, v)| format!("{v} {k}")).collect();
        println!(
            "removed:   {} lines ({})",
            a.removed.len(),
            reasons.join(", ")
        );
        println!();
        for p in &a.body {
            println!("{p}\n");
        }
        attribution_text(
            &aa.attribution.quotes,
            &aa.attribution.actors,
            &aa.attribution.dates,
        );
    }
}

fn attribution_text(quotes: &[Quote], actors: &[Actor], dates: &[EventDate]) {
    if !quotes.is_empty() {
        println!("Quotes ({}):", quotes.len());
        for q in quotes {
            let role = q
                .role
                .as_deref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default();
            println!(
                "  {} ({}{role}; {}): {}",
                or_dash(q.speaker_resolved.as_deref()),
                or_dash(q.speaker.as_deref()),
                or_dash(q.cue.as_deref()),
                clip(&q.text, 140)
            );
        }
    }
    if !actors.is_empty() {
        let list: Vec<String> = actors
            .iter()
            .take(12)
            .map(|a| {
                format!("{} ({:?}, {})", a.name, a.kind, a.mentions).replace("Organisation", "org")
            })
            .collect();
        println!("Actors: {}", list.join("; "));
    }
    if !dates.is_empty() {
        let list: Vec<String> = dates
            .iter()
            .map(|d| format!("{} = {}", d.text, d.value.as_deref().unwrap_or("?")))
            .collect();
        println!("Dates: {}", list.join("; "));
    }
}

fn clip(s: &str, n: usize) -> String {
    let flat = s.replace("\n\n", " ¶ ");
    if flat.chars().count() <= n {
        return flat;
    }
    let head: String = flat.chars().take(n / 2).collect();
    let tail: String = flat
        .chars()
        .rev()
        .take(n / 2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{head} … {tail}")
}

/// The first `n` characters, with an ellipsis when cut (for table columns).
fn head(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub fn alignment_text(a: &Article, b: &Article, al: &Alignment) {
    println!(
        "A: {} ({}): {:.0}% in shared passages",
        a.id,
        or_dash(a.source.as_deref()),
        al.a_copied * 100.0
    );
    println!(
        "B: {} ({}): {:.0}% in shared passages",
        b.id,
        or_dash(b.source.as_deref()),
        al.b_copied * 100.0
    );
    println!("\n{} shared passage(s)", al.passages.len());
    for (i, p) in al.passages.iter().enumerate() {
        println!(
            "\n[{}] score {:.3}, {} matching words",
            i + 1,
            p.score,
            p.matched_words
        );
        println!("  A {}..{}: {}", p.a_start, p.a_end, clip(&p.a_text, 200));
        println!("  B {}..{}: {}", p.b_start, p.b_end, clip(&p.b_text, 200));
    }
    for (name, spans) in [("A", &al.only_in_a), ("B", &al.only_in_b)] {
        println!("\nOnly in {name} ({} stretches):", spans.len());
        for s in spans {
            println!("  {}..{}: {}", s.start, s.end, clip(&s.text, 140));
        }
    }
}

pub fn stories_text(stories: &[Story]) {
    for s in stories {
        println!(
            "story {}: {} ({} article{})",
            s.id,
            or_dash(s.title.as_deref()),
            s.articles.len(),
            if s.articles.len() == 1 { "" } else { "s" }
        );
        println!(
            "  origin: {}   agencies: {}",
            s.origin,
            if s.agencies.is_empty() {
                "-".into()
            } else {
                s.agencies.join(", ")
            }
        );
        println!(
            "  {:<28} {:<18} {:<10} {:>6} {:>7}  title",
            "id", "source", "published", "group", "copied"
        );
        for a in &s.articles {
            println!(
                "  {:<28} {:<18} {:<10} {:>6} {:>6.0}%  {}",
                head(&a.id, 28),
                head(or_dash(a.source.as_deref()), 18),
                or_dash(a.published.as_deref()),
                a.copy_group,
                a.copied_fraction * 100.0,
                head(or_dash(a.title.as_deref()), 70)
            );
        }
        println!();
    }
}

pub fn story_list_text(stories: &[StorySummary]) {
    if stories.is_empty() {
        println!("no stories");
        return;
    }
    println!(
        "{:>7} {:>8}  {:<10}  {:<10}  {:<30}  headline",
        "story", "articles", "first seen", "last seen", "sources"
    );
    for s in stories {
        println!(
            "{:>7} {:>8}  {:<10}  {:<10}  {:<30}  {}",
            s.id,
            s.articles,
            or_dash(s.first_seen.as_deref()),
            or_dash(s.last_seen.as_deref()),
            head(
                &if s.sources.is_empty() {
                    "-".to_string()
                } else {
                    s.sources.join(", ")
                },
                30
            ),
            head(or_dash(s.title.as_deref()), 70)
        );
    }
}

pub fn story_text(s: &Story) {
    stories_text(std::slice::from_ref(s));
    println!("Timeline and provenance:");
    for a in &s.articles {
        let from: Vec<String> = a
            .copied_from
            .iter()
            .map(|c| format!("{} ({} words)", c.id, c.words))
            .collect();
        println!(
            "  {} {} ({}): copied {:.0}% from earlier{}; first to carry {:.0}%",
            or_dash(a.published.as_deref()),
            a.id,
            or_dash(a.source.as_deref()),
            a.copied_from_earlier_fraction * 100.0,
            if from.is_empty() {
                String::new()
            } else {
                format!(" [{}]", from.join(", "))
            },
            a.first_published_fraction * 100.0
        );
        for st in &a.added {
            println!("      + {}", clip(&st.text, 160));
        }
    }
    println!("\nShared passages ({}):", s.passages.len());
    for p in &s.passages {
        println!(
            "  {} → {} ({} words, first published by {}): {}",
            p.a,
            p.b,
            p.matched_words,
            p.first_published,
            clip(&p.text, 120)
        );
    }
    let who = &s.attribution;
    if !who.quotes.is_empty() {
        println!("\nWho said what ({} distinct quotes):", who.quotes.len());
        for q in &who.quotes {
            println!(
                "  {}{}: {} [first in {}; in {} article(s)]",
                or_dash(q.speaker.as_deref()),
                if q.confirmed {
                    " (confirmed by copies)"
                } else {
                    ""
                },
                clip(&q.text, 120),
                q.earliest,
                q.articles.len()
            );
        }
    }
    if !who.actors.is_empty() {
        let list: Vec<String> = who
            .actors
            .iter()
            .take(15)
            .map(|a| format!("{} ({}/{} articles)", a.name, a.articles, s.articles.len()))
            .collect();
        println!("\nActors: {}", list.join("; "));
    }
    if !who.dates.is_empty() {
        let list: Vec<String> = who
            .dates
            .iter()
            .map(|d| format!("{} ({})", d.value, d.text))
            .collect();
        println!("Event dates: {}", list.join("; "));
    }
    println!("\nWhy each article is here:");
    for e in &s.events {
        println!("  {} {}: {}", e.article, e.kind, e.detail);
    }
}
