"""An event's committee is now committees.Committee: the same table (schools_committee),
so the column and its foreign key stay as they are; only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_initial"),
        ("events", "0007_rsvp_state_before_check_in"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="committee",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="meetings",
                        to="committees.committee",
                        verbose_name="committee",
                    ),
                ),
            ],
        ),
    ]
