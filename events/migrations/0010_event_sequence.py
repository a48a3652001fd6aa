from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_committee_in_committees_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="sequence",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
