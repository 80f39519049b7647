"""NLU quality on the held-out set (tests/nlu/heldout.yml), for our model and two baselines.

Every model is scored by the same function from (true intent, predicted intent) pairs, so the
figures compare like with like: Rasa's trained pipelines parse each message in this process, and
the TF-IDF + logistic regression baseline is fitted here on the same training examples.
"""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from sklearn.metrics import accuracy_score, classification_report, confusion_matrix

from bench.training import NLU_DATA, ROOT
from bot.nlu.tfidf_intent_classifier import intent_pipeline
from bot.safety.evaluation import CRISIS_PREFIX, labelled_messages

HELD_OUT = ROOT / "tests" / "nlu" / "heldout.yml"


def held_out() -> List[Tuple[str, str]]:
    return labelled_messages([HELD_OUT])


def training_examples() -> List[Tuple[str, str]]:
    return labelled_messages(sorted(NLU_DATA.glob("*.yml")))


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict:
    """Accuracy, macro-F1 over the held-out intents, per-intent F1, crisis recall, false alarms.

    Crisis recall counts a disclosure as caught when any crisis intent is predicted: every crisis
    intent starts the helpline referral. A false alarm is a non-crisis message predicted as crisis.
    """
    labels = sorted(set(truth))
    report = classification_report(truth, predicted, labels=labels, output_dict=True,
                                   zero_division=0)
    crisis = [p.startswith(CRISIS_PREFIX) for t, p in zip(truth, predicted)
              if t.startswith(CRISIS_PREFIX)]
    alarms = [p.startswith(CRISIS_PREFIX) for t, p in zip(truth, predicted)
              if not t.startswith(CRISIS_PREFIX)]
    return {
        "examples": len(truth),
        "accuracy": round(accuracy_score(truth, predicted), 4),
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "per_intent_f1": {label: round(report[label]["f1-score"], 4) for label in labels},
        "crisis_recall": round(sum(crisis) / len(crisis), 4),
        "crisis_missed": len(crisis) - sum(crisis),
        "false_alarm_rate": round(sum(alarms) / len(alarms), 4),
        "false_alarms": sum(alarms),
    }


def confusion(truth: Sequence[str], predicted: Sequence[str]) -> dict:
    labels = sorted(set(truth) | set(predicted))
    return {"labels": labels,
            "matrix": confusion_matrix(truth, predicted, labels=labels).tolist()}


def quiet_rasa() -> None:
    """Rasa in this process logs at WARNING: otherwise its debug lines for every message flood
    the terminal and slow the scoring and the profile (bench/profile.py) down."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


async def _parse_all(model: Path, texts: Sequence[str]) -> List[dict]:
    from rasa.core.agent import Agent

    quiet_rasa()
    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def without_safety_net(parse: dict) -> str:
    """The intent the pipeline would have given had the crisis safety net not run."""
    net = parse.get("safety_net")
    return (net or {}).get("model_intent") or parse["intent"]["name"]


def evaluate_rasa(model: Path, with_net_ablation: bool) -> dict:
    examples = held_out()
    truth = [intent for _, intent in examples]
    parses = asyncio.run(_parse_all(model, [text for text, _ in examples]))
    predicted = [parse["intent"]["name"] for parse in parses]
    result = {"scores": scores(truth, predicted), "confusion": confusion(truth, predicted)}
    if with_net_ablation:
        result["without_safety_net"] = scores(truth, [without_safety_net(p) for p in parses])
        result["safety_net_decided"] = sum(
            1 for p in parses if p.get("safety_net") and
            p["safety_net"].get("model_intent") != p["intent"]["name"])
    return result


def evaluate_tfidf() -> dict:
    """Our intent classifier's scikit-learn pipeline alone: no fallback, no safety net."""
    train = training_examples()
    examples = held_out()
    started = time.perf_counter()
    classifier = intent_pipeline().fit([t for t, _ in train], [i for _, i in train])
    seconds = time.perf_counter() - started
    truth = [intent for _, intent in examples]
    predicted = list(classifier.predict([text for text, _ in examples]))
    return {"scores": scores(truth, predicted), "confusion": confusion(truth, predicted),
            "training_seconds": round(seconds, 2)}


def run(models: Dict[str, Optional[Path]]) -> dict:
    """Scores `ours` (with the safety-net ablation), `rasa_default` and the TF-IDF baseline."""
    results = {"held_out_examples": len(held_out()), "training_examples": len(training_examples())}
    for name, model in models.items():
        if model is not None and model.exists():
            results[name] = evaluate_rasa(model, with_net_ablation=name == "ours")
    results["tfidf_logreg"] = evaluate_tfidf()
    return results
