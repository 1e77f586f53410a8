"""Role checks for views. Each request re-reads the role, so a revoked role bites at once."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.services import access_denied_record


def mfa_gate(request):
    """A redirect to the MFA page when staff pages need MFA and ``request.user`` has none."""
    if settings.REQUIRE_STAFF_MFA and not selectors.user_has_mfa(user=request.user):
        messages.warning(
            request,
            _(
                "Managers and admins must turn on two-factor authentication before these pages open."
            ),
        )
        return redirect("mfa_index")
    return None


def _role_required(check):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                access_denied_record(actor=request.user, path=request.path)
                raise PermissionDenied
            gate = mfa_gate(request)
            if gate is not None:
                return gate
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


manager_required = _role_required(lambda user: selectors.access_for(user=user).may_curate)
admin_required = _role_required(lambda user: selectors.access_for(user=user).is_admin)

# Kept for callers of the earlier private name.
_mfa_gate = mfa_gate
