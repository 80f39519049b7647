"""Masks personal data in what people type: emails, phone numbers, names, addresses, schools and
account handles become placeholders such as "[name]".

Conversations are children's data, so the tracker store, the moderation dashboard and every
export show text only after it has passed through here. No pretrained NER model can be
downloaded where this assistant is built, so two finders work together, and what either finds
is masked:

- rules: emails, handles ("@skater_09", "coolcat#4821") and postcodes by pattern; phone numbers
  by `phonenumbers` (Google's libphonenumber) for the regions we serve, plus a digit-run rule for
  numbers it cannot place (numbers in our helpline directory are not personal and stay: "is 0800
  1111 free?"); names, streets, schools and handles by spaCy Matcher patterns (patterns.py) over
  a blank English tokenizer, with the words around them ("my friend ...", "... told everyone",
  "... Primary School") from data/privacy/redaction_rules.yml, and what single words are
  (vocabulary.py): first and family names of many cultures, apps, games and brands that are
  never people, how common a word is in English;
- a CRF tagger (tagger.py) learnt from the labelled files in data/privacy/labelled/, for what no
  rule describes; its finds that cannot be personal data (a link, an app, a month after
  "since") are dropped here.

Accuracy is measured by bot/privacy/evaluation.py (tests/test_redaction.py, README "Privacy").
"""
from __future__ import annotations

import calendar
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence

import phonenumbers
import spacy
import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span as SpacySpan, Token

from bot.helplines.directory import HelplineDirectory
from bot.privacy.address_extent import extended_end, extended_start
from bot.privacy.name_lists import NameLists
from bot.privacy.not_people import NotPeople
from bot.privacy.patterns import ACCOUNT_NOUNS, SPACED_CONNECTORS, build_matcher
from bot.privacy.spans import Span
from bot.privacy.tagger import MODEL_DIR, trained_tagger
from bot.privacy.vocabulary import (
    RARE_WORD_LOGPROB, TIME, UNKNOWN_WORD_LOGPROB, Vocabulary, capitalised, case_is_noise,
    looks_like_handle, place_names, town_names, word_logprobs)

ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = ROOT / "data" / "privacy" / "redaction_rules.yml"
# Matcher rules whose matches are masked as another kind.
KIND_OF_MATCH = {"spaced_username": "username", "leading_name": "name"}
# A display name ("Mochi Bun 22") is masked as a username; a street's "Cape Town 7700" is an
# address first, but "Liam Parker 2009" a display name rather than a name and a number.
OVERLAP_ORDER = ("email", "phone", "username", "school", "address", "display_name", "name")
KIND_AFTER_OVERLAPS = {"display_name": "username"}
ADDRESS_KINDS = ("address", "address_part")
USERNAME = "username"
# Things whose name is an account's: "my youtube channel is called GamingWithAarav".
ACCOUNT_THINGS = frozenset(ACCOUNT_NOUNS) | {"channel", "page", "chat"}
COORDINATORS = frozenset({"and", "&", "or", "n"})
ARTICLES = frozenset({"a", "an", "the"})
# "Hope is what ...", "Hope is all I have": after "is" no person is described so.
NOT_SAID_OF_PEOPLE = frozenset({"what", "when", "where", "why", "how", "who", "which", "all",
                                "everything", "nothing"})
# After a name that opens a message: "mark from the cricket team", "Gift here", "faith why ...".
PERSON_OPENERS = frozenset({"from", "here", "why", "&"})
# An amount of money is no account name: "R2000", "KES500", "Rs 1,500", "$20".
MONEY = re.compile(r"(?:R|KES|KSh|N|Rs\.?|INR|PHP|RM|GH[S₵]|UGX|TZS|ZAR|[A-Z]{0,2}\$|£|€|₦|₹|₱)"
                   r"\s?\d[\d,.]*k?$", re.IGNORECASE)
# "21:30", "7.45": a time, not an account.
CLOCK = re.compile(r"\d{1,2}[:.]\d{2}$")
# How many words before "called" an app or a group may stand: "the app was called ...".
THING_REACH = 2
# What apps and games are judged to be: "is Ludo King safe", "is Zepeto legit".
THING_QUALITIES = frozenset({"safe", "unsafe", "legit", "appropriate", "suitable", "dangerous",
                             "banned", "educational", "worth"})
# "Summer is my favourite season": how many words may stand between "is" and the thing.
PREDICATE_REACH = 5
# Words between "is" and what something is said to be: "my little sister's favourite".
PREDICATE_FILLERS = frozenset({"my", "our", "his", "her", "their", "your", "a", "an", "the",
                               "fav", "fave", "favourite", "favorite", "best", "nice", "good",
                               "new", "old", "little", "big", "all", "time", "-", "top", "'s",
                               "most", "popular", "famous", "common", "real"})
# "Elsa from Frozen": how many words after a name "from" or "in" may stand, and a title's length.
STORY_REACH, MAX_TITLE_WORDS = 4, 5
# Who is watched or listened to is on a screen: "watches Preston", "listens to Stormzy".
MEDIA_VERBS = frozenset({"watch", "watches", "watching", "watched"})
MEDIA_VERBS_WITH_TO = frozenset({"listen", "listens", "listening", "listened", "subscribe",
                                 "subscribes", "subscribing", "subscribed"})
# What is "ok for" children is an app, a game or a show.
FIT_FOR = frozenset({"ok", "okay", "good", "fine", "alright", "suitable", "appropriate"})
# "KOSA", "NSPCC": an acronym in capitals has at most this many letters.
MAX_ACRONYM = 5
# "2FA", "PS5", "OTP": too short to tell from an abbreviation, unless a rule says it is one.
MIN_TAGGED_HANDLE = 4
MONTHS = frozenset(month.lower()
                   for month in (*calendar.month_name[1:], *calendar.month_abbr[1:]))
TIME_WORDS = frozenset({"since", "in", "on", "until", "till", "by", "last", "next", "this",
                        "every", "from", "early", "late", "mid", "before", "after"})
# How many words before a code "ref", "order" or "ticket" may stand: "ref was GB2939103".
REFERENCE_REACH = 3
# Characters of code and binary noise, never of a name or an address.
MARKUP = re.compile(r"[<>{}\[\]=\\|\x00\ufffd]")
BEING_WORDS = frozenset({"im", "i'm", "am", "'m", "are", "'re", "were", "is", "'s", "was",
                         "come", "comes", "came", "originally"})
# "from kandy sri lanka": how many words of a place may stand between "from" and a word.
PLACE_WORDS_AFTER_FROM = 3
PLACE_PREPOSITIONS = frozenset({"in", "near", "to", "at", "from", "visit", "visiting"})
TOWN_PREPOSITIONS = frozenset({"in", "near", "from"})
# Words that are first names somewhere but, beside "and", are the speaker or a pronoun.
NOT_COORDINATED_NAMES = frozenset({"i", "me", "my", "you", "he", "she", "we", "they", "him",
                                   "her", "us", "them", "his", "the", "a", "an", "so", "then"})
# Regions whose national formats (07700 900123, (555) 201-3344) phonenumbers tries; numbers
# written with +country code are found whatever the region.
PHONE_REGIONS = ("GB", "US", "IN", "KE", "NG", "ZA", "AU", "IE", "CA", "PH", "GH", "UG", "RW")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE = re.compile(r"(?<![\w@])@(?=[\w.]*[A-Za-z])[\w.]{2,30}\w")
# A Cash App "$cashtag" starts with a letter: "$moneyflip_king", not "$20k".
CASHTAG = re.compile(r"(?<![\w$])\$[A-Za-z]\w{2,19}\b")
# Discord "coolcat#4821", Riot "HeadshotHana#EUW".
GAME_TAG = re.compile(r"\b[\w.]{2,32}#(?:\d{4}|[A-Z0-9]{2,5})\b")
REDDIT_USER = re.compile(r"(?<![\w/])u/[\w-]{3,20}")
# "@everyone" and "@here" are Discord mentions of a whole server, not a person.
MENTIONS = frozenset({"@everyone", "@here", "@channel"})
PROFILE_URL = re.compile(
    r"\b(?:https?://)?(?:www\.)?(?:instagram|tiktok|snapchat|twitter|x|facebook|youtube|twitch)"
    r"\.com/@?[\w.]+", re.IGNORECASE)
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b", re.IGNORECASE)
# Canadian "M4B 1B3" and the P.O. boxes used as addresses in Kenya and elsewhere.
CANADIAN_POSTCODE = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b", re.IGNORECASE)
PO_BOX = re.compile(r"\bP\.?\s?O\.?\s?Box\s+\d[\d-]*", re.IGNORECASE)
DIGIT_RUN = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{5,}\d(?![\w])")
IP_ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
# A web address, its host in group 1.
WEB_ADDRESS = re.compile(r"\b(?:https?://)?((?:[\w-]+\.)+[a-z]{2,})/\S*", re.IGNORECASE)
# Short links lead anywhere; the code after them is nobody's account.
LINK_SHORTENERS = frozenset({"bit.ly", "tinyurl.com", "t.co", "goo.gl", "is.gd", "ow.ly",
                             "cutt.ly", "shorturl.at", "rb.gy", "tiny.cc", "rebrand.ly"})
# What may follow a school's name: "for Girls", "Gulberg Campus", "Main Campus".
SCHOOL_SUFFIX = re.compile(
    r"\s+for\s+(?i:girls|boys)\b|\s+(?:[A-Z][\w'-]+\s+){0,2}(?i:campus)\b")
DATE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$")
# Digits written in groups, as a helpline number is quoted: "116 111", "1-800-668-6868".
DIGIT_GROUPS = re.compile(r"(?<![\w+])\+?\d[\d\s.-]*\d|\b\d\b")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 8, 15
LOCAL_NUMBER_DIGITS = 7
# "ext 14", "extension 2201", "x203" after a phone number.
EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*\d{1,5}\b", re.IGNORECASE)
# Digits with a letter O among them, as a whole word: "9OO", "O7700"; not "to5" or "2go".
DIGITS_WITH_LETTER_O = re.compile(r"(?<![A-Za-z])[\dOo]*\d[\dOo]*(?![A-Za-z])")
# A number spelt out to fool filters: "zero seven seven zero zero nine ...".
DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
SPELT_NUMBER = re.compile(rf"\b(?:{DIGIT_WORD}[\s,.-]+){{6,}}{DIGIT_WORD}\b", re.IGNORECASE)
# Seven-digit local numbers ("555-0123") count where a phone is being talked about.
LOCAL_NUMBER = re.compile(
    r"(?:number|no|num|phone|from|call|called|text|texted|ring|rang|whatsapp|is)\W+"
    r"(?:\w+\W+){0,2}?(\d{3}[-.\s]?\d{4})(?![\d\w])", re.IGNORECASE)


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


def _chat_pipeline() -> Language:
    """A blank English tokenizer, sentence splitter and lookup lemmatizer (spacy-lookups-data),
    adjusted to how people write in chat. The lemmas tell an inflected English word from a name:
    "a pupil discloses", "'leaked' school photos"."""
    nlp = spacy.blank("en")
    # English tokenizer exceptions read "id" as "I'd" and "im" as "I'm"; in chat they are
    # mostly "id" (an account) and "im", which the name rules know.
    for word in ("id", "Id", "ID", "im", "Im"):
        nlp.tokenizer.rules.pop(word, None)
    nlp.tokenizer.rules = dict(nlp.tokenizer.rules)
    # "GamingWithKev_", "_xXlilyXx": an underscore at either end belongs to the handle.
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(
        [piece for piece in nlp.Defaults.prefixes if piece != "_"]).search
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(
        [piece for piece in nlp.Defaults.suffixes if piece != "_"]).search
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


class Redactor:
    """Finds personal data in text and replaces each piece with "[kind]"."""

    def __init__(self, rules_file: Path = RULES_FILE, training_files: Sequence[Path] = (),
                 model_dir: Path = MODEL_DIR) -> None:
        """`training_files` are the labelled files the tagger learns from (default: all of
        them); measuring on a file means training without it."""
        rules = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
        word_logprob = word_logprobs()
        names = NameLists.load()
        not_people = NotPeople.load(names.first_names)
        self.vocabulary = Vocabulary(
            word_logprob=lambda word: word_logprob.get(word, RARE_WORD_LOGPROB),
            names=names,
            not_names=frozenset(rules["not_names"]),
            not_people=not_people.words,
            places=place_names(),
            towns=town_names(),
            place_words=frozenset(rules["street_types"] + rules["school_types"]),
            school_types=frozenset(rules["school_types"]),
            generic_school_words=frozenset(rules["generic_school_words"]),
        )
        self.helpline_digits = _helpline_digits() | {
            re.sub(r"\D", "", entry["number"]) for entry in rules["public_numbers"]}
        self.reference_words = frozenset(rules["not_phone_words"])
        self.thing_words = frozenset(rules["thing_words"] + rules["pet_words"])
        # "the YouTuber Preston", "our hamster Nibbles": no private person's name follows.
        self.before_no_private_name = frozenset(rules["public_roles"] + rules["pet_words"])
        self.landmark_types = frozenset(rules["landmark_types"])
        self.school_words = frozenset(rules["school_types"] + rules["school_middle_words"])
        self.things_no_account_is_named_after = self.thing_words - ACCOUNT_THINGS
        self.not_phone = re.compile(
            rf"\b(?:{'|'.join(map(re.escape, rules['not_phone_words']))})\b\W*"
            r"(?:(?:no|number|num|id)\b\W*(?:(?:is|was)\b\W*)?)?(\d[\d\s.-]*\d)",
            re.IGNORECASE)
        self.nlp = _chat_pipeline()
        self.titles = frozenset(rules["titles"])
        self.role_words = frozenset(rules["role_words"])
        self.roles_and_titles = self.role_words | self.titles
        self.relation_words = frozenset(rules["relation_words"])
        self.context_words = {kind: frozenset(rules["context_words"][kind])
                              for kind in rules["context_words"]}
        self.context_words["name"] |= frozenset(
            rules["relation_words"] + rules["naming_words"] + rules["object_verbs"]
            + rules["sign_offs"])
        # Words after a name that led to it: "sofia told", "grace's mum", "kwame and i".
        self.trailing_words = {"name": frozenset(
            rules["subject_verbs"] + rules["relation_words"] + rules["person_links"]
            + ["i", "me", "family", "household"])}
        # What may follow a name that opens a sentence ("hope said", "Gift here").
        self.after_opening_name = self.trailing_words["name"] | PERSON_OPENERS
        self.username_connectors = frozenset(SPACED_CONNECTORS)
        self.matcher = build_matcher(self.nlp, self.vocabulary, rules)
        # "Stardew Valley", "Bantay Bata": no word of these is a person's name.
        self.not_people = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.not_people.add("not_people", list(self.nlp.tokenizer.pipe(sorted(not_people.phrases))))
        self.stories = not_people.stories
        self.thing_predicates = self.thing_words | self.before_no_private_name \
            | frozenset(rules["thing_predicates"])
        self.public_accounts = not_people.words | {
            phrase.replace(" ", "") for phrase in not_people.phrases}
        self.tagger = trained_tagger(self.nlp, self.vocabulary, training_files, model_dir)

    def find(self, text: str) -> List[Span]:
        """Every piece of personal data in `text`, without overlaps, in reading order."""
        spans = [Span(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
        spans += [Span(m.start(), m.end(), "username") for pattern in
                  (PROFILE_URL, HANDLE, CASHTAG, GAME_TAG, REDDIT_USER)
                  for m in pattern.finditer(text)
                  if not self._public_account(m.group())]
        spans += self._phones(text)
        spans += [Span(m.start(), m.end(), "address") for m in UK_POSTCODE.finditer(text)
                  if any(c.isalpha() for c in m.group()[-2:])]
        spans += [Span(m.start(), m.end(), "address") for pattern in (CANADIAN_POSTCODE, PO_BOX)
                  for m in pattern.finditer(text)]
        doc = self.nlp(text)
        doc._.case_is_noise = case_is_noise(doc)
        things = [doc[start:end] for _, start, end in self.not_people(doc)]
        spans += self._matched(doc, things) + self._tagged(doc, things)
        spans += self._coordinated_names(doc, spans)
        spans += self._repeated_names(doc, spans)
        spans = self._with_titles(doc, spans)
        if "/" in text:
            links = list(WEB_ADDRESS.finditer(text))
            spans = [span for span in spans if not _inside_web_address(span, links)]
        # Joined again once whole: an address grown over its town may now touch or overlap the
        # next part ("27 hazel grove, sheffield" and "s10 4hp"), masked as one.
        return _without_overlaps(_joined_addresses(
            self._whole_addresses(_joined_addresses(spans, text), text), text))

    def _public_account(self, handle: str) -> bool:
        """"@everyone" mentions a whole server; "@MrBeast" and "@BBCNews" are the accounts of a
        listed public figure or outlet (not_people.yml), not a child's."""
        return handle.lower() in MENTIONS \
            or re.sub(r"[@$_.]", "", handle.lower()) in self.public_accounts

    def _whole_addresses(self, spans: List[Span], text: str) -> List[Span]:
        """Each address with the unit before it and the town, region and postcode after it;
        each school with the area or campus after it ("Delhi Public School, R.K. Puram", "The
        City School Gulberg Campus") and whom it is for ("Tonbridge Grammar School for Girls")."""
        stop_words = self.nlp.Defaults.stop_words
        whole = []
        for span in spans:
            if span.kind in ("address", "school"):
                is_address = span.kind == "address"
                span = Span(extended_start(text, span.start) if is_address else span.start,
                            extended_end(text, span.end,
                                         is_stop=lambda word: word.lower() in stop_words,
                                         is_place=self._could_be_place,
                                         town_needs_comma=not is_address), span.kind)
                suffix = SCHOOL_SUFFIX.match(text, span.end)
                if suffix and not is_address:
                    span = Span(span.start, suffix.end(), span.kind)
            whole.append(span)
        return whole

    def _could_be_place(self, word: str) -> bool:
        """A lower-case word after a street that goes on the address: a known place, or no
        English word and no app ("gwarinpa", "ballincollig"); "lol" and "pls" are words here."""
        return word in self.vocabulary.places or (
            self.vocabulary.word_logprob(word) < UNKNOWN_WORD_LOGPROB
            and word not in self.vocabulary.not_people and word not in self.vocabulary.not_names)

    def _phones(self, text: str) -> List[Span]:
        spans = [Span(m.start(), m.end(), "phone") for m in SPELT_NUMBER.finditer(text)]
        # "07700 9OO 123": a letter O among digits is read as the zero it stands for (the
        # text keeps its length, so the spans found are the original's).
        text = DIGITS_WITH_LETTER_O.sub(lambda m: re.sub("[Oo]", "0", m.group()), text)
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
        # Helpline numbers are public; a P.O. box number is part of an address; an order or
        # reference number or an IP address is nobody's phone.
        helplines = [match.span() for match in DIGIT_GROUPS.finditer(text)
                     if re.sub(r"\D", "", match.group()) in self.helpline_digits]
        helplines += [match.span() for pattern in (PO_BOX, IP_ADDRESS)
                      for match in pattern.finditer(text)]
        helplines += [match.span(1) for match in self.not_phone.finditer(text)]
        return [_with_extension(span, text) for span in spans
                if not any(span.start < end and start < span.end for start, end in helplines)]

    def _matched(self, doc: Doc, things: List[SpacySpan]) -> List[Span]:
        """What the Matcher rules find; `things` are apps, games and brands in `doc`."""
        spans = []
        for match_id, start, end in self.matcher(doc):
            kind = self.nlp.vocab.strings[match_id]
            span = self._data_part(doc[start:end], kind)
            if span is not None and not self._rule_misled(span, kind, things):
                spans.append(Span(span.start_char, span.end_char, KIND_OF_MATCH.get(kind, kind)))
        return spans

    def _rule_misled(self, span: SpacySpan, kind: str, things: List[SpacySpan]) -> bool:
        """Whether what a rule found is no personal data after all: a thing, a job, a place or
        an everyday word taken for a name; a person's school or a job taken for a school; an
        app, a reference or a group taken for an account."""
        if kind in ("name", "leading_name"):
            return self._a_thing_more_or_less(span, things) or not _whole_words(span) \
                or _names_a_website(span) or self._misread_name(span)
        if kind == "school":
            return self._not_a_school_name(span) or _within_any(span, things) \
                or self._names_a_landmark(span) \
                or self._names_a_town(span, TOWN_PREPOSITIONS)
        if kind == "username":
            return self._after_reference_word(span) or self._names_a_thing(span, USERNAME) \
                or self._public_account(span.text) \
                or all(self.vocabulary.not_a_person(token) for token in span)
        if kind == "spaced_username":
            return _within_any(span, things) or self._names_a_thing(span, USERNAME)
        return False

    def _tagged(self, doc: Doc, things: List[SpacySpan]) -> List[Span]:
        """What the tagger finds, less what cannot be personal data (`_impossible`)."""
        return [found for found in self.tagger.find(doc) if not self._impossible(
            doc.char_span(found.start, found.end, alignment_mode="expand"), found.kind, things)]

    def _impossible(self, span: SpacySpan, kind: str, things: List[SpacySpan]) -> bool:
        """Whether a tagged span cannot be data of its kind: markup or a link; only words that
        are nobody's ("st near the high school"); a school or address with no number, capital
        or rare word ("practice uni"); an app taken for a name or handle ("bantay bata"); an
        amount, a code after "ref" or an abbreviation ("2FA") taken for a handle; a name after
        an article ("a Karen"), a month after "since", a place after "im from". A famous name
        or place is part of many schools' and streets' names ("Sir Winston Churchill
        Secondary", "14 Kofi Annan Ave"): only a school or address that is nothing more
        ("Westfield Stratford") is a thing."""
        doc = span.doc
        before = _word_before(span)
        # "from Kenya" is a place; "my friend Ngozi" a person, though Ngozi is a province too.
        place_meant = kind != "name" or before in PLACE_PREPOSITIONS
        named_after_things = kind in ("school", "address")
        if (named_after_things and _within_any(span, things)) \
                or self._names_a_town(span, TOWN_PREPOSITIONS):
            return True
        content = [token for token in span if not self._never_data(token, kind, place_meant)
                   and (named_after_things
                        or not _overlaps_any(span.doc[token.i:token.i + 1], things))]
        if kind == "school" and not content:
            # "Girls High School Harare": a school named by its town is one school.
            content = [token for token in span if token.is_title
                       and token.lower_ in self.vocabulary.places] if any(
                token.lower_ in self.vocabulary.school_types for token in span) else []
        if not content or any(token.like_url or token.like_email or MARKUP.search(token.text)
                              for token in span):
            return True
        if kind == "school" and (self._not_a_school_name(span) or self._names_a_landmark(span)):
            return True
        if kind in ("school", "address"):
            return not any(token.like_num or capitalised(token)
                           or not self.vocabulary.is_common(token.text) for token in content)
        if self._a_thing_more_or_less(span, things):
            return True
        if kind == "username":
            return len(span.text) < MIN_TAGGED_HANDLE or bool(MONEY.match(span.text)) \
                or bool(CLOCK.match(span.text)) or self._after_reference_word(span) \
                or self._names_a_thing(span, USERNAME) or self._public_account(span.text)
        return before in ARTICLES or self._misread_name(span)

    def _misread_name(self, span: SpacySpan) -> bool:
        """Whether a name found is something else: a place ("from Kuala Lumpur"), a job, a
        date, an everyday word opening a sentence, a pet's or a thing's name, an acronym or
        the rest of a product's name."""
        return _says_where_from(span) or self._names_a_town(span) \
            or self._names_a_role(span) or self._is_a_date(span) \
            or self._opens_a_sentence(span) or self._names_a_thing(span) \
            or self._is_an_acronym(span) or self._names_a_product(span) \
            or _judged_as_a_thing(span) or self._said_to_be_a_thing(span) \
            or self._names_a_character(span) or self._names_no_private_person(span)

    @staticmethod
    def _watched(span: SpacySpan) -> bool:
        """"my brother watches Unspeakable and Preston", "subscribed to Ali-A": who is
        watched, listened to or subscribed to is on a screen, one of a list of names after the
        verb."""
        doc = span.doc
        start = span.start
        while start > 0 and (doc[start - 1].is_title or doc[start - 1].lower_ in (",", "and")):
            start -= 1
        return start > 0 and doc[start - 1].lower_ in MEDIA_VERBS or start > 1 \
            and doc[start - 1].lower_ == "to" and doc[start - 2].lower_ in MEDIA_VERBS_WITH_TO

    def _a_thing_more_or_less(self, span: SpacySpan, things: List[SpacySpan]) -> bool:
        """Whether a name or handle is a thing's, with at most plain words or punctuation
        beside it ("Master Chief helmet", "Andrew Tate-style"); a teacher called "Ms Rachel
        Goldberg" is not the YouTuber "Ms Rachel"."""
        if not _overlaps_any(span, things):
            return False
        return all(token.is_punct or (token.is_lower and self.vocabulary.is_common(token.text))
                   for token in span if not _overlaps_any(span.doc[token.i:token.i + 1], things))

    def _names_a_landmark(self, span: SpacySpan) -> bool:
        """"go to Wembley Stadium", "at Eastgate Centre": a landmark, not a school, unless a
        school's words say otherwise ("Starehe Boys Centre")."""
        return span[-1].lower_ in self.landmark_types and not any(
            token.lower_ in self.school_words for token in span)

    def _names_no_private_person(self, span: SpacySpan) -> bool:
        """"the YouTuber Preston", "our hamster Nibbles", "Eden Park", "Wembley Stadium" and
        a word such as "cricketer" taken for a name: a public figure, a pet, a place or a
        thing, no private person ("my daughter Princess" is one)."""
        doc = span.doc
        before = _word_before(span)
        after = doc[span.end] if span.end < len(doc) else None
        return before in self.before_no_private_name or self._watched(span) \
            or span[-1].lower_ in self.landmark_types \
            or (after is not None and after.is_title and after.lower_ in self.landmark_types) \
            or all(token.is_lower and token.lower_ in self.thing_predicates for token in span)

    def _said_to_be_a_thing(self, span: SpacySpan) -> bool:
        """"Summer is my favourite season", "Matilda is my favourite book", "Grace is a nice
        word", "Ninja is my fav streamer": what is said to be a thing or a public figure is
        none of the children's people ("Jake is my favourite cousin" and "Ayesha is my name"
        are)."""
        doc = span.doc
        after = span.end
        # "Is Grace a word": the question puts "is" first.
        inverted = span.start > 0 and doc[span.start - 1].lower_ in ("is", "are")
        if not inverted:
            if after >= len(doc) or doc[after].lower_ not in ("is", "are", "was"):
                return False
            after += 1
        for token in doc[after:after + PREDICATE_REACH]:
            if token.lower_ in self.thing_predicates:
                return True
            whose = token.lower_ in self.relation_words and token.i + 1 < len(doc) \
                and token.nbor().lower_ == "'s"  # "my sister's favourite pup"
            if not (token.lower_ in PREDICATE_FILLERS or token.is_title or whose):
                return False
        return False

    def _names_a_character(self, span: SpacySpan) -> bool:
        """"Elsa from Frozen", "George in Peppa Pig", "Marinette is Ladybug in Miraculous", "in
        Bluey, is Bandit the dad": a name shortly before "from" or "in" and a story's title, or
        after them in its sentence, is a character's. An app is no story: "Jake from roblox"
        is someone met there."""
        doc = span.doc
        before = doc[span.sent.start:span.start]
        for link in [*doc[span.end:span.end + STORY_REACH], *before]:
            if link.lower_ in ("from", "in") and any(
                    doc[link.i + 1:link.i + 1 + length].text.lower() in self.stories
                    for length in range(1, MAX_TITLE_WORDS + 1) if link.i + length < len(doc)):
                return True
        return False

    def _names_a_town(self, span: SpacySpan,
                      prepositions: FrozenSet[str] = PLACE_PREPOSITIONS) -> bool:
        """"anyone from Kuala Lumpur", "we moved to Bulawayo": a town after "in", "from" or
        "to" is a place, not a person (the town list holds no word that is a person's name).
        Nor a school after "from" or "in"; "i go to kingswood" names a school."""
        return span.start > 0 and span.doc[span.start - 1].lower_ in prepositions \
            and span.text.lower() in self.vocabulary.towns

    def _is_an_acronym(self, span: SpacySpan) -> bool:
        """"KOSA passed", "NZ": a short word in capitals, in a message not shouted, is an
        acronym unless what comes before says a person is named ("my cousin DEVON")."""
        token = span[0]
        before = _word_before(span)
        return len(span) == 1 and token.is_upper and len(token) <= MAX_ACRONYM \
            and not span.doc._.case_is_noise and before not in self.context_words["name"] \
            and before not in BEING_WORDS

    def _names_a_product(self, span: SpacySpan) -> bool:
        """"allow YouTube Edu", "Xbox Series": a capitalised word right after an app's or a
        brand's name is the rest of that name."""
        if span.start == 0:
            return False
        before = span.doc[span.start - 1]
        return before.lower_ in self.vocabulary.not_people \
            and not (before.is_stop or before.is_upper or before.is_lower)

    def _is_a_date(self, span: SpacySpan) -> bool:
        """"since April", "Jan to March", "May 12": a month, not a girl called April."""
        if span.text.lower() not in MONTHS:
            return False
        doc = span.doc
        before = _word_before(span)
        after = doc[span.end] if span.end < len(doc) else None
        return before in TIME_WORDS or (after is not None and (
            after.like_num or after.lower_ in ("to", "-", "till", "until")))

    def _names_a_role(self, span: SpacySpan) -> bool:
        """"Regards, ICT Coordinator", "Best Wishes, Safeguarding Team", "a youth pastor": a
        job or a team where a name would stand; "Kind regards, Helen Marsh, Head" is a name."""
        doc = span.doc
        words = [token for token in span if not token.is_punct]
        roles = self.roles_and_titles
        if all(token.lower_ in roles for token in words):
            return True
        names = self.vocabulary.names
        if words[0].lower_ in self.titles and all(
                token.is_lower and len(token) > 2 and self.vocabulary.is_common(token.text)
                and token.lower_ not in names.first_names for token in words[1:]):
            return True  # "Sir took our phones": a title and what its bearer did
        ends_in_role = words[-1].lower_ in self.role_words or (
            span.end < len(doc) and doc[span.end].lower_ in self.role_words)
        return ends_in_role and not any(
            token.lower_ in names.first_names or token.lower_ in names.surnames
            for token in words if token.lower_ not in roles and not token.is_stop)

    def _not_a_school_name(self, span: SpacySpan) -> bool:
        """"go to the principal", "Does My Child's School": a person or a relation's school,
        not a school's name."""
        return self._names_a_role(span) or any(
            token.lower_ == "'s" and token.i > 0 and token.nbor(-1).lower_ in self.relation_words
            for token in span)

    def _opens_a_sentence(self, span: SpacySpan) -> bool:
        """"Hope you're well", "Summer holidays are coming", "April is when exams start": an
        English word that opens a sentence is capitalised whatever it is, so a name there needs
        what a name does next ("hope said", "Faith is my best friend", "Gift here"), and so does
        a country ("Ireland"). A word no dictionary knows ("Olamide") is a name wherever it
        stands."""
        word = span[0].lower_
        if len(span) != 1 or not span[0].is_sent_start or (
                self.vocabulary.word_logprob(word) < UNKNOWN_WORD_LOGPROB
                and word not in self.vocabulary.places):
            return False
        doc = span.doc
        following = doc[span.end].lower_ if span.end < len(doc) else ""
        after_that = doc[span.end + 1] if span.end + 1 < len(doc) else None
        after_word = after_that.lower_ if after_that is not None else ""
        if following in ("is", "was") and after_word in NOT_SAID_OF_PEOPLE:
            return True  # "Hope is what i dont have left", "Hope is all I have"
        if following in ("my", ",") and (after_word in self.relation_words or after_word == "my"):
            return False  # "Joy my cousin told me", "Grace, my 9 year old, saw"
        if following in COORDINATORS:
            # "hope and jaden made a page", "summer and i", "Grace and Faith are my twins",
            # "april and summer" (all in lower case); not "Grace and peace to you".
            return after_that is None or not (
                after_word in NOT_COORDINATED_NAMES or self._coordinated_name(after_that) and (
                    not self.vocabulary.is_common(after_word) or after_that.is_title
                    or span[0].is_lower))
        return following not in self.after_opening_name

    def _names_a_thing(self, span: SpacySpan, kind: str = "name") -> bool:
        """"the app was called clothoff", "a group named ...": after "called" or "named" a
        thing's name, not a person's, when an app, site or group was just mentioned. Nor an
        account's ("the roblox group is called Pink Panda Cafe"), unless the thing is an
        account, a channel or a page ("my youtube channel is called ...") or the name is
        written as handles are ("a group called xX_gamers_Xx")."""
        doc = span.doc
        if kind == USERNAME and any(looks_like_handle(token) for token in span):
            return False
        naming = [token for token in doc[max(span.start - 2, 0):span.start]
                  if token.lower_ in ("called", "named")]
        if not naming:
            return False
        before = doc[max(naming[0].i - THING_REACH, 0):naming[0].i]
        things = self.things_no_account_is_named_after if kind == USERNAME else self.thing_words
        # "the mod of the minecraft server is called Bjorn": the server is not what is named.
        return any(token.lower_ in things and "of" not in
                   (other.lower_ for other in doc[max(token.i - THING_REACH - 1, 0):token.i])
                   for token in before)

    def _after_reference_word(self, span: SpacySpan) -> bool:
        """"my parcel ref was GB2939103", "order no. A-48213": a reference, not an account."""
        return any(token.lower_ in self.reference_words
                   for token in span.doc[max(span.start - REFERENCE_REACH, 0):span.start])

    def _never_data(self, token: Token, kind: str, place_meant: bool) -> bool:
        """A word that alone is nobody's name, school or address. A first name the tagger
        reads as a name counts even when it is also a word ("will", "honey", "april"); an app
        ("Roblox") or a place where a place is meant never does."""
        lower = token.lower_
        if kind == "name" and self.vocabulary.is_first_name(token.text) \
                and lower not in self.vocabulary.not_people \
                and not (place_meant and lower in self.vocabulary.places):
            return False
        return (token.is_punct or token.is_stop or self.vocabulary.not_a_person(token)
                or (place_meant and lower in self.vocabulary.places)
                or lower in self.vocabulary.place_words  # "st", "road", "high", "school"
                or lower in self.vocabulary.generic_school_words)

    def _coordinated_names(self, doc: Doc, spans: List[Span]) -> List[Span]:
        """First names joined by "and", "&" or "or" to a name found: "rose and bilal", "will
        and kacper"; or listed after one: "Chidi, Tolu and Femi". Alone "rose" and "will" are
        words; beside a name they are people."""
        found = []
        for span in spans:
            if span.kind != "name":
                continue
            name = doc.char_span(span.start, span.end, alignment_mode="expand")
            for link, other in ((name.end, name.end + 1), (name.start - 1, name.start - 2)):
                if 0 <= min(link, other) and max(link, other) < len(doc) \
                        and (doc[link].lower_ in COORDINATORS or self._listed_after(doc, link)) \
                        and (self._coordinated_name(doc[other]) or (
                            doc[link].text == "," and doc[other].is_title
                            and self.vocabulary.could_be_name(doc[other]))):
                    found.append(Span(doc[other].idx, doc[other].idx + len(doc[other]), "name"))
        return found

    def _repeated_names(self, doc: Doc, spans: List[Span]) -> List[Span]:
        """The same name again where nothing else marks it: "my son Chidi (10) ... He asked
        Chidi for pictures". Only words that are no everyday word count ("will" may be a
        name once and a verb twice)."""
        names = {token.text for span in spans if span.kind == "name"
                 for token in doc.char_span(span.start, span.end, alignment_mode="expand")
                 if token.is_alpha and not token.is_lower and not self.vocabulary.is_common(
                     token.text) and token.lower_ not in self.titles}
        return [Span(token.idx, token.idx + len(token), "name") for token in doc
                if token.text in names]

    @staticmethod
    def _listed_after(doc: Doc, comma: int) -> bool:
        """Whether the comma at `comma` follows a name and opens the next of a list of names
        ("Chidi, Tolu and Femi"), not a new clause ("Thanks Jane, Will you ...")."""
        return doc[comma].text == "," and comma + 2 < len(doc) \
            and (doc[comma + 2].lower_ in COORDINATORS or doc[comma + 2].text == ",")

    def _with_titles(self, doc: Doc, spans: List[Span]) -> List[Span]:
        """Each name with the title that opens it, in any case: "uncle femi", "Fr. Declan",
        "mama Nakato", "Mr and Mrs Balogun" name people, and the title says who it is."""
        titled = []
        for span in spans:
            if span.kind == "name":
                first = doc.char_span(span.start, span.end, alignment_mode="expand").start
                if first > 1 and doc[first - 1].text == "." \
                        and doc[first - 2].lower_ + "." in self.titles:
                    first -= 2
                elif first > 0 and doc[first - 1].lower_ in self.titles:
                    first -= 1
                if first > 1 and doc[first - 1].lower_ in COORDINATORS \
                        and doc[first - 2].lower_ in self.titles:
                    first -= 2  # "Mr and Mrs Balogun"
                span = Span(min(doc[first].idx, span.start), span.end, span.kind)
            titled.append(span)
        return titled

    def _coordinated_name(self, token: Token) -> bool:
        return token.text.isalpha() and token.lower_ not in NOT_COORDINATED_NAMES \
            and self.vocabulary.is_first_name(token.text) \
            and not self.vocabulary.not_a_person(token)

    def _data_part(self, span: SpacySpan, kind: str) -> Optional[SpacySpan]:
        """The personal part of a matched span: the context words that led to it are dropped
        ("my friend tom" -> "tom", "i live at 4 elm rd" -> "4 elm rd"); a title stays with its
        name ("Mrs Okafor"); a postcode or ZIP a few words after a street joins it."""
        if kind == "username":
            return span[-1:]
        if kind == "leading_name":  # "its dev here": the first word after "its"
            return next(span.doc[token.i:token.i + 1] for token in span
                        if token.lower_ not in self.context_words["name"])
        if kind == "spaced_username":  # "gamertag is Big Dawg 2009": all after "is"
            after = [token.i for token in span if token.lower_ in self.username_connectors]
            return span.doc[after[-1] + 1:span.end] if after else span
        context = self.context_words.get(kind, frozenset())
        start = span.start
        while start < span.end - 1 and ((span.doc[start].is_punct
                                         and span.doc[start].text != "#") or (
                span.doc[start].lower_ in context and not self._is_title(span.doc[start]))
                or (kind == "school" and span.doc[start].like_num)):  # "year 9 at ..."
            start += 1
        end = span.end
        trailing = self.trailing_words.get(kind, frozenset())
        while end > start + 1 and span.doc[end - 1].lower_ in trailing:
            end -= 1
        if all(token.lower_ in trailing for token in span.doc[start:end]):
            return None  # only the words around a name: "headteacher said"
        if kind in ADDRESS_KINDS:
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


def _joined_addresses(spans: List[Span], text: str) -> List[Span]:
    """Address pieces with only commas and spaces between them become one address: "B-204,
    Shanti Apartments, MG Road" is found in three parts. A group of parts that are no address
    alone ("Shanti Apartments", "Sector 15") is kept only beside a street, a postcode or a
    context such as "i live at"."""
    pieces = sorted((span for span in spans if span.kind in ADDRESS_KINDS),
                    key=lambda s: s.start)
    groups: List[List[Span]] = []
    for piece in pieces:
        if groups and (piece.start <= max(p.end for p in groups[-1])
                       or not text[max(p.end for p in groups[-1]):piece.start].strip(", ")):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return [span for span in spans if span.kind not in ADDRESS_KINDS] + [
        Span(group[0].start, max(p.end for p in group), "address") for group in groups
        if any(p.kind == "address" for p in group) or _separate_parts(group) >= 2]


def _with_extension(span: Span, text: str) -> Span:
    """A phone number with the extension after it: "09 377 5521 ext 14"."""
    extension = EXTENSION.match(text, span.end)
    return Span(span.start, extension.end(), span.kind) if extension else span


def _inside_web_address(span: Span, links: List[re.Match]) -> bool:
    """A name found inside a link is the link's, not a person's, and so is a short link taken
    for a handle ("bit.ly/free-skins-2024"); a profile link ("t.me/ghostrider_ke",
    "twitch.tv/gamer_gurl_nz") names an account and stays masked."""
    if span.kind not in ("name", "username", "display_name"):
        return False
    return any(link.start() <= span.start and span.end <= link.end()
               and (span.kind != "username" or link.group(1).lower() in LINK_SHORTENERS)
               for link in links)


def _says_where_from(span: SpacySpan) -> bool:
    """"im from chittagong", "we are from kandy sri lanka": after "from" a place, though "a
    message from kwame" names a person."""
    doc = span.doc
    start = span.start
    while start > 0 and doc[start - 1].is_alpha and doc[start - 1].lower_ != "from" \
            and span.start - start < PLACE_WORDS_AFTER_FROM:
        start -= 1
    return start >= 2 and doc[start - 1].lower_ == "from" \
        and doc[start - 2].lower_ in BEING_WORDS


def _judged_as_a_thing(span: SpacySpan) -> bool:
    """"Is Ludo King safe?", "is Zepeto legit for kids": what is judged safe or legit is an
    app or a game; "is Tom safe to meet" still asks about a person."""
    doc = span.doc
    after = span.end
    while after < len(doc) and doc[after].is_title:  # the rest of the name: "Ludo" King
        after += 1
    if after + 1 < len(doc) and doc[after].lower_ in FIT_FOR and doc[after + 1].lower_ == "for":
        return True  # "are LankyBox and Denis Daily ok for 8 year olds"
    return after < len(doc) and doc[after].lower_ in THING_QUALITIES \
        and not (after + 1 < len(doc) and doc[after + 1].lower_ == "to")


def _names_a_website(span: SpacySpan) -> bool:
    """"a site called freeskinz dot net": a web address spelt out, not a person."""
    doc = span.doc
    return span.end < len(doc) and doc[span.end].lower_ == "dot"


def _word_before(span: SpacySpan) -> str:
    return span.doc[span.start - 1].lower_ if span.start > 0 else ""


def _within_any(span: SpacySpan, others: Iterable[SpacySpan]) -> bool:
    return any(other.start <= span.start and span.end <= other.end for other in others)


def _overlaps_any(span: SpacySpan, others: Iterable[SpacySpan]) -> bool:
    return any(span.start < other.end and other.start < span.end for other in others)


def _whole_words(span: SpacySpan) -> bool:
    """A name is whole words: the tokenizer splits "gonna" into "gon" + "na", and "gon" alone
    is a first name, but a piece of a word is never someone's name."""
    doc = span.doc
    glued_before = span.start > 0 and not doc[span.start - 1].whitespace_ \
        and doc[span.start - 1].is_alpha and span[0].is_alpha
    glued_after = not span[-1].whitespace_ and span.end < len(doc) \
        and doc[span.end].is_alpha and span[-1].is_alpha
    return not (glued_before or glued_after)


def _separate_parts(group: List[Span]) -> int:
    """How many address parts of a group do not overlap: "#88, Sector 15" has two, and so has
    "C-45 Defence Colony" though it is also matched whole (earliest end first counts most)."""
    end, count = -1, 0
    for part in sorted(group, key=lambda s: s.end):
        if part.start >= end:
            count, end = count + 1, part.end
    return count


def _without_overlaps(spans: Iterable[Span]) -> List[Span]:
    """Where spans overlap, OVERLAP_ORDER decides (an email is not also a name, a street is not
    a name), then the longer span."""
    ordered = sorted(spans, key=lambda s: (OVERLAP_ORDER.index(s.kind), -(s.end - s.start),
                                           s.start))
    kept: List[Span] = []
    for span in ordered:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(Span(span.start, span.end,
                             KIND_AFTER_OVERLAPS.get(span.kind, span.kind)))
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


if __name__ == "__main__":
    # `make run` and `make test` build it once up front, so a fresh checkout trains the tagger
    # here (about 20 s) rather than inside the first server to start.
    print(f"Redactor ready: {default_redactor().tagger.model_file.relative_to(ROOT)}")
