"""Link previews: title, summary and image of a content item from its page's meta tags.

The fetches happen outside any transaction (through the SSRF-safe ``ambassador.fetch``);
only the write that follows is atomic.
"""

from __future__ import annotations

import logging
from html.parser import HTMLParser
from urllib.parse import urljoin

from django.db import transaction
from django.utils import timezone

from ambassador import fetch as safe_fetch
from posts.models import ContentItem
from posts.services.content import ContentError, content_image_store
from posts.validators import IMAGE_MAX_BYTES, image_problem

logger = logging.getLogger(__name__)


class PreviewTemporaryError(ContentError):
    """The page timed out or answered 5xx: worth another try later."""


class _MetaTags(HTMLParser):
    """Collects <title> and the OpenGraph / Twitter-card / description meta tags."""

    WANTED = {
        "og:title",
        "og:description",
        "og:image",
        "og:image:url",
        "og:image:secure_url",
        "twitter:title",
        "twitter:description",
        "twitter:image",
        "twitter:image:src",
        "description",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
            if key in self.WANTED and key not in self.meta and attrs.get("content"):
                self.meta[key] = attrs["content"].strip()
        elif tag == "title" and not self.title:
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse_link_preview(html: str, *, base_url: str) -> dict[str, str]:
    """title, summary and image URL from a page's meta tags (first found wins)."""
    parser = _MetaTags()
    try:
        parser.feed(html)
        parser.close()
    except Exception:
        logger.info("link preview: unparsable HTML at %s", base_url)
    meta = parser.meta

    def first(*keys):
        return next((meta[k] for k in keys if meta.get(k)), "")

    image = first(
        "og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"
    )
    return {
        "title": (first("og:title", "twitter:title") or " ".join(parser.title.split()))[:300],
        "summary": first("og:description", "twitter:description", "description")[:2000],
        "image_url": urljoin(base_url, image) if image else "",
    }


def content_fill_preview(*, item_id: int, final_attempt: bool = True) -> ContentItem | None:
    """Fetch the item's page and fill title, summary and image where they are empty.

    A timeout or a 5xx raises ``PreviewTemporaryError`` unless ``final_attempt`` (the task
    retries with backoff); anything else (refused address, 404, not HTML) is final.
    """
    item = ContentItem.objects.filter(pk=item_id).first()
    if item is None:
        return None
    try:
        page = safe_fetch.fetch(item.url, accept="text/html,application/xhtml+xml")
        if page.status >= 500 and not final_attempt:
            raise PreviewTemporaryError(f"HTTP {page.status}")
    except safe_fetch.FetchTimeoutError as exc:
        if not final_attempt:
            raise PreviewTemporaryError(str(exc.reason)) from exc
        logger.info("link preview for item %s timed out", item_id)
        ContentItem.objects.filter(pk=item_id).update(preview_fetched_at=timezone.now())
        return item
    except safe_fetch.FetchError as exc:
        logger.info("link preview for item %s failed: %s", item_id, exc.reason)
        ContentItem.objects.filter(pk=item_id).update(preview_fetched_at=timezone.now())
        return item
    found = {"title": "", "summary": "", "image_url": ""}
    if page.status == 200 and "html" in page.content_type:
        found = parse_link_preview(
            page.content.decode(page.charset, errors="replace"), base_url=page.url
        )
    image_data, image_url = None, ""
    if found["image_url"] and not item.image:
        try:
            picture = safe_fetch.fetch(
                found["image_url"], max_bytes=IMAGE_MAX_BYTES, accept="image/*"
            )
            if picture.status == 200 and image_problem(picture.content) is None:
                image_data, image_url = picture.content, picture.url
        except safe_fetch.FetchError as exc:
            logger.info("preview image for item %s failed: %s", item_id, exc.reason)
    with transaction.atomic():
        item = ContentItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            return None
        # Only empty fields: a curator's edit made meanwhile always wins.
        if not item.title and found["title"]:
            item.title = found["title"]
        if not item.summary and found["summary"]:
            item.summary = found["summary"]
        if not item.image and image_data:
            content_image_store(item, image_data, image_url)
        item.preview_fetched_at = timezone.now()
        item.save()
    return item
