"""Completions and the certificates they verify."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from accounts.models import User
from training.models import Completion


def completions_of(*, user: User) -> QuerySet[Completion]:
    return Completion.objects.filter(user=user).select_related("module").order_by("-completed_at")


_CODE_SHAPE = re.compile(r"[A-Z0-9-]{1,16}")


def completion_by_code(*, code: str) -> Completion | None:
    code = code.strip().upper()
    if not _CODE_SHAPE.fullmatch(code):  # also keeps NUL, which PostgreSQL refuses, away
        return None
    return Completion.objects.filter(code=code).select_related("user", "module").first()
