"""The trained model, evaluated with Rasa's own tools: test stories and the held-out NLU set."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import rasa_cli

CRISIS_INTENTS = ["crisis_self_harm", "crisis_abuse", "crisis_sextortion"]
# Floors below which a change has made the assistant worse; the achieved figures are printed.
MIN_MACRO_F1 = 0.80
MIN_CRISIS_RECALL = 0.95


def test_every_test_story_passes_end_to_end(model: Path, tmp_path: Path):
    """NLU and dialogue together: every intent's path, crisis first and after other turns."""
    result = rasa_cli(
        "test", "core", "--model", str(model), "--stories", "tests/stories",
        "--out", str(tmp_path), "--fail-on-prediction-errors",
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, details


@pytest.fixture(scope="module")
def held_out_results(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nlu-report")
    result = rasa_cli(
        "test", "nlu", "--model", str(model), "--nlu", "tests/nlu/heldout.yml", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def held_out_report(held_out_results: Path) -> dict:
    return json.loads((held_out_results / "intent_report.json").read_text())


def test_held_out_macro_f1(held_out_report: dict):
    macro_f1 = held_out_report["macro avg"]["f1-score"]
    print(f"held-out macro-F1 {macro_f1:.3f}, accuracy {held_out_report['accuracy']:.3f}")
    assert macro_f1 >= MIN_MACRO_F1


@pytest.mark.parametrize("intent", CRISIS_INTENTS)
def test_held_out_crisis_disclosures_get_a_referral(held_out_report, held_out_results, intent):
    """Of the unseen disclosures of one kind, how many reach a crisis rule (any crisis intent
    gives the helpline referral), through the whole pipeline: the intent classifier plus the
    safety net."""
    errors = json.loads((held_out_results / "intent_errors.json").read_text())
    missed = [
        error["text"] for error in errors
        if error["intent"] == intent
        and not error["intent_prediction"]["name"].startswith("crisis_")
    ]
    support = held_out_report[intent]["support"]
    referred = 1 - len(missed) / support
    print(f"{intent}: exact recall {held_out_report[intent]['recall']:.3f}, "
          f"referred {referred:.3f} of {support}")
    assert referred >= MIN_CRISIS_RECALL, missed
