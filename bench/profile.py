"""Where a turn's time goes: `python -m bench.profile [MODEL] [--turns N]`.

Runs held-out messages through a Rasa Agent in this process (the real action server is started
on a benchmark port, the tracker store is SQLite in the work folder) under pyinstrument, and
writes the call tree to bench/results/profile-<timestamp>.txt. The NLU parse and every policy's
prediction show up as their own branches, which is how to see what a faster config must cut.
"""
from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import List, Optional

from pyinstrument import Profiler

from bench import stacks
from bench.__main__ import BENCH, RESULTS
from bench.quality import held_out, quiet_rasa


async def _turns(model: Path, action_url: str, database: Path, texts: List[str]) -> float:
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import EndpointConfig

    quiet_rasa()
    agent = Agent.load(str(model), action_endpoint=EndpointConfig(action_url),
                       tracker_store=SQLTrackerStore(dialect="sqlite", db=str(database)))
    await agent.handle_text("hello", sender_id="profile-warmup")
    profiler = Profiler()
    started = time.perf_counter()
    with profiler:
        for n, text in enumerate(texts):
            await agent.handle_text(text, sender_id=f"profile-{n // 8}")
    elapsed = time.perf_counter() - started
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"profile-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.txt"
    out.write_text(f"{len(texts)} turns of {model.name}, {elapsed * 1000 / len(texts):.1f} ms "
                   f"per turn in-process\n\n" + profiler.output_text(
                       unicode=False, color=False, show_all=True,
                       # Rasa's frames are the point here, but only branches over 2% of the time.
                       processor_options={"filter_threshold": 0.02}))
    print(f"profile written to {out}")
    return elapsed


def main(argv: Optional[List[str]] = None) -> int:
    args = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    args.add_argument("model", type=Path, nargs="?", default=BENCH / "work" / "ours.tar.gz")
    args.add_argument("--turns", type=int, default=200)
    options = args.parse_args(argv)
    workdir = BENCH / "work" / "profile"
    # Its own ports, so a profile can run beside a benchmark.
    stack = stacks.ours(options.model.resolve(), workdir, port_base=stacks.PORT_BASE + 200)
    actions = stack.services[0]
    actions.start(stack.env, workdir)
    try:
        while not actions.is_ready():
            time.sleep(0.2)
        texts = [text for text, _ in held_out()][: options.turns]
        asyncio.run(_turns(options.model.resolve(), actions.ready_url.replace("/health", "/webhook"),
                           workdir / "tracker.db", texts))
    finally:
        actions.stop(20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
