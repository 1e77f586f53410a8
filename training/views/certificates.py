"""Certificates: a person's own, and the public check of a certificate's code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from training import selectors
from training.views import deny


@login_required
@require_GET
def certificate(request, code: str):
    completion = selectors.completion_by_code(code=code)
    if completion is None or completion.user_id != request.user.pk:
        deny(request, completion)
    return render(request, "training/certificate.html", {"completion": completion})


@require_GET
def verify(request, code: str | None = None):
    """Public: anyone can check a certificate's code, without signing in."""
    code = code or request.GET.get("code", "")
    completion = selectors.completion_by_code(code=code) if code else None
    return render(
        request,
        "training/verify.html",
        {"code": code, "completion": completion},
        status=404 if code and completion is None else 200,
    )
