"""What the redactor's rules and tagger find that is no personal data after all.

Both finders reach for capitalised words and for words after "called", "from" or "my"; many such
words name a thing, a place, a story's character, a public figure, a job or a date. These checks
drop those finds: `rule_misled` for a Matcher rule's, `impossible` for the tagger's. They only
ever unmask, so what they cost is recall, measured with the rest (bot/privacy/evaluation.py);
redaction.py decides what is found.
"""
from __future__ import annotations

import calendar
import re
from typing import Any, Dict, FrozenSet, Iterable, List

from spacy.tokens import Span as SpacySpan, Token

from bot.privacy.not_people import NotPeople
from bot.privacy.patterns import ACCOUNT_NOUNS
from bot.privacy.vocabulary import (
    COORDINATORS, NOT_COORDINATED_NAMES, UNKNOWN_WORD_LOGPROB, Vocabulary, capitalised,
    looks_like_handle)

USERNAME = "username"
# Things whose name is an account's: "my youtube channel is called GamingWithAarav".
ACCOUNT_THINGS = frozenset(ACCOUNT_NOUNS) | {"channel", "page", "chat"}
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
# "@everyone" and "@here" are Discord mentions of a whole server, not a person.
MENTIONS = frozenset({"@everyone", "@here", "@channel"})


class FalseAlarms:
    """The checks, with the word lists of data/privacy/redaction_rules.yml they need."""

    def __init__(self, vocabulary: Vocabulary, rules: Dict[str, Any], not_people: NotPeople,
                 name_context: FrozenSet[str], words_after_a_name: FrozenSet[str]) -> None:
        """`name_context`: words that say a name follows ("my friend", "called");
        `words_after_a_name`: words that say one came before ("told", "'s mum")."""
        self.vocabulary = vocabulary
        self.name_context = name_context
        # What may follow a name that opens a sentence ("hope said", "Gift here").
        self.after_opening_name = words_after_a_name | PERSON_OPENERS
        self.reference_words = frozenset(rules["not_phone_words"])
        self.thing_words = frozenset(rules["thing_words"] + rules["pet_words"])
        # "the YouTuber Preston", "our hamster Nibbles": no private person's name follows.
        self.before_no_private_name = frozenset(rules["public_roles"] + rules["pet_words"])
        self.landmark_types = frozenset(rules["landmark_types"])
        self.school_words = frozenset(rules["school_types"] + rules["school_middle_words"])
        self.things_no_account_is_named_after = self.thing_words - ACCOUNT_THINGS
        self.titles = frozenset(rules["titles"])
        self.role_words = frozenset(rules["role_words"])
        self.roles_and_titles = self.role_words | self.titles
        self.relation_words = frozenset(rules["relation_words"])
        self.stories = not_people.stories
        self.thing_predicates = self.thing_words | self.before_no_private_name \
            | frozenset(rules["thing_predicates"])
        self.public_accounts = not_people.words | {
            phrase.replace(" ", "") for phrase in not_people.phrases}

    def rule_misled(self, span: SpacySpan, kind: str, things: List[SpacySpan]) -> bool:
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
                or self.public_account(span.text) \
                or all(self.vocabulary.not_a_person(token) for token in span)
        if kind == "spaced_username":
            return _within_any(span, things) or self._names_a_thing(span, USERNAME)
        return False

    def impossible(self, span: SpacySpan, kind: str, things: List[SpacySpan]) -> bool:
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
                or self._names_a_thing(span, USERNAME) or self.public_account(span.text)
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
            and not span.doc._.case_is_noise and before not in self.name_context \
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
                after_word in NOT_COORDINATED_NAMES
                or self.vocabulary.could_be_listed_name(after_that) and (
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

    def public_account(self, handle: str) -> bool:
        """"@everyone" mentions a whole server; "@MrBeast" and "@BBCNews" are the accounts of a
        listed public figure or outlet (not_people.yml), not a child's."""
        return handle.lower() in MENTIONS \
            or re.sub(r"[@$_.]", "", handle.lower()) in self.public_accounts


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

