"""Seed the redirect benchmark: one item, N shares; write their codes; warm the link cache."""

import sys

import django

django.setup()

from accounts.models import User  # noqa: E402
from ambassador.networks import Network  # noqa: E402
from posts.models import ContentItem, ContentStatus, Share  # noqa: E402
from posts.services.shares import share_code_new  # noqa: E402
from posts.tracked_links import tracked_link_resolve  # noqa: E402


def main(count: int, codes_path: str) -> None:
    user, _ = User.objects.get_or_create(email="bench@example.com")
    item, _ = ContentItem.objects.get_or_create(
        slug="bench-launch",
        defaults={
            "url": "https://www.example.com/news/launch?from=bench",
            "title": "Benchmark launch",
            "status": ContentStatus.APPROVED,
        },
    )
    networks = list(Network.values)
    Share.objects.bulk_create(
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
    codes = list(Share.objects.values_list("code", flat=True))
    for code in codes:
        tracked_link_resolve(code=code)
    with open(codes_path, "w") as out:
        out.write("\n".join(codes) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
