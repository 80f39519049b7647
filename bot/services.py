"""Runs the assistant's servers (action server, Rasa server, our web app, the purge loop) as one
unit.

`make run` and the end-to-end tests both start the assistant through this module, so what the
tests exercise is exactly what a user runs. The children get their own process group: Ctrl-C
reaches only this supervisor, which then stops them in reverse start order: the purge loop, the
web app, the Rasa server (so no turn is left waiting on a vanished action server), then the
action server.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.logs import LOGGING_CONFIG
from bot.storage.check import check_store_classes

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ACTION_ENDPOINT_ENV = "ACTION_ENDPOINT_URL"


@dataclass
class Service:
    """One server process and the URL that answers once it can serve requests."""

    name: str
    argv: List[str]
    # None: a worker without a port (the purge loop), ready once started.
    ready_url: Optional[str]
    process: Optional[subprocess.Popen] = field(default=None, repr=False)

    def start(self, env: Dict[str, str], log_dir: Optional[Path]) -> None:
        output = None
        if log_dir is not None:
            output = open(log_dir / f"{self.name}.log", "ab")
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )

    def is_ready(self) -> bool:
        if self.ready_url is None:
            return self.exited() is None
        try:
            with urllib.request.urlopen(self.ready_url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def exited(self) -> Optional[int]:
        return None if self.process is None else self.process.poll()

    def stop(self, timeout: float) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@dataclass
class AssistantConfig:
    """Where the assistant's servers listen and what they load."""

    model: Path = ROOT / "models" / "current.tar.gz"
    endpoints: Path = ROOT / "endpoints.yml"
    credentials: Path = ROOT / "credentials.yml"
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8000
    # Sanic worker processes of the web app (stateless, so any number serves the same pages).
    web_workers: int = 1
    auth_token: str = ""
    log_dir: Optional[Path] = None
    # The daily purge of conversations older than PURGE_AFTER_DAYS (README: "Retention").
    purge_every: str = "24h"


def service_environment(config: AssistantConfig) -> Dict[str, str]:
    """The servers' environment: ours, with the defaults endpoints.yml's `${VAR}`s need."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.setdefault(ACTION_ENDPOINT_ENV, f"http://127.0.0.1:{config.action_port}/webhook")
    return env


def action_server(config: AssistantConfig) -> Service:
    return Service(
        name="action-server",
        argv=[str(BIN / "rasa"), "run", "actions", "--actions", "actions",
              "--port", str(config.action_port), "--logging-config-file", str(LOGGING_CONFIG)],
        ready_url=f"http://127.0.0.1:{config.action_port}/health",
    )


def rasa_server(config: AssistantConfig) -> Service:
    if not config.auth_token:
        raise ValueError("the Rasa HTTP API must be protected by a token")
    return Service(
        name="rasa-server",
        argv=[str(BIN / "rasa"), "run", "--model", str(config.model),
              "--endpoints", str(config.endpoints), "--credentials", str(config.credentials),
              "--port", str(config.rasa_port), "--enable-api", "--auth-token", config.auth_token,
              "--logging-config-file", str(LOGGING_CONFIG)],
        ready_url=f"http://127.0.0.1:{config.rasa_port}/",
    )


def web_app(config: AssistantConfig) -> Service:
    """Our Sanic app (bot/web/): the children's chat widget and its demo page."""
    return Service(
        name="web-app",
        argv=[sys.executable, "-m", "bot.web", "--port", str(config.web_port),
              "--rasa-port", str(config.rasa_port), "--workers", str(config.web_workers)],
        ready_url=f"http://127.0.0.1:{config.web_port}/health",
    )


def purger(config: AssistantConfig) -> Service:
    """`python -m bot purge --every 24h`: deletes conversations past their retention period."""
    return Service(
        name="purger",
        argv=[sys.executable, "-m", "bot", "purge", "--every", config.purge_every],
        ready_url=None,
    )


class Assistant:
    """The action server, the Rasa server, the web app and the purge loop, started and stopped
    together."""

    def __init__(self, config: AssistantConfig) -> None:
        self.config = config
        # Start order: actions first, so the Rasa server never answers a turn without them; the
        # web app last, so the widget it serves finds Rasa up.
        self.services = [action_server(config), rasa_server(config), web_app(config),
                         purger(config)]

    def start(self, timeout: float = 300.0) -> None:
        """Starts every service and returns once each answers, or raises with the reason."""
        check_store_classes(self.config.endpoints)
        (ROOT / "var").mkdir(exist_ok=True)
        if self.config.log_dir is not None:
            self.config.log_dir.mkdir(parents=True, exist_ok=True)
        env = service_environment(self.config)
        for service in self.services:
            service.start(env, self.config.log_dir)
            self._wait_ready(service, timeout)

    def _wait_ready(self, service: Service, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = service.exited()
            if code is not None:
                self.stop()
                raise RuntimeError(f"{service.name} exited with code {code} while starting")
            if service.is_ready():
                return
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"{service.name} did not answer {service.ready_url} in {timeout:.0f}s")

    def first_exit(self) -> Optional[str]:
        """Names a service that has stopped on its own, if any."""
        for service in self.services:
            if service.exited() is not None:
                return service.name
        return None

    def stop(self, timeout: float = 20.0) -> None:
        for service in reversed(self.services):
            service.stop(timeout)

    def __enter__(self) -> "Assistant":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
