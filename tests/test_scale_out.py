"""Two Rasa replicas and two action-server replicas behind nginx, sharing PostgreSQL and the Redis
lock store: what a production set-up does when servers are busy, killed, restarted or gone.

Everything is real (Debian's PostgreSQL, Redis and nginx, the trained model, the shipped
endpoints.yml and credentials.yml); the tests run in file order on one cluster, because each
Rasa server costs a minute and a gigabyte to start.
"""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from bot.services import AssistantConfig, Service, action_server, rasa_server, web_app
from tests.conftest import PORT_BASE, ROOT, post_raw
from tests.infra import Nginx, PostgresServer, RedisServer, wait_for_port
from tests.test_rest_webhook import UNIVERSAL_REFERRAL, texts
from tests.test_widget_browser import (PRIVACY_ANSWER_TITLE, bot_messages, open_chat, say,
                                       wait_for_bot_text)

RASA_PORTS = {"a": PORT_BASE + 105, "b": PORT_BASE + 106}
ACTION_PORTS = (PORT_BASE + 155, PORT_BASE + 156)
WEB_PORT = PORT_BASE + 180
BALANCER = {"rasa": PORT_BASE + 120, "actions": PORT_BASE + 121, "web": PORT_BASE + 122}
PARENT_BUTTON = '/inform{"user_role":"parent"}'
PARENT_QUESTION = "someone keeps sending my son mean messages"
PARENT_ANSWER_MARK = "Guidelines for parents and educators"
WIDGET_QUESTION = "how do i make my instagram private"


@dataclasses.dataclass
class Cluster:
    """The servers of one production-like set-up, and how to reach and break them."""

    postgres: PostgresServer
    redis: RedisServer
    rasa: Dict[str, Service]
    actions: List[Service]
    web: Service
    env: Dict[str, str]
    log_dir: Path

    balancer_url: str = f"http://127.0.0.1:{BALANCER['rasa']}"

    def url(self, replica: str) -> str:
        return f"http://127.0.0.1:{RASA_PORTS[replica]}"

    def say(self, url: str, sender: str, message: str) -> Tuple[int, object]:
        status, body = post_raw(f"{url}/webhooks/rest/webhook",
                                json.dumps({"sender": sender, "message": message}).encode(), {})
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body

    def reply(self, url: str, sender: str, message: str) -> list:
        status, replies = self.say(url, sender, message)
        assert status == 200 and replies, (status, replies)
        return replies

    def kill(self, service: Service) -> None:
        os.killpg(service.process.pid, signal.SIGKILL)
        service.process.wait()

    def start(self, *services: Service, timeout: float = 900) -> None:
        for service in services:
            service.start(self.env, self.log_dir)
        deadline = time.monotonic() + timeout
        for service in services:
            while not service.is_ready():
                log = self.log_dir / f"{service.name}.log"
                assert service.exited() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, f"{service.name} did not start"
                time.sleep(1)

    def wait_until_balanced(self, upstream: str, timeout: float = 60) -> None:
        """nginx keeps a server it saw fail out of its upstream for fail_timeout (10 s) even
        after it is back; wait until the balancer itself passes a health check through."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{BALANCER[upstream]}/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"the balancer's {upstream} upstream stayed down"
            time.sleep(1)

    def user_events(self, sender: str) -> List[str]:
        return [data["text"] for kind, data in self.events(sender) if kind == "user"]

    def events(self, sender: str) -> List[Tuple[str, dict]]:
        engine = sa.create_engine(self.postgres.url)
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender}).fetchall()
        engine.dispose()
        return [(kind, json.loads(data)) for kind, data in rows]


def new_sender() -> str:
    return f"scale-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def cluster(model: Path, postgres: PostgresServer, redis_server: RedisServer,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    log_dir = tmp_path_factory.mktemp("cluster")
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false",
               DB_URL=postgres.url, REDIS_URL=redis_server.url,
               ACTION_ENDPOINT_URL=f"http://127.0.0.1:{BALANCER['actions']}/webhook",
               # A replica killed in a turn leaves its lock held; it expires after this long.
               TICKET_LOCK_LIFETIME="20")
    token = "scale-" + os.urandom(8).hex()
    rasa = {name: dataclasses.replace(rasa_server(AssistantConfig(
        model=model, rasa_port=port, auth_token=token)), name=f"rasa-{name}")
        for name, port in RASA_PORTS.items()}
    actions = [dataclasses.replace(action_server(AssistantConfig(action_port=port)),
                                   name=f"actions-{index}")
               for index, port in enumerate(ACTION_PORTS, 1)]
    web = web_app(AssistantConfig(web_port=WEB_PORT, rasa_port=BALANCER["rasa"], web_workers=2))
    nginx = Nginx({
        "RASA_SERVER_1": f"127.0.0.1:{RASA_PORTS['a']}",
        "RASA_SERVER_2": f"127.0.0.1:{RASA_PORTS['b']}",
        "ACTION_SERVER_1": f"127.0.0.1:{ACTION_PORTS[0]}",
        "ACTION_SERVER_2": f"127.0.0.1:{ACTION_PORTS[1]}",
        "WEB_SERVER": f"127.0.0.1:{WEB_PORT}",
        "RASA_LISTEN": f"127.0.0.1:{BALANCER['rasa']}",
        "ACTIONS_LISTEN": f"127.0.0.1:{BALANCER['actions']}",
        "WEB_LISTEN": f"127.0.0.1:{BALANCER['web']}",
    }, list(BALANCER.values())).start()
    running = Cluster(postgres, redis_server, rasa, actions, web, env, log_dir)
    try:
        running.start(*actions, web, *rasa.values())
        yield running
    finally:
        for service in [*rasa.values(), web, *actions]:
            service.stop(20)
        nginx.stop()


def assert_turns_not_interleaved(events: List[Tuple[str, dict]]) -> None:
    """Each user message's turn ends (action_listen) before the next user message is read."""
    waiting_for_listen = False
    for kind, data in events:
        if kind == "user":
            assert not waiting_for_listen, "two turns of one conversation ran at once"
            waiting_for_listen = True
        elif kind == "action" and data.get("name") == "action_listen":
            waiting_for_listen = False


def onboard_as_parent(cluster: Cluster, sender: str, first: str, second: str) -> None:
    greeting = cluster.reply(first, sender, "hello")
    assert any(button["payload"] == PARENT_BUTTON for button in greeting[0]["buttons"])
    cluster.reply(second, sender, PARENT_BUTTON)


def test_turns_alternating_between_replicas_keep_the_dialogue_state(cluster):
    a, b = cluster.url("a"), cluster.url("b")

    def conversation(index: int) -> str:
        sender = new_sender()
        first, second = (a, b) if index % 2 else (b, a)
        onboard_as_parent(cluster, sender, first, second)
        # The audience set through one replica shapes the answer of the other.
        assert PARENT_ANSWER_MARK in texts(cluster.reply(first, sender, PARENT_QUESTION))
        # Two messages of the same conversation at the same moment, one to each replica.
        with ThreadPoolExecutor(2) as pool:
            both = list(pool.map(lambda args: cluster.reply(*args), [
                (a, sender, "how do i make my instagram private"),
                (b, sender, "what should i do about scams")]))
        assert all(both)
        return sender

    with ThreadPoolExecutor(6) as pool:
        senders = list(pool.map(conversation, range(6)))
    for sender in senders:
        events = cluster.events(sender)
        assert sorted(cluster.user_events(sender)) == sorted([
            "hello", PARENT_BUTTON, PARENT_QUESTION, "how do i make my instagram private",
            "what should i do about scams"])
        assert_turns_not_interleaved(events)


@pytest.mark.parametrize("body", [
    b"", os.urandom(2048), b'{"sender": "x", "message": ', b"[]", b'{"sender": "x"}',
    b'{"sender": "x", "message": ""}', b'{"sender": 7, "message": "hi"}',
    b'{"sender": "x", "message": "hi", "metadata": "oops"}',
], ids=["empty", "binary", "malformed", "array", "no-message", "empty-message",
        "number-sender", "metadata-not-object"])
def test_bad_requests_are_refused_with_400(cluster, body):
    for url in (cluster.balancer_url, cluster.url("a")):
        status, _ = post_raw(f"{url}/webhooks/rest/webhook", body, {})
        assert status == 400


def test_oversized_requests_are_refused_without_harming_a_conversation(cluster):
    sender = new_sender()
    onboard_as_parent(cluster, sender, cluster.balancer_url, cluster.balancer_url)
    megabyte = json.dumps({"sender": sender, "message": "a" * 1_000_000}).encode()
    for url in (cluster.balancer_url, cluster.url("a"), cluster.url("b")):
        status, _ = post_raw(f"{url}/webhooks/rest/webhook", megabyte, {})
        assert status == 413
    long_text = json.dumps({"sender": sender, "message": "why " * 2000}).encode()
    assert post_raw(f"{cluster.url('b')}/webhooks/rest/webhook", long_text, {})[0] == 413
    assert PARENT_ANSWER_MARK in texts(cluster.reply(cluster.balancer_url, sender, PARENT_QUESTION))
    assert cluster.user_events(sender) == ["hello", PARENT_BUTTON, PARENT_QUESTION]


def test_web_app_serves_the_widget_from_several_workers_behind_the_balancer(cluster):
    workers = subprocess.run(["pgrep", "-P", str(cluster.web.process.pid)],
                             capture_output=True, text=True).stdout.split()
    assert len(workers) >= 2
    for _ in range(4):  # several requests, so more than one worker answers
        with urllib.request.urlopen(f"http://127.0.0.1:{BALANCER['web']}/", timeout=10) as page:
            assert page.status == 200 and b"widget.js" in page.read()


def test_postgres_restart_under_load_loses_no_acknowledged_message(cluster):
    stop = threading.Event()
    acknowledged: Dict[str, int] = {}
    refused: List[int] = []
    after_restart = threading.Event()
    answered_after_restart: List[str] = []

    def talk(index: int) -> None:
        sender = new_sender()
        acknowledged[sender] = 0
        while not stop.is_set():
            status, replies = cluster.say(cluster.balancer_url, sender, "tell me about scams")
            if status == 200 and replies:
                acknowledged[sender] += 1
                if after_restart.is_set():
                    answered_after_restart.append(sender)
            else:
                assert status == 503, (status, replies)  # a clear "try again", never a 500
                refused.append(status)

    with ThreadPoolExecutor(6) as pool:
        talkers = [pool.submit(talk, index) for index in range(6)]
        time.sleep(5)
        cluster.postgres.restart()
        after_restart.set()
        time.sleep(8)
        stop.set()
        for talker in talkers:
            talker.result()
    assert answered_after_restart, "no message was answered after the restart"
    for sender, count in acknowledged.items():
        assert count > 0
        assert len(cluster.user_events(sender)) == count, sender


def test_redis_down_gives_a_clear_error_then_recovers(cluster):
    sender = new_sender()
    cluster.reply(cluster.balancer_url, sender, "hello")
    cluster.redis.stop()
    try:
        status, body = cluster.say(cluster.balancer_url, sender, "how do i report bullying")
        assert status == 503 and "send it again" in body["error"]
    finally:
        cluster.redis.start()
    assert cluster.reply(cluster.balancer_url, sender, "how do i report bullying")
    assert cluster.user_events(sender) == ["hello", "how do i report bullying"]


def test_action_server_replicas_fail_over_and_the_helpline_survives_losing_all(cluster):
    cluster.kill(cluster.actions[0])
    topic = texts(cluster.reply(cluster.balancer_url, new_sender(),
                                "how do i make my instagram private"))
    assert "Tell me more" in topic or "private" in topic.lower()
    cluster.kill(cluster.actions[1])
    try:
        crisis = texts(cluster.reply(cluster.balancer_url, new_sender(),
                                     "someone is threatening to post my pics unless i pay"))
        assert "not your fault" in crisis and UNIVERSAL_REFERRAL in crisis
        assert "emergency number" in crisis
        question = texts(cluster.reply(cluster.balancer_url, new_sender(),
                                       "how do i block someone on tiktok"))
        assert UNIVERSAL_REFERRAL in question  # not silence: the safe fallback
    finally:
        cluster.start(*cluster.actions)
        cluster.wait_until_balanced("actions")


def test_a_turn_outlasting_its_lock_lifetime_loses_no_events_of_the_next_message(cluster):
    """Frozen action servers (accepting connections, answering nothing) hold a turn past
    TICKET_LOCK_LIFETIME; the conversation's next message, at the other replica, must wait for
    that turn rather than run beside it and lose one turn's events."""
    sender = new_sender()
    first, second = "how do i make my instagram private", "how do i block someone on tiktok"
    lifetime = float(cluster.env["TICKET_LOCK_LIFETIME"])
    with ThreadPoolExecutor(2) as pool:
        for service in cluster.actions:
            os.killpg(service.process.pid, signal.SIGSTOP)
        try:
            slow_turn = pool.submit(cluster.say, cluster.url("a"), sender, first)
            time.sleep(lifetime + 5)
            next_turn = pool.submit(cluster.say, cluster.url("b"), sender, second)
            time.sleep(3)
        finally:
            for service in cluster.actions:
                os.killpg(service.process.pid, signal.SIGCONT)
        assert [turn.result()[0] for turn in (slow_turn, next_turn)] == [200, 200]
    events = cluster.events(sender)
    # Run beside the first, the next turn would read the conversation before the first stored
    # anything: it starts the conversation a second time, and its events land out of order.
    assert [kind for kind, _ in events].count("session_started") == 1
    times = [data["timestamp"] for _, data in events if "timestamp" in data]
    assert times == sorted(times), "events stored out of the order they happened"
    assert cluster.user_events(sender) == [first, second]
    assert_turns_not_interleaved(events)


def test_rasa_killed_mid_conversation_loses_nothing_and_continues_after_restart(cluster):
    sender = new_sender()
    a = cluster.rasa["a"]
    onboard_as_parent(cluster, sender, cluster.url("a"), cluster.url("a"))
    cluster.kill(a)
    wait_for_port(RASA_PORTS["a"], up=False)
    # The balancer sends the conversation to the other replica, which knows it is a parent.
    assert PARENT_ANSWER_MARK in texts(cluster.reply(cluster.balancer_url, sender, PARENT_QUESTION))
    cluster.start(a)
    said = texts(cluster.reply(cluster.url("a"), sender, "how do i set up parental controls"))
    assert PARENT_ANSWER_MARK in said
    assert cluster.user_events(sender) == [
        "hello", PARENT_BUTTON, PARENT_QUESTION, "how do i set up parental controls"]
    assert_turns_not_interleaved(cluster.events(sender))


def test_widget_message_not_stored_while_the_database_is_down_is_marked_and_sent_again(
        cluster, browser: Browser):
    """A child chatting in the widget while PostgreSQL is down sees the message marked "Not
    sent" with the helpline referral, not answers the assistant could not store; sent again
    once the database is back, it is answered and stored once."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{BALANCER['web']}/")
        open_chat(page)
        say(page, "hello")
        wait_for_bot_text(page, "not a person")
        session = page.evaluate("JSON.parse(sessionStorage.getItem('copw:v1')).sessionId")
        cluster.postgres.pause()
        try:
            say(page, WIDGET_QUESTION)
            not_sent = page.locator(".copw-user").last
            expect(not_sent).to_contain_text("Not sent", timeout=120_000)
            wait_for_bot_text(page, "Please send it again")
            wait_for_bot_text(page, UNIVERSAL_REFERRAL)
            expect(bot_messages(page).filter(has_text=PRIVACY_ANSWER_TITLE)).to_have_count(0)
        finally:
            cluster.postgres.resume()
        not_sent.get_by_role("button", name="Send again").click()
        wait_for_bot_text(page, PRIVACY_ANSWER_TITLE)
        expect(page.locator(".copw-log")).not_to_contain_text("Not sent")
        assert cluster.user_events(session) == ["hello", WIDGET_QUESTION]
    finally:
        context.close()


def test_logs_are_json_lines_without_message_text(cluster):
    records = []
    for log in cluster.log_dir.glob("*.log"):
        for line in log.read_text(errors="replace").splitlines():
            assert PARENT_QUESTION not in line and WIDGET_QUESTION not in line, log.name
            if line.startswith("{"):
                records.append(json.loads(line))
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
