"""Copy groups of a traced store scored against a generated set's families, for sets too large
for `reuse_eval.py` (which traces the set itself and writes gold pairs). Prints one JSON object.

    python3 bench/reuse_gen.py --articles 1000000 --max-gold-pairs 0 --out /tmp/reuse1m
    wiretrace trace -q --summary-only --format json --db /tmp/r1m.db /tmp/reuse1m/articles.jsonl
    python3 bench/group_ari.py --db /tmp/r1m.db --dir /tmp/reuse1m

Families (`families.json`): each generated article's original, the one it carries most words of.
Articles are read with `wiretrace export articles`, streamed, so the store's schema is not assumed.
"""
import argparse
import json
import os
import subprocess
import sys
from collections import Counter

from reuse_eval import ari, build


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="a store `wiretrace trace` filled with the set")
    ap.add_argument("--dir", required=True, help="the set, as bench/reuse_gen.py wrote it")
    args = ap.parse_args()
    families = json.load(open(os.path.join(args.dir, "families.json")))
    exe = build()
    group, story = {}, Counter()
    p = subprocess.Popen([exe, "export", "articles", "--db", args.db], stdout=subprocess.PIPE, text=True)
    for line in p.stdout:
        a = json.loads(line)
        group[a["id"]] = a["copy_group"]
        story[a["story"]] += 1
    if p.wait() != 0:
        sys.exit(f"wiretrace export failed on {args.db}")
    ids = [i for i in group if i in families]
    sizes = Counter(group.values())
    print(json.dumps({
        "articles": len(group), "scored": len(ids),
        "copy_group_ari_families": ari([families[i] for i in ids], [group[i] for i in ids]),
        "largest_group": max(sizes.values(), default=0), "groups": len(sizes),
        "largest_story": max(story.values(), default=0), "stories": len(story),
    }))


if __name__ == "__main__":
    main()
