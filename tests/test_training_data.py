"""The training data and domain: valid for Rasa, big enough, and honest about the held-out set."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from bot.guidelines.coverage import TOPICS
from tests.conftest import ROOT, rasa_cli

TRAINING_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml"))
HELD_OUT = ROOT / "tests" / "nlu" / "heldout.yml"
TOPIC_INTENTS = list(TOPICS)
CRISIS_INTENTS = ["crisis_self_harm", "crisis_abuse", "crisis_sextortion"]
CONVERSATION_INTENTS = [
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "request_helpline",
    "request_human", "inform", "ask_capabilities", "out_of_scope", "request_more",
    "ask_something_else", "feedback_positive", "feedback_negative",
]
MINIMUM_EXAMPLES = {
    **{intent: 30 for intent in TOPIC_INTENTS},
    **{intent: 40 for intent in CRISIS_INTENTS},
    **{intent: 15 for intent in CONVERSATION_INTENTS},
}


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def intent_counts(paths) -> Counter:
    return Counter(
        message.get("intent")
        for path in paths
        for message in load_data(str(path)).intent_examples
    )


def test_rasa_data_validate_reports_no_warnings():
    result = rasa_cli(
        "data", "validate", "--data", "data/nlu", "data/stories", "data/rules",
        "--domain", "domain.yml", "--config", "config.yml", "--fail-on-warnings",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    # Rasa lets some warnings (an unused response, say) through with exit code 0. A response that
    # only a custom action sends (or Rasa's own fallback, utter_default) is not in any story.
    sent_by_code = {"utter_default"} | {
        name for path in (ROOT / "actions").glob("*.py")
        for name in re.findall(r'response="(utter_\w+)"', path.read_text())
    }
    warnings = [
        line for line in output.splitlines() if "UserWarning" in line
        and not any(f"utterance '{name}' is not used" in line for name in sent_by_code)
    ]
    assert warnings == [], output[-4000:]


def test_domain_declares_exactly_the_product_intents():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert sorted(domain["intents"]) == sorted(MINIMUM_EXAMPLES)


@pytest.mark.parametrize("intent,minimum", sorted(MINIMUM_EXAMPLES.items()))
def test_every_intent_has_enough_training_examples(intent, minimum):
    assert intent_counts(TRAINING_FILES)[intent] >= minimum


def test_held_out_set_covers_every_intent():
    counts = intent_counts([HELD_OUT])
    assert set(counts) == set(MINIMUM_EXAMPLES)
    assert min(counts[intent] for intent in CRISIS_INTENTS) >= 20


def test_held_out_set_shares_no_example_with_training():
    training = {
        normalised(message.get("text"))
        for path in TRAINING_FILES
        for message in load_data(str(path)).intent_examples
    }
    held_out = [normalised(m.get("text")) for m in load_data(str(HELD_OUT)).intent_examples]
    assert sorted(set(held_out) & training) == []
    assert len(held_out) == len(set(held_out)), "the held-out set repeats an example"


def test_audience_synonyms_only_map_to_audience_values():
    """Whatever people call themselves must end up as child, parent or educator."""
    entities = yaml.safe_load((ROOT / "data" / "nlu" / "entities.yml").read_text())
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    audience_values = set(domain["slots"]["audience"]["values"])
    synonyms = {
        normalised(example.lstrip("- ")): block["synonym"]
        for block in entities["nlu"] if "synonym" in block
        for example in block["examples"].splitlines() if example.strip()
    }
    annotated = set()
    for path in TRAINING_FILES:
        for message in load_data(str(path)).intent_examples:
            for entity in message.get("entities") or []:
                if entity["entity"] == "user_role":
                    annotated.add(normalised(entity["value"]))
    unmapped = {text for text in annotated if synonyms.get(text, text) not in audience_values}
    assert unmapped == set()
