"""An announcement reaches each family once, in its language, within two segments, through
the outbox's real sending path and the Twilio fake (RELIABILITY E11)."""

import re
from collections import Counter

import pytest
from django.utils import timezone

from conversations.announcements import services
from conversations.announcements.tasks import send_due_announcements
from messaging.models import Message
from messaging.segments import segments
from messaging.tasks import deliver_batch
from tests.conversations.conftest import TEXTS, make_announcement, many_families
from tests.messaging.test_twilio import twilio  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.pg, pytest.mark.django_db]

LANGUAGES = ["en", "es", "ar", "ht", "zh-hans"]


def deliver_all():
    ids = list(
        Message.objects.filter(status="queued", due_at__lte=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), 100):
        deliver_batch(ids[start : start + 100])


def test_an_announcement_to_1000_families_goes_once_each_in_their_language(
    school_a,
    twilio,  # noqa: F811 (the fixture imported above)
    settings,
):
    settings.MESSAGING_RATE_LIMITS = {**settings.MESSAGING_RATE_LIMITS, "sms": None}
    families = many_families(school_a, [LANGUAGES[i % 5] for i in range(1000)])
    language_of = {f.user.phone: f.language for f in families}
    announcement = make_announcement(school_a)
    assert services.send(announcement) == 1000
    # Pressed again, and the scheduled task on top: nothing more is queued.
    assert services.send(announcement) == 0
    send_due_announcements.run()
    assert Message.objects.filter(kind="announcement").count() == 1000
    deliver_all()
    texts = [form for path, form in twilio.received if path.endswith("/Messages.json")]
    assert len(texts) == 1000
    assert Counter(form["To"] for form in texts).most_common(1)[0][1] == 1
    for form in texts:
        language, body = language_of[form["To"]], form["Body"]
        assert segments(body) <= 2, body
        own = TEXTS.get(language)
        if own:
            assert own[0] in body, (language, body)
        else:  # Haitian Creole and Chinese have no version: the English one, said so
            assert TEXTS["en"][0] in body
            assert "English" in body
    assert Message.objects.filter(kind="announcement", status="sent").count() == 1000
    # Delivery per language and channel, as staff see it.
    rows = {(r["language"], r["channel"]): r for r in services.delivery(announcement)}
    assert {k: r["sent"] for k, r in rows.items()} == {(c, "sms"): 200 for c in LANGUAGES}


def test_a_scheduled_announcement_goes_once_at_its_time_even_if_the_task_runs_twice(school_a):
    many_families(school_a, ["en", "es", "ar"])
    later = timezone.now() + timezone.timedelta(hours=2)
    announcement = make_announcement(school_a, send_at=later)
    services.schedule(announcement)
    assert send_due_announcements.run() == 0  # not yet
    assert not Message.objects.exists()
    announcement.send_at = timezone.now() - timezone.timedelta(minutes=1)
    announcement.save()
    assert send_due_announcements.run() == 3
    assert send_due_announcements.run() == 0
    assert Message.objects.filter(kind="announcement").count() == 3
    announcement.refresh_from_db()
    assert announcement.status == "sent"


def test_the_family_without_a_version_is_told_which_language_it_reads(school_a):
    from django.utils import translation

    from conversations.announcements.notices import sms_text

    announcement = make_announcement(school_a, languages=("en",))
    with translation.override("es"):
        text = sms_text(announcement, "es")
    assert re.search(r"English", text) and TEXTS["en"][0] in text


def test_a_number_that_replied_stop_gets_no_text(school_a, twilio, settings):  # noqa: F811
    from messaging.optout import handle_reply

    settings.MESSAGING_RATE_LIMITS = {**settings.MESSAGING_RATE_LIMITS, "sms": None}
    stopped, texted = many_families(school_a, ["es", "es"])
    handle_reply(stopped.user.phone, "PARA")
    services.send(make_announcement(school_a))
    deliver_all()
    texts = [f["To"] for p, f in twilio.received if p.endswith("/Messages.json")]
    assert texts == [texted.user.phone]


def sent_today(family, count):
    Message.objects.bulk_create(
        Message(
            recipient=f"family:{family.pk}",
            channel="sms",
            language=family.language,
            kind="notice",
            status="sent",
            sent_at=timezone.now(),
            idempotency_key=f"earlier:{family.pk}:{i}",
        )
        for i in range(count)
    )


@pytest.mark.parametrize(("urgent", "status"), [(False, "queued"), (True, "sent")])
def test_the_daily_limit_holds_a_plain_announcement_not_an_urgent_one(
    school_a, settings, urgent, status
):
    (family,) = many_families(school_a, ["en"])
    sent_today(family, settings.MESSAGING_DAILY_LIMIT)
    services.send(make_announcement(school_a, urgent=urgent))
    deliver_all()
    message = Message.objects.get(kind__startswith="announcement")
    assert message.status == status
    if not urgent:  # waits for tomorrow, not lost
        assert message.due_at > timezone.now() + timezone.timedelta(hours=6)
