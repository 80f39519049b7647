"""Intent corrections: a moderator marks what a user message really meant; the corrections are
exported as Rasa NLU training data (YAML) for the next training run."""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Dict, List, Optional

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine

from bot.database import ROOT
from bot.moderation import audit, flags
from bot.moderation.accounts import Moderator
from bot.moderation.db import events
from bot.moderation.review import ReviewError
from bot.moderation.schema import corrections
from bot.privacy.redaction import redact_text

DOMAIN = ROOT / "domain.yml"


@lru_cache(maxsize=1)
def known_intents() -> List[str]:
    """The domain's intents: a correction can only name one the bot can learn."""
    intents = yaml.safe_load(DOMAIN.read_text(encoding="utf-8")).get("intents") or []
    return [next(iter(item)) if isinstance(item, dict) else str(item) for item in intents]


def correct(engine: Engine, who: Moderator, sender_id: str, event_id: int, intent: str,
            now: float) -> None:
    """Records (or replaces) the right intent of one user message of this conversation."""
    if intent not in known_intents():
        raise ReviewError("choose one of the bot's intents")
    with engine.begin() as connection:
        row = connection.execute(sa.select(events.c.data).where(
            events.c.id == event_id, events.c.sender_id == sender_id,
            events.c.type_name == "user")).first()
        if row is None:
            raise ReviewError("no such message in this conversation")
        data = flags.event_data(row.data)
        typed = str(data.get("text") or "").strip()
        if not flags.is_typed(typed):
            raise ReviewError("a button press cannot be a training example")
        text = redact_text(typed)
        connection.execute(corrections.delete().where(corrections.c.event_id == event_id))
        connection.execute(corrections.insert().values(
            sender_id=sender_id, event_id=event_id, text=text,
            predicted_intent=flags.intent_of(data).get("name"), intent=intent, author=who.name,
            created_at=now))
        audit.record(connection, who.name, "correct intent", sender_id,
                     f"event {event_id}: {intent}", now)


def listing(engine: Engine) -> list:
    with engine.connect() as connection:
        return connection.execute(sa.select(corrections)
                                  .order_by(corrections.c.id.desc())).all()


def delete(engine: Engine, who: Moderator, correction_id: int, now: float) -> bool:
    with engine.begin() as connection:
        gone = connection.execute(corrections.delete()
                                  .where(corrections.c.id == correction_id)).rowcount
        if gone:
            audit.record(connection, who.name, "delete correction", str(correction_id), None, now)
    return bool(gone)


class _Literal(str):
    """Dumped as a YAML block scalar, the way Rasa writes `examples: |`."""


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, plus block scalars for the examples."""


_Dumper.add_representer(
    _Literal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value,
                                                           style="|"))


def export_yaml(engine: Engine, actor: Optional[str] = None) -> str:
    """All corrections as Rasa 3 NLU YAML, grouped by intent; audited when an actor is given."""
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for row in sorted(listing(engine), key=lambda r: r.id):
        # One line per example: a line break would end the YAML list item.
        text = " ".join(row.text.split())
        if text not in by_intent[row.intent]:
            by_intent[row.intent].append(text)
    nlu = [{"intent": intent,
            "examples": _Literal("".join(f"- {text}\n" for text in texts))}
           for intent, texts in sorted(by_intent.items())]
    document = yaml.dump({"version": "3.1", "nlu": nlu}, Dumper=_Dumper, sort_keys=False,
                         allow_unicode=True, width=10_000)
    if actor:
        with engine.begin() as connection:
            audit.record(connection, actor, "export corrections", None,
                         f"{sum(len(t) for t in by_intent.values())} examples")
    return "# Intent corrections from the moderator dashboard (personal data masked).\n" + document
