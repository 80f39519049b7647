"""Rasa NLU component that applies the deterministic crisis detector after the classifiers.

It runs last in the pipeline (after the intent classifier and the FallbackClassifier), so a
crisis disclosure that the statistical model misclassified, or was unsure about, still reaches
the crisis rules.
It never removes a crisis prediction the model already made.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety.crisis_detector import CrisisDetector

CRISIS_PREFIX = "crisis_"
# Added to the parse result so moderators and tests can see when the safety net decided.
SAFETY_NET_KEY = "safety_net"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False, model_from="SpacyNLP"
)
class CrisisClassifier(GraphComponent, IntentClassifier):
    """Sets the crisis intent when crisis patterns match and the model did not say crisis."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [SpacyNLP, IntentClassifier]

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config
        self._detector: Optional[CrisisDetector] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisClassifier":
        return cls(config)

    def _detector_for(self, model: SpacyModel) -> CrisisDetector:
        # Built on first use because the Matcher must share the loaded pipeline's vocabulary.
        if self._detector is None or self._detector.vocab is not model.model.vocab:
            self._detector = CrisisDetector.from_file(model.model.vocab)
        return self._detector

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        detector = self._detector_for(model)
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            kinds = detector.detect(doc)
            if kinds:
                self._apply(message, kinds)
        return messages

    @staticmethod
    def _apply(message: Message, kinds: List[str]) -> None:
        predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""
        chosen = f"{CRISIS_PREFIX}{kinds[0]}"
        if predicted.startswith(CRISIS_PREFIX) and predicted[len(CRISIS_PREFIX):] in kinds:
            chosen = predicted
        message.set(
            SAFETY_NET_KEY, {"kinds": kinds, "model_intent": predicted}, add_to_output=True
        )
        if chosen == predicted:
            return
        crisis_intent = {INTENT_NAME_KEY: chosen, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != chosen
        ]
        message.set(INTENT, crisis_intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [crisis_intent] + ranking, add_to_output=True)
