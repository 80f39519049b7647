"""Measures the chat widget for release notes: size, time to interactive, axe-core, screenshots.

Run against a running assistant (`make run` in another terminal):
    .venv/bin/python scripts/widget_report.py http://localhost:8000
Writes results/widget-report.json and the README screenshots docs/widget.png and
docs/widget-phone.png. Numbers are measured here, never asserted by a test (speed targets
belong in benchmarks).
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
from pathlib import Path
from typing import Dict, List

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_widget_browser import (  # noqa: E402  (needs ROOT on the path)
    CHROMIUM, axe_serious_violations, neutral_site, say, wait_for_bot_text,
)

STATIC = ROOT / "bot" / "web" / "static"
SOCKET_IO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
MARKS = ("copw-launcher-ready", "copw-client-ready", "copw-connected")
LOADS = 7


def gzipped_sizes() -> Dict[str, int]:
    files = {"widget.js": STATIC / "widget.js", "widget.css": STATIC / "widget.css",
             "socket.io.min.js": SOCKET_IO_CLIENT}
    sizes = {name: len(gzip.compress(path.read_bytes(), compresslevel=9))
             for name, path in files.items()}
    sizes["widget (js+css)"] = sizes["widget.js"] + sizes["widget.css"]
    sizes["widget + socket.io client"] = sizes["widget (js+css)"] + sizes["socket.io.min.js"]
    return sizes


def timings(page: Page, url: str) -> Dict[str, float]:
    """Median milliseconds from navigation start to each widget mark over fresh page loads."""
    samples: Dict[str, List[float]] = {name: [] for name in MARKS}
    for _ in range(LOADS):
        page.evaluate("sessionStorage.clear()")
        page.goto(url)
        page.get_by_role("button", name="Chat with the helper").click()
        page.wait_for_function("performance.getEntriesByName('copw-connected').length > 0")
        for name in MARKS:
            samples[name].append(page.evaluate(
                f"performance.getEntriesByName('{name}')[0].startTime"))
    return {name: round(statistics.median(values)) for name, values in samples.items()}


def conversation(page: Page) -> None:
    page.get_by_role("button", name="Chat with the helper").click()
    say(page, "hello")
    wait_for_bot_text(page, "not a person")
    say(page, "someone says they will share my photos if i dont send money")
    wait_for_bot_text(page, "Are you safe right now?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", help="the web app, e.g. http://localhost:8000")
    args = parser.parse_args()
    url = args.url.rstrip("/") + "/"
    report: Dict[str, object] = {"gzipped_bytes": gzipped_sizes()}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        context = browser.new_context(viewport={"width": 1280, "height": 800},
                                      timezone_id="Africa/Kigali", locale="en-GB")
        neutral_site(context)
        page = context.new_page()
        page.goto(url)
        report["ms_from_navigation_start"] = timings(page, url)
        page.evaluate("sessionStorage.clear()")
        page.goto(url)
        report["axe_serious_or_critical_page_closed"] = axe_serious_violations(page)
        conversation(page)
        report["axe_serious_or_critical_with_helpline_card"] = axe_serious_violations(page)
        (ROOT / "docs").mkdir(exist_ok=True)
        card_top = """() => { const box = document.querySelector('.copw-scroller');
            const card = document.querySelector('.copw-card');
            box.scrollTop += card.getBoundingClientRect().top - box.getBoundingClientRect().top - 8; }"""
        page.evaluate(card_top)
        page.screenshot(path=str(ROOT / "docs" / "widget.png"))
        page.set_viewport_size({"width": 360, "height": 740})
        page.evaluate(card_top)
        page.screenshot(path=str(ROOT / "docs" / "widget-phone.png"))
        browser.close()
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "widget-report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
