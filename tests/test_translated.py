"""The one mechanism for translated content: reading with a fallback and its marker, and a
third language added by settings alone."""

import json
import os
import subprocess
import sys

from django.test import override_settings
from django.utils import translation

from ambassador import translated
from ambassador.templatetags.translated import fallback_marker
from ambassador.templatetags.translated import translated as translated_tag
from tests.conftest import ROOT
from training.models import Module

THREE_LANGUAGES = [("en", "English"), ("nb", "Norwegian Bokmål"), ("sv", "Svenska")]


def test_reading_gives_the_readers_language_when_translated():
    module = Module(title_en="Why we share", title_nb="Hvorfor vi deler")
    with translation.override("nb"):
        assert module.title == "Hvorfor vi deler"
        assert translated.shown_language(module, "title") == "nb"
        assert translated_tag(module, "title") == "Hvorfor vi deler"
        assert fallback_marker(module, "title") == ""


def test_reading_falls_back_to_the_default_language_with_a_marker():
    module = Module(title_en="Why we share", title_nb="")
    with translation.override("nb"):
        assert module.title == "Why we share"
        assert translated.is_fallback(module, "title")
        assert translated_tag(module, "title") == (
            '<span lang="en">Why we share</span><span class="fallback-marker">vises på engelsk</span>'
        )


def test_reading_falls_back_to_any_language_when_the_default_has_none():
    module = Module(title_en="", title_nb="Hvorfor vi deler")
    with translation.override("en"):
        assert translated.read(module, "title") == "Hvorfor vi deler"
        assert fallback_marker(module, "title") == (
            '<span class="fallback-marker">shown in Norwegian</span>'
        )


def test_read_in_a_language_other_than_the_active_one():
    module = Module(title_en="Why we share", title_nb="Hvorfor vi deler")
    with translation.override("en"):
        assert translated.read(module, "title", "nb") == "Hvorfor vi deler"


def test_a_regional_variant_reads_its_base_language():
    assert translated.reader_language("nb-no") == "nb"
    assert translated.reader_language("de") == "en"


@override_settings(LANGUAGES=THREE_LANGUAGES)
def test_a_language_without_columns_yet_reads_the_default_with_the_marker():
    """Between the settings change and its migration, a Swedish reader sees the default
    language, marked, instead of an error."""
    module = Module(title_en="Why we share", title_nb="Hvorfor vi deler")
    with translation.override("sv"):
        assert translated.reader_language() == "en"
        assert module.title == "Why we share"
        assert fallback_marker(module, "title") == (
            '<span class="fallback-marker">shown in English</span>'
        )


THIRD_LANGUAGE_CHECK = """
import json
import django
django.setup()
from django.core.management import call_command
from django.utils import translation
from ambassador import translated
from ambassador.templatetags.translated import translated as tag
from training.forms import ModuleForm
from training.models import Module

out = {"languages": translated.content_languages()}
with translation.override("sv"):
    swedish = Module(title_en="Why we share", title_sv="Varför vi delar")
    english = Module(title_en="Why we share")
    out["swedish"] = swedish.title
    out["swedish_tag"] = tag(swedish, "title")
    out["fallback_tag"] = tag(english, "title")
form = ModuleForm()
out["form_fields"] = {
    name: form.fields[name].required for name in ("title_en", "title_nb", "title_sv")
}
out["form_label"] = str(form.fields["title_sv"].label)
print(json.dumps(out))
"""


def _run_with_three_languages(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings_three_languages"}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_third_language_in_settings_reads_and_edits_without_code_changes():
    result = _run_with_three_languages("-c", THIRD_LANGUAGE_CHECK)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["languages"] == ["en", "nb", "sv"]
    assert out["swedish"] == "Varför vi delar"
    assert out["swedish_tag"] == "Varför vi delar"
    assert out["fallback_tag"] == (
        '<span lang="en">Why we share</span><span class="fallback-marker">shown in English</span>'
    )
    assert out["form_fields"] == {"title_en": True, "title_nb": False, "title_sv": False}
    assert out["form_label"] == "Title (Svenska)"


def test_a_third_language_in_settings_needs_only_a_generated_migration():
    result = _run_with_three_languages(
        "manage.py", "makemigrations", "--check", "--dry-run", "--verbosity", "1"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    for change in (
        "Add field title_sv to module",
        "Add field body_sv to guidelineversion",
        "Add field mission_sv to programme",
        "Add field disclosure_sv to programme",
        "Add field text_sv to answer",
        "Add field title_sv to contentitem",
        "Add field name_sv to topic",
        "Add field name_sv to team",
    ):
        assert change in result.stdout
