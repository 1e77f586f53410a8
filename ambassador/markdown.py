"""Markdown rendering with an allowlist sanitiser (nh3): the only way user text becomes HTML."""

from urllib.parse import urlsplit

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# Characters browsers drop from or ignore around a URL ("/\t/evil" is "//evil" to them).
_URL_IGNORED = "".join(chr(c) for c in range(0x21))


def local_url(value: str) -> str | None:
    """``value`` if it is a relative URL on this site (``/media/x.png``, ``x.png``), else
    None: absolute (``https://…``), protocol-relative (``//host``) and backslash tricks."""
    cleaned = "".join(ch for ch in value if ch not in "\t\n\r").strip(_URL_IGNORED)
    if not cleaned or "\\" in cleaned or cleaned.startswith("//"):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return None
    return cleaned


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    # CSP is ``img-src 'self' data:``: a remote image would be blocked (and would tell a
    # third party who read the page), so images may only come from this site.
    if element == "img" and attribute == "src":
        return local_url(value)
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML, safe to put in a template."""
    html = markdown_lib.markdown(
        text or "", extensions=["extra", "sane_lists"], output_format="html"
    )
    return mark_safe(sanitize_html(html))  # noqa: S308 - sanitised by nh3 above
