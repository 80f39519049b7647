"""Turn latency and throughput through the REST webhook, ours beside the starter bot.

Targets one after another so they never share the CPU: our full stack's webhook, the same Rasa
server's /model/parse (NLU alone: the floor a turn cannot go below), the starter bot's webhook,
and, where redis-server is installed, our stack with two Rasa workers sharing Redis locks. Every target gets the same held-out messages at each concurrency level, after an
untimed warm-up.
"""
from __future__ import annotations

import asyncio
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence

from bench import stacks
from bench.load import BodyMaker, conversations_from, parse_body, run_level, webhook_body
from bench.quality import held_out
from tests.infra import RedisServer


@dataclass
class LoadPlan:
    """How much load each level gets; bounded by a message count and a time limit."""

    levels: Sequence[int] = (1, 10, 50)
    messages: int = 300
    seconds: float = 45.0
    warmup: int = 20
    conversation_length: int = 8
    # Sanic workers of the extra "ours_workers" run (Redis lock store); 1 leaves it out.
    workers: int = 2


def measure(url: str, body: BodyMaker, plan: LoadPlan, texts: Sequence[str], tag: str) -> List[dict]:
    asyncio.run(run_level(url, body, conversations_from(texts, 1, plan.warmup), plan.warmup,
                          plan.seconds, f"{tag}-warmup-{time.time_ns()}"))
    results = []
    for level in plan.levels:
        conversations = conversations_from(texts, level, plan.conversation_length)
        outcome = asyncio.run(run_level(url, body, conversations, plan.messages, plan.seconds,
                                        f"{tag}-{level}-{time.time_ns()}"))
        results.append(outcome.summary())
    return results


def run_stack(stack: stacks.Stack, plan: LoadPlan, texts: Sequence[str], with_parse: bool) -> dict:
    stack.start()
    try:
        result: Dict[str, object] = {"startup_seconds": round(stack.startup_seconds, 1),
                                     "memory_after_start": stack.memory()}
        result["webhook"] = measure(stack.webhook, webhook_body, plan, texts, stack.name)
        if with_parse:
            result["model_parse"] = measure(stack.parse, parse_body, plan, texts, stack.name)
        result["memory_after_load"] = stack.memory()
        return result
    finally:
        stack.stop()


def run_with_workers(model: Path, workdir: Path, plan: LoadPlan, texts: Sequence[str]) -> dict:
    """Our stack again with PLAN.workers Rasa workers, their locks in a Redis of its own."""
    redis = RedisServer(stacks.PORT_BASE + 7).start()
    try:
        stack = stacks.ours(model, workdir, port_base=stacks.PORT_BASE + 300,
                            workers=plan.workers, redis_url=redis.url)
        return dict(run_stack(stack, plan, texts, with_parse=False), workers=plan.workers)
    finally:
        redis.stop()


def run(our_model: Path, starter_project: Path, starter_model: Path, workdir: Path,
        plan: LoadPlan) -> dict:
    texts = [text for text, _ in held_out()]
    results = {
        "plan": {"levels": list(plan.levels), "messages_per_level": plan.messages,
                 "seconds_per_level": plan.seconds, "warmup": plan.warmup,
                 "conversation_length": plan.conversation_length},
        "ours": run_stack(stacks.ours(our_model, workdir / "ours"), plan, texts, with_parse=True),
        "starter": run_stack(stacks.starter(starter_project, starter_model, workdir / "starter-run"),
                             plan, texts, with_parse=False),
    }
    if plan.workers > 1 and shutil.which("redis-server"):
        results["ours_workers"] = run_with_workers(our_model, workdir / "ours-workers", plan, texts)
    return results
