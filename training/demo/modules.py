"""The demo's three training modules with their lessons and quizzes, in English and Bokmål."""

from __future__ import annotations

from training.models import Answer, Lesson, Module, Question

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


def build() -> list[tuple[Module, list[Lesson], list[Question], list[float]]]:
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
