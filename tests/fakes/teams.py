"""A fake Microsoft Teams webhook, after Microsoft's public documentation of the
Workflows app's "When a Teams webhook request is received" trigger (which replaces the
retired Office 365 connectors):

- the webhook is a long signed URL, ``POST …/workflows/<id>/triggers/manual/paths/invoke
  ?api-version=1&sig=<signature>``, with a JSON body;
- Workflows accept Adaptive Cards only: ``{"type": "message", "attachments": [{
  "contentType": "application/vnd.microsoft.card.adaptive", "content": {"type":
  "AdaptiveCard", "version": …, "body": […]}}]}``; the old MessageCard is refused;
- success is ``202 Accepted`` with an empty body (the flow runs later);
- a wrong signature is ``401``, an unknown flow ``404``, a bad body ``400`` with a JSON
  error; throttling answers ``429`` with ``Retry-After``; the service may answer ``5xx``.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from tests.fakes.server import FakeWebhookServer, Received

ADAPTIVE = "application/vnd.microsoft.card.adaptive"


def _error(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


class FakeTeams(FakeWebhookServer):
    def __init__(self):
        super().__init__()
        self.flows: dict[str, str] = {}

    def new_hook(self, flow: str = "f1") -> str:
        signature = f"sig{len(self.flows)}"
        self.flows[flow] = signature
        return self.url(
            f"/workflows/{flow}/triggers/manual/paths/invoke?api-version=1&sig={signature}"
        )

    def failure_body(self, status: int) -> bytes:
        if status == 429:
            return _error("TooManyRequests", "Rate limit is exceeded. Try again later.")
        return _error("ServiceUnavailable", "The service is temporarily unavailable.")

    def handle(self, request: Received):
        json_headers = {"Content-Type": "application/json"}
        parts = urlsplit(request.path)
        segments = parts.path.strip("/").split("/")
        if len(segments) != 6 or segments[0] != "workflows" or segments[1] not in self.flows:
            return 404, json_headers, _error("WorkflowNotFound", "The workflow was not found.")
        signature = parse_qs(parts.query).get("sig", [""])[0]
        if signature != self.flows[segments[1]]:
            return 401, json_headers, _error("DirectApiAuthorizationRequired", "Bad signature.")
        try:
            body = json.loads(request.body)
        except ValueError:
            return 400, json_headers, _error("InvalidRequestContent", "The body is not JSON.")
        attachments = body.get("attachments") if isinstance(body, dict) else None
        if body.get("type") != "message" or not attachments:
            return 400, json_headers, _error("InvalidRequestContent", "Expected a message.")
        for attachment in attachments:
            content = attachment.get("content") or {}
            if attachment.get("contentType") != ADAPTIVE or content.get("type") != "AdaptiveCard":
                return (
                    400,
                    json_headers,
                    _error("InvalidRequestContent", "Only Adaptive Cards are supported."),
                )
        return 202, {}, b""
