"""What a channel says when a turn gave no answer or could not be stored.

Both cases must still point a child to people who can help (a message may have disclosed abuse),
and neither may depend on the action server or the database, which may be what failed: the
referral is the domain's universal one, read from domain.yml once.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import List

from rasa.shared.core.domain import Domain

TRY_AGAIN = "The assistant could not handle this message just now. Please send it again."
NO_ANSWER = "Sorry, I can't answer that just now. Please try again in a little while."
DOMAIN_FILE = Path(__file__).resolve().parent.parent.parent / "domain.yml"


@lru_cache(maxsize=1)
def helpline_referral_text() -> str:
    """The domain's universal referral, which needs no action server (read once)."""
    return Domain.load(str(DOMAIN_FILE)).responses["utter_helpline_universal"][0]["text"]


def fallback_texts(first: str) -> List[str]:
    """`first` (why there is no proper answer), then the universal helpline referral."""
    return [first, helpline_referral_text()]
