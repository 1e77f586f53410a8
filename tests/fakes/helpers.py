"""Small client-side helpers the fake networks' tests share."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def redirect_query(response) -> dict[str, str]:
    """The query parameters of a 302 answer's Location."""
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
