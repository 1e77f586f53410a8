"""The domain errors of content curation, shown to the person as they are."""

from __future__ import annotations


class ContentError(Exception):
    """An expected failure in the library; the message is translated and shown."""


class ContentPermissionError(ContentError):
    pass


class ContentTransitionError(ContentError):
    pass


class ContentValidationError(ContentError):
    def __init__(self, message, *, field: str = ""):
        super().__init__(message)
        self.field = field
