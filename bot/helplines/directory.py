"""The helpline directory: one YAML file per country under data/helplines, plus global.yml.

Numbers are facts with a source and a check date (enforced by data/helplines/schema.json and
the tests); this module only reads them and picks the services that fit a referral.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.data_files import load_validated

DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "helplines"
SCHEMA_FILE = DIRECTORY / "schema.json"
GLOBAL_FILE = "global.yml"
# The fields a channel needs to render a service (the helpline_referral payload contract).
PAYLOAD_FIELDS = ("name", "kind", "phone", "sms", "chat_url", "whatsapp", "website", "hours")
REASONS = ("self_harm", "abuse", "sextortion", "general")
# Which kinds of service each reason shows, in order of importance.
KINDS_FOR_REASON: Dict[str, Tuple[str, ...]] = {
    "self_harm": ("emergency", "mental_health", "child_helpline"),
    "abuse": ("emergency", "child_helpline", "abuse_reporting_hotline"),
    "sextortion": ("child_helpline", "image_removal", "abuse_reporting_hotline", "emergency"),
    "general": ("child_helpline", "mental_health", "abuse_reporting_hotline", "emergency"),
}


def load_file(path: Path) -> Dict[str, Any]:
    """Reads one directory file and validates it against the schema, or raises ValueError."""
    data = load_validated(path, SCHEMA_FILE)
    expected = None if path.name == GLOBAL_FILE else path.stem
    if data["country"] != expected:
        raise ValueError(f"{path.name}: country {data['country']!r} does not match the file name")
    return data


@dataclass(frozen=True)
class HelplineDirectory:
    """Services by ISO 3166-1 alpha-2 code; `None` holds the global services."""

    services: Dict[Optional[str], List[Dict[str, Any]]]

    @classmethod
    def load(cls, directory: Path = DIRECTORY) -> "HelplineDirectory":
        services = {}
        for path in sorted(directory.glob("*.yml")):
            data = load_file(path)
            services[data["country"]] = data["services"]
        return cls(services)

    def countries(self) -> List[str]:
        return sorted(code for code in self.services if code)

    def referral_services(self, country: Optional[str], reason: str) -> List[Dict[str, Any]]:
        """The services to show for `reason`: the country's first, then global ones that fit.

        Global services are always included for sextortion (image removal) and when the country
        is unknown or has no entry, so a referral is never empty.
        """
        kinds = KINDS_FOR_REASON[reason]
        local = self._of_kinds(self.services.get(country, []) if country else [], kinds)
        worldwide = self._of_kinds(self.services.get(None, []), kinds)
        if local and reason != "sextortion":
            worldwide = [s for s in worldwide if s["kind"] != "child_helpline"]
        return [self._payload(service) for service in local + worldwide]

    @staticmethod
    def _of_kinds(services: List[Dict[str, Any]], kinds: Tuple[str, ...]) -> List[Dict[str, Any]]:
        return sorted(
            (service for service in services if service["kind"] in kinds),
            key=lambda service: kinds.index(service["kind"]),
        )

    @staticmethod
    def _payload(service: Dict[str, Any]) -> Dict[str, Any]:
        return {field: service.get(field) for field in PAYLOAD_FIELDS}
