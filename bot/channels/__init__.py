"""Rasa input/output channels of our own, enabled by their module path in credentials.yml."""
