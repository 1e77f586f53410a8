"""Demo programme: mission, two guidelines versions, caption rules, three modules, progress.

Idempotent: content is created once and found again by its natural key; generated progress
is only added the first time. ``employee@example.com`` is put back at the start of the
journey every run: version 1 acknowledged, version 2 not, required modules not completed.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Max
from django.utils import timezone

from accounts.models import TeamMembership, User
from training.models import (
    PROGRAMME_ID,
    Answer,
    Completion,
    GuidelineAcknowledgement,
    GuidelineVersion,
    Lesson,
    LessonRead,
    Module,
    Programme,
    Question,
    QuestionResult,
    QuizAttempt,
    new_verification_code,
)

JOURNEY_EMAIL = "employee@example.com"

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

FORBIDDEN = "\n".join(
    ["guaranteed returns", "confidential", "insider", "konfidensielt", "garantert avkastning"]
)

# Every text is a pair (English, Norwegian Bokmål).
# (title, summary, audience, required, due days, lessons [(title, body)], questions
#  [(text, kind, [(answer, correct)])], per-question failure rate)
MODULES = [
    (
        ("Why be an ambassador", "Hvorfor bli ambassadør"),
        (
            "What the programme is for, and what is in it for you.",
            "Hva programmet er til for, og hva du får ut av det.",
        ),
        Module.Audience.EVERYONE,
        False,
        None,
        [
            (
                ("100 \u00d7 100", "100 \u00d7 100"),
                (
                    "A hundred colleagues with a hundred followers each reach **ten thousand** "
                    "people — people who trust them more than they trust an advert.",
                    "Hundre kolleger med hundre følgere hver når **ti tusen** mennesker — "
                    "mennesker som stoler mer på dem enn på en annonse.",
                ),
            ),
            (
                ("Your voice, your choice", "Din stemme, ditt valg"),
                (
                    "Sharing is voluntary. Pick what you care about and say why in your own words.",
                    "Det er frivillig å dele. Velg det du bryr deg om, og si hvorfor med dine "
                    "egne ord.",
                ),
            ),
        ],
        [
            (
                (
                    "How many people can 100 colleagues with 100 followers each reach?",
                    "Hvor mange kan 100 kolleger med 100 følgere hver nå ut til?",
                ),
                Question.Kind.SINGLE,
                [
                    (("About 1,000", "Rundt 1 000"), False),
                    (("About 10,000", "Rundt 10 000"), True),
                    (("About 100", "Rundt 100"), False),
                ],
            ),
            (
                (
                    "Which of these make a share work well? (Choose all that apply.)",
                    "Hva får en deling til å fungere godt? (Velg alle som passer.)",
                ),
                Question.Kind.MULTIPLE,
                [
                    (("A sentence in your own words", "En setning med dine egne ord"), True),
                    (("Being open that you work here", "At du er åpen om at du jobber her"), True),
                    (
                        (
                            "Copying the company's press release word for word",
                            "Å kopiere pressemeldingen ord for ord",
                        ),
                        False,
                    ),
                ],
            ),
        ],
        [0.15, 0.35],
    ),
    (
        ("Our posting guidelines", "Retningslinjene våre for deling"),
        (
            "The rules of the road, in ten minutes. Required for everyone who shares.",
            "Kjørereglene på ti minutter. Obligatorisk for alle som deler.",
        ),
        Module.Audience.EVERYONE,
        True,
        30,
        [
            (
                ("Be open", "Vær åpen"),
                (
                    "Always make clear that you work here. The disclosure tag (`#employee` or "
                    "`#ansatt`) is added to every caption for you, and cannot be removed.",
                    "Gjør det alltid tydelig at du jobber her. Merkingen (`#ansatt` eller "
                    "`#employee`) legges til hver tekst for deg, og kan ikke fjernes.",
                ),
            ),
            (
                ("Public things only", "Bare det som er offentlig"),
                (
                    "Share approved content and what is already public. Never customer names, "
                    "prices or plans that are not published.",
                    "Del godkjent innhold og det som allerede er offentlig. Aldri kundenavn, "
                    "priser eller planer som ikke er publisert.",
                ),
            ),
            (
                ("When someone disagrees", "Når noen er uenige"),
                (
                    "Stay polite, do not reply in anger, and ask a colleague when unsure.",
                    "Vær høflig, ikke svar i sinne, og spør en kollega når du er usikker.",
                ),
            ),
        ],
        [
            (
                (
                    "Can you remove the disclosure tag from a caption?",
                    "Kan du fjerne merkingen fra en tekst?",
                ),
                Question.Kind.SINGLE,
                [
                    (("Yes, if the caption is too long", "Ja, hvis teksten blir for lang"), False),
                    (("No, it is always added", "Nei, den legges alltid til"), True),
                ],
            ),
            (
                (
                    "Which of these may you share? (Choose all that apply.)",
                    "Hva av dette kan du dele? (Velg alle som passer.)",
                ),
                Question.Kind.MULTIPLE,
                [
                    (
                        (
                            "An approved article from the library",
                            "En godkjent artikkel fra biblioteket",
                        ),
                        True,
                    ),
                    (("A published press release", "En publisert pressemelding"), True),
                    (
                        (
                            "Next quarter's unpublished prices",
                            "Upubliserte priser for neste kvartal",
                        ),
                        False,
                    ),
                    (
                        (
                            "The name of a customer in negotiation",
                            "Navnet på en kunde vi forhandler med",
                        ),
                        False,
                    ),
                ],
            ),
            (
                (
                    "Someone replies angrily to your post. What do you do?",
                    "Noen svarer sint på innlegget ditt. Hva gjør du?",
                ),
                Question.Kind.SINGLE,
                [
                    (
                        (
                            "Answer politely, or ask a colleague first",
                            "Svarer høflig, eller spør en kollega først",
                        ),
                        True,
                    ),
                    (("Answer just as sharply", "Svarer like skarpt tilbake"), False),
                    (("Delete your account", "Sletter kontoen din"), False),
                ],
            ),
        ],
        [0.1, 0.45, 0.2],
    ),
    (
        ("Leading by example", "Gå foran som et godt eksempel"),
        (
            "For managers: how to make sharing safe and normal in your team.",
            "For ledere: slik gjør du deling trygt og naturlig i teamet ditt.",
        ),
        Module.Audience.MANAGERS,
        False,
        None,
        [
            (
                ("Go first", "Gå først"),
                (
                    "People follow what their manager does. Share something yourself every month.",
                    "Folk gjør som lederen sin. Del noe selv hver måned.",
                ),
            ),
            (
                ("Make it safe", "Gjør det trygt"),
                (
                    "Praise good shares in public, and correct mistakes in private and kindly.",
                    "Ros gode delinger åpent, og rett opp feil på tomannshånd og vennlig.",
                ),
            ),
        ],
        [
            (
                (
                    "A team member makes a small mistake in a post. What do you do?",
                    "Noen i teamet gjør en liten feil i et innlegg. Hva gjør du?",
                ),
                Question.Kind.SINGLE,
                [
                    (
                        (
                            "Talk to them privately and kindly",
                            "Tar det opp med dem på tomannshånd, vennlig",
                        ),
                        True,
                    ),
                    (
                        ("Point it out in the team channel", "Påpeker det i teamkanalen"),
                        False,
                    ),
                ],
            ),
            (
                (
                    "What helps a team start sharing? (Choose all that apply.)",
                    "Hva hjelper et team i gang med å dele? (Velg alle som passer.)",
                ),
                Question.Kind.MULTIPLE,
                [
                    (("The manager shares too", "Lederen deler selv også"), True),
                    (("Good shares are noticed", "Gode delinger blir lagt merke til"), True),
                    (("Sharing is made mandatory", "Deling blir gjort obligatorisk"), False),
                ],
            ),
        ],
        [0.1, 0.3],
    ),
]


def _pair(field: str, texts: tuple[str, str]) -> dict[str, str]:
    """``texts`` (English, Norwegian) as the columns of ``field``."""
    english, norwegian = texts
    return {f"{field}_en": english, f"{field}_nb": norwegian}


def _fill(obj, **columns: str) -> None:
    """Give ``obj`` the demo's texts where its columns are still empty (older demo data)."""
    changed = [name for name, text in columns.items() if not getattr(obj, name)]
    for name in changed:
        setattr(obj, name, columns[name])
    if changed:
        obj.save(update_fields=changed)


def _programme() -> None:
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


def _guidelines(admin: User | None) -> tuple[GuidelineVersion, GuidelineVersion]:
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


def _modules() -> list[tuple[Module, list[Lesson], list[Question], list[float]]]:
    result = []
    for position, (title, summary, audience, required, due, lessons, questions, rates) in enumerate(
        MODULES, start=1
    ):
        module, _created = Module.objects.get_or_create(
            title_en=title[0],
            defaults={
                **_pair("title", title),
                **_pair("summary", summary),
                "audience": audience,
                "is_required": required,
                "due_days_after_joining": due,
                "is_published": True,
                "position": position,
                "pass_mark": 80,
            },
        )
        _fill(module, **_pair("title", title), **_pair("summary", summary))
        if not module.lessons.exists():
            Lesson.objects.bulk_create(
                [
                    Lesson(module=module, position=i, **_pair("title", t), **_pair("body", b))
                    for i, (t, b) in enumerate(lessons, start=1)
                ]
            )
        for lesson, (t, b) in zip(module.lessons.order_by("position"), lessons, strict=False):
            _fill(lesson, **_pair("title", t), **_pair("body", b))
        if not module.questions.exists():
            for i, (text, kind, answers) in enumerate(questions, start=1):
                question = Question.objects.create(
                    module=module, position=i, kind=kind, **_pair("text", text)
                )
                Answer.objects.bulk_create(
                    [
                        Answer(question=question, is_correct=ok, **_pair("text", a))
                        for a, ok in answers
                    ]
                )
        for question, (text, _kind, answers) in zip(
            module.questions.order_by("position"), questions, strict=False
        ):
            _fill(question, **_pair("text", text))
            for answer, (a, _ok) in zip(question.answers.order_by("id"), answers, strict=False):
                _fill(answer, **_pair("text", a))
        result.append(
            (
                module,
                list(module.lessons.order_by("position")),
                list(module.questions.order_by("position")),
                rates,
            )
        )
    return result


def _progress(rng, people, managers, v1, v2, modules) -> int:
    now = timezone.now()
    acks, reads, completions, attempts, outcomes = [], [], [], [], []
    for user in people:
        if rng.random() < 0.85:
            acks.append(
                GuidelineAcknowledgement(
                    user=user, version=v1, acknowledged_at=v1.published_at + dt.timedelta(days=5)
                )
            )
            if rng.random() < 0.55:
                acks.append(
                    GuidelineAcknowledgement(
                        user=user, version=v2, acknowledged_at=now - dt.timedelta(days=1)
                    )
                )
        for module, lessons, questions, rates in modules:
            if module.audience == Module.Audience.MANAGERS and user.pk not in managers:
                continue
            roll = rng.random()
            if roll < 0.3:
                continue  # not started
            read_count = len(lessons) if roll > 0.45 else rng.randint(1, len(lessons))
            reads += [LessonRead(user=user, lesson=lesson) for lesson in lessons[:read_count]]
            if read_count < len(lessons):
                continue
            when = now - dt.timedelta(days=rng.randint(4, 90))
            tries = 2 if rng.random() < 0.3 else 1
            for attempt_index in range(tries):
                passed = attempt_index == tries - 1
                correct = [passed or rng.random() > rate * 2 for rate in rates]
                if not passed and all(correct):
                    correct[0] = False
                score = sum(correct) * 100 // len(questions)
                attempts.append(
                    QuizAttempt(user=user, module=module, score=score, passed=passed,
                                created_at=when)
                )  # fmt: skip
                outcomes.append(list(zip(questions, correct, strict=True)))
            completions.append(
                Completion(
                    user=user, module=module, completed_at=when, code=new_verification_code()
                )
            )
    GuidelineAcknowledgement.objects.bulk_create(acks, ignore_conflicts=True)
    LessonRead.objects.bulk_create(reads, ignore_conflicts=True)
    saved = QuizAttempt.objects.bulk_create(attempts)
    QuestionResult.objects.bulk_create(
        [
            QuestionResult(attempt=attempt, question=question, correct=ok)
            for attempt, pairs in zip(saved, outcomes, strict=True)
            for question, ok in pairs
        ]
    )
    Completion.objects.bulk_create(completions, ignore_conflicts=True)
    return len(completions)


def _reset_journey(v1, v2, modules) -> None:
    user = User.objects.filter(email=JOURNEY_EMAIL).first()
    if user is None:
        return
    GuidelineAcknowledgement.objects.filter(user=user, version=v2).delete()
    GuidelineAcknowledgement.objects.get_or_create(
        user=user, version=v1, defaults={"acknowledged_at": v1.published_at + dt.timedelta(days=2)}
    )
    required = [m for m, _l, _q, _r in modules if m.is_required]
    Completion.objects.filter(user=user, module__in=required).delete()
    QuizAttempt.objects.filter(user=user, module__in=required).delete()
    LessonRead.objects.filter(user=user, lesson__module__in=required).delete()


def build(*, stdout) -> None:
    rng = random.Random(2026)
    admin = User.objects.filter(is_admin=True).order_by("pk").first()
    _programme()
    v1, v2 = _guidelines(admin)
    modules = _modules()
    generated = 0
    if not Completion.objects.filter(module__in=[m for m, *_ in modules]).exists():
        people = list(User.objects.active().exclude(email=JOURNEY_EMAIL).order_by("email"))
        managers = set(
            TeamMembership.objects.filter(is_manager=True).values_list("user_id", flat=True)
        ) | {u.pk for u in people if u.is_admin}
        generated = _progress(rng, people, managers, v1, v2, modules)
    _reset_journey(v1, v2, modules)
    latest = GuidelineVersion.objects.aggregate(n=Max("number"))["n"]
    stdout.write(
        f"Programme: guidelines v{latest}, {len(modules)} modules, "
        f"{generated} completions added; sharing gate on."
    )
