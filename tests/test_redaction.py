"""The personal-data redactor (bot/privacy/redaction.py), measured on labelled messages.

Three files, each written by someone who saw neither the rules nor the other files:
redaction_cases.yml, which the rules were tuned on; redaction_heldout.yml, measured once after
the first rules and then used to tune them too; redaction_final.yml, written after the last rule
change and never tuned on: its figures are the honest estimate (README, "Privacy").
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy.evaluation import RedactionReport, evaluate
from bot.privacy.redaction import redact_entities, redact_text

CASES = Path(__file__).parent / "privacy"


@pytest.fixture(scope="module")
def tuned() -> RedactionReport:
    return evaluate(CASES / "redaction_cases.yml")


@pytest.fixture(scope="module")
def heldout() -> RedactionReport:
    return evaluate(CASES / "redaction_heldout.yml")


@pytest.fixture(scope="module")
def final() -> RedactionReport:
    return evaluate(CASES / "redaction_final.yml")


def test_labelled_files_are_big_enough_to_measure(tuned: RedactionReport, heldout: RedactionReport,
                                                  final: RedactionReport) -> None:
    for report in (tuned, heldout, final):
        assert all(report.total[kind] >= 25 for kind in report.total), report.total
        assert report.clean_messages >= 150


@pytest.mark.parametrize("kind", ["email", "phone"])
def test_every_email_and_phone_number_is_masked(tuned: RedactionReport, kind: str) -> None:
    assert tuned.masked_share(kind) == 1.0, [m for m in tuned.missed if m.startswith(kind)]


@pytest.mark.parametrize("kind", ["username", "school", "address"])
def test_handles_schools_and_addresses_are_masked_at_the_target_rate(
        tuned: RedactionReport, kind: str) -> None:
    assert tuned.masked_share(kind) >= 0.95, [m for m in tuned.missed if m.startswith(kind)]


def test_names_are_masked_nearly_at_the_target_rate(tuned: RedactionReport) -> None:
    """The issue asks 95%; the rules reach 94.8% here (six of 116 names are lower-case words
    such as "may" and "rose", or names no list knows). This floor stops any slide back."""
    assert tuned.masked_share("name") >= 0.94, [m for m in tuned.missed if m.startswith("name")]


def test_messages_without_personal_data_come_back_unchanged(tuned: RedactionReport) -> None:
    assert tuned.changed_share() <= 0.02, tuned.changed_clean


@pytest.mark.parametrize("report_name", ["heldout", "final"])
def test_unseen_messages_stay_above_their_measured_rates(report_name: str,
                                                         request: pytest.FixtureRequest) -> None:
    """Floors at what the files written apart from the rules measured (names, addresses and
    handles below the issue's 95%, see README), so a rule change that only helps the tuned file
    and hurts new messages fails here."""
    report: RedactionReport = request.getfixturevalue(report_name)
    assert report.masked_share("email") == 1.0
    assert report.masked_share("phone") == 1.0, report.missed
    assert report.masked_share("school") >= 0.96
    for kind in ("username", "name", "address"):
        assert report.masked_share(kind) >= 0.90, kind
    assert report.changed_share() <= 0.055, report.changed_clean


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

