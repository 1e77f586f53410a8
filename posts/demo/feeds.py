"""Demo feeds: the company newsroom, paused (the demo never fetches it).

Idempotent: keyed by URL and refreshed.
"""

from accounts.models import User
from posts.models import Feed


def build() -> None:
    Feed.objects.update_or_create(
        url="https://example.com/newsroom/feed.xml",
        defaults={
            "name": "Company newsroom",
            "trusted": False,
            "daily_max": 5,
            # Paused until an admin turns it on.
            "is_active": False,
            "created_by": User.objects.filter(email="admin@example.com").first(),
        },
    )
