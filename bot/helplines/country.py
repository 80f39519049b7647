"""Works out which country a person is in, as an ISO 3166-1 alpha-2 code.

Sources, most trusted first: what the person said (a `country` entity, in any common spelling
or in several languages), the channel's `metadata.country` (the widget's guess, or the region of
a WhatsApp sender's number, which the channel works out so the number itself is never stored),
and last the region of a Telegram user's language tag ("pt-BR"; "en" alone says nothing).
Names come from maintained libraries (pycountry for ISO names, Babel for names in other
languages); close misspellings ("kenia", "austrailia") are matched with difflib.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any, Dict, Mapping, Optional

import phonenumbers
import pycountry
from babel import Locale
from babel.core import parse_locale

# Names people use that no ISO or CLDR list has.
EXTRA_NAMES = {
    "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "britain": "GB", "great britain": "GB",
    "usa": "US", "us": "US", "u.s.": "US", "u.s.a.": "US", "america": "US", "the states": "US",
    "holland": "NL", "ivory coast": "CI", "uae": "AE", "drc": "CD", "s. africa": "ZA",
}
# Languages whose country names we recognise, beyond English.
LOCALES = ("en", "fr", "es", "pt", "de", "it", "pl", "ro", "ar", "sw", "nl", "tr")


@lru_cache(maxsize=1)
def _names() -> Dict[str, str]:
    names: Dict[str, str] = {}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code):
                names.setdefault(_normalise(name), code)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(_normalise(value), country.alpha_2)
    names.update(EXTRA_NAMES)
    return names


def _normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().lower())
    return re.sub(r"^the ", "", text)


def country_from_text(text: Optional[str]) -> Optional[str]:
    """'Rwanda', 'the uk', 'Kenia', 'Pologne', 'RW' -> ISO code, or None."""
    if not text or not text.strip():
        return None
    key = _normalise(text)
    names = _names()
    if key in names:
        return names[key]
    if len(key) == 2 and pycountry.countries.get(alpha_2=key.upper()):
        return key.upper()
    if len(key) == 3 and pycountry.countries.get(alpha_3=key.upper()):
        return pycountry.countries.get(alpha_3=key.upper()).alpha_2
    close = difflib.get_close_matches(key, names.keys(), n=1, cutoff=0.8) if len(key) > 3 else []
    return names[close[0]] if close else None


def country_from_phone(number: Optional[str]) -> Optional[str]:
    """An international number (WhatsApp sends them without '+') -> its country, or None."""
    if not number:
        return None
    digits = number if number.startswith("+") else "+" + number
    try:
        parsed = phonenumbers.parse(digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.region_code_for_number(parsed)


def country_from_language_tag(tag: Optional[str]) -> Optional[str]:
    """'pt-BR', 'en_GB', 'zh-Hans-CN' -> the region; 'en', 'es-419' or junk -> None.

    Only a hint: a language setting follows the phone, not the person, so it is used last.
    """
    if not tag:
        return None
    try:
        region = parse_locale(tag.replace("_", "-"), sep="-")[1]
    except ValueError:
        return None
    if region and len(region) == 2 and pycountry.countries.get(alpha_2=region.upper()):
        return region.upper()
    return None


def country_from_metadata(metadata: Optional[Mapping[str, Any]]) -> Optional[str]:
    """Where the channel says the person is: its `country` (widget, WhatsApp)."""
    stated = (metadata or {}).get("country")
    return country_from_text(stated) if isinstance(stated, str) else None


def country_hint(metadata: Optional[Mapping[str, Any]]) -> Optional[str]:
    """A guess to offer, never to act on alone: the region of a messaging user's language tag."""
    language = (metadata or {}).get("language_code")
    return country_from_language_tag(language) if isinstance(language, str) else None


def country_name(code: str) -> str:
    """The English name people know a country by ("Bolivia", not "Bolivia, Plurinational State of")."""
    return Locale("en").territories.get(code.upper(), code.upper())
