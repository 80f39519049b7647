"""Masks personal data in what people type: emails, phone numbers, names, addresses, schools and
account handles become placeholders such as "[name]".

Conversations are children's data, so the tracker store, the moderation dashboard and every
export show text only after it has passed through here. No pretrained NER model can be
downloaded where this assistant is built, so the rules are explicit and testable:

- emails, handles ("@skater_09", "coolcat#4821") and postcodes by pattern;
- phone numbers by `phonenumbers` (Google's libphonenumber) for the regions we serve, plus a
  digit-run rule for numbers it cannot place; numbers in our helpline directory are not personal
  and stay ("is 0800 1111 free?");
- names, streets, schools and handles by spaCy Matcher patterns over a blank English tokenizer,
  with the words around them ("my friend ...", "... Primary School") from
  data/privacy/redaction_rules.yml and first names from the `gender-guesser` name list. A known
  first name counts as a name only when it is rare as an English word (spaCy's lexeme
  probabilities), so "will", "may" and "grace period" stay text.

Accuracy is measured against tests/privacy/redaction_cases.yml (tests/test_redaction.py).
"""
from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence

import phonenumbers
import pycountry
import spacy
import spacy_lookups_data
import yaml
from gender_guesser.detector import Detector
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span as SpacySpan, Token

from bot.helplines.directory import HelplineDirectory

ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = ROOT / "data" / "privacy" / "redaction_rules.yml"
KINDS = ("email", "phone", "username", "school", "address", "name")
# Regions whose national formats (07700 900123, (555) 201-3344) phonenumbers tries; numbers
# written with +country code are found whatever the region.
PHONE_REGIONS = ("GB", "US", "IN", "KE", "NG", "ZA", "AU", "IE", "CA", "PH", "GH", "UG", "RW")
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

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE = re.compile(r"(?<![\w@])@(?=[\w.]*[A-Za-z])[\w.]{2,30}\w")
# Discord "coolcat#4821", Riot "HeadshotHana#EUW".
GAME_TAG = re.compile(r"\b[\w.]{2,32}#(?:\d{4}|[A-Z0-9]{2,5})\b")
REDDIT_USER = re.compile(r"(?<![\w/])u/[\w-]{3,20}")
# "@everyone" and "@here" are Discord mentions of a whole server, not a person.
MENTIONS = frozenset({"@everyone", "@here", "@channel"})
PROFILE_URL = re.compile(
    r"\b(?:https?://)?(?:www\.)?(?:instagram|tiktok|snapchat|twitter|x|facebook|youtube|twitch)"
    r"\.com/@?[\w.]+", re.IGNORECASE)
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b", re.IGNORECASE)
# "jake", "O'Brien", "o'connor"
APOSTROPHE_NAME = re.compile(r"^[^\W\d_]+(?:'[^\W\d_]+)?$")
# Canadian "M4B 1B3" and the P.O. boxes used as addresses in Kenya and elsewhere.
CANADIAN_POSTCODE = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b", re.IGNORECASE)
PO_BOX = re.compile(r"\bP\.?\s?O\.?\s?Box\s+\d[\d-]*", re.IGNORECASE)
TIME = re.compile(r"^\d{1,2}(?::\d\d)?\s?(?:am|pm)$", re.IGNORECASE)
DIGIT_RUN = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{5,}\d(?![\w])")
DATE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$")
ORDINAL = re.compile(r"^\d{1,4}(?:st|nd|rd|th)$", re.IGNORECASE)
# Digits written in groups, as a helpline number is quoted: "116 111", "1-800-668-6868".
DIGIT_GROUPS = re.compile(r"(?<![\w+])\+?\d[\d\s.-]*\d|\b\d\b")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 8, 15
LOCAL_NUMBER_DIGITS = 7
# A number spelt out to fool filters: "zero seven seven zero zero nine ...".
DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
SPELT_NUMBER = re.compile(rf"\b(?:{DIGIT_WORD}[\s,.-]+){{6,}}{DIGIT_WORD}\b", re.IGNORECASE)
# Seven-digit local numbers ("555-0123") count where a phone is being talked about.
LOCAL_NUMBER = re.compile(
    r"(?:number|no|num|phone|from|call|called|text|texted|ring|rang|whatsapp|is)\W+"
    r"(?:\w+\W+){0,2}?(\d{3}[-.\s]?\d{4})(?![\d\w])", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """One piece of personal data: characters [start, end) of the text, and its kind."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Vocabulary:
    """What the rules know about single words."""

    word_logprob: Callable[[str], float]
    first_names: Detector
    not_names: FrozenSet[str]
    places: FrozenSet[str]
    place_words: FrozenSet[str]
    school_types: FrozenSet[str]
    generic_school_words: FrozenSet[str]

    def is_common(self, word: str) -> bool:
        return self.word_logprob(word.lower()) > COMMON_WORD_LOGPROB

    def is_first_name(self, word: str) -> bool:
        return self.first_names.get_gender(word.lower()) != "unknown"

    def could_be_name(self, token: Token) -> bool:
        """A word that may be a name where the context says one follows ("my friend ___",
        "called ___"): capitalised, a known first name, or no English word at all. Places count
        here ("a girl called Sofia")."""
        text = token.text
        if not APOSTROPHE_NAME.match(text) or token.is_stop or token.lower_ in self.not_names:
            return False
        logprob = self.word_logprob(token.lower_)
        return (((text.istitle() or text.isupper()) and logprob < COMMON_WORD_LOGPROB + 2)
                or (self.is_first_name(text) and logprob < RARE_NAME_LOGPROB)
                or logprob < UNKNOWN_WORD_LOGPROB)

    def named_word(self, token: Token) -> bool:
        """After "called", "my name is", "my friend", "auntie": any first name, even one that is
        also a word ("a boy called jack", "auntie joy"), or what `could_be_name` accepts."""
        return self.could_be_name(token) or (
            token.text.isalpha() and not token.is_stop and token.lower_ not in self.not_names
            and self.is_first_name(token.text)
            and self.word_logprob(token.lower_) < EVERYDAY_WORD_LOGPROB)

    def titled_first_name(self, token: Token) -> bool:
        """"Will" in "Will Harrington": a capitalised first name before a surname, even when it
        is also a word; function words ("The", "So") never are."""
        return (token.is_title and token.text.isalpha() and self.is_first_name(token.text)
                and token.lower_ not in self.not_names
                and self.word_logprob(token.lower_) < FUNCTION_WORD_LOGPROB)

    def never_a_name(self, token: Token) -> bool:
        lower = token.lower_
        return (not token.text.isalpha() or token.is_stop or lower in self.not_names
                or lower in self.places or lower in self.place_words)

    def is_name(self, token: Token) -> bool:
        """A word that is a name wherever it stands: a first name too rare to be a plain word,
        or a capitalised word that is neither English, a place, a brand nor a sentence start.
        A word after "in", "near" or "to" is taken for a place ("we moved to Nairobi")."""
        if self.never_a_name(token):
            return False
        previous = token.nbor(-1).lower_ if token.i > 0 else ""
        if previous in ("in", "near", "to", "at", "visit", "visiting", "a", "an", "the"):
            return False  # a place ("moved to Nairobi") or a thing ("a Karen", "the Westfield")
        logprob = self.word_logprob(token.lower_)
        if self.is_first_name(token.text) and logprob <= RARE_NAME_LOGPROB:
            return True
        return (token.text.istitle() and not token.is_sent_start and len(token.text) > 2
                and logprob < UNKNOWN_WORD_LOGPROB)

    def street_word(self, token: Token) -> bool:
        """A word of a street's name: "Queen", "'s", "Nelson", "Mandela", "54th"."""
        return token.text == "'s" or bool(ORDINAL.match(token.text)) or (
            token.text[:1].isalpha() and not token.is_stop and token.lower_ not in self.not_names)

    def could_be_school_name(self, token: Token) -> bool:
        text = token.text.lower().strip(".")
        return (token.text[:1].isalnum() and text not in self.generic_school_words
                and text not in self.school_types and not token.like_num
                and (token.text.istitle() or not self.is_common(text) or text in ("st", "saint")))


def _word_logprobs() -> Dict[str, float]:
    with gzip.open(WORD_LOGPROB_FILE) as handle:
        table = json.load(handle)
    return {word: logprob for word, logprob in table.items() if logprob > RARE_WORD_LOGPROB}


def _places() -> FrozenSet[str]:
    """One-word names of countries and their regions ("kenya", "lagos", "london"): "i live in
    kenya" keeps its place (the helpline lookup needs it); only streets and postcodes are
    addresses."""
    places = set()
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", "")):
            places.update(word for word in re.split(r"[^a-z]+", name.lower()) if len(word) > 3)
    for subdivision in pycountry.subdivisions:
        head = re.split(r"[,(]", subdivision.name)[0].strip().lower()
        if head.isalpha():
            places.add(head)
    return frozenset(places)


def _helpline_digits() -> FrozenSet[str]:
    """Digits of every number in the helpline directory: a child quoting one shares nothing."""
    directory = HelplineDirectory.load()
    numbers = set()
    for services in directory.services.values():
        for service in services:
            for field in ("phone", "sms", "whatsapp"):
                digits = re.sub(r"\D", "", str(service.get(field) or ""))
                if digits:
                    numbers.add(digits)
    return frozenset(numbers)


class Redactor:
    """Finds personal data in text and replaces each piece with "[kind]"."""

    def __init__(self, rules_file: Path = RULES_FILE) -> None:
        rules = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
        word_logprob = _word_logprobs()
        self.vocabulary = Vocabulary(
            word_logprob=lambda word: word_logprob.get(word, RARE_WORD_LOGPROB),
            first_names=Detector(case_sensitive=False),
            not_names=frozenset(rules["not_names"]),
            places=_places(),
            place_words=frozenset(rules["street_types"] + rules["school_types"]),
            school_types=frozenset(rules["school_types"]),
            generic_school_words=frozenset(rules["generic_school_words"]),
        )
        self.helpline_digits = _helpline_digits()
        self.nlp = spacy.blank("en")
        # English tokenizer exceptions read "id" as "I'd" and "im" as "I'm"; in chat they are
        # mostly "id" (an account) and "im", which the name rules know.
        for word in ("id", "Id", "ID", "im", "Im"):
            self.nlp.tokenizer.rules.pop(word, None)
        self.nlp.tokenizer.rules = dict(self.nlp.tokenizer.rules)
        self.nlp.add_pipe("sentencizer")
        self.titles = frozenset(rules["titles"])
        self.context_words = {kind: frozenset(rules["context_words"][kind])
                              for kind in rules["context_words"]}
        self.context_words["name"] |= frozenset(rules["relation_words"] + rules["naming_words"])
        self.matcher = self._build_matcher(rules)

    def _build_matcher(self, rules: Dict[str, Any]) -> Matcher:
        vocabulary = self.vocabulary
        for name, getter in (
            ("could_be_name", vocabulary.could_be_name),
            ("is_name", vocabulary.is_name),
            ("could_be_school_name", vocabulary.could_be_school_name),
            ("street_word", vocabulary.street_word),
            ("titled_first_name", vocabulary.titled_first_name),
            ("named_word", vocabulary.named_word),
            ("unknown_word", lambda token: not vocabulary.never_a_name(token)
             and vocabulary.word_logprob(token.lower_) < UNKNOWN_WORD_LOGPROB),
            # "Mill Lane", "MG Road"; not "Street View" (no house number to anchor it).
            ("capitalised_street_word", lambda token: vocabulary.street_word(token) and (
                token.is_title or (token.is_upper and len(token) <= 4))
             and token.lower_ not in vocabulary.place_words),
            ("is_place", lambda token: token.lower_ in vocabulary.places),
            ("school_middle", lambda token: token.is_title or token.lower_ in ("'s", "'", "-", "of", "&")
             or vocabulary.could_be_school_name(token)),
            ("handle_or_rare", lambda token: _looks_like_handle(token) or (
                token.text.isalpha() and not vocabulary.is_common(token.text)
                and not token.is_stop and token.lower_ not in vocabulary.not_names)),
            ("looks_like_handle", _looks_like_handle),
            ("strong_handle", lambda token: _is_strong_handle(token, vocabulary)),
        ):
            Token.set_extension(name, getter=getter, force=True)
        name = {"_": {"could_be_name": True}}
        named = {"_": {"named_word": True}}
        surname = [{"ORTH": "-", "OP": "?"}, {"_": {"could_be_name": True}, "OP": "?"},
                   {"ORTH": "-", "OP": "?"}, {"_": {"could_be_name": True}, "OP": "?"}]
        title_word = {"LOWER": {"IN": rules["titles"]}, "IS_TITLE": True}
        short_title = {"LOWER": {"IN": ["mr", "mrs", "ms", "dr", "mr.", "mrs.", "ms.", "dr."]}}
        surname_token = {"TEXT": {"REGEX": r"^[^\W\d_][^\W\d_']+$"}, "IS_STOP": False}
        matcher = Matcher(self.nlp.vocab)
        matcher.add("name", [
            [{"LOWER": "my"}, {"LOWER": {"IN": ["name", "names", "nam"]}},
             {"LOWER": {"IN": ["is", "'s", "s", "=", ":"]}, "OP": "?"}, named, *surname],
            [{"LOWER": {"IN": rules["naming_words"]}}, {"LOWER": "me", "OP": "?"}, named, *surname],
            [{"LOWER": {"IN": rules["relation_words"]}}, {"IS_PUNCT": True, "OP": "?"},
             named, *surname],
            [{"LOWER": {"IN": ["i", "this", "it"]}}, {"LOWER": {"IN": ["'m", "m", "am", "is", "'s"]}},
             name, *surname],
            [{"LOWER": {"IN": ["im", "its"]}}, {"LOWER": "me", "OP": "?"}, name, *surname],
            [{"LOWER": "from"}, {"_": {"could_be_name": True, "is_place": False}}, *surname],
            [{"LOWER": {"IN": ["with", "and", "by", "to"]}}, {"_": {"is_name": True}}, *surname],
            [title_word, {"ORTH": ".", "OP": "?"}, surname_token, {"IS_TITLE": True, "OP": "?"},
             *surname],
            [short_title, {"ORTH": ".", "OP": "?"}, surname_token, *surname],
            [{"LOWER": {"IN": rules["titles"]}}, {"TEXT": {"REGEX": r"^[A-Za-z]'[A-Za-z]+$"}}],
            [{"IS_TITLE": True, "_": {"titled_first_name": True}}, {"_": {"is_name": True}}],
            # "Ngozi Eze": two capitalised words that are no English words, even first in a line.
            [{"IS_TITLE": True, "_": {"unknown_word": True}},
             {"IS_TITLE": True, "_": {"unknown_word": True}}],
            [{"_": {"is_name": True}}, *surname],
        ])
        street_type = {"LOWER": {"IN": rules["street_types"]}}
        street_name = {"_": {"street_word": True}, "OP": "{1,3}"}
        house = {"TEXT": {"REGEX": r"^\d{1,5}[a-zA-Z]?(?:/\d{1,5}[a-zA-Z]?)?$"}}
        unit = [{"LOWER": {"IN": rules["unit_words"]}}, {"ORTH": ".", "OP": "?"}, house,
                {"IS_PUNCT": True, "OP": "?"}]
        then_unit = [{"IS_PUNCT": True, "OP": "?"}, {"LOWER": {"IN": rules["unit_words"]}}, house]
        foreign_street = {"LOWER": {"IN": rules["street_types_first"]}}
        matcher.add("address", [
            [*unit, house, street_name, street_type],
            [*unit, street_name, street_type],
            [house, street_name, street_type],
            [house, street_name, street_type, *then_unit],
            [{"LOWER": {"IN": rules["address_context"]}},
             {"LOWER": {"IN": ["on", "at", "in", "is", ":"]}},
             {"IS_ALPHA": True, "IS_STOP": False, "OP": "{1,2}"}, street_type],
            [{"_": {"capitalised_street_word": True}, "OP": "{1,2}"},
             {"LOWER": {"IN": rules["street_types"]}, "IS_TITLE": True}],
            [house, foreign_street, {"IS_ALPHA": True, "OP": "{1,3}"}],
            [foreign_street, {"IS_ALPHA": True, "OP": "{1,2}"}, house,
             {"ORTH": ",", "OP": "?"}, {**house, "OP": "?"}],
            [{"LOWER": {"IN": ["zip", "postcode", "postal", "pin", "pincode", "zipcode"]}},
             {"LOWER": "code", "OP": "?"}, {"LOWER": {"IN": ["is", ":"]}, "OP": "?"},
             {"TEXT": {"REGEX": r"^\d{4,6}$"}}],
        ])
        school_type = {"LOWER": {"IN": rules["school_types"]}}
        school_name = {"_": {"could_be_school_name": True}}
        school_middle = {"_": {"school_middle": True}, "OP": "{0,4}"}
        matcher.add("school", [
            [{"LOWER": {"IN": ["st", "saint", "st."]}, "OP": "?"}, {"ORTH": ".", "OP": "?"},
             school_name, school_middle, school_type, {**school_type, "OP": "?"},
             {**school_type, "OP": "?"}, {"LOWER": "and", "OP": "?"}, {**school_type, "OP": "?"}],
            [{"LOWER": {"IN": ["st", "saint", "st."]}}, {"ORTH": ".", "OP": "?"},
             {"IS_ALPHA": True, "IS_STOP": False}, {"ORTH": "'s"}],
            [{"LOWER": {"IN": rules["school_types_first"]}, "IS_TITLE": True},
             {"IS_TITLE": True, "OP": "{1,3}"}],
        ])
        handle = {"_": {"looks_like_handle": True}}
        account_word = {"LOWER": {"IN": rules["account_words"]}}
        account_kind = {"LOWER": {"IN": ["name", "username", "id", "tag", "handle", "account",
                                         "channel"]}, "OP": "?"}
        connector = {"LOWER": {"IN": ["is", ":", "=", "-", "its", "it's"]}}
        matcher.add("username", [
            [account_word, account_kind, {**connector, "OP": "?"}, handle],
            [account_word, account_kind, connector, {"_": {"handle_or_rare": True}}],
            [{"LOWER": {"IN": ["my", "his", "her", "their", "the"]}}, {"OP": "{1,3}"},
             {"LOWER": {"IN": ["name", "username", "id", "tag", "handle", "account", "channel",
                               "gamertag"]}},
             {"LOWER": {"IN": ["is", ":", "=", "-", "was"]}}, {"_": {"handle_or_rare": True}}],
            [{"LOWER": {"IN": rules["naming_words"]}}, handle],
            [{"_": {"strong_handle": True}}],
        ])
        return matcher

    def find(self, text: str) -> List[Span]:
        """Every piece of personal data in `text`, without overlaps, in reading order."""
        spans = [Span(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
        spans += [Span(m.start(), m.end(), "username") for pattern in
                  (PROFILE_URL, HANDLE, GAME_TAG, REDDIT_USER) for m in pattern.finditer(text)
                  if m.group().lower() not in MENTIONS]
        spans += self._phones(text)
        spans += [Span(m.start(), m.end(), "address") for m in UK_POSTCODE.finditer(text)
                  if any(c.isalpha() for c in m.group()[-2:])]
        spans += [Span(m.start(), m.end(), "address") for pattern in (CANADIAN_POSTCODE, PO_BOX)
                  for m in pattern.finditer(text)]
        spans += self._matched(self.nlp(text))
        return _without_overlaps(spans)

    def _phones(self, text: str) -> List[Span]:
        spans = [Span(m.start(), m.end(), "phone") for m in SPELT_NUMBER.finditer(text)]
        if sum(character.isdigit() for character in text) < LOCAL_NUMBER_DIGITS:
            return spans  # most messages: no number to find, and phonenumbers is the slow part
        for region in PHONE_REGIONS:
            for match in phonenumbers.PhoneNumberMatcher(text, region):
                spans.append(Span(match.start, match.end, "phone"))
        for match in DIGIT_RUN.finditer(text):
            candidate = match.group().strip()
            digits = re.sub(r"\D", "", candidate)
            if (MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS and not DATE.match(candidate)
                    and not TIME.match(candidate)):
                spans.append(Span(match.start(), match.start() + len(candidate), "phone"))
        spans += [Span(m.start(1), m.end(1), "phone") for m in LOCAL_NUMBER.finditer(text)]
        # Helpline numbers are public; a P.O. box number is part of an address.
        helplines = [match.span() for match in DIGIT_GROUPS.finditer(text)
                     if re.sub(r"\D", "", match.group()) in self.helpline_digits]
        helplines += [match.span() for match in PO_BOX.finditer(text)]
        return [span for span in spans
                if not any(span.start < end and start < span.end for start, end in helplines)]

    def _matched(self, doc: Doc) -> List[Span]:
        spans = []
        for match_id, start, end in self.matcher(doc):
            kind = self.nlp.vocab.strings[match_id]
            span = self._data_part(doc[start:end], kind)
            if span is not None:
                spans.append(Span(span.start_char, span.end_char, kind))
        return spans

    def _data_part(self, span: SpacySpan, kind: str) -> Optional[SpacySpan]:
        """The personal part of a matched span: the context words that led to it are dropped
        ("my friend tom" -> "tom", "i live at 4 elm rd" -> "4 elm rd"); a title stays with its
        name ("Mrs Okafor"); a postcode or ZIP a few words after a street joins it."""
        if kind == "username":
            return span[-1:]
        context = self.context_words[kind]
        start = span.start
        while start < span.end - 1 and (span.doc[start].is_punct or (
                span.doc[start].lower_ in context and not self._is_title(span.doc[start]))):
            start += 1
        end = span.end
        if kind == "address":
            for token in span.doc[end:end + 5]:
                if token.like_num and 4 <= len(token.text) <= 6:
                    end = token.i + 1
        return span.doc[start:end]

    def _is_title(self, token: Token) -> bool:
        """"Coach Rodriguez", "Sister Mary": a capitalised title before a name is kept."""
        return token.is_title and token.lower_ in self.titles and token.i + 1 < len(token.doc) \
            and token.nbor().is_title

    def redact(self, text: str) -> str:
        """`text` with every piece of personal data replaced by "[kind]"."""
        pieces, position = [], 0
        for span in self.find(text):
            pieces += [text[position:span.start], f"[{span.kind}]"]
            position = span.end
        pieces.append(text[position:])
        return "".join(pieces)


def _looks_like_handle(token: Token) -> bool:
    """"lily.x.rose", "BuilderBob77", "xXShadowXx": digits, dots, underscores or inner capitals."""
    text = token.text
    if len(text) < 3 or token.is_punct or TIME.match(text) or token.like_num:
        return False
    inner_capital = len(text) >= 5 and any(c.isupper() for c in text[1:]) and \
        sum(c.islower() for c in text) >= 2
    return (any(c.isdigit() for c in text) and any(c.isalpha() for c in text)) or \
        any(c in "._" for c in text.strip("._")) or inner_capital


def _is_strong_handle(token: Token, vocabulary: Vocabulary) -> bool:
    """A handle wherever it stands: "xX_DarkLord_Xx", "NinjaNoodle_99", "sussybaka123"."""
    text = token.text
    if text.lower() in vocabulary.not_names or not _looks_like_handle(token):
        return False
    letters = sum(c.isalpha() for c in text)
    digits = sum(c.isdigit() for c in text)
    return ("_" in text.strip("_") and letters >= 3) or (letters >= 5 and digits >= 2)


def _without_overlaps(spans: Iterable[Span]) -> List[Span]:
    """Where spans overlap, KINDS order decides (an email is not also a name, a street is not a
    name), then the longer span."""
    ordered = sorted(spans, key=lambda s: (KINDS.index(s.kind), -(s.end - s.start), s.start))
    kept: List[Span] = []
    for span in ordered:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


@lru_cache(maxsize=1)
def default_redactor() -> Redactor:
    """One redactor per process: building it loads the word lists (about a second)."""
    return Redactor()


def redact_text(text: str) -> str:
    """`text` with emails, phone numbers, names, addresses, schools and handles masked."""
    return default_redactor().redact(text) if text else text


def redact_entities(entities: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Rasa entities with their string values masked, so "[name]" never leaks through a slot."""
    redacted = []
    for entity in entities:
        value = entity.get("value")
        redacted.append({**entity, "value": redact_text(value)} if isinstance(value, str)
                        else dict(entity))
    return redacted
