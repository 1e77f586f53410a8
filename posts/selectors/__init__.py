"""Reads of the posts app, one module per entity.

The content library's reads (content, comments, feeds, shares) live in
``posts.selectors.content`` and are re-exported here, so ``from posts import selectors`` and
``from posts.selectors import feed_items`` work. Reach metrics are read through their own
modules: ``metrics`` (periods, dashboards, a person's reach), ``metric_scopes`` (who sees
which teams), ``points``, ``leaderboards``, ``calculator`` and ``personal_data``.
"""

from posts.selectors.content import (
    ItemAccess,
    approval_needs_another,
    caption_problems,
    caption_suggested,
    caption_text_limits,
    check_network_for,
    curation_counts,
    feed_items,
    feeds_for_admin,
    followers_on,
    item_access,
    item_comments,
    item_is_curatable,
    item_is_moderatable,
    item_is_shareable,
    items_curatable,
    items_shareable,
    mastodon_instance_of,
    pick_caption,
    review_queue,
    share_network_label,
    share_networks,
    shares_of,
    suggestions_of,
    topics_in_use,
    user_can_curate,
)

__all__ = [
    "ItemAccess",
    "approval_needs_another",
    "caption_problems",
    "caption_suggested",
    "caption_text_limits",
    "check_network_for",
    "curation_counts",
    "feed_items",
    "feeds_for_admin",
    "followers_on",
    "item_access",
    "item_comments",
    "item_is_curatable",
    "item_is_moderatable",
    "item_is_shareable",
    "items_curatable",
    "items_shareable",
    "mastodon_instance_of",
    "pick_caption",
    "review_queue",
    "share_network_label",
    "share_networks",
    "shares_of",
    "suggestions_of",
    "topics_in_use",
    "user_can_curate",
]
