"""The call audit becomes a table partitioned by month on created_at (PostgreSQL only; on
SQLite it stays a plain table). Rows, ids, indexes and foreign keys are kept; see
integrations/partitions.py and docs/partitioned-history.md. Django's state is unchanged:
the model keeps `id` as its primary key while the table's is (id, created_at)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

from integrations.partitions import History, convert


def partition(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    convert(
        schema_editor.connection, History("accounting_auditentry", "created_at"), timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [("integrations", "0010_connection_due_sync_index")]

    # Going back leaves the table partitioned: every earlier migration's model works on it.
    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
