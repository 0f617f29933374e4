//! The `wiretrace` command: argument parsing and output formatting over the wiretrace library.

mod output;
#[cfg(feature = "parquet")]
mod parquet_out;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use wiretrace::attribution::{attribute, AttributedArticle};
use wiretrace::engine::{
    compare, read_articles, read_one, story_similarity, Progress, TraceOptions,
};
use wiretrace::story::{Similarity, StoryParams};
use wiretrace::{Config, Engine};

#[derive(Parser)]
#[command(
    name = "wiretrace",
    version,
    about = "Trace wire copy through the news: clean articles, find shared passages, group stories."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Clean articles and print them: headline, dateline, date, credits, body, captions, comments,
    /// removed lines, and who said what (quotes with speakers, actors, event dates).
    Extract {
        /// Files or folders (.txt scraped pages, .json articles, .jsonl one article per line).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// Align two articles: the passages they share and what each has that the other lacks.
    Compare {
        /// A file holding one article.
        a: PathBuf,
        /// Another file holding one article.
        b: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Ingest articles into the store and print the stories they belong to.
    Trace {
        /// Files or folders to ingest, in name order.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The store: one SQLite file, created if missing.
        #[arg(long, env = "WIRETRACE_DB", default_value = "wiretrace.db")]
        db: PathBuf,
        /// Print no progress on stderr (the summary line is still printed).
        #[arg(long, short)]
        quiet: bool,
        /// Print only the run's summary, not the stories it touched (for large runs).
        #[arg(long)]
        summary_only: bool,
        /// Align a new article with at most about this many earlier carriers of each part of its
        /// text (the best-ranked ones); a wire's hundredth copy then costs no more than its
        /// tenth. Lower is faster and finds fewer of the pairs among a wire's many copies; 0
        /// aligns every candidate.
        #[arg(long, default_value_t = wiretrace::index::IndexParams::default().max_cover)]
        max_cover: usize,
        #[command(flatten)]
        story: StoryArgs,
        #[command(flatten)]
        common: Common,
    },
    /// List stored stories, latest first: headline, article count, sources, first and last seen.
    Stories {
        /// The store to read.
        #[arg(long, env = "WIRETRACE_DB", default_value = "wiretrace.db")]
        db: PathBuf,
        /// Stories listed.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Stories skipped first (for paging).
        #[arg(long, default_value_t = 0)]
        offset: i64,
        /// Only stories with at least this many articles.
        #[arg(long, default_value_t = 1)]
        min_articles: i64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show one story: its timeline, what each article copied and from whom, what each added,
    /// every shared passage with the article that published it first, and why each article joined.
    Story {
        /// The story's number (as `stories` lists it).
        #[arg(required_unless_present = "article")]
        id: Option<i64>,
        /// Show the story holding this stored article instead.
        #[arg(long, conflicts_with = "id")]
        article: Option<String>,
        /// The store to read.
        #[arg(long, env = "WIRETRACE_DB", default_value = "wiretrace.db")]
        db: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// How close two articles are as parts of one story: term and actor similarity, days apart,
    /// and the combined score the clusterer compares with its threshold.
    Similarity {
        /// A file holding one article.
        #[arg(required_unless_present = "pairs")]
        a: Option<PathBuf>,
        /// Another file holding one article.
        #[arg(required_unless_present = "pairs")]
        b: Option<PathBuf>,
        /// Score many pairs: a JSON Lines file of {"a": PATH, "b": PATH}; prints one line each.
        #[arg(long, conflicts_with_all = ["a", "b"])]
        pairs: Option<PathBuf>,
        /// Weight terms by the document frequencies of this store (without one, by counts alone).
        #[arg(long)]
        db: Option<PathBuf>,
        #[command(flatten)]
        story: StoryArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Serve the store over HTTP: a JSON API (described at /openapi.json) to push articles and
    /// read stories, and pages to read a story and compare its copies side by side (at /).
    Serve {
        /// Address to listen on (port 0 picks a free one; the address is printed).
        #[arg(long, default_value = "127.0.0.1:8417")]
        addr: String,
        /// The store: one SQLite file, created if missing. The CLI may write it meanwhile.
        #[arg(long, env = "WIRETRACE_DB", default_value = "wiretrace.db")]
        db: PathBuf,
        /// Largest request body accepted, in bytes (larger ones are refused with 413).
        #[arg(long, default_value_t = 64 * 1024 * 1024)]
        max_body_bytes: usize,
        /// Most articles one request may carry.
        #[arg(long, default_value_t = 10_000)]
        max_batch_articles: usize,
        #[command(flatten)]
        story: StoryArgs,
        #[command(flatten)]
        common: Common,
    },
    /// Write stored records, one JSON object per line (or one JSON array, or CSV): every passage
    /// with both article ids and character offsets, every article with its groups and cleaned
    /// body, or every story as `stories` lists it.
    Export {
        /// What to write.
        #[arg(value_enum)]
        table: Table,
        /// The store to read.
        #[arg(long, env = "WIRETRACE_DB", default_value = "wiretrace.db")]
        db: PathBuf,
        /// Output format (parquet needs a build with `--features parquet` and `--output`).
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Write to this file (Parquet only; the other formats go to stdout).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// Story clustering settings (defaults tuned on ECB+; see docs/benchmarks.md).
#[derive(Args, Clone, Copy)]
struct StoryArgs {
    /// Score an article needs with a story to join it (0-1).
    #[arg(long, default_value_t = StoryParams::default().min_score)]
    story_threshold: f32,
    /// Share of the score given by shared actors rather than shared terms (0-1).
    #[arg(long, default_value_t = StoryParams::default().actor_weight)]
    actor_weight: f32,
    /// Score an article needs with two stories to merge them (0-1).
    #[arg(long, default_value_t = StoryParams::default().merge_score)]
    merge_threshold: f32,
    /// A story whose articles fall into two groups scoring this or less together is split
    /// (0 turns splitting off).
    #[arg(long, default_value_t = StoryParams::default().split_score)]
    split_threshold: f32,
    /// Scale of the time decay, in days.
    #[arg(long, default_value_t = StoryParams::default().time_scale_days)]
    time_scale_days: f32,
    /// Dated articles further than this many days from a story never join it by similarity.
    #[arg(long, default_value_t = StoryParams::default().window_days)]
    window_days: i64,
}

impl StoryArgs {
    fn apply(&self, config: &mut Config) -> anyhow::Result<()> {
        for (name, v) in [
            ("story-threshold", self.story_threshold),
            ("actor-weight", self.actor_weight),
            ("merge-threshold", self.merge_threshold),
            ("split-threshold", self.split_threshold),
        ] {
            if !(0.0..=1.0).contains(&v) {
                anyhow::bail!("--{name} must be between 0 and 1");
            }
        }
        if self.time_scale_days <= 0.0 {
            anyhow::bail!("--time-scale-days must be above 0");
        }
        if self.window_days < 0 {
            anyhow::bail!("--window-days must be 0 or more");
        }
        let p = &mut config.story;
        p.min_score = self.story_threshold;
        p.actor_weight = self.actor_weight;
        p.merge_score = self.merge_threshold;
        p.split_score = self.split_threshold;
        p.time_scale_days = self.time_scale_days;
        p.window_days = self.window_days;
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Table {
    Passages,
    Articles,
    Stories,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    Jsonl,
    Json,
    Csv,
    Parquet,
}

#[derive(Args, Clone, Copy)]
struct Common {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Largest article read, in bytes (larger files and JSON Lines records are skipped).
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    max_bytes: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

impl Common {
    fn config(&self) -> Config {
        let mut c = Config::default();
        c.read.max_bytes = self.max_bytes;
        c
    }
}

/// Exit status when the run completed but some inputs were skipped.
const SOME_SKIPPED: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wiretrace: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract { paths, common } => {
            let mut skipped = 0;
            let articles = read_articles(&paths, &common.config(), &mut |e| {
                skipped += 1;
                eprintln!("wiretrace: skipped {e}");
            });
            let attributed: Vec<AttributedArticle> = articles
                .iter()
                .map(|a| AttributedArticle {
                    article: a,
                    attribution: attribute(a, None),
                })
                .collect();
            match common.format {
                Format::Json if attributed.len() == 1 => output::json(&attributed[0])?,
                Format::Json => output::json(&attributed)?,
                Format::Text => output::text(|out| output::articles_text(out, &attributed))?,
            }
            if articles.is_empty() {
                anyhow::bail!("no article could be read");
            }
            Ok(if skipped > 0 {
                ExitCode::from(SOME_SKIPPED)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Compare { a, b, common } => {
            let config = common.config();
            let article_a = read_one(&a, &config)?;
            let article_b = read_one(&b, &config)?;
            let alignment = compare(&article_a, &article_b, config.align);
            match common.format {
                Format::Json => output::json(&alignment)?,
                Format::Text => output::text(|out| {
                    output::alignment_text(out, &article_a, &article_b, &alignment)
                })?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Trace {
            paths,
            db,
            quiet,
            summary_only,
            max_cover,
            story,
            common,
        } => {
            let mut config = common.config();
            story.apply(&mut config)?;
            config.index.max_cover = max_cover;
            let mut engine =
                Engine::open(&db, config).with_context(|| format!("opening {}", db.display()))?;
            let mut progress = ProgressLine::new(quiet);
            let options = TraceOptions {
                stories: !summary_only,
            };
            let report = engine.trace_with(&paths, options, &mut |p| progress.show(p))?;
            progress.finish();
            match common.format {
                Format::Json => output::json(&report)?,
                Format::Text => output::text(|out| output::stories_text(out, &report.stories))?,
            }
            let s = &report.summary;
            let skipped = if s.skipped > 0 {
                let reasons: Vec<String> = s
                    .skipped_by_reason
                    .iter()
                    .map(|(k, v)| format!("{v} {k}"))
                    .collect();
                format!(", {} skipped ({})", s.skipped, reasons.join(", "))
            } else {
                String::new()
            };
            eprintln!(
                "wiretrace: {} files, {} articles ({} new, {} already stored){}; {} aligned pairs, {} passages; {} stories; {:.2}s; store {}",
                s.files, s.articles, s.new, s.unchanged, skipped, s.aligned_pairs, s.passages, s.stories, s.seconds, db.display()
            );
            Ok(if s.skipped > 0 {
                ExitCode::from(SOME_SKIPPED)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Stories {
            db,
            limit,
            offset,
            min_articles,
            format,
        } => {
            let engine = open_existing(&db)?;
            let stories = engine.stories(min_articles, limit.max(0), offset.max(0))?;
            match format {
                Format::Json => output::json(&stories)?,
                Format::Text => output::text(|out| output::story_list_text(out, &stories))?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Story {
            id,
            article,
            db,
            format,
        } => {
            let engine = open_existing(&db)?;
            let id = match (id, article) {
                (Some(id), _) => id,
                (None, Some(a)) => engine
                    .story_of(&a)?
                    .with_context(|| format!("no stored article {a:?} in {}", db.display()))?,
                (None, None) => unreachable!("clap requires one"),
            };
            if engine.store().read().story_dates(id).is_err() {
                anyhow::bail!(
                    "no story {id} in {} (see `wiretrace stories`)",
                    db.display()
                );
            }
            let story = engine.story(id)?;
            match format {
                Format::Json => output::json(&story)?,
                Format::Text => output::text(|out| output::story_text(out, &story))?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Similarity {
            a,
            b,
            pairs,
            db,
            story,
            common,
        } => {
            let mut config = common.config();
            story.apply(&mut config)?;
            let terms = match &db {
                Some(db) => Some(open_existing(db)?.term_stats()?),
                None => None,
            };
            let score =
                |a: &std::path::Path, b: &std::path::Path| -> anyhow::Result<SimilarityVerdict> {
                    let similarity = story_similarity(
                        &read_one(a, &config)?,
                        &read_one(b, &config)?,
                        terms.as_ref(),
                        &config.story,
                    );
                    Ok(SimilarityVerdict {
                        similarity,
                        same_story: similarity.clears(config.story.min_score),
                    })
                };
            match (a, b, pairs) {
                (Some(a), Some(b), None) => {
                    let verdict = score(&a, &b)?;
                    let sim = verdict.similarity;
                    match common.format {
                        Format::Json => output::json(&verdict)?,
                        Format::Text => output::text(|out| {
                            writeln!(
                                out,
                                "score {:.3} (terms {:.3}, actors {:.3}{}): {}",
                                sim.score,
                                sim.terms,
                                sim.actors,
                                sim.days_apart
                                    .map(|d| format!(", {d} days apart"))
                                    .unwrap_or_default(),
                                if verdict.same_story {
                                    "one story"
                                } else {
                                    "different stories"
                                }
                            )
                        })?,
                    }
                }
                (None, None, Some(list)) => {
                    let text = std::fs::read_to_string(&list)
                        .with_context(|| format!("reading {}", list.display()))?;
                    for (n, line) in text
                        .lines()
                        .enumerate()
                        .filter(|(_, l)| !l.trim().is_empty())
                    {
                        let pair: PairLine = serde_json::from_str(line).with_context(|| {
                            format!(
                                "{}:{}: expected {{\"a\": PATH, \"b\": PATH}}",
                                list.display(),
                                n + 1
                            )
                        })?;
                        let verdict = score(&pair.a, &pair.b)
                            .with_context(|| format!("{}:{}", list.display(), n + 1))?;
                        output::text(|out| writeln!(out, "{}", serde_json::to_string(&verdict)?))?;
                    }
                }
                _ => anyhow::bail!("give two article files, or --pairs FILE"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            addr,
            db,
            max_body_bytes,
            max_batch_articles,
            story,
            common,
        } => {
            let mut config = wiretrace_server::ServerConfig::new(db.clone());
            config.engine = common.config();
            story.apply(&mut config.engine)?;
            config.max_body_bytes = max_body_bytes;
            config.max_batch_articles = max_batch_articles.max(1);
            wiretrace_server::run(&addr, config, |bound| match common.format {
                Format::Json => println!(
                    "{}",
                    serde_json::json!({"listening": format!("http://{bound}"), "db": db})
                ),
                Format::Text => println!(
                    "wiretrace: serving {} on http://{bound} (Ctrl-C stops)",
                    db.display()
                ),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            table,
            db,
            format,
            output,
        } => {
            if !db.exists() {
                anyhow::bail!(
                    "no store at {} (run `wiretrace trace` first, or give --db)",
                    db.display()
                );
            }
            match (format, &output) {
                (ExportFormat::Parquet, None) => {
                    anyhow::bail!("--format parquet writes a file: give --output PATH")
                }
                (ExportFormat::Parquet, Some(_)) => {}
                (_, Some(_)) => anyhow::bail!(
                    "--output is for --format parquet; the other formats go to stdout"
                ),
                (_, None) => {}
            }
            let store = wiretrace::store::Store::open(&db)
                .with_context(|| format!("opening {}", db.display()))?;
            if let (ExportFormat::Parquet, Some(path)) = (format, &output) {
                return export_parquet(&store, table, path);
            }
            let mut out = output::RecordWriter::new(match format {
                ExportFormat::Jsonl => output::RecordFormat::Jsonl,
                ExportFormat::Json => output::RecordFormat::Json,
                ExportFormat::Csv | ExportFormat::Parquet => output::RecordFormat::Csv,
            });
            write_table(&store, table, &mut out)?;
            out.finish()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Stream one stored table into any record writer (JSON Lines, JSON, CSV or Parquet).
fn write_table(
    store: &wiretrace::store::Store,
    table: Table,
    out: &mut impl output::Records,
) -> anyhow::Result<()> {
    let r = store.read();
    match table {
        Table::Passages => r.each_passage(|p| out.write(&p))?,
        Table::Articles => r.each_article(|a| out.write(&a))?,
        Table::Stories => {
            for s in r.story_list(1, i64::MAX, 0)? {
                out.write(&s)?;
            }
        }
    }
    Ok(())
}

#[cfg(feature = "parquet")]
fn export_parquet(
    store: &wiretrace::store::Store,
    table: Table,
    path: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let name = match table {
        Table::Passages => "passages",
        Table::Articles => "articles",
        Table::Stories => "stories",
    };
    let mut out = parquet_out::ParquetWriter::create(path, parquet_out::fields(name))?;
    write_table(store, table, &mut out)?;
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "parquet"))]
fn export_parquet(
    _: &wiretrace::store::Store,
    _: Table,
    _: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this build has no Parquet export; build with `cargo build --release -p wiretrace-cli --features parquet`")
}

/// Open a store that must already exist (reading commands never create one).
fn open_existing(db: &std::path::Path) -> anyhow::Result<Engine> {
    if !db.exists() {
        anyhow::bail!(
            "no store at {} (run `wiretrace trace` first, or give --db)",
            db.display()
        );
    }
    Engine::open(db, Config::default()).with_context(|| format!("opening {}", db.display()))
}

#[derive(serde::Deserialize)]
struct PairLine {
    a: PathBuf,
    b: PathBuf,
}

#[derive(serde::Serialize)]
struct SimilarityVerdict {
    #[serde(flatten)]
    similarity: Similarity,
    /// Whether the score clears the story threshold.
    same_story: bool,
}

/// Progress on stderr: a line redrawn in place on a terminal, an occasional line otherwise.
struct ProgressLine {
    quiet: bool,
    tty: bool,
    last: Instant,
    total_bytes: u64,
    drawn: bool,
}

impl ProgressLine {
    fn new(quiet: bool) -> Self {
        ProgressLine {
            quiet,
            tty: std::io::stderr().is_terminal(),
            last: Instant::now(),
            total_bytes: 0,
            drawn: false,
        }
    }

    fn show(&mut self, p: Progress) {
        match p {
            Progress::Started { bytes, .. } => self.total_bytes = bytes,
            Progress::Skipped(e) => {
                self.clear();
                eprintln!("wiretrace: skipped {e}");
            }
            Progress::Article {
                files_done,
                articles,
                bytes_done,
            } => {
                let every = if self.tty {
                    Duration::from_millis(200)
                } else {
                    Duration::from_secs(10)
                };
                if self.quiet || self.last.elapsed() < every {
                    return;
                }
                self.last = Instant::now();
                let pct = if self.total_bytes > 0 {
                    100.0 * bytes_done as f64 / self.total_bytes as f64
                } else {
                    0.0
                };
                let line = format!(
                    "wiretrace: {articles} articles, {files_done} files, {pct:.0}% of input"
                );
                if self.tty {
                    eprint!("\r\x1b[2K{line}");
                    self.drawn = true;
                } else {
                    eprintln!("{line}");
                }
            }
        }
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            self.drawn = false;
        }
    }

    fn finish(&mut self) {
        self.clear();
    }
}
