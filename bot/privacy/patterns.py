"""The spaCy Matcher rules of the redactor: which words around a token make it a name, an
address, a school or an account handle ("my friend ___", "___ told everyone", "14 ___ Road",
"___ Primary School", "gamertag is ___"). The word lists they use live in
data/privacy/redaction_rules.yml; what a single word is comes from bot/privacy/vocabulary.py.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from bot.privacy.vocabulary import (
    UNKNOWN_WORD_LOGPROB, Vocabulary, capitalised, is_strong_handle, looks_like_handle)

USERNAME_CONNECTORS = ("is", ":", "=", "-", "its", "it's")
# Quotation marks around a name or a handle: "someone called 'Thabo'", "by 'SteveBuilder'".
QUOTES = ["'", '"', "‘", "’", "“", "”"]
# "my gamertag was frosty panda", "my xbox is called turbo nacho": a handle of plain words
# follows these; the handle is what comes after the last of them.
SPACED_CONNECTORS = USERNAME_CONNECTORS + ("was", "called", "named")
# Words for an account, not an app: "username is ___", "acc: ___".
ACCOUNT_NOUNS = ("username", "user", "handle", "gamertag", "gt", "tag", "ign", "account", "acc",
                 "profile", "id")
# Words for the name of an account: "my gamertag is frosty panda", "his xbox name is iron goose".
HANDLE_NOUNS = ("username", "user", "handle", "gamertag", "gt", "tag", "ign", "nickname", "nick")
# "someone on roblox named cookie crumbz": who goes by a handle of plain words.
HANDLE_HOLDERS = ("someone", "somebody", "guy", "girl", "boy", "person", "user", "player",
                  "account", "man", "kid", "admin", "people")
# An account "id is 4821937": shorter numbers after "id is" are more often an age or a count.
ACCOUNT_NUMBER_DIGITS = 5
# "my account was hacked", "his id is banned", "her account is messaging me": a lower-case
# participle after "is"/"was" says what happened to the account or what it does, not what it
# is called.
NOT_A_STATE = r"^(?!(?:[a-z]+(?:ed|en|ing)|reset|set|shut|cut|lost)$)"


Pattern = List[Dict[str, Any]]
# "Kingsway", "Broadway", "Eastgate", "Parkside": a street named in one word with its type.
FUSED_STREET = r"(?i)^[a-z]{3,}(?:way|gate|side|field|fields|wood|hill|park|row)$"


def build_matcher(nlp: Language, vocabulary: Vocabulary, rules: Dict[str, Any]) -> Matcher:
    """A spaCy Matcher whose rule names are the kinds of data they find ("name", "address",
    ...; "address_part" and "spaced_username" are resolved by the redactor)."""
    _register_word_tests(vocabulary, rules)
    matcher = Matcher(nlp.vocab)
    matcher.add("name", _name_patterns(rules))
    # "sofia from year 8", "its dev here": a name before the words that make it one.
    matcher.add("leading_name", _leading_name_patterns(rules))
    address_parts, addresses = _address_patterns(rules)
    # Parts that are an address only beside another part ("Shanti Apartments, MG Road").
    matcher.add("address_part", address_parts)
    matcher.add("address", addresses)
    matcher.add("school", _school_patterns(rules))
    usernames, spaced_usernames = _username_patterns(rules)
    matcher.add("username", usernames)
    # "his xbox gamertag is Big Dawg 2009": a handle of several words.
    matcher.add("spaced_username", spaced_usernames)
    matcher.add("display_name", _display_name_patterns())
    return matcher


def _register_word_tests(vocabulary: Vocabulary, rules: Dict[str, Any]) -> None:
    """Token extensions (token._.could_be_name, ...) that the patterns below test."""
    Doc.set_extension("case_is_noise", default=False, force=True)
    school_middle_words = frozenset(rules["school_middle_words"])
    subject_verbs = frozenset(rules["subject_verbs"])
    # "Year 9", "Flat 12", "Sector 15", "Season 2": words that number things, not people.
    not_display_name_words = frozenset(rules["numbered_words"] + rules["unit_words"]
                                       + rules["area_words"] + rules["street_types"]
                                       + rules["school_types"])
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
        ("school_middle", lambda token: token.is_title or token.lower_ in school_middle_words
         or (token.text == "-" and not token.whitespace_)  # "Pen-y-Bryn Primary"
         or vocabulary.could_be_school_name(token)),
        ("surname_word", vocabulary.surname_word),
        ("first_name", lambda token: vocabulary.is_first_name(token.text)
         and not vocabulary.never_a_name(token)),
        # "orchard lane" of "at orchard lane primary": no word that is a school in general.
        ("school_word", lambda token: token.is_alpha and not token.is_stop
         and not vocabulary.is_verb_form(token)
         and token.lower_ not in vocabulary.generic_school_words
         and token.lower_ not in vocabulary.school_types),
        ("lower_or_first_name", lambda token: token.is_lower
         or vocabulary.is_first_name(token.text)),
        ("known_first_name", lambda token: vocabulary.is_first_name(token.text)
         and not vocabulary.is_common(token.text)),
        ("family_name", lambda token: capitalised(token) and not vocabulary.never_a_name(token)
         and (vocabulary.word_logprob(token.lower_) < UNKNOWN_WORD_LOGPROB
              or (token.lower_ in vocabulary.names.surnames
                  and not vocabulary.is_common(token.lower_)))),
        ("subject_name", vocabulary.subject_name),
        ("handle_part", lambda token: not token.is_stop and (
            any(c.isupper() for c in token.text) or token.like_num or looks_like_handle(token))),
        # "pinkbunny2013", "darklord", a Steam id "76561198000000000"
        ("handle_or_rare", lambda token: looks_like_handle(token) or (
            token.text.isdigit() and len(token.text) >= ACCOUNT_NUMBER_DIGITS) or (
            token.text.isalpha() and not vocabulary.is_common(token.text)
            and not token.is_stop and token.lower_ not in vocabulary.not_names)),
        # "kingswood" of "i go to kingswood": no English word, place, app or school type.
        ("rare_school_word", lambda token: token.is_alpha and not token.is_stop
         and not vocabulary.is_common(token.text) and not vocabulary.is_verb_form(token)
         and token.lower_ not in vocabulary.places
         and token.lower_ not in vocabulary.school_types  # "go to the convent"
         and not vocabulary.not_a_person(token)
         and token.lower_ not in vocabulary.generic_school_words),
        ("display_name_word", lambda token: capitalised(token) and token.is_alpha
         and token.is_title and not token.is_stop and not vocabulary.not_a_person(token)
         and token.lower_ not in not_display_name_words),
        ("looks_like_handle", looks_like_handle),
        # "frosty panda", "the purple ninja": a word of a handle in plain lower case (capitals
        # make a "handle_part"), not a state ("hacked", "getting"), a verb of what someone
        # did, or a function word.
        ("plain_handle_word", lambda token: token.is_alpha and token.is_lower
         and not token.is_stop and token.lower_ not in subject_verbs
         and bool(re.match(NOT_A_STATE, token.lower_))),
        ("strong_handle", lambda token: is_strong_handle(token, vocabulary)),
    ):
        Token.set_extension(name, getter=getter, force=True)


def _name_patterns(rules: Dict[str, Any]) -> List[Pattern]:
    name = {"_": {"could_be_name": True}}
    named = {"_": {"named_word": True}}
    particle = {"LOWER": {"IN": rules["name_particles"]}, "OP": "?"}
    surname = [particle, {"ORTH": "-", "OP": "?"}, {"_": {"surname_word": True}, "OP": "?"},
               {"ORTH": "-", "OP": "?"}, {"_": {"surname_word": True}, "OP": "?"}]
    subject = {"_": {"subject_name": True}}
    # "me and kwame", not "Leeds" nor the "mrs" of "told mrs nair"
    person = {"_": {"subject_name": True, "is_place": False}, "LOWER": {"NOT_IN": rules["titles"]}}
    # "kwame is", "kwame and": a first name no English word is; "emoji and", "lite is" are not.
    known_person = {**person, "_": {**person["_"], "known_first_name": True, "is_name": True}}
    subject_verb = {"LOWER": {"IN": rules["subject_verbs"]}}
    relation = {"LOWER": {"IN": rules["relation_words"]}}
    title_word = {"LOWER": {"IN": rules["titles"]}, "IS_TITLE": True}
    short_title = {"LOWER": {"IN": ["mr", "mrs", "ms", "dr", "mr.", "mrs.", "ms.", "dr."]}}
    surname_token = {"TEXT": {"REGEX": r"^[^\W\d_][^\W\d_']+$"}, "IS_STOP": False}
    return [
        [{"LOWER": {"IN": ["my", "his", "her", "their"]}},
         {"LOWER": {"IN": ["name", "names", "nam"]}},
         {"LOWER": {"IN": ["is", "'s", "s", "=", ":"]}, "OP": "?"}, named, *surname],
        [{"LOWER": {"IN": rules["naming_words"]}}, {"LOWER": "me", "OP": "?"},
         {"ORTH": {"IN": QUOTES}, "OP": "?"}, named, *surname],
        [{**relation, "IS_TITLE": False}, {"IS_PUNCT": True, "OP": "?"}, named, *surname],
        # A capitalised relation word may name a body ("Parent Teacher Association"): then
        # only a first name or a word no dictionary knows follows as a name.
        [{**relation, "IS_TITLE": True}, {"IS_PUNCT": True, "OP": "?"},
         {"_": {"named_word": True, "family_name": True}}, *surname],
        [{**relation, "IS_TITLE": True}, {"IS_PUNCT": True, "OP": "?"},
         {"_": {"named_word": True, "known_first_name": True}}, *surname],
        # "my teacher miss li": a title in lower case counts after a relation word.
        [relation, {"LOWER": {"IN": rules["titles"]}}, surname_token],
        [named, {"ORTH": "'s"}, relation],
        # "my twins Amara and Chidi"
        [{**relation, "IS_TITLE": False}, named, {"LOWER": {"IN": ["and", "&"]}}, named],
        # "my bff is called hope": after "is called" a first name that is an everyday word
        # too; "my brother is called names" stays.
        [relation, {"LOWER": {"IN": ["is", "'s"]}}, {"LOWER": {"IN": ["called", "named"]}},
         {"_": {"first_name": True}, "IS_STOP": False}],
        [subject, *surname, subject_verb],
        [subject, {"LOWER": "and"}, subject, subject_verb],
        # "i blocked jordan": after these verbs even a country's name is a person.
        [{"LOWER": {"IN": rules["object_verbs"]}},
         {**person, "_": {"subject_name": True, "lower_or_first_name": True}}],
        [{"LOWER": {"IN": ["me", "i"]}}, {"LOWER": {"IN": ["and", "n", "&", "an"]}}, person],
        [known_person, {"LOWER": {"IN": rules["person_links"]}}],
        [{"LOWER": {"IN": rules["sign_offs"]}}, {"ORTH": ","}, {"IS_SPACE": True, "OP": "?"},
         name, *surname],
        [person, {"LOWER": "and"}, {"LOWER": {"IN": ["me", "i"]}}],
        [{"LOWER": {"IN": ["i", "this", "it"]}}, {"LOWER": {"IN": ["'m", "m", "am", "is", "'s"]}},
         name, *surname],
        [{"LOWER": {"IN": ["im", "its"]}}, {"LOWER": "me", "OP": "?"}, name, *surname],
        # "its from chidi"; a capitalised "from Royal Mail" is a sender, not a person.
        [{"LOWER": "from"}, {**person, "IS_TITLE": False, "IS_UPPER": False}, *surname],
        [{"LOWER": {"IN": ["with", "and", "by", "to"]}}, {"_": {"is_name": True}}, *surname],
        [title_word, {"ORTH": ".", "OP": "?"}, surname_token, {"IS_TITLE": True, "OP": "?"},
         *surname],
        [short_title, {"ORTH": ".", "OP": "?"}, surname_token, *surname],
        # "We are the Mwamba family", "from the Kaur family": a family is named by its name.
        [{"LOWER": "the"}, {"_": {"family_name": True}},
         {"LOWER": {"IN": ["family", "household"]}}],
        [{"LOWER": {"IN": rules["titles"]}}, {"TEXT": {"REGEX": r"^[A-Za-z]'[A-Za-z]+$"}}],
        [{**name, "IS_TITLE": True}, {"LOWER": {"IN": rules["trailing_titles"]}}],
        [{"IS_TITLE": True, "_": {"titled_first_name": True}}, {"_": {"is_name": True}}],
        [{"IS_TITLE": True, "_": {"titled_first_name": True}},
         {"IS_TITLE": True, "_": {"family_name": True}}],
        # "Ngozi Eze": two capitalised words that are no English words, even first in a line.
        [{"IS_TITLE": True, "_": {"unknown_word": True}},
         {"IS_TITLE": True, "_": {"unknown_word": True}}],
        [{"_": {"is_name": True}}, *surname],
    ]


def _leading_name_patterns(rules: Dict[str, Any]) -> List[Pattern]:
    """Patterns whose first word (after "its") is the name and the rest its context."""
    # "april keeps telling people", "bill from the chess app", "summer and i made": a first name
    # opening a sentence, though an everyday word too, followed by what a person does.
    opener = {"IS_SENT_START": True, "_": {"first_name": True, "is_place": False},
              "IS_STOP": False}
    return [
        [{"_": {"subject_name": True}}, {"LOWER": {"IN": ["from", "in"]}},
         {"LOWER": {"IN": ["year", "yr", "grade", "class", "form"]}}, {"LIKE_NUM": True}],
        [{"LOWER": {"IN": ["its", "it's", "im"]}}, {"_": {"first_name": True}, "IS_STOP": False},
         {"LOWER": "here"}],
        [opener, {"LOWER": {"IN": rules["subject_verbs"] + ["from"]}}],
        [opener, {"LOWER": {"IN": ["and", "&", "n"]}}, {"LOWER": {"IN": ["i", "me"]}}],
    ]


def _address_patterns(rules: Dict[str, Any]) -> Tuple[List[Pattern], List[Pattern]]:
    """Patterns of address parts, and of whole addresses."""
    street_type = {"LOWER": {"IN": rules["street_types"]}}
    street_name = {"_": {"street_word": True}, "OP": "{1,3}"}
    # "14", "4b", "12/3", "B-204", "G-9/3"
    house = {"TEXT": {"REGEX": r"^(?:[A-Za-z]{1,2}-)?\d{1,5}[a-zA-Z]?(?:/\d{1,5}[a-zA-Z]?)?$"}}
    # "flat 3", "House No. 23", "apt #4"
    number_word = {"LOWER": {"IN": ["no", "no.", "number", "num", "#"]}, "OP": "?"}
    unit = [{"LOWER": {"IN": rules["unit_words"]}}, number_word, {"ORTH": ".", "OP": "?"}, house,
            {"IS_PUNCT": True, "OP": "?"}]
    then_unit = [{"IS_PUNCT": True, "OP": "?"}, {"LOWER": {"IN": rules["unit_words"]}}, house]
    foreign_street = {"LOWER": {"IN": rules["street_types_first"]}}
    building = [{"_": {"capitalised_street_word": True}, "OP": "{1,3}"},
                {"LOWER": {"IN": rules["building_types"]}, "IS_TITLE": True}]
    parts = [
        building,
        [{"LOWER": {"IN": rules["area_words"] + rules["unit_words"]}}, number_word,
         {"ORTH": ".", "OP": "?"}, {"TEXT": {"REGEX": r"^(?:[A-Z]|\d{1,5}[A-Za-z]?)$"}}],
        [{"TEXT": {"REGEX": r"^[A-Za-z]{1,2}-\d{1,5}[a-zA-Z]?$"}}],
    ]
    return parts, [
        [*unit, house, street_name, street_type],
        [*unit, street_name, street_type],
        [house, street_name, street_type],
        [house, street_name, street_type, *then_unit],
        [{"LOWER": {"IN": rules["address_context"]}},
         {"LOWER": {"IN": ["on", "at", "in", "is", ":"]}},
         {"_": {"street_word": True}, "OP": "{1,2}"}, street_type],
        [{"LOWER": {"IN": rules["address_context"]}},
         {"LOWER": {"IN": ["at", "in", "is", ":"]}}, *building],
        [{"_": {"capitalised_street_word": True}, "OP": "{1,2}"},
         {"LOWER": {"IN": rules["street_types"]}, "IS_TITLE": True}],
        [house, foreign_street, {"IS_ALPHA": True, "OP": "{1,3}"}],
        # "live at 41 kingsway", "at 19 broadway": a street whose type is part of its one word.
        [{"LOWER": {"IN": rules["address_context"] + ["at"]}},
         {"LOWER": {"IN": ["at", "on", "is", ":"]}, "OP": "?"}, house,
         {"TEXT": {"REGEX": FUSED_STREET}}],
        [foreign_street, {"IS_ALPHA": True, "OP": "{1,2}"}, house,
         {"ORTH": ",", "OP": "?"}, {**house, "OP": "?"}],
        [{"LOWER": {"IN": ["zip", "postcode", "postal", "zipcode"]}},
         {"LOWER": "code", "OP": "?"}, {"LOWER": {"IN": ["is", ":"]}, "OP": "?"},
         {"TEXT": {"REGEX": r"^\d{4,6}$"}}],
        # An Indian PIN code has six digits; "my phone pin is 1234" unlocks a phone.
        [{"LOWER": {"IN": ["pin", "pincode"]}},
         {"LOWER": "code", "OP": "?"}, {"LOWER": {"IN": ["is", ":"]}, "OP": "?"},
         {"TEXT": {"REGEX": r"^\d{6}$"}}],
    ]


def _school_patterns(rules: Dict[str, Any]) -> List[Pattern]:
    school_type = {"LOWER": {"IN": rules["school_types"]}}
    school_name = {"_": {"could_be_school_name": True}}
    school_middle = {"_": {"school_middle": True}, "OP": "{0,4}"}
    school_prefix = {"LOWER": {"IN": rules["school_prefixes"]}, "OP": "?"}
    saint = {"LOWER": {"IN": ["st", "saint", "st."]}}
    school_word = {"_": {"school_word": True}}
    # "at orchard lane primary", "my school is holy family catholic high": in lower case the
    # words of a school's name are plain words, so a school context must stand before them.
    school_context = [[{"LOWER": {"IN": ["at", "attend", "attends", "attended"]}}],
                      [{"LOWER": "school"}, {"LOWER": "is"}]]
    in_context = [[*context, school_word, {"_": {"school_word": True}, "OP": "{0,2}"},
                   {"LOWER": {"IN": rules["school_middle_words"]}, "OP": "?"},
                   {"LOWER": {"IN": rules["plain_school_types"]}}]
                  for context in school_context]
    # "i go to kingswood", "my school is westwood", "year 9 at the grange": a school named by
    # words that are no English words, right after a context that says a school follows.
    # ... or by a prefix that names schools and churches and the word after it: "goes to
    # sacred heart", "i go to holy cross", "school is mount carmel".
    named_contexts = ([{"LOWER": {"IN": ["go", "goes"]}}, {"LOWER": "to"}],
                      [{"LOWER": {"IN": ["attend", "attends", "attended"]}}],
                      [{"LOWER": "school"}, {"LOWER": {"IN": ["is", "called"]}}],
                      [{"LOWER": {"IN": ["year", "yr", "class", "grade", "form"]}},
                       {"LIKE_NUM": True}, {"LOWER": "at"}])
    named_by_rare_words = [
        [*context, {"LOWER": "the", "OP": "?"}, {"_": {"rare_school_word": True}},
         {"_": {"rare_school_word": True}, "OP": "{0,2}"}] for context in named_contexts]
    named_by_prefix = [[*context, {"LOWER": {"IN": rules["school_prefixes"]}},
                        {"IS_ALPHA": True, "IS_STOP": False}] for context in named_contexts]
    return [
        *in_context,
        *named_by_rare_words,
        *named_by_prefix,
        # "st pauls have a new rule": a saint's possessive opening a sentence.
        [{**saint, "IS_SENT_START": True}, {"TEXT": {"REGEX": r"^[a-z]+s$"}, "IS_STOP": False}],
        # "go to st josephs", "at st aidans", "my school st georges": a saint's possessive
        # written without its apostrophe.
        [{"LOWER": {"IN": ["to", "at", "school", "is"]}}, saint,
         {"TEXT": {"REGEX": r"^[a-z]+s$"}, "IS_STOP": False}],
        # "st thomas more academy": after a saint, words up to the school type, none of which
        # is a school in general ("main st near the high school" is a street).
        [saint, {"ORTH": ".", "OP": "?"}, school_word,
         {"IS_ALPHA": True, "LOWER": {"NOT_IN": rules["generic_school_words"]}, "OP": "{0,2}"},
         school_type],
        [school_prefix, {"ORTH": ".", "OP": "?"},
         school_name, school_middle, school_type, {**school_type, "OP": "?"},
         {**school_type, "OP": "?"}, {"LOWER": "and", "OP": "?"}, {**school_type, "OP": "?"}],
        [saint, {"ORTH": ".", "OP": "?"}, {"IS_ALPHA": True, "IS_STOP": False}, {"ORTH": "'s"}],
        [{"LOWER": {"IN": rules["school_types_first"]}, "IS_TITLE": True},
         {"IS_TITLE": True, "OP": "{1,3}"}],
        # "holy trinity c of e": Church of England schools go by the initials alone.
        [school_prefix, school_name, school_middle, {"LOWER": "c"}, {"LOWER": "of"},
         {"LOWER": "e"}],
    ]


def _username_patterns(rules: Dict[str, Any]) -> Tuple[List[Pattern], List[Pattern]]:
    """Patterns of one-word handles, and of handles of several words."""
    handle = {"_": {"looks_like_handle": True}}
    account_word = {"LOWER": {"IN": rules["account_words"]}}
    kind_word = {"LOWER": {"IN": ["name", "username", "id", "tag", "handle", "account",
                                  "channel"]}}
    account_kind = {**kind_word, "OP": "?"}
    connector = {"LOWER": {"IN": list(USERNAME_CONNECTORS)}}
    handle_part = {"_": {"handle_part": True}}
    rare_handle = {"_": {"handle_or_rare": True}, "TEXT": {"REGEX": NOT_A_STATE}}
    return [
        [account_word, account_kind, {**connector, "OP": "?"},
         {"ORTH": {"IN": ["(", "[", "\"", "'"]}, "OP": "?"}, handle],
        # "my insta is sunflowergirl", "gamertag: bluefalcon", "snap name is kaylaxo"; not
        # "Roblox is unsafe", where a rare word says what the app is.
        [{"LOWER": {"IN": ["my", "his", "her", "their", "your", "our"]}}, account_word,
         account_kind, connector, rare_handle],
        [{"LOWER": {"IN": list(ACCOUNT_NOUNS)}}, connector, rare_handle],
        [account_word, kind_word, connector, rare_handle],
        [{"LOWER": {"IN": ["my", "his", "her", "their", "the"]}}, {"OP": "{1,3}"},
         {"LOWER": {"IN": ["username", "id", "tag", "handle", "account", "channel",
                           "gamertag"]}},
         {"LOWER": {"IN": ["is", ":", "=", "-", "was"]}}, {"_": {"handle_or_rare": True},
                                                          "TEXT": {"REGEX": NOT_A_STATE}}],
        # "her account littlemisspriya got a message": a rare word right after it.
        [{"LOWER": {"IN": ["my", "his", "her", "their"]}},
         {"LOWER": {"IN": ["account", "username", "handle", "gamertag"]}},
         {"_": {"handle_or_rare": True}, "TEXT": {"REGEX": NOT_A_STATE}}],
        [{"LOWER": {"IN": ["my", "his", "her", "their", "the"]}}, {"OP": "{1,3}"},
         {"LOWER": "name"}, {"LOWER": {"IN": ["is", ":", "=", "-", "was"]}}, handle],
        [{"LOWER": {"IN": rules["naming_words"]}}, handle],
        # "messaged by 'SteveBuilder'", "plays as \"xXNovaXx\"": a handle in quotes.
        [{"LOWER": {"IN": rules["naming_words"] + ["by", "as", "from"]}},
         {"ORTH": {"IN": QUOTES}}, handle],
        [{"_": {"strong_handle": True}}],
    ], [[account_word, account_kind, connector, handle_part, handle_part,
         {**handle_part, "OP": "?"}],
        *_plain_spaced_handles(account_word)]


def _plain_spaced_handles(account_word: Pattern) -> List[Pattern]:
    """"my gamertag is frosty panda", "my xbox is called turbo nacho", "someone on roblox named
    cookie crumbz": two or three plain words after a word for an account name and "is" or
    "was", or after an app or someone "called" or "named"; a person is not called "sleepy
    koala". After "my account is" plain words say what it is ("super private"), not its name."""
    plain = {"_": {"plain_handle_word": True}}
    words = [{"LOWER": "the", "OP": "?"}, plain, plain, {**plain, "OP": "?"}]
    naming = {"LOWER": {"IN": ["called", "named"]}}
    return [
        [{"LOWER": {"IN": list(HANDLE_NOUNS)}}, {"LOWER": {"IN": list(SPACED_CONNECTORS)}},
         *words],
        # "his xbox name is iron goose"; after "my name is" a person's name follows.
        [account_word, {"LOWER": "name"}, {"LOWER": {"IN": list(SPACED_CONNECTORS)}}, *words],
        [account_word, {"IS_ALPHA": True, "OP": "?"},
         {"LOWER": {"IN": ["is", "was", "'s"]}, "OP": "?"}, naming, *words],
        [{"LOWER": {"IN": list(HANDLE_HOLDERS)}}, {"IS_ALPHA": True, "OP": "{0,2}"}, naming,
         *words],
    ]


def _display_name_patterns() -> List[Pattern]:
    """"Mochi Bun 22", "Liam Parker 2009", "Clout Chaser 007": capitalised words and a number,
    as display names and gamertags are made ("Level 212" and "Year 9" are not)."""
    return [[{"_": {"display_name_word": True}, "OP": "{2,3}"},
             {"TEXT": {"REGEX": r"^\d{2,4}$"}}]]
