"""Rasa input/output channels of our own, enabled by their class path in credentials.yml.

The widget's socket.io channel (`socketio_widget.py`) and the messaging apps (WhatsApp Cloud
API, Telegram). The messaging channels read their settings from environment variables, so no
secret lives in the repository and a channel whose variables are unset stays off.
"""
