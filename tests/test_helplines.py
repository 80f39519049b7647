"""The helpline directory as data (schema, sources, numbers, coverage) and country resolution."""
from __future__ import annotations

import datetime

import phonenumbers
import pytest

from bot.helplines.country import (
    country_from_language_tag, country_from_metadata, country_from_phone, country_from_text,
    country_hint,
)
from bot.helplines.directory import DIRECTORY, HelplineDirectory, load_file

FILES = sorted(DIRECTORY.glob("*.yml"))
REQUIRED = ["TD", "GA", "RW", "PL", "RO", "PA", "EG", "GB", "IE", "US", "CA", "AU", "IN", "KE", "NG", "ZA"]


@pytest.fixture(scope="module")
def directory() -> HelplineDirectory:
    return HelplineDirectory.load()


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_file_matches_the_schema_with_source_and_check_date(path):
    data = load_file(path)  # raises on a missing source, check date, or malformed field
    for service in data["services"]:
        assert service["source"].startswith(("https://", "http://"))
        assert datetime.date.fromisoformat(service["checked"]) <= datetime.date.today()


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_numbers_are_well_formed_for_their_country(path):
    """Full numbers must be valid per libphonenumber; national short codes (112, 116 111, 1098)
    are 2-6 digits (17 in France) and not all listed in its metadata, so their form is checked instead."""
    data = load_file(path)
    for service in data["services"]:
        for field in ("phone", "sms", "whatsapp"):
            number = service.get(field)
            if not number:
                continue
            digits = "".join(ch for ch in number if ch.isdigit())
            if len(digits) <= 6 and not number.startswith("+"):
                assert 2 <= len(digits) <= 6, (service["name"], number)
                continue
            parsed = phonenumbers.parse(number, data["country"])
            assert phonenumbers.is_valid_number(parsed), (service["name"], field, number)


def test_covers_at_least_fifty_countries_including_the_required_ones(directory):
    countries = directory.countries()
    print(f"{len(countries)} countries: {' '.join(countries)}")
    assert len(countries) >= 50
    assert set(REQUIRED) <= set(countries)


def test_global_services_include_image_removal_and_the_helpline_directory(directory):
    kinds = {service["kind"] for service in directory.services[None]}
    assert {"image_removal", "child_helpline", "abuse_reporting_hotline"} <= kinds


def test_sextortion_referral_in_rwanda_has_the_child_helpline_and_image_removal(directory):
    services = directory.referral_services("RW", "sextortion")
    assert services[0]["phone"] == "116"
    assert any("takeitdown.ncmec.org" in (s["website"] or "") for s in services)


def test_unknown_country_still_gets_a_referral(directory):
    for reason in ("self_harm", "abuse", "sextortion", "general"):
        assert directory.referral_services(None, reason)
        assert directory.referral_services("AQ", reason)


@pytest.mark.parametrize(
    "text,code",
    [("Rwanda", "RW"), ("the uk", "GB"), ("Kenia", "KE"), ("austrailia", "AU"), ("Pologne", "PL"),
     ("Tchad", "TD"), ("Égypte", "EG"), ("USA", "US"), ("south afrika", "ZA"), ("ie", "IE"),
     ("Deutschland", "DE"), ("banana", None), ("", None)],
)
def test_country_names_in_many_spellings_and_languages(text, code):
    assert country_from_text(text) == code


def test_country_from_whatsapp_phone_number():
    # libphonenumber's own example of a Rwandan mobile, as WhatsApp sends it (no '+').
    rwandan = phonenumbers.example_number_for_type("RW", phonenumbers.PhoneNumberType.MOBILE)
    assert country_from_phone(f"{rwandan.country_code}{rwandan.national_number}") == "RW"
    assert country_from_phone("+14155552671") == "US"
    assert country_from_phone("12") is None


def test_every_region_of_a_phone_number_reads_back_as_a_country_or_as_unknown():
    """The WhatsApp channel passes a number's region as `metadata.country`: it must not come
    back as another country, and only regions pycountry lacks may read as unknown."""
    read_back = {region: country_from_metadata({"country": region})
                 for region in phonenumbers.SUPPORTED_REGIONS}
    misread = {region: code for region, code in read_back.items() if code != region}
    assert all(code is None for code in misread.values())
    assert set(misread) <= {"AC", "TA", "XK"}  # Ascension, Tristan da Cunha, Kosovo


def test_country_from_channel_metadata():
    assert country_from_metadata({"country": "KE"}) == "KE"
    assert country_from_metadata({"country": "nowhere"}) is None
    assert country_from_metadata(None) is None


@pytest.mark.parametrize(
    "tag,code",
    [("pt-BR", "BR"), ("en_GB", "GB"), ("de-de", "DE"), ("zh-Hans-CN", "CN"), ("en", None),
     ("es-419", None), ("en-ZZ", None), ("", None), ("--", None)],
)
def test_country_from_a_language_tag_needs_a_real_region(tag, code):
    assert country_from_language_tag(tag) == code


def test_language_region_is_only_a_hint_never_a_location():
    assert country_from_metadata({"language_code": "pt-BR"}) is None
    assert country_hint({"language_code": "pt-BR"}) == "BR"
    assert country_hint({"language_code": "en"}) is None
    assert country_hint(None) is None
    assert country_from_metadata({"language_code": "pt-BR", "country": "KE"}) == "KE"
    assert country_from_metadata({"language_code": "pt-BR", "country": "Rwanda"}) == "RW"
