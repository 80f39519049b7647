"""What makes a turn worth a moderator's look, read from the events Rasa stores.

One place decides, so the inbox's counts and the conversation view's badges always agree.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

CRISIS_PREFIX = "crisis_"
CRISIS_KINDS = ("self_harm", "abuse", "sextortion")
# Set by Rasa from the crisis intents (domain.yml); the event's timestamp is when it fired.
SAFETY_SLOT = "safety_flag"
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_default_fallback"
HUMAN_INTENT = "request_human"
FEEDBACK_NEGATIVE = "feedback_negative"
FEEDBACK_POSITIVE = "feedback_positive"
TOPIC_PREFIX = "ask_"
# Above FallbackClassifier's 0.45 (config.yml) but still unsure: worth checking the label.
LOW_CONFIDENCE = 0.6

# Inbox filter name -> label, in the order the filter list shows them.
FLAG_LABELS = {
    "crisis": "Crisis (any kind)",
    **{kind: f"Crisis: {kind.replace('_', ' ')}" for kind in CRISIS_KINDS},
    "fallback": "Fallback",
    "low_confidence": "Low confidence",
    "human": "Asked for a human",
    "negative_feedback": "Thumbs down",
}


def event_data(raw: Optional[str]) -> Dict[str, Any]:
    """An event's JSON as Rasa stored it; {} for anything unreadable (never a crash)."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def is_typed(text: str) -> bool:
    """Words a person wrote, not a button's payload ("/feedback_negative", "/inform{...}")."""
    return bool(text.strip()) and not text.lstrip().startswith("/")


def intent_of(data: Dict[str, Any]) -> Dict[str, Any]:
    """The user event's intent ({"name", "confidence"}), {} when Rasa recorded none."""
    intent = (data.get("parse_data") or {}).get("intent")
    return intent if isinstance(intent, dict) else {}


def crisis_kinds(data: Dict[str, Any]) -> List[str]:
    """Crisis kinds a user message showed: its intent, or what the safety net matched."""
    kinds = []
    name = str(intent_of(data).get("name") or "")
    if name.startswith(CRISIS_PREFIX) and name[len(CRISIS_PREFIX):] in CRISIS_KINDS:
        kinds.append(name[len(CRISIS_PREFIX):])
    net = (data.get("parse_data") or {}).get("safety_net")
    seen = net.get("kinds") if isinstance(net, dict) else None
    for kind in seen if isinstance(seen, list) else []:
        if kind in CRISIS_KINDS and kind not in kinds:
            kinds.append(kind)
    return kinds


def user_turn_flags(data: Dict[str, Any]) -> List[str]:
    """The flags of one user message, as inbox filter names."""
    intent = intent_of(data)
    name = intent.get("name")
    confidence = intent.get("confidence")
    flags = list(crisis_kinds(data))
    if name == FALLBACK_INTENT:
        flags.append("fallback")
    elif isinstance(confidence, (int, float)) and confidence < LOW_CONFIDENCE:
        flags.append("low_confidence")
    if name == HUMAN_INTENT:
        flags.append("human")
    if name == FEEDBACK_NEGATIVE:
        flags.append("negative_feedback")
    return flags
