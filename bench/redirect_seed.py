"""Seed the redirect benchmark: one item, N warm and N cold shares; write their codes.

The warm codes are resolved once here, so their links are cached; the cold codes are not,
so the first hit of each reads the database (bench/redirect's cold run).
"""

import sys

import django

django.setup()

from django.conf import settings  # noqa: E402

from accounts.models import User  # noqa: E402
from ambassador.networks import Network  # noqa: E402
from posts.models import ContentItem, ContentStatus, Share  # noqa: E402
from posts.services.shares import share_code_new  # noqa: E402
from posts.tracked_links import (  # noqa: E402
    TrackedLink,
    destination_with_utm,
    link_cache_key,
    redis_client,
)


def _shares(user, item, count: int) -> list[Share]:
    networks = list(Network.values)
    shares = Share.objects.bulk_create(
        [
            Share(
                user=user,
                item=item,
                network=networks[n % len(networks)],
                caption="Benchmark",
                code=share_code_new(),
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    return shares


def main(count: int, warm_path: str, cold_path: str) -> None:
    user, _ = User.objects.get_or_create(email="bench@example.com")
    item, _ = ContentItem.objects.get_or_create(
        slug="bench-launch",
        defaults={
            "url": "https://www.example.com/news/launch?from=bench",
            "title": "Benchmark launch",
            "status": ContentStatus.APPROVED,
        },
    )
    warm = _shares(user, item, count)
    cold = _shares(user, item, count)
    # Cached exactly as the redirect's first visit would cache each link, in one pipeline.
    pipe = redis_client().pipeline(transaction=False)
    for share in warm:
        link = TrackedLink(
            share_id=share.pk,
            sharer_id=user.pk,
            destination=destination_with_utm(
                url=item.url, network=share.network, campaign=item.slug, share_id=share.pk
            ),
        )
        pipe.set(link_cache_key(share.code), link.pack(), ex=settings.TRACKED_LINK_CACHE_SECONDS)
    pipe.execute()
    for path, shares in ((warm_path, warm), (cold_path, cold)):
        with open(path, "w") as out:
            out.write("\n".join(share.code for share in shares) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
