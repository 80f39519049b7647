"""How fast the moderator inbox answers with many stored conversations.

Starts the real web app (`python -m bot.web`) on a tracker database seeded by
`python -m bot.moderation.seed`, signs in over HTTP and times whole page loads (request to last
byte) of the inbox: the first page, a filtered page, a search and a deep page. The first load
waits until the background indexer has read every seeded event; that time is reported apart.

    .venv/bin/python -m bot.moderation.seed --conversations 10000 --db-url sqlite:///var/bench-10k.db
    .venv/bin/python scripts/bench_moderation_inbox.py --db-url sqlite:///var/bench-10k.db
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.moderation import accounts  # noqa: E402
from bot.moderation.db import open_database  # noqa: E402

PASSWORD = "benchmark password"
PAGES = {
    "first page": "/moderation",
    "filtered: crisis on the web widget": "/moderation?flag=crisis&channel=socketio",
    "filtered: low confidence, last 7 days": None,  # filled in with dates at run time
    "search: 'bullying'": "/moderation?q=bullying",
    "page 100": "/moderation?page=100",
    "stats": "/moderation/stats",
}


def wait_for(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def timed(opener, url: str) -> float:
    started = time.perf_counter()
    with opener.open(url, timeout=600) as response:
        response.read()
        assert response.status == 200, url
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--port", type=int, default=16090)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "moderation-inbox.md")
    args = parser.parse_args()

    engine = open_database(args.db_url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(DISTINCT sender_id), count(*) "
                                            "FROM events")).one()
    try:
        accounts.create(engine, "bench", "moderator", PASSWORD, time.time())
    except accounts.AccountError:
        pass
    env = dict(os.environ, DB_URL=args.db_url, MODERATION_SECRET="bench-" + os.urandom(8).hex(),
               PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, "-m", "bot.web", "--port", str(args.port),
                               "--host", "127.0.0.1"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server_started = time.perf_counter()
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(base + "/health")
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login = opener.open(base + "/moderation/login").read().decode()
        token = re.search(r'name="csrf" value="([^"]+)"', login).group(1)
        opener.open(base + "/moderation/login", urllib.parse.urlencode(
            {"csrf": token, "name": "bench", "password": PASSWORD}).encode()).read()
        # The server indexes the seeded events in the background from its start; pages show
        # what is indexed so far. Wait until the inbox no longer says it is catching up.
        while "Still reading new messages" in opener.open(base + "/moderation").read().decode():
            time.sleep(5)
        first_index = time.perf_counter() - server_started
        week_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 7 * 86400))
        pages = dict(PAGES)
        pages["filtered: low confidence, last 7 days"] = (
            f"/moderation?flag=low_confidence&since={week_ago}")
        results = {}
        for name, path in pages.items():
            times = [timed(opener, base + path) for _ in range(args.repeat)]
            results[name] = (statistics.median(times), max(times))
    finally:
        server.terminate()
        server.wait(30)

    lines = [
        "# Moderator inbox load time",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by "
        "`scripts/bench_moderation_inbox.py`: the real web app (`python -m bot.web`, Sanic, one "
        "worker) on SQLite, whole page loads over HTTP on localhost (request to last byte), "
        f"median and slowest of {args.repeat} loads, on the shared 2-core development machine.",
        "",
        f"Database: {stored[0]} conversations, {stored[1]} Rasa events, written through Rasa's "
        "SQLTrackerStore by `python -m bot.moderation.seed` (greeting, 1-6 turns: topics, "
        "5% crisis, 10% fallback, 5% human requests, 5% thumbs-down; 50 rows a page).",
        "",
        f"Indexing every seeded event into the conversation summaries once, in the background "
        f"from server start (pages answer meanwhile, saying they are catching up): "
        f"{first_index:.0f} s. After that each load reads only events newer than the last "
        "indexed one.",
        "",
        "| page | median | slowest |",
        "| --- | ---: | ---: |",
        *[f"| {name} | {median * 1000:.0f} ms | {worst * 1000:.0f} ms |"
          for name, (median, worst) in results.items()],
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
