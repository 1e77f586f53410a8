"""Today's item titles and summaries and topic names into the default language's column."""

from django.db import migrations

from ambassador.translated import copy_back_from_translations, copy_into_default_language

TEXTS = {"ContentItem": ("title", "summary"), "Topic": ("name",)}


def forwards(apps, schema_editor):
    for name, fields in TEXTS.items():
        copy_into_default_language(apps.get_model("posts", name), fields)


def backwards(apps, schema_editor):
    for name, fields in TEXTS.items():
        copy_back_from_translations(apps.get_model("posts", name), fields)


class Migration(migrations.Migration):
    dependencies = [("posts", "0009_translated_content")]

    operations = [migrations.RunPython(forwards, backwards)]
