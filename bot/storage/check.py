"""Refuses to start Rasa with a store class it cannot import.

When the module named by `tracker_store: type:` fails to import (a missing driver such as
psycopg2, a syntax error), Rasa only warns and keeps conversations in process memory: every
message would be answered and none stored. `python -m bot run` checks first and stops instead.
"""
from __future__ import annotations

from pathlib import Path
from typing import List

import yaml
from rasa.shared.utils.common import class_from_module_path

STORE_SECTIONS = ("tracker_store", "lock_store", "event_broker")


def custom_store_classes(endpoints: Path) -> List[str]:
    """The dotted class paths endpoints.yml names for its stores (built-in types have no dot)."""
    config = yaml.safe_load(endpoints.read_text()) or {}
    return [section["type"] for section in (config.get(name) for name in STORE_SECTIONS)
            if isinstance(section, dict) and "." in str(section.get("type", ""))]


def check_store_classes(endpoints: Path) -> None:
    for path in custom_store_classes(endpoints):
        try:
            class_from_module_path(path)
        except (ImportError, AttributeError) as error:
            raise RuntimeError(f"{endpoints.name}: cannot load {path}: {error}") from error
