"""Models of the posts app, one module per area."""

# Content library
from posts.models.content import Caption, ContentItem, ContentStatus, Topic

#
# Sharing and tracked links
# isort: split
from posts.models.clicks import Click, ClickSalt, ShareDailyClicks
from posts.models.sharing import Share

__all__ = [
    # Content library
    "Caption",
    "ContentItem",
    "ContentStatus",
    "Topic",
    #
    # Sharing and tracked links
    "Click",
    "ClickSalt",
    "Share",
    "ShareDailyClicks",
]
