# Written by hand: openquizz.limits' counters and their TTL index.

from django.db import migrations, models

COLLECTION = "openquizz_limits"


def create_ttl_index(apps, schema_editor):
    """Delete a counter once its `expires` has passed (MongoDB's TTL monitor runs every
    minute; readers also ignore expired counters). Idempotent."""
    collection = schema_editor.connection.get_collection(COLLECTION)
    collection.create_index("expires", expireAfterSeconds=0, name="limits_expires")


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Counter",
            fields=[
                ("key", models.CharField(db_column="_id", max_length=300, primary_key=True, serialize=False)),
                ("n", models.PositiveIntegerField(default=0)),
                ("expires", models.DateTimeField()),
            ],
            options={"db_table": COLLECTION},
        ),
        migrations.RunPython(create_ttl_index, migrations.RunPython.noop),
    ]
