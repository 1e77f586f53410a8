"""Today's texts into the translation columns, without loss (and back again)."""

from django.db import migrations

from ambassador.translated import copy_back_from_translations, copy_into_default_language

# Texts that had one untranslated column: it moves into the default language's column.
UNTRANSLATED = {
    "Module": ("title", "summary"),
    "Lesson": ("title", "body", "image_alt"),
    "Question": ("text",),
    "Answer": ("text",),
    "GuidelineVersion": ("change_summary",),
}
# Texts that already had a column per language: the new untranslated column (which the
# package keeps as its own) gets the default language's text.
ALREADY_TRANSLATED = {
    "Programme": ("mission", "disclosure"),
    "GuidelineVersion": ("body",),
}


def forwards(apps, schema_editor):
    for name, fields in UNTRANSLATED.items():
        copy_into_default_language(apps.get_model("training", name), fields)
    for name, fields in ALREADY_TRANSLATED.items():
        copy_back_from_translations(apps.get_model("training", name), fields)


def backwards(apps, schema_editor):
    # The untranslated columns get the default language's text (else another language's);
    # the per-language columns that existed before stay as they are.
    for name, fields in UNTRANSLATED.items():
        copy_back_from_translations(apps.get_model("training", name), fields)


class Migration(migrations.Migration):
    dependencies = [("training", "0002_translated_content")]

    operations = [migrations.RunPython(forwards, backwards)]
