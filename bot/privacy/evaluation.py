"""Measures the redactor on a labelled file: how much personal data it masks, by kind, and how
many messages without personal data it changes (a false alarm garbles a child's question).

Usage: python -m bot.privacy.evaluation [CASES_FILE]
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import yaml

from bot.privacy.redaction import KINDS, Redactor, default_redactor

CASES_FILE = Path(__file__).resolve().parents[2] / "tests" / "privacy" / "redaction_cases.yml"


@dataclass
class RedactionReport:
    """Masked and total spans per kind; messages without personal data, and those changed."""

    masked: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    clean_messages: int = 0
    changed_clean: List[str] = field(default_factory=list)
    missed: List[str] = field(default_factory=list)

    def masked_share(self, kind: str) -> float:
        return self.masked[kind] / self.total[kind] if self.total[kind] else 1.0

    def changed_share(self) -> float:
        return len(self.changed_clean) / self.clean_messages if self.clean_messages else 0.0

    def lines(self) -> List[str]:
        rows = [f"{kind:9} {self.masked[kind]:4}/{self.total[kind]:<4} masked "
                f"({self.masked_share(kind):.1%})" for kind in KINDS]
        rows.append(f"no personal data: {len(self.changed_clean)}/{self.clean_messages} changed "
                    f"({self.changed_share():.1%})")
        return rows


def evaluate(cases_file: Path = CASES_FILE, redactor: Redactor = None) -> RedactionReport:
    """A labelled span counts as masked when every one of its characters is inside something
    the redactor found (of any kind: a name masked as a username is still hidden)."""
    redactor = redactor or default_redactor()
    report = RedactionReport()
    for case in yaml.safe_load(cases_file.read_text(encoding="utf-8"))["messages"]:
        text = case["text"]
        if not case["spans"]:
            report.clean_messages += 1
            if redactor.redact(text) != text:
                report.changed_clean.append(text)
            continue
        covered = set()
        for span in redactor.find(text):
            covered.update(range(span.start, span.end))
        for position, label in _located(text, case["spans"]):
            report.total[label["kind"]] += 1
            if all(i in covered for i in range(position, position + len(label["text"]))):
                report.masked[label["kind"]] += 1
            else:
                report.missed.append(f"{label['kind']}: {label['text']!r} in {text!r}")
    return report


def _located(text: str, spans: List[Dict[str, str]]):
    """Each labelled span with its position; a text labelled twice is found twice."""
    seen: Counter = Counter()
    for label in spans:
        position = -1
        for _ in range(seen[label["text"]] + 1):
            position = text.index(label["text"], position + 1)
        seen[label["text"]] += 1
        yield position, label


def main(argv: List[str]) -> int:
    report = evaluate(Path(argv[0]) if argv else CASES_FILE)
    print("\n".join(report.lines()))
    for line in report.missed:
        print("missed  ", line)
    for text in report.changed_clean:
        print("changed ", repr(text), "->", repr(default_redactor().redact(text)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
