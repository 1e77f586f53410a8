"""On PostgreSQL the audit log refuses UPDATE and DELETE at the database level.

The one exception is Django's ``SET_NULL`` on ``actor`` when a person row goes away: the
rest of the row (including ``actor_label``) stays exactly as written.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (NEW.id, NEW.at, NEW.actor_label, NEW.action, NEW.target_type, NEW.target_id,
            NEW.target_label, NEW.detail::text)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_label, OLD.action, OLD.target_type, OLD.target_id,
            OLD.target_label, OLD.detail::text) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'accounts_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_invitations_domains")]

    operations = [migrations.RunPython(forwards, backwards)]
