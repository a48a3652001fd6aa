"""StaffRole now belongs to schools (schools 0007 took it over): accounts forgets the model.

State only: the table accounts_staffrole and its rows stay where they are.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_auditevent_rows"),
        ("schools", "0008_staffrole_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StaffRole")],
            database_operations=[],
        ),
    ]
