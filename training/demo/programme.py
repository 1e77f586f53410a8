"""The demo programme: its mission and caption rules, with the sharing gate and two-person
approval on."""

from __future__ import annotations

from django.utils import timezone

from training.models import PROGRAMME_ID, Programme

MISSION_EN = """\
We want the people who know our work best — you — to be the ones who tell the world about it.

When a hundred of us each share with a hundred followers, we reach ten thousand people who
already trust us, and we do it in our own words. Sharing is voluntary, and what you share is
yours: pick what you care about, say why, and be open that you work here.

This programme gives you approved content worth sharing, clear rules of the road, and short
training so that nobody has to guess. Managers lead by example; everyone can suggest content
and talk about it with colleagues.
"""


MISSION_NB = """\
Vi vil at de som kjenner arbeidet vårt best — dere — skal være de som forteller verden om det.

Når hundre av oss deler med hundre følgere hver, når vi ti tusen mennesker som allerede stoler
på oss, og vi gjør det med egne ord. Deling er frivillig, og det du deler er ditt: velg det du
bryr deg om, si hvorfor, og vær åpen om at du jobber her.

Programmet gir deg godkjent innhold som er verdt å dele, tydelige kjøreregler og korte kurs,
slik at ingen trenger å gjette. Ledere går foran som gode eksempler; alle kan foreslå innhold
og diskutere det med kolleger.
"""


FORBIDDEN = "\n".join(
    ["guaranteed returns", "confidential", "insider", "konfidensielt", "garantert avkastning"]
)


def build() -> None:
    Programme.objects.update_or_create(
        pk=PROGRAMME_ID,
        defaults={
            "mission_en": MISSION_EN,
            "mission_nb": MISSION_NB,
            "sharing_gate_enabled": True,
            "two_person_approval": True,
            "disclosure_en": "#employee",
            "disclosure_nb": "#ansatt",
            "forbidden_phrases": FORBIDDEN,
            "max_hashtags": 3,
            "max_links": 2,
            "updated_at": timezone.now(),
        },
    )
