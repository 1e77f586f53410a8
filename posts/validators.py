"""Pure checks shared by the forms and the services of posts: no database, no network.

Each answers with the translated message of what is wrong, or None when all is well, so a
form can show it next to its field and a service can raise it as a domain error.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
COMMENT_MAX_CHARS = 5000


def content_url_problem(url: str) -> str | None:
    """http(s) only: ``javascript:``, ``data:`` and everything else are refused, and so is an
    address that does not parse (a malformed bracketed host such as ``http://[::1``, a port
    out of range) or that has blanks or control characters inside."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        return _("URL: this web address is malformed; check the part after https://.")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return _("URL: enter a web address that starts with https:// or http://.")
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        return _("URL: a web address cannot contain spaces or control characters.")
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
