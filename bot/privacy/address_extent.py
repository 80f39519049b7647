"""How far a found address reaches: the town, area, region and postcode written after a street.

The Matcher rules find the anchor of an address, a street ("7 Wren Close", "Plot 17, Kiambu
Road") or a postcode, but people go on: "7 Wren Close, Swindon SN3 4QT", "88 Maple Drive,
Oakville, ON L6J 3K2", "9 Mwangi Road, Kileleshwa, Nairobi". Left unmasked, the town between
street and postcode narrows a child down to a few houses together with the rest, so once an
anchor is found the mask runs on over the place parts that follow it. Only parts that look like
places are taken (capitalised words, a region code, a postcode, "Flat 2"), only across commas
and spaces, so the mask stops at a sentence's end ("... Swindon SN3 4QT. My son") and before a
clause ("... Mombasa and my son").
"""
from __future__ import annotations

import re
from typing import Callable, Optional, Pattern, Tuple

# "Flat 2", "Unit 12", "Apt 1203", "Block 5", "Plot 17": a unit within the address.
UNIT = re.compile(r"(?:flat|unit|apt|apartment|suite|block|blk|plot|lot)\.?\s*#?\d{1,5}[A-Za-z]?\b",
                  re.IGNORECASE)
# UK "SN3 4QT", Canadian "L6J 3K2", and a ZIP, PIN or Philippine code "90026", "110024".
# Chat writes them in lower case too ("s10 4hp").
POSTCODE = re.compile(r"(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d|\d{4,6})\b",
                      re.IGNORECASE)
# "ON", "CA", "NSW": a region code, taken only where a postcode or the end of the address follows.
REGION = re.compile(r"[A-Z]{2,3}\b(?=\s+[A-Z\d]|\s*[,.;!?)]|\s*$)")
# "toronto, on m4c 2k7", "columbus oh 43215": in lower case, only right before a postcode.
LOWER_REGION = re.compile(
    rf"(?!(?:in|and|at|by|to|of|or|for)\b)[a-z]{{2,3}}(?=\s+{POSTCODE.pattern})", re.IGNORECASE)
# A word of a place name: "Swindon", "Montréal", "Saint-Denis", the "R.K." of "R.K. Puram".
CAPITAL_WORD = re.compile(r"(?:[A-Z]\.){2,3}(?!\w)|[A-ZÀ-Þ][^\W\d_]*(?:['’-][^\W\d_]+)*\b")
TOWN_WORDS = 4
WORD_GAP = re.compile(r"[ \t]+")
LOWER_WORD = re.compile(r"[a-z]+\b")
ANY_CASE_WORD = re.compile(r"[^\W\d_]+\b")
# "Port of Spain", "Rio de Janeiro", "Newcastle upon Tyne": small words inside a town's name.
TOWN_JOINER = re.compile(r"(?:of|de|del|da|do|la|upon|on|sur|am)[ \t]+")
# "near the kfc", "opposite the church", "next to the mosque": directions to the home.
LANDMARK = re.compile(r"(?:near|beside|opposite|behind|next to|across from|close to)"
                      r"[ \t]+(?:the[ \t]+|a[ \t]+)?", re.IGNORECASE)
LANDMARK_WORDS = 3
LANDMARK_WORD = re.compile(r"[^\W_][\w'’-]*")
# "in ballarat": the town after a street, introduced.
TOWN_INTRO = re.compile(r"in[ \t]+", re.IGNORECASE)
# "dublin 14": a district number, taken only where the address ends after it.
DISTRICT = re.compile(r"\d{1,2}(?=\s*(?:$|[,.;!?)]|and\b|but\b|so\b))")
SEPARATOR = re.compile(r"\s*,\s*|\s+")
# "Saint-Denis" of "230 Rue Saint-Denis": the rest of a hyphenated street name.
HYPHENATED = re.compile(r"-[A-ZÀ-Þ][^\W\d_]*")


def extended_end(text: str, end: int, is_stop: Callable[[str], bool],
                 is_place: Callable[[str], bool], town_needs_comma: bool = False) -> int:
    """Where an address ending at `end` really ends, after the place parts that follow it.
    `is_stop` tells words that start no place ("My", "And", "I"); `is_place` tells lower-case
    words that are places ("york" in "22 baker street york"). A town is taken right after the
    street or after a comma; without a comma, "4 Elm Road Sometimes" would run on. A school's
    area follows a comma ("Delhi Public School, R.K. Puram"), so for schools
    `town_needs_comma`, unless the words are places or no English words ("Loreto College
    Dublin", "Queen's College Yaba")."""
    hyphenated = HYPHENATED.match(text, end)
    if hyphenated:
        end = hyphenated.end()
    first, after_town = True, False
    while True:
        separator = SEPARATOR.match(text, end)
        if not separator:
            return end
        comma = "," in separator.group()
        if first and town_needs_comma and not comma:
            part = _place_words_end(text, separator.end(), is_stop, is_place, ANY_CASE_WORD)
        else:
            part = _place_part(text, separator.end(), is_stop, is_place, first or comma,
                               after_town)
        if part is None:
            return end
        end, after_town = part
        first = False


def _place_part(text: str, start: int, is_stop: Callable[[str], bool],
                is_place: Callable[[str], bool], towns_allowed: bool,
                after_town: bool) -> Optional[Tuple[int, bool]]:
    """(end, whether it was a town) of the place part starting at `start`, or None."""
    for pattern in (UNIT, POSTCODE, REGION, LOWER_REGION):
        match = pattern.match(text, start)
        if match:
            return match.end(), False
    if after_town:
        match = DISTRICT.match(text, start)
        if match:
            return match.end(), False
    if not towns_allowed:
        return None
    landmark = _landmark_end(text, start, is_stop)
    if landmark is not None:
        return landmark, True
    town = TOWN_INTRO.match(text, start)
    if town:  # "14 oak street in ballarat"
        start = town.end()
    town_end = _town_end(text, start, is_stop)
    if town_end is not None:
        return town_end, True
    return _place_words_end(text, start, is_stop, is_place, LOWER_WORD)


def _words_end(text: str, start: int, word_pattern: Pattern[str], accept: Callable[[str], bool],
               limit: int, joiner: Optional[Pattern[str]] = None) -> Optional[int]:
    """End of the run of at most `limit` words from `start` that match `word_pattern` and that
    `accept` takes, or None; a `joiner` ("of" in "Port of Spain") between two of them belongs
    to the run only if a word follows it."""
    end, position = None, start
    for _ in range(limit):
        word = word_pattern.match(text, position)
        joined = joiner.match(text, position) if joiner and end is not None else None
        if joined:
            word = word_pattern.match(text, joined.end())
        if not word or not accept(word.group()):
            break
        end = word.end()
        gap = WORD_GAP.match(text, end)
        if not gap:
            break
        position = gap.end()
    return end


def _place_words_end(text: str, start: int, is_stop: Callable[[str], bool],
                     is_place: Callable[[str], bool],
                     word_pattern: Pattern[str]) -> Optional[Tuple[int, bool]]:
    """(end, True) of the words of a place starting at `start` ("gwarinpa", "taman sri muda"),
    at most four, each a place or no English word; None if there is none."""
    end = _words_end(text, start, word_pattern,
                     lambda word: not is_stop(word) and is_place(word.lower()), TOWN_WORDS)
    return (end, True) if end is not None else None


def _town_end(text: str, start: int, is_stop: Callable[[str], bool]) -> Optional[int]:
    """End of the capitalised words of a place name starting at `start` ("Los Angeles",
    "Barangay San Antonio", "Port of Spain"), at most four, none of them a word that starts no
    place."""
    return _words_end(text, start, CAPITAL_WORD, lambda word: not is_stop(word), TOWN_WORDS,
                      joiner=TOWN_JOINER)


def _landmark_end(text: str, start: int, is_stop: Callable[[str], bool]) -> Optional[int]:
    """End of a landmark that says where the home is ("beside the post office", "opposite the
    church"): at most three words after it, none of them a stop word ("near the kfc and" stops
    before "and"); None if there is none."""
    landmark = LANDMARK.match(text, start)
    if not landmark:
        return None
    return _words_end(text, landmark.end(), LANDMARK_WORD, lambda word: not is_stop(word),
                      LANDMARK_WORDS)


def extended_start(text: str, start: int) -> int:
    """Where an address starting at `start` really starts: "Apt 1203, " before "150 Queen
    Street West" belongs to it."""
    before = re.search(r"(?:flat|unit|apt|apartment|suite)\.?\s*#?\d{1,5}[A-Za-z]?\s*,?\s*$",
                       text[:start], re.IGNORECASE)
    return before.start() if before else start
