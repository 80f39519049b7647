"""Trains the models a benchmark compares, one at a time, and times each training.

Every `rasa train` waits on the machine-wide lock that `make train` also takes: the machine has
two cores and other checkouts train too, so two trainings at once would time each other badly.
"""
from __future__ import annotations

import fcntl
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

ROOT = Path(__file__).resolve().parent.parent
RASA = Path(sys.executable).parent / "rasa"
TRAIN_LOCK = "/tmp/cop-assistant-train.lock"
NLU_DATA = ROOT / "data" / "nlu"
TRAIN_DATA = [ROOT / "data" / name for name in ("nlu", "stories", "rules")]


@dataclass
class Training:
    """A trained model and what it cost."""

    name: str
    model: Path
    seconds: float
    waited_for_lock_seconds: float
    cpu_seconds: float

    @property
    def model_megabytes(self) -> float:
        return self.model.stat().st_size / 1e6

    def as_dict(self) -> dict:
        return {"model": str(self.model.relative_to(ROOT)), "seconds": round(self.seconds, 1),
                "waited_for_lock_seconds": round(self.waited_for_lock_seconds, 1),
                "cpu_seconds": round(self.cpu_seconds, 1),
                "model_megabytes": round(self.model_megabytes, 2)}


def rasa_env() -> dict:
    return dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2",
                PYTHONPATH=str(ROOT))


def locked_rasa(args: List[str], cwd: Path, log: Path) -> Tuple[float, float, float]:
    """Runs `rasa ARGS` under the training lock; returns seconds training, waiting, and CPU.

    The lock is taken here (not by the `flock` command) so that the time spent waiting for
    another developer's training is not counted as our training time. The CPU seconds the
    training used (user + system) change little when other work slows the wall clock. Rasa's
    training cache is left out (an empty folder, nothing written): a component it kept from an
    earlier training would not be trained again, and the time would not be a training's.
    """
    waited = time.monotonic()
    with open(TRAIN_LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = time.monotonic()
        cpu_before = _children_cpu_seconds()
        with open(log, "wb") as output, tempfile.TemporaryDirectory() as cache:
            env = dict(rasa_env(), RASA_CACHE_DIRECTORY=cache, RASA_MAX_CACHE_SIZE="0")
            result = subprocess.run([str(RASA), *args], cwd=cwd, env=env,
                                    stdout=output, stderr=subprocess.STDOUT)
        finished = time.monotonic()
    if result.returncode != 0:
        raise RuntimeError(f"rasa {' '.join(args[:2])} failed; see {log}")
    return finished - started, started - waited, _children_cpu_seconds() - cpu_before


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def train(name: str, config: Path, workdir: Path, nlu_only: bool) -> Training:
    """Trains `config` on our data (NLU only, or NLU and dialogue) into WORKDIR/NAME.tar.gz."""
    workdir.mkdir(parents=True, exist_ok=True)
    command = ["train", "nlu", "--nlu", str(NLU_DATA)] if nlu_only else \
        ["train", "--data", *map(str, TRAIN_DATA), "--domain", str(ROOT / "domain.yml")]
    command += ["--config", str(config), "--out", str(workdir), "--fixed-model-name", name]
    seconds, waited, cpu = locked_rasa(command, ROOT, workdir / f"{name}-train.log")
    return Training(name, workdir / f"{name}.tar.gz", seconds, waited, cpu)


def starter_project(workdir: Path) -> Training:
    """Rasa's starter bot, exactly as `rasa init --no-prompt` creates and trains it.

    Its config.yml (empty pipeline and policies, so Rasa's defaults) is the "default pipeline"
    that the quality benchmark also trains on our data.
    """
    project = workdir.resolve() / "starter"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)  # `rasa init --init-dir` wants an existing, empty folder
    seconds, waited, cpu = locked_rasa(["init", "--no-prompt", "--init-dir", str(project)],
                                  workdir, workdir / "starter-init.log")
    models = sorted((project / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init trained no model; see {workdir / 'starter-init.log'}")
    return Training("starter", models[-1], seconds, waited, cpu)
