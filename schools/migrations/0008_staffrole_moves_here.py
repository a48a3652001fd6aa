"""StaffRole moves from accounts to schools: the model only, not the table.

The table keeps its name (accounts_staffrole), its rows, indexes and constraints: both
steps are state-only, so no SQL runs (`sqlmigrate schools 0007` shows no CREATE TABLE).
accounts 0004 forgets the model after this one has taken it over. The content type moves
too, so permissions and admin history given for staff roles stay attached.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="accounts", new="schools"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=new, model="staffrole").exists():
        types.filter(app_label=old, model="staffrole").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="schools", new="accounts")


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0007_committees_move_to_their_own_app"),
        ("accounts", "0003_auditevent_rows"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffRole",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("school_staff", "School staff"),
                                    ("front_desk", "Front desk"),
                                    ("district_staff", "District staff"),
                                    ("partner_staff", "Community partner staff"),
                                ],
                                max_length=20,
                                verbose_name="role",
                            ),
                        ),
                        (
                            "district",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="staff_roles",
                                to="schools.district",
                                verbose_name="district",
                            ),
                        ),
                        (
                            "partner",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="staff_roles",
                                to="schools.partner",
                                verbose_name="community partner",
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="staff_roles",
                                to="schools.school",
                                verbose_name="school",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="staff_roles",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="person",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "staff role",
                        "verbose_name_plural": "staff roles",
                        "db_table": "accounts_staffrole",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("district__isnull", True),
                                        ("kind__in", ["school_staff", "front_desk"]),
                                        ("partner__isnull", True),
                                        ("school__isnull", False),
                                    ),
                                    models.Q(
                                        ("district__isnull", False),
                                        ("kind", "district_staff"),
                                        ("partner__isnull", True),
                                        ("school__isnull", True),
                                    ),
                                    models.Q(
                                        ("district__isnull", True),
                                        ("kind", "partner_staff"),
                                        ("partner__isnull", False),
                                        ("school__isnull", True),
                                    ),
                                    _connector="OR",
                                ),
                                name="staffrole_kind_matches_scope_v2",
                            ),
                            models.UniqueConstraint(
                                fields=("user", "kind", "school", "district", "partner"),
                                name="staffrole_unique_v2",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
