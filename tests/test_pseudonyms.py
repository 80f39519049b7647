"""Sender pseudonyms (bot/privacy/pseudonyms.py) and the key they need, without a server: real
AES-SIV, real files. End to end through the WhatsApp channel: tests/test_whatsapp_channel.py."""
from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from typing import List

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from bot.channels.whatsapp import whatsapp_pseudonyms
from bot.privacy.pseudonyms import (
    KEY_ENV, Pseudonyms, UnknownPseudonym, new_key, parse_key, sender_id_key,
)
from bot.secret_files import MissingSecret, env_or_file_secret
from tests.conftest import ROOT

NUMBER = "447700900123"  # Ofcom's range for drama: no one's number


@pytest.fixture
def pseudonyms() -> Pseudonyms:
    return whatsapp_pseudonyms({KEY_ENV: new_key()})


def test_a_number_always_gets_the_same_pseudonym_which_gives_the_number_back(pseudonyms):
    pseudonym = pseudonyms.of(NUMBER)
    assert pseudonym == pseudonyms.of(NUMBER) != pseudonyms.of("254712345678")
    assert pseudonym.startswith("wa-") and NUMBER not in pseudonym
    assert pseudonyms.reveal(pseudonym) == NUMBER


def test_the_pseudonym_is_aes_siv_of_the_digits_bound_to_the_channel():
    """The stored conversations of a deployment are keyed by this exact spelling: a change to it
    would start every WhatsApp conversation afresh after an upgrade."""
    key = os.urandom(64)
    sealed = AESSIV(key).encrypt(NUMBER.encode(), [b"whatsapp"])
    expected = "wa-" + base64.urlsafe_b64encode(sealed).decode().rstrip("=")
    assert whatsapp_pseudonyms({KEY_ENV: base64.b64encode(key).decode()}).of(NUMBER) == expected
    assert Pseudonyms(key, "telegram", "wa-").of(NUMBER) != expected


def test_every_altered_character_and_every_forgery_is_refused(pseudonyms):
    pseudonym = pseudonyms.of(NUMBER)
    for position in range(len(pseudonym)):
        for other in "A_-=":
            if pseudonym[position] != other:
                altered = pseudonym[:position] + other + pseudonym[position + 1:]
                with pytest.raises(UnknownPseudonym):
                    pseudonyms.reveal(altered)
    for forged in ("", "wa-", "wa-AAAA", NUMBER, "wa-" + NUMBER, pseudonym + "A", pseudonym[:-1],
                   "wa-" + "A" * 40, "wa-é" + pseudonym[4:], pseudonym + "=="):
        with pytest.raises(UnknownPseudonym):
            pseudonyms.reveal(forged)
    # Another deployment's key (or a rotated one) does not open it either.
    with pytest.raises(UnknownPseudonym):
        whatsapp_pseudonyms({KEY_ENV: new_key()}).reveal(pseudonym)


def test_the_key_comes_from_the_environment_else_from_a_private_file_made_once(tmp_path):
    path = tmp_path / "var" / "sender-id-key"
    with pytest.raises(MissingSecret, match=KEY_ENV):
        sender_id_key({}, path, create=False)  # erasure must not invent a key
    made = sender_id_key({}, path)
    assert len(made) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sender_id_key({}, path) == made == sender_id_key({}, path, create=False)
    given = new_key()
    assert sender_id_key({KEY_ENV: given}, path) == base64.b64decode(given) != made


@pytest.mark.parametrize("bad", ["secret", base64.b64encode(os.urandom(32)).decode(),
                                 base64.b64encode(os.urandom(64)).decode() + "!"])
def test_a_malformed_key_is_refused_with_the_command_that_makes_one(bad):
    with pytest.raises(ValueError, match="openssl rand -base64 64"):
        parse_key(bad)


def test_a_key_as_openssl_prints_it_on_two_lines_is_accepted():
    key = os.urandom(64)
    printed = base64.encodebytes(key).decode()  # 76-character lines, as openssl wraps at 64
    assert "\n" in printed.strip() and parse_key(printed) == key


def test_a_replica_starting_at_the_same_time_as_another_uses_the_key_the_other_made(tmp_path):
    """Two Rasa processes on one host both find no key file; the other one saves its key first
    (a real second process, run while this one is making its own): both must use that key,
    or each would give the same number another conversation."""
    path = tmp_path / "var" / "sender-id-key"
    code = ("import sys; from pathlib import Path; from bot.privacy.pseudonyms import "
            "sender_id_key; print(sender_id_key({}, Path(sys.argv[1])).hex())")
    made_by_other: List[bytes] = []

    def make_while_another_replica_saves_its_key() -> str:
        other = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, check=True,
                               capture_output=True, text=True, timeout=60)
        made_by_other.append(bytes.fromhex(other.stdout.strip()))
        return new_key()

    mine = env_or_file_secret(KEY_ENV, path, make_while_another_replica_saves_its_key, {})
    assert parse_key(mine) == made_by_other[0] == sender_id_key({}, path)
    assert [p.name for p in path.parent.iterdir()] == ["sender-id-key"]  # no draft left behind
