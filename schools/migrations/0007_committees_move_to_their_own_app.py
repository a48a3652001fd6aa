"""Committee, Seat and SeatApplication now belong to the `committees` app (its 0001): they
leave this app's state only; their tables stay, with every row."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_initial"),
        ("events", "0008_committee_in_committees_app"),
        ("schools", "0006_recording_named_by_its_content"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="committee",
                    name="district",
                ),
                migrations.RemoveField(
                    model_name="committee",
                    name="school",
                ),
                migrations.RemoveConstraint(
                    model_name="seat",
                    name="seat_term_ends_after_start",
                ),
                migrations.RemoveConstraint(
                    model_name="seatapplication",
                    name="one_application_per_committee",
                ),
                migrations.RemoveField(
                    model_name="seat",
                    name="committee",
                ),
                migrations.RemoveField(
                    model_name="seat",
                    name="holder",
                ),
                migrations.RemoveField(
                    model_name="seatapplication",
                    name="committee",
                ),
                migrations.RemoveField(
                    model_name="seatapplication",
                    name="family",
                ),
                migrations.RemoveField(
                    model_name="seatapplication",
                    name="seat",
                ),
                migrations.DeleteModel(
                    name="Committee",
                ),
                migrations.DeleteModel(
                    name="Seat",
                ),
                migrations.DeleteModel(
                    name="SeatApplication",
                ),
            ],
        ),
    ]
