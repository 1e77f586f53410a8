"""Forms of the posts app, one module per entity. Forms validate; services persist.

The content library's forms (content, suggestions, curation, comments, feeds) live in
``posts.forms.content``, the share forms in ``posts.forms.shares``; both are re-exported here.
Reach metrics' forms are in ``posts.forms.metrics``.
"""

from posts.forms.content import (
    CURATION_TABS,
    BulkActionForm,
    CommentForm,
    ContentEditForm,
    ContentItemForm,
    ContentUrlField,
    DateTimeLocalInput,
    FeedAdminForm,
    FeedFilterForm,
    RejectForm,
    RequestChangesForm,
    SuggestionForm,
    caption_field_name,
)
from posts.forms.shares import CaptionCheckForm, PostUrlForm, ShareForm

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
    "PostUrlForm",
    "RejectForm",
    "RequestChangesForm",
    "ShareForm",
    "SuggestionForm",
    "caption_field_name",
]
