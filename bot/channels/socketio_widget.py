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
"""
from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

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


def acceptable(data: Any) -> bool:
    """Whether a `user_uttered` event has the shape the Rasa handler relies on."""
    if not isinstance(data, dict):
        return False
    message = data.get("message", "")
    metadata = data.get("metadata", {})
    return (isinstance(message, str) and len(message) <= MAX_MESSAGE_CHARS
            and isinstance(metadata, dict)
            and isinstance(data.get("session_id", ""), (str, type(None))))


class WidgetSocketIOInput(SocketIOInput):
    """Rasa's socket.io input channel with the fixes listed in the module docstring."""

    def get_output_channel(self) -> Optional[OutputChannel]:
        return None if self.sio is None else WidgetSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        def with_our_output(message: UserMessage) -> Awaitable[Any]:
            message.output_channel = WidgetSocketIOOutput(self.sio, self.bot_message_evt)
            return on_new_message(message)

        socketio_blueprint = super().blueprint(with_our_output)
        sio = self.sio
        namespace = self.namespace or "/"
        rasa_handle_message = sio.handlers[namespace][self.user_message_evt]

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not acceptable(data):
                logger.warning("Dropped a malformed %s event from %s", self.user_message_evt, sid)
                return
            await rasa_handle_message(sid, data)

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
