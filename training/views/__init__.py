"""Views of the training app, one module per entity: ``programme`` (the programme page and
the live caption check), ``guidelines``, ``modules`` (training modules, lessons, quizzes),
``certificates``, ``teams`` (figures for managers) and ``manage`` (admin pages)."""

from __future__ import annotations

from django.http import Http404

from accounts.services import access_denied_record
from ambassador.translated import reader_language


def content_language() -> str:
    """The language of the programme's texts for this request (one of the content languages)."""
    return reader_language()


def deny(request, target) -> None:
    """Answer 404 for something ``request.user`` may not see. When ``target`` exists (is not
    None), asking for it is an authorisation failure and is audited."""
    if target is not None:
        access_denied_record(actor=request.user, path=request.path, target=target)
    raise Http404
