"""Measures the redactor on labelled files: how much personal data it masks, by kind, and how
many messages without personal data it changes (a false alarm garbles a child's question).

The tagger learns from data/privacy/labelled/, so a file there is measured by leaving it out:
the redactor's tagger is trained on the other files (`--leave-one-out`). A file outside that
folder (a new blind file) was never learnt from and is measured against the full redactor.

Usage: python -m bot.privacy.evaluation [--leave-one-out] [FILE ...]
"""
from __future__ import annotations

import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from bot.privacy.redaction import Redactor, default_redactor
from bot.privacy.spans import KINDS, read_labelled
from bot.privacy.tagger import labelled_files


@dataclass
class RedactionReport:
    """Masked and total spans per kind; messages without personal data, and those changed."""

    masked: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    clean_messages: int = 0
    # "text -> what the redactor made of it", for each message without personal data changed.
    changed_clean: List[str] = field(default_factory=list)
    missed: List[str] = field(default_factory=list)

    def masked_share(self, kind: str) -> float:
        return self.masked[kind] / self.total[kind] if self.total[kind] else 1.0

    def changed_share(self) -> float:
        return len(self.changed_clean) / self.clean_messages if self.clean_messages else 0.0

    def add(self, other: "RedactionReport") -> None:
        self.masked += other.masked
        self.total += other.total
        self.clean_messages += other.clean_messages
        self.changed_clean += other.changed_clean
        self.missed += other.missed

    def lines(self) -> List[str]:
        rows = [f"{kind:9} {self.masked[kind]:4}/{self.total[kind]:<4} masked "
                f"({self.masked_share(kind):.1%})" for kind in KINDS]
        rows.append(f"no personal data: {len(self.changed_clean)}/{self.clean_messages} changed "
                    f"({self.changed_share():.1%})")
        return rows


def evaluate(cases_file: Path, redactor: Optional[Redactor] = None) -> RedactionReport:
    """A labelled span counts as masked when every one of its characters is inside something
    the redactor found (of any kind: a name masked as a username is still hidden)."""
    redactor = redactor or default_redactor()
    report = RedactionReport()
    for message in read_labelled(cases_file):
        if not message.spans:
            report.clean_messages += 1
            redacted = redactor.redact(message.text)
            if redacted != message.text:
                report.changed_clean.append(f"{message.text!r} -> {redacted!r}")
            continue
        covered = set()
        for found in redactor.find(message.text):
            covered.update(range(found.start, found.end))
        for span in message.spans:
            report.total[span.kind] += 1
            if covered.issuperset(range(span.start, span.end)):
                report.masked[span.kind] += 1
            else:
                report.missed.append(
                    f"{span.kind}: {message.text[span.start:span.end]!r} in {message.text!r}")
    return report


def evaluate_left_out(cases_file: Path) -> RedactionReport:
    """`cases_file` measured by a redactor whose tagger learnt from every other labelled file."""
    others = [path for path in labelled_files() if path.resolve() != cases_file.resolve()]
    with tempfile.TemporaryDirectory() as model_dir:
        return evaluate(cases_file, Redactor(training_files=others, model_dir=Path(model_dir)))


def main(argv: List[str]) -> int:
    leave_one_out = "--leave-one-out" in argv
    files = [Path(arg) for arg in argv if not arg.startswith("--")] or labelled_files()
    overall = RedactionReport()
    for path in files:
        report = evaluate_left_out(path) if leave_one_out else evaluate(path)
        overall.add(report)
        print(f"== {path.name}" + (" (left out of training)" if leave_one_out else ""))
        print("\n".join(report.lines()))
        for line in report.missed:
            print("missed  ", line)
        for change in report.changed_clean:
            print("changed ", change)
    if len(files) > 1:
        print("== all files")
        print("\n".join(overall.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
