"""Settings of the web app, shared by its blueprints."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.moderation.config import ModerationConfig

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class WebConfig:
    """Where the web app listens, where browsers reach Rasa, and what the widget tells children."""

    port: int = 8000
    rasa_port: int = 5005
    # The Rasa server as browsers see it; None means "this host, on rasa_port".
    rasa_public_url: Optional[str] = None
    # GOV.UK's "Exit this page" component sends people to BBC Weather: neutral, fast, harmless.
    exit_url: str = "https://www.bbc.co.uk/weather"
    # What the privacy notice promises; keep equal to the tracker store purge (`--older-than 30d`).
    retention_days: int = 30
    node_modules: Path = ROOT / "node_modules"
    # The moderator dashboard (/moderation): its database (DB_URL) and session secret.
    moderation: ModerationConfig = field(default_factory=ModerationConfig)
