#!/usr/bin/env python3
"""Load and faults for `wiretrace serve`, against 127.0.0.1 (a bounded script, not a test).

1. Ingest: posts a corpus of plain-text articles (JSON Lines batches, several clients at once)
   into a fresh store and reports the sustained rate: overall, and per window of 10,000.
2. Reads at that size: p50/p95/p99/max latency of GET /articles/{id} and GET /stories/{id} for
   random stored articles and their stories (one client, then several at once).
3. kill -9: posts further batches, kills the server with SIGKILL at a random moment, restarts it
   on the same store, and checks that every acknowledged article is there, whole (its stored
   body is the text sent), in a story that exists; and that no article of the killed batches is
   stored half (every stored one is whole, whether acknowledged or not). Repeated --kill-rounds.

The corpus is `bench/reuse_gen.py`'s (real articles from ../shared/datasets, re-published with
wire edits); without ../shared the script says so and stops. Prints one JSON object.

    python3 bench/serve_load.py [--articles 100000] [--clients 4] [--batch 100] [--reads 2000]
Standard library only.
"""
import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Articles posted one per request after the bulk load.
SINGLES = 2000


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def build():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/wiretrace-target"))
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "wiretrace-cli"], cwd=ROOT, env=env, check=True)
    return os.path.join(target, "release", "wiretrace")


def corpus(path, n, shared):
    if path is None:
        if not os.path.isdir(os.path.join(shared, "datasets")):
            print(json.dumps({"skipped": f"no datasets under {shared}; give --corpus FILE.jsonl"}))
            sys.exit(0)
        out = os.path.join(tempfile.gettempdir(), f"wiretrace-load-{n}")
        path = os.path.join(out, "articles.jsonl")
        if not os.path.exists(path):
            log(f"generating {n} articles into {out} ...")
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "reuse_gen.py"), "--articles", str(n),
                            "--out", out, "--max-gold-pairs", "0", "--shared", shared], check=True)
    arts = []
    with open(path) as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                arts.append({k: a.get(k) for k in ("id", "title", "source", "published", "text")})
    return arts


class Server:
    started = []

    def __init__(self, binary, db):
        self.binary, self.db, self.proc, self.addr = binary, db, None, None

    def start(self):
        self.proc = subprocess.Popen([self.binary, "serve", "--addr", "127.0.0.1:0", "--db", self.db, "--format", "json"],
                                     stdout=subprocess.PIPE, text=True)
        Server.started.append(self.proc)
        line = self.proc.stdout.readline()
        host_port = json.loads(line)["listening"].split("//")[1]
        host, port = host_port.rsplit(":", 1)
        self.addr = (host, int(port))
        return self

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)

    def conn(self):
        return http.client.HTTPConnection(*self.addr, timeout=300)


def request(conn, method, path, body=None, ctype=None):
    headers = {"Content-Type": ctype} if ctype else {}
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data


def post_batches(server, batches, clients, acked, stop_at=None):
    """Post batches from `clients` threads; record acknowledged ids. Returns (seconds, window rates)."""
    lock = threading.Lock()
    queue = list(enumerate(batches))
    queue.reverse()
    done_times = []
    errors = []

    def worker():
        conn = server.conn()
        while True:
            with lock:
                if not queue:
                    return
                i, batch = queue.pop()
            body = "\n".join(json.dumps(a) for a in batch).encode()
            try:
                status, data = request(conn, "POST", "/articles", body, "application/x-ndjson")
            except (ConnectionError, http.client.HTTPException, OSError) as e:
                if stop_at is None:
                    errors.append(str(e))
                return
            if status not in (200, 201):
                errors.append(f"{status} {data[:200]!r}")
                continue
            reply = json.loads(data)
            with lock:
                for a, r in zip(batch, reply["articles"]):
                    if r["status"] in ("new", "unchanged"):
                        acked[a["id"]] = (r["id"], r["story"])
                done_times.append((time.time(), len(batch)))

    started = time.time()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    if stop_at is not None:
        time.sleep(stop_at)
        server.kill9()
    for t in threads:
        t.join()
    if errors and stop_at is None:
        raise SystemExit(f"ingest errors: {errors[:3]}")
    return time.time() - started, sorted(done_times), started


def window_rates(done_times, started, window=10_000):
    rates, count, last_t, last_n = [], 0, started, 0
    for t, n in done_times:
        count += n
        if count - last_n >= window:
            rates.append(round((count - last_n) / (t - last_t)))
            last_t, last_n = t, count
    return rates


def latencies(server, paths, clients):
    times, failed = [], []
    lock = threading.Lock()
    queue = list(paths)

    def worker():
        conn = server.conn()
        mine = []
        while True:
            with lock:
                if not queue:
                    break
                p = queue.pop()
            t = time.perf_counter()
            status, _ = request(conn, "GET", p)
            mine.append(time.perf_counter() - t)
            if status != 200:
                failed.append(f"GET {p}: {status}")
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise SystemExit(f"{len(failed)} reads failed: {failed[:3]}")
    times.sort()
    q = lambda p: round(times[min(len(times) - 1, int(p * len(times)))] * 1000, 2)
    return {"requests": len(times), "p50_ms": q(0.50), "p95_ms": q(0.95), "p99_ms": q(0.99), "max_ms": round(times[-1] * 1000, 2),
            "mean_ms": round(statistics.mean(times) * 1000, 2)}


def whole(server, sent, stored_id):
    """The stored article's body is the text sent (as wiretrace cleans a given body: lines trimmed)."""
    conn = server.conn()
    status, data = request(conn, "GET", "/articles/" + stored_id)
    if status != 200:
        return status, False
    a = json.loads(data)
    want = [" ".join(l.split()) for l in sent["text"].splitlines()]
    want = [l for l in want if l]
    # Lines the outlet's earlier pages also carried are set apart as its template, not lost.
    removed = [r["text"] for r in a.get("removed", [])]
    rest = iter(want)
    in_order = all(any(p == w for w in rest) for p in a["body"])
    ok = in_order and len(a["body"]) + sum(1 for r in removed if r in want) >= len(want)
    ok = ok and (a.get("title") or None) == (" ".join((sent.get("title") or "").split()) or None)
    if ok:
        # Its story exists and (unless too large to list whole) lists it.
        s, d = request(conn, "GET", f"/stories/{a['story']}?passage_limit=0")
        story = json.loads(d) if s == 200 else None
        ok = story is not None and (not story.get("complete", True) or any(x["id"] == stored_id for x in story["articles"]))
    return 200, ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--corpus", help="JSON Lines articles (default: generated by bench/reuse_gen.py)")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--reads", type=int, default=2000)
    ap.add_argument("--kill-rounds", type=int, default=3)
    ap.add_argument("--kill-articles", type=int, default=3000, help="articles posted in each kill round")
    ap.add_argument("--bin", help="a built wiretrace binary (default: cargo build --release)")
    ap.add_argument("--store", help="measure reads and kill -9 on this existing store (no bulk ingest)")
    args = ap.parse_args()

    binary = args.bin or build()
    arts = corpus(args.corpus, args.articles + SINGLES + args.kill_rounds * args.kill_articles, args.shared)
    load, rest = arts[: args.articles], arts[args.articles:]
    work = tempfile.mkdtemp(prefix="wiretrace-load-")
    db = args.store or os.path.join(work, "load.db")
    report = {"articles": len(load), "clients": args.clients, "batch": args.batch, "machine_cores": os.cpu_count()}

    server = Server(binary, db).start()
    acked = {}
    if args.store:
        ids = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT id, story FROM articles").fetchall()
        acked = {i: (i, s) for i, s in ids}
        sent = set(acked)
        rest = [a for a in arts if a["id"] not in sent]
        report["articles"] = len(acked)
        load = []
    if load:
        batches = [load[i:i + args.batch] for i in range(0, len(load), args.batch)]
        log(f"ingesting {len(load)} articles in {len(batches)} batches ...")
        seconds, done, started = post_batches(server, batches, args.clients, acked)
        rates = window_rates(done, started)
        report["ingest"] = {"seconds": round(seconds, 1), "articles_per_s": round(len(load) / seconds),
                            "per_10k_window_articles_per_s": rates, "acknowledged": len(acked),
                            "text_mb_per_s": round(sum(len(a["text"]) for a in load) / 1e6 / seconds, 2)}
        log(json.dumps(report["ingest"]))

        # Single-article requests (one article per POST), the other way a service pushes.
        singles = rest[:SINGLES]
        rest = rest[SINGLES:]
        s_seconds, _, _ = post_batches(server, [[a] for a in singles], args.clients * 2, acked)
        report["ingest_one_per_request"] = {"articles": len(singles), "clients": args.clients * 2,
                                            "articles_per_s": round(len(singles) / s_seconds)}

    conn = server.conn()
    _, h = request(conn, "GET", "/healthz")
    report["stored"] = json.loads(h)
    rng = random.Random(7)
    sample = rng.sample(sorted(i for i, _ in acked.values()), min(args.reads, len(acked)))
    article_paths = ["/articles/" + i for i in sample]
    # Each article's story now (the one it joined may have merged into another since).
    story_paths = [f"/stories/{json.loads(request(conn, 'GET', p)[1])['story']}" for p in article_paths]
    # And stories drawn uniformly (a reader browsing the list rather than following articles).
    ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    story_ids = [r[0] for r in ro.execute("SELECT id FROM stories")]
    sizes = sorted(r[0] for r in ro.execute("SELECT members FROM stories"))
    report["story_sizes"] = {"stories": len(sizes), "median": sizes[len(sizes) // 2], "p99": sizes[int(len(sizes) * 0.99)],
                             "largest": sizes[-3:], "articles_in_stories_over_2000": sum(x for x in sizes if x > 2000)}
    uniform_paths = [f"/stories/{i}" for i in rng.sample(story_ids, min(args.reads, len(story_ids)))]
    report["reads"] = {
        "story_uniform_one_client": latencies(server, uniform_paths, 1),
        "article_one_client": latencies(server, article_paths, 1),
        "story_one_client": latencies(server, story_paths, 1),
        "article_4_clients": latencies(server, article_paths, 4),
        "story_4_clients": latencies(server, story_paths, 4),
        "stories_list_one_client": latencies(server, ["/stories?limit=50"] * 200, 1),
        "search_one_client": latencies(server, ["/search?q=" + w for w in ["minister", "oil%20prices", "said", "%22central%20bank%22", "football"] * 40], 1),
    }
    log(json.dumps(report["reads"]))
    server.stop()

    # kill -9 during batch ingest.
    rounds = []
    for k in range(args.kill_rounds):
        chunk, rest = rest[: args.kill_articles], rest[args.kill_articles:]
        if not chunk:
            break
        server = Server(binary, db).start()
        before = json.loads(request(server.conn(), "GET", "/healthz")[1])["articles"]
        round_acked = {}
        kill_after = rng.uniform(1.0, 4.0)
        post_batches(server, [chunk[i:i + args.batch] for i in range(0, len(chunk), args.batch)], args.clients, round_acked, stop_at=kill_after)
        server = Server(binary, db).start()
        after = json.loads(request(server.conn(), "GET", "/healthz")[1])["articles"]
        lost, broken, stored_unacked = [], [], 0
        for a in chunk:
            sid = round_acked.get(a["id"], (a["id"], None))[0]
            status, ok = whole(server, a, sid)
            if a["id"] in round_acked:
                if status != 200:
                    lost.append(a["id"])
                elif not ok:
                    broken.append(a["id"])
            elif status == 200:
                stored_unacked += 1
                if not ok:
                    broken.append(a["id"])
        server.stop()
        integrity = sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0]
        rounds.append({"killed_after_s": round(kill_after, 2), "sent": len(chunk), "acknowledged": len(round_acked),
                       "stored_before": before, "stored_after": after, "acknowledged_lost": len(lost),
                       "stored_but_not_acknowledged": stored_unacked, "half_stored": len(broken), "integrity_check": integrity})
        log(json.dumps(rounds[-1]))
        acked.update(round_acked)
    report["kill9"] = rounds
    report["kill9_acknowledged_lost"] = sum(r["acknowledged_lost"] for r in rounds)
    report["kill9_half_stored"] = sum(r["half_stored"] for r in rounds)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    try:
        main()
    finally:
        # Never leave a server behind (it holds this script's output pipe open).
        for p in Server.started:
            if p.poll() is None:
                p.kill()
