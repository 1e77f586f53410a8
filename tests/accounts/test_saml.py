"""SAML single sign-on as an admin configures it: a social app with the IdP's details."""

from datetime import UTC, datetime, timedelta

import pytest
from allauth.socialaccount.models import SocialApp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.contrib.sites.models import Site
from django.test import RequestFactory


def _self_signed_certificate() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.acme.test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)


HOST = "ambassador.example.com"


@pytest.fixture
def saml_app(db, settings):
    # The SAML toolkit insists on real-looking host names in our own URLs.
    settings.ALLOWED_HOSTS = [HOST]
    app = SocialApp.objects.create(
        provider="saml",
        provider_id="saml",
        name="Acme SAML",
        client_id="acme",
        settings={
            "attribute_mapping": {
                "uid": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
                "email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            },
            "idp": {
                "entity_id": "https://idp.acme.test/",
                "sso_url": "https://idp.acme.test/sso",
                "x509cert": _self_signed_certificate(),
            },
        },
    )
    app.sites.add(Site.objects.get_current())
    return app


def test_saml_metadata_names_our_assertion_consumer_service(client, saml_app):
    response = client.get("/accounts/saml/acme/metadata/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert f"http://{HOST}/accounts/saml/acme/acs/" in response.content.decode()


def test_saml_login_redirects_to_identity_provider(client, saml_app):
    response = client.post("/accounts/saml/acme/login/", HTTP_HOST=HOST)
    assert response.status_code == 302
    assert response["Location"].startswith("https://idp.acme.test/sso?SAMLRequest=")


def test_saml_unknown_organisation_is_404(client, saml_app):
    assert client.post("/accounts/saml/other/login/", HTTP_HOST=HOST).status_code == 404


class _ValidatedSamlResponse:
    """What python3-saml's ``OneLogin_Saml2_Auth`` offers allauth once a signed response
    has been validated: the asserted attributes and the subject's NameID."""

    def __init__(self, attributes: dict[str, list[str]]):
        self.attributes = attributes

    def get_attributes(self):
        return self.attributes

    def get_nameid(self):
        return "kari@acme.test"

    def get_nameid_format(self):
        return "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


GIVEN_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
SURNAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"
DISPLAY_NAME = "http://schemas.microsoft.com/identity/claims/displayname"


def _saml_user(saml_app, mapping: dict, attributes: dict):
    saml_app.settings["attribute_mapping"].update(mapping)
    saml_app.save()
    request = RequestFactory().post("/accounts/saml/acme/acs/", HTTP_HOST=HOST)
    provider = saml_app.get_provider(request)
    sociallogin = provider.sociallogin_from_response(
        request,
        _ValidatedSamlResponse(
            {
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name": ["kari"],
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": [
                    "kari@acme.test"
                ],
                **attributes,
            }
        ),
    )
    return sociallogin.user


def test_saml_display_name_from_the_attribute_mapped_to_name(saml_app):
    user = _saml_user(saml_app, {"name": DISPLAY_NAME}, {DISPLAY_NAME: ["Kari Nordmann"]})
    assert user.email == "kari@acme.test"
    assert user.display_name == "Kari Nordmann"


def test_saml_display_name_from_first_and_last_name(saml_app):
    user = _saml_user(
        saml_app,
        {"first_name": GIVEN_NAME, "last_name": SURNAME},
        {GIVEN_NAME: ["Kari"], SURNAME: ["Nordmann"]},
    )
    assert user.display_name == "Kari Nordmann"
