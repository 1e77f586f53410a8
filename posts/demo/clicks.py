"""Demo clicks: the human visits each demo share received, stored by the click flush's own
``clicks_store`` (which also keeps the daily totals), as if they had come through ``/r/``.

People: about one in twenty of the sharer's followers (a few links do far better), most of
them within a day or two of the share. Some come back (mostly the same day), which shows as
clicks above unique visitors. Link previews, crawlers and the sharers' own looks are never
counted, so they leave no rows and the demo makes none up.
"""

import hashlib
import random
import uuid
from datetime import UTC, datetime, timedelta

from posts.models import Share
from posts.services.clicks import clicks_store
from posts.tracked_links import ClickEvent

# How often a visitor who opened a link opens it again (the chance of each further visit).
REPEAT_CHANCE = 0.3


def _visits(share: Share, *, rng: random.Random, now: datetime, featured: bool):
    people = round(share.followers_at_share / 20 * rng.lognormvariate(-0.5, 0.9))
    if featured:
        people = max(people, 3)
    for _person in range(people):
        visitor = f"{rng.getrandbits(128):032x}"
        at = share.created_at + timedelta(hours=rng.expovariate(1 / 18))
        while at < now:
            day = at.astimezone(UTC).date()
            yield ClickEvent(
                event_id=uuid.UUID(int=rng.getrandbits(128)).hex,
                share_id=share.pk,
                at_ms=int(at.timestamp() * 1000),
                # What a day's salted hash does: the same person is one visitor a day.
                visitor_hash=hashlib.sha256(f"{visitor}|{day}".encode()).hexdigest(),
            )
            if rng.random() >= REPEAT_CHANCE:
                break
            at += timedelta(hours=rng.expovariate(1 / 3))


def build(shares: list[Share], *, rng: random.Random, now: datetime, featured_email: str) -> None:
    clicks_store(
        events=[
            event
            for share in shares
            for event in _visits(
                share, rng=rng, now=now, featured=share.user.email == featured_email
            )
        ]
    )
