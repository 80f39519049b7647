"""The children's chat widget in a real browser (Debian's Chromium) against the running assistant.

Each test opens the demo page that `python -m bot run` serves and does what a child would do.
The browser's time zone is Kigali, so the widget's country hint is Rwanda, whose helpline is 116.
"""
from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.guidelines.knowledge_base import KnowledgeBase
from tests.conftest import ROOT, RunningAssistant

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
EXIT_URL = "https://www.bbc.co.uk/weather"
REPLY_TIMEOUT_MS = 30_000
# What a child is shown first for a privacy question (the excerpt's title line).
PRIVACY_ANSWER_TITLE = KnowledgeBase.load().for_reader("ask_privacy", "child", None)[0].title


def neutral_site(context: BrowserContext) -> None:
    """The quick-exit site cannot be reached from CI, so the browser answers for it."""
    context.route(f"{EXIT_URL}**", lambda route: route.fulfill(
        content_type="text/html", body="<!doctype html><title>Weather</title><h1>Weather</h1>"))


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(timezone_id="Africa/Kigali", locale="en-GB",
                                  viewport={"width": 1280, "height": 800})
    neutral_site(context)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, assistant: RunningAssistant) -> Page:
    page = context.new_page()
    page.goto(assistant.web_url + "/")
    return page


def open_chat(page: Page) -> None:
    page.get_by_role("button", name="Chat with the helper").click()
    expect(page.get_by_role("dialog", name="Online safety helper")).to_be_visible()


def say(page: Page, text: str) -> None:
    box = page.get_by_label("Type your message")
    box.fill(text)
    box.press("Enter")


def bot_messages(page: Page):
    return page.locator(".copw-log .copw-bot")


def wait_for_bot_text(page: Page, text: str) -> None:
    expect(bot_messages(page).filter(has_text=text).last).to_be_visible(timeout=REPLY_TIMEOUT_MS)


def helpline_card(page: Page):
    return page.get_by_role("article", name="People who can help").last


def test_notice_comes_before_the_first_message(page: Page):
    open_chat(page)
    notice = page.locator(".copw-notice")
    expect(notice).to_contain_text("not a person")
    expect(notice).to_contain_text("deleted after 30 days")
    expect(notice).to_contain_text("people who can help")
    assert bot_messages(page).count() == 0


def test_question_quick_reply_and_answer(page: Page):
    open_chat(page)
    expect(page.get_by_label("Type your message")).to_be_focused()
    say(page, "hello")
    wait_for_bot_text(page, "not a person")
    page.get_by_role("button", name="I'm a young person").click()
    # The child sees the button's words, never the payload behind it.
    expect(page.locator(".copw-user").last).to_have_text("You: I'm a young person")
    wait_for_bot_text(page, "Ask me anything")
    page.get_by_role("button", name="Privacy").click()
    wait_for_bot_text(page, PRIVACY_ANSWER_TITLE)
    assert "/inform" not in page.locator(".copw-log").inner_text()


def test_crisis_message_shows_a_helpline_card_with_a_phone_link(page: Page):
    open_chat(page)
    say(page, "someone says they will share my photos if i dont send money")
    card = helpline_card(page)
    expect(card).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    call = card.get_by_role("link", name="Call 116")
    expect(call).to_have_attribute("href", "tel:116")
    # A tel: link must not be opened in a new tab or blocked by rel/target: the phone dials it.
    assert call.get_attribute("target") is None
    wait_for_bot_text(page, "Are you safe right now?")


def test_get_help_now_shows_local_helplines_at_once(page: Page):
    page.get_by_role("button", name="Get help now").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(helpline_card(page).get_by_role("link", name="Call 116")).to_be_visible(
        timeout=REPLY_TIMEOUT_MS)


def test_history_survives_a_reload_but_not_clear_chat(page: Page, context: BrowserContext):
    open_chat(page)
    say(page, "hello")
    wait_for_bot_text(page, "not a person")
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator(".copw-user")).to_have_text(["You: hello"])
    wait_for_bot_text(page, "not a person")
    # The same conversation goes on after the reload.
    page.get_by_role("button", name="I'm a young person").click()
    wait_for_bot_text(page, "Ask me anything")

    other_tab = context.new_page()
    other_tab.goto(page.url)
    open_chat(other_tab)
    expect(other_tab.locator(".copw-msg")).to_have_count(0)

    page.get_by_role("button", name="Clear chat").click()
    expect(page.locator(".copw-msg")).to_have_count(0)
    page.reload()
    expect(page.locator(".copw-msg")).to_have_count(0)


@pytest.mark.parametrize("how", ["button", "escape twice"])
def test_quick_exit_leaves_no_history_and_no_way_back(page: Page, assistant: RunningAssistant,
                                                      how: str):
    open_chat(page)
    say(page, "hello")
    wait_for_bot_text(page, "not a person")
    if how == "button":
        page.get_by_role("button", name="Quick exit").click()
    else:
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    page.wait_for_url(f"{EXIT_URL}**")
    expect(page.get_by_role("heading", name="Weather")).to_be_visible()
    page.go_back()
    assert not page.url.startswith(assistant.web_url), "Back returned to the chat"
    page.goto(assistant.web_url + "/")
    assert page.evaluate("sessionStorage.length") == 0
    expect(page.locator(".copw-msg")).to_have_count(0)


def test_offline_messages_wait_and_are_sent_when_back_online(page: Page, context: BrowserContext):
    open_chat(page)
    say(page, "hello")
    wait_for_bot_text(page, "not a person")
    context.set_offline(True)
    status = page.get_by_role("status").filter(has_text="No connection")
    expect(status).to_be_visible()
    say(page, "how do i make my instagram private")
    expect(page.locator(".copw-user").last).to_contain_text("Waiting to send")
    context.set_offline(False)
    wait_for_bot_text(page, PRIVACY_ANSWER_TITLE)
    expect(status).to_be_hidden()
    expect(page.locator(".copw-pending")).to_have_count(0)


@pytest.mark.parametrize("attack", [
    '<img src=x onerror="window.__attacked=1">',
    '<script>window.__attacked=1</script>',
])
def test_markup_in_messages_is_shown_as_text_and_never_runs(page: Page, attack: str):
    open_chat(page)
    say(page, attack)
    expect(page.locator(".copw-user").last).to_have_text("You: " + attack)
    expect(bot_messages(page).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    # Read back from the tab's storage after a reload: still text.
    page.reload()
    expect(page.locator(".copw-user").first).to_have_text("You: " + attack)
    assert page.evaluate("window.__attacked") is None
    assert page.locator(".copw img, .copw-log script").count() == 0


def test_unsafe_links_in_a_stored_card_are_not_made_clickable(page: Page):
    """Stored history is read back into the page: a tampered card renders only safe links."""
    page.evaluate("""sessionStorage.setItem('copw:v1', JSON.stringify({sessionId: null, open: true,
      messages: [{from: 'bot', custom: {type: 'helpline_referral', services: [{
        name: '<b>Evil</b>', phone: '116<script>', chat_url: 'javascript:window.__attacked=1',
        website: 'http://plain.example', sms: null, whatsapp: null, hours: null}]}}]}))""")
    page.reload()
    card = helpline_card(page)
    expect(card).to_contain_text("<b>Evil</b>")
    links = card.get_by_role("link")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "tel:116")


def test_quick_exit_and_help_stay_visible_on_a_phone_at_200_percent_text(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    open_chat(page)
    say(page, "hello")
    wait_for_bot_text(page, "not a person")
    page.mouse.wheel(0, 5000)
    for name in ("Quick exit", "Get help now", "Send"):
        control = page.get_by_role("button", name=name)
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, name
        assert box["y"] >= 0 and box["y"] + box["height"] <= 740, name
        # Nothing (panel, cookie banner) lies on top of it: a tap at its centre reaches it.
        on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y).textContent",
                               [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert on_top == name
    assert page.evaluate("document.querySelector('.copw-panel').scrollWidth") <= 360


def test_keyboard_only_use_with_visible_focus(page: Page):
    page.keyboard.press("Tab")
    launcher = page.get_by_role("button", name="Chat with the helper")
    for _ in range(20):
        if launcher.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    assert launcher.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    box = page.get_by_label("Type your message")
    expect(box).to_be_focused()
    box.type("hello")
    page.keyboard.press("Enter")
    wait_for_bot_text(page, "not a person")
    page.get_by_role("button", name="Close chat").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_be_focused()


def test_new_messages_are_announced_to_screen_readers(page: Page):
    open_chat(page)
    say(page, "hello")
    announcer = page.locator(".copw [aria-live=polite]")
    expect(announcer).to_contain_text("not a person", timeout=REPLY_TIMEOUT_MS)


def test_reduced_motion_stops_the_typing_animation(page: Page):
    page.emulate_media(reduced_motion="reduce")
    open_chat(page)
    dot = page.locator(".copw-dots span").first
    assert dot.evaluate("el => getComputedStyle(el).animationName") == "none"


def axe_serious_violations(page: Page) -> list:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_or_critical_violations(page: Page):
    assert axe_serious_violations(page) == []
    open_chat(page)
    say(page, "someone says they will share my photos if i dont send money")
    wait_for_bot_text(page, "Are you safe right now?")
    expect(page.get_by_role("button", name="Yes")).to_be_visible()
    assert axe_serious_violations(page) == []


def test_a_thumbs_down_on_an_answer_is_sent_once_and_answered(page: Page):
    open_chat(page)
    say(page, "how can i keep my stuff private online")
    wait_for_bot_text(page, PRIVACY_ANSWER_TITLE)
    answer = bot_messages(page).filter(has_text=PRIVACY_ANSWER_TITLE).last
    answer.get_by_role("button", name="This answer did not help").click()
    expect(page.locator(".copw-user").last).to_have_text("You: \U0001F44E")
    wait_for_bot_text(page, "Sorry that didn't help")
    # One rating per answer: both thumbs are now disabled, the chosen one pressed.
    expect(answer.get_by_role("button", name="This answer did not help")).to_be_disabled()
    expect(answer.get_by_role("button", name="This answer helped")).to_be_disabled()
    expect(answer.get_by_role("button", name="This answer did not help")).to_have_attribute(
        "aria-pressed", "true")
