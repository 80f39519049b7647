"""Structured logs: one JSON object per line, for our processes and the Rasa servers.

Log collectors (Loki, CloudWatch, Elasticsearch) index JSON fields without parsing free text.
Our log calls never include what a person wrote (children's data; the project rule is no
message text at info level), and the Rasa servers run at INFO, where Rasa logs no message text
either (it does at DEBUG: never run production with LOG_LEVEL=DEBUG). `logging.yml` next to this
module is the configuration the Rasa and action servers get through `--logging-config-file`.
"""
from __future__ import annotations

import json
import logging
import logging.config
import time
from pathlib import Path

LOGGING_CONFIG = Path(__file__).with_name("logging.yml")


class JsonFormatter(logging.Formatter):
    """Formats a record as {"time", "level", "logger", "message"[, "error"]}."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            # The exception's type only: its text may quote data (an SQL statement's values).
            entry["error"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(entry, ensure_ascii=False)


def configure() -> None:
    """JSON lines on stderr at INFO, for processes we start ourselves (CLI, web app)."""
    import yaml

    logging.config.dictConfig(yaml.safe_load(LOGGING_CONFIG.read_text()))
