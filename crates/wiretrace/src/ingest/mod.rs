//! Ingest: turn paths into raw documents. Walks folders, recognises each file's format, decodes
//! bytes to text and splits JSON Lines into records. Every failure is an [`InputError`] that names
//! the file (and line) and says what is wrong, so a caller can report it and go on.

use std::fmt;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

mod warc;

/// Where a raw document came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub path: PathBuf,
    /// 1-based line in a JSON Lines file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based record number in a WARC file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<usize>,
}

impl Origin {
    /// A whole file.
    pub fn file(path: &Path) -> Origin {
        Origin {
            path: path.to_path_buf(),
            line: None,
            record: None,
        }
    }

    /// One line of a JSON Lines file.
    pub fn line(path: &Path, line: usize) -> Origin {
        Origin {
            path: path.to_path_buf(),
            line: Some(line),
            record: None,
        }
    }

    /// One record of a WARC file.
    pub fn record(path: &Path, record: usize) -> Origin {
        Origin {
            path: path.to_path_buf(),
            line: None,
            record: Some(record),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.record) {
            (Some(line), _) => write!(f, "{}:{}", self.path.display(), line),
            (None, Some(record)) => write!(f, "{} record {}", self.path.display(), record),
            (None, None) => write!(f, "{}", self.path.display()),
        }
    }
}

/// Fields an input declares about its article (from JSON; plain text declares none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declared {
    pub id: Option<String>,
    pub url: Option<String>,
    pub source: Option<String>,
    pub published: Option<String>,
    pub title: Option<String>,
    /// When a crawler fetched the page (a WARC record's date), ISO 8601.
    pub fetched: Option<String>,
}

/// What an input holds before extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Scraped page text: the first non-empty line is the headline; debris still in it.
    ScrapedText(String),
    /// An article body given as-is (the `text` of a JSON article).
    BodyText(String),
    /// A web page's HTML, decoded to text.
    Html(String),
}

/// One document read from an input, not yet cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDoc {
    pub origin: Origin,
    pub declared: Declared,
    pub content: Content,
    /// How the bytes were decoded when they were not UTF-8 (e.g. "windows-1252").
    pub decoded_from: Option<&'static str>,
    /// For HTML: where the character encoding was found ("http header", "meta tag", ...).
    pub charset_from: Option<&'static str>,
    /// Size of the input record in bytes.
    pub bytes: usize,
}

/// The input formats wiretrace recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Json,
    JsonLines,
    Html,
    Warc,
}

impl Format {
    /// The format a path's name says it has, if any.
    pub fn of(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        let ext = |e: &str| name.ends_with(e);
        if ext(".txt") || ext(".text") {
            Some(Format::Text)
        } else if ext(".jsonl") || ext(".ndjson") {
            Some(Format::JsonLines)
        } else if ext(".json") {
            Some(Format::Json)
        } else if ext(".html") || ext(".htm") || ext(".html.gz") || ext(".htm.gz") || ext(".xhtml")
        {
            Some(Format::Html)
        } else if ext(".warc") || ext(".warc.gz") {
            Some(Format::Warc)
        } else {
            None
        }
    }
}

/// Why an input (or one record of it) was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Problem {
    NotFound,
    Io {
        message: String,
    },
    UnknownFormat,
    Unsupported {
        format: &'static str,
    },
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    Empty,
    Binary,
    Undecodable {
        message: String,
    },
    BadJson {
        message: String,
    },
    NoText,
    NoBody,
    /// A compressed or archive container that cannot be read to its end.
    BadArchive {
        message: String,
    },
    /// A WARC response that holds something other than an HTML page.
    NotHtml {
        content_type: String,
    },
}

impl Problem {
    /// A short stable label, used to count skips by reason.
    pub fn label(&self) -> &'static str {
        match self {
            Problem::NotFound => "not found",
            Problem::Io { .. } => "read error",
            Problem::UnknownFormat => "unknown format",
            Problem::Unsupported { .. } => "unsupported format",
            Problem::TooLarge { .. } => "too large",
            Problem::Empty => "empty",
            Problem::Binary => "binary",
            Problem::Undecodable { .. } => "undecodable",
            Problem::BadJson { .. } => "bad JSON",
            Problem::NoText => "no text",
            Problem::NoBody => "no body after cleaning",
            Problem::BadArchive { .. } => "bad archive",
            Problem::NotHtml { .. } => "not HTML",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotFound => write!(f, "no such file or folder"),
            Problem::Io { message } => write!(f, "cannot read: {message}"),
            Problem::UnknownFormat => write!(
                f,
                "unknown format (expected .txt, .json, .jsonl, .html, .htm, .html.gz, .warc or .warc.gz)"
            ),
            Problem::Unsupported { format } => {
                write!(f, "{format} input is recognised but not supported yet; convert it to text or JSON")
            }
            Problem::TooLarge { bytes, limit } => write!(
                f,
                "{:.1} MB is over the {:.1} MB limit for one article (raise it with --max-bytes)",
                *bytes as f64 / 1e6,
                *limit as f64 / 1e6
            ),
            Problem::Empty => write!(f, "empty input"),
            Problem::Binary => write!(f, "binary data, not text"),
            Problem::Undecodable { message } => write!(f, "cannot decode text: {message}"),
            Problem::BadJson { message } => write!(f, "invalid JSON: {message}"),
            Problem::NoText => write!(f, "article has no text"),
            Problem::NoBody => write!(f, "nothing left of the article after cleaning"),
            Problem::BadArchive { message } => write!(f, "{message}"),
            Problem::NotHtml { content_type } => write!(f, "not an HTML page ({content_type}); skipped"),
        }
    }
}

/// A problem with one input, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    pub origin: Origin,
    pub problem: Problem,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.problem)
    }
}

impl std::error::Error for InputError {}

/// Limits applied while reading.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    /// Largest article (file, or JSON Lines record) read, in bytes.
    pub max_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

/// One file to read, found from the paths given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    pub format: Format,
    pub bytes: u64,
}

/// What walking the given paths found: files to read, and paths that cannot be read at all.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<InputFile>,
    pub errors: Vec<InputError>,
    /// Files inside folders whose names match no known format (not articles; not errors).
    pub ignored: usize,
}

/// Expand files and folders (recursively, in name order, hidden entries skipped) into input files.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut found = Discovery::default();
    for path in paths {
        let at = |problem| InputError {
            origin: Origin::file(path),
            problem,
        };
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                found.errors.push(at(Problem::NotFound));
                continue;
            }
            Err(e) => {
                found.errors.push(at(Problem::Io {
                    message: e.to_string(),
                }));
                continue;
            }
        };
        if meta.is_file() {
            match Format::of(path) {
                Some(format) => found.files.push(InputFile {
                    path: path.clone(),
                    format,
                    bytes: meta.len(),
                }),
                None => found.errors.push(at(Problem::UnknownFormat)),
            }
            continue;
        }
        let walker = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let p = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| path.clone());
                    found.errors.push(InputError {
                        origin: Origin::file(&p),
                        problem: Problem::Io {
                            message: e.to_string(),
                        },
                    });
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            match Format::of(entry.path()) {
                Some(format) => {
                    let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
                    found.files.push(InputFile {
                        path: entry.into_path(),
                        format,
                        bytes,
                    });
                }
                None => found.ignored += 1,
            }
        }
    }
    found
}

/// Read every document of one file. The callback gets each record or its error, in order; a bad
/// record never stops the rest of the file.
pub fn read_file(
    file: &InputFile,
    limits: ReadLimits,
    emit: &mut dyn FnMut(Result<RawDoc, InputError>),
) {
    let origin = Origin::file(&file.path);
    let fail = |problem| InputError {
        origin: origin.clone(),
        problem,
    };
    let gzipped = file.path.to_string_lossy().to_lowercase().ends_with(".gz");
    match file.format {
        Format::Warc | Format::JsonLines => {
            let f = match fs::File::open(&file.path) {
                Ok(f) => f,
                Err(e) => {
                    return emit(Err(fail(Problem::Io {
                        message: e.to_string(),
                    })))
                }
            };
            return read_stream(&file.path, file.format, gzipped, Box::new(f), limits, emit);
        }
        Format::Text | Format::Json | Format::Html => {}
    }
    let read = if gzipped {
        read_gzip_capped(&file.path, limits.max_bytes)
    } else {
        read_capped(&file.path, limits.max_bytes)
    };
    match read {
        Ok(bytes) => emit_whole(&file.path, file.format, &bytes, emit),
        Err(problem) => emit(Err(fail(problem))),
    }
}

/// Read every document of an input held in memory (an upload), as [`read_file`] reads a file of
/// that format; `name` stands for the file in origins and default ids. Gzip is recognised by its
/// magic bytes.
pub fn read_bytes(
    name: &Path,
    format: Format,
    bytes: &[u8],
    limits: ReadLimits,
    emit: &mut dyn FnMut(Result<RawDoc, InputError>),
) {
    let gzipped = bytes.starts_with(&[0x1f, 0x8b]);
    match format {
        Format::Warc | Format::JsonLines => {
            read_stream(name, format, gzipped, Box::new(bytes), limits, emit)
        }
        Format::Text | Format::Json | Format::Html => {
            let fail = |problem| InputError {
                origin: Origin::file(name),
                problem,
            };
            if bytes.len() as u64 > limits.max_bytes {
                return emit(Err(fail(Problem::TooLarge {
                    bytes: bytes.len() as u64,
                    limit: limits.max_bytes,
                })));
            }
            let unzipped;
            let bytes = if gzipped {
                match gunzip_capped(bytes, limits.max_bytes) {
                    Ok(b) => {
                        unzipped = b;
                        &unzipped[..]
                    }
                    Err(problem) => return emit(Err(fail(problem))),
                }
            } else {
                bytes
            };
            if bytes.is_empty() {
                return emit(Err(fail(Problem::Empty)));
            }
            emit_whole(name, format, bytes, emit)
        }
    }
}

/// An id for an article that declares none and has no file name to take one from (an upload):
/// a hash of its content, so the same text given twice gets the same id.
pub fn content_id(content: &Content) -> String {
    let text = match content {
        Content::ScrapedText(t) | Content::BodyText(t) | Content::Html(t) => t,
    };
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// Read a streamed format (WARC, JSON Lines) from `reader`.
fn read_stream(
    path: &Path,
    format: Format,
    gzipped: bool,
    reader: Box<dyn Read + '_>,
    limits: ReadLimits,
    emit: &mut dyn FnMut(Result<RawDoc, InputError>),
) {
    let reader: Box<dyn Read + '_> = if gzipped {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            1 << 16,
            reader,
        )))
    } else {
        reader
    };
    match format {
        Format::Warc => warc::read(path, reader, limits, emit),
        _ => read_json_lines(path, reader, limits, emit),
    }
}

/// The documents of a whole one-article input (text, HTML, JSON) already read into memory. A JSON
/// input may also hold an array of articles: each element is then a record of its own.
fn emit_whole(
    path: &Path,
    format: Format,
    bytes: &[u8],
    emit: &mut dyn FnMut(Result<RawDoc, InputError>),
) {
    let origin = Origin::file(path);
    let fail = |problem| InputError {
        origin: origin.clone(),
        problem,
    };
    let n = bytes.len();
    let doc = match format {
        Format::Text => decode(bytes).and_then(|(text, decoded_from)| {
            if text.trim().is_empty() {
                return Err(Problem::Empty);
            }
            Ok(RawDoc {
                origin: origin.clone(),
                declared: Declared::default(),
                content: Content::ScrapedText(text),
                decoded_from,
                charset_from: None,
                bytes: n,
            })
        }),
        Format::Html => decode_html(bytes, None).map(|page| RawDoc {
            origin: origin.clone(),
            declared: Declared::default(),
            content: Content::Html(page.html),
            decoded_from: page.decoded_from,
            charset_from: Some(page.charset_from),
            bytes: n,
        }),
        _ => {
            let body = trim_ascii(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
            if body.starts_with(b"[") {
                return emit_json_array(path, body, emit);
            }
            parse_json_article(bytes, origin.clone())
        }
    };
    emit(doc.map_err(fail));
}

/// Each element of a JSON array of articles, as record 1, 2, ...
fn emit_json_array(path: &Path, bytes: &[u8], emit: &mut dyn FnMut(Result<RawDoc, InputError>)) {
    let whole = Origin::file(path);
    let items: Vec<serde_json::Value> = match serde_json::from_slice(bytes) {
        Ok(items) => items,
        Err(e) => {
            return emit(Err(InputError {
                origin: whole,
                problem: Problem::BadJson {
                    message: e.to_string(),
                },
            }))
        }
    };
    if items.is_empty() {
        return emit(Err(InputError {
            origin: whole,
            problem: Problem::Empty,
        }));
    }
    for (i, item) in items.iter().enumerate() {
        let origin = Origin::record(path, i + 1);
        let bytes = serde_json::to_vec(item).unwrap_or_default();
        emit(
            parse_json_article(&bytes, origin.clone())
                .map_err(|problem| InputError { origin, problem }),
        );
    }
}

fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, Problem> {
    let f = fs::File::open(path).map_err(|e| Problem::Io {
        message: e.to_string(),
    })?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limit {
        return Err(Problem::TooLarge { bytes: size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read one byte past the limit so a file that grew since stat is still caught.
    f.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::Io {
            message: e.to_string(),
        })?;
    if bytes.len() as u64 > limit {
        return Err(Problem::TooLarge {
            bytes: bytes.len() as u64,
            limit,
        });
    }
    if bytes.is_empty() {
        return Err(Problem::Empty);
    }
    Ok(bytes)
}

/// Read a gzip file (one or many members) up to `limit` decompressed bytes.
fn read_gzip_capped(path: &Path, limit: u64) -> Result<Vec<u8>, Problem> {
    let f = fs::File::open(path).map_err(|e| Problem::Io {
        message: e.to_string(),
    })?;
    let bytes = gunzip_capped(BufReader::new(f), limit)?;
    if bytes.is_empty() {
        return Err(Problem::Empty);
    }
    Ok(bytes)
}

/// Decompress gzip data (one or many members), refusing more than `limit` bytes of output.
fn gunzip_capped(compressed: impl Read, limit: u64) -> Result<Vec<u8>, Problem> {
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(compressed)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::BadArchive {
            message: format!("cannot decompress gzip: {e}"),
        })?;
    if bytes.len() as u64 > limit {
        return Err(Problem::TooLarge {
            bytes: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

fn read_json_lines(
    path: &Path,
    reader: Box<dyn Read + '_>,
    limits: ReadLimits,
    emit: &mut dyn FnMut(Result<RawDoc, InputError>),
) {
    let whole = Origin::file(path);
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut records = 0usize;
    loop {
        buf.clear();
        line_no += 1;
        // A record longer than the limit is read through but not kept in full.
        let mut too_long = 0u64;
        let done = loop {
            let chunk = match reader.fill_buf() {
                Ok(c) => c,
                Err(e) => {
                    let origin = Origin::line(path, line_no);
                    emit(Err(InputError {
                        origin,
                        problem: Problem::Io {
                            message: e.to_string(),
                        },
                    }));
                    return;
                }
            };
            if chunk.is_empty() {
                break true;
            }
            let (take, found) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if (buf.len() as u64) + (take as u64) <= limits.max_bytes + 1 {
                buf.extend_from_slice(&chunk[..take]);
            } else {
                too_long += take as u64;
            }
            reader.consume(take);
            if found {
                break false;
            }
        };
        let origin = Origin::line(path, line_no);
        let size = buf.len() as u64 + too_long;
        if size > limits.max_bytes + 1 {
            emit(Err(InputError {
                origin,
                problem: Problem::TooLarge {
                    bytes: size,
                    limit: limits.max_bytes,
                },
            }));
        } else {
            let line = trim_ascii(&buf);
            if !line.is_empty() {
                records += 1;
                emit(
                    parse_json_article(line, origin.clone())
                        .map_err(|problem| InputError { origin, problem }),
                );
            }
        }
        if done {
            break;
        }
    }
    if records == 0 {
        emit(Err(InputError {
            origin: whole,
            problem: Problem::Empty,
        }));
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &b[start..end]
}

/// The fields of a JSON article. Unknown fields are ignored; `html` is recognised.
#[derive(Deserialize)]
struct JsonArticle {
    #[serde(default, deserialize_with = "string_or_number")]
    id: Option<String>,
    url: Option<String>,
    source: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    published: Option<String>,
    title: Option<String>,
    text: Option<String>,
    html: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

fn parse_json_article(bytes: &[u8], origin: Origin) -> Result<RawDoc, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(Problem::Undecodable {
            message: format!(
                "JSON must be UTF-8; invalid byte at offset {}",
                e.valid_up_to()
            ),
        });
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| Problem::BadJson {
        message: e.to_string(),
    })?;
    if !value.is_object() {
        return Err(Problem::BadJson {
            message: "expected one article object".into(),
        });
    }
    let a: JsonArticle = serde_json::from_value(value).map_err(|e| Problem::BadJson {
        message: e.to_string(),
    })?;
    // A declared body is taken as given; the page's HTML is read only when there is none.
    let content = match (a.text, a.html) {
        (Some(t), _) if !t.trim().is_empty() => Content::BodyText(t),
        (_, Some(h)) if !h.trim().is_empty() => Content::Html(h),
        _ => return Err(Problem::NoText),
    };
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(RawDoc {
        origin,
        declared: Declared {
            id: nonempty(a.id),
            url: nonempty(a.url),
            source: nonempty(a.source),
            published: nonempty(a.published),
            title: nonempty(a.title),
            fetched: None,
        },
        charset_from: matches!(content, Content::Html(_)).then_some("JSON (UTF-8)"),
        content,
        decoded_from: None,
        bytes: bytes.len(),
    })
}

/// Decode bytes to text: UTF-8 (BOM stripped), UTF-16 with a BOM, else the legacy encoding
/// chardetng detects. Binary data and text that does not decode cleanly are errors.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<&'static str>), Problem> {
    if bytes.is_empty() {
        return Err(Problem::Empty);
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc != encoding_rs::UTF_8 {
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
            if had_errors {
                return Err(Problem::Undecodable {
                    message: format!("invalid {} text", enc.name()),
                });
            }
            return Ok((text.into_owned(), Some(enc.name())));
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(Problem::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), None)),
        Err(utf8_err) => {
            let mut det = chardetng::EncodingDetector::new();
            det.feed(bytes, true);
            let enc = det.guess(None, false);
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            let controls = text
                .chars()
                .filter(|c| c.is_control() && !c.is_whitespace())
                .count();
            if had_errors || controls * 100 > text.chars().count().max(1) {
                return Err(Problem::Undecodable {
                    message: format!(
                        "not UTF-8 (first bad byte at offset {}) and no legacy encoding fits",
                        utf8_err.valid_up_to()
                    ),
                });
            }
            Ok((text.into_owned(), Some(enc.name())))
        }
    }
}

/// A decoded HTML page and how its encoding was chosen.
pub struct DecodedPage {
    pub html: String,
    /// The encoding's name when it was not UTF-8.
    pub decoded_from: Option<&'static str>,
    pub charset_from: &'static str,
}

static META_CHARSET: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r#"(?i)<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-z0-9_:.-]+)"#)
        .unwrap()
});

/// Decode an HTML page. The encoding comes from, in order: a byte order mark, the HTTP
/// `Content-Type` charset, a `<meta>` charset in the first 4 KB, valid UTF-8, and detection.
/// A declared encoding decodes with replacement characters for stray bytes, as browsers do.
pub fn decode_html(bytes: &[u8], http_charset: Option<&str>) -> Result<DecodedPage, Problem> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Problem::Empty);
    }
    let page =
        |text: std::borrow::Cow<'_, str>, enc: &'static encoding_rs::Encoding, from| DecodedPage {
            html: text.into_owned(),
            decoded_from: (enc != encoding_rs::UTF_8).then(|| enc.name()),
            charset_from: from,
        };
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return Ok(page(
            enc.decode_without_bom_handling(&bytes[bom_len..]).0,
            enc,
            "byte order mark",
        ));
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(Problem::Binary);
    }
    let declared = http_charset
        .and_then(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes()))
        .map(|e| (e, "http header"))
        .or_else(|| {
            META_CHARSET
                .captures(&bytes[..bytes.len().min(4096)])
                .and_then(|c| encoding_rs::Encoding::for_label(&c[1]))
                .map(|e| (e, "meta tag"))
        });
    if let Some((enc, from)) = declared {
        // A page that declares UTF-16 in ASCII is not UTF-16; browsers read it as UTF-8.
        let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            encoding_rs::UTF_8
        } else {
            enc
        };
        return Ok(page(enc.decode_without_bom_handling(bytes).0, enc, from));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(page(s.into(), encoding_rs::UTF_8, "valid UTF-8"));
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let enc = det.guess(None, true);
    Ok(page(
        enc.decode_without_bom_handling(bytes).0,
        enc,
        "detected",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(file: &InputFile, limits: ReadLimits) -> Vec<Result<RawDoc, InputError>> {
        let mut out = Vec::new();
        read_file(file, limits, &mut |r| out.push(r));
        out
    }

    fn input(path: &Path) -> InputFile {
        InputFile {
            path: path.to_path_buf(),
            format: Format::of(path).unwrap(),
            bytes: 0,
        }
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(Format::of(Path::new("a/b.TXT")), Some(Format::Text));
        assert_eq!(Format::of(Path::new("x.jsonl")), Some(Format::JsonLines));
        assert_eq!(Format::of(Path::new("x.json")), Some(Format::Json));
        assert_eq!(Format::of(Path::new("x.html.gz")), Some(Format::Html));
        assert_eq!(Format::of(Path::new("x.warc.gz")), Some(Format::Warc));
        assert_eq!(Format::of(Path::new("README.md")), None);
    }

    #[test]
    fn decodes_utf8_utf16_and_legacy() {
        assert_eq!(
            decode("héllo".as_bytes()).unwrap(),
            ("héllo".to_string(), None)
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "hé".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap().0, "hé");
        let latin1 = b"Caf\xe9 au lait, na\xefve r\xe9sum\xe9 of the d\xe9bat";
        let (text, from) = decode(latin1).unwrap();
        assert!(text.contains("Café"), "{text}");
        assert!(from.is_some());
        assert_eq!(decode(b"\x00\x01\x02binary"), Err(Problem::Binary));
        assert_eq!(decode(b""), Err(Problem::Empty));
    }

    #[test]
    fn jsonl_bad_line_is_reported_and_the_rest_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        fs::write(
            &p,
            "{\"id\":\"1\",\"text\":\"One.\"}\n{broken\n\n{\"id\":2,\"title\":\"T\",\"text\":\"Two.\"}\n{\"id\":\"3\"}\n[1]\n",
        )
        .unwrap();
        let out = collect(&input(&p), ReadLimits::default());
        assert_eq!(out.len(), 5);
        assert_eq!(out[0].as_ref().unwrap().declared.id.as_deref(), Some("1"));
        let e = out[1].as_ref().unwrap_err();
        assert_eq!(e.origin.line, Some(2));
        assert!(matches!(e.problem, Problem::BadJson { .. }));
        assert!(e.to_string().contains("a.jsonl:2: invalid JSON"), "{e}");
        assert_eq!(out[2].as_ref().unwrap().declared.id.as_deref(), Some("2"));
        assert_eq!(out[3].as_ref().unwrap_err().problem, Problem::NoText);
        assert_eq!(out[3].as_ref().unwrap_err().origin.line, Some(5));
        assert!(matches!(
            out[4].as_ref().unwrap_err().problem,
            Problem::BadJson { .. }
        ));
    }

    #[test]
    fn oversized_records_are_refused_with_their_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.txt");
        fs::write(&p, "x".repeat(5000)).unwrap();
        let out = collect(&input(&p), ReadLimits { max_bytes: 1000 });
        assert!(matches!(
            out[0].as_ref().unwrap_err().problem,
            Problem::TooLarge {
                bytes: 5000,
                limit: 1000
            }
        ));
        let j = dir.path().join("big.jsonl");
        fs::write(
            &j,
            format!(
                "{{\"text\":\"{}\"}}\n{{\"text\":\"ok\"}}\n",
                "y".repeat(5000)
            ),
        )
        .unwrap();
        let out = collect(&input(&j), ReadLimits { max_bytes: 1000 });
        assert!(matches!(
            out[0].as_ref().unwrap_err().problem,
            Problem::TooLarge { .. }
        ));
        assert!(out[1].is_ok());
    }

    #[test]
    fn html_pages_are_read_plain_or_gzipped_with_their_charset() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("page.html");
        fs::write(
            &p,
            b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9</p></body></html>",
        )
        .unwrap();
        let doc = collect(&input(&p), ReadLimits::default())
            .remove(0)
            .unwrap();
        assert!(matches!(&doc.content, Content::Html(h) if h.contains("Café")));
        assert_eq!(doc.charset_from, Some("meta tag"));
        let gz = dir.path().join("page.html.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all("<p>naïve</p>".as_bytes()).unwrap();
        let bytes = enc.finish().unwrap();
        fs::write(&gz, &bytes).unwrap();
        let doc = collect(&input(&gz), ReadLimits::default())
            .remove(0)
            .unwrap();
        assert!(matches!(&doc.content, Content::Html(h) if h.contains("naïve")));
        fs::write(&gz, &bytes[..bytes.len() - 6]).unwrap();
        let e = collect(&input(&gz), ReadLimits::default())
            .remove(0)
            .unwrap_err();
        assert!(matches!(e.problem, Problem::BadArchive { .. }), "{e}");
        let j = dir.path().join("a.jsonl");
        fs::write(&j, "{\"id\":\"h\",\"html\":\"<p>Hello</p>\"}\n").unwrap();
        let doc = collect(&input(&j), ReadLimits::default())
            .remove(0)
            .unwrap();
        assert!(matches!(&doc.content, Content::Html(h) if h == "<p>Hello</p>"));
    }

    #[test]
    fn discovery_walks_folders_in_order_and_reports_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("b.txt"), "B").unwrap();
        fs::write(dir.path().join("sub/a.json"), "{}").unwrap();
        fs::write(dir.path().join("notes.md"), "x").unwrap();
        fs::write(dir.path().join(".hidden.txt"), "x").unwrap();
        let d = discover(&[dir.path().to_path_buf(), dir.path().join("missing.txt")]);
        let names: Vec<_> = d
            .files
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["b.txt", "a.json"]);
        assert_eq!(d.ignored, 1);
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.errors[0].problem, Problem::NotFound);
    }
}
