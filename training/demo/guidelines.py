"""The demo's two posting guidelines versions (version 2 adds a rule, so the journey shows a
re-acknowledgement)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from training.models import GuidelineVersion

GUIDELINES_V1_EN = """\
## Be yourself, and be open
- Always make clear that you work here. The disclosure tag is added to every caption for you.
- Write in your own words. Say why the post matters to you.

## Keep it to what is public
- Share only approved content and what is already public.
- Never share customer names, prices, numbers or plans that are not published.

## Be kind
- Disagree politely. Do not reply in anger; ask a colleague first if you are unsure.

## LinkedIn
- A short personal introduction works best. Up to three hashtags.

## X and Bluesky
- Keep it short. One link is enough.
"""


GUIDELINES_V1_NB = """\
## Vær deg selv, og vær åpen
- Gjør det alltid klart at du jobber her. Merket for ansatte legges til hver tekst for deg.
- Skriv med egne ord. Si hvorfor innlegget betyr noe for deg.

## Hold deg til det som er offentlig
- Del bare godkjent innhold og det som allerede er offentlig.
- Del aldri kundenavn, priser, tall eller planer som ikke er publisert.

## Vær vennlig
- Si imot på en høflig måte. Ikke svar i sinne; spør en kollega først hvis du er usikker.

## LinkedIn
- En kort, personlig innledning fungerer best. Opptil tre emneknagger.

## X og Bluesky
- Hold det kort. Én lenke er nok.
"""


GUIDELINES_V2_EN = GUIDELINES_V1_EN.replace(
    "## Be kind\n",
    "## Ask before you post about people\n"
    "- Ask colleagues before you tag them or share photos of them.\n\n"
    "## Be kind\n",
).replace("Up to three hashtags.", "Up to three hashtags, and never more than two links.")


GUIDELINES_V2_NB = GUIDELINES_V1_NB.replace(
    "## Vær vennlig\n",
    "## Spør før du skriver om andre\n"
    "- Spør kolleger før du merker dem eller deler bilder av dem.\n\n"
    "## Vær vennlig\n",
).replace("Opptil tre emneknagger.", "Opptil tre emneknagger, og aldri mer enn to lenker.")


def build(admin: User | None) -> tuple[GuidelineVersion, GuidelineVersion]:
    now = timezone.now()
    v1, _ = GuidelineVersion.objects.get_or_create(
        number=1,
        defaults={
            "body_en": GUIDELINES_V1_EN,
            "body_nb": GUIDELINES_V1_NB,
            "change_summary_en": "First version of our posting guidelines.",
            "change_summary_nb": "Første versjon av retningslinjene våre for deling.",
            "published_at": now - dt.timedelta(days=120),
            "published_by": admin,
        },
    )
    v2, _ = GuidelineVersion.objects.get_or_create(
        number=2,
        defaults={
            "body_en": GUIDELINES_V2_EN,
            "body_nb": GUIDELINES_V2_NB,
            "change_summary_en": "Ask before you post about colleagues; at most two links.",
            "change_summary_nb": "Spør før du skriver om kolleger; høyst to lenker.",
            "published_at": now - dt.timedelta(days=3),
            "published_by": admin,
        },
    )
    return v1, v2
