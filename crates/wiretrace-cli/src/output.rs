//! Output formatting: JSON, and readable text for people.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use wiretrace::attribution::{Actor, AttributedArticle, EventDate, Quote};
use wiretrace::story::{Story, StorySummary};
use wiretrace::{Alignment, Article};

pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    text(|out| {
        serde_json::to_writer_pretty(&mut *out, value)?;
        writeln!(out)
    })
}

/// Runs `print` over buffered stdout and flushes it.
pub fn text(
    print: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    print(&mut out)?;
    out.flush()?;
    Ok(())
}

/// Whether `error` comes from a reader that closed stdout (`wiretrace story 1 | head`): the
/// output was wanted only up to there, so it is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .map(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(|e| e.io_error_kind())
                    .map(|k| k == std::io::ErrorKind::BrokenPipe)
            })
            .unwrap_or(false)
    })
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

pub fn articles_text(out: &mut impl Write, articles: &[AttributedArticle]) -> std::io::Result<()> {
    for (i, aa) in articles.iter().enumerate() {
        let a = aa.article;
        if i > 0 {
            writeln!(out, "\n{}\n", "=".repeat(72))?;
        }
        writeln!(out, "id:        {}", a.id)?;
        writeln!(out, "title:     {}", or_dash(a.title.as_deref()))?;
        writeln!(out, "source:    {}", or_dash(a.source.as_deref()))?;
        writeln!(out, "dateline:  {}", or_dash(a.dateline.as_deref()))?;
        writeln!(out, "published: {}", or_dash(a.published.as_deref()))?;
        writeln!(
            out,
            "credits:   {}",
            if a.credits.is_empty() {
                "-".into()
            } else {
                a.credits.join(", ")
            }
        )?;
        for c in &a.captions {
            writeln!(out, "caption:   {c}")?;
        }
        writeln!(out, "comments:  {}", a.comments.len())?;
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
        writeln!(
            out,
            "removed:   {} lines ({})",
            a.removed.len(),
            reasons.join(", ")
        )?;
        writeln!(out)?;
        for p in &a.body {
            writeln!(out, "{p}\n")?;
        }
        attribution_text(
            out,
            &aa.attribution.quotes,
            &aa.attribution.actors,
            &aa.attribution.dates,
        )?;
    }
    Ok(())
}

fn attribution_text(
    out: &mut impl Write,
    quotes: &[Quote],
    actors: &[Actor],
    dates: &[EventDate],
) -> std::io::Result<()> {
    if !quotes.is_empty() {
        writeln!(out, "Quotes ({}):", quotes.len())?;
        for q in quotes {
            let role = q
                .role
                .as_deref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} ({}{role}; {}): {}",
                or_dash(q.speaker_resolved.as_deref()),
                or_dash(q.speaker.as_deref()),
                or_dash(q.cue.as_deref()),
                clip(&q.text, 140)
            )?;
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
        writeln!(out, "Actors: {}", list.join("; "))?;
    }
    if !dates.is_empty() {
        let list: Vec<String> = dates
            .iter()
            .map(|d| format!("{} = {}", d.text, d.value.as_deref().unwrap_or("?")))
            .collect();
        writeln!(out, "Dates: {}", list.join("; "))?;
    }
    Ok(())
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

pub fn alignment_text(
    out: &mut impl Write,
    a: &Article,
    b: &Article,
    al: &Alignment,
) -> std::io::Result<()> {
    writeln!(
        out,
        "A: {} ({}): {:.0}% in shared passages",
        a.id,
        or_dash(a.source.as_deref()),
        al.a_copied * 100.0
    )?;
    writeln!(
        out,
        "B: {} ({}): {:.0}% in shared passages",
        b.id,
        or_dash(b.source.as_deref()),
        al.b_copied * 100.0
    )?;
    writeln!(out, "\n{} shared passage(s)", al.passages.len())?;
    for (i, p) in al.passages.iter().enumerate() {
        writeln!(
            out,
            "\n[{}] score {:.3}, {} matching words",
            i + 1,
            p.score,
            p.matched_words
        )?;
        writeln!(
            out,
            "  A {}..{}: {}",
            p.a_start,
            p.a_end,
            clip(&p.a_text, 200)
        )?;
        writeln!(
            out,
            "  B {}..{}: {}",
            p.b_start,
            p.b_end,
            clip(&p.b_text, 200)
        )?;
    }
    for (name, spans) in [("A", &al.only_in_a), ("B", &al.only_in_b)] {
        writeln!(out, "\nOnly in {name} ({} stretches):", spans.len())?;
        for s in spans {
            writeln!(out, "  {}..{}: {}", s.start, s.end, clip(&s.text, 140))?;
        }
    }
    Ok(())
}

pub fn stories_text(out: &mut impl Write, stories: &[Story]) -> std::io::Result<()> {
    for s in stories {
        writeln!(
            out,
            "story {}: {} ({} article{})",
            s.id,
            or_dash(s.title.as_deref()),
            s.articles.len(),
            if s.articles.len() == 1 { "" } else { "s" }
        )?;
        writeln!(
            out,
            "  origin: {}   agencies: {}",
            s.origin,
            if s.agencies.is_empty() {
                "-".into()
            } else {
                s.agencies.join(", ")
            }
        )?;
        writeln!(
            out,
            "  {:<28} {:<18} {:<10} {:>6} {:>7}  title",
            "id", "source", "published", "group", "copied"
        )?;
        for a in &s.articles {
            writeln!(
                out,
                "  {:<28} {:<18} {:<10} {:>6} {:>6.0}%  {}",
                head(&a.id, 28),
                head(or_dash(a.source.as_deref()), 18),
                or_dash(a.published.as_deref()),
                a.copy_group,
                a.copied_fraction * 100.0,
                head(or_dash(a.title.as_deref()), 70)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

pub fn story_list_text(out: &mut impl Write, stories: &[StorySummary]) -> std::io::Result<()> {
    if stories.is_empty() {
        writeln!(out, "no stories")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>7} {:>8}  {:<10}  {:<10}  {:<30}  headline",
        "story", "articles", "first seen", "last seen", "sources"
    )?;
    for s in stories {
        writeln!(
            out,
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
        )?;
    }
    Ok(())
}

pub fn story_text(out: &mut impl Write, s: &Story) -> std::io::Result<()> {
    stories_text(out, std::slice::from_ref(s))?;
    writeln!(out, "Timeline and provenance:")?;
    for a in &s.articles {
        let from: Vec<String> = a
            .copied_from
            .iter()
            .map(|c| format!("{} ({} words)", c.id, c.words))
            .collect();
        writeln!(
            out,
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
        )?;
        for st in &a.added {
            writeln!(out, "      + {}", clip(&st.text, 160))?;
        }
    }
    writeln!(out, "\nShared passages ({}):", s.passages.len())?;
    for p in &s.passages {
        writeln!(
            out,
            "  {} → {} ({} words, first published by {}): {}",
            p.a,
            p.b,
            p.matched_words,
            p.first_published,
            clip(&p.text, 120)
        )?;
    }
    let who = &s.attribution;
    if !who.quotes.is_empty() {
        writeln!(
            out,
            "\nWho said what ({} distinct quotes):",
            who.quotes.len()
        )?;
        for q in &who.quotes {
            writeln!(
                out,
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
            )?;
        }
    }
    if !who.actors.is_empty() {
        let list: Vec<String> = who
            .actors
            .iter()
            .take(15)
            .map(|a| format!("{} ({}/{} articles)", a.name, a.articles, s.articles.len()))
            .collect();
        writeln!(out, "\nActors: {}", list.join("; "))?;
    }
    if !who.dates.is_empty() {
        let list: Vec<String> = who
            .dates
            .iter()
            .map(|d| format!("{} ({})", d.value, d.text))
            .collect();
        writeln!(out, "Event dates: {}", list.join("; "))?;
    }
    writeln!(out, "\nWhy each article is here:")?;
    for e in &s.events {
        writeln!(out, "  {} {}: {}", e.article, e.kind, e.detail)?;
    }
    Ok(())
}
