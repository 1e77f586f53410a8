"""Pure checks shared by the forms and the services of posts: no database, no network.

Each answers with the translated message of what is wrong, or None when all is well, so a
form can show it next to its field and a service can raise it as a domain error.
"""

from __future__ import annotations

import io
from datetime import datetime
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ambassador.networks import CAPTION_LIMITS, Network, caption_length

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
COMMENT_MAX_CHARS = 5000


def content_url_problem(url: str) -> str | None:
    """http(s) only: ``javascript:``, ``data:`` and everything else are refused."""
    parts = urlsplit((url or "").strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return _("URL: enter a web address that starts with https:// or http://.")
    return None


def caption_limit_error(*, network: str, text: str) -> str | None:
    limit = CAPTION_LIMITS[network]
    count = caption_length(network, text)
    if count > limit:
        return _("%(network)s caption: at most %(limit)s characters (this one has %(count)s).") % {
            "network": Network(network).label,
            "limit": limit,
            "count": count,
        }
    return None


def image_size_problem(size: int) -> str | None:
    if size > IMAGE_MAX_BYTES:
        return _("Image: the file is larger than %(size)s MB.") % {
            "size": IMAGE_MAX_BYTES // (1024 * 1024)
        }
    return None


def image_problem(data: bytes) -> str | None:
    """Why ``data`` is not an acceptable image, or None."""
    if problem := image_size_problem(len(data)):
        return problem
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
            kind = img.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _("Image: the file is not a JPEG, PNG, GIF or WebP image.")
    if kind not in IMAGE_FORMATS:
        return _("Image: the file is not a JPEG, PNG, GIF or WebP image.")
    return None


def image_extension(data: bytes) -> str:
    """The file extension of an image ``image_problem`` accepted."""
    with Image.open(io.BytesIO(data)) as img:
        return IMAGE_FORMATS[img.format]


def window_problem(publish_at: datetime | None, expire_at: datetime | None) -> str | None:
    if publish_at and expire_at and expire_at <= publish_at:
        return _("Expire at: must be later than publish at.")
    return None


def comment_problem(body: str) -> str | None:
    body = (body or "").strip()
    if not body:
        return _("Comment: write something first.")
    if len(body) > COMMENT_MAX_CHARS:
        return _("Comment: at most 5,000 characters.")
    return None
