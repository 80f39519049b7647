"""`python -m bench [train] [quality] [latency]` (all three when none is named): `make bench`.

A step left out keeps its figures from the newest earlier results file, so one part can be
rerun alone (`python -m bench latency` after a code change, on the models already trained).
Writes bench/results/<timestamp>.json, .md and -*.png, and bench/SUMMARY.md (the newest).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, List, Optional

from bench import latency, machine, quality, report, training

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
STEPS = ("train", "quality", "latency")


def newest_results() -> Optional[Path]:
    files = sorted(RESULTS.glob("*.json"))
    return files[-1] if files else None


def model_path(results: dict, name: str) -> Optional[Path]:
    """Where the recorded model NAME is, or None when it was never trained."""
    recorded = results.get("training", {}).get(name)
    return training.ROOT / recorded["model"] if recorded else None


def trainings_record(workdir: Path) -> Path:
    return workdir / "trainings.json"


def train_all(workdir: Path, config: Path, reuse: bool) -> dict:
    """The starter bot first: its config.yml is Rasa's default pipeline for the NLU baseline.

    Each training is recorded in WORKDIR/trainings.json as soon as it ends; with REUSE, a model
    recorded there and still present is kept with its recorded figures instead of retrained.
    """
    record = trainings_record(workdir)
    done = json.loads(record.read_text()) if reuse and record.exists() else {}

    def once(name: str, make: Callable[[], training.Training], **extra: str) -> dict:
        if name not in done or not (training.ROOT / done[name]["model"]).exists():
            done[name] = {**make().as_dict(), **extra}
            record.write_text(json.dumps(done, indent=1))
        return done[name]

    starter = once("starter", lambda: training.starter_project(workdir),
                   project=str(workdir / "starter"))
    once("ours", lambda: training.train("ours", config, workdir, nlu_only=False))
    once("rasa_default", lambda: training.train(
        "rasa_default", Path(starter["project"]) / "config.yml", workdir, nlu_only=True))
    return done


def parser() -> argparse.ArgumentParser:
    env = os.environ.get
    main = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("steps", nargs="*", metavar="step", help=f"any of {', '.join(STEPS)}")
    main.add_argument("--config", type=Path, default=training.ROOT / "config.yml",
                      help="our pipeline and policies (default: config.yml)")
    main.add_argument("--workdir", type=Path, default=BENCH / "work",
                      help="trained models and server logs (git-ignored)")
    main.add_argument("--reuse", action="store_true",
                      help="keep models the work folder already has, with their training figures "
                           "(not after a change to config.yml or the data)")
    main.add_argument("--levels", default=env("BENCH_LEVELS", "1,10,50"),
                      help="concurrent conversations per level (BENCH_LEVELS)")
    main.add_argument("--messages", type=int, default=int(env("BENCH_MESSAGES", "300")),
                      help="messages per level at most (BENCH_MESSAGES)")
    main.add_argument("--seconds", type=float, default=float(env("BENCH_SECONDS", "40")),
                      help="seconds per level at most (BENCH_SECONDS)")
    main.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", "2")),
                      help="Rasa workers of the extra run with Redis locks; 1 leaves it out "
                           "(BENCH_WORKERS)")
    return main


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser().error(f"unknown step(s): {', '.join(sorted(unknown))}")
    steps = [step for step in STEPS if step in args.steps] or list(STEPS)
    started = time.monotonic()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    previous = newest_results() if steps != list(STEPS) else None
    results = json.loads(previous.read_text()) if previous else {}
    results.update(timestamp=stamp, machine=machine.describe(), steps=steps,
                   previous=previous.name if previous else None)
    workdir = args.workdir.resolve()
    if trainings_record(workdir).exists():
        # The models this work folder really has (`python -m bench train` so far) win over an
        # earlier results file's record, which may name models of another checkout.
        results["training"] = json.loads(trainings_record(workdir).read_text())
    if "train" in steps:
        results["training"] = train_all(workdir, args.config.resolve(), args.reuse)
    if "quality" in steps:
        results["quality"] = quality.run({"ours": model_path(results, "ours"),
                                          "rasa_default": model_path(results, "rasa_default")})
    if "latency" in steps:
        if model_path(results, "ours") is None or model_path(results, "starter") is None:
            parser().error("no trained models recorded: run `python -m bench train` first")
        plan = latency.LoadPlan(levels=[int(n) for n in args.levels.split(",")],
                                messages=args.messages, seconds=args.seconds,
                                workers=args.workers)
        results["latency"] = latency.run(
            model_path(results, "ours"), Path(results["training"]["starter"]["project"]),
            model_path(results, "starter"), workdir / "servers", plan)
    results["machine"]["load_average_at_end"] = machine.load_average()
    results["bench_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / stamp
    stem.with_suffix(".json").write_text(json.dumps(results, indent=1))
    report.plot(results, stem)
    stem.with_suffix(".md").write_text(report.markdown(results, stamp))
    (BENCH / "SUMMARY.md").write_text(report.markdown(results, f"results/{stamp}"))
    print(f"bench: {results['bench_seconds']:.0f} s; summary in {BENCH / 'SUMMARY.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
