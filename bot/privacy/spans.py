"""A piece of personal data found in a text, and the labelled files that say where such pieces
are (for measuring the redactor and training its tagger)."""
from __future__ import annotations

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
            position = -1
            for _ in range(seen[label["text"]] + 1):
                position = text.index(label["text"], position + 1)
            seen[label["text"]] += 1
            spans.append(Span(position, position + len(label["text"]), label["kind"]))
        messages.append(LabelledMessage(text, spans))
    return messages
