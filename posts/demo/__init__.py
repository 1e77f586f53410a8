"""The posts part of ``manage.py demo``: content, feeds and comments, then shares of the
content with their clicks, posts through the demo's connected accounts, then the reach metrics of those shares. Runs after the people
(accounts) and the programme (training).
"""

from posts.demo import comments, content, feeds, metrics, publishing, shares


def build(*, stdout) -> None:
    content.build()
    feeds.build()
    comments.build()
    stdout.write(
        f"Library: {len(content.ITEMS)} approved items, {len(content.IN_REVIEW) + 1} in review, "
        f"{len(content.TOPICS)} topics, 1 feed."
    )
    shares.build(stdout=stdout)
    publishing.build(stdout=stdout)
    metrics.build(stdout=stdout)
