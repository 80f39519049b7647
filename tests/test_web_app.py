"""Our web app (bot/web/) and the widget's socket.io channel, as the running assistant serves them."""
from __future__ import annotations

import json
import queue
import re
import urllib.error
import urllib.request
from typing import Any, Dict, Iterator, List

import pytest
import socketio

from tests.conftest import RASA_PORT, ROOT, RunningAssistant

SOCKET_IO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"


def get(url: str):
    return urllib.request.urlopen(url, timeout=10)


def test_demo_page_embeds_the_widget_with_one_script_tag(assistant: RunningAssistant):
    with get(assistant.web_url + "/") as response:
        page = response.read().decode()
        assert response.headers["Referrer-Policy"] == "no-referrer"
    tags = re.findall(r'<script src="/widget/widget\.js"[^>]*>', page)
    assert len(tags) == 1
    assert f'data-server="http://127.0.0.1:{RASA_PORT}"' in tags[0]
    assert 'data-exit-url="https://' in tags[0]
    assert 'data-retention-days="30"' in tags[0]


def test_widget_files_and_the_pinned_socket_io_client_are_served(assistant: RunningAssistant):
    for name, kind in (("widget.js", "javascript"), ("widget.css", "text/css")):
        with get(f"{assistant.web_url}/widget/{name}") as response:
            assert kind in response.headers["Content-Type"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["socket.io-client"]
    with get(f"{assistant.web_url}/widget/socket.io.min.js") as response:
        served = response.read()
    assert served == SOCKET_IO_CLIENT.read_bytes()
    assert f"Socket.IO v{pinned}".encode() in served[:200]


def test_time_zone_hint_table_maps_zones_to_countries(assistant: RunningAssistant):
    with get(f"{assistant.web_url}/widget/tz-countries.json") as response:
        zones = json.loads(response.read())
    assert zones["Africa/Kigali"] == "RW"
    assert zones["Europe/London"] == "GB"


def test_files_outside_the_widget_folder_are_not_served(assistant: RunningAssistant):
    with pytest.raises(urllib.error.HTTPError) as error:
        get(f"{assistant.web_url}/widget/..%2f..%2fcli.py")
    assert error.value.code == 404


class WidgetSocket:
    """A socket.io client speaking to Rasa the way widget.js does."""

    def __init__(self, url: str) -> None:
        self.replies: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        self.client = socketio.Client()
        self.client.on("bot_uttered", self.replies.put)
        sessions: "queue.Queue[str]" = queue.Queue()
        self.client.on("session_confirm", sessions.put)
        self.sessions = sessions
        self.client.connect(url, transports=["polling"])
        self.session_id = ""

    def new_session(self) -> None:
        """A fresh conversation; what is still queued from the last one is dropped."""
        self.client.emit("session_request", {"session_id": None})
        self.session_id = self.sessions.get(timeout=30)
        while not self.replies.empty():
            self.replies.get_nowait()

    def say(self, message: Any) -> None:
        self.client.emit("user_uttered", message)

    def reply(self) -> Dict[str, Any]:
        return self.replies.get(timeout=60)

    def replies_until(self, done) -> List[Dict[str, Any]]:
        got = [self.reply()]
        while not done(got[-1]):
            got.append(self.reply())
        return got


@pytest.fixture(scope="module")
def connected_socket(assistant: RunningAssistant) -> Iterator[WidgetSocket]:
    """One connection for the module: closing a long-polling client waits out a poll (~30 s)."""
    sock = WidgetSocket(assistant.url)
    yield sock
    sock.client.disconnect()


@pytest.fixture
def widget_socket(connected_socket: WidgetSocket) -> WidgetSocket:
    connected_socket.new_session()
    return connected_socket


def test_malformed_messages_are_dropped_and_the_chat_goes_on(widget_socket: WidgetSocket):
    for junk in ("just a string", {"message": 42, "session_id": widget_socket.session_id},
                 {"message": "x" * 5000, "session_id": widget_socket.session_id},
                 {"message": "how do i make my instagram private",
                  "session_id": widget_socket.session_id, "metadata": "{not json"}):
        widget_socket.say(junk)
    widget_socket.say({"message": "hello", "session_id": widget_socket.session_id,
                       "metadata": {"audience": "child"}})
    # The first answer is to "hello": none of the malformed messages reached the assistant.
    first = widget_socket.reply()
    assert "not a person" in first["text"]
    assert re.fullmatch(r"[0-9a-f]{32}", first["id"])


def test_a_message_is_acknowledged_as_stored_after_its_replies(widget_socket: WidgetSocket):
    """The widget marks a message "Not sent" unless the ack says its turn was stored."""
    ack = widget_socket.client.call("user_uttered", {
        "message": "hello", "session_id": widget_socket.session_id,
        "metadata": {"audience": "child"}}, timeout=60)
    assert ack == {"stored": True}
    assert "not a person" in widget_socket.reply()["text"]
    refused = widget_socket.client.call("user_uttered", "just a string", timeout=30)
    assert refused["stored"] is False and refused["error"]


def test_helpline_payload_reaches_the_widget_as_custom(widget_socket: WidgetSocket):
    widget_socket.say({"message": "someone says they will share my photos if i dont send money",
                       "session_id": widget_socket.session_id,
                       "metadata": {"audience": "child", "country": "RW"}})
    replies = widget_socket.replies_until(lambda reply: "custom" in reply)
    card = replies[-1]["custom"]
    assert card["type"] == "helpline_referral"
    assert card["country"] == "RW"
    assert "116" in [service["phone"] for service in card["services"]]
    assert len({reply["id"] for reply in replies}) == len(replies)
