"""Reading translated content in templates: ``{% load translated %}``."""

from django import template
from django.utils.html import format_html

from ambassador.translated import (
    fallback_marker_text,
    is_fallback,
    language_name,
    missing_languages,
    shown_language,
    text_in,
)

register = template.Library()


def _marker(language: str) -> str:
    return format_html('<span class="fallback-marker">{}</span>', fallback_marker_text(language))


@register.simple_tag
def translated(obj, field: str):
    """``{% translated item "title" %}``: the text in the reader's language; in another
    language (the default one) when it has no translation yet, marked as such."""
    language = shown_language(obj, field)
    if language is None:
        return ""
    text = text_in(obj, field, language)
    if not is_fallback(obj, field):
        return text  # escaped by the template engine
    return format_html('<span lang="{}">{}</span>{}', language, text, _marker(language))


@register.simple_tag
def fallback_marker(obj, field: str):
    """``{% fallback_marker lesson "body" %}``: only the marker, for texts rendered some
    other way (Markdown); empty when the text is in the reader's language."""
    if not is_fallback(obj, field):
        return ""
    return _marker(shown_language(obj, field))


@register.simple_tag
def fallback_lang(obj, field: str):
    """``lang="en"`` (with a leading space) when ``obj.field`` is shown in another language
    than the reader's, for the element that holds it; else nothing."""
    if not is_fallback(obj, field):
        return ""
    return format_html(' lang="{}"', shown_language(obj, field))


@register.simple_tag
def missing_translations(obj, *fields: str) -> list[str]:
    """``{% missing_translations item "title" "summary" as missing %}``: the names of the
    languages in which any of ``fields`` has no text yet."""
    return [language_name(code) for code in missing_languages(obj, fields)]
