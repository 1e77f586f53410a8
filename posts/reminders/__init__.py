"""What the library has to say: the weekly digest, gentle nudges, new featured items, the
team channels' weekly summary, posts published or failed — and the digest's two-click
share links.

One module per entity: ``digest``, ``share_links``, ``nudges``, ``featured``,
``team_summary`` and ``scheduled``; ``base`` holds what they all read (the live items and
their audience).
Sources are registered in ``PostsConfig.ready`` and run by the accounts tick. People are
found by selectors and handled in batches of ``BATCH``: each batch costs the same few
queries whatever its size, and the library itself is read once per run.
"""

from posts.reminders.base import (
    BATCH,
    DIGEST_MAX_ITEMS,
    LiveItem,
    ReminderError,
    items_for,
    live_items,
    shared_by,
    teams_of,
)
from posts.reminders.digest import (
    DIGEST_EMAIL,
    DIGEST_SOURCE,
    DigestEntry,
    digest_candidates,
    digest_collect,
    digest_draft,
    digest_email_contexts,
    digest_period,
    digest_preview,
    digest_sample,
    digest_slot,
    digest_slot_after,
    primary_networks,
)
from posts.reminders.featured import (
    FEATURED_SOURCE,
    featured_announce_request,
    featured_audience,
    featured_collect,
    featured_webhooks,
)
from posts.reminders.nudges import (
    NUDGE_QUIET_FOR,
    NUDGE_SOURCE,
    nudge_candidates,
    nudge_collect,
)
from posts.reminders.scheduled import (
    SCHEDULED_POST_SOURCE,
    publish_outcomes,
    publish_outcomes_collect,
)
from posts.reminders.share_links import (
    SHARE_LINK_SALT,
    ShareLink,
    ShareLinkExpired,
    share_link_read,
    share_link_token,
    share_link_url,
)
from posts.reminders.team_summary import (
    TEAM_SUMMARY,
    TEAM_SUMMARY_SOURCE,
    team_summary_collect,
)

__all__ = [
    "BATCH",
    "DIGEST_MAX_ITEMS",
    "ReminderError",
    "LiveItem",
    "live_items",
    "teams_of",
    "shared_by",
    "items_for",
    "digest_slot",
    "digest_slot_after",
    "digest_period",
    "digest_candidates",
    "digest_draft",
    "digest_collect",
    "digest_preview",
    "primary_networks",
    "DigestEntry",
    "digest_email_contexts",
    "DIGEST_EMAIL",
    "digest_sample",
    "DIGEST_SOURCE",
    "featured_announce_request",
    "featured_audience",
    "featured_webhooks",
    "featured_collect",
    "FEATURED_SOURCE",
    "NUDGE_QUIET_FOR",
    "nudge_candidates",
    "nudge_collect",
    "NUDGE_SOURCE",
    "publish_outcomes",
    "publish_outcomes_collect",
    "SCHEDULED_POST_SOURCE",
    "SHARE_LINK_SALT",
    "share_link_token",
    "ShareLink",
    "ShareLinkExpired",
    "share_link_read",
    "share_link_url",
    "TEAM_SUMMARY",
    "team_summary_collect",
    "TEAM_SUMMARY_SOURCE",
]
