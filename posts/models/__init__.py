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
# Reach metrics
# isort: split
from posts.models.metrics import (
    ContentTeamDay,
    EngagementReading,
    LeaderboardOptIn,
    MetricRate,
    PersonDay,
    PointAction,
    PointWeight,
    RollupState,
    ShareDay,
    ShareFacts,
    ShareKind,
    TeamNetworkDay,
)

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
    # Reach metrics
    "ContentTeamDay",
    "EngagementReading",
    "LeaderboardOptIn",
    "MetricRate",
    "PersonDay",
    "PointAction",
    "PointWeight",
    "RollupState",
    "ShareDay",
    "ShareFacts",
    "ShareKind",
    "TeamNetworkDay",
]
