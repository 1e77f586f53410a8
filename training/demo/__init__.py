"""The training part of ``manage.py demo``: the programme (mission, caption rules), two
guidelines versions, three modules, and generated progress.

Idempotent: content is created once and found again by its natural key; generated progress
is only added the first time. ``employee@example.com`` is put back at the start of the
journey every run: version 1 acknowledged, version 2 not, required modules not completed.
"""

import random

from django.db.models import Max

from accounts.models import TeamMembership, User
from training.demo import guidelines, modules, programme, progress
from training.models import Completion, GuidelineVersion


def build(*, stdout) -> None:
    rng = random.Random(2026)
    admin = User.objects.filter(is_admin=True).order_by("pk").first()
    programme.build()
    v1, v2 = guidelines.build(admin)
    built = modules.build()
    generated = 0
    if not Completion.objects.filter(module__in=[m for m, *_ in built]).exists():
        people = list(User.objects.active().exclude(email=progress.JOURNEY_EMAIL).order_by("email"))
        managers = set(
            TeamMembership.objects.filter(is_manager=True).values_list("user_id", flat=True)
        ) | {u.pk for u in people if u.is_admin}
        generated = progress.progress_generate(rng, people, managers, v1, v2, built)
    progress.journey_reset(v1, v2, built)
    latest = GuidelineVersion.objects.aggregate(n=Max("number"))["n"]
    stdout.write(
        f"Programme: guidelines v{latest}, {len(built)} modules, "
        f"{generated} completions added; sharing gate on."
    )
