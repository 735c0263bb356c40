"""A real SMTP server on localhost for the tests (aiosmtpd), collecting every message it accepts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.ports import on_a_free_port


@dataclass
class SinkHandler:
    """Accepts every message, except to addresses listed in ``refuse`` (answered 550)."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


@dataclass
class Sink:
    host: str
    port: int
    handler: SinkHandler

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def config(self) -> dict[str, object]:
        return {"SMTP_HOST": self.host, "SMTP_PORT": self.port, "SMTP_FROM": "lip@rsa.example.gov.kh",
                "SMTP_TIMEOUT": 5.0}


def running_sink() -> Iterator[Sink]:
    """Start a sink on a free port (another if a parallel test took it first), yield it, stop it."""
    handler = SinkHandler()

    def start(port: int) -> Controller:
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        return controller

    controller = on_a_free_port(start)
    try:
        yield Sink("127.0.0.1", int(controller.port), handler)
    finally:
        controller.stop()
