"""Pseudonyms for channel user ids that are personal data (a WhatsApp sender's phone number).

Rasa keys a conversation by its sender id, stores it beside every event and the dashboard shows
it; the channel needs the real id only to reply. So the channel hands Rasa a pseudonym and turns
it back into the id when it sends. Deterministic authenticated encryption (AES-SIV, RFC 5297)
gives both halves without a lookup table of numbers to guard, purge and erase:

- the same id always gives the same pseudonym, so one person is one conversation on every
  message and every replica (they must share the key);
- the key holder can recover the id; nobody else can, and a forged or altered pseudonym fails
  its check (`UnknownPseudonym`) instead of sending a reply to a number of the forger's choice.

The channel's name is bound in as associated data, so the same key never gives two channels the
same pseudonym. What stays visible: that two conversations are the same person's, and the
length of the id. Changing the key starts every conversation afresh and leaves the stored
pseudonyms unreadable.
"""
from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path
from typing import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from bot.database import ROOT
from bot.secret_files import env_or_file_secret

KEY_ENV = "SENDER_ID_KEY"
KEY_FILE = ROOT / "var" / "sender-id-key"
KEY_BYTES = 64  # two AES-256 keys: AES-SIV's strongest size


class UnknownPseudonym(ValueError):
    """Not a pseudonym this key made: forged, altered, or from another deployment."""


def parse_key(text: str) -> bytes:
    """A key in base64 (whitespace ignored, so `openssl rand -base64 64` fits as printed)."""
    try:
        key = base64.b64decode("".join(text.split()), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(f"{KEY_ENV} must be {KEY_BYTES} random bytes in base64 "
                         f"(make one with: openssl rand -base64 {KEY_BYTES})")
    return key


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def sender_id_key(environ: Mapping[str, str] = os.environ, path: Path = KEY_FILE,
                  create: bool = True) -> bytes:
    """SENDER_ID_KEY, else var/sender-id-key (made there once when `create`)."""
    return parse_key(env_or_file_secret(KEY_ENV, path, new_key if create else None, environ))


class Pseudonyms:
    """Turns one channel's user ids into pseudonyms starting with `prefix`, and back."""

    def __init__(self, key: bytes, channel: str, prefix: str) -> None:
        self._cipher = AESSIV(key)
        self._context = [channel.encode()]
        self.prefix = prefix

    def of(self, user_id: str) -> str:
        return self.prefix + _text(self._cipher.encrypt(user_id.encode(), self._context))

    def reveal(self, pseudonym: str) -> str:
        """The user id behind a pseudonym; UnknownPseudonym for anything this key did not make."""
        encoded = pseudonym[len(self.prefix):]
        try:
            sealed = base64.b64decode(encoded + "=" * (-len(encoded) % 4), b"-_", validate=True)
            # One spelling per pseudonym: other base64 for the same bytes is not one we made.
            if not pseudonym.startswith(self.prefix) or _text(sealed) != encoded:
                raise ValueError("not spelt as a pseudonym")
            return self._cipher.decrypt(sealed, self._context).decode()
        except (ValueError, InvalidTag):  # binascii.Error is a ValueError
            raise UnknownPseudonym("not a pseudonym made with this key") from None


def _text(sealed: bytes) -> str:
    """URL-safe base64 without padding: fits a URL path (Rasa's tracker API) and a database key."""
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()
