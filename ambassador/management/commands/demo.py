"""``manage.py demo``: the essay's company, idempotent. Each area adds its part in a ``demo`` module."""

from importlib import import_module, util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Order matters: people first, then the programme, then the content, then shares of it.
DEMO_MODULES = [
    "accounts.demo",
    "training.demo",
    "posts.demo",
    "posts.demo_sharing",
    "posts.demo_metrics",
]


class Command(BaseCommand):
    help = "Create or refresh the demo company (about 100 employees, teams, content, training)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on production)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off. Use --force if you really mean it."
            )
        for name in DEMO_MODULES:
            if util.find_spec(name) is None:
                continue
            module = import_module(name)
            with transaction.atomic():
                module.build(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(
            f"Demo logins (password: {settings.DEMO_PASSWORD}): "
            "admin@example.com, manager@example.com, employee@example.com"
        )
