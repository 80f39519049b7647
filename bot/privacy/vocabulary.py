"""What the redactor knows about single words: how common a word is in English, whether it
is a first name, a family name, a place, an app or a brand, and whether a message's capitals say
anything about names at all (a Title Case or shouted message capitalises every word).

The thresholds are spaCy's English word log probabilities (spacy-lookups-data): a first name that
is also a common word ("will", "may", "grace period") counts as a name only where the words
around it say so (bot/privacy/patterns.py).
"""
from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, FrozenSet

import pycountry
import spacy_lookups_data
from spacy.tokens import Doc, Token

from bot.privacy.name_lists import DATA, NameLists, read_word_list

# After these a capitalised word is a place ("moved to Nairobi"), a thing ("a Karen") or a
# relative ("my Lola").
BEFORE_PLACE_OR_THING = frozenset({"in", "near", "to", "at", "visit", "visiting", "a", "an", "the",
                                   "my", "your", "his", "her", "our", "their"})
# ... and after these too, a word is no one who "said" or "keeps" doing something.
BEFORE_NON_SUBJECT = BEFORE_PLACE_OR_THING | {"this", "that", "some", "any", "every", "each",
                                             "no", "one", "big", "little"}
# Months that are given names too: a month alone is a date, after "her name is" a girl.
MONTHS_THAT_ARE_NAMES = frozenset({"april", "may", "june", "august"})
TOWNS_FILE = DATA / "towns.txt"
# spaCy's English word log probabilities (from spacy-lookups-data): how common a word is.
WORD_LOGPROB_FILE = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
# Rarer words than this all count as unknown: keeping only the rest saves ~100 MB per process.
RARE_WORD_LOGPROB = -16.0
# A word more frequent than this is ordinary English, not a name or a handle.
COMMON_WORD_LOGPROB = -11.0
# More frequent than this, a word is a function word ("the", "so", "can"), never a name.
FUNCTION_WORD_LOGPROB = -6.0
# More frequent than this, a word is an everyday word ("said", "says") even where a name could
# stand ("my dad said"); "jack", "joy" and "mark" are rarer.
EVERYDAY_WORD_LOGPROB = -9.5
# Rarer than this, a word is no English word at all ("okafor", "ngozi").
UNKNOWN_WORD_LOGPROB = -14.0
# A known first name at most this frequent is treated as a name anywhere in a message.
RARE_NAME_LOGPROB = -12.6
# A text of at least this many words, this share of them capitalised, is Title Case or shouted.
CASE_NOISE_MIN_WORDS, CASE_NOISE_SHARE = 5, 0.7
# "Mall of Asia", "Africa had ...": places that pycountry does not list.
CONTINENTS = frozenset({"africa", "asia", "europe", "oceania", "antarctica", "americas",
                        "caribbean", "scandinavia"})
# Words that join names: "tolu and femi", "mum n dad".
COORDINATORS = frozenset({"and", "&", "or", "n"})
# Words that are first names somewhere but, beside "and", are the speaker or a pronoun.
NOT_COORDINATED_NAMES = frozenset({"i", "me", "my", "you", "he", "she", "we", "they", "him",
                                   "her", "us", "them", "his", "the", "a", "an", "so", "then"})
# "jake", "O'Brien", "o'connor"
APOSTROPHE_NAME = re.compile(r"^[^\W\d_]+(?:'[^\W\d_]+)?$")
TIME = re.compile(r"^\d{1,2}(?::\d\d)?\s?(?:am|pm)$", re.IGNORECASE)
# "under-12s", "U16", "over18s": an age group, not an account.
AGE_BAND = re.compile(r"^(?:under|over|u|o)-?\d{1,2}s?$", re.IGNORECASE)
ORDINAL = re.compile(r"^\d{1,4}(?:st|nd|rd|th)$", re.IGNORECASE)


@dataclass(frozen=True)
class Vocabulary:
    """What the rules know about single words."""

    word_logprob: Callable[[str], float]
    names: NameLists
    not_names: FrozenSet[str]
    # Apps, games, brands and the assistant's own vocabulary (not_people.py): never a person.
    not_people: FrozenSet[str]
    places: FrozenSet[str]
    # Towns and cities whose names are no English word or person's name ("accra", "kumasi").
    towns: FrozenSet[str]
    place_words: FrozenSet[str]
    school_types: FrozenSet[str]
    generic_school_words: FrozenSet[str]

    def is_common(self, word: str) -> bool:
        return self.word_logprob(word.lower()) > COMMON_WORD_LOGPROB

    def is_first_name(self, word: str) -> bool:
        return word.lower() in self.names.first_names

    def could_be_listed_name(self, token: Token) -> bool:
        """A first name beside "and" or in a list of names: "rose and bilal", "Chidi, Tolu and
        Femi"; not "me", an article or an app, though each is someone's name somewhere."""
        return token.text.isalpha() and token.lower_ not in NOT_COORDINATED_NAMES \
            and self.is_first_name(token.text) and not self.not_a_person(token)

    def not_a_person(self, token: Token) -> bool:
        return token.lower_ in self.not_names or token.lower_ in self.not_people

    def could_be_name(self, token: Token) -> bool:
        """A word that may be a name where the context says one follows ("my friend ___",
        "called ___"): capitalised, a known first name, or no English word at all. Places count
        here ("a girl called Sofia")."""
        text = token.text
        if not APOSTROPHE_NAME.match(text) or token.is_stop or self.not_a_person(token) \
                or self.is_verb_form(token):
            return False
        logprob = self.word_logprob(token.lower_)
        return ((capitalised(token) and logprob < COMMON_WORD_LOGPROB + 2)
                or (self.is_first_name(text) and logprob < RARE_NAME_LOGPROB)
                or logprob < UNKNOWN_WORD_LOGPROB)

    def is_verb_form(self, token: Token) -> bool:
        """"stop someone from screenshotting", "school is banning phones", "a pupil discloses":
        a lower-case "-ing" word or inflected English word is a verb or a plural, however rare
        ("Fleming" and "Golding" are capitalised), unless it is a name or a town ("at kettering
        grammar", "my teacher mrs hinds")."""
        lower = token.lower_
        if not token.is_lower or self.is_first_name(lower) or lower in self.towns:
            return False
        return lower.endswith("ing") or (
            token.lemma_ not in ("", lower) and lower not in self.names.surnames)

    def named_word(self, token: Token) -> bool:
        """After "called", "my name is", "my friend", "auntie": any first name, even one that is
        also a word or a month ("a boy called jack", "auntie joy", "her name is april"), or
        what `could_be_name` accepts; never an app, a brand or a pet name ("called me babe")."""
        return self.could_be_name(token) or (
            token.text.isalpha() and not token.is_stop
            and (not self.not_a_person(token) or token.lower_ in MONTHS_THAT_ARE_NAMES)
            and self.is_first_name(token.text)
            and self.word_logprob(token.lower_) < EVERYDAY_WORD_LOGPROB)

    def surname_word(self, token: Token) -> bool:
        """A word after a first name that continues it: what `could_be_name` accepts, or a
        known family name that is no everyday word ("jamal washington")."""
        return self.could_be_name(token) or (
            token.lower_ in self.names.surnames and not token.is_stop
            and not self.not_a_person(token) and not self.is_common(token.lower_))

    def subject_name(self, token: Token) -> bool:
        """A word before "said", "keeps", "told" that is a person: a first name that is no
        common word ("sofia told") or no English word at all ("kwame told"); "the teacher
        said", "my sister says", "Association wants" and "snapchat says" stay."""
        previous = token.nbor(-1).lower_ if token.i > 0 else ""
        if (not token.text.isalpha() or token.is_stop or self.not_a_person(token)
                or token.lower_ in self.place_words or self.is_verb_form(token)
                or previous in BEFORE_NON_SUBJECT
                or (previous == "from" and token.lower_ in self.places)):
            return False  # "a bot keeps", "my son says", "a guy from Texas says"; a place
            # ("sofia told") may be a name elsewhere
        logprob = self.word_logprob(token.lower_)
        return ((self.is_first_name(token.text) and logprob < COMMON_WORD_LOGPROB)
                or logprob < UNKNOWN_WORD_LOGPROB)

    def titled_first_name(self, token: Token) -> bool:
        """"Will" in "Will Harrington": a capitalised first name before a surname, even when it
        is also a word; function words ("The", "So") never are."""
        return (token.is_title and token.text.isalpha() and self.is_first_name(token.text)
                and not self.not_a_person(token)
                and self.word_logprob(token.lower_) < FUNCTION_WORD_LOGPROB)

    def never_a_name(self, token: Token) -> bool:
        lower = token.lower_
        return (not token.text.isalpha() or token.is_stop or self.not_a_person(token)
                or lower in self.places or lower in self.place_words)

    def is_name(self, token: Token) -> bool:
        """A word that is a name wherever it stands: a first name too rare to be a plain word.
        A capitalised unknown word alone is no evidence: apps, games and brands look the same
        ("Zepeto", "Canva"); it needs a naming context or a first name beside it. A word after
        "in", "near" or "to" is taken for a place ("we moved to Nairobi")."""
        if self.never_a_name(token):
            return False
        previous = token.nbor(-1).lower_ if token.i > 0 else ""
        if previous in BEFORE_PLACE_OR_THING:
            return False  # a place ("moved to Nairobi") or a thing ("a Karen", "the Westfield")
        return self.is_first_name(token.text) and \
            self.word_logprob(token.lower_) <= RARE_NAME_LOGPROB

    def street_word(self, token: Token) -> bool:
        """A word of a street's name: "Queen", "'s", "Nelson", "Mandela", "54th"."""
        return token.text == "'s" or bool(ORDINAL.match(token.text)) or (
            token.text[:1].isalpha() and not token.is_stop and token.lower_ not in self.not_names)

    def could_be_school_name(self, token: Token) -> bool:
        text = token.text.lower().strip(".")
        return (token.text[:1].isalnum() and text not in self.generic_school_words
                and text not in self.school_types and not token.like_num
                and not self.is_verb_form(token)  # "tutoring primary kids"
                and (token.text.istitle() or not self.is_common(text) or text in ("st", "saint")))


def word_logprobs() -> Dict[str, float]:
    """Log probability of each English word that is not rare (rarer ones all count as rare)."""
    with gzip.open(WORD_LOGPROB_FILE) as handle:
        table = json.load(handle)
    return {word: logprob for word, logprob in table.items() if logprob > RARE_WORD_LOGPROB}


def town_names() -> FrozenSet[str]:
    """Names of towns of 15,000 people or more (TOWNS_FILE, from GeoNames), lower case."""
    return read_word_list(TOWNS_FILE)


def place_names() -> FrozenSet[str]:
    """One-word names of countries and their regions ("kenya", "lagos", "london"): "i live in
    kenya" keeps its place (the helpline lookup needs it); only streets and postcodes are
    addresses."""
    found = set()
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", "")):
            found.update(word for word in re.split(r"[^a-z]+", name.lower()) if len(word) > 3)
    found.update(CONTINENTS)
    for subdivision in pycountry.subdivisions:
        head = re.split(r"[,(]", subdivision.name)[0].strip().lower()
        if head.isalpha():
            found.add(head)
    return frozenset(found)


def case_is_noise(doc: Doc) -> bool:
    """A Title Case Sentence Like This or SHOUTED TEXT: its capitals say nothing about names."""
    words = [token for token in doc if token.is_alpha and len(token) > 1]
    if len(words) < CASE_NOISE_MIN_WORDS:
        return False
    upper = sum(token.is_upper for token in words)
    title = sum(token.is_title for token in words)
    return max(upper, title) >= CASE_NOISE_SHARE * len(words)


def capitalised(token: Token) -> bool:
    """Capitals that may mark a name: "Tom", "OKAFOR", unless the whole text is written so."""
    return (token.is_title or token.is_upper) and not token.doc._.case_is_noise


def looks_like_handle(token: Token) -> bool:
    """"lily.x.rose", "BuilderBob77", "xXShadowXx": digits, dots, underscores or inner capitals."""
    text = token.text
    if len(text) < 3 or token.is_punct or TIME.match(text) or token.like_num \
            or AGE_BAND.match(text):
        return False
    inner_capital = len(text) >= 5 and any(c.isupper() for c in text[1:]) and \
        sum(c.islower() for c in text) >= 2
    return (any(c.isdigit() for c in text) and any(c.isalpha() for c in text)) or \
        any(c in "._" for c in text.strip("._")) or inner_capital


def is_strong_handle(token: Token, vocabulary: Vocabulary) -> bool:
    """A handle wherever it stands: "xX_DarkLord_Xx", "NinjaNoodle_99", "sussybaka123"."""
    text = token.text
    if text.lower() in vocabulary.not_names or not looks_like_handle(token):
        return False
    letters = sum(c.isalpha() for c in text)
    digits = sum(c.isdigit() for c in text)
    # "ghostie.exe", "lil.mochi": dotted words that are no link or address ("St.Marys" has a
    # short first part).
    dotted = "." in text.strip(".") and not token.like_url and not token.like_email \
        and len(text.split(".")[0]) >= 3 and letters >= 6
    return ("_" in text.strip("_") and letters >= 3) or (letters >= 5 and digits >= 2) or dotted
