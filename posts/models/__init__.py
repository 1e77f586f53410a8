"""Models of the posts app, one module per entity."""

from posts.models.clicks import Click, ClickSalt, ShareDailyClicks
from posts.models.comments import Comment
from posts.models.content import Caption, ContentItem, ContentStatus, Topic
from posts.models.engagement import EngagementReading
from posts.models.feeds import Feed, FeedStatus
from posts.models.shares import CollectStatus, Share, ShareStatus

__all__ = [
    "Caption",
    "CollectStatus",
    "Click",
    "ClickSalt",
    "Comment",
    "ContentItem",
    "ContentStatus",
    "Feed",
    "FeedStatus",
    "EngagementReading",
    "Share",
    "ShareStatus",
    "ShareDailyClicks",
    "Topic",
]
