"""Name the site "Ambassador" (allauth puts it in email subjects) at the configured host."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    host = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": host[:100], "name": "Ambassador"}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_append_only"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
