"""Writes of content items, by entity: ``items`` (creation and edits by curators), ``review``
(the approval workflow, bulk actions, and the periodic archive of expired items) and
``errors``. Employees' suggestions live in ``posts.services.suggestions``.

Every function is keyword-only, atomic, and raises a ``ContentError`` subclass for an
expected failure.
"""

from posts.services.content.errors import (
    ContentError,
    ContentPermissionError,
    ContentTransitionError,
    ContentValidationError,
)
from posts.services.content.items import (
    ITEM_TEXTS,
    content_create,
    content_image_store,
    content_preview_enqueue,
    content_slug_new,
    content_update,
    content_url_clean,
    curator_require,
)
from posts.services.content.review import (
    BULK_ACTIONS,
    content_approve,
    content_archive,
    content_archive_expired,
    content_bulk_action,
    content_reject,
    content_request_changes,
    content_submit,
    content_transition,
)

__all__ = [
    "BULK_ACTIONS",
    "ContentError",
    "ContentPermissionError",
    "ContentTransitionError",
    "ContentValidationError",
    "ITEM_TEXTS",
    "content_approve",
    "content_archive",
    "content_archive_expired",
    "content_bulk_action",
    "content_create",
    "content_image_store",
    "content_preview_enqueue",
    "content_reject",
    "content_request_changes",
    "content_slug_new",
    "content_submit",
    "content_transition",
    "content_update",
    "content_url_clean",
    "curator_require",
]
