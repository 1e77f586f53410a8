"""Models of the posts app, one module per area."""

# Content library
from posts.models.comments import Comment
from posts.models.content import Caption, ContentItem, ContentStatus, Topic
from posts.models.feeds import Feed, FeedStatus

#
# Sharing and tracked links
# isort: split
from posts.models.clicks import Click, ClickSalt, ShareDailyClicks
from posts.models.sharing import Share

#
# Reminders
# isort: split
from posts.models.reminders import FeaturedAnnouncement

__all__ = [
    # Content library
    "Caption",
    "Comment",
    "ContentItem",
    "ContentStatus",
    "Feed",
    "FeedStatus",
    "Topic",
    #
    # Sharing and tracked links
    "Click",
    "ClickSalt",
    "Share",
    "ShareDailyClicks",
    #
    # Reminders
    "FeaturedAnnouncement",
]
