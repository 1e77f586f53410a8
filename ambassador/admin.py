"""Shared pieces of the Django admin. Registrations live in each app's ``admin.py``."""

from django.db import models


class ReadOnlyAdminMixin:
    """Viewing only: no add, change or delete.

    For records whose changes must go through the app's services (validation, workflow,
    audit rows) or that are facts, not settings (audit events, shares, click totals).
    """

    # Read-only change forms still build URL fields; say which scheme a bare host means.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
