import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """SyncRun and AuditEntry now belong to integrations (its migration 0005 takes them
    over with their tables); here they leave accounting's state, and nothing is dropped."""

    dependencies = [
        ("accounting", "0006_remote_choices"),
        ("integrations", "0005_sync_runs_and_call_audit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="review",
                    name="run",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="integrations.syncrun",
                    ),
                ),
                migrations.DeleteModel(name="AuditEntry"),
                migrations.DeleteModel(name="SyncRun"),
            ],
            database_operations=[],
        ),
    ]
