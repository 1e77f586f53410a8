"""A fake Slack incoming-webhook service, after Slack's public documentation:

- a webhook is ``POST https://hooks.slack.com/services/T…/B…/<secret>`` with a JSON body
  (``Content-Type: application/json``) holding ``text`` and/or ``blocks``;
- success is ``200`` with the body ``ok``;
- errors are plain strings: ``400 invalid_payload`` (not JSON, or neither text nor
  blocks), ``403 invalid_token`` / ``action_prohibited``, ``404 no_service`` (no such
  webhook), ``410 channel_is_archived``, ``500 rollup_error``;
- rate limiting (about one message per second per webhook) answers ``429`` with
  ``Retry-After`` in seconds and the body ``rate_limited``.
"""

from __future__ import annotations

import json

from tests.fakes.server import FakeWebhookServer, Received

SLACK_BODIES = {
    400: b"invalid_payload",
    403: b"action_prohibited",
    404: b"no_service",
    410: b"channel_is_archived",
    429: b"rate_limited",
    500: b"rollup_error",
    503: b"service_unavailable",
}


class FakeSlack(FakeWebhookServer):
    def __init__(self):
        super().__init__()
        self.hooks: set[str] = set()

    def new_hook(self, name: str = "B0001") -> str:
        path = f"/services/T0000/{name}/s3cr3t{len(self.hooks)}"
        self.hooks.add(path)
        return self.url(path)

    def failure_body(self, status: int) -> bytes:
        return SLACK_BODIES.get(status, b"error")

    def handle(self, request: Received):
        plain = {"Content-Type": "text/html"}
        if request.path not in self.hooks:
            return 404, plain, b"no_service"
        if not request.headers.get("content-type", "").startswith("application/json"):
            return 400, plain, b"invalid_payload"
        try:
            body = json.loads(request.body)
        except ValueError:
            return 400, plain, b"invalid_payload"
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return 400, plain, b"invalid_payload"
        if "blocks" in body and not isinstance(body["blocks"], list):
            return 400, plain, b"invalid_blocks"
        return 200, plain, b"ok"
