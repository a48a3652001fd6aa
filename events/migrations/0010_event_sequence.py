from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_event_short_title"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="sequence",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
