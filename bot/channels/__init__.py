"""Messaging-app channels (WhatsApp Cloud API, Telegram) as custom Rasa input channels.

Each channel is listed in credentials.yml by class path and reads its settings from environment
variables, so no secret lives in the repository and a channel whose variables are unset stays
off (see `settings.py`).
"""
