"""Models of the posts app, one module per entity."""

from posts.models.clicks import Click, ClickSalt, ShareDailyClicks
from posts.models.comments import Comment
from posts.models.content import Caption, ContentItem, ContentStatus, Topic
from posts.models.feeds import Feed, FeedStatus
from posts.models.shares import Share

__all__ = [
    "Caption",
    "Click",
    "ClickSalt",
    "Comment",
    "ContentItem",
    "ContentStatus",
    "Feed",
    "FeedStatus",
    "Share",
    "ShareDailyClicks",
    "Topic",
]
