"""Single sign-on through OpenID Connect against a fake identity provider on 127.0.0.1.

Just-in-time accounts are created only for allowed signup domains.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.sites.models import Site
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import AllowedDomainFactory


class FakeIdentityProvider(BaseHTTPRequestHandler):
    email = "kari@acme.test"

    def _json(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path.startswith("/.well-known/openid-configuration"):
            self._json(
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/authorize",
                    "token_endpoint": f"{base}/token",
                    "userinfo_endpoint": f"{base}/userinfo",
                    "jwks_uri": f"{base}/jwks",
                }
            )
        elif self.path.startswith("/userinfo"):
            claims = {"sub": "idp-42", "email": self.server.email, "email_verified": True}
            self._json({**claims, **self.server.claims})
        else:
            self.send_error(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/token"):
            self._json({"access_token": "fake-access", "token_type": "Bearer", "expires_in": 60})
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture
def identity_provider(db):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeIdentityProvider)
    server.email = "kari@acme.test"
    server.claims = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="company",
        name="Company SSO",
        client_id="ambassador",
        secret="not-a-real-secret",
        settings={"server_url": f"http://127.0.0.1:{server.server_port}"},
    )
    app.sites.add(Site.objects.get_current())
    yield server
    server.shutdown()
    server.server_close()


def _sso_login(client):
    response = client.post("/accounts/oidc/company/login/")
    assert response.status_code == 302
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    return client.get("/accounts/oidc/company/login/callback/", {"code": "abc", "state": state})


def test_sso_creates_account_for_allowed_domain(client, identity_provider):
    AllowedDomainFactory(domain="acme.test")
    response = _sso_login(client)
    assert response.status_code == 302
    user = User.objects.get(email="kari@acme.test")
    assert SocialAccount.objects.get(user=user).uid == "idp-42"
    assert client.get(reverse("home")).status_code == 200


def test_sso_refuses_disallowed_domain_and_creates_nothing(client, identity_provider):
    AllowedDomainFactory(domain="acme.test")
    identity_provider.email = "kari@gmail.test"
    response = _sso_login(client)
    assert response.status_code == 403
    assert "gmail.test" in response.content.decode()
    assert not User.objects.filter(email="kari@gmail.test").exists()
    assert not SocialAccount.objects.exists()


def test_sso_callback_with_wrong_state_links_nothing(client, identity_provider):
    AllowedDomainFactory(domain="acme.test")
    client.post("/accounts/oidc/company/login/")
    response = client.get(
        "/accounts/oidc/company/login/callback/", {"code": "abc", "state": "forged"}
    )
    assert response.status_code == 401
    assert not User.objects.filter(email="kari@acme.test").exists()
    assert not SocialAccount.objects.exists()


# --- The name the identity provider sends becomes the display name -------------------------


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"name": "Kari Nordmann"}, "Kari Nordmann"),
        ({"name": "  Kari \n Nordmann ", "given_name": "K"}, "Kari Nordmann"),
        ({"given_name": "Kari", "family_name": "Nordmann"}, "Kari Nordmann"),
        ({"given_name": "Kari"}, "Kari"),
        ({"name": "x" * 300}, "x" * 150),
    ],
)
def test_sso_fills_display_name_from_the_providers_claims(
    client, identity_provider, claims, expected
):
    AllowedDomainFactory(domain="acme.test")
    identity_provider.claims = claims
    assert _sso_login(client).status_code == 302
    assert User.objects.get(email="kari@acme.test").display_name == expected


def test_sso_without_a_name_claim_leaves_display_name_empty(client, identity_provider):
    AllowedDomainFactory(domain="acme.test")
    assert _sso_login(client).status_code == 302
    assert User.objects.get(email="kari@acme.test").display_name == ""


def test_sso_sign_in_keeps_the_name_an_existing_person_chose(client, identity_provider):
    AllowedDomainFactory(domain="acme.test")
    assert _sso_login(client).status_code == 302
    User.objects.filter(email="kari@acme.test").update(display_name="Kari N.")
    client.logout()
    identity_provider.claims = {"name": "Kari Nordmann"}
    assert _sso_login(client).status_code == 302
    assert User.objects.get(email="kari@acme.test").display_name == "Kari N."
