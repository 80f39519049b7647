"""The socket.io channel the children's web widget talks to (bot/web/static/widget.js).

Rasa's built-in `SocketIOInput` has three faults with the python-socketio 5.x in our lock, each of
which a child would notice, so credentials.yml enables this subclass instead:

- With `session_persistence` it calls `AsyncServer.enter_room` without awaiting it (a coroutine
  since python-socketio 5), so the socket never joins its session's room and every reply, which
  is emitted to that room, is lost.
- `send_custom_json` calls `sio.emit(event, **payload)`: the keys of our helpline payload would
  become keyword arguments of `emit()` and the call fails. Here a custom payload is sent like
  every other message, as `{"custom": payload}`.
- A message that is not a JSON object (or whose text is not a string, or is huge) raised inside
  the handler. Here it is dropped with a warning that never contains the message text.

Every message also carries an `id`, so the widget can drop a reply delivered twice (for example
when a reconnecting socket briefly sits in the room twice).

Like our REST channel, an answered message is always a stored one. Rasa emits each reply as the
turn produces it, before the tracker is saved, so during a database or Redis outage a child saw
answers to messages that were never stored. Here a turn's replies are held until the turn is
stored, and the `user_uttered` event is acknowledged (socket.io's ack) with `{"stored": true}`.
When the turn failed, the child gets, instead of its replies, a "send it again" notice and the
universal helpline referral (a message may have disclosed abuse), and the ack says
`{"stored": false}`, so the widget marks the message "Not sent" with a button to send it again.
"""
from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.fallback import (NO_ANSWER, TRY_AGAIN, fallback_texts, helpline_referral_text,
                                   stored_turn)

logger = logging.getLogger(__name__)

# Longer than any question a child types; short enough that nobody can feed the NLU a book.
MAX_MESSAGE_CHARS = 2000
# Session ids are ours (uuid4 hex); anything else asked for gets a fresh one.
SESSION_ID = re.compile(r"[0-9a-f]{32}")


class WidgetSocketIOOutput(SocketIOOutput):
    """Emits every bot message as one JSON object with an id."""

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        await super()._send_message(socket_id, {**response, "id": uuid.uuid4().hex})

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class HeldTurnOutput(WidgetSocketIOOutput):
    """Holds one turn's messages until `release`, so none is shown for a turn not stored."""

    def __init__(self, sio: Any, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.held: List[Tuple[Text, Dict[Text, Any]]] = []

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.held.append((socket_id, {**response, "id": uuid.uuid4().hex}))

    async def release(self) -> None:
        held, self.held = self.held, []
        for socket_id, response in held:
            await self.sio.emit(self.bot_message_evt, response, room=socket_id)

    async def replace_with(self, recipient_id: Text, texts: List[Text]) -> None:
        """Drops what the turn said and says `texts` instead."""
        self.held = []
        for text in texts:
            await self.send_text_message(recipient_id, text)


def acceptable(data: Any, metadata_key: Text = "metadata") -> bool:
    """Whether a `user_uttered` event has the shape the turn relies on."""
    if not isinstance(data, dict):
        return False
    message = data.get("message", "")
    metadata = data.get(metadata_key, {})
    return (isinstance(message, str) and len(message) <= MAX_MESSAGE_CHARS
            and isinstance(metadata, dict)
            and isinstance(data.get("session_id", ""), (str, type(None))))


class WidgetSocketIOInput(SocketIOInput):
    """Rasa's socket.io input channel with the fixes listed in the module docstring."""

    def get_output_channel(self) -> Optional[OutputChannel]:
        return None if self.sio is None else WidgetSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_blueprint = super().blueprint(on_new_message)
        sio = self.sio
        helpline_referral_text()  # read now, not in the first turn that needs it

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> Dict[Text, Any]:
            """Runs the turn; the return value is the socket.io acknowledgement."""
            if not acceptable(data, self.metadata_key):
                logger.warning("Dropped a malformed %s event from %s", self.user_message_evt, sid)
                return {"stored": False, "error": "not a message"}
            sender_id = data.get("session_id") if self.session_persistence else sid
            if not sender_id:
                return {"stored": False, "error": "request a session first"}
            output = HeldTurnOutput(sio, self.bot_message_evt)
            stored = await stored_turn(on_new_message, UserMessage(
                data.get("message", ""), output, sender_id,
                input_channel=self.name(), metadata=data.get(self.metadata_key) or {}))
            if not stored:
                await output.replace_with(sender_id, fallback_texts(TRY_AGAIN))
            elif not output.held:
                logger.warning("socketio: a turn produced no answer; sent the safe fallback")
                await output.replace_with(sender_id, fallback_texts(NO_ANSWER))
            await output.release()
            return {"stored": True} if stored else {"stored": False, "error": TRY_AGAIN}

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            if isinstance(requested, str) and SESSION_ID.fullmatch(requested):
                session_id = requested
            else:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return socketio_blueprint
