"""Starts the servers a latency benchmark talks to, and measures what they cost to run.

Our stack is the one `make run` starts (bot/services.py): the rasa-sdk action server and the Rasa
server with the shipped endpoints.yml (redacting SQLite tracker store), here on benchmark ports with a fresh database. The reference
is Rasa's starter bot as `rasa init` made it: its own endpoints (in-memory tracker store) and no
custom actions.
"""
from __future__ import annotations

import os
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bench.training import rasa_env
from bot.services import (BIN, AssistantConfig, Service, action_server, rasa_server,
                          service_environment)

PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "18000"))


def _proc_fields(path: Path, keys: Sequence[str]) -> Dict[str, float]:
    """Megabytes of the KEYS (kB lines such as "VmRSS:  1234 kB") of a /proc file."""
    fields = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition(":")
        if key in keys:
            fields[key] = int(value.split()[0]) / 1024
    return fields


def process_tree(pid: int) -> List[int]:
    """PID and every process below it: a server with Sanic workers runs them as children."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return [pid] + [grandchild for child in children for grandchild in process_tree(child)]


def resident_megabytes(pid: int) -> Dict[str, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM) of one process, from Linux's /proc,
    and the proportional set size of it and its children together: forked workers share pages,
    which their summed RSS would count twice."""
    status = _proc_fields(Path(f"/proc/{pid}/status"), ("VmRSS", "VmHWM"))
    shared = sum(_proc_fields(Path(f"/proc/{p}/smaps_rollup"), ("Pss",)).get("Pss", 0.0)
                 for p in process_tree(pid))
    return {"rss_mb": round(status.get("VmRSS", 0.0), 1),
            "peak_rss_mb": round(status.get("VmHWM", 0.0), 1),
            "processes_pss_mb": round(shared, 1)}


def answers(url: str, body: bytes) -> bool:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200 and response.read() not in (b"", b"[]")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@dataclass
class Stack:
    """Servers started together; `webhook` answers chat turns, `parse` is /model/parse."""

    name: str
    services: List[Service]
    rasa_port: int
    token: str
    workdir: Path
    startup_seconds: float = 0.0
    env: Dict[str, str] = field(default_factory=rasa_env)

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def parse(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/model/parse?token={self.token}"

    def start(self, timeout: float = 600.0) -> None:
        """Starts every server at once and times until the webhook gives its first answer."""
        started = time.monotonic()
        for service in self.services:
            service.start(self.env, self.workdir)
        first = b'{"sender": "bench-startup", "message": "hello"}'
        while not answers(self.webhook, first):
            failed = [s.name for s in self.services if s.exited() is not None]
            if failed or time.monotonic() - started > timeout:
                self.stop()
                raise RuntimeError(f"{self.name}: {failed or 'timeout'}; logs in {self.workdir}")
            time.sleep(0.2)
        self.startup_seconds = time.monotonic() - started

    def memory(self) -> Dict[str, Dict[str, float]]:
        return {service.name: resident_megabytes(service.process.pid)
                for service in self.services if service.process is not None}

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop(20)


def ours(model: Path, workdir: Path, port_base: int = PORT_BASE, workers: int = 1,
         redis_url: Optional[str] = None) -> Stack:
    """Action server and Rasa server as `make run` configures them (the shipped endpoints.yml:
    redacting SQLite tracker store, in-memory lock store), with a fresh database in WORKDIR.

    With WORKERS > 1 the Rasa server runs that many Sanic workers, which must share their
    conversation locks in the Redis of REDIS_URL (bot/storage/lock_store.py)."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "tracker.db"
    database.unlink(missing_ok=True)
    config = AssistantConfig(model=model, rasa_port=port_base + 5, action_port=port_base + 55,
                             auth_token=secrets.token_urlsafe(16), log_dir=workdir)
    env = dict(rasa_env(), **service_environment(config), DB_URL=f"sqlite:///{database}",
               SANIC_WORKERS=str(workers))
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return Stack("ours", [action_server(config), rasa_server(config)], config.rasa_port,
                 config.auth_token, workdir, env=env)


def starter(project: Path, model: Path, workdir: Path) -> Stack:
    """The `rasa init` bot with its own endpoints.yml (in-memory tracker, no action server)."""
    workdir.mkdir(parents=True, exist_ok=True)
    port, token = PORT_BASE + 105, secrets.token_urlsafe(16)
    server = Service(
        name="rasa-server",
        argv=[str(BIN / "rasa"), "run", "--model", str(model),
              "--endpoints", str(project / "endpoints.yml"),
              "--credentials", str(project / "credentials.yml"),
              "--port", str(port), "--enable-api", "--auth-token", token],
        ready_url=f"http://127.0.0.1:{port}/",
    )
    return Stack("starter", [server], port, token, workdir)
