"""`make soak`: many conversations at once for a bounded time, then a count of what was stored.

Starts the assistant (`python -m bot run`'s servers, on soak ports, with a fresh tracker
database unless DB_URL is set; or talks to a running one with --url and --db-url), runs
--conversations concurrent conversations (default 50) that each send their next message as soon
as the previous one is answered, for --seconds (default 120), and reports:

- messages sent, messages answered (HTTP 200 with at least one bot reply), errors (anything else);
- per conversation, the user events stored in the tracker store against the messages answered:
  "lost" counts answered messages missing from the store, "extra" stored messages never answered
  (duplicates, or turns stored whose answer did not arrive).

The result goes to results/soak.json and is printed. Localhost only; numbers are only
comparable on the same machine.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.services import Assistant, AssistantConfig  # noqa: E402

# A parent's conversation: onboarding, questions, paging, thanks; and a crisis disclosure.
SCRIPT = [
    "hello",
    '/inform{"user_role":"parent"}',
    "someone keeps sending my son mean messages",
    "tell me more",
    "how do i set up parental controls",
    "how much screen time is ok for a 10 year old",
    "someone is threatening to post my daughter's pics unless she pays",
    "we are in kenya",
    "how do i report a fake account on instagram",
    "thanks",
]


@dataclass
class Conversation:
    sender: str
    sent: int = 0
    answered: int = 0
    errors: int = 0
    stored: int = 0
    latencies: List[float] = field(default_factory=list)


def talk(url: str, conversation: Conversation, stop: threading.Event) -> None:
    while not stop.is_set():
        message = SCRIPT[conversation.sent % len(SCRIPT)]
        body = json.dumps({"sender": conversation.sender, "message": message}).encode()
        request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        conversation.sent += 1
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                replies = json.loads(response.read())
            if replies:
                conversation.answered += 1
                conversation.latencies.append(time.monotonic() - started)
            else:
                conversation.errors += 1
        except (urllib.error.URLError, OSError, ValueError):
            conversation.errors += 1


def stored_user_events(db_url: str, senders: List[str]) -> Dict[str, int]:
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT sender_id, COUNT(*) FROM events WHERE type_name = 'user' "
            "AND sender_id LIKE 'soak-%' GROUP BY sender_id")).fetchall()
    engine.dispose()
    counts = dict(rows)
    return {sender: counts.get(sender, 0) for sender in senders}


def soak(url: str, db_url: str, conversations: int, seconds: float) -> dict:
    run_id = uuid.uuid4().hex[:8]
    talks = [Conversation(f"soak-{run_id}-{index}") for index in range(conversations)]
    stop = threading.Event()
    with ThreadPoolExecutor(conversations) as pool:
        for conversation in talks:
            pool.submit(talk, url, conversation, stop)
        time.sleep(seconds)
        stop.set()
    stored = stored_user_events(db_url, [c.sender for c in talks])
    for conversation in talks:
        conversation.stored = stored[conversation.sender]
    latencies = sorted(latency for c in talks for latency in c.latencies)
    return {
        "conversations": conversations,
        "seconds": seconds,
        "messages_sent": sum(c.sent for c in talks),
        "messages_answered": sum(c.answered for c in talks),
        "errors": sum(c.errors for c in talks),
        "user_events_stored": sum(c.stored for c in talks),
        "lost_events": sum(max(0, c.answered - c.stored) for c in talks),
        "extra_events": sum(max(0, c.stored - c.answered) for c in talks),
        "conversations_with_stored_equal_to_answered": sum(c.stored == c.answered for c in talks),
        "latency_seconds": {
            "median": round(statistics.median(latencies), 3) if latencies else None,
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 3) if latencies else None,
        },
        "per_conversation": [
            {key: value for key, value in asdict(c).items() if key != "latencies"} for c in talks
        ],
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--url", help="a running assistant's Rasa URL (default: start one)")
    parser.add_argument("--db-url", help="its tracker database (default: DB_URL)")
    parser.add_argument("--port", type=int, default=5205, help="Rasa port when starting one")
    parser.add_argument("--output", type=Path, default=ROOT / "results" / "soak.json")
    args = parser.parse_args(argv)

    assistant: Optional[Assistant] = None
    url = args.url
    if url is None:
        if not os.environ.get("DB_URL"):
            database = Path(tempfile.mkdtemp(prefix="cop-soak-")) / "tracker.db"
            os.environ["DB_URL"] = f"sqlite:///{database}"
        log_dir = Path(tempfile.mkdtemp(prefix="cop-soak-logs-"))
        assistant = Assistant(AssistantConfig(
            rasa_port=args.port, action_port=args.port + 50, web_port=args.port + 100,
            auth_token=uuid.uuid4().hex, log_dir=log_dir))
        print(f"starting the assistant on port {args.port} (logs in {log_dir})", flush=True)
        assistant.start(timeout=900)  # a loaded machine takes minutes to load the model
        url = f"http://127.0.0.1:{args.port}"
    db_url = args.db_url or os.environ["DB_URL"]
    try:
        print(f"{args.conversations} conversations for {args.seconds:.0f} s against {url}",
              flush=True)
        result = soak(url, db_url, args.conversations, args.seconds)
    finally:
        if assistant is not None:
            assistant.stop()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    summary = {key: value for key, value in result.items() if key != "per_conversation"}
    print(json.dumps(summary, indent=2))
    print(f"written to {args.output}")
    return 0 if result["lost_events"] == 0 and result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
