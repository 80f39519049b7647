"""Whether a channel's turn was answered and stored, and what it says when it was not.

A channel acknowledges a message only once its turn is stored, so `stored_turn` is the one
judgement every channel that can refuse shares (REST answers 503, the widget "Not sent"). Both a
failed turn and a turn without an answer must still point a child to people who can help (a
message may have disclosed abuse), and neither may depend on the action server or the database,
which may be what failed: the referral is the domain's universal one, read from domain.yml once.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, List

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain

from bot.storage.durable import storage_failed

logger = logging.getLogger(__name__)

TRY_AGAIN = "The assistant could not handle this message just now. Please send it again."
NO_ANSWER = "Sorry, I can't answer that just now. Please try again in a little while."
DOMAIN_FILE = Path(__file__).resolve().parent.parent.parent / "domain.yml"


@lru_cache(maxsize=1)
def helpline_referral_text() -> str:
    """The domain's universal referral, which needs no action server (read once)."""
    return Domain.load(str(DOMAIN_FILE)).responses["utter_helpline_universal"][0]["text"]


async def stored_turn(on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      message: UserMessage) -> bool:
    """Runs one turn; whether it was processed and stored (see bot/storage/durable.py)."""
    storage_failed.set(False)
    try:
        await on_new_message(message)
    except Exception as error:  # noqa: BLE001 - any failure means "not answered"
        logger.error("%s: turn failed (%s)", message.input_channel, type(error).__name__)
        return False
    return not storage_failed.get()


def fallback_texts(first: str) -> List[str]:
    """`first` (why there is no proper answer), then the universal helpline referral."""
    return [first, helpline_referral_text()]
