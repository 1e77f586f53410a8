"""Views of the posts app, one module per entity: ``content`` (feed, item pages, curation,
suggestions), ``comments``, ``feeds``, ``shares`` (the share flow, my shares), ``clicks``
(the tracked-link redirect ``/r/<code>``), ``reminders`` and ``metrics`` (reach pages)."""

from __future__ import annotations

from typing import NoReturn

from django.db import models
from django.http import Http404

from accounts.services import deny_and_404


def deny(request, model: type[models.Model], pk: int) -> NoReturn:
    """The one way a posts view says "not yours": 404, as if row ``pk`` of ``model`` did not
    exist. When it does exist, asking for it is an authorisation failure and is audited
    (``accounts.services.deny_and_404``); an unknown id is a plain 404."""
    target = model.objects.filter(pk=pk).first()
    if target is None:
        raise Http404
    deny_and_404(request=request, target=target)
