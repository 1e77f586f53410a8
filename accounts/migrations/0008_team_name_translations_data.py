"""Today's team names into the default language's column (and back)."""

from django.db import migrations

from ambassador.translated import copy_back_from_translations, copy_into_default_language


def forwards(apps, schema_editor):
    copy_into_default_language(apps.get_model("accounts", "Team"), ("name",))


def backwards(apps, schema_editor):
    copy_back_from_translations(apps.get_model("accounts", "Team"), ("name",))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_team_name_translations")]

    operations = [migrations.RunPython(forwards, backwards)]
