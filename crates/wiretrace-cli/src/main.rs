//! The `wiretrace` command: argument parsing and output formatting over the wiretrace library.

mod output;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use wiretrace::engine::{compare, read_articles, read_one, Progress, TraceOptions};
use wiretrace::{Config, Engine};

#[derive(Parser)]
#[command(name = "wiretrace", version, about = "Trace wire copy through the news: clean articles, find shared passages, group stories.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Clean articles and print them: headline, dateline, date, credits, body, captions, comments, removed lines.
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
        #[command(flatten)]
        common: Common,
    },
    /// Write stored records, one JSON object per line (or one JSON array): every passage with
    /// both article ids and character offsets, or every article with its groups and cleaned body.
    Export {
        /// What to write.
        #[arg(value_enum)]
        table: Table,
        /// The store to read.
        #[arg(long, env = "WIRETRACE_DB", default_value = "wiretrace.db")]
        db: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Table {
    Passages,
    Articles,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    Jsonl,
    Json,
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
            match common.format {
                Format::Json if articles.len() == 1 => output::json(&articles[0])?,
                Format::Json => output::json(&articles)?,
                Format::Text => output::articles_text(&articles),
            }
            if articles.is_empty() {
                anyhow::bail!("no article could be read");
            }
            Ok(if skipped > 0 { ExitCode::from(SOME_SKIPPED) } else { ExitCode::SUCCESS })
        }
        Command::Compare { a, b, common } => {
            let config = common.config();
            let article_a = read_one(&a, &config)?;
            let article_b = read_one(&b, &config)?;
            let alignment = compare(&article_a, &article_b, config.align);
            match common.format {
                Format::Json => output::json(&alignment)?,
                Format::Text => output::alignment_text(&article_a, &article_b, &alignment),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Trace { paths, db, quiet, summary_only, common } => {
            let mut engine = Engine::open(&db, common.config()).with_context(|| format!("opening {}", db.display()))?;
            let mut progress = ProgressLine::new(quiet);
            let options = TraceOptions { stories: !summary_only };
            let report = engine.trace_with(&paths, options, &mut |p| progress.show(p))?;
            progress.finish();
            match common.format {
                Format::Json => output::json(&report)?,
                Format::Text => output::stories_text(&report.stories),
            }
            let s = &report.summary;
            let skipped = if s.skipped > 0 {
                let reasons: Vec<String> = s.skipped_by_reason.iter().map(|(k, v)| format!("{v} {k}")).collect();
                format!(", {} skipped ({})", s.skipped, reasons.join(", "))
            } else {
                String::new()
            };
            eprintln!(
                "wiretrace: {} files, {} articles ({} new, {} already stored){}; {} aligned pairs, {} passages; {} stories; {:.2}s; store {}",
                s.files, s.articles, s.new, s.unchanged, skipped, s.aligned_pairs, s.passages, s.stories, s.seconds, db.display()
            );
            Ok(if s.skipped > 0 { ExitCode::from(SOME_SKIPPED) } else { ExitCode::SUCCESS })
        }
        Command::Export { table, db, format } => {
            if !db.exists() {
                anyhow::bail!("no store at {} (run `wiretrace trace` first, or give --db)", db.display());
            }
            let store = wiretrace::store::Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
            let mut out = output::RecordWriter::new(format == ExportFormat::Json);
            let r = store.read();
            match table {
                Table::Passages => r.each_passage(|p| out.write(&p))?,
                Table::Articles => r.each_article(|a| out.write(&a))?,
            }
            out.finish()?;
            Ok(ExitCode::SUCCESS)
        }
    }
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
        ProgressLine { quiet, tty: std::io::stderr().is_terminal(), last: Instant::now(), total_bytes: 0, drawn: false }
    }

    fn show(&mut self, p: Progress) {
        match p {
            Progress::Started { bytes, .. } => self.total_bytes = bytes,
            Progress::Skipped(e) => {
                self.clear();
                eprintln!("wiretrace: skipped {e}");
            }
            Progress::Article { files_done, articles, bytes_done } => {
                let every = if self.tty { Duration::from_millis(200) } else { Duration::from_secs(10) };
                if self.quiet || self.last.elapsed() < every {
                    return;
                }
                self.last = Instant::now();
                let pct = if self.total_bytes > 0 { 100.0 * bytes_done as f64 / self.total_bytes as f64 } else { 0.0 };
                let line = format!("wiretrace: {articles} articles, {files_done} files, {pct:.0}% of input");
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
