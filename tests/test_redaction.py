"""The personal-data redactor (bot/privacy/redaction.py), measured on labelled messages.

The labelled files in data/privacy/labelled/ were each written by someone who saw neither the
redactor nor the other files. The redactor's tagger learns from them, so each file is measured
left out: by a redactor whose tagger learnt from all the others. The rules were tuned on the
files too, so these are not unseen measures: the README gives those (blind3 to blind21, each
scored once before anything was learnt or tuned on it).
"""
from __future__ import annotations

from pathlib import Path

import pytest

import yaml

from bot.privacy.evaluation import evaluate_left_out
from bot.privacy.not_people import NOT_PEOPLE_FILE
from bot.privacy.redaction import RULES_FILE, default_redactor, redact_entities, redact_text
from bot.privacy.spans import read_labelled
from bot.privacy.tagger import TAGGED_KINDS, labelled_files, trained_tagger

TARGETS = {"email": 1.0, "phone": 1.0, "username": 0.95, "school": 0.95, "address": 0.95,
           "name": 0.95}
# Where a file left out stays below the targets, what it reaches now (README,
# "Privacy"): its writer's styles are rare in the other files ("Sir Bonk A Lot" as a gamertag,
# schools named by one word and nothing else, directions for an address).
REACHED_BELOW_TARGET = {
    "redaction_blind4.yml": {"username": 0.92},
    "redaction_blind5.yml": {"username": 0.90, "school": 0.88, "name": 0.91},
    "redaction_blind6.yml": {"username": 0.94, "address": 0.88},
    "redaction_blind8.yml": {"address": 0.90},
    "redaction_blind10.yml": {"username": 0.90},
    "redaction_blind15.yml": {"address": 0.91},
}
CHANGED_TARGET = 0.02
# Writers asked for many tricky clean messages (celebrities, characters, words that are names
# too) wrote files whose clean messages the redactor still changes more often than the target:
# the share it reaches now, left out (README, "Privacy").
CHANGED_ABOVE_TARGET = {
    "redaction_blind12.yml": 0.04,
    "redaction_blind14.yml": 0.10,
    "redaction_blind15.yml": 0.06,
    "redaction_blind17.yml": 0.05,
}


@pytest.fixture(scope="module", params=[path.name for path in labelled_files()])
def left_out(request: pytest.FixtureRequest) -> tuple:
    """(file name, report of the file measured by a tagger trained on the other files)."""
    path = next(path for path in labelled_files() if path.name == request.param)
    return request.param, evaluate_left_out(path)


def test_labelled_files_are_big_enough_to_measure() -> None:
    """150 messages without personal data, 20 pieces of each kind the tagger learns and 10
    of each kind a pattern finds (emails and phone numbers)."""
    for path in labelled_files():
        messages = read_labelled(path)
        clean = sum(not message.spans for message in messages)
        kinds = [span.kind for message in messages for span in message.spans]
        assert clean >= 150 and all(kinds.count(kind) >= (20 if kind in TAGGED_KINDS else 10)
                                    for kind in TARGETS), path.name


def test_a_labelled_nickname_is_found_as_its_own_word_not_inside_the_full_name(
        tmp_path: Path) -> None:
    """Scored inside "Thandiwe", a miss of "Thandi" would count as masked whenever the full
    name is, and the tagger would learn a name that ends mid-word."""
    text = "my name is ItzMiaPlayz online and Mia at school, Thandiwe to my gran, Thandi to you"
    labelled = tmp_path / "labels.yml"
    labelled.write_text(yaml.safe_dump({"messages": [{"text": text, "spans": [
        {"kind": "username", "text": "ItzMiaPlayz"}, {"kind": "name", "text": "Mia"},
        {"kind": "name", "text": "Thandiwe"}, {"kind": "name", "text": "Thandi"}]}]}))
    [message] = read_labelled(labelled)
    assert [text[span.start:span.end] for span in message.spans] == [
        "ItzMiaPlayz", "Mia", "Thandiwe", "Thandi"]
    assert [span.start for span in message.spans] == [
        text.index("ItzMiaPlayz"), text.index(" Mia ") + 1, text.index("Thandiwe"),
        text.rindex("Thandi")]


def test_each_labelled_file_left_out_of_training_is_masked_at_the_target_rate(
        left_out: tuple) -> None:
    """Every email and phone number, 95% of handles, schools, addresses and names, and at
    most 2% of messages without personal data changed, on a file the tagger never saw."""
    name, report = left_out
    for kind, target in TARGETS.items():
        floor = REACHED_BELOW_TARGET.get(name, {}).get(kind, target)
        assert report.masked_share(kind) >= floor, [m for m in report.missed
                                                    if m.startswith(kind)]
    assert report.changed_share() <= CHANGED_ABOVE_TARGET.get(name, CHANGED_TARGET), \
        report.changed_clean


def test_the_tagger_is_trained_once_and_again_when_its_data_changes(tmp_path: Path) -> None:
    """Processes share a trained model; a labelled file more trains a new one, which
    replaces the old."""
    redactor = default_redactor()
    files = labelled_files()[:2]
    first = trained_tagger(redactor.nlp, redactor.vocabulary, files, tmp_path)
    models = sorted(tmp_path.glob("*.crfsuite"))
    again = trained_tagger(redactor.nlp, redactor.vocabulary, files, tmp_path)
    assert len(models) == 1 and sorted(tmp_path.glob("*.crfsuite")) == models
    text = "my friend tunde and i go to st aidans"
    assert again.find(redactor.nlp(text)) == first.find(redactor.nlp(text))
    trained_tagger(redactor.nlp, redactor.vocabulary, labelled_files()[:3], tmp_path)
    newer = list(tmp_path.glob("*.crfsuite"))
    assert len(newer) == 1 and newer != models


@pytest.mark.parametrize("text", ["im gonna report them all", "gotta go, wanna talk later"])
def test_a_piece_of_a_word_is_never_a_name(text: str) -> None:
    """The tokenizer splits "gonna" into "gon" + "na", and "gon" alone is a first name."""
    assert redact_text(text) == text


def test_an_address_in_two_parts_is_masked_as_one() -> None:
    assert redact_text("we live at 27 hazel grove, sheffield s10 4hp if thats ok") \
        == "we live at [address] if thats ok"


@pytest.mark.parametrize("text, hidden", [
    ("we moved to 12 Acacia Avenue, Bexley DA5 1QT. My son is fine", "Bexley"),
    ("i live at 3 Kestrel Way, Nakuru and she knows", "Nakuru"),
    ("our flat is 40 Harbour Road, Halifax, NS B3H 4R2", "NS"),
])
def test_an_address_is_masked_with_its_town_and_postcode(text: str, hidden: str) -> None:
    """The town between street and postcode is masked too; the next sentence or clause is
    not."""
    redacted = redact_text(text)
    assert hidden not in redacted
    assert redacted.endswith(("My son is fine", "and she knows", "[address]")), redacted


@pytest.mark.parametrize("text", [
    "we learn at home school is boring",
    "the bus stops on main st near the high school",
    "im at practice uni is far",
])
def test_plain_words_before_a_school_word_name_no_school(text: str) -> None:
    """Lower-case school names are taken only after "at" or "school is" and before a school
    type that ends names ("primary", "academy"), never a street's "st" or "at home school"."""
    assert redact_text(text) == text


def test_every_public_number_the_redactor_keeps_has_a_checked_source() -> None:
    """Numbers left unmasked as public helplines are facts: each names the page that gives it
    and the day it was checked there."""
    rules = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    for entry in rules["public_numbers"]:
        assert entry["source"].startswith("https://") and entry["checked"], entry


@pytest.mark.parametrize("text", [
    "is Padlet or Canva better for homework",
    "Zepeto keeps asking me to buy gems",
    "i got a text from Royal Mail about a parcel but i didnt order anything",
    "Everyone In My Class Has A Phone Except Me",
    "I AM 13 AND SOMEONE IS THREATENING ME",
    "he called me babe and said not to tell my mum",
    "Amazon says order 5512-0093 is late, is that a scam",
    "the headteacher said phones are banned",
    "Thanks for the session last week. Warm regards, Pastoral Lead",
    "Hope the holidays go well, any tips for screen time?",
    "April is when the mocks start and the group chat is awful",
    "Bukayo Saka posted about racist abuse online, can you share the link",
    "If it happens again I will go to the deputy head",
    "Does My Son's Academy Need Consent To Post His Photo?",
    "roblox is super addictive for my 9 year old",
    "is Lifeline on 13 11 14 free from a mobile?",
    # places, pets, acronyms, products, public accounts, characters and what is judged
    "we moved from Kuala Lumpur last year, which apps do kids there use",
    "my dog is called Biscuit and he has his own instagram",
    "KOSA came up in assembly, what is it",
    "does YouTube Edu have adverts",
    "Is @MrBeast really giving away phones?",
    "what if a pupil discloses self-harm during a lesson",
    "Is Ludo Star safe for a 10 year old?",
    "Scarlet is my favourite colour",
    "George from Peppa Pig is on my lunchbox",
    "we got tickets for Wembley Stadium, can my son post the seat numbers",
    "my phone pin is 4821 is that too easy",
    "we go to lagos every summer to see my grandma",
])
def test_apps_brands_and_capitalised_sentences_are_not_names(text: str) -> None:
    """A capitalised unknown word is an app or a brand as often as a person, and a Title Case
    or shouted sentence capitalises everything; none of these is personal data."""
    assert redact_text(text) == text


@pytest.mark.parametrize("text, hidden", [
    ("yesterday wanjiru sent me a weird link", "wanjiru"),
    ("omg zara screenshotted my chat", "zara"),
    ("i told oluwaseun not to share it", "oluwaseun"),
    ("Hi, I'm Fatima Al-Sayed, a parent", "Al-Sayed"),
    ("my pupil Aroha Ngata disclosed something", "Ngata"),
    ("he has my address, Flat 2, Lotus Apartments, Link Road", "Lotus Apartments"),
    ("Kind regards, Helen Marsh", "Marsh"),
    ("kwame is being mean to me online", "kwame"),
    ("our address is House No. 23, Ngong Road, Nairobi", "23"),
    ("my gamertag is Silent Ghost 99 add me", "Silent Ghost 99"),
    ("my account is lily_draws_ and someone copied it", "lily_draws_"),
    ("my cousins Kofi and Ama keep adding strangers", "Ama"),
    ("my sister is called joy and she got a weird dm", "joy"),
    ("its ravi here, the link didnt work", "ravi"),
    ("tunde from year 9 sent it round", "tunde"),
    ("i go to st patricks and someone posted my photo", "patricks"),
    ("she is at meadow bank primary and gets dms", "meadow bank"),
    ("my gamertag is grumpy walrus and people keep adding me", "grumpy walrus"),
    ("someone on minecraft named salty pickle asked for my snap", "salty pickle"),
    ("auntie yemisi keeps posting my photos on facebook", "auntie yemisi"),
    ("Principal Adeyemi said the boys will be suspended", "Principal Adeyemi"),
    ("i told my friend Shakira about the dms", "Shakira"),
    ("a girl called rainy.daze.x keeps messaging my brother", "rainy.daze.x"),
    ("he got me to send 40 dollars to $quickcash_tee on cashapp", "$quickcash_tee"),
    ("text me on 07700 9OO 456 after school", "9OO 456"),
    ("I teach at St Cuthbert's Girls High School Harare and two pupils were targeted", "Harare"),
    ("my tuition teacher Sharma sir keeps texting me", "Sharma"),
    ("my friends Chidi, Tolu and Femi are in the group", "Tolu"),
    ("my daughter is at Wycombe High School for Girls", "for Girls"),
    ("it's ok to video call Grandpa Kwesi right?", "Grandpa Kwesi"),
    ("she goes to Little Acorns Playgroup and a parent filmed her", "Little Acorns"),
    ("my son goes to Sir Winston Churchill High School and a boy there", "Churchill High"),
    ("my friend Jake from roblox asked for pics", "Jake"),
    ("Ayesha Khan is my name and im scared", "Ayesha"),
    ("is Kwabena safe to meet in person", "Kwabena"),
    ("a stranger messaged my daughter last night at 555-0183, what now", "555-0183"),
])
def test_names_addresses_and_handles_no_file_holds_are_masked(text: str, hidden: str) -> None:
    assert hidden not in redact_text(text)


def test_the_list_of_things_that_are_not_people_is_lower_case_and_unique() -> None:
    data = yaml.safe_load(NOT_PEOPLE_FILE.read_text(encoding="utf-8"))
    entries = [entry for key, value in data.items() if isinstance(value, list) for entry in value]
    assert entries and all(entry == entry.lower().strip() for entry in entries)
    repeated = {entry for entry in entries if entries.count(entry) > 1}
    assert not repeated, repeated


FAMOUS = ("footballers_and_athletes", "musicians", "youtubers_streamers_tiktokers",
          "actors_and_tv_people", "characters", "public_figures")


def test_famous_people_named_by_one_word_have_nobodys_first_name() -> None:
    """A famous person listed by one word is never masked: were it a first name too, "my
    friend Shakira" would keep a child's friend's name."""
    data = yaml.safe_load(NOT_PEOPLE_FILE.read_text(encoding="utf-8"))
    first_names = default_redactor().vocabulary.names.first_names
    single = [entry for key in FAMOUS for entry in data[key] if " " not in entry]
    assert single and not [entry for entry in single if entry in first_names]


def test_word_lists_hold_only_words() -> None:
    """YAML reads a bare no, on or yes as a boolean: the word would silently be missing."""
    rules = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    for data in (rules, rules["context_words"],
                 yaml.safe_load(NOT_PEOPLE_FILE.read_text(encoding="utf-8"))):
        for key, value in data.items():
            if isinstance(value, list):
                odd = [entry for entry in value if not isinstance(entry, (str, dict))]
                assert not odd, (key, odd)


def test_placeholders_name_the_kind_of_data_removed() -> None:
    text = "im priya, my email is priya.k@example.com and my number is 07700 900123"
    assert redact_text(text) == "im [name], my email is [email] and my number is [phone]"


def test_helpline_numbers_and_places_are_not_personal_data() -> None:
    text = "im in kenya, is 116 free? or should i call 0800 1111"
    assert redact_text(text) == text


def test_redacting_twice_changes_nothing_more() -> None:
    once = redact_text("my friend Tom Okafor lives at 14 Elm Road, go to Kenton Academy")
    assert "Okafor" not in once and "Elm" not in once and "Kenton" not in once
    assert redact_text(once) == once


def test_empty_and_binary_looking_text_is_safe() -> None:
    assert redact_text("") == ""
    noise = "\x00\ufffd<script>alert(1)</script>" * 50
    assert redact_text(noise) == noise


def test_entity_values_are_masked_and_other_fields_kept() -> None:
    entities = [{"entity": "person", "value": "my friend jake", "start": 0, "end": 14,
                 "confidence_entity": 0.9},
                {"entity": "age", "value": 12}]
    assert redact_entities(entities) == [
        {"entity": "person", "value": "my friend [name]", "start": 0, "end": 14,
         "confidence_entity": 0.9},
        {"entity": "age", "value": 12}]

