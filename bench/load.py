"""A bounded load generator for localhost: N conversations at once, each one message at a time.

A conversation waits for the answer before it sends its next message, as a person does, so N
concurrent conversations keep at most N requests in flight; when it has sent its messages, a new
conversation takes its place. Each level stops after `messages`
answers or `seconds`, whichever comes first.
"""
from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass
from typing import Callable, List, Sequence
from urllib.parse import urlparse

import aiohttp

# Only this machine is ever loaded: a benchmark must never send traffic elsewhere.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass
class LevelResult:
    """What one concurrency level measured; latencies in milliseconds."""

    concurrency: int
    latencies_ms: List[float]
    errors: int
    seconds: float

    def summary(self) -> dict:
        ordered = sorted(self.latencies_ms)

        def percentile(share: float) -> float:
            if not ordered:
                return float("nan")
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

        return {"concurrency": self.concurrency, "messages": len(ordered), "errors": self.errors,
                "seconds": round(self.seconds, 2),
                "p50_ms": percentile(0.50), "p95_ms": percentile(0.95), "p99_ms": percentile(0.99),
                "messages_per_second": round(len(ordered) / self.seconds, 2) if self.seconds else 0}


def require_local(url: str) -> None:
    host = urlparse(url).hostname
    if host not in LOCAL_HOSTS:
        raise ValueError(f"load generators only target this machine, not {host}")


# Builds the JSON body of one request from a conversation id and the message text.
BodyMaker = Callable[[str, str], dict]


def webhook_body(sender: str, text: str) -> dict:
    return {"sender": sender, "message": text}


def parse_body(sender: str, text: str) -> dict:
    return {"text": text}


async def _conversation(session: aiohttp.ClientSession, url: str, body: BodyMaker, sender: str,
                        texts: Sequence[str], budget: "Budget", result: LevelResult) -> None:
    """One visitor after another on this connection: each sends TEXTS as one conversation, and
    the next starts under a new id. A single id for the whole run would grow one tracker to
    hundreds of turns, which no child's conversation reaches, and measure its replay instead."""
    for visitor in itertools.count():
        for text in texts:
            if not budget.take():
                return
            started = time.perf_counter()
            try:
                async with session.post(url, json=body(f"{sender}-{visitor}", text)) as response:
                    await response.read()
                    ok = response.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                ok = False
            if ok:
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                result.errors += 1


class Budget:
    """Counts down the messages a level may still send, and closes at its deadline."""

    def __init__(self, messages: int, seconds: float) -> None:
        self.left = messages
        self.deadline = time.monotonic() + seconds

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() > self.deadline:
            return False
        self.left -= 1
        return True


async def run_level(url: str, body: BodyMaker, conversations: List[List[str]], messages: int,
                    seconds: float, run_id: str) -> LevelResult:
    """Runs len(conversations) conversations at once; each conversation is a list of texts."""
    require_local(url)
    result = LevelResult(len(conversations), [], 0, 0.0)
    budget = Budget(messages, seconds)
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=len(conversations))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(
            _conversation(session, url, body, f"bench-{run_id}-{n}", texts, budget, result)
            for n, texts in enumerate(conversations)))
        result.seconds = time.perf_counter() - started
    return result


def conversations_from(texts: Sequence[str], count: int, length: int) -> List[List[str]]:
    """COUNT conversations of LENGTH messages, each starting at a different place in TEXTS."""
    step = max(1, len(texts) // max(count, 1))
    return [[texts[(n * step + i) % len(texts)] for i in range(length)] for n in range(count)]
