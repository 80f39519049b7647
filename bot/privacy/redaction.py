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
  rule describes.

What either finds that cannot be personal data (a link, an app, a month after "since", a
character of a named story) is dropped by false_alarms.py before anything is masked.

Accuracy is measured by bot/privacy/evaluation.py (tests/test_redaction.py, README "Privacy").
"""
from __future__ import annotations

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
from bot.privacy.false_alarms import FalseAlarms
from bot.privacy.name_lists import NameLists
from bot.privacy.not_people import NotPeople
from bot.privacy.patterns import SPACED_CONNECTORS, build_matcher
from bot.privacy.spans import Span
from bot.privacy.tagger import MODEL_DIR, trained_tagger
from bot.privacy.vocabulary import (
    COORDINATORS, RARE_WORD_LOGPROB, TIME, UNKNOWN_WORD_LOGPROB, Vocabulary, case_is_noise,
    place_names, town_names, word_logprobs)

ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = ROOT / "data" / "privacy" / "redaction_rules.yml"
# Matcher rules whose matches are masked as another kind.
KIND_OF_MATCH = {"spaced_username": "username", "leading_name": "name"}
# A display name ("Mochi Bun 22") is masked as a username; a street's "Cape Town 7700" is an
# address first, but "Liam Parker 2009" a display name rather than a name and a number.
OVERLAP_ORDER = ("email", "phone", "username", "school", "address", "display_name", "name")
KIND_AFTER_OVERLAPS = {"display_name": "username"}
ADDRESS_KINDS = ("address", "address_part")
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
# ... and hyphenated, anywhere: "a stranger at 555-0183" (in the labelled files this shape is
# nothing else but a flat number inside an address, masked with it).
HYPHENATED_LOCAL_NUMBER = re.compile(r"(?<![\d-])\d{3}-\d{4}(?![\d-])")


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
        self.not_phone = re.compile(
            rf"\b(?:{'|'.join(map(re.escape, rules['not_phone_words']))})\b\W*"
            r"(?:(?:no|number|num|id)\b\W*(?:(?:is|was)\b\W*)?)?(\d[\d\s.-]*\d)",
            re.IGNORECASE)
        self.nlp = _chat_pipeline()
        self.titles = frozenset(rules["titles"])
        self.context_words = {kind: frozenset(rules["context_words"][kind])
                              for kind in rules["context_words"]}
        self.context_words["name"] |= frozenset(
            rules["relation_words"] + rules["naming_words"] + rules["object_verbs"]
            + rules["sign_offs"])
        # Words after a name that led to it: "sofia told", "grace's mum", "kwame and i".
        self.trailing_words = {"name": frozenset(
            rules["subject_verbs"] + rules["relation_words"] + rules["person_links"]
            + ["i", "me", "family", "household"])}
        self.username_connectors = frozenset(SPACED_CONNECTORS)
        self.matcher = build_matcher(self.nlp, self.vocabulary, rules)
        # "Stardew Valley", "Bantay Bata": no word of these is a person's name.
        self.not_people = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.not_people.add("not_people", list(self.nlp.tokenizer.pipe(sorted(not_people.phrases))))
        self.false_alarms = FalseAlarms(self.vocabulary, rules, not_people,
                                        self.context_words["name"], self.trailing_words["name"])
        self.tagger = trained_tagger(self.nlp, self.vocabulary, training_files, model_dir)

    def find(self, text: str) -> List[Span]:
        """Every piece of personal data in `text`, without overlaps, in reading order."""
        spans = [Span(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
        spans += [Span(m.start(), m.end(), "username") for pattern in
                  (PROFILE_URL, HANDLE, CASHTAG, GAME_TAG, REDDIT_USER)
                  for m in pattern.finditer(text)
                  if not self.false_alarms.public_account(m.group())]
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
        spans += [Span(m.start(), m.end(), "phone")
                  for m in HYPHENATED_LOCAL_NUMBER.finditer(text)]
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
            if span is not None and not self.false_alarms.rule_misled(span, kind, things):
                spans.append(Span(span.start_char, span.end_char, KIND_OF_MATCH.get(kind, kind)))
        return spans

    def _tagged(self, doc: Doc, things: List[SpacySpan]) -> List[Span]:
        """What the tagger finds, less what cannot be personal data (`FalseAlarms.impossible`)."""
        return [found for found in self.tagger.find(doc) if not self.false_alarms.impossible(
            doc.char_span(found.start, found.end, alignment_mode="expand"), found.kind, things)]

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
                        and (self.vocabulary.could_be_listed_name(doc[other]) or (
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
