#!/usr/bin/env python3
"""Evaluation of wiretrace's story clustering and story similarity. Prints one JSON object.

ECB+ (../shared/datasets/ecbplus, 772 documents, topics 1-35, two confusable real events per
topic): every document becomes a plain-text file and is fed to `wiretrace trace` in arrival order
(topic order, and shuffled with --seed); the stories are read back with `wiretrace export
articles` and scored against the gold `cluster` (topic + sub-topic = one real event):
BCubed precision/recall/F1, pairwise precision/recall/F1, adjusted Rand index, and the confusion
within topics (pairs of documents about the two different events of one topic put in one story).
Scores are given for all topics, for the tuning topics (1-20) and for the held-out ones (21-35).

  --tune   grid-searches wiretrace's story settings (threshold, actor weight, merge and split
           thresholds) on the tuning topics only, both orders, and prints the best; the
           library's defaults are set from it by hand. The baseline's distance threshold is
           always tuned the same way.

Baseline, in the same run on the same files: TF-IDF (scikit-learn, sublinear tf, English stop
words) and agglomerative clustering (average linkage, cosine distance, threshold tuned on the
tuning topics; scipy's tree, the one scikit-learn's AgglomerativeClustering builds, cut at
each threshold). It sees all documents at once, so it has no arrival order.

Story similarity against human judgements:
  - semeval2022-task8-hfl-sample: pairs whose pair_id has no language suffix (training and
    testing files); Pearson and Spearman correlation of `wiretrace similarity` score with the
    human `Overall` (1 = very similar, so a good measure correlates negatively; the sign is flipped
    in the report so higher is better); English-only pairs reported apart;
  - lee-news-similarity: correlation with the 50x50 human similarity matrix (1,225 pairs).
  Term weights come from a store holding the set's own texts (and Lee's 300 background
  documents). The baseline is TF-IDF cosine fitted on the same texts.

    python3 bench/story_eval.py [--tune] [--seed 1] [--skip-baseline]
Standard library only, except the baseline, which runs in a venv this script makes (bench/.venv).
"""
import argparse
import csv
import gzip
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpora import detokenize  # noqa: E402
from reuse_eval import build, fresh_db  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "datasets")
VENV = os.path.join(ROOT, "bench", ".venv")
TUNE_TOPICS = set(range(1, 21))

csv.field_size_limit(1 << 30)


# ---------------------------------------------------------------- metrics

def clustering_scores(pred, gold):
    """pred, gold: dict item -> label (same items). BCubed, pairwise and ARI."""
    items = sorted(gold)
    if not items:
        return {}
    by_pred, by_gold, both = Counter(), Counter(), Counter()
    for i in items:
        by_pred[pred[i]] += 1
        by_gold[gold[i]] += 1
        both[(pred[i], gold[i])] += 1
    bp = sum(both[(pred[i], gold[i])] / by_pred[pred[i]] for i in items) / len(items)
    br = sum(both[(pred[i], gold[i])] / by_gold[gold[i]] for i in items) / len(items)
    c2 = lambda n: n * (n - 1) / 2  # noqa: E731
    tp = sum(c2(n) for n in both.values())
    pp = sum(c2(n) for n in by_pred.values())
    gp = sum(c2(n) for n in by_gold.values())
    total = c2(len(items))
    expected = pp * gp / total if total else 0
    max_index = (pp + gp) / 2
    ari = (tp - expected) / (max_index - expected) if max_index != expected else 1.0
    f = lambda p, r: 2 * p * r / (p + r) if p + r else 0.0  # noqa: E731
    pw_p = tp / pp if pp else 1.0
    pw_r = tp / gp if gp else 1.0
    r3 = lambda x: round(x, 4)  # noqa: E731
    return {
        "documents": len(items), "gold_clusters": len(by_gold), "predicted_clusters": len(by_pred),
        "bcubed_precision": r3(bp), "bcubed_recall": r3(br), "bcubed_f1": r3(f(bp, br)),
        "pairwise_precision": r3(pw_p), "pairwise_recall": r3(pw_r), "pairwise_f1": r3(f(pw_p, pw_r)),
        "ari": r3(ari),
    }


def within_topic_confusion(pred, docs):
    """Of the pairs of documents about the two different events of one topic, how many share a
    story; and how many topics have a story mixing both events."""
    by_topic = defaultdict(list)
    for d in docs:
        if d["id"] in pred:
            by_topic[d["topic"]].append(d)
    cross = merged = 0
    mixed_topics = []
    for topic, ds in sorted(by_topic.items()):
        stories = defaultdict(set)
        for i, a in enumerate(ds):
            stories[pred[a["id"]]].add(a["cluster"])
            for b in ds[i + 1:]:
                if a["cluster"] != b["cluster"]:
                    cross += 1
                    merged += pred[a["id"]] == pred[b["id"]]
        if any(len(c) > 1 for c in stories.values()):
            mixed_topics.append(topic)
    return {"cross_event_pairs": cross, "cross_event_pairs_in_one_story": merged,
            "cross_event_rate": round(merged / cross, 4) if cross else 0.0,
            "topics_with_a_mixed_story": len(mixed_topics), "topics": len(by_topic)}


def cross_topic_pairs(pred, docs):
    """Pairs of documents of different topics put in one story."""
    members = defaultdict(list)
    for d in docs:
        if d["id"] in pred:
            members[pred[d["id"]]].append(d["topic"])
    n = 0
    for topics in members.values():
        c = Counter(topics)
        total = sum(c.values())
        n += (total * total - sum(v * v for v in c.values())) // 2
    return n


def report(pred, docs):
    gold = {d["id"]: d["cluster"] for d in docs if d["id"] in pred}
    out = {"missing_documents": sum(1 for d in docs if d["id"] not in pred)}
    for name, keep in (("all", lambda d: True), ("tuning_topics", lambda d: d["topic"] in TUNE_TOPICS),
                       ("held_out_topics", lambda d: d["topic"] not in TUNE_TOPICS)):
        ids = [d["id"] for d in docs if keep(d) and d["id"] in pred]
        out[name] = clustering_scores({i: pred[i] for i in ids}, {i: gold[i] for i in ids})
    out["within_topic"] = within_topic_confusion(pred, docs)
    out["cross_topic_pairs_in_one_story"] = cross_topic_pairs(pred, docs)
    return out


def pearson(x, y):
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sx = math.sqrt(sum((a - mx) ** 2 for a in x))
    sy = math.sqrt(sum((b - my) ** 2 for b in y))
    return sxy / (sx * sy) if sx and sy else 0.0


def ranks(x):
    order = sorted(range(len(x)), key=lambda i: x[i])
    r = [0.0] * len(x)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and x[order[j + 1]] == x[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def correlations(x, y):
    return {"pairs": len(x), "pearson": round(pearson(x, y), 4), "spearman": round(pearson(ranks(x), ranks(y)), 4)}


# ---------------------------------------------------------------- data

def ecb_docs():
    path = os.path.join(DATA, "ecbplus", "ecbplus-dev.jsonl.gz")
    if not os.path.exists(path):
        return None
    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            # The dataset tokenised URL lines into "http : / / ..."; they are not text.
            lines = [detokenize(s) for s in r["text_tokenized"].split("\n") if s.strip()]
            lines = [s for s in lines if not s.startswith("http")]
            docs.append({"id": r["doc"].replace(".xml", ""), "topic": r["topic"], "cluster": r["cluster"],
                         "text": "\n\n".join(lines) + "\n"})
    return docs


def write_docs(docs, folder):
    """One plain-text file per document, named so that folder order is arrival order."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    for n, d in enumerate(docs):
        with open(os.path.join(folder, f"{n:04d}~{d['id']}.txt"), "w", encoding="utf-8") as f:
            f.write(d["text"])


def trace_stories(exe, folder, work, settings=()):
    """Feed `folder` to a fresh store; return (doc id -> story, seconds, summary)."""
    db = fresh_db(os.path.join(work, "stories.db"))
    t0 = time.perf_counter()
    p = subprocess.run([exe, "trace", "--quiet", "--summary-only", "--format", "json", "--db", db, folder, *settings],
                       capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if p.returncode not in (0, 3):
        sys.exit(f"wiretrace trace failed: {p.stderr}")
    summary = json.loads(p.stdout)["summary"]
    out = subprocess.run([exe, "export", "articles", "--db", db], capture_output=True, text=True, check=True).stdout
    pred = {}
    for line in out.splitlines():
        a = json.loads(line)
        pred[a["id"].split("~", 1)[1]] = a["story"]
    return pred, seconds, summary


def settings_args(s):
    return ["--story-threshold", str(s["story_threshold"]), "--actor-weight", str(s["actor_weight"]),
            "--merge-threshold", str(s["merge_threshold"]), "--split-threshold", str(s["split_threshold"])]


def orders(docs, seed):
    shuffled = list(docs)
    random.Random(seed).shuffle(shuffled)
    return {"topic_order": docs, "shuffled": shuffled}


# ---------------------------------------------------------------- baseline (in the venv)

BASELINE = r'''
import json, sys
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
task = json.load(open(sys.argv[1]))
if task["kind"] == "cluster":
    from scipy.cluster.hierarchy import fcluster, linkage
    texts = task["texts"]
    X = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
    # The same tree as AgglomerativeClustering(linkage="average", metric="cosine"), built once
    # and cut at each threshold.
    tree = linkage(X, method="average", metric="cosine")
    out = {str(t): [int(x) for x in fcluster(tree, t, criterion="distance")] for t in task["thresholds"]}
    print(json.dumps(out))
else:
    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(task["background"])
    A = vec.transform([a for a, _ in task["pairs"]])
    B = vec.transform([b for _, b in task["pairs"]])
    sims = np.asarray(A.multiply(B).sum(axis=1)).ravel()
    print(json.dumps([float(x) for x in sims]))
'''


def venv_python():
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    ok = subprocess.run([py, "-c", "import sklearn"], capture_output=True).returncode == 0
    if not ok:
        subprocess.run([py, "-m", "pip", "install", "-q", "scikit-learn==1.5.2", "numpy"], check=True)
    return py


def run_baseline(py, task, work):
    path = os.path.join(work, "baseline_task.json")
    with open(path, "w") as f:
        json.dump(task, f)
    script = os.path.join(work, "baseline.py")
    with open(script, "w") as f:
        f.write(BASELINE)
    p = subprocess.run([py, script, path], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"baseline failed: {p.stderr[-2000:]}")
    return json.loads(p.stdout)


# ---------------------------------------------------------------- ECB+

def tune_wiretrace(exe, docs, seed, work):
    tune_docs = [d for d in docs if d["topic"] in TUNE_TOPICS]
    folders = {}
    for name, order in orders(tune_docs, seed).items():
        folders[name] = os.path.join(work, "tune-" + name)
        write_docs(order, folders[name])
    results = []
    # The time scale is not searched: too few ECB+ documents carry a date for it to matter.
    grid = [(t, a, m, sp) for t in [0.25, 0.3, 0.35] for a in [0.5, 0.75] for m in [0.4, 0.5, 1.0]
            for sp in [0.0, 0.4, 0.45, 0.5] if m >= t]
    for threshold, actor_weight, merge, split in grid:
        s = {"story_threshold": threshold, "actor_weight": actor_weight, "merge_threshold": merge,
             "split_threshold": split}
        f1 = []
        for folder in folders.values():
            pred, _, _ = trace_stories(exe, folder, work, settings_args(s))
            gold = {d["id"]: d["cluster"] for d in tune_docs if d["id"] in pred}
            f1.append(clustering_scores({i: pred[i] for i in gold}, gold)["bcubed_f1"])
        results.append((sum(f1) / len(f1), s))
    results.sort(key=lambda x: -x[0])
    return [{"mean_bcubed_f1": round(f, 4), **s} for f, s in results[:8]]


def ecbplus(exe, args, work):
    docs = ecb_docs()
    if docs is None:
        return {"skipped": "ecbplus not found under ../shared/datasets"}
    out = {"documents": len(docs), "tuning_topics": "1-20", "held_out_topics": "21-35", "seed": args.seed}
    if args.tune:
        out["tuning"] = tune_wiretrace(exe, docs, args.seed, work)
    runs = {}
    for name, order in orders(docs, args.seed).items():
        folder = os.path.join(work, "ecb-" + name)
        write_docs(order, folder)
        pred, seconds, summary = trace_stories(exe, folder, work)
        r = report(pred, docs)
        r["seconds"] = round(seconds, 3)
        r["story_ms_per_article"] = round(1000 * summary["stage_seconds"]["story"] / max(1, summary["new"]), 4)
        runs[name] = r
    out["wiretrace"] = runs
    if not args.skip_baseline:
        py = venv_python()
        thresholds = [round(0.5 + 0.025 * i, 3) for i in range(19)]
        t0 = time.perf_counter()
        labels = run_baseline(py, {"kind": "cluster", "texts": [d["text"] for d in docs], "thresholds": thresholds}, work)
        seconds = time.perf_counter() - t0
        tuned = []
        for t in thresholds:
            pred = {d["id"]: l for d, l in zip(docs, labels[str(t)])}
            gold = {d["id"]: d["cluster"] for d in docs if d["topic"] in TUNE_TOPICS}
            tuned.append((clustering_scores({i: pred[i] for i in gold}, gold)["bcubed_f1"], t))
        best_f1, best_t = max(tuned)
        pred = {d["id"]: l for d, l in zip(docs, labels[str(best_t)])}
        out["baseline"] = {"method": "TF-IDF (scikit-learn) + agglomerative clustering (average linkage, cosine distance)",
                           "distance_threshold": best_t, "tuning_bcubed_f1": best_f1,
                           "seconds_for_all_thresholds": round(seconds, 2), **report(pred, docs)}
        for name, r in runs.items():
            r["bcubed_f1_above_baseline"] = round(r["all"]["bcubed_f1"] - out["baseline"]["all"]["bcubed_f1"], 4)
    return out


# ---------------------------------------------------------------- similarity sets

def write_json_article(folder, name, text):
    path = os.path.join(folder, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"id": name, "text": text}, f)
    return path


def wiretrace_similarities(exe, texts, pairs, work, tag):
    """texts: name -> text; pairs: [(name, name)]. Scores with the store of all texts as weights."""
    folder = os.path.join(work, tag)
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    paths = {n: write_json_article(folder, n, t) for n, t in texts.items()}
    db = fresh_db(os.path.join(work, tag + ".db"))
    subprocess.run([exe, "trace", "--quiet", "--summary-only", "--format", "json", "--db", db, folder],
                   capture_output=True, check=False)
    pairs_file = os.path.join(work, tag + "-pairs.jsonl")
    with open(pairs_file, "w") as f:
        for a, b in pairs:
            f.write(json.dumps({"a": paths[a], "b": paths[b]}) + "\n")
    p = subprocess.run([exe, "similarity", "--db", db, "--pairs", pairs_file], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"wiretrace similarity failed: {p.stderr[-2000:]}")
    return [json.loads(l)["score"] for l in p.stdout.splitlines()]


def semeval(exe, args, work, py):
    folder = os.path.join(DATA, "semeval2022-task8-hfl-sample")
    if not os.path.exists(folder):
        return {"skipped": "semeval2022-task8-hfl-sample not found"}
    rows = []
    for name in ("training_set.csv.gz", "testing_set.csv.gz"):
        with gzip.open(os.path.join(folder, name), "rt", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if re.fullmatch(r"\d+_\d+", r["pair_id"]) and r["text1"].strip() and r["text2"].strip():
                    rows.append(r)
    seen, unique = set(), []
    for r in rows:
        if r["pair_id"] not in seen:
            seen.add(r["pair_id"])
            unique.append(r)
    texts, pairs, gold, english = {}, [], [], []
    for n, r in enumerate(unique):
        a, b = f"p{n}a", f"p{n}b"
        texts[a], texts[b] = r["text1"], r["text2"]
        pairs.append((a, b))
        gold.append(-float(r["Overall"]))
        english.append(r["lang1"] == "en" and r["lang2"] == "en")
    scores = wiretrace_similarities(exe, texts, pairs, work, "semeval")
    out = {"note": "correlation with -Overall (1 = very similar), pairs without a language suffix",
           "wiretrace": {"all": correlations(scores, gold),
                         "english": correlations([s for s, e in zip(scores, english) if e], [g for g, e in zip(gold, english) if e])}}
    if py:
        base = run_baseline(py, {"kind": "pairs", "background": list(texts.values()),
                                 "pairs": [(texts[a], texts[b]) for a, b in pairs]}, work)
        out["baseline_tfidf_cosine"] = {"all": correlations(base, gold),
                                        "english": correlations([s for s, e in zip(base, english) if e], [g for g, e in zip(gold, english) if e])}
    return out


def lee(exe, args, work, py):
    folder = os.path.join(DATA, "lee-news-similarity")
    if not os.path.exists(folder):
        return {"skipped": "lee-news-similarity not found"}
    docs = [l.strip() for l in open(os.path.join(folder, "lee.cor"), encoding="latin-1") if l.strip()]
    background = [l.strip() for l in open(os.path.join(folder, "lee_background.cor"), encoding="latin-1") if l.strip()]
    matrix = [[float(x) for x in l.split()] for l in open(os.path.join(folder, "similarities0-1.txt")) if l.strip()]
    texts = {f"lee{i}": t for i, t in enumerate(docs)}
    texts.update({f"bg{i}": t for i, t in enumerate(background)})
    pairs, gold = [], []
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            pairs.append((f"lee{i}", f"lee{j}"))
            gold.append(matrix[i][j])
    scores = wiretrace_similarities(exe, texts, pairs, work, "lee")
    out = {"wiretrace": correlations(scores, gold)}
    if py:
        base = run_baseline(py, {"kind": "pairs", "background": list(texts.values()),
                                 "pairs": [(texts[a], texts[b]) for a, b in pairs]}, work)
        out["baseline_tfidf_cosine"] = correlations(base, gold)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tune", action="store_true", help="grid-search the story settings on the tuning topics")
    ap.add_argument("--seed", type=int, default=1, help="seed of the shuffled arrival order")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--only", choices=["ecbplus", "semeval", "lee"], help="run one part")
    args = ap.parse_args()
    if not os.path.isdir(DATA):
        print(json.dumps({"skipped": f"no datasets at {os.path.normpath(DATA)}"}))
        return
    exe = build()
    work = tempfile.mkdtemp(prefix="wiretrace-story-eval-")
    try:
        py = None if args.skip_baseline else venv_python()
        out = {}
        for part, key, run in (("ecbplus", "ecbplus", lambda: ecbplus(exe, args, work)),
                               ("semeval", "semeval2022_task8", lambda: semeval(exe, args, work, py)),
                               ("lee", "lee", lambda: lee(exe, args, work, py))):
            if args.only in (None, part):
                sys.stderr.write(f"story_eval: {part}{' (tuning first)' if part == 'ecbplus' and args.tune else ''}...\n")
                out[key] = run()
        print(json.dumps(out, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
