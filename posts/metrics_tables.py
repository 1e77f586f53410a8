"""The tables of the metrics pages, built once and both rendered and downloaded as CSV.

A page's table and its CSV come from the same ``Table``: the download has exactly the
numbers on the page (percentages and money rounded the same way).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from posts.metrics_definitions import BY_KEY
from posts.selectors.metrics import Dashboard, Figures, PersonReach, ShareLine

TEXT, INT, NULLABLE, PERCENT, MONEY, DATE, CHANGE = (
    "text",
    "int",
    "nullable",
    "percent",
    "money",
    "date",
    "change",
)


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str = INT
    key: str = ""  # the definition behind the number (its tooltip)
    currency: str = ""
    url: str = ""  # a text cell that links somewhere (a person's own figures)

    @property
    def csv_value(self):
        if isinstance(self.value, dt.date):
            return self.value.isoformat()
        return self.value

    @property
    def definition(self):
        return BY_KEY.get(self.key)

    @property
    def numeric(self) -> bool:
        return self.kind not in (TEXT, DATE)


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = True


@dataclass
class Table:
    name: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)

    @property
    def csv_header(self) -> list[str]:
        return [c.label for c in self.columns]

    @property
    def csv_rows(self) -> list[list]:
        return [[cell.csv_value for cell in row] for row in self.rows]


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _figure_cells(f: Figures, *, impressions: bool = False) -> list[Cell]:
    cells = [
        Cell(f.shares_posted, key="shares_posted"),
        Cell(f.shares_intent, key="shares_intent"),
        Cell(f.potential_reach, key="potential_reach"),
        Cell(f.clicks, key="clicks"),
        Cell(f.unique_visitors, key="unique_visitors"),
        Cell(f.engagement, NULLABLE, key="engagement"),
    ]
    if impressions:
        cells.append(Cell(f.impressions, NULLABLE, key="impressions"))
    return cells


def _figure_columns(*, impressions: bool = False) -> list[Column]:
    columns = [
        Column(_("Shares posted")),
        Column(_("Intents opened")),
        Column(_("Potential reach")),
        Column(_("Clicks")),
        Column(_("Unique visitors")),
        Column(_("Engagement")),
    ]
    if impressions:
        columns.append(Column(_("Impressions (measured)")))
    return columns


def summary_table(dash: Dashboard | PersonReach, *, with_people: bool = True) -> Table:
    cur, prev, changes = dash.current, dash.previous, dash.changes
    table = Table(
        name="summary",
        caption=_("Summary, compared with the previous period"),
        columns=[
            Column(_("Figure"), numeric=False),
            Column(_("This period")),
            Column(_("Previous period")),
            Column(_("Change (%)")),
        ],
    )

    def row(key: str, label: str, current, previous, kind: str = INT, change_key: str = ""):
        table.rows.append(
            [
                Cell(label, TEXT, key=key),
                Cell(current, kind, key=key),
                Cell(previous, kind, key=key),
                Cell(rounded(changes.get(change_key or key)), CHANGE, key="period"),
            ]
        )

    row("shares_posted", _("Shares posted"), cur.shares_posted, prev.shares_posted)
    row("shares_intent", _("Intents opened"), cur.shares_intent, prev.shares_intent)
    row("potential_reach", _("Potential reach"), cur.potential_reach, prev.potential_reach)
    row("clicks", _("Clicks"), cur.clicks, prev.clicks)
    row("unique_visitors", _("Unique visitors"), cur.unique_visitors, prev.unique_visitors)
    row("engagement", _("Engagement"), cur.engagement, prev.engagement, NULLABLE)
    row("impressions", _("Impressions (measured)"), cur.impressions, prev.impressions, NULLABLE)
    if with_people:
        row("participation", _("People who shared"), cur.sharers, prev.sharers, INT, "sharers")
        row("participation", _("People in scope"), cur.people, prev.people, INT, "people")
        row(
            "participation",
            _("Participation (%)"),
            rounded(cur.participation),
            rounded(prev.participation),
            PERCENT,
        )
    for currency in sorted((cur.emv or {}) | (prev.emv or {})):
        label = _("Earned media value (%(currency)s)") % {"currency": currency}
        table.rows.append(
            [
                Cell(label, TEXT, key="emv"),
                Cell((cur.emv or {}).get(currency), MONEY, key="emv", currency=currency),
                Cell((prev.emv or {}).get(currency), MONEY, key="emv", currency=currency),
                Cell(rounded(changes.get(f"emv_{currency}")), CHANGE, key="period"),
            ]
        )
    return table


def weeks_table(dash: Dashboard | PersonReach) -> Table:
    table = Table(
        name="weeks",
        caption=_("By week"),
        columns=[
            Column(_("From"), numeric=False),
            Column(_("To"), numeric=False),
            *_figure_columns(),
        ],
    )
    for week in dash.weeks:
        table.rows.append(
            [Cell(week.start, DATE), Cell(week.end, DATE), *_figure_cells(week.figures)]
        )
    return table


def networks_table(dash: Dashboard) -> Table:
    currencies = sorted(dash.current.emv or {})
    table = Table(
        name="networks",
        caption=_("By network"),
        columns=[
            Column(_("Network"), numeric=False),
            *_figure_columns(impressions=True),
            *[Column(_("Earned media value (%(currency)s)") % {"currency": c}) for c in currencies],
        ],
    )
    for network in dash.networks:
        f = network.figures
        table.rows.append(
            [
                Cell(network.label, TEXT),
                *_figure_cells(f, impressions=True),
                *[Cell((f.emv or {}).get(c), MONEY, key="emv", currency=c) for c in currencies],
            ]
        )
    return table


def teams_table(dash: Dashboard) -> Table:
    table = Table(
        name="teams",
        caption=_("By team"),
        columns=[
            Column(_("Team"), numeric=False),
            Column(_("Shown with it"), numeric=False),
            Column(_("People")),
            *_figure_columns(),
        ],
    )
    for group in dash.teams:
        table.rows.append(
            [
                Cell(group.name, TEXT, key="team"),
                Cell(", ".join(group.merged), TEXT, key="team"),
                Cell(group.people, key="participation"),
                *_figure_cells(group.figures),
            ]
        )
    return table


def content_table(dash: Dashboard) -> Table:
    table = Table(
        name="content",
        caption=_("Top content"),
        columns=[Column(_("Content"), numeric=False), *_figure_columns()],
    )
    for row in dash.content:
        table.rows.append([Cell(row.title, TEXT), *_figure_cells(row.figures)])
    return table


def people_table(dash: Dashboard) -> Table:
    table = Table(
        name="people",
        caption=_("People who opted in to show their figures"),
        columns=[Column(_("Person"), numeric=False), *_figure_columns()],
    )
    for row in dash.people:
        url = reverse("metrics:person", args=[row.user_id])
        table.rows.append([Cell(row.name, TEXT, url=url), *_figure_cells(row.figures)])
    return table


def shares_table(lines: list[ShareLine], *, caption: str = "") -> Table:
    """The shares behind the figures: their columns add up to the summary."""
    table = Table(
        name="shares",
        caption=caption or _("The shares behind these figures"),
        columns=[
            Column(_("Shared on"), numeric=False),
            Column(_("Team"), numeric=False),
            Column(_("Network"), numeric=False),
            Column(_("Posted or intent"), numeric=False),
            Column(_("Followers at share time")),
            Column(_("Shares posted")),
            Column(_("Intents opened")),
            Column(_("Potential reach")),
            Column(_("Clicks")),
            Column(_("Unique visitors")),
            Column(_("Engagement")),
            Column(_("Impressions (measured)")),
            Column(_("Person (if they opted in)"), numeric=False),
            Column(_("Content"), numeric=False),
        ],
    )
    for line in lines:
        posted = line.kind == "POSTED"
        in_period = 1 if line.in_period else 0
        table.rows.append(
            [
                Cell(line.shared_on, DATE),
                Cell(line.team, TEXT, key="team"),
                Cell(line.network, TEXT),
                Cell(_("posted") if posted else _("intent"), TEXT),
                Cell(line.followers, key="potential_reach"),
                Cell(in_period if posted else 0, key="shares_posted"),
                Cell(0 if posted else in_period, key="shares_intent"),
                Cell(line.potential_reach, key="potential_reach"),
                Cell(line.clicks, key="clicks"),
                Cell(line.unique_visitors, key="unique_visitors"),
                Cell(line.engagement, NULLABLE, key="engagement"),
                Cell(line.impressions, NULLABLE, key="impressions"),
                Cell(line.person, TEXT),
                Cell(line.item, TEXT),
            ]
        )
    return table


def dashboard_tables(dash: Dashboard) -> dict[str, Table]:
    return {
        "summary": summary_table(dash),
        "weeks": weeks_table(dash),
        "networks": networks_table(dash),
        "teams": teams_table(dash),
        "content": content_table(dash),
        "people": people_table(dash),
    }


def person_tables(reach: PersonReach) -> dict[str, Table]:
    return {
        "summary": summary_table(reach, with_people=False),
        "weeks": weeks_table(reach),
        "shares": shares_table(reach.shares, caption=_("Your shares in this period")),
    }
