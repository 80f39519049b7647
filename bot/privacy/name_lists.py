"""First and family names that the redactor knows, from many cultures.

gender-guesser's list (about 61,000 names) is mostly European and American; children here are
also called Kwame, Tunde, Ngozi or Ananya. Faker's person data adds first and family names of
about 70 locales; the words we need are vendored as plain lists in data/privacy/ (source and
licence in their headers) rather than pulling Faker into the runtime.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import FrozenSet

from gender_guesser.detector import Detector

DATA = Path(__file__).resolve().parents[2] / "data" / "privacy"
FIRST_NAMES_FILE = DATA / "first_names.txt"
SURNAMES_FILE = DATA / "surnames.txt"


def read_word_list(path: Path) -> FrozenSet[str]:
    """One lower-case word a line; lines starting with "#" say where the words come from."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@dataclass(frozen=True)
class NameLists:
    """Lower-case first names and family names."""

    first_names: FrozenSet[str]
    surnames: FrozenSet[str]

    @classmethod
    def load(cls) -> "NameLists":
        known = frozenset(Detector(case_sensitive=False).names)
        return cls(first_names=known | read_word_list(FIRST_NAMES_FILE),
                   surnames=read_word_list(SURNAMES_FILE))
