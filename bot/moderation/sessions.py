"""Signed session cookies, server-side sessions with expiry, and CSRF tokens.

The cookie holds a random session id and its HMAC; the database keeps only the id's SHA-256, so
logout and expiry end a session for certain. A form's CSRF token is an HMAC of the session id
(synchroniser token); the login form, before any session, uses a signed double-submit cookie.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional

import sqlalchemy as sa
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine

from bot.moderation.accounts import Moderator, by_id
from bot.moderation.config import ModerationConfig
from bot.moderation.schema import sessions

COOKIE = "moderation_session"
LOGIN_COOKIE = "moderation_login"
PATH = "/moderation"


def sign(secret: str, purpose: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def over_tls(request: Request, config: ModerationConfig) -> bool:
    """TLS here, or at a proxy we trust to say so in X-Forwarded-Proto."""
    if request.scheme == "https":
        return True
    return (request.ip in config.trusted_proxies
            and request.headers.get("x-forwarded-proto", "").lower() == "https")


def set_cookie(response: HTTPResponse, request: Request, config: ModerationConfig, name: str,
               value: str, max_age: int) -> None:
    response.cookies[name] = value
    cookie = response.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = PATH
    cookie["max-age"] = max_age
    if over_tls(request, config):
        cookie["secure"] = True


def clear_cookie(response: HTTPResponse, request: Request, config: ModerationConfig,
                 name: str) -> None:
    """Tells the browser to drop a cookie (same path and flags, no value, no lifetime)."""
    set_cookie(response, request, config, name, "", 0)


def start(engine: Engine, config: ModerationConfig, moderator: Moderator) -> str:
    """A new session for the moderator; returns the cookie value."""
    session_id = secrets.token_urlsafe(32)
    now = config.clock()
    with engine.begin() as connection:
        connection.execute(sessions.delete().where(sessions.c.expires_at <= now))
        connection.execute(sessions.insert().values(
            id_hash=_hash(session_id), moderator_id=moderator.id, created_at=now,
            expires_at=now + config.session_seconds))
    return f"{session_id}.{sign(config.secret, 'session', session_id)}"


def session_id(request: Request, config: ModerationConfig) -> Optional[str]:
    """The cookie's session id when its signature is ours."""
    value = request.cookies.get(COOKIE) or ""
    session, _, signature = value.partition(".")
    if session and hmac.compare_digest(signature, sign(config.secret, "session", session)):
        return session
    return None


def current(engine: Engine, config: ModerationConfig, request: Request) -> Optional[Moderator]:
    """The signed-in moderator, or None (no cookie, forged, expired, logged out, deactivated)."""
    session = session_id(request, config)
    if session is None:
        return None
    with engine.connect() as connection:
        row = connection.execute(sa.select(sessions).where(
            sessions.c.id_hash == _hash(session), sessions.c.expires_at > config.clock())).first()
    return by_id(engine, row.moderator_id) if row else None


def end(engine: Engine, config: ModerationConfig, request: Request) -> None:
    session = session_id(request, config)
    if session:
        with engine.begin() as connection:
            connection.execute(sessions.delete().where(sessions.c.id_hash == _hash(session)))


def end_all(engine: Engine, moderator_id: int) -> None:
    """Signs an account out everywhere (deactivated, or its role changed)."""
    with engine.begin() as connection:
        connection.execute(sessions.delete().where(sessions.c.moderator_id == moderator_id))


def csrf_token(request: Request, config: ModerationConfig) -> str:
    """The token every form of this session carries."""
    return sign(config.secret, "csrf", session_id(request, config) or "")


def csrf_valid(request: Request, config: ModerationConfig) -> bool:
    session = session_id(request, config)
    sent = (request.form.get("csrf") if request.form else None) or ""
    return bool(session) and hmac.compare_digest(sent, sign(config.secret, "csrf", session))


def login_nonce() -> str:
    return secrets.token_urlsafe(24)


def login_token(config: ModerationConfig, nonce: str) -> str:
    return sign(config.secret, "login", nonce)


def login_csrf_valid(request: Request, config: ModerationConfig) -> bool:
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    sent = (request.form.get("csrf") if request.form else None) or ""
    return bool(nonce) and hmac.compare_digest(sent, login_token(config, nonce))
