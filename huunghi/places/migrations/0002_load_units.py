"""Load countries, the units before and from 1 July 2025, and the mapping between them.

Kept apart from the schema migration; ``manage.py load_places`` runs the same loader again
(it is idempotent) when the data files change.
"""

from django.db import migrations


def load_units(apps, schema_editor):
    from huunghi.places.services import places_load

    places_load(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_units, migrations.RunPython.noop, elidable=False),
    ]
