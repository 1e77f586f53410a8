"""Second factors: a TOTP code cannot be replayed, a recovery code works once."""

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import PASSWORD

SECRET = "JBSWY3DPEHPK3PXP"  # the personas' TOTP secret (tests/factories.give_mfa)


def _login_with_code(client, user, code):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": code})


def _current_code() -> str:
    return format_hotp_value(hotp_value(SECRET, next(yield_hotp_counters_from_time())))


def test_login_asks_staff_for_second_factor(client, personas):
    response = client.post(
        reverse("account_login"), {"login": personas.admin.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_totp_code_cannot_be_reused(client, personas):
    code = _current_code()
    assert _login_with_code(client, personas.admin, code).status_code == 302
    client.post(reverse("account_logout"))
    replay = _login_with_code(client, personas.admin, code)
    assert replay.status_code == 200
    assert "code" in replay.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_recovery_code_works_once(client, personas):
    code = RecoveryCodes.activate(personas.admin).get_unused_codes()[0]
    assert _login_with_code(client, personas.admin, code).status_code == 302
    client.post(reverse("account_logout"))
    replay = _login_with_code(client, personas.admin, code)
    assert replay.status_code == 200
    assert "_auth_user_id" not in client.session
