"""The moderator dashboard through its real Sanic routes (sanic-testing), on a real SQLite
tracker database whose events were written by Rasa's own SQLTrackerStore."""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.nlu.training_data.loading import load_data

from bot.cli import STORES
from bot.moderation.retention import purge_reviews, record_deletion
from bot.privacy.retention import erase
from bot.moderation.schema import audit_log, conversations, moderators, notes, tags
from bot.moderation.seed import Turn
from tests.conftest import ROOT
from tests.moderation_site import (
    BASE, CSRF, DAY, PASSWORD, SEEDED, Site, make_site, seed,
)

GET_PAGES = ["/moderation", "/moderation/conversation?sender=crisis-sextortion",
             "/moderation/corrections", "/moderation/corrections/export", "/moderation/stats",
             "/moderation/admin/moderators", "/moderation/admin/audit"]
POST_ACTIONS = ["/moderation/logout", "/moderation/filters", "/moderation/filters/1/delete",
                "/moderation/conversation/assign", "/moderation/conversation/status",
                "/moderation/conversation/tags", "/moderation/conversation/untag",
                "/moderation/conversation/notes", "/moderation/conversation/escalate",
                "/moderation/conversation/correct", "/moderation/corrections/1/delete",
                "/moderation/admin/moderators", "/moderation/admin/moderators/1"]
ADMIN_PAGES = ["/moderation/admin/moderators", "/moderation/admin/audit"]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return make_site(tmp_path)


def inbox_order(page_html: str) -> list:
    return re.findall(r'conversation\?sender=([\w-]+)"', page_html)


def audit_rows(site: Site) -> list:
    with site.engine.connect() as connection:
        return connection.execute(sa.select(audit_log).order_by(audit_log.c.id)).all()


# --- access --------------------------------------------------------------------------------

def test_without_signing_in_every_page_sends_to_the_login_and_every_post_is_refused(site):
    anonymous = site.browser()
    for path in GET_PAGES:
        response = anonymous.get(path)
        assert response.status == 302 and response.headers["location"] == "/moderation/login", path
    for path in POST_ACTIONS:
        assert anonymous.post(path, {"sender": "crisis-sextortion", "tag": "x"},
                              csrf="forged").status == 403, path
    with site.engine.connect() as connection:
        assert connection.execute(sa.select(tags)).all() == []


def test_login_gives_a_hardened_session_cookie_and_every_page_opens(site):
    ada = site.browser()
    response = ada.login("ada")
    assert response.status == 303
    cookie = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith("moderation_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/moderation" in cookie
    assert "Secure" not in cookie  # plain HTTP, no trusted proxy
    for path in GET_PAGES:
        assert ada.get(path).status == 200, path
    assert ada.get("/moderation/static/moderation.css").status == 200


def test_the_cookie_is_secure_only_behind_a_trusted_tls_proxy(tmp_path):
    trusted = make_site(tmp_path, trusted_proxies=frozenset({"127.0.0.1"}))
    browser = trusted.browser()
    browser.headers["X-Forwarded-Proto"] = "https"
    cookies = browser.login("ada").headers.get_list("set-cookie")
    assert any("Secure" in c for c in cookies if c.startswith("moderation_session="))
    untrusted = make_site(tmp_path / "other")
    browser = untrusted.browser()
    browser.headers["X-Forwarded-Proto"] = "https"
    cookies = browser.login("ada").headers.get_list("set-cookie")
    assert not any("Secure" in c for c in cookies)


def test_pages_forbid_scripts_framing_and_caching(site):
    response = site.browser("mo").get("/moderation")
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script" not in response.text


def test_wrong_passwords_lock_the_account_for_a_while(site):
    browser = site.browser()
    for _ in range(4):
        assert browser.login("mo", "wrong password!!").status == 401
    locked = browser.login("mo", "wrong password!!")
    assert locked.status == 429 and "locked" in locked.text
    # Even the right password waits out the lock.
    assert browser.login("mo").status == 429
    site.clock.now += site.config.lockout_seconds + 1
    assert browser.login("mo").status == 303
    assert [r.action for r in audit_rows(site)].count("login failed") == 4


def test_unknown_names_and_login_without_its_form_token_are_refused(site):
    browser = site.browser()
    assert browser.login("nobody").status == 401
    browser.get("/moderation/login")
    refused = browser.post("/moderation/login", {"name": "ada", "password": PASSWORD}, csrf=None)
    assert refused.status == 403 and "moderation_session" not in browser.cookies


def test_logout_ends_the_session_on_the_server(site):
    mo = site.browser("mo")
    stolen = dict(mo.cookies)
    assert mo.post("/moderation/logout").status == 303
    assert "moderation_session" not in mo.cookies
    mo.cookies = stolen  # a copy of the old cookie is worth nothing now
    assert mo.get("/moderation").status == 302


def test_sessions_expire(site):
    mo = site.browser("mo")
    site.clock.now += site.config.session_seconds - 60
    assert mo.get("/moderation").status == 200
    site.clock.now += 120
    assert mo.get("/moderation").status == 302


def test_a_forged_session_cookie_is_refused(site):
    mo = site.browser("mo")
    session_id = mo.cookies["moderation_session"].split(".")[0]
    mo.cookies["moderation_session"] = session_id + "." + "0" * 64
    assert mo.get("/moderation").status == 302


def test_posts_without_the_csrf_token_are_refused(site):
    mo = site.browser("mo")
    for csrf in (None, "", "0" * 64):
        response = mo.post("/moderation/conversation/tags",
                           {"sender": "crisis-sextortion", "tag": "urgent"}, csrf=csrf)
        assert response.status == 403
    other = site.browser("ada")
    stolen = CSRF.search(other.get("/moderation").text).group(1)
    assert mo.post("/moderation/conversation/tags", {"sender": "crisis-sextortion", "tag": "x"},
                   csrf=stolen).status == 403
    with site.engine.connect() as connection:
        assert connection.execute(sa.select(tags)).all() == []


def test_every_form_carries_the_session_token(site):
    ada = site.browser("ada")
    for path in ("/moderation", "/moderation/conversation?sender=crisis-sextortion",
                 "/moderation/corrections", "/moderation/admin/moderators"):
        page = ada.get(path).text
        forms = re.findall(r'<form method="post".*?</form>', page, re.S)
        tokens = [CSRF.search(form) for form in forms]
        assert len(forms) >= 1 and all(tokens), path
        assert len({token.group(1) for token in tokens}) == 1 and tokens[0].group(1), path


def test_a_moderator_cannot_do_admin_actions(site):
    mo = site.browser("mo")
    for path in ADMIN_PAGES:
        assert mo.get(path).status == 403
    assert mo.post("/moderation/admin/moderators",
                   {"name": "eve", "role": "admin", "password": PASSWORD}).status == 403
    assert mo.post("/moderation/admin/moderators/2", {"action": "role", "role": "admin"}).status == 403
    with site.engine.connect() as connection:
        names = connection.execute(sa.select(moderators.c.name, moderators.c.role)).all()
    assert sorted(names) == [("ada", "admin"), ("mo", "moderator")]
    assert "Audit log" not in mo.get("/moderation").text


# --- inbox ---------------------------------------------------------------------------------

def test_inbox_shows_crisis_first_then_other_flags_then_the_rest(site):
    page = site.browser("mo").get("/moderation").text
    order = inbox_order(page)
    assert order[0] == "crisis-sextortion"
    flagged = {"fallback-only", "wants-a-human", "thumbs-down", "unsure-privacy"}
    assert set(order[1:5]) == flagged
    assert set(order[5:]) == {"script-tag", "plain-gaming"}
    for label in ("Crisis: sextortion", "Fallback", "Low confidence", "Asked for a human",
                  "Thumbs down"):
        assert label in page
    first_row = page.split('<tr class="priority-crisis">')[1].split("</tr>")[0]
    assert "rest" in first_row and "2026-11-01 00:00 UTC" in first_row and ">2<" in first_row


@pytest.mark.parametrize("query,expected", [
    ("flag=crisis", {"crisis-sextortion"}),
    ("flag=sextortion", {"crisis-sextortion"}),
    ("flag=self_harm", set()),
    ("flag=fallback", {"fallback-only"}),
    ("flag=human", {"wants-a-human"}),
    ("flag=negative_feedback", {"thumbs-down"}),
    ("flag=low_confidence", {"unsure-privacy"}),
    ("channel=telegram", {"thumbs-down"}),
    ("topic=ask_gaming", {"thumbs-down", "plain-gaming"}),
    ("confidence=0.5", {"fallback-only"}),
    ("since=2026-11-05&until=2026-11-06", {"unsure-privacy", "script-tag"}),
    ("q=fortnite", {"plain-gaming"}),
    ("q=Fortnite+CHAT", {"plain-gaming"}),
])
def test_filters_select_the_matching_conversations(site, query, expected):
    assert set(inbox_order(site.browser("mo").get(f"/moderation?{query}").text)) == expected


@pytest.mark.parametrize("query", [
    "q=%27%20OR%201%3D1%20--", "q=%25", "flag=crisis%27%20OR%20%271%27%3D%271",
    "channel=x%27%3B%20DROP%20TABLE%20events%3B--", "confidence=1%20OR%201%3D1",
    "since=2020-01-01%27%20OR%201%3D1--", "status=new%27--", "topic=%27)%20OR%20(1=1",
    "page=-1", "page=abc", "page=99999999999",
])
def test_sql_injection_like_filter_values_are_harmless(site, query):
    mo = site.browser("mo")
    response = mo.get(f"/moderation?{query}")
    assert response.status == 200
    shown = set(inbox_order(response.text))
    # An invalid value is dropped (all conversations) or matches nothing; never more, never a 500.
    assert shown in (set(), set(SEEDED)) or query.startswith("page=")
    with site.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar() > 0


def test_like_wildcards_in_a_search_match_only_themselves(site):
    mo = site.browser("mo")
    # "_" and "%" are LIKE wildcards (any character, any text); typed in a search they are
    # plain characters, which no seeded message contains.
    assert inbox_order(mo.get("/moderation?q=_").text) == []
    assert inbox_order(mo.get("/moderation?q=%25").text) == []
    assert inbox_order(mo.get("/moderation?q=%5C").text) == []


def test_search_reads_masked_text_only(site):
    mo = site.browser("mo")
    assert inbox_order(mo.get("/moderation?q=ann.smith").text) == []
    assert inbox_order(mo.get("/moderation?q=%5Bemail%5D").text) == ["script-tag"]


def test_status_filter_and_pagination(tmp_path):
    small = make_site(tmp_path, page_size=3)
    mo = small.browser("mo")
    first = mo.get("/moderation")
    assert len(inbox_order(first.text)) == 3 and "Page 1 of 3" in first.text
    last = mo.get("/moderation?page=3")
    assert len(inbox_order(last.text)) == 1 and 'rel="prev"' in last.text
    mo.post("/moderation/conversation/status", {"sender": "plain-gaming", "status": "reviewed"})
    assert inbox_order(mo.get("/moderation?status=reviewed").text) == ["plain-gaming"]
    assert "plain-gaming" not in inbox_order(mo.get("/moderation?status=new&page=1").text) + \
        inbox_order(mo.get("/moderation?status=new&page=2").text)


def test_saved_filters_belong_to_their_moderator(site):
    mo = site.browser("mo")
    saved = mo.post("/moderation/filters", {"name": "Crisis on the web", "flag": "crisis",
                                            "channel": "rest", "q": "x' OR 1=1"})
    assert saved.status == 303
    page = mo.get("/moderation").text
    link = re.search(r'href="/moderation\?([^"]+)">Crisis on the web<', page).group(1)
    assert html.unescape(link) == "flag=crisis&channel=rest&q=x%27+OR+1%3D1"
    assert "Crisis on the web" not in site.browser("ada").get("/moderation").text
    filter_id = re.search(r'/moderation/filters/(\d+)/delete', page).group(1)
    mo.post(f"/moderation/filters/{filter_id}/delete")
    assert "Crisis on the web" not in mo.get("/moderation").text


def test_new_events_reach_the_inbox_without_a_full_rescan(site):
    mo = site.browser("mo")
    assert "late-crisis" not in mo.get("/moderation").text
    seed(site.db_url, {"late-crisis": ("telegram", "parent", 9, [
        Turn("my uncle touches me and says it's a secret", "crisis_abuse", 0.95,
             action="utter_crisis_abuse")])})
    order = inbox_order(mo.get("/moderation").text)
    # Both crisis conversations lead; the newer one first.
    assert order[:2] == ["late-crisis", "crisis-sextortion"]


# --- one conversation ----------------------------------------------------------------------

def test_conversation_shows_nlu_actions_responses_and_when_the_safety_flag_fired(site):
    page = site.browser("mo").get("/moderation/conversation?sender=crisis-sextortion").text
    assert "crisis_sextortion" in page and "(0.93)" in page
    assert "utter_crisis_sextortion" in page and "Here is what can help." in page
    assert "safety flag: sextortion" in page and "fired at 2026-11-01 00:00 UTC" in page


def test_a_script_tag_in_a_message_is_shown_as_text_and_personal_data_is_masked(site):
    page = site.browser("mo").get("/moderation/conversation?sender=script-tag").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "ann.smith@example.com" not in page and "[email]" in page
    assert "<code>platform</code>=" in page


def test_an_unknown_conversation_is_a_404(site):
    mo = site.browser("mo")
    assert mo.get("/moderation/conversation?sender=nope").status == 404
    assert mo.post("/moderation/conversation/tags", {"sender": "nope", "tag": "x"}).status == 404


def test_review_workflow_is_recorded_with_who_and_when(site):
    mo = site.browser("mo")
    sender = {"sender": "crisis-sextortion"}
    url = "/moderation/conversation?sender=crisis-sextortion"
    for path, extra in (("assign", {}), ("status", {"status": "in_review"}),
                        ("tags", {"tag": "  Sextortion   Follow-up "}), ("tags", {"tag": "police"}),
                        ("untag", {"tag": "police"}), ("notes", {"note": "Called the school <b>"}),
                        ("escalate", {})):
        response = mo.post(f"/moderation/conversation/{path}", {**sender, **extra})
        assert response.status == 303 and response.headers["location"] == url, path
    page = mo.get(url).text
    assert "Assigned to: <strong>mo</strong>" in page
    assert "escalated" in page and "Escalated to the safeguarding lead by mo at 2026-11-11" in page
    assert "sextortion follow-up" in page and "police" not in page
    assert "Called the school &lt;b&gt;" in page
    assert mo.post("/moderation/conversation/status", {**sender, "status": "done"}).status == 400
    assert mo.post("/moderation/conversation/tags", {**sender, "tag": " "}).status == 400
    inbox = mo.get("/moderation").text
    assert "escalated · mo" in inbox
    actions = [(r.actor, r.action, r.target) for r in audit_rows(site)]
    for action in ("view inbox", "assign", "status", "tag", "untag", "note", "view conversation"):
        assert ("mo", action, None if action == "view inbox" else "crisis-sextortion") in actions
    assert not any("Called the school" in (r.detail or "") for r in audit_rows(site))


def test_admin_sees_the_audit_log(site):
    site.browser("mo").get("/moderation/conversation?sender=thumbs-down")
    page = site.browser("ada").get("/moderation/admin/audit").text
    assert "view conversation" in page and "thumbs-down" in page and ">mo<" in page


# --- improving the bot ---------------------------------------------------------------------

def user_event_id(page_html: str, text: str) -> str:
    turn = page_html.split(html.escape(text, quote=False))[0].rsplit('id="event-', 1)[1]
    return turn.split('"')[0]


def test_corrections_export_as_rasa_nlu_yaml_from_the_ui_and_the_cli(site, tmp_path):
    mo = site.browser("mo")
    page = mo.get("/moderation/conversation?sender=script-tag").text
    event = user_event_id(page, "&lt;script&gt;")
    assert mo.post("/moderation/conversation/correct",
                   {"sender": "script-tag", "event": event, "intent": "ask_sharing_images"}
                   ).status == 303
    fallback = mo.get("/moderation/conversation?sender=fallback-only").text
    assert mo.post("/moderation/conversation/correct",
                   {"sender": "fallback-only", "event": user_event_id(fallback, "blorp"),
                    "intent": "out_of_scope"}).status == 303
    assert "Corrected to <code>ask_sharing_images</code>" in mo.get(
        "/moderation/conversation?sender=script-tag").text
    listing = mo.get("/moderation/corrections").text
    assert "ask_sharing_images" in listing and "blorp the snargle" in listing

    download = mo.get("/moderation/corrections/export")
    assert download.status == 200
    assert 'attachment; filename="nlu-corrections.yml"' == download.headers["Content-Disposition"]
    exported = tmp_path / "ui.yml"
    exported.write_text(download.text)
    examples = {(m.get("text"), m.get("intent")) for m in load_data(str(exported)).intent_examples}
    assert ("blorp the snargle", "out_of_scope") in examples
    masked = next(text for text, intent in examples if intent == "ask_sharing_images")
    assert "[email]" in masked and "ann.smith" not in masked

    cli = subprocess.run([sys.executable, "-m", "bot", "export-corrections", "--db-url",
                          site.db_url, "--out", str(tmp_path / "cli.yml")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    assert (tmp_path / "cli.yml").read_text() == download.text
    assert [r.action for r in audit_rows(site)].count("export corrections") == 2


def test_a_correction_must_name_a_known_intent_and_a_real_typed_message(site):
    mo = site.browser("mo")
    page = mo.get("/moderation/conversation?sender=thumbs-down").text
    typed = user_event_id(page, "how long should my son play games")
    tapped = user_event_id(page, "/feedback_negative")
    sender = {"sender": "thumbs-down"}
    assert mo.post("/moderation/conversation/correct",
                   {**sender, "event": typed, "intent": "made_up"}).status == 400
    assert mo.post("/moderation/conversation/correct",
                   {**sender, "event": tapped, "intent": "feedback_negative"}).status == 400
    assert mo.post("/moderation/conversation/correct",
                   {**sender, "event": "1 OR 1=1", "intent": "ask_gaming"}).status == 400
    # A message of another conversation cannot be corrected through this one.
    other = user_event_id(mo.get("/moderation/conversation?sender=plain-gaming").text, "fortnite")
    assert mo.post("/moderation/conversation/correct",
                   {**sender, "event": other, "intent": "ask_gaming"}).status == 400
    assert "No corrections yet" in mo.get("/moderation/corrections").text


def test_stats_count_conversations_channels_topics_fallbacks_and_crises(site):
    page = site.browser("mo").get("/moderation/stats").text
    assert '<dd class="crisis-count">1</dd>' in page
    # 1 fallback in 9 user turns.
    assert '<dd class="fallback-rate">11.1%</dd>' in page
    assert "<svg" in page and "<title>socketio: 4</title>" in page
    assert "<title>ask_gaming: 2</title>" in page and "<title>2026-11-01: 1</title>" in page


# --- accounts ------------------------------------------------------------------------------

def test_admin_creates_changes_and_deactivates_accounts(site):
    ada = site.browser("ada")
    assert ada.post("/moderation/admin/moderators",
                    {"name": "sam", "role": "moderator", "password": "short"}).status == 400
    assert ada.post("/moderation/admin/moderators",
                    {"name": "sam", "role": "moderator", "password": PASSWORD}).status == 303
    sam = site.browser("sam")
    with site.engine.connect() as connection:
        sam_id = connection.execute(sa.select(moderators.c.id)
                                    .where(moderators.c.name == "sam")).scalar()
    assert ada.post(f"/moderation/admin/moderators/{sam_id}",
                    {"action": "role", "role": "admin"}).status == 303
    # A role change signs the account out, so the new rights apply from the next sign-in.
    assert sam.get("/moderation").status == 302
    sam = site.browser("sam")
    assert sam.get("/moderation/admin/audit").status == 200
    assert ada.post(f"/moderation/admin/moderators/{sam_id}", {"action": "deactivate"}).status == 303
    assert sam.get("/moderation").status == 302
    assert site.browser().login("sam").status == 401
    page = ada.get("/moderation/admin/moderators").text
    assert "deactivated" in page
    assert ada.post("/moderation/admin/moderators/1", {"action": "deactivate"}).status == 400


def test_admin_unlocks_a_locked_account(site):
    for _ in range(5):
        site.browser().login("mo", "wrong password!!")
    assert "locked until" in site.browser("ada").get("/moderation/admin/moderators").text
    site.browser("ada").post("/moderation/admin/moderators/2", {"action": "unlock"})
    assert site.browser().login("mo").status == 303


def run_cli(*args: str, password: str, db_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "moderators", "--db-url", db_url, *args],
                          cwd=ROOT, input=password + "\n", capture_output=True, text=True,
                          timeout=120)


def test_cli_creates_accounts_with_argon2_hashes(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    made = run_cli("add", "lead", "--role", "admin", password=PASSWORD, db_url=db_url)
    assert made.returncode == 0, made.stderr
    again = run_cli("add", "lead", "--role", "admin", password=PASSWORD, db_url=db_url)
    assert again.returncode == 1 and "exists already" in again.stderr
    short = run_cli("add", "other", password="short", db_url=db_url)
    assert short.returncode == 1 and "12 characters" in short.stderr
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        row = connection.execute(sa.select(moderators)).one()
    assert row.name == "lead" and row.role == "admin"
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash


# --- for the privacy commands --------------------------------------------------------------

def test_erasing_one_conversation_removes_its_review_data_and_is_audited(site):
    mo = site.browser("mo")
    mo.post("/moderation/conversation/tags", {"sender": "thumbs-down", "tag": "keep?"})
    mo.post("/moderation/conversation/notes", {"sender": "thumbs-down", "note": "a note"})
    mo.post("/moderation/conversation/tags", {"sender": "plain-gaming", "tag": "other"})
    engine = site.engine
    deleted = erase("thumbs-down", STORES, engine, audit=record_deletion)
    assert deleted["moderation_reviews"] >= 3  # at least its tag, its note and its summary
    assert erase("thumbs-down", STORES, engine)["moderation_reviews"] == 0
    with engine.connect() as connection:
        assert connection.execute(sa.select(notes)).all() == []
        assert [t.sender_id for t in connection.execute(sa.select(tags))] == ["plain-gaming"]
        assert connection.execute(sa.select(conversations.c.sender_id).where(
            conversations.c.sender_id == "thumbs-down")).first() is None
    entry = audit_rows(site)[-1]
    assert (entry.actor, entry.target) == ("system:erase", "thumbs-down")
    assert json.loads(entry.detail) == deleted


def test_purging_removes_review_data_older_than_the_cutoff(site):
    mo = site.browser("mo")
    mo.post("/moderation/conversation/notes", {"sender": "crisis-sextortion", "note": "old"})
    mo.post("/moderation/conversation/notes", {"sender": "plain-gaming", "note": "new"})
    with site.engine.begin() as connection:
        purge_reviews(connection, BASE + 3 * DAY)  # days 0, 1 and 2
    with site.engine.connect() as connection:
        left = set(connection.execute(sa.select(conversations.c.sender_id)).scalars())
        assert [n.text for n in connection.execute(sa.select(notes))] == ["new"]
    assert left == set(SEEDED) - {"crisis-sextortion", "fallback-only", "wants-a-human"}
