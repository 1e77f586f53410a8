"""Numbers on the metrics pages: formatted, labelled with their definition, never a fake 0."""

import html
from decimal import Decimal
from functools import lru_cache

from django import template
from django.utils import formats, numberformat
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from posts.metrics_definitions import BY_KEY
from posts.metrics_tables import CHANGE, DATE, MONEY, NULLABLE, PERCENT, TEXT
from posts.selectors.calculator import reach_calculator
from posts.selectors.metrics import home_summary

register = template.Library()


@lru_cache(maxsize=16)
def _separators(language: str) -> tuple[str, str, int]:
    return (
        formats.get_format("DECIMAL_SEPARATOR", language),
        formats.get_format("THOUSAND_SEPARATOR", language),
        formats.get_format("NUMBER_GROUPING", language),
    )


def _number(value, decimals=None, language: str | None = None) -> str:
    decimal_sep, thousand_sep, grouping = _separators(language or get_language() or "en")
    return numberformat.format(
        value,
        decimal_sep,
        decimal_pos=decimals,
        grouping=grouping,
        thousand_sep=thousand_sep,
        force_grouping=True,
    )


@lru_cache(maxsize=64)
def _tooltip(language: str, key: str, is_change: bool) -> str:
    """The escaped ``title`` and ``aria-describedby`` of a number (per language and figure)."""
    definition = BY_KEY[key]
    title = (
        _("Change against the previous period of the same length")
        if is_change
        else str(definition.text)
    )
    return f' title="{escape(title)}" aria-describedby="{definition.anchor}"'


@lru_cache(maxsize=16)
def _not_reported(language: str) -> str:
    return _("not reported")


def _formatted(value, kind: str, currency: str, language: str) -> str:
    if kind == TEXT:
        return str(value)
    if kind == DATE:
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if kind == CHANGE:
        if value is None:
            return "—"
        sign = "+" if value > 0 else ("−" if value < 0 else "±")  # noqa: RUF001
        return f"{sign}{_number(abs(value), 1, language)} %"
    if value is None:
        return _not_reported(language) if kind == NULLABLE else "—"
    if kind == PERCENT:
        return f"{_number(value, 1, language)} %"
    if kind == MONEY:
        return f"{_number(Decimal(value).quantize(Decimal('1')), 0, language)} {currency}".strip()
    return _number(value, None, language)


def _render(value, kind: str, key: str, currency: str = "", language: str | None = None):
    language = language or get_language() or "en"
    text = _formatted(value, kind, currency, language)
    definition = BY_KEY.get(key)
    css = "metric-value"
    if value is None and kind in (NULLABLE, CHANGE, PERCENT, MONEY):
        css += " not-reported"
    if kind == CHANGE and value is not None:
        css += " change-up" if value > 0 else (" change-down" if value < 0 else "")
    if definition is None or kind == TEXT:
        return format_html('<span class="{}">{}</span>', css, text)
    tooltip = _tooltip(language, key, kind == CHANGE)
    # The standard library's escape: Django's wraps it for lazy strings, which cost more
    # than the escaping itself over a page of numbers.
    return mark_safe(f'<span class="{css}"{tooltip}>{html.escape(text)}</span>')  # noqa: S308


@register.simple_tag
def cell(c, language: str | None = None):
    """One table cell's content: its number with the definition as tooltip."""
    if c.url:
        return format_html('<a href="{}">{}</a>', c.url, c.value)
    return _render(c.value, c.kind, c.key, c.currency, language)


@register.simple_tag
def metrics_table(table, export_url: str = ""):
    """A whole metrics table (the same one its CSV is written from), built here rather than
    in a template loop: a dashboard has about a thousand cells, and the template engine's
    per-cell cost was half of the page's time."""
    language = get_language() or "en"
    parts = [
        '<div class="table-scroll">\n<table class="metrics-table" id="table-',
        escape(table.name),
        '">\n  <caption>',
        escape(table.caption),
    ]
    if export_url:
        parts += [
            ' <a class="button-small button-secondary csv-link" href="',
            escape(export_url),
            '" download>',
            escape(_("Download CSV")),
            "</a>",
        ]
    parts.append("</caption>\n  <thead>\n    <tr>")
    for column in table.columns:
        css = ' class="num"' if column.numeric else ""
        parts.append(f'<th scope="col"{css}>{escape(column.label)}</th>')
    parts.append("</tr>\n  </thead>\n  <tbody>\n")
    for row in table.rows:
        parts.append("      <tr>")
        for index, c in enumerate(row):
            if index == 0:
                parts.append(f'<th scope="row">{cell(c, language)}</th>')
            else:
                parts.append(
                    f'<td class="num">{cell(c, language)}</td>'
                    if c.numeric
                    else f"<td>{cell(c, language)}</td>"
                )
        parts.append("</tr>\n")
    if not table.rows:
        nothing = escape(_("Nothing in this period."))
        parts.append(
            f'      <tr><td colspan="{len(table.columns)}" class="muted">{nothing}</td></tr>\n'
        )
    parts.append("  </tbody>\n</table>\n</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def metric(value, key: str, kind: str = "int", currency: str = ""):
    """A figure outside a table (summary cards)."""
    return _render(value, kind, key, currency)


@register.simple_tag
def change(value):
    return _render(None if value is None else round(value, 1), CHANGE, "period")


@register.inclusion_tag("posts/metrics/_home_card.html", takes_context=True)
def metrics_home_card(context):
    """The home page's reach card: the dashboard's headline for managers and admins, and
    the person's own reach for everyone else."""
    request = context["request"]
    keys = ("shares_intent", "potential_reach", "clicks", "participation", "period")
    return {
        # The request's access is read once and shared with the navigation.
        "summary": home_summary(viewer=request.user),
        "definitions": [BY_KEY[key] for key in keys],
        "request": request,
    }


@register.inclusion_tag("posts/metrics/_calculator_card.html")
def metrics_calculator_card():
    """The reach calculator for the programme page, from the programme's real numbers."""
    return {"calculator": reach_calculator(), "with_stylesheet": True}
