"""A tiny SMTP server on loopback for tests (no dependency): it speaks just enough SMTP for smtplib (EHLO/HELO,
MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no login) and keeps every email it receives, parsed.

    with FakeSmtpServer() as smtp:
        env = {"SMTP_HOST": smtp.host, "SMTP_PORT": str(smtp.port), "SMTP_SECURITY": "none"}
        ...
        [email] = smtp.received
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from typing import Optional


@dataclass(frozen=True)
class ReceivedEmail:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return "" if part is None else str(part.get_content())  # type: ignore[attr-defined]


def _address(argument: str) -> str:
    value = argument.split(":", 1)[1].strip() if ":" in argument else argument.strip()
    return value.split()[0].strip("<>") if value else ""


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode("ascii"))
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 fake-smtp ready")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, argument = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.wfile.write(b"250-fake-smtp\r\n250 8BITMIME\r\n")
            elif verb in ("HELO", "NOOP"):
                self.reply("250 ok")
            elif verb == "MAIL":
                sender, recipients = _address(argument), []
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(_address(argument))
                self.reply("250 ok")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                parsed = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                assert isinstance(parsed, EmailMessage)
                self.server.keep(ReceivedEmail(sender, tuple(recipients), parsed))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list[ReceivedEmail] = []

    def keep(self, received: ReceivedEmail) -> None:
        with self.lock:
            self.received.append(received)


class FakeSmtpServer:
    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.host, self.port = "127.0.0.1", int(self._server.server_address[1])

    @property
    def received(self) -> list[ReceivedEmail]:
        with self._server.lock:
            return list(self._server.received)

    def environment(self) -> dict[str, str]:
        """The settings scripts/checkins.py reads to send through this server."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port), "SMTP_SECURITY": "none"}

    def start(self) -> FakeSmtpServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSmtpServer:
        return self.start()

    def __exit__(
        self, kind: Optional[type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]
    ) -> None:
        self.stop()
