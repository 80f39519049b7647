"""Fitting Rasa buttons into messaging apps' size limits without losing what a tap means.

A button's payload (e.g. `/inform{"user_role":"parent"}`) goes out as the platform's reply id and
comes back unchanged when tapped, so Rasa sees exactly the intent the domain author wrote. Titles
are shortened for display only.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping

ELLIPSIS = "…"

# The follow-up a guideline answer ends with (actions/guidelines.py): its presence tells a channel
# that the message closes an answer, which people can rate.
ANSWER_FOLLOW_UP = "/request_more"
# Asked in a message of its own after an answer: a guideline answer already uses WhatsApp's three
# reply buttons, so the two thumbs cannot join them. Titles fit WhatsApp's 20 characters.
RATING_QUESTION = "Was this answer helpful?"
RATING_BUTTONS = [
    {"title": "\U0001F44D Yes, it helped", "payload": "/feedback_positive"},
    {"title": "\U0001F44E No", "payload": "/feedback_negative"},
]


def closes_an_answer(buttons: Any) -> bool:
    """Whether a message's buttons are a guideline answer's follow-ups (then a rating is asked)."""
    return isinstance(buttons, list) and any(
        isinstance(button, Mapping) and button.get("payload") == ANSWER_FOLLOW_UP
        for button in buttons)


def shorten(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut at a word boundary with an ellipsis when too long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + ELLIPSIS


def reply_id(button: Mapping[str, Any], max_bytes: int) -> str:
    """The id a tap sends back: the payload when it fits, else the title (which NLU then reads)."""
    payload = str(button.get("payload") or "")
    if payload and len(payload.encode()) <= max_bytes:
        return payload
    title = str(button.get("title") or "")
    while len(title.encode()) > max_bytes:
        title = title[:-1]
    return title


def chunks(text: str, limit: int) -> Iterator[str]:
    """Pieces of at most `limit` characters, split at line breaks where possible."""
    text = text.strip()
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        yield text[:cut].rstrip()
        text = text[cut:].lstrip()
    if text:
        yield text
