"""On PostgreSQL, the unaccent extension: the chapter and cell pickers match names without
diacritics with ``lower(unaccent(name))`` (members.pickers.Folded). A trusted extension: the
database's owner may create it. SQLite needs nothing (the pickers fold in Python there)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("members", "0012_register_index_covers_search")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
