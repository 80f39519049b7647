"""`python -m bot.guidelines.check`: validates the knowledge base and prints what falls short.

Writers run it while adding excerpts; the tests assert the same rules through the same functions.
"""
from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from typing import Dict, List

from bot.guidelines import coverage, readability
from bot.guidelines.knowledge_base import KnowledgeBase


def report(knowledge: KnowledgeBase) -> List[str]:
    lines = [f"{len(knowledge.excerpts)} excerpts, {len(knowledge.tips)} platform tips"]
    table = coverage.counts(knowledge)
    for topic in coverage.TOPICS:
        cells = [f"{audience} {band}".strip() + f"={table.get((topic, audience, band), 0)}"
                 for audience, band in [("child", "under-9"), *coverage.READERS]]
        lines.append(f"  {topic:24} " + "  ".join(cells))
    by_reader: Dict[str, List] = defaultdict(list)
    for excerpt in knowledge.excerpts:
        by_reader[f"{excerpt.audience} {excerpt.ages or ''}".strip()].append(excerpt)
    for reader, excerpts in sorted(by_reader.items()):
        words = [readability.word_count(e) for e in excerpts]
        grades = [readability.grade(e) for e in excerpts]
        lines.append(
            f"  {reader:15} words min/mean/max {min(words)}/{statistics.mean(words):.0f}/"
            f"{max(words)}  grade min/mean/max {min(grades):.1f}/{statistics.mean(grades):.1f}/"
            f"{max(grades):.1f}"
        )
    return lines


def main() -> int:
    try:
        knowledge = KnowledgeBase.load()
    except ValueError as error:
        print(f"invalid: {error}")
        return 1
    print("\n".join(report(knowledge)))
    problems = coverage.gaps(knowledge) + [
        problem for excerpt in knowledge.excerpts for problem in readability.problems(excerpt)
    ]
    print("\n".join(["problems:", *problems]) if problems else "no problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
