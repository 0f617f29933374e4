#!/usr/bin/env python3
"""HTML extraction quality and speed: wiretrace beside rs-trafilatura, dom_smoothie (Rust crates,
run by bench/extract-peers in one process), trafilatura and readability-lxml (PyPI, in the venv
bench/.venv that this script makes), on the same pages, in the same run. Prints one JSON table.

Datasets are read from ../shared/datasets (or --datasets); a set that is absent is skipped and
named in the output. Archives are unpacked once under ~/.cache/wiretrace-eval.

Scorers (written from the benchmarks' own descriptions):
  scrapinghub-aeb   4-gram shingle P/R per page, normalised per page; F1 of the mean P and mean R
                    (the benchmark's evaluate.py)
  wcxb/dev          word-level F1 of main_content (article pages), mean over pages; with/without
                    snippet rates; publication-date accuracy where the gold has a date
  l3s-gn1           word F1 of the full-text blocks; share of pages with comments whose comment
                    text stays out of the body; same for related-content blocks
  trafilatura-eval  with/without snippets: precision, recall, F1, accuracy (the upstream scoring)
  readability-test-pages  title, byline and date against expected-metadata.json
"""

import argparse
import collections
import datetime
import gzip
import html as htmllib
import json
import os
import re
import subprocess
import sys
import tarfile
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".venv"
CACHE = Path.home() / ".cache" / "wiretrace-eval"
PY_PEERS = ["trafilatura", "readability-lxml"]
RUST_PEERS = ["wiretrace", "rs-trafilatura", "dom_smoothie"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- environment

def ensure_venv():
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    have = subprocess.run([str(py), "-c", "import trafilatura, readability, lxml_html_clean"], capture_output=True)
    if have.returncode != 0:
        log("installing trafilatura and readability-lxml into bench/.venv")
        # Old pips trip over lxml's html-clean extra; a current one resolves it.
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "trafilatura==2.3.1", "readability-lxml==0.9",
                        "lxml_html_clean"], check=True)
    return py


def build_runner():
    target = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache" / "wiretrace-target"))
    log("building bench/extract-peers (release)")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path",
                    str(HERE / "extract-peers" / "Cargo.toml")],
                   check=True, env={**os.environ, "CARGO_TARGET_DIR": str(target)})
    return target / "release" / "extract-peers"


def unpack(archive, name):
    dest = CACHE / name
    stamp = dest / ".unpacked"
    if not stamp.exists():
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as t:
            t.extractall(dest, filter="data")
        stamp.touch()
    return dest


# ---------------------------------------------------------------- running extractors

PY_RUNNER = r'''
import gzip, json, sys, time, warnings
warnings.filterwarnings("ignore")
import logging; logging.disable(logging.CRITICAL)
import trafilatura
from readability import Document
import lxml.html
def read(p):
    b = open(p, "rb").read()
    return gzip.decompress(b) if p.endswith(".gz") else b
for line in sys.stdin:
    path, _, url = line.rstrip("\n").partition("\t")
    b = read(path)
    t = time.perf_counter()
    try:
        text = trafilatura.extract(b, url=url or None, include_comments=False) or ""
        meta = trafilatura.extract_metadata(b)
        r = {"text": text, "title": meta.title if meta else None, "author": meta.author if meta else None,
             "date": meta.date if meta else None}
    except Exception as e:
        r = {"error": str(e)}
    r.update(path=path, extractor="trafilatura", ms=(time.perf_counter() - t) * 1000)
    print(json.dumps(r))
    t = time.perf_counter()
    try:
        d = Document(b)
        summary = d.summary(html_partial=True)
        tree = lxml.html.fromstring(summary or "<div></div>")
        for el in tree.iter("p", "div", "h1", "h2", "h3", "h4", "li", "br", "tr"):
            el.tail = "\n\n" + (el.tail or "")
        r = {"text": tree.text_content(), "title": d.short_title(), "author": None, "date": None}
    except Exception as e:
        r = {"error": str(e)}
    r.update(path=path, extractor="readability-lxml", ms=(time.perf_counter() - t) * 1000)
    print(json.dumps(r), flush=True)
'''


def run_all(pages, runner, venv_py, peers):
    """pages: list of (path, url). Returns {extractor: {path: result}}."""
    feed = "".join(f"{p}\t{u or ''}\n" for p, u in pages)
    out = collections.defaultdict(dict)
    rust = [p for p in peers if p in RUST_PEERS]
    if rust:
        r = subprocess.run([str(runner), *rust], input=feed, capture_output=True, text=True, check=True)
        for line in r.stdout.split("\n"):
            if not line.strip():
                continue
            rec = json.loads(line)
            out[rec.get("extractor", "?")][rec["path"]] = rec
    if any(p in PY_PEERS for p in peers) and venv_py:
        r = subprocess.run([str(venv_py), "-c", PY_RUNNER], input=feed, capture_output=True, text=True)
        if r.returncode != 0:
            log(r.stderr[-2000:])
        for line in r.stdout.split("\n"):
            if not line.strip():
                continue
            rec = json.loads(line)
            out[rec["extractor"]][rec["path"]] = rec
    return {k: v for k, v in out.items() if k in peers}


# ---------------------------------------------------------------- scoring helpers

WORD = re.compile(r"\w+", re.UNICODE)


def words(text):
    return WORD.findall((text or "").lower())


def word_f1(pred, ref):
    p, r = collections.Counter(words(pred)), collections.Counter(words(ref))
    if not r:
        return 1.0 if not p else 0.0
    if not p:
        return 0.0
    overlap = sum((p & r).values())
    if overlap == 0:
        return 0.0
    prec, rec = overlap / sum(p.values()), overlap / sum(r.values())
    return 2 * prec * rec / (prec + rec)


def shingles(text, n=4):
    toks = WORD.findall(text or "")
    return collections.Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def shingle_tp_fp_fn(true, pred):
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def shingle_f1(triples):
    def prec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def rec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))
    ps = [prec(*x) for x in triples if x[0] + x[1] > 0]
    rs = [rec(*x) for x in triples if x[0] + x[2] > 0]
    P = sum(ps) / len(ps) if ps else 0.0
    R = sum(rs) / len(rs) if rs else 0.0
    return {"f1": round(2 * P * R / (P + R), 4) if P + R else 0.0, "precision": round(P, 4), "recall": round(R, 4)}


def norm(s):
    s = unicodedata.normalize("NFKC", s or "")
    s = s.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "}))
    return " ".join(s.lower().split())


def date_of(v):
    if not v:
        return None
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", str(v))
    return m.group(0) if m else None


def date_scores(pairs):
    """pairs: (gold or None, predicted or None). F over pages whose gold has a date."""
    gold = [(g, p) for g, p in pairs if g]
    predicted = [(g, p) for g, p in gold if p]
    correct = sum(1 for g, p in predicted if g == p)
    P = correct / len(predicted) if predicted else 0.0
    R = correct / len(gold) if gold else 0.0
    return {"f": round(2 * P * R / (P + R), 4) if P + R else 0.0, "precision": round(P, 4), "recall": round(R, 4),
            "pages_with_gold_date": len(gold)}


def speed(results):
    ms = sorted(r.get("ms", 0.0) for r in results.values())
    total = sum(ms)
    return {"ms_per_page": round(total / len(ms), 2) if ms else None,
            "p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 2) if ms else None,
            "pages_per_s": round(1000 * len(ms) / total, 1) if total else None}


# ---------------------------------------------------------------- datasets

def eval_scrapinghub(ds, run):
    root = ds / "scrapinghub-aeb"
    gt = json.loads((root / "ground-truth.json").read_text())
    pages = [(str(root / "html" / f"{k}.html.gz"), v.get("url")) for k, v in gt.items()]
    results = run(pages)
    table = {}
    for name, res in results.items():
        triples = [shingle_tp_fp_fn(v["articleBody"], res.get(str(root / "html" / f"{k}.html.gz"), {}).get("text", ""))
                   for k, v in gt.items()]
        table[name] = {**shingle_f1(triples), **speed(res)}
    return {"pages": len(pages), "scores": table}


def eval_wcxb(ds, run):
    root = ds / "wcxb" / "dev"
    items = []
    for f in sorted((root / "ground-truth").glob("*.json")):
        d = json.loads(f.read_text())
        kind = (d.get("_internal") or {}).get("page_type", {}).get("primary")
        if kind != "article":
            continue
        items.append((str(root / "html" / f"{f.stem}.html.gz"), d))
    results = run([(p, d.get("url")) for p, d in items])
    table = {}
    for name, res in results.items():
        f1s, with_hit, with_n, without_hit, without_n, dates = [], 0, 0, 0, 0, []
        wrong = gold_is_modified = 0
        for p, d in items:
            g = d["ground_truth"]
            out = res.get(p, {})
            text = out.get("text") or ""
            f1s.append(word_f1(text, g.get("main_content", "")))
            nt = norm(text)
            for s in g.get("with") or []:
                with_n += 1
                with_hit += norm(s) in nt
            for s in g.get("without") or []:
                without_n += 1
                without_hit += norm(s) not in nt
            gold_date, date = date_of(g.get("publish_date")), date_of(out.get("date"))
            dates.append((gold_date, date))
            if gold_date and date and date != gold_date:
                wrong += 1
                # Extractors that report a modification date: is the gold that one?
                gold_is_modified += date_of(out.get("modified")) == gold_date
        table[name] = {"word_f1": round(sum(f1s) / len(f1s), 4),
                       "with_found": round(with_hit / with_n, 4) if with_n else None,
                       "without_kept_out": round(without_hit / without_n, 4) if without_n else None,
                       "date": {**date_scores(dates), "wrong": wrong,
                                "wrong_where_gold_is_the_modified_date": gold_is_modified},
                       **speed(res)}
    golds = [(p, date_of(d["ground_truth"].get("publish_date"))) for p, d in items]
    absent = sum(1 for p, g in golds if g and not date_written_in(gzip.open(p).read(), g))
    return {"pages": len(items), "gold_dates": sum(1 for _, g in golds if g),
            "gold_dates_not_written_in_the_page": absent, "scores": table}


def date_written_in(page, iso):
    """Whether the page's HTML holds the date in a common written form (ISO, US, day first)."""
    d = datetime.date.fromisoformat(iso)
    forms = {iso, iso.replace("-", "/"), d.strftime("%Y%m%d"), d.strftime("%d.%m.%Y"),
             d.strftime("%m/%d/%Y"), d.strftime("%d/%m/%Y"), f"{d.month}/{d.day}/{d.year}",
             f"{d.strftime('%B')} {d.day}, {d.year}", d.strftime("%B %d, %Y"),
             f"{d.strftime('%b')} {d.day}, {d.year}", d.strftime("%b %d, %Y"),
             f"{d.strftime('%b')}. {d.day}, {d.year}", f"{d.day} {d.strftime('%B')} {d.year}",
             f"{d.day} {d.strftime('%b')} {d.year}", d.strftime("%d %b %Y")}
    text = page.decode("utf-8", "replace").lower()
    return any(f.lower() in text for f in forms)


L3S_SPAN = re.compile(r'<span class="x-nc-sel(\d)">(.*?)</span>', re.S)
TAG = re.compile(r"<[^>]+>")


def eval_l3s(ds, run):
    archive = ds / "l3s-gn1" / "L3S-GN1-html.tar.xz"
    base = next(unpack(archive, "l3s-gn1").rglob("annotated")).parent
    items = []
    for ann in sorted((base / "annotated").glob("*.html")):
        raw = ann.read_bytes().decode("utf-8", "replace")
        blocks = collections.defaultdict(list)
        for label, inner in L3S_SPAN.findall(raw):
            blocks[int(label)].append(htmllib.unescape(TAG.sub(" ", inner)))
        orig = base / "original" / ann.name
        if orig.exists():
            items.append((str(orig), {k: " ".join(v) for k, v in blocks.items()}))
    results = run([(p, None) for p, _ in items])
    table = {}
    for name, res in results.items():
        f1s, with_comments, comments_out, with_related, related_out = [], 0, 0, 0, 0
        for p, gold in items:
            text = res.get(p, {}).get("text") or ""
            f1s.append(word_f1(text, gold.get(2, "")))
            body_sh = set(shingles(gold.get(2, "") + " " + gold.get(1, "")))
            out_sh = set(shingles(text))
            for label, counter in ((5, "comments"), (4, "related")):
                sh = set(shingles(gold.get(label, ""))) - body_sh
                if len(sh) < 3:
                    continue
                leaked = len(sh & out_sh) / len(sh)
                if label == 5:
                    with_comments += 1
                    comments_out += leaked < 0.1
                else:
                    with_related += 1
                    related_out += leaked < 0.1
        table[name] = {"body_word_f1": round(sum(f1s) / len(f1s), 4),
                       "comments_kept_out": round(comments_out / with_comments, 4) if with_comments else None,
                       "pages_with_comments": with_comments,
                       "related_kept_out": round(related_out / with_related, 4) if with_related else None,
                       "pages_with_related": with_related, **speed(res)}
    return {"pages": len(items), "scores": table}


def eval_trafilatura_eval(ds, run):
    base = unpack(ds / "trafilatura-eval" / "trafilatura-eval.tar.xz", "trafilatura-eval")
    tests = next(base.rglob("evaldata.json")).parent
    data = json.loads((tests / "evaldata.json").read_text())
    items = []
    for url, d in data.items():
        for folder in ("eval", "cache"):
            p = tests / folder / d["file"]
            if p.exists():
                items.append((str(p), url, d))
                break
    results = run([(p, u) for p, u, _ in items])
    table = {}
    for name, res in results.items():
        tp = fn = fp = tn = 0
        for p, _, d in items:
            nt = norm(res.get(p, {}).get("text") or "")
            for s in d.get("with") or []:
                if norm(s) in nt:
                    tp += 1
                else:
                    fn += 1
            for s in d.get("without") or []:
                if norm(s) in nt:
                    fp += 1
                else:
                    tn += 1
        P = tp / (tp + fp) if tp + fp else 0.0
        R = tp / (tp + fn) if tp + fn else 0.0
        table[name] = {"f1": round(2 * P * R / (P + R), 4) if P + R else 0.0, "precision": round(P, 4),
                       "recall": round(R, 4), "accuracy": round((tp + tn) / max(1, tp + tn + fp + fn), 4),
                       **speed(res)}
    return {"pages": len(items), "scores": table}


def eval_readability(ds, run):
    base = unpack(ds / "readability-test-pages" / "pages.tar.gz", "readability-test-pages")
    items = []
    for d in sorted(p for p in base.rglob("*") if (p / "source.html").exists()):
        meta_path = d / "expected-metadata.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        expected = (d / "expected.html").read_text(errors="replace") if (d / "expected.html").exists() else ""
        items.append((str(d / "source.html"), meta, htmllib.unescape(TAG.sub(" ", expected))))
    results = run([(p, None) for p, _, _ in items])
    table = {}
    for name, res in results.items():
        title_ok = title_n = by_ok = by_n = 0
        dates, f1s = [], []
        for p, meta, expected in items:
            out = res.get(p, {})
            if meta.get("title"):
                title_n += 1
                title_ok += norm(out.get("title")) == norm(meta["title"])
            if meta.get("byline"):
                by_n += 1
                b = norm(out.get("author"))
                by_ok += bool(b) and (b in norm(meta["byline"]) or norm(meta["byline"]) in b)
            dates.append((date_of(meta.get("publishedTime")), date_of(out.get("date"))))
            f1s.append(word_f1(out.get("text") or "", expected))
        table[name] = {"title_exact": round(title_ok / title_n, 4) if title_n else None,
                       "byline_match": round(by_ok / by_n, 4) if by_n else None,
                       "date": date_scores(dates), "body_word_f1_vs_readability": round(sum(f1s) / len(f1s), 4),
                       **speed(res)}
    return {"pages": len(items), "scores": table}


SETS = {
    "scrapinghub-aeb": (eval_scrapinghub, "scrapinghub-aeb/ground-truth.json"),
    "wcxb-dev-articles": (eval_wcxb, "wcxb/dev/ground-truth"),
    "l3s-gn1": (eval_l3s, "l3s-gn1/L3S-GN1-html.tar.xz"),
    "trafilatura-eval": (eval_trafilatura_eval, "trafilatura-eval/trafilatura-eval.tar.xz"),
    "readability-test-pages": (eval_readability, "readability-test-pages/pages.tar.gz"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--only", nargs="*", choices=sorted(SETS), help="run these sets only")
    ap.add_argument("--peers", nargs="*", default=RUST_PEERS + PY_PEERS,
                    help="extractors to run (default: all)")
    args = ap.parse_args()
    report = {"datasets": str(args.datasets), "sets": {}, "skipped": {}}
    wanted = args.only or list(SETS)
    present = {k: v for k, v in SETS.items() if k in wanted and (args.datasets / v[1]).exists()}
    for k in wanted:
        if k not in present:
            report["skipped"][k] = "dataset not found"
    if not present:
        print(json.dumps(report, indent=2))
        return
    runner = build_runner()
    venv_py = ensure_venv() if any(p in PY_PEERS for p in args.peers) else None
    for name, (fn, _) in present.items():
        log(f"{name}: extracting")
        started = time.time()
        report["sets"][name] = fn(args.datasets, lambda pages: run_all(pages, runner, venv_py, args.peers))
        report["sets"][name]["seconds"] = round(time.time() - started, 1)
        log(f"{name}: done in {report['sets'][name]['seconds']} s")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
