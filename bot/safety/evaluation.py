"""Measures the crisis detector on labelled NLU data: recall per crisis kind, false-alarm rate.

Used by the tests (which fail below the targets) and by benchmarks, so both report one figure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

from rasa.shared.nlu.training_data.loading import load_data
from spacy.language import Language

from bot.safety.crisis_detector import CrisisDetector

CRISIS_PREFIX = "crisis_"


def labelled_messages(paths: Iterable[Path]) -> List[Tuple[str, str]]:
    """(text, intent) pairs from Rasa NLU files, entity markup removed."""
    pairs = []
    for path in paths:
        for message in load_data(str(path)).intent_examples:
            pairs.append((message.get("text"), message.get("intent")))
    return pairs


@dataclass
class DetectorReport:
    """What the detector caught and what it wrongly flagged."""

    recall: Dict[str, float] = field(default_factory=dict)
    missed: List[Tuple[str, str]] = field(default_factory=list)
    false_alarms: List[Tuple[str, str]] = field(default_factory=list)
    non_crisis_count: int = 0

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / max(self.non_crisis_count, 1)


def evaluate(detector: CrisisDetector, nlp: Language, messages: List[Tuple[str, str]]) -> DetectorReport:
    """Runs the detector on lower-cased text, as Rasa's SpacyNLP feeds it (case_sensitive: false)."""
    report = DetectorReport()
    caught: Dict[str, List[bool]] = {}
    for text, intent in messages:
        fired = bool(detector.detect(nlp(text.lower())))
        if intent.startswith(CRISIS_PREFIX):
            caught.setdefault(intent, []).append(fired)
            if not fired:
                report.missed.append((intent, text))
        else:
            report.non_crisis_count += 1
            if fired:
                report.false_alarms.append((intent, text))
    report.recall = {intent: sum(hits) / len(hits) for intent, hits in sorted(caught.items())}
    return report
