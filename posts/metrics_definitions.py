"""What every reach figure means: written once, here.

The definitions page (``/metrics/definitions/``), the tooltip on every number and the CSV
headers all read these texts, and the rollups (``posts.services.metrics``) compute exactly
what they say. Change a definition here and in the rollup together.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from posts.models import ShareKind, ShareStatus


@dataclass(frozen=True)
class Definition:
    key: str
    label: Promise
    text: Promise

    @property
    def anchor(self) -> str:
        """The id of the definition on a page, for ``aria-describedby``."""
        return f"def-{self.key.replace('_', '-')}"


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "shares_posted",
        _("Shares posted"),
        _(
            "Shares published on a network through a connected account, or whose post the "
            "person linked by pasting its address, on the day they went out; a scheduled post "
            "counts once it is posted, a failed one not at all. Counted apart from intents "
            "opened."
        ),
    ),
    Definition(
        "shares_intent",
        _("Intents opened"),
        _(
            "Shares where the person was sent to the network's share page (or copied link and "
            "caption) and has not pasted the post's address. We cannot see whether they then "
            "posted."
        ),
    ),
    Definition(
        "potential_reach",
        _("Potential reach"),
        _(
            "The sum, over the shares made in the period, of the sharing account's followers "
            "at share time. Potential: how many people could have seen them, not views."
        ),
    ),
    Definition(
        "clicks",
        _("Clicks"),
        _(
            "Human visits to the shares' tracked links on the days of the period. Link-preview "
            "bots, crawlers, HEAD requests, prefetches and the sharer's own visits are not "
            "counted."
        ),
    ),
    Definition(
        "unique_visitors",
        _("Unique visitors"),
        _(
            "Different visitors of each tracked link on each day, added up over the days. "
            "Visitors cannot be recognised across days: their hash changes every day, by design."
        ),
    ),
    Definition(
        "engagement",
        _("Engagement"),
        _(
            "Reactions + reposts + replies + quotes, as the networks report them for shares "
            "posted through connected accounts; the growth during the period. A network that "
            "reports none shows “not reported”, never 0."
        ),
    ),
    Definition(
        "impressions",
        _("Impressions (measured)"),
        _(
            "How often the posts were shown, only where a network reports it; the growth "
            "during the period. Otherwise “not reported”."
        ),
    ),
    Definition(
        "participation",
        _("Participation"),
        _(
            "Active employees in scope who shared at least once in the period, divided by all "
            "active employees in scope."
        ),
    ),
    Definition(
        "emv",
        _("Earned media value"),
        _(
            "CPM × impressions ÷ 1000 + CPC × (reaction weight × engagement + clicks), per "  # noqa: RUF001
            "network and day with the rates in effect that day. Shown only when an admin has "
            "set rates."
        ),
    ),
    Definition(
        "period",
        _("Period"),
        _(
            "The last 7, 30 or 90 days up to today, or a custom range, in the programme's time "
            "zone, compared with the period of the same length just before. Shares count on "
            "the day they were posted or the intent opened, engagement on the day it was read, "
            "clicks on their UTC day (the day a visitor's hash belongs to)."
        ),
    ),
    Definition(
        "points",
        _("Points"),
        _(
            "Each action earns the points an admin set for it: shares, human clicks on your "
            "links, completed modules, approved suggestions and acknowledged guidelines."
        ),
    ),
    Definition(
        "team",
        _("Team"),
        _(
            "A share counts for the team its sharer was in when it was made (the team they "
            "joined first). Teams smaller than the minimum group size are shown together with "
            "their parent team, so that no figure points at one person."
        ),
    ),
)

BY_KEY: dict[str, Definition] = {d.key: d for d in DEFINITIONS}

EMV_FORMULA = "CPM × impressions ÷ 1000 + CPC × (reaction weight × engagement + clicks)"  # noqa: RUF001

# The essay's example, shown beside the programme's own numbers in the reach calculator.
ESSAY_AMBASSADORS = 100
ESSAY_FOLLOWERS = 100


# What each share status counts as. A share still scheduled or sending, or one that failed,
# reached nobody: it counts for nothing until it is posted.
KIND_OF_STATUS: dict[str, str] = {
    ShareStatus.POSTED: ShareKind.POSTED,
    ShareStatus.INTENT_OPENED: ShareKind.INTENT,
}


def share_kind(*, share) -> str | None:
    """Posted or intent opened, from the share's status: the one place that decides.

    Posted: published through a connected account, or an intent whose post the person
    linked by pasting its address. Intent opened: the person was sent to
    the network's share page (or copied link and caption). None: not shared (yet).
    """
    return KIND_OF_STATUS.get(share.status)


def share_counted_at(*, share):
    """When a share counts: a posted share when it went out, an intent when it was opened."""
    if share.status == ShareStatus.POSTED and share.posted_at is not None:
        return share.posted_at
    return share.created_at
