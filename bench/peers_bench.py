#!/usr/bin/env python3
"""wiretrace beside the document-level near-duplicate tools, in one run, on one generated corpus.

Makes a venv (bench/.venv) with the peers from PyPI, then runs each as its own process on the
same articles (a set from bench/reuse_gen.py), and prints one JSON object: seconds, articles/s,
MB/s and peak memory of each, the ratio of each peer's time to wiretrace's, and, where a tool
reports pairs, precision/recall/F1 of "shares a passage" against the generator's gold.

Peers (MinHash over word 5-grams, 128 permutations, LSH at Jaccard 0.7, the usual setting):
  rensa (RMinHash + RMinHashLSH), datasketch (MinHash + MinHashLSH), both online: each article
  is queried against those before it, then inserted; datatrove's MinHash stages (signatures,
  buckets, clusters) with its local executor, which report the documents they would remove.
wiretrace runs `trace --summary-only` into a fresh store (cleaning, fingerprints, candidates,
alignment, copy groups and stories, all written to SQLite).

passim (passage-level, PySpark) is not run here yet: see docs/benchmarks.md.

    python3 bench/peers_bench.py --dir /tmp/reuse10k [--skip-install]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reuse_eval import build, prf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")
PEERS = ["rensa==0.5.0", "datasketch==2.0.0", "datatrove[processing]==0.10.1", "orjson", "spacy"]

ONLINE_MINHASH = r'''
import json, re, sys
corpus, out, tool = sys.argv[1], sys.argv[2], sys.argv[3]
word = re.compile(r"\w+")
def shingles(text):
    w = word.findall(text.lower())
    return list({" ".join(w[i:i + 5]) for i in range(max(1, len(w) - 4))})
if tool == "rensa":
    from rensa import RMinHash, RMinHashLSH
    lsh = RMinHashLSH(threshold=0.7, num_perm=128, num_bands=16)
    def sig(s):
        m = RMinHash(num_perm=128, seed=42); m.update(s); return m
else:
    from datasketch import MinHash, MinHashLSH
    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    def sig(s):
        m = MinHash(num_perm=128, seed=42)
        m.update_batch([x.encode() for x in s]); return m
ids = []
with open(corpus, encoding="utf-8") as f, open(out, "w") as o:
    for n, line in enumerate(f):
        rec = json.loads(line)
        m = sig(shingles(rec["text"]))
        for k in lsh.query(m):
            o.write(json.dumps([ids[int(k)], rec["id"]]) + "\n")
        lsh.insert(n if tool == "rensa" else str(n), m)
        ids.append(rec["id"])
'''

DATATROVE = r'''
import sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupSignature, MinhashDedupBuckets, MinhashDedupCluster
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.readers import JsonlReader
from datatrove.utils.hashing import HashConfig
data, work = sys.argv[1], sys.argv[2]
# 16 bands of 8 rows: 128 hashes, a threshold near Jaccard 0.7.
cfg = MinhashConfig(n_grams=5, num_buckets=16, hashes_per_bucket=8, hash_config=HashConfig(precision=64))
LocalPipelineExecutor(pipeline=[JsonlReader(data, text_key="text", id_key="id"),
    MinhashDedupSignature(output_folder=f"{work}/sigs", config=cfg)], tasks=1, logging_dir=f"{work}/l1").run()
LocalPipelineExecutor(pipeline=[MinhashDedupBuckets(input_folder=f"{work}/sigs", output_folder=f"{work}/buckets",
    config=cfg)], tasks=cfg.num_buckets, logging_dir=f"{work}/l2").run()
LocalPipelineExecutor(pipeline=[MinhashDedupCluster(input_folder=f"{work}/buckets", output_folder=f"{work}/remove",
    config=cfg)], tasks=1, logging_dir=f"{work}/l3").run()
'''


def venv_python(skip_install):
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    if not skip_install:
        subprocess.run([py, "-m", "pip", "install", "-q", *PEERS], check=True)
    return py


def timed(cmd, stdout=subprocess.DEVNULL):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"{cmd[0]} failed:\n{err[-3000:]}")
    return secs, usage.ru_maxrss / 1024


def gold_pairs(gen_dir):
    pos, small = set(), set()
    with open(os.path.join(gen_dir, "gold.jsonl")) as f:
        for line in f:
            g = json.loads(line)
            (small if g["small"] else pos).add(tuple(sorted((g["a"], g["b"]))))
    return pos, small


def score(found, gold):
    if gold is None:
        return None
    pos, small = gold
    found = {tuple(sorted(p)) for p in found} - small
    tp = len(found & pos)
    return prf(tp, len(found) - tp, len(pos - found))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True, help="a set made by bench/reuse_gen.py")
    ap.add_argument("--skip-install", action="store_true")
    ap.add_argument("--peers", default="rensa,datasketch,datatrove")
    args = ap.parse_args()
    corpus = os.path.join(args.dir, "articles.jsonl")
    if not os.path.exists(corpus):
        print(json.dumps({"skipped": f"no corpus at {corpus}"}))
        return 0
    meta = json.load(open(os.path.join(args.dir, "meta.json")))
    n, size = meta["articles"], meta["bytes"]
    gold = gold_pairs(args.dir) if os.path.exists(os.path.join(args.dir, "gold.jsonl")) else None
    work = tempfile.mkdtemp(prefix="wiretrace-peers-")
    exe = build()
    py = venv_python(args.skip_install)
    rows = {}

    def row(name, secs, rss, pairs=None, extra=None):
        rows[name] = {"seconds": round(secs, 2), "articles_per_s": round(n / secs, 1), "mb_per_s": round(size / 1e6 / secs, 2),
                      "peak_rss_mb": round(rss, 1), "pairs": score(pairs, gold) if pairs is not None else None, **(extra or {})}
        sys.stderr.write(f"{name}: {json.dumps(rows[name])}\n")

    db = os.path.join(work, "w.db")
    secs, rss = timed([exe, "trace", "--quiet", "--summary-only", "--format", "json", "--db", db, corpus])
    r = subprocess.run([exe, "export", "passages", "--db", db], capture_output=True, text=True, check=True)
    row("wiretrace", secs, rss, [(p["a"], p["b"]) for p in map(json.loads, r.stdout.splitlines())])
    peers = args.peers.split(",")
    for tool in ("rensa", "datasketch"):
        if tool not in peers:
            continue
        out = os.path.join(work, f"{tool}.jsonl")
        secs, rss = timed([py, "-c", ONLINE_MINHASH, corpus, out, tool])
        row(tool, secs, rss, [tuple(json.loads(l)) for l in open(out)])
    if "datatrove" in peers:
        data = os.path.join(work, "dt-input")
        os.makedirs(data)
        shutil.copy(corpus, os.path.join(data, "articles.jsonl"))
        secs, rss = timed([py, "-c", DATATROVE, data, os.path.join(work, "dt")])
        removed = 0
        for root, _, files in os.walk(os.path.join(work, "dt", "remove")):
            for f in files:
                if f.endswith(".remove"):
                    removed += os.path.getsize(os.path.join(root, f)) // 4
        row("datatrove-minhash", secs, rss, None, {"documents_flagged_duplicate": removed})
    base = rows["wiretrace"]["seconds"]
    for name, r in rows.items():
        r["time_vs_wiretrace"] = round(r["seconds"] / base, 2)
    print(json.dumps({"corpus": {"dir": args.dir, "articles": n, "bytes": size}, "machine": {"cpus": os.cpu_count()},
                      "tools": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
