"""The demo company reads in both languages: every text the employee journey shows has an
English and a Norwegian version."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from posts.models import ContentItem, Topic
from training.models import Answer, GuidelineVersion, Lesson, Module, Programme, Question

TRANSLATED = [
    (ContentItem, ("title", "summary")),
    (Topic, ("name",)),
    (Module, ("title", "summary")),
    (Lesson, ("title", "body")),
    (Question, ("text",)),
    (Answer, ("text",)),
    (GuidelineVersion, ("body", "change_summary")),
    (Programme, ("mission", "disclosure")),
]


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # the demo refuses to run without it
    call_command("demo", stdout=StringIO())


def test_demo_writes_every_text_in_english_and_norwegian(demo):
    untranslated = {}
    for model, fields in TRANSLATED:
        assert model.objects.exists(), model
        for field in fields:
            for language in ("en", "nb"):
                column = f"{field}_{language}"
                empty = model.objects.filter(Q(**{f"{column}__isnull": True}) | Q(**{column: ""}))
                if empty.exists():
                    untranslated[f"{model.__name__}.{column}"] = list(
                        empty.values_list("pk", flat=True)
                    )
    assert untranslated == {}


def test_demo_texts_differ_between_the_languages(demo):
    module = Module.objects.get(title_en="Our posting guidelines")
    assert module.title_nb == "Retningslinjene våre for deling"
    item = ContentItem.objects.get(slug="hiring-backend")
    assert (item.title_en, item.title_nb) == (
        "We are hiring backend developers",
        "Vi ansetter backend-utviklere",
    )
