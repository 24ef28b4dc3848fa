"""Delivery attempts become a table partitioned by month on started_at (PostgreSQL only; on
SQLite it stays a plain table). Rows, ids, indexes and foreign keys are kept; see
integrations/partitions.py and docs/partitioned-history.md. Django's state is unchanged:
the model keeps `id` as its primary key while the table's is (id, started_at)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

from integrations.partitions import History, convert


def partition(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    convert(schema_editor.connection, History("webhooks_attempt", "started_at"), timezone.now())


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial")]

    # Going back leaves the table partitioned: the earlier model works on it.
    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
