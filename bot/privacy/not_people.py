"""Names of things that are never a person: apps, games, brands, services and helplines.

A capitalised word that is no English word is the redactor's main evidence of a name, and the
things children ask about look just like that ("free Jordans", "is Qustodio good", "Bantay
Bata"). Two sources say which they are: a hand-kept list (data/privacy/not_people.yml) and the
assistant's own vocabulary, since a word our guidelines, domain responses, NLU platform entities
or helpline directory use is a topic of the conversation, not someone in it. Words of that
vocabulary that are also first names ("Hope", "Jordan") stay possible names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import FrozenSet, Iterable

import yaml

ROOT = Path(__file__).resolve().parents[2]
NOT_PEOPLE_FILE = ROOT / "data" / "privacy" / "not_people.yml"
NLU_DIR = ROOT / "data" / "nlu"
# Text the assistant itself says or knows: its capitalised words name topics and services.
ASSISTANT_TEXT = (ROOT / "domain.yml", ROOT / "data" / "guidelines", ROOT / "data" / "helplines")
CAPITALISED = re.compile(r"\b[A-Z][a-z]+[A-Za-z]*\b")
# "[discord](platform)" and {"entity": "platform", "value": ...} in NLU examples.
PLATFORM_ENTITY = re.compile(r"\[([^\]]+)\]\(platform\)|\[([^\]]+)\]\{\"entity\": \"platform\"")


# Lists of titles of shows, films, books, toy lines and channels, and characters: "Elsa from
# Frozen" and "Ryan from Ryan's World" are no children's people. Games are not among them:
# "Jake from Roblox" is someone met there.
STORY_LISTS = ("shows", "films", "books", "toys_and_kids_channels",
               "youtubers_streamers_tiktokers", "characters")


@dataclass(frozen=True)
class NotPeople:
    """Single lower-case words, and phrases of several words, that never name a person; and
    the titles of stories, whose characters are no people either."""

    words: FrozenSet[str]
    phrases: FrozenSet[str]
    stories: FrozenSet[str]

    @classmethod
    def load(cls, first_names: FrozenSet[str]) -> "NotPeople":
        data = yaml.safe_load(NOT_PEOPLE_FILE.read_text(encoding="utf-8"))
        listed = {entry.lower() for key, entries in data.items() if isinstance(entries, list)
                  for entry in entries}
        stories = frozenset(entry.lower() for key in STORY_LISTS for entry in data.get(key, ()))
        # "Matilda" and "Moana" are titles, and girls' names: alone they stay possible names.
        named_like_people = {title for title in stories if title in first_names}
        vocabulary = _assistant_words() - first_names
        # "barnardo's" is two tokens, matched as a phrase like "peppa pig".
        return cls(words=frozenset(e for e in listed - named_like_people if " " not in e)
                   | vocabulary,
                   phrases=frozenset(e for e in listed if " " in e or "'" in e),
                   stories=stories)


def _assistant_words() -> FrozenSet[str]:
    words = set()
    for text in _texts(ASSISTANT_TEXT):
        words.update(word.lower() for word in CAPITALISED.findall(text))
    for text in _texts((NLU_DIR,)):
        for match in PLATFORM_ENTITY.finditer(text):
            words.update((match.group(1) or match.group(2)).lower().split())
    return frozenset(words)


def _texts(paths: Iterable[Path]) -> Iterable[str]:
    for path in paths:
        for file in sorted(path.rglob("*.yml")) if path.is_dir() else [path]:
            yield file.read_text(encoding="utf-8")
