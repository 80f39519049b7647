"""The deterministic crisis safety net, on its own (bot/safety) and on labelled data."""
from __future__ import annotations

import pytest
import spacy

from bot.safety.crisis_detector import CrisisDetector
from bot.safety.evaluation import evaluate, labelled_messages
from tests.conftest import ROOT

SPACY_MODEL = ROOT / ".venv" / "spacy-en-lookup"
HELD_OUT = ROOT / "tests" / "nlu" / "heldout.yml"
TRAINING = sorted((ROOT / "data" / "nlu").glob("*.yml"))


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(SPACY_MODEL)


@pytest.fixture(scope="module")
def detector(nlp):
    return CrisisDetector.from_file(nlp.vocab)


@pytest.mark.parametrize(
    "text,kind",
    [
        ("i want to kill myself", "self_harm"),
        ("i wanna kms", "self_harm"),
        ("been cuttin myslef again", "self_harm"),
        ("i dont want to be here anymore", "self_harm"),
        ("hes threatening to leak my nudes", "sextortion"),
        ("they want $200 or theyll send my pics to my mum", "sextortion"),
        ("im bein sextorted", "sextortion"),
        ("my stepdad touches me at night", "abuse"),
        ("a grown man keeps asking what im wearing", "abuse"),
        ("he said hell hurt me if i tell anyone", "abuse"),
    ],
)
def test_detects_crisis_language_with_slang_and_misspellings(nlp, detector, text, kind):
    assert kind in detector.detect(nlp(text))


@pytest.mark.parametrize(
    "text",
    [
        "what is sextortion?",
        "how do i talk to my teen about self harm",
        "my mum will kill me if she sees my grades",
        "how do i make my pics private on insta",
        "is it safe to send photos to my grandma on whatsapp",
        "how do i report someone on roblox",
    ],
)
def test_general_questions_and_figures_of_speech_do_not_fire(nlp, detector, text):
    assert detector.detect(nlp(text)) == []


def test_unknown_concept_in_patterns_file_is_rejected(nlp, tmp_path):
    broken = tmp_path / "patterns.yml"
    broken.write_text("concepts:\n  A: [[{LOWER: x}]]\nkinds:\n  abuse:\n    any_of: [[A, B]]\n")
    with pytest.raises(ValueError, match="unknown concepts"):
        CrisisDetector.from_file(nlp.vocab, broken)


@pytest.mark.parametrize("name,paths", [("training", TRAINING), ("held-out", [HELD_OUT])])
def test_false_alarms_stay_at_most_two_percent(nlp, detector, name, paths):
    report = evaluate(detector, nlp, labelled_messages(paths))
    print(f"{name}: detector recall {report.recall}, false alarms "
          f"{len(report.false_alarms)}/{report.non_crisis_count} = {report.false_alarm_rate:.1%}")
    assert report.false_alarm_rate <= 0.02, report.false_alarms


def test_detector_alone_catches_every_held_out_crisis(nlp, detector):
    """The net backs up the classifier; the pipeline's recall is measured in test_model_quality."""
    report = evaluate(detector, nlp, labelled_messages([HELD_OUT]))
    assert min(report.recall.values()) == 1.0, report.missed
