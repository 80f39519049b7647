"""Shared fixtures: the trained model (made once by `make train`), the running assistant, the
fake WhatsApp and Telegram APIs its messaging channels talk to, and PostgreSQL and Redis."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
from playwright.sync_api import Browser, sync_playwright

from bot.services import AssistantConfig, rasa_server
from tests.fake_messaging_apis import MessagingApis
from tests.infra import PostgresServer, RedisServer

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"
RASA = Path(sys.executable).parent / "rasa"
# TEST_PORT_BASE lets two checkouts run their suites side by side without sharing ports.
PORT_BASE = int(os.environ.get("TEST_PORT_BASE", "15000"))
# Loading the model takes about a minute alone, but several on a machine shared by parallel
# checkouts (one start took 7 minutes under load): wait this long before calling it failed.
START_TIMEOUT = 900
RASA_PORT = PORT_BASE + 5
ACTION_PORT = PORT_BASE + 55
WEB_PORT = PORT_BASE + 80
NO_ACTIONS_RASA_PORT = PORT_BASE + 6
CHROMIUM = Path("/usr/bin/chromium")
DEAD_ACTION_PORT = PORT_BASE + 56


def rasa_cli(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Runs the real `rasa` command line from the repository root."""
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run(
        [str(RASA), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run the tests with `make test`, which trains first")
    return MODEL


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright, for the widget and dashboard browser tests.

    One per test module: Playwright's sync API keeps an event loop running in this thread while
    it is up, and other modules' tests call asyncio.run()."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-packages.sh as root")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def messaging_apis() -> Iterator[MessagingApis]:
    apis = MessagingApis.start()
    yield apis
    apis.stop()


@dataclass
class RunningAssistant:
    """The assistant as `make run` starts it, on test ports, with its own tracker database."""

    url: str
    token: str
    database: Path
    web_url: str = ""

    def say(self, sender: str, message: str, metadata: Optional[dict] = None) -> List[dict]:
        """Sends one message through the REST channel and returns the bot's messages."""
        body = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        return post_json(f"{self.url}/webhooks/rest/webhook", body)


def post_json(url: str, payload: object) -> List[dict]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def post_raw(url: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, str]:
    """POSTs bytes as they are (a webhook may be malformed on purpose); returns status and body."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def assistant_env(workdir: Path, action_port: int) -> Dict[str, str]:
    """The environment the shipped endpoints.yml reads, with this session's own tracker database
    and action port (and no Redis: one Rasa process keeps its locks in memory)."""
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false",
               DB_URL=f"sqlite:///{workdir / 'tracker.db'}",
               ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook")
    env.pop("REDIS_URL", None)
    return env


@pytest.fixture(scope="session")
def assistant_without_actions(model: Path, tmp_path_factory) -> Iterator[RunningAssistant]:
    """Only the Rasa server: its action endpoint points at a port where nothing listens."""
    workdir = tmp_path_factory.mktemp("no-actions")
    config = AssistantConfig(
        model=model, rasa_port=NO_ACTIONS_RASA_PORT, auth_token="unused-" + os.urandom(8).hex(),
        log_dir=workdir,
    )
    server = rasa_server(config)
    server.start(assistant_env(workdir, DEAD_ACTION_PORT), workdir)
    deadline = time.monotonic() + START_TIMEOUT
    while not server.is_ready():
        if server.exited() is not None or time.monotonic() > deadline:
            server.stop(5)
            pytest.fail((workdir / "rasa-server.log").read_text()[-3000:])
        time.sleep(1)
    assert not port_open(DEAD_ACTION_PORT)
    yield RunningAssistant(f"http://127.0.0.1:{NO_ACTIONS_RASA_PORT}", config.auth_token,
                           workdir / "tracker.db")
    server.stop(20)


@pytest.fixture(scope="session")
def assistant(model: Path, tmp_path_factory: pytest.TempPathFactory,
              messaging_apis: MessagingApis) -> Iterator[RunningAssistant]:
    """Starts `python -m bot run` (action server, Rasa server, web app); stops it with Ctrl-C (SIGINT).

    The WhatsApp and Telegram channels are on, talking to the fake APIs, so one Rasa server serves
    every end-to-end test (each start costs over a minute and a gigabyte).

    The teardown checks what a user pressing Ctrl-C expects: a clean exit and every port freed.
    """
    workdir = tmp_path_factory.mktemp("assistant")
    database = workdir / "tracker.db"
    token = "test-token-" + os.urandom(8).hex()
    log = open(workdir / "assistant.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--model", str(model),
         "--port", str(RASA_PORT), "--action-port", str(ACTION_PORT), "--web-port", str(WEB_PORT)],
        cwd=ROOT,
        # The web app's moderator dashboard reads the same tracker database as Rasa.
        env=dict(assistant_env(workdir, ACTION_PORT), RASA_AUTH_TOKEN=token,
                 MODERATION_SECRET=os.urandom(16).hex(),
                 **messaging_apis.env()),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while not all(port_open(port) for port in (RASA_PORT, ACTION_PORT, WEB_PORT)):
        if process.poll() is not None or time.monotonic() > deadline:
            # Ctrl-C, not SIGKILL: the supervisor then stops its servers, which would otherwise
            # outlive it (each runs in its own session) and hold the test ports.
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
            pytest.fail(f"the assistant did not start:\n{(workdir / 'assistant.log').read_text()}")
        time.sleep(1)
    # The Rasa port opens once the model is loaded; wait until the root route answers.
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{RASA_PORT}/", timeout=5)
            break
        except OSError:
            time.sleep(1)
    yield RunningAssistant(f"http://127.0.0.1:{RASA_PORT}", token, database,
                           web_url=f"http://127.0.0.1:{WEB_PORT}")
    process.send_signal(signal.SIGINT)
    exit_code = process.wait(timeout=60)
    log.close()
    assert exit_code == 0, (workdir / "assistant.log").read_text()[-3000:]
    assert not any(port_open(port) for port in (RASA_PORT, ACTION_PORT, WEB_PORT)), \
        "a server outlived Ctrl-C"


# PostgreSQL and Redis of the scale-out, reliability and retention tests, from Debian's packages
# (tests/infra.py), on ports 100 above the base so checkouts side by side do not collide.
POSTGRES_PORT = PORT_BASE + 101
REDIS_PORT = PORT_BASE + 102


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer(POSTGRES_PORT).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer(REDIS_PORT).start()
    yield server
    server.stop()
