"""How long the redactor takes: training its tagger once, building it, and masking a message.

Every stored user message passes through the redactor (bot/privacy/tracker_store.py), so its
time per message is part of every turn. Times the full redactor and its tagger alone over every
labelled message (data/privacy/labelled/), and the tagger's training from nothing in a fresh
folder (what the first start of a fresh checkout pays). Writes bench/redaction.md.

    .venv/bin/python scripts/bench_redaction.py
"""
from __future__ import annotations

import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.privacy.redaction import Redactor  # noqa: E402
from bot.privacy.spans import read_labelled  # noqa: E402
from bot.privacy.tagger import labelled_files  # noqa: E402

REPORT = ROOT / "bench" / "redaction.md"
ROUNDS = 3


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def per_message(texts: List[str], action: Callable[[str], object]) -> List[float]:
    """Milliseconds per message, each message ROUNDS times (the first round warms caches)."""
    times = []
    for round_number in range(ROUNDS):
        for text in texts:
            elapsed = timed(lambda: action(text)) * 1000
            if round_number:
                times.append(elapsed)
    return times


def row(name: str, times: List[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return (f"| {name} | {statistics.median(ordered):.2f} ms | {p95:.2f} ms | "
            f"{ordered[-1]:.1f} ms | {1000 * len(ordered) / sum(ordered):.0f} |")


def main() -> int:
    texts = [message.text for path in labelled_files() for message in read_labelled(path)]
    with tempfile.TemporaryDirectory() as fresh:
        build_and_train = timed(lambda: Redactor(model_dir=Path(fresh)))
        build = timed(lambda: Redactor(model_dir=Path(fresh)))
        redactor = Redactor(model_dir=Path(fresh))
    tagger_only = per_message(texts, lambda text: redactor.tagger.find(redactor.nlp(text)))
    whole = per_message(texts, redactor.redact)
    lines = [
        "# Redactor speed",
        "",
        f"Measured {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC by "
        "`scripts/bench_redaction.py` on the shared 2-core development machine, one thread: "
        f"{len(texts)} labelled messages (data/privacy/labelled/), each masked {ROUNDS} times, "
        "the first round left out.",
        "",
        f"- Building the redactor and training its tagger in an empty folder (a fresh "
        f"checkout's first start): {build_and_train:.1f} s.",
        f"- Building it with the trained tagger already there (every later start): "
        f"{build:.1f} s.",
        "",
        "| per message | median | p95 | slowest | messages/s |",
        "| --- | ---: | ---: | ---: | ---: |",
        row("whole redactor (`redact`)", whole),
        row("tagger alone (tokenise, features, CRF)", tagger_only),
        "",
    ]
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
