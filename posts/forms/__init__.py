"""Forms of the posts app, one module per entity. Forms validate; services persist.

The content library's forms (content, suggestions, curation, comments, feeds, shares) live
in ``posts.forms.content`` and are re-exported here; reach metrics' in ``posts.forms.metrics``.
"""

from posts.forms.content import (
    CURATION_TABS,
    BulkActionForm,
    CaptionCheckForm,
    CommentForm,
    ContentEditForm,
    ContentItemForm,
    ContentUrlField,
    DateTimeLocalInput,
    FeedAdminForm,
    FeedFilterForm,
    RejectForm,
    RequestChangesForm,
    ShareForm,
    SuggestionForm,
    caption_field_name,
)

__all__ = [
    "CURATION_TABS",
    "BulkActionForm",
    "CaptionCheckForm",
    "CommentForm",
    "ContentEditForm",
    "ContentItemForm",
    "ContentUrlField",
    "DateTimeLocalInput",
    "FeedAdminForm",
    "FeedFilterForm",
    "RejectForm",
    "RequestChangesForm",
    "ShareForm",
    "SuggestionForm",
    "caption_field_name",
]
