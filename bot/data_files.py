"""Content kept as data (helpline directory, guideline excerpts): YAML files checked by JSON Schema.

Both the action server (at start-up) and the tests read the files through this one loader, so a
file the tests accept is exactly a file the assistant can serve.
"""
from __future__ import annotations

import datetime
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import jsonschema
import yaml


def json_ready(value: Any) -> Any:
    """YAML turns `checked: 2026-11-29` into a date; JSON Schema validates strings."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_ready(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@lru_cache(maxsize=None)
def validator(schema_file: Path) -> jsonschema.Draft7Validator:
    """Each schema is read and compiled once, however many files it checks."""
    return jsonschema.Draft7Validator(json.loads(schema_file.read_text(encoding="utf-8")))


def json_path(error: jsonschema.ValidationError) -> str:
    """Where in the file the error is, as "$.services[0].phone" (jsonschema 3.2 has no
    `json_path`; see requirements.in for why that version)."""
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                         for part in error.absolute_path)


def load_validated(path: Path, schema_file: Path) -> Dict[str, Any]:
    """Reads one YAML file and validates it against the schema, or raises ValueError."""
    data = json_ready(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = list(validator(schema_file).iter_errors(data))
    if errors:
        raise ValueError(
            f"{path.name}: " + "; ".join(f"{json_path(error)}: {error.message}" for error in errors)
        )
    return data
