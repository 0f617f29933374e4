#!/usr/bin/env python3
"""passim (PySpark, local mode) beside wiretrace on one generated reuse corpus. Prints one JSON object.

passim is not on PyPI: give a checkout of its public repository (github.com/dasmiq/passim, MIT),
e.g. one brought by the tool library's `fetch`; this script installs it, with pyspark 4.0.1,
graphframes-py and intervaltree, into bench/.venv (Java 17 or newer must be installed). Nothing of
passim enters this repository.

passim runs with its own defaults (character 25-grams, --all-pairs with every article its own
series, as its `passim` wrapper sets) through `spark-submit --master local[N]`, with `--pairwise
--docwise`: the pairwise alignments are written and the run stops before passim's passage
clustering, which needs the GraphFrames JAR from Maven (not reachable from this machine's
network), and which wiretrace's pair scores do not need. Both tools are scored by the same code
as bench/reuse_eval.py: pair P/R/F1 of "shares a passage" and PAN character P/R/F1.

    python3 bench/passim_bench.py --passim-src PATH --dir GENERATED_DIR [--cores 2] [--memory 6g]
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reuse_eval import build, load_gold, score_detections, trace  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")
PACKAGES = ["pyspark==4.0.1", "graphframes-py==0.9.3", "intervaltree"]


def venv(passim_src):
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    have = subprocess.run([py, "-c", "import pyspark, graphframes, intervaltree"], capture_output=True).returncode == 0
    if not have:
        subprocess.run([py, "-m", "pip", "install", "-q", *PACKAGES], check=True)
    # Installed from a copy, so no build files land in the checkout.
    src = tempfile.mkdtemp(prefix="passim-src-")
    shutil.copytree(passim_src, src, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git"))
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", src], check=True)
    shutil.rmtree(src, ignore_errors=True)
    return py


def run_passim(py, passim_src, corpus, work, cores, memory):
    inp = os.path.join(work, "passim-in.jsonl")
    with open(corpus, encoding="utf-8") as f, open(inp, "w", encoding="utf-8") as o:
        for line in f:
            r = json.loads(line)
            o.write(json.dumps({"id": r["id"], "series": r["id"], "text": r["text"]}) + "\n")
    out = os.path.join(work, "passim-out")
    shutil.rmtree(out, ignore_errors=True)
    bindir = os.path.dirname(py)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), PYSPARK_PYTHON=py,
               SPARK_CONF_DIR=os.path.join(passim_src, "conf"))
    cmd = [os.path.join(bindir, "spark-submit"), "--master", f"local[{cores}]", "--driver-memory", memory,
           os.path.join(passim_src, "passim", "seriatim.py"),
           "--all-pairs", "--fields", "xxhash64(series) as gid", "--filterpairs", "gid < gid2",
           "--pairwise", "--docwise", inp, out]
    with open(os.path.join(work, "passim.log"), "w") as log:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=log, stderr=log, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("passim failed; see " + os.path.join(work, "passim.log"))
    passages = []
    for part in glob.glob(os.path.join(out, "align.json", "part-*")):
        with open(part, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                passages.append({"a": r["id"], "b": r["id2"], "a_start": r["begin"], "a_end": r["end"],
                                 "b_start": r["begin2"], "b_end": r["end2"]})
    # ru_maxrss of children: the largest process (the JVM driver), not the sum with Python workers.
    return secs, usage.ru_maxrss / 1024, passages


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passim-src", required=True, help="a checkout of github.com/dasmiq/passim")
    ap.add_argument("--dir", required=True, help="a corpus made by bench/reuse_gen.py")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--memory", default="6g", help="Spark driver memory")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.passim_src, "passim", "seriatim.py")):
        sys.exit(f"{args.passim_src} is not a passim checkout (no passim/seriatim.py)")
    if shutil.which("java") is None:
        sys.exit("passim needs Java 17 or newer on PATH")
    gold = load_gold(args.dir)
    meta = gold["meta"]
    corpus = os.path.join(args.dir, "articles.jsonl")
    py = venv(args.passim_src)
    exe = build()
    work = tempfile.mkdtemp(prefix="wiretrace-passim-")
    rows = {}
    try:
        secs, rss, _, passages, _ = trace(exe, corpus, work)
        pair, pan = score_detections(gold, passages)
        rows["wiretrace"] = {"seconds": round(secs, 2), "peak_rss_mb": round(rss, 1), "pairs": pair, "passages": pan}
        secs, rss, passages = run_passim(py, args.passim_src, corpus, work, args.cores, args.memory)
        pair, pan = score_detections(gold, passages)
        rows["passim"] = {"seconds": round(secs, 2), "peak_rss_mb": round(rss, 1), "pairs": pair, "passages": pan,
                          "spark": f"local[{args.cores}], driver memory {args.memory}"}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for r in rows.values():
        r["articles_per_s"] = round(meta["articles"] / r["seconds"], 1)
        r["mb_per_s"] = round(meta["bytes"] / 1e6 / r["seconds"], 3)
        r["time_vs_wiretrace"] = round(r["seconds"] / rows["wiretrace"]["seconds"], 2)
    print(json.dumps({"articles": meta["articles"], "bytes": meta["bytes"], "tools": rows}, indent=1))


if __name__ == "__main__":
    main()
