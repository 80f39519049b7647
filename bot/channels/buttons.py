"""Fitting Rasa buttons into messaging apps' size limits without losing what a tap means.

A button's payload (e.g. `/inform{"user_role":"parent"}`) goes out as the platform's reply id and
comes back unchanged when tapped, so Rasa sees exactly the intent the domain author wrote. Titles
are shortened for display only.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping

ELLIPSIS = "…"


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
