"""``manage.py metrics_rebuild --from 2026-01-01 --to 2026-03-31``: recompute the rollups."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from posts.services.metrics import MetricsError, metrics_rebuild, programme_day


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Recompute every metrics rollup row of a date range (days in the programme's time "
        "zone) from the click totals and engagement readings. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument(
            "--to", dest="last", help="last day, YYYY-MM-DD (default: today in the programme)"
        )

    def handle(self, *args, first: str, last: str | None = None, **options):
        first_day = _day(first)
        last_day = _day(last) if last else programme_day(timezone.now())
        try:
            result = metrics_rebuild(first=first_day, last=last_day)
        except MetricsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Rebuilt {len(result.days)} days: {result.share_days} share days, "
            f"{result.new_shares} new shares."
        )
