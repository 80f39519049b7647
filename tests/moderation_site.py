"""A dashboard on a real SQLite tracker database, seeded through Rasa's own tracker store, and a
test client that keeps its cookies like a browser (sanic-testing's client keeps none)."""
from __future__ import annotations

import re
import uuid
from http.cookies import SimpleCookie
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

from sanic import Sanic

from bot.moderation import accounts
from bot.moderation.config import ModerationConfig
from bot.moderation.db import open_database
from bot.moderation.seed import Turn, conversation_events, save
from bot.web.app import create_app
from bot.web.config import WebConfig

DAY = 86400.0
# 2026-11-01 00:00 UTC: every seeded conversation starts on a known day.
BASE = 1793491200.0
PASSWORD = "a long enough password"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SCRIPT = "<script>alert(1)</script> my email is ann.smith@example.com"

SEEDED = {
    # sender_id: (channel, audience, day, turns)
    "crisis-sextortion": ("rest", None, 0, [
        Turn("hi", "greet", 0.99, action="utter_greet"),
        Turn("he says he will post my pics unless i pay", "crisis_sextortion", 0.93,
             action="utter_crisis_sextortion")]),
    "fallback-only": ("socketio", "child", 1, [
        Turn("blorp the snargle", "nlu_fallback", 0.31, action="action_search_guidelines")]),
    "wants-a-human": ("whatsapp", "parent", 2, [
        Turn("can i talk to a real person", "request_human", 0.97, action="utter_no_human_here")]),
    "thumbs-down": ("telegram", "parent", 3, [
        Turn("how long should my son play games", "ask_gaming", 0.9),
        Turn("/feedback_negative", "feedback_negative", 1.0, action="utter_feedback_sorry")]),
    "unsure-privacy": ("socketio", "child", 4, [
        Turn("who sees my stuff", "ask_privacy", 0.52)]),
    "script-tag": ("socketio", "child", 5, [
        Turn(SCRIPT, "ask_privacy", 0.88,
             entities=[{"entity": "platform", "value": "instagram", "start": 0, "end": 1}])]),
    "plain-gaming": ("socketio", "child", 6, [
        Turn("someone is mean in fortnite chat", "ask_gaming", 0.97)]),
}


class Clock:
    """The dashboard's time, moved by the test (session expiry, lock-out)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def seed(db_url: str, conversations: Dict[str, tuple] = SEEDED) -> None:
    save(db_url, [
        (sender, conversation_events(turns, channel, BASE + day * DAY,
                                     {"audience": audience} if audience else {}))
        for sender, (channel, audience, day, turns) in conversations.items()])


@dataclass
class Browser:
    """One person's cookies against the app."""

    app: Sanic
    cookies: Dict[str, str] = field(default_factory=dict)
    headers: Dict[str, str] = field(default_factory=dict)

    def _keep(self, response) -> None:
        """Stores and drops cookies as the Set-Cookie headers say (Max-Age=0 drops one)."""
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def get(self, path: str):
        _, response = self.app.test_client.get(path, cookies=self.cookies, headers=self.headers,
                                               allow_redirects=False)
        self._keep(response)
        return response

    def post(self, path: str, data: Optional[dict] = None, csrf: Optional[str] = "page"):
        """POSTs a form; csrf="page" takes the token from the inbox page, None sends none."""
        form = dict(data or {})
        if csrf == "page":
            form["csrf"] = CSRF.search(self.get("/moderation").text).group(1)
        elif csrf is not None:
            form["csrf"] = csrf
        _, response = self.app.test_client.post(path, data=form, cookies=self.cookies,
                                                headers=self.headers, allow_redirects=False)
        self._keep(response)
        return response

    def login(self, name: str, password: str = PASSWORD):
        page = self.get("/moderation/login")
        return self.post("/moderation/login", {"name": name, "password": password},
                         csrf=CSRF.search(page.text).group(1))


@dataclass
class Site:
    app: Sanic
    config: ModerationConfig
    clock: Clock
    db_url: str

    @property
    def engine(self):
        return open_database(self.db_url)

    def browser(self, name: Optional[str] = None) -> Browser:
        browser = Browser(self.app)
        if name:
            assert browser.login(name).status == 303
        return browser


def make_site(tmp_path: Path, db_url: Optional[str] = None, **settings) -> Site:
    tmp_path.mkdir(parents=True, exist_ok=True)
    db_url = db_url or f"sqlite:///{tmp_path / 'tracker.db'}"
    seed(db_url)
    clock = Clock(BASE + 10 * DAY)
    config = ModerationConfig(db_url=db_url, secret="test-secret-" + uuid.uuid4().hex,
                              clock=clock, **settings)
    engine = open_database(db_url)
    accounts.create(engine, "ada", "admin", PASSWORD, clock())
    accounts.create(engine, "mo", "moderator", PASSWORD, clock())
    app = create_app(WebConfig(moderation=config), name=f"moderation_{uuid.uuid4().hex[:8]}")
    return Site(app, config, clock, db_url)
