//! WARC files (`.warc`, `.warc.gz`): every `response` record that holds an HTML page becomes a
//! raw document carrying its target URL and crawl date. A bad record is reported and the reader
//! resynchronises on the next record header, so one broken record never costs the rest of the file.
//!
//! Written here rather than taken from the `warc` crate because that reader reads a body line by
//! line, cannot skip an oversized record without buffering it, and loses its place after an error.

use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use super::{
    decode_html, gunzip_capped, Content, Declared, InputError, Origin, Problem, RawDoc, ReadLimits,
};

/// Longest header block (WARC or HTTP) read before a record is taken for garbage.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// One WARC record's named headers and its content block.
struct Record {
    warc_type: String,
    target_uri: Option<String>,
    date: Option<String>,
    content_type: Option<String>,
    block: Vec<u8>,
}

/// Why a record could not be read; `resync` says whether the stream position is lost.
struct RecordError {
    problem: Problem,
    resync: bool,
}

/// Read the records of a WARC stream (already decompressed); `path` names it in origins.
pub(super) fn read(
    path: &Path,
    inner: Box<dyn Read + '_>,
    limits: ReadLimits,
    emit: &mut dyn FnMut(Result<RawDoc, InputError>),
) {
    let whole = Origin::file(path);
    let mut reader = BufReader::with_capacity(1 << 16, inner);
    let mut number = 0usize;
    let mut pages = 0usize;
    loop {
        number += 1;
        let origin = Origin::record(path, number);
        match next_record(&mut reader, limits.max_bytes) {
            Ok(None) => break,
            Ok(Some(record)) => {
                if let Some(doc) = response_page(record, origin.clone(), limits) {
                    pages += 1;
                    emit(doc.map_err(|problem| InputError { origin, problem }));
                }
            }
            Err(RecordError { problem, resync }) => {
                // Without resync the position is kept (a skipped record) or the stream is broken.
                let broken =
                    !resync && matches!(problem, Problem::BadArchive { .. } | Problem::Io { .. });
                emit(Err(InputError { origin, problem }));
                if broken || (resync && !skip_to_next_header(&mut reader)) {
                    return;
                }
            }
        }
    }
    if pages == 0 {
        emit(Err(InputError {
            origin: whole,
            problem: Problem::NoText,
        }));
    }
}

/// An I/O error while reading a gzip stream means the archive itself is broken or truncated.
fn stream_error(e: io::Error) -> RecordError {
    let problem = if e.kind() == io::ErrorKind::UnexpectedEof {
        Problem::BadArchive {
            message: "the file ends inside a record (truncated)".into(),
        }
    } else if e.kind() == io::ErrorKind::InvalidInput || e.kind() == io::ErrorKind::InvalidData {
        Problem::BadArchive {
            message: format!("cannot decompress gzip: {e}"),
        }
    } else {
        Problem::Io {
            message: e.to_string(),
        }
    };
    RecordError {
        problem,
        resync: false,
    }
}

fn next_record(reader: &mut impl BufRead, max_bytes: u64) -> Result<Option<Record>, RecordError> {
    // Records are separated by blank lines; anything else before a version line is garbage.
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(stream_error)? == 0 {
            return Ok(None);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if line.starts_with(b"WARC/") {
            break;
        }
        return Err(RecordError {
            problem: Problem::BadArchive {
                message: "expected a WARC record header (\"WARC/1.x\")".into(),
            },
            resync: true,
        });
    }
    let headers = read_headers(reader)?;
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let length: u64 = get("Content-Length")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(RecordError {
            problem: Problem::BadArchive {
                message: "WARC record without a valid Content-Length".into(),
            },
            resync: true,
        })?;
    let warc_type = get("WARC-Type").unwrap_or_default().to_ascii_lowercase();
    if length > max_bytes || warc_type != "response" {
        // Skip the block without keeping it.
        let skipped = io::copy(&mut reader.take(length), &mut io::sink()).map_err(stream_error)?;
        if skipped < length {
            return Err(stream_error(io::ErrorKind::UnexpectedEof.into()));
        }
        if warc_type == "response" {
            return Err(RecordError {
                problem: Problem::TooLarge {
                    bytes: length,
                    limit: max_bytes,
                },
                resync: false,
            });
        }
        return Ok(Some(Record {
            warc_type,
            target_uri: None,
            date: None,
            content_type: None,
            block: Vec::new(),
        }));
    }
    let mut block = Vec::with_capacity(length as usize);
    reader
        .take(length)
        .read_to_end(&mut block)
        .map_err(stream_error)?;
    if (block.len() as u64) < length {
        return Err(stream_error(io::ErrorKind::UnexpectedEof.into()));
    }
    Ok(Some(Record {
        warc_type,
        target_uri: get("WARC-Target-URI")
            .map(|u| u.trim().trim_matches(|c| c == '<' || c == '>').to_string()),
        date: get("WARC-Date"),
        content_type: get("Content-Type"),
        block,
    }))
}

/// Header lines up to the blank line that ends them.
fn read_headers(reader: &mut impl BufRead) -> Result<Vec<(String, String)>, RecordError> {
    let mut headers = Vec::new();
    let mut line = Vec::new();
    let mut total = 0usize;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(stream_error)?;
        if n == 0 {
            return Err(stream_error(io::ErrorKind::UnexpectedEof.into()));
        }
        total += n;
        if total > MAX_HEADER_BYTES {
            return Err(RecordError {
                problem: Problem::BadArchive {
                    message: "WARC header block over 64 KB".into(),
                },
                resync: true,
            });
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            return Ok(headers);
        }
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
}

/// Read on to the line before the next record's version line. False at the end of the stream.
fn skip_to_next_header(reader: &mut impl BufRead) -> bool {
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) if !b.is_empty() => b,
            _ => return false,
        };
        if buf.starts_with(b"WARC/") {
            return true;
        }
        let take = buf
            .iter()
            .position(|&b| b == b'\n')
            .map_or(buf.len(), |i| i + 1);
        reader.consume(take);
    }
}

/// The HTML page in a response record, `None` for records that are not responses.
fn response_page(
    record: Record,
    origin: Origin,
    limits: ReadLimits,
) -> Option<Result<RawDoc, Problem>> {
    if record.warc_type != "response" {
        return None;
    }
    let is_http = record
        .content_type
        .as_deref()
        .is_some_and(|c| c.to_ascii_lowercase().contains("application/http"));
    let (headers, body) = if is_http {
        match split_http(&record.block) {
            Some((status, headers, body)) => {
                if !(200..300).contains(&status) {
                    return Some(Err(Problem::NotHtml {
                        content_type: format!("HTTP status {status}"),
                    }));
                }
                (headers, body)
            }
            None => {
                return Some(Err(Problem::BadArchive {
                    message: "response without a readable HTTP header".into(),
                }))
            }
        }
    } else {
        (Vec::new(), record.block.as_slice())
    };
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let content_type = header("Content-Type").unwrap_or("").to_string();
    let lower = content_type.to_ascii_lowercase();
    if !(lower.is_empty() || lower.contains("html")) {
        return Some(Err(Problem::NotHtml { content_type }));
    }
    let body = match body_bytes(
        body,
        header("Transfer-Encoding"),
        header("Content-Encoding"),
        limits,
    ) {
        Ok(b) => b,
        Err(p) => return Some(Err(p)),
    };
    let charset = lower
        .split(';')
        .find_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches('"').to_string());
    let bytes = body.len();
    Some(decode_html(&body, charset.as_deref()).map(|page| RawDoc {
        origin,
        declared: Declared {
            url: record.target_uri,
            fetched: record.date,
            ..Declared::default()
        },
        content: Content::Html(page.html),
        decoded_from: page.decoded_from,
        charset_from: Some(page.charset_from),
        bytes,
    }))
}

/// Split an HTTP response into status, headers and body.
fn split_http(block: &[u8]) -> Option<(u16, Vec<(String, String)>, &[u8])> {
    let end = block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| {
            block
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, i + 2))
        })?;
    let head = String::from_utf8_lossy(&block[..end.0]);
    let mut lines = head.lines();
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some((status, headers, &block[end.1..]))
}

/// Undo chunked transfer and gzip/deflate content encodings.
fn body_bytes(
    body: &[u8],
    transfer: Option<&str>,
    encoding: Option<&str>,
    limits: ReadLimits,
) -> Result<Vec<u8>, Problem> {
    let mut bytes = match transfer {
        Some(t) if t.to_ascii_lowercase().contains("chunked") => {
            dechunk(body).unwrap_or_else(|| body.to_vec())
        }
        _ => body.to_vec(),
    };
    let encoding = encoding.unwrap_or("").trim().to_ascii_lowercase();
    // Crawlers often store the decoded body but keep the header; only undo what is really there.
    if (encoding == "gzip" || encoding == "x-gzip") && bytes.starts_with(&[0x1f, 0x8b]) {
        bytes = gunzip_capped(bytes.as_slice(), limits.max_bytes)?;
    } else if encoding == "deflate" && !bytes.starts_with(b"<") {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(bytes.as_slice())
            .take(limits.max_bytes + 1)
            .read_to_end(&mut out)
            .map_err(|e| Problem::BadArchive {
                message: format!("cannot inflate the page: {e}"),
            })?;
        bytes = out;
    } else if encoding == "br" && !bytes.starts_with(b"<") {
        return Err(Problem::Unsupported {
            format: "Brotli-encoded page",
        });
    }
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Problem::TooLarge {
            bytes: bytes.len() as u64,
            limit: limits.max_bytes,
        });
    }
    Ok(bytes)
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let nl = body.iter().position(|&b| b == b'\n')?;
        let size_line = std::str::from_utf8(&body[..nl]).ok()?.trim();
        let size = usize::from_str_radix(size_line.split(';').next()?.trim(), 16).ok()?;
        body = &body[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size..)?;
        body = body
            .strip_prefix(b"\r\n")
            .or_else(|| body.strip_prefix(b"\n"))
            .unwrap_or(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::Path;

    fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2020-07-02T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(content_type: &str, body: &[u8]) -> Vec<u8> {
        let mut b = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n").into_bytes();
        b.extend_from_slice(body);
        b
    }

    fn read_all(path: &Path) -> Vec<Result<RawDoc, InputError>> {
        let file = super::super::InputFile {
            path: path.to_path_buf(),
            format: super::super::Format::Warc,
            bytes: 0,
        };
        let mut out = Vec::new();
        super::super::read_file(&file, ReadLimits::default(), &mut |r| out.push(r));
        out
    }

    #[test]
    fn html_responses_become_documents_with_url_and_date() {
        let dir = tempfile::tempdir().unwrap();
        let mut data = record("request", "http://a.example/x", b"GET /x HTTP/1.1\r\n\r\n");
        data.extend(record(
            "response",
            "http://a.example/x",
            &http("text/html; charset=windows-1252", b"<p>caf\xe9</p>"),
        ));
        data.extend(record(
            "response",
            "http://a.example/logo.png",
            &http("image/png", b"\x89PNG"),
        ));
        data.extend(b"garbage that is not a record\r\n".iter());
        data.extend(record(
            "response",
            "http://a.example/y",
            &http("text/html", b"<p>two</p>"),
        ));
        let p = dir.path().join("crawl.warc.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&data).unwrap();
        std::fs::write(&p, gz.finish().unwrap()).unwrap();
        let out = read_all(&p);
        assert_eq!(out.len(), 4, "{out:?}");
        let first = out[0].as_ref().unwrap();
        assert_eq!(first.declared.url.as_deref(), Some("http://a.example/x"));
        assert_eq!(
            first.declared.fetched.as_deref(),
            Some("2020-07-02T10:00:00Z")
        );
        assert_eq!(first.origin.record, Some(2));
        assert_eq!(first.charset_from, Some("http header"));
        assert!(matches!(&first.content, Content::Html(h) if h.contains("café")));
        let png = out[1].as_ref().unwrap_err();
        assert!(
            png.to_string().contains("not an HTML page (image/png)"),
            "{png}"
        );
        assert!(matches!(
            out[2].as_ref().unwrap_err().problem,
            Problem::BadArchive { .. }
        ));
        assert!(matches!(&out[3].as_ref().unwrap().content, Content::Html(h) if h.contains("two")));
    }

    #[test]
    fn a_truncated_gzip_keeps_the_records_before_the_cut() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&record(
            "response",
            "http://a.example/1",
            &http("text/html", b"<p>one</p>"),
        ))
        .unwrap();
        let mut bytes = gz.finish().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&record(
            "response",
            "http://a.example/2",
            &http("text/html", &vec![b'x'; 5000]),
        ))
        .unwrap();
        let second = gz.finish().unwrap();
        bytes.extend_from_slice(&second[..second.len() / 2]);
        let p = dir.path().join("cut.warc.gz");
        std::fs::write(&p, bytes).unwrap();
        let out = read_all(&p);
        assert!(out[0].is_ok());
        let e = out[1].as_ref().unwrap_err();
        assert!(matches!(e.problem, Problem::BadArchive { .. }), "{e}");
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n").unwrap(),
            b"Wikipedia"
        );
        assert!(dechunk(b"zz\r\nnope").is_none());
    }
}
