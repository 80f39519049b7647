"""A piece of personal data found in a text, and the labelled files that say where such pieces
are (for measuring the redactor and training its tagger)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import List, NamedTuple

import yaml

KINDS = ("email", "phone", "username", "school", "address", "name")


@dataclass(frozen=True)
class Span:
    """One piece of personal data: characters [start, end) of the text, and its kind."""

    start: int
    end: int
    kind: str


class LabelledMessage(NamedTuple):
    """A message and every piece of personal data in it; none for a message to leave alone."""

    text: str
    spans: List[Span]


def read_labelled(path: Path) -> List[LabelledMessage]:
    """The messages of a labelled file (`messages: [{text, spans: [{kind, text}]}]`), each span
    located in its text; a text labelled twice is the second occurrence the second time."""
    messages = []
    for case in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
        text, seen, spans = case["text"], Counter(), []
        for label in case["spans"]:
            position = _occurrences(text, label["text"])[seen[label["text"]]]
            seen[label["text"]] += 1
            spans.append(Span(position, position + len(label["text"]), label["kind"]))
        messages.append(LabelledMessage(text, spans))
    return messages


def _occurrences(text: str, piece: str) -> List[int]:
    """Where `piece` stands in `text` as whole words: "Thandi" in "My name's Thandiwe, call me
    Thandi" is the second, though it is also the start of the first."""
    found = [match.start() for match in re.finditer(f"(?={re.escape(piece)})", text)]
    whole = [start for start in found
             if not _glued(text, start - 1, start) and not _glued(text, start + len(piece) - 1,
                                                                  start + len(piece))]
    if not found:
        raise ValueError(f"{piece!r} is not in {text!r}")
    return whole or found


def _glued(text: str, left: int, right: int) -> bool:
    """Whether the characters at `left` and `right` are both letters or digits."""
    return 0 <= left and right < len(text) and text[left].isalnum() and text[right].isalnum()
