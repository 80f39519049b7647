"""How hard an excerpt is to read, and the limits children's excerpts must stay within.

The limits come from the knowledge-base issue: children's text at most 70 words, and a
Flesch-Kincaid grade of at most 4 for under-9s and 6 for 9-12s (textstat counts syllables with
pyphen, so no dictionary download is needed).
"""
from __future__ import annotations

from typing import Dict, List, Optional

import textstat

from bot.guidelines.knowledge_base import Excerpt

CHILD_MAX_WORDS = 70
ADULT_MAX_WORDS = 170
MAX_GRADE: Dict[str, float] = {"under-9": 4.0, "9-12": 6.0}


def sentences(excerpt: Excerpt) -> str:
    """Text and steps as the reader meets them; steps without a full stop still end a sentence."""
    parts = [excerpt.text, *excerpt.steps]
    return " ".join(part if part.rstrip()[-1:] in ".!?" else part + "." for part in parts)


def word_count(excerpt: Excerpt) -> int:
    return len(excerpt.body.split())


def grade(excerpt: Excerpt) -> float:
    return float(textstat.flesch_kincaid_grade(sentences(excerpt)))


def problems(excerpt: Excerpt) -> List[str]:
    """What breaks the length and readability limits for this excerpt's reader."""
    found = []
    words = word_count(excerpt)
    limit = CHILD_MAX_WORDS if excerpt.audience == "child" else ADULT_MAX_WORDS
    if words > limit:
        found.append(f"{excerpt.id}: {words} words, the limit is {limit}")
    max_grade: Optional[float] = MAX_GRADE.get(excerpt.ages or "")
    if max_grade is not None and grade(excerpt) > max_grade:
        found.append(f"{excerpt.id}: reading grade {grade(excerpt):.1f}, the limit is {max_grade:.0f}")
    return found
