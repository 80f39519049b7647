"""The `helpline_referral` payload as plain text, for channels that cannot show a card.

The widget draws the payload as a card with call/text/chat buttons; messaging apps (WhatsApp,
Telegram) get this text, where phone numbers and links are still tappable.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping


def service_line(service: Mapping[str, Any]) -> str:
    """One service: its name, every way to reach it, and its hours."""
    ways = [
        f"call {service['phone']}" if service.get("phone") else None,
        f"text {service['sms']}" if service.get("sms") else None,
        f"WhatsApp {service['whatsapp']}" if service.get("whatsapp") else None,
        f"chat {service['chat_url']}" if service.get("chat_url") else None,
        service.get("website") if not service.get("phone") else None,
    ]
    hours = f" ({service['hours']})" if service.get("hours") else ""
    return f"- {service['name']}: {', '.join(way for way in ways if way)}{hours}"


def referral_text(payload: Dict[str, Any]) -> str:
    """Every service of a referral, one per line."""
    return "\n".join(service_line(service) for service in payload.get("services", []))
