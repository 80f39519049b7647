"""The moderator's main flow in Debian's Chromium against the real running assistant: a crisis
conversation made through the REST channel leads the inbox; a moderator reviews it, corrects
an intent and exports the correction as Rasa training data."""
from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from rasa.shared.nlu.training_data.loading import load_data

from tests.conftest import ROOT, RunningAssistant

PASSWORD = "a long enough password"
SEXTORTION = "someone says they will share my photos if i dont send money"


def add_moderator(assistant: RunningAssistant, name: str) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "bot", "moderators", "--db-url", f"sqlite:///{assistant.database}",
         "add", name, "--role", "moderator"],
        cwd=ROOT, input=PASSWORD + "\n", capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr


def sign_in(page: Page, assistant: RunningAssistant, name: str) -> None:
    page.goto(assistant.web_url + "/moderation")
    expect(page).to_have_url(assistant.web_url + "/moderation/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()


def test_a_crisis_leads_the_inbox_and_is_reviewed_corrected_and_exported(
        assistant: RunningAssistant, browser: Browser, tmp_path: Path):
    run = uuid.uuid4().hex[:8]
    crisis = f"crisis-{run}"
    assistant.say(f"before-{run}", "how do i make my account private")
    replies = assistant.say(crisis, SEXTORTION)
    assert replies[-1]["text"] == "Are you safe right now?"
    # A newer, ordinary conversation: still listed after the crisis.
    assistant.say(f"after-{run}", "hello")
    moderator = f"mod-{run}"
    add_moderator(assistant, moderator)

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    sign_in(page, assistant, moderator)
    rows = page.locator("table.inbox tbody tr")
    expect(rows.first).to_contain_text(crisis)
    expect(rows.first).to_contain_text("Crisis: sextortion")
    expect(rows.first).to_contain_text("rest")

    rows.first.get_by_role("link", name=crisis).click()
    expect(page.get_by_role("heading", name=f"Conversation {crisis}")).to_be_visible()
    expect(page.locator(".turn.safety")).to_contain_text("safety flag: sextortion")
    expect(page.locator(".turn.user").first).to_contain_text(SEXTORTION)

    page.get_by_role("button", name="Assign to me").click()
    expect(page.locator(".review")).to_contain_text(f"Assigned to: {moderator}")
    page.get_by_label("New tag").fill("sextortion")
    page.get_by_role("button", name="Add tag").click()
    expect(page.locator(".tags")).to_contain_text("sextortion")
    page.get_by_label("Note").fill("Child told to keep the messages; school informed.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".notes")).to_contain_text("school informed")
    page.get_by_label("Status").select_option("reviewed")
    page.get_by_role("button", name="Set status").click()
    expect(page.locator(".review .status")).to_have_text("reviewed")

    first_turn = page.locator(".turn.user").first
    first_turn.get_by_label("Correct intent").select_option("crisis_sextortion")
    first_turn.get_by_role("button", name="Save intent").click()
    expect(page.locator(".turn.user").first).to_contain_text("Corrected to crisis_sextortion")

    page.get_by_role("link", name="Corrections").click()
    expect(page.locator("table")).to_contain_text(SEXTORTION)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as Rasa NLU YAML").click()
    exported = tmp_path / "corrections.yml"
    download_info.value.save_as(exported)
    examples = {(m.get("text"), m.get("intent")) for m in load_data(str(exported)).intent_examples}
    assert (SEXTORTION, "crisis_sextortion") in examples

    page.goto(assistant.web_url + "/moderation?status=reviewed")
    expect(page.locator("table.inbox")).to_contain_text(crisis)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(assistant.web_url + "/moderation/login")
    context.close()
