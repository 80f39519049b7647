"""Helpline directory (data/helplines) and working out which country a person is in."""
