"""A mail backend for tests that refuses or drops chosen addresses, like an SMTP server
would, and otherwise delivers to Django's locmem outbox."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

# Addresses whose delivery fails: "refuse" → 550 recipient refused (permanent),
# "down" → the server is unreachable (temporary).
BEHAVIOUR: dict[str, str] = {}
OPENED: list[int] = []


class FlakyBackend(LocmemBackend):
    def open(self):
        OPENED.append(id(self))
        return True

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                behaviour = BEHAVIOUR.get(address)
                if behaviour == "refuse":
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"No such user")})
                if behaviour == "down":
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
