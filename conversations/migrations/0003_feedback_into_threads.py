"""The messages families wrote to schools before conversations (families.Feedback with a
family's name) become the first messages of their conversations, with the school's answer
after them; the moved rows go. Anonymous messages stay Feedback: no one can answer them."""

from django.conf import settings
from django.db import migrations


def forward(apps, schema_editor):
    Feedback = apps.get_model("families", "Feedback")
    Thread = apps.get_model("conversations", "Thread")
    ThreadMessage = apps.get_model("conversations", "ThreadMessage")
    moved = []
    for feedback in Feedback.objects.filter(family__isnull=False).order_by("created_at", "pk"):
        thread, _ = Thread.objects.get_or_create(
            family_id=feedback.family_id,
            school_id=feedback.school_id,
            defaults={"created_at": feedback.created_at, "last_message_at": feedback.created_at},
        )
        ThreadMessage.objects.create(
            thread=thread,
            from_family=True,
            text=feedback.text,
            kind=feedback.kind,
            language=feedback.language,
            created_at=feedback.created_at,
        )
        last = feedback.created_at
        if feedback.answer.strip():
            # The staff's language was not recorded: the portal's own, as the admin was.
            last = feedback.answered_at or feedback.created_at
            ThreadMessage.objects.create(
                thread=thread,
                from_family=False,
                author_id=feedback.answered_by_id,
                text=feedback.answer,
                language=settings.LANGUAGE_CODE,
                created_at=last,
            )
            thread.unread_by_staff = 0
        else:
            thread.unread_by_staff += 1
        thread.last_message_at = max(thread.last_message_at, last)
        thread.save(update_fields=["unread_by_staff", "last_message_at"])
        moved.append(feedback.pk)
    Feedback.objects.filter(pk__in=moved).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0002_message_kind"),
        ("families", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
