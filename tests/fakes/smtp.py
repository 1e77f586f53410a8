"""A real SMTP server on 127.0.0.1 for tests, speaking just enough of RFC 5321 for
``smtplib`` (and so Django's SMTP backend): EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.

Every message whose DATA ended with ``<CRLF>.<CRLF>`` is recorded (``received``) before the
server answers ``250``: a client that dies in that moment has delivered a message without
knowing it, which is what makes email impossible to send exactly once. ``hold_at = n``
keeps the ``n``-th message there (``holding`` is set) until ``release`` is set.

Hand-rolled: ``aiosmtpd`` is not a dependency, and this is a few dozen lines of the stdlib.
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    sender: str
    recipients: tuple[str, ...]
    data: bytes


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        fake = self.server.fake
        sender, recipients = "", []
        try:
            self.reply("220 fake.smtp ESMTP ready")
            while line := self.rfile.readline():
                command = line.decode("ascii", "replace").strip()
                verb = command[:4].upper()
                if verb == "EHLO":
                    self.reply("250-fake.smtp")
                    self.reply("250 8BITMIME")
                elif verb in ("HELO", "NOOP"):
                    self.reply("250 OK")
                elif verb == "MAIL":
                    sender, recipients = command.partition(":")[2].strip(), []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.partition(":")[2].strip().strip("<>"))
                    self.reply("250 OK")
                elif verb == "RSET":
                    sender, recipients = "", []
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                    if not chunk:
                        return  # the client went away before the end: nothing delivered
                    fake.deliver(Message(sender, tuple(recipients), b"".join(lines)))
                    self.reply("250 OK queued")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("502 Command not implemented")
        except OSError:
            return  # the client was killed


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSMTP


class FakeSMTP:
    def __init__(self, *, hold_at: int | None = None, hold_timeout: float = 30):
        self.received: list[Message] = []
        self.hold_at = hold_at
        self.hold_timeout = hold_timeout
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]

    @property
    def url(self) -> str:
        """``EMAIL_URL`` in django-environ's syntax."""
        return f"smtp://127.0.0.1:{self.port}"

    def deliver(self, message: Message) -> None:
        with self._lock:
            self.received.append(message)
            hold = len(self.received) == self.hold_at
        if hold:
            self.holding.set()
            self.release.wait(self.hold_timeout)

    def start(self) -> FakeSMTP:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
